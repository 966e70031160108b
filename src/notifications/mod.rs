//! E-mail through a durable outbox: `service::enqueue` writes a rendered mail in the caller's
//! transaction; `worker` delivers it with retries; admins watch and retry under `/manage/outbox`.

pub mod handlers;
pub mod mailer;
pub mod service;
pub mod worker;
