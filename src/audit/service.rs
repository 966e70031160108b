use chrono::{DateTime, Utc};
use entity::{audit_log, users};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::{Expr, ExprTrait, LikeExpr, Query},
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

/// A staff change as the log records it: `<kind>.<verb>` (`goal.updated`, `area.deleted`) on an
/// item of that kind, in a municipality (or, with `None`, the whole instance). The editing use
/// cases make one per write and record each thing they did with it.
pub struct Change {
    pub now: DateTime<Utc>,
    pub actor: Uuid,
    pub municipality_id: Option<Uuid>,
    pub kind: &'static str,
}

impl Change {
    pub fn new(
        kind: &'static str,
        actor: Uuid,
        municipality_id: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            now,
            actor,
            municipality_id,
            kind,
        }
    }

    /// Records `<kind>.<verb>` of the item `id` with what changed.
    pub async fn record(
        &self,
        db: &impl ConnectionTrait,
        verb: &str,
        id: impl ToString,
        summary: Value,
    ) -> Result<(), DbErr> {
        record(
            db,
            self.now,
            Entry {
                actor_id: Some(self.actor),
                municipality_id: self.municipality_id,
                action: &format!("{}.{verb}", self.kind),
                target_type: self.kind,
                target_id: Some(id.to_string()),
                summary,
            },
        )
        .await
    }
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

/// What the log page narrows to; every part is optional.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub municipality_id: Option<Uuid>,
    /// Part of the acting person's e-mail address (lower case).
    pub person: Option<String>,
    pub target_type: Option<String>,
    pub from: Option<DateTime<Utc>>,
    /// Exclusive.
    pub until: Option<DateTime<Utc>>,
}

/// One page of the whole log, newest first, with the total number of pages.
pub async fn page(
    db: &impl ConnectionTrait,
    page: u64,
    per_page: u64,
) -> Result<(Vec<audit_log::Model>, u64), DbErr> {
    filtered_page(db, &Filter::default(), page, per_page).await
}

/// One page of the log, newest first, with the total number of pages; filtered in SQL (each
/// filter has an index beginning with its column and the time).
pub async fn filtered_page(
    db: &impl ConnectionTrait,
    filter: &Filter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<audit_log::Model>, u64), DbErr> {
    let mut query = audit_log::Entity::find();
    if let Some(id) = filter.municipality_id {
        query = query.filter(audit_log::Column::MunicipalityId.eq(id));
    }
    if let Some(kind) = &filter.target_type {
        query = query.filter(audit_log::Column::TargetType.eq(kind.as_str()));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_log::Column::CreatedAt.gte(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_log::Column::CreatedAt.lt(until));
    }
    if let Some(person) = &filter.person {
        let escaped = person
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        query = query.filter(
            audit_log::Column::ActorId.in_subquery(
                Query::select()
                    .column(users::Column::Id)
                    .from(users::Entity)
                    .and_where(
                        Expr::col(users::Column::Email)
                            .like(LikeExpr::new(format!("%{escaped}%")).escape('\\')),
                    )
                    .to_owned(),
            ),
        );
    }
    let paginator = query
        .order_by_desc(audit_log::Column::CreatedAt)
        .order_by_desc(audit_log::Column::Id)
        .paginate(db, per_page);
    let pages = paginator.num_pages().await?;
    Ok((paginator.fetch_page(page).await?, pages))
}

/// The kinds of object the log holds entries about, for the filter.
pub async fn target_types(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    audit_log::Entity::find()
        .select_only()
        .column(audit_log::Column::TargetType)
        .distinct()
        .order_by_asc(audit_log::Column::TargetType)
        .into_tuple::<String>()
        .all(db)
        .await
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
