//! Fixed-window rate limits kept in the database, so they hold across several instances behind a
//! load balancer and across restarts. Buckets are keyed hashes: no address or e-mail is stored.
//! Windows are fixed slices of time (the hour, the quarter hour, the day from 00:00 UTC), not
//! "from the first hit": a row then tells at most in which slice an address was counted, never the
//! second it first came.

use sea_orm::{ConnectionTrait, Statement};

use crate::{db::placeholders, error::AppError, secrets::Keys};

#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub name: &'static str,
    pub max: i32,
    pub window_seconds: i64,
}

/// Login attempts from one address, whatever the account.
pub const LOGIN_PER_IP: Limit = Limit {
    name: "login-ip",
    max: 30,
    window_seconds: 15 * 60,
};
/// Login attempts for one account from one address: the tight limit on a guesser. The owner, at
/// another address, is not affected. A successful login clears it.
pub const LOGIN_PER_ACCOUNT_AND_IP: Limit = Limit {
    name: "login-account-ip",
    max: 5,
    window_seconds: 15 * 60,
};
/// Login attempts for one account from all addresses together, so guessing spread over many
/// addresses stays slow. A browser where the account signed in before (its device cookie) is not
/// held by it, nor is the sign-in by e-mailed link, so strangers cannot lock the owner out. Only
/// attempts that passed the two limits above count, so one address alone never reaches it.
pub const LOGIN_PER_ACCOUNT: Limit = Limit {
    name: "login-account",
    max: 30,
    window_seconds: 60 * 60,
};
pub const REGISTER_PER_IP: Limit = Limit {
    name: "register-ip",
    max: 10,
    window_seconds: 60 * 60,
};
/// Reset and magic-link mails: per address and per recipient, so nobody's inbox is flooded.
pub const MAIL_LINK_PER_IP: Limit = Limit {
    name: "mail-link-ip",
    max: 10,
    window_seconds: 60 * 60,
};
pub const MAIL_LINK_PER_ACCOUNT: Limit = Limit {
    name: "mail-link-account",
    max: 3,
    window_seconds: 60 * 60,
};

/// Subscriptions to new rounds: per address and per recipient, as for mail links.
pub const SUBSCRIBE_PER_IP: Limit = Limit {
    name: "subscribe-ip",
    max: 10,
    window_seconds: 60 * 60,
};
pub const SUBSCRIBE_PER_RECIPIENT: Limit = Limit {
    name: "subscribe-recipient",
    max: 3,
    window_seconds: 60 * 60,
};

/// Ideas, comments and flags: per address and per person (account, or the e-mail a visitor gives).
pub const IDEA_PER_IP: Limit = Limit {
    name: "idea-ip",
    max: 20,
    window_seconds: 60 * 60,
};
pub const IDEA_PER_PERSON: Limit = Limit {
    name: "idea-person",
    max: 5,
    window_seconds: 60 * 60,
};
/// Ideas posted with the receipt code only: no account or address to count, so the address
/// stands for the person, with the per-person limit.
pub const IDEA_CODE_ONLY_PER_IP: Limit = Limit {
    name: "idea-code-only-ip",
    max: 5,
    window_seconds: 60 * 60,
};
pub const COMMENT_PER_IP: Limit = Limit {
    name: "comment-ip",
    max: 60,
    window_seconds: 60 * 60,
};
pub const COMMENT_PER_PERSON: Limit = Limit {
    name: "comment-person",
    max: 20,
    window_seconds: 60 * 60,
};
pub const FLAG_PER_IP: Limit = Limit {
    name: "flag-ip",
    max: 30,
    window_seconds: 60 * 60,
};
pub const FLAG_PER_PERSON: Limit = Limit {
    name: "flag-person",
    max: 10,
    window_seconds: 60 * 60,
};
/// Receipt-code lookups per address, so codes cannot be guessed by trying many.
pub const RECEIPT_PER_IP: Limit = Limit {
    name: "receipt-ip",
    max: 30,
    window_seconds: 60 * 60,
};
/// Workshop sign-ups from one address (a family or a counselling office may sign up several).
pub const WORKSHOP_SIGNUP_PER_IP: Limit = Limit {
    name: "workshop-signup-ip",
    max: 20,
    window_seconds: 60 * 60,
};
/// Survey responses sent from one address: generous, as a library or community centre may share
/// one address, but enough to stop a script from flooding a survey. Counted per day, so the row
/// tells no time finer than the day a response carries anyway.
pub const SURVEY_SUBMIT_PER_IP: Limit = Limit {
    name: "survey-submit-ip",
    max: 300,
    window_seconds: 24 * 60 * 60,
};

/// Counts one hit for `subject` and tells whether it is still within the limit.
pub async fn hit(
    db: &impl ConnectionTrait,
    keys: &Keys,
    limit: Limit,
    subject: &str,
    now: i64,
) -> Result<bool, AppError> {
    Ok(hit_many(db, keys, limit, &[subject], now).await? == [true])
}

