//! The background job that opens released rounds when their period begins, closes open rounds
//! when it ends, and takes back the release of a draft whose whole period passed unopened. One
//! helper does each of the three: a conditional change in its own transaction, with its audit
//! entry (no person acted).

use chrono::{DateTime, Utc};
use entity::rounds;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
    sea_query::Expr,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    audit::service::{self as audit, Entry},
    error::AppError,
    rounds::{
        lifecycle::{close, conditional, open},
        model::Status,
    },
    state::AppState,
};

/// What the background task did in one pass.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Advanced {
    pub opened: usize,
    pub closed: usize,
}

/// What comes due for a round.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Due {
    /// A released draft whose period has begun opens.
    Open,
    /// An open round whose period has ended closes.
    Close,
    /// A released draft whose period is over without it having opened becomes a plain draft.
    Unschedule,
}

impl Due {
    /// The state it starts from.
    fn from(self) -> Status {
        match self {
            Due::Open | Due::Unschedule => Status::Draft,
            Due::Close => Status::Open,
        }
    }

    /// Which rounds in that state it is due for, at `now`.
    fn condition(self, now: DateTime<Utc>) -> Condition {
        match self {
            Due::Open => released()
                .add(rounds::Column::StartsAt.lte(now))
                .add(rounds::Column::EndsAt.gt(now)),
            Due::Close => period_over(now),
            Due::Unschedule => period_over(now).add(rounds::Column::ScheduledAt.is_not_null()),
        }
    }

    fn failure(self) -> &'static str {
        match self {
            Due::Open => "opening a round failed",
            Due::Close => "closing a round failed",
            Due::Unschedule => "taking back a missed release failed",
        }
    }

    /// The audit entry's action and summary.
    fn audit(self, title: &str) -> (&'static str, Value) {
        match self {
            Due::Open => (
                "round.open",
                json!({
                    "title": title,
                    "reason": "period began",
                    "before": { "status": "draft" },
                    "after": { "status": "open" },
                }),
            ),
            Due::Close => (
                "round.close",
                json!({
                    "title": title,
                    "reason": "period ended",
                    "before": { "status": "open" },
                    "after": { "status": "closed" },
                }),
            ),
            Due::Unschedule => (
                "round.unschedule",
                json!({
                    "reason": "period passed before it could open",
                    "before": { "scheduled": true },
                    "after": { "scheduled": false },
                }),
            ),
        }
    }
}

/// Released to open by itself.
fn released() -> Condition {
    Condition::all().add(rounds::Column::ScheduledAt.is_not_null())
}

/// The round's period has ended.
fn period_over(now: DateTime<Utc>) -> Condition {
    Condition::all().add(rounds::Column::EndsAt.lte(now))
}

/// Opens released drafts whose period has begun and closes open rounds whose period has ended.
/// Safe to run on several instances at once: each change is conditional on the state it found.
/// A round that fails is logged and left for the next pass; the others go ahead.
pub async fn advance_due(state: &AppState) -> Result<Advanced, AppError> {
    let now = state.clock.now();
    let done = Advanced {
        opened: apply_all(state, Due::Open, now).await?,
        closed: apply_all(state, Due::Close, now).await?,
    };
    // A released draft whose whole period passed unopened (the server was down throughout)
    // goes back to being a plain draft, so its coordinator sees it needs a new period.
    apply_all(state, Due::Unschedule, now).await?;
    if done.opened > 0 {
        crate::notifications::service::wake(state);
    }
    Ok(done)
}

/// Applies `due` to every round it is due for; how many changed.
async fn apply_all(state: &AppState, due: Due, now: DateTime<Utc>) -> Result<usize, AppError> {
    let mut changed = 0;
    for (id, title, municipality_id) in due_rounds(&state.db, due, now).await? {
        match apply(state, due, id, &title, municipality_id, now).await {
            Ok(true) => changed += 1,
            Ok(false) => {}
            Err(e) => tracing::error!(round = %id, error = %e, "{}", due.failure()),
        }
    }
    Ok(changed)
}

/// Rounds `due` is due for: (id, title, municipality).
async fn due_rounds(
    db: &impl ConnectionTrait,
    due: Due,
    now: DateTime<Utc>,
) -> Result<Vec<(Uuid, String, Uuid)>, DbErr> {
    rounds::Entity::find()
        .select_only()
        .columns([
            rounds::Column::Id,
            rounds::Column::Title,
            rounds::Column::MunicipalityId,
        ])
        .filter(rounds::Column::Status.eq(due.from().as_str()))
        .filter(due.condition(now))
        .into_tuple()
        .all(db)
        .await
}

/// The change in its own transaction, conditional on the round still being due, with its
/// audit entry. False if the round no longer was.
async fn apply(
    state: &AppState,
    due: Due,
    id: Uuid,
    title: &str,
    municipality_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let txn = crate::db::begin_write(&state.db).await?;
    let changed = match due {
        Due::Open => open(&txn, state, id, now, released()).await?,
        Due::Close => close(&txn, id, now, period_over(now)).await?,
        Due::Unschedule => {
            let none = Option::<DateTime<Utc>>::None;
            let set = vec![(rounds::Column::ScheduledAt, Expr::value(none))];
            conditional(&txn, id, Status::Draft, set, due.condition(now)).await?
        }
    };
    if changed {
        let (action, summary) = due.audit(title);
        audit::record(
            &txn,
            now,
            Entry {
                actor_id: None,
                municipality_id: Some(municipality_id),
                action,
                target_type: "round",
                target_id: Some(id.to_string()),
                summary,
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(changed)
}
