//! View models of workshops for other slices' pages: the round page and the goal page.

use serde_json::{Value, json};
use uuid::Uuid;

use entity::workshops;

use crate::{
    admin::service as admin,
    error::AppResult,
    strategy::picker as strategy,
    web::context::Ctx,
    workshops::service::{self, CANCELLED, HELD},
};

/// The round page's in-person offers: its published workshops (and cancelled ones, marked so),
/// with date and place. Held workshops appear with their documentation instead.
pub async fn round_modules(ctx: &Ctx, round_id: Uuid) -> AppResult<Vec<Value>> {
    let tz = ctx.state.settings.time_zone;
    Ok(service::public_for_round(&ctx.state.db, round_id)
        .await?
        .iter()
        .filter(|w| w.status != HELD)
        .map(|w| {
            json!({
                "href": format!("/workshops/{}", w.id),
                "title": w.title,
                "when": service::when(ctx.lang, tz, w),
                "place": w.address.lines().next().unwrap_or_default().trim(),
                "cancelled": w.status == CANCELLED,
            })
        })
        .collect())
}

/// Held workshops with what they produced, for the round page or a goal page.
pub async fn documented_views(ctx: &Ctx, list: &[workshops::Model]) -> AppResult<Vec<Value>> {
    let db = &ctx.state.db;
    let ids: Vec<Uuid> = list.iter().map(|w| w.id).collect();
    let mut occupied = service::occupancy(db, &ids).await?;
    let mut links = service::goal_ids(db, &ids).await?;
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
            json!({
                "href": format!("/workshops/{}", w.id),
                "title": w.title,
                "when": service::when(ctx.lang, tz, w),
                "documentation": w.documentation.clone().unwrap_or_default(),
                "attendance": service::attendance_view(ctx.lang, attended, min),
                "goals": goals.iter().filter(|g| mine.contains(&g.id)).map(|g| json!({
                    "href": format!("/goals/{}", g.id),
                    "title": g.title,
                })).collect::<Vec<_>>(),
            })
        })
        .collect())
}

/// Held workshops of a round, for the round page.
pub async fn documented_for_round(ctx: &Ctx, round_id: Uuid) -> AppResult<Vec<Value>> {
    let held: Vec<workshops::Model> = service::public_for_round(&ctx.state.db, round_id)
        .await?
        .into_iter()
        .filter(|w| w.status == HELD)
        .collect();
    documented_views(ctx, &held).await
}

/// Held workshops that informed a goal, for the goal page.
pub async fn documented_for_goal(ctx: &Ctx, goal_id: Uuid) -> AppResult<Vec<Value>> {
    let list = service::documented_for_goal(&ctx.state.db, goal_id).await?;
    documented_views(ctx, &list).await
}
