//! Delivery of queued mail, called by the background worker (`crate::jobs`).
//!
//! Delivery is at least once. A worker claims a batch of due rows in one statement (on PostgreSQL
//! with `FOR UPDATE SKIP LOCKED`) under a lease of a minute and a claim id of its own; it renews
//! the lease of each mail just before and while sending it, so a mail is never taken from a
//! worker that is still at it, while the mail of a worker that died goes out about a minute
//! later. A worker killed after the server accepted a mail but before the row says `sent` sends
//! it again: the Message-ID stays the same, so the receiving side can drop the copy.
//!
//! An SMTP 5xx reply is permanent: the mail is failed at once with the server's reason. 4xx
//! replies and connection errors are retried with exponential back-off until
//! `TEILHABE_MAIL_MAX_ATTEMPTS`. Once sent, the encrypted contents (address, bodies, links) are
//! deleted; a failed mail keeps them (encrypted) so an admin can retry it, until housekeeping.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement, TransactionTrait};
use uuid::Uuid;

use crate::{
    db::placeholders,
    notifications::{
        mailer::{Mailer, OutgoingMail, SendError},
        service::{self, Contents, MailStatus},
    },
    state::AppState,
};

/// Sent and failed mails are kept for a month to answer "did it go out?" and then deleted (sent
/// ones hold neither the address nor the links any more; failed ones hold them encrypted).
const KEEP_SENT: chrono::Duration = chrono::Duration::days(30);

/// Mails claimed per round.
const BATCH: i64 = 10;
/// How long a claim holds without renewal; a worker that dies mid-send releases its mails after
/// this.
pub const LEASE: chrono::Duration = chrono::Duration::minutes(1);
/// How often a mail's lease is renewed while the server has not answered yet.
const RENEW_EVERY: Duration = Duration::from_secs(20);

#[derive(FromQueryResult)]
struct Claimed {
    id: Uuid,
    message_id: String,
    subject: String,
    sealed: String,
    attempts: i32,
}

/// Delivers every mail that is due, batch by batch. Returns how many were sent.
pub async fn deliver_due(state: &AppState, mailer: &Mailer) -> Result<usize, DbErr> {
    seal_legacy(state).await?;
    let claim_id = Uuid::new_v4();
    let mut sent = 0;
    loop {
        let batch = claim_batch(&state.db, claim_id, state.clock.now()).await?;
        if batch.is_empty() {
            return Ok(sent);
        }
        let mut untried: Vec<Uuid> = batch.iter().map(|m| m.id).collect();
        for mail in batch {
            untried.retain(|id| *id != mail.id);
            // The lease may have run out while earlier mails of the batch were sent; then another
            // worker may own this one now.
            if !renew(&state.db, mail.id, claim_id, state.clock.now()).await? {
                continue;
            }
            let Some(contents) = service::open_sealed(&state.keys, mail.id, &mail.sealed) else {
                let reason = "the contents cannot be decrypted (was the instance secret changed?)";
                mark_failed_attempt(&state.db, mail.id, true, state.clock.now(), reason).await?;
                tracing::warn!("queued mail cannot be decrypted");
                continue;
            };
            match send_renewing(state, mailer, &mail, claim_id, &contents).await? {
                Ok(()) => {
                    mark_sent(&state.db, mail.id, state.clock.now()).await?;
                    tracing::info!(
                        domain = service::recipient_domain(&contents.to),
                        "mail sent"
                    );
                    sent += 1;
                }
                Err(e) => {
                    let give_up =
                        e.permanent || mail.attempts >= state.settings.mail_max_attempts as i32;
                    let wait = state.settings.mail_retry_base
                        * 2u32.saturating_pow((mail.attempts - 1).max(0) as u32);
                    let next =
                        state.clock.now() + chrono::Duration::from_std(wait).unwrap_or(LEASE);
                    let reason = redact(&e.reason, &contents.to);
                    mark_failed_attempt(&state.db, mail.id, give_up, next, &reason).await?;
                    // The reason may quote the address, so it goes to the outbox row, not the log.
                    tracing::warn!(
                        domain = service::recipient_domain(&contents.to),
                        attempts = mail.attempts,
                        permanent = e.permanent,
                        gave_up = give_up,
                        "mail delivery failed"
                    );
                    if !e.permanent {
                        // The transport is likely down: hand the rest back untouched for the next
                        // round, so mails never tried do not use up attempts.
                        release(&state.db, &untried, claim_id).await?;
                        return Ok(sent);
                    }
                }
            }
        }
    }
}

