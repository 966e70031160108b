//! The background worker inside the server process: opens and closes rounds when their period
//! begins or ends, queues workshop reminders, delivers queued mail and does housekeeping
//! (including the deletion of workshop sign-ups' personal data).
//! Several instances may run it at once; how they share the outbox is told in `delivery`.

use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, DbErr, Statement};
use tokio::{sync::watch, task::JoinHandle};

pub use crate::notifications::delivery::deliver_due;
use crate::{
    accounts::service as accounts,
    db::placeholders,
    notifications::{
        mailer::Mailer,
        service::{FAILED, SENT},
    },
    state::AppState,
    web::rate_limit,
};

const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(15 * 60);
/// Sent and failed mails are kept for a month to answer "did it go out?" and then deleted (sent
/// ones hold neither the address nor the links any more; failed ones hold them encrypted).
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
            if let Err(e) = crate::workshops::reminders::send_reminders(&state).await {
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

/// Deletes what has served its purpose: old rate-limit counters, used and expired tokens, sent
/// mails after a month, accounts never confirmed.
pub async fn housekeeping(state: &AppState) -> Result<(), DbErr> {
    let now = state.clock.now();
    rate_limit::prune(&state.db, now.timestamp()).await?;
    accounts::purge_stale(&state.db, now).await?;
    crate::accounts::sessions::purge(&state.db, &state.settings, now).await?;
    crate::rounds::service::purge_unconfirmed(&state.db, now).await?;
    crate::workshops::personal_data::purge_personal_data(
        &state.db,
        now,
        state.settings.signup_retention_days,
    )
    .await?;
    crate::ideas::personal_data::purge_unconfirmed(&state.db, now).await?;
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
