use chrono::{DateTime, Utc};
use entity::mail_outbox;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    error::AppError,
    state::AppState,
    web::i18n::{self, Lang},
};

pub const QUEUED: &str = "queued";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";

/// A mail to send: `kind` names the templates `emails/{kind}.hbs` (HTML) and `emails/{kind}.txt.hbs`
/// and the subject `mail-{kind}-subject`.
pub struct Email<'a> {
    pub to: &'a str,
    pub lang: Lang,
    pub kind: &'a str,
    pub data: Value,
}

/// A text file sent along with a mail, such as a workshop's `.ics`.
pub struct Attachment {
    pub name: String,
    pub content_type: String,
    pub body: String,
}

/// Renders `email` in the recipient's language and stores it for delivery. Call it inside the
/// transaction of the change that causes the mail, then `wake` after the commit.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    state: &AppState,
    email: Email<'_>,
) -> Result<(), AppError> {
    enqueue_with_attachment(db, state, email, None).await
}

/// As `enqueue`, with a file attached.
pub async fn enqueue_with_attachment(
    db: &impl ConnectionTrait,
    state: &AppState,
    email: Email<'_>,
    attachment: Option<Attachment>,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let context = json!({
        "lang": email.lang.code(),
        "site_url": state.settings.absolute_url("/"),
        "data": email.data,
    });
    let subject = i18n::t(email.lang, &format!("mail-{}-subject", email.kind));
    let body_html = state
        .templates
        .render(&format!("emails/{}", email.kind), &context)?;
    let body_text = state
        .templates
        .render_text(&format!("emails/{}", email.kind), &context)?;
    let id = Uuid::new_v4();
    let host = state
        .settings
        .base_url
        .host_str()
        .unwrap_or("localhost")
        .to_string();
    mail_outbox::ActiveModel {
        id: Set(id),
        message_id: Set(format!("{}@{}", id, host)),
        recipient: Set(email.to.to_string()),
        subject: Set(subject),
        body_text: Set(body_text),
        body_html: Set(body_html),
        status: Set(QUEUED.into()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        locked_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        attachment_name: Set(attachment.as_ref().map(|a| a.name.clone())),
        attachment_content_type: Set(attachment.as_ref().map(|a| a.content_type.clone())),
        attachment_body: Set(attachment.map(|a| a.body)),
    }
    .insert(db)
    .await?;
    tracing::info!(
        kind = email.kind,
        domain = recipient_domain(email.to),
        "mail queued"
    );
    Ok(())
}

/// Tells this instance's worker that new mail is waiting (others find it on their next round).
pub fn wake(state: &AppState) {
    state.mail_wakeup.notify_one();
}

/// Logs name the recipient's domain only.
pub fn recipient_domain(address: &str) -> &str {
    address.rsplit_once('@').map(|(_, d)| d).unwrap_or("?")
}

#[derive(Debug, FromQueryResult)]
pub struct StatusCount {
    pub status: String,
    pub count: i64,
}

pub async fn status_counts(db: &impl ConnectionTrait) -> Result<Vec<StatusCount>, DbErr> {
    mail_outbox::Entity::find()
        .select_only()
        .column(mail_outbox::Column::Status)
        .column_as(mail_outbox::Column::Id.count(), "count")
        .group_by(mail_outbox::Column::Status)
        .into_model::<StatusCount>()
        .all(db)
        .await
}

/// One page of the outbox, optionally of one status, newest first.
pub async fn page(
    db: &impl ConnectionTrait,
    status: Option<&str>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<mail_outbox::Model>, u64), DbErr> {
    let mut query = mail_outbox::Entity::find();
    if let Some(status) = status {
        query = query.filter(mail_outbox::Column::Status.eq(status));
    }
    let paginator = query
        .order_by_desc(mail_outbox::Column::CreatedAt)
        .order_by_desc(mail_outbox::Column::Id)
        .paginate(db, per_page);
    let pages = paginator.num_pages().await?;
    Ok((paginator.fetch_page(page).await?, pages))
}

/// Puts a mail back in the queue for immediate delivery with a fresh count of attempts.
/// Returns false when there is no such mail or it was already sent.
pub async fn retry_now(
    db: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::Status, QUEUED.into())
        .col_expr(mail_outbox::Column::Attempts, 0.into())
        .col_expr(mail_outbox::Column::NextAttemptAt, now.into())
        .col_expr(
            mail_outbox::Column::LockedUntil,
            Option::<DateTime<Utc>>::None.into(),
        )
        .filter(mail_outbox::Column::Id.eq(id))
        .filter(mail_outbox::Column::Status.ne(SENT))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}
