//! Connecting to SQLite or PostgreSQL and bringing the schema up to date.
//!
//! The write path's guarantees live here, for every writer (handlers, the worker, a group
//! commit): a pooled connection that comes back still inside a transaction, because its COMMIT
//! or ROLLBACK failed, is closed instead of reused ([`discard_if_in_transaction`]); storage
//! failures are recognised by [`is_storage_error`] and answered "not saved" (503).

use std::{sync::Arc, time::Duration};

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    AccessMode, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction,
    DbBackend, DbErr, IsolationLevel, SqliteTransactionMode, Statement, TransactionOptions,
    TransactionTrait,
    sqlx::{
        self, Connection,
        sqlite::{SqliteJournalMode, SqliteSynchronous},
    },
};
use sqlx_core::transaction::TransactionManager;

use crate::{config::Settings, storage::faults::StorageFaults};

pub use crate::storage::{StorageError, classify as classify_storage_error, is_storage_error};

/// The WAL file is truncated back to this size after a checkpoint (SQLite's
/// `journal_size_limit`); the worker's checkpoints keep it from growing past it under load.
pub const JOURNAL_SIZE_LIMIT: u64 = 64 * 1024 * 1024;

/// The hidden test-only variable that caps the SQLite database's size in pages.
pub const TEST_MAX_PAGE_COUNT: &str = "TEILHABE_TEST_MAX_PAGE_COUNT";

pub async fn connect(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    connect_with_faults(settings, Arc::new(StorageFaults::default())).await
}

/// As [`connect`], with a fault hook tests use to make the database full or its commits fail.
pub async fn connect_with_faults(
    settings: &Settings,
    faults: Arc<StorageFaults>,
) -> anyhow::Result<DatabaseConnection> {
    if settings.is_sqlite() {
        std::fs::create_dir_all(&settings.data_dir)?;
    }
    // Hidden, for tests only (not a setting): caps the database at this many pages on every
    // connection, so a test can make it "full" without a small file system (tests/app/kill.rs).
    let max_pages: Option<u64> = std::env::var(TEST_MAX_PAGE_COUNT)
        .ok()
        .and_then(|v| v.parse().ok());
    let mut options = ConnectOptions::new(settings.database_url.clone());
    let pg_faults = faults.clone();
    options
        .max_connections(if settings.is_sqlite() {
            sqlite_readers()
        } else {
            16
        })
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        // Statements (their SQL, never their values) at debug level: `TEILHABE_LOG=sqlx=debug`
        // shows the queries each page makes.
        .sqlx_logging(true)
        .sqlx_logging_level(log::LevelFilter::Debug)
        .map_sqlx_sqlite_opts(move |opts| {
            // FULL: a commit is acknowledged only after the WAL is synced, so a power cut or OS
            // crash cannot take back what a resident was told was saved (NORMAL could).
            // secure_delete: edited or deleted personal text is overwritten, not left in free
            // pages. cache_size: see [`PAGE_CACHE_KIB`].
            let opts = opts
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("secure_delete", "ON")
                .pragma("cache_size", format!("-{PAGE_CACHE_KIB}"))
                .pragma("journal_size_limit", JOURNAL_SIZE_LIMIT.to_string());
            match max_pages {
                Some(pages) => opts.pragma("max_page_count", pages.to_string()),
                None => opts,
            }
        })
        .map_sqlx_sqlite_pool_opts(move |pool| {
            let (on_connect, on_acquire) = (faults.clone(), faults.clone());
            // No ping when a connection is taken from the pool: an SQLite connection lives in
            // this process and no server or network can drop it, and sqlx pings every connection
            // that comes back anyway. Each ping is a round trip to the connection's thread, and a
            // page's every statement took one from the pool.
            pool.test_before_acquire(false)
                .after_connect(move |conn, _| {
                    let faults = on_connect.clone();
                    Box::pin(async move { faults.apply_sqlite(conn).await })
                })
                .before_acquire(move |conn, _| {
                    let faults = on_acquire.clone();
                    Box::pin(async move { faults.apply_sqlite(conn).await.map(|()| true) })
                })
                .after_release(|conn, _| Box::pin(discard_if_in_transaction::<sqlx::Sqlite>(conn)))
        })
        .map_sqlx_postgres_pool_opts(move |pool| {
            let (on_connect, on_acquire) = (pg_faults.clone(), pg_faults.clone());
            // A PostgreSQL connection is checked with a ping only when it has been idle for
            // [`PING_AFTER_IDLE`]: a server restart, a proxy or a firewall drops idle
            // connections, while a busy one answered a moment ago. A ping on every taking was a
            // network round trip before each statement of a page.
            pool.test_before_acquire(false)
                .after_connect(move |conn, _| {
                    let faults = on_connect.clone();
                    Box::pin(async move { faults.apply_postgres(conn).await })
                })
                .before_acquire(move |conn, meta| {
                    let faults = on_acquire.clone();
                    Box::pin(async move {
                        if meta.idle_for >= PING_AFTER_IDLE {
                            conn.ping().await?;
                        }
                        faults.apply_postgres(conn).await.map(|()| true)
                    })
                })
                .after_release(|conn, _| {
                    Box::pin(discard_if_in_transaction::<sqlx::Postgres>(conn))
                })
        });
    Ok(Database::connect(options).await?)
}

