//! Survey answers that cannot be tied to their participation by order. On SQLite an ordinary table
//! is stored in the order of its hidden `rowid`, which is the order of insertion: the n-th
//! participation (a keyed hash of who took part) would be the n-th response. This migration
//! rebuilds the participation, response, answer and access-code tables as `WITHOUT ROWID` tables,
//! stored in the order of their random (v4) or keyed-hash primary keys instead, with the same
//! columns, foreign keys and indexes. PostgreSQL has no rowid (its heap order is handled by the
//! mixing job in `src/surveys/mixing.rs`), so nothing changes there.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables in the order they are rebuilt: a referenced table before the one that refers to it.
/// Column lists as left by the earlier migrations (`text_marked` came in 000012).
const TABLES: [(&str, &str, &str); 4] = [
    (
        "survey_responses",
        r#""id" uuid_text NOT NULL PRIMARY KEY, "survey_id" uuid_text NOT NULL, "channel" varchar(8) NOT NULL, "submitted_on" date_text NOT NULL, FOREIGN KEY ("survey_id") REFERENCES "surveys" ("id") ON DELETE CASCADE"#,
        r#""id", "survey_id", "channel", "submitted_on""#,
    ),
    (
        "survey_answers",
        r#""id" uuid_text NOT NULL PRIMARY KEY, "response_id" uuid_text NOT NULL, "question_id" uuid_text NOT NULL, "option_id" uuid_text NULL, "number_value" integer NULL, "text_value" text NULL, "text_status" varchar(16) NULL, "text_marked" boolean NULL, FOREIGN KEY ("response_id") REFERENCES "survey_responses_new" ("id") ON DELETE CASCADE, FOREIGN KEY ("question_id") REFERENCES "survey_questions" ("id") ON DELETE CASCADE"#,
        r#""id", "response_id", "question_id", "option_id", "number_value", "text_value", "text_status", "text_marked""#,
    ),
    (
        "survey_participations",
        r#""guard_hash" varchar(64) NOT NULL PRIMARY KEY, "survey_id" uuid_text NOT NULL, FOREIGN KEY ("survey_id") REFERENCES "surveys" ("id") ON DELETE CASCADE"#,
        r#""guard_hash", "survey_id""#,
    ),
    (
        "survey_access_codes",
        r#""code_hash" varchar(64) NOT NULL PRIMARY KEY, "survey_id" uuid_text NOT NULL, "used" boolean NOT NULL, "created_at" timestamp_with_timezone_text NOT NULL, FOREIGN KEY ("survey_id") REFERENCES "surveys" ("id") ON DELETE CASCADE"#,
        r#""code_hash", "survey_id", "used", "created_at""#,
    ),
];

/// The indexes of these tables, as created by 000003; dropped with the old tables.
const INDEXES: [&str; 7] = [
    r#"CREATE INDEX "idx_survey_responses_survey" ON "survey_responses" ("survey_id")"#,
    r#"CREATE INDEX "idx_survey_answers_question" ON "survey_answers" ("question_id", "option_id", "number_value")"#,
    r#"CREATE INDEX "idx_survey_answers_question_response" ON "survey_answers" ("question_id", "response_id", "number_value")"#,
    r#"CREATE INDEX "idx_survey_answers_response" ON "survey_answers" ("response_id", "question_id", "option_id", "number_value")"#,
    r#"CREATE INDEX "idx_survey_answers_text_status" ON "survey_answers" ("text_status", "question_id")"#,
    r#"CREATE INDEX "idx_survey_participations_survey" ON "survey_participations" ("survey_id")"#,
    r#"CREATE INDEX "idx_survey_access_codes_survey" ON "survey_access_codes" ("survey_id", "used")"#,
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// All or nothing, also on SQLite.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != sea_orm_migration::sea_orm::DbBackend::Sqlite {
            return Ok(());
        }
        rebuild(manager, "WITHOUT ROWID").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != sea_orm_migration::sea_orm::DbBackend::Sqlite {
            return Ok(());
        }
        rebuild(manager, "").await
    }
}

/// Copies each table into a new one with `options`, drops the old ones (the referring table
/// first), renames the new ones into place (SQLite rewrites the answers' foreign key to the new
/// responses table along) and recreates the indexes. Inserted in key order, so not even the
/// position of a row inside its page keeps the old order.
async fn rebuild(manager: &SchemaManager<'_>, options: &str) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for (table, columns, names) in TABLES {
        let (key, _) = names.split_once(',').unwrap_or((names, ""));
        db.execute_unprepared(&format!(
            r#"CREATE TABLE "{table}_new" ( {columns} ) {options}"#
        ))
        .await?;
        db.execute_unprepared(&format!(
            r#"INSERT INTO "{table}_new" ({names}) SELECT {names} FROM "{table}" ORDER BY {key}"#
        ))
        .await?;
    }
    for table in [
        "survey_answers",
        "survey_responses",
        "survey_participations",
        "survey_access_codes",
    ] {
        db.execute_unprepared(&format!(r#"DROP TABLE "{table}""#))
            .await?;
    }
    for (table, _, _) in TABLES {
        db.execute_unprepared(&format!(r#"ALTER TABLE "{table}_new" RENAME TO "{table}""#))
            .await?;
    }
    for index in INDEXES {
        db.execute_unprepared(index).await?;
    }
    Ok(())
}
