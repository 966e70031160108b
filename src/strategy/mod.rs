//! The municipality's poverty-prevention strategy: fields of action, goals and measures. Its
//! coordinators edit it here; the public strategy and goal pages, which show the participation
//! that fed each goal, are read models above (`participation::strategy_page`, `goal_page`).

pub mod demo;
pub mod fields;
pub mod forms;
pub mod goals;
pub mod measures;
pub mod model;
pub mod picker;
pub mod strategies;
pub mod views;
