//! What pages of other slices show about workshops: a round's in-person modules, documented
//! workshops of a round or a goal, and how many were held per goal.

use std::collections::HashMap;

use entity::{rounds, workshop_goals, workshops};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, JoinType, QueryFilter,
    QueryOrder, QuerySelect, sea_query::Expr,
};
use serde::Serialize;
use uuid::Uuid;

use super::mail::when;
use super::model::{Status, goal_ids, goal_to_workshop, occupancy, workshop_to_round};
use super::views::attendance_view;
use crate::{
    admin::service as admin,
    error::AppResult,
    strategy::picker::{self as strategy},
    web::context::Ctx,
};

/// A workshop the round page offers to take part in person.
#[derive(Serialize)]
pub struct ModuleView {
    pub href: String,
    pub title: String,
    pub when: String,
    /// The first line of the address.
    pub place: String,
    pub cancelled: bool,
}

/// A held workshop with what it produced.
#[derive(Serialize)]
pub struct DocumentedView {
    pub href: String,
    pub title: String,
    pub when: String,
    pub documentation: String,
    /// How many came, or "fewer than n".
    pub attendance: String,
    pub goals: Vec<GoalLink>,
}

/// A goal a held workshop informed.
#[derive(Serialize)]
pub struct GoalLink {
    pub href: String,
    pub title: String,
}

/// The round page's workshops, read once: its in-person offers (published workshops, and
/// cancelled ones marked so, with date and place) and, apart, the held ones with what they
/// produced.
pub async fn of_round(
    ctx: &Ctx,
    db: &impl ConnectionTrait,
    round_id: Uuid,
) -> AppResult<(Vec<ModuleView>, Vec<DocumentedView>)> {
    let tz = ctx.state.settings.time_zone;
    let (held, offered): (Vec<workshops::Model>, Vec<workshops::Model>) =
        public_for_round(db, round_id)
            .await?
            .into_iter()
            .partition(|w| Status::Held.is(&w.status));
    let modules = offered
        .iter()
        .map(|w| ModuleView {
            href: format!("/workshops/{}", w.id),
            title: w.title.clone(),
            when: when(ctx.lang, tz, w),
            place: w
                .address
                .lines()
                .next()
                .unwrap_or_default()
                .trim()
                .to_string(),
            cancelled: Status::Cancelled.is(&w.status),
        })
        .collect();
    Ok((modules, documented_views(ctx, db, &held).await?))
}

/// Held workshops with what they produced, for the round page or a goal page.
pub async fn documented_views(
    ctx: &Ctx,
    db: &impl ConnectionTrait,
    list: &[workshops::Model],
) -> AppResult<Vec<DocumentedView>> {
    let ids: Vec<Uuid> = list.iter().map(|w| w.id).collect();
    let mut occupied = occupancy(db, &ids).await?;
    let mut links = goal_ids(db, &ids).await?;
    let all_goals: Vec<Uuid> = links.values().flatten().copied().collect();
    let goals = strategy::goals_by_ids(db, &all_goals).await?;
    // A round's or a goal's workshops belong to one municipality.
    let mut places = Vec::new();
    for id in list.iter().map(|w| w.municipality_id) {
        if !places
            .iter()
            .any(|m: &entity::municipalities::Model| m.id == id)
            && let Some(place) = admin::find_municipality(db, id).await?
        {
            places.push(place);
        }
    }
    let tz = ctx.state.settings.time_zone;
    Ok(list
        .iter()
        .map(|w| {
            let min = places
                .iter()
                .find(|m| m.id == w.municipality_id)
                .map(|m| m.min_group_size)
                .unwrap_or(admin::DEFAULT_MIN_GROUP_SIZE);
            let attended = occupied.remove(&w.id).unwrap_or_default().attended;
            let mine = links.remove(&w.id).unwrap_or_default();
            DocumentedView {
                href: format!("/workshops/{}", w.id),
                title: w.title.clone(),
                when: when(ctx.lang, tz, w),
                documentation: w.documentation.clone().unwrap_or_default(),
                attendance: attendance_view(ctx.lang, attended, min),
                goals: goals
                    .iter()
                    .filter(|g| mine.contains(&g.id))
                    .map(|g| GoalLink {
                        href: format!("/goals/{}", g.id),
                        title: g.title.clone(),
                    })
                    .collect(),
            }
        })
        .collect())
}

/// Held workshops that informed a goal, for the goal page.
pub async fn documented_for_goal(
    ctx: &Ctx,
    db: &impl ConnectionTrait,
    goal_id: Uuid,
) -> AppResult<Vec<DocumentedView>> {
    let list = documented_list_for_goal(db, goal_id).await?;
    documented_views(ctx, db, &list).await
}

/// The public workshops of a round, by date.
pub async fn public_for_round(
    db: &impl ConnectionTrait,
    round_id: Uuid,
) -> Result<Vec<workshops::Model>, DbErr> {
    workshops::Entity::find()
        .filter(workshops::Column::RoundId.eq(round_id))
        .filter(workshops::Column::Status.is_in(Status::PUBLIC))
        .order_by_asc(workshops::Column::StartsAt)
        .order_by_asc(workshops::Column::Id)
        .all(db)
        .await
}

/// Held workshops with documentation that informed `goal_id`, in public rounds, newest first.
pub async fn documented_list_for_goal(
    db: &impl ConnectionTrait,
    goal_id: Uuid,
) -> Result<Vec<workshops::Model>, DbErr> {
    workshops::Entity::find()
        .join(JoinType::InnerJoin, goal_to_workshop().rev())
        .join(JoinType::InnerJoin, workshop_to_round())
        .filter(workshop_goals::Column::GoalId.eq(goal_id))
        .filter(workshops::Column::Status.eq(Status::Held.as_str()))
        .filter(rounds::Column::Status.is_in(crate::rounds::model::Status::PUBLIC))
        .order_by_desc(workshops::Column::StartsAt)
        .all(db)
        .await
}

#[derive(FromQueryResult)]
struct GoalCount {
    goal_id: Uuid,
    workshops: i64,
}

/// For each of `goal_ids`, how many held workshops of public rounds informed it.
pub async fn held_per_goal(
    db: &impl ConnectionTrait,
    goal_ids: &[Uuid],
) -> Result<HashMap<Uuid, i64>, DbErr> {
    if goal_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = workshop_goals::Entity::find()
        .select_only()
        .column(workshop_goals::Column::GoalId)
        .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "workshops")
        .join(JoinType::InnerJoin, goal_to_workshop())
        .join(JoinType::InnerJoin, workshop_to_round())
        .filter(workshop_goals::Column::GoalId.is_in(goal_ids.iter().copied()))
        .filter(workshops::Column::Status.eq(Status::Held.as_str()))
        .filter(rounds::Column::Status.is_in(crate::rounds::model::Status::PUBLIC))
        .group_by(workshop_goals::Column::GoalId)
        .into_model::<GoalCount>()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.goal_id, r.workshops)).collect())
}
