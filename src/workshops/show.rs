//! The public workshop page (with its documentation once held) and its calendar file.

use actix_web::{HttpResponse, http::StatusCode, http::header, web};
use entity::workshops;
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::mail::calendar_file;
use super::model::{Occupancy, Status, find_public, goal_ids, occupancy};
use super::sign_up::SignupForm;
use super::views::{
    SignupFormView, WorkshopView, attendance_view, details, places_text, signup_form_view,
};
use crate::monitoring::areas::district_of;
use crate::{
    admin::service as admin,
    error::{AppError, AppResult},
    rounds::model as rounds_service,
    strategy::picker::{self as strategy},
    web::{context::Ctx, forms::FormErrors},
};

pub async fn show(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let workshop = find_public(&ctx.state.db, *id)
        .await?
        .ok_or(AppError::NotFound)?;
    public_page(
        &ctx,
        &workshop,
        &SignupForm::blank(),
        &FormErrors::new(),
        StatusCode::OK,
    )
    .await
}

pub(super) async fn public_page(
    ctx: &Ctx,
    workshop: &workshops::Model,
    values: &SignupForm,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let db = &ctx.state.db;
    let round = rounds_service::find(db, workshop.round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let place = admin::find_municipality(db, workshop.municipality_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let occupied = occupancy(db, &[workshop.id])
        .await?
        .remove(&workshop.id)
        .unwrap_or_default();
    let now = ctx.state.clock.now();
    let open = Status::Published.is(&workshop.status) && now < workshop.signup_deadline;
    let held = documented(ctx, workshop, &occupied, place.min_group_size).await?;
    let mut view = details(ctx, workshop);
    if let Some(area) = workshop.area_id {
        view.area = district_of(db, workshop.municipality_id, area)
            .await?
            .map(|a| a.name)
            .unwrap_or_default();
    }
    let page = ShowPage {
        workshop: view,
        round: RoundLink {
            title: round.title,
            href: format!("/rounds/{}", round.slug),
        },
        places: places_text(ctx, workshop, &occupied),
        signup_open: open,
        deadline_passed: Status::Published.is(&workshop.status) && !open,
        action: format!("/workshops/{}", workshop.id),
        form: signup_form_view(workshop, values, "signup-submit"),
        held,
        errors: errors.view(ctx.lang),
    };
    ctx.render_about(
        status,
        "workshops/show",
        "workshop-page-title",
        &workshop.title,
        page,
    )
}

/// The round a workshop belongs to, as a link.
#[derive(Serialize)]
struct RoundLink {
    title: String,
    href: String,
}

/// The public workshop page.
#[derive(Serialize)]
struct ShowPage<'a> {
    workshop: WorkshopView,
    round: RoundLink,
    places: String,
    signup_open: bool,
    deadline_passed: bool,
    action: String,
    form: SignupFormView<'a>,
    held: Option<Held>,
    errors: Value,
}

/// A goal a held workshop informed, as a link.
#[derive(Serialize)]
struct GoalLink {
    href: String,
    title: String,
}

/// What a held workshop publishes.
#[derive(Serialize)]
struct Held {
    documentation: String,
    attendance: String,
    goals: Vec<GoalLink>,
}

/// What a held workshop publishes: documentation, informed goals, attendance (suppressed below
/// the minimum group size).
async fn documented(
    ctx: &Ctx,
    workshop: &workshops::Model,
    occupied: &Occupancy,
    min_group_size: i32,
) -> AppResult<Option<Held>> {
    if !Status::Held.is(&workshop.status) {
        return Ok(None);
    }
    let ids = goal_ids(&ctx.state.db, &[workshop.id])
        .await?
        .remove(&workshop.id)
        .unwrap_or_default();
    let goals = strategy::goals_by_ids(&ctx.state.db, &ids).await?;
    Ok(Some(Held {
        documentation: workshop.documentation.clone().unwrap_or_default(),
        attendance: attendance_view(ctx.lang, occupied.attended, min_group_size),
        goals: goals
            .iter()
            .map(|g| GoalLink {
                href: format!("/goals/{}", g.id),
                title: g.title.clone(),
            })
            .collect(),
    }))
}

pub async fn calendar(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let workshop = find_public(&ctx.state.db, *id)
        .await?
        .ok_or(AppError::NotFound)?;
    let body = calendar_file(&ctx.state, &workshop, ctx.state.clock.now());
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/calendar; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"workshop.ics\"",
        ))
        .body(body))
}
