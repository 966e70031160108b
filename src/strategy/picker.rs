//! The one goal picker: which goals a round, a workshop or an official answer may name, and the
//! goals other slices show by id.

use entity::{fields_of_action, goals, strategies};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationDef, sea_query::Expr,
};
use serde::Serialize;
use uuid::Uuid;

/// A goal as other slices refer to it (rounds pick and show the goals they serve).
#[derive(Clone, Debug, Serialize, sea_orm::FromQueryResult)]
pub struct GoalRef {
    pub id: Uuid,
    pub title: String,
    pub field_title: String,
    pub strategy_title: String,
    pub archived: bool,
}

/// goals → fields_of_action, for joins (the entities declare no relations of their own).
pub fn goal_to_field() -> RelationDef {
    goals::Entity::belongs_to(fields_of_action::Entity)
        .from(goals::Column::FieldOfActionId)
        .to(fields_of_action::Column::Id)
        .into()
}

/// fields_of_action → strategies.
pub fn field_to_strategy() -> RelationDef {
    fields_of_action::Entity::belongs_to(strategies::Entity)
        .from(fields_of_action::Column::StrategyId)
        .to(strategies::Column::Id)
        .into()
}

/// The goals something of `municipality_id` may name: the active goals of the municipality's
/// strategies in the order the strategy lists them, then those of `linked` (what it names
/// already) that are not among them, archived ones included, so an edit keeps them.
pub async fn goal_picker(
    db: &impl ConnectionTrait,
    municipality_id: Uuid,
    linked: &[Uuid],
) -> Result<Vec<GoalRef>, DbErr> {
    let mut goals = goal_query(db, Some(municipality_id), None, false).await?;
    let missing: Vec<Uuid> = linked
        .iter()
        .copied()
        .filter(|id| !goals.iter().any(|g| g.id == *id))
        .collect();
    goals.extend(goals_by_ids(db, &missing).await?);
    Ok(goals)
}

/// The goals with these ids, archived ones included, in strategy order.
pub async fn goals_by_ids(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<GoalRef>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    goal_query(db, None, Some(ids), true).await
}

async fn goal_query(
    db: &impl ConnectionTrait,
    municipality_id: Option<Uuid>,
    ids: Option<&[Uuid]>,
    include_archived: bool,
) -> Result<Vec<GoalRef>, DbErr> {
    let mut query = goals::Entity::find()
        .select_only()
        .column(goals::Column::Id)
        .column(goals::Column::Title)
        .column_as(
            Expr::col((fields_of_action::Entity, fields_of_action::Column::Title)),
            "field_title",
        )
        .column_as(
            Expr::col((strategies::Entity, strategies::Column::Title)),
            "strategy_title",
        )
        .column_as(goals::Column::ArchivedAt.is_not_null(), "archived")
        .join(JoinType::InnerJoin, goal_to_field())
        .join(JoinType::InnerJoin, field_to_strategy())
        .order_by_desc(strategies::Column::PeriodStart)
        .order_by_asc(fields_of_action::Column::Position)
        .order_by_asc(goals::Column::Position);
    if let Some(m) = municipality_id {
        query = query.filter(strategies::Column::MunicipalityId.eq(m));
    }
    if let Some(ids) = ids {
        query = query.filter(goals::Column::Id.is_in(ids.iter().copied()));
    }
    if !include_archived {
        query = query.filter(goals::Column::ArchivedAt.is_null());
    }
    query.into_model::<GoalRef>().all(db).await
}