/// Sends one mail, renewing its lease while the server takes its time.
async fn send_renewing(
    state: &AppState,
    mailer: &Mailer,
    mail: &Claimed,
    claim_id: Uuid,
    contents: &Contents,
) -> Result<Result<(), SendError>, DbErr> {
    let outgoing = OutgoingMail {
        message_id: &mail.message_id,
        recipient: &contents.to,
        subject: &mail.subject,
        body_text: &contents.body_text,
        body_html: &contents.body_html,
        attachment: contents
            .attachment
            .as_ref()
            .map(|a| (a.name.as_str(), a.content_type.as_str(), a.body.as_str())),
        date: state.clock.now().into(),
    };
    let send = mailer.send(&state.settings, &outgoing);
    tokio::pin!(send);
    loop {
        tokio::select! {
            result = &mut send => return Ok(result),
            _ = tokio::time::sleep(RENEW_EVERY) => {
                renew(&state.db, mail.id, claim_id, state.clock.now()).await?;
            }
        }
    }
}

/// The server's reply with the address replaced by its domain (replies often quote it).
fn redact(reason: &str, address: &str) -> String {
    let domain = service::recipient_domain(address);
    let shown = format!("…@{domain}");
    let mut out = reason.replace(address, &shown);
    let lower = address.to_lowercase();
    if lower != address {
        out = out.replace(&lower, &shown);
    }
    out.chars().take(500).collect()
}

/// Claims the due mails (up to a batch) under `claim_id` as a worker does before sending them;
/// returns how many. Tests use it to play a worker that dies after claiming.
pub async fn claim(
    db: &impl ConnectionTrait,
    claim_id: Uuid,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    Ok(claim_batch(db, claim_id, now).await?.len())
}

async fn claim_batch(
    db: &impl ConnectionTrait,
    claim_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<Claimed>, DbErr> {
    let backend = db.get_database_backend();
    let skip_locked = if backend == DbBackend::Postgres {
        "FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE mail_outbox SET locked_until = $1, claim = $3, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM mail_outbox \
            WHERE status = '{queued}' AND next_attempt_at <= $2 AND sealed IS NOT NULL \
              AND (locked_until IS NULL OR locked_until < $2) \
            ORDER BY next_attempt_at LIMIT {BATCH} {skip_locked}) \
         RETURNING id, message_id, subject, sealed, attempts",
        queued = MailStatus::Queued.as_str(),
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            placeholders(backend, &sql),
            [(now + LEASE).into(), now.into(), claim_id.into()],
        ))
        .await?;
    rows.iter()
        .map(|row| Claimed::from_query_result(row, ""))
        .collect()
}

/// Extends this claim's lease on one mail; false when the mail is no longer under this claim.
async fn renew(
    db: &impl ConnectionTrait,
    id: Uuid,
    claim_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let backend = db.get_database_backend();
    let result = db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(
                backend,
                &format!(
                    "UPDATE mail_outbox SET locked_until = $1 \
                     WHERE id = $2 AND claim = $3 AND status = '{}'",
                    MailStatus::Queued.as_str()
                ),
            ),
            [(now + LEASE).into(), id.into(), claim_id.into()],
        ))
        .await?;
    Ok(result.rows_affected() == 1)
}

