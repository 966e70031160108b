//! One row that `/healthz` rewrites (at most every few seconds) to find out whether the database
//! can still be written: a full disk, a read-only file system or a read-only PostgreSQL standby
//! make that write fail. It holds no personal data, only a counter.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StorageProbes {
    Table,
    Id,
    Writes,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StorageProbes::Table)
                    .col(integer(StorageProbes::Id).primary_key())
                    .col(big_integer(StorageProbes::Writes).default(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StorageProbes::Table).to_owned())
            .await
    }
}
