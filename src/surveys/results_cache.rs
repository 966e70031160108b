//! The aggregates of surveys, kept in memory. They are read from the counts kept beside the
//! answers (`answer_counts.rs`), a few hundred rows at most, but a results page, a goal page or an
//! export asks for the same numbers again and again.
//!
//! Each entry is kept under two numbers the database holds: the survey's `definition_version`
//! (raised by every change to its questions and options, in the same transaction) and the
//! number of its responses (`survey_response_counts`, raised in the transaction that stores a
//! response). Answers are only ever added with a new response (responses are never deleted one
//! by one, and changing or deleting a question raises the definition version), so the two
//! numbers together tell whether the counts changed. A request reads the kept response count (one
//! row) and uses the entry only when both numbers agree, so every instance sees a new response at
//! once, as the results did before.
//!
//! Every function takes a read snapshot (`db::read_snapshot`), which the caller's page reads in
//! as a whole: the response count an entry is kept under and the counts it holds are read in
//! that one snapshot, so an entry never holds answers of responses its number does not count.
//! Suppression is applied by the views to these same numbers, as before.

use std::{
    collections::HashMap,
    sync::{Arc, LazyLock, Mutex, PoisonError},
};

use entity::surveys;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr};
use uuid::Uuid;

use crate::surveys::{
    answer_counts,
    model::Question,
    queries::{response_count, stmt},
    results::{Aggregates, Breakdown, aggregates, breakdown},
};

/// At most this many surveys are kept; when full the memory starts over (each survey then costs
/// one recount).
const CAPACITY: usize = 256;

/// The two numbers an entry is kept under, in the order they only ever grow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Version {
    definition: i64,
    responses: i64,
}

#[derive(Default)]
struct Entry {
    aggregates: Option<Arc<Aggregates>>,
    breakdowns: HashMap<Uuid, Arc<Breakdown>>,
    /// Per goal its questions inform: how many responses answered at least one of them.
    per_goal: Option<Arc<HashMap<Uuid, i64>>>,
}

static KEPT: LazyLock<Mutex<HashMap<Uuid, (Version, Entry)>>> = LazyLock::new(Mutex::default);

/// The counts, respondents and averages of all questions of `survey` (`questions` are all its
/// questions, in order).
pub async fn survey_aggregates(
    snap: &DatabaseTransaction,
    survey: &surveys::Model,
    questions: &[Question],
) -> Result<Arc<Aggregates>, DbErr> {
    let version = current(snap, survey).await?;
    if let Some(kept) = with_entry(survey.id, version, |e| e.aggregates.clone()) {
        return Ok(kept);
    }
    let computed = Arc::new(aggregates(snap, survey.id, questions).await?);
    keep(survey.id, version, |e| {
        e.aggregates = Some(computed.clone())
    });
    Ok(computed)
}

/// The breakdown of `survey`'s counted questions by its demographic question `by`.
pub async fn survey_breakdown(
    snap: &DatabaseTransaction,
    survey: &surveys::Model,
    questions: &[Question],
    by: Uuid,
) -> Result<Arc<Breakdown>, DbErr> {
    let version = current(snap, survey).await?;
    if let Some(kept) = with_entry(survey.id, version, |e| e.breakdowns.get(&by).cloned()) {
        return Ok(kept);
    }
    let computed = Arc::new(breakdown(snap, questions, by).await?);
    keep(survey.id, version, |e| {
        e.breakdowns.insert(by, computed.clone());
    });
    Ok(computed)
}

/// For each goal the questions of `survey` inform, how many of its responses answered at least
/// one of those questions.
pub async fn survey_responses_per_goal(
    snap: &DatabaseTransaction,
    survey: &surveys::Model,
) -> Result<Arc<HashMap<Uuid, i64>>, DbErr> {
    let version = current(snap, survey).await?;
    if let Some(kept) = with_entry(survey.id, version, |e| e.per_goal.clone()) {
        return Ok(kept);
    }
    let links: Vec<(Uuid, Uuid)> = snap
        .query_all_raw(stmt(
            snap.get_database_backend(),
            "SELECT g.question_id, g.goal_id FROM survey_question_goals g \
             JOIN survey_questions q ON q.id = g.question_id WHERE q.survey_id = $1",
            vec![survey.id.into()],
        ))
        .await?
        .iter()
        .map(|r| Ok((r.try_get("", "question_id")?, r.try_get("", "goal_id")?)))
        .collect::<Result<_, DbErr>>()?;
    let computed = Arc::new(answer_counts::responses_per_goal(snap, survey.id, &links).await?);
    keep(survey.id, version, |e| e.per_goal = Some(computed.clone()));
    Ok(computed)
}

/// The numbers `survey`'s counts in `snap` are kept under.
async fn current(snap: &DatabaseTransaction, survey: &surveys::Model) -> Result<Version, DbErr> {
    Ok(Version {
        definition: survey.definition_version,
        responses: response_count(snap, survey.id).await?,
    })
}

fn with_entry<T>(
    survey_id: Uuid,
    now: Version,
    get: impl FnOnce(&Entry) -> Option<T>,
) -> Option<T> {
    let entries = KEPT.lock().unwrap_or_else(PoisonError::into_inner);
    entries
        .get(&survey_id)
        .filter(|(version, _)| *version == now)
        .and_then(|(_, entry)| get(entry))
}

/// Keeps what was computed under `version`: added to the entry if it has the same version,
/// replacing it if it is older. A request that computed an older state never replaces a newer one.
fn keep(survey_id: Uuid, version: Version, put: impl FnOnce(&mut Entry)) {
    let mut entries = KEPT.lock().unwrap_or_else(PoisonError::into_inner);
    match entries.get_mut(&survey_id) {
        Some((kept, _)) if *kept > version => {}
        Some((kept, entry)) if *kept == version => put(entry),
        _ => {
            if entries.len() >= CAPACITY && !entries.contains_key(&survey_id) {
                entries.clear();
            }
            let mut entry = Entry::default();
            put(&mut entry);
            entries.insert(survey_id, (version, entry));
        }
    }
}
