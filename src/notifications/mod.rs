//! E-mail through a durable outbox: `service::enqueue` writes a rendered mail, encrypted, in the
//! caller's transaction; `delivery` (run by the worker in `crate::jobs`) sends it with retries and then forgets its
//! contents; admins watch and retry under `/manage/outbox`.

pub mod delivery;
pub mod handlers;
pub mod mailer;
pub mod service;
