//! The integration suite: the real application over HTTP, on SQLite or (with
//! `TEST_DATABASE_URL`) PostgreSQL.

mod a11y;
mod access;
mod accounts;
mod admin;
mod architecture;
mod dashboard;
mod districts;
mod durability;
mod first_start;
mod fixtures;
mod flags;
mod forms;
mod helpers;
mod http_caching;
mod i18n;
mod ideas;
mod input;
mod kill;
mod legal;
mod links;
mod login_limits;
mod mail;
mod mail_at_rest;
mod mail_delivery;
mod moderation;
mod monitoring;
mod page_semantics;
mod rounds;
mod sessions;
mod strategy;
mod surveys;
mod unlinkability;
mod web;
mod workshops;
