use chrono::{DateTime, Utc};
use entity::{audit_log, municipalities, users};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, NotSet, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::audit::service::{self as audit, Entry};

pub use crate::audit::service::Filter as AuditFilter;

/// The smallest group size a municipality may set: below three, a published count can point at
/// a person.
pub const MIN_GROUP_SIZE_FLOOR: i32 = 3;
pub const DEFAULT_MIN_GROUP_SIZE: i32 = 5;
/// Areas with fewer inhabitants never have their indicator values published; an admin may set
/// a higher minimum, never a lower one (below it a value can point at a few households).
pub const MIN_AREA_POPULATION_FLOOR: i32 = 100;

/// A slug is lower-case letters, digits and single hyphens, as it appears in URLs.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

pub async fn all_municipalities(
    db: &impl ConnectionTrait,
) -> Result<Vec<municipalities::Model>, DbErr> {
    municipalities::Entity::find()
        .order_by_asc(municipalities::Column::Name)
        .all(db)
        .await
}

pub async fn municipality_page(
    db: &impl ConnectionTrait,
    page: u64,
    per_page: u64,
) -> Result<(Vec<municipalities::Model>, u64), DbErr> {
    let paginator = municipalities::Entity::find()
        .order_by_asc(municipalities::Column::Name)
        .paginate(db, per_page);
    let pages = paginator.num_pages().await?;
    Ok((paginator.fetch_page(page).await?, pages))
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

/// Whether another municipality than `except` already uses `slug`.
pub async fn slug_taken(
    db: &impl ConnectionTrait,
    slug: &str,
    except: Option<Uuid>,
) -> Result<bool, DbErr> {
    let mut query = municipalities::Entity::find().filter(municipalities::Column::Slug.eq(slug));
    if let Some(id) = except {
        query = query.filter(municipalities::Column::Id.ne(id));
    }
    Ok(query.count(db).await? > 0)
}

pub struct NewMunicipality<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub min_group_size: i32,
}

/// What an admin changes on a municipality: what it was created with, and the minimum population
/// of an area whose indicator values may be published.
pub struct MunicipalityChange<'a> {
    pub new: NewMunicipality<'a>,
    pub min_area_population: i32,
}

pub async fn create_municipality(
    db: &impl ConnectionTrait,
    actor: Option<Uuid>,
    new: NewMunicipality<'_>,
    now: DateTime<Utc>,
) -> Result<municipalities::Model, DbErr> {
    let created = municipalities::ActiveModel {
        id: Set(Uuid::now_v7()),
        slug: Set(new.slug.to_string()),
        name: Set(new.name.trim().to_string()),
        min_group_size: Set(new.min_group_size),
        // The column's default (300, as Hamburg's Sozialmonitoring does).
        min_area_population: NotSet,
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        now,
        Entry {
            actor_id: actor,
            municipality_id: Some(created.id),
            action: "municipality.created",
            target_type: "municipality",
            target_id: Some(created.id.to_string()),
            summary: json!({ "after": { "name": created.name, "slug": created.slug, "min_group_size": created.min_group_size } }),
        },
    )
    .await?;
    Ok(created)
}

/// Changes a municipality's name, slug, minimum group size and minimum area population,
/// audit-logged with what changed. Returns false when nothing changed.
pub async fn update_municipality(
    db: &impl ConnectionTrait,
    actor: Uuid,
    current: municipalities::Model,
    change: MunicipalityChange<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let new = change.new;
    let name = new.name.trim().to_string();
    let mut before = serde_json::Map::new();
    let mut after = serde_json::Map::new();
    if current.name != name {
        before.insert("name".into(), json!(current.name));
        after.insert("name".into(), json!(name));
    }
    if current.slug != new.slug {
        before.insert("slug".into(), json!(current.slug));
        after.insert("slug".into(), json!(new.slug));
    }
    if current.min_group_size != new.min_group_size {
        before.insert("min_group_size".into(), json!(current.min_group_size));
        after.insert("min_group_size".into(), json!(new.min_group_size));
    }
    if current.min_area_population != change.min_area_population {
        before.insert(
            "min_area_population".into(),
            json!(current.min_area_population),
        );
        after.insert(
            "min_area_population".into(),
            json!(change.min_area_population),
        );
    }
    if after.is_empty() {
        return Ok(false);
    }
    let id = current.id;
    let mut active: municipalities::ActiveModel = current.into();
    active.name = Set(name);
    active.slug = Set(new.slug.to_string());
    active.min_group_size = Set(new.min_group_size);
    active.min_area_population = Set(change.min_area_population);
    active.update(db).await?;
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(actor),
            municipality_id: Some(id),
            action: "municipality.updated",
            target_type: "municipality",
            target_id: Some(id.to_string()),
            summary: json!({ "before": before, "after": after }),
        },
    )
    .await?;
    Ok(true)
}

/// The kinds of object the audit log has entries about.
pub async fn audit_kinds(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    audit::target_types(db).await
}

/// One audit entry as the log page shows it.
#[derive(Serialize)]
pub struct AuditRow {
    pub created_at: String,
    pub actor: Option<String>,
    pub municipality: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    pub summary: String,
}

/// A page of the audit log with actor addresses and municipality names, in three queries.
pub async fn audit_page(
    db: &impl ConnectionTrait,
    filter: &AuditFilter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<AuditRow>, u64), DbErr> {
    let (entries, pages) = audit::filtered_page(db, filter, page, per_page).await?;
    let actor_ids: Vec<Uuid> = entries.iter().filter_map(|e| e.actor_id).collect();
    let municipality_ids: Vec<Uuid> = entries.iter().filter_map(|e| e.municipality_id).collect();
    let actors = users::Entity::find()
        .filter(users::Column::Id.is_in(actor_ids))
        .all(db)
        .await?;
    let places = municipalities::Entity::find()
        .filter(municipalities::Column::Id.is_in(municipality_ids))
        .all(db)
        .await?;
    let rows = entries
        .into_iter()
        .map(|e: audit_log::Model| AuditRow {
            created_at: e.created_at.to_rfc3339(),
            actor: e
                .actor_id
                .and_then(|id| actors.iter().find(|u| u.id == id))
                .map(|u| u.email.clone()),
            municipality: e
                .municipality_id
                .and_then(|id| places.iter().find(|m| m.id == id))
                .map(|m| m.name.clone()),
            action: e.action,
            target_type: e.target_type,
            target_id: e.target_id,
            summary: e.summary,
        })
        .collect();
    Ok((rows, pages))
}
