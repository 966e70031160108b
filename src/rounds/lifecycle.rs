//! A round's lifecycle as its coordinators move it: publish (now or released to open by
//! itself), take back a release, close, reopen, evaluate. Every change is a conditional update
//! on the state it was decided on; the due job (`rounds::due`) shares those updates.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use entity::rounds;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, sea_query::Expr,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    audit::service::{self as audit, Entry},
    error::{AppError, AppResult},
    identity::CurrentUser,
    notifications::service as notifications,
    rounds::{
        editor::refused_page,
        forms::EvaluationForm,
        model::{self, Status, managed_round},
        subscribers::notify_subscribers,
    },
    state::AppState,
    web::{
        context::Ctx,
        forms::{CheckForm, FormErrors},
    },
};

/// What a coordinator can do to a round's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Transition {
    /// Draft → open now, or, if the period has not begun, released to open by itself.
    Publish,
    /// Takes back the release of a draft that waits for its start.
    Unschedule,
    /// Open → closed before the period ends.
    Close,
    /// Closed → open again (the period must still run).
    Reopen,
    /// Closed → evaluated with the public summary; on an evaluated round, edits the summary.
    Evaluate(String),
}

impl Transition {
    /// Whether the transition may start from `round`'s state.
    pub fn allowed_from(&self, round: &rounds::Model) -> bool {
        let status = Status::of(round);
        match self {
            Transition::Publish => status == Some(Status::Draft) && round.scheduled_at.is_none(),
            Transition::Unschedule => status == Some(Status::Draft) && round.scheduled_at.is_some(),
            Transition::Close => status == Some(Status::Open),
            Transition::Reopen => status == Some(Status::Closed),
            Transition::Evaluate(_) => {
                matches!(status, Some(Status::Closed | Status::Evaluated))
            }
        }
    }
}

/// Why a transition was refused; each is a message for the coordinator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    NotFromHere,
    PeriodOver,
    SummaryMissing,
    /// Someone else changed the round's state at the same moment.
    Conflict,
}

impl Refusal {
    pub fn message_key(self) -> &'static str {
        match self {
            Refusal::NotFromHere => "error-round-transition",
            Refusal::PeriodOver => "error-round-period-over",
            Refusal::SummaryMissing => "error-round-evaluation-missing",
            Refusal::Conflict => "error-round-conflict",
        }
    }
}

/// What a successful transition did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Opened,
    Scheduled,
    Unscheduled,
    Closed,
    Reopened,
    Evaluated,
}

impl Outcome {
    pub fn status_after(self) -> Status {
        match self {
            Outcome::Opened | Outcome::Reopened => Status::Open,
            Outcome::Scheduled | Outcome::Unscheduled => Status::Draft,
            Outcome::Closed => Status::Closed,
            Outcome::Evaluated => Status::Evaluated,
        }
    }

    /// The audit log's name for what happened.
    fn action(self) -> &'static str {
        match self {
            Outcome::Opened => "round.open",
            Outcome::Scheduled => "round.schedule",
            Outcome::Unscheduled => "round.unschedule",
            Outcome::Closed => "round.close",
            Outcome::Reopened => "round.reopen",
            Outcome::Evaluated => "round.evaluate",
        }
    }

    /// The success message for the coordinator.
    fn flash_key(self) -> &'static str {
        match self {
            Outcome::Opened => "round-opened",
            Outcome::Scheduled => "round-scheduled",
            Outcome::Unscheduled => "round-unscheduled",
            Outcome::Closed => "round-closed",
            Outcome::Reopened => "round-reopened",
            Outcome::Evaluated => "round-evaluated",
        }
    }
}

