//! What the benches share beside the test harness: how latencies are summarised, and the open
//! round their workshops, boards and surveys hang on.

use std::time::Duration;

// The allocator the server binary runs with (src/main.rs), for Teilhabe and the reference alike.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use entity::{rounds, workshops};
use sea_orm::Set;
use uuid::Uuid;

/// "p50 …, p95 …, max …" in milliseconds, over `samples` in any order.
pub fn latency_summary(mut samples: Vec<Duration>) -> String {
    if samples.is_empty() {
        return "no samples".into();
    }
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
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
