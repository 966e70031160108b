//! A counter on each survey that every change to its questions, options or question goals
//! raises. The answer form and its POST keep a survey's questions in memory and check the
//! counter on the survey row they read anyway, so answering needs no question queries, and an
//! edit made on any instance is seen at once by all of them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Surveys {
    Table,
    DefinitionVersion,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Surveys::Table)
                    .add_column(big_integer(Surveys::DefinitionVersion).default(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Surveys::Table)
                    .drop_column(Surveys::DefinitionVersion)
                    .to_owned(),
            )
            .await
    }
}
