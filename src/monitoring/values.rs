//! Staff: an indicator's values in one municipality, per area and period: the list, entering a
//! value and correcting it (entering it again for the same area and period). The municipality as
//! a whole is an area too (`areas.whole_municipality`), created the first time a value is entered
//! for it. Values over fewer cases than the minimum group size, or
//! for an area with fewer inhabitants than the minimum population, are marked: they must never
//! be published.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use chrono::Datelike;
use entity::{areas, indicator_values, indicators, municipalities};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, JoinType,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::audit::service::Change;
use crate::{
    error::{AppError, AppResult},
    identity::CurrentUser,
    monitoring::{
        adoption::period,
        areas::IdOption,
        indicators::usable_by,
        model::{
            Frequency, Period, areas_of, format_number, managed_area, managed_municipality,
            parse_number, stored_meanwhile, today,
        },
        publication::withheld,
    },
    web::{
        context::Ctx,
        forms::{CheckForm, FormErrors},
        pagination::{PER_PAGE, PageView},
    },
};

/// The value form as the browser sends it. An empty `area_id` is the municipality as a whole.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct ValueForm {
    #[serde(default)]
    pub area_id: String,
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    pub period: String,
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    pub value: String,
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    pub numerator: String,
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    pub denominator: String,
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    pub note: String,
}

/// What the value form says, checked.
pub struct ValueInput {
    pub area_id: Option<Uuid>,
    pub period: Period,
    pub value: f64,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub note: String,
}

/// What the value check needs: the indicator's frequency and today (from the clock).
pub struct ValueRules {
    pub frequency: Frequency,
    pub today: chrono::NaiveDate,
}

fn optional_number(errors: &mut FormErrors, field: &str, text: &str) -> Option<f64> {
    if text.is_empty() {
        return None;
    }
    let n = parse_number(text).filter(|n| *n >= 0.0);
    if n.is_none() {
        errors.add(field, "monitoring-error-count-invalid");
    }
    n
}

impl CheckForm for ValueForm {
    type Input = ValueInput;
    type Rules = ValueRules;

    fn check(&self, rules: &ValueRules) -> Result<ValueInput, FormErrors> {
        let mut errors = FormErrors::new();
        let area_id = match self.area_id.trim() {
            "" => None,
            text => Uuid::parse_str(text).ok().or_else(|| {
                errors.add("area_id", "monitoring-error-area-choose");
                None
            }),
        };
        let period = period(&mut errors, "period", &self.period);
        if let Some(p) = period {
            if p.frequency() != rules.frequency {
                let example = Period::example(rules.frequency, rules.today.year() - 1);
                errors.add_with(
                    "period",
                    "monitoring-error-period-frequency",
                    &[("example", example.to_string())],
                );
            } else if p.is_after(rules.today) {
                errors.add("period", "monitoring-error-period-future");
            }
        }
        let value = match self.value.as_str() {
            "" => {
                errors.add("value", "monitoring-error-number-missing");
                None
            }
            text => parse_number(text).or_else(|| {
                errors.add("value", "monitoring-error-number-invalid");
                None
            }),
        };
        let numerator = optional_number(&mut errors, "numerator", &self.numerator);
        let denominator = optional_number(&mut errors, "denominator", &self.denominator);
        if denominator == Some(0.0) {
            errors.add("denominator", "monitoring-error-denominator-zero");
        }
        if self.note.chars().count() > 1000 {
            errors.add("note", "monitoring-error-note-too-long");
        }
        match (period, value) {
            (Some(period), Some(value)) if errors.is_empty() => Ok(ValueInput {
                area_id,
                period,
                value,
                numerator,
                denominator,
                note: self.note.clone(),
            }),
            _ => Err(errors),
        }
    }
}

/// Which municipality's values a page shows (`?municipality=`).
#[derive(Debug, Deserialize)]
pub struct ValuesQuery {
    pub municipality: Option<Uuid>,
    pub page: Option<u64>,
}

/// The indicator `id` and the municipality whose values are shown: the indicator's own, or for an
/// instance-wide one the `?municipality=` asked for. 404 unless `user` coordinates it.
async fn managed(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: Uuid,
    asked: Option<Uuid>,
) -> AppResult<(indicators::Model, municipalities::Model)> {
    let indicator = indicators::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let municipality_id = indicator
        .municipality_id
        .or(asked)
        .ok_or(AppError::NotFound)?;
    let municipality = managed_municipality(db, user, municipality_id).await?;
    usable_by(db, municipality.id, indicator.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((indicator, municipality))
}

#[derive(Serialize)]
struct ValueRow {
    /// Where its delete button posts.
    delete_action: String,
    area: String,
    period: String,
    value: String,
    numerator: Option<String>,
    denominator: Option<String>,
    note: String,
    withheld: Option<String>,
}

#[derive(Serialize)]
struct ValuesPage<'a> {
    indicator: String,
    unit: String,
    municipality: String,
    action: String,
    indicators_href: String,
    import_href: String,
    is_rate: bool,
    min_group_size: i32,
    min_area_population: i32,
    values: Vec<ValueRow>,
    pagination: PageView,
    areas: Vec<IdOption>,
    form: &'a ValueForm,
    errors: Value,
}

