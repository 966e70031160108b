//! One index by question on survey answers instead of two. `idx_survey_answers_question`
//! (question, option, number) served the counts per option, `idx_survey_answers_question_response`
//! (question, response, number) the respondents per question and the breakdowns' joins. An entry
//! of either lands at a place given by a random key (the answer's id, or its response's), so each
//! stored answer wrote a page in each of them. One index on (question, response, option, number)
//! covers all of those queries (the counts per option read the same entries of the question, in
//! another order), and each answer writes one page fewer. On SQLite, `cargo bench --bench writes`
//! (survey scenario, two runs each, alternating) gave 1,133–1,323 survey answers/s with one index
//! against 933–1,057 with two.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const BY_QUESTION: &str = "idx_survey_answers_by_question";
const OLD: [(&str, &str); 2] = [
    (
        "idx_survey_answers_question",
        r#"("question_id", "option_id", "number_value")"#,
    ),
    (
        "idx_survey_answers_question_response",
        r#"("question_id", "response_id", "number_value")"#,
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(&format!(
            r#"CREATE INDEX "{BY_QUESTION}" ON "survey_answers" ("question_id", "response_id", "option_id", "number_value")"#
        ))
        .await?;
        for (name, _) in OLD {
            db.execute_unprepared(&format!(r#"DROP INDEX "{name}""#))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, columns) in OLD {
            db.execute_unprepared(&format!(
                r#"CREATE INDEX "{name}" ON "survey_answers" {columns}"#
            ))
            .await?;
        }
        db.execute_unprepared(&format!(r#"DROP INDEX "{BY_QUESTION}""#))
            .await?;
        Ok(())
    }
}
