//! Pages bench (not a test): every public page of a realistic municipality, measured beside a bare
//! reference started in the same run, so the figures hold as ratios on a noisy machine.
//!
//! Seeds the demo municipality scaled up — the demo's strategy with its indicators and their
//! series, rounds, survey, boards and workshops, plus 200 rounds, 50 workshops, 100,000 survey
//! responses and 100,000 ideas on one board (one in a hundred adopted into a goal) — then
//! measures each page as an anonymous visitor: with concurrent clients (throughput, p50, p99) and
//! with one client (p50). The reference is a minimal actix-web + SQLite + handlebars page that
//! reads 200 rows through sea-orm and renders them as a table; it is measured the same way, first
//! and last, and every figure is printed as a ratio to the mean of its two runs.
//!
//! `cargo bench --bench pages`; on PostgreSQL with `TEST_DATABASE_URL` (the reference stays on
//! SQLite: it is the bare stack's floor). Settings: `BENCH_SECONDS` (seconds per page under load,
//! default 5), `BENCH_CLIENTS` (concurrent clients, default 32), `BENCH_SINGLE` (requests of the
//! single client, default 200), `BENCH_PAGES` (measure only the pages whose name contains one of
//! these comma-separated words, e.g. `goal,strategy` for a profile), `BENCH_LOG` (a log filter
//! for stderr: `sqlx=debug` lists every statement with its time).
//!
//! Last, it starts the release binary (`teilhabe serve`) on the seeded data and reports its
//! memory (RSS): after one view of each page, at the peak while the clients read all pages in
//! turn, and 10 s after the load.

#[path = "../tests/app/helpers.rs"]
#[allow(dead_code)]
mod helpers;
#[allow(dead_code)] // each bench uses part of it
mod support;

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use actix_web::{App, HttpResponse, HttpServer, web};
use entity::{fields_of_action, goals, idea_boards, ideas, rounds, strategies};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, Set, Statement,
};
use teilhabe::surveys::{demo as survey_demo, queries as surveys};
use uuid::Uuid;

type BenchResult<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

const RESPONSES: usize = 100_000;
const IDEAS: usize = 100_000;
const ROUNDS: usize = 200;
const WORKSHOPS: usize = 50;
/// Rows per INSERT: SQLite takes at most 32,766 values per statement.
const BATCH: usize = 500;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A browser without cookies of its own yet, as an anonymous visitor arrives.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(64)
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

struct Figures {
    per_second: f64,
    p50: Duration,
    p99: Duration,
    single_p50: Duration,
    bytes: usize,
    errors: usize,
}

