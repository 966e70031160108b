//! Staff: goals: adding one to a field of action, its edit page with its measures and the form
//! for a new measure, moving it, archiving and restoring it.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use entity::goals;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, Set,
};
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::audit::service::Change;
use crate::{
    error::{AppError, AppResult},
    identity::CurrentUser,
    strategy::{
        fields::{load_field, refuse_new_goal},
        forms::{GoalForm, GoalInput, MeasureForm, MoveForm},
        model::{
            self, Direction, FieldInStrategy, GoalInStrategy, MeasureStatus, Placed,
            ensure_coordinates, move_among,
        },
        views::{Crumb, Editing, MeasureView, OptionView, measure_views, options},
    },
    web::{
        context::{Ctx, FlashKind, see_other},
        forms::{CheckForm, FormErrors},
    },
};

fn goal_json(g: &goals::Model) -> Value {
    json!({
        "title": g.title,
        "description": g.description,
        "target_text": g.target_text,
        "position": g.position,
        "archived_at": g.archived_at.map(|t| t.to_rfc3339()),
    })
}

async fn create(
    db: &impl ConnectionTrait,
    actor: Uuid,
    at: &FieldInStrategy,
    input: GoalInput,
    now: DateTime<Utc>,
) -> Result<goals::Model, DbErr> {
    let last = goals::Entity::find()
        .filter(goals::Column::FieldOfActionId.eq(at.field.id))
        .order_by_desc(goals::Column::Position)
        .one(db)
        .await?;
    let created = goals::ActiveModel {
        id: Set(Uuid::now_v7()),
        field_of_action_id: Set(at.field.id),
        title: Set(input.title),
        description: Set(input.description),
        target_text: Set(input.target_text),
        position: Set(last.map_or(1, |g| g.position + 1)),
        archived_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    let summary = json!({ "field_of_action": at.field.title, "after": goal_json(&created) });
    Change::new("goal", actor, Some(at.strategy.municipality_id), now)
        .record(db, "created", created.id, summary)
        .await?;
    Ok(created)
}

async fn update(
    db: &impl ConnectionTrait,
    actor: Uuid,
    at: &GoalInStrategy,
    input: GoalInput,
    now: DateTime<Utc>,
) -> Result<goals::Model, DbErr> {
    let before = &at.goal;
    let mut active = before.clone().into_active_model();
    active.title = Set(input.title);
    active.description = Set(input.description);
    active.target_text = Set(input.target_text);
    active.updated_at = Set(now);
    let after = active.update(db).await?;
    let summary = json!({ "before": goal_json(before), "after": goal_json(&after) });
    Change::new("goal", actor, Some(at.strategy.municipality_id), now)
        .record(db, "updated", after.id, summary)
        .await?;
    Ok(after)
}

/// Swaps the goal with its neighbour among the goals of its field that are, like it, active (or,
/// like it, archived). Nothing happens at either end.
async fn move_within(
    db: &impl ConnectionTrait,
    actor: Uuid,
    at: &GoalInStrategy,
    direction: Direction,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let archived = at.goal.archived_at.is_some();
    let all = model::goals_of_field(db, at.goal.field_of_action_id).await?;
    let order = all
        .iter()
        .map(|g| Placed {
            id: g.id,
            position: g.position,
            title: &g.title,
            same_group: g.archived_at.is_some() == archived,
        })
        .collect();
    let columns = (goals::Column::Id, goals::Column::Position);
    let change = Change::new("goal", actor, Some(at.strategy.municipality_id), now);
    move_among::<goals::Entity>(db, &change, order, at.goal.id, direction, columns).await
}

/// Archives (`true`) or restores (`false`) a goal. Returns false when it already was so.
async fn set_goal_archived(
    db: &impl ConnectionTrait,
    actor: Uuid,
    at: &GoalInStrategy,
    archive: bool,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let before = &at.goal;
    if before.archived_at.is_some() == archive {
        return Ok(false);
    }
    let mut active = before.clone().into_active_model();
    active.archived_at = Set(archive.then_some(now));
    active.updated_at = Set(now);
    let after = active.update(db).await?;
    let summary = json!({
        "title": after.title,
        "before": { "archived_at": before.archived_at.map(|t| t.to_rfc3339()) },
        "after": { "archived_at": after.archived_at.map(|t| t.to_rfc3339()) },
    });
    let verb = if archive { "archived" } else { "restored" };
    Change::new("goal", actor, Some(at.strategy.municipality_id), now)
        .record(db, verb, after.id, summary)
        .await?;
    Ok(true)
}

pub async fn create_goal(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<GoalForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let id = id.into_inner();
    let at = load_field(&ctx.state.db, user, id).await?;
    let form = form.into_inner();
    let input = match form.check(&()) {
        Ok(input) => input,
        Err(errors) => return refuse_new_goal(&ctx, &at, &form, &errors).await,
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let at = load_field(&txn, user, id).await?;
    create(&txn, user.id, &at, input, ctx.state.clock.now()).await?;
    let location = format!("/manage/fields/{id}");
    ctx.commit_and_redirect(txn, "strategy-goal-created", &location)
        .await
}

/// The goal with the access check done, or 404/403.
pub(super) async fn load_goal(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: Uuid,
) -> AppResult<GoalInStrategy> {
    let at = model::find_goal(db, id).await?.ok_or(AppError::NotFound)?;
    ensure_coordinates(user, at.strategy.municipality_id)?;
    Ok(at)
}

pub async fn edit_goal(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let at = load_goal(&ctx.state.db, user, id.into_inner()).await?;
    let values = goal_values(&at.goal);
    let none = FormErrors::new();
    goal_page(
        &ctx,
        &at,
        Editing::fresh(&values, &MeasureForm::blank(), &none),
    )
    .await
}

fn goal_values(g: &goals::Model) -> GoalForm {
    GoalForm {
        goal_title: g.title.clone(),
        goal_description: g.description.clone(),
        goal_target_text: g.target_text.clone().unwrap_or_default(),
    }
}

/// The measure statuses as `<option>`s, `selected` chosen.
pub(super) fn measure_status_options(ctx: &Ctx, selected: &str) -> Vec<OptionView> {
    let all = MeasureStatus::ALL.map(MeasureStatus::as_str);
    options(ctx, &all, "strategy-measure-status-", selected)
}

#[derive(Serialize)]
struct GoalHead {
    id: Uuid,
    title: String,
    archived: bool,
    archived_at: Option<String>,
}

#[derive(Serialize)]
struct GoalPage<'a> {
    strategy: Crumb,
    field: Crumb,
    goal: GoalHead,
    measures: Vec<MeasureView>,
    statuses: Vec<OptionView>,
    values: &'a GoalForm,
    new_measure: &'a MeasureForm,
    errors_for: &'static str,
    errors: Value,
}

/// A goal's edit page with its measures and the form for a new measure. `errors_for` is `goal`
/// or `new_measure`.
async fn goal_page(
    ctx: &Ctx,
    at: &GoalInStrategy,
    state: Editing<'_, GoalForm, MeasureForm>,
) -> AppResult<HttpResponse> {
    let list = model::measures_of(&ctx.state.db, &[at.goal.id]).await?;
    let page = GoalPage {
        strategy: Crumb {
            id: at.strategy.id,
            title: at.strategy.title.clone(),
        },
        field: Crumb {
            id: at.field.id,
            title: at.field.title.clone(),
        },
        goal: GoalHead {
            id: at.goal.id,
            title: at.goal.title.clone(),
            archived: at.goal.archived_at.is_some(),
            archived_at: at.goal.archived_at.map(|t| t.to_rfc3339()),
        },
        measures: measure_views(ctx, &list),
        statuses: measure_status_options(ctx, &state.new_child.measure_status),
        values: state.values,
        new_measure: state.new_child,
        errors_for: state.errors_for,
        errors: state.errors.view(ctx.lang),
    };
    ctx.render_about(
        state.status,
        "strategy/manage_goal",
        "strategy-goal-edit-title",
        &at.goal.title,
        page,
    )
}

/// For the measure use case: the goal's page again with the new measure's form refused.
pub(super) async fn refuse_new_measure(
    ctx: &Ctx,
    at: &GoalInStrategy,
    form: &MeasureForm,
    errors: &FormErrors,
) -> AppResult<HttpResponse> {
    let values = goal_values(&at.goal);
    let state = Editing::refused(&values, form, "new_measure", errors);
    goal_page(ctx, at, state).await
}

pub async fn update_goal(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<GoalForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let id = id.into_inner();
    let at = load_goal(&ctx.state.db, user, id).await?;
    let form = form.into_inner();
    let input = match form.check(&()) {
        Ok(input) => input,
        Err(errors) => {
            let new_measure = MeasureForm::blank();
            let state = Editing::refused(&form, &new_measure, "goal", &errors);
            return goal_page(&ctx, &at, state).await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let at = load_goal(&txn, user, id).await?;
    update(&txn, user.id, &at, input, ctx.state.clock.now()).await?;
    let location = format!("/manage/goals/{id}");
    ctx.commit_and_redirect(txn, "strategy-goal-saved", &location)
        .await
}

pub async fn move_goal(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<MoveForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let id = id.into_inner();
    load_goal(&ctx.state.db, user, id).await?;
    let direction = form.direction()?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let at = load_goal(&txn, user, id).await?;
    move_within(&txn, user.id, &at, direction, ctx.state.clock.now()).await?;
    let back = if form.back == "strategy" {
        format!(
            "/manage/strategies/{}#field-{}",
            at.strategy.id, at.field.id
        )
    } else {
        format!("/manage/fields/{}#goals", at.field.id)
    };
    ctx.commit_and_redirect(txn, "strategy-moved", &back).await
}

pub async fn archive_goal(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    set_archived(ctx, id.into_inner(), true).await
}

pub async fn restore_goal(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    set_archived(ctx, id.into_inner(), false).await
}

async fn set_archived(ctx: Ctx, id: Uuid, archive: bool) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let at = load_goal(&txn, user, id).await?;
    let changed = set_goal_archived(&txn, user.id, &at, archive, ctx.state.clock.now()).await?;
    txn.commit().await?;
    // Archiving what is archived already changes nothing, and says nothing.
    if changed {
        let key = if archive {
            "strategy-goal-archived"
        } else {
            "strategy-goal-restored"
        };
        ctx.flash(FlashKind::Success, key)?;
    }
    Ok(see_other(&format!("/manage/goals/{id}")))
}
