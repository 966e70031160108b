//! Write bench (not a test): concurrent short writes through HTTP, each against a bare reference
//! started in the same run, so the figures hold as ratios on a noisy machine.
//!
//! The reference is a minimal actix-web + SQLite handler (WAL, the same `synchronous` setting as
//! Teilhabe's database, busy timeout, 8 connections) that stores a "vote" of 5 answers in one
//! `BEGIN IMMEDIATE` transaction and answers 303. Teilhabe is measured on an anonymous survey
//! submission (7 answers, with its guard and rate limit), a workshop sign-up and an idea support.
//!
//! Each scenario runs in rounds: the clients prepare their requests (a survey form must be fetched
//! for every answer: each answer needs a new browser), wait for each other, then send their POSTs
//! at once; only the POST phases are timed, until they add up to the duration. Below the table,
//! on SQLite, what the group-commit writer did during each scenario: batches, writes per batch,
//! and the time a batch took running its writes and committing.
//!
//! `cargo bench --bench writes`. Settings: `BENCH_SECONDS` (timed seconds per scenario, default
//! 10), `BENCH_CLIENTS` (concurrent clients, default 32), `BENCH_BURST` (POSTs per client per
//! round, default 20), `BENCH_SCENARIOS` (run only the scenarios whose name contains one of these
//! comma-separated words, e.g. `survey` for a profile; the reference always runs).

#[path = "../tests/app/helpers.rs"]
#[allow(dead_code)]
mod helpers;
#[allow(dead_code)] // each bench uses part of it
mod support;

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use actix_web::{App, HttpResponse, HttpServer, web};
use entity::{ideas, workshops};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, Set, Statement,
    sqlx::{
        self, SqlitePool,
        sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    },
};
use teilhabe::{
    accounts::model as accounts,
    admin::service::{self as admin, NewMunicipality},
    ideas::{
        manage_boards::{BoardInput, insert_board},
        model as ideas_model,
    },
    surveys::{demo, queries as surveys},
    web::i18n::Lang,
};
use tokio::sync::{Barrier, Mutex};
use uuid::Uuid;

type BenchResult<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn client() -> reqwest::Client {
    helpers::new_client()
}

/// A made-up client address, so per-address rate limits see many residents.
fn address(i: usize) -> String {
    format!("10.{}.{}.{}", (i / 65536) % 256, (i / 256) % 256, i % 256)
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Vote,
    Survey,
    Signup,
    Support,
}

/// What every client of a scenario shares.
struct Scenario {
    kind: Kind,
    /// The page that has the form (and its CSRF token), and where it posts to.
    page: String,
    post: String,
    fields: Vec<(String, String)>,
    /// Signed-in clients with their CSRF token (supports), one per client.
    users: Mutex<Vec<(reqwest::Client, String)>>,
    next: AtomicUsize,
}

struct Figures {
    requests: usize,
    per_second: f64,
    p50: Duration,
    p99: Duration,
    errors: usize,
}

