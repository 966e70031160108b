//! Page pieces several workshop pages share: a workshop's details, its places, the sign-up form's
//! fields, and the lookups of what a coordinator may manage.

use entity::{rounds, workshops};
use serde_json::{Value, json};
use uuid::Uuid;

use super::mail::when;
use super::model::{CANCELLED, HELD, Occupancy, find};
use super::sign_up::SignupForm;
use crate::{
    error::{AppError, AppResult},
    identity::CurrentUser,
    rounds::model as rounds_service,
    web::{
        context::Ctx,
        i18n::{self, Lang},
    },
};

pub(super) fn languages(workshop: &workshops::Model) -> Vec<String> {
    crate::rounds::forms::parse_tags(&workshop.interpreter_languages)
}

pub(super) fn status_key(status: &str) -> String {
    format!("workshop-status-{status}")
}

/// "noch 4 Plätze frei" / "ausgebucht – Warteliste".
pub(super) fn places_text(ctx: &Ctx, workshop: &workshops::Model, occupied: &Occupancy) -> String {
    let free = occupied.free(workshop.capacity);
    if free == 0 || occupied.waitlisted_signups > 0 {
        ctx.t("workshop-full")
    } else {
        crate::web::i18n::t_args(ctx.lang, "workshop-places-free", &[("count", free.into())])
    }
}

/// Everything about a workshop a resident (or its coordinator) reads.
pub(super) fn details(ctx: &Ctx, workshop: &workshops::Model) -> Value {
    let tz = ctx.state.settings.time_zone;
    json!({
        "id": workshop.id,
        "title": workshop.title,
        "description": workshop.description,
        "when": when(ctx.lang, tz, workshop),
        "starts_at": workshop.starts_at.to_rfc3339(),
        "deadline": crate::web::i18n::format_datetime(ctx.lang, tz, workshop.signup_deadline, "format-datetime"),
        "address": workshop.address,
        "room": workshop.room,
        "transit": workshop.transit,
        "capacity": workshop.capacity,
        "max_per_signup": workshop.max_per_signup,
        "offers": {
            "step_free": workshop.step_free,
            "childcare": workshop.childcare,
            "sign_language": workshop.sign_language,
            "travel_costs": workshop.travel_costs,
            "food": workshop.food,
            "languages": languages(workshop).join(", "),
        },
        "status": workshop.status,
        "status_key": status_key(&workshop.status),
        "is_cancelled": workshop.status == CANCELLED,
        "is_held": workshop.status == HELD,
        "href": format!("/workshops/{}", workshop.id),
        "ics_href": format!("/workshops/{}/calendar.ics", workshop.id),
    })
}

/// The sign-up form's fields as its partial needs them.
pub(super) fn signup_form_view(workshop: &workshops::Model, values: &SignupForm) -> Value {
    let options: Vec<Value> = languages(workshop)
        .into_iter()
        .map(|l| json!({ "selected": values.interpreter_language == l, "value": l }))
        .collect();
    json!({
        "values": values,
        "max_people": workshop.max_per_signup,
        "childcare": workshop.childcare,
        "step_free_offered": workshop.step_free,
        "languages": options,
        "has_languages": !options.is_empty(),
    })
}

/// Attendance as it may be published: the number, or "fewer than N" below the municipality's
/// minimum group size.
pub fn attendance_view(lang: Lang, attended: i64, min_group_size: i32) -> Value {
    let text = if attended < i64::from(min_group_size) {
        i18n::t_args(
            lang,
            "workshop-attendance-suppressed",
            &[("min", min_group_size.into())],
        )
    } else {
        i18n::t_args(lang, "workshop-attendance", &[("count", attended.into())])
    };
    Value::String(text)
}

pub(super) async fn managed_round(ctx: &Ctx, id: Uuid) -> AppResult<(CurrentUser, rounds::Model)> {
    let user = ctx.require_user()?.clone();
    let round = rounds_service::find(&ctx.state.db, id)
        .await?
        .filter(|r| user.coordinates(r.municipality_id))
        .ok_or(AppError::NotFound)?;
    Ok((user, round))
}

/// A workshop the signed-in coordinator may manage; another municipality's answers 404.
pub(super) async fn managed(ctx: &Ctx, id: Uuid) -> AppResult<(CurrentUser, workshops::Model)> {
    let user = ctx.require_user()?.clone();
    let workshop = find(&ctx.state.db, id)
        .await?
        .filter(|w| user.coordinates(w.municipality_id))
        .ok_or(AppError::NotFound)?;
    Ok((user, workshop))
}

pub(super) async fn round_of(ctx: &Ctx, workshop: &workshops::Model) -> AppResult<rounds::Model> {
    rounds_service::find(&ctx.state.db, workshop.round_id)
        .await?
        .ok_or(AppError::NotFound)
}
