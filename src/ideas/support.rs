//! Supporting an idea (and taking the support back), written through the group commit.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use entity::{idea_supports, ideas};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, Set, Statement,
    sea_query::OnConflict,
};
use serde::Deserialize;
use uuid::Uuid;

use crate::{
    db::placeholders,
    error::AppResult,
    moderation::model as moderation,
    web::context::{Ctx, FlashKind, see_other},
};

use super::model::is_open;
use super::views::{idea_href, public_board, refused, visible_idea};

#[derive(Debug, Default, Deserialize)]
pub struct SupportForm {
    /// `add` or `remove`: a repeated click changes nothing.
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub notify: Option<String>,
}

pub async fn support(
    ctx: Ctx,
    path: web::Path<(Uuid, Uuid)>,
    form: web::Form<SupportForm>,
) -> AppResult<HttpResponse> {
    let (board_id, idea_id) = path.into_inner();
    let (board, round) = public_board(&ctx, board_id).await?;
    let idea = visible_idea(&ctx, &board, idea_id).await?;
    let Some(user) = ctx.user.clone() else {
        return Ok(see_other(&format!(
            "/account/login?next={}",
            idea_href(&idea).replace('/', "%2F")
        )));
    };
    let back = idea_href(&idea);
    if idea.author_id == Some(user.id) {
        return refused(&ctx, &back, "idea-error-support-own");
    }
    if !is_open(&board, &round) || !moderation::Status::Published.is(&idea.status) {
        return refused(&ctx, &back, "idea-error-support-closed");
    }
    let on = form.action != "remove";
    let (notify, now) = (form.notify.is_some(), ctx.state.clock.now());
    let target = idea.clone();
    // Committed together with other short writes arriving at the same time (group commit).
    let outcome = ctx
        .state
        .writes
        .run(move |txn| {
            Box::pin(async move { set_support(txn, &target, user.id, on, notify, now).await })
        })
        .await?;
    let key = match outcome {
        SupportOutcome::Added => "idea-supported",
        SupportOutcome::Removed => "idea-unsupported",
        SupportOutcome::Unchanged => {
            if on {
                "idea-supported"
            } else {
                "idea-unsupported"
            }
        }
    };
    ctx.flash(FlashKind::Success, key)?;
    Ok(see_other(&back))
}

#[derive(Debug, PartialEq, Eq)]
pub enum SupportOutcome {
    Added,
    Removed,
    Unchanged,
}

/// Adds or removes one person's support. The unique (idea, person) key and the counter update in
/// the same transaction keep the count equal to the rows, however many people click at once.
pub async fn set_support(
    db: &impl ConnectionTrait,
    idea: &ideas::Model,
    user_id: Uuid,
    on: bool,
    notify: bool,
    now: DateTime<Utc>,
) -> Result<SupportOutcome, DbErr> {
    let backend = db.get_database_backend();
    if on {
        let inserted = idea_supports::Entity::insert(idea_supports::ActiveModel {
            idea_id: Set(idea.id),
            user_id: Set(user_id),
            notify: Set(notify),
            created_at: Set(now),
        })
        .on_conflict(
            OnConflict::columns([idea_supports::Column::IdeaId, idea_supports::Column::UserId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
        if inserted == 0 {
            return Ok(SupportOutcome::Unchanged);
        }
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(
                backend,
                "UPDATE ideas SET support_count = support_count + 1 WHERE id = $1",
            ),
            [idea.id.into()],
        ))
        .await?;
        Ok(SupportOutcome::Added)
    } else {
        let deleted = idea_supports::Entity::delete_many()
            .filter(idea_supports::Column::IdeaId.eq(idea.id))
            .filter(idea_supports::Column::UserId.eq(user_id))
            .exec(db)
            .await?;
        if deleted.rows_affected == 0 {
            return Ok(SupportOutcome::Unchanged);
        }
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(
                backend,
                "UPDATE ideas SET support_count = support_count - 1 WHERE id = $1",
            ),
            [idea.id.into()],
        ))
        .await?;
        Ok(SupportOutcome::Removed)
    }
}

pub async fn supports(
    db: &impl ConnectionTrait,
    idea_id: Uuid,
    user_id: Uuid,
) -> Result<bool, DbErr> {
    Ok(idea_supports::Entity::find_by_id((idea_id, user_id))
        .one(db)
        .await?
        .is_some())
}

pub async fn support_rows(db: &impl ConnectionTrait, idea_id: Uuid) -> Result<u64, DbErr> {
    idea_supports::Entity::find()
        .filter(idea_supports::Column::IdeaId.eq(idea_id))
        .count(db)
        .await
}
