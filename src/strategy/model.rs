//! The strategy's shared domain: its statuses, the tree of fields, goals and measures, finding
//! each with what it belongs to, and moving an item within its list, which every editor shares
//! (their audit entry is `audit::service::Change`).

use std::collections::HashMap;

use entity::{fields_of_action, goals, measures, strategies};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::audit::service::Change;
use crate::{
    error::{AppError, AppResult},
    identity::CurrentUser,
};

/// Where a strategy stands: a draft is being written, an adopted one was decided by the council.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StrategyStatus {
    Draft,
    Adopted,
}

impl StrategyStatus {
    pub const ALL: [StrategyStatus; 2] = [StrategyStatus::Draft, StrategyStatus::Adopted];

    pub fn as_str(self) -> &'static str {
        match self {
            StrategyStatus::Draft => "draft",
            StrategyStatus::Adopted => "adopted",
        }
    }

    pub fn parse(s: &str) -> Option<StrategyStatus> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }

    /// Whether a stored status is `adopted`.
    pub fn is_adopted(stored: &str) -> bool {
        Self::parse(stored) == Some(StrategyStatus::Adopted)
    }
}

/// Where a measure stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureStatus {
    Planned,
    Running,
    Done,
    Stopped,
}

impl MeasureStatus {
    pub const ALL: [MeasureStatus; 4] = [
        MeasureStatus::Planned,
        MeasureStatus::Running,
        MeasureStatus::Done,
        MeasureStatus::Stopped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MeasureStatus::Planned => "planned",
            MeasureStatus::Running => "running",
            MeasureStatus::Done => "done",
            MeasureStatus::Stopped => "stopped",
        }
    }

    pub fn parse(s: &str) -> Option<MeasureStatus> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }
}

/// Which way a move goes in a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

impl Direction {
    pub fn parse(s: &str) -> Option<Direction> {
        match s {
            "up" => Some(Direction::Up),
            "down" => Some(Direction::Down),
            _ => None,
        }
    }
}

// ---- the tree ----

/// A strategy with its whole tree, as the staff page and the public page show it.
pub struct Tree {
    pub strategy: strategies::Model,
    pub fields: Vec<FieldNode>,
}

pub struct FieldNode {
    pub field: fields_of_action::Model,
    /// Active and archived goals, in position order.
    pub goals: Vec<GoalNode>,
}

pub struct GoalNode {
    pub goal: goals::Model,
    pub measures: Vec<measures::Model>,
}

impl Tree {
    pub fn goal_ids(&self) -> Vec<Uuid> {
        self.fields
            .iter()
            .flat_map(|f| f.goals.iter().map(|g| g.goal.id))
            .collect()
    }
}

/// The fields, goals and measures of `strategy`: one query each, grouped in memory.
pub async fn tree(db: &impl ConnectionTrait, strategy: strategies::Model) -> Result<Tree, DbErr> {
    let fields = fields_of_action::Entity::find()
        .filter(fields_of_action::Column::StrategyId.eq(strategy.id))
        .order_by_asc(fields_of_action::Column::Position)
        .order_by_asc(fields_of_action::Column::CreatedAt)
        .all(db)
        .await?;
    let field_ids: Vec<Uuid> = fields.iter().map(|f| f.id).collect();
    let all_goals = if field_ids.is_empty() {
        Vec::new()
    } else {
        goals::Entity::find()
            .filter(goals::Column::FieldOfActionId.is_in(field_ids))
            .order_by_asc(goals::Column::Position)
            .order_by_asc(goals::Column::CreatedAt)
            .all(db)
            .await?
    };
    let goal_ids: Vec<Uuid> = all_goals.iter().map(|g| g.id).collect();
    let all_measures = measures_of(db, &goal_ids).await?;
    let mut measures_by_goal: HashMap<Uuid, Vec<measures::Model>> = HashMap::new();
    for m in all_measures {
        measures_by_goal.entry(m.goal_id).or_default().push(m);
    }
    let mut goals_by_field: HashMap<Uuid, Vec<GoalNode>> = HashMap::new();
    for goal in all_goals {
        let measures = measures_by_goal.remove(&goal.id).unwrap_or_default();
        goals_by_field
            .entry(goal.field_of_action_id)
            .or_default()
            .push(GoalNode { goal, measures });
    }
    let fields = fields
        .into_iter()
        .map(|field| FieldNode {
            goals: goals_by_field.remove(&field.id).unwrap_or_default(),
            field,
        })
        .collect();
    Ok(Tree { strategy, fields })
}

/// The measures of these goals in position order.
pub async fn measures_of(
    db: &impl ConnectionTrait,
    goal_ids: &[Uuid],
) -> Result<Vec<measures::Model>, DbErr> {
    if goal_ids.is_empty() {
        return Ok(Vec::new());
    }
    measures::Entity::find()
        .filter(measures::Column::GoalId.is_in(goal_ids.iter().copied()))
        .order_by_asc(measures::Column::Position)
        .order_by_asc(measures::Column::CreatedAt)
        .all(db)
        .await
}

pub async fn goals_of_field(
    db: &impl ConnectionTrait,
    field_id: Uuid,
) -> Result<Vec<goals::Model>, DbErr> {
    goals::Entity::find()
        .filter(goals::Column::FieldOfActionId.eq(field_id))
        .order_by_asc(goals::Column::Position)
        .order_by_asc(goals::Column::CreatedAt)
        .all(db)
        .await
}

