//! Mixing the stored survey answers, so that whoever gets hold of the database (the operator, a
//! backup, a compromised host) cannot tie a response to its participation by the order rows were
//! written in.
//!
//! A response and its participation (the keyed hash of who took part) or its used access code are
//! written in the same transaction. Their keys are random (v4 ids, keyed hashes), but a database
//! also keeps the order of writing:
//! - SQLite: tables are `WITHOUT ROWID` (migration 000015), so rows are stored and listed in key
//!   order. Inside a page, though, SQLite places each new row's bytes below the previous one, so the
//!   raw file still shows which row of a page came later; `VACUUM` rewrites every table in key
//!   order (and drops free pages holding old bytes).
//! - PostgreSQL appends new rows (and the new version of an updated row, such as a used access
//!   code) at the end of its heap, so the physical position (`ctid`), a plain `SELECT` and
//!   `pg_dump` keep the order of writing, and each row's `xmin` (the id of the transaction that
//!   wrote it) is shared by a response and its participation and grows with time. Mixing first
//!   rewrites every row in one transaction (all rows then carry the same `xmin`), then `CLUSTER`s
//!   each table by its primary key (physical order = random key order; the old row versions and
//!   the old file go).
//!
//! The worker runs [`mix_if_changed`] with its housekeeping (every 15 minutes) whenever responses,
//! participations or used codes were added since it last looked: until then the newest rows are in
//! order of arrival. What mixing cannot reach is written in the README's threat model.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement, TransactionTrait};

/// The tables mixed, each with its primary key's index on PostgreSQL and a column whose rewrite to
/// itself touches no foreign key.
const TABLES: [(&str, &str, &str); 10] = [
    ("survey_responses", "survey_responses_pkey", "channel"),
    ("survey_answers", "survey_answers_pkey", "text_status"),
    (
        "survey_participations",
        "survey_participations_pkey",
        "guard_hash",
    ),
    ("survey_access_codes", "survey_access_codes_pkey", "used"),
    // The counts kept for the results and breakdowns and the answered sets: which rows exist
    // first says what the first responses chose or skipped.
    (
        "survey_option_counts",
        "survey_option_counts_pkey",
        "answers",
    ),
    (
        "survey_number_counts",
        "survey_number_counts_pkey",
        "answers",
    ),
    (
        "survey_question_counts",
        "survey_question_counts_pkey",
        "texts",
    ),
    (
        "survey_answered_sets",
        "survey_answered_sets_pkey",
        "responses",
    ),
    (
        "survey_breakdown_option_counts",
        "survey_breakdown_option_counts_pkey",
        "answers",
    ),
    (
        "survey_breakdown_number_counts",
        "survey_breakdown_number_counts_pkey",
        "answers",
    ),
];

/// How many responses, participations and used codes there are: when these numbers change, there
/// is something to mix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    responses: i64,
    participations: i64,
    used_codes: i64,
}

pub async fn fingerprint(db: &impl ConnectionTrait) -> Result<Fingerprint, DbErr> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT CAST((SELECT COUNT(*) FROM survey_responses) AS BIGINT) AS responses, \
             CAST((SELECT COUNT(*) FROM survey_participations) AS BIGINT) AS participations, \
             CAST((SELECT COUNT(*) FROM survey_access_codes WHERE used = TRUE) AS BIGINT) AS used_codes",
        ))
        .await?
        .ok_or_else(|| DbErr::Custom("counting survey rows returned nothing".into()))?;
    Ok(Fingerprint {
        responses: row.try_get("", "responses")?,
        participations: row.try_get("", "participations")?,
        used_codes: row.try_get("", "used_codes")?,
    })
}

/// Mixes when something was added since `last` (always on the first call after a start, when there
/// are answers at all). Returns whether it mixed.
pub async fn mix_if_changed(
    db: &DatabaseConnection,
    last: &mut Option<Fingerprint>,
) -> Result<bool, DbErr> {
    let now = fingerprint(db).await?;
    let empty = now.responses == 0 && now.participations == 0 && now.used_codes == 0;
    if *last == Some(now) || (last.is_none() && empty) {
        *last = Some(now);
        return Ok(false);
    }
    mix(db).await?;
    *last = Some(now);
    Ok(true)
}

/// Rewrites the survey answer tables so that their stored order is the order of their random keys.
pub async fn mix(db: &DatabaseConnection) -> Result<(), DbErr> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let txn = db.begin().await?;
            for (table, _, column) in TABLES {
                txn.execute_unprepared(&format!("UPDATE {table} SET {column} = {column}"))
                    .await?;
            }
            txn.commit().await?;
            for (table, pkey, _) in TABLES {
                db.execute_unprepared(&format!("CLUSTER {table} USING {pkey}"))
                    .await?;
            }
        }
        _ => {
            db.execute_unprepared("VACUUM").await?;
        }
    }
    tracing::info!("survey answers mixed");
    Ok(())
}
