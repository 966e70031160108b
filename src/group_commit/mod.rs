//! Group commit for short writes on SQLite.
//!
//! SQLite has one writer at a time, and with `synchronous=FULL` every commit waits for the disk.
//! When each request takes the write lock and commits on its own, concurrent residents queue up
//! behind one another's flushes. Here one writer task commits the writes that arrived meanwhile
//! together, in one transaction on a connection of the shared pool: `BEGIN IMMEDIATE`, then each
//! write inside its own `SAVEPOINT` (a write that fails is rolled back to its savepoint and
//! answered with its error, its batch-mates go on), then one `COMMIT`. The first write needs no
//! savepoint: if it fails, the transaction is rolled back and a new one begun. Every request is
//! answered only after its batch's `COMMIT` returned, so a 303 means the write is on disk. If the
//! `COMMIT` (or anything that leaves the transaction in doubt) fails, every write of the batch
//! gets the error; the pool closes a connection that comes back still inside a transaction
//! (`db::discard_if_in_transaction`), so it is never used again in a broken one. Using the pool
//! also means the writer sees the same settings and fault hooks as every other connection.
//!
//! Two kinds of write:
//! - [`Writes::run`] takes a closure, run on its own (in a savepoint, unless first in its batch).
//!   Handlers use it as
//!   `state.writes.run(move |txn| Box::pin(async move { service::thing(txn, …).await })).await`.
//!   The closure runs on the writer task, so it takes what it needs by value (`move`). It must not
//!   wait for anything but the database. A closure that needs to undo part of its work while
//!   keeping the rest (a refusal after a counted rate-limit hit) opens a nested savepoint with
//!   `txn.begin()`.
//! - [`Writes::run_batched`] takes a value of a [`BatchWrite`] type (a survey answer): all of one
//!   type waiting in a batch are stored by one call, in a few statements for all of them, inside
//!   one savepoint. On the pool every statement is a hand-off to the connection's thread and back,
//!   which costs more than SQLite's own work on a short write, so a write that comes at volume is
//!   worth storing in bulk. If that call fails, its savepoint (or, first in the batch, the
//!   transaction) is rolled back and each write is stored alone in a savepoint of its own, so one
//!   write that cannot be stored does not take the others with it.
//!
//! On PostgreSQL both run the write in a transaction of its own on the pool: PostgreSQL writers do
//! not exclude each other, so there is nothing to gain by queuing.

mod batch;
mod stats;
#[cfg(test)]
mod tests;

use std::{any::Any, any::TypeId, collections::VecDeque, future::Future, pin::Pin, sync::Arc};

use sea_orm::{DatabaseConnection, DatabaseTransaction, DbBackend, DbErr};
use tokio::sync::{mpsc, oneshot};

pub use stats::WriterFigures;
use stats::WriterStats;

/// The future a write closure returns, borrowing the transaction it runs in.
pub type WriteFuture<'t, T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send + 't>>;

/// Most writes one transaction takes; more wait for the next one.
const MAX_BATCH: usize = 128;
/// Writes waiting for the writer; senders beyond this wait for room (back-pressure).
const QUEUE: usize = 1024;

/// What [`BatchWrite::store_all`] returns: one result per item, or the error of the whole call.
pub type BatchFuture<'t, W> = WriteFuture<
    't,
    Vec<Result<<W as BatchWrite>::Output, <W as BatchWrite>::Error>>,
    <W as BatchWrite>::Error,
>;

/// A write of which many can be stored together in a few statements.
pub trait BatchWrite: Send + Sync + Sized + 'static {
    type Output: Send + 'static;
    type Error: From<DbErr> + Send + 'static;

    /// Stores `items` in `txn` and gives one result per item, in their order. An item's `Err`
    /// must mean that nothing of that item was written. An `Err` for the whole call makes the
    /// writer roll back everything the call wrote and store each item alone (a call with one item).
    fn store_all<'t>(txn: &'t DatabaseTransaction, items: &'t [Self]) -> BatchFuture<'t, Self>;
}

/// Where short writes go: the SQLite writer task, or the PostgreSQL pool.
#[derive(Clone)]
pub struct Writes {
    inner: Inner,
}

#[derive(Clone)]
enum Inner {
    Pool(DatabaseConnection),
    Writer(mpsc::Sender<Job>, Arc<WriterStats>),
}

type Erased = Box<dyn Any + Send>;
type RunFn = Box<
    dyn for<'t> FnOnce(&'t DatabaseTransaction) -> Pin<Box<dyn Future<Output = Ran> + Send + 't>>
        + Send,
