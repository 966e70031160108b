use sea_orm::entity::prelude::*;

/// An e-mail waiting for (or done with) delivery. Rows are written in the same transaction as the
/// change that causes the mail. The address, the bodies (with their links) and any attachment are
/// only ever stored encrypted (`sealed`), and only until the mail is sent.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_outbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Stable across retries, so a receiving server can drop a duplicate delivery.
    #[sea_orm(unique)]
    pub message_id: String,
    /// Which mail it is (`emails/{kind}`), such as `reset` or `magic`.
    pub kind: String,
    pub subject: String,
    /// The part of the address after the `@`: all the outbox page shows of it.
    pub recipient_domain: String,
    /// Keyed hash of the lower-cased address, for the data export and the account deletion.
    pub recipient_key: Option<String>,
    /// What a waiting mail belongs to (such as `subscription:<id>`), so it can be withdrawn with
    /// it; emptied once sent.
    pub topic: Option<String>,
    /// The encrypted address, bodies and attachment (`secrets::Keys::seal`, bound to `id`);
    /// emptied when the mail is sent.
    #[sea_orm(column_type = "Text", nullable)]
    pub sealed: Option<String>,
    /// `queued`, `sent` or `failed`.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// While set and in the future, one worker owns the row.
    pub locked_until: Option<DateTimeUtc>,
    /// Which claim holds the row, so only its worker renews the lease.
    pub claim: Option<Uuid>,
    /// The last failure, with the address replaced by its domain.
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
