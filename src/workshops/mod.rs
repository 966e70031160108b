//! Workshops (*Beteiligungswerkstätten*): in-person meetings of a round with sign-up without an
//! account, capacity and waitlist, check-in, reminders, documentation, and deletion of personal
//! data after the workshop. One file per use case; `model.rs` holds what several of them share,
//! `views.rs` the page pieces several pages share.

pub mod checkin;
pub mod demo;
pub mod export;
pub mod lifecycle;
pub mod mail;
pub mod manage;
pub mod model;
pub mod own_signup;
pub mod personal_data;
pub mod reminders;
pub mod show;
pub mod sign_up;
pub mod signups;
pub mod summaries;
mod views;
pub mod waitlist;
pub mod workshop_form;
