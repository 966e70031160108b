//! Survey load bench (not a test): seeds a survey with 100,000 responses through batched INSERTs,
//! then measures through HTTP (a) answering concurrently and (b) rendering the results page and a
//! breakdown. Run with `cargo bench --bench surveys`; with TEST_DATABASE_URL set it runs on
//! PostgreSQL.

#[path = "../tests/app/helpers.rs"]
#[allow(dead_code)]
mod helpers;
#[allow(dead_code)] // each bench uses part of it
mod support;

use std::time::{Duration, Instant};

use futures::{StreamExt, stream};
use teilhabe::surveys::{demo, queries as surveys};

const SEEDED: usize = 100_000;
const SUBMISSIONS: usize = 1_000;
const CONCURRENCY: usize = 16;
const RENDERS: usize = 20;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let app = helpers::spawn_app_with(&[("TEILHABE_TRUST_PROXY_HEADERS", "true")]).await;
    let db = &app.state.db;
    let now = app.state.clock.now();
    let backend = format!("{:?}", sea_orm::ConnectionTrait::get_database_backend(db));

    // The demo municipality, strategy, rounds and survey, then 100,000 responses in batches.
    let (place, coordinator) = support::musterstadt(db, now).await?;
    teilhabe::strategy::demo::seed(db, place.id, now).await?;
    teilhabe::rounds::demo::seed(db, &app.state, &coordinator, place.id, now)
        .await
        .map_err(|e| e.to_string())?;
    demo::seed(db, &coordinator, place.id, now)
        .await
        .map_err(|e| e.to_string())?;
    let survey = demo_survey(db).await?;
    let qs = surveys::questions(db, survey).await?;
    let started = Instant::now();
    let txn = teilhabe::db::begin_write(db).await?;
    demo::add_responses(&txn, survey, &qs, SEEDED - demo::RESPONSES, 42, now)
        .await
        .map_err(|e| e.to_string())?;
    txn.commit().await?;
    // PostgreSQL plans by statistics its autovacuum gathers a while after large changes; an
    // operator's database has them, a freshly seeded one not yet (as in the pages bench).
    if sea_orm::ConnectionTrait::get_database_backend(db) == sea_orm::DbBackend::Postgres {
        sea_orm::ConnectionTrait::execute_unprepared(db, "ANALYZE").await?;
    }
    let before = surveys::response_count(db, survey).await?;
    println!(
        "[{backend}] seeded {before} responses in {:.1} s (batched multi-row INSERTs)",
        started.elapsed().as_secs_f64()
    );

    // (a) Answering: each virtual resident fetches the form (session, CSRF token, browser guard)
    // and sends the whole survey in one POST; only the POST is timed.
    let path = format!("/surveys/{survey}");
    let fields: Vec<(String, String)> = vec![
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
    let url = app.url(&path);
    let started = Instant::now();
    let results: Vec<(u16, Duration)> = stream::iter(0..SUBMISSIONS)
        .map(|i| {
            let url = url.clone();
            let fields = fields.clone();
            async move {
                let client = helpers::new_client();
                let ip = format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256);
                let form = client.get(&url).header("x-forwarded-for", &ip).send().await;
                let body = match form {
                    Ok(r) => r.text().await.unwrap_or_default(),
                    Err(_) => String::new(),
                };
                let token = helpers::csrf_token(&body).unwrap_or_default();
                let mut all = fields.clone();
                all.push(("csrf_token".into(), token));
                let t = Instant::now();
                let status = client
                    .post(&url)
                    .header("x-forwarded-for", &ip)
                    .form(&all)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0);
                (status, t.elapsed())
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let wall = started.elapsed();
    let stored = results.iter().filter(|(s, _)| *s == 303).count();
    let after = surveys::response_count(db, survey).await?;
    println!(
        "[{backend}] answering: {SUBMISSIONS} residents, concurrency {CONCURRENCY}: {:.0} responses/s (incl. fetching the form), POST {}",
        SUBMISSIONS as f64 / wall.as_secs_f64(),
        support::latency_summary(results.iter().map(|(_, d)| *d).collect())
    );
    println!(
        "[{backend}] invariant: {stored} answered with 303, responses grew by {} (must be equal)",
        after - before
    );
    assert_eq!(stored, SUBMISSIONS);
    assert_eq!((after - before) as usize, stored);

    // (b) Rendering the results of ~101,000 responses, and a breakdown: the first view counts in
    // SQL, the following ones use the counts kept under the response count (`results_cache.rs`).
    let age = qs
        .iter()
        .find(|q| q.model.demographic)
        .ok_or("demographic")?
        .model
        .id;
    for (what, page) in [
        ("results page", format!("/surveys/{survey}/results")),
        (
            "breakdown by age",
            format!("/surveys/{survey}/results?by={age}"),
        ),
    ] {
        let t = Instant::now();
        let first = app.get(&page).await;
        let first_view = t.elapsed();
        assert_eq!(first.status, reqwest::StatusCode::OK);
        let mut samples = Vec::new();
        let mut bytes = 0;
        for _ in 0..RENDERS {
            let t = Instant::now();
            let res = app.get(&page).await;
            samples.push(t.elapsed());
            assert_eq!(res.status, reqwest::StatusCode::OK);
            bytes = res.body.len();
        }
        println!(
            "[{backend}] {what}: first view after the new responses {:.1} ms, then {RENDERS} views (kept in memory) {} ({} KB HTML)",
            first_view.as_secs_f64() * 1000.0,
            support::latency_summary(samples),
            bytes / 1024
        );
    }
    app.stop().await;
    Ok(())
}

async fn demo_survey(
    db: &sea_orm::DatabaseConnection,
) -> Result<uuid::Uuid, Box<dyn std::error::Error>> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    Ok(entity::surveys::Entity::find()
        .filter(entity::surveys::Column::Title.eq(demo::TITLE))
        .one(db)
        .await?
        .ok_or("demo survey")?
        .id)
}
