//! Survey answers stored by response, and the answered questions of responses kept per survey.
//!
//! Every answer wrote pages at places given by random keys: on SQLite the table itself (ordered by
//! the answer's random id), the index by response (one place per response) and the index by
//! question (one place per answer, random within the question) — about 15 pages for a response of
//! seven answers, which the commit of each group-commit batch had to write and sync. Now:
//! - On SQLite the answers table is keyed by (response, answer id), `WITHOUT ROWID` as before, so
//!   a response's answers sit together on one page, and the index by response goes (the table is
//!   that index). Free texts are still found by their own id: a partial index on `id` holds only
//!   answers with a text status, which the moderation queries always ask for. The order of rows
//!   still follows random keys only (a response's id and its answers' ids), so nothing new can be
//!   read from it; the answers of one response were always tied together by `response_id`.
//! - On both databases the index by question goes. It served the respondents per question (now
//!   read from `survey_question_counts`), the groups of a breakdown (now `survey_option_counts`),
//!   the breakdown's join (now driven from the survey's responses) and the responses per goal,
//!   which `survey_answered_sets` serves from now on: per survey, each set of questions responses
//!   answered with how many did, raised in the transaction that stores the answers. A goal's
//!   count is the sum over the sets that hold one of its questions, however the questions are
//!   linked to goals later. Filled here from the answers already stored.
//! - The index of participation marks by survey goes too: a mark is only ever looked up by its
//!   keyed hash, and surveys are not deleted; it cost one more page at a random place per
//!   response.
//!
//! Deleting a question (refused once its survey has responses) now finds its answers, of which
//! there are none, by reading the answers table instead of the index, and deleting a survey (not
//! offered) would read all marks: rare staff actions, against pages saved on every response.
//!
//! `survey_answered_sets` is `WITHOUT ROWID` on SQLite, for the same reason as the counts of
//! 000029 (the first rows would tell what the first responses skipped), and mixed on PostgreSQL.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm_migration::{
    prelude::*,
    schema::*,
    sea_orm::{ConnectionTrait, DbBackend, Statement, prelude::Uuid},
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Surveys {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum SurveyAnsweredSets {
    Table,
    SurveyId,
    Questions,
    Responses,
}

const MARKS_BY_SURVEY: &str =
    r#"CREATE INDEX "idx_survey_participations_survey" ON "survey_participations" ("survey_id")"#;
const BY_QUESTION: &str = r#"CREATE INDEX "idx_survey_answers_by_question" ON "survey_answers" ("question_id", "response_id", "option_id", "number_value")"#;
const BY_RESPONSE: &str = r#"CREATE INDEX "idx_survey_answers_response" ON "survey_answers" ("response_id", "question_id", "option_id", "number_value")"#;
const WITH_TEXT: &str = r#"CREATE INDEX "idx_survey_answers_with_text" ON "survey_answers" ("text_status", "question_id") WHERE "text_status" IS NOT NULL"#;
const TEXT_BY_ID: &str = r#"CREATE UNIQUE INDEX "idx_survey_answers_text_id" ON "survey_answers" ("id") WHERE "text_status" IS NOT NULL"#;
const COLUMNS: &str = r#""id", "response_id", "question_id", "option_id", "number_value", "text_value", "text_status", "text_marked""#;
const CELLS: &str = r#""id" uuid_text NOT NULL, "response_id" uuid_text NOT NULL, "question_id" uuid_text NOT NULL, "option_id" uuid_text NULL, "number_value" integer NULL, "text_value" text NULL, "text_status" varchar(16) NULL, "text_marked" boolean NULL"#;
const REFERENCES: &str = r#"FOREIGN KEY ("response_id") REFERENCES "survey_responses" ("id") ON DELETE CASCADE, FOREIGN KEY ("question_id") REFERENCES "survey_questions" ("id") ON DELETE CASCADE"#;

/// The set of questions a response answered, as `survey_answered_sets` keeps it (the same as
/// `src/surveys/answer_counts.rs` writes): the question ids, sorted, separated by spaces.
fn set_key(questions: &BTreeSet<Uuid>) -> String {
    questions
        .iter()
        .map(Uuid::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Rebuilds the SQLite answers table with `key` as its primary key, in key order.
async fn rebuild(manager: &SchemaManager<'_>, key: &str, order: &str) -> Result<(), DbErr> {
    let db = manager.get_connection();
    db.execute_unprepared(&format!(
        r#"CREATE TABLE "survey_answers_new" ( {CELLS}, PRIMARY KEY ({key}), {REFERENCES} ) WITHOUT ROWID"#
    ))
    .await?;
    db.execute_unprepared(&format!(
        r#"INSERT INTO "survey_answers_new" ({COLUMNS}) SELECT {COLUMNS} FROM "survey_answers" ORDER BY {order}"#
    ))
    .await?;
    db.execute_unprepared(r#"DROP TABLE "survey_answers""#)
        .await?;
    db.execute_unprepared(r#"ALTER TABLE "survey_answers_new" RENAME TO "survey_answers""#)
        .await?;
    db.execute_unprepared(WITH_TEXT).await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let sqlite = manager.get_database_backend() == DbBackend::Sqlite;
        db.execute_unprepared(r#"DROP INDEX "idx_survey_participations_survey""#)
            .await?;
        if sqlite {
            rebuild(manager, r#""response_id", "id""#, r#""response_id", "id""#).await?;
            db.execute_unprepared(TEXT_BY_ID).await?;
        } else {
            db.execute_unprepared(r#"DROP INDEX "idx_survey_answers_by_question""#)
                .await?;
        }
        let mut table = Table::create()
            .table(SurveyAnsweredSets::Table)
            .col(uuid(SurveyAnsweredSets::SurveyId))
            .col(text(SurveyAnsweredSets::Questions))
            .col(big_integer(SurveyAnsweredSets::Responses))
            .primary_key(
                Index::create()
                    .col(SurveyAnsweredSets::SurveyId)
                    .col(SurveyAnsweredSets::Questions),
            )
            .foreign_key(
                ForeignKey::create()
                    .from(SurveyAnsweredSets::Table, SurveyAnsweredSets::SurveyId)
                    .to(Surveys::Table, Surveys::Id)
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .to_owned();
        if sqlite {
            table.extra("WITHOUT ROWID");
        }
        manager.create_table(table).await?;
        // The answered sets of the responses already stored, read by response.
        let rows = db
            .query_all_raw(Statement::from_string(
                manager.get_database_backend(),
                r#"SELECT DISTINCT r."survey_id", a."response_id", a."question_id"
                   FROM "survey_answers" a JOIN "survey_responses" r ON r."id" = a."response_id"
                   ORDER BY a."response_id""#,
            ))
            .await?;
        let mut sets: BTreeMap<(Uuid, String), i64> = BTreeMap::new();
        let mut current: Option<(Uuid, Uuid, BTreeSet<Uuid>)> = None;
        let mut close = |done: Option<(Uuid, Uuid, BTreeSet<Uuid>)>| {
            if let Some((survey, _, questions)) = done {
                *sets.entry((survey, set_key(&questions))).or_default() += 1;
            }
        };
        for row in rows {
            let survey: Uuid = row.try_get("", "survey_id")?;
            let response: Uuid = row.try_get("", "response_id")?;
            let question: Uuid = row.try_get("", "question_id")?;
            match &mut current {
                Some((_, r, questions)) if *r == response => {
                    questions.insert(question);
                }
                _ => close(current.replace((survey, response, BTreeSet::from([question])))),
            }
        }
        close(current.take());
        for chunk in sets.into_iter().collect::<Vec<_>>().chunks(500) {
            let mut insert = Query::insert();
            insert.into_table(SurveyAnsweredSets::Table).columns([
                SurveyAnsweredSets::SurveyId,
                SurveyAnsweredSets::Questions,
                SurveyAnsweredSets::Responses,
            ]);
            for ((survey, questions), responses) in chunk {
                insert.values_panic([
                    (*survey).into(),
                    questions.clone().into(),
                    (*responses).into(),
                ]);
            }
            manager.exec_stmt(insert).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SurveyAnsweredSets::Table).to_owned())
            .await?;
        let db = manager.get_connection();
        if manager.get_database_backend() == DbBackend::Sqlite {
            rebuild(manager, r#""id""#, r#""id""#).await?;
            db.execute_unprepared(BY_RESPONSE).await?;
        }
        db.execute_unprepared(BY_QUESTION).await?;
        db.execute_unprepared(MARKS_BY_SURVEY).await?;
        Ok(())
    }
}