async fn values_page(
    ctx: &Ctx,
    indicator: &indicators::Model,
    municipality: &municipalities::Model,
    index: u64,
    form: &ValueForm,
    errors: &FormErrors,
) -> AppResult<HttpResponse> {
    let db = &ctx.state.db;
    let all = areas_of(db, municipality.id).await?;
    let by_id: HashMap<Uuid, &areas::Model> = all.iter().map(|a| (a.id, a)).collect();
    let paginator = indicator_values::Entity::find()
        .filter(indicator_values::Column::IndicatorId.eq(indicator.id))
        .filter(indicator_values::Column::AreaId.is_in(all.iter().map(|a| a.id)))
        .join(
            JoinType::InnerJoin,
            indicator_values::Entity::belongs_to(areas::Entity)
                .from(indicator_values::Column::AreaId)
                .to(areas::Column::Id)
                .into(),
        )
        .order_by_desc(indicator_values::Column::Period)
        .order_by_asc(areas::Column::Name)
        .order_by_asc(indicator_values::Column::Id)
        .paginate(db, PER_PAGE);
    let pages = paginator.num_pages().await?;
    let rows = paginator.fetch_page(index).await?;
    let number = |n: Option<f64>| n.map(|n| format_number(ctx.lang, n));
    let action = format!(
        "/manage/indicators/{}/values?municipality={}",
        indicator.id, municipality.id
    );
    let whole = whole_area(&all);
    let mut areas = vec![IdOption {
        value: String::new(),
        text: ctx.t("monitoring-area-whole"),
        selected: form.area_id.is_empty(),
    }];
    areas.extend(
        all.iter()
            .filter(|a| Some(a.id) != whole.map(|w| w.id))
            .map(|a| IdOption {
                value: a.id.to_string(),
                text: a.name.clone(),
                selected: a.id.to_string() == form.area_id,
            }),
    );
    let page = ValuesPage {
        indicator: indicator.name.clone(),
        unit: ctx.t(&format!("monitoring-unit-{}", indicator.unit)),
        municipality: municipality.name.clone(),
        action: action.clone(),
        indicators_href: format!("/manage/municipalities/{}/indicators", municipality.id),
        import_href: format!(
            "{}?indicator={}",
            crate::monitoring::import::upload_href(municipality.id),
            indicator.id
        ),
        is_rate: indicator.is_rate,
        min_group_size: municipality.min_group_size,
        min_area_population: municipality.min_area_population,
        values: rows
            .iter()
            .filter_map(|v| by_id.get(&v.area_id).map(|a| (v, *a)))
            .map(|(v, a)| ValueRow {
                delete_action: format!("/manage/indicator-values/{}/delete", v.id),
                area: if a.whole_municipality {
                    municipality.name.clone()
                } else {
                    a.name.clone()
                },
                period: v.period.clone(),
                value: format_number(ctx.lang, v.value),
                numerator: number(v.numerator),
                denominator: number(v.denominator),
                note: v.note.clone(),
                withheld: withheld(v, a, municipality).map(|key| ctx.t(key)),
            })
            .collect(),
        pagination: PageView::new(index, pages, &action),
        areas,
        form,
        errors: errors.view(ctx.lang),
    };
    let status = errors.status();
    let subject = format!("{} – {}", indicator.name, municipality.name);
    ctx.render_about(
        status,
        "monitoring/values",
        "monitoring-values-title",
        &subject,
        page,
    )
}

/// The area that stands for the municipality as a whole, if there is one yet.
fn whole_area(all: &[areas::Model]) -> Option<&areas::Model> {
    all.iter().find(|a| a.whole_municipality)
}

pub async fn values(
    ctx: Ctx,
    id: web::Path<Uuid>,
    query: web::Query<ValuesQuery>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let (indicator, municipality) =
        managed(&ctx.state.db, user, id.into_inner(), query.municipality).await?;
    let index = query
        .page
        .unwrap_or(1)
        .clamp(1, crate::web::pagination::MAX_PAGE)
        - 1;
    values_page(
        &ctx,
        &indicator,
        &municipality,
        index,
        &ValueForm::default(),
        &FormErrors::new(),
    )
    .await
}

