//! The admin pages' view models: the options of their selects and the audit log's entries with
//! localized names.

use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::{admin::service::AuditRow, web::context::Ctx};

/// A municipality to choose in a select.
#[derive(Serialize)]
pub(super) struct PlaceOption {
    pub id: Uuid,
    pub name: String,
    pub selected: bool,
}

/// A value to choose in a select, shown by its translation in the template.
#[derive(Serialize)]
pub(super) struct ValueOption {
    pub value: &'static str,
    pub selected: bool,
}

/// A kind of object to filter the audit log by.
#[derive(Serialize)]
pub(super) struct KindOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One audit entry with localized names.
#[derive(Serialize)]
pub(super) struct AuditEntryView {
    created_at: String,
    actor: Option<String>,
    municipality: Option<String>,
    action: String,
    action_key: String,
    kind: String,
    target_id: Option<String>,
    changes: Vec<ChangeView>,
}

/// A field an entry changed: before (none for a new value) and after.
#[derive(Serialize)]
struct ChangeView {
    field: String,
    before: Option<String>,
    after: String,
}

/// The translation of `prefix` + `raw` (dots and underscores as hyphens), or `raw` itself for
/// an entry whose action or field has no translation yet.
pub(super) fn label(ctx: &Ctx, prefix: &str, raw: &str) -> String {
    let key = format!("{prefix}{}", raw.replace(['.', '_'], "-"));
    crate::web::i18n::lookup(ctx.lang, &key, &[]).unwrap_or_else(|| raw.to_string())
}

fn shown_value(ctx: &Ctx, value: &Value) -> String {
    match value {
        Value::Null => "–".to_string(),
        Value::Bool(true) => ctx.t("audit-yes"),
        Value::Bool(false) => ctx.t("audit-no"),
        // Points in time are stored as RFC 3339; people read them in the instance's zone.
        Value::String(s) => match chrono::DateTime::parse_from_rfc3339(s) {
            Ok(at) => crate::web::i18n::format_datetime(
                ctx.lang,
                ctx.state.settings.time_zone,
                at.with_timezone(&chrono::Utc),
                "format-datetime",
            ),
            Err(_) => s.clone(),
        },
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items
            .iter()
            .map(|v| shown_value(ctx, v))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(_) => value.to_string(),
    }
}

/// One entry with localized names: its action, its kind, and each change as field, before, after.
pub(super) fn audit_view(ctx: &Ctx, row: &AuditRow) -> AuditEntryView {
    let summary: Value = serde_json::from_str(&row.summary).unwrap_or(Value::Null);
    let mut changes = Vec::new();
    let before = summary.get("before").and_then(Value::as_object);
    let after = summary.get("after").and_then(Value::as_object);
    if before.is_some() || after.is_some() {
        let mut fields: Vec<&String> = after.into_iter().flat_map(|m| m.keys()).collect();
        for key in before.into_iter().flat_map(|m| m.keys()) {
            if !fields.contains(&key) {
                fields.push(key);
            }
        }
        for field in fields {
            let old = before.and_then(|m| m.get(field));
            let new = after.and_then(|m| m.get(field));
            if old.is_some() && old == new {
                continue;
            }
            changes.push(ChangeView {
                field: label(ctx, "audit-field-", field),
                before: old.map(|v| shown_value(ctx, v)),
                after: shown_value(ctx, new.unwrap_or(&Value::Null)),
            });
        }
    } else if let Some(map) = summary.as_object() {
        for (field, value) in map {
            changes.push(ChangeView {
                field: label(ctx, "audit-field-", field),
                before: None,
                after: shown_value(ctx, value),
            });
        }
    }
    AuditEntryView {
        created_at: row.created_at.clone(),
        actor: row.actor.clone(),
        municipality: row.municipality.clone(),
        action: label(ctx, "audit-action-", &row.action),
        action_key: row.action.clone(),
        kind: label(ctx, "audit-kind-", &row.target_type),
        target_id: row.target_id.clone(),
        changes,
    }
}
