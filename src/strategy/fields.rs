//! Staff: fields of action: adding one to a strategy, its edit page with its goals and the form
//! for a new goal, and moving it within the strategy.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use entity::{fields_of_action, strategies};
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
        forms::{FieldForm, FieldInput, GoalForm, MoveForm},
        model::{self, Direction, FieldInStrategy, Placed, ensure_coordinates, move_among},
        strategies::{load_strategy, refuse_new_field},
        views::{Crumb, Editing},
    },
    web::{
        context::Ctx,
        forms::{CheckForm, FormErrors},
    },
};

fn field_json(f: &fields_of_action::Model) -> Value {
    json!({ "title": f.title, "description": f.description, "position": f.position })
}

async fn create(
    db: &impl ConnectionTrait,
    actor: Uuid,
    strategy: &strategies::Model,
    input: FieldInput,
    now: DateTime<Utc>,
) -> Result<fields_of_action::Model, DbErr> {
    let last = fields_of_action::Entity::find()
        .filter(fields_of_action::Column::StrategyId.eq(strategy.id))
        .order_by_desc(fields_of_action::Column::Position)
        .one(db)
        .await?;
    let created = fields_of_action::ActiveModel {
        id: Set(Uuid::now_v7()),
        strategy_id: Set(strategy.id),
        title: Set(input.title),
        description: Set(input.description),
        position: Set(last.map_or(1, |f| f.position + 1)),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    let summary = json!({ "strategy": strategy.title, "after": field_json(&created) });
    Change::new(
        "field_of_action",
        actor,
        Some(strategy.municipality_id),
        now,
    )
    .record(db, "created", created.id, summary)
    .await?;
    Ok(created)
}

async fn update(
    db: &impl ConnectionTrait,
    actor: Uuid,
    at: &FieldInStrategy,
    input: FieldInput,
    now: DateTime<Utc>,
) -> Result<fields_of_action::Model, DbErr> {
    let before = &at.field;
    let mut active = before.clone().into_active_model();
    active.title = Set(input.title);
    active.description = Set(input.description);
    let after = active.update(db).await?;
    let summary = json!({ "before": field_json(before), "after": field_json(&after) });
    Change::new(
        "field_of_action",
        actor,
        Some(at.strategy.municipality_id),
        now,
    )
    .record(db, "updated", after.id, summary)
    .await?;
    Ok(after)
}

/// Swaps the field with its neighbour in the strategy. Nothing happens at either end.
async fn move_within(
    db: &impl ConnectionTrait,
    actor: Uuid,
    at: &FieldInStrategy,
    direction: Direction,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let siblings = fields_of_action::Entity::find()
        .filter(fields_of_action::Column::StrategyId.eq(at.field.strategy_id))
        .order_by_asc(fields_of_action::Column::Position)
        .order_by_asc(fields_of_action::Column::CreatedAt)
        .all(db)
        .await?;
    let order = siblings
        .iter()
        .map(|f| Placed {
            id: f.id,
            position: f.position,
            title: &f.title,
            same_group: true,
        })
        .collect();
    let columns = (
        fields_of_action::Column::Id,
        fields_of_action::Column::Position,
    );
    let change = Change::new(
        "field_of_action",
        actor,
        Some(at.strategy.municipality_id),
        now,
    );
    move_among::<fields_of_action::Entity>(db, &change, order, at.field.id, direction, columns)
        .await
}

pub async fn create_field(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<FieldForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let id = id.into_inner();
    let strategy = load_strategy(&ctx.state.db, user, id).await?;
    let form = form.into_inner();
    let input = match form.check(&()) {
        Ok(input) => input,
        Err(errors) => return refuse_new_field(&ctx, strategy, &form, &errors).await,
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let strategy = load_strategy(&txn, user, id).await?;
    create(&txn, user.id, &strategy, input, ctx.state.clock.now()).await?;
    let location = format!("/manage/strategies/{id}");
    ctx.commit_and_redirect(txn, "strategy-field-created", &location)
        .await
}

/// The field of action with the access check done, or 404/403.
pub(super) async fn load_field(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: Uuid,
) -> AppResult<FieldInStrategy> {
    let at = model::find_field(db, id).await?.ok_or(AppError::NotFound)?;
    ensure_coordinates(user, at.strategy.municipality_id)?;
    Ok(at)
}

pub async fn edit_field(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let at = load_field(&ctx.state.db, user, id.into_inner()).await?;
    let values = field_values(&at);
    let none = FormErrors::new();
    field_page(
        &ctx,
        &at,
        Editing::fresh(&values, &GoalForm::default(), &none),
    )
    .await
}

fn field_values(at: &FieldInStrategy) -> FieldForm {
    FieldForm {
        field_title: at.field.title.clone(),
        field_description: at.field.description.clone(),
    }
}

#[derive(Serialize)]
struct GoalRow {
    id: Uuid,
    title: String,
    target_text: Option<String>,
    can_up: bool,
    can_down: bool,
}

#[derive(Serialize)]
struct FieldPage<'a> {
    strategy: Crumb,
    field: Crumb,
    goals: Vec<GoalRow>,
    archived_goals: Vec<Crumb>,
    values: &'a FieldForm,
    new_goal: &'a GoalForm,
    errors_for: &'static str,
    errors: Value,
}

/// A field of action's edit page with its goals and the form for a new goal. `errors_for` is
/// `field` or `new_goal`.
async fn field_page(
    ctx: &Ctx,
    at: &FieldInStrategy,
    state: Editing<'_, FieldForm, GoalForm>,
) -> AppResult<HttpResponse> {
    let all = model::goals_of_field(&ctx.state.db, at.field.id).await?;
    let (active, archived): (Vec<_>, Vec<_>) = all.iter().partition(|g| g.archived_at.is_none());
    let n = active.len();
    let page = FieldPage {
        strategy: Crumb {
            id: at.strategy.id,
            title: at.strategy.title.clone(),
        },
        field: Crumb {
            id: at.field.id,
            title: at.field.title.clone(),
        },
        goals: active
            .iter()
            .enumerate()
            .map(|(i, g)| GoalRow {
                id: g.id,
                title: g.title.clone(),
                target_text: g.target_text.clone(),
                can_up: i > 0,
                can_down: i + 1 < n,
            })
            .collect(),
        archived_goals: archived
            .iter()
            .map(|g| Crumb {
                id: g.id,
                title: g.title.clone(),
            })
            .collect(),
        values: state.values,
        new_goal: state.new_child,
        errors_for: state.errors_for,
        errors: state.errors.view(ctx.lang),
    };
    ctx.render_about(
        state.status,
        "strategy/manage_field",
        "strategy-field-edit-title",
        &at.field.title,
        page,
    )
}

/// For the goal use case: the field's page again with the new goal's form refused.
pub(super) async fn refuse_new_goal(
    ctx: &Ctx,
    at: &FieldInStrategy,
    form: &GoalForm,
    errors: &FormErrors,
) -> AppResult<HttpResponse> {
    let values = field_values(at);
    field_page(ctx, at, Editing::refused(&values, form, "new_goal", errors)).await
}

pub async fn update_field(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<FieldForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let id = id.into_inner();
    let at = load_field(&ctx.state.db, user, id).await?;
    let form = form.into_inner();
    let input = match form.check(&()) {
        Ok(input) => input,
        Err(errors) => {
            let new_goal = GoalForm::default();
            let state = Editing::refused(&form, &new_goal, "field", &errors);
            return field_page(&ctx, &at, state).await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let at = load_field(&txn, user, id).await?;
    update(&txn, user.id, &at, input, ctx.state.clock.now()).await?;
    let location = format!("/manage/fields/{id}");
    ctx.commit_and_redirect(txn, "strategy-field-saved", &location)
        .await
}

pub async fn move_field(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<MoveForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let id = id.into_inner();
    load_field(&ctx.state.db, user, id).await?;
    let direction = form.direction()?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let at = load_field(&txn, user, id).await?;
    move_within(&txn, user.id, &at, direction, ctx.state.clock.now()).await?;
    let location = format!("/manage/strategies/{}#field-{id}", at.strategy.id);
    ctx.commit_and_redirect(txn, "strategy-moved", &location)
        .await
}
