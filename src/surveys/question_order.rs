//! Moving a question up or down and deleting one, before the survey has answers. A conditional
//! question stays after the question it depends on, and a question others depend on stays.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use entity::survey_questions;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, sea_query::Expr};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::{
    audit::service as audit,
    error::AppResult,
    identity::CurrentUser,
    surveys::{
        lifecycle::refused,
        lookup::managed_question,
        model::{Question, Refusal},
        queries::{self, audit_entry, find_question, has_responses},
    },
    web::context::{Ctx, see_other},
};

/// Moves a question one place up (`up`) or down. A conditional question stays after the
/// question it depends on.
pub async fn move_question(
    db: &impl ConnectionTrait,
    actor: &CurrentUser,
    municipality_id: Uuid,
    question_id: Uuid,
    up: bool,
    now: DateTime<Utc>,
) -> Result<Result<(), Refusal>, DbErr> {
    let Some(q) = find_question(db, question_id).await? else {
        return Ok(Err(Refusal::WrongState));
    };
    if has_responses(db, q.survey_id).await? {
        return Ok(Err(Refusal::HasAnswers));
    }
    let all = queries::questions(db, q.survey_id).await?;
    let Some(at) = all.iter().position(|x| x.model.id == question_id) else {
        return Ok(Err(Refusal::WrongState));
    };
    let other = if up { at.checked_sub(1) } else { Some(at + 1) };
    let Some(other) = other.filter(|o| *o < all.len()) else {
        return Ok(Ok(()));
    };
    let (first, second) = if up { (other, at) } else { (at, other) };
    // After the swap `second` comes first: it must not depend on `first`.
    if let Some(c) = all[second].model.condition_option_id
        && all[first].options.iter().any(|o| o.id == c)
    {
        return Ok(Err(Refusal::ConditionOrder));
    }
    for (q, position) in [
        (&all[first], all[second].model.position),
        (&all[second], all[first].model.position),
    ] {
        survey_questions::Entity::update_many()
            .filter(survey_questions::Column::Id.eq(q.model.id))
            .col_expr(survey_questions::Column::Position, Expr::value(position))
            .exec(db)
            .await?;
    }
    queries::definition_changed(db, q.survey_id).await?;
    audit::record(
        db,
        now,
        audit_entry(
            actor,
            municipality_id,
            "survey.question_move",
            "survey",
            q.survey_id,
            json!({ "question": question_id, "up": up }),
        ),
    )
    .await?;
    Ok(Ok(()))
}

pub async fn delete_question(
    db: &impl ConnectionTrait,
    actor: &CurrentUser,
    municipality_id: Uuid,
    q: &Question,
    now: DateTime<Utc>,
) -> Result<Result<(), Refusal>, DbErr> {
    if has_responses(db, q.model.survey_id).await? {
        return Ok(Err(Refusal::HasAnswers));
    }
    let option_ids: Vec<Uuid> = q.options.iter().map(|o| o.id).collect();
    if !option_ids.is_empty()
        && survey_questions::Entity::find()
            .filter(survey_questions::Column::ConditionOptionId.is_in(option_ids))
            .one(db)
            .await?
            .is_some()
    {
        return Ok(Err(Refusal::Depended));
    }
    survey_questions::Entity::delete_by_id(q.model.id)
        .exec(db)
        .await?;
    queries::definition_changed(db, q.model.survey_id).await?;
    audit::record(
        db,
        now,
        audit_entry(
            actor,
            municipality_id,
            "survey.question_delete",
            "survey",
            q.model.survey_id,
            json!({ "before": { "question": q.model.id, "prompt": q.model.prompt } }),
        ),
    )
    .await?;
    Ok(Ok(()))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MoveForm {
    pub direction: String,
}

pub async fn move_up_or_down(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<MoveForm>,
) -> AppResult<HttpResponse> {
    let at = managed_question(&ctx, *id).await?;
    let up = form.direction == "up";
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let now = ctx.state.clock.now();
    let municipality = at.round.municipality_id;
    match move_question(&txn, &at.user, municipality, at.question.model.id, up, now).await? {
        Ok(()) => {
            txn.commit().await?;
            Ok(see_other(&format!(
                "/manage/surveys/{}#questions",
                at.survey.id
            )))
        }
        Err(refusal) => {
            txn.rollback().await?;
            refused(&ctx, &at.survey, &at.round, refusal).await
        }
    }
}

pub async fn delete(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let at = managed_question(&ctx, *id).await?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let now = ctx.state.clock.now();
    match delete_question(&txn, &at.user, at.round.municipality_id, &at.question, now).await? {
        Ok(()) => {
            let to = format!("/manage/surveys/{}#questions", at.survey.id);
            ctx.commit_and_redirect(txn, "survey-question-deleted", &to)
                .await
        }
        Err(refusal) => {
            txn.rollback().await?;
            refused(&ctx, &at.survey, &at.round, refusal).await
        }
    }
}
