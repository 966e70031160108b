//! Signed-in sessions kept on the server, so they can expire (absolute lifetime, idle timeout),
//! be listed in the profile and be ended from another device. The cookie carries a random session
//! token; only its SHA-256 is stored.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum UserSessions {
    Table,
    Id,
    UserId,
    TokenHash,
    Device,
    CreatedAt,
    LastSeenAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(UserSessions::Table)
                    .col(pk_uuid(UserSessions::Id))
                    .col(uuid(UserSessions::UserId))
                    .col(string_len_uniq(UserSessions::TokenHash, 64))
                    .col(string_len(UserSessions::Device, 80))
                    .col(timestamp_with_time_zone(UserSessions::CreatedAt))
                    .col(timestamp_with_time_zone(UserSessions::LastSeenAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(UserSessions::Table, UserSessions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_user_sessions_user")
                    .table(UserSessions::Table)
                    .col(UserSessions::UserId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(UserSessions::Table).to_owned())
            .await
    }
}
