//! The write probe behind `/healthz`: one tiny write (a counter in `storage_probes`), at most
//! every [`PROBE_EVERY`], so a load balancer polling every second adds no load. Between probes
//! the last result is answered.

use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement};

use crate::storage::{StorageError, classify, report};

pub const PROBE_EVERY: Duration = Duration::seconds(10);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Writable {
    Yes,
    /// The write failed for storage reasons (full, read-only, I/O, busy).
    No(StorageError),
    /// The write failed for another reason (the database is unreachable, say).
    Unknown,
}

#[derive(Default)]
pub struct WriteProbe {
    last: Mutex<Option<(DateTime<Utc>, Writable)>>,
}

impl WriteProbe {
    /// Whether the database can be written, probing at most every [`PROBE_EVERY`] (by the
    /// application's clock, `now`).
    pub async fn check(&self, db: &DatabaseConnection, now: DateTime<Utc>) -> Writable {
        if let Some((at, result)) = *self.last.lock().unwrap_or_else(|p| p.into_inner())
            && now >= at
            && now - at < PROBE_EVERY
        {
            return result;
        }
        let result = match probe(db).await {
            Ok(()) => Writable::Yes,
            Err(e) => match classify(&e) {
                Some(kind) => {
                    report(kind, &e);
                    Writable::No(kind)
                }
                None => {
                    tracing::error!(error = %e, "health check: the write probe failed");
                    Writable::Unknown
                }
            },
        };
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Some((now, result));
        result
    }

    /// Forgets the last result, so the next check probes again (after a failed write, say).
    pub fn invalidate(&self) {
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

async fn probe(db: &DatabaseConnection) -> Result<(), DbErr> {
    let txn = crate::db::begin_write(db).await?;
    txn.execute_raw(Statement::from_string(
        db.get_database_backend(),
        "INSERT INTO storage_probes (id, writes) VALUES (1, 1) \
         ON CONFLICT (id) DO UPDATE SET writes = storage_probes.writes + 1",
    ))
    .await?;
    txn.commit().await
}