/// Takes `transition` on `round` for `actor`. State changes are conditional updates on the
/// current state, so two clicks (or a click and the background task) cannot both take effect.
/// Opening notifies the municipality's subscribers in the same transaction.
pub async fn transition(
    db: &impl ConnectionTrait,
    state: &AppState,
    actor: &CurrentUser,
    round: &rounds::Model,
    transition: Transition,
    now: DateTime<Utc>,
) -> Result<Result<Outcome, Refusal>, AppError> {
    if !transition.allowed_from(round) {
        return Ok(Err(Refusal::NotFromHere));
    }
    let outcome = match change(db, state, round, &transition, now).await? {
        Ok(Some(outcome)) => outcome,
        Ok(None) => return Ok(Err(Refusal::Conflict)),
        Err(refusal) => return Ok(Err(refusal)),
    };
    let mut before = json!({
        "status": round.status,
        "scheduled": round.scheduled_at.is_some(),
    });
    let mut after = json!({
        "status": outcome.status_after().as_str(),
        "scheduled": outcome == Outcome::Scheduled,
    });
    if let Transition::Evaluate(text) = &transition {
        before["evaluation_summary"] = json!(round.evaluation_summary);
        after["evaluation_summary"] = json!(text.trim());
    }
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(actor.id),
            municipality_id: Some(round.municipality_id),
            action: outcome.action(),
            target_type: "round",
            target_id: Some(round.id.to_string()),
            summary: json!({ "title": round.title, "before": before, "after": after }),
        },
    )
    .await?;
    Ok(Ok(outcome))
}

/// The state change of an allowed transition: what it did, `None` if the round changed under it.
async fn change(
    db: &impl ConnectionTrait,
    state: &AppState,
    round: &rounds::Model,
    transition: &Transition,
    now: DateTime<Utc>,
) -> Result<Result<Option<Outcome>, Refusal>, AppError> {
    let none = Option::<DateTime<Utc>>::None;
    let done = match transition {
        Transition::Publish if round.ends_at <= now => return Ok(Err(Refusal::PeriodOver)),
        Transition::Publish if round.starts_at > now => conditional(
            db,
            round.id,
            Status::Draft,
            vec![(rounds::Column::ScheduledAt, Expr::value(now))],
            Condition::all()
                .add(rounds::Column::ScheduledAt.is_null())
                .add(rounds::Column::StartsAt.gt(now)),
        )
        .await?
        .then_some(Outcome::Scheduled),
        Transition::Publish => {
            let not_released = Condition::all().add(rounds::Column::ScheduledAt.is_null());
            open(db, state, round.id, now, not_released)
                .await?
                .then_some(Outcome::Opened)
        }
        Transition::Unschedule => conditional(
            db,
            round.id,
            Status::Draft,
            vec![(rounds::Column::ScheduledAt, Expr::value(none))],
            Condition::all().add(rounds::Column::ScheduledAt.is_not_null()),
        )
        .await?
        .then_some(Outcome::Unscheduled),
        Transition::Close => close(db, round.id, now, Condition::all())
            .await?
            .then_some(Outcome::Closed),
        Transition::Reopen if round.ends_at <= now => return Ok(Err(Refusal::PeriodOver)),
        Transition::Reopen => conditional(
            db,
            round.id,
            Status::Closed,
            vec![
                (rounds::Column::Status, Expr::value(Status::Open.as_str())),
                (rounds::Column::ClosedAt, Expr::value(none)),
            ],
            Condition::all().add(rounds::Column::EndsAt.gt(now)),
        )
        .await?
        .then_some(Outcome::Reopened),
        Transition::Evaluate(summary) if summary.trim().is_empty() => {
            return Ok(Err(Refusal::SummaryMissing));
        }
        Transition::Evaluate(summary) => conditional(
            db,
            round.id,
            Status::of(round).unwrap_or(Status::Closed),
            vec![
                (
                    rounds::Column::Status,
                    Expr::value(Status::Evaluated.as_str()),
                ),
                (
                    rounds::Column::EvaluationSummary,
                    Expr::value(summary.trim().to_string()),
                ),
                (
                    rounds::Column::EvaluatedAt,
                    Expr::value(round.evaluated_at.unwrap_or(now)),
                ),
            ],
            Condition::all(),
        )
        .await?
        .then_some(Outcome::Evaluated),
    };
    Ok(Ok(done))
}

