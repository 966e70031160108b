//! The questions of the surveys being answered, kept in memory. Answering reads them on every
//! page and every POST; loading them takes three queries. Each entry is kept under the survey's
//! `definition_version`, which every change to its questions raises in the same transaction
//! (`queries::definition_changed`), and is used only when the survey row the request has just
//! read carries the same number: an edit on any instance is seen at once by all of them.
//!
//! Loaded content is never older than the number it is kept under: the survey row is read
//! first, the questions after it. The questions' goal links may lag the deletion of a goal (the
//! strategy slice deletes them by cascade); answering does not use them.

use std::{
    collections::HashMap,
    sync::{Arc, LazyLock, Mutex, PoisonError},
};

use entity::surveys;
use sea_orm::{ConnectionTrait, DbErr};
use uuid::Uuid;

use crate::surveys::{model::Question, queries};

/// At most this many surveys are kept; when full the memory starts over. Few surveys are open at
/// once, so that is rare, and it costs each survey one reload.
const CAPACITY: usize = 256;

type Entries = HashMap<Uuid, (i64, Arc<Vec<Question>>)>;

static KEPT: LazyLock<Mutex<Entries>> = LazyLock::new(Mutex::default);

/// The questions of `survey` in order, as answering needs them.
pub async fn questions_for_answering(
    db: &impl ConnectionTrait,
    survey: &surveys::Model,
) -> Result<Arc<Vec<Question>>, DbErr> {
    let version = survey.definition_version;
    if let Some(kept) = kept(survey.id, version) {
        return Ok(kept);
    }
    let loaded = Arc::new(queries::questions(db, survey.id).await?);
    keep(survey.id, version, loaded.clone());
    Ok(loaded)
}

fn kept(survey_id: Uuid, version: i64) -> Option<Arc<Vec<Question>>> {
    let entries = KEPT.lock().unwrap_or_else(PoisonError::into_inner);
    entries
        .get(&survey_id)
        .filter(|(v, _)| *v == version)
        .map(|(_, questions)| questions.clone())
}

fn keep(survey_id: Uuid, version: i64, questions: Arc<Vec<Question>>) {
    let mut entries = KEPT.lock().unwrap_or_else(PoisonError::into_inner);
    // A request that read an older row must not replace what a newer one kept.
    if entries.get(&survey_id).is_some_and(|(v, _)| *v > version) {
        return;
    }
    if entries.len() >= CAPACITY && !entries.contains_key(&survey_id) {
        entries.clear();
    }
    entries.insert(survey_id, (version, questions));
}
