//! Database entities, one module per table. Templates never see these: each feature slice maps
//! them to its own view models.

pub mod audit_log;
pub mod login_tokens;
pub mod mail_outbox;
pub mod municipalities;
pub mod rate_limits;
pub mod role_assignments;
pub mod users;
