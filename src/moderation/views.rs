//! Pieces of the moderation pages shared by the queue and the item page: the pre-check's marks
//! and the open flags' reasons in words.

use serde::Serialize;
use uuid::Uuid;

use crate::{moderation::flags::OpenFlag, web::context::Ctx};

pub(super) fn marks(ctx: &Ctx, precheck: &str) -> Vec<String> {
    precheck
        .split(',')
        .filter(|m| !m.is_empty())
        .map(|m| ctx.t(&format!("moderation-mark-{m}")))
        .collect()
}

/// An open flag in words: why, the reporter's note, and what kind of reporter.
#[derive(Serialize)]
pub(super) struct FlagView {
    reason: String,
    note: String,
    by: Option<String>,
}

pub(super) fn reasons_view(ctx: &Ctx, flags: &[OpenFlag], id: Uuid) -> Vec<FlagView> {
    flags
        .iter()
        .filter(|f| f.target_id == id)
        .map(|f| FlagView {
            reason: ctx.t(&format!("moderation-reason-{}", f.reason)),
            note: f.note.clone(),
            by: f
                .reporter_kind
                .as_deref()
                .map(|k| ctx.t(&format!("moderation-flag-by-{k}"))),
        })
        .collect()
}

/// Whether one of the item's open flags belongs to a burst from new accounts.
pub(super) fn suspicious(flags: &[OpenFlag], id: Uuid) -> bool {
    flags.iter().any(|f| f.target_id == id && f.burst)
}
