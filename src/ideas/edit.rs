//! The author's own idea: changing it while nobody has supported or discussed it, and
//! withdrawing it.

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use entity::{idea_boards, ideas, rounds};
use sea_orm::{ConnectionTrait, DbErr, Statement};
use uuid::Uuid;

use crate::web::forms::CheckForm;
use crate::{
    db::placeholders,
    error::{AppError, AppResult},
    moderation::model as moderation,
    web::{
        context::{Ctx, FlashKind, see_other},
        forms::{FormErrors, HtmlForm},
    },
};

use super::model::{Status, editable, find_idea, is_open};
use super::post::{IdeaForm, IdeaFormPage, IdeaInput, IdeaRules};
use super::views::{idea_href, is_author, public_board, refused};

async fn own_idea(
    ctx: &Ctx,
    board_id: Uuid,
    idea_id: Uuid,
) -> AppResult<(idea_boards::Model, rounds::Model, ideas::Model)> {
    let (board, round) = public_board(ctx, board_id).await?;
    let idea = find_idea(&ctx.state.db, board.id, idea_id)
        .await?
        .filter(|i| is_author(ctx.user.as_ref(), i) && !Status::Withdrawn.is(&i.status))
        .ok_or(AppError::NotFound)?;
    Ok((board, round, idea))
}

pub async fn edit_form(ctx: Ctx, path: web::Path<(Uuid, Uuid)>) -> AppResult<HttpResponse> {
    let (board_id, idea_id) = path.into_inner();
    let (board, round, idea) = own_idea(&ctx, board_id, idea_id).await?;
    if !editable(&ctx.state.db, &idea).await? || !is_open(&board, &round) {
        return refused(&ctx, &idea_href(&idea), "idea-error-edit-locked");
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
    IdeaFormPage::new(&board, &round, Some(&idea), &form)
        .render(&ctx, &FormErrors::new(), StatusCode::OK)
        .await
}

pub async fn edit(
    ctx: Ctx,
    path: web::Path<(Uuid, Uuid)>,
    form: HtmlForm<IdeaForm>,
) -> AppResult<HttpResponse> {
    let (board_id, idea_id) = path.into_inner();
    let (board, round, idea) = own_idea(&ctx, board_id, idea_id).await?;
    let form = form.0;
    if !is_open(&board, &round) {
        return refused(&ctx, &idea_href(&idea), "idea-error-edit-locked");
    }
    let rules = IdeaRules::of(&ctx.state.db, &board, false).await?;
    let input = match form.check(&rules) {
        Ok(input) => input,
        Err(errors) => {
            return IdeaFormPage::new(&board, &round, Some(&idea), &form)
                .render(&ctx, &errors, StatusCode::UNPROCESSABLE_ENTITY)
                .await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let done = edit_idea(&txn, &board, &idea, &input, ctx.state.clock.now()).await?;
    txn.commit().await?;
    if !done {
        return refused(&ctx, &idea_href(&idea), "idea-error-edit-locked");
    }
    ctx.flash(FlashKind::Success, "idea-saved")?;
    Ok(see_other(&idea_href(&idea)))
}

pub async fn withdraw(ctx: Ctx, path: web::Path<(Uuid, Uuid)>) -> AppResult<HttpResponse> {
    let (board_id, idea_id) = path.into_inner();
    let (board, _, idea) = own_idea(&ctx, board_id, idea_id).await?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    withdraw_idea(&txn, &idea, ctx.state.clock.now()).await?;
    ctx.commit_and_redirect(txn, "idea-withdrawn", &format!("/ideas/{}", board.id))
        .await
}

/// Changes an idea, but only while nobody has supported or commented on it (decided in the same
/// statement, so a support arriving at the same moment cannot slip through). On a pre-moderated
/// board a published idea goes back to the moderators, in the same statement; the new version
/// number makes moderators' decisions on the old text fail.
pub async fn edit_idea(
    db: &impl ConnectionTrait,
    board: &idea_boards::Model,
    idea: &ideas::Model,
    input: &IdeaInput,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let backend = db.get_database_backend();
    let precheck =
        crate::moderation::precheck::precheck(&format!("{}\n{}", input.title, input.body));
    let (published, pending) = (
        moderation::Status::Published.as_str(),
        moderation::Status::Pending.as_str(),
    );
    let unconfirmed = Status::Unconfirmed.as_str();
    let sql = format!(
        "UPDATE ideas SET title = $1, body = $2, category_id = $3, district = $4, \
           area_id = $10, author_name = $5, precheck = $6, updated_at = $7, version = version + 1, \
           reviewed_at = NULL, \
           status = CASE WHEN $9 AND status = '{published}' THEN '{pending}' ELSE status END, \
           listed = CASE WHEN $9 AND status = '{published}' THEN FALSE ELSE listed END \
         WHERE id = $8 AND support_count = 0 \
           AND status IN ('{unconfirmed}', '{pending}', '{published}') \
           AND NOT EXISTS (SELECT 1 FROM idea_comments c WHERE c.idea_id = $8)"
    );
    let done = db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(backend, &sql),
            [
                input.title.clone().into(),
                input.body.clone().into(),
                input.category_id.into(),
                input.area.as_ref().map(|(_, name)| name.clone()).into(),
                input.author_name.clone().into(),
                precheck.into(),
                now.into(),
                idea.id.into(),
                board.premoderated.into(),
                input.area.as_ref().map(|(id, _)| *id).into(),
            ],
        ))
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The author takes the idea back: it leaves the board, and what it said, the shown name, the
/// district and a visitor's address are deleted. A tombstone (status, dates, receipt code) stays
/// so the receipt can say "withdrawn". Open flags on it and its comments are closed.
pub async fn withdraw_idea(
    db: &impl ConnectionTrait,
    idea: &ideas::Model,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let backend = db.get_database_backend();
    let done = db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(
                backend,
                "UPDATE ideas SET status = $3, listed = FALSE, author_email = NULL, \
                   notify = FALSE, title = '', body = '', author_name = NULL, district = NULL, \
                   area_id = NULL, \
                   precheck = '', open_flags = 0, version = version + 1, updated_at = $1 \
                 WHERE id = $2 AND status <> $3",
            ),
            [
                now.into(),
                idea.id.into(),
                Status::Withdrawn.as_str().into(),
            ],
        ))
        .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    crate::moderation::decide::close_for_withdrawn(db, idea.id, now).await?;
    Ok(true)
}
