//! Group commit for short writes on SQLite.
//!
//! SQLite has one writer at a time, and with `synchronous=FULL` every commit waits for the disk.
//! When each request takes the write lock and commits on its own, concurrent residents queue up
//! behind one another's flushes. Here one writer task owns one connection and commits the writes
//! that arrived meanwhile together: `BEGIN IMMEDIATE`, then each write inside its own `SAVEPOINT`
//! (a write that fails is rolled back to its savepoint and answered with its error, its batch-mates
//! go on), then one `COMMIT`. Every request is answered only after its batch's `COMMIT` returned,
//! so a 303 means the write is on disk. If the `COMMIT` (or anything that leaves the transaction in
//! doubt) fails, every write of the batch gets the error and the connection is closed and opened
//! anew: it is never used again in a broken transaction.
//!
//! On PostgreSQL, [`Writes::run`] runs the closure in a transaction of its own on the pool:
//! PostgreSQL writers do not exclude each other, so there is nothing to gain by queuing.
//!
//! Handlers use it as
//! `state.writes.run(move |txn| Box::pin(async move { service::thing(txn, …).await })).await`.
//! The closure runs on the writer task, so it takes what it needs by value (`move`). It must not
//! wait for anything but the database. A closure that needs to undo part of its work while
//! keeping the rest (a refusal after a counted rate-limit hit) opens a nested savepoint with
//! `txn.begin()`.

use std::{
    any::Any, collections::VecDeque, future::Future, panic::AssertUnwindSafe, pin::Pin, sync::Arc,
};

use futures_util::FutureExt;
use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, SqlxSqliteConnector,
    TransactionTrait,
    sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions},
};
use tokio::sync::{mpsc, oneshot};

/// The future a write closure returns, borrowing the transaction it runs in.
pub type WriteFuture<'t, T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send + 't>>;

/// Most writes one transaction takes; more wait for the next one.
const MAX_BATCH: usize = 128;
/// Writes waiting for the writer; senders beyond this wait for room (back-pressure).
const QUEUE: usize = 1024;

/// Where short writes go: the SQLite writer task, or the PostgreSQL pool.
#[derive(Clone)]
pub struct Writes {
    inner: Inner,
}

#[derive(Clone)]
enum Inner {
    Pool(DatabaseConnection),
    Writer(mpsc::Sender<Job>),
}

type Erased = Box<dyn Any + Send>;
type RunFn = Box<
    dyn for<'t> FnOnce(&'t DatabaseTransaction) -> Pin<Box<dyn Future<Output = Ran> + Send + 't>>
        + Send,
>;

struct Job {
    run: RunFn,
    reply: oneshot::Sender<Reply>,
}

/// What a closure gave back: its `Result<T, E>`, type-erased, and whether it was `Ok`.
struct Ran {
    ok: bool,
    value: Erased,
}

enum Reply {
    /// The closure's own result (for `Ok`, its batch has been committed).
    Done(Erased),
    /// The write was not stored: the batch's transaction failed.
    Failed(DbErr),
}

impl Writes {
    /// On SQLite, opens the writer's own connection (the same options as `db`'s pool: journal,
    /// `synchronous`, busy timeout, pragmas) and starts the writer task. On PostgreSQL, uses `db`.
    pub async fn start(db: &DatabaseConnection) -> Result<Self, DbErr> {
        if db.get_database_backend() != DbBackend::Sqlite {
            return Ok(Self {
                inner: Inner::Pool(db.clone()),
            });
        }
        let options = db.get_sqlite_connection_pool().connect_options();
        // Open once here so a wrong path fails at start, not at the first write.
        let first = open(&options).await?;
        let (sender, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(writer(options, Some(first), receiver));
        Ok(Self {
            inner: Inner::Writer(sender),
        })
    }

    /// Runs `write` in a write transaction and returns its result once that is committed. An
    /// `Err` from the closure rolls its work back (and only its work). If the transaction cannot
    /// be committed, the result is that database error, and nothing of the closure is stored.
    pub async fn run<T, E, F>(&self, write: F) -> Result<T, E>
    where
        F: for<'t> FnOnce(&'t DatabaseTransaction) -> WriteFuture<'t, T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbErr> + Send + 'static,
    {
        let sender = match &self.inner {
            Inner::Pool(db) => {
                let txn = crate::db::begin_write(db).await?;
                return match write(&txn).await {
                    Ok(value) => {
                        txn.commit().await?;
                        Ok(value)
                    }
                    Err(e) => {
                        txn.rollback().await?;
                        Err(e)
                    }
                };
            }
            Inner::Writer(sender) => sender,
        };
        let (job, answer) = job(write);
        if sender.send(job).await.is_err() {
            return Err(stopped().into());
        }
        reply(answer.await)
    }
}

