//! Ideas posted with the receipt code only (no account, no address) are marked as such, so the
//! code may withdraw them; free-text survey answers carry the personal-data screening's mark, so
//! the release queue can put marked texts first in SQL. Texts already waiting are screened by the
//! application when it starts (the screening lives there), so the mark starts out empty.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Ideas {
    Table,
    CodeOnly,
}

#[derive(DeriveIden)]
enum SurveyAnswers {
    Table,
    TextMarked,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(Ideas::Table)
                    .add_column(boolean(Ideas::CodeOnly).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SurveyAnswers::Table)
                    .add_column(boolean_null(SurveyAnswers::TextMarked))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SurveyAnswers::Table)
                    .drop_column(SurveyAnswers::TextMarked)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Ideas::Table)
                    .drop_column(Ideas::CodeOnly)
                    .to_owned(),
            )
            .await
    }
}
