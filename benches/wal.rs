//! Durability bench (not a test): (1) what `synchronous=FULL` costs against `NORMAL` per commit
//! on this disk, and (2) how large SQLite's WAL file gets under sustained answering with readers
//! beside it, sampled while it runs (the worker's checkpoints keep it bounded). Run with
//! `cargo bench --bench wal`; `WAL_BENCH_SECONDS` (default 600) sets the length of (2).

#[path = "../tests/app/helpers.rs"]
#[allow(dead_code)]
mod helpers;
#[allow(dead_code)] // each bench uses part of it
mod support;

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use futures::{StreamExt, stream};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DbBackend, Statement,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};
use teilhabe::{
    storage::checkpoint::wal_size,
    surveys::{demo, queries as surveys},
};

const COMMITS: usize = 1_000;
const WRITERS: usize = 8;
const READERS: usize = 2;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::var("TEST_DATABASE_URL").is_ok() {
        println!("wal bench: SQLite only (TEST_DATABASE_URL is set); nothing to do");
        return Ok(());
    }
    sync_cost().await?;
    sustained().await
}

/// 1,000 one-row transactions, one after the other and from 8 tasks, per synchronous mode.
async fn sync_cost() -> Result<(), Box<dyn std::error::Error>> {
    for (name, mode) in [
        ("NORMAL", SqliteSynchronous::Normal),
        ("FULL", SqliteSynchronous::Full),
    ] {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("b.db").display());
        let mut options = ConnectOptions::new(url);
        options
            .max_connections(8)
            .sqlx_logging(false)
            .map_sqlx_sqlite_opts(move |o| {
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(mode)
                    .busy_timeout(Duration::from_secs(10))
            });
        let db = Database::connect(options).await?;
        db.execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
            .await?;
        for concurrency in [1, WRITERS] {
            let started = Instant::now();
            stream::iter(0..COMMITS)
                .map(|i| {
                    let db = db.clone();
                    async move {
                        let txn = teilhabe::db::begin_write(&db).await?;
                        txn.execute_raw(Statement::from_sql_and_values(
                            DbBackend::Sqlite,
                            "INSERT INTO t (v) VALUES (?)",
                            [format!("Antwort {i}").into()],
                        ))
                        .await?;
                        txn.commit().await
                    }
                })
                .buffer_unordered(concurrency)
                .collect::<Vec<_>>()
                .await
                .into_iter()
                .collect::<Result<Vec<_>, _>>()?;
            let wall = started.elapsed();
            println!(
                "[SQLite] synchronous={name:<6} {COMMITS} one-row commits, concurrency {concurrency}: {:.0} commits/s ({:.2} ms each)",
                COMMITS as f64 / wall.as_secs_f64(),
                wall.as_secs_f64() * 1e3 / COMMITS as f64
            );
        }
        db.close().await?;
    }
    Ok(())
}

/// Survey answers from 8 concurrent residents and 2 readers of the results page for
/// `WAL_BENCH_SECONDS`, with the WAL file's size sampled every 5 seconds.
async fn sustained() -> Result<(), Box<dyn std::error::Error>> {
    let seconds: u64 = std::env::var("WAL_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    let app = helpers::spawn_app_with(&[("TEILHABE_TRUST_PROXY_HEADERS", "true")]).await;
    let db = &app.state.db;
    let now = app.state.clock.now();
    let (place, coordinator) = support::musterstadt(db, now).await?;
    teilhabe::strategy::demo::seed(db, place.id, now).await?;
    teilhabe::rounds::demo::seed(db, &app.state, &coordinator, place.id, now)
        .await
        .map_err(|e| e.to_string())?;
    demo::seed(db, &coordinator, place.id, now)
        .await
        .map_err(|e| e.to_string())?;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let survey = entity::surveys::Entity::find()
        .filter(entity::surveys::Column::Title.eq(demo::TITLE))
        .one(db)
        .await?
        .ok_or("demo survey")?
        .id;
    let qs = surveys::questions(db, survey).await?;
    let fields: Vec<(String, String)> = vec![
        (
            format!("q-{}", qs[0].model.id),
            qs[0].options[0].id.to_string(),
        ),
        (format!("q-{}", qs[2].model.id), "4".into()),
        (format!("q-{}", qs[3].model.id), "1".into()),
        (format!("q-{}", qs[4].model.id), "15".into()),
        ("page".into(), "0".into()),
        ("action".into(), "submit".into()),
    ];
    let before = surveys::response_count(db, survey).await?;
    let url = app.url(&format!("/surveys/{survey}"));
    let results = app.url(&format!("/surveys/{survey}/results"));
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(AtomicU64::new(0));
    let next = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..WRITERS {
        let (url, fields, stop, acknowledged, next) = (
            url.clone(),
            fields.clone(),
            stop.clone(),
            acknowledged.clone(),
            next.clone(),
        );
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let ip = format!("10.{}.{}.{}", (i / 65536) % 256, (i / 256) % 256, i % 256);
                let client = helpers::new_client();
                let body = match client.get(&url).header("x-forwarded-for", &ip).send().await {
                    Ok(r) => r.text().await.unwrap_or_default(),
                    Err(_) => continue,
                };
                let mut all = fields.clone();
                all.push((
                    "csrf_token".into(),
                    helpers::csrf_token(&body).unwrap_or_default(),
                ));
                let ok = client
                    .post(&url)
                    .header("x-forwarded-for", &ip)
                    .form(&all)
                    .send()
                    .await
                    .is_ok_and(|r| r.status().as_u16() == 303);
                if ok {
                    acknowledged.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for _ in 0..READERS {
        let (results, stop) = (results.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let client = helpers::new_client();
            while !stop.load(Ordering::Relaxed) {
                let _ = client.get(&results).send().await;
            }
        }));
    }
    let database_url = app.state.settings.database_url.clone();
    let started = Instant::now();
    let mut largest = 0;
    while started.elapsed() < Duration::from_secs(seconds) {
        tokio::time::sleep(Duration::from_secs(5)).await;
        let size = wal_size(&database_url);
        largest = largest.max(size);
        println!(
            "[SQLite] {:>4} s: WAL {:>6.1} MB, {} answers acknowledged",
            started.elapsed().as_secs(),
            size as f64 / 1e6,
            acknowledged.load(Ordering::Relaxed)
        );
    }
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        let _ = task.await;
    }
    let after = surveys::response_count(db, survey).await?;
    let db_size = std::fs::metadata(app.data_dir.join("teilhabe.db"))?.len();
    let acknowledged = acknowledged.load(Ordering::Relaxed);
    println!(
        "[SQLite] after {seconds} s: {acknowledged} answers acknowledged ({:.0}/s), {} stored; WAL now {:.1} MB, largest {:.1} MB, database {:.1} MB",
        acknowledged as f64 / seconds as f64,
        after - before,
        wal_size(&database_url) as f64 / 1e6,
        largest as f64 / 1e6,
        db_size as f64 / 1e6
    );
    assert_eq!((after - before) as u64, acknowledged);
    app.stop().await;
    Ok(())
}
