//! `/manage`: the staff start page. For each person, for their roles and municipalities, what
//! needs them now, each linking to the place to act; then the areas their roles open.

use std::collections::HashMap;

use actix_web::HttpResponse;
use chrono::Duration;
use entity::municipalities;
use fluent_templates::fluent_bundle::FluentValue;
use serde::Serialize;
use uuid::Uuid;

use crate::{
    dashboard::work::{self, ModerationWork, ROUND_HORIZON_DAYS, StartPage},
    error::AppResult,
    legal::service::Kind,
    web::{context::Ctx, i18n},
};

#[derive(Serialize)]
struct Item {
    text: String,
    href: &'static str,
}

#[derive(Serialize)]
struct ModerationPlace {
    name: String,
    items: Vec<Item>,
}

#[derive(Serialize)]
struct Dated {
    title: String,
    href: String,
    at: String,
    place: String,
}

#[derive(Serialize)]
struct UpcomingWorkshop {
    title: String,
    href: String,
    at: String,
    place: String,
    free: String,
    full: bool,
    waitlist: Option<String>,
}

#[derive(Serialize)]
struct OpenRound {
    title: String,
    href: String,
    public_href: String,
    surveys_href: String,
    workshops_href: String,
    ends_at: String,
    place: String,
    responses: String,
    ideas: String,
    signed_up: String,
}

/// An indicator whose data is overdue, linking to its values in that municipality.
#[derive(Serialize)]
struct OverdueData {
    name: String,
    href: String,
    place: String,
    state: String,
}

#[derive(Serialize)]
struct Page {
    is_admin: bool,
    coordinates: bool,
    moderates: bool,
    show_places: bool,
    moderation: Vec<ModerationPlace>,
    opening: Vec<Dated>,
    closing: Vec<Dated>,
    workshops: Vec<UpcomingWorkshop>,
    open_rounds: Vec<OpenRound>,
    overdue: Vec<OverdueData>,
    failed_mails: Option<String>,
    missing_legal: Vec<String>,
}

/// How the page names things: counts in the person's language, municipalities by id.
struct Names<'a> {
    ctx: &'a Ctx,
    places: &'a HashMap<Uuid, municipalities::Model>,
}

impl Names<'_> {
    fn count(&self, key: &str, n: i64) -> String {
        i18n::t_args(self.ctx.lang, key, &[("count", FluentValue::from(n))])
    }

    fn place(&self, id: Uuid) -> String {
        self.places
            .get(&id)
            .map(|m| m.name.clone())
            .unwrap_or_default()
    }
}

/// `/manage`: what needs this person now, by role and municipality, each linking to the place
/// to act; then the areas their roles open.
pub async fn start(ctx: Ctx) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let now = ctx.state.clock.now();
    let today = now
        .with_timezone(&ctx.state.settings.time_zone)
        .date_naive();
    let data = work::start_page(&ctx.state.db, user, now, today).await?;
    let names = Names {
        ctx: &ctx,
        places: &data.municipalities,
    };
    let horizon = now + Duration::days(ROUND_HORIZON_DAYS);
    let page = Page {
        is_admin: user.is_admin(),
        coordinates: user.is_admin() || user.is_coordinator_somewhere(),
        moderates: user.is_admin() || user.is_moderator_somewhere(),
        // Names only help someone who works for more than one municipality.
        show_places: data.municipalities.len() > 1,
        moderation: data
            .moderation
            .iter()
            .map(|(id, work)| ModerationPlace {
                name: names.place(*id),
                items: moderation_items(&names, work),
            })
            .collect(),
        opening: data
            .opening
            .iter()
            .map(|r| Dated {
                title: r.title.clone(),
                href: format!("/manage/rounds/{}", r.id),
                at: r.starts_at.to_rfc3339(),
                place: names.place(r.municipality_id),
            })
            .collect(),
        closing: data
            .open_rounds
            .iter()
            .filter(|r| r.round.ends_at < horizon)
            .map(|r| Dated {
                title: r.round.title.clone(),
                href: format!("/manage/rounds/{}", r.round.id),
                at: r.round.ends_at.to_rfc3339(),
                place: names.place(r.round.municipality_id),
            })
            .collect(),
        workshops: workshops(&names, &data),
        open_rounds: open_rounds(&names, &data),
        overdue: overdue(&names, &data),
        failed_mails: data
            .failed_mails
            .filter(|n| *n > 0)
            .map(|n| names.count("dashboard-failed-mails", n)),
        missing_legal: data
            .missing_legal
            .iter()
            .map(|k| {
                ctx.t(match k {
                    Kind::Imprint => "legal-imprint-title",
                    Kind::Privacy => "legal-privacy-title",
                })
            })
            .collect(),
    };
    ctx.render("dashboard/start", "manage-title", page)
}

