//! The account's personal data across the slices, read and deleted in one place: the download
//! of everything stored about a person (Art. 15 GDPR) and the deletion of the account with every
//! personal datum tied to it or to its address. It sits above the slices and calls down into each
//! slice's own export and forget functions; no slice calls up into it.

pub mod deletion;
pub mod export;
