//! Flags that one person cannot weaponise: each flag records what kind of reporter made it (an
//! established account, a new account, or a visitor without one), because only established
//! accounts' flags hide an item by themselves, and whether it belongs to a burst of flags from new
//! accounts, which the moderation queue marks as suspicious. Flags from before this migration keep
//! no kind (NULL): nobody can tell any more who made them, so they never count towards hiding.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ModerationFlags {
    Table,
    MunicipalityId,
    CreatedAt,
    ReporterKind,
    Burst,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(ModerationFlags::Table)
                    .add_column(text_null(ModerationFlags::ReporterKind))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ModerationFlags::Table)
                    .add_column(boolean(ModerationFlags::Burst).default(false))
                    .to_owned(),
            )
            .await?;
        // The burst check counts a municipality's recent flags.
        manager
            .create_index(
                Index::create()
                    .name("idx_moderation_flags_municipality_created")
                    .table(ModerationFlags::Table)
                    .col(ModerationFlags::MunicipalityId)
                    .col(ModerationFlags::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_moderation_flags_municipality_created")
                    .table(ModerationFlags::Table)
                    .to_owned(),
            )
            .await?;
        for col in [ModerationFlags::Burst, ModerationFlags::ReporterKind] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ModerationFlags::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
