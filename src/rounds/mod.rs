//! Participation rounds: what coordinators launch, residents find on the home page, and surveys,
//! idea boards and workshops plug into. The round's public page, which lists those, is a read
//! model above the formats (`participation::round_page`).

pub mod demo;
pub mod due;
pub mod editor;
pub mod forms;
pub mod history;
pub mod home;
pub mod lifecycle;
pub mod manage_list;
pub mod model;
pub mod round_view;
pub mod saving;
pub mod subscribers;
pub mod subscriptions;
