//! The storage under the database: recognising a write that failed because the disk is full,
//! the file system read-only or the database busy (answered "nicht gespeichert", 503, and logged
//! once rather than per request), the free space of the data directory, the lock that keeps a
//! second process off an SQLite data directory, WAL checkpoints and the fault hook the tests use
//! to make the database full.

pub mod checkpoint;
pub mod faults;
pub mod lock;
pub mod probe;

use std::{
    ops::Deref,
    path::Path,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use sea_orm::{DbErr, RuntimeErr, sqlx};

/// What the application keeps about its storage: the tests' fault hook and the health probe.
#[derive(Default)]
pub struct Storage {
    pub faults: std::sync::Arc<faults::StorageFaults>,
    pub probe: probe::WriteProbe,
}

/// Why a write could not be stored. Every kind means: nothing of the write was saved, and trying
/// again later may work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageError {
    /// The disk (or SQLite's page limit) is full.
    Full,
    /// Reading or writing the files failed.
    Io,
    /// The database or its file system is read-only.
    ReadOnly,
    /// The database stayed locked by another writer, or no connection was free in time.
    Busy,
    /// The commit itself was refused; the transaction was rolled back.
    CommitRefused,
}

impl StorageError {
    pub fn as_str(self) -> &'static str {
        match self {
            StorageError::Full => "storage full",
            StorageError::Io => "storage i/o error",
            StorageError::ReadOnly => "storage read-only",
            StorageError::Busy => "database busy",
            StorageError::CommitRefused => "commit refused",
        }
    }
}

/// Classifies a database error: `Some` when it comes from the storage (full, I/O, read-only,
/// busy) rather than from the statement, so the request can be answered "not saved, try again".
/// SQLite's extended result codes and PostgreSQL's SQLSTATEs are both understood.
pub fn classify(err: &DbErr) -> Option<StorageError> {
    let runtime = match err {
        DbErr::ConnectionAcquire(_) => return Some(StorageError::Busy),
        DbErr::Conn(e) | DbErr::Exec(e) | DbErr::Query(e) => e,
        _ => return None,
    };
    let RuntimeErr::SqlxError(e) = runtime else {
        return None;
    };
    match e.deref() {
        sqlx::Error::PoolTimedOut => Some(StorageError::Busy),
        sqlx::Error::Io(_) => Some(StorageError::Io),
        sqlx::Error::Database(db) => {
            let code = db.code()?;
            // SQLite's codes are numbers, and so are many SQLSTATEs: ask which driver it was.
            if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                classify_sqlite(code.parse().ok()?)
            } else {
                classify_postgres(&code)
            }
        }
        _ => None,
    }
}

/// Shorthand for `classify(err).is_some()`: the write failed for storage reasons.
pub fn is_storage_error(err: &DbErr) -> bool {
    classify(err).is_some()
}

fn classify_sqlite(extended: i32) -> Option<StorageError> {
    // SQLITE_CONSTRAINT_COMMITHOOK: a commit hook turned the COMMIT into a ROLLBACK.
    if extended == 531 {
        return Some(StorageError::CommitRefused);
    }
    match extended & 0xff {
        13 => Some(StorageError::Full),        // SQLITE_FULL
        10 | 14 | 7 => Some(StorageError::Io), // SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_NOMEM
        8 => Some(StorageError::ReadOnly),     // SQLITE_READONLY
        5 | 6 => Some(StorageError::Busy),     // SQLITE_BUSY, SQLITE_LOCKED
        _ => None,
    }
}

fn classify_postgres(sqlstate: &str) -> Option<StorageError> {
    match sqlstate {
        // disk_full, insufficient_resources, out_of_memory, too_many_connections
        "53100" | "53000" | "53200" | "53300" => Some(StorageError::Full),
        "58030" => Some(StorageError::Io),
        // read_only_sql_transaction (a standby or `default_transaction_read_only`)
        "25006" => Some(StorageError::ReadOnly),
        // lock_not_available, cannot_connect_now, admin_shutdown
        "55P03" | "57P03" | "57P01" => Some(StorageError::Busy),
        _ => None,
    }
}

/// How long after logging a storage failure the next ones are only counted.
const LOG_QUIET: Duration = Duration::from_secs(60);

static LAST_LOGGED: Mutex<Option<Instant>> = Mutex::new(None);
static SUPPRESSED: AtomicU64 = AtomicU64::new(0);

/// Logs a write refused for storage reasons: the first with its cause, then at most one line a
/// minute that says how many more were refused. Never request data.
pub fn report(kind: StorageError, err: &DbErr) {
    let mut last = LAST_LOGGED.lock().unwrap_or_else(|p| p.into_inner());
    if last.is_some_and(|t| t.elapsed() < LOG_QUIET) {
        SUPPRESSED.fetch_add(1, Ordering::Relaxed);
        return;
    }
    *last = Some(Instant::now());
    let more = SUPPRESSED.swap(0, Ordering::Relaxed);
    tracing::error!(
        cause = kind.as_str(),
        error = %err,
        refused_since_last_report = more,
        "a write was refused and answered \"not saved\" (503); further ones are counted for a minute"
    );
}

/// Free bytes for an unprivileged process on the file system of `path`; `None` where unknown.
pub fn free_bytes(path: &Path) -> Option<u64> {
    #[cfg(unix)]
    {
        let stat = rustix::fs::statvfs(path).ok()?;
        Some(stat.f_bavail.saturating_mul(stat.f_frsize))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_codes_are_classified_by_their_primary_code() {
        assert_eq!(classify_sqlite(13), Some(StorageError::Full));
        assert_eq!(classify_sqlite(10 | (13 << 8)), Some(StorageError::Io)); // IOERR_FSYNC
        assert_eq!(classify_sqlite(8 | (3 << 8)), Some(StorageError::ReadOnly));
        assert_eq!(classify_sqlite(5), Some(StorageError::Busy));
        assert_eq!(classify_sqlite(531), Some(StorageError::CommitRefused));
        assert_eq!(classify_sqlite(2067), None); // UNIQUE constraint
        assert_eq!(classify_sqlite(1), None);
    }

    #[test]
    fn postgres_states_are_classified() {
        assert_eq!(classify_postgres("53100"), Some(StorageError::Full));
        assert_eq!(classify_postgres("25006"), Some(StorageError::ReadOnly));
        assert_eq!(classify_postgres("23505"), None);
    }

    #[test]
    fn the_data_directory_has_a_free_space() {
        let free = free_bytes(Path::new("."));
        assert!(cfg!(not(unix)) || free.is_some());
    }
}
