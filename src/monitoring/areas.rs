//! Staff: a municipality's areas (Sozialräume): the list, adding one, its edit page, deleting
//! one that no value and no other area refers to.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{areas, indicator_values, municipalities};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    ModelTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::audit::service::Change;
use crate::{
    error::AppResult,
    identity::CurrentUser,
    monitoring::model::{
        areas_of, format_number, managed_area, managed_municipality, stored_meanwhile,
    },
    strategy::views::day,
    web::{
        context::Ctx,
        forms::{CheckForm, FormErrors},
        pagination::{PER_PAGE, PageQuery, PageView},
    },
};

/// The area form as the browser sends it.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct AreaForm {
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    pub name: String,
    #[serde(default)]
    pub parent_id: String,
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    pub population: String,
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    pub population_on: String,
}

impl AreaForm {
    /// The form filled with what is stored.
    fn of(area: &areas::Model) -> Self {
        AreaForm {
            name: area.name.clone(),
            parent_id: area.parent_id.map(|p| p.to_string()).unwrap_or_default(),
            population: area.population.map(|p| p.to_string()).unwrap_or_default(),
            population_on: area
                .population_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
        }
    }
}

/// What the area form says, checked.
pub struct AreaInput {
    pub name: String,
    pub parent_id: Option<Uuid>,
    pub population: Option<i64>,
    pub population_on: Option<NaiveDate>,
}

pub const NAME_MAX: usize = 200;

impl CheckForm for AreaForm {
    type Input = AreaInput;
    type Rules = ();

    fn check(&self, _: &()) -> Result<AreaInput, FormErrors> {
        let mut errors = FormErrors::new();
        if self.name.is_empty() {
            errors.add("name", "monitoring-error-area-name-missing");
        } else if self.name.chars().count() > NAME_MAX {
            errors.add("name", "monitoring-error-area-name-too-long");
        }
        let parent_id = match self.parent_id.trim() {
            "" => None,
            text => Uuid::parse_str(text).ok().or_else(|| {
                errors.add("parent_id", "monitoring-error-area-parent-unknown");
                None
            }),
        };
        let population = match self.population.as_str() {
            "" => None,
            text => match text.parse::<i64>() {
                Ok(n) if n >= 0 => Some(n),
                _ => {
                    errors.add("population", "monitoring-error-population-invalid");
                    None
                }
            },
        };
        let population_on = match self.population_on.as_str() {
            "" => None,
            text => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .or_else(|| {
                    errors.add("population_on", "monitoring-error-population-on-invalid");
                    None
                }),
        };
        if !self.population.is_empty() && self.population_on.is_empty() {
            errors.add("population_on", "monitoring-error-population-on-missing");
        }
        if self.population.is_empty() && !self.population_on.is_empty() {
            errors.add("population", "monitoring-error-population-missing");
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(AreaInput {
            name: self.name.clone(),
            parent_id,
            population,
            population_on,
        })
    }
}

/// The checks that need the database: the parent is an area of the same municipality and not
/// the area itself or one below it, and no other area of the municipality has the name.
async fn check_in_municipality(
    db: &impl ConnectionTrait,
    municipality: &municipalities::Model,
    editing: Option<Uuid>,
    input: &AreaInput,
) -> Result<FormErrors, DbErr> {
    let all = areas_of(db, municipality.id).await?;
    let mut errors = FormErrors::new();
    if all
        .iter()
        .any(|a| a.name.to_lowercase() == input.name.to_lowercase() && Some(a.id) != editing)
    {
        errors.add("name", "monitoring-error-area-name-taken");
    }
    let whole = editing
        .and_then(|me| all.iter().find(|a| a.id == me))
        .is_some_and(|a| a.whole_municipality);
    if let Some(parent) = input.parent_id {
        if whole {
            errors.add("parent_id", "monitoring-error-area-whole-has-parent");
        } else if !all.iter().any(|a| a.id == parent) {
            errors.add("parent_id", "monitoring-error-area-parent-unknown");
        } else if let Some(me) = editing
            && below_or_same(&all, parent, me)
        {
            errors.add("parent_id", "monitoring-error-area-parent-cycle");
        }
    }
    Ok(errors)
}

/// Another area of the municipality has the name (found by the check, or stored meanwhile).
fn name_taken() -> FormErrors {
    let mut errors = FormErrors::new();
    errors.add("name", "monitoring-error-area-name-taken");
    errors
}

/// Whether `area` is `ancestor` itself or lies below it.
fn below_or_same(all: &[areas::Model], area: Uuid, ancestor: Uuid) -> bool {
    let parents: HashMap<Uuid, Option<Uuid>> = all.iter().map(|a| (a.id, a.parent_id)).collect();
    let mut at = Some(area);
    // The chain is at most as long as the list; a longer walk would be a cycle already stored.
    for _ in 0..=all.len() {
        match at {
            Some(id) if id == ancestor => return true,
            Some(id) => at = parents.get(&id).copied().flatten(),
            None => return false,
        }
    }
    true
}

fn area_json(a: &areas::Model) -> Value {
    json!({
        "name": a.name,
        "parent_id": a.parent_id,
        "population": a.population,
        "population_on": a.population_on.map(|d| d.to_string()),
    })
}

// ---- views ----

/// An `<option>` whose value is an id.
#[derive(Serialize)]
pub struct IdOption {
    pub value: String,
    pub text: String,
    pub selected: bool,
}

#[derive(Serialize)]
struct AreaRow {
    name: String,
    parent: Option<String>,
    population: Option<String>,
    population_on: Option<String>,
    below_minimum: bool,
    edit_href: String,
}

#[derive(Serialize)]
struct AreasPage<'a> {
    municipality: String,
    municipality_id: Uuid,
    min_area_population: i32,
    areas: Vec<AreaRow>,
    pagination: PageView,
    parents: Vec<IdOption>,
    values: &'a AreaForm,
    errors: Value,
}

