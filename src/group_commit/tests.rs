//! The writer under failure: a failing write alone, a failing COMMIT, and batched writes; and the
//! writer's running totals.

use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database};

use super::{batch::run_batch, *};

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
) -> impl for<'t> FnOnce(&'t DatabaseTransaction) -> WriteFuture<'t, (), DbErr> + Send + 'static {
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
    let (bad, bad_answer) = job(half_then_error);
    let (b, b_answer) = job(note("b", false));
    let left = run_batch(&db, vec![a, bad, b], &WriterStats::default()).await;
    assert!(left.is_empty());
    assert!(reply_of::<(), DbErr>(a_answer.await).is_ok());
    assert!(reply_of::<(), DbErr>(bad_answer.await).is_err());
    assert!(reply_of::<(), DbErr>(b_answer.await).is_ok());
    assert_eq!(notes(&db).await, ["a", "b"]);
}

/// A write that stores half of itself, then fails.
fn half_then_error(txn: &DatabaseTransaction) -> WriteFuture<'_, (), DbErr> {
    Box::pin(async move {
        txn.execute_unprepared("INSERT INTO note VALUES ('half', NULL)")
            .await?;
        txn.execute_unprepared("INSERT INTO no_such_table VALUES (1)")
            .await?;
        Ok(())
    })
}

#[tokio::test]
async fn a_failing_first_write_is_rolled_back_and_the_writes_after_it_are_stored() {
    // The first write of a batch runs without a savepoint: its failure rolls back the whole
    // transaction, which must then begin again for the others.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = database(dir.path()).await;
    let (bad, bad_answer) = job(half_then_error);
    let (a, a_answer) = job(note("a", false));
    let (b, b_answer) = batched("b");
    let left = run_batch(&db, vec![bad, a, b], &WriterStats::default()).await;
    assert!(left.is_empty());
    assert!(reply_of::<(), DbErr>(bad_answer.await).is_err());
    assert!(reply_of::<(), DbErr>(a_answer.await).is_ok());
    assert_eq!(reply_of::<usize, DbErr>(b_answer.await).ok(), Some(1));
    assert_eq!(notes(&db).await, ["a", "b"]);
}

#[tokio::test]
async fn a_first_write_that_panics_is_rolled_back_and_the_writes_after_it_are_stored() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = database(dir.path()).await;
    let (panics, panics_answer) = job(|txn: &DatabaseTransaction| -> WriteFuture<'_, (), DbErr> {
        Box::pin(async move {
            txn.execute_unprepared("INSERT INTO note VALUES ('half', NULL)")
                .await?;
            panic!("a bug in a write");
        })
    });
    let (a, a_answer) = job(note("a", false));
    let left = run_batch(&db, vec![panics, a], &WriterStats::default()).await;
    assert!(left.is_empty());
    assert!(reply_of::<(), DbErr>(panics_answer.await).is_err());
    assert!(reply_of::<(), DbErr>(a_answer.await).is_ok());
    assert_eq!(notes(&db).await, ["a"]);
}

#[tokio::test]
async fn when_the_commit_fails_no_write_of_the_batch_is_acknowledged_or_stored() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = database(dir.path()).await;
    let (a, a_answer) = job(note("a", false));
    let (orphan, orphan_answer) = job(note("orphan", true));
    let left = run_batch(&db, vec![a, orphan], &WriterStats::default()).await;
    assert!(left.is_empty());
    assert!(reply_of::<(), DbErr>(a_answer.await).is_err());
    assert!(reply_of::<(), DbErr>(orphan_answer.await).is_err());
    assert!(notes(&db).await.is_empty());
}