/// `url` under `clients` concurrent clients for `seconds`, then `single` requests one at a time.
async fn measure(url: &str, clients: usize, seconds: f64, single: usize) -> Figures {
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let url = url.to_string();
        tasks.push(tokio::spawn(async move {
            let c = client();
            let (mut latencies, mut errors, mut bytes) = (Vec::new(), 0usize, 0usize);
            while Instant::now() < deadline {
                let at = Instant::now();
                match c.get(&url).send().await {
                    Ok(r) if r.status() == reqwest::StatusCode::OK => {
                        bytes = r.bytes().await.map(|b| b.len()).unwrap_or(0);
                    }
                    _ => errors += 1,
                }
                latencies.push(at.elapsed());
            }
            (latencies, errors, bytes)
        }));
    }
    let (mut latencies, mut errors, mut bytes) = (Vec::new(), 0, 0);
    for task in tasks {
        if let Ok((l, e, b)) = task.await {
            latencies.extend(l);
            errors += e;
            bytes = bytes.max(b);
        } else {
            errors += 1;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let c = client();
    let mut alone = Vec::with_capacity(single);
    for _ in 0..single {
        let at = Instant::now();
        let ok = match c.get(url).send().await {
            Ok(r) => r.status() == reqwest::StatusCode::OK && r.bytes().await.is_ok(),
            Err(_) => false,
        };
        if !ok {
            errors += 1;
        }
        alone.push(at.elapsed());
    }
    alone.sort();
    Figures {
        per_second: latencies.len() as f64 / elapsed,
        p50: support::quantile(&latencies, 0.50),
        p99: support::quantile(&latencies, 0.99),
        single_p50: support::quantile(&alone, 0.50),
        bytes,
        errors,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

// ---- the bare reference ----

#[derive(FromQueryResult, serde::Serialize)]
struct Item {
    id: i64,
    title: String,
    body: String,
}

const REFERENCE_PAGE: &str = "<!DOCTYPE html><html lang=\"de\"><head><meta charset=\"utf-8\">\
<title>Referenz</title></head><body><main><h1>Referenz</h1><table><thead><tr><th>Nr.</th>\
<th>Titel</th><th>Text</th></tr></thead><tbody>{{#each items}}<tr><td>{{id}}</td><td>{{title}}</td>\
<td>{{body}}</td></tr>{{/each}}</tbody></table></main></body></html>";

struct Reference {
    db: DatabaseConnection,
    templates: handlebars::Handlebars<'static>,
}

async fn reference_page(state: web::Data<Reference>) -> HttpResponse {
    let items = Item::find_by_statement(Statement::from_string(
        state.db.get_database_backend(),
        "SELECT id, title, body FROM items ORDER BY id LIMIT 200",
    ))
    .all(&state.db)
    .await;
    let html = items.map_err(|e| e.to_string()).and_then(|items| {
        state
            .templates
            .render("page", &serde_json::json!({ "items": items }))
            .map_err(|e| e.to_string())
    });
    match html {
        Ok(html) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(html),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}

/// Starts the reference on a free port (SQLite in WAL mode, 200 rows); returns its page's URL.
async fn reference(dir: &std::path::Path) -> BenchResult<String> {
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.join("reference.db").to_string_lossy()
    );
    let db = Database::connect(url).await?;
    for sql in [
        "PRAGMA journal_mode=WAL".to_string(),
        "CREATE TABLE items (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL)"
            .to_string(),
    ] {
        db.execute_unprepared(&sql).await?;
    }
    let rows: Vec<String> = (1..=200)
        .map(|i| format!("({i}, 'Eintrag {i}', 'Ein kurzer Text zu Eintrag {i}.')"))
        .collect();
    db.execute_unprepared(&format!("INSERT INTO items VALUES {}", rows.join(",")))
        .await?;
    let mut templates = handlebars::Handlebars::new();
    templates.register_template_string("page", REFERENCE_PAGE)?;
    let data = web::Data::new(Reference { db, templates });
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/", web::get().to(reference_page))
    })
    .bind(("127.0.0.1", 0))?;
    let port = server.addrs().first().map(|a| a.port()).unwrap_or_default();
    tokio::spawn(server.run());
    Ok(format!("http://127.0.0.1:{port}/"))
}

// ---- seeding Teilhabe ----

/// The demo municipality scaled up; returns the public pages to measure, by name.
async fn seed(app: &helpers::TestApp) -> BenchResult<Vec<(&'static str, String)>> {
    let db = &app.state.db;
    let now = app.state.clock.now();
    let (place, coordinator) = support::musterstadt(db, now).await?;
    let fail = |e: teilhabe::error::AppError| e.to_string();
    teilhabe::strategy::demo::seed(db, place.id, now).await?;
    teilhabe::monitoring::demo::seed(db, place.id, &place.name, now).await?;
    teilhabe::rounds::demo::seed(db, &app.state, &coordinator, place.id, now)
        .await
        .map_err(fail)?;
    survey_demo::seed(db, &coordinator, place.id, now)
        .await
        .map_err(fail)?;
    teilhabe::ideas::demo::seed(db, &coordinator, place.id, now)
        .await
        .map_err(fail)?;
    teilhabe::workshops::demo::seed(db, &app.state, &coordinator, place.id, now)
        .await
        .map_err(fail)?;

    let survey = entity::surveys::Entity::find()
        .filter(entity::surveys::Column::Title.eq(survey_demo::TITLE))
        .one(db)
        .await?
        .ok_or("demo survey")?;
    let questions = surveys::questions(db, survey.id).await?;
    let txn = sea_orm::TransactionTrait::begin(db).await?;
    survey_demo::add_responses(
        &txn,
        survey.id,
        &questions,
        RESPONSES - survey_demo::RESPONSES,
        42,
        now,
    )
    .await
    .map_err(fail)?;
    txn.commit().await?;

    let round = rounds::Entity::find_by_id(survey.round_id)
        .one(db)
        .await?
        .ok_or("round")?;
    for n in 0..ROUNDS {
        let mut extra = support::open_round(place.id, &format!("runde-{n}"), now);
        extra.title = Set(format!("Beteiligungsrunde {n}"));
        let extra = extra.insert(db).await?;
        if n < WORKSHOPS {
            support::published_workshop(&extra, 20, now)
                .insert(db)
                .await?;
        }
    }
    let board = idea_boards::Entity::find()
        .filter(idea_boards::Column::RoundId.eq(round.id))
        .one(db)
        .await?
        .ok_or("board")?;
    let idea = ideas::Entity::find()
        .filter(ideas::Column::BoardId.eq(board.id))
        .filter(ideas::Column::Status.eq("published"))
        .one(db)
        .await?
        .ok_or("idea")?;
    add_ideas(db, &idea, IDEAS).await?;
    // PostgreSQL plans by statistics its autovacuum gathers a while after large changes; an
    // operator's database has them, a freshly seeded one not yet.
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        db.execute_unprepared("ANALYZE").await?;
    }
    let strategy = strategies::Entity::find()
        .filter(strategies::Column::MunicipalityId.eq(place.id))
        .one(db)
        .await?
        .ok_or("strategy")?;
    let field = fields_of_action::Entity::find()
        .filter(fields_of_action::Column::StrategyId.eq(strategy.id))
        .order_by_asc(fields_of_action::Column::Position)
        .one(db)
        .await?
        .ok_or("field of action")?;
    let goal = goals::Entity::find()
        .filter(goals::Column::FieldOfActionId.eq(field.id))
        .order_by_asc(goals::Column::Position)
        .one(db)
        .await?
        .ok_or("goal")?;
    Ok(vec![
        ("/", "/".to_string()),
        ("round", format!("/rounds/{}", round.slug)),
        ("survey form", format!("/surveys/{}", survey.id)),
        ("idea", format!("/ideas/{}/{}", board.id, idea.id)),
        ("board (100,000 ideas)", format!("/ideas/{}", board.id)),
        ("goal", format!("/goals/{}", goal.id)),
        ("strategy", format!("/strategies/{}", place.slug)),
        (
            "survey results (100,000)",
            format!("/surveys/{}/results", survey.id),
        ),
    ])
}

