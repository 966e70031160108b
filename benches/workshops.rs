//! Hammers one workshop's sign-up with concurrent HTTP requests and checks that the capacity held.
//!
//! `cargo bench --bench workshops` (SQLite), or with
//! `TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test` on PostgreSQL.
//! Settings: `BENCH_REQUESTS` (default 1000), `BENCH_CONCURRENCY` (32), `BENCH_CAPACITY` (200).

#[path = "../tests/app/helpers.rs"]
#[allow(dead_code)]
mod helpers;
#[allow(dead_code)] // each bench uses part of it
mod support;

use std::time::{Duration, Instant};

use entity::{rounds, workshop_signups, workshops};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let requests = setting("BENCH_REQUESTS", 1000);
    let concurrency = setting("BENCH_CONCURRENCY", 32);
    let capacity = setting("BENCH_CAPACITY", 200) as i32;
    let app = helpers::spawn_app_with(&[
        ("TEILHABE_TRUST_PROXY_HEADERS", "true"),
        ("TEILHABE_LOG", "warn"),
    ])
    .await;
    let db = &app.state.db;
    let now = app.state.clock.now();
    let place = teilhabe::admin::service::create_municipality(
        db,
        None,
        teilhabe::admin::service::NewMunicipality {
            name: "Benchstadt",
            slug: "benchstadt",
            min_group_size: 5,
        },
        now,
    )
    .await?;
    let round = rounds::Entity::insert(support::open_round(place.id, "bench", now))
        .exec_with_returning(db)
        .await?;

    // Background volume: 50 other workshops with 200 sign-ups each, in batched INSERTs.
    let seed_start = Instant::now();
    let others: Vec<workshops::ActiveModel> = (0..50)
        .map(|_| support::published_workshop(&round, 200, now))
        .collect();
    let other_ids: Vec<Uuid> = others
        .iter()
        .filter_map(|w| match &w.id {
            sea_orm::ActiveValue::Set(id) => Some(*id),
            _ => None,
        })
        .collect();
    workshops::Entity::insert_many(others).exec(db).await?;
    for workshop_id in &other_ids {
        let rows = (1..=200).map(|seq| workshop_signups::ActiveModel {
            id: Set(Uuid::now_v7()),
            workshop_id: Set(*workshop_id),
            seq: Set(seq),
            code: Set(format!("B{seq:05}")),
            token_hash: Set(Some(format!("{workshop_id}-{seq}"))),
            status: Set("confirmed".into()),
            people: Set(1),
            name: Set(Some(format!("Person {seq}"))),
            email: Set(None),
            phone: Set(None),
            children: Set(0),
            children_ages: Set(None),
            interpreter_language: Set(None),
            step_free: Set(false),
            note: Set(None),
            lang: Set("de".into()),
            source: Set("online".into()),
            checked_in_at: Set(None),
            promoted_at: Set(None),
            cancelled_at: Set(None),
            personal_data_deleted_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        });
        workshop_signups::Entity::insert_many(rows).exec(db).await?;
    }
    let target = workshops::Entity::insert(support::published_workshop(&round, capacity, now))
        .exec_with_returning(db)
        .await?;
    println!(
        "seeded 50 workshops with 10000 sign-ups in {:.1} s ({})",
        seed_start.elapsed().as_secs_f64(),
        if std::env::var("TEST_DATABASE_URL").is_ok() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );

    // Each client takes the form (and its CSRF token) once, then signs up again and again.
    let url = app.url(&format!("/workshops/{}", target.id));
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let url = url.clone();
        let next = next.clone();
        tasks.push(tokio::spawn(async move {
            let client = helpers::new_client();
            let form = client.get(&url).send().await?.text().await?;
            let token = helpers::csrf_token(&form).unwrap_or_default();
            let mut latencies = Vec::new();
            let mut failures = 0usize;
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= requests {
                    break;
                }
                let people = if i.is_multiple_of(3) { "2" } else { "1" };
                let name = format!("Bench {i}");
                let ip = format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256);
                let at = Instant::now();
                let res = client
                    .post(&url)
                    .header("X-Forwarded-For", ip)
                    .form(&[
                        ("csrf_token", token.as_str()),
                        ("name", name.as_str()),
                        ("people", people),
                    ])
                    .send()
                    .await?;
                latencies.push(at.elapsed());
                if res.status() != reqwest::StatusCode::SEE_OTHER {
                    failures += 1;
                }
            }
            Ok::<_, reqwest::Error>((latencies, failures))
        }));
    }
    let mut latencies: Vec<Duration> = Vec::new();
    let mut failures = 0;
    for task in tasks {
        let (l, f) = task.await??;
        latencies.extend(l);
        failures += f;
    }
    let elapsed = started.elapsed();

    let all = workshop_signups::Entity::find()
        .filter(workshop_signups::Column::WorkshopId.eq(target.id))
        .order_by_asc(workshop_signups::Column::Seq)
        .all(db)
        .await?;
    let confirmed: Vec<_> = all.iter().filter(|s| s.status == "confirmed").collect();
    let waiting: Vec<_> = all.iter().filter(|s| s.status == "waitlisted").collect();
    let confirmed_people: i32 = confirmed.iter().map(|s| s.people).sum();
    let last_confirmed = confirmed.iter().map(|s| s.seq).max().unwrap_or(0);
    let first_waiting = waiting.iter().map(|s| s.seq).min().unwrap_or(i32::MAX);
    let seqs_unique = all.windows(2).all(|w| w[0].seq < w[1].seq);

    println!(
        "{requests} sign-ups, concurrency {concurrency}, capacity {capacity}: {:.0} sign-ups/s, \
         {}, failed {failures}",
        requests as f64 / elapsed.as_secs_f64(),
        support::latency_summary(latencies),
    );
    println!(
        "confirmed: {} sign-ups with {confirmed_people} people (capacity {capacity}); \
         waitlisted: {} sign-ups, all after the last confirmed one: {}",
        confirmed.len(),
        waiting.len(),
        last_confirmed < first_waiting
    );
    assert_eq!(failures, 0, "every sign-up was answered with a redirect");
    assert_eq!(all.len(), requests, "every sign-up was stored");
    assert!(confirmed_people <= capacity, "capacity exceeded");
    assert!(
        confirmed_people > capacity - 2,
        "places stayed free while people waited"
    );
    assert_eq!(confirmed.len() + waiting.len(), requests);
    assert!(
        last_confirmed < first_waiting,
        "the waitlist keeps arrival order"
    );
    assert!(seqs_unique, "arrival numbers are unique");
    println!("capacity held: yes");
    app.stop().await;
    Ok(())
}
