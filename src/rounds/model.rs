//! The rounds slice's shared domain: a round's status, finding a round (for residents, for its
//! coordinators, locked for a change), its goals and target groups, and how its status and
//! period read on a page. Also the small queries the read models above ask of rounds.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{round_goals, round_target_groups, rounds};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, JoinType, QueryFilter,
    QueryOrder, QuerySelect, RelationDef, sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    error::{AppError, AppResult},
    identity::CurrentUser,
    rounds::forms::{first_day, last_day},
    web::context::Ctx,
};

/// Where a round stands. Residents see every state but `Draft`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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

    /// The stored status of `round`.
    pub fn of(round: &rounds::Model) -> Option<Status> {
        Status::parse(&round.status)
    }

    /// The label key of a round's status; a draft released to open by itself is "scheduled".
    pub fn label_key(status: Option<Status>, scheduled: bool) -> &'static str {
        match status {
            Some(Status::Open) => "round-status-open",
            Some(Status::Closed) => "round-status-closed",
            Some(Status::Evaluated) => "round-status-evaluated",
            _ if scheduled => "round-status-scheduled",
            _ => "round-status-draft",
        }
    }
}

pub fn status_key(round: &rounds::Model) -> &'static str {
    Status::label_key(Status::of(round), round.scheduled_at.is_some())
}

/// A round's period as whole days in the locale's date pattern.
#[derive(Clone, Serialize)]
pub struct PeriodView {
    pub starts_on: String,
    pub ends_on: String,
}

pub fn period(ctx: &Ctx, round: &rounds::Model) -> PeriodView {
    let tz = ctx.state.settings.time_zone;
    let pattern = ctx.t("format-date");
    PeriodView {
        starts_on: first_day(tz, round.starts_at).format(&pattern).to_string(),
        ends_on: last_day(tz, round.ends_at).format(&pattern).to_string(),
    }
}

fn round_goal_to_round() -> RelationDef {
    round_goals::Entity::belongs_to(rounds::Entity)
        .from(round_goals::Column::RoundId)
        .to(rounds::Column::Id)
        .into()
}

// ---- finding ----

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<rounds::Model>, DbErr> {
    rounds::Entity::find_by_id(id).one(db).await
}

/// The round, locked for the rest of the transaction on PostgreSQL (on SQLite the write
/// transaction already holds the database), so a change is decided on its current state.
pub async fn find_for_update(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<rounds::Model>, DbErr> {
    rounds::Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await
}

/// A round residents may see: drafts are for staff only.
pub async fn find_public(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<rounds::Model>, DbErr> {
    rounds::Entity::find()
        .filter(rounds::Column::Slug.eq(slug))
        .filter(rounds::Column::Status.is_in(Status::PUBLIC))
        .one(db)
        .await
}

/// A round the signed-in coordinator may manage. Another municipality's round answers 404, so
/// its existence is not confirmed either.
pub async fn managed_round(ctx: &Ctx, id: Uuid) -> AppResult<(CurrentUser, rounds::Model)> {
    let user = ctx.require_user()?.clone();
    let round = find(&ctx.state.db, id)
        .await?
        .filter(|r| user.coordinates(r.municipality_id))
        .ok_or(AppError::NotFound)?;
    Ok((user, round))
}

pub async fn goal_ids(db: &impl ConnectionTrait, round_id: Uuid) -> Result<Vec<Uuid>, DbErr> {
    round_goals::Entity::find()
        .select_only()
        .column(round_goals::Column::GoalId)
        .filter(round_goals::Column::RoundId.eq(round_id))
        .into_tuple()
        .all(db)
        .await
}

/// The target groups of each of `round_ids`, in one query.
pub async fn target_groups(
    db: &impl ConnectionTrait,
    round_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<String>>, DbErr> {
    if round_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, String)> = round_target_groups::Entity::find()
        .select_only()
        .columns([
            round_target_groups::Column::RoundId,
            round_target_groups::Column::Tag,
        ])
        .filter(round_target_groups::Column::RoundId.is_in(round_ids.iter().copied()))
        .order_by_asc(round_target_groups::Column::Tag)
        .into_tuple()
        .all(db)
        .await?;
    let mut map: HashMap<Uuid, Vec<String>> = HashMap::new();
    for (round, tag) in rows {
        map.entry(round).or_default().push(tag);
    }
    Ok(map)
}

/// The target groups of one round.
pub async fn target_groups_of(
    db: &impl ConnectionTrait,
    round_id: Uuid,
) -> Result<Vec<String>, DbErr> {
    Ok(target_groups(db, &[round_id])
        .await?
        .remove(&round_id)
        .unwrap_or_default())
}

// ---- for the read models above ----

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

/// For each of `goal_ids`, how many public rounds served it (counted in SQL). Goals no public
/// round served are missing.
pub async fn public_rounds_per_goal(
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
