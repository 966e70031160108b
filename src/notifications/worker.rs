//! The background worker inside the server process: opens and closes rounds when their period
//! begins or ends, queues workshop reminders, delivers queued mail and does housekeeping
//! (including the deletion of workshop sign-ups' personal data).
//! Several instances may run it at once; a row is claimed with a lease in one statement (on
//! PostgreSQL with `FOR UPDATE SKIP LOCKED`), so no two instances send the same mail.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult, QueryFilter,
    Statement, sea_query::Expr,
};
use tokio::{sync::watch, task::JoinHandle};
use uuid::Uuid;

use crate::{
    accounts::service as accounts,
    db::placeholders,
    notifications::{
        mailer::{Mailer, OutgoingMail},
        service::{FAILED, QUEUED, SENT, recipient_domain},
    },
    state::AppState,
    web::rate_limit,
};

/// Mails claimed per round.
const BATCH: i64 = 10;
/// How long a claim holds; a worker that dies mid-send releases its mails after this.
const LEASE: chrono::Duration = chrono::Duration::minutes(10);
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(15 * 60);
/// Sent and failed mails hold links and addresses: they are kept for a month to answer "did it go
/// out?" and then deleted.
const KEEP_SENT: chrono::Duration = chrono::Duration::days(30);

pub fn spawn(
    state: AppState,
    mailer: Mailer,
    mut shutdown: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut last_housekeeping: Option<Instant> = None;
        let mut last_mixed = None;
        let mut checkpoints = crate::storage::checkpoint::Checkpointer::default();
        loop {
            // Before delivery, so the mails of a round that just opened go out in this pass.
            if let Err(e) = crate::rounds::service::advance_due(&state).await {
                tracing::error!(error = %e, "opening or closing rounds failed");
            }
            if let Err(e) = deliver_due(&state, &mailer).await {
                tracing::error!(error = %e, "outbox round failed");
            }
            // After delivery; queued reminders wake the worker for another round at once.
            if let Err(e) = crate::workshops::service::send_reminders(&state).await {
                tracing::error!(error = %e, "queueing workshop reminders failed");
            }
            if last_housekeeping.is_none_or(|t| t.elapsed() >= HOUSEKEEPING_EVERY) {
                if let Err(e) = housekeeping(&state).await {
                    tracing::error!(error = %e, "housekeeping failed");
                }
                if let Err(e) =
                    crate::surveys::mixing::mix_if_changed(&state.db, &mut last_mixed).await
                {
                    tracing::error!(error = %e, "mixing the survey answers failed");
                }
                last_housekeeping = Some(Instant::now());
            }
            checkpoints.tick(&state).await;
            tokio::select! {
                _ = tokio::time::sleep(state.settings.worker_interval) => {}
                _ = state.mail_wakeup.notified() => {}
                _ = shutdown.changed() => break,
            }
        }
        tracing::info!("background worker stopped");
    })
}

#[derive(FromQueryResult)]
struct Claimed {
    id: Uuid,
    message_id: String,
    recipient: String,
    subject: String,
    body_text: String,
    body_html: String,
    attempts: i32,
    attachment_name: Option<String>,
    attachment_content_type: Option<String>,
    attachment_body: Option<String>,
}

