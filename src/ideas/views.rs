//! Page pieces several idea pages share: the board's head, an idea's card and status, the
//! placeholder of a hidden post, the pages that refuse an action, and the lookups of a board or
//! idea a resident may open.

use actix_web::{HttpResponse, http::StatusCode};
use entity::{idea_boards, idea_categories, ideas, rounds};
use serde::Serialize;
use uuid::Uuid;

use crate::{
    error::{AppError, AppResult},
    identity::CurrentUser,
    moderation::model as moderation,
    web::{context::Ctx, rate_limit},
};

use super::model::{Status, find_idea, find_public_board, is_open};

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
    if idea.listed || ((own || staff) && !Status::Withdrawn.is(&idea.status)) {
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

/// An idea's official and moderation status, with their labels.
#[derive(Serialize)]
pub(super) struct StatusView {
    official: String,
    official_label: String,
    moderation_label: String,
}

pub(super) fn status_view(ctx: &Ctx, idea: &ideas::Model) -> StatusView {
    StatusView {
        official: idea.official_status.clone(),
        official_label: ctx.t(&format!("idea-official-{}", idea.official_status)),
        moderation_label: ctx.t(&format!("idea-state-{}", idea.status)),
    }
}

/// An idea as a card in the board's list (and the head of its own page).
#[derive(Serialize)]
pub(super) struct Card {
    pub href: String,
    pub hidden: bool,
    pub placeholder: String,
    pub title: String,
    pub excerpt: String,
    pub category: String,
    /// The district's name as the idea keeps it (empty: none given).
    pub district: String,
    pub author: String,
    pub created_at: String,
    pub supports: i32,
    pub comments: i32,
    pub status: StatusView,
}

pub(super) fn card(ctx: &Ctx, idea: &ideas::Model, categories: &[idea_categories::Model]) -> Card {
    let hidden = moderation::Status::Hidden.is(&idea.status);
    Card {
        district: if hidden {
            String::new()
        } else {
            idea.district.clone().unwrap_or_default()
        },
        href: idea_href(idea),
        hidden,
        placeholder: if hidden {
            hidden_text(ctx, idea.hidden_reason.as_deref())
        } else {
            String::new()
        },
        title: idea.title.clone(),
        excerpt: excerpt(&idea.body, 180),
        category: categories
            .iter()
            .find(|c| c.id == idea.category_id)
            .map(|c| c.name.clone())
            .unwrap_or_default(),
        author: idea
            .author_name
            .clone()
            .unwrap_or_else(|| ctx.t("idea-anonymous")),
        created_at: idea.created_at.to_rfc3339(),
        supports: idea.support_count,
        comments: idea.comment_count,
        status: status_view(ctx, idea),
    }
}

pub(super) fn excerpt(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{}…", cut.trim_end())
}

/// A title and a link.
#[derive(Serialize)]
pub(super) struct Link {
    pub title: String,
    pub href: String,
}

/// An `<option>` (or radio button) of a filter or choice: its value, label and whether it is
/// the chosen one.
#[derive(Serialize)]
pub(super) struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// An `<option>` of `partials/select`: a value, its text and whether it is selected.
#[derive(Serialize)]
pub(super) struct SelectOption {
    pub value: String,
    pub text: String,
    pub selected: bool,
}

impl SelectOption {
    /// The empty choice ("no goal").
    pub fn none(text: String, selected: bool) -> Self {
        Self {
            value: String::new(),
            text,
            selected,
        }
    }

    /// A choice of an id, selected when the form holds that id.
    pub fn of(id: Uuid, text: &str, chosen: &str) -> Self {
        let value = id.to_string();
        Self {
            selected: chosen == value,
            value,
            text: text.to_string(),
        }
    }
}

/// The head of every board page.
#[derive(Serialize)]
pub(super) struct BoardHead {
    id: Uuid,
    pub href: String,
    title: String,
    question: String,
    premoderated: bool,
    is_open: bool,
    round: Link,
}

pub(super) fn board_head(board: &idea_boards::Model, round: &rounds::Model) -> BoardHead {
    BoardHead {
        id: board.id,
        href: board_href(board),
        title: board.title.clone(),
        question: board.question.clone(),
        premoderated: board.premoderated,
        is_open: is_open(board, round),
        round: Link {
            title: round.title.clone(),
            href: format!("/rounds/{}", round.slug),
        },
    }
}

fn board_href(board: &idea_boards::Model) -> String {
    format!("/ideas/{}", board.id)
}

/// The page of `ideas/link_done`: a heading, a text and the way back (all message keys but the
/// link).
#[derive(Serialize)]
pub(super) struct Notice<'a> {
    pub heading: &'a str,
    pub text: &'a str,
    pub back_href: &'a str,
}

/// The page of `ideas/link_action`: what the button does (message keys), on which idea; a
/// receipt code and a way back where the page has them.
#[derive(Serialize)]
pub(super) struct LinkAction<'a> {
    pub heading: String,
    pub text: String,
    pub button: String,
    pub title: &'a str,
    pub action: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub back_href: Option<String>,
}

/// The page of a link that was never valid (or whose idea is gone).
pub(super) fn link_invalid(ctx: &Ctx) -> AppResult<HttpResponse> {
    ctx.render_status(
        StatusCode::NOT_FOUND,
        "ideas/link_done",
        "idea-link-invalid-title",
        Notice {
            heading: "idea-link-invalid-title",
            text: "idea-link-invalid-text",
            back_href: "/",
        },
    )
}

pub(super) async fn closed(ctx: &Ctx, board: &idea_boards::Model) -> AppResult<HttpResponse> {
    ctx.render_status(
        StatusCode::CONFLICT,
        "ideas/link_done",
        "idea-board-closed-title",
        Notice {
            heading: "idea-board-closed-title",
            text: "idea-board-closed-text",
            back_href: &board_href(board),
        },
    )
}

pub(super) fn refused(ctx: &Ctx, back: &str, key: &str) -> AppResult<HttpResponse> {
    ctx.render_status(
        StatusCode::CONFLICT,
        "ideas/link_done",
        "idea-refused-title",
        Notice {
            heading: "idea-refused-title",
            text: key,
            back_href: back,
        },
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
