//! Staff: a goal adopts indicators of its municipality's catalogue, each with a baseline (value,
//! period) and a target (value, period); adopting one again changes them, and an adoption can be
//! removed. The values themselves stay with the indicator.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use entity::{goal_indicators, indicators};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, ModelTrait, QueryFilter, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::audit::service::Change;
use crate::{
    error::{AppError, AppResult},
    identity::CurrentUser,
    monitoring::{
        areas::IdOption,
        indicators::{catalogue_of, usable_by},
        model::{Period, format_number, parse_number},
    },
    strategy::model::{GoalInStrategy, find_goal},
    web::{
        context::Ctx,
        forms::{CheckForm, FormErrors},
    },
};

/// The adoption form as the browser sends it.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct AdoptionForm {
    #[serde(default)]
    pub indicator_id: String,
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    pub baseline_value: String,
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    pub baseline_period: String,
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    pub target_value: String,
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    pub target_period: String,
}

/// What the adoption form says, checked.
pub struct AdoptionInput {
    pub indicator_id: Uuid,
    pub baseline_value: f64,
    pub baseline_period: Period,
    pub target_value: f64,
    pub target_period: Period,
}

fn number(errors: &mut FormErrors, field: &str, text: &str) -> Option<f64> {
    if text.is_empty() {
        errors.add(field, "monitoring-error-number-missing");
        return None;
    }
    let n = parse_number(text);
    if n.is_none() {
        errors.add(field, "monitoring-error-number-invalid");
    }
    n
}

/// A period typed into `field`, or its message.
pub fn period(errors: &mut FormErrors, field: &str, text: &str) -> Option<Period> {
    if text.is_empty() {
        errors.add(field, "monitoring-error-period-missing");
        return None;
    }
    let p = Period::parse(text);
    if p.is_none() {
        errors.add(field, "monitoring-error-period-invalid");
    }
    p
}

impl CheckForm for AdoptionForm {
    type Input = AdoptionInput;
    type Rules = ();

