//! What every request handler can reach, shared through `web::Data<AppState>`. Nothing here holds
//! state that must be the same across instances: that lives in the database and in cookies.

use std::sync::{
    Arc,
    atomic::{AtomicI64, Ordering},
};

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use tokio::sync::Notify;

use crate::{config::Settings, secrets::Keys, web::render::Templates};

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    pub keys: Keys,
    pub templates: Templates,
    pub clock: Clock,
    /// Wakes this instance's outbox worker after a mail was enqueued here.
    pub mail_wakeup: Arc<Notify>,
}

/// The time as the application sees it. Tests move it forward to reach deadlines and expiries
/// without waiting.
#[derive(Clone, Default)]
pub struct Clock {
    offset_seconds: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + chrono::Duration::seconds(self.offset_seconds.load(Ordering::Relaxed))
    }

    /// Moves the application's time forward (tests only need this).
    pub fn advance(&self, by: chrono::Duration) {
        self.offset_seconds
            .fetch_add(by.num_seconds(), Ordering::Relaxed);
    }
}