async fn release(db: &impl ConnectionTrait, ids: &[Uuid], claim_id: Uuid) -> Result<(), DbErr> {
    use entity::mail_outbox::{Column, Entity};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    if ids.is_empty() {
        return Ok(());
    }
    Entity::update_many()
        .col_expr(Column::LockedUntil, Option::<DateTime<Utc>>::None.into())
        .col_expr(Column::Claim, Option::<Uuid>::None.into())
        .col_expr(
            Column::Attempts,
            sea_orm::sea_query::ExprTrait::sub(Expr::col(Column::Attempts), 1),
        )
        .filter(Column::Id.is_in(ids.to_vec()))
        .filter(Column::Claim.eq(claim_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Sent: what held the address and the links goes.
async fn mark_sent(db: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        placeholders(
            backend,
            &format!(
                "UPDATE mail_outbox SET status = '{}', sent_at = $1, locked_until = NULL, \
                 claim = NULL, last_error = NULL, sealed = NULL, topic = NULL WHERE id = $2",
                MailStatus::Sent.as_str()
            ),
        ),
        [now.into(), id.into()],
    ))
    .await?;
    Ok(())
}

async fn mark_failed_attempt(
    db: &impl ConnectionTrait,
    id: Uuid,
    give_up: bool,
    next_attempt_at: DateTime<Utc>,
    error: &str,
) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let status = if give_up {
        MailStatus::Failed
    } else {
        MailStatus::Queued
    };
    let error: String = error.chars().take(500).collect();
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        placeholders(
            backend,
            "UPDATE mail_outbox SET status = $1, next_attempt_at = $2, locked_until = NULL, \
             claim = NULL, last_error = $3 WHERE id = $4",
        ),
        [
            status.as_str().into(),
            next_attempt_at.into(),
            error.into(),
            id.into(),
        ],
    ))
    .await?;
    Ok(())
}

#[derive(FromQueryResult)]
struct Legacy {
    id: Uuid,
    recipient: String,
    body_text: String,
    body_html: String,
    attachment_name: Option<String>,
    attachment_content_type: Option<String>,
    attachment_body: Option<String>,
}

/// Encrypts the mails that were queued before the outbox was sealed (migration 16 moved their
/// contents to `mail_outbox_legacy`), then forgets the plain copies. Runs before every delivery
/// round; after the first one the table is empty.
pub async fn seal_legacy(state: &AppState) -> Result<usize, DbErr> {
    let backend = state.db.get_database_backend();
    let rows = state
        .db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT id, recipient, body_text, body_html, attachment_name, \
             attachment_content_type, attachment_body FROM mail_outbox_legacy",
        ))
        .await?;
    let mut sealed = 0;
    for row in rows {
        let legacy = Legacy::from_query_result(&row, "")?;
        let contents = Contents {
            to: legacy.recipient,
            body_text: legacy.body_text,
            body_html: legacy.body_html,
            attachment: match (
                legacy.attachment_name,
                legacy.attachment_content_type,
                legacy.attachment_body,
            ) {
                (Some(name), Some(content_type), Some(body)) => Some(service::Attachment {
                    name,
                    content_type,
                    body,
                }),
                _ => None,
            },
        };
        let txn = state.db.begin().await?;
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(
                backend,
                &format!(
                    "UPDATE mail_outbox SET sealed = $1, recipient_key = $2 \
                     WHERE id = $3 AND status = '{}'",
                    MailStatus::Queued.as_str()
                ),
            ),
            [
                service::seal(&state.keys, legacy.id, &contents).into(),
                service::recipient_key(&state.keys, &contents.to).into(),
                legacy.id.into(),
            ],
        ))
        .await?;
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(backend, "DELETE FROM mail_outbox_legacy WHERE id = $1"),
            [legacy.id.into()],
        ))
        .await?;
        txn.commit().await?;
        sealed += 1;
    }
    if sealed > 0 {
        tracing::info!(count = sealed, "encrypted mails queued before the upgrade");
    }
    Ok(sealed)
}

/// Housekeeping: deletes sent and failed mails older than [`KEEP_SENT`].
pub async fn purge_sent(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        placeholders(
            backend,
            &format!(
                "DELETE FROM mail_outbox WHERE (status = '{}' AND sent_at < $1) \
                 OR (status = '{}' AND created_at < $1)",
                MailStatus::Sent.as_str(),
                MailStatus::Failed.as_str()
            ),
        ),
        [(now - KEEP_SENT).into()],
    ))
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn a_server_reply_keeps_only_the_domain_of_the_address() {
        assert_eq!(
            redact(
                "permanent error (550): 5.1.1 <Paul@Example.org>: unknown, paul@example.org",
                "Paul@Example.org"
            ),
            "permanent error (550): 5.1.1 <…@Example.org>: unknown, …@Example.org"
        );
    }
}