>;
/// Stores type-erased items of one [`BatchWrite`] type (see [`store_erased`]).
type StoreFn = for<'t> fn(
    &'t DatabaseTransaction,
    Vec<Erased>,
) -> Pin<Box<dyn Future<Output = Stored> + Send + 't>>;

struct Job {
    work: Work,
    reply: oneshot::Sender<Reply>,
}

enum Work {
    /// A closure, run on its own.
    Alone(RunFn),
    /// An item of a [`BatchWrite`] type, stored together with the others of its `kind`.
    Together {
        kind: TypeId,
        item: Erased,
        store: StoreFn,
    },
}

/// What a write gave back: its `Result<T, E>`, type-erased, and whether it was `Ok`.
struct Ran {
    ok: bool,
    value: Erased,
}

/// What [`store_erased`] gives back: the items (to store them one by one if the call failed) and
/// either each item's result or, boxed as one item's result, the error of the whole call.
struct Stored {
    items: Vec<Erased>,
    outcome: Result<Vec<Ran>, Erased>,
}

enum Reply {
    /// The write's own result (for `Ok`, its batch has been committed).
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
        let stats = Arc::new(WriterStats::default());
        tokio::spawn(writer(db.clone(), receiver, stats.clone()));
        Ok(Self {
            inner: Inner::Writer(sender, stats),
        })
    }

    /// What the SQLite writer has done since it started; `None` on PostgreSQL, which has none.
    pub fn figures(&self) -> Option<WriterFigures> {
        match &self.inner {
            Inner::Pool(_) => None,
            Inner::Writer(_, stats) => Some(stats.figures()),
        }
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
            Inner::Writer(sender, _) => sender,
        };
        let (job, answer) = job(write);
        if sender.send(job).await.is_err() {
            return Err(stopped().into());
        }
        reply_of(answer.await)
    }

    /// Stores `item` together with the other writes of its type waiting in the same batch, and
    /// returns its result once the batch is committed; the same guarantees as [`Writes::run`].
    pub async fn run_batched<W: BatchWrite>(&self, item: W) -> Result<W::Output, W::Error> {
        let sender = match &self.inner {
            Inner::Pool(db) => {
                let txn = crate::db::begin_write(db).await?;
                let result = match W::store_all(&txn, std::slice::from_ref(&item)).await {
                    Ok(results) => results
                        .into_iter()
                        .next()
                        .unwrap_or_else(|| Err(no_result().into())),
                    Err(e) => Err(e),
                };
                match result {
                    Ok(_) => txn.commit().await?,
                    Err(_) => txn.rollback().await?,
                }
                return result;
            }
            Inner::Writer(sender, _) => sender,
        };
        let (reply, answer) = oneshot::channel();
        let work = Work::Together {
            kind: TypeId::of::<W>(),
            item: Box::new(item),
            store: store_erased::<W>,
        };
        if sender.send(Job { work, reply }).await.is_err() {
            return Err(stopped().into());
        }
        reply_of(answer.await)
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
    let work = Work::Alone(run);
    (Job { work, reply }, answer)
}

/// The [`StoreFn`] of `W`: the items back as `W`, stored with [`BatchWrite::store_all`].
fn store_erased<W: BatchWrite>(
    txn: &DatabaseTransaction,
    items: Vec<Erased>,
) -> Pin<Box<dyn Future<Output = Stored> + Send + '_>> {
    Box::pin(async move {
        // Every item of a group is a `W`: groups are formed by `TypeId`.
        let items: Vec<W> = items
            .into_iter()
            .filter_map(|item| item.downcast::<W>().ok().map(|item| *item))
            .collect();
        let outcome = match W::store_all(txn, &items).await {
            Ok(results) => Ok(results
                .into_iter()
                .map(|result| Ran {
                    ok: result.is_ok(),
                    value: Box::new(result),
                })
                .collect()),
            Err(e) => Err(Box::new(Err::<W::Output, W::Error>(e)) as Erased),
        };
        Stored {
            items: items
                .into_iter()
                .map(|item| Box::new(item) as Erased)
                .collect(),
            outcome,
        }
    })
}

fn reply_of<T, E>(answer: Result<Reply, oneshot::error::RecvError>) -> Result<T, E>
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

fn no_result() -> DbErr {
    DbErr::Custom("a batched write gave no result for an item".into())
}

/// The writer task: takes what is waiting (up to [`MAX_BATCH`]) and runs it as one batch.
async fn writer(
    db: DatabaseConnection,
    mut receiver: mpsc::Receiver<Job>,
    stats: Arc<WriterStats>,
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
        // Writes a broken batch did not reach go first into the next one.
        for job in batch::run_batch(&db, batch, &stats).await.into_iter().rev() {
            waiting.push_front(job);
        }
    }
}
