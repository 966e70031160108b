//! What the benches share beside the test harness: how latencies are summarised, the demo
//! municipality with its coordinator, and the open round their workshops, boards and surveys hang
//! on.

use std::time::Duration;

// The allocator the server binary runs with (src/main.rs), for Teilhabe and the reference alike.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use entity::{municipalities, rounds, workshops};
use sea_orm::{DatabaseConnection, Set};
use teilhabe::{
    accounts::model as accounts,
    admin::service::{self as admin, NewMunicipality},
    identity::{self, CurrentUser, Role},
    web::i18n::Lang,
};
use uuid::Uuid;

/// The value at quantile `q` (0–1) of `sorted`.
pub fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

/// Whether `name` is among what the environment variable `setting` picks: a comma-separated list
/// of words, of which `name` contains one (`BENCH_PAGES=goal,strategy`). Unset picks everything.
pub fn picked(setting: &str, name: &str) -> bool {
    std::env::var(setting).map_or(true, |words| {
        words.split(',').any(|word| name.contains(word.trim()))
    })
}

/// Musterstadt (minimum group size 5) and its coordinator, as `teilhabe demo` makes them. The
/// error is a message, so that every bench's own error type takes it.
pub async fn musterstadt(
    db: &DatabaseConnection,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(municipalities::Model, CurrentUser), String> {
    let failed = |e: sea_orm::DbErr| e.to_string();
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
    .await
    .map_err(|e| e.to_string())?;
    let user = accounts::ensure_user(db, "koordination@musterstadt.example", Lang::De, now)
        .await
        .map_err(failed)?;
    accounts::grant_role(db, user.id, Role::Coordinator, Some(place.id), None, now)
        .await
        .map_err(failed)?;
    let coordinator = identity::session_user(db, user.id, user.session_version)
        .await
        .map_err(failed)?
        .ok_or("no coordinator")?;
    Ok((place, coordinator))
}

/// "p50 …, p95 …, max …" in milliseconds, over `samples` in any order.
pub fn latency_summary(mut samples: Vec<Duration>) -> String {
    if samples.is_empty() {
        return "no samples".into();
    }
    samples.sort();
    let at = |q: f64| quantile(&samples, q);
    format!(
        "p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        at(0.50).as_secs_f64() * 1e3,
        at(0.95).as_secs_f64() * 1e3,
        at(1.0).as_secs_f64() * 1e3,
    )
}

/// An open round of `place` (opened a day before `now`, ending 30 days after), to insert.
pub fn open_round(
    place: Uuid,
    slug: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> rounds::ActiveModel {
    rounds::ActiveModel {
        id: Set(Uuid::now_v7()),
        municipality_id: Set(place),
        slug: Set(slug.into()),
        title: Set("Bench".into()),
        summary: Set(String::new()),
        description: Set(String::new()),
        status: Set("open".into()),
        starts_at: Set(now - chrono::Duration::days(1)),
        ends_at: Set(now + chrono::Duration::days(30)),
        scheduled_at: Set(None),
        contact_name: Set("Bench".into()),
        contact_phone: Set(String::new()),
        contact_email: Set("bench@example.org".into()),
        contact_address: Set(String::new()),
        evaluation_summary: Set(None),
        opened_at: Set(Some(now)),
        closed_at: Set(None),
        evaluated_at: Set(None),
        created_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// A published workshop of `round` ten days after `now`, with childcare and an interpreter, to
/// insert.
pub fn published_workshop(
    round: &rounds::Model,
    capacity: i32,
    now: chrono::DateTime<chrono::Utc>,
) -> workshops::ActiveModel {
    workshops::ActiveModel {
        id: Set(Uuid::now_v7()),
        round_id: Set(round.id),
        municipality_id: Set(round.municipality_id),
        title: Set("Bench-Werkstatt".into()),
        description: Set(String::new()),
        starts_at: Set(now + chrono::Duration::days(10)),
        ends_at: Set(now + chrono::Duration::days(10) + chrono::Duration::hours(2)),
        address: Set("Rathaus".into()),
        room: Set(String::new()),
        area_id: Set(None),
        transit: Set(String::new()),
        capacity: Set(capacity),
        max_per_signup: Set(4),
        signup_deadline: Set(now + chrono::Duration::days(9)),
        step_free: Set(true),
        childcare: Set(true),
        interpreter_languages: Set("Arabisch".into()),
        sign_language: Set(false),
        travel_costs: Set(false),
        food: Set(false),
        status: Set("published".into()),
        documentation: Set(None),
        reminded_at: Set(None),
        personal_data_deleted_at: Set(None),
        published_at: Set(Some(now)),
        cancelled_at: Set(None),
        held_at: Set(None),
        created_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
}
