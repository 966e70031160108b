//! Bench (not a test): the board list with 100,000 ideas, sorted by support and filtered by
//! category, and the support action under concurrency. Run with `cargo bench --bench ideas`
//! (SQLite) or with `TEST_DATABASE_URL=postgres://…` (PostgreSQL).

#[path = "../tests/app/helpers.rs"]
#[allow(dead_code)]
mod helpers;
#[allow(dead_code)] // each bench uses part of it
mod support;

use std::time::Instant;

use entity::ideas;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use teilhabe::{
    accounts::model as accounts,
    admin::service::{self as admin, NewMunicipality},
    ideas::{
        manage_boards::{BoardInput, insert_board},
        model as ideas_model,
    },
    web::i18n::Lang,
};
use uuid::Uuid;

const IDEAS: usize = 100_000;
/// Rows per INSERT: SQLite takes at most 32,766 values per statement.
const BATCH: usize = 500;
const CATEGORIES: usize = 10;
const LIST_REQUESTS: usize = 200;
const LIST_CONCURRENCY: usize = 8;
const SUPPORTERS: usize = 50;
const TOGGLES: usize = 11;

type BenchResult = Result<(), Box<dyn std::error::Error>>;

fn client(ip: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "X-Forwarded-For",
        reqwest::header::HeaderValue::from_str(ip).unwrap_or_else(|e| panic!("{e}")),
    );
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::main]
async fn main() -> BenchResult {
    let app = helpers::spawn_app_with(&[("TEILHABE_TRUST_PROXY_HEADERS", "true")]).await;
    let db = &app.state.db;
    let now = app.state.clock.now();
    let backend = if std::env::var("TEST_DATABASE_URL").is_ok() {
        "PostgreSQL"
    } else {
        "SQLite"
    };

    // ---- seed ----
    let started = Instant::now();
    let place = admin::create_municipality(
        db,
        None,
        NewMunicipality {
            name: "Benchstadt",
            slug: "benchstadt",
            min_group_size: 5,
        },
        now,
    )
    .await?;
    let staff = accounts::ensure_user(db, "koordi@bench.example", Lang::De, now).await?;
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
    let round = support::open_round(place.id, "bench", now)
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
            extra_categories: (0..CATEGORIES).map(|c| format!("Thema {c}")).collect(),
            area_ids: Vec::new(),
        },
        now,
    )
    .await?;
    let categories: Vec<Uuid> = ideas_model::categories(db, board.id)
        .await?
        .iter()
        .map(|c| c.id)
        .collect();
    for batch in 0..IDEAS / BATCH {
        let rows: Vec<ideas::ActiveModel> = (0..BATCH)
            .map(|k| {
                let n = batch * BATCH + k;
                let at = now - chrono::Duration::seconds(n as i64);
                ideas::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    board_id: Set(board.id),
                    municipality_id: Set(place.id),
                    category_id: Set(categories[n % categories.len()]),
                    district: Set(None),
                    area_id: Set(None),
                    title: Set(format!("Idee Nummer {n}")),
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
                    support_count: Set(((n * 7919) % 500) as i32),
                    comment_count: Set((n % 13) as i32),
                    official_status: Set("new".into()),
                    official_answer: Set(None),
                    official_goal_id: Set(None),
                    official_measure_id: Set(None),
                    answered_at: Set(None),
                    receipt_code: Set(format!("B{n:07}")),
                    created_at: Set(at),
                    updated_at: Set(at),
                    published_at: Set(Some(at)),
                    version: Set(0),
                    reviewed_at: Set(None),
                    code_only: Set(false),
                }
            })
            .collect();
        ideas::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    println!(
        "[{backend}] seeded {IDEAS} ideas in {} batches of {BATCH} in {:.1?}",
        IDEAS / BATCH,
        started.elapsed()
    );

    // ---- the board list ----
    let reader = client("10.1.0.1");
    let paths: Vec<String> = (0..LIST_REQUESTS)
        .map(|i| {
            format!(
                "/ideas/{}?sort=support&category={}&page={}",
                board.id,
                categories[i % categories.len()],
                1 + i % 5
            )
        })
        .collect();
    let first = reader.get(app.url(&paths[0])).send().await?;
    assert_eq!(first.status(), StatusCode::OK);
    let bytes = first.text().await?.len();
    let started = Instant::now();
    let mut latencies = Vec::with_capacity(LIST_REQUESTS);
    for chunk in paths.chunks(LIST_CONCURRENCY) {
        let requests = chunk.iter().map(|p| {
            let reader = reader.clone();
            let url = app.url(p);
            async move {
                let t = Instant::now();
                let res = reader.get(url).send().await?;
                let status = res.status();
                res.bytes().await?;
                Ok::<_, reqwest::Error>((status, t.elapsed()))
            }
        });
        for result in futures::future::join_all(requests).await {
            let (status, took) = result?;
            assert_eq!(status, StatusCode::OK);
            latencies.push(took);
        }
    }
    let total = started.elapsed();
    println!(
        "[{backend}] board list (sort=support, one category, pages 1-5): {LIST_REQUESTS} requests, concurrency {LIST_CONCURRENCY}: {:.0} req/s, {}, page {bytes} bytes",
        LIST_REQUESTS as f64 / total.as_secs_f64(),
        support::latency_summary(latencies),
    );

    // ---- supports under concurrency ----
    let target = ideas::Entity::find_by_id(
        ideas_model::find_by_receipt(db, "B0000001")
            .await?
            .ok_or("idea")?
            .id,
    )
    .one(db)
    .await?
    .ok_or("idea")?;
    let before = target.support_count;
    let idea_path = format!("/ideas/{}/{}", board.id, target.id);
    let mut users = Vec::new();
    for u in 0..SUPPORTERS {
        let email = format!("fan{u}@bench.example");
        let user = accounts::ensure_user(db, &email, Lang::De, now).await?;
        accounts::store_password(db, user.id, "ein sicheres Passwort").await?;
        accounts::mark_verified(db, user.id, now).await?;
        let c = client(&format!("10.2.{}.{}", u / 200, u % 200 + 1));
        let login = c
            .get(app.url("/account/login"))
            .send()
            .await?
            .text()
            .await?;
        let token = helpers::csrf_token(&login).ok_or("token")?;
        let res = c
            .post(app.url("/account/login"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("email", email.as_str()),
                ("password", "ein sicheres Passwort"),
                ("next", "/"),
            ])
            .send()
            .await?;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let page = c.get(app.url(&idea_path)).send().await?.text().await?;
        let token = helpers::csrf_token(&page).ok_or("token")?;
        users.push((c, token));
    }
    let url = app.url(&format!("{idea_path}/support"));
    let started = Instant::now();
    let runs = users.iter().map(|(c, token)| {
        let (c, token, url) = (c.clone(), token.clone(), url.clone());
        async move {
            for t in 0..TOGGLES {
                let action = if t % 2 == 0 { "add" } else { "remove" };
                let res = c
                    .post(&url)
                    .form(&[("csrf_token", token.as_str()), ("action", action)])
                    .send()
                    .await?;
                assert_eq!(res.status(), StatusCode::SEE_OTHER);
            }
            Ok::<_, reqwest::Error>(())
        }
    });
    for result in futures::future::join_all(runs).await {
        result?;
    }
    let took = started.elapsed();
    let after = ideas::Entity::find_by_id(target.id)
        .one(db)
        .await?
        .ok_or("idea")?;
    let rows = teilhabe::ideas::support::support_rows(db, target.id).await?;
    let requests = SUPPORTERS * TOGGLES;
    println!(
        "[{backend}] support toggles: {SUPPORTERS} signed-in users in parallel, {TOGGLES} toggles each ({requests} requests): {:.0} req/s; rows {rows}, count {} (seeded {before}, +{rows}) -> {}",
        requests as f64 / took.as_secs_f64(),
        after.support_count,
        if after.support_count as u64 == before as u64 + rows && rows == SUPPORTERS as u64 {
            "consistent"
        } else {
            "MISMATCH"
        },
    );
    assert_eq!(rows, SUPPORTERS as u64);
    assert_eq!(after.support_count as u64, before as u64 + rows);
    app.stop().await;
    Ok(())
}
