//! Staff: the list of strategies, creating one, and a strategy's edit page (its own form, its
//! tree of fields and goals, and the form for a new field of action).

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Datelike, Utc};
use entity::{municipalities, strategies};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::audit::service::Change;
use crate::{
    admin::service as admin,
    error::{AppError, AppResult},
    identity::CurrentUser,
    strategy::{
        forms::{FieldForm, StrategyForm, StrategyInput},
        model::{self, StrategyStatus, ensure_coordinates},
        views::{Editing, OptionView, options, period},
    },
    web::{
        context::Ctx,
        forms::{CheckForm, FormErrors},
        pagination::{PER_PAGE, PageQuery, PageView},
    },
};

/// A strategy as the staff list shows it.
struct StrategyRow {
    id: Uuid,
    title: String,
    municipality: String,
    period_start: i32,
    period_end: i32,
    status: String,
}

/// A page of strategies, newest period first: of `municipalities`, or all of them for `None`.
async fn strategy_rows(
    db: &impl ConnectionTrait,
    municipalities: Option<&[Uuid]>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<StrategyRow>, u64), DbErr> {
    let mut query = strategies::Entity::find()
        .order_by_desc(strategies::Column::PeriodStart)
        .order_by_desc(strategies::Column::CreatedAt)
        .order_by_asc(strategies::Column::Id);
    if let Some(ids) = municipalities {
        query = query.filter(strategies::Column::MunicipalityId.is_in(ids.iter().copied()));
    }
    let paginator = query.paginate(db, per_page);
    let pages = paginator.num_pages().await?;
    let list = paginator.fetch_page(page).await?;
    let place_ids: Vec<Uuid> = list.iter().map(|s| s.municipality_id).collect();
    let places: HashMap<Uuid, String> = municipalities::Entity::find()
        .filter(municipalities::Column::Id.is_in(place_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect();
    let rows = list
        .into_iter()
        .map(|s| StrategyRow {
            id: s.id,
            municipality: places.get(&s.municipality_id).cloned().unwrap_or_default(),
            title: s.title,
            period_start: s.period_start,
            period_end: s.period_end,
            status: s.status,
        })
        .collect();
    Ok((rows, pages))
}

/// The municipalities a person may create strategies for: `None` means all (admins).
async fn municipalities_for(
    db: &impl ConnectionTrait,
    ids: Option<&[Uuid]>,
) -> Result<Vec<municipalities::Model>, DbErr> {
    let all = admin::all_municipalities(db).await?;
    Ok(all
        .into_iter()
        .filter(|m| ids.is_none_or(|ids| ids.contains(&m.id)))
        .collect())
}

fn strategy_json(s: &strategies::Model) -> Value {
    json!({
        "title": s.title,
        "period_start": s.period_start,
        "period_end": s.period_end,
        "status": s.status,
        "summary": s.summary,
    })
}

async fn create(
    db: &impl ConnectionTrait,
    actor: Uuid,
    municipality_id: Uuid,
    input: StrategyInput,
    now: DateTime<Utc>,
) -> Result<strategies::Model, DbErr> {
    let created = strategies::ActiveModel {
        id: Set(Uuid::now_v7()),
        municipality_id: Set(municipality_id),
        title: Set(input.title),
        period_start: Set(input.period_start),
        period_end: Set(input.period_end),
        status: Set(input.status.as_str().into()),
        summary: Set(input.summary),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    let summary = json!({ "after": strategy_json(&created) });
    Change::new("strategy", actor, Some(municipality_id), now)
        .record(db, "created", created.id, summary)
        .await?;
    Ok(created)
}

async fn update(
    db: &impl ConnectionTrait,
    actor: Uuid,
    before: strategies::Model,
    input: StrategyInput,
    now: DateTime<Utc>,
) -> Result<strategies::Model, DbErr> {
    let mut active = before.clone().into_active_model();
    active.title = Set(input.title);
    active.period_start = Set(input.period_start);
    active.period_end = Set(input.period_end);
    active.status = Set(input.status.as_str().into());
    active.summary = Set(input.summary);
    active.updated_at = Set(now);
    let after = active.update(db).await?;
    let summary = json!({ "before": strategy_json(&before), "after": strategy_json(&after) });
    Change::new("strategy", actor, Some(after.municipality_id), now)
        .record(db, "updated", after.id, summary)
        .await?;
    Ok(after)
}

// ---- the list ----

#[derive(Serialize)]
struct ListRow {
    id: Uuid,
    title: String,
    municipality: String,
    period: String,
    status_label: String,
}

#[derive(Serialize)]
struct PlaceOption {
    value: Uuid,
    text: String,
    selected: bool,
}

#[derive(Serialize)]
struct ListPage<'a> {
    strategies: Vec<ListRow>,
    pagination: PageView,
    municipalities: Vec<PlaceOption>,
    statuses: Vec<OptionView>,
    values: &'a StrategyForm,
    errors: Value,
}

pub async fn strategies(ctx: Ctx, query: web::Query<PageQuery>) -> AppResult<HttpResponse> {
    let form = StrategyForm::blank(ctx.state.clock.now().year());
    let page = list_page(&ctx, query.index(), &form, &FormErrors::new()).await?;
    ctx.render("strategy/manage_list", "strategy-manage-title", page)
}

async fn list_page<'a>(
    ctx: &Ctx,
    index: u64,
    values: &'a StrategyForm,
    errors: &FormErrors,
) -> AppResult<ListPage<'a>> {
    let user = ctx.require_user()?;
    let scope = user.coordinated_municipalities();
    let db = &ctx.state.db;
    let (rows, pages) = strategy_rows(db, scope.as_deref(), index, PER_PAGE).await?;
    let rows = rows
        .into_iter()
        .map(|r| ListRow {
            period: period(ctx, r.period_start, r.period_end),
            status_label: ctx.t(&format!("strategy-status-{}", r.status)),
            id: r.id,
            title: r.title,
            municipality: r.municipality,
        })
        .collect();
    let places = municipalities_for(db, scope.as_deref())
        .await?
        .into_iter()
        .map(|m| PlaceOption {
            selected: m.id.to_string() == values.municipality_id,
            value: m.id,
            text: m.name,
        })
        .collect();
    Ok(ListPage {
        strategies: rows,
        pagination: PageView::new(index, pages, "/manage/strategies"),
        municipalities: places,
        statuses: status_options(ctx, &values.status),
        values,
        errors: errors.view(ctx.lang),
    })
}