fn parent_options(
    ctx: &Ctx,
    all: &[areas::Model],
    skip: Option<Uuid>,
    chosen: &str,
) -> Vec<IdOption> {
    let none = IdOption {
        value: String::new(),
        text: ctx.t("monitoring-area-parent-none"),
        selected: chosen.is_empty(),
    };
    let candidates = all
        .iter()
        .filter(|a| skip.is_none_or(|me| !below_or_same(all, a.id, me)))
        .map(|a| IdOption {
            value: a.id.to_string(),
            text: a.name.clone(),
            selected: a.id.to_string() == chosen,
        });
    std::iter::once(none).chain(candidates).collect()
}

async fn areas_page(
    ctx: &Ctx,
    municipality: &municipalities::Model,
    index: u64,
    values: &AreaForm,
    errors: &FormErrors,
) -> AppResult<HttpResponse> {
    let db = &ctx.state.db;
    let all = areas_of(db, municipality.id).await?;
    let names: HashMap<Uuid, &str> = all.iter().map(|a| (a.id, a.name.as_str())).collect();
    let paginator = areas::Entity::find()
        .filter(areas::Column::MunicipalityId.eq(municipality.id))
        .order_by_asc(areas::Column::Name)
        .paginate(db, PER_PAGE);
    let pages = paginator.num_pages().await?;
    let rows = paginator.fetch_page(index).await?;
    let minimum = i64::from(municipality.min_area_population);
    let page = AreasPage {
        municipality: municipality.name.clone(),
        municipality_id: municipality.id,
        min_area_population: municipality.min_area_population,
        areas: rows
            .iter()
            .map(|a| AreaRow {
                name: a.name.clone(),
                parent: a
                    .parent_id
                    .and_then(|p| names.get(&p).map(|n| n.to_string())),
                population: a.population.map(|p| format_number(ctx.lang, p as f64)),
                population_on: day(ctx, a.population_on),
                below_minimum: a.population.is_some_and(|p| p < minimum),
                edit_href: format!("/manage/areas/{}", a.id),
            })
            .collect(),
        pagination: PageView::new(
            index,
            pages,
            &format!("/manage/municipalities/{}/areas", municipality.id),
        ),
        parents: parent_options(ctx, &all, None, &values.parent_id),
        values,
        errors: errors.view(ctx.lang),
    };
    let status = errors.status();
    ctx.render_about(
        status,
        "monitoring/areas",
        "monitoring-areas-title",
        &municipality.name,
        page,
    )
}

