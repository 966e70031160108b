//! Staff: the indicator catalogue. Admins define indicators for the whole instance, so that the
//! municipalities of a network measure the same thing the same way; a municipality's coordinators
//! see those and define their own. Each is edited by whoever defined it.

use actix_web::{HttpResponse, web};
use entity::{goal_indicators, indicator_values, indicators, municipalities};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, Set, sea_query::Condition,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::audit::service::Change;
use crate::{
    error::{AppError, AppResult},
    identity::CurrentUser,
    monitoring::model::{Frequency, GoodDirection, Unit, managed_municipality},
    strategy::views::{OptionView, options},
    web::{
        context::Ctx,
        forms::{CheckForm, FormErrors, multiline},
        pagination::{PER_PAGE, PageQuery, PageView},
    },
};

/// The indicator form as the browser sends it.
#[derive(Debug, Deserialize, Serialize)]
pub struct IndicatorForm {
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    pub name: String,
    #[serde(default)]
    pub definition: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub good_direction: String,
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    pub source: String,
    #[serde(default)]
    pub frequency: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    pub is_rate: String,
}

impl Default for IndicatorForm {
    fn default() -> Self {
        IndicatorForm {
            name: String::new(),
            definition: String::new(),
            unit: Unit::Percent.as_str().into(),
            good_direction: GoodDirection::Down.as_str().into(),
            source: String::new(),
            frequency: Frequency::Year.as_str().into(),
            is_rate: String::new(),
        }
    }
}

impl IndicatorForm {
    fn of(i: &indicators::Model) -> Self {
        IndicatorForm {
            name: i.name.clone(),
            definition: i.definition.clone(),
            unit: i.unit.clone(),
            good_direction: i.good_direction.clone(),
            source: i.source.clone(),
            frequency: i.frequency.clone(),
            is_rate: if i.is_rate {
                "on".into()
            } else {
                String::new()
            },
        }
    }
}

/// What the indicator form says, checked.
pub struct IndicatorInput {
    pub name: String,
    pub definition: String,
    pub unit: Unit,
    pub good_direction: GoodDirection,
    pub source: String,
    pub frequency: Frequency,
    pub is_rate: bool,
}

impl CheckForm for IndicatorForm {
    type Input = IndicatorInput;
    type Rules = ();

    fn check(&self, _: &()) -> Result<IndicatorInput, FormErrors> {
        let mut errors = FormErrors::new();
        if self.name.is_empty() {
            errors.add("name", "monitoring-error-indicator-name-missing");
        } else if self.name.chars().count() > 200 {
            errors.add("name", "monitoring-error-indicator-name-too-long");
        }
        let unit = Unit::parse(&self.unit);
        if unit.is_none() {
            errors.add("unit", "monitoring-error-choose");
        }
        let good_direction = GoodDirection::parse(&self.good_direction);
        if good_direction.is_none() {
            errors.add("good_direction", "monitoring-error-choose");
        }
        if self.source.chars().count() > 300 {
            errors.add("source", "monitoring-error-source-too-long");
        }
        let frequency = Frequency::parse(&self.frequency);
        if frequency.is_none() {
            errors.add("frequency", "monitoring-error-choose");
        }
        match (unit, good_direction, frequency) {
            (Some(unit), Some(good_direction), Some(frequency)) if errors.is_empty() => {
                Ok(IndicatorInput {
                    name: self.name.clone(),
                    definition: multiline(&self.definition),
                    unit,
                    good_direction,
                    source: self.source.clone(),
                    frequency,
                    is_rate: !self.is_rate.is_empty(),
                })
            }
            _ => Err(errors),
        }
    }
}

fn indicator_json(i: &indicators::Model) -> Value {
    json!({
        "name": i.name,
        "definition": i.definition,
        "unit": i.unit,
        "good_direction": i.good_direction,
        "source": i.source,
        "frequency": i.frequency,
        "is_rate": i.is_rate,
    })
}

/// The select lists of the form, with translated labels.
#[derive(Serialize)]
struct Choices {
    units: Vec<OptionView>,
    directions: Vec<OptionView>,
    frequencies: Vec<OptionView>,
}

fn choices(ctx: &Ctx, values: &IndicatorForm) -> Choices {
    Choices {
        units: options(ctx, &Unit::values(), "monitoring-unit-", &values.unit),
        directions: options(
            ctx,
            &GoodDirection::values(),
            "monitoring-direction-",
            &values.good_direction,
        ),
        frequencies: options(
            ctx,
            &Frequency::values(),
            "monitoring-frequency-",
            &values.frequency,
        ),
    }
}

// ---- the lists ----

#[derive(Serialize)]
struct IndicatorRow {
    name: String,
    unit: String,
    frequency: String,
    instance_wide: bool,
    edit_href: Option<String>,
    values_href: Option<String>,
}

#[derive(Serialize)]
struct IndicatorsPage<'a> {
    /// `None` on the admin's list of instance-wide indicators.
    municipality: Option<String>,
    /// The municipality's areas (on its list).
    areas_href: Option<String>,
    import_href: Option<String>,
    action: String,
    indicators: Vec<IndicatorRow>,
    pagination: PageView,
    choices: Choices,
    values: &'a IndicatorForm,
    errors: Value,
}

