//! Reads several use cases of the surveys slice share: a survey with its round, its questions with
//! options and goals, whether it has responses; and the small helpers of the slice's raw SQL and
//! audit entries.

use std::collections::HashMap;

use entity::{
    rounds, survey_options, survey_question_goals, survey_questions, survey_response_counts,
    survey_responses, surveys,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, Set, Statement,
    sea_query::{Expr, ExprTrait, OnConflict},
};
use uuid::Uuid;

use crate::{
    audit::service::Entry,
    db::placeholders,
    identity::CurrentUser,
    surveys::model::{Kind, Question, Status},
};

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<surveys::Model>, DbErr> {
    surveys::Entity::find_by_id(id).one(db).await
}

/// A survey with its round (one query: answering reads it on every request).
pub async fn find_with_round(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<(surveys::Model, rounds::Model)>, DbErr> {
    Ok(surveys::Entity::find_by_id(id)
        .select_also(rounds::Entity)
        .join(JoinType::InnerJoin, round_rel())
        .one(db)
        .await?
        .and_then(|(survey, round)| round.map(|r| (survey, r))))
}

/// Raises the survey's definition counter, so that answering, which keeps the questions in
/// memory under it (`question_cache.rs`), reloads them. Call it after every change to a survey's
/// questions, options or question goals, in the same transaction.
pub async fn definition_changed(db: &impl ConnectionTrait, survey_id: Uuid) -> Result<(), DbErr> {
    surveys::Entity::update_many()
        .col_expr(
            surveys::Column::DefinitionVersion,
            Expr::col(surveys::Column::DefinitionVersion).add(1),
        )
        .filter(surveys::Column::Id.eq(survey_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn find_question(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<survey_questions::Model>, DbErr> {
    survey_questions::Entity::find_by_id(id).one(db).await
}

/// The questions of a survey in order, with options and goals (three queries).
pub async fn questions(db: &impl ConnectionTrait, survey_id: Uuid) -> Result<Vec<Question>, DbErr> {
    let list = survey_questions::Entity::find()
        .filter(survey_questions::Column::SurveyId.eq(survey_id))
        .order_by_asc(survey_questions::Column::Position)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = list.iter().map(|q| q.id).collect();
    let mut options: HashMap<Uuid, Vec<survey_options::Model>> = HashMap::new();
    let mut goals: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    if !ids.is_empty() {
        for o in survey_options::Entity::find()
            .filter(survey_options::Column::QuestionId.is_in(ids.clone()))
            .order_by_asc(survey_options::Column::Position)
            .all(db)
            .await?
        {
            options.entry(o.question_id).or_default().push(o);
        }
        for g in survey_question_goals::Entity::find()
            .filter(survey_question_goals::Column::QuestionId.is_in(ids))
            .all(db)
            .await?
        {
            goals.entry(g.question_id).or_default().push(g.goal_id);
        }
    }
    Ok(list
        .into_iter()
        .filter_map(|model| {
            let kind = Kind::parse(&model.kind)?;
            Some(Question {
                kind,
                options: options.remove(&model.id).unwrap_or_default(),
                goal_ids: goals.remove(&model.id).unwrap_or_default(),
                model,
            })
        })
        .collect())
}

/// The surveys residents can see on a round's page: all but drafts.
pub async fn public_surveys_of_round(
    db: &impl ConnectionTrait,
    round_id: Uuid,
) -> Result<Vec<surveys::Model>, DbErr> {
    surveys::Entity::find()
        .filter(surveys::Column::RoundId.eq(round_id))
        .filter(surveys::Column::Status.ne(Status::Draft.as_str()))
        .order_by_asc(surveys::Column::CreatedAt)
        .all(db)
        .await
}

pub(super) fn round_rel() -> sea_orm::RelationDef {
    surveys::Entity::belongs_to(rounds::Entity)
        .from(surveys::Column::RoundId)
        .to(rounds::Column::Id)
        .into()
}

/// How many responses `survey_id` has: its kept count (one row read, not a count of them all).
pub async fn response_count(db: &impl ConnectionTrait, survey_id: Uuid) -> Result<i64, DbErr> {
    Ok(survey_response_counts::Entity::find_by_id(survey_id)
        .one(db)
        .await?
        .map_or(0, |c| c.responses))
}

/// Raises `survey_id`'s kept response count by `added`. Called in the transaction that stores
/// the responses, so the count never differs from what is stored.
pub async fn count_responses(
    db: &impl ConnectionTrait,
    survey_id: Uuid,
    added: i64,
) -> Result<(), DbErr> {
    survey_response_counts::Entity::insert(survey_response_counts::ActiveModel {
        survey_id: Set(survey_id),
        responses: Set(added),
    })
    .on_conflict(
        OnConflict::column(survey_response_counts::Column::SurveyId)
            .value(
                survey_response_counts::Column::Responses,
                Expr::col((
                    survey_response_counts::Entity,
                    survey_response_counts::Column::Responses,
                ))
                .add(added),
            )
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn has_responses(db: &impl ConnectionTrait, survey_id: Uuid) -> Result<bool, DbErr> {
    Ok(survey_responses::Entity::find()
        .filter(survey_responses::Column::SurveyId.eq(survey_id))
        .one(db)
        .await?
        .is_some())
}

/// A raw statement with `$n` placeholders written for the backend.
pub(super) fn stmt(backend: DbBackend, sql: &str, values: Vec<sea_orm::Value>) -> Statement {
    Statement::from_sql_and_values(backend, placeholders(backend, sql), values)
}

/// `($1, $2, …)` from `first` on, with the ids as values.
pub(super) fn id_list(first: usize, ids: &[Uuid]) -> (String, Vec<sea_orm::Value>) {
    let marks: Vec<String> = (first..first + ids.len())
        .map(|i| format!("${i}"))
        .collect();
    (
        format!("({})", marks.join(", ")),
        ids.iter().map(|id| sea_orm::Value::from(*id)).collect(),
    )
}

/// The audit entry of a staff action on a survey of `municipality_id`.
pub(super) fn audit_entry<'a>(
    actor: &CurrentUser,
    municipality_id: Uuid,
    action: &'a str,
    target_type: &'a str,
    target: Uuid,
    summary: serde_json::Value,
) -> Entry<'a> {
    Entry {
        actor_id: Some(actor.id),
        municipality_id: Some(municipality_id),
        action,
        target_type,
        target_id: Some(target.to_string()),
        summary,
    }
}