/// `count` published ideas on the board of `like`, in batches.
async fn add_ideas(db: &DatabaseConnection, like: &ideas::Model, count: usize) -> BenchResult {
    for batch in 0..count / BATCH {
        let rows: Vec<ideas::ActiveModel> = (0..BATCH)
            .map(|k| {
                let n = batch * BATCH + k;
                let at = like.created_at - chrono::Duration::seconds(n as i64 + 1);
                let mut row: ideas::ActiveModel = like.clone().into();
                row.id = Set(Uuid::now_v7());
                row.title = Set(format!("Idee Nummer {n}"));
                row.body = Set("Ein Vorschlag für den Alltag, kurz beschrieben.".into());
                row.support_count = Set(((n * 7919) % 500) as i32);
                row.comment_count = Set(0);
                row.receipt_code = Set(format!("P{n:07}"));
                // One idea in a hundred has been adopted into the goal of the one they copy (if
                // it has one); the others wait for their answer, as on a real board.
                if !n.is_multiple_of(100) || like.official_goal_id.is_none() {
                    row.official_status = Set("new".into());
                    row.official_answer = Set(None);
                    row.official_goal_id = Set(None);
                    row.official_measure_id = Set(None);
                    row.answered_at = Set(None);
                }
                row.created_at = Set(at);
                row.updated_at = Set(at);
                row.published_at = Set(Some(at));
                row
            })
            .collect();
        ideas::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

// ---- memory of the real server ----

/// The resident set of process `pid` in KB (Linux `/proc`).
fn rss_kb(pid: u32) -> Option<u64> {
    status_kb(pid, "VmRSS:")
}

/// A size in KB from `/proc/{pid}/status`, such as `RssAnon:` (the heap, not the mapped binary).
fn status_kb(pid: u32, field: &str) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix(field))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Memory of `teilhabe serve` (the release binary, as an operator runs it) on the seeded data:
/// RSS once it answers, its peak while `clients` read every page in turn for `seconds`, and
/// 10 s after the load. On SQLite it serves a copy of the seeded database.
async fn memory(
    app: &helpers::TestApp,
    pages: &[(&'static str, String)],
    clients: usize,
    seconds: f64,
) -> BenchResult<(u64, u64, u64, u64)> {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    let dir = tempfile::tempdir()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_teilhabe"));
    command
        .arg("serve")
        .env("TEILHABE_DATA_DIR", dir.path())
        .env("TEILHABE_BIND", format!("127.0.0.1:{port}"))
        .env("TEILHABE_LOG", "error")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if app.state.db.get_database_backend() == sea_orm::DbBackend::Sqlite {
        app.state
            .db
            .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await?;
        std::fs::copy(
            app.data_dir.join("teilhabe.db"),
            dir.path().join("teilhabe.db"),
        )?;
    } else {
        let url = app.vars.get("TEILHABE_DATABASE_URL").ok_or("database")?;
        command.env("TEILHABE_DATABASE_URL", url);
    }
    let mut child = command.spawn()?;
    let pid = child.id();
    let base = format!("http://127.0.0.1:{port}");
    let c = client();
    let up = Instant::now();
    while !c
        .get(format!("{base}/healthz"))
        .send()
        .await
        .is_ok_and(|r| r.status().is_success())
    {
        if up.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            return Err("teilhabe serve did not come up".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Every page once, so what is kept (templates, questions, counts) is loaded.
    for (_, path) in pages {
        let _ = c.get(format!("{base}{path}")).send().await;
    }
    let idle = rss_kb(pid).unwrap_or_default();
    let peak = Arc::new(AtomicU64::new(idle));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kb(pid).unwrap_or_default(), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let urls: Arc<Vec<String>> =
        Arc::new(pages.iter().map(|(_, p)| format!("{base}{p}")).collect());
    let mut tasks = Vec::new();
    for k in 0..clients {
        let urls = urls.clone();
        tasks.push(tokio::spawn(async move {
            let c = client();
            let mut n = k;
            while Instant::now() < deadline {
                if let Ok(r) = c.get(&urls[n % urls.len()]).send().await {
                    let _ = r.bytes().await;
                }
                n += 1;
            }
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    done.store(true, Ordering::Relaxed);
    let _ = sampler.await;
    tokio::time::sleep(Duration::from_secs(10)).await;
    let after = rss_kb(pid).unwrap_or_default();
    let anonymous = status_kb(pid, "RssAnon:").unwrap_or_default();
    let _ = child.kill();
    let _ = child.wait();
    Ok((idle, peak.load(Ordering::Relaxed), after, anonymous))
}

#[tokio::main]
async fn main() -> BenchResult {
    // `BENCH_LOG=sqlx=debug` writes every statement the pages make, with its time, to stderr.
    if let Ok(filter) = std::env::var("BENCH_LOG") {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_writer(std::io::stderr)
            .with_ansi(false)
            .init();
    }
    let seconds = setting("BENCH_SECONDS", 5) as f64;
    let clients = setting("BENCH_CLIENTS", 32) as usize;
    let single = setting("BENCH_SINGLE", 200) as usize;
    let app = helpers::spawn_app().await;
    let backend = format!("{:?}", app.state.db.get_database_backend());
    let started = Instant::now();
    let mut pages = seed(&app).await?;
    pages.retain(|(name, _)| support::picked("BENCH_PAGES", name));
    println!(
        "[{backend}] seeded the demo with {RESPONSES} responses, {IDEAS} ideas, {ROUNDS} rounds \
         and {WORKSHOPS} workshops more in {:.0?}",
        started.elapsed()
    );
    let dir = tempfile::tempdir()?;
    let reference_url = reference(dir.path()).await?;
    // Warm both up: the first request of a page loads what it keeps (templates, questions).
    for (_, path) in &pages {
        let _ = client().get(app.url(path)).send().await;
    }
    let _ = client().get(&reference_url).send().await;

    let before = measure(&reference_url, clients, seconds, single).await;
    let mut measured = Vec::new();
    for (name, path) in &pages {
        measured.push((
            *name,
            measure(&app.url(path), clients, seconds, single).await,
        ));
    }
    let after = measure(&reference_url, clients, seconds, single).await;
    let base = Arc::new(Figures {
        per_second: (before.per_second + after.per_second) / 2.0,
        p50: (before.p50 + after.p50) / 2,
        p99: (before.p99 + after.p99) / 2,
        single_p50: (before.single_p50 + after.single_p50) / 2,
        bytes: before.bytes,
        errors: before.errors + after.errors,
    });
    println!(
        "[{backend}] reference (200 rows, {} KB): {:.0} req/s (runs {:.0} and {:.0}), p50 {:.1} ms, \
         p99 {:.1} ms, one client p50 {:.2} ms, {} errors; {clients} clients, {seconds} s each",
        base.bytes / 1024,
        base.per_second,
        before.per_second,
        after.per_second,
        ms(base.p50),
        ms(base.p99),
        ms(base.single_p50),
        base.errors
    );
    println!(
        "[{backend}] {:<26} {:>8} {:>7} {:>9} {:>9} {:>12} {:>7} {:>6}",
        "page", "req/s", "ratio", "p50 ms", "p99 ms", "1-client ×", "KB", "errors"
    );
    for (name, f) in measured {
        println!(
            "[{backend}] {:<26} {:>8.0} {:>7.2} {:>9.1} {:>9.1} {:>12.2} {:>7} {:>6}",
            name,
            f.per_second,
            f.per_second / base.per_second,
            ms(f.p50),
            ms(f.p99),
            ms(f.single_p50) / ms(base.single_p50),
            f.bytes / 1024,
            f.errors
        );
    }
    let (idle, peak, after, anonymous) = memory(&app, &pages, clients, seconds * 2.0).await?;
    println!(
        "[{backend}] memory of `teilhabe serve` (RSS): {:.1} MB after one view of each page, \
         {:.1} MB at the peak with {clients} clients over all pages for {:.0} s, {:.1} MB 10 s \
         after ({:.1} MB of it heap, the rest the mapped binary)",
        idle as f64 / 1024.0,
        peak as f64 / 1024.0,
        seconds * 2.0,
        after as f64 / 1024.0,
        anonymous as f64 / 1024.0
    );
    app.stop().await;
    Ok(())
}