/// Delivers every mail that is due, batch by batch. Returns how many were sent.
pub async fn deliver_due(state: &AppState, mailer: &Mailer) -> Result<usize, DbErr> {
    let mut sent = 0;
    loop {
        let now = state.clock.now();
        let batch = claim(&state.db, now).await?;
        if batch.is_empty() {
            return Ok(sent);
        }
        let mut untried: Vec<Uuid> = batch.iter().map(|m| m.id).collect();
        for mail in batch {
            untried.retain(|id| *id != mail.id);
            let outgoing = OutgoingMail {
                message_id: &mail.message_id,
                recipient: &mail.recipient,
                subject: &mail.subject,
                body_text: &mail.body_text,
                body_html: &mail.body_html,
                attachment: match (
                    &mail.attachment_name,
                    &mail.attachment_content_type,
                    &mail.attachment_body,
                ) {
                    (Some(name), Some(kind), Some(body)) => Some((name, kind, body)),
                    _ => None,
                },
            };
            match mailer.send(&state.settings, &outgoing).await {
                Ok(()) => {
                    mark_sent(&state.db, mail.id, state.clock.now()).await?;
                    tracing::info!(domain = recipient_domain(&mail.recipient), "mail sent");
                    sent += 1;
                }
                Err(e) => {
                    let failed = mail.attempts >= state.settings.mail_max_attempts as i32;
                    let wait = state.settings.mail_retry_base
                        * 2u32.saturating_pow((mail.attempts - 1).max(0) as u32);
                    let next =
                        state.clock.now() + chrono::Duration::from_std(wait).unwrap_or(LEASE);
                    mark_failed_attempt(&state.db, mail.id, failed, next, &e.to_string()).await?;
                    // The error text may quote the address, so it goes to the outbox row, not the log.
                    tracing::warn!(
                        domain = recipient_domain(&mail.recipient),
                        attempts = mail.attempts,
                        gave_up = failed,
                        "mail delivery failed"
                    );
                    if !failed {
                        // The transport is likely down: hand the rest back untouched for the next
                        // round, so mails never tried do not use up attempts.
                        release(&state.db, &untried).await?;
                        return Ok(sent);
                    }
                }
            }
        }
    }
}

async fn claim(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<Vec<Claimed>, DbErr> {
    let backend = db.get_database_backend();
    let skip_locked = if backend == DbBackend::Postgres {
        "FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE mail_outbox SET locked_until = $1, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM mail_outbox \
            WHERE status = '{QUEUED}' AND next_attempt_at <= $2 \
              AND (locked_until IS NULL OR locked_until < $2) \
            ORDER BY next_attempt_at LIMIT {BATCH} {skip_locked}) \
         RETURNING id, message_id, recipient, subject, body_text, body_html, attempts, \
         attachment_name, attachment_content_type, attachment_body"
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            placeholders(backend, &sql),
            [(now + LEASE).into(), now.into()],
        ))
        .await?;
    rows.iter()
        .map(|row| Claimed::from_query_result(row, ""))
        .collect()
}

async fn release(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    entity::mail_outbox::Entity::update_many()
        .col_expr(
            entity::mail_outbox::Column::LockedUntil,
            Option::<DateTime<Utc>>::None.into(),
        )
        .col_expr(
            entity::mail_outbox::Column::Attempts,
            sea_orm::sea_query::ExprTrait::sub(Expr::col(entity::mail_outbox::Column::Attempts), 1),
        )
        .filter(entity::mail_outbox::Column::Id.is_in(ids.to_vec()))
        .exec(db)
        .await?;
    Ok(())
}

async fn mark_sent(db: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        placeholders(
            backend,
            &format!("UPDATE mail_outbox SET status = '{SENT}', sent_at = $1, locked_until = NULL, last_error = NULL WHERE id = $2"),
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
    let status = if give_up { FAILED } else { QUEUED };
    let error: String = error.chars().take(500).collect();
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        placeholders(
            backend,
            "UPDATE mail_outbox SET status = $1, next_attempt_at = $2, locked_until = NULL, last_error = $3 WHERE id = $4",
        ),
        [status.into(), next_attempt_at.into(), error.into(), id.into()],
    ))
    .await?;
    Ok(())
}

/// Deletes what has served its purpose: old rate-limit counters, used and expired tokens, sent
/// mails after a month, accounts never confirmed.
pub async fn housekeeping(state: &AppState) -> Result<(), DbErr> {
    let now = state.clock.now();
    rate_limit::prune(&state.db, now.timestamp()).await?;
    accounts::purge_stale(&state.db, now).await?;
    crate::accounts::sessions::purge(&state.db, &state.settings, now).await?;
    crate::rounds::service::purge_unconfirmed(&state.db, now).await?;
    crate::workshops::service::purge_personal_data(
        &state.db,
        now,
        state.settings.signup_retention_days,
    )
    .await?;
    crate::ideas::service::purge_unconfirmed(&state.db, now).await?;
    let backend = state.db.get_database_backend();
    state
        .db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(
                backend,
                &format!(
                    "DELETE FROM mail_outbox WHERE (status = '{SENT}' AND sent_at < $1) \
                     OR (status = '{FAILED}' AND created_at < $1)"
                ),
            ),
            [(now - KEEP_SENT).into()],
        ))
        .await?;
    Ok(())
}
