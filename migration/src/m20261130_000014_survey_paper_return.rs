//! Where and by when a paper questionnaire goes back: printed on the paper survey, set by staff
//! per survey. Empty means the round's contact person and last day.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Surveys {
    Table,
    PaperReturnPlace,
    PaperReturnBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(Surveys::Table)
                    .add_column(text(Surveys::PaperReturnPlace).default(""))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Surveys::Table)
                    .add_column(date_null(Surveys::PaperReturnBy))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for col in [Surveys::PaperReturnBy, Surveys::PaperReturnPlace] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Surveys::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
