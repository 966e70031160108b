//! A workshop's lifecycle: publishing, cancelling and marking it held, and documenting it
//! afterwards with the goals it informed.

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use entity::{workshop_goals, workshop_signups, workshops};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set, sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::mail::notify;
use super::manage::WorkshopPage;
use super::model::{Decided, Refusal, SignupStatus, Status, TEXT_MAX, find_for_update, goal_ids};
use super::views::{managed, round_of};
use super::workshop_form::WorkshopForm;
use crate::web::forms::{CheckForm, multiline};
use crate::{
    audit::service::{self as audit, Entry},
    error::{AppError, AppResult},
    identity::CurrentUser,
    notifications::service::{self as notifications},
    state::AppState,
    strategy::picker::{self as strategy, GoalRef},
    web::{
        context::{Ctx, FlashKind, see_other},
        forms::{FormErrors, HtmlForm},
    },
};

/// Documentation after the workshop, with the goals it informed.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct DocumentationForm {
    pub documentation: String,
    pub goal_ids: Vec<String>,
}

/// A checked documentation: the text as stored and the goals it informed.
pub struct DocumentationInput {
    pub text: String,
    pub goal_ids: Vec<Uuid>,
}

/// Checked against the goals the workshop may name.
impl CheckForm for DocumentationForm {
    type Input = DocumentationInput;
    type Rules = [Uuid];

