use chrono::{DateTime, Utc};
use entity::audit_log;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::Value;
use uuid::Uuid;

/// What happened, to be recorded. `summary` says what changed (before/after), never secrets.
pub struct Entry<'a> {
    pub actor_id: Option<Uuid>,
    pub municipality_id: Option<Uuid>,
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: Option<String>,
    pub summary: Value,
}

pub async fn record(
    db: &impl ConnectionTrait,
    at: DateTime<Utc>,
    entry: Entry<'_>,
) -> Result<(), DbErr> {
    audit_log::ActiveModel {
        id: Set(Uuid::now_v7()),
        actor_id: Set(entry.actor_id),
        municipality_id: Set(entry.municipality_id),
        action: Set(entry.action.to_string()),
        target_type: Set(entry.target_type.to_string()),
        target_id: Set(entry.target_id),
        summary: Set(entry.summary.to_string()),
        created_at: Set(at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// One page of the log, newest first, with the total number of pages.
pub async fn page(
    db: &impl ConnectionTrait,
    page: u64,
    per_page: u64,
) -> Result<(Vec<audit_log::Model>, u64), DbErr> {
    let paginator = audit_log::Entity::find()
        .order_by_desc(audit_log::Column::CreatedAt)
        .order_by_desc(audit_log::Column::Id)
        .paginate(db, per_page);
    let pages = paginator.num_pages().await?;
    Ok((paginator.fetch_page(page).await?, pages))
}

/// The latest entries about one thing (a round, a goal), newest first.
pub async fn for_target(
    db: &impl ConnectionTrait,
    target_type: &str,
    target_id: &str,
    limit: u64,
) -> Result<Vec<audit_log::Model>, DbErr> {
    audit_log::Entity::find()
        .filter(audit_log::Column::TargetType.eq(target_type))
        .filter(audit_log::Column::TargetId.eq(target_id))
        .order_by_desc(audit_log::Column::CreatedAt)
        .order_by_desc(audit_log::Column::Id)
        .limit(limit)
        .all(db)
        .await
}
