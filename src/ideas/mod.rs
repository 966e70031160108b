//! Idea boards: residents post ideas to a round's board, support and discuss them; coordinators
//! set boards up and answer ideas officially; a receipt code lets anyone look up an idea's state.
//! One file per use case; `model.rs` holds what several of them share, `views.rs` the page
//! pieces several pages share.

pub mod answer;
pub mod board;
pub mod comments;
pub mod demo;
pub mod districts;
pub mod edit;
pub mod flag;
pub mod link_renewal;
pub mod links;
pub mod manage_boards;
pub mod model;
pub mod personal_data;
pub mod post;
pub mod receipt;
pub mod show;
pub mod summaries;
pub mod support;
mod views;
