//! The counts a survey's results show, kept beside the answers: per option, per number and per
//! question (respondents and texts). Counting them from the answers cost about half a second at
//! 100,000 responses whenever a new response had come in (`cargo bench --bench surveys`); kept,
//! they are a few rows read. They are raised in the transaction that stores the answers (answers
//! are never deleted one by one; the counts go with their question), so they always equal what
//! counting the answers would give, and the results suppress exactly the same numbers. Filled here
//! from the answers already stored.
//!
//! On SQLite the tables are `WITHOUT ROWID`, like the answers (migration 000015): an ordinary
//! table keeps the order its rows were inserted in, and the first response to a survey inserts
//! the rows of the options it chose, the next one those of the options still missing, and so on.
//! On PostgreSQL the mixing job rewrites them with the answers (`src/surveys/mixing.rs`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SurveyQuestions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum SurveyOptionCounts {
    Table,
    QuestionId,
    OptionId,
    Answers,
}

#[derive(DeriveIden)]
enum SurveyNumberCounts {
    Table,
    QuestionId,
    NumberValue,
    Answers,
}

#[derive(DeriveIden)]
enum SurveyQuestionCounts {
    Table,
    QuestionId,
    Respondents,
    Texts,
}

fn by_question(table: impl IntoIden, column: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(SurveyQuestions::Table, SurveyQuestions::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let in_key_order = |table: &mut TableCreateStatement| {
            if manager.get_database_backend() == sea_orm_migration::sea_orm::DbBackend::Sqlite {
                table.extra("WITHOUT ROWID");
            }
            table.to_owned()
        };
        manager
            .create_table(in_key_order(
                Table::create()
                    .table(SurveyOptionCounts::Table)
                    .col(uuid(SurveyOptionCounts::QuestionId))
                    .col(uuid(SurveyOptionCounts::OptionId))
                    .col(big_integer(SurveyOptionCounts::Answers))
                    .primary_key(
                        Index::create()
                            .col(SurveyOptionCounts::QuestionId)
                            .col(SurveyOptionCounts::OptionId),
                    )
                    .foreign_key(&mut by_question(
                        SurveyOptionCounts::Table,
                        SurveyOptionCounts::QuestionId,
                    )),
            ))
            .await?;
        manager
            .create_table(in_key_order(
                Table::create()
                    .table(SurveyNumberCounts::Table)
                    .col(uuid(SurveyNumberCounts::QuestionId))
                    .col(integer(SurveyNumberCounts::NumberValue))
                    .col(big_integer(SurveyNumberCounts::Answers))
                    .primary_key(
                        Index::create()
                            .col(SurveyNumberCounts::QuestionId)
                            .col(SurveyNumberCounts::NumberValue),
                    )
                    .foreign_key(&mut by_question(
                        SurveyNumberCounts::Table,
                        SurveyNumberCounts::QuestionId,
                    )),
            ))
            .await?;
        manager
            .create_table(in_key_order(
                Table::create()
                    .table(SurveyQuestionCounts::Table)
                    .col(pk_uuid(SurveyQuestionCounts::QuestionId))
                    .col(big_integer(SurveyQuestionCounts::Respondents))
                    .col(big_integer(SurveyQuestionCounts::Texts))
                    .foreign_key(&mut by_question(
                        SurveyQuestionCounts::Table,
                        SurveyQuestionCounts::QuestionId,
                    )),
            ))
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            r#"INSERT INTO "survey_option_counts" ("question_id", "option_id", "answers")
               SELECT "question_id", "option_id", COUNT(*) FROM "survey_answers"
               WHERE "option_id" IS NOT NULL GROUP BY "question_id", "option_id""#,
        )
        .await?;
        db.execute_unprepared(
            r#"INSERT INTO "survey_number_counts" ("question_id", "number_value", "answers")
               SELECT "question_id", "number_value", COUNT(*) FROM "survey_answers"
               WHERE "option_id" IS NULL AND "number_value" IS NOT NULL
               GROUP BY "question_id", "number_value""#,
        )
        .await?;
        db.execute_unprepared(
            r#"INSERT INTO "survey_question_counts" ("question_id", "respondents", "texts")
               SELECT "question_id", COUNT(DISTINCT "response_id"),
                 SUM(CASE WHEN "option_id" IS NULL AND "number_value" IS NULL THEN 1 ELSE 0 END)
               FROM "survey_answers" GROUP BY "question_id""#,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SurveyOptionCounts::Table.into_iden(),
            SurveyNumberCounts::Table.into_iden(),
            SurveyQuestionCounts::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