/// A pooled PostgreSQL connection idle at least this long is pinged before it is used.
pub const PING_AFTER_IDLE: Duration = Duration::from_secs(30);

/// The page cache of each SQLite connection, in KiB (SQLite's default is 2,000). Every pooled
/// connection keeps its own, and with SQLite's allocations in mimalloc that took about 15 MB of
/// the server's memory under load: `cargo bench --bench pages` (100,000 responses and ideas)
/// measured a peak of 77 MB with the default, 65–66 MB with 500 KiB and 62 MB with 256 KiB, the
/// pages' speed the same. The pages SQLite misses come from the operating system's file cache. The
/// cost is on writes, whose changed pages must fit: the survey answers' batches ran 0.4 ms longer
/// (about 4 % fewer answers per second; README, "Page speed").
pub const PAGE_CACHE_KIB: u32 = 256;

/// How many connections the SQLite pool keeps: two per core, from 2 to 8. Each is a thread with
/// its own page cache ([`PAGE_CACHE_KIB`]); connections beyond two per core add memory, not
/// speed (SQLite has one writer at a time, and the group commit's batches take one connection
/// each).
fn sqlite_readers() -> u32 {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (2 * cores).clamp(2, 8) as u32
}

/// Decides, when a connection goes back to the pool, whether it may be reused: `Ok(false)` (the
/// pool closes it, which rolls back whatever is open) when it is still inside a transaction.
///
/// Why: when a COMMIT or ROLLBACK fails, sqlx keeps its transaction depth at 1, and on SQLite a
/// full disk or I/O error often rolls the transaction back by itself, so the ROLLBACK sent when
/// sea-orm's transaction is dropped fails too ("no transaction is active") and the depth stays
/// at 1. Reused, that connection turns the next `begin` into a `SAVEPOINT` (sea-orm and sqlx
/// only say `BEGIN IMMEDIATE` at depth 0); a later error rolls back to that savepoint without
/// ending the transaction, which then holds the write lock for good ("database is locked" for
/// every other connection) while the "commits" on this connection only release savepoints of a
/// transaction that is never committed: acknowledged writes that are lost.
///
/// Most connections come back at depth 0 (every plain read): they are kept without a round trip
/// (sqlx pings each returned connection after this hook anyway). Above 0, the ping first lets
/// the connection finish a rollback still queued from a dropped transaction (SQLite's worker
/// lowers the depth only once it ran), so only a connection whose rollback really failed is
/// discarded.
pub async fn discard_if_in_transaction<DB: sqlx::Database>(
    conn: &mut DB::Connection,
) -> Result<bool, sqlx::Error> {
    let depth_of = |conn: &DB::Connection| {
        <DB::TransactionManager as TransactionManager>::get_transaction_depth(conn)
    };
    if depth_of(conn) == 0 {
        return Ok(true);
    }
    conn.ping().await?;
    let depth = depth_of(conn);
    if depth > 0 {
        tracing::warn!(
            depth,
            "a database connection came back inside a transaction (its commit or rollback \
             failed); it is closed instead of reused"
        );
        return Ok(false);
    }
    Ok(true)
}

/// Applies pending migrations. On PostgreSQL an advisory lock makes several instances starting at
/// once take turns, and the transaction makes a failed migration leave nothing half done.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let txn = db.begin().await?;
            txn.execute_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT pg_advisory_xact_lock(7303241)",
            ))
            .await?;
            Migrator::up(&txn, None).await?;
            txn.commit().await?;
        }
        _ => Migrator::up(db, None).await?,
    }
    Ok(())
}

/// Raw SQL is written with PostgreSQL's `$n` placeholders; SQLite gets the equivalent `?n`.
pub fn placeholders(backend: DbBackend, sql: &str) -> String {
    match backend {
        DbBackend::Postgres => sql.to_string(),
        _ => sql.replace('$', "?"),
    }
}

/// Begins a transaction that will write. On SQLite it takes the write lock at once (`BEGIN
/// IMMEDIATE`): a deferred transaction that reads first and writes later fails outright when
/// another connection wrote in between, instead of waiting its turn. PostgreSQL ignores the mode.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Begins a read-only transaction whose reads all see one state of the database: a page read in
/// it never shows a count that disagrees with the list beside it. SQLite in WAL mode gives a
/// deferred transaction one snapshot from its first read; PostgreSQL needs `REPEATABLE READ`.
///
/// It is also the cheap way to read a page: every statement outside a transaction takes a
/// connection from the pool and gives it back, and sqlx pings each connection it gets back (a
/// round trip to SQLite's connection thread, or over the network to PostgreSQL). Within one
/// transaction a page's statements share one connection. Ended with `commit` (nothing to write);
/// dropped on an error, it is rolled back.
pub async fn read_snapshot(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
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