fn status_options(ctx: &Ctx, selected: &str) -> Vec<OptionView> {
    let all = StrategyStatus::ALL.map(StrategyStatus::as_str);
    options(ctx, &all, "strategy-status-", selected)
}

pub async fn create_strategy(ctx: Ctx, form: web::Form<StrategyForm>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let form = form.into_inner();
    let scope = user.coordinated_municipalities();
    let choosable: Vec<Uuid> = municipalities_for(&ctx.state.db, scope.as_deref())
        .await?
        .iter()
        .map(|m| m.id)
        .collect();
    let (input, place) = match form.check(&Some(choosable)) {
        Ok(input) => match input.municipality_id {
            Some(place) => (input, place),
            None => return Err(AppError::BadRequest),
        },
        Err(errors) => {
            let page = list_page(&ctx, 0, &form, &errors).await?;
            return ctx.render_invalid("strategy/manage_list", "strategy-manage-title", page);
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let created = create(&txn, user.id, place, input, ctx.state.clock.now()).await?;
    let location = format!("/manage/strategies/{}", created.id);
    ctx.commit_and_redirect(txn, "strategy-created", &location)
        .await
}

// ---- one strategy ----

/// The strategy with the access check done, or 404/403.
pub(super) async fn load_strategy(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: Uuid,
) -> AppResult<strategies::Model> {
    let strategy = model::find_strategy(db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    ensure_coordinates(user, strategy.municipality_id)?;
    Ok(strategy)
}

pub async fn edit_strategy(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let strategy = load_strategy(&ctx.state.db, user, id.into_inner()).await?;
    let values = strategy_values(&strategy);
    let none = FormErrors::new();
    let new_field = FieldForm::default();
    strategy_page(&ctx, strategy, Editing::fresh(&values, &new_field, &none)).await
}

fn strategy_values(s: &strategies::Model) -> StrategyForm {
    StrategyForm {
        municipality_id: s.municipality_id.to_string(),
        title: s.title.clone(),
        period_start: s.period_start.to_string(),
        period_end: s.period_end.to_string(),
        status: s.status.clone(),
        summary: s.summary.clone(),
    }
}

#[derive(Serialize)]
struct TreeGoal {
    id: Uuid,
    title: String,
    measures: usize,
    can_up: bool,
    can_down: bool,
}

#[derive(Serialize)]
struct TreeField {
    id: Uuid,
    title: String,
    can_up: bool,
    can_down: bool,
    goals: Vec<TreeGoal>,
    archived: usize,
}

#[derive(Serialize)]
struct StrategyHead {
    id: Uuid,
    title: String,
    municipality: String,
    public_href: String,
}

#[derive(Serialize)]
struct StrategyPage<'a> {
    strategy: StrategyHead,
    fields: Vec<TreeField>,
    statuses: Vec<OptionView>,
    values: &'a StrategyForm,
    new_field: &'a FieldForm,
    errors_for: &'static str,
    errors: Value,
}

fn tree_fields(tree: &model::Tree) -> Vec<TreeField> {
    let n_fields = tree.fields.len();
    tree.fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let active: Vec<_> = f
                .goals
                .iter()
                .filter(|g| g.goal.archived_at.is_none())
                .collect();
            let n = active.len();
            let goals = active
                .iter()
                .enumerate()
                .map(|(j, g)| TreeGoal {
                    id: g.goal.id,
                    title: g.goal.title.clone(),
                    measures: g.measures.len(),
                    can_up: j > 0,
                    can_down: j + 1 < n,
                })
                .collect();
            TreeField {
                id: f.field.id,
                title: f.field.title.clone(),
                can_up: i > 0,
                can_down: i + 1 < n_fields,
                goals,
                archived: f.goals.len() - n,
            }
        })
        .collect()
}

