//! Saving a round from its form: creating a draft and changing a round, with its goals and target
//! groups, each written to the audit log with what changed.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{round_goals, round_target_groups, rounds};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{Set, Unchanged},
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
    sea_query::Expr,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    audit::service::{self as audit, Entry},
    identity::CurrentUser,
    rounds::{
        forms::{RoundInput, slug_from_title},
        model::{Status, goal_ids, target_groups_of},
    },
};

pub async fn slug_taken(
    db: &impl ConnectionTrait,
    slug: &str,
    except: Option<Uuid>,
) -> Result<bool, DbErr> {
    let mut query = rounds::Entity::find().filter(rounds::Column::Slug.eq(slug));
    if let Some(id) = except {
        query = query.filter(rounds::Column::Id.ne(id));
    }
    Ok(query.count(db).await? > 0)
}

/// A free slug for a new round: `base`, else `base-2`, `base-3` … (the base is shortened so a
/// suffix still fits the 60 characters a slug may have).
async fn free_slug(db: &impl ConnectionTrait, base: &str) -> Result<String, DbErr> {
    let base = base
        .get(..base.len().min(55))
        .unwrap_or(base)
        .trim_end_matches('-');
    let taken: Vec<String> = rounds::Entity::find()
        .select_only()
        .column(rounds::Column::Slug)
        .filter(
            Condition::any()
                .add(rounds::Column::Slug.eq(base))
                .add(rounds::Column::Slug.starts_with(format!("{base}-"))),
        )
        .into_tuple()
        .all(db)
        .await?;
    if !taken.iter().any(|s| s == base) {
        return Ok(base.to_string());
    }
    Ok((2..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or_else(|| format!("{base}-{}", Uuid::new_v4().simple())))
}

/// Creates a draft round. `input.slug` must be free (or empty: then one is made from the title).
pub async fn create(
    db: &impl ConnectionTrait,
    actor: &CurrentUser,
    municipality_id: Uuid,
    input: &RoundInput,
    now: DateTime<Utc>,
) -> Result<rounds::Model, DbErr> {
    let slug = if input.slug.is_empty() {
        free_slug(db, &slug_from_title(&input.title)).await?
    } else {
        input.slug.clone()
    };
    let round = rounds::ActiveModel {
        id: Set(Uuid::now_v7()),
        municipality_id: Set(municipality_id),
        slug: Set(slug),
        title: Set(input.title.clone()),
        summary: Set(input.summary.clone()),
        description: Set(input.description.clone()),
        status: Set(Status::Draft.as_str().into()),
        starts_at: Set(input.starts_at),
        ends_at: Set(input.ends_at),
        scheduled_at: Set(None),
        contact_name: Set(input.contact_name.clone()),
        contact_phone: Set(input.contact_phone.clone()),
        contact_email: Set(input.contact_email.clone()),
        contact_address: Set(input.contact_address.clone()),
        evaluation_summary: Set(None),
        opened_at: Set(None),
        closed_at: Set(None),
        evaluated_at: Set(None),
        created_by: Set(Some(actor.id)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    replace_links(db, round.id, input).await?;
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(actor.id),
            municipality_id: Some(municipality_id),
            action: "round.create",
            target_type: "round",
            target_id: Some(round.id.to_string()),
            summary: json!({ "after": {
                "title": round.title,
                "slug": round.slug,
                "starts_at": round.starts_at,
                "ends_at": round.ends_at,
                "goals": input.goal_ids.len(),
                "target_groups": input.target_groups,
            } }),
        },
    )
    .await?;
    Ok(round)
}

async fn replace_links(
    db: &impl ConnectionTrait,
    round_id: Uuid,
    input: &RoundInput,
) -> Result<(), DbErr> {
    round_goals::Entity::delete_many()
        .filter(round_goals::Column::RoundId.eq(round_id))
        .exec(db)
        .await?;
    round_target_groups::Entity::delete_many()
        .filter(round_target_groups::Column::RoundId.eq(round_id))
        .exec(db)
        .await?;
    if !input.goal_ids.is_empty() {
        round_goals::Entity::insert_many(input.goal_ids.iter().map(|goal_id| {
            round_goals::ActiveModel {
                round_id: Set(round_id),
                goal_id: Set(*goal_id),
            }
        }))
        .exec(db)
        .await?;
    }
    if !input.target_groups.is_empty() {
        let spellings = existing_spellings(db, &input.target_groups).await?;
        let mut tags: Vec<String> = input
            .target_groups
            .iter()
            .map(|tag| {
                spellings
                    .get(&tag.to_lowercase())
                    .cloned()
                    .unwrap_or_else(|| tag.clone())
            })
            .collect();
        tags.dedup();
        round_target_groups::Entity::insert_many(tags.iter().map(|tag| {
            round_target_groups::ActiveModel {
                round_id: Set(round_id),
                tag: Set(tag.clone()),
            }
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

/// How tags that differ from `tags` only in case are already spelled on other rounds, keyed by
/// lower case: a new "senioren" joins the existing "Senioren", so the filter on `/` lists one.
async fn existing_spellings(
    db: &impl ConnectionTrait,
    tags: &[String],
) -> Result<HashMap<String, String>, DbErr> {
    let lowered: Vec<String> = tags.iter().map(|t| t.to_lowercase()).collect();
    let rows: Vec<String> = round_target_groups::Entity::find()
        .select_only()
        .column(round_target_groups::Column::Tag)
        .distinct()
        .filter(sea_orm::sea_query::ExprTrait::is_in(
            Expr::expr(sea_orm::sea_query::Func::lower(Expr::col(
                round_target_groups::Column::Tag,
            ))),
            lowered,
        ))
        .order_by_asc(round_target_groups::Column::Tag)
        .into_tuple()
        .all(db)
        .await?;
    let mut map = HashMap::new();
    for tag in rows {
        map.entry(tag.to_lowercase()).or_insert(tag);
    }
    Ok(map)
}

/// Saves a changed round. The slug only changes while the round is a draft: once published,
/// its address is in letters and on posters.
pub async fn update(
    db: &impl ConnectionTrait,
    actor: &CurrentUser,
    round: &rounds::Model,
    input: &RoundInput,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let before_goals = goal_ids(db, round.id).await?;
    let before_groups = target_groups_of(db, round.id).await?;
    let slug = if Status::of(round) == Some(Status::Draft) && !input.slug.is_empty() {
        input.slug.clone()
    } else {
        round.slug.clone()
    };
    let mut before = serde_json::Map::new();
    let mut after = serde_json::Map::new();
    let mut note = |name: &str, old: Value, new: Value| {
        if old != new {
            before.insert(name.to_string(), old);
            after.insert(name.to_string(), new);
        }
    };
    note("title", json!(round.title), json!(input.title));
    note("slug", json!(round.slug), json!(slug));
    note("summary", json!(round.summary), json!(input.summary));
    note(
        "description",
        json!(round.description),
        json!(input.description),
    );
    note("starts_at", json!(round.starts_at), json!(input.starts_at));
    note("ends_at", json!(round.ends_at), json!(input.ends_at));
    note(
        "contact_name",
        json!(round.contact_name),
        json!(input.contact_name),
    );
    note(
        "contact_phone",
        json!(round.contact_phone),
        json!(input.contact_phone),
    );
    note(
        "contact_email",
        json!(round.contact_email),
        json!(input.contact_email),
    );
    note(
        "contact_address",
        json!(round.contact_address),
        json!(input.contact_address),
    );
    let mut groups_after = input.target_groups.clone();
    groups_after.sort();
    let mut groups_before = before_groups;
    groups_before.sort();
    note("target_groups", json!(groups_before), json!(groups_after));
    let mut goals_before = before_goals;
    goals_before.sort();
    note("goals", json!(goals_before), json!(input.goal_ids));
    rounds::ActiveModel {
        id: Unchanged(round.id),
        slug: Set(slug),
        title: Set(input.title.clone()),
        summary: Set(input.summary.clone()),
        description: Set(input.description.clone()),
        starts_at: Set(input.starts_at),
        ends_at: Set(input.ends_at),
        contact_name: Set(input.contact_name.clone()),
        contact_phone: Set(input.contact_phone.clone()),
        contact_email: Set(input.contact_email.clone()),
        contact_address: Set(input.contact_address.clone()),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await?;
    replace_links(db, round.id, input).await?;
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(actor.id),
            municipality_id: Some(round.municipality_id),
            action: "round.update",
            target_type: "round",
            target_id: Some(round.id.to_string()),
            summary: json!({ "before": before, "after": after }),
        },
    )
    .await?;
    Ok(())
}