    fn check(&self, allowed: &[Uuid]) -> Result<DocumentationInput, FormErrors> {
        let mut goal_ids: Vec<Uuid> = Vec::new();
        let mut errors = FormErrors::new();
        for raw in &self.goal_ids {
            match Uuid::parse_str(raw.trim()) {
                Ok(id) if allowed.contains(&id) => goal_ids.push(id),
                _ => errors.add("goal_ids", "error-workshop-goals-foreign"),
            }
        }
        goal_ids.sort();
        goal_ids.dedup();
        let text = multiline(&self.documentation);
        if text.chars().count() > TEXT_MAX {
            errors.add("documentation", "error-workshop-text-long");
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(DocumentationInput { text, goal_ids })
    }
}

pub async fn publish(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    take(ctx, *id, Transition::Publish).await
}

pub async fn cancel(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    take(ctx, *id, Transition::Cancel).await
}

pub async fn held(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    take(ctx, *id, Transition::Held).await
}

async fn take(ctx: Ctx, id: Uuid, transition: Transition) -> AppResult<HttpResponse> {
    let (user, _) = managed(&ctx, id).await?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let workshop = find_for_update(&txn, id).await?.ok_or(AppError::NotFound)?;
    let now = ctx.state.clock.now();
    match apply_transition(&txn, &ctx.state, &user, &workshop, transition, now).await? {
        Ok(()) => {
            txn.commit().await?;
            notifications::wake(&ctx.state);
            ctx.flash(
                FlashKind::Success,
                match transition {
                    Transition::Publish => "workshop-published",
                    Transition::Cancel => "workshop-cancelled",
                    Transition::Held => "workshop-marked-held",
                },
            )?;
            Ok(see_other(&format!("/manage/workshops/{id}")))
        }
        Err(refusal) => {
            txn.rollback().await?;
            refused(&ctx, &workshop, refusal).await
        }
    }
}

async fn refused(
    ctx: &Ctx,
    workshop: &workshops::Model,
    refusal: Refusal,
) -> AppResult<HttpResponse> {
    let round = round_of(ctx, workshop).await?;
    let form = WorkshopForm::of(workshop, ctx.state.settings.time_zone);
    let mut errors = FormErrors::new();
    errors.add("lifecycle", refusal.message_key());
    WorkshopPage::new(&round, Some(workshop), &form)
        .render(ctx, &errors, StatusCode::CONFLICT)
        .await
}

/// The goals a held workshop may name: the strategy's active goals and those already named.
pub(super) async fn allowed_goals(
    ctx: &Ctx,
    workshop: &workshops::Model,
) -> AppResult<Vec<GoalRef>> {
    let db = &ctx.state.db;
    let linked = goal_ids(db, &[workshop.id])
        .await?
        .remove(&workshop.id)
        .unwrap_or_default();
    Ok(strategy::goal_picker(db, workshop.municipality_id, &linked).await?)
}

pub async fn document(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: HtmlForm<DocumentationForm>,
) -> AppResult<HttpResponse> {
    let (user, workshop) = managed(&ctx, *id).await?;
    let form = form.0;
    let allowed: Vec<Uuid> = allowed_goals(&ctx, &workshop)
        .await?
        .iter()
        .map(|g| g.id)
        .collect();
    let checked = form.check(&allowed);
    let round = round_of(&ctx, &workshop).await?;
    let values = WorkshopForm::of(&workshop, ctx.state.settings.time_zone);
    let input = match checked {
        Ok(input) => input,
        Err(errors) => {
            return WorkshopPage::new(&round, Some(&workshop), &values)
                .with_documentation(&form)
                .render(&ctx, &errors, StatusCode::UNPROCESSABLE_ENTITY)
                .await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    match save_documentation(
        &txn,
        &user,
        &workshop,
        &input.text,
        &input.goal_ids,
        ctx.state.clock.now(),
    )
    .await?
    {
        Ok(()) => {
            ctx.commit_and_redirect(
                txn,
                "workshop-documented",
                &format!("/manage/workshops/{}", workshop.id),
            )
            .await
        }
        Err(refusal) => {
            txn.rollback().await?;
            let mut errors = FormErrors::new();
            errors.add("documentation", refusal.message_key());
            WorkshopPage::new(&round, Some(&workshop), &values)
                .with_documentation(&form)
                .render(&ctx, &errors, StatusCode::CONFLICT)
                .await
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    Publish,
    Cancel,
    Held,
}

impl Transition {
    fn from(self) -> &'static [Status] {
        match self {
            Transition::Publish => &[Status::Draft],
            Transition::Cancel => &[Status::Draft, Status::Published],
            Transition::Held => &[Status::Published],
        }
    }

    fn to(self) -> Status {
        match self {
            Transition::Publish => Status::Published,
            Transition::Cancel => Status::Cancelled,
            Transition::Held => Status::Held,
        }
    }

    pub fn allowed(self, workshop: &workshops::Model, now: DateTime<Utc>) -> bool {
        Status::any(self.from(), &workshop.status)
            && (self != Transition::Held || workshop.starts_at <= now)
    }
}

/// Moves a workshop to its next state with a conditional UPDATE (a concurrent change makes it
/// refuse rather than overwrite). Cancelling tells everyone signed up, in the same transaction.
pub async fn apply_transition(
    db: &impl ConnectionTrait,
    state: &AppState,
    user: &CurrentUser,
    workshop: &workshops::Model,
    transition: Transition,
    now: DateTime<Utc>,
) -> Result<Decided<()>, AppError> {
    if transition == Transition::Held && workshop.starts_at > now {
        return Ok(Err(Refusal::NotYetStarted));
    }
    let stamp = match transition {
        Transition::Publish => workshops::Column::PublishedAt,
        Transition::Cancel => workshops::Column::CancelledAt,
        Transition::Held => workshops::Column::HeldAt,
    };
    let result = workshops::Entity::update_many()
        .col_expr(workshops::Column::Status, transition.to().as_str().into())
        .col_expr(stamp, Expr::value(now))
        .col_expr(workshops::Column::UpdatedAt, Expr::value(now))
        .filter(workshops::Column::Id.eq(workshop.id))
        .filter(workshops::Column::Status.is_in(transition.from().iter().map(|s| s.as_str())))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Ok(Err(Refusal::WrongState));
    }
    let mut notified = 0;
    if transition == Transition::Cancel {
        let recipients = workshop_signups::Entity::find()
            .filter(workshop_signups::Column::WorkshopId.eq(workshop.id))
            .filter(workshop_signups::Column::Status.is_in(SignupStatus::ACTIVE))
            .filter(workshop_signups::Column::Email.is_not_null())
            .all(db)
            .await?;
        let cancelled = workshops::Model {
            status: Status::Cancelled.as_str().into(),
            ..workshop.clone()
        };
        for signup in &recipients {
            notify(db, state, &cancelled, signup, "workshop_cancelled", None).await?;
            notified += 1;
        }
    }
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(user.id),
            municipality_id: Some(workshop.municipality_id),
            action: match transition {
                Transition::Publish => "workshop.publish",
                Transition::Cancel => "workshop.cancel",
                Transition::Held => "workshop.held",
            },
            target_type: "workshop",
            target_id: Some(workshop.id.to_string()),
            summary: json!({ "from": workshop.status, "to": transition.to().as_str(), "notified": notified }),
        },
    )
    .await?;
    Ok(Ok(()))
}

/// Documentation and the goals a held workshop informed.
pub async fn save_documentation(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    workshop: &workshops::Model,
    text: &str,
    goal_ids: &[Uuid],
    now: DateTime<Utc>,
) -> Result<Decided<()>, DbErr> {
    let result = workshops::Entity::update_many()
        .col_expr(
            workshops::Column::Documentation,
            Expr::value(Some(text.to_string()).filter(|t| !t.is_empty())),
        )
        .col_expr(workshops::Column::UpdatedAt, Expr::value(now))
        .filter(workshops::Column::Id.eq(workshop.id))
        .filter(workshops::Column::Status.eq(Status::Held.as_str()))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Ok(Err(Refusal::NotHeld));
    }
    workshop_goals::Entity::delete_many()
        .filter(workshop_goals::Column::WorkshopId.eq(workshop.id))
        .exec(db)
        .await?;
    if !goal_ids.is_empty() {
        workshop_goals::Entity::insert_many(goal_ids.iter().map(|g| workshop_goals::ActiveModel {
            workshop_id: Set(workshop.id),
            goal_id: Set(*g),
        }))
        .exec(db)
        .await?;
    }
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(user.id),
            municipality_id: Some(workshop.municipality_id),
            action: "workshop.document",
            target_type: "workshop",
            target_id: Some(workshop.id.to_string()),
            summary: json!({ "goals": goal_ids, "chars": text.chars().count() }),
        },
    )
    .await?;
    Ok(Ok(()))
}
