//! Storing survey responses in the caller's write transaction: the participation mark (or the
//! access code's "used" flag) and the response with its answers commit together, and the unique
//! mark makes a second response impossible even when two arrive at once. Nothing on a response
//! points to its mark.
//!
//! One at a time with [`submit`] (paper entry, surveys with access codes, a person who is also
//! asked for a code), or many at once with [`submit_many`]: the online answers of one group-commit
//! batch, with one statement each for their marks, their responses, their answers (per 1,000 rows),
//! the counts kept per option, number and question and the answered sets (`answer_counts.rs`),
//! the kept breakdown counts (two) and each survey's kept count, whatever their number.

use std::collections::HashSet;

use chrono::NaiveDate;
use entity::{survey_access_codes, survey_answers, survey_participations, survey_responses};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, OnConflict, Query},
};
use uuid::Uuid;

use crate::{
    secrets::Keys,
    surveys::{
        answer_counts::{self, Tally},
        answering::Answer,
        codes::code_hash,
        model::{Cell, Channel, TextStatus},
        queries,
        screening::personal_data_hints,
        submit::{Guard, Submitted},
    },
};

/// Answer rows per statement: far below SQLite's and PostgreSQL's limits on bound values.
const ANSWER_ROWS_PER_STATEMENT: usize = 1000;

/// A response to store.
pub struct NewResponse<'a> {
    pub survey_id: Uuid,
    pub answers: &'a [(Uuid, Answer)],
    pub channel: Channel,
    pub today: NaiveDate,
}

/// The keyed hash a participation is stored as: nothing on the response points to it.
pub(super) fn guard_hash(keys: &Keys, survey_id: Uuid, who: &str, value: &str) -> String {
    keys.keyed_hash(&["survey-participation", who, &survey_id.to_string(), value])
}

/// The participation mark `guard` leaves on `survey_id`; `None` for an access code, which is
/// marked used instead.
pub fn participation_mark(keys: &Keys, survey_id: Uuid, guard: &Guard) -> Option<String> {
    match guard {
        Guard::User(id) => Some(guard_hash(keys, survey_id, "user", &id.to_string())),
        Guard::Browser(v) => Some(guard_hash(keys, survey_id, "browser", v)),
        Guard::Code(_) => None,
    }
}

/// Stores a response checked against each of its guards in turn. Run it inside a write
/// transaction, and with several guards inside a savepoint: a refusal by a later guard leaves the
/// mark of an earlier one for the caller to roll back.
pub async fn submit(
    db: &impl ConnectionTrait,
    keys: &Keys,
    survey_id: Uuid,
    answers: &[(Uuid, Answer)],
    channel: Channel,
    guards: &[Guard],
    today: NaiveDate,
) -> Result<Submitted, DbErr> {
    for guard in guards {
        let Some(mark) = participation_mark(keys, survey_id, guard) else {
            if let Guard::Code(code) = guard
                && !use_code(db, keys, survey_id, code).await?
            {
                return Ok(Submitted::CodeInvalid);
            }
            continue;
        };
        if mark_participations(db, vec![(mark, survey_id)])
            .await?
            .is_empty()
        {
            return Ok(Submitted::AlreadyTaken);
        }
    }
    let response = NewResponse {
        survey_id,
        answers,
        channel,
        today,
    };
    insert_responses(db, &[&response]).await?;
    Ok(Submitted::Stored)
}

