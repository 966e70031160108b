//! Tests that kill: the real binary on its own SQLite data directory, concurrent survey answers and
//! workshop sign-ups, then `kill -9` in the middle of the load (and, separately, the database
//! made full and freed again). What was acknowledged with a 303 must be stored, exactly once, and
//! what was refused must not be. Every answer and sign-up carries a unique marker (a free-text
//! answer, a name) so the database can be checked against the client's record.
//!
//! These run on SQLite whatever `TEST_DATABASE_URL` says: they are about the embedded database.

use std::{
    collections::{HashMap, HashSet},
    path::Path,
    process::{Child, Command, Stdio},
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use sea_orm::{
    ColumnTrait, ConnectionTrait, Database, DatabaseConnection, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, Statement,
};
use teilhabe::surveys::{demo, queries as surveys};
use tokio::sync::Mutex;

use crate::helpers::{csrf_token, new_client};

const SECRET: &str = "kill-test-secret-kill-test-secret-0123456789";
const WORKERS: usize = 8;

struct Server {
    child: Child,
    base: String,
}

fn command(dir: &Path, port: u16) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_teilhabe"));
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TEILHABE_DATA_DIR", dir)
        .env("TEILHABE_BIND", format!("127.0.0.1:{port}"))
        .env("TEILHABE_SECRET_KEY", SECRET)
        .env("TEILHABE_TRUST_PROXY_HEADERS", "true")
        .env("TEILHABE_LOG", "error")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

/// Starts `teilhabe serve` and waits until `/healthz` answers.
async fn serve(dir: &Path, extra: &[(&str, String)]) -> Server {
    let port = free_port();
    let mut c = command(dir, port);
    for (k, v) in extra {
        c.env(k, v);
    }
    let child = c
        .spawn()
        .unwrap_or_else(|e| panic!("starting teilhabe: {e}"));
    let base = format!("http://127.0.0.1:{port}");
    let client = new_client();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await
            && r.status().is_success()
        {
            break;
        }
        assert!(Instant::now() < deadline, "teilhabe did not come up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Server { child, base }
}

impl Server {
    fn kill(mut self) {
        // std's kill is SIGKILL on Unix: no shutdown, no flush, like a crash.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn open(dir: &Path) -> DatabaseConnection {
    Database::connect(format!(
        "sqlite://{}?mode=rw",
        dir.join("teilhabe.db").display()
    ))
    .await
    .unwrap_or_else(|e| panic!("opening the database: {e}"))
}

async fn rows(db: &DatabaseConnection, sql: &str) -> Vec<String> {
    db.query_all_raw(Statement::from_string(DbBackend::Sqlite, sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap_or_default())
        .collect()
}

async fn exec(db: &DatabaseConnection, sql: &str) {
    db.execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// What the clients saw, by marker.
#[derive(Default)]
struct Record {
    acknowledged: HashSet<String>,
    refused: HashSet<String>,
    /// Sent, but no answer came (the server died under it).
    unanswered: HashSet<String>,
}

struct Load {
    survey_page: String,
    workshop_page: String,
    fields: Vec<(String, String)>,
    text_field: String,
}

/// Loads the demo data into `dir` and finds the survey and the workshop to write to.
async fn prepare(dir: &Path) -> (String, String, Vec<(String, String)>, String) {
    let status = command(dir, free_port())
        .arg("demo")
        .status()
        .unwrap_or_else(|e| panic!("teilhabe demo: {e}"));
    assert!(status.success(), "teilhabe demo failed");
    let db = open(dir).await;
    let survey = entity::surveys::Entity::find()
        .filter(entity::surveys::Column::Title.eq(demo::TITLE))
        .one(&db)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("the demo survey"))
        .id;
    let qs = surveys::questions(&db, survey)
        .await
        .unwrap_or_else(|e| panic!("questions: {e}"));
    let text = qs
        .iter()
        .find(|q| q.kind.is_text())
        .unwrap_or_else(|| panic!("the demo survey has a text question"));
    let fields = vec![
        (
            format!("q-{}", qs[0].model.id),
            qs[0].options[0].id.to_string(),
        ),
        (format!("q-{}", qs[2].model.id), "4".into()),
        (format!("q-{}", qs[3].model.id), "1".into()),
        (format!("q-{}", qs[4].model.id), "15".into()),
        (
            format!("q-{}", qs[7].model.id),
            qs[7].options[1].id.to_string(),
        ),
        (
            format!("q-{}", qs[9].model.id),
            qs[9].options[2].id.to_string(),
        ),
        ("page".into(), "0".into()),
        ("action".into(), "submit".into()),
    ];
    // The upcoming demo workshop (the largest one open for sign-ups).
    let workshop = entity::workshops::Entity::find()
        .filter(entity::workshops::Column::Status.eq("published"))
        .order_by_desc(entity::workshops::Column::Capacity)
        .one(&db)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("a demo workshop open for sign-ups"))
        .id;
    db.close().await.ok();
    (
        format!("/surveys/{survey}"),
        format!("/workshops/{workshop}"),
        fields,
        format!("q-{}", text.model.id),
    )
}

/// Sends survey answers and sign-ups from `WORKERS` clients until `stop` is set or the server is
/// gone; every request's marker lands in the record by what came back.
fn start_load(
    base: String,
    load: Arc<Load>,
    record: Arc<Mutex<Record>>,
    stop: Arc<AtomicBool>,
    counter: Arc<AtomicUsize>,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..WORKERS)
        .map(|w| {
            let (base, load, record, stop, counter) = (
                base.clone(),
                load.clone(),
                record.clone(),
                stop.clone(),
                counter.clone(),
            );
            tokio::spawn(async move {
                let mut dead = 0;
                while !stop.load(Ordering::SeqCst) && dead < 3 {
                    let i = counter.fetch_add(1, Ordering::SeqCst);
                    let ip = format!("10.9.{}.{}", (i / 250) % 250, i % 250 + 1);
                    let client = new_client();
                    let survey = w % 2 == 0;
                    let page = if survey {
                        &load.survey_page
                    } else {
                        &load.workshop_page
                    };
                    let Ok(form) = client.get(format!("{base}{page}")).send().await else {
                        dead += 1;
                        continue;
                    };
                    let token =
                        csrf_token(&form.text().await.unwrap_or_default()).unwrap_or_default();
                    let marker = format!("{}{i}", if survey { "answer-" } else { "person-" });
                    let mut fields = if survey {
                        let mut f = load.fields.clone();
                        f.push((load.text_field.clone(), marker.clone()));
                        f
                    } else {
                        vec![
                            ("name".to_string(), marker.clone()),
                            ("people".to_string(), "1".to_string()),
                        ]
                    };
                    fields.push(("csrf_token".into(), token));
                    let sent = client
                        .post(format!("{base}{page}"))
                        .header("X-Forwarded-For", ip)
                        .form(&fields)
                        .send()
                        .await;
                    let mut r = record.lock().await;
                    match sent {
                        Ok(res) if res.status().as_u16() == 303 => {
                            r.acknowledged.insert(marker);
                        }
                        Ok(_) => {
                            r.refused.insert(marker);
                        }
                        Err(_) => {
                            r.unanswered.insert(marker);
                            dead += 1;
                        }
                    }
                }
            })
        })
        .collect()
}

async fn wait_until(what: &str, secs: u64, mut cond: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !cond().await {
        assert!(Instant::now() < deadline, "waited in vain for: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Every acknowledged marker is stored exactly once, no refused one is stored, and nothing is
/// stored that was never sent.
async fn check(dir: &Path, record: &Record) -> (usize, usize) {
    let db = open(dir).await;
    let mut stored: Vec<String> = rows(
        &db,
        "SELECT text_value FROM survey_answers WHERE text_value LIKE 'answer-%'",
    )
    .await;
    stored.extend(
        rows(
            &db,
            "SELECT name FROM workshop_signups WHERE name LIKE 'person-%'",
        )
        .await,
    );
    db.close().await.ok();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for m in &stored {
        *counts.entry(m.as_str()).or_default() += 1;
    }
    let duplicates: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
    assert!(duplicates.is_empty(), "stored twice: {duplicates:?}");
    let lost: Vec<_> = record
        .acknowledged
        .iter()
        .filter(|m| !counts.contains_key(m.as_str()))
        .collect();
    assert!(lost.is_empty(), "acknowledged but not stored: {lost:?}");
    let refused_stored: Vec<_> = record
        .refused
        .iter()
        .filter(|m| counts.contains_key(m.as_str()))
        .collect();
    assert!(
        refused_stored.is_empty(),
        "refused but stored: {refused_stored:?}"
    );
    // Stored beyond the acknowledged: only requests whose answer the kill cut off.
    for m in counts.keys() {
        assert!(
            record.acknowledged.contains(*m) || record.unanswered.contains(*m),
            "stored without being acknowledged or cut off: {m}"
        );
    }
    (record.acknowledged.len(), stored.len())
}

#[tokio::test]
async fn answers_and_sign_ups_acknowledged_before_a_kill_9_are_stored_once_after_the_restart() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (survey_page, workshop_page, fields, text_field) = prepare(dir.path()).await;
    let load = Arc::new(Load {
        survey_page,
        workshop_page,
        fields,
        text_field,
    });
    let server = serve(dir.path(), &[]).await;
    let record = Arc::new(Mutex::new(Record::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let tasks = start_load(
        server.base.clone(),
        load.clone(),
        record.clone(),
        stop.clone(),
        Arc::new(AtomicUsize::new(0)),
    );
    let r = record.clone();
    wait_until("100 acknowledged writes", 60, async || {
        r.lock().await.acknowledged.len() >= 100
    })
    .await;
    // Mid-load: requests are in flight on every worker.
    server.kill();
    for t in tasks {
        t.await.unwrap_or_else(|e| panic!("{e}"));
    }
    // Restart on the same data directory: it comes up and takes writes again.
    let server = serve(dir.path(), &[]).await;
    let record = record.lock().await;
    let (acknowledged, stored) = check(dir.path(), &record).await;
    println!(
        "kill -9: {acknowledged} acknowledged, {stored} stored ({} cut off by the kill), 0 lost",
        record.unanswered.len()
    );
    let after = Arc::new(Mutex::new(Record::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let tasks = start_load(
        server.base.clone(),
        load,
        after.clone(),
        stop.clone(),
        Arc::new(AtomicUsize::new(1_000_000)),
    );
    let a = after.clone();
    wait_until("writes after the restart", 30, async || {
        a.lock().await.acknowledged.len() >= 10
    })
    .await;
    stop.store(true, Ordering::SeqCst);
    for t in tasks {
        t.await.unwrap_or_else(|e| panic!("{e}"));
    }
    server.kill();
    assert!(after.lock().await.refused.is_empty());
}

#[tokio::test]
async fn when_the_database_is_full_nothing_refused_is_stored_nothing_acknowledged_is_lost_and_writes_resume_once_freed()
 {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (survey_page, workshop_page, fields, text_field) = prepare(dir.path()).await;
    // Room to fill: 2 MB of filler that the "operator" deletes later, then a cap a little above
    // the current size.
    let db = open(dir.path()).await;
    exec(&db, "CREATE TABLE filler (b BLOB)").await;
    exec(
        &db,
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 512) \
         INSERT INTO filler SELECT randomblob(4000) FROM n",
    )
    .await;
    exec(&db, "PRAGMA wal_checkpoint(TRUNCATE)").await;
    let pages = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA page_count",
        ))
        .await
        .ok()
        .flatten()
        .and_then(|r| r.try_get_by_index::<i64>(0).ok())
        .unwrap_or_else(|| panic!("page_count"));
    db.close().await.ok();
    let load = Arc::new(Load {
        survey_page,
        workshop_page,
        fields,
        text_field,
    });
    let server = serve(
        dir.path(),
        &[(teilhabe::db::TEST_MAX_PAGE_COUNT, (pages + 8).to_string())],
    )
    .await;
    let record = Arc::new(Mutex::new(Record::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let tasks = start_load(
        server.base.clone(),
        load,
        record.clone(),
        stop.clone(),
        Arc::new(AtomicUsize::new(0)),
    );
    let r = record.clone();
    wait_until("writes refused for a full database", 60, async || {
        r.lock().await.refused.len() >= 20
    })
    .await;
    // Space comes back while the load goes on: the filler is deleted from outside.
    let db = open(dir.path()).await;
    exec(&db, "DELETE FROM filler").await;
    db.close().await.ok();
    let before = record.lock().await.acknowledged.len();
    let r = record.clone();
    wait_until("writes working again without a restart", 60, async || {
        r.lock().await.acknowledged.len() >= before + 50
    })
    .await;
    stop.store(true, Ordering::SeqCst);
    for t in tasks {
        t.await.unwrap_or_else(|e| panic!("{e}"));
    }
    server.kill();
    let record = record.lock().await;
    assert!(record.unanswered.is_empty(), "every request was answered");
    let (acknowledged, stored) = check(dir.path(), &record).await;
    assert_eq!(acknowledged, stored);
    println!(
        "full database: {acknowledged} acknowledged, {stored} stored, {} refused (none stored), 0 lost",
        record.refused.len()
    );
}