    fn check(&self, _: &()) -> Result<AdoptionInput, FormErrors> {
        let mut errors = FormErrors::new();
        let indicator_id = Uuid::parse_str(self.indicator_id.trim()).ok();
        if indicator_id.is_none() {
            errors.add("indicator_id", "monitoring-error-indicator-choose");
        }
        let baseline_value = number(&mut errors, "baseline_value", &self.baseline_value);
        let baseline_period = period(&mut errors, "baseline_period", &self.baseline_period);
        let target_value = number(&mut errors, "target_value", &self.target_value);
        let target_period = period(&mut errors, "target_period", &self.target_period);
        if let (Some(from), Some(to)) = (baseline_period, target_period)
            && to.starts_on() <= from.starts_on()
        {
            errors.add("target_period", "monitoring-error-target-before-baseline");
        }
        match (
            indicator_id,
            baseline_value,
            baseline_period,
            target_value,
            target_period,
        ) {
            (Some(indicator_id), Some(bv), Some(bp), Some(tv), Some(tp)) if errors.is_empty() => {
                Ok(AdoptionInput {
                    indicator_id,
                    baseline_value: bv,
                    baseline_period: bp,
                    target_value: tv,
                    target_period: tp,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The goal `id`, if `user` coordinates its municipality; 404 otherwise.
async fn managed_goal(
    db: &impl sea_orm::ConnectionTrait,
    user: &CurrentUser,
    id: Uuid,
) -> AppResult<GoalInStrategy> {
    find_goal(db, id)
        .await?
        .filter(|at| user.coordinates(at.strategy.municipality_id))
        .ok_or(AppError::NotFound)
}

#[derive(Serialize)]
struct AdoptedRow {
    indicator_id: Uuid,
    name: String,
    unit: String,
    baseline: String,
    target: String,
}

#[derive(Serialize)]
struct AdoptionPage<'a> {
    goal: String,
    goal_id: Uuid,
    indicators_href: String,
    adopted: Vec<AdoptedRow>,
    choices: Vec<IdOption>,
    values: &'a AdoptionForm,
    errors: Value,
}

fn at_period(ctx: &Ctx, value: f64, period: &str) -> String {
    format!("{} ({period})", format_number(ctx.lang, value))
}

async fn adoption_page(
    ctx: &Ctx,
    at: &GoalInStrategy,
    values: &AdoptionForm,
    errors: &FormErrors,
) -> AppResult<HttpResponse> {
    let db = &ctx.state.db;
    let municipality_id = at.strategy.municipality_id;
    let catalogue = catalogue_of(db, municipality_id).await?;
    let by_id: HashMap<Uuid, &indicators::Model> = catalogue.iter().map(|i| (i.id, i)).collect();
    let adopted = goal_indicators::Entity::find()
        .filter(goal_indicators::Column::GoalId.eq(at.goal.id))
        .all(db)
        .await?;
    let mut rows: Vec<AdoptedRow> = adopted
        .iter()
        .filter_map(|a| {
            by_id.get(&a.indicator_id).map(|i| AdoptedRow {
                indicator_id: i.id,
                name: i.name.clone(),
                unit: ctx.t(&format!("monitoring-unit-{}", i.unit)),
                baseline: at_period(ctx, a.baseline_value, &a.baseline_period),
                target: at_period(ctx, a.target_value, &a.target_period),
            })
        })
        .collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    let none = IdOption {
        value: String::new(),
        text: ctx.t("monitoring-indicator-choose"),
        selected: values.indicator_id.is_empty(),
    };
    let choices = std::iter::once(none)
        .chain(catalogue.iter().map(|i| IdOption {
            value: i.id.to_string(),
            text: i.name.clone(),
            selected: i.id.to_string() == values.indicator_id,
        }))
        .collect();
    let page = AdoptionPage {
        goal: at.goal.title.clone(),
        goal_id: at.goal.id,
        indicators_href: format!("/manage/municipalities/{municipality_id}/indicators"),
        adopted: rows,
        choices,
        values,
        errors: errors.view(ctx.lang),
    };
    let status = errors.status();
    ctx.render_about(
        status,
        "monitoring/goal_indicators",
        "monitoring-goal-indicators-title",
        &at.goal.title,
        page,
    )
}

pub async fn goal_indicators(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let at = managed_goal(&ctx.state.db, user, id.into_inner()).await?;
    adoption_page(&ctx, &at, &AdoptionForm::default(), &FormErrors::new()).await
}

fn adoption_json(a: &goal_indicators::Model) -> Value {
    json!({
        "baseline_value": a.baseline_value,
        "baseline_period": a.baseline_period,
        "target_value": a.target_value,
        "target_period": a.target_period,
    })
}

pub async fn adopt(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<AdoptionForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let id = id.into_inner();
    let at = managed_goal(&ctx.state.db, user, id).await?;
    let form = form.into_inner();
    let mut input = form.check(&());
    if let Ok(ok) = &input
        && usable_by(&ctx.state.db, at.strategy.municipality_id, ok.indicator_id)
            .await?
            .is_none()
    {
        let mut errors = FormErrors::new();
        errors.add("indicator_id", "monitoring-error-indicator-choose");
        input = Err(errors);
    }
    let input = match input {
        Ok(input) => input,
        Err(errors) => return adoption_page(&ctx, &at, &form, &errors).await,
    };
    let now = ctx.state.clock.now();
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let at = managed_goal(&txn, user, id).await?;
    let existing = goal_indicators::Entity::find_by_id((id, input.indicator_id))
        .one(&txn)
        .await?;
    let (verb, before) = match &existing {
        Some(before) => ("changed", Some(adoption_json(before))),
        None => ("adopted", None),
    };
    let mut active = match existing {
        Some(before) => before.into_active_model(),
        None => goal_indicators::ActiveModel {
            goal_id: Set(id),
            indicator_id: Set(input.indicator_id),
            ..Default::default()
        },
    };
    active.baseline_value = Set(input.baseline_value);
    active.baseline_period = Set(input.baseline_period.to_string());
    active.target_value = Set(input.target_value);
    active.target_period = Set(input.target_period.to_string());
    let after = if before.is_some() {
        active.update(&txn).await?
    } else {
        active.insert(&txn).await?
    };
    let summary =
        json!({ "goal": at.goal.title, "before": before, "after": adoption_json(&after) });
    let target = format!("{}/{}", after.goal_id, after.indicator_id);
    Change::new(
        "goal_indicator",
        user.id,
        Some(at.strategy.municipality_id),
        now,
    )
    .record(&txn, verb, target, summary)
    .await?;
    let location = format!("/manage/goals/{id}/indicators");
    ctx.commit_and_redirect(txn, "monitoring-adoption-saved", &location)
        .await
}

/// Which adoption to remove.
#[derive(Debug, Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    pub indicator_id: String,
}

pub async fn remove(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<RemoveForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let id = id.into_inner();
    let indicator_id = Uuid::parse_str(form.indicator_id.trim()).map_err(|_| AppError::NotFound)?;
    let now = ctx.state.clock.now();
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let at = managed_goal(&txn, user, id).await?;
    let adoption = goal_indicators::Entity::find_by_id((id, indicator_id))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let summary = json!({ "goal": at.goal.title, "before": adoption_json(&adoption) });
    adoption.delete(&txn).await?;
    Change::new(
        "goal_indicator",
        user.id,
        Some(at.strategy.municipality_id),
        now,
    )
    .record(&txn, "removed", format!("{id}/{indicator_id}"), summary)
    .await?;
    let location = format!("/manage/goals/{id}/indicators");
    ctx.commit_and_redirect(txn, "monitoring-adoption-removed", &location)
        .await
}
