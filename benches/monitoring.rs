//! Monitoring bench (not a test): importing 100,000 indicator values through the upload form, and
//! the public goal page and strategy overview at the size they are designed for — 10 indicators ×
//! 20 districts × 11 years.
//!
//! The import is measured as a coordinator goes through it: upload and preview, confirm, and the
//! same file again (which must change nothing). The pages are read by an anonymous visitor, one
//! request at a time.
//!
//! `cargo bench --bench monitoring`; on PostgreSQL with `TEST_DATABASE_URL`. Setting:
//! `BENCH_REQUESTS` (requests per page, default 100).

#[path = "../tests/app/fixtures.rs"]
#[allow(dead_code)]
mod fixtures;
#[path = "../tests/app/helpers.rs"]
#[allow(dead_code)]
mod helpers;
#[allow(dead_code)] // each bench uses part of it
mod support;

use std::time::{Duration, Instant};

use chrono::{Datelike, Months, NaiveDate};
use entity::{areas, goal_indicators, indicator_values, indicators};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, Set};
use uuid::Uuid;

type BenchResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

const DISTRICTS: usize = 20;
const PAGE_INDICATORS: usize = 10;
const IMPORT_INDICATORS: usize = 10;
/// Months per imported indicator and district: 10 × 20 × 500 = 100,000 values.
const MONTHS: usize = 500;

