//! One batch of the writer: one transaction, each write (or each group of batched writes) after
//! the first in a savepoint of its own, then one `COMMIT`; every write answered once its fate is
//! known.

use std::{any::TypeId, panic::AssertUnwindSafe, time::Instant};

use futures_util::FutureExt;
use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};
use tokio::sync::oneshot;

use super::{
    Erased, Job, Ran, Reply, RunFn, StoreFn, Stored, Work, WriteFuture, no_result,
    stats::WriterStats,
};

type Answer = oneshot::Sender<Reply>;
/// Writes whose savepoint was released, answered after the `COMMIT`.
type Kept = Vec<(Answer, Erased)>;

/// A write on its own, or the batched writes of one type, in the order they first arrived.
enum Unit {
    Alone(RunFn, Answer),
    Together {
        kind: TypeId,
        store: StoreFn,
        items: Vec<Erased>,
        answers: Vec<Answer>,
    },
}

fn units(batch: Vec<Job>) -> Vec<Unit> {
    let mut units: Vec<Unit> = Vec::new();
    for Job { work, reply } in batch {
        match work {
            Work::Alone(run) => units.push(Unit::Alone(run, reply)),
            Work::Together { kind, item, store } => {
                let group = units.iter_mut().find_map(|unit| match unit {
                    Unit::Together {
                        kind: k,
                        items,
                        answers,
                        ..
                    } if *k == kind => Some((items, answers)),
                    _ => None,
                });
                match group {
                    Some((items, answers)) => {
                        items.push(item);
                        answers.push(reply);
                    }
                    None => units.push(Unit::Together {
                        kind,
                        store,
                        items: vec![item],
                        answers: vec![reply],
                    }),
                }
            }
        }
    }
    units
}

impl Unit {
    fn into_answers(self) -> Vec<Answer> {
        match self {
            Unit::Alone(_, answer) => vec![answer],
            Unit::Together { answers, .. } => answers,
        }
    }

    fn into_jobs(self) -> Vec<Job> {
        match self {
            Unit::Alone(run, reply) => vec![Job {
                work: Work::Alone(run),
                reply,
            }],
            Unit::Together {
                kind,
                store,
                items,
                answers,
            } => items
                .into_iter()
                .zip(answers)
                .map(|(item, reply)| Job {
                    work: Work::Together { kind, item, store },
                    reply,
                })
                .collect(),
        }
    }
}

fn fail(answers: impl IntoIterator<Item = Answer>, error: &DbErr) {
    for answer in answers {
        let _ = answer.send(Reply::Failed(error.clone()));
    }
}

fn panicked() -> DbErr {
    tracing::error!("a write panicked; it was rolled back");
    DbErr::Custom("the write failed".into())
}

/// Runs `batch` in one transaction and answers every write; returns the writes it did not reach
/// because the transaction broke.
pub(super) async fn run_batch(
    db: &DatabaseConnection,
    batch: Vec<Job>,
    stats: &WriterStats,
) -> Vec<Job> {
    let began = Instant::now();
    let writes = batch.len();
    let mut kept: Kept = Vec::with_capacity(batch.len());
    let mut units = units(batch).into_iter();
    let txn = match first(db, units.next(), &mut kept).await {
        Ok(txn) => txn,
        Err(e) => {
            tracing::error!(error = %e, "the database writer cannot begin a transaction");
            fail(units.flat_map(Unit::into_answers), &e);
            return Vec::new();
        }
    };
    let mut broken: Option<DbErr> = None;
    for unit in units.by_ref() {
        let done = match unit {
            Unit::Alone(run, answer) => alone(&txn, run, answer, &mut kept).await,
            Unit::Together {
                store,
                items,
                answers,
                ..
            } => together(&txn, store, items, answers, &mut kept).await,
        };
        if let Err(e) = done {
            broken = Some(e);
            break;
        }
    }
    let left: Vec<Job> = units.flat_map(Unit::into_jobs).collect();
    if let Some(e) = broken {
        tracing::error!(error = %e, "a write transaction broke; its writes were not stored");
        let _ = txn.rollback().await;
        fail(kept.into_iter().map(|(answer, _)| answer), &e);
        return left;
    }
    let committing = Instant::now();
    let committed = txn.commit().await;
    stats.record(writes, committing - began, committing.elapsed());
    match committed {
        Ok(()) => {
            for (answer, value) in kept {
                let _ = answer.send(Reply::Done(value));
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "a batch of writes could not be committed");
            fail(kept.into_iter().map(|(answer, _)| answer), &e);
        }
    }
    left
}

