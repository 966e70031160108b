//! Connecting to SQLite or PostgreSQL and bringing the schema up to date.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};

use crate::config::Settings;

/// The hidden test-only variable that caps the SQLite database's size in pages.
pub const TEST_MAX_PAGE_COUNT: &str = "TEILHABE_TEST_MAX_PAGE_COUNT";

pub async fn connect(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    if settings.is_sqlite() {
        std::fs::create_dir_all(&settings.data_dir)?;
    }
    // Hidden, for tests only (not a setting): caps the database at this many pages on every
    // connection, so a test can make it "full" without a small file system (tests/app/kill.rs).
    let max_pages: Option<u64> = std::env::var(TEST_MAX_PAGE_COUNT)
        .ok()
        .and_then(|v| v.parse().ok());
    let mut options = ConnectOptions::new(settings.database_url.clone());
    options
        .max_connections(if settings.is_sqlite() { 8 } else { 16 })
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(move |opts| {
            let opts = opts
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            match max_pages {
                Some(pages) => opts.pragma("max_page_count", pages.to_string()),
                None => opts,
            }
        });
    Ok(Database::connect(options).await?)
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
