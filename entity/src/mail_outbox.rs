use sea_orm::entity::prelude::*;

/// A rendered e-mail waiting for (or done with) delivery. Rows are written in the same transaction
/// as the change that causes the mail.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_outbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Stable across retries, so a receiving server can drop a duplicate delivery.
    #[sea_orm(unique)]
    pub message_id: String,
    pub recipient: String,
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub body_text: String,
    #[sea_orm(column_type = "Text")]
    pub body_html: String,
    /// `queued`, `sent` or `failed`.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// While set and in the future, one worker owns the row.
    pub locked_until: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    /// An optional file sent along, such as a workshop's `.ics` (text only).
    pub attachment_name: Option<String>,
    pub attachment_content_type: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub attachment_body: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