/// The area a value is entered for: the one chosen, or the municipality as a whole (created the
/// first time). `None` if the chosen area is not the municipality's.
pub async fn area_for(
    db: &impl ConnectionTrait,
    municipality: &municipalities::Model,
    chosen: Option<Uuid>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<areas::Model>, DbErr> {
    let all = areas_of(db, municipality.id).await?;
    if let Some(id) = chosen {
        return Ok(all.into_iter().find(|a| a.id == id));
    }
    if let Some(whole) = whole_area(&all) {
        return Ok(Some(whole.clone()));
    }
    // An area a coordinator already made for the whole town (top level, its name) becomes it.
    if let Some(named) = all.iter().find(|a| {
        a.parent_id.is_none() && a.name.to_lowercase() == municipality.name.to_lowercase()
    }) {
        let mut marked = named.clone().into_active_model();
        marked.whole_municipality = Set(true);
        marked.updated_at = Set(now);
        return Ok(Some(marked.update(db).await?));
    }
    let created = areas::ActiveModel {
        id: Set(Uuid::now_v7()),
        municipality_id: Set(municipality.id),
        parent_id: Set(None),
        whole_municipality: Set(true),
        name: Set(municipality.name.clone()),
        population: Set(None),
        population_on: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(Some(created))
}

fn value_json(v: &indicator_values::Model) -> Value {
    json!({
        "area_id": v.area_id,
        "period": v.period,
        "value": v.value,
        "numerator": v.numerator,
        "denominator": v.denominator,
        "note": v.note,
    })
}

pub async fn enter_value(
    ctx: Ctx,
    id: web::Path<Uuid>,
    query: web::Query<ValuesQuery>,
    form: web::Form<ValueForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let id = id.into_inner();
    let (indicator, municipality) = managed(&ctx.state.db, user, id, query.municipality).await?;
    let form = form.into_inner();
    let now = ctx.state.clock.now();
    let frequency = Frequency::parse(&indicator.frequency).unwrap_or(Frequency::Year);
    let rules = ValueRules {
        frequency,
        today: today(now, ctx.state.settings.time_zone),
    };
    let input = match form.check(&rules) {
        Ok(input) => input,
        Err(errors) => {
            return values_page(&ctx, &indicator, &municipality, 0, &form, &errors).await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let meanwhile = |txn: sea_orm::DatabaseTransaction| async {
        txn.rollback().await?;
        let mut errors = FormErrors::new();
        errors.add("period", "monitoring-error-value-stored-meanwhile");
        values_page(&ctx, &indicator, &municipality, 0, &form, &errors).await
    };
    let area = match area_for(&txn, &municipality, input.area_id, now).await {
        Ok(Some(area)) => area,
        Ok(None) => {
            txn.rollback().await?;
            let mut errors = FormErrors::new();
            errors.add("area_id", "monitoring-error-area-choose");
            return values_page(&ctx, &indicator, &municipality, 0, &form, &errors).await;
        }
        Err(e) if stored_meanwhile(&e) => return meanwhile(txn).await,
        Err(e) => return Err(e.into()),
    };
    let period = input.period.to_string();
    let existing = indicator_values::Entity::find()
        .filter(indicator_values::Column::IndicatorId.eq(indicator.id))
        .filter(indicator_values::Column::AreaId.eq(area.id))
        .filter(indicator_values::Column::Period.eq(period.as_str()))
        .one(&txn)
        .await?;
    let before = existing.as_ref().map(value_json);
    let mut active = match existing {
        Some(v) => v.into_active_model(),
        None => indicator_values::ActiveModel {
            id: Set(Uuid::now_v7()),
            indicator_id: Set(indicator.id),
            area_id: Set(area.id),
            period: Set(period),
            created_at: Set(now),
            ..Default::default()
        },
    };
    active.value = Set(input.value);
    active.numerator = Set(input.numerator);
    active.denominator = Set(input.denominator);
    active.note = Set(input.note);
    active.updated_at = Set(now);
    let (verb, saved) = match before {
        Some(_) => ("corrected", active.update(&txn).await),
        None => ("entered", active.insert(&txn).await),
    };
    let after = match saved {
        Ok(after) => after,
        Err(e) if stored_meanwhile(&e) => return meanwhile(txn).await,
        Err(e) => return Err(e.into()),
    };
    let summary = json!({ "indicator": indicator.name, "area": area.name, "before": before, "after": value_json(&after) });
    Change::new("indicator_value", user.id, Some(municipality.id), now)
        .record(&txn, verb, after.id, summary)
        .await?;
    let location = format!(
        "/manage/indicators/{}/values?municipality={}",
        indicator.id, municipality.id
    );
    ctx.commit_and_redirect(txn, "monitoring-value-saved", &location)
        .await
}

/// Deletes one value (entered by mistake, or for an area that is to be deleted), audit-logged,
/// and goes back to the indicator's values in that municipality.
pub async fn delete_value(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let value = indicator_values::Entity::find_by_id(id.into_inner())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    // Another municipality's value answers 404, as its area does.
    let (area, municipality) = managed_area(&txn, user, value.area_id).await?;
    let indicator = indicators::Entity::find_by_id(value.indicator_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    indicator_values::Entity::delete_by_id(value.id)
        .exec(&txn)
        .await?;
    let summary =
        json!({ "indicator": indicator.name, "area": area.name, "before": value_json(&value) });
    Change::new(
        "indicator_value",
        user.id,
        Some(municipality.id),
        ctx.state.clock.now(),
    )
    .record(&txn, "deleted", value.id, summary)
    .await?;
    let location = format!(
        "/manage/indicators/{}/values?municipality={}",
        indicator.id, municipality.id
    );
    ctx.commit_and_redirect(txn, "monitoring-value-deleted", &location)
        .await
}
