//! Page pieces several workshop pages share: a workshop's details, its places, the sign-up form's
//! fields, and the lookups of what a coordinator may manage.

use entity::{rounds, workshops};
use serde::Serialize;
use uuid::Uuid;

use super::mail::when;
use super::model::{Occupancy, Status, find};
use super::sign_up::SignupForm;
use super::signups::LanguageCount;
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

/// What a workshop offers besides the meeting itself.
#[derive(Serialize)]
pub(super) struct OffersView {
    step_free: bool,
    childcare: bool,
    sign_language: bool,
    travel_costs: bool,
    food: bool,
    languages: String,
}

/// Everything about a workshop a resident (or its coordinator) reads.
#[derive(Serialize)]
pub(super) struct WorkshopView {
    id: Uuid,
    title: String,
    description: String,
    when: String,
    starts_at: String,
    deadline: String,
    address: String,
    room: String,
    /// The district it takes place in (filled in where a page shows it).
    pub(super) area: String,
    transit: String,
    capacity: i32,
    max_per_signup: i32,
    offers: OffersView,
    status: String,
    status_key: String,
    is_cancelled: bool,
    is_held: bool,
    href: String,
    ics_href: String,
}

/// Everything about a workshop a resident (or its coordinator) reads.
pub(super) fn details(ctx: &Ctx, workshop: &workshops::Model) -> WorkshopView {
    let tz = ctx.state.settings.time_zone;
    WorkshopView {
        id: workshop.id,
        title: workshop.title.clone(),
        description: workshop.description.clone(),
        when: when(ctx.lang, tz, workshop),
        starts_at: workshop.starts_at.to_rfc3339(),
        deadline: crate::web::i18n::format_datetime(
            ctx.lang,
            tz,
            workshop.signup_deadline,
            "format-datetime",
        ),
        address: workshop.address.clone(),
        room: workshop.room.clone(),
        area: String::new(),
        transit: workshop.transit.clone(),
        capacity: workshop.capacity,
        max_per_signup: workshop.max_per_signup,
        offers: OffersView {
            step_free: workshop.step_free,
            childcare: workshop.childcare,
            sign_language: workshop.sign_language,
            travel_costs: workshop.travel_costs,
            food: workshop.food,
            languages: languages(workshop).join(", "),
        },
        status: workshop.status.clone(),
        status_key: status_key(&workshop.status),
        is_cancelled: Status::Cancelled.is(&workshop.status),
        is_held: Status::Held.is(&workshop.status),
        href: format!("/workshops/{}", workshop.id),
        ics_href: format!("/workshops/{}/calendar.ics", workshop.id),
    }
}

/// One interpreter language to choose.
#[derive(Serialize)]
pub(super) struct LanguageOption {
    selected: bool,
    value: String,
}

/// The sign-up form's fields as its partial needs them.
#[derive(Serialize)]
pub(super) struct SignupFormView<'a> {
    values: &'a SignupForm,
    max_people: i32,
    childcare: bool,
    step_free_offered: bool,
    languages: Vec<LanguageOption>,
    has_languages: bool,
    /// The id of the submit button (and its label's key).
    submit: &'static str,
}

/// The sign-up form's fields as its partial needs them.
pub(super) fn signup_form_view<'a>(
    workshop: &workshops::Model,
    values: &'a SignupForm,
    submit: &'static str,
) -> SignupFormView<'a> {
    let options: Vec<LanguageOption> = languages(workshop)
        .into_iter()
        .map(|l| LanguageOption {
            selected: values.interpreter_language == l,
            value: l,
        })
        .collect();
    SignupFormView {
        values,
        max_people: workshop.max_per_signup,
        childcare: workshop.childcare,
        step_free_offered: workshop.step_free,
        has_languages: !options.is_empty(),
        languages: options,
        submit,
    }
}

/// How many confirmed sign-ups asked for an interpreter language.
#[derive(Serialize)]
pub(super) struct LanguageCountView {
    language: String,
    count: i64,
}

impl LanguageCountView {
    pub fn list(counts: &[LanguageCount]) -> Vec<Self> {
        counts
            .iter()
            .map(|l| LanguageCountView {
                language: l.language.clone(),
                count: l.signups,
            })
            .collect()
    }
}

/// Attendance as it may be published: the number, or "fewer than N" below the municipality's
/// minimum group size.
pub fn attendance_view(lang: Lang, attended: i64, min_group_size: i32) -> String {
    if attended < i64::from(min_group_size) {
        i18n::t_args(
            lang,
            "workshop-attendance-suppressed",
            &[("min", min_group_size.into())],
        )
    } else {
        i18n::t_args(lang, "workshop-attendance", &[("count", attended.into())])
    }
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
