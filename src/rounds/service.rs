//! Use cases of the rounds slice.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{round_goals, rounds};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, JoinType, QueryFilter,
    QueryOrder, QuerySelect, RelationDef, sea_query::Expr,
};
use serde::Serialize;
use uuid::Uuid;

/// Where a round stands. Residents see every state but `Draft`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Open,
    Closed,
    Evaluated,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Draft,
        Status::Open,
        Status::Closed,
        Status::Evaluated,
    ];
    pub const PUBLIC: [&'static str; 3] = ["open", "closed", "evaluated"];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Open => "open",
            Status::Closed => "closed",
            Status::Evaluated => "evaluated",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|status| status.as_str() == s)
    }
}

fn round_goal_to_round() -> RelationDef {
    round_goals::Entity::belongs_to(rounds::Entity)
        .from(round_goals::Column::RoundId)
        .to(rounds::Column::Id)
        .into()
}

/// A round as a goal page lists it.
#[derive(Clone, Debug, Serialize, FromQueryResult)]
pub struct RoundRef {
    pub slug: String,
    pub title: String,
    pub status: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// The public rounds (not drafts) that serve `goal_id`, newest first.
pub async fn public_rounds_for_goal(
    db: &impl ConnectionTrait,
    goal_id: Uuid,
) -> Result<Vec<RoundRef>, DbErr> {
    rounds::Entity::find()
        .select_only()
        .columns([
            rounds::Column::Slug,
            rounds::Column::Title,
            rounds::Column::Status,
            rounds::Column::StartsAt,
            rounds::Column::EndsAt,
        ])
        .join(JoinType::InnerJoin, round_goal_to_round().rev())
        .filter(round_goals::Column::GoalId.eq(goal_id))
        .filter(rounds::Column::Status.is_in(Status::PUBLIC))
        .order_by_desc(rounds::Column::StartsAt)
        .into_model::<RoundRef>()
        .all(db)
        .await
}

#[derive(FromQueryResult)]
struct GoalCount {
    goal_id: Uuid,
    rounds: i64,
}

/// For each of `goal_ids`, how many public rounds have served it (counted in SQL). Goals without
/// any are missing from the map.
pub async fn participation_counts(
    db: &impl ConnectionTrait,
    goal_ids: &[Uuid],
) -> Result<HashMap<Uuid, i64>, DbErr> {
    if goal_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = round_goals::Entity::find()
        .select_only()
        .column(round_goals::Column::GoalId)
        .column_as(
            sea_orm::sea_query::ExprTrait::count(Expr::col((
                round_goals::Entity,
                round_goals::Column::RoundId,
            ))),
            "rounds",
        )
        .join(JoinType::InnerJoin, round_goal_to_round())
        .filter(round_goals::Column::GoalId.is_in(goal_ids.iter().copied()))
        .filter(rounds::Column::Status.is_in(Status::PUBLIC))
        .group_by(round_goals::Column::GoalId)
        .into_model::<GoalCount>()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.goal_id, r.rounds)).collect())
}
