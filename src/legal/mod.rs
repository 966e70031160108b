//! The instance's legal pages: Impressum (`/impressum`) and Datenschutzerklärung
//! (`/datenschutz`), written by admins in Markdown for the instance and, where a municipality
//! runs its own participation, in that municipality's own version. Every page links both from
//! its footer; forms that collect personal data link the privacy page from a short purpose note.

pub mod handlers;
pub mod service;
