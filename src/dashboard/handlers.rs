use actix_web::HttpResponse;
use chrono::Duration;
use fluent_templates::fluent_bundle::FluentValue;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    dashboard::service::{self, ROUND_HORIZON_DAYS},
    error::AppResult,
    legal::service::Kind,
    web::{context::Ctx, i18n},
};

/// `/manage`: what needs this person now, by role and municipality, each linking to the place
/// to act; then the areas their roles open.
pub async fn start(ctx: Ctx) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let now = ctx.state.clock.now();
    let page = service::start_page(&ctx.state.db, user, now).await?;
    let count = |key: &str, n: i64| i18n::t_args(ctx.lang, key, &[("count", FluentValue::from(n))]);
    let place = |id: Uuid| {
        page.municipalities
            .get(&id)
            .map(|m| m.name.clone())
            .unwrap_or_default()
    };

    let moderation: Vec<Value> = page
        .moderation
        .iter()
        .map(|(id, work)| {
            let items: Vec<Value> = [
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
            .map(|(n, key, href)| json!({ "text": count(key, n as i64), "href": href }))
            .collect();
            json!({ "name": place(*id), "items": items })
        })
        .collect();

    let horizon = now + Duration::days(ROUND_HORIZON_DAYS);
    let opening: Vec<Value> = page
        .opening
        .iter()
        .map(|r| {
            json!({
                "title": r.title,
                "href": format!("/manage/rounds/{}", r.id),
                "at": r.starts_at.to_rfc3339(),
                "place": place(r.municipality_id),
            })
        })
        .collect();
    let closing: Vec<Value> = page
        .open_rounds
        .iter()
        .filter(|r| r.round.ends_at < horizon)
        .map(|r| {
            json!({
                "title": r.round.title,
                "href": format!("/manage/rounds/{}", r.round.id),
                "at": r.round.ends_at.to_rfc3339(),
                "place": place(r.round.municipality_id),
            })
        })
        .collect();
    let workshops: Vec<Value> = page
        .workshops
        .iter()
        .map(|w| {
            let free = w.occupancy.free(w.workshop.capacity);
            json!({
                "title": w.workshop.title,
                "href": format!("/manage/workshops/{}/signups", w.workshop.id),
                "at": w.workshop.starts_at.to_rfc3339(),
                "place": place(w.workshop.municipality_id),
                "free": count("dashboard-workshop-free", free),
                "full": free == 0,
                "waitlist": (w.occupancy.waitlisted > 0)
                    .then(|| count("dashboard-workshop-waitlist", w.occupancy.waitlisted)),
            })
        })
        .collect();
    let open_rounds: Vec<Value> = page
        .open_rounds
        .iter()
        .map(|r| {
            json!({
                "title": r.round.title,
                "href": format!("/manage/rounds/{}", r.round.id),
                "public_href": format!("/rounds/{}", r.round.slug),
                "surveys_href": format!("/manage/surveys?round={}", r.round.id),
                "workshops_href": format!("/manage/rounds/{}/workshops", r.round.id),
                "ends_at": r.round.ends_at.to_rfc3339(),
                "place": place(r.round.municipality_id),
                "responses": count("dashboard-figure-responses", r.responses),
                "ideas": count("dashboard-figure-ideas", r.ideas),
                "signed_up": count("dashboard-figure-signups", r.signed_up),
            })
        })
        .collect();
    let missing_legal: Vec<Value> = page
        .missing_legal
        .iter()
        .map(|k| {
            json!(ctx.t(match k {
                Kind::Imprint => "legal-imprint-title",
                Kind::Privacy => "legal-privacy-title",
            }))
        })
        .collect();
    let failed_mails = page
        .failed_mails
        .filter(|n| *n > 0)
        .map(|n| count("dashboard-failed-mails", n));

    ctx.render(
        "dashboard/start",
        "manage-title",
        json!({
            "is_admin": user.is_admin(),
            "coordinates": user.is_admin() || user.is_coordinator_somewhere(),
            "moderates": user.is_admin() || user.is_moderator_somewhere(),
            // Names only help someone who works for more than one municipality.
            "show_places": page.municipalities.len() > 1,
            "moderation": moderation,
            "opening": opening,
            "closing": closing,
            "workshops": workshops,
            "open_rounds": open_rounds,
            "failed_mails": failed_mails,
            "missing_legal": missing_legal,
        }),
    )
}