/// The strategy's edit page: its form, its tree and the form for a new field of action.
/// `errors_for` says which form the errors belong to (`strategy` or `new_field`).
pub(super) async fn strategy_page(
    ctx: &Ctx,
    strategy: strategies::Model,
    state: Editing<'_, StrategyForm, FieldForm>,
) -> AppResult<HttpResponse> {
    let db = &ctx.state.db;
    let place = admin::find_municipality(db, strategy.municipality_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let tree = model::tree(db, strategy).await?;
    let s = &tree.strategy;
    let page = StrategyPage {
        strategy: StrategyHead {
            id: s.id,
            title: s.title.clone(),
            municipality: place.name.clone(),
            public_href: format!("/strategies/{}?strategy={}", place.slug, s.id),
        },
        fields: tree_fields(&tree),
        statuses: status_options(ctx, &state.values.status),
        values: state.values,
        new_field: state.new_child,
        errors_for: state.errors_for,
        errors: state.errors.view(ctx.lang),
    };
    ctx.render_about(
        state.status,
        "strategy/manage_strategy",
        "strategy-edit-title",
        &tree.strategy.title,
        page,
    )
}

pub async fn update_strategy(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<StrategyForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let id = id.into_inner();
    let strategy = load_strategy(&ctx.state.db, user, id).await?;
    let form = form.into_inner();
    let input = match form.check(&None) {
        Ok(input) => input,
        Err(errors) => {
            let new_field = FieldForm::default();
            let state = Editing::refused(&form, &new_field, "strategy", &errors);
            return strategy_page(&ctx, strategy, state).await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let before = load_strategy(&txn, user, id).await?;
    update(&txn, user.id, before, input, ctx.state.clock.now()).await?;
    let location = format!("/manage/strategies/{id}");
    ctx.commit_and_redirect(txn, "strategy-saved", &location)
        .await
}

/// For the field use case: the strategy page again with the new field's form refused.
pub(super) async fn refuse_new_field(
    ctx: &Ctx,
    strategy: strategies::Model,
    form: &FieldForm,
    errors: &FormErrors,
) -> AppResult<HttpResponse> {
    let values = strategy_values(&strategy);
    strategy_page(
        ctx,
        strategy,
        Editing::refused(&values, form, "new_field", errors),
    )
    .await
}
