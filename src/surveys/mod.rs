//! Surveys: questionnaires inside a round, answered anonymously online or on paper, with results
//! published under small-group suppression and free-text answers released by moderators.

pub mod demo;
pub mod forms;
pub mod handlers;
pub mod mixing;
pub mod print;
pub mod screening;
pub mod service;
pub mod suppression;
pub mod views;