/// Begins the batch's transaction with its first unit in it. That unit has the transaction to
/// itself, so it needs no savepoint: if it fails, the transaction is rolled back and a new one
/// begun. Under load most batches are a single unit (the survey answers of one batch), and a
/// savepoint costs two more statements and makes SQLite copy every page the unit changes to a
/// sub-journal first. `Err`: no transaction could be begun (the unit has been answered).
async fn first(
    db: &DatabaseConnection,
    unit: Option<Unit>,
    kept: &mut Kept,
) -> Result<DatabaseTransaction, DbErr> {
    let txn = match crate::db::begin_write(db).await {
        Ok(txn) => txn,
        Err(e) => {
            fail(unit.into_iter().flat_map(Unit::into_answers), &e);
            return Err(e);
        }
    };
    let Some(unit) = unit else { return Ok(txn) };
    match unit {
        Unit::Alone(run, answer) => match AssertUnwindSafe(run(&txn)).catch_unwind().await {
            Ok(Ran { ok: true, value }) => {
                kept.push((answer, value));
                Ok(txn)
            }
            Ok(Ran { ok: false, value }) => {
                // The write's own error: nothing of it is stored.
                let _ = txn.rollback().await;
                let _ = answer.send(Reply::Done(value));
                crate::db::begin_write(db).await
            }
            Err(_) => {
                let _ = txn.rollback().await;
                fail([answer], &panicked());
                crate::db::begin_write(db).await
            }
        },
        Unit::Together {
            store,
            items,
            answers,
            ..
        } => match AssertUnwindSafe(store(&txn, items)).catch_unwind().await {
            Ok(Stored {
                outcome: Ok(results),
                ..
            }) => {
                keep(answers, results, kept);
                Ok(txn)
            }
            Ok(Stored {
                items,
                outcome: Err(value),
            }) => {
                let _ = txn.rollback().await;
                if items.len() < 2 {
                    // It was alone already: the call's error is the write's own.
                    if let Some(answer) = answers.into_iter().next() {
                        let _ = answer.send(Reply::Done(value));
                    }
                    return crate::db::begin_write(db).await;
                }
                let txn = match crate::db::begin_write(db).await {
                    Ok(txn) => txn,
                    Err(e) => {
                        fail(answers, &e);
                        return Err(e);
                    }
                };
                match one_by_one(&txn, store, items, answers, kept).await {
                    Ok(()) => Ok(txn),
                    Err(e) => {
                        let _ = txn.rollback().await;
                        fail(kept.drain(..).map(|(answer, _)| answer), &e);
                        crate::db::begin_write(db).await
                    }
                }
            }
            Err(_) => {
                let _ = txn.rollback().await;
                fail(answers, &panicked());
                crate::db::begin_write(db).await
            }
        },
    }
}

/// A write's results once its savepoint is released: the stored ones wait for the `COMMIT`, a
/// write's own error (nothing of it is stored) is answered now.
fn keep(answers: Vec<Answer>, results: Vec<Ran>, kept: &mut Kept) {
    let mut results = results.into_iter();
    for answer in answers {
        match results.next() {
            Some(Ran { ok: true, value }) => kept.push((answer, value)),
            Some(Ran { ok: false, value }) => {
                let _ = answer.send(Reply::Done(value));
            }
            None => {
                let _ = answer.send(Reply::Failed(no_result()));
            }
        }
    }
}