pub async fn areas(
    ctx: Ctx,
    id: web::Path<Uuid>,
    query: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let municipality = managed_municipality(&ctx.state.db, user, id.into_inner()).await?;
    areas_page(
        &ctx,
        &municipality,
        query.index(),
        &AreaForm::default(),
        &FormErrors::new(),
    )
    .await
}

/// The districts of a municipality, by name: its areas without the one that stands for the
/// municipality as a whole. The one list every slice offers where it asks for a district.
pub async fn list_for_municipality(
    db: &impl ConnectionTrait,
    municipality_id: Uuid,
) -> Result<Vec<areas::Model>, DbErr> {
    Ok(areas_of(db, municipality_id)
        .await?
        .into_iter()
        .filter(|a| !a.whole_municipality)
        .collect())
}

/// The area `id` if it is one of the municipality's districts.
pub async fn district_of(
    db: &impl ConnectionTrait,
    municipality_id: Uuid,
    id: Uuid,
) -> Result<Option<areas::Model>, DbErr> {
    Ok(areas::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|a| a.municipality_id == municipality_id && !a.whole_municipality))
}

/// The form's own check, then the database's; the errors of both, or the input.
async fn checked(
    db: &impl ConnectionTrait,
    form: &AreaForm,
    municipality: &municipalities::Model,
    editing: Option<Uuid>,
) -> AppResult<Result<AreaInput, FormErrors>> {
    match form.check(&()) {
        Err(errors) => Ok(Err(errors)),
        Ok(input) => {
            let errors = check_in_municipality(db, municipality, editing, &input).await?;
            Ok(if errors.is_empty() {
                Ok(input)
            } else {
                Err(errors)
            })
        }
    }
}

pub async fn create_area(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<AreaForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let id = id.into_inner();
    let municipality = managed_municipality(&ctx.state.db, user, id).await?;
    let form = form.into_inner();
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let input = match checked(&txn, &form, &municipality, None).await? {
        Ok(input) => input,
        Err(errors) => {
            txn.rollback().await?;
            return areas_page(&ctx, &municipality, 0, &form, &errors).await;
        }
    };
    let now = ctx.state.clock.now();
    let created = areas::ActiveModel {
        id: Set(Uuid::now_v7()),
        municipality_id: Set(id),
        parent_id: Set(input.parent_id),
        whole_municipality: Set(false),
        name: Set(input.name),
        population: Set(input.population),
        population_on: Set(input.population_on),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await;
    let created = match created {
        Ok(created) => created,
        Err(e) if stored_meanwhile(&e) => {
            txn.rollback().await?;
            let errors = name_taken();
            return areas_page(&ctx, &municipality, 0, &form, &errors).await;
        }
        Err(e) => return Err(e.into()),
    };
    Change::new("area", user.id, Some(id), now)
        .record(
            &txn,
            "created",
            created.id,
            json!({ "after": area_json(&created) }),
        )
        .await?;
    let location = format!("/manage/municipalities/{id}/areas");
    ctx.commit_and_redirect(txn, "monitoring-area-created", &location)
        .await
}

#[derive(Serialize)]
struct AreaPage<'a> {
    municipality: String,
    municipality_id: Uuid,
    area: String,
    area_id: Uuid,
    parents: Vec<IdOption>,
    values: &'a AreaForm,
    errors: Value,
}

