//! Coordinators list a round's workshops, create one and edit it (the edit page also holds the
//! lifecycle buttons and, once held, the documentation form).

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use entity::{rounds, workshops};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use super::lifecycle::{DocumentationForm, Transition, allowed_goals};
use super::mail::when;
use super::model::{Decided, Refusal, Status, find_for_update, goal_ids, occupancy, occupancy_of};
use super::views::{managed, managed_round, round_of, status_key};
use super::workshop_form::{WorkshopForm, WorkshopInput};
use crate::monitoring::areas::{district_of, list_for_municipality};
use crate::web::forms::CheckForm;
use crate::{
    audit::service::{self as audit, Entry},
    error::{AppError, AppResult},
    identity::CurrentUser,
    web::{
        context::Ctx,
        forms::{FormErrors, HtmlForm},
        pagination::{PER_PAGE, PageQuery, PageView},
    },
};

/// The form's own check, then that the district is one of the municipality's.
async fn checked(
    ctx: &Ctx,
    form: &WorkshopForm,
    municipality_id: Uuid,
) -> AppResult<Result<WorkshopInput, FormErrors>> {
    let input = match form.check(&ctx.state.settings.time_zone) {
        Ok(input) => input,
        Err(errors) => return Ok(Err(errors)),
    };
    if let Some(area) = input.area_id
        && district_of(&ctx.state.db, municipality_id, area)
            .await?
            .is_none()
    {
        let mut errors = FormErrors::new();
        errors.add("area_id", "error-workshop-area");
        return Ok(Err(errors));
    }
    Ok(Ok(input))
}

/// `/manage/rounds/{id}/workshops`: a round's workshops with their places.
pub async fn manage_list(
    ctx: Ctx,
    id: web::Path<Uuid>,
    query: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let (_, round) = managed_round(&ctx, *id).await?;
    let db = &ctx.state.db;
    let index = query.index();
    let (list, pages) = round_page(db, round.id, index, PER_PAGE).await?;
    let ids: Vec<Uuid> = list.iter().map(|w| w.id).collect();
    let mut occupied = occupancy(db, &ids).await?;
    let tz = ctx.state.settings.time_zone;
    let rows = list
        .iter()
        .map(|w| {
            let o = occupied.remove(&w.id).unwrap_or_default();
            WorkshopRow {
                title: &w.title,
                href: format!("/manage/workshops/{}", w.id),
                signups_href: format!("/manage/workshops/{}/signups", w.id),
                when: when(ctx.lang, tz, w),
                status_key: status_key(&w.status),
                status: &w.status,
                confirmed: o.confirmed,
                capacity: w.capacity,
                waitlisted: o.waitlisted,
            }
        })
        .collect();
    ctx.render_about(
        StatusCode::OK,
        "workshops/manage_list",
        "manage-workshops-title",
        &round.title,
        ListView {
            round: RoundLink {
                title: &round.title,
                href: format!("/manage/rounds/{}", round.id),
            },
            new_href: format!("/manage/rounds/{}/workshops/new", round.id),
            workshops: rows,
            pagination: PageView::new(
                index,
                pages,
                &format!("/manage/rounds/{}/workshops", round.id),
            ),
        },
    )
}

#[derive(Serialize)]
struct ListView<'a> {
    round: RoundLink<'a>,
    new_href: String,
    workshops: Vec<WorkshopRow<'a>>,
    pagination: PageView,
}

#[derive(Serialize)]
struct RoundLink<'a> {
    title: &'a str,
    href: String,
}

#[derive(Serialize)]
struct WorkshopRow<'a> {
    title: &'a str,
    href: String,
    signups_href: String,
    when: String,
    status_key: String,
    status: &'a str,
    confirmed: i64,
    capacity: i32,
    waitlisted: i64,
}

pub async fn new_form(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (_, round) = managed_round(&ctx, *id).await?;
    WorkshopPage::new(&round, None, &WorkshopForm::blank())
        .render(&ctx, &FormErrors::new(), StatusCode::OK)
        .await
}

