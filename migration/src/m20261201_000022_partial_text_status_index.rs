//! The free-text queue's index on survey answers holds only answers that have a text. Most answers
//! are a choice or a number, with no `text_status`; in the full index each of them took an entry
//! anyway, at a place given by its random key, so every stored answer wrote one more page. The
//! queue's queries all ask for `text_status = …`, which a partial index `WHERE text_status IS NOT
//! NULL` serves on SQLite and PostgreSQL alike.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const FULL: &str = "idx_survey_answers_text_status";
const PARTIAL: &str = "idx_survey_answers_with_text";
const COLUMNS: &str = r#"ON "survey_answers" ("text_status", "question_id")"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(&format!(
            r#"CREATE INDEX "{PARTIAL}" {COLUMNS} WHERE "text_status" IS NOT NULL"#
        ))
        .await?;
        db.execute_unprepared(&format!(r#"DROP INDEX "{FULL}""#))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(&format!(r#"CREATE INDEX "{FULL}" {COLUMNS}"#))
            .await?;
        db.execute_unprepared(&format!(r#"DROP INDEX "{PARTIAL}""#))
            .await?;
        Ok(())
    }
}
