//! A survey's lifecycle: opening it (once it has questions), closing and reopening it, and
//! publishing its results or taking them back. Refusals come back on the survey's page with 409.

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use entity::{rounds, surveys};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::json;
use uuid::Uuid;

use crate::{
    audit::service as audit,
    error::AppResult,
    identity::CurrentUser,
    surveys::{
        builder::EditPage,
        lookup::managed,
        model::{Refusal, Status},
        queries::{self, audit_entry},
    },
    web::{context::Ctx, forms::FormErrors},
};

/// Open, close or reopen; `to` is the new status. Decided on the row as it is (conditional
/// UPDATE), audited in the same transaction.
pub async fn set_status(
    db: &impl ConnectionTrait,
    actor: &CurrentUser,
    municipality_id: Uuid,
    survey: &surveys::Model,
    to: Status,
    now: DateTime<Utc>,
) -> Result<Result<(), Refusal>, DbErr> {
    let from: &[Status] = match to {
        Status::Open => &[Status::Draft, Status::Closed],
        Status::Closed => &[Status::Open],
        Status::Draft => return Ok(Err(Refusal::WrongState)),
    };
    if to == Status::Open && queries::questions(db, survey.id).await?.is_empty() {
        return Ok(Err(Refusal::NoQuestions));
    }
    let done = surveys::Entity::update_many()
        .filter(surveys::Column::Id.eq(survey.id))
        .filter(surveys::Column::Status.is_in(from.iter().map(|s| s.as_str())))
        .col_expr(surveys::Column::Status, Expr::value(to.as_str()))
        .col_expr(surveys::Column::UpdatedAt, Expr::value(now))
        .exec(db)
        .await?
        .rows_affected
        == 1;
    if !done {
        return Ok(Err(Refusal::WrongState));
    }
    let action = if to == Status::Open {
        "survey.open"
    } else {
        "survey.close"
    };
    audit::record(
        db,
        now,
        audit_entry(
            actor,
            municipality_id,
            action,
            "survey",
            survey.id,
            json!({ "before": survey.status, "after": to }),
        ),
    )
    .await?;
    Ok(Ok(()))
}

/// Publishes the results (or takes them back, `publish = false`).
pub async fn set_results_published(
    db: &impl ConnectionTrait,
    actor: &CurrentUser,
    municipality_id: Uuid,
    survey: &surveys::Model,
    publish: bool,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    surveys::Entity::update_many()
        .filter(surveys::Column::Id.eq(survey.id))
        .col_expr(
            surveys::Column::ResultsPublishedAt,
            Expr::value(publish.then_some(now)),
        )
        .col_expr(surveys::Column::UpdatedAt, Expr::value(now))
        .exec(db)
        .await?;
    let action = if publish {
        "survey.results_publish"
    } else {
        "survey.results_unpublish"
    };
    audit::record(
        db,
        now,
        audit_entry(
            actor,
            municipality_id,
            action,
            "survey",
            survey.id,
            json!({}),
        ),
    )
    .await?;
    Ok(())
}

/// The survey's page with the refusal at its lifecycle buttons (409).
pub async fn refused(
    ctx: &Ctx,
    survey: &surveys::Model,
    round: &rounds::Model,
    refusal: Refusal,
) -> AppResult<HttpResponse> {
    let mut errors = FormErrors::new();
    errors.add("lifecycle", refusal.message_key());
    EditPage::new(survey, round)
        .render(ctx, &errors, StatusCode::CONFLICT)
        .await
}

async fn change_status(ctx: Ctx, id: Uuid, to: Status) -> AppResult<HttpResponse> {
    let (user, survey, round) = managed(&ctx, id).await?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    match set_status(
        &txn,
        &user,
        round.municipality_id,
        &survey,
        to,
        ctx.state.clock.now(),
    )
    .await?
    {
        Ok(()) => {
            let flash = if to == Status::Open {
                "survey-opened"
            } else {
                "survey-closed-done"
            };
            ctx.commit_and_redirect(txn, flash, &format!("/manage/surveys/{id}"))
                .await
        }
        Err(refusal) => {
            txn.rollback().await?;
            refused(&ctx, &survey, &round, refusal).await
        }
    }
}

pub async fn open(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    change_status(ctx, *id, Status::Open).await
}

pub async fn close(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    change_status(ctx, *id, Status::Closed).await
}

async fn publish(ctx: Ctx, id: Uuid, on: bool) -> AppResult<HttpResponse> {
    let (user, survey, round) = managed(&ctx, id).await?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    set_results_published(
        &txn,
        &user,
        round.municipality_id,
        &survey,
        on,
        ctx.state.clock.now(),
    )
    .await?;
    let flash = if on {
        "survey-results-published"
    } else {
        "survey-results-unpublished"
    };
    ctx.commit_and_redirect(txn, flash, &format!("/manage/surveys/{id}"))
        .await
}

pub async fn publish_results(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    publish(ctx, *id, true).await
}

pub async fn unpublish_results(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    publish(ctx, *id, false).await
}
