//! Moderation: flags on ideas and comments, the queue of what waits for a moderator, and the
//! actions on it (publish, hide, restore, dismiss flags, redact), each in the audit log; authors
//! of hidden contributions can object.

pub mod flags;
pub mod forms;
pub mod handlers;
pub mod service;
