//! The instance administration under `/manage`: municipalities (tenants), staff roles and the
//! audit log; plus the staff dashboard every coordinator and moderator starts from.

pub mod forms;
pub mod handlers;
pub mod service;
mod views;
