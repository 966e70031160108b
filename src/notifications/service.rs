use chrono::{DateTime, Utc};
use entity::mail_outbox;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::{
    error::AppError,
    secrets::Keys,
    state::AppState,
    web::i18n::{self, Lang},
};

/// Where a mail of the outbox stands (`mail_outbox.status`): queued until it is sent, or failed
/// once the worker gave up on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailStatus {
    Queued,
    Sent,
    Failed,
}

impl MailStatus {
    pub const ALL: [MailStatus; 3] = [MailStatus::Queued, MailStatus::Sent, MailStatus::Failed];

    pub const fn as_str(self) -> &'static str {
        match self {
            MailStatus::Queued => "queued",
            MailStatus::Sent => "sent",
            MailStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<MailStatus> {
        MailStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Whether `stored` (a `mail_outbox.status` value) is this status.
    pub fn is(self, stored: &str) -> bool {
        stored == self.as_str()
    }
}

/// A mail to send: `kind` names the templates `emails/{kind}.hbs` (HTML) and `emails/{kind}.txt.hbs`
/// and the subject `mail-{kind}-subject`.
pub struct Email<'a> {
    pub to: &'a str,
    pub lang: Lang,
    pub kind: &'a str,
    pub data: Value,
}

/// A text file sent along with a mail, such as a workshop's `.ics`.
#[derive(Serialize, Deserialize)]
pub struct Attachment {
    pub name: String,
    pub content_type: String,
    pub body: String,
}

/// What only the worker may read: stored encrypted in `mail_outbox.sealed` while the mail
/// waits, and deleted once it is sent.
#[derive(Serialize, Deserialize)]
pub struct Contents {
    pub to: String,
    pub body_text: String,
    pub body_html: String,
    pub attachment: Option<Attachment>,
}

/// Renders `email` in the recipient's language and stores it for delivery. Call it inside the
/// transaction of the change that causes the mail, then `wake` after the commit.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    state: &AppState,
    email: Email<'_>,
) -> Result<(), AppError> {
    store(db, state, email, None, None).await
}

/// As `enqueue`, with a file attached.
pub async fn enqueue_with_attachment(
    db: &impl ConnectionTrait,
    state: &AppState,
    email: Email<'_>,
    attachment: Option<Attachment>,
) -> Result<(), AppError> {
    store(db, state, email, attachment, None).await
}

/// As `enqueue`, for a mail that `withdraw_queued(topic)` takes back while it still waits (such
/// as the mails of a subscription that ends). The topic is cleared once the mail is sent.
pub async fn enqueue_about(
    db: &impl ConnectionTrait,
    state: &AppState,
    email: Email<'_>,
    topic: &str,
) -> Result<(), AppError> {
    store(db, state, email, None, Some(topic)).await
}

