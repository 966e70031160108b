//! Surveys: questionnaires inside a round, answered anonymously online or on paper, with results
//! published under small-group suppression and free-text answers released by moderators.
//!
//! One file per use case, each with its handlers and the service functions only it uses:
//! building (`builder`, `questions`, `question_order`, `lifecycle`), answering (`answering` holds
//! the rules, `answer` the pages, `submit` the POST, `store` the write of one response or many, `question_cache` the questions they read), `paper` entry and `print`, access `codes`,
//! `results` (with `results_cache`, the counts kept in memory) and `export`, the `free_text` release queue, and what other slices read (`goals`,
//! `marks`, `queries`).

pub mod answer;
pub mod answer_counts;
pub mod answering;
pub mod builder;
pub mod codes;
pub mod demo;
pub mod district_question;
pub mod export;
pub mod form_view;
pub mod free_text;
pub mod goals;
pub mod lifecycle;
pub mod lookup;
pub mod marks;
pub mod mixing;
pub mod model;
pub mod paper;
pub mod print;
pub mod queries;
pub mod question_cache;
pub mod question_form;
pub mod question_order;
pub mod questions;
pub mod result_views;
pub mod results;
pub mod results_cache;
pub mod screening;
pub mod store;
pub mod submit;
pub mod suppression;
