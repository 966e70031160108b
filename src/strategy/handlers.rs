//! Strategy pages: the public view of a municipality's strategy and its goals, and the staff pages
//! where the municipality's coordinators edit strategy, fields of action, goals and measures.

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{Datelike, NaiveDate};
use entity::{goals, measures, strategies};
use fluent_templates::fluent_bundle::FluentValue;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    accounts::service::CurrentUser,
    error::{AppError, AppResult},
    rounds::forms::{first_day, last_day},
    rounds::service as rounds,
    strategy::{
        forms::{FieldForm, GoalForm, MeasureForm, MoveForm, StrategyForm, StrategyQuery},
        service::{
            self, ADOPTED, Direction, FieldInStrategy, GoalInStrategy, MEASURE_STATUSES,
            MeasureInStrategy, STRATEGY_STATUSES,
        },
    },
    web::{
        context::{Ctx, FlashKind, see_other},
        forms::FormErrors,
        i18n,
        pagination::{PER_PAGE, PageQuery, PageView},
    },
};

/// The person may change what belongs to `municipality_id`, or gets 403.
fn ensure_coordinates(user: &CurrentUser, municipality_id: Uuid) -> AppResult<()> {
    if user.coordinates(municipality_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// A plain date in the locale's pattern (the `date` helper wants points in time).
fn day(ctx: &Ctx, date: Option<NaiveDate>) -> Option<String> {
    let pattern = ctx.t("format-date");
    date.map(|d| d.format(&pattern).to_string())
}

/// `<option>`s with translated labels: `prefix` + value is the label's key.
fn options(ctx: &Ctx, values: &[&str], prefix: &str, selected: &str) -> Vec<Value> {
    values
        .iter()
        .map(|v| {
            json!({
                "value": v,
                "text": ctx.t(&format!("{prefix}{v}")),
                "selected": *v == selected,
            })
        })
        .collect()
}

/// A strategy's period, such as "2024–2028", in the locale's form.
fn period(ctx: &Ctx, start: i32, end: i32) -> String {
    i18n::t_args(
        ctx.lang,
        "strategy-period-range",
        &[
            ("start", FluentValue::from(start.to_string())),
            ("end", FluentValue::from(end.to_string())),
        ],
    )
}

fn direction(form: &MoveForm) -> AppResult<Direction> {
    Direction::parse(&form.direction).ok_or(AppError::BadRequest)
}

fn to_value(form: &impl serde::Serialize) -> Value {
    serde_json::to_value(form).unwrap_or(Value::Null)
}

fn measure_views(ctx: &Ctx, list: &[measures::Model]) -> Vec<Value> {
    let n = list.len();
    list.iter()
        .enumerate()
        .map(|(i, m)| {
            json!({
                "id": m.id,
                "title": m.title,
                "description": m.description,
                "responsible_body": m.responsible_body,
                "status": m.status,
                "status_label": ctx.t(&format!("strategy-measure-status-{}", m.status)),
                "starts_on": day(ctx, m.starts_on),
                "ends_on": day(ctx, m.ends_on),
                "progress_note": m.progress_note,
                "can_up": i > 0,
                "can_down": i + 1 < n,
            })
        })
        .collect()
}

// ---- public pages ----

/// `/strategies/{slug}`: the strategy of a municipality with its fields, goals and measures.
pub async fn public_strategy(
    ctx: Ctx,
    slug: web::Path<String>,
    query: web::Query<StrategyQuery>,
) -> AppResult<HttpResponse> {
    let db = &ctx.state.db;
    let place = service::municipality_by_slug(db, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let all = service::strategies_of(db, place.id).await?;
    let chosen = match query.strategy.as_deref() {
        None | Some("") => all.first().cloned(),
        Some(raw) => {
            let id = Uuid::parse_str(raw).map_err(|_| AppError::NotFound)?;
            Some(
                all.iter()
                    .find(|s| s.id == id)
                    .cloned()
                    .ok_or(AppError::NotFound)?,
            )
        }
    };
    let place_view = json!({ "name": place.name, "slug": place.slug });
    let Some(strategy) = chosen else {
        return ctx.render(
            "strategy/show",
            "strategy-public-title",
            json!({
                "municipality": place_view,
            "legal_municipality": place.slug,
                "strategy": null,
                "others": [],
                "legal_municipality": place.slug,
            }),
        );
    };
    let others: Vec<Value> = all
        .iter()
        .filter(|s| s.id != strategy.id)
        .map(|s| {
            json!({
                "href": format!("/strategies/{}?strategy={}", place.slug, s.id),
                "title": s.title,
                "period": period(&ctx, s.period_start, s.period_end),
                "is_draft": s.status != ADOPTED,
            })
        })
        .collect();
    let tree = service::tree(db, strategy).await?;
    let counts = rounds::participation_counts(db, &tree.goal_ids()).await?;
    let goal_view = |g: &goals::Model, ms: &[measures::Model]| {
        let c = counts.get(&g.id).copied().unwrap_or_default();
        json!({
            "id": g.id,
            "title": g.title,
            "target_text": g.target_text,
            "participation": {
                "any": c != rounds::Participation::default(),
                "rounds": c.rounds,
                "responses": c.responses,
                "ideas": c.ideas,
                "workshops": c.workshops,
            },
            "measures": measure_views(&ctx, ms),
        })
    };
    let fields: Vec<Value> = tree
        .fields
        .iter()
        .map(|f| {
            let (active, archived): (Vec<_>, Vec<_>) =
                f.goals.iter().partition(|g| g.goal.archived_at.is_none());
            json!({
                "id": f.field.id,
                "title": f.field.title,
                "description": f.field.description,
                "goals": active.iter().map(|g| goal_view(&g.goal, &g.measures)).collect::<Vec<_>>(),
                "archived_goals": archived.iter().map(|g| goal_view(&g.goal, &g.measures)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let s = &tree.strategy;
    ctx.render_about(
        StatusCode::OK,
        "strategy/show",
        "strategy-public-title",
        &s.title,
        json!({
            "municipality": place_view,
            "legal_municipality": place.slug,
            "strategy": {
                "title": s.title,
                "period": period(&ctx, s.period_start, s.period_end),
                "is_draft": s.status != ADOPTED,
                "summary": s.summary,
                "fields": fields,
            },
            "others": others,
        }),
    )
}

/// `/goals/{id}`: one goal, its measures and the participation rounds that feed it.
pub async fn public_goal(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let db = &ctx.state.db;
    let at = service::find_goal(db, id.into_inner())
        .await?
        .ok_or(AppError::NotFound)?;
    let place = service::find_municipality(db, at.strategy.municipality_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let measures = service::measures_of(db, &[at.goal.id]).await?;
    let tz = ctx.state.settings.time_zone;
    let pattern = ctx.t("format-date");
    let rounds: Vec<Value> = rounds::public_rounds_for_goal(db, at.goal.id)
        .await?
        .into_iter()
        .map(|r| {
            // A round's period is whole days: it ends at the start of the day after its last.
            json!({
                "href": format!("/rounds/{}", r.slug),
                "title": r.title,
                "status_label": ctx.t(&format!("strategy-round-status-{}", r.status)),
                "starts_on": first_day(tz, r.starts_at).format(&pattern).to_string(),
                "ends_on": last_day(tz, r.ends_at).format(&pattern).to_string(),
            })
        })
        .collect();
    ctx.render_about(
        StatusCode::OK,
        "strategy/goal",
        "strategy-goal-title",
        &at.goal.title,
        json!({
            "municipality": { "name": place.name, "slug": place.slug },
            "strategy": {
                "title": at.strategy.title,
                "period": period(&ctx, at.strategy.period_start, at.strategy.period_end),
                "is_draft": at.strategy.status != ADOPTED,
                "href": format!("/strategies/{}?strategy={}", place.slug, at.strategy.id),
            },
            "field": { "title": at.field.title },
            "goal": {
                "title": at.goal.title,
                "description": at.goal.description,
                "target_text": at.goal.target_text,
                "archived": at.goal.archived_at.is_some(),
                "archived_at": at.goal.archived_at.map(|t| t.to_rfc3339()),
            },
            "measures": measure_views(&ctx, &measures),
            "rounds": rounds,
            "ideas": crate::ideas::summaries::adopted_into_goal(db, at.goal.id)
                .await?
                .iter()
                .map(|i| json!({
                    "href": format!("/ideas/{}/{}", i.board_id, i.id),
                    "title": i.title,
                    "status_label": ctx.t(&format!("idea-official-{}", i.official_status)),
                }))
                .collect::<Vec<_>>(),
            "workshops_held": crate::workshops::summaries::documented_for_goal(&ctx, at.goal.id).await?,
            "survey_results": crate::surveys::service::goal_results(db, ctx.lang, at.goal.id).await?,
        }),
    )
}

// ---- staff: strategies ----

pub async fn strategies(ctx: Ctx, query: web::Query<PageQuery>) -> AppResult<HttpResponse> {
    let values = to_value(&StrategyForm::blank(ctx.state.clock.now().year()));
    strategies_page(
        &ctx,
        query.index(),
        StatusCode::OK,
        values,
        &FormErrors::new(),
    )
    .await
}

async fn strategies_page(
    ctx: &Ctx,
    index: u64,
    status: StatusCode,
    values: Value,
    errors: &FormErrors,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let scope = user.coordinated_municipalities();
    let db = &ctx.state.db;
    let (rows, pages) = service::strategy_page(db, scope.as_deref(), index, PER_PAGE).await?;
    let rows: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "title": r.title,
                "municipality": r.municipality,
                "period": period(ctx, r.period_start, r.period_end),
                "status_label": ctx.t(&format!("strategy-status-{}", r.status)),
            })
        })
        .collect();
    let selected_place = values["municipality_id"].as_str().unwrap_or_default();
    let places: Vec<Value> = service::municipalities_for(db, scope.as_deref())
        .await?
        .iter()
        .map(|m| json!({ "value": m.id, "text": m.name, "selected": m.id.to_string() == selected_place }))
        .collect();
    let statuses = options(
        ctx,
        &STRATEGY_STATUSES,
        "strategy-status-",
        values["status"].as_str().unwrap_or_default(),
    );
    ctx.render_status(
        status,
        "strategy/manage_list",
        "strategy-manage-title",
        json!({
            "strategies": rows,
            "pagination": PageView::new(index, pages, "/manage/strategies"),
            "municipalities": places,
            "statuses": statuses,
            "values": values,
            "errors": errors.view(ctx.lang),
        }),
    )
}

pub async fn create_strategy(ctx: Ctx, form: web::Form<StrategyForm>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let form = form.into_inner();
    let mut errors = FormErrors::new();
    let place = match Uuid::parse_str(&form.municipality_id) {
        Ok(id) if user.coordinates(id) => service::find_municipality(&ctx.state.db, id).await?,
        _ => None,
    };
    if place.is_none() {
        errors.add("municipality_id", "error-municipality-unknown");
    }
    // Without a municipality, `check_after` reports that error together with the others.
    let (place, input) = match (place, form.check_after(errors)) {
        (Some(place), Ok(input)) => (place, input),
        (_, checked) => {
            let errors = checked.err().unwrap_or_default();
            return strategies_page(
                &ctx,
                0,
                StatusCode::UNPROCESSABLE_ENTITY,
                to_value(&form),
                &errors,
            )
            .await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let created =
        service::create_strategy(&txn, user.id, place.id, input, ctx.state.clock.now()).await?;
    txn.commit().await?;
    ctx.flash(FlashKind::Success, "strategy-created")?;
    Ok(see_other(&format!("/manage/strategies/{}", created.id)))
}

/// The strategy with the access check done, or 404/403.
async fn load_strategy(
    db: &impl sea_orm::ConnectionTrait,
    user: &CurrentUser,
    id: Uuid,
) -> AppResult<strategies::Model> {
    let strategy = service::find_strategy(db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    ensure_coordinates(user, strategy.municipality_id)?;
    Ok(strategy)
}

pub async fn edit_strategy(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let strategy = load_strategy(&ctx.state.db, user, id.into_inner()).await?;
    let values = strategy_values(&strategy);
    strategy_page(
        &ctx,
        strategy,
        StatusCode::OK,
        values,
        to_value(&FieldForm::default()),
        "",
        &FormErrors::new(),
    )
    .await
}

fn strategy_values(s: &strategies::Model) -> Value {
    to_value(&StrategyForm {
        municipality_id: s.municipality_id.to_string(),
        title: s.title.clone(),
        period_start: s.period_start.to_string(),
        period_end: s.period_end.to_string(),
        status: s.status.clone(),
        summary: s.summary.clone(),
    })
}

/// The strategy's edit page: its form, its tree and the form for a new field of action.
/// `errors_for` says which form `errors` belong to (`strategy` or `new_field`).
async fn strategy_page(
    ctx: &Ctx,
    strategy: strategies::Model,
    status: StatusCode,
    values: Value,
    new_field: Value,
    errors_for: &str,
    errors: &FormErrors,
) -> AppResult<HttpResponse> {
    let db = &ctx.state.db;
    let place = service::find_municipality(db, strategy.municipality_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let tree = service::tree(db, strategy).await?;
    let n_fields = tree.fields.len();
    let fields: Vec<Value> = tree
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let active: Vec<_> = f
                .goals
                .iter()
                .filter(|g| g.goal.archived_at.is_none())
                .collect();
            let n = active.len();
            let goals: Vec<Value> = active
                .iter()
                .enumerate()
                .map(|(j, g)| {
                    json!({
                        "id": g.goal.id,
                        "title": g.goal.title,
                        "measures": g.measures.len(),
                        "can_up": j > 0,
                        "can_down": j + 1 < n,
                    })
                })
                .collect();
            json!({
                "id": f.field.id,
                "title": f.field.title,
                "can_up": i > 0,
                "can_down": i + 1 < n_fields,
                "goals": goals,
                "archived": f.goals.len() - n,
            })
        })
        .collect();
    let s = &tree.strategy;
    let statuses = options(
        ctx,
        &STRATEGY_STATUSES,
        "strategy-status-",
        values["status"].as_str().unwrap_or_default(),
    );
    ctx.render_about(
        status,
        "strategy/manage_strategy",
        "strategy-edit-title",
        &tree.strategy.title,
        json!({
            "strategy": {
                "id": s.id,
                "title": s.title,
                "municipality": place.name,
                "public_href": format!("/strategies/{}?strategy={}", place.slug, s.id),
            },
            "fields": fields,
            "statuses": statuses,
            "values": values,
            "new_field": new_field,
            "errors_for": errors_for,
            "errors": errors.view(ctx.lang),
        }),
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
    let input = match form.check() {
        Ok(input) => input,
        Err(errors) => {
            return strategy_page(
                &ctx,
                strategy,
                StatusCode::UNPROCESSABLE_ENTITY,
                to_value(&form),
                to_value(&FieldForm::default()),
                "strategy",
                &errors,
            )
            .await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let before = load_strategy(&txn, user, id).await?;
    service::update_strategy(&txn, user.id, before, input, ctx.state.clock.now()).await?;
    txn.commit().await?;
    ctx.flash(FlashKind::Success, "strategy-saved")?;
    Ok(see_other(&format!("/manage/strategies/{id}")))
}

// ---- staff: fields of action ----

pub async fn create_field(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<FieldForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let id = id.into_inner();
    let strategy = load_strategy(&ctx.state.db, user, id).await?;
    let form = form.into_inner();
    let input = match form.check() {
        Ok(input) => input,
        Err(errors) => {
            let values = strategy_values(&strategy);
            return strategy_page(
                &ctx,
                strategy,
                StatusCode::UNPROCESSABLE_ENTITY,
                values,
                to_value(&form),
                "new_field",
                &errors,
            )
            .await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let strategy = load_strategy(&txn, user, id).await?;
    service::create_field(&txn, user.id, &strategy, input, ctx.state.clock.now()).await?;
    txn.commit().await?;
    ctx.flash(FlashKind::Success, "strategy-field-created")?;
    Ok(see_other(&format!("/manage/strategies/{id}")))
}

async fn load_field(
    db: &impl sea_orm::ConnectionTrait,
    user: &CurrentUser,
    id: Uuid,
) -> AppResult<FieldInStrategy> {
    let at = service::find_field(db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    ensure_coordinates(user, at.strategy.municipality_id)?;
    Ok(at)
}

pub async fn edit_field(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let at = load_field(&ctx.state.db, user, id.into_inner()).await?;
    let values = field_values(&at);
    field_page(
        &ctx,
        &at,
        StatusCode::OK,
        values,
        to_value(&GoalForm::default()),
        "",
        &FormErrors::new(),
    )
    .await
}

fn field_values(at: &FieldInStrategy) -> Value {
    to_value(&FieldForm {
        field_title: at.field.title.clone(),
        field_description: at.field.description.clone(),
    })
}

/// A field of action's edit page with its goals and the form for a new goal. `errors_for` is
/// `field` or `new_goal`.
async fn field_page(
    ctx: &Ctx,
    at: &FieldInStrategy,
    status: StatusCode,
    values: Value,
    new_goal: Value,
    errors_for: &str,
    errors: &FormErrors,
) -> AppResult<HttpResponse> {
    let all = service::goals_of_field(&ctx.state.db, at.field.id).await?;
    let (active, archived): (Vec<_>, Vec<_>) = all.iter().partition(|g| g.archived_at.is_none());
    let n = active.len();
    let active: Vec<Value> = active
        .iter()
        .enumerate()
        .map(|(i, g)| {
            json!({
                "id": g.id,
                "title": g.title,
                "target_text": g.target_text,
                "can_up": i > 0,
                "can_down": i + 1 < n,
            })
        })
        .collect();
    let archived: Vec<Value> = archived
        .iter()
        .map(|g| json!({ "id": g.id, "title": g.title }))
        .collect();
    ctx.render_about(
        status,
        "strategy/manage_field",
        "strategy-field-edit-title",
        &at.field.title,
        json!({
            "strategy": { "id": at.strategy.id, "title": at.strategy.title },
            "field": { "id": at.field.id, "title": at.field.title },
            "goals": active,
            "archived_goals": archived,
            "values": values,
            "new_goal": new_goal,
            "errors_for": errors_for,
            "errors": errors.view(ctx.lang),
        }),
    )
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
    let input = match form.check() {
        Ok(input) => input,
        Err(errors) => {
            return field_page(
                &ctx,
                &at,
                StatusCode::UNPROCESSABLE_ENTITY,
                to_value(&form),
                to_value(&GoalForm::default()),
                "field",
                &errors,
            )
            .await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let at = load_field(&txn, user, id).await?;
    service::update_field(&txn, user.id, &at, input, ctx.state.clock.now()).await?;
    txn.commit().await?;
    ctx.flash(FlashKind::Success, "strategy-field-saved")?;
    Ok(see_other(&format!("/manage/fields/{id}")))
}

pub async fn move_field(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<MoveForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let id = id.into_inner();
    load_field(&ctx.state.db, user, id).await?;
    let direction = direction(&form)?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let at = load_field(&txn, user, id).await?;
    service::move_field(&txn, user.id, &at, direction, ctx.state.clock.now()).await?;
    txn.commit().await?;
    ctx.flash(FlashKind::Success, "strategy-moved")?;
    Ok(see_other(&format!(
        "/manage/strategies/{}#field-{id}",
        at.strategy.id
    )))
}

// ---- staff: goals ----

pub async fn create_goal(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<GoalForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let id = id.into_inner();
    let at = load_field(&ctx.state.db, user, id).await?;
    let form = form.into_inner();
    let input = match form.check() {
        Ok(input) => input,
        Err(errors) => {
            let values = field_values(&at);
            return field_page(
                &ctx,
                &at,
                StatusCode::UNPROCESSABLE_ENTITY,
                values,
                to_value(&form),
                "new_goal",
                &errors,
            )
            .await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let at = load_field(&txn, user, id).await?;
    service::create_goal(&txn, user.id, &at, input, ctx.state.clock.now()).await?;
    txn.commit().await?;
    ctx.flash(FlashKind::Success, "strategy-goal-created")?;
    Ok(see_other(&format!("/manage/fields/{id}")))
}

async fn load_goal(
    db: &impl sea_orm::ConnectionTrait,
    user: &CurrentUser,
    id: Uuid,
) -> AppResult<GoalInStrategy> {
    let at = service::find_goal(db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    ensure_coordinates(user, at.strategy.municipality_id)?;
    Ok(at)
}

pub async fn edit_goal(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let at = load_goal(&ctx.state.db, user, id.into_inner()).await?;
    let values = goal_values(&at.goal);
    goal_page(
        &ctx,
        &at,
        StatusCode::OK,
        values,
        to_value(&MeasureForm::blank()),
        "",
        &FormErrors::new(),
    )
    .await
}

fn goal_values(g: &goals::Model) -> Value {
    to_value(&GoalForm {
        goal_title: g.title.clone(),
        goal_description: g.description.clone(),
        goal_target_text: g.target_text.clone().unwrap_or_default(),
    })
}

/// A goal's edit page with its measures and the form for a new measure. `errors_for` is `goal`
/// or `new_measure`.
async fn goal_page(
    ctx: &Ctx,
    at: &GoalInStrategy,
    status: StatusCode,
    values: Value,
    new_measure: Value,
    errors_for: &str,
    errors: &FormErrors,
) -> AppResult<HttpResponse> {
    let list = service::measures_of(&ctx.state.db, &[at.goal.id]).await?;
    let statuses = options(
        ctx,
        &MEASURE_STATUSES,
        "strategy-measure-status-",
        new_measure["measure_status"].as_str().unwrap_or_default(),
    );
    ctx.render_about(
        status,
        "strategy/manage_goal",
        "strategy-goal-edit-title",
        &at.goal.title,
        json!({
            "strategy": { "id": at.strategy.id, "title": at.strategy.title },
            "field": { "id": at.field.id, "title": at.field.title },
            "goal": {
                "id": at.goal.id,
                "title": at.goal.title,
                "archived": at.goal.archived_at.is_some(),
                "archived_at": at.goal.archived_at.map(|t| t.to_rfc3339()),
            },
            "measures": measure_views(ctx, &list),
            "statuses": statuses,
            "values": values,
            "new_measure": new_measure,
            "errors_for": errors_for,
            "errors": errors.view(ctx.lang),
        }),
    )
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
    let input = match form.check() {
        Ok(input) => input,
        Err(errors) => {
            return goal_page(
                &ctx,
                &at,
                StatusCode::UNPROCESSABLE_ENTITY,
                to_value(&form),
                to_value(&MeasureForm::blank()),
                "goal",
                &errors,
            )
            .await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let at = load_goal(&txn, user, id).await?;
    service::update_goal(&txn, user.id, &at, input, ctx.state.clock.now()).await?;
    txn.commit().await?;
    ctx.flash(FlashKind::Success, "strategy-goal-saved")?;
    Ok(see_other(&format!("/manage/goals/{id}")))
}

pub async fn move_goal(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<MoveForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let id = id.into_inner();
    load_goal(&ctx.state.db, user, id).await?;
    let direction = direction(&form)?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let at = load_goal(&txn, user, id).await?;
    service::move_goal(&txn, user.id, &at, direction, ctx.state.clock.now()).await?;
    txn.commit().await?;
    ctx.flash(FlashKind::Success, "strategy-moved")?;
    let back = if form.back == "strategy" {
        format!(
            "/manage/strategies/{}#field-{}",
            at.strategy.id, at.field.id
        )
    } else {
        format!("/manage/fields/{}#goals", at.field.id)
    };
    Ok(see_other(&back))
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
    let changed =
        service::set_goal_archived(&txn, user.id, &at, archive, ctx.state.clock.now()).await?;
    txn.commit().await?;
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

// ---- staff: measures ----

pub async fn create_measure(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<MeasureForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let id = id.into_inner();
    let at = load_goal(&ctx.state.db, user, id).await?;
    let form = form.into_inner();
    let input = match form.check() {
        Ok(input) => input,
        Err(errors) => {
            let values = goal_values(&at.goal);
            return goal_page(
                &ctx,
                &at,
                StatusCode::UNPROCESSABLE_ENTITY,
                values,
                to_value(&form),
                "new_measure",
                &errors,
            )
            .await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let at = load_goal(&txn, user, id).await?;
    service::create_measure(&txn, user.id, &at, input, ctx.state.clock.now()).await?;
    txn.commit().await?;
    ctx.flash(FlashKind::Success, "strategy-measure-created")?;
    Ok(see_other(&format!("/manage/goals/{id}#measures")))
}

async fn load_measure(
    db: &impl sea_orm::ConnectionTrait,
    user: &CurrentUser,
    id: Uuid,
) -> AppResult<MeasureInStrategy> {
    let at = service::find_measure(db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    ensure_coordinates(user, at.strategy.municipality_id)?;
    Ok(at)
}

pub async fn edit_measure(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let at = load_measure(&ctx.state.db, user, id.into_inner()).await?;
    let m = &at.measure;
    let values = to_value(&MeasureForm {
        measure_title: m.title.clone(),
        measure_description: m.description.clone(),
        measure_responsible_body: m.responsible_body.clone(),
        measure_status: m.status.clone(),
        measure_starts_on: m.starts_on.map(|d| d.to_string()).unwrap_or_default(),
        measure_ends_on: m.ends_on.map(|d| d.to_string()).unwrap_or_default(),
        measure_progress_note: m.progress_note.clone(),
    });
    measure_page(&ctx, &at, StatusCode::OK, values, &FormErrors::new())
}

fn measure_page(
    ctx: &Ctx,
    at: &MeasureInStrategy,
    status: StatusCode,
    values: Value,
    errors: &FormErrors,
) -> AppResult<HttpResponse> {
    let statuses = options(
        ctx,
        &MEASURE_STATUSES,
        "strategy-measure-status-",
        values["measure_status"].as_str().unwrap_or_default(),
    );
    ctx.render_about(
        status,
        "strategy/manage_measure",
        "strategy-measure-edit-title",
        &at.measure.title,
        json!({
            "strategy": { "id": at.strategy.id, "title": at.strategy.title },
            "field": { "id": at.field.id, "title": at.field.title },
            "goal": { "id": at.goal.id, "title": at.goal.title },
            "measure": { "id": at.measure.id, "title": at.measure.title },
            "statuses": statuses,
            "values": values,
            "errors": errors.view(ctx.lang),
        }),
    )
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
    let input = match form.check() {
        Ok(input) => input,
        Err(errors) => {
            return measure_page(
                &ctx,
                &at,
                StatusCode::UNPROCESSABLE_ENTITY,
                to_value(&form),
                &errors,
            );
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let at = load_measure(&txn, user, id).await?;
    service::update_measure(&txn, user.id, &at, input, ctx.state.clock.now()).await?;
    txn.commit().await?;
    ctx.flash(FlashKind::Success, "strategy-measure-saved")?;
    Ok(see_other(&format!("/manage/goals/{}#measures", at.goal.id)))
}

pub async fn move_measure(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<MoveForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let id = id.into_inner();
    load_measure(&ctx.state.db, user, id).await?;
    let direction = direction(&form)?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let at = load_measure(&txn, user, id).await?;
    service::move_measure(&txn, user.id, &at, direction, ctx.state.clock.now()).await?;
    txn.commit().await?;
    ctx.flash(FlashKind::Success, "strategy-moved")?;
    Ok(see_other(&format!("/manage/goals/{}#measures", at.goal.id)))
}