/// The instance-wide indicators, and with `Some` the municipality's own, by name.
fn catalogue(municipality: Option<Uuid>) -> sea_orm::Select<indicators::Entity> {
    let scope = match municipality {
        Some(id) => Condition::any()
            .add(indicators::Column::MunicipalityId.is_null())
            .add(indicators::Column::MunicipalityId.eq(id)),
        None => Condition::all().add(indicators::Column::MunicipalityId.is_null()),
    };
    indicators::Entity::find()
        .filter(scope)
        .order_by_asc(indicators::Column::Name)
        .order_by_asc(indicators::Column::Id)
}

async fn list_page(
    ctx: &Ctx,
    municipality: Option<&municipalities::Model>,
    index: u64,
    values: &IndicatorForm,
    errors: &FormErrors,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let base = match municipality {
        Some(m) => format!("/manage/municipalities/{}/indicators", m.id),
        None => "/manage/indicators".to_string(),
    };
    let paginator = catalogue(municipality.map(|m| m.id)).paginate(&ctx.state.db, PER_PAGE);
    let pages = paginator.num_pages().await?;
    let rows = paginator.fetch_page(index).await?;
    let page = IndicatorsPage {
        municipality: municipality.map(|m| m.name.clone()),
        areas_href: municipality.map(|m| format!("/manage/municipalities/{}/areas", m.id)),
        import_href: municipality.map(|m| crate::monitoring::import::upload_href(m.id)),
        action: base.clone(),
        indicators: rows
            .iter()
            .map(|i| IndicatorRow {
                name: i.name.clone(),
                unit: ctx.t(&format!("monitoring-unit-{}", i.unit)),
                frequency: ctx.t(&format!("monitoring-frequency-{}", i.frequency)),
                instance_wide: i.municipality_id.is_none(),
                edit_href: may_edit(user, i).then(|| format!("/manage/indicators/{}", i.id)),
                values_href: municipality
                    .map(|m| format!("/manage/indicators/{}/values?municipality={}", i.id, m.id)),
            })
            .collect(),
        pagination: PageView::new(index, pages, &base),
        choices: choices(ctx, values),
        values,
        errors: errors.view(ctx.lang),
    };
    let status = errors.status();
    match municipality {
        Some(m) => ctx.render_about(
            status,
            "monitoring/indicators",
            "monitoring-indicators-title",
            &m.name,
            page,
        ),
        None => ctx.render_status(
            status,
            "monitoring/indicators",
            "monitoring-instance-indicators-title",
            page,
        ),
    }
}

/// Admins edit the instance-wide indicators, a municipality's coordinators its own.
fn may_edit(user: &CurrentUser, indicator: &indicators::Model) -> bool {
    match indicator.municipality_id {
        None => user.is_admin(),
        Some(m) => user.coordinates(m),
    }
}

/// Admin: the instance-wide indicators.
pub async fn instance_indicators(
    ctx: Ctx,
    query: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    list_page(
        &ctx,
        None,
        query.index(),
        &IndicatorForm::default(),
        &FormErrors::new(),
    )
    .await
}

/// Coordinators: the instance-wide indicators and the municipality's own.
pub async fn municipality_indicators(
    ctx: Ctx,
    id: web::Path<Uuid>,
    query: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let municipality = managed_municipality(&ctx.state.db, user, id.into_inner()).await?;
    list_page(
        &ctx,
        Some(&municipality),
        query.index(),
        &IndicatorForm::default(),
        &FormErrors::new(),
    )
    .await
}

async fn create(
    ctx: &Ctx,
    municipality: Option<&municipalities::Model>,
    form: IndicatorForm,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let input = match form.check(&()) {
        Ok(input) => input,
        Err(errors) => return list_page(ctx, municipality, 0, &form, &errors).await,
    };
    let municipality_id = municipality.map(|m| m.id);
    let now = ctx.state.clock.now();
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let created = indicators::ActiveModel {
        id: Set(Uuid::now_v7()),
        municipality_id: Set(municipality_id),
        name: Set(input.name),
        definition: Set(input.definition),
        unit: Set(input.unit.as_str().into()),
        good_direction: Set(input.good_direction.as_str().into()),
        source: Set(input.source),
        frequency: Set(input.frequency.as_str().into()),
        is_rate: Set(input.is_rate),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let summary = json!({ "after": indicator_json(&created) });
    Change::new("indicator", user.id, municipality_id, now)
        .record(&txn, "created", created.id, summary)
        .await?;
    let location = match municipality {
        Some(m) => format!("/manage/municipalities/{}/indicators", m.id),
        None => "/manage/indicators".to_string(),
    };
    ctx.commit_and_redirect(txn, "monitoring-indicator-created", &location)
        .await
}

pub async fn create_instance_indicator(
    ctx: Ctx,
    form: web::Form<IndicatorForm>,
) -> AppResult<HttpResponse> {
    create(&ctx, None, form.into_inner()).await
}

pub async fn create_municipality_indicator(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<IndicatorForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let municipality = managed_municipality(&ctx.state.db, user, id.into_inner()).await?;
    create(&ctx, Some(&municipality), form.into_inner()).await
}

// ---- one indicator ----

/// The indicator `id`, if `user` may edit it; 404 otherwise.
async fn editable(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: Uuid,
) -> AppResult<indicators::Model> {
    indicators::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|i| may_edit(user, i))
        .ok_or(AppError::NotFound)
}

