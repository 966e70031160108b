//! Use cases of the strategy slice.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use entity::{fields_of_action, goals, measures, municipalities, strategies};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, JoinType,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, RelationDef, Set, sea_query::Expr,
};
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::audit::service::{self as audit, Entry};

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

/// The goals of `municipality_id`'s strategies that are not archived, in the order the strategy
/// lists them: what a coordinator may tie a round to.
pub async fn selectable_goals(
    db: &impl ConnectionTrait,
    municipality_id: Uuid,
) -> Result<Vec<GoalRef>, DbErr> {
    goal_query(db, Some(municipality_id), None, false).await
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

// ---- statuses ----

/// Where a strategy stands: a draft is being written, an adopted one was decided by the council.
pub const STRATEGY_STATUSES: [&str; 2] = ["draft", "adopted"];
pub const ADOPTED: &str = "adopted";

/// Where a measure stands.
pub const MEASURE_STATUSES: [&str; 4] = ["planned", "running", "done", "stopped"];

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

// ---- reading ----

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

/// A strategy as the staff list shows it.
#[derive(Serialize)]
pub struct StrategyRow {
    pub id: Uuid,
    pub title: String,
    pub municipality: String,
    pub period_start: i32,
    pub period_end: i32,
    pub status: String,
}

/// A page of strategies, newest period first: of `municipalities`, or all of them for `None`.
pub async fn strategy_page(
    db: &impl ConnectionTrait,
    municipalities: Option<&[Uuid]>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<StrategyRow>, u64), DbErr> {
    let mut query = strategies::Entity::find()
        .order_by_desc(strategies::Column::PeriodStart)
        .order_by_desc(strategies::Column::CreatedAt)
        .order_by_asc(strategies::Column::Id);
    if let Some(ids) = municipalities {
        query = query.filter(strategies::Column::MunicipalityId.is_in(ids.iter().copied()));
    }
    let paginator = query.paginate(db, per_page);
    let pages = paginator.num_pages().await?;
    let list = paginator.fetch_page(page).await?;
    let place_ids: Vec<Uuid> = list.iter().map(|s| s.municipality_id).collect();
    let places: HashMap<Uuid, String> = municipalities::Entity::find()
        .filter(municipalities::Column::Id.is_in(place_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect();
    let rows = list
        .into_iter()
        .map(|s| StrategyRow {
            id: s.id,
            municipality: places.get(&s.municipality_id).cloned().unwrap_or_default(),
            title: s.title,
            period_start: s.period_start,
            period_end: s.period_end,
            status: s.status,
        })
        .collect();
    Ok((rows, pages))
}

/// The municipalities a person may create strategies for: `None` means all (admins).
pub async fn municipalities_for(
    db: &impl ConnectionTrait,
    ids: Option<&[Uuid]>,
) -> Result<Vec<municipalities::Model>, DbErr> {
    let mut query = municipalities::Entity::find().order_by_asc(municipalities::Column::Name);
    if let Some(ids) = ids {
        query = query.filter(municipalities::Column::Id.is_in(ids.iter().copied()));
    }
    query.all(db).await
}

pub async fn find_municipality(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<municipalities::Model>, DbErr> {
    municipalities::Entity::find_by_id(id).one(db).await
}

pub async fn municipality_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<municipalities::Model>, DbErr> {
    municipalities::Entity::find()
        .filter(municipalities::Column::Slug.eq(slug))
        .one(db)
        .await
}

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
    list.sort_by_key(|s| s.status != ADOPTED);
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

// ---- writing ----

/// What the strategy form says, checked.
pub struct StrategyInput {
    pub title: String,
    pub period_start: i32,
    pub period_end: i32,
    pub status: String,
    pub summary: String,
}

/// What the field-of-action form says, checked.
pub struct FieldInput {
    pub title: String,
    pub description: String,
}

/// What the goal form says, checked.
pub struct GoalInput {
    pub title: String,
    pub description: String,
    pub target_text: Option<String>,
}

/// What the measure form says, checked.
pub struct MeasureInput {
    pub title: String,
    pub description: String,
    pub responsible_body: String,
    pub status: String,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub progress_note: String,
}

fn strategy_json(s: &strategies::Model) -> Value {
    json!({
        "title": s.title,
        "period_start": s.period_start,
        "period_end": s.period_end,
        "status": s.status,
        "summary": s.summary,
    })
}

fn field_json(f: &fields_of_action::Model) -> Value {
    json!({ "title": f.title, "description": f.description, "position": f.position })
}

fn goal_json(g: &goals::Model) -> Value {
    json!({
        "title": g.title,
        "description": g.description,
        "target_text": g.target_text,
        "position": g.position,
        "archived_at": g.archived_at.map(|t| t.to_rfc3339()),
    })
}

fn measure_json(m: &measures::Model) -> Value {
    json!({
        "title": m.title,
        "description": m.description,
        "responsible_body": m.responsible_body,
        "status": m.status,
        "starts_on": m.starts_on.map(|d| d.to_string()),
        "ends_on": m.ends_on.map(|d| d.to_string()),
        "progress_note": m.progress_note,
        "position": m.position,
    })
}

/// Records a staff change to the strategy of `municipality_id`.
async fn log(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    actor: Uuid,
    municipality_id: Uuid,
    action: &str,
    target: (&str, Uuid),
    summary: Value,
) -> Result<(), DbErr> {
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(actor),
            municipality_id: Some(municipality_id),
            action,
            target_type: target.0,
            target_id: Some(target.1.to_string()),
            summary,
        },
    )
    .await
}

pub async fn create_strategy(
    db: &impl ConnectionTrait,
    actor: Uuid,
    municipality_id: Uuid,
    input: StrategyInput,
    now: DateTime<Utc>,
) -> Result<strategies::Model, DbErr> {
    let created = strategies::ActiveModel {
        id: Set(Uuid::now_v7()),
        municipality_id: Set(municipality_id),
        title: Set(input.title),
        period_start: Set(input.period_start),
        period_end: Set(input.period_end),
        status: Set(input.status),
        summary: Set(input.summary),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    let summary = json!({ "after": strategy_json(&created) });
    log(
        db,
        now,
        actor,
        municipality_id,
        "strategy.created",
        ("strategy", created.id),
        summary,
    )
    .await?;
    Ok(created)
}

pub async fn update_strategy(
    db: &impl ConnectionTrait,
    actor: Uuid,
    before: strategies::Model,
    input: StrategyInput,
    now: DateTime<Utc>,
) -> Result<strategies::Model, DbErr> {
    let mut active = before.clone().into_active_model();
    active.title = Set(input.title);
    active.period_start = Set(input.period_start);
    active.period_end = Set(input.period_end);
    active.status = Set(input.status);
    active.summary = Set(input.summary);
    active.updated_at = Set(now);
    let after = active.update(db).await?;
    let summary = json!({ "before": strategy_json(&before), "after": strategy_json(&after) });
    log(
        db,
        now,
        actor,
        after.municipality_id,
        "strategy.updated",
        ("strategy", after.id),
        summary,
    )
    .await?;
    Ok(after)
}

pub async fn create_field(
    db: &impl ConnectionTrait,
    actor: Uuid,
    strategy: &strategies::Model,
    input: FieldInput,
    now: DateTime<Utc>,
) -> Result<fields_of_action::Model, DbErr> {
    let last = fields_of_action::Entity::find()
        .filter(fields_of_action::Column::StrategyId.eq(strategy.id))
        .order_by_desc(fields_of_action::Column::Position)
        .one(db)
        .await?;
    let created = fields_of_action::ActiveModel {
        id: Set(Uuid::now_v7()),
        strategy_id: Set(strategy.id),
        title: Set(input.title),
        description: Set(input.description),
        position: Set(last.map_or(1, |f| f.position + 1)),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    let summary = json!({ "strategy": strategy.title, "after": field_json(&created) });
    log(
        db,
        now,
        actor,
        strategy.municipality_id,
        "field_of_action.created",
        ("field_of_action", created.id),
        summary,
    )
    .await?;
    Ok(created)
}

pub async fn update_field(
    db: &impl ConnectionTrait,
    actor: Uuid,
    at: &FieldInStrategy,
    input: FieldInput,
    now: DateTime<Utc>,
) -> Result<fields_of_action::Model, DbErr> {
    let before = &at.field;
    let mut active = before.clone().into_active_model();
    active.title = Set(input.title);
    active.description = Set(input.description);
    let after = active.update(db).await?;
    let summary = json!({ "before": field_json(before), "after": field_json(&after) });
    log(
        db,
        now,
        actor,
        at.strategy.municipality_id,
        "field_of_action.updated",
        ("field_of_action", after.id),
        summary,
    )
    .await?;
    Ok(after)
}

/// Swaps the field with its neighbour in the strategy. Nothing happens at either end.
pub async fn move_field(
    db: &impl ConnectionTrait,
    actor: Uuid,
    at: &FieldInStrategy,
    direction: Direction,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let field = &at.field;
    let siblings = fields_of_action::Entity::find()
        .filter(fields_of_action::Column::StrategyId.eq(field.strategy_id))
        .order_by_asc(fields_of_action::Column::Position)
        .order_by_asc(fields_of_action::Column::CreatedAt)
        .all(db)
        .await?;
    let Some((index, other)) = neighbour(&siblings, |f| f.id == field.id, direction) else {
        return Ok(false);
    };
    // Positions are renumbered in list order, so ties from earlier data cannot block a move.
    let mut order: Vec<&fields_of_action::Model> = siblings.iter().collect();
    order.swap(index, other);
    let rows: Vec<(Uuid, i32)> = order.iter().map(|f| (f.id, f.position)).collect();
    renumber::<fields_of_action::Entity>(
        db,
        &rows,
        fields_of_action::Column::Id,
        fields_of_action::Column::Position,
    )
    .await?;
    let summary = json!({
        "title": field.title,
        "before": { "position": index + 1 },
        "after": { "position": other + 1 },
    });
    log(
        db,
        now,
        actor,
        at.strategy.municipality_id,
        "field_of_action.moved",
        ("field_of_action", field.id),
        summary,
    )
    .await?;
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

pub async fn create_goal(
    db: &impl ConnectionTrait,
    actor: Uuid,
    at: &FieldInStrategy,
    input: GoalInput,
    now: DateTime<Utc>,
) -> Result<goals::Model, DbErr> {
    let last = goals::Entity::find()
        .filter(goals::Column::FieldOfActionId.eq(at.field.id))
        .order_by_desc(goals::Column::Position)
        .one(db)
        .await?;
    let created = goals::ActiveModel {
        id: Set(Uuid::now_v7()),
        field_of_action_id: Set(at.field.id),
        title: Set(input.title),
        description: Set(input.description),
        target_text: Set(input.target_text),
        position: Set(last.map_or(1, |g| g.position + 1)),
        archived_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    let summary = json!({ "field_of_action": at.field.title, "after": goal_json(&created) });
    log(
        db,
        now,
        actor,
        at.strategy.municipality_id,
        "goal.created",
        ("goal", created.id),
        summary,
    )
    .await?;
    Ok(created)
}

pub async fn update_goal(
    db: &impl ConnectionTrait,
    actor: Uuid,
    at: &GoalInStrategy,
    input: GoalInput,
    now: DateTime<Utc>,
) -> Result<goals::Model, DbErr> {
    let before = &at.goal;
    let mut active = before.clone().into_active_model();
    active.title = Set(input.title);
    active.description = Set(input.description);
    active.target_text = Set(input.target_text);
    active.updated_at = Set(now);
    let after = active.update(db).await?;
    let summary = json!({ "before": goal_json(before), "after": goal_json(&after) });
    log(
        db,
        now,
        actor,
        at.strategy.municipality_id,
        "goal.updated",
        ("goal", after.id),
        summary,
    )
    .await?;
    Ok(after)
}

/// Swaps the goal with its neighbour among the goals of its field that are, like it, active (or,
/// like it, archived). Nothing happens at either end.
pub async fn move_goal(
    db: &impl ConnectionTrait,
    actor: Uuid,
    at: &GoalInStrategy,
    direction: Direction,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let goal = &at.goal;
    let all = goals_of_field(db, goal.field_of_action_id).await?;
    let archived = goal.archived_at.is_some();
    let same_kind: Vec<&goals::Model> = all
        .iter()
        .filter(|g| g.archived_at.is_some() == archived)
        .collect();
    let Some((index, other)) = neighbour(&same_kind, |g| g.id == goal.id, direction) else {
        return Ok(false);
    };
    // Swap the two in the full list and renumber it, so ties cannot block a move.
    let mut order: Vec<&goals::Model> = all.iter().collect();
    let a = order.iter().position(|g| g.id == same_kind[index].id);
    let b = order.iter().position(|g| g.id == same_kind[other].id);
    let (Some(a), Some(b)) = (a, b) else {
        return Ok(false);
    };
    order.swap(a, b);
    let rows: Vec<(Uuid, i32)> = order.iter().map(|g| (g.id, g.position)).collect();
    renumber::<goals::Entity>(db, &rows, goals::Column::Id, goals::Column::Position).await?;
    let summary = json!({
        "title": goal.title,
        "before": { "position": index + 1 },
        "after": { "position": other + 1 },
    });
    log(
        db,
        now,
        actor,
        at.strategy.municipality_id,
        "goal.moved",
        ("goal", goal.id),
        summary,
    )
    .await?;
    Ok(true)
}

/// Archives (`true`) or restores (`false`) a goal. Returns false when it already was so.
pub async fn set_goal_archived(
    db: &impl ConnectionTrait,
    actor: Uuid,
    at: &GoalInStrategy,
    archive: bool,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let before = &at.goal;
    if before.archived_at.is_some() == archive {
        return Ok(false);
    }
    let mut active = before.clone().into_active_model();
    active.archived_at = Set(archive.then_some(now));
    active.updated_at = Set(now);
    let after = active.update(db).await?;
    let summary = json!({
        "title": after.title,
        "before": { "archived_at": before.archived_at.map(|t| t.to_rfc3339()) },
        "after": { "archived_at": after.archived_at.map(|t| t.to_rfc3339()) },
    });
    log(
        db,
        now,
        actor,
        at.strategy.municipality_id,
        if archive {
            "goal.archived"
        } else {
            "goal.restored"
        },
        ("goal", after.id),
        summary,
    )
    .await?;
    Ok(true)
}

pub async fn create_measure(
    db: &impl ConnectionTrait,
    actor: Uuid,
    at: &GoalInStrategy,
    input: MeasureInput,
    now: DateTime<Utc>,
) -> Result<measures::Model, DbErr> {
    let last = measures::Entity::find()
        .filter(measures::Column::GoalId.eq(at.goal.id))
        .order_by_desc(measures::Column::Position)
        .one(db)
        .await?;
    let created = measures::ActiveModel {
        id: Set(Uuid::now_v7()),
        goal_id: Set(at.goal.id),
        title: Set(input.title),
        description: Set(input.description),
        responsible_body: Set(input.responsible_body),
        status: Set(input.status),
        starts_on: Set(input.starts_on),
        ends_on: Set(input.ends_on),
        progress_note: Set(input.progress_note),
        position: Set(last.map_or(1, |m| m.position + 1)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    let summary = json!({ "goal": at.goal.title, "after": measure_json(&created) });
    log(
        db,
        now,
        actor,
        at.strategy.municipality_id,
        "measure.created",
        ("measure", created.id),
        summary,
    )
    .await?;
    Ok(created)
}

pub async fn update_measure(
    db: &impl ConnectionTrait,
    actor: Uuid,
    at: &MeasureInStrategy,
    input: MeasureInput,
    now: DateTime<Utc>,
) -> Result<measures::Model, DbErr> {
    let before = &at.measure;
    let mut active = before.clone().into_active_model();
    active.title = Set(input.title);
    active.description = Set(input.description);
    active.responsible_body = Set(input.responsible_body);
    active.status = Set(input.status);
    active.starts_on = Set(input.starts_on);
    active.ends_on = Set(input.ends_on);
    active.progress_note = Set(input.progress_note);
    active.updated_at = Set(now);
    let after = active.update(db).await?;
    let summary = json!({ "before": measure_json(before), "after": measure_json(&after) });
    log(
        db,
        now,
        actor,
        at.strategy.municipality_id,
        "measure.updated",
        ("measure", after.id),
        summary,
    )
    .await?;
    Ok(after)
}

/// Swaps the measure with its neighbour under the same goal. Nothing happens at either end.
pub async fn move_measure(
    db: &impl ConnectionTrait,
    actor: Uuid,
    at: &MeasureInStrategy,
    direction: Direction,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let measure = &at.measure;
    let siblings = measures_of(db, &[measure.goal_id]).await?;
    let Some((index, other)) = neighbour(&siblings, |m| m.id == measure.id, direction) else {
        return Ok(false);
    };
    let mut order: Vec<&measures::Model> = siblings.iter().collect();
    order.swap(index, other);
    let rows: Vec<(Uuid, i32)> = order.iter().map(|m| (m.id, m.position)).collect();
    renumber::<measures::Entity>(db, &rows, measures::Column::Id, measures::Column::Position)
        .await?;
    let summary = json!({
        "title": measure.title,
        "before": { "position": index + 1 },
        "after": { "position": other + 1 },
    });
    log(
        db,
        now,
        actor,
        at.strategy.municipality_id,
        "measure.moved",
        ("measure", measure.id),
        summary,
    )
    .await?;
    Ok(true)
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
