//! The municipality's poverty-prevention strategy: fields of action, goals and measures. Everyone
//! reads it; the municipality's coordinators edit it.

pub mod demo;
pub mod forms;
pub mod handlers;
pub mod service;
