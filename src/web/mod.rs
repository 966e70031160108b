//! Web plumbing shared by all feature slices.

pub mod access;
pub mod caching;
pub mod client;
pub mod context;
pub mod csrf;
pub mod csv;
pub mod errors;
pub mod forms;
pub mod i18n;
pub mod input;
pub mod logging;
pub mod markdown;
pub mod pagination;
pub mod rate_limit;
pub mod render;
pub mod security;
pub mod signed_link;
pub mod static_files;
pub mod unsaved;
