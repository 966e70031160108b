//! Moderation: flags on ideas and comments, the queue of what waits for a moderator, and the
//! actions on it (publish, hide, restore, dismiss flags, redact), each in the audit log; authors
//! of hidden contributions can object.

pub mod decide;
pub mod flags;
pub mod forms;
pub mod item;
pub mod model;
pub mod objections;
pub mod precheck;
pub mod queue;
pub mod views;
