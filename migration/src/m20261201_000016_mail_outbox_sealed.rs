//! No live secrets at rest in the mail outbox (issue 19). A queued mail's address, bodies and
//! attachment move into one encrypted column (`sealed`, AES-256-GCM under a key derived from the
//! instance secret), which is emptied once the mail is sent. What the outbox page needs stays in
//! the clear: kind, subject, the recipient's domain, status, times, attempts and the error. A
//! keyed hash of the address (`recipient_key`) lets the data export and the account deletion find
//! a person's mails, and `topic` (such as `subscription:<id>`, emptied once sent) lets a waiting
//! mail be withdrawn with what it belongs to. `claim` marks which worker's claim a row is under,
//! so a lease can be renewed while sending.
//!
//! Existing rows: sent and failed ones lose their address and bodies here (the domain stays).
//! Queued ones cannot be encrypted here (the migration does not hold the instance secret): their
//! contents move to `mail_outbox_legacy`, which the server encrypts into `sealed` and empties
//! before it delivers anything (`notifications::legacy`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    Id,
    Recipient,
    BodyText,
    BodyHtml,
    AttachmentName,
    AttachmentContentType,
    AttachmentBody,
    Kind,
    RecipientDomain,
    RecipientKey,
    Topic,
    Sealed,
    Claim,
}

#[derive(DeriveIden)]
enum MailOutboxLegacy {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds and drops one column per statement.
        for col in [
            string_len(MailOutbox::Kind, 60).default("").to_owned(),
            string_len(MailOutbox::RecipientDomain, 254)
                .default("")
                .to_owned(),
            string_len_null(MailOutbox::RecipientKey, 64),
            string_len_null(MailOutbox::Topic, 64),
            text_null(MailOutbox::Sealed),
            uuid_null(MailOutbox::Claim),
        ] {
            let mut col = col;
            manager
                .alter_table(
                    Table::alter()
                        .table(MailOutbox::Table)
                        .add_column(&mut col)
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        let domain = match manager.get_database_backend() {
            sea_orm::DbBackend::Postgres => "substr(recipient, strpos(recipient, '@') + 1)",
            _ => "substr(recipient, instr(recipient, '@') + 1)",
        };
        db.execute_unprepared(&format!(
            "UPDATE mail_outbox SET recipient_domain = {domain}"
        ))
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(MailOutboxLegacy::Table)
                    .col(pk_uuid(MailOutbox::Id))
                    .col(string_len(MailOutbox::Recipient, 254))
                    .col(text(MailOutbox::BodyText))
                    .col(text(MailOutbox::BodyHtml))
                    .col(string_len_null(MailOutbox::AttachmentName, 200))
                    .col(string_len_null(MailOutbox::AttachmentContentType, 100))
                    .col(text_null(MailOutbox::AttachmentBody))
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared(
            "INSERT INTO mail_outbox_legacy \
             (id, recipient, body_text, body_html, attachment_name, attachment_content_type, \
              attachment_body) \
             SELECT id, recipient, body_text, body_html, attachment_name, \
              attachment_content_type, attachment_body \
             FROM mail_outbox WHERE status = 'queued'",
        )
        .await?;
        for col in [
            MailOutbox::Recipient,
            MailOutbox::BodyText,
            MailOutbox::BodyHtml,
            MailOutbox::AttachmentName,
            MailOutbox::AttachmentContentType,
            MailOutbox::AttachmentBody,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(MailOutbox::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The encrypted contents cannot come back without the instance secret: queued mails
        // come back empty.
        for col in [
            string_len(MailOutbox::Recipient, 254)
                .default("")
                .to_owned(),
            text(MailOutbox::BodyText).default("").to_owned(),
            text(MailOutbox::BodyHtml).default("").to_owned(),
            string_len_null(MailOutbox::AttachmentName, 200),
            string_len_null(MailOutbox::AttachmentContentType, 100),
            text_null(MailOutbox::AttachmentBody),
        ] {
            let mut col = col;
            manager
                .alter_table(
                    Table::alter()
                        .table(MailOutbox::Table)
                        .add_column(&mut col)
                        .to_owned(),
                )
                .await?;
        }
        for col in [
            MailOutbox::Kind,
            MailOutbox::RecipientDomain,
            MailOutbox::RecipientKey,
            MailOutbox::Topic,
            MailOutbox::Sealed,
            MailOutbox::Claim,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(MailOutbox::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(MailOutboxLegacy::Table).to_owned())
            .await
    }
}
