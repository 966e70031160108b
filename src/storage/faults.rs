//! A fault hook for tests: makes the database full (SQLite's `max_page_count`; on PostgreSQL the
//! sessions turn read-only) or makes every commit fail (SQLite's commit hook), on every
//! connection of the pool, and frees it again. Production never switches it on; then it costs one
//! atomic load per connection checkout.

use std::sync::atomic::{AtomicBool, Ordering};

use sea_orm::sqlx::{self, Executor, PgConnection, SqliteConnection};

/// SQLite's largest page count: "no limit".
const NO_PAGE_LIMIT: u64 = 4_294_967_294;

#[derive(Debug, Default)]
pub struct StorageFaults {
    /// Set once a fault was switched on: from then on every checked-out connection is brought in
    /// line with the switches below (also after they are switched off again).
    used: AtomicBool,
    full: AtomicBool,
    refuse_commits: AtomicBool,
}

impl StorageFaults {
    /// The database takes no new pages (free pages inside it are still used), as on a full disk.
    pub fn set_full(&self, full: bool) {
        self.full.store(full, Ordering::SeqCst);
        self.used.store(true, Ordering::SeqCst);
    }

    /// Every COMMIT fails and rolls back (SQLite only), as when the disk fails at the commit.
    pub fn set_refuse_commits(&self, refuse: bool) {
        self.refuse_commits.store(refuse, Ordering::SeqCst);
        self.used.store(true, Ordering::SeqCst);
    }

    pub(crate) async fn apply_sqlite(
        &self,
        conn: &mut SqliteConnection,
    ) -> Result<(), sqlx::Error> {
        if !self.used.load(Ordering::SeqCst) {
            return Ok(());
        }
        // A limit below the current size is raised to it: "no more pages than now".
        let limit = if self.full.load(Ordering::SeqCst) {
            1
        } else {
            NO_PAGE_LIMIT
        };
        conn.execute(sqlx::AssertSqlSafe(format!(
            "PRAGMA max_page_count = {limit}"
        )))
        .await?;
        let refuse = self.refuse_commits.load(Ordering::SeqCst);
        let mut handle = conn.lock_handle().await?;
        if refuse {
            handle.set_commit_hook(|| false);
        } else {
            handle.remove_commit_hook();
        }
        Ok(())
    }

    pub(crate) async fn apply_postgres(&self, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        if !self.used.load(Ordering::SeqCst) {
            return Ok(());
        }
        let on = if self.full.load(Ordering::SeqCst) {
            "on"
        } else {
            "off"
        };
        conn.execute(sqlx::AssertSqlSafe(format!(
            "SET default_transaction_read_only = {on}"
        )))
        .await?;
        Ok(())
    }
}