#[tokio::test]
async fn after_a_failed_commit_writes_are_stored_again_on_a_connection_not_left_in_a_transaction() {
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

/// A batched note: all of a batch go in with one statement; "bad" breaks that statement.
struct Batched(&'static str);

impl BatchWrite for Batched {
    type Output = usize;
    type Error = DbErr;

    fn store_all<'t>(txn: &'t DatabaseTransaction, items: &'t [Self]) -> BatchFuture<'t, Self> {
        Box::pin(async move {
            let values: Vec<String> = items
                .iter()
                .map(|Batched(v)| match *v {
                    "bad" => "(NULL, NULL)".to_string(),
                    v => format!("('{v}', NULL)"),
                })
                .collect();
            txn.execute_unprepared(&format!("INSERT INTO note VALUES {}", values.join(", ")))
                .await?;
            // Each item learns how many were stored with it.
            Ok(items.iter().map(|_| Ok(items.len())).collect())
        })
    }
}

fn batched(v: &'static str) -> (Job, oneshot::Receiver<Reply>) {
    let (reply, answer) = oneshot::channel();
    let work = Work::Together {
        kind: TypeId::of::<Batched>(),
        item: Box::new(Batched(v)),
        store: store_erased::<Batched>,
    };
    (Job { work, reply }, answer)
}

#[tokio::test]
async fn batched_writes_are_stored_by_one_call_beside_writes_that_run_alone() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = database(dir.path()).await;
    let (a, a_answer) = batched("a");
    let (alone, alone_answer) = job(note("alone", false));
    let (b, b_answer) = batched("b");
    let left = run_batch(&db, vec![a, alone, b], &WriterStats::default()).await;
    assert!(left.is_empty());
    assert_eq!(reply_of::<usize, DbErr>(a_answer.await).ok(), Some(2));
    assert_eq!(reply_of::<usize, DbErr>(b_answer.await).ok(), Some(2));
    assert!(reply_of::<(), DbErr>(alone_answer.await).is_ok());
    assert_eq!(notes(&db).await, ["a", "alone", "b"]);
}

#[tokio::test]
async fn when_the_batched_call_fails_each_write_is_stored_alone_and_only_the_bad_one_is_refused() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = database(dir.path()).await;
    let (a, a_answer) = batched("a");
    let (bad, bad_answer) = batched("bad");
    let (b, b_answer) = batched("b");
    let left = run_batch(&db, vec![a, bad, b], &WriterStats::default()).await;
    assert!(left.is_empty());
    // Stored one by one: each was the only one in its call.
    assert_eq!(reply_of::<usize, DbErr>(a_answer.await).ok(), Some(1));
    assert!(reply_of::<usize, DbErr>(bad_answer.await).is_err());
    assert_eq!(reply_of::<usize, DbErr>(b_answer.await).ok(), Some(1));
    assert_eq!(notes(&db).await, ["a", "b"]);
}

#[tokio::test]
async fn when_a_batched_call_first_in_its_batch_fails_the_writes_of_the_batch_are_still_stored() {
    // The call ran without a savepoint: the transaction is rolled back and begun again, then each
    // batched write is stored alone, and the write after them too.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = database(dir.path()).await;
    let (a, a_answer) = batched("a");
    let (bad, bad_answer) = batched("bad");
    let (after, after_answer) = job(note("after", false));
    let left = run_batch(&db, vec![a, bad, after], &WriterStats::default()).await;
    assert!(left.is_empty());
    assert_eq!(reply_of::<usize, DbErr>(a_answer.await).ok(), Some(1));
    assert!(reply_of::<usize, DbErr>(bad_answer.await).is_err());
    assert!(reply_of::<(), DbErr>(after_answer.await).is_ok());
    assert_eq!(notes(&db).await, ["a", "after"]);

    // A batched write alone first in its batch: its error is its own, the next write is stored.
    let (bad, bad_answer) = batched("bad");
    let (next, next_answer) = job(note("next", false));
    let left = run_batch(&db, vec![bad, next], &WriterStats::default()).await;
    assert!(left.is_empty());
    assert!(reply_of::<usize, DbErr>(bad_answer.await).is_err());
    assert!(reply_of::<(), DbErr>(next_answer.await).is_ok());
    assert_eq!(notes(&db).await, ["a", "after", "next"]);
}

#[tokio::test]
async fn a_batched_write_through_the_writer_is_committed_and_visible_to_other_connections() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = database(dir.path()).await;
    let writes = Writes::start(&db).await.unwrap_or_else(|e| panic!("{e}"));
    let (one, two) = tokio::join!(
        writes.run_batched(Batched("one")),
        writes.run_batched(Batched("two"))
    );
    assert!(one.is_ok() && two.is_ok());
    assert!(writes.run_batched(Batched("bad")).await.is_err());
    db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(notes(&db).await, ["one", "two"]);
}

#[tokio::test]
async fn the_writer_counts_its_batches_and_writes_including_a_batch_whose_commit_failed() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = database(dir.path()).await;
    let writes = Writes::start(&db).await.unwrap_or_else(|e| panic!("{e}"));
    let start = writes.figures().unwrap_or_default();
    assert_eq!(start, WriterFigures::default());
    let (a, b, c) = tokio::join!(
        writes.run(note("a", false)),
        writes.run(note("b", false)),
        writes.run(note("c", false))
    );
    assert!(a.is_ok() && b.is_ok() && c.is_ok());
    assert!(writes.run(note("orphan", true)).await.is_err());
    let done = writes.figures().unwrap_or_default().since(start);
    assert_eq!(done.writes, 4);
    // The three joined writes share one batch or come one by one; the failing one is alone.
    assert!((2..=4).contains(&done.batches), "{done:?}");
    assert!(done.mean_batch() >= 1.0);
    assert!(done.running > Duration::ZERO && done.committing > Duration::ZERO);
}
