//! `/goals/{id}`: one goal as residents read it: its measures, and what participation fed it
//! (the rounds that served it, ideas adopted into it, workshops and survey results about it), and
//! the indicators it adopted as monitoring publishes them. All of it is read in one snapshot.

use actix_web::{HttpResponse, http::StatusCode, web};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use uuid::Uuid;

use crate::{
    admin::service as admin,
    db::read_snapshot,
    error::{AppError, AppResult},
    monitoring::public_views::{self as monitoring, GoalMonitoring},
    participation::strategy_page::Place,
    rounds::forms::{first_day, last_day},
    strategy::{
        model::{self as strategy, StrategyStatus},
        views::{MeasureView, measure_views, period},
    },
    surveys::goals::{GoalSurveyResults, goal_results},
    web::context::Ctx,
    workshops::summaries::DocumentedView,
};

#[derive(Serialize)]
struct StrategyLink {
    title: String,
    period: String,
    is_draft: bool,
    href: String,
}

#[derive(Serialize)]
struct FieldTitle {
    title: String,
}

#[derive(Serialize)]
struct GoalView {
    title: String,
    description: String,
    target_text: Option<String>,
    archived: bool,
    archived_at: Option<String>,
}

#[derive(Serialize)]
struct RoundLink {
    href: String,
    title: String,
    status_label: String,
    starts_on: String,
    ends_on: String,
}

#[derive(Serialize)]
struct IdeaLink {
    href: String,
    title: String,
    status_label: String,
}

#[derive(Serialize)]
struct Page {
    municipality: Place,
    strategy: StrategyLink,
    field: FieldTitle,
    goal: GoalView,
    measures: Vec<MeasureView>,
    rounds: Vec<RoundLink>,
    ideas: Vec<IdeaLink>,
    workshops_held: Vec<DocumentedView>,
    survey_results: Vec<GoalSurveyResults>,
    monitoring: GoalMonitoring,
}

/// `/goals/{id}`: one goal, its measures and the participation rounds that feed it.
pub async fn public_goal(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let snap = read_snapshot(&ctx.state.db).await?;
    let db = &snap;
    let at = strategy::find_goal(db, id.into_inner())
        .await?
        .ok_or(AppError::NotFound)?;
    let place = admin::find_municipality(db, at.strategy.municipality_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let measures = strategy::measures_of(db, &[at.goal.id]).await?;
    let monitoring = monitoring::Place {
        municipality: &place,
        lang: ctx.lang,
    };
    let indicators = monitoring::goal_indicators(db, &monitoring, at.goal.id).await?;
    let page = Page {
        municipality: Place::of(&place),
        strategy: StrategyLink {
            title: at.strategy.title.clone(),
            period: period(&ctx, at.strategy.period_start, at.strategy.period_end),
            is_draft: !StrategyStatus::is_adopted(&at.strategy.status),
            href: format!("/strategies/{}?strategy={}", place.slug, at.strategy.id),
        },
        field: FieldTitle {
            title: at.field.title.clone(),
        },
        goal: GoalView {
            title: at.goal.title.clone(),
            description: at.goal.description.clone(),
            target_text: at.goal.target_text.clone(),
            archived: at.goal.archived_at.is_some(),
            archived_at: at.goal.archived_at.map(|t| t.to_rfc3339()),
        },
        measures: measure_views(&ctx, &measures),
        rounds: rounds_of(&ctx, db, at.goal.id).await?,
        ideas: crate::ideas::summaries::adopted_into_goal(db, at.goal.id)
            .await?
            .iter()
            .map(|i| IdeaLink {
                href: format!("/ideas/{}/{}", i.board_id, i.id),
                title: i.title.clone(),
                status_label: ctx.t(&format!("idea-official-{}", i.official_status)),
            })
            .collect(),
        workshops_held: crate::workshops::summaries::documented_for_goal(&ctx, db, at.goal.id)
            .await?,
        survey_results: goal_results(db, ctx.lang, at.goal.id).await?,
        monitoring: indicators,
    };
    snap.commit().await?;
    ctx.render_about(
        StatusCode::OK,
        "strategy/goal",
        "strategy-goal-title",
        &at.goal.title,
        page,
    )
}

/// The public rounds that served the goal, newest first.
async fn rounds_of(
    ctx: &Ctx,
    db: &impl ConnectionTrait,
    goal_id: Uuid,
) -> AppResult<Vec<RoundLink>> {
    let tz = ctx.state.settings.time_zone;
    let pattern = ctx.t("format-date");
    Ok(crate::rounds::model::public_rounds_for_goal(db, goal_id)
        .await?
        .into_iter()
        .map(|r| RoundLink {
            href: format!("/rounds/{}", r.slug),
            title: r.title,
            status_label: ctx.t(&format!("strategy-round-status-{}", r.status)),
            // A round's period is whole days: it ends at the start of the day after its last.
            starts_on: first_day(tz, r.starts_at).format(&pattern).to_string(),
            ends_on: last_day(tz, r.ends_at).format(&pattern).to_string(),
        })
        .collect())
}