/// Stores many responses, each with at most one participation mark (no access code), in a few
/// statements; gives each one's outcome, in order. A mark already stored, or taken by an earlier
/// response of the same call, refuses its response as already taken.
pub async fn submit_many(
    db: &impl ConnectionTrait,
    responses: &[(NewResponse<'_>, Option<String>)],
) -> Result<Vec<Submitted>, DbErr> {
    let mut claimed: HashSet<&str> = HashSet::new();
    let mut first_claims = vec![true; responses.len()];
    let mut marks = Vec::new();
    for (i, (response, mark)) in responses.iter().enumerate() {
        if let Some(mark) = mark {
            if claimed.insert(mark) {
                marks.push((mark.clone(), response.survey_id));
            } else {
                first_claims[i] = false;
            }
        }
    }
    let marked = mark_participations(db, marks).await?;
    let outcomes: Vec<Submitted> = responses
        .iter()
        .zip(first_claims)
        .map(|((_, mark), first)| match mark {
            Some(mark) if !first || !marked.contains(mark) => Submitted::AlreadyTaken,
            _ => Submitted::Stored,
        })
        .collect();
    let stored: Vec<&NewResponse> = responses
        .iter()
        .zip(&outcomes)
        .filter(|(_, outcome)| **outcome == Submitted::Stored)
        .map(|((response, _), _)| response)
        .collect();
    insert_responses(db, &stored).await?;
    Ok(outcomes)
}

/// Marks an access code used; false if it is unknown, of another survey or used already.
async fn use_code(
    db: &impl ConnectionTrait,
    keys: &Keys,
    survey_id: Uuid,
    code: &str,
) -> Result<bool, DbErr> {
    let used = survey_access_codes::Entity::update_many()
        .filter(survey_access_codes::Column::CodeHash.eq(code_hash(keys, survey_id, code)))
        .filter(survey_access_codes::Column::SurveyId.eq(survey_id))
        .filter(survey_access_codes::Column::Used.eq(false))
        .col_expr(survey_access_codes::Column::Used, Expr::value(true))
        .exec(db)
        .await?
        .rows_affected;
    Ok(used == 1)
}

/// Stores the marks that are new (each mark at most once in `marks`); gives the ones stored.
async fn mark_participations(
    db: &impl ConnectionTrait,
    mut marks: Vec<(String, Uuid)>,
) -> Result<HashSet<String>, DbErr> {
    if marks.is_empty() {
        return Ok(HashSet::new());
    }
    // In the order of the keyed hashes, not of arrival, as the responses are in their ids' order.
    marks.sort();
    let mut insert = Query::insert();
    insert.into_table(survey_participations::Entity).columns([
        survey_participations::Column::GuardHash,
        survey_participations::Column::SurveyId,
    ]);
    for (mark, survey_id) in marks {
        insert
            .values([mark.into(), survey_id.into()])
            .map_err(|e| DbErr::Custom(e.to_string()))?;
    }
    insert
        .on_conflict(
            OnConflict::column(survey_participations::Column::GuardHash)
                .do_nothing()
                .to_owned(),
        )
        .returning_col(survey_participations::Column::GuardHash);
    db.query_all(&insert)
        .await?
        .iter()
        .map(|row| row.try_get::<String>("", "guard_hash"))
        .collect()
}

/// Stores responses with their answers and adds them to each survey's kept count.
async fn insert_responses(
    db: &impl ConnectionTrait,
    responses: &[&NewResponse<'_>],
) -> Result<(), DbErr> {
    if responses.is_empty() {
        return Ok(());
    }
    // Random (v4) ids: a time-ordered id would tell when the response came in. Written in the
    // order of those ids, so the order of writing says nothing about the order of the marks.
    let mut ids: Vec<(Uuid, &NewResponse)> =
        responses.iter().map(|r| (Uuid::new_v4(), *r)).collect();
    ids.sort_by_key(|(id, _)| *id);
    // Without reading the rows back: fewer statements in the writer's batch.
    survey_responses::Entity::insert_many(ids.iter().map(|(id, response)| {
        survey_responses::ActiveModel {
            id: Set(*id),
            survey_id: Set(response.survey_id),
            channel: Set(response.channel.as_str().into()),
            submitted_on: Set(response.today),
        }
    }))
    .exec_without_returning(db)
    .await?;
    let rows: Vec<survey_answers::ActiveModel> = ids
        .iter()
        .flat_map(|(id, response)| answer_rows(*id, response.answers))
        .collect();
    for chunk in rows.chunks(ANSWER_ROWS_PER_STATEMENT) {
        survey_answers::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    // Last, the kept counts (the results' and each survey's): on PostgreSQL their rows stay
    // locked until the commit, and every transaction raises them in the same order.
    let mut tally = Tally::default();
    for response in responses {
        tally.add_response(response.survey_id, response.answers);
    }
    tally.store(db).await?;
    let stored: Vec<Uuid> = ids.iter().map(|(id, _)| *id).collect();
    answer_counts::raise_breakdowns(db, &stored).await?;
    let mut surveys: Vec<(Uuid, i64)> = Vec::new();
    for response in responses {
        match surveys.iter_mut().find(|(id, _)| *id == response.survey_id) {
            Some((_, n)) => *n += 1,
            None => surveys.push((response.survey_id, 1)),
        }
    }
    for (survey_id, added) in surveys {
        queries::count_responses(db, survey_id, added).await?;
    }
    Ok(())
}

/// The answer rows of one response.
pub fn answer_rows(
    response_id: Uuid,
    answers: &[(Uuid, Answer)],
) -> Vec<survey_answers::ActiveModel> {
    let row =
        |question_id: Uuid, option_id: Option<Uuid>, number: Option<i32>, text: Option<String>| {
            let status = text
                .as_ref()
                .map(|_| TextStatus::Pending.as_str().to_string());
            let marked = text.as_deref().map(|t| !personal_data_hints(t).is_empty());
            survey_answers::ActiveModel {
                id: Set(Uuid::new_v4()),
                response_id: Set(response_id),
                question_id: Set(question_id),
                option_id: Set(option_id),
                number_value: Set(number),
                text_value: Set(text),
                text_status: Set(status),
                text_marked: Set(marked),
            }
        };
    answers
        .iter()
        .flat_map(|(question_id, answer)| {
            answer.cells().into_iter().map(|(cell, text)| {
                let (option, number) = match cell {
                    Cell::Option(o) => (Some(o), None),
                    Cell::Value(n) => (None, Some(n)),
                    Cell::Other => (None, None),
                };
                row(*question_id, option, number, text.map(str::to_string))
            })
        })
        .collect()
}
