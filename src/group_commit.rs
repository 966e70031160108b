//! Group commit for short writes on SQLite.
//!
//! SQLite has one writer at a time, and with `synchronous=FULL` every commit waits for the disk.
//! When each request takes the write lock and commits on its own, concurrent residents queue up
//! behind one another's flushes. Here one writer task commits the writes that arrived meanwhile
//! together, in one transaction on a connection of the shared pool: `BEGIN IMMEDIATE`, then each write inside its own `SAVEPOINT`
//! (a write that fails is rolled back to its savepoint and answered with its error, its batch-mates
//! go on), then one `COMMIT`. Every request is answered only after its batch's `COMMIT` returned,
//! so a 303 means the write is on disk. If the `COMMIT` (or anything that leaves the transaction in
//! doubt) fails, every write of the batch gets the error; the pool closes a connection that comes
//! back still inside a transaction (`db::discard_if_in_transaction`), so it is never used again
//! in a broken one. Using the pool also means the writer sees the same settings and fault hooks
//! as every other connection.
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

use std::{any::Any, collections::VecDeque, future::Future, panic::AssertUnwindSafe, pin::Pin};

use futures_util::FutureExt;
use sea_orm::{DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, TransactionTrait};
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
    /// On SQLite, starts the writer task, which runs each batch on a connection of `db`'s pool
    /// (so with its journal, `synchronous`, busy timeout and pragmas). On PostgreSQL, uses `db`.
    pub async fn start(db: &DatabaseConnection) -> Result<Self, DbErr> {
        if db.get_database_backend() != DbBackend::Sqlite {
            return Ok(Self {
                inner: Inner::Pool(db.clone()),
            });
        }
        let (sender, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(writer(db.clone(), receiver));
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

/// The writer task: takes what is waiting (up to [`MAX_BATCH`]) and runs it as one batch.
async fn writer(db: DatabaseConnection, mut receiver: mpsc::Receiver<Job>) {
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
        // Writes a broken batch did not reach go first into the next one.
        for job in run_batch(&db, batch).await.into_iter().rev() {
            waiting.push_front(job);
        }
    }
}

fn fail(jobs: impl IntoIterator<Item = Job>, error: &DbErr) {
    for job in jobs {
        let _ = job.reply.send(Reply::Failed(error.clone()));
    }
}

/// Runs `batch` in one transaction and answers every write; returns the writes it did not reach
/// because the transaction broke.
async fn run_batch(db: &DatabaseConnection, batch: Vec<Job>) -> Vec<Job> {
    let txn = match crate::db::begin_write(db).await {
        Ok(txn) => txn,
        Err(e) => {
            tracing::error!(error = %e, "the database writer cannot begin a transaction");
            fail(batch, &e);
            return Vec::new();
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
        return left;
    }
    match txn.commit().await {
        Ok(()) => {
            for (reply, value) in stored {
                let _ = reply.send(Reply::Done(value));
            }
            left
        }
        Err(e) => {
            tracing::error!(error = %e, "a batch of writes could not be committed");
            for (reply, _) in stored {
                let _ = reply.send(Reply::Failed(e.clone()));
            }
            left
        }
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectOptions, ConnectionTrait, Database};

    use super::*;

    async fn database(dir: &std::path::Path) -> DatabaseConnection {
        let url = format!("sqlite://{}?mode=rwc", dir.join("t.db").display());
        // As the application's pool: a connection that comes back inside a transaction is closed.
        let mut options = ConnectOptions::new(url);
        options.map_sqlx_sqlite_pool_opts(|pool| {
            pool.after_release(|conn, _| {
                Box::pin(crate::db::discard_if_in_transaction::<sea_orm::sqlx::Sqlite>(conn))
            })
        });
        let db = Database::connect(options)
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
        let left = run_batch(&db, vec![a, bad, b]).await;
        assert!(left.is_empty());
        assert!(reply::<(), DbErr>(a_answer.await).is_ok());
        assert!(reply::<(), DbErr>(bad_answer.await).is_err());
        assert!(reply::<(), DbErr>(b_answer.await).is_ok());
        assert_eq!(notes(&db).await, ["a", "b"]);
    }

    #[tokio::test]
    async fn when_the_commit_fails_no_write_of_the_batch_is_acknowledged_or_stored() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let db = database(dir.path()).await;
        let (a, a_answer) = job(note("a", false));
        let (orphan, orphan_answer) = job(note("orphan", true));
        let left = run_batch(&db, vec![a, orphan]).await;
        assert!(left.is_empty());
        assert!(reply::<(), DbErr>(a_answer.await).is_err());
        assert!(reply::<(), DbErr>(orphan_answer.await).is_err());
        assert!(notes(&db).await.is_empty());
    }

    #[tokio::test]
    async fn after_a_failed_commit_writes_are_stored_again_on_a_connection_not_left_in_a_transaction()
     {
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
