//! Workshops (*Beteiligungswerkstätten*): in-person meetings of a round with sign-up without an
//! account, capacity and waitlist, check-in, reminders, documentation, and deletion of personal
//! data after the workshop.

pub mod demo;
pub mod forms;
pub mod handlers;
pub mod service;
pub mod views;
