//! Accounts: registration, sign-in (password or e-mailed link), verification, reset, profile;
//! staff roles and invitations. Who is asking (the signed-in person, the server-side sessions)
//! is `crate::identity`; the account's data export and deletion are `crate::personal_data`.

pub mod devices;
pub mod email_change;
pub mod forms;
pub mod login;
pub mod login_limits;
pub mod mail_link;
pub mod model;
pub mod pages;
pub mod password;
pub mod passwords;
pub mod profile;
pub mod signup;
pub mod staff;
pub mod tokens;
