//! How many responses each survey has, kept beside the responses. The results page, a goal's
//! survey results, the strategy page and the aggregates export keep a survey's counts in memory
//! under its response count; counting 100,000 responses to learn that number cost milliseconds
//! on every view. The count is raised in the transaction that stores a response (responses are
//! never deleted one by one; a survey's row goes with the survey), so it always equals the number
//! of stored responses. Filled here from the responses already stored.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Surveys {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum SurveyResponseCounts {
    Table,
    SurveyId,
    Responses,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SurveyResponseCounts::Table)
                    .col(pk_uuid(SurveyResponseCounts::SurveyId))
                    .col(big_integer(SurveyResponseCounts::Responses))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SurveyResponseCounts::Table, SurveyResponseCounts::SurveyId)
                            .to(Surveys::Table, Surveys::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                r#"INSERT INTO "survey_response_counts" ("survey_id", "responses")
                   SELECT "survey_id", COUNT(*) FROM "survey_responses" GROUP BY "survey_id""#,
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SurveyResponseCounts::Table).to_owned())
            .await
    }
}