/// `UPDATE rounds SET … WHERE id = ? AND status = ? AND <also>`: true if this call changed the
/// row. `also` repeats, inside the statement, whatever the decision was based on (the period,
/// the release), so a decision made on a stale read cannot take effect.
pub(super) async fn conditional(
    db: &impl ConnectionTrait,
    id: Uuid,
    from: Status,
    set: Vec<(rounds::Column, Expr)>,
    also: Condition,
) -> Result<bool, DbErr> {
    let mut update = rounds::Entity::update_many()
        .filter(rounds::Column::Id.eq(id))
        .filter(rounds::Column::Status.eq(from.as_str()))
        .filter(also);
    for (column, value) in set {
        update = update.col_expr(column, value);
    }
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// Opens a draft round whose period is running and tells the municipality's confirmed
/// subscribers, in one transaction (the caller's). False if the round no longer qualifies.
pub(super) async fn open(
    db: &impl ConnectionTrait,
    state: &AppState,
    round_id: Uuid,
    now: DateTime<Utc>,
    also: Condition,
) -> Result<bool, AppError> {
    let opened = conditional(
        db,
        round_id,
        Status::Draft,
        vec![
            (rounds::Column::Status, Expr::value(Status::Open.as_str())),
            (rounds::Column::OpenedAt, Expr::value(now)),
        ],
        also.add(rounds::Column::StartsAt.lte(now))
            .add(rounds::Column::EndsAt.gt(now)),
    )
    .await?;
    if opened {
        notify_subscribers(db, state, round_id).await?;
    }
    Ok(opened)
}

/// Closes an open round. False if the round no longer qualifies.
pub(super) async fn close(
    db: &impl ConnectionTrait,
    round_id: Uuid,
    now: DateTime<Utc>,
    also: Condition,
) -> Result<bool, DbErr> {
    conditional(
        db,
        round_id,
        Status::Open,
        vec![
            (rounds::Column::Status, Expr::value(Status::Closed.as_str())),
            (rounds::Column::ClosedAt, Expr::value(now)),
        ],
        also,
    )
    .await
}

// ---- the coordinators' buttons ----

pub async fn publish(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    take(ctx, *id, Transition::Publish).await
}

pub async fn unschedule(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    take(ctx, *id, Transition::Unschedule).await
}

pub async fn close_round(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    take(ctx, *id, Transition::Close).await
}

pub async fn reopen(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    take(ctx, *id, Transition::Reopen).await
}

pub async fn evaluate(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<EvaluationForm>,
) -> AppResult<HttpResponse> {
    match form.check(&()) {
        Ok(text) => take(ctx, *id, Transition::Evaluate(text)).await,
        Err(errors) => {
            let (_, round) = managed_round(&ctx, *id).await?;
            let typed = crate::web::forms::multiline(&form.evaluation_summary);
            refused_page(&ctx, &round, &typed, &errors).await
        }
    }
}

async fn take(ctx: Ctx, id: Uuid, transition: Transition) -> AppResult<HttpResponse> {
    let (user, _) = managed_round(&ctx, id).await?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let round = model::find_for_update(&txn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let evaluation = match &transition {
        Transition::Evaluate(text) => text.clone(),
        _ => round.evaluation_summary.clone().unwrap_or_default(),
    };
    let now = ctx.state.clock.now();
    match self::transition(&txn, &ctx.state, &user, &round, transition, now).await? {
        Ok(outcome) => {
            let location = format!("/manage/rounds/{id}");
            let response = ctx
                .commit_and_redirect(txn, outcome.flash_key(), &location)
                .await?;
            if outcome == Outcome::Opened {
                notifications::wake(&ctx.state);
            }
            Ok(response)
        }
        Err(refusal) => {
            txn.rollback().await?;
            let mut errors = FormErrors::new();
            let field = if refusal == Refusal::SummaryMissing {
                "evaluation_summary"
            } else {
                "lifecycle"
            };
            errors.add(field, refusal.message_key());
            refused_page(&ctx, &round, &evaluation, &errors).await
        }
    }
}
