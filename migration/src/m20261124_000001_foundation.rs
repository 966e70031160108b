//! The foundation: tenants, accounts and roles, one-time tokens, the mail outbox, the audit log and
//! the counters behind rate limits.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Municipalities {
    Table,
    Id,
    Slug,
    Name,
    MinGroupSize,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    EmailVerifiedAt,
    PasswordHash,
    DisplayName,
    Language,
    SessionVersion,
    CreatedAt,
    LastLoginAt,
}

#[derive(DeriveIden)]
enum RoleAssignments {
    Table,
    Id,
    UserId,
    Role,
    MunicipalityId,
    GrantedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LoginTokens {
    Table,
    Id,
    UserId,
    Purpose,
    TokenHash,
    NewEmail,
    ExpiresAt,
    UsedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    Id,
    MessageId,
    Recipient,
    Subject,
    BodyText,
    BodyHtml,
    Status,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    LastError,
    CreatedAt,
    SentAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    ActorId,
    MunicipalityId,
    Action,
    TargetType,
    TargetId,
    Summary,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RateLimits {
    Table,
    Key,
    WindowStart,
    Hits,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Municipalities::Table)
                    .col(pk_uuid(Municipalities::Id))
                    .col(string_len_uniq(Municipalities::Slug, 80))
                    .col(string_len(Municipalities::Name, 200))
                    .col(integer(Municipalities::MinGroupSize).default(5))
                    .col(timestamp_with_time_zone(Municipalities::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(pk_uuid(Users::Id))
                    .col(string_len_uniq(Users::Email, 254))
                    .col(timestamp_with_time_zone_null(Users::EmailVerifiedAt))
                    .col(string_null(Users::PasswordHash))
                    .col(string_len_null(Users::DisplayName, 80))
                    .col(string_len(Users::Language, 8).default("de"))
                    .col(integer(Users::SessionVersion).default(0))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone_null(Users::LastLoginAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RoleAssignments::Table)
                    .col(pk_uuid(RoleAssignments::Id))
                    .col(uuid(RoleAssignments::UserId))
                    .col(string_len(RoleAssignments::Role, 20))
                    .col(uuid_null(RoleAssignments::MunicipalityId))
                    .col(uuid_null(RoleAssignments::GrantedBy))
                    .col(timestamp_with_time_zone(RoleAssignments::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RoleAssignments::Table, RoleAssignments::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(RoleAssignments::Table, RoleAssignments::MunicipalityId)
                            .to(Municipalities::Table, Municipalities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(RoleAssignments::Table, RoleAssignments::GrantedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_role_assignments_user")
                    .table(RoleAssignments::Table)
                    .col(RoleAssignments::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LoginTokens::Table)
                    .col(pk_uuid(LoginTokens::Id))
                    .col(uuid(LoginTokens::UserId))
                    .col(string_len(LoginTokens::Purpose, 20))
                    .col(string_len_uniq(LoginTokens::TokenHash, 64))
                    .col(string_len_null(LoginTokens::NewEmail, 254))
                    .col(timestamp_with_time_zone(LoginTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(LoginTokens::UsedAt))
                    .col(timestamp_with_time_zone(LoginTokens::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(LoginTokens::Table, LoginTokens::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_login_tokens_user")
                    .table(LoginTokens::Table)
                    .col(LoginTokens::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(MailOutbox::Table)
                    .col(pk_uuid(MailOutbox::Id))
                    .col(string_len_uniq(MailOutbox::MessageId, 200))
                    .col(string_len(MailOutbox::Recipient, 254))
                    .col(string_len(MailOutbox::Subject, 300))
                    .col(text(MailOutbox::BodyText))
                    .col(text(MailOutbox::BodyHtml))
                    .col(string_len(MailOutbox::Status, 10))
                    .col(integer(MailOutbox::Attempts).default(0))
                    .col(timestamp_with_time_zone(MailOutbox::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(MailOutbox::LockedUntil))
                    .col(text_null(MailOutbox::LastError))
                    .col(timestamp_with_time_zone(MailOutbox::CreatedAt))
                    .col(timestamp_with_time_zone_null(MailOutbox::SentAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_mail_outbox_due")
                    .table(MailOutbox::Table)
                    .col(MailOutbox::Status)
                    .col(MailOutbox::NextAttemptAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(pk_uuid(AuditLog::Id))
                    .col(uuid_null(AuditLog::ActorId))
                    .col(uuid_null(AuditLog::MunicipalityId))
                    .col(string_len(AuditLog::Action, 60))
                    .col(string_len(AuditLog::TargetType, 40))
                    .col(string_len_null(AuditLog::TargetId, 80))
                    .col(text(AuditLog::Summary))
                    .col(timestamp_with_time_zone(AuditLog::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AuditLog::Table, AuditLog::ActorId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AuditLog::Table, AuditLog::MunicipalityId)
                            .to(Municipalities::Table, Municipalities::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_log_created")
                    .table(AuditLog::Table)
                    .col(AuditLog::CreatedAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RateLimits::Table)
                    .col(string_len(RateLimits::Key, 64).primary_key())
                    .col(big_integer(RateLimits::WindowStart))
                    .col(integer(RateLimits::Hits))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RateLimits::Table.into_iden(),
            AuditLog::Table.into_iden(),
            MailOutbox::Table.into_iden(),
            LoginTokens::Table.into_iden(),
            RoleAssignments::Table.into_iden(),
            Users::Table.into_iden(),
            Municipalities::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
