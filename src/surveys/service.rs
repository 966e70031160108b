//! TEMPORARY, to delete when issue 12's branches are merged: the old paths of the surveys
//! functions that other slices (owned by other helpers) still call. Their callers move to the
//! paths named here; then this file and its `mod` line go.

pub use crate::surveys::{
    free_text::pending_free_text_count,
    goals::{goal_results, responses_per_goal},
    marks::{forget_participant, participations_of},
    queries::public_surveys_of_round,
};