async fn store(
    db: &impl ConnectionTrait,
    state: &AppState,
    email: Email<'_>,
    attachment: Option<Attachment>,
    topic: Option<&str>,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let Rendered {
        subject,
        body_text,
        body_html,
    } = render(state, &email)?;
    let id = Uuid::new_v4();
    let host = state
        .settings
        .base_url
        .host_str()
        .unwrap_or("localhost")
        .to_string();
    let contents = Contents {
        to: email.to.to_string(),
        body_text,
        body_html,
        attachment,
    };
    mail_outbox::ActiveModel {
        id: Set(id),
        message_id: Set(format!("{}@{}", id, host)),
        kind: Set(email.kind.to_string()),
        subject: Set(subject),
        recipient_domain: Set(recipient_domain(email.to).to_string()),
        recipient_key: Set(Some(recipient_key(&state.keys, email.to))),
        topic: Set(topic.map(str::to_string)),
        sealed: Set(Some(seal(&state.keys, id, &contents))),
        status: Set(MailStatus::Queued.as_str().into()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        locked_until: Set(None),
        claim: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
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

/// A mail in the recipient's language.
pub struct Rendered {
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
}

/// What every mail template sees: the language, the site's address and the mail's own data.
#[derive(Serialize)]
struct MailContext<'a> {
    lang: &'static str,
    site_url: String,
    data: &'a Value,
}

pub fn render(state: &AppState, email: &Email<'_>) -> Result<Rendered, AppError> {
    let context = MailContext {
        lang: email.lang.code(),
        site_url: state.settings.absolute_url("/"),
        data: &email.data,
    };
    Ok(Rendered {
        subject: i18n::t(email.lang, &format!("mail-{}-subject", email.kind)),
        body_html: state
            .templates
            .render(&format!("emails/{}", email.kind), &context)?,
        body_text: state
            .templates
            .render_text(&format!("emails/{}", email.kind), &context)?,
    })
}

/// Encrypts a mail's contents, bound to its row.
pub fn seal(keys: &Keys, id: Uuid, contents: &Contents) -> String {
    let plain =
        serde_json::to_vec(contents).unwrap_or_else(|_| unreachable!("strings always serialize"));
    keys.seal(id.as_bytes(), &plain)
}

/// The contents of a row that still holds them; `None` once sent, or when they were sealed under
/// another instance secret.
pub fn open(keys: &Keys, mail: &mail_outbox::Model) -> Option<Contents> {
    open_sealed(keys, mail.id, mail.sealed.as_deref()?)
}

pub fn open_sealed(keys: &Keys, id: Uuid, sealed: &str) -> Option<Contents> {
    serde_json::from_slice(&keys.open(id.as_bytes(), sealed)?).ok()
}

/// How the outbox finds a person's mails without storing the address: a keyed hash of it.
pub fn recipient_key(keys: &Keys, address: &str) -> String {
    keys.keyed_hash(&["mail recipient", &address.trim().to_lowercase()])
}

/// Every mail (waiting, sent or failed) to one of `addresses`, oldest first.
pub async fn mails_to(
    db: &impl ConnectionTrait,
    keys: &Keys,
    addresses: &[&str],
) -> Result<Vec<mail_outbox::Model>, DbErr> {
    mail_outbox::Entity::find()
        .filter(
            mail_outbox::Column::RecipientKey
                .is_in(addresses.iter().map(|a| recipient_key(keys, a))),
        )
        .order_by_asc(mail_outbox::Column::CreatedAt)
        .order_by_asc(mail_outbox::Column::Id)
        .all(db)
        .await
}

/// Deletes every mail to one of `addresses` (for the account deletion).
pub async fn forget_recipients(
    db: &impl ConnectionTrait,
    keys: &Keys,
    addresses: &[&str],
) -> Result<(), DbErr> {
    mail_outbox::Entity::delete_many()
        .filter(
            mail_outbox::Column::RecipientKey
                .is_in(addresses.iter().map(|a| recipient_key(keys, a))),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes the mails about `topic` that have not gone out yet.
pub async fn withdraw_queued(db: &impl ConnectionTrait, topic: &str) -> Result<(), DbErr> {
    mail_outbox::Entity::delete_many()
        .filter(mail_outbox::Column::Status.eq(MailStatus::Queued.as_str()))
        .filter(mail_outbox::Column::Topic.eq(topic))
        .exec(db)
        .await?;
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
    status: Option<MailStatus>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<mail_outbox::Model>, u64), DbErr> {
    let mut query = mail_outbox::Entity::find();
    if let Some(status) = status {
        query = query.filter(mail_outbox::Column::Status.eq(status.as_str()));
    }
    let paginator = query
        .order_by_desc(mail_outbox::Column::CreatedAt)
        .order_by_desc(mail_outbox::Column::Id)
        .paginate(db, per_page);
    let pages = paginator.num_pages().await?;
    Ok((paginator.fetch_page(page).await?, pages))
}

/// Puts a mail back in the queue for immediate delivery with a fresh count of attempts.
/// Returns false when there is no such mail, it was already sent or its contents are gone.
pub async fn retry_now(
    db: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = mail_outbox::Entity::update_many()
        .col_expr(
            mail_outbox::Column::Status,
            MailStatus::Queued.as_str().into(),
        )
        .col_expr(mail_outbox::Column::Attempts, 0.into())
        .col_expr(mail_outbox::Column::NextAttemptAt, now.into())
        .col_expr(
            mail_outbox::Column::LockedUntil,
            Option::<DateTime<Utc>>::None.into(),
        )
        .col_expr(mail_outbox::Column::Claim, Option::<Uuid>::None.into())
        .filter(mail_outbox::Column::Id.eq(id))
        .filter(mail_outbox::Column::Status.ne(MailStatus::Sent.as_str()))
        .filter(mail_outbox::Column::Sealed.is_not_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}