async fn area(
    db: &DatabaseConnection,
    place: Uuid,
    name: &str,
    population: Option<i64>,
    now: chrono::DateTime<chrono::Utc>,
) -> BenchResult<Uuid> {
    Ok(areas::ActiveModel {
        id: Set(Uuid::now_v7()),
        municipality_id: Set(place),
        parent_id: Set(None),
        whole_municipality: Set(population.is_none()),
        name: Set(name.into()),
        population: Set(population),
        population_on: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?
    .id)
}

async fn indicator(
    db: &DatabaseConnection,
    place: Uuid,
    name: &str,
    frequency: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> BenchResult<Uuid> {
    Ok(indicators::ActiveModel {
        id: Set(Uuid::now_v7()),
        municipality_id: Set(Some(place)),
        name: Set(name.into()),
        definition: Set(format!("Was {name} misst.")),
        unit: Set("percent".into()),
        good_direction: Set("down".into()),
        source: Set("Statistik der Bundesagentur für Arbeit".into()),
        frequency: Set(frequency.into()),
        is_rate: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?
    .id)
}

/// The goal page's indicators: `PAGE_INDICATORS` yearly ones adopted by `goal`, with values for
/// the town and every district, 2015–2025 (some districts too small to publish).
async fn page_indicators(
    db: &DatabaseConnection,
    place: Uuid,
    goal: Uuid,
    whole: Uuid,
    districts: &[Uuid],
    now: chrono::DateTime<chrono::Utc>,
) -> BenchResult {
    let mut rows = Vec::new();
    for i in 0..PAGE_INDICATORS {
        let id = indicator(db, place, &format!("Kennzahl {:02}", i + 1), "year", now).await?;
        goal_indicators::ActiveModel {
            goal_id: Set(goal),
            indicator_id: Set(id),
            baseline_value: Set(14.2 + i as f64),
            baseline_period: Set("2019".into()),
            target_value: Set(10.0),
            target_period: Set("2027".into()),
        }
        .insert(db)
        .await?;
        for year in 2015..=2025 {
            let t = f64::from(year - 2015);
            for (d, area) in std::iter::once(&whole).chain(districts).enumerate() {
                let value = 8.0 + d as f64 * 0.83 + i as f64 - t * 0.21;
                rows.push(indicator_values::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    indicator_id: Set(id),
                    area_id: Set(*area),
                    period: Set(year.to_string()),
                    value: Set((value * 100.0).round() / 100.0),
                    numerator: Set(Some(60.0)),
                    denominator: Set(Some(600.0)),
                    note: Set(String::new()),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
            }
        }
    }
    for chunk in rows.chunks(500) {
        indicator_values::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The long form, 100,000 lines: every imported indicator × district × month, the last month
/// being the one before `today`'s.
fn long_sheet(names: &[String], districts: &[String], today: NaiveDate) -> Vec<u8> {
    let first_of_month = today.with_day(1).unwrap_or(today);
    let mut csv = String::from("Kennzahl;Gebiet;Zeitraum;Wert\n");
    for (i, name) in names.iter().enumerate() {
        for (d, district) in districts.iter().enumerate() {
            for m in 0..MONTHS {
                let month = first_of_month
                    .checked_sub_months(Months::new(m as u32 + 1))
                    .unwrap_or(first_of_month);
                let value = 5.0 + (i + d) as f64 * 0.5 + (m % 12) as f64 * 0.1;
                csv.push_str(&format!(
                    "{name};{district};{};{}\n",
                    month.format("%Y-%m"),
                    format!("{value:.1}").replace('.', ",")
                ));
            }
        }
    }
    csv.into_bytes()
}

fn hidden(body: &str, name: &str) -> BenchResult<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let at = body.find(&marker).ok_or(format!("no {name} on the page"))? + marker.len();
    let end = body[at..].find('"').ok_or("unterminated value")?;
    Ok(body[at..at + end].to_string())
}

/// Uploads, previews and confirms `sheet`; the times of (upload + preview, confirm) and the
/// preview page.
async fn import(
    app: &helpers::TestApp,
    place: Uuid,
    sheet: &[u8],
) -> BenchResult<(Duration, Duration, String)> {
    let path = format!("/manage/municipalities/{place}/import");
    let form = app.get(&path).await;
    let token = helpers::csrf_token(&form.body).ok_or("no token on the upload form")?;
    let (content_type, body) = helpers::multipart(&token, "", "werte.csv", sheet);
    let started = Instant::now();
    let uploaded = app
        .client
        .post(app.url(&path))
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await?;
    let location = uploaded
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .ok_or(format!("upload answered {}", uploaded.status()))?
        .to_string();
    let preview = app.get(&location).await;
    let previewed = started.elapsed();
    if !preview.body.contains("name=\"digest\"") {
        return Ok((previewed, Duration::ZERO, preview.body));
    }
    let fields = [
        ("csrf_token", hidden(&preview.body, "csrf_token")?),
        ("digest", hidden(&preview.body, "digest")?),
    ];
    let started = Instant::now();
    let confirmed = app
        .client
        .post(app.url(&location))
        .form(&fields)
        .send()
        .await?;
    let status = confirmed.status();
    let _ = confirmed.bytes().await;
    let applied = started.elapsed();
    if status != reqwest::StatusCode::SEE_OTHER {
        return Err(format!("confirming answered {status}").into());
    }
    Ok((previewed, applied, preview.body))
}

async fn stored_values(db: &DatabaseConnection) -> BenchResult<i64> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM indicator_values",
        ))
        .await?
        .ok_or("no count")?;
    Ok(row.try_get("", "n")?)
}

#[tokio::main]
async fn main() -> BenchResult {
    let requests = std::env::var("BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100usize);
    let app = helpers::spawn_app().await;
    let db = &app.state.db;
    let backend = format!("{:?}", db.get_database_backend());
    let now = app.state.clock.now();
    let place = fixtures::signed_in_coordinator(&app, "k@benchstadt.example", "benchstadt").await;
    let goals = fixtures::seed_goals(&app, place, &["Weniger Armut", "Mehr Teilhabe"]).await;
    let whole = area(db, place, "Ganze Stadt", None, now).await?;
    let mut districts = Vec::new();
    let mut names = Vec::new();
    for d in 0..DISTRICTS {
        let name = format!("Sozialraum {:02}", d + 1);
        let population = if d % 7 == 3 {
            200
        } else {
            4000 + d as i64 * 100
        };
        districts.push(area(db, place, &name, Some(population), now).await?);
        names.push(name);
    }
    page_indicators(db, place, goals[0], whole, &districts, now).await?;

    // ---- import ----
    let mut imported = Vec::new();
    for i in 0..IMPORT_INDICATORS {
        let name = format!("Monatswert {:02}", i + 1);
        indicator(db, place, &name, "month", now).await?;
        imported.push(name);
    }
    let today = now.date_naive();
    let sheet = long_sheet(&imported, &names, today);
    let before = stored_values(db).await?;
    let (previewed, applied, _) = import(&app, place, &sheet).await?;
    let added = stored_values(db).await? - before;
    println!(
        "[{backend}] import of {} lines ({} KB CSV): upload + preview {:.2} s, confirm {:.2} s; {added} values stored",
        IMPORT_INDICATORS * DISTRICTS * MONTHS,
        sheet.len() / 1024,
        previewed.as_secs_f64(),
        applied.as_secs_f64(),
    );
    let (again, _, preview) = import(&app, place, &sheet).await?;
    println!(
        "[{backend}] the same file again: upload + preview {:.2} s, nothing to change: {}; values stored {}",
        again.as_secs_f64(),
        !preview.contains("name=\"digest\""),
        stored_values(db).await? - before
    );

    // ---- pages ----
    let visitor = helpers::new_client();
    for (what, path) in [
        (
            "goal page (10 indicators × 20 districts × 11 years)",
            format!("/goals/{}", goals[0]),
        ),
        (
            "strategy page with its overview",
            "/strategies/benchstadt".to_string(),
        ),
    ] {
        let mut samples = Vec::with_capacity(requests);
        let mut bytes = 0;
        for _ in 0..requests {
            let at = Instant::now();
            let res = visitor.get(app.url(&path)).send().await?;
            let status = res.status();
            let body = res.bytes().await?;
            samples.push(at.elapsed());
            if status != reqwest::StatusCode::OK {
                return Err(format!("{path} answered {status}").into());
            }
            bytes = body.len();
        }
        println!(
            "[{backend}] {what}: {requests} requests, {} ({:.1} KB HTML)",
            support::latency_summary(samples),
            bytes as f64 / 1024.0
        );
    }
    app.stop().await;
    Ok(())
}
