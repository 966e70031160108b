//! Commenting on an idea and replying to a comment.

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use entity::{idea_boards, idea_comments, ideas};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set, Statement,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::web::forms::CheckForm;
use crate::{
    db::placeholders,
    error::AppResult,
    identity::CurrentUser,
    moderation::model as moderation,
    web::{
        context::{Ctx, FlashKind, see_other},
        forms::{FormErrors, multiline},
        rate_limit,
    },
};

use super::model::{COMMENT_MAX, NAME_MAX, chars, is_open, name_of};
use super::show::{IdeaPage, idea_page};
use super::views::{idea_href, public_board, refused, visible_idea, within_limits};

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct CommentForm {
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub parent_id: String,
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    pub author_name: String,
}

impl CheckForm for CommentForm {
    type Input = CommentInput;
    type Rules = ();

    fn check(&self, _: &()) -> Result<CommentInput, FormErrors> {
        let mut errors = FormErrors::new();
        if self.body.trim().is_empty() {
            errors.add("body", "idea-error-comment-missing");
        } else if chars(&self.body) > COMMENT_MAX {
            errors.add("body", "idea-error-comment-long");
        }
        if chars(&self.author_name) > NAME_MAX {
            errors.add("author_name", "idea-error-name-long");
        }
        let parent_id = match self.parent_id.trim() {
            "" => None,
            raw => match Uuid::parse_str(raw) {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.add("body", "idea-error-parent");
                    None
                }
            },
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(CommentInput {
            body: multiline(&self.body),
            parent_id,
            author_name: name_of(&self.author_name),
        })
    }
}

pub async fn comment(
    ctx: Ctx,
    path: web::Path<(Uuid, Uuid)>,
    form: web::Form<CommentForm>,
) -> AppResult<HttpResponse> {
    let (board_id, idea_id) = path.into_inner();
    let (board, round) = public_board(&ctx, board_id).await?;
    let idea = visible_idea(&ctx, &board, idea_id).await?;
    let form = form.into_inner();
    let Some(user) = ctx.user.clone() else {
        return Ok(see_other(&format!(
            "/account/login?next={}",
            idea_href(&idea).replace('/', "%2F")
        )));
    };
    if !is_open(&board, &round) || !moderation::Status::Published.is(&idea.status) {
        return refused(&ctx, &idea_href(&idea), "idea-error-comment-closed");
    }
    let mut input = form.check(&());
    // A reply hangs under a top-level comment of this idea.
    if let Ok(CommentInput {
        parent_id: Some(parent),
        ..
    }) = &input
        && find_top_comment(&ctx.state.db, idea.id, *parent)
            .await?
            .is_none()
    {
        let mut errors = FormErrors::new();
        errors.add("body", "idea-error-parent");
        input = Err(errors);
    }
    let input = match input {
        Ok(input) => input,
        Err(errors) => {
            return idea_page(IdeaPage {
                ctx: &ctx,
                board: &board,
                round: &round,
                idea: &idea,
                comments_page: 0,
                comment_form: &form,
                errors: &errors,
                status: StatusCode::UNPROCESSABLE_ENTITY,
            })
            .await;
        }
    };
    within_limits(
        &ctx,
        rate_limit::COMMENT_PER_IP,
        rate_limit::COMMENT_PER_PERSON,
        &user.id.to_string(),
    )
    .await?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let comment = add_comment(&txn, &board, &idea, &user, &input, ctx.state.clock.now()).await?;
    txn.commit().await?;
    ctx.flash(
        FlashKind::Success,
        if moderation::Status::Pending.is(&comment.status) {
            "idea-comment-pending"
        } else {
            "idea-comment-added"
        },
    )?;
    Ok(see_other(&format!(
        "{}#comment-{}",
        idea_href(&idea),
        comment.id
    )))
}

pub struct CommentInput {
    pub body: String,
    pub parent_id: Option<Uuid>,
    pub author_name: Option<String>,
}

/// Adds a comment (or a reply to a top-level comment); it waits for a moderator on a
/// pre-moderated board.
pub async fn add_comment(
    db: &impl ConnectionTrait,
    board: &idea_boards::Model,
    idea: &ideas::Model,
    user: &CurrentUser,
    input: &CommentInput,
    now: DateTime<Utc>,
) -> Result<idea_comments::Model, DbErr> {
    let status = if board.premoderated {
        moderation::Status::Pending
    } else {
        moderation::Status::Published
    };
    let comment = idea_comments::ActiveModel {
        id: Set(Uuid::now_v7()),
        idea_id: Set(idea.id),
        parent_id: Set(input.parent_id),
        municipality_id: Set(idea.municipality_id),
        author_id: Set(Some(user.id)),
        author_name: Set(input.author_name.clone()),
        body: Set(input.body.clone()),
        status: Set(status.as_str().to_string()),
        hidden_reason: Set(None),
        hidden_note: Set(None),
        open_flags: Set(0),
        precheck: Set(crate::moderation::precheck::precheck(&input.body)),
        created_at: Set(now),
        version: Set(0),
        reviewed_at: Set(None),
    }
    .insert(db)
    .await?;
    if status == moderation::Status::Published {
        let backend = db.get_database_backend();
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(
                backend,
                "UPDATE ideas SET comment_count = comment_count + 1 WHERE id = $1",
            ),
            [idea.id.into()],
        ))
        .await?;
    }
    Ok(comment)
}

/// A top-level comment of `idea` that replies may hang under.
pub async fn find_top_comment(
    db: &impl ConnectionTrait,
    idea_id: Uuid,
    id: Uuid,
) -> Result<Option<idea_comments::Model>, DbErr> {
    idea_comments::Entity::find_by_id(id)
        .filter(idea_comments::Column::IdeaId.eq(idea_id))
        .filter(idea_comments::Column::ParentId.is_null())
        .one(db)
        .await
}