// ---- finding, with what each belongs to ----

/// A municipality's strategies, adopted ones first, then newest period first: the first is the
/// one the public page shows.
pub async fn strategies_of(
    db: &impl ConnectionTrait,
    municipality_id: Uuid,
) -> Result<Vec<strategies::Model>, DbErr> {
    let mut list = strategies::Entity::find()
        .filter(strategies::Column::MunicipalityId.eq(municipality_id))
        .order_by_desc(strategies::Column::PeriodStart)
        .order_by_desc(strategies::Column::CreatedAt)
        .all(db)
        .await?;
    // Stable: within each status the newest stays first.
    list.sort_by_key(|s| !StrategyStatus::is_adopted(&s.status));
    Ok(list)
}

pub async fn find_strategy(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<strategies::Model>, DbErr> {
    strategies::Entity::find_by_id(id).one(db).await
}

/// A field of action with the strategy it belongs to.
pub struct FieldInStrategy {
    pub field: fields_of_action::Model,
    pub strategy: strategies::Model,
}

pub async fn find_field(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<FieldInStrategy>, DbErr> {
    let Some(field) = fields_of_action::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    Ok(find_strategy(db, field.strategy_id)
        .await?
        .map(|strategy| FieldInStrategy { field, strategy }))
}

/// A goal with its field of action and strategy.
pub struct GoalInStrategy {
    pub goal: goals::Model,
    pub field: fields_of_action::Model,
    pub strategy: strategies::Model,
}

pub async fn find_goal(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<GoalInStrategy>, DbErr> {
    let Some(goal) = goals::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    Ok(find_field(db, goal.field_of_action_id)
        .await?
        .map(|FieldInStrategy { field, strategy }| GoalInStrategy {
            goal,
            field,
            strategy,
        }))
}

/// A measure with its goal, field of action and strategy.
pub struct MeasureInStrategy {
    pub measure: measures::Model,
    pub goal: goals::Model,
    pub field: fields_of_action::Model,
    pub strategy: strategies::Model,
}

pub async fn find_measure(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<MeasureInStrategy>, DbErr> {
    let Some(measure) = measures::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    Ok(find_goal(db, measure.goal_id).await?.map(
        |GoalInStrategy {
             goal,
             field,
             strategy,
         }| MeasureInStrategy {
            measure,
            goal,
            field,
            strategy,
        },
    ))
}

/// The person may change what belongs to `municipality_id`, or gets 403.
pub fn ensure_coordinates(user: &CurrentUser, municipality_id: Uuid) -> AppResult<()> {
    if user.coordinates(municipality_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

// ---- shared by the editing use cases ----

/// An item of a list the editors order: fields in a strategy, goals in a field, measures under a
/// goal.
pub(super) struct Placed<'a> {
    pub id: Uuid,
    pub position: i32,
    pub title: &'a str,
    /// Whether it moves among the item being moved (goals move among the goals that are, like
    /// them, active or archived).
    pub same_group: bool,
}

/// Moves the item `id` one place in `direction` among the items of `order` in its group, stores
/// positions 1, 2, 3 … for the whole list in its new order (so ties from earlier data cannot
/// block a move) and records `<kind>.moved`. Returns false at either end, where nothing happens.
pub(super) async fn move_among<E: EntityTrait>(
    db: &impl ConnectionTrait,
    change: &Change,
    mut order: Vec<Placed<'_>>,
    id: Uuid,
    direction: Direction,
    columns: (E::Column, E::Column),
) -> Result<bool, DbErr> {
    let group: Vec<usize> = (0..order.len()).filter(|&i| order[i].same_group).collect();
    let Some((index, other)) = neighbour(&group, |&i| order[i].id == id, direction) else {
        return Ok(false);
    };
    let summary = json!({
        "title": order[group[index]].title,
        "before": { "position": index + 1 },
        "after": { "position": other + 1 },
    });
    order.swap(group[index], group[other]);
    let rows: Vec<(Uuid, i32)> = order.iter().map(|p| (p.id, p.position)).collect();
    renumber::<E>(db, &rows, columns.0, columns.1).await?;
    change.record(db, "moved", id, summary).await?;
    Ok(true)
}

/// The index of the item `is_it` picks and of the neighbour it swaps with.
fn neighbour<T>(
    list: &[T],
    is_it: impl Fn(&T) -> bool,
    direction: Direction,
) -> Option<(usize, usize)> {
    let index = list.iter().position(is_it)?;
    let other = match direction {
        Direction::Up => index.checked_sub(1)?,
        Direction::Down => Some(index + 1).filter(|i| *i < list.len())?,
    };
    Some((index, other))
}

/// Stores positions 1, 2, 3 … for `rows` (id, current position) in the given order, writing only
/// the rows whose position changes.
async fn renumber<E: EntityTrait>(
    db: &impl ConnectionTrait,
    rows: &[(Uuid, i32)],
    id: E::Column,
    position: E::Column,
) -> Result<(), DbErr> {
    for (index, (row, current)) in rows.iter().enumerate() {
        let wanted = i32::try_from(index).unwrap_or(i32::MAX - 1) + 1;
        if *current != wanted {
            E::update_many()
                .col_expr(position, Expr::value(wanted))
                .filter(id.eq(*row))
                .exec(db)
                .await?;
        }
    }
    Ok(())
}