/// The attempt of one write in a savepoint: its results, or its own error.
type Attempt =
    Box<dyn for<'s> FnOnce(&'s DatabaseTransaction) -> WriteFuture<'s, Vec<Ran>, Erased> + Send>;

/// Runs one write in a savepoint of `txn`. `Err` means the transaction itself is broken (the
/// write has been answered).
async fn settle(
    txn: &DatabaseTransaction,
    attempt: Attempt,
    answer: Answer,
    kept: &mut Kept,
) -> Result<(), DbErr> {
    let savepoint = match txn.begin().await {
        Ok(savepoint) => savepoint,
        Err(e) => {
            fail([answer], &e);
            return Err(e);
        }
    };
    match AssertUnwindSafe(attempt(&savepoint)).catch_unwind().await {
        Ok(Ok(results)) => match savepoint.commit().await {
            Ok(()) => {
                keep(vec![answer], results, kept);
                Ok(())
            }
            Err(e) => {
                fail([answer], &e);
                Err(e)
            }
        },
        Ok(Err(value)) => {
            // The write's own error; it is answered now, nothing of it will be stored. Some errors
            // (a full disk, I/O) may roll back the whole transaction, and then the savepoint is
            // gone: the batch is in doubt.
            let undone = savepoint.rollback().await;
            let _ = answer.send(Reply::Done(value));
            undone
        }
        Err(_) => {
            let undone = savepoint.rollback().await;
            fail([answer], &panicked());
            undone
        }
    }
}

async fn alone(
    txn: &DatabaseTransaction,
    run: RunFn,
    answer: Answer,
    kept: &mut Kept,
) -> Result<(), DbErr> {
    let attempt: Attempt = Box::new(move |savepoint| {
        Box::pin(async move {
            let ran = run(savepoint).await;
            if ran.ok {
                Ok(vec![ran])
            } else {
                Err(ran.value)
            }
        })
    });
    settle(txn, attempt, answer, kept).await
}

/// Stores batched writes of one type with one call in one savepoint; if that call fails, rolls it
/// back and stores each write alone.
async fn together(
    txn: &DatabaseTransaction,
    store: StoreFn,
    items: Vec<Erased>,
    answers: Vec<Answer>,
    kept: &mut Kept,
) -> Result<(), DbErr> {
    let items = if items.len() < 2 {
        items
    } else {
        let savepoint = match txn.begin().await {
            Ok(savepoint) => savepoint,
            Err(e) => {
                fail(answers, &e);
                return Err(e);
            }
        };
        match AssertUnwindSafe(store(&savepoint, items))
            .catch_unwind()
            .await
        {
            Ok(Stored {
                outcome: Ok(results),
                ..
            }) => {
                return match savepoint.commit().await {
                    Ok(()) => {
                        keep(answers, results, kept);
                        Ok(())
                    }
                    Err(e) => {
                        fail(answers, &e);
                        Err(e)
                    }
                };
            }
            Ok(Stored { items, .. }) => {
                if let Err(e) = savepoint.rollback().await {
                    fail(answers, &e);
                    return Err(e);
                }
                items
            }
            Err(_) => {
                let undone = savepoint.rollback().await;
                fail(answers, &panicked());
                return undone;
            }
        }
    };
    one_by_one(txn, store, items, answers, kept).await
}

/// Stores each of `items` alone in a savepoint of its own, so that a write that cannot be stored
/// does not take the others with it. `Err`: the transaction broke (every write has been answered,
/// the ones stored before it wait in `kept`).
async fn one_by_one(
    txn: &DatabaseTransaction,
    store: StoreFn,
    items: Vec<Erased>,
    answers: Vec<Answer>,
    kept: &mut Kept,
) -> Result<(), DbErr> {
    let mut answers = answers.into_iter();
    for item in items {
        let Some(answer) = answers.next() else { break };
        let attempt: Attempt = Box::new(move |savepoint| {
            Box::pin(async move { store(savepoint, vec![item]).await.outcome })
        });
        if let Err(e) = settle(txn, attempt, answer, kept).await {
            fail(answers, &e);
            return Err(e);
        }
    }
    Ok(())
}
