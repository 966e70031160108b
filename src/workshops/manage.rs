//! Coordinators list a round's workshops, create one and edit it (the edit page also holds the
//! lifecycle buttons and, once held, the documentation form).

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use entity::{rounds, workshops};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::lifecycle::{DocumentationForm, Transition, allowed_goals};
use super::mail::when;
use super::model::{Decided, Refusal, Status, find_for_update, goal_ids, occupancy, occupancy_of};
use super::views::{managed, managed_round, round_of, status_key};
use super::workshop_form::{WorkshopForm, WorkshopInput};
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
    let rows: Vec<Value> = list
        .iter()
        .map(|w| {
            let o = occupied.remove(&w.id).unwrap_or_default();
            json!({
                "title": w.title,
                "href": format!("/manage/workshops/{}", w.id),
                "signups_href": format!("/manage/workshops/{}/signups", w.id),
                "when": when(ctx.lang, tz, w),
                "status_key": status_key(&w.status),
                "status": w.status,
                "confirmed": o.confirmed,
                "capacity": w.capacity,
                "waitlisted": o.waitlisted,
            })
        })
        .collect();
    ctx.render_about(
        StatusCode::OK,
        "workshops/manage_list",
        "manage-workshops-title",
        &round.title,
        json!({
            "round": { "title": round.title, "href": format!("/manage/rounds/{}", round.id) },
            "new_href": format!("/manage/rounds/{}/workshops/new", round.id),
            "workshops": rows,
            "pagination": PageView::new(index, pages, &format!("/manage/rounds/{}/workshops", round.id)),
        }),
    )
}

pub async fn new_form(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (_, round) = managed_round(&ctx, *id).await?;
    form_page(
        &ctx,
        &round,
        None,
        &WorkshopForm::blank(),
        &FormErrors::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn create(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: HtmlForm<WorkshopForm>,
) -> AppResult<HttpResponse> {
    let (user, round) = managed_round(&ctx, *id).await?;
    let form = form.0;
    let input = match form.check(&ctx.state.settings.time_zone) {
        Ok(input) => input,
        Err(errors) => {
            return form_page(
                &ctx,
                &round,
                None,
                &form,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
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
    form_page(
        &ctx,
        &round,
        Some(&workshop),
        &form,
        &FormErrors::new(),
        StatusCode::OK,
    )
    .await
}

pub(super) async fn form_page(
    ctx: &Ctx,
    round: &rounds::Model,
    workshop: Option<&workshops::Model>,
    form: &WorkshopForm,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    documentation_page(ctx, round, workshop, form, None, errors, status).await
}

pub(super) async fn documentation_page(
    ctx: &Ctx,
    round: &rounds::Model,
    workshop: Option<&workshops::Model>,
    form: &WorkshopForm,
    documentation: Option<&DocumentationForm>,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let now = ctx.state.clock.now();
    let lifecycle = match workshop {
        Some(w) => {
            let path = |what: &str| format!("/manage/workshops/{}/{what}", w.id);
            let doc = match documentation {
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
            let goals: Vec<Value> = if Status::Held.is(&w.status) {
                allowed_goals(ctx, w)
                    .await?
                    .iter()
                    .map(|g| {
                        json!({
                            "id": g.id,
                            "title": g.title,
                            "field": g.field_title,
                            "checked": doc.goal_ids.iter().any(|id| id == &g.id.to_string()),
                        })
                    })
                    .collect()
            } else {
                Vec::new()
            };
            json!({
                "status": w.status,
                "status_key": status_key(&w.status),
                "public_href": (!Status::Draft.is(&w.status)).then(|| format!("/workshops/{}", w.id)),
                "signups_href": path("signups"),
                "can_publish": Transition::Publish.allowed(w, now),
                "can_cancel": Transition::Cancel.allowed(w, now),
                "can_hold": Transition::Held.allowed(w, now),
                "is_held": Status::Held.is(&w.status),
                "editable": !Status::any(&[Status::Cancelled, Status::Held], &w.status),
                "publish_action": path("publish"),
                "cancel_action": path("cancel"),
                "held_action": path("held"),
                "documentation_action": path("documentation"),
                "documentation": doc.documentation,
                "goals": goals,
            })
        }
        None => Value::Null,
    };
    let (heading, action) = match workshop {
        Some(w) => ("workshop-edit-title", format!("/manage/workshops/{}", w.id)),
        None => (
            "workshop-new-title",
            format!("/manage/rounds/{}/workshops/new", round.id),
        ),
    };
    ctx.render_about(
        status,
        "workshops/manage_form",
        heading,
        workshop.map_or(&round.title, |w| &w.title),
        json!({
            "heading": heading,
            "round": { "title": round.title, "href": format!("/manage/rounds/{}/workshops", round.id) },
            "action": action,
            "values": form,
            "lifecycle": lifecycle,
            "editable": workshop.is_none_or(|w| !Status::any(&[Status::Cancelled, Status::Held], &w.status)),
            "errors": errors.view(ctx.lang),
        }),
    )
}

pub async fn update(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: HtmlForm<WorkshopForm>,
) -> AppResult<HttpResponse> {
    let (user, workshop) = managed(&ctx, *id).await?;
    let round = round_of(&ctx, &workshop).await?;
    let form = form.0;
    let input = match form.check(&ctx.state.settings.time_zone) {
        Ok(input) => input,
        Err(errors) => {
            return form_page(
                &ctx,
                &round,
                Some(&workshop),
                &form,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
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
            form_page(
                &ctx,
                &round,
                Some(&current),
                &form,
                &errors,
                StatusCode::CONFLICT,
            )
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
