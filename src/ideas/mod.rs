//! Idea boards: residents post ideas to a round's board, support and discuss them; coordinators
//! set boards up and answer ideas officially; a receipt code lets anyone look up an idea's state.

pub mod demo;
pub mod forms;
pub mod handlers;
pub mod link_renewal;
pub mod service;
