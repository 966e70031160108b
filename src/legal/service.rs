use chrono::{DateTime, Utc};
use entity::legal_texts;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::audit::service::{self as audit, Entry};

/// The longest legal text accepted, in characters (a long privacy policy is some 30,000).
pub const MAX_CHARS: usize = 60_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Imprint,
    Privacy,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Imprint, Kind::Privacy];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Imprint => "imprint",
            Kind::Privacy => "privacy",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The public page.
    pub fn path(self) -> &'static str {
        match self {
            Kind::Imprint => "/impressum",
            Kind::Privacy => "/datenschutz",
        }
    }

    /// Where admins edit it.
    pub fn manage_path(self) -> &'static str {
        match self {
            Kind::Imprint => "/manage/legal/imprint",
            Kind::Privacy => "/manage/legal/privacy",
        }
    }
}

fn scoped(kind: Kind, municipality_id: Option<Uuid>) -> sea_orm::Select<legal_texts::Entity> {
    let query = legal_texts::Entity::find().filter(legal_texts::Column::Kind.eq(kind.as_str()));
    match municipality_id {
        Some(id) => query.filter(legal_texts::Column::MunicipalityId.eq(id)),
        None => query.filter(legal_texts::Column::MunicipalityId.is_null()),
    }
}

/// The text kept for exactly this scope (`None`: the instance's).
pub async fn own_text(
    db: &impl ConnectionTrait,
    kind: Kind,
    municipality_id: Option<Uuid>,
) -> Result<Option<legal_texts::Model>, DbErr> {
    scoped(kind, municipality_id).one(db).await
}

/// What a page of `municipality_id` shows: its own version, else the instance's.
pub async fn text_for(
    db: &impl ConnectionTrait,
    kind: Kind,
    municipality_id: Option<Uuid>,
) -> Result<Option<legal_texts::Model>, DbErr> {
    if let Some(id) = municipality_id
        && let Some(own) = own_text(db, kind, Some(id)).await?
    {
        return Ok(Some(own));
    }
    own_text(db, kind, None).await
}

/// The instance texts that do not exist yet (a fresh instance lacks both), in one query.
pub async fn missing_instance_texts(db: &impl ConnectionTrait) -> Result<Vec<Kind>, DbErr> {
    let present: Vec<String> = legal_texts::Entity::find()
        .filter(legal_texts::Column::MunicipalityId.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.kind)
        .collect();
    Ok(Kind::ALL
        .into_iter()
        .filter(|k| !present.iter().any(|p| p == k.as_str()))
        .collect())
}

/// (kind, municipality) of every municipality's own version, for the overview.
pub async fn municipal_versions(
    db: &impl ConnectionTrait,
) -> Result<Vec<(Kind, Uuid, DateTime<Utc>)>, DbErr> {
    Ok(legal_texts::Entity::find()
        .filter(legal_texts::Column::MunicipalityId.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .filter_map(|t| Some((Kind::parse(&t.kind)?, t.municipality_id?, t.updated_at)))
        .collect())
}

/// What saving did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Saved {
    Created,
    Updated,
    /// A municipality's version was emptied: its pages show the instance's text again.
    Removed,
    Unchanged,
}

/// Stores `body` for the scope, audit-logged. An empty body removes a municipality's own version
/// (callers refuse an empty instance text).
pub async fn save(
    db: &impl ConnectionTrait,
    actor: Uuid,
    kind: Kind,
    municipality_id: Option<Uuid>,
    body: &str,
    now: DateTime<Utc>,
) -> Result<Saved, DbErr> {
    let existing = own_text(db, kind, municipality_id).await?;
    let before_chars = existing.as_ref().map(|t| t.body.chars().count());
    let outcome = match (existing, body.trim().is_empty()) {
        (Some(text), true) => {
            legal_texts::Entity::delete_by_id(text.id).exec(db).await?;
            Saved::Removed
        }
        (None, true) => return Ok(Saved::Unchanged),
        (Some(text), false) if text.body == body => return Ok(Saved::Unchanged),
        (Some(text), false) => {
            let mut active: legal_texts::ActiveModel = text.into();
            active.body = Set(body.to_string());
            active.updated_by = Set(Some(actor));
            active.updated_at = Set(now);
            active.update(db).await?;
            Saved::Updated
        }
        (None, false) => {
            legal_texts::ActiveModel {
                id: Set(Uuid::now_v7()),
                municipality_id: Set(municipality_id),
                kind: Set(kind.as_str().to_string()),
                body: Set(body.to_string()),
                updated_by: Set(Some(actor)),
                updated_at: Set(now),
            }
            .insert(db)
            .await?;
            Saved::Created
        }
    };
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(actor),
            municipality_id,
            action: match outcome {
                Saved::Removed => "legal.removed",
                _ => "legal.updated",
            },
            target_type: "legal_text",
            target_id: Some(kind.as_str().to_string()),
            summary: json!({
                "before": { "chars": before_chars },
                "after": { "chars": (outcome != Saved::Removed).then(|| body.chars().count()) },
            }),
        },
    )
    .await?;
    Ok(outcome)
}
