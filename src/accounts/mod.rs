//! Accounts: registration, sign-in (password or e-mailed link), verification, reset, profile,
//! data export and deletion; staff roles and invitations.

pub mod forms;
pub mod handlers;
pub mod login_limits;
pub mod passwords;
pub mod service;
pub mod session_handlers;
pub mod sessions;
