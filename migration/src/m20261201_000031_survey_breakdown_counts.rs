//! The counts a breakdown of a survey's results shows, kept beside the answers: per group (an
//! option of a demographic question) and cell of each counted question that is not demographic
//! itself. Counting them with a self-join of the answers took about a second at 100,000
//! responses whenever a new response had come in (`cargo bench --bench surveys`); kept, they are
//! a few hundred rows read. Like the results' counts (migration 000029) they are raised in the
//! transaction that stores the answers and go with their question or group option, so they always
//! equal what counting the answers would give. Filled here from the answers already stored.
//!
//! `survey_breakdown_option_counts` holds the choices of single and multiple choice questions;
//! an "other" text is counted under the nil id (the key cannot hold a NULL). Scale and yes/no
//! answers go to `survey_breakdown_number_counts`. On SQLite both are `WITHOUT ROWID`, and on
//! PostgreSQL the mixing job rewrites them, as the other kept counts: which rows exist first says
//! what the first responses chose.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SurveyQuestions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum SurveyOptions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum SurveyBreakdownOptionCounts {
    Table,
    GroupOptionId,
    QuestionId,
    OptionId,
    Answers,
}

#[derive(DeriveIden)]
enum SurveyBreakdownNumberCounts {
    Table,
    GroupOptionId,
    QuestionId,
    NumberValue,
    Answers,
}

fn cascade(
    table: impl IntoIden,
    column: impl IntoIden,
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

/// The answers of counted questions that are not demographic, each beside the demographic
/// choices of its response: what both tables count, grouped by their keys.
const PAIRS: &str = r#"FROM "survey_answers" d
    JOIN "survey_questions" g ON g."id" = d."question_id" AND g."demographic"
    JOIN "survey_answers" a ON a."response_id" = d."response_id"
    JOIN "survey_questions" q ON q."id" = a."question_id" AND NOT q."demographic"
    WHERE d."option_id" IS NOT NULL"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let in_key_order = |table: &mut TableCreateStatement| {
            if backend == DbBackend::Sqlite {
                table.extra("WITHOUT ROWID");
            }
            table.to_owned()
        };
        use SurveyBreakdownNumberCounts as Numbers;
        use SurveyBreakdownOptionCounts as Options;
        manager
            .create_table(in_key_order(
                Table::create()
                    .table(Options::Table)
                    .col(uuid(Options::GroupOptionId))
                    .col(uuid(Options::QuestionId))
                    .col(uuid(Options::OptionId))
                    .col(big_integer(Options::Answers))
                    .primary_key(
                        Index::create()
                            .col(Options::GroupOptionId)
                            .col(Options::QuestionId)
                            .col(Options::OptionId),
                    )
                    .foreign_key(&mut cascade(
                        Options::Table,
                        Options::GroupOptionId,
                        (SurveyOptions::Table, SurveyOptions::Id),
                    ))
                    .foreign_key(&mut cascade(
                        Options::Table,
                        Options::QuestionId,
                        (SurveyQuestions::Table, SurveyQuestions::Id),
                    )),
            ))
            .await?;
        manager
            .create_table(in_key_order(
                Table::create()
                    .table(Numbers::Table)
                    .col(uuid(Numbers::GroupOptionId))
                    .col(uuid(Numbers::QuestionId))
                    .col(integer(Numbers::NumberValue))
                    .col(big_integer(Numbers::Answers))
                    .primary_key(
                        Index::create()
                            .col(Numbers::GroupOptionId)
                            .col(Numbers::QuestionId)
                            .col(Numbers::NumberValue),
                    )
                    .foreign_key(&mut cascade(
                        Numbers::Table,
                        Numbers::GroupOptionId,
                        (SurveyOptions::Table, SurveyOptions::Id),
                    ))
                    .foreign_key(&mut cascade(
                        Numbers::Table,
                        Numbers::QuestionId,
                        (SurveyQuestions::Table, SurveyQuestions::Id),
                    )),
            ))
            .await?;
        let db = manager.get_connection();
        let nil = match backend {
            DbBackend::Postgres => "'00000000-0000-0000-0000-000000000000'::uuid",
            // sqlx stores a uuid as its 16 bytes on SQLite.
            _ => "zeroblob(16)",
        };
        db.execute_unprepared(&format!(
            r#"INSERT INTO "survey_breakdown_option_counts"
                 ("group_option_id", "question_id", "option_id", "answers")
               SELECT d."option_id", a."question_id", COALESCE(a."option_id", {nil}), COUNT(*)
               {PAIRS} AND q."kind" IN ('single', 'multiple')
               GROUP BY d."option_id", a."question_id", COALESCE(a."option_id", {nil})"#
        ))
        .await?;
        db.execute_unprepared(&format!(
            r#"INSERT INTO "survey_breakdown_number_counts"
                 ("group_option_id", "question_id", "number_value", "answers")
               SELECT d."option_id", a."question_id", a."number_value", COUNT(*)
               {PAIRS} AND q."kind" IN ('scale', 'yesno') AND a."number_value" IS NOT NULL
               GROUP BY d."option_id", a."question_id", a."number_value""#
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SurveyBreakdownOptionCounts::Table.into_iden(),
            SurveyBreakdownNumberCounts::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
