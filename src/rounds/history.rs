//! A round's history on its edit page: its latest audit entries as its coordinators read them.

use entity::rounds;
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::{audit::service as audit, error::AppResult, web::context::Ctx};

#[derive(Serialize)]
pub struct HistoryEntry {
    at: String,
    who: Option<String>,
    what: String,
    changed: String,
}

/// The round's latest audit entries as its coordinators read them: when, who, what, and which
/// fields an edit changed (the full before/after stays in the admins' audit log).
pub async fn history(ctx: &Ctx, round: &rounds::Model) -> AppResult<Vec<HistoryEntry>> {
    let db = &ctx.state.db;
    let entries = audit::for_target(db, "round", &round.id.to_string(), 20).await?;
    let actors: Vec<Uuid> = entries.iter().filter_map(|e| e.actor_id).collect();
    let names = crate::accounts::model::names_of(db, &actors).await?;
    Ok(entries
        .iter()
        .map(|e| {
            let changed: Vec<String> = serde_json::from_str::<Value>(&e.summary)
                .ok()
                .and_then(|v| v.get("after").and_then(Value::as_object).cloned())
                .filter(|_| e.action == "round.update")
                .map(|after| {
                    after
                        .keys()
                        .filter_map(|k| field_label(k))
                        .map(|key| ctx.t(key))
                        .collect()
                })
                .unwrap_or_default();
            HistoryEntry {
                at: e.created_at.to_rfc3339(),
                who: e.actor_id.and_then(|id| names.get(&id).cloned()),
                what: format!("round-history-{}", e.action.replace('.', "-")),
                changed: changed.join(", "),
            }
        })
        .collect())
}

/// The form label of a round field named in an audit summary.
fn field_label(field: &str) -> Option<&'static str> {
    Some(match field {
        "title" => "field-round-title",
        "slug" => "field-slug",
        "summary" => "field-round-summary",
        "description" => "field-round-description",
        "target_groups" => "field-round-target-groups",
        "starts_at" => "field-round-starts-on",
        "ends_at" => "field-round-ends-on",
        "contact_name" => "field-round-contact-name",
        "contact_phone" => "field-round-contact-phone",
        "contact_email" => "field-round-contact-email",
        "contact_address" => "field-round-contact-address",
        "goals" => "field-round-goals",
        _ => return None,
    })
}
