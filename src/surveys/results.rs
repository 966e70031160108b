//! The results of a survey: its aggregates (counts, respondents and averages) and its breakdowns
//! by a demographic question, both read from the counts kept beside the answers; released free
//! texts; and the results page, published to residents or previewed by staff.

use std::collections::HashMap;

use actix_web::{HttpResponse, http::StatusCode, web};
use entity::survey_answers;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    db::read_snapshot,
    error::{AppError, AppResult},
    surveys::{
        answer_counts,
        lookup::{Notice, RoundLink, is_public, is_staff_of, notice},
        model::{Cell, Question, TextStatus},
        queries,
        result_views::{BreakdownView, QuestionResult, breakdown_view, fewer_than, results_views},
        results_cache::{survey_aggregates, survey_breakdown},
    },
    web::context::Ctx,
};

#[derive(Debug, Default)]
pub struct Aggregates {
    pub responses: i64,
    /// Per question: how many responses answered it, and the average of its numbers.
    pub respondents: HashMap<Uuid, (i64, Option<f64>)>,
    pub counts: HashMap<(Uuid, Cell), i64>,
}

/// Counts, respondents and averages of a survey's questions, from the counts kept beside the
/// answers (`answer_counts.rs`): a few rows per question, whatever the number of responses.
pub async fn aggregates(
    db: &impl ConnectionTrait,
    survey_id: Uuid,
    questions: &[Question],
) -> Result<Aggregates, DbErr> {
    let all: Vec<Uuid> = questions.iter().map(|q| q.model.id).collect();
    let counted: Vec<Uuid> = questions
        .iter()
        .filter(|q| q.kind.is_counted())
        .map(|q| q.model.id)
        .collect();
    let kept = answer_counts::kept(db, &all, &counted).await?;
    Ok(Aggregates {
        responses: queries::response_count(db, survey_id).await?,
        respondents: kept.respondents,
        counts: kept.counts,
    })
}

#[derive(Debug, Default)]
pub struct Breakdown {
    /// Per option of the demographic question: how many responses chose it.
    pub groups: HashMap<Uuid, i64>,
    /// (group option, question, cell) → count.
    pub counts: HashMap<(Uuid, Uuid, Cell), i64>,
}

/// Counts per group of a demographic (single-choice) question `by`: the groups from the kept
/// counts of its options, the cells of the other questions from the kept breakdown counts
/// (`answer_counts.rs`). Read in one snapshot, the two agree.
pub async fn breakdown(
    db: &impl ConnectionTrait,
    questions: &[Question],
    by: Uuid,
) -> Result<Breakdown, DbErr> {
    let mut out = Breakdown::default();
    let kept = answer_counts::kept(db, &[by], &[by]).await?;
    for ((_, cell), n) in kept.counts {
        if let Cell::Option(option) = cell {
            out.groups.insert(option, n);
        }
    }
    let groups: Vec<Uuid> = questions
        .iter()
        .filter(|q| q.model.id == by)
        .flat_map(|q| q.options.iter().map(|o| o.id))
        .collect();
    out.counts = answer_counts::kept_breakdown(db, &groups).await?;
    Ok(out)
}

/// Released free texts of these questions, newest decisions not tracked: in storage order,
/// at most `limit` per call.
pub async fn released_texts(
    db: &impl ConnectionTrait,
    question_ids: &[Uuid],
    limit: u64,
) -> Result<Vec<(Uuid, String)>, DbErr> {
    if question_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = survey_answers::Entity::find()
        .filter(survey_answers::Column::QuestionId.is_in(question_ids.iter().copied()))
        .filter(survey_answers::Column::TextStatus.eq(TextStatus::Released.as_str()))
        .order_by_asc(survey_answers::Column::Id)
        .paginate(db, limit)
        .fetch_page(0)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|a| a.text_value.map(|t| (a.question_id, t)))
        .collect())
}

#[derive(Debug, Default, Deserialize)]
pub struct ResultsQuery {
    pub by: Option<String>,
}

/// A link to the breakdown by one demographic question.
#[derive(Serialize)]
struct DemographicLink {
    href: String,
    prompt: String,
    current: bool,
}

#[derive(Serialize)]
struct ResultsView {
    title: String,
    preview: bool,
    responses: String,
    min: i64,
    round: RoundLink,
    questions: Vec<QuestionResult>,
    demographics: Vec<DemographicLink>,
    breakdown: Option<BreakdownView>,
}

pub async fn results(
    ctx: Ctx,
    id: web::Path<Uuid>,
    query: web::Query<ResultsQuery>,
) -> AppResult<HttpResponse> {
    let snap = read_snapshot(&ctx.state.db).await?;
    let db = &snap;
    let (survey, round) = queries::find_with_round(db, *id)
        .await?
        .ok_or(AppError::NotFound)?;
    let staff = is_staff_of(ctx.user.as_ref(), round.municipality_id);
    if !staff && !is_public(&survey, &round) {
        return Err(AppError::NotFound);
    }
    if !staff && survey.results_published_at.is_none() {
        return notice(
            &ctx,
            StatusCode::FORBIDDEN,
            &survey,
            &round,
            Notice::ResultsPending,
        );
    }
    let all = queries::questions(db, survey.id).await?;
    let agg = survey_aggregates(db, &survey, &all).await?;
    let text_ids: Vec<Uuid> = all
        .iter()
        .filter(|q| q.kind.is_text() || q.model.allow_other)
        .map(|q| q.model.id)
        .collect();
    let texts = released_texts(db, &text_ids, 200).await?;
    let min = i64::from(survey.min_group_size);
    let by = query
        .by
        .as_deref()
        .and_then(|b| Uuid::parse_str(b).ok())
        .and_then(|b| all.iter().find(|q| q.model.id == b && q.model.demographic));
    let breakdown = match by {
        Some(by) => {
            let data = survey_breakdown(db, &survey, &all, by.model.id).await?;
            Some(breakdown_view(ctx.lang, by, &all, &data, min))
        }
        None => None,
    };
    let demographics = all
        .iter()
        .filter(|q| q.model.demographic)
        .map(|q| DemographicLink {
            href: format!("/surveys/{}/results?by={}#breakdown", survey.id, q.model.id),
            prompt: q.model.prompt.clone(),
            current: by.is_some_and(|b| b.model.id == q.model.id),
        })
        .collect();
    snap.commit().await?;
    ctx.render_about(
        StatusCode::OK,
        "surveys/results",
        "survey-results-title",
        &survey.title,
        ResultsView {
            title: survey.title.clone(),
            preview: survey.results_published_at.is_none(),
            responses: if agg.responses >= min {
                agg.responses.to_string()
            } else {
                fewer_than(ctx.lang, min)
            },
            min,
            round: RoundLink::public(&round),
            questions: results_views(ctx.lang, &all, &agg, min, &texts),
            demographics,
            breakdown,
        },
    )
}
