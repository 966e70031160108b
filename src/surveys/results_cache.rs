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
//! What is kept is computed in one read snapshot together with the response count it is kept
//! under, so an entry never holds answers of responses its number does not count. Suppression
//! is applied by the views to these same numbers, as before.

use std::{
    collections::HashMap,
    sync::{Arc, LazyLock, Mutex, PoisonError},
};

use entity::surveys;
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    IsolationLevel, TransactionTrait,
};
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
    db: &DatabaseConnection,
    survey: &surveys::Model,
    questions: &[Question],
) -> Result<Arc<Aggregates>, DbErr> {
    let now = current(db, survey).await?;
    if let Some(kept) = with_entry(survey.id, now, |e| e.aggregates.clone()) {
        return Ok(kept);
    }
    let txn = snapshot(db).await?;
    let responses = response_count(&txn, survey.id).await?;
    let computed = Arc::new(aggregates(&txn, survey.id, questions).await?);
    txn.commit().await?;
    let version = Version {
        definition: survey.definition_version,
        responses,
    };
    keep(survey.id, version, |e| {
        e.aggregates = Some(computed.clone())
    });
    Ok(computed)
}

/// The breakdown of `survey`'s counted questions by its demographic question `by`.
pub async fn survey_breakdown(
    db: &DatabaseConnection,
    survey: &surveys::Model,
    questions: &[Question],
    by: Uuid,
) -> Result<Arc<Breakdown>, DbErr> {
    let now = current(db, survey).await?;
    if let Some(kept) = with_entry(survey.id, now, |e| e.breakdowns.get(&by).cloned()) {
        return Ok(kept);
    }
    let txn = snapshot(db).await?;
    let responses = response_count(&txn, survey.id).await?;
    let computed = Arc::new(breakdown(&txn, questions, by).await?);
    txn.commit().await?;
    let version = Version {
        definition: survey.definition_version,
        responses,
    };
    keep(survey.id, version, |e| {
        e.breakdowns.insert(by, computed.clone());
    });
    Ok(computed)
}

/// For each goal the questions of `survey` inform, how many of its responses answered at least
/// one of those questions.
pub async fn survey_responses_per_goal(
    db: &DatabaseConnection,
    survey: &surveys::Model,
) -> Result<Arc<HashMap<Uuid, i64>>, DbErr> {
    let now = current(db, survey).await?;
    if let Some(kept) = with_entry(survey.id, now, |e| e.per_goal.clone()) {
        return Ok(kept);
    }
    let txn = snapshot(db).await?;
    let responses = response_count(&txn, survey.id).await?;
    let links: Vec<(Uuid, Uuid)> = txn
        .query_all_raw(stmt(
            txn.get_database_backend(),
            "SELECT g.question_id, g.goal_id FROM survey_question_goals g \
             JOIN survey_questions q ON q.id = g.question_id WHERE q.survey_id = $1",
            vec![survey.id.into()],
        ))
        .await?
        .iter()
        .map(|r| Ok((r.try_get("", "question_id")?, r.try_get("", "goal_id")?)))
        .collect::<Result<_, DbErr>>()?;
    let computed = answer_counts::responses_per_goal(&txn, survey.id, &links).await?;
    txn.commit().await?;
    let computed = Arc::new(computed);
    let version = Version {
        definition: survey.definition_version,
        responses,
    };
    keep(survey.id, version, |e| e.per_goal = Some(computed.clone()));
    Ok(computed)
}

async fn current(db: &DatabaseConnection, survey: &surveys::Model) -> Result<Version, DbErr> {
    Ok(Version {
        definition: survey.definition_version,
        responses: response_count(db, survey.id).await?,
    })
}

/// A read-only transaction whose reads all see one state of the database. SQLite in WAL mode
/// gives a deferred transaction one snapshot from its first read; PostgreSQL needs
/// `REPEATABLE READ` for that.
async fn snapshot(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            db.begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await
        }
        _ => db.begin().await,
    }
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