/// Each overdue indicator with the period expected and the latest one it has.
fn overdue(names: &Names, data: &StartPage) -> Vec<OverdueData> {
    data.overdue_indicators
        .iter()
        .map(|o| {
            let expected = ("expected", FluentValue::from(o.expected.to_string()));
            let state = match o.latest {
                Some(latest) => i18n::t_args(
                    names.ctx.lang,
                    "dashboard-indicator-overdue",
                    &[expected, ("latest", FluentValue::from(latest.to_string()))],
                ),
                None => i18n::t_args(names.ctx.lang, "dashboard-indicator-empty", &[expected]),
            };
            OverdueData {
                name: o.name.clone(),
                href: format!(
                    "/manage/indicators/{}/values?municipality={}",
                    o.indicator_id, o.municipality_id
                ),
                place: names.place(o.municipality_id),
                state,
            }
        })
        .collect()
}

/// What waits in one municipality's queues, each kind that has anything linking to its queue.
fn moderation_items(names: &Names, work: &ModerationWork) -> Vec<Item> {
    [
        (
            work.personal,
            "dashboard-moderation-personal",
            "/manage/moderation?section=personal",
        ),
        (
            work.pending,
            "dashboard-moderation-pending",
            "/manage/moderation?section=pending",
        ),
        (
            work.flagged,
            "dashboard-moderation-flagged",
            "/manage/moderation?section=flagged",
        ),
        (
            work.objections,
            "dashboard-moderation-objections",
            "/manage/moderation?section=objections",
        ),
        (
            work.free_texts,
            "dashboard-moderation-free-texts",
            "/manage/free-text",
        ),
    ]
    .into_iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, key, href)| Item {
        text: names.count(key, n as i64),
        href,
    })
    .collect()
}

fn workshops(names: &Names, data: &StartPage) -> Vec<UpcomingWorkshop> {
    data.workshops
        .iter()
        .map(|w| {
            let free = w.occupancy.free(w.workshop.capacity);
            UpcomingWorkshop {
                title: w.workshop.title.clone(),
                href: format!("/manage/workshops/{}/signups", w.workshop.id),
                at: w.workshop.starts_at.to_rfc3339(),
                place: names.place(w.workshop.municipality_id),
                free: names.count("dashboard-workshop-free", free),
                full: free == 0,
                waitlist: (w.occupancy.waitlisted > 0)
                    .then(|| names.count("dashboard-workshop-waitlist", w.occupancy.waitlisted)),
            }
        })
        .collect()
}

fn open_rounds(names: &Names, data: &StartPage) -> Vec<OpenRound> {
    data.open_rounds
        .iter()
        .map(|r| OpenRound {
            title: r.round.title.clone(),
            href: format!("/manage/rounds/{}", r.round.id),
            public_href: format!("/rounds/{}", r.round.slug),
            surveys_href: format!("/manage/surveys?round={}", r.round.id),
            workshops_href: format!("/manage/rounds/{}/workshops", r.round.id),
            ends_at: r.round.ends_at.to_rfc3339(),
            place: names.place(r.round.municipality_id),
            responses: names.count("dashboard-figure-responses", r.responses),
            ideas: names.count("dashboard-figure-ideas", r.ideas),
            signed_up: names.count("dashboard-figure-signups", r.signed_up),
        })
        .collect()
}
