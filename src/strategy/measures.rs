//! Staff: measures: adding one to a goal, its edit page, and moving it among the goal's measures.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use entity::measures;
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
        forms::{MeasureForm, MeasureInput, MoveForm},
        goals::{load_goal, measure_status_options, refuse_new_measure},
        model::{
            self, Direction, GoalInStrategy, MeasureInStrategy, Placed, ensure_coordinates,
            move_among,
        },
        views::{Crumb, OptionView},
    },
    web::{
        context::Ctx,
        forms::{CheckForm, FormErrors},
    },
};

fn measure_json(m: &measures::Model) -> Value {
    json!({
        "title": m.title,
        "description": m.description,
        "responsible_body": m.responsible_body,
        "status": m.status,
        "starts_on": m.starts_on.map(|d| d.to_string()),
        "ends_on": m.ends_on.map(|d| d.to_string()),
        "progress_note": m.progress_note,
        "position": m.position,
    })
}

async fn create(
    db: &impl ConnectionTrait,
    actor: Uuid,
    at: &GoalInStrategy,
    input: MeasureInput,
    now: DateTime<Utc>,
) -> Result<measures::Model, DbErr> {
    let last = measures::Entity::find()
        .filter(measures::Column::GoalId.eq(at.goal.id))
        .order_by_desc(measures::Column::Position)
        .one(db)
        .await?;
    let created = measures::ActiveModel {
        id: Set(Uuid::now_v7()),
        goal_id: Set(at.goal.id),
        title: Set(input.title),
        description: Set(input.description),
        responsible_body: Set(input.responsible_body),
        status: Set(input.status.as_str().into()),
        starts_on: Set(input.starts_on),
        ends_on: Set(input.ends_on),
        progress_note: Set(input.progress_note),
        position: Set(last.map_or(1, |m| m.position + 1)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    let summary = json!({ "goal": at.goal.title, "after": measure_json(&created) });
    Change::new("measure", actor, Some(at.strategy.municipality_id), now)
        .record(db, "created", created.id, summary)
        .await?;
    Ok(created)
}

async fn update(
    db: &impl ConnectionTrait,
    actor: Uuid,
    at: &MeasureInStrategy,
    input: MeasureInput,
    now: DateTime<Utc>,
) -> Result<measures::Model, DbErr> {
    let before = &at.measure;
    let mut active = before.clone().into_active_model();
    active.title = Set(input.title);
    active.description = Set(input.description);
    active.responsible_body = Set(input.responsible_body);
    active.status = Set(input.status.as_str().into());
    active.starts_on = Set(input.starts_on);
    active.ends_on = Set(input.ends_on);
    active.progress_note = Set(input.progress_note);
    active.updated_at = Set(now);
    let after = active.update(db).await?;
    let summary = json!({ "before": measure_json(before), "after": measure_json(&after) });
    Change::new("measure", actor, Some(at.strategy.municipality_id), now)
        .record(db, "updated", after.id, summary)
        .await?;
    Ok(after)
}

/// Swaps the measure with its neighbour under the same goal. Nothing happens at either end.
async fn move_within(
    db: &impl ConnectionTrait,
    actor: Uuid,
    at: &MeasureInStrategy,
    direction: Direction,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let siblings = model::measures_of(db, &[at.measure.goal_id]).await?;
    let order = siblings
        .iter()
        .map(|m| Placed {
            id: m.id,
            position: m.position,
            title: &m.title,
            same_group: true,
        })
        .collect();
    let columns = (measures::Column::Id, measures::Column::Position);
    let change = Change::new("measure", actor, Some(at.strategy.municipality_id), now);
    move_among::<measures::Entity>(db, &change, order, at.measure.id, direction, columns).await
}

pub async fn create_measure(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<MeasureForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let id = id.into_inner();
    let at = load_goal(&ctx.state.db, user, id).await?;
    let form = form.into_inner();
    let input = match form.check(&()) {
        Ok(input) => input,
        Err(errors) => return refuse_new_measure(&ctx, &at, &form, &errors).await,
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let at = load_goal(&txn, user, id).await?;
    create(&txn, user.id, &at, input, ctx.state.clock.now()).await?;
    let location = format!("/manage/goals/{id}#measures");
    ctx.commit_and_redirect(txn, "strategy-measure-created", &location)
        .await
}

async fn load_measure(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: Uuid,
) -> AppResult<MeasureInStrategy> {
    let at = model::find_measure(db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    ensure_coordinates(user, at.strategy.municipality_id)?;
    Ok(at)
}

pub async fn edit_measure(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let at = load_measure(&ctx.state.db, user, id.into_inner()).await?;
    let m = &at.measure;
    let values = MeasureForm {
        measure_title: m.title.clone(),
        measure_description: m.description.clone(),
        measure_responsible_body: m.responsible_body.clone(),
        measure_status: m.status.clone(),
        measure_starts_on: m.starts_on.map(|d| d.to_string()).unwrap_or_default(),
        measure_ends_on: m.ends_on.map(|d| d.to_string()).unwrap_or_default(),
        measure_progress_note: m.progress_note.clone(),
    };
    let page = measure_page(&ctx, &at, &values, &FormErrors::new());
    ctx.render_about(
        actix_web::http::StatusCode::OK,
        "strategy/manage_measure",
        "strategy-measure-edit-title",
        &at.measure.title,
        page,
    )
}

#[derive(Serialize)]
struct MeasurePage<'a> {
    strategy: Crumb,
    field: Crumb,
    goal: Crumb,
    measure: Crumb,
    statuses: Vec<OptionView>,
    values: &'a MeasureForm,
    errors: Value,
}

fn measure_page<'a>(
    ctx: &Ctx,
    at: &MeasureInStrategy,
    values: &'a MeasureForm,
    errors: &FormErrors,
) -> MeasurePage<'a> {
    MeasurePage {
        strategy: Crumb {
            id: at.strategy.id,
            title: at.strategy.title.clone(),
        },
        field: Crumb {
            id: at.field.id,
            title: at.field.title.clone(),
        },
        goal: Crumb {
            id: at.goal.id,
            title: at.goal.title.clone(),
        },
        measure: Crumb {
            id: at.measure.id,
            title: at.measure.title.clone(),
        },
        statuses: measure_status_options(ctx, &values.measure_status),
        values,
        errors: errors.view(ctx.lang),
    }
}

pub async fn update_measure(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<MeasureForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let id = id.into_inner();
    let at = load_measure(&ctx.state.db, user, id).await?;
    let form = form.into_inner();
    let input = match form.check(&()) {
        Ok(input) => input,
        Err(errors) => {
            let page = measure_page(&ctx, &at, &form, &errors);
            return ctx.render_about(
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                "strategy/manage_measure",
                "strategy-measure-edit-title",
                &at.measure.title,
                page,
            );
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let at = load_measure(&txn, user, id).await?;
    update(&txn, user.id, &at, input, ctx.state.clock.now()).await?;
    let location = format!("/manage/goals/{}#measures", at.goal.id);
    ctx.commit_and_redirect(txn, "strategy-measure-saved", &location)
        .await
}

pub async fn move_measure(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<MoveForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let id = id.into_inner();
    load_measure(&ctx.state.db, user, id).await?;
    let direction = form.direction()?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let at = load_measure(&txn, user, id).await?;
    move_within(&txn, user.id, &at, direction, ctx.state.clock.now()).await?;
    let location = format!("/manage/goals/{}#measures", at.goal.id);
    ctx.commit_and_redirect(txn, "strategy-moved", &location)
        .await
}
