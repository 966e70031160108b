//! What surveys contribute to the strategy's goals: how many responses answered questions that
//! inform a goal (a round's participation counts), and the published results of those questions
//! as a goal's page shows them (suppressed like the results page).

use std::collections::{HashMap, HashSet};

use entity::{rounds, survey_question_goals, survey_questions, surveys};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
    sea_query::{Expr, ExprTrait, Query},
};
use serde::Serialize;
use uuid::Uuid;

use crate::{
    surveys::{
        model::{Question, Status},
        queries::{self, round_rel},
        result_views::{QuestionResult, results_views},
        results::released_texts,
        results_cache::{survey_aggregates, survey_responses_per_goal},
    },
    web::i18n::Lang,
};

/// For each goal, how many survey responses answered a question that informs it (draft surveys
/// aside). Responses of different surveys are different people's answers, so the per-survey
/// counts, kept in memory by `results_cache`, add up. Read in `db`, the page's read snapshot.
pub async fn responses_per_goal(
    db: &DatabaseTransaction,
    goal_ids: &[Uuid],
) -> Result<HashMap<Uuid, i64>, DbErr> {
    if goal_ids.is_empty() {
        return Ok(HashMap::new());
    }
    // The surveys with a question informing one of the goals, in one statement.
    let informing = Query::select()
        .distinct()
        .column((survey_questions::Entity, survey_questions::Column::SurveyId))
        .from(survey_question_goals::Entity)
        .inner_join(
            survey_questions::Entity,
            Expr::col((survey_questions::Entity, survey_questions::Column::Id)).equals((
                survey_question_goals::Entity,
                survey_question_goals::Column::QuestionId,
            )),
        )
        .and_where(
            Expr::col((
                survey_question_goals::Entity,
                survey_question_goals::Column::GoalId,
            ))
            .is_in(goal_ids.iter().copied()),
        )
        .to_owned();
    let with_responses = surveys::Entity::find()
        .filter(surveys::Column::Id.in_subquery(informing))
        .filter(surveys::Column::Status.ne(Status::Draft.as_str()))
        .all(db)
        .await?;
    let wanted: HashSet<Uuid> = goal_ids.iter().copied().collect();
    let mut out: HashMap<Uuid, i64> = HashMap::new();
    for survey in with_responses {
        for (goal, n) in survey_responses_per_goal(db, &survey).await?.iter() {
            if wanted.contains(goal) {
                *out.entry(*goal).or_default() += n;
            }
        }
    }
    Ok(out)
}

/// The surveys with published results in public rounds that have questions informing `goal_id`,
/// with those question ids.
async fn published_for_goal(
    db: &impl ConnectionTrait,
    goal_id: Uuid,
) -> Result<Vec<(surveys::Model, Vec<Uuid>)>, DbErr> {
    let links = survey_question_goals::Entity::find()
        .filter(survey_question_goals::Column::GoalId.eq(goal_id))
        .all(db)
        .await?;
    if links.is_empty() {
        return Ok(Vec::new());
    }
    let qs = survey_questions::Entity::find()
        .filter(survey_questions::Column::Id.is_in(links.iter().map(|l| l.question_id)))
        .order_by_asc(survey_questions::Column::Position)
        .all(db)
        .await?;
    let survey_ids: HashSet<Uuid> = qs.iter().map(|q| q.survey_id).collect();
    let list = surveys::Entity::find()
        .select_also(rounds::Entity)
        .join(sea_orm::JoinType::InnerJoin, round_rel())
        .filter(surveys::Column::Id.is_in(survey_ids))
        .filter(surveys::Column::ResultsPublishedAt.is_not_null())
        .filter(rounds::Column::Status.is_in(crate::rounds::model::Status::PUBLIC))
        .order_by_asc(surveys::Column::CreatedAt)
        .all(db)
        .await?;
    Ok(list
        .into_iter()
        .map(|(s, _)| {
            let ids = qs
                .iter()
                .filter(|q| q.survey_id == s.id)
                .map(|q| q.id)
                .collect();
            (s, ids)
        })
        .collect())
}

/// One survey's published results on a goal's page: the questions that inform the goal.
#[derive(Serialize)]
pub struct GoalSurveyResults {
    pub title: String,
    pub href: String,
    pub questions: Vec<QuestionResult>,
}

/// The published survey results of the questions that inform `goal_id`, as the goal page shows
/// them (suppressed like the results page). Read in `db`, the page's read snapshot.
pub async fn goal_results(
    db: &DatabaseTransaction,
    lang: Lang,
    goal_id: Uuid,
) -> Result<Vec<GoalSurveyResults>, DbErr> {
    let mut out = Vec::new();
    for (survey, ids) in published_for_goal(db, goal_id).await? {
        let all = queries::questions(db, survey.id).await?;
        let qs: Vec<Question> = all
            .iter()
            .filter(|q| ids.contains(&q.model.id) && !q.model.demographic)
            .cloned()
            .collect();
        if qs.is_empty() {
            continue;
        }
        let agg = survey_aggregates(db, &survey, &all).await?;
        let texts = released_texts(db, &ids, 20).await?;
        out.push(GoalSurveyResults {
            href: format!("/surveys/{}/results", survey.id),
            questions: results_views(lang, &qs, &agg, i64::from(survey.min_group_size), &texts),
            title: survey.title,
        });
    }
    Ok(out)
}