pub async fn create(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: HtmlForm<WorkshopForm>,
) -> AppResult<HttpResponse> {
    let (user, round) = managed_round(&ctx, *id).await?;
    let form = form.0;
    let input = match checked(&ctx, &form, round.municipality_id).await? {
        Ok(input) => input,
        Err(errors) => {
            return WorkshopPage::new(&round, None, &form)
                .render(&ctx, &errors, StatusCode::UNPROCESSABLE_ENTITY)
                .await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let workshop = create_workshop(&txn, &user, &round, &input, ctx.state.clock.now()).await?;
    ctx.commit_and_redirect(
        txn,
        "workshop-created",
        &format!("/manage/workshops/{}", workshop.id),
    )
    .await
}

pub async fn edit_form(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (_, workshop) = managed(&ctx, *id).await?;
    let round = round_of(&ctx, &workshop).await?;
    let form = WorkshopForm::of(&workshop, ctx.state.settings.time_zone);
    WorkshopPage::new(&round, Some(&workshop), &form)
        .render(&ctx, &FormErrors::new(), StatusCode::OK)
        .await
}

/// A workshop's form in one state: new in `round` or editing `workshop`, what was typed, and for
/// an existing workshop its lifecycle buttons and the documentation form (as typed, if it was
/// just refused; else as stored).
pub(super) struct WorkshopPage<'a> {
    pub round: &'a rounds::Model,
    pub workshop: Option<&'a workshops::Model>,
    pub form: &'a WorkshopForm,
    pub documentation: Option<&'a DocumentationForm>,
}

#[derive(Serialize)]
struct FormView<'a> {
    /// The municipality's districts the workshop may take place in.
    areas: Vec<AreaOption>,
    heading: &'static str,
    round: RoundLink<'a>,
    action: String,
    values: &'a WorkshopForm,
    lifecycle: Option<LifecycleView<'a>>,
    editable: bool,
    errors: Value,
}

#[derive(Serialize)]
struct AreaOption {
    value: String,
    text: String,
    selected: bool,
}

#[derive(Serialize)]
struct LifecycleView<'a> {
    status: &'a str,
    status_key: String,
    public_href: Option<String>,
    signups_href: String,
    can_publish: bool,
    can_cancel: bool,
    can_hold: bool,
    is_held: bool,
    editable: bool,
    publish_action: String,
    cancel_action: String,
    held_action: String,
    documentation_action: String,
    documentation: String,
    goals: Vec<GoalChoice>,
}

#[derive(Serialize)]
struct GoalChoice {
    id: Uuid,
    title: String,
    field: String,
    checked: bool,
}

/// Cancelled and held workshops are not edited any more.
fn editable(workshop: &workshops::Model) -> bool {
    !Status::any(&[Status::Cancelled, Status::Held], &workshop.status)
}

impl<'a> WorkshopPage<'a> {
    /// The form for a new workshop (`workshop` none) or for editing one, with `form` as typed.
    pub fn new(
        round: &'a rounds::Model,
        workshop: Option<&'a workshops::Model>,
        form: &'a WorkshopForm,
    ) -> Self {
        Self {
            round,
            workshop,
            form,
            documentation: None,
        }
    }

    /// With the documentation form as typed.
    pub fn with_documentation(self, documentation: &'a DocumentationForm) -> Self {
        Self {
            documentation: Some(documentation),
            ..self
        }
    }

    /// Renders the page with `status` (422 or 409 when `errors` say what was refused).
    pub async fn render(
        &self,
        ctx: &Ctx,
        errors: &FormErrors,
        status: StatusCode,
    ) -> AppResult<HttpResponse> {
        let (round, workshop) = (self.round, self.workshop);
        let lifecycle = match workshop {
            Some(w) => Some(self.lifecycle(ctx, w).await?),
            None => None,
        };
        let (heading, action) = match workshop {
            Some(w) => ("workshop-edit-title", format!("/manage/workshops/{}", w.id)),
            None => (
                "workshop-new-title",
                format!("/manage/rounds/{}/workshops/new", round.id),
            ),
        };
        let areas = list_for_municipality(&ctx.state.db, round.municipality_id).await?;
        let view = FormView {
            areas: areas
                .iter()
                .map(|a| AreaOption {
                    value: a.id.to_string(),
                    text: a.name.clone(),
                    selected: a.id.to_string() == self.form.area_id,
                })
                .collect(),
            heading,
            round: RoundLink {
                title: &round.title,
                href: format!("/manage/rounds/{}/workshops", round.id),
            },
            action,
            values: self.form,
            lifecycle,
            editable: workshop.is_none_or(editable),
            errors: errors.view(ctx.lang),
        };
        ctx.render_about(
            status,
            "workshops/manage_form",
            heading,
            workshop.map_or(&round.title, |w| &w.title),
            view,
        )
    }

