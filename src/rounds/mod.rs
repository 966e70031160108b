//! Participation rounds: what coordinators launch, residents find on the home page, and surveys,
//! idea boards and workshops plug into.

pub mod demo;
pub mod forms;
pub mod handlers;
pub mod service;