/// Counts one hit for each of `subjects` (a subject may come several times) and tells for each,
/// in order, whether it is still within the limit, as if they had come one after the other. One
/// statement for all: the group commit counts a batch of survey answers at once.
pub async fn hit_many(
    db: &impl ConnectionTrait,
    keys: &Keys,
    limit: Limit,
    subjects: &[&str],
    now: i64,
) -> Result<Vec<bool>, AppError> {
    let keyed: Vec<String> = subjects
        .iter()
        .map(|subject| keys.keyed_hash(&[limit.name, subject]))
        .collect();
    // Each key once, with its number of hits, in the order first seen.
    let mut added: Vec<(&str, i32)> = Vec::new();
    for key in &keyed {
        match added.iter_mut().find(|(k, _)| k == key) {
            Some((_, n)) => *n += 1,
            None => added.push((key, 1)),
        }
    }
    // Each key's count before the batch's hits, raised hit by hit below.
    let mut count: Vec<(String, i32)> = record(db, limit, &added, now).await?;
    for (key, total) in &mut count {
        *total -= added.iter().find(|(k, _)| k == key).map_or(0, |(_, n)| *n);
    }
    let mut within = Vec::with_capacity(keyed.len());
    for key in &keyed {
        let allowed = match count.iter_mut().find(|(k, _)| k == key) {
            Some((_, n)) => {
                *n += 1;
                *n <= limit.max
            }
            None => false,
        };
        within.push(allowed);
    }
    Ok(within)
}

/// Forgets the hits of `subject`, as after a successful login.
pub async fn clear(
    db: &impl ConnectionTrait,
    keys: &Keys,
    limit: Limit,
    subject: &str,
) -> Result<(), AppError> {
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        placeholders(backend, "DELETE FROM rate_limits WHERE key = $1"),
        [keys.keyed_hash(&[limit.name, subject]).into()],
    ))
    .await?;
    Ok(())
}

pub fn too_many(limit: Limit) -> AppError {
    AppError::TooManyRequests {
        retry_after_seconds: limit.window_seconds as u64,
    }
}

/// Adds `added` hits to each key in one statement; gives each key's hits in the window after it.
async fn record(
    db: &impl ConnectionTrait,
    limit: Limit,
    added: &[(&str, i32)],
    now: i64,
) -> Result<Vec<(String, i32)>, AppError> {
    if added.is_empty() {
        return Ok(Vec::new());
    }
    let window = window_start(limit, now);
    let backend = db.get_database_backend();
    let rows: Vec<String> = (0..added.len())
        .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
        .collect();
    let values = added
        .iter()
        .flat_map(|(key, n)| [(*key).to_string().into(), window.into(), (*n).into()]);
    // One statement, so concurrent hits on several instances all count. A row of an earlier
    // window starts over.
    let sql = placeholders(
        backend,
        &format!(
            "INSERT INTO rate_limits (key, window_start, hits) VALUES {} \
             ON CONFLICT (key) DO UPDATE SET \
               hits = CASE WHEN rate_limits.window_start = excluded.window_start \
                 THEN rate_limits.hits + excluded.hits ELSE excluded.hits END, \
               window_start = excluded.window_start \
             RETURNING key, hits",
            rows.join(", ")
        ),
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("", "key")?, row.try_get("", "hits")?)))
        .collect()
}

/// The start of the fixed window `now` falls in: a multiple of the window's length since the Unix
/// epoch (00:00 UTC for a day).
pub fn window_start(limit: Limit, now: i64) -> i64 {
    now - now.rem_euclid(limit.window_seconds)
}

/// Deletes counters whose window has long passed.
pub async fn prune(db: &impl ConnectionTrait, now: i64) -> Result<(), sea_orm::DbErr> {
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        placeholders(backend, "DELETE FROM rate_limits WHERE window_start < $1"),
        [(now - 24 * 60 * 60).into()],
    ))
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, Database};

    use super::*;

    #[tokio::test]
    async fn hits_counted_together_are_judged_as_if_they_came_one_after_the_other() {
        let db = Database::connect("sqlite::memory:")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        crate::db::migrate(&db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let keys = Keys::from_secret(b"a secret for the rate limit test");
        let limit = Limit {
            name: "test",
            max: 3,
            window_seconds: 60,
        };
        let now = 6_000;
        assert!(hit(&db, &keys, limit, "a", now).await.unwrap_or_default());
        // "a" has one hit: two more are allowed, "b" has three.
        let within = hit_many(&db, &keys, limit, &["a", "b", "a", "a", "b"], now)
            .await
            .unwrap_or_default();
        assert_eq!(within, [true, true, true, false, true]);
        assert!(!hit(&db, &keys, limit, "a", now).await.unwrap_or(true));
        assert!(hit(&db, &keys, limit, "b", now).await.unwrap_or_default());
        assert!(!hit(&db, &keys, limit, "b", now).await.unwrap_or(true));
        // A new window starts over, for every key of the statement.
        let later = hit_many(&db, &keys, limit, &["a", "b"], now + 60)
            .await
            .unwrap_or_default();
        assert_eq!(later, [true, true]);
        let hits: i32 = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT SUM(hits) AS n FROM rate_limits",
            ))
            .await
            .ok()
            .flatten()
            .and_then(|row| row.try_get("", "n").ok())
            .unwrap_or_default();
        assert_eq!(hits, 2);
    }
}