    /// The lifecycle buttons of workshop `w` and, once held, its documentation form.
    async fn lifecycle(&self, ctx: &Ctx, w: &'a workshops::Model) -> AppResult<LifecycleView<'a>> {
        let now = ctx.state.clock.now();
        let path = |what: &str| format!("/manage/workshops/{}/{what}", w.id);
        let doc = match self.documentation {
            Some(d) => d.clone(),
            None => DocumentationForm {
                documentation: w.documentation.clone().unwrap_or_default(),
                goal_ids: goal_ids(&ctx.state.db, &[w.id])
                    .await?
                    .remove(&w.id)
                    .unwrap_or_default()
                    .iter()
                    .map(Uuid::to_string)
                    .collect(),
            },
        };
        let goals = if Status::Held.is(&w.status) {
            allowed_goals(ctx, w)
                .await?
                .into_iter()
                .map(|g| GoalChoice {
                    checked: doc.goal_ids.iter().any(|id| id == &g.id.to_string()),
                    id: g.id,
                    title: g.title,
                    field: g.field_title,
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok(LifecycleView {
            status: &w.status,
            status_key: status_key(&w.status),
            public_href: (!Status::Draft.is(&w.status)).then(|| format!("/workshops/{}", w.id)),
            signups_href: path("signups"),
            can_publish: Transition::Publish.allowed(w, now),
            can_cancel: Transition::Cancel.allowed(w, now),
            can_hold: Transition::Held.allowed(w, now),
            is_held: Status::Held.is(&w.status),
            editable: editable(w),
            publish_action: path("publish"),
            cancel_action: path("cancel"),
            held_action: path("held"),
            documentation_action: path("documentation"),
            documentation: doc.documentation,
            goals,
        })
    }
}

pub async fn update(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: HtmlForm<WorkshopForm>,
) -> AppResult<HttpResponse> {
    let (user, workshop) = managed(&ctx, *id).await?;
    let round = round_of(&ctx, &workshop).await?;
    let form = form.0;
    let input = match checked(&ctx, &form, round.municipality_id).await? {
        Ok(input) => input,
        Err(errors) => {
            return WorkshopPage::new(&round, Some(&workshop), &form)
                .render(&ctx, &errors, StatusCode::UNPROCESSABLE_ENTITY)
                .await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let current = find_for_update(&txn, workshop.id)
        .await?
        .ok_or(AppError::NotFound)?;
    match update_workshop(&txn, &user, &current, &input, ctx.state.clock.now()).await? {
        Ok(()) => {
            ctx.commit_and_redirect(
                txn,
                "workshop-saved",
                &format!("/manage/workshops/{}", workshop.id),
            )
            .await
        }
        Err(refusal) => {
            txn.rollback().await?;
            let mut errors = FormErrors::new();
            let field = if refusal == Refusal::CapacityBelowConfirmed {
                "capacity"
            } else {
                "lifecycle"
            };
            errors.add(field, refusal.message_key());
            WorkshopPage::new(&round, Some(&current), &form)
                .render(&ctx, &errors, StatusCode::CONFLICT)
                .await
        }
    }
}

/// One page of a round's workshops for its coordinators, by date.
pub async fn round_page(
    db: &impl ConnectionTrait,
    round_id: Uuid,
    page: u64,
    per_page: u64,
) -> Result<(Vec<workshops::Model>, u64), DbErr> {
    let paginator = workshops::Entity::find()
        .filter(workshops::Column::RoundId.eq(round_id))
        .order_by_asc(workshops::Column::StartsAt)
        .order_by_asc(workshops::Column::Id)
        .paginate(db, per_page);
    let pages = paginator.num_pages().await?;
    Ok((paginator.fetch_page(page).await?, pages))
}

pub async fn create_workshop(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    round: &rounds::Model,
    input: &WorkshopInput,
    now: DateTime<Utc>,
) -> Result<workshops::Model, DbErr> {
    let model = workshops::ActiveModel {
        id: Set(Uuid::now_v7()),
        round_id: Set(round.id),
        municipality_id: Set(round.municipality_id),
        title: Set(input.title.clone()),
        description: Set(input.description.clone()),
        starts_at: Set(input.starts_at),
        ends_at: Set(input.ends_at),
        address: Set(input.address.clone()),
        room: Set(input.room.clone()),
        area_id: Set(input.area_id),
        transit: Set(input.transit.clone()),
        capacity: Set(input.capacity),
        max_per_signup: Set(input.max_per_signup),
        signup_deadline: Set(input.signup_deadline),
        step_free: Set(input.step_free),
        childcare: Set(input.childcare),
        interpreter_languages: Set(input.interpreter_languages.join(", ")),
        sign_language: Set(input.sign_language),
        travel_costs: Set(input.travel_costs),
        food: Set(input.food),
        status: Set(Status::Draft.as_str().into()),
        documentation: Set(None),
        reminded_at: Set(None),
        personal_data_deleted_at: Set(None),
        published_at: Set(None),
        cancelled_at: Set(None),
        held_at: Set(None),
        created_by: Set(Some(user.id)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(user.id),
            municipality_id: Some(model.municipality_id),
            action: "workshop.create",
            target_type: "workshop",
            target_id: Some(model.id.to_string()),
            summary: json!({ "round_id": round.id, "title": model.title, "capacity": model.capacity }),
        },
    )
    .await?;
    Ok(model)
}

/// Saves an edit. The capacity may not drop below the people already confirmed. A new start
/// time means the reminder is due again.
pub async fn update_workshop(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    current: &workshops::Model,
    input: &WorkshopInput,
    now: DateTime<Utc>,
) -> Result<Decided<()>, DbErr> {
    if Status::any(&[Status::Cancelled, Status::Held], &current.status) {
        return Ok(Err(Refusal::WrongState));
    }
    let occupied = occupancy_of(db, current.id).await?;
    if i64::from(input.capacity) < occupied.confirmed {
        return Ok(Err(Refusal::CapacityBelowConfirmed));
    }
    let mut model: workshops::ActiveModel = current.clone().into();
    model.title = Set(input.title.clone());
    model.description = Set(input.description.clone());
    model.starts_at = Set(input.starts_at);
    model.ends_at = Set(input.ends_at);
    model.signup_deadline = Set(input.signup_deadline);
    model.address = Set(input.address.clone());
    model.room = Set(input.room.clone());
    model.area_id = Set(input.area_id);
    model.transit = Set(input.transit.clone());
    model.capacity = Set(input.capacity);
    model.max_per_signup = Set(input.max_per_signup);
    model.step_free = Set(input.step_free);
    model.childcare = Set(input.childcare);
    model.interpreter_languages = Set(input.interpreter_languages.join(", "));
    model.sign_language = Set(input.sign_language);
    model.travel_costs = Set(input.travel_costs);
    model.food = Set(input.food);
    if input.starts_at != current.starts_at {
        model.reminded_at = Set(None);
    }
    model.updated_at = Set(now);
    model.update(db).await?;
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(user.id),
            municipality_id: Some(current.municipality_id),
            action: "workshop.update",
            target_type: "workshop",
            target_id: Some(current.id.to_string()),
            summary: json!({
                "before": { "title": current.title, "starts_at": current.starts_at, "capacity": current.capacity },
                "after": { "title": input.title, "starts_at": input.starts_at, "capacity": input.capacity },
            }),
        },
    )
    .await?;
    Ok(Ok(()))
}