async fn measure(scenario: Arc<Scenario>, clients: usize, seconds: f64, burst: usize) -> Figures {
    let barrier = Arc::new(Barrier::new(clients));
    let timed = Arc::new(Mutex::new(Duration::ZERO));
    let done = Arc::new(AtomicBool::new(false));
    let started = Arc::new(Mutex::new(Instant::now()));
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (scenario, barrier, timed, done, started) = (
            scenario.clone(),
            barrier.clone(),
            timed.clone(),
            done.clone(),
            started.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            let own = match scenario.kind {
                Kind::Support => scenario.users.lock().await.pop(),
                Kind::Signup => {
                    let c = client();
                    let token = form_token(&c, &scenario.page).await;
                    Some((c, token))
                }
                _ => Some((client(), String::new())),
            };
            let Some((own_client, own_token)) = own else {
                return (latencies, errors + 1);
            };
            let mut toggle = 0usize;
            loop {
                // Prepare (untimed): a survey answer needs a fresh browser and its form.
                let mut prepared = Vec::with_capacity(burst);
                if scenario.kind == Kind::Support {
                    // Showing the page takes the flash messages out of the session cookie.
                    let _ = form_token(&own_client, &scenario.page).await;
                }
                for _ in 0..burst {
                    // A survey answer needs a new browser; a sign-up gets one too, so the
                    // session cookie does not fill up with unread flash messages.
                    prepared.push(if matches!(scenario.kind, Kind::Survey | Kind::Signup) {
                        let c = client();
                        let token = form_token(&c, &scenario.page).await;
                        (c, token)
                    } else {
                        (own_client.clone(), own_token.clone())
                    });
                }
                if barrier.wait().await.is_leader() {
                    *started.lock().await = Instant::now();
                }
                barrier.wait().await;
                for (c, token) in prepared {
                    let i = scenario.next.fetch_add(1, Ordering::Relaxed);
                    let mut form = scenario.fields.clone();
                    match scenario.kind {
                        Kind::Vote => {}
                        Kind::Survey => form.push(("csrf_token".into(), token)),
                        Kind::Signup => {
                            form.push(("csrf_token".into(), token));
                            form.push(("name".into(), format!("Bench {i}")));
                            form.push(("people".into(), "1".into()));
                        }
                        Kind::Support => {
                            form.push(("csrf_token".into(), token));
                            let action = if toggle.is_multiple_of(2) {
                                "add"
                            } else {
                                "remove"
                            };
                            form.push(("action".into(), action.into()));
                            toggle += 1;
                        }
                    }
                    let at = Instant::now();
                    let status = c
                        .post(&scenario.post)
                        .header("X-Forwarded-For", address(i))
                        .form(&form)
                        .send()
                        .await;
                    let status = status.map(|r| r.status().as_u16()).unwrap_or(0);
                    latencies.push(at.elapsed());
                    if status != 303 {
                        errors += 1;
                    }
                }
                if barrier.wait().await.is_leader() {
                    let mut total = timed.lock().await;
                    *total += started.lock().await.elapsed();
                    done.store(total.as_secs_f64() >= seconds, Ordering::SeqCst);
                }
                barrier.wait().await;
                if done.load(Ordering::SeqCst) {
                    break;
                }
            }
            (latencies, errors)
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for task in tasks {
        match task.await {
            Ok((l, e)) => {
                latencies.extend(l);
                errors += e;
            }
            Err(_) => errors += 1,
        }
    }
    latencies.sort();
    let total = timed.lock().await.as_secs_f64().max(1e-9);
    Figures {
        requests: latencies.len(),
        per_second: latencies.len() as f64 / total,
        p50: support::quantile(&latencies, 0.50),
        p99: support::quantile(&latencies, 0.99),
        errors,
    }
}

async fn form_token(c: &reqwest::Client, page: &str) -> String {
    let body = match c.get(page).send().await {
        Ok(r) => r.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    };
    helpers::csrf_token(&body).unwrap_or_default()
}

// ---- the bare reference ----

#[derive(serde::Deserialize)]
struct Vote {
    a1: String,
    a2: String,
    a3: String,
    a4: String,
    a5: String,
}

async fn vote(pool: web::Data<SqlitePool>, form: web::Form<Vote>) -> HttpResponse {
    let stored = async {
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
        let id = Uuid::new_v4().to_string();
        for (question, answer) in [&form.a1, &form.a2, &form.a3, &form.a4, &form.a5]
            .into_iter()
            .enumerate()
        {
            sqlx::query("INSERT INTO answers (id, vote_id, question, answer) VALUES (?, ?, ?, ?)")
                .bind(Uuid::new_v4().to_string())
                .bind(&id)
                .bind(question as i64)
                .bind(answer)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok::<_, sqlx::Error>(())
    }
    .await;
    match stored {
        Ok(()) => HttpResponse::SeeOther()
            .insert_header(("Location", "/thanks"))
            .finish(),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}

/// Starts the reference on a free port; returns its address.
async fn reference(dir: &std::path::Path, synchronous: SqliteSynchronous) -> BenchResult<String> {
    let options = SqliteConnectOptions::new()
        .filename(dir.join("reference.db"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(synchronous)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await?;
    sqlx::query(
        "CREATE TABLE answers (id TEXT PRIMARY KEY, vote_id TEXT NOT NULL, question INTEGER NOT NULL, answer TEXT NOT NULL)",
    )
    .execute(&pool)
    .await?;
    let data = web::Data::new(pool);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/vote", web::post().to(vote))
    })
    .bind(("127.0.0.1", 0))?;
    let port = server.addrs().first().map(|a| a.port()).unwrap_or_default();
    tokio::spawn(server.run());
    Ok(format!("http://127.0.0.1:{port}"))
}

// ---- seeding Teilhabe ----

fn bench_idea(
    board: Uuid,
    place: Uuid,
    category: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> ideas::ActiveModel {
    ideas::ActiveModel {
        id: Set(Uuid::now_v7()),
        board_id: Set(board),
        municipality_id: Set(place),
        category_id: Set(category),
        district: Set(None),
        area_id: Set(None),
        title: Set("Eine Idee".into()),
        body: Set("Ein Vorschlag für den Alltag, kurz beschrieben.".into()),
        author_id: Set(None),
        author_email: Set(None),
        author_name: Set(None),
        language: Set("de".into()),
        notify: Set(false),
        status: Set("published".into()),
        listed: Set(true),
        hidden_reason: Set(None),
        hidden_note: Set(None),
        open_flags: Set(0),
        precheck: Set(String::new()),
        support_count: Set(0),
        comment_count: Set(0),
        official_status: Set("new".into()),
        official_answer: Set(None),
        official_goal_id: Set(None),
        official_measure_id: Set(None),
        answered_at: Set(None),
        receipt_code: Set("BENCH001".into()),
        created_at: Set(now),
        updated_at: Set(now),
        published_at: Set(Some(now)),
        version: Set(0),
        reviewed_at: Set(None),
        code_only: Set(false),
    }
}

#[tokio::main]
async fn main() -> BenchResult {
    let seconds = setting("BENCH_SECONDS", 10) as f64;
    let clients = setting("BENCH_CLIENTS", 32) as usize;
    let burst = setting("BENCH_BURST", 20) as usize;
    let app = helpers::spawn_app_with(&[
        ("TEILHABE_TRUST_PROXY_HEADERS", "true"),
        ("TEILHABE_LOG", "warn"),
    ])
    .await;
    let db = &app.state.db;
    let now = app.state.clock.now();
    let backend = db.get_database_backend();
    // The reference writes with Teilhabe's own durability setting (on PostgreSQL: FULL).
    let synchronous = match backend {
        sea_orm::DbBackend::Sqlite => {
            let row = db
                .query_one_raw(Statement::from_string(backend, "PRAGMA synchronous"))
                .await?
                .ok_or("PRAGMA synchronous")?;
            match row.try_get_by_index::<i32>(0)? {
                0 => SqliteSynchronous::Off,
                1 => SqliteSynchronous::Normal,
                3 => SqliteSynchronous::Extra,
                _ => SqliteSynchronous::Full,
            }
        }
        _ => SqliteSynchronous::Full,
    };

    // Seed: the demo survey (in an open demo round), a board with one idea, a workshop.
    let place = admin::create_municipality(
        db,
        None,
        NewMunicipality {
            name: "Musterstadt",
            slug: "musterstadt",
            min_group_size: 5,
        },
        now,
    )
    .await?;
    let staff =
        accounts::ensure_user(db, "koordination@musterstadt.example", Lang::De, now).await?;
    accounts::grant_role(
        db,
        staff.id,
        teilhabe::identity::Role::Coordinator,
        Some(place.id),
        None,
        now,
    )
    .await?;
    let coordinator = teilhabe::identity::session_user(db, staff.id, staff.session_version)
        .await?
        .ok_or("coordinator")?;
    teilhabe::strategy::demo::seed(db, place.id, now).await?;
    teilhabe::rounds::demo::seed(db, &app.state, &coordinator, place.id, now)
        .await
        .map_err(|e| e.to_string())?;
    demo::seed(db, &coordinator, place.id, now)
        .await
        .map_err(|e| e.to_string())?;
    let survey = {
        use sea_orm::{ColumnTrait, QueryFilter};
        entity::surveys::Entity::find()
            .filter(entity::surveys::Column::Title.eq(demo::TITLE))
            .one(db)
            .await?
            .ok_or("demo survey")?
            .id
    };
    let qs = surveys::questions(db, survey).await?;
    let survey_fields: Vec<(String, String)> = vec![
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
    let round = support::open_round(place.id, "bench-writes", now)
        .insert(db)
        .await?;
    let board = insert_board(
        db,
        &coordinator,
        &round,
        &BoardInput {
            round_id: round.id,
            title: "Bench-Pinnwand".into(),
            question: "Was hilft?".into(),
            premoderated: false,
            closed: false,
            extra_categories: vec!["Thema".into()],
            area_ids: Vec::new(),
        },
        now,
    )
    .await?;
    let category = ideas_model::categories(db, board.id)
        .await?
        .first()
        .ok_or("category")?
        .id;
    let idea = bench_idea(board.id, place.id, category, now)
        .insert(db)
        .await?;
    let workshop = workshops::Entity::insert(workshops::ActiveModel {
        // Without childcare or an interpreter: the sign-up form asks only for name and count.
        childcare: Set(false),
        interpreter_languages: Set(String::new()),
        ..support::published_workshop(&round, 1_000_000, now)
    })
    .exec_with_returning(db)
    .await?;
    let idea_page = app.url(&format!("/ideas/{}/{}", board.id, idea.id));
    let mut users = Vec::new();
    for u in 0..clients {
        let email = format!("fan{u}@bench.example");
        let user = accounts::ensure_user(db, &email, Lang::De, now).await?;
        accounts::store_password(db, user.id, "ein sicheres Passwort").await?;
        accounts::mark_verified(db, user.id, now).await?;
        let c = client();
        let token = form_token(&c, &app.url("/account/login")).await;
        let res = c
            .post(app.url("/account/login"))
            .header("X-Forwarded-For", address(100_000 + u))
            .form(&[
                ("csrf_token", token.as_str()),
                ("email", email.as_str()),
                ("password", "ein sicheres Passwort"),
                ("next", "/"),
            ])
            .send()
            .await?;
        if res.status() != reqwest::StatusCode::SEE_OTHER {
            return Err(format!("login: {}", res.status()).into());
        }
        let token = form_token(&c, &idea_page).await;
        users.push((c, token));
    }

    let dir = tempfile::tempdir()?;
    let reference_url = reference(dir.path(), synchronous).await?;
    let vote_fields: Vec<(String, String)> = (1..=5)
        .map(|n| (format!("a{n}"), format!("Antwort {n}")))
        .collect();
    let scenario = |kind, page: String, post: String, fields, users| {
        Arc::new(Scenario {
            kind,
            page,
            post,
            fields,
            users: Mutex::new(users),
            next: AtomicUsize::new(0),
        })
    };
    let survey_url = app.url(&format!("/surveys/{survey}"));
    let workshop_url = app.url(&format!("/workshops/{}", workshop.id));
    let runs = [
        (
            "reference vote POST (5 inserts)",
            scenario(
                Kind::Vote,
                String::new(),
                format!("{reference_url}/vote"),
                vote_fields,
                Vec::new(),
            ),
        ),
        (
            "anonymous survey submission",
            scenario(
                Kind::Survey,
                survey_url.clone(),
                survey_url,
                survey_fields,
                Vec::new(),
            ),
        ),
        (
            "workshop sign-up",
            scenario(
                Kind::Signup,
                workshop_url.clone(),
                workshop_url,
                Vec::new(),
                Vec::new(),
            ),
        ),
        (
            "idea support (signed in)",
            scenario(
                Kind::Support,
                idea_page.clone(),
                format!("{idea_page}/support"),
                Vec::new(),
                users,
            ),
        ),
    ];
    println!(
        "[{backend:?}, synchronous={synchronous:?}, WAL] {clients} clients, {seconds} s timed per scenario"
    );
    println!(
        "{:<34} {:>8} {:>9} {:>9} {:>9} {:>6} {:>8} {:>8} {:>8}",
        "scenario", "requests", "req/s", "p50 ms", "p99 ms", "errors", "x req/s", "x p50", "x p99"
    );
    let mut base: Option<Figures> = None;
    let mut survey_ratio = 0.0;
    let mut errors = 0;
    let mut survey_p99 = Duration::ZERO;
    let mut writer_lines = Vec::new();
    for (name, run) in runs {
        let kind = run.kind;
        if kind != Kind::Vote && !support::picked("BENCH_SCENARIOS", name) {
            continue;
        }
        let before = app.state.writes.figures();
        let f = measure(run, clients, seconds, burst).await;
        if let (Some(before), Some(after), false) =
            (before, app.state.writes.figures(), kind == Kind::Vote)
        {
            let w = after.since(before);
            let (running, committing) = w.per_batch();
            writer_lines.push(format!(
                "{name:<34} {:>8} {:>8.1} {:>10.2} {:>10.2}",
                w.batches,
                w.mean_batch(),
                running.as_secs_f64() * 1e3,
                committing.as_secs_f64() * 1e3,
            ));
        }
        let b = base.as_ref().unwrap_or(&f);
        let ratio = f.per_second / b.per_second;
        println!(
            "{name:<34} {:>8} {:>9.0} {:>9.1} {:>9.1} {:>6} {:>8.2} {:>8.2} {:>8.2}",
            f.requests,
            f.per_second,
            f.p50.as_secs_f64() * 1e3,
            f.p99.as_secs_f64() * 1e3,
            f.errors,
            ratio,
            f.p50.as_secs_f64() / b.p50.as_secs_f64().max(1e-9),
            f.p99.as_secs_f64() / b.p99.as_secs_f64().max(1e-9),
        );
        errors += f.errors;
        if kind == Kind::Survey {
            survey_ratio = ratio;
            survey_p99 = f.p99;
        }
        if base.is_none() {
            base = Some(f);
        }
    }
    if !writer_lines.is_empty() {
        // Where a write's time goes on SQLite: the writer runs one batch at a time.
        println!(
            "\n{:<34} {:>8} {:>8} {:>10} {:>10}",
            "writer (group commit)", "batches", "writes", "run ms", "commit ms"
        );
        for line in writer_lines {
            println!("{line}");
        }
        println!("(writes: per batch on average; run: BEGIN to its last write; commit: COMMIT)\n");
    }
    println!(
        "goal (survey ≥ 1.5× reference, p99 < 50 ms, 0 errors): {:.2}×, p99 {:.1} ms, {} errors -> {}",
        survey_ratio,
        survey_p99.as_secs_f64() * 1e3,
        errors,
        if survey_ratio >= 1.5 && survey_p99 < Duration::from_millis(50) && errors == 0 {
            "met"
        } else {
            "NOT met"
        }
    );
    app.stop().await;
    if errors > 0 {
        return Err(format!("{errors} requests were not answered with 303").into());
    }
    Ok(())
}
