//! `/strategies/{slug}`: a municipality's strategy as residents read it, each goal with the
//! participation that fed it, all read in one snapshot.

use std::collections::HashMap;

use actix_web::{HttpResponse, http::StatusCode, web};
use entity::{goals, measures, municipalities};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use uuid::Uuid;

use crate::{
    admin::service as admin,
    db::read_snapshot,
    error::{AppError, AppResult},
    monitoring::public_views::{CourseLine, Place as MonitoringPlace, courses_of_goals},
    participation::counts::{Participation, participation_counts},
    strategy::{
        forms::StrategyQuery,
        model::{self as strategy, StrategyStatus},
        views::{MeasureView, measure_views, period},
    },
    web::context::Ctx,
};

#[derive(Serialize)]
pub struct Place {
    pub name: String,
    pub slug: String,
}

impl Place {
    pub fn of(m: &municipalities::Model) -> Self {
        Place {
            name: m.name.clone(),
            slug: m.slug.clone(),
        }
    }
}

/// A goal's participation as `partials/strategy/participation` shows it.
#[derive(Serialize)]
struct ParticipationView {
    any: bool,
    #[serde(flatten)]
    counts: Participation,
}

#[derive(Serialize)]
struct GoalView {
    id: Uuid,
    title: String,
    target_text: Option<String>,
    participation: ParticipationView,
    measures: Vec<MeasureView>,
}

#[derive(Serialize)]
struct FieldView {
    id: Uuid,
    title: String,
    description: String,
    goals: Vec<GoalView>,
    archived_goals: Vec<GoalView>,
}

#[derive(Serialize)]
struct StrategyView {
    title: String,
    period: String,
    is_draft: bool,
    summary: String,
    fields: Vec<FieldView>,
    /// The monitoring overview: each goal that adopted indicators, with their course.
    monitoring: Vec<GoalCourses>,
}

#[derive(Serialize)]
struct GoalCourses {
    goal_id: Uuid,
    title: String,
    indicators: Vec<CourseLine>,
}

#[derive(Serialize)]
struct OtherStrategy {
    href: String,
    title: String,
    period: String,
    is_draft: bool,
}

#[derive(Serialize)]
struct Page {
    municipality: Place,
    legal_municipality: String,
    strategy: Option<StrategyView>,
    others: Vec<OtherStrategy>,
}

/// `/strategies/{slug}`: the strategy of a municipality with its fields, goals and measures.
pub async fn public_strategy(
    ctx: Ctx,
    slug: web::Path<String>,
    query: web::Query<StrategyQuery>,
) -> AppResult<HttpResponse> {
    let snap = read_snapshot(&ctx.state.db).await?;
    let db = &snap;
    let place = admin::municipality_by_slug(db, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let all = strategy::strategies_of(db, place.id).await?;
    let chosen = match query.strategy.as_deref() {
        None | Some("") => all.first().cloned(),
        Some(raw) => {
            let id = Uuid::parse_str(raw).map_err(|_| AppError::NotFound)?;
            Some(
                all.iter()
                    .find(|s| s.id == id)
                    .cloned()
                    .ok_or(AppError::NotFound)?,
            )
        }
    };
    let Some(chosen) = chosen else {
        let page = Page {
            municipality: Place::of(&place),
            legal_municipality: place.slug.clone(),
            strategy: None,
            others: Vec::new(),
        };
        snap.commit().await?;
        return ctx.render("strategy/show", "strategy-public-title", page);
    };
    let others = all
        .iter()
        .filter(|s| s.id != chosen.id)
        .map(|s| OtherStrategy {
            href: format!("/strategies/{}?strategy={}", place.slug, s.id),
            title: s.title.clone(),
            period: period(&ctx, s.period_start, s.period_end),
            is_draft: !StrategyStatus::is_adopted(&s.status),
        })
        .collect();
    let tree = strategy::tree(db, chosen).await?;
    let counts = participation_counts(db, &tree.goal_ids()).await?;
    let monitoring = monitoring_overview(&ctx, db, &place, &tree).await?;
    snap.commit().await?;
    let s = &tree.strategy;
    let page = Page {
        municipality: Place::of(&place),
        legal_municipality: place.slug.clone(),
        strategy: Some(StrategyView {
            title: s.title.clone(),
            period: period(&ctx, s.period_start, s.period_end),
            is_draft: !StrategyStatus::is_adopted(&s.status),
            summary: s.summary.clone(),
            fields: field_views(&ctx, &tree, &counts),
            monitoring,
        }),
        others,
    };
    ctx.render_about(
        StatusCode::OK,
        "strategy/show",
        "strategy-public-title",
        &s.title,
        page,
    )
}

fn field_views(
    ctx: &Ctx,
    tree: &strategy::Tree,
    counts: &HashMap<Uuid, Participation>,
) -> Vec<FieldView> {
    let goal_view = |g: &goals::Model, ms: &[measures::Model]| {
        let c = counts.get(&g.id).copied().unwrap_or_default();
        GoalView {
            id: g.id,
            title: g.title.clone(),
            target_text: g.target_text.clone(),
            participation: ParticipationView {
                any: c != Participation::default(),
                counts: c,
            },
            measures: measure_views(ctx, ms),
        }
    };
    tree.fields
        .iter()
        .map(|f| {
            let (active, archived): (Vec<_>, Vec<_>) =
                f.goals.iter().partition(|g| g.goal.archived_at.is_none());
            FieldView {
                id: f.field.id,
                title: f.field.title.clone(),
                description: f.field.description.clone(),
                goals: active
                    .iter()
                    .map(|g| goal_view(&g.goal, &g.measures))
                    .collect(),
                archived_goals: archived
                    .iter()
                    .map(|g| goal_view(&g.goal, &g.measures))
                    .collect(),
            }
        })
        .collect()
}

/// The goals of `tree` (active ones, in order) that adopted indicators, each with its
/// indicators' course.
async fn monitoring_overview(
    ctx: &Ctx,
    db: &impl ConnectionTrait,
    place: &municipalities::Model,
    tree: &strategy::Tree,
) -> AppResult<Vec<GoalCourses>> {
    let at = MonitoringPlace {
        municipality: place,
        lang: ctx.lang,
    };
    let mut courses = courses_of_goals(db, &at, &tree.goal_ids()).await?;
    Ok(tree
        .fields
        .iter()
        .flat_map(|f| &f.goals)
        .filter(|g| g.goal.archived_at.is_none())
        .filter_map(|g| {
            courses.remove(&g.goal.id).map(|indicators| GoalCourses {
                goal_id: g.goal.id,
                title: g.goal.title.clone(),
                indicators,
            })
        })
        .collect())
}
