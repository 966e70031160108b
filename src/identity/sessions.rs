//! Signed-in sessions kept on the server. The encrypted session cookie carries a random token;
//! the table holds only its SHA-256, the account, when the session began, when it was last used
//! (updated at most every few minutes) and a coarse device label ("Firefox auf Android") so the
//! owner can recognise it in the profile. A session ends after an absolute lifetime, after an
//! idle time (shorter for staff), when its owner signs out or ends it from another device, and
//! when the password changes. Every request checks this, so a copied cookie stops working.

use chrono::{DateTime, Duration, Utc};
use entity::user_sessions;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, Set, Statement,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{config::Settings, db::placeholders, secrets, web::i18n::Lang};

/// `last_seen_at` is written at most this often, not on every request.
const TOUCH_EVERY: i64 = 5 * 60;

/// A session that was just started: the token goes into the cookie, the id marks it in the list.
pub struct Started {
    pub id: Uuid,
    pub token: String,
}

/// Starts a session for `user_id` on the device that `user_agent` describes.
pub async fn start(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    user_agent: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Started, DbErr> {
    let token = secrets::random_token(32);
    let id = Uuid::new_v4();
    user_sessions::ActiveModel {
        id: Set(id),
        user_id: Set(user_id),
        token_hash: Set(secrets::token_hash(&token)),
        device: Set(device_label(user_agent)),
        created_at: Set(now),
        last_seen_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(Started { id, token })
}

/// What the check of a session's token found.
pub enum Check {
    /// The session goes on; its id.
    Active(Uuid),
    /// The session ended (signed out elsewhere, ended from the profile, password changed).
    Ended,
    /// The session ran past its lifetime or idle time; it is deleted now.
    Expired,
}

/// Checks the session behind `token` for `user_id` at `now`, and notes that it was used.
pub async fn check(
    db: &impl ConnectionTrait,
    settings: &Settings,
    token: &str,
    user_id: Uuid,
    is_staff: bool,
    now: DateTime<Utc>,
) -> Result<Check, DbErr> {
    let Some(session) = user_sessions::Entity::find()
        .filter(user_sessions::Column::TokenHash.eq(secrets::token_hash(token)))
        .filter(user_sessions::Column::UserId.eq(user_id))
        .one(db)
        .await?
    else {
        return Ok(Check::Ended);
    };
    let idle = if is_staff {
        settings.staff_session_idle
    } else {
        settings.session_idle
    };
    if now >= session.created_at + settings.session_max_age || now >= session.last_seen_at + idle {
        user_sessions::Entity::delete_by_id(session.id)
            .exec(db)
            .await?;
        return Ok(Check::Expired);
    }
    if now - session.last_seen_at >= Duration::seconds(TOUCH_EVERY) {
        user_sessions::Entity::update_many()
            .col_expr(user_sessions::Column::LastSeenAt, now.into())
            .filter(user_sessions::Column::Id.eq(session.id))
            .exec(db)
            .await?;
    }
    Ok(Check::Active(session.id))
}

/// Ends one session of the account (another account's id ends nothing).
pub async fn end(db: &impl ConnectionTrait, user_id: Uuid, id: Uuid) -> Result<bool, DbErr> {
    let done = user_sessions::Entity::delete_many()
        .filter(user_sessions::Column::Id.eq(id))
        .filter(user_sessions::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(done.rows_affected > 0)
}

/// Ends every session of the account except `keep`.
pub async fn end_others(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    keep: Option<Uuid>,
) -> Result<(), DbErr> {
    let mut delete =
        user_sessions::Entity::delete_many().filter(user_sessions::Column::UserId.eq(user_id));
    if let Some(keep) = keep {
        delete = delete.filter(user_sessions::Column::Id.ne(keep));
    }
    delete.exec(db).await?;
    Ok(())
}

/// The account's sessions, most recently used first.
pub async fn list(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<Vec<user_sessions::Model>, DbErr> {
    user_sessions::Entity::find()
        .filter(user_sessions::Column::UserId.eq(user_id))
        .order_by_desc(user_sessions::Column::LastSeenAt)
        .order_by_desc(user_sessions::Column::CreatedAt)
        .all(db)
        .await
}

/// The account's sessions for the personal-data download.
pub async fn export_of(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Value, DbErr> {
    Ok(Value::Array(
        list(db, user_id)
            .await?
            .iter()
            .map(|s| {
                json!({
                    "device": s.device,
                    "signed_in_at": s.created_at,
                    "last_active_at": s.last_seen_at,
                })
            })
            .collect(),
    ))
}

/// Housekeeping: sessions past their lifetime or idle time, staff sessions by the staff idle time.
pub async fn purge(
    db: &impl ConnectionTrait,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    user_sessions::Entity::delete_many()
        .filter(
            Condition::any()
                .add(user_sessions::Column::CreatedAt.lte(now - settings.session_max_age))
                .add(user_sessions::Column::LastSeenAt.lte(now - settings.session_idle)),
        )
        .exec(db)
        .await?;
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        placeholders(
            backend,
            "DELETE FROM user_sessions WHERE last_seen_at <= $1 \
             AND user_id IN (SELECT user_id FROM role_assignments)",
        ),
        [(now - settings.staff_session_idle).into()],
    ))
    .await?;
    Ok(())
}

/// A coarse label for the device: browser and operating system, no versions ("Firefox auf
/// Android"), stored in the language-neutral form `browser|os` and shown with [`describe`].
pub fn device_label(user_agent: Option<&str>) -> String {
    let parsed = user_agent.and_then(|ua| woothee::parser::Parser::new().parse(ua));
    let known =
        |v: &str| (!v.is_empty() && v != woothee::woothee::VALUE_UNKNOWN).then(|| v.to_string());
    let (browser, os) = match parsed {
        Some(p) => (known(p.name), known(p.os)),
        None => (None, None),
    };
    let mut label = format!("{}|{}", browser.unwrap_or_default(), os.unwrap_or_default());
    label.truncate(80);
    label
}

/// The stored label in words of `lang`: "Firefox auf Android", "Firefox", "unbekanntes Gerät".
pub fn describe(label: &str, lang: Lang) -> String {
    let (browser, os) = label.split_once('|').unwrap_or((label, ""));
    match (browser.is_empty(), os.is_empty()) {
        (false, false) => crate::web::i18n::t_args(
            lang,
            "session-device",
            &[("browser", browser.into()), ("os", os.into())],
        ),
        (false, true) => browser.to_string(),
        (true, false) => os.to_string(),
        (true, true) => crate::web::i18n::t(lang, "session-device-unknown"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_device_label_names_browser_and_system_only() {
        let firefox_android =
            "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0";
        assert_eq!(device_label(Some(firefox_android)), "Firefox|Android");
        assert_eq!(device_label(None), "|");
        assert_eq!(describe("Firefox|Android", Lang::De), "Firefox auf Android");
        assert_eq!(describe("Firefox|Android", Lang::En), "Firefox on Android");
        assert_eq!(describe("|", Lang::De), "unbekanntes Gerät");
    }
}
