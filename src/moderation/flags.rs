//! Flags that one person cannot weaponise.
//!
//! - **Who counts.** A flag hides an item by itself only when it comes from an *established
//!   account*: signed in, with its e-mail address confirmed at least [`NEW_ACCOUNT_DAYS`] days
//!   before the flag. Flags from newer accounts and from visitors without an account reach the
//!   moderation queue but never hide anything. Every account flags an item once (the reporter key
//!   is unique per item), so the count is of distinct accounts.
//! - **How many.** An idea is hidden at [`threshold`] open flags from established accounts: the
//!   configured base (`TEILHABE_FLAG_THRESHOLD`, at least 3) plus one for every [`PER_STEP`]
//!   people who support it or commented on it (supporters plus distinct commenting accounts), so
//!   an idea many people took part in needs more. A comment needs the base.
//! - **Bursts.** When new accounts flag at least [`BURST_ITEMS`] different items of one
//!   municipality within [`BURST_WINDOW_MINUTES`] minutes, those flags are marked as a burst, and
//!   the queue shows their items as suspicious.

use chrono::{DateTime, Duration, Utc};
use entity::{moderation_flags, users};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, Set, Statement,
    sea_query::{Expr, OnConflict},
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    db::placeholders,
    error::AppError,
    moderation::{
        decide::notify_author_of_hide,
        model::{AUTO_HIDDEN, FlagStatus, Status, Target},
    },
    secrets::Keys,
    state::AppState,
};

/// An account whose address was confirmed fewer days ago than this is new: its flags do not hide.
pub const NEW_ACCOUNT_DAYS: i64 = 7;
/// A burst: new accounts flag at least this many different items of one municipality …
pub const BURST_ITEMS: i64 = 5;
/// … within this many minutes.
pub const BURST_WINDOW_MINUTES: i64 = 60;
/// An idea needs one more flag to hide for every this many supporters and commenters.
pub const PER_STEP: i32 = 10;

/// Who made a flag, as far as hiding is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReporterKind {
    /// Signed in, address confirmed at least `NEW_ACCOUNT_DAYS` days ago: counts towards hiding.
    Account,
    /// Signed in with a younger (or unconfirmed) account: queue only.
    NewAccount,
    /// Without an account: queue only.
    Anonymous,
}

impl ReporterKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReporterKind::Account => "account",
            ReporterKind::NewAccount => "new_account",
            ReporterKind::Anonymous => "anonymous",
        }
    }

    /// What kind of reporter an account with this confirmation time is at `now`.
    pub fn of_account(verified_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> ReporterKind {
        match verified_at {
            Some(at) if at <= now - Duration::days(NEW_ACCOUNT_DAYS) => ReporterKind::Account,
            _ => ReporterKind::NewAccount,
        }
    }
}

/// The kind of the person flagging: `user` is the signed-in account, if any.
pub async fn reporter_kind(
    db: &impl ConnectionTrait,
    user: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<ReporterKind, DbErr> {
    let Some(user) = user else {
        return Ok(ReporterKind::Anonymous);
    };
    let verified_at: Option<Option<DateTime<Utc>>> = users::Entity::find_by_id(user)
        .select_only()
        .column(users::Column::EmailVerifiedAt)
        .into_tuple()
        .one(db)
        .await?;
    Ok(ReporterKind::of_account(verified_at.flatten(), now))
}

/// What an idea's threshold grows with, in SQL about the row `ideas`: its supporters and the
/// accounts that commented on it (each counted once, so nobody raises it alone).
fn growth_sql() -> String {
    format!(
        "(ideas.support_count + (SELECT COUNT(DISTINCT c.author_id) FROM idea_comments c \
           WHERE c.idea_id = ideas.id AND c.status = '{}')) / {PER_STEP}",
        Status::Published.as_str()
    )
}

/// How many open flags from established accounts hide `target`: the base, plus one for every
/// `PER_STEP` supporters and commenters of an idea.
pub async fn threshold(
    db: &impl ConnectionTrait,
    base: i32,
    target: &Target,
) -> Result<i64, DbErr> {
    let Target::Idea(idea) = target else {
        return Ok(i64::from(base));
    };
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            placeholders(
                backend,
                &format!(
                    "SELECT {} AS n FROM ideas WHERE ideas.id = $1",
                    growth_sql()
                ),
            ),
            [idea.id.into()],
        ))
        .await?;
    let growth: i64 = row.map(|r| r.try_get("", "n")).transpose()?.unwrap_or(0);
    Ok(i64::from(base) + growth)
}

