//! What participation a goal has had, counted across rounds, surveys, ideas and workshops.

use std::collections::HashMap;

use sea_orm::{DatabaseTransaction, DbErr};
use serde::Serialize;
use uuid::Uuid;

/// What participation a goal has had: public rounds that served it, survey responses that
/// answered a question informing it, ideas posted under or adopted into it, and held workshops
/// that informed it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Participation {
    pub rounds: i64,
    pub responses: i64,
    pub ideas: i64,
    pub workshops: i64,
}

/// For each of `goal_ids`, its [`Participation`] (each part counted in SQL), read in `db`, the
/// page's read snapshot. Goals without any are missing from the map.
pub async fn participation_counts(
    db: &DatabaseTransaction,
    goal_ids: &[Uuid],
) -> Result<HashMap<Uuid, Participation>, DbErr> {
    if goal_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut out: HashMap<Uuid, Participation> = HashMap::new();
    for (goal_id, rounds) in crate::rounds::model::public_rounds_per_goal(db, goal_ids).await? {
        out.entry(goal_id).or_default().rounds = rounds;
    }
    for (goal_id, responses) in crate::surveys::goals::responses_per_goal(db, goal_ids).await? {
        out.entry(goal_id).or_default().responses = responses;
    }
    for (goal_id, ideas) in crate::ideas::summaries::counts_per_goal(db, goal_ids).await? {
        out.entry(goal_id).or_default().ideas = ideas;
    }
    for (goal_id, held) in crate::workshops::summaries::held_per_goal(db, goal_ids).await? {
        out.entry(goal_id).or_default().workshops = held;
    }
    Ok(out)
}
