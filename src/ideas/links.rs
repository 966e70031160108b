//! The signed links mailed to visitors: confirming the address of a new idea, editing it and
//! withdrawing it without an account.

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use entity::{idea_boards, ideas};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, sea_query::Expr};
use uuid::Uuid;

use crate::web::forms::CheckForm;
use crate::{
    error::{AppError, AppResult},
    moderation::model as moderation,
    secrets::Keys,
    web::{
        context::Ctx,
        forms::{FormErrors, HtmlForm},
        signed_link::{self, Check},
    },
};

use super::edit::{edit_idea, withdraw_idea};
use super::model::{Status, editable, find_board, find_idea_by_id, is_open};
use super::post::{IdeaForm, IdeaFormPage, IdeaRules};
use super::views::{LinkAction, Notice, closed, link_invalid, public_board, refused};
use crate::web::signed_link::{RenewForm, expired_page};

pub const CONFIRM: &str = "confirm";
pub const WITHDRAW: &str = "withdraw";
pub const EDIT: &str = "edit";

/// The path of a mailed link to act on idea `id` (`purpose`: confirm, withdraw or edit). It
/// works for `signed_link::LIFETIME_DAYS` from `now`; then its owner can ask for a new one.
pub fn link_path(keys: &Keys, purpose: &str, id: Uuid, now: DateTime<Utc>) -> String {
    let id = id.to_string();
    format!(
        "/idea-links/{id}/{purpose}/{}",
        signed_link::sign(keys, &["idea-link", purpose, &id], now)
    )
}

/// What the signature of a mailed link to idea `id` is worth at `now`.
pub fn link_check(
    keys: &Keys,
    purpose: &str,
    id: Uuid,
    given: &str,
    now: DateTime<Utc>,
) -> signed_link::Check {
    signed_link::check(keys, &["idea-link", purpose, &id.to_string()], given, now)
}

fn link_purpose(purpose: &str) -> AppResult<&'static str> {
    match purpose {
        CONFIRM => Ok(CONFIRM),
        WITHDRAW => Ok(WITHDRAW),
        EDIT => Ok(EDIT),
        _ => Err(AppError::NotFound),
    }
}

/// What a mailed link leads to.
enum Linked {
    Idea(Box<ideas::Model>),
    /// Signed by this instance but too old: its owner may ask for a new one.
    Expired,
    Invalid,
}

async fn linked_idea(ctx: &Ctx, id: &str, purpose: &str, signature: &str) -> AppResult<Linked> {
    let Ok(id) = Uuid::parse_str(id) else {
        return Ok(Linked::Invalid);
    };
    let now = ctx.state.clock.now();
    Ok(
        match link_check(&ctx.state.keys, purpose, id, signature, now) {
            Check::Invalid => Linked::Invalid,
            Check::Expired => Linked::Expired,
            Check::Valid => match find_idea_by_id(&ctx.state.db, id).await? {
                Some(idea) => Linked::Idea(Box::new(idea)),
                None => Linked::Invalid,
            },
        },
    )
}

/// The page of an expired link, whose form asks for a new one.
fn link_expired(ctx: &Ctx, path: &str) -> AppResult<HttpResponse> {
    expired_page(
        ctx,
        &format!("{path}/renew"),
        &RenewForm::default(),
        &FormErrors::new(),
        StatusCode::GONE,
    )
}

pub(super) fn done(ctx: &Ctx, key: &str, back: &str) -> AppResult<HttpResponse> {
    let (heading, text) = (format!("{key}-title"), format!("{key}-text"));
    ctx.render(
        "ideas/link_done",
        &heading,
        Notice {
            heading: &heading,
            text: &text,
            back_href: back,
        },
    )
}

/// GET of a link from a mail: a page with a button, so mail scanners change nothing.
pub async fn link_page(
    ctx: Ctx,
    path: web::Path<(String, String, String)>,
) -> AppResult<HttpResponse> {
    let (id, purpose, signature) = path.into_inner();
    let purpose = link_purpose(&purpose)?;
    let here = format!("/idea-links/{id}/{purpose}/{signature}");
    let idea = match linked_idea(&ctx, &id, purpose, &signature).await? {
        Linked::Idea(idea) => idea,
        Linked::Expired => return link_expired(&ctx, &here),
        Linked::Invalid => return link_invalid(&ctx),
    };
    if Status::Withdrawn.is(&idea.status) {
        return done(&ctx, "idea-withdrawn-link", "/");
    }
    if purpose == EDIT {
        let (board, round) = public_board(&ctx, idea.board_id).await?;
        if !editable(&ctx.state.db, &idea).await? || !is_open(&board, &round) {
            return refused(&ctx, "/", "idea-error-edit-locked");
        }
        let form = IdeaForm {
            title: idea.title.clone(),
            body: idea.body.clone(),
            category: idea.category_id.to_string(),
            area_id: idea.area_id.map(|a| a.to_string()).unwrap_or_default(),
            author_name: idea.author_name.clone().unwrap_or_default(),
            email: String::new(),
            contact: String::new(),
            notify: idea.notify.then(|| "1".into()),
        };
        return IdeaFormPage {
            action: here.clone(),
            ..IdeaFormPage::new(&board, &round, Some(&idea), &form)
        }
        .render(&ctx, &FormErrors::new(), StatusCode::OK)
        .await;
    }
    if purpose == CONFIRM && !Status::Unconfirmed.is(&idea.status) {
        return done(
            &ctx,
            "idea-confirmed",
            &format!("/receipt?code={}", idea.receipt_code),
        );
    }
    ctx.render(
        "ideas/link_action",
        &format!("idea-{purpose}-title"),
        LinkAction {
            heading: format!("idea-{purpose}-title"),
            text: format!("idea-{purpose}-text"),
            button: format!("idea-{purpose}-button"),
            title: &idea.title,
            action: &here,
            code: None,
            back_href: None,
        },
    )
}