fn job<T, E, F>(write: F) -> (Job, oneshot::Receiver<Reply>)
where
    F: for<'t> FnOnce(&'t DatabaseTransaction) -> WriteFuture<'t, T, E> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    let run: RunFn = Box::new(move |txn| {
        Box::pin(async move {
            let result: Result<T, E> = write(txn).await;
            Ran {
                ok: result.is_ok(),
                value: Box::new(result),
            }
        })
    });
    let (reply, answer) = oneshot::channel();
    (Job { run, reply }, answer)
}

fn reply<T, E>(answer: Result<Reply, oneshot::error::RecvError>) -> Result<T, E>
where
    T: 'static,
    E: From<DbErr> + 'static,
{
    match answer {
        Ok(Reply::Done(value)) => match value.downcast::<Result<T, E>>() {
            Ok(result) => *result,
            Err(_) => Err(DbErr::Custom("group commit: result of another type".into()).into()),
        },
        Ok(Reply::Failed(e)) => Err(e.into()),
        Err(_) => Err(stopped().into()),
    }
}

fn stopped() -> DbErr {
    DbErr::Custom("the database writer stopped before this write was stored".into())
}

async fn open(options: &SqliteConnectOptions) -> Result<DatabaseConnection, DbErr> {
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_with(options.clone())
        .await
        .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(Arc::new(e))))?;
    Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
}

/// The writer task: takes what has queued up, commits it as one batch, answers, repeats. Ends
/// when every sender is gone (the application stopped).
async fn writer(
    options: Arc<SqliteConnectOptions>,
    mut conn: Option<DatabaseConnection>,
    mut receiver: mpsc::Receiver<Job>,
) {
    let mut waiting: VecDeque<Job> = VecDeque::new();
    loop {
        if waiting.is_empty() {
            match receiver.recv().await {
                Some(job) => waiting.push_back(job),
                None => break,
            }
        }
        while waiting.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(job) => waiting.push_back(job),
                Err(_) => break,
            }
        }
        let take = waiting.len().min(MAX_BATCH);
        let batch: Vec<Job> = waiting.drain(..take).collect();
        let db = match conn.take() {
            Some(db) => db,
            None => match open(&options).await {
                Ok(db) => db,
                Err(e) => {
                    tracing::error!(error = %e, "the database writer cannot open its connection");
                    fail(batch, &e);
                    continue;
                }
            },
        };
        let (healthy, left) = run_batch(&db, batch).await;
        // Writes not reached because the transaction broke go first into the next one.
        for job in left.into_iter().rev() {
            waiting.push_front(job);
        }
        if healthy {
            conn = Some(db);
        } else {
            // Never reuse a connection whose transaction is in doubt: close it, open anew.
            let _ = db.close().await;
        }
    }
    if let Some(db) = conn {
        let _ = db.close().await;
    }
}

fn fail(jobs: impl IntoIterator<Item = Job>, error: &DbErr) {
    for job in jobs {
        let _ = job.reply.send(Reply::Failed(error.clone()));
    }
}