/// The indicator `id`, if `municipality` may use it: instance-wide or its own.
pub async fn usable_by(
    db: &impl ConnectionTrait,
    municipality_id: Uuid,
    id: Uuid,
) -> Result<Option<indicators::Model>, DbErr> {
    Ok(indicators::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|i| i.municipality_id.is_none_or(|m| m == municipality_id)))
}

/// Every indicator `municipality` may use, by name.
pub async fn catalogue_of(
    db: &impl ConnectionTrait,
    municipality_id: Uuid,
) -> Result<Vec<indicators::Model>, DbErr> {
    catalogue(Some(municipality_id)).all(db).await
}

#[derive(Serialize)]
struct IndicatorPage<'a> {
    id: Uuid,
    name: String,
    back_href: String,
    choices: Choices,
    values: &'a IndicatorForm,
    errors: Value,
}

fn indicator_page(
    ctx: &Ctx,
    indicator: &indicators::Model,
    values: &IndicatorForm,
    errors: &FormErrors,
) -> AppResult<HttpResponse> {
    let back_href = match indicator.municipality_id {
        Some(m) => format!("/manage/municipalities/{m}/indicators"),
        None => "/manage/indicators".to_string(),
    };
    let page = IndicatorPage {
        id: indicator.id,
        name: indicator.name.clone(),
        back_href,
        choices: choices(ctx, values),
        values,
        errors: errors.view(ctx.lang),
    };
    let status = errors.status();
    ctx.render_about(
        status,
        "monitoring/indicator",
        "monitoring-indicator-edit-title",
        &indicator.name,
        page,
    )
}

pub async fn edit_indicator(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let indicator = editable(&ctx.state.db, user, id.into_inner()).await?;
    indicator_page(
        &ctx,
        &indicator,
        &IndicatorForm::of(&indicator),
        &FormErrors::new(),
    )
}

pub async fn update_indicator(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<IndicatorForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let id = id.into_inner();
    let before = editable(&ctx.state.db, user, id).await?;
    let form = form.into_inner();
    let input = match form.check(&()) {
        Ok(input) => input,
        Err(errors) => return indicator_page(&ctx, &before, &form, &errors),
    };
    let now = ctx.state.clock.now();
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let before = editable(&txn, user, id).await?;
    let mut active = before.clone().into_active_model();
    active.name = Set(input.name);
    active.definition = Set(input.definition);
    active.unit = Set(input.unit.as_str().into());
    active.good_direction = Set(input.good_direction.as_str().into());
    active.source = Set(input.source);
    active.frequency = Set(input.frequency.as_str().into());
    active.is_rate = Set(input.is_rate);
    active.updated_at = Set(now);
    let after = active.update(&txn).await?;
    let summary = json!({ "before": indicator_json(&before), "after": indicator_json(&after) });
    Change::new("indicator", user.id, before.municipality_id, now)
        .record(&txn, "updated", after.id, summary)
        .await?;
    let location = match after.municipality_id {
        Some(m) => format!("/manage/municipalities/{m}/indicators"),
        None => "/manage/indicators".to_string(),
    };
    ctx.commit_and_redirect(txn, "monitoring-indicator-saved", &location)
        .await
}

/// Deletes an indicator defined by mistake. Refused while it has values or a goal adopted it:
/// those are data a strategy is steered by, and go first, each on its own.
pub async fn delete_indicator(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let indicator = editable(&txn, user, id.into_inner()).await?;
    let values = indicator_values::Entity::find()
        .filter(indicator_values::Column::IndicatorId.eq(indicator.id))
        .count(&txn)
        .await?;
    let adoptions = goal_indicators::Entity::find()
        .filter(goal_indicators::Column::IndicatorId.eq(indicator.id))
        .count(&txn)
        .await?;
    if values + adoptions > 0 {
        txn.rollback().await?;
        let mut errors = FormErrors::new();
        errors.add("delete", "monitoring-error-indicator-in-use");
        return indicator_page(&ctx, &indicator, &IndicatorForm::of(&indicator), &errors);
    }
    indicators::Entity::delete_by_id(indicator.id)
        .exec(&txn)
        .await?;
    let summary = json!({ "before": indicator_json(&indicator) });
    Change::new(
        "indicator",
        user.id,
        indicator.municipality_id,
        ctx.state.clock.now(),
    )
    .record(&txn, "deleted", indicator.id, summary)
    .await?;
    let location = match indicator.municipality_id {
        Some(m) => format!("/manage/municipalities/{m}/indicators"),
        None => "/manage/indicators".to_string(),
    };
    ctx.commit_and_redirect(txn, "monitoring-indicator-deleted", &location)
        .await
}