async fn area_page(
    ctx: &Ctx,
    area: &areas::Model,
    municipality: &municipalities::Model,
    values: &AreaForm,
    errors: &FormErrors,
) -> AppResult<HttpResponse> {
    let all = areas_of(&ctx.state.db, municipality.id).await?;
    let page = AreaPage {
        municipality: municipality.name.clone(),
        municipality_id: municipality.id,
        area: area.name.clone(),
        area_id: area.id,
        parents: parent_options(ctx, &all, Some(area.id), &values.parent_id),
        values,
        errors: errors.view(ctx.lang),
    };
    let status = errors.status();
    ctx.render_about(
        status,
        "monitoring/area",
        "monitoring-area-edit-title",
        &area.name,
        page,
    )
}

pub async fn edit_area(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let (area, municipality) = managed_area(&ctx.state.db, user, id.into_inner()).await?;
    let values = AreaForm::of(&area);
    area_page(&ctx, &area, &municipality, &values, &FormErrors::new()).await
}

pub async fn update_area(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<AreaForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let form = form.into_inner();
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let (area, municipality) = managed_area(&txn, user, id.into_inner()).await?;
    let input = match checked(&txn, &form, &municipality, Some(area.id)).await? {
        Ok(input) => input,
        Err(errors) => {
            txn.rollback().await?;
            return area_page(&ctx, &area, &municipality, &form, &errors).await;
        }
    };
    let now = ctx.state.clock.now();
    let mut active = area.clone().into_active_model();
    active.name = Set(input.name);
    active.parent_id = Set(input.parent_id);
    active.population = Set(input.population);
    active.population_on = Set(input.population_on);
    active.updated_at = Set(now);
    let after = match active.update(&txn).await {
        Ok(after) => after,
        Err(e) if stored_meanwhile(&e) => {
            txn.rollback().await?;
            return area_page(&ctx, &area, &municipality, &form, &name_taken()).await;
        }
        Err(e) => return Err(e.into()),
    };
    let summary = json!({ "before": area_json(&area), "after": area_json(&after) });
    Change::new("area", user.id, Some(municipality.id), now)
        .record(&txn, "updated", after.id, summary)
        .await?;
    let location = format!("/manage/municipalities/{}/areas", municipality.id);
    ctx.commit_and_redirect(txn, "monitoring-area-saved", &location)
        .await
}

/// Why an area cannot be deleted.
enum Kept {
    HasValues,
    HasChildren,
}

async fn delete(
    db: &impl ConnectionTrait,
    actor: &CurrentUser,
    area: areas::Model,
    now: DateTime<Utc>,
) -> Result<Result<(), Kept>, DbErr> {
    let values = indicator_values::Entity::find()
        .filter(indicator_values::Column::AreaId.eq(area.id))
        .count(db)
        .await?;
    if values > 0 {
        return Ok(Err(Kept::HasValues));
    }
    let children = areas::Entity::find()
        .filter(areas::Column::ParentId.eq(area.id))
        .count(db)
        .await?;
    if children > 0 {
        return Ok(Err(Kept::HasChildren));
    }
    let summary = json!({ "before": area_json(&area) });
    let (id, municipality_id) = (area.id, area.municipality_id);
    area.delete(db).await?;
    Change::new("area", actor.id, Some(municipality_id), now)
        .record(db, "deleted", id, summary)
        .await?;
    Ok(Ok(()))
}

pub async fn delete_area(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let (area, municipality) = managed_area(&txn, user, id.into_inner()).await?;
    let kept = area.clone();
    match delete(&txn, user, area, ctx.state.clock.now()).await? {
        Ok(()) => {
            let location = format!("/manage/municipalities/{}/areas", municipality.id);
            ctx.commit_and_redirect(txn, "monitoring-area-deleted", &location)
                .await
        }
        Err(why) => {
            txn.rollback().await?;
            let mut errors = FormErrors::new();
            let key = match why {
                Kept::HasValues => "monitoring-error-area-has-values",
                Kept::HasChildren => "monitoring-error-area-has-children",
            };
            errors.add("delete", key);
            let values = AreaForm::of(&kept);
            area_page(&ctx, &kept, &municipality, &values, &errors).await
        }
    }
}
