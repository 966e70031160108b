//! The audit log: every staff and moderation action, with who, what and when. Written in the same
//! transaction as the action itself.

pub mod service;