/// Runs one batch in one transaction. Returns whether the connection can be used again, and the
/// writes that were not run because the transaction broke before their turn.
async fn run_batch(db: &DatabaseConnection, batch: Vec<Job>) -> (bool, Vec<Job>) {
    let txn = match crate::db::begin_write(db).await {
        Ok(txn) => txn,
        Err(e) => {
            tracing::error!(error = %e, "the database writer cannot begin a transaction");
            fail(batch, &e);
            return (false, Vec::new());
        }
    };
    // Writes whose savepoint was released, answered after the COMMIT.
    let mut stored: Vec<(oneshot::Sender<Reply>, Erased)> = Vec::with_capacity(batch.len());
    let mut jobs = batch.into_iter();
    let mut broken: Option<DbErr> = None;
    for job in jobs.by_ref() {
        let savepoint = match txn.begin().await {
            Ok(sp) => sp,
            Err(e) => {
                let _ = job.reply.send(Reply::Failed(e.clone()));
                broken = Some(e);
                break;
            }
        };
        let ran = AssertUnwindSafe((job.run)(&savepoint)).catch_unwind().await;
        match ran {
            Ok(Ran { ok: true, value }) => match savepoint.commit().await {
                Ok(()) => stored.push((job.reply, value)),
                Err(e) => {
                    let _ = job.reply.send(Reply::Failed(e.clone()));
                    broken = Some(e);
                    break;
                }
            },
            Ok(Ran { ok: false, value }) => {
                // The closure's own error; it is answered now, nothing of it will be stored.
                let undone = savepoint.rollback().await;
                let _ = job.reply.send(Reply::Done(value));
                if let Err(e) = undone {
                    // Some errors (a full disk, I/O) may roll back the whole transaction, and
                    // then its savepoint is gone: the batch is in doubt.
                    broken = Some(e);
                    break;
                }
            }
            Err(_) => {
                tracing::error!("a write panicked; it was rolled back");
                let undone = savepoint.rollback().await;
                let _ = job
                    .reply
                    .send(Reply::Failed(DbErr::Custom("the write failed".into())));
                if let Err(e) = undone {
                    broken = Some(e);
                    break;
                }
            }
        }
    }
    let left: Vec<Job> = jobs.collect();
    if let Some(e) = broken {
        tracing::error!(error = %e, "a write transaction broke; its writes were not stored");
        let _ = txn.rollback().await;
        for (reply, _) in stored {
            let _ = reply.send(Reply::Failed(e.clone()));
        }
        return (false, left);
    }
    match txn.commit().await {
        Ok(()) => {
            for (reply, value) in stored {
                let _ = reply.send(Reply::Done(value));
            }
            (true, left)
        }
        Err(e) => {
            tracing::error!(error = %e, "a batch of writes could not be committed");
            for (reply, _) in stored {
                let _ = reply.send(Reply::Failed(e.clone()));
            }
            (false, left)
        }
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, Database};

    use super::*;

    async fn database(dir: &std::path::Path) -> DatabaseConnection {
        let url = format!("sqlite://{}?mode=rwc", dir.join("t.db").display());
        let db = Database::connect(url)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        // A deferred foreign key is checked at COMMIT: a way to make a COMMIT fail on purpose.
        db.execute_unprepared(
            "PRAGMA journal_mode = WAL; \
             CREATE TABLE parent (id INTEGER PRIMARY KEY); \
             CREATE TABLE note (v TEXT NOT NULL, parent INTEGER \
               REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)",
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        db
    }

    /// A write that adds a note; with `orphan`, one whose COMMIT will fail.
    fn note(
        v: &'static str,
        orphan: bool,
    ) -> impl for<'t> FnOnce(&'t DatabaseTransaction) -> WriteFuture<'t, (), DbErr> + Send + 'static
    {
        move |txn| {
            Box::pin(async move {
                let parent = if orphan { "42" } else { "NULL" };
                txn.execute_unprepared(&format!("INSERT INTO note VALUES ('{v}', {parent})"))
                    .await?;
                Ok(())
            })
        }
    }

    async fn notes(db: &DatabaseConnection) -> Vec<String> {
        db.query_all_raw(sea_orm::Statement::from_string(
            DbBackend::Sqlite,
            "SELECT v FROM note ORDER BY v",
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap_or_default())
        .collect()
    }

    #[tokio::test]
    async fn a_failing_write_is_rolled_back_alone_and_its_batch_mates_are_stored() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let db = database(dir.path()).await;
        let writer = open(&db.get_sqlite_connection_pool().connect_options())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let (a, a_answer) = job(note("a", false));
        let (bad, bad_answer) = job(|txn: &DatabaseTransaction| -> WriteFuture<'_, (), DbErr> {
            Box::pin(async move {
                txn.execute_unprepared("INSERT INTO note VALUES ('half', NULL)")
                    .await?;
                txn.execute_unprepared("INSERT INTO no_such_table VALUES (1)")
                    .await?;
                Ok(())
            })
        });
        let (b, b_answer) = job(note("b", false));
        let (healthy, left) = run_batch(&writer, vec![a, bad, b]).await;
        assert!(healthy && left.is_empty());
        assert!(reply::<(), DbErr>(a_answer.await).is_ok());
        assert!(reply::<(), DbErr>(bad_answer.await).is_err());
        assert!(reply::<(), DbErr>(b_answer.await).is_ok());
        assert_eq!(notes(&db).await, ["a", "b"]);
    }

    #[tokio::test]
    async fn when_the_commit_fails_no_write_of_the_batch_is_acknowledged_or_stored() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let db = database(dir.path()).await;
        let writer = open(&db.get_sqlite_connection_pool().connect_options())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let (a, a_answer) = job(note("a", false));
        let (orphan, orphan_answer) = job(note("orphan", true));
        let (healthy, left) = run_batch(&writer, vec![a, orphan]).await;
        assert!(!healthy, "the connection is not used again");
        assert!(left.is_empty());
        assert!(reply::<(), DbErr>(a_answer.await).is_err());
        assert!(reply::<(), DbErr>(orphan_answer.await).is_err());
        assert!(notes(&db).await.is_empty());
    }

    #[tokio::test]
    async fn after_a_failed_commit_the_writer_opens_a_new_connection_and_writes_are_stored_again() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let db = database(dir.path()).await;
        let writes = Writes::start(&db).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(writes.run(note("orphan", true)).await.is_err());
        writes
            .run(note("after", false))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(notes(&db).await, ["after"]);
        // Another connection sees it: it was committed, not left in an open transaction.
        db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(notes(&db).await, ["after"]);
    }
}