/// Records a flag from `reporter_key` (a keyed hash of the account or the address) of `kind`.
/// A flag from an established account hides the item once [`threshold`] of them are open; a flag
/// from a new account may mark a burst. Call inside a write transaction.
#[allow(clippy::too_many_arguments)]
pub async fn record(
    db: &impl ConnectionTrait,
    state: &AppState,
    target: &Target,
    reason: &str,
    note: &str,
    reporter_key: &str,
    kind: ReporterKind,
    now: DateTime<Utc>,
) -> Result<Flagged, AppError> {
    let inserted = moderation_flags::Entity::insert(moderation_flags::ActiveModel {
        id: Set(Uuid::now_v7()),
        target_id: Set(target.id()),
        municipality_id: Set(target.municipality_id()),
        reason: Set(reason.to_string()),
        note: Set(note.to_string()),
        reporter_key: Set(reporter_key.to_string()),
        reporter_kind: Set(Some(kind.as_str().to_string())),
        burst: Set(false),
        status: Set(FlagStatus::Open.as_str().into()),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([
            moderation_flags::Column::TargetId,
            moderation_flags::Column::ReporterKey,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    if inserted == 0 {
        return Ok(Flagged::Already);
    }
    let backend = db.get_database_backend();
    let exec = |sql: String, values: Vec<sea_orm::Value>| async move {
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(backend, &sql),
            values,
        ))
        .await
    };
    let table = match target {
        Target::Idea(_) => "ideas",
        Target::Comment(_) => "idea_comments",
    };
    // Every flag reaches the queue. The update also takes the item's row lock, so flags on one
    // item arriving at once are counted one after the other below.
    exec(
        format!("UPDATE {table} SET open_flags = open_flags + 1 WHERE id = $1"),
        vec![target.id().into()],
    )
    .await?;
    match kind {
        ReporterKind::Account => {
            // At the threshold a published item is hidden until a moderator decides; the
            // statement that hides it (exactly once) also tells the author.
            let growth = match target {
                Target::Idea(_) => format!(" + {}", growth_sql()),
                Target::Comment(_) => String::new(),
            };
            let (hidden, published) = (Status::Hidden.as_str(), Status::Published.as_str());
            let (open, account) = (FlagStatus::Open.as_str(), ReporterKind::Account.as_str());
            let hidden = exec(
                format!(
                    "UPDATE {table} SET status = '{hidden}', hidden_reason = $1 \
                     WHERE id = $2 AND status = '{published}' AND \
                     (SELECT COUNT(*) FROM moderation_flags f WHERE f.target_id = {table}.id \
                        AND f.status = '{open}' AND f.reporter_kind = '{account}') >= $3{growth}"
                ),
                vec![
                    AUTO_HIDDEN.into(),
                    target.id().into(),
                    state.settings.flag_threshold.into(),
                ],
            )
            .await?;
            if hidden.rows_affected() == 1 {
                notify_author_of_hide(db, state, target, AUTO_HIDDEN, "").await?;
            }
        }
        ReporterKind::NewAccount => {
            let since = now - Duration::minutes(BURST_WINDOW_MINUTES);
            let municipality = target.municipality_id();
            let row = db
                .query_one_raw(Statement::from_sql_and_values(
                    backend,
                    placeholders(
                        backend,
                        "SELECT COUNT(DISTINCT target_id) AS n FROM moderation_flags \
                         WHERE municipality_id = $1 AND reporter_kind = 'new_account' AND created_at > $2",
                    ),
                    [municipality.into(), since.into()],
                ))
                .await?;
            let items: i64 = row.map(|r| r.try_get("", "n")).transpose()?.unwrap_or(0);
            if items >= BURST_ITEMS {
                exec(
                    "UPDATE moderation_flags SET burst = TRUE WHERE municipality_id = $1 \
                     AND reporter_kind = 'new_account' AND created_at > $2 AND burst = FALSE"
                        .into(),
                    vec![municipality.into(), since.into()],
                )
                .await?;
            }
        }
        ReporterKind::Anonymous => {}
    }
    Ok(Flagged::Recorded)
}

/// One open flag, as the queue shows it.
#[derive(Debug, FromQueryResult)]
pub struct OpenFlag {
    pub target_id: Uuid,
    pub reason: String,
    pub note: String,
    pub reporter_kind: Option<String>,
    pub burst: bool,
}

/// The open flags of `ids`, oldest first.
pub async fn open_flags_of(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<Vec<OpenFlag>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    moderation_flags::Entity::find()
        .select_only()
        .columns([
            moderation_flags::Column::TargetId,
            moderation_flags::Column::Reason,
            moderation_flags::Column::Note,
            moderation_flags::Column::ReporterKind,
            moderation_flags::Column::Burst,
        ])
        .filter(moderation_flags::Column::TargetId.is_in(ids.iter().copied()))
        .filter(moderation_flags::Column::Status.eq(FlagStatus::Open.as_str()))
        .order_by_asc(moderation_flags::Column::CreatedAt)
        .into_model::<OpenFlag>()
        .all(db)
        .await
}

// ---- who flagged ----

#[derive(Debug, PartialEq, Eq)]
pub enum Flagged {
    Recorded,
    /// This person has flagged it before: nothing changes.
    Already,
}

/// Who flagged, as stored on the flag: a keyed hash of `person` (`user:<id>` or `ip:<address>`),
/// so one person flags an item once without the flag naming them.
pub fn reporter_key(keys: &Keys, person: &str) -> String {
    keys.keyed_hash(&["flag-reporter", person])
}

fn account_reporter_key(keys: &Keys, user_id: Uuid) -> String {
    reporter_key(keys, &format!("user:{user_id}"))
}

/// When an account is deleted: its flags stay (they are part of moderation decisions) but lose
/// the key that tied them to the account; each gets a random one of its own.
pub async fn forget_reporter(
    db: &impl ConnectionTrait,
    keys: &Keys,
    user_id: Uuid,
) -> Result<u64, DbErr> {
    let own: Vec<Uuid> = moderation_flags::Entity::find()
        .select_only()
        .column(moderation_flags::Column::Id)
        .filter(moderation_flags::Column::ReporterKey.eq(account_reporter_key(keys, user_id)))
        .into_tuple()
        .all(db)
        .await?;
    for id in &own {
        moderation_flags::Entity::update_many()
            .col_expr(
                moderation_flags::Column::ReporterKey,
                Expr::value(format!("deleted:{}", Uuid::new_v4().simple())),
            )
            .filter(moderation_flags::Column::Id.eq(*id))
            .exec(db)
            .await?;
    }
    Ok(own.len() as u64)
}

/// The flags the account made, for its data download.
pub async fn flags_of(
    db: &impl ConnectionTrait,
    keys: &Keys,
    user_id: Uuid,
) -> Result<Vec<serde_json::Value>, DbErr> {
    let own = moderation_flags::Entity::find()
        .filter(moderation_flags::Column::ReporterKey.eq(account_reporter_key(keys, user_id)))
        .order_by_asc(moderation_flags::Column::CreatedAt)
        .all(db)
        .await?;
    Ok(own
        .iter()
        .map(|f| {
            json!({
                "target_id": f.target_id,
                "reason": f.reason,
                "note": f.note,
                "status": f.status,
                "reporter_kind": f.reporter_kind,
                "created_at": f.created_at,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_counts_once_its_address_was_confirmed_a_week_before() {
        let now = DateTime::parse_from_rfc3339("2027-03-27T22:30:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        let kind = |days: i64| ReporterKind::of_account(Some(now - Duration::days(days)), now);
        assert_eq!(kind(7), ReporterKind::Account);
        assert_eq!(kind(30), ReporterKind::Account);
        assert_eq!(kind(6), ReporterKind::NewAccount);
        assert_eq!(
            ReporterKind::of_account(None, now),
            ReporterKind::NewAccount
        );
    }
}
