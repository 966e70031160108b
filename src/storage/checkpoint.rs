//! Keeps SQLite's write-ahead log bounded. SQLite checkpoints by itself after commits, but only
//! as far as no reader needs the old pages, so under sustained reading and writing the WAL file
//! can grow without end. The background worker therefore runs a `wal_checkpoint(TRUNCATE)` every
//! few minutes, or sooner once the file passes [`TRUNCATE_ABOVE`]; it waits (up to the busy
//! timeout) for readers to move on, copies everything into the database and empties the file.
//! `journal_size_limit` caps what is left after an ordinary checkpoint. After a moderator edits
//! or deletes personal text, a checkpoint at once removes the original from the WAL (with
//! `secure_delete` it does not linger in free pages of the database either).

use std::{
    path::PathBuf,
    time::{Duration, Instant},
};

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement};

use crate::state::AppState;

/// A truncating checkpoint at least this often while the server runs.
pub const CHECKPOINT_EVERY: Duration = Duration::from_secs(5 * 60);
/// ... and as soon as the WAL file is larger than this.
pub const TRUNCATE_ABOVE: u64 = 16 * 1024 * 1024;

/// What `PRAGMA wal_checkpoint` reported.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Checkpoint {
    /// A reader or writer kept the checkpoint from finishing; it is tried again next time.
    pub busy: bool,
    /// Frames in the WAL before, and how many of them reached the database.
    pub log_frames: i64,
    pub checkpointed_frames: i64,
}

/// Runs `PRAGMA wal_checkpoint(TRUNCATE)` on SQLite; `None` on PostgreSQL.
pub async fn truncate(db: &DatabaseConnection) -> Result<Option<Checkpoint>, DbErr> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(None);
    }
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA wal_checkpoint(TRUNCATE)",
        ))
        .await?;
    Ok(row.map(|row| Checkpoint {
        busy: row.try_get_by_index::<i64>(0).unwrap_or(1) != 0,
        log_frames: row.try_get_by_index::<i64>(1).unwrap_or(-1),
        checkpointed_frames: row.try_get_by_index::<i64>(2).unwrap_or(-1),
    }))
}

/// After personal text was edited or deleted: checkpoint at once so the original leaves the
/// WAL. A failure is logged, not passed on: the edit itself is stored.
pub async fn after_personal_text_change(db: &DatabaseConnection) {
    match truncate(db).await {
        Ok(Some(c)) if c.busy => tracing::warn!(
            "checkpoint after a moderation edit could not finish (a reader was busy); the \
             worker's next checkpoint completes it"
        ),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "checkpoint after a moderation edit failed"),
    }
}

/// The size of the SQLite WAL file of `database_url` (0 when there is none).
pub fn wal_size(database_url: &str) -> u64 {
    wal_path(database_url)
        .and_then(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .unwrap_or(0)
}

fn wal_path(database_url: &str) -> Option<PathBuf> {
    let rest = database_url.strip_prefix("sqlite:")?;
    let rest = rest.trim_start_matches("//");
    let file = rest
        .split('?')
        .next()
        .filter(|f| !f.is_empty() && *f != ":memory:")?;
    Some(PathBuf::from(format!("{file}-wal")))
}

/// The worker's checkpoint job: call [`Checkpointer::tick`] every round.
#[derive(Default)]
pub struct Checkpointer {
    last: Option<Instant>,
}

impl Checkpointer {
    pub async fn tick(&mut self, state: &AppState) {
        if !state.settings.is_sqlite() {
            return;
        }
        let due = self.last.is_none_or(|t| t.elapsed() >= CHECKPOINT_EVERY)
            || wal_size(&state.settings.database_url) > TRUNCATE_ABOVE;
        if !due {
            return;
        }
        self.last = Some(Instant::now());
        match truncate(&state.db).await {
            Ok(Some(c)) if c.busy => {
                tracing::debug!("WAL checkpoint postponed: readers still busy");
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "WAL checkpoint failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wal_lies_beside_the_database_file() {
        assert_eq!(
            wal_path("sqlite:///tmp/x/teilhabe.db?mode=rwc"),
            Some(PathBuf::from("/tmp/x/teilhabe.db-wal"))
        );
        assert_eq!(
            wal_path("sqlite://data/teilhabe.db"),
            Some(PathBuf::from("data/teilhabe.db-wal"))
        );
        assert_eq!(wal_path("sqlite::memory:"), None);
        assert_eq!(wal_path("postgres://x/y"), None);
    }
}