pub async fn link(
    ctx: Ctx,
    path: web::Path<(String, String, String)>,
    form: HtmlForm<IdeaForm>,
) -> AppResult<HttpResponse> {
    let (id, purpose, signature) = path.into_inner();
    let purpose = link_purpose(&purpose)?;
    let here = format!("/idea-links/{id}/{purpose}/{signature}");
    let idea = match linked_idea(&ctx, &id, purpose, &signature).await? {
        Linked::Idea(idea) => idea,
        Linked::Expired => return link_expired(&ctx, &here),
        Linked::Invalid => return link_invalid(&ctx),
    };
    if purpose == EDIT {
        return edit_by_link(&ctx, &idea, &form.0, &here).await;
    }
    let now = ctx.state.clock.now();
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    if purpose == WITHDRAW {
        withdraw_idea(&txn, &idea, now).await?;
        txn.commit().await?;
        return done(&ctx, "idea-withdrawn-link", "/");
    }
    let board = find_board(&txn, idea.board_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // A board that closed while the mail waited takes no more ideas.
    if Status::Unconfirmed.is(&idea.status) {
        let round = crate::rounds::model::find(&txn, board.round_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !is_open(&board, &round) {
            txn.rollback().await?;
            return closed(&ctx, &board).await;
        }
    }
    confirm_idea(&txn, &idea, &board, now).await?;
    txn.commit().await?;
    done(
        &ctx,
        "idea-confirmed",
        &format!("/receipt?code={}", idea.receipt_code),
    )
}

/// A visitor (or anyone holding the mailed link) changes the idea, under the same lock as
/// signed-in authors: until the first support or comment, while the board is open.
async fn edit_by_link(
    ctx: &Ctx,
    idea: &ideas::Model,
    form: &IdeaForm,
    action: &str,
) -> AppResult<HttpResponse> {
    if Status::Withdrawn.is(&idea.status) {
        return done(ctx, "idea-withdrawn-link", "/");
    }
    let (board, round) = public_board(ctx, idea.board_id).await?;
    if !is_open(&board, &round) {
        return refused(ctx, "/", "idea-error-edit-locked");
    }
    let rules = IdeaRules::of(&ctx.state.db, &board, false).await?;
    let input = match form.check(&rules) {
        Ok(input) => input,
        Err(errors) => {
            return IdeaFormPage {
                action: action.to_string(),
                ..IdeaFormPage::new(&board, &round, Some(idea), form)
            }
            .render(ctx, &errors, StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let changed = edit_idea(&txn, &board, idea, &input, ctx.state.clock.now()).await?;
    txn.commit().await?;
    if !changed {
        return refused(ctx, "/", "idea-error-edit-locked");
    }
    done(
        ctx,
        "idea-edited-link",
        &format!("/receipt?code={}", idea.receipt_code),
    )
}

/// The visitor confirmed the address: the idea goes to moderation or straight online.
pub async fn confirm_idea(
    db: &impl ConnectionTrait,
    idea: &ideas::Model,
    board: &idea_boards::Model,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let publish = !board.premoderated;
    let next = if publish {
        moderation::Status::Published
    } else {
        moderation::Status::Pending
    };
    let mut update = ideas::Entity::update_many()
        .col_expr(ideas::Column::Status, Expr::value(next.as_str()))
        .col_expr(ideas::Column::Listed, Expr::value(publish))
        .col_expr(ideas::Column::UpdatedAt, Expr::value(now));
    if publish {
        update = update.col_expr(ideas::Column::PublishedAt, Expr::value(now));
    }
    let done = update
        .filter(ideas::Column::Id.eq(idea.id))
        .filter(ideas::Column::Status.eq(Status::Unconfirmed.as_str()))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}
