//! Page pieces several idea pages share: the board's head, an idea's card and status, the
//! placeholder of a hidden post, the pages that refuse an action, and the lookups of a board or
//! idea a resident may open.

use actix_web::{HttpResponse, http::StatusCode};
use entity::{idea_boards, idea_categories, ideas, rounds};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    error::{AppError, AppResult},
    identity::CurrentUser,
    moderation::model as moderation,
    web::{context::Ctx, rate_limit},
};

use super::model::{WITHDRAWN, find_idea, find_public_board, is_open};

pub(super) async fn public_board(
    ctx: &Ctx,
    id: Uuid,
) -> AppResult<(idea_boards::Model, rounds::Model)> {
    find_public_board(&ctx.state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// An idea residents may open: listed ones, and the author's own in any state but withdrawn.
pub(super) async fn visible_idea(
    ctx: &Ctx,
    board: &idea_boards::Model,
    id: Uuid,
) -> AppResult<ideas::Model> {
    let idea = find_idea(&ctx.state.db, board.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let own = is_author(ctx.user.as_ref(), &idea);
    let staff = ctx
        .user
        .as_ref()
        .is_some_and(|u| u.moderates(idea.municipality_id) || u.coordinates(idea.municipality_id));
    if idea.listed || ((own || staff) && idea.status != WITHDRAWN) {
        Ok(idea)
    } else {
        Err(AppError::NotFound)
    }
}

pub(super) fn is_author(user: Option<&CurrentUser>, idea: &ideas::Model) -> bool {
    user.is_some_and(|u| idea.author_id == Some(u.id))
}

/// The display name of the signed-in person's profile, or nothing.
pub(super) fn profile_name(ctx: &Ctx) -> String {
    ctx.user
        .as_ref()
        .and_then(|u| u.display_name.clone())
        .unwrap_or_default()
}

pub(super) fn hidden_text(ctx: &Ctx, reason: Option<&str>) -> String {
    let reason = reason.unwrap_or(moderation::AUTO_HIDDEN);
    // Hidden by the flags alone: for now, until a moderator decides.
    if reason == moderation::AUTO_HIDDEN {
        return ctx.t("moderation-hidden-auto-placeholder");
    }
    let reason = ctx.t(&format!("moderation-reason-{reason}"));
    crate::web::i18n::lookup(
        ctx.lang,
        "moderation-hidden-placeholder",
        &[("reason", reason.into())],
    )
    .unwrap_or_default()
}

pub(super) fn idea_href(idea: &ideas::Model) -> String {
    format!("/ideas/{}/{}", idea.board_id, idea.id)
}

pub(super) fn status_view(ctx: &Ctx, idea: &ideas::Model) -> Value {
    json!({
        "official": idea.official_status,
        "official_label": ctx.t(&format!("idea-official-{}", idea.official_status)),
        "moderation_label": ctx.t(&format!("idea-state-{}", idea.status)),
    })
}

pub(super) fn card(ctx: &Ctx, idea: &ideas::Model, categories: &[idea_categories::Model]) -> Value {
    let hidden = idea.status == moderation::HIDDEN;
    json!({
        "href": idea_href(idea),
        "hidden": hidden,
        "placeholder": if hidden { hidden_text(ctx, idea.hidden_reason.as_deref()) } else { String::new() },
        "title": idea.title,
        "excerpt": excerpt(&idea.body, 180),
        "category": categories.iter().find(|c| c.id == idea.category_id).map(|c| c.name.clone()).unwrap_or_default(),
        "author": idea.author_name.clone().unwrap_or_else(|| ctx.t("idea-anonymous")),
        "created_at": idea.created_at.to_rfc3339(),
        "supports": idea.support_count,
        "comments": idea.comment_count,
        "status": status_view(ctx, idea),
    })
}

pub(super) fn excerpt(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{}…", cut.trim_end())
}

pub(super) fn board_head(board: &idea_boards::Model, round: &rounds::Model) -> Value {
    json!({
        "id": board.id,
        "href": format!("/ideas/{}", board.id),
        "title": board.title,
        "question": board.question,
        "premoderated": board.premoderated,
        "is_open": is_open(board, round),
        "round": { "title": round.title, "href": format!("/rounds/{}", round.slug) },
    })
}

pub(super) async fn closed(
    ctx: &Ctx,
    board: &idea_boards::Model,
    round: &rounds::Model,
) -> AppResult<HttpResponse> {
    ctx.render_status(
        StatusCode::CONFLICT,
        "ideas/link_done",
        "idea-board-closed-title",
        json!({
            "heading": "idea-board-closed-title",
            "text": "idea-board-closed-text",
            "back_href": board_head(board, round)["href"],
        }),
    )
}

pub(super) fn refused(ctx: &Ctx, back: &str, key: &str) -> AppResult<HttpResponse> {
    ctx.render_status(
        StatusCode::CONFLICT,
        "ideas/link_done",
        "idea-refused-title",
        json!({ "heading": "idea-refused-title", "text": key, "back_href": back }),
    )
}

/// Checks the per-person and per-address limits of one kind of contribution.
pub(super) async fn within_limits(
    ctx: &Ctx,
    per_ip: rate_limit::Limit,
    per_person: rate_limit::Limit,
    person: &str,
) -> AppResult<()> {
    let db = &ctx.state.db;
    let now = ctx.state.clock.now().timestamp();
    if !rate_limit::hit(db, &ctx.state.keys, per_ip, &ctx.client_ip(), now).await? {
        return Err(rate_limit::too_many(per_ip));
    }
    if !rate_limit::hit(db, &ctx.state.keys, per_person, person, now).await? {
        return Err(rate_limit::too_many(per_person));
    }
    Ok(())
}
