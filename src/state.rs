//! What every request handler can reach, shared through `web::Data<AppState>`. Nothing here holds
//! state that must be the same across instances: that lives in the database and in cookies.

use std::sync::{
    Arc,
    atomic::{AtomicI64, Ordering},
};

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use tokio::sync::Notify;

use crate::{
    config::Settings, group_commit::Writes, secrets::Keys, storage::Storage, web::render::Templates,
};

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    /// Short writes residents make at volume (survey answers, sign-ups, supports, flags): on
    /// SQLite committed together by one writer (group commit), on PostgreSQL each on its own.
    pub writes: Writes,
    pub settings: Arc<Settings>,
    pub keys: Keys,
    pub templates: Templates,
    pub clock: Clock,
    /// Wakes this instance's outbox worker after a mail was enqueued here.
    pub mail_wakeup: Arc<Notify>,
    /// The health probe's last result and the tests' storage fault hook.
    pub storage: Arc<Storage>,
}

/// The time as the application sees it: the wall clock plus an offset. In production the offset
/// stays zero. Tests start it at a chosen instant ([`Clock::starting_at`]) so they behave the same
/// at any hour of the day, and move it forward to reach deadlines and expiries without waiting.
#[derive(Clone, Default)]
pub struct Clock {
    /// Nanoseconds (exact: a clock set to an instant reads no earlier than it), enough for
    /// ±292 years.
    offset_nanos: Arc<AtomicI64>,
}

impl Clock {
    /// The wall clock.
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock that reads `start` now and then runs on at the wall clock's pace.
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        let clock = Self::default();
        clock.set(start);
        clock
    }

    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + chrono::Duration::nanoseconds(self.offset_nanos.load(Ordering::Relaxed))
    }

    /// Moves the application's time forward (tests only need this).
    pub fn advance(&self, by: chrono::Duration) {
        self.offset_nanos
            .fetch_add(by.num_nanoseconds().unwrap_or(i64::MAX), Ordering::Relaxed);
    }

    /// Makes the application's time read `to` now; it runs on from there.
    pub fn set(&self, to: DateTime<Utc>) {
        let offset = (to - Utc::now()).num_nanoseconds().unwrap_or(i64::MAX);
        self.offset_nanos.store(offset, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_started_at_an_instant_reads_it_and_runs_on() {
        let start: DateTime<Utc> = "2027-03-27T22:30:00Z".parse().unwrap_or_default();
        let clock = Clock::starting_at(start);
        let read = clock.now();
        assert!(read >= start && read - start < chrono::Duration::seconds(5));
        clock.advance(chrono::Duration::hours(20));
        let later = clock.now() - start;
        assert!(later >= chrono::Duration::hours(20));
        assert!(later < chrono::Duration::hours(20) + chrono::Duration::seconds(5));
    }

    #[test]
    fn the_system_clock_is_the_wall_clock() {
        let skew = (Clock::system().now() - Utc::now()).num_seconds().abs();
        assert!(skew < 5);
    }
}
