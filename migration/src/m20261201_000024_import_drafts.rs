//! An uploaded indicator spreadsheet between its preview and the coordinator's confirmation: the
//! file as it came, who uploaded it for which municipality, and when it expires. Kept in the
//! database (not in one instance's memory), so the confirmation may reach any instance; removed
//! when applied and once expired. It holds statistical values, no personal data.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Municipalities {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Indicators {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ImportDrafts {
    Table,
    Id,
    MunicipalityId,
    UserId,
    IndicatorId,
    FileName,
    Content,
    CreatedAt,
    ExpiresAt,
}

fn foreign(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ImportDrafts::Table)
                    .col(pk_uuid(ImportDrafts::Id))
                    .col(uuid(ImportDrafts::MunicipalityId))
                    .col(uuid(ImportDrafts::UserId))
                    .col(uuid_null(ImportDrafts::IndicatorId))
                    .col(string_len(ImportDrafts::FileName, 255))
                    .col(blob(ImportDrafts::Content))
                    .col(timestamp_with_time_zone(ImportDrafts::CreatedAt))
                    .col(timestamp_with_time_zone(ImportDrafts::ExpiresAt))
                    .foreign_key(&mut foreign(
                        (ImportDrafts::Table, ImportDrafts::MunicipalityId),
                        (Municipalities::Table, Municipalities::Id),
                    ))
                    .foreign_key(&mut foreign(
                        (ImportDrafts::Table, ImportDrafts::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut foreign(
                        (ImportDrafts::Table, ImportDrafts::IndicatorId),
                        (Indicators::Table, Indicators::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_import_drafts_expires")
                    .table(ImportDrafts::Table)
                    .col(ImportDrafts::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ImportDrafts::Table).to_owned())
            .await
    }
}
