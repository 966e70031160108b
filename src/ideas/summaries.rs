//! What pages of other slices show about ideas: a round's boards, ideas adopted into a goal, and
//! how many ideas each goal has.

use std::collections::HashMap;

use entity::{idea_boards, ideas};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, Statement,
};
use uuid::Uuid;

use crate::{db::placeholders, moderation::model as moderation};

use super::model::OfficialStatus;

/// The boards of a round, for its page.
pub async fn boards_of_round(
    db: &impl ConnectionTrait,
    round_id: Uuid,
) -> Result<Vec<idea_boards::Model>, DbErr> {
    idea_boards::Entity::find()
        .filter(idea_boards::Column::RoundId.eq(round_id))
        .order_by_asc(idea_boards::Column::CreatedAt)
        .all(db)
        .await
}

/// An idea adopted into a goal, as the goal page lists it.
#[derive(Clone, Debug, FromQueryResult)]
pub struct AdoptedIdea {
    pub id: Uuid,
    pub board_id: Uuid,
    pub title: String,
    pub official_status: String,
}

/// Published ideas adopted into `goal_id`, most supported first.
pub async fn adopted_into_goal(
    db: &impl ConnectionTrait,
    goal_id: Uuid,
) -> Result<Vec<AdoptedIdea>, DbErr> {
    ideas::Entity::find()
        .select_only()
        .columns([
            ideas::Column::Id,
            ideas::Column::BoardId,
            ideas::Column::Title,
            ideas::Column::OfficialStatus,
        ])
        .filter(ideas::Column::OfficialGoalId.eq(goal_id))
        .filter(ideas::Column::OfficialStatus.is_in(OfficialStatus::ADOPTED))
        .filter(ideas::Column::Status.eq(moderation::Status::Published.as_str()))
        .order_by_desc(ideas::Column::SupportCount)
        .limit(100)
        .into_model::<AdoptedIdea>()
        .all(db)
        .await
}

/// For each of `goal_ids`, how many published ideas were adopted into it or posted under its
/// category (counted in SQL).
pub async fn counts_per_goal(
    db: &impl ConnectionTrait,
    goal_ids: &[Uuid],
) -> Result<HashMap<Uuid, i64>, DbErr> {
    if goal_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let backend = db.get_database_backend();
    let marks: Vec<String> = (1..=goal_ids.len()).map(|i| format!("${i}")).collect();
    let list = marks.join(", ");
    let published = moderation::Status::Published.as_str();
    // An idea counts once per goal: under its category's goal, and under the goal it was adopted
    // into unless that is the same one. The first is the categories' kept counts (triggers keep
    // them, migration 000027), the second counts the adopted ideas alone; one COUNT(DISTINCT …)
    // over every idea sorted them all, and even a plain count read every idea of the category.
    let by_category = format!(
        "SELECT goal_id, CAST(SUM(published_ideas) AS BIGINT) AS n FROM idea_categories \
         WHERE goal_id IN ({list}) GROUP BY goal_id"
    );
    let by_adoption = format!(
        "SELECT i.official_goal_id AS goal_id, COUNT(*) AS n FROM ideas i \
           LEFT JOIN idea_categories c ON c.id = i.category_id \
         WHERE i.status = '{published}' AND i.official_goal_id IN ({list}) \
           AND (c.goal_id IS NULL OR c.goal_id <> i.official_goal_id) \
         GROUP BY i.official_goal_id"
    );
    // Both in one statement (each is a round trip to the database): the goal list's numbered
    // parameters are bound once and read by both parts.
    let sql = format!(
        "SELECT goal_id, CAST(SUM(n) AS BIGINT) AS n \
         FROM ({by_category} UNION ALL {by_adoption}) AS parts GROUP BY goal_id"
    );
    let values: Vec<sea_orm::Value> = goal_ids.iter().map(|id| (*id).into()).collect();
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            placeholders(backend, &sql),
            values,
        ))
        .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("", "goal_id")?, row.try_get("", "n")?)))
        .collect()
}
