//! The background worker inside the server process, and the list of its jobs: the composition
//! root registers each slice's periodic job here, so no slice imports another to be run. Every
//! round it opens and closes rounds when their period begins or ends, delivers queued mail and
//! queues workshop reminders; every quarter of an hour it does each slice's housekeeping
//! (including the deletion of workshop sign-ups' personal data) and mixes the survey answers.
//! Several instances may run it at once; how they share the outbox is told in
//! `notifications::delivery`.

use std::{
    fmt::Display,
    time::{Duration, Instant},
};

use sea_orm::DbErr;
use tokio::{sync::watch, task::JoinHandle};

use crate::{
    accounts::model as accounts,
    identity::sessions,
    notifications::{delivery, mailer::Mailer},
    state::AppState,
    web::rate_limit,
};

const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(15 * 60);

/// Logs a job that failed; the worker goes on with the next one.
fn report<T, E: Display>(job: &str, outcome: Result<T, E>) {
    if let Err(e) = outcome {
        tracing::error!(error = %e, "{job} failed");
    }
}

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
            report(
                "opening or closing rounds",
                crate::rounds::due::advance_due(&state).await,
            );
            report("outbox round", delivery::deliver_due(&state, &mailer).await);
            // After delivery; queued reminders wake the worker for another round at once.
            report(
                "queueing workshop reminders",
                crate::workshops::reminders::send_reminders(&state).await,
            );
            if last_housekeeping.is_none_or(|t| t.elapsed() >= HOUSEKEEPING_EVERY) {
                report("housekeeping", housekeeping(&state).await);
                report(
                    "mixing the survey answers",
                    crate::surveys::mixing::mix_if_changed(&state.db, &mut last_mixed).await,
                );
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

/// Deletes what has served its purpose, slice by slice: old rate-limit counters, used and
/// expired tokens, ended sessions, accounts, subscriptions and ideas never confirmed, workshop
/// sign-ups past their retention, indicator imports never confirmed, sent mails after a month.
pub async fn housekeeping(state: &AppState) -> Result<(), DbErr> {
    let now = state.clock.now();
    rate_limit::prune(&state.db, now.timestamp()).await?;
    accounts::purge_stale(&state.db, now).await?;
    sessions::purge(&state.db, &state.settings, now).await?;
    crate::rounds::subscribers::purge_unconfirmed(&state.db, now).await?;
    crate::workshops::personal_data::purge_personal_data(
        &state.db,
        now,
        state.settings.signup_retention_days,
    )
    .await?;
    crate::ideas::personal_data::purge_unconfirmed(&state.db, now).await?;
    crate::monitoring::import::purge_expired_drafts(&state.db, now).await?;
    delivery::purge_sent(&state.db, now).await
}
