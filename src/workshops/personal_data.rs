//! Personal data in sign-ups: deleting it after the workshop, forgetting an address when an
//! account is deleted, and the sign-ups in an account's data download.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{workshop_signups, workshops};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Statement,
    sea_query::Expr,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::db::placeholders;

/// Deletes the personal data (name, contact, needs, private link) of sign-ups for workshops that
/// ended more than `days` ago. Number of people, status and attendance stay, so counts remain.
pub async fn purge_personal_data(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    days: u64,
) -> Result<u64, DbErr> {
    let cutoff = now - chrono::Duration::days(i64::try_from(days).unwrap_or(i64::MAX / 86_400_000));
    let backend = db.get_database_backend();
    let result = db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(
                backend,
                "UPDATE workshop_signups SET name = NULL, email = NULL, phone = NULL, \
                   children = 0, children_ages = NULL, interpreter_language = NULL, \
                   step_free = $1, note = NULL, token_hash = NULL, personal_data_deleted_at = $2 \
                 WHERE personal_data_deleted_at IS NULL \
                   AND workshop_id IN (SELECT id FROM workshops WHERE ends_at < $3)",
            ),
            [false.into(), now.into(), cutoff.into()],
        ))
        .await?;
    workshops::Entity::update_many()
        .col_expr(workshops::Column::PersonalDataDeletedAt, Expr::value(now))
        .filter(workshops::Column::PersonalDataDeletedAt.is_null())
        .filter(workshops::Column::EndsAt.lt(cutoff))
        .exec(db)
        .await?;
    if result.rows_affected() > 0 {
        tracing::info!(
            signups = result.rows_affected(),
            "personal data of past workshop sign-ups deleted"
        );
    }
    Ok(result.rows_affected())
}

/// When an account is deleted: the sign-ups made with its address lose their personal data as
/// after the retention period (the place and the counts stay, no mail goes to the address any
/// more, the private link stops working).
pub async fn forget_address(
    db: &impl ConnectionTrait,
    email: &str,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let result = db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(
                backend,
                "UPDATE workshop_signups SET name = NULL, email = NULL, phone = NULL, \
                   children = 0, children_ages = NULL, interpreter_language = NULL, \
                   step_free = $1, note = NULL, token_hash = NULL, personal_data_deleted_at = $2, \
                   updated_at = $2 \
                 WHERE email = $3",
            ),
            [false.into(), now.into(), email.into()],
        ))
        .await?;
    Ok(result.rows_affected())
}

/// The sign-ups made with `email`, for the data download of the account with that address.
pub async fn signups_of(db: &impl ConnectionTrait, email: &str) -> Result<Vec<Value>, DbErr> {
    let found = workshop_signups::Entity::find()
        .filter(workshop_signups::Column::Email.eq(email))
        .order_by_asc(workshop_signups::Column::CreatedAt)
        .all(db)
        .await?;
    let titles: HashMap<Uuid, workshops::Model> = workshops::Entity::find()
        .filter(workshops::Column::Id.is_in(found.iter().map(|s| s.workshop_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|w| (w.id, w))
        .collect();
    Ok(found
        .iter()
        .map(|s| {
            let w = titles.get(&s.workshop_id);
            json!({
                "workshop": w.map(|w| w.title.clone()),
                "starts_at": w.map(|w| w.starts_at),
                "status": s.status,
                "people": s.people,
                "name": s.name,
                "email": s.email,
                "phone": s.phone,
                "children": s.children,
                "children_ages": s.children_ages,
                "interpreter_language": s.interpreter_language,
                "step_free": s.step_free,
                "note": s.note,
                "checked_in_at": s.checked_in_at,
                "created_at": s.created_at,
            })
        })
        .collect())
}
