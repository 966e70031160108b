//! Participation rounds. Until the rounds themselves exist (see the strategy-and-rounds issue),
//! the home page explains in plain language what will appear here.

pub mod handlers;
