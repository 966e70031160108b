//! Surveys inside rounds: questions with options and the goals they inform, anonymous responses
//! and their answers, the participation guard (keyed hashes, unlinkable to responses) and one-time
//! access codes (stored hashed).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Rounds {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Goals {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Surveys {
    Table,
    Id,
    RoundId,
    Title,
    Intro,
    Minutes,
    Access,
    Status,
    MinGroupSize,
    ResultsPublishedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SurveyQuestions {
    Table,
    Id,
    SurveyId,
    Kind,
    Prompt,
    Help,
    Required,
    Demographic,
    Position,
    AllowOther,
    MinChoices,
    MaxChoices,
    ScaleMin,
    ScaleMax,
    ScaleMinLabel,
    ScaleMaxLabel,
    NumberMin,
    NumberMax,
    ConditionOptionId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SurveyOptions {
    Table,
    Id,
    QuestionId,
    Label,
    Position,
}

#[derive(DeriveIden)]
enum SurveyQuestionGoals {
    Table,
    QuestionId,
    GoalId,
}

#[derive(DeriveIden)]
enum SurveyResponses {
    Table,
    Id,
    SurveyId,
    Channel,
    SubmittedOn,
}

#[derive(DeriveIden)]
enum SurveyAnswers {
    Table,
    Id,
    ResponseId,
    QuestionId,
    OptionId,
    NumberValue,
    TextValue,
    TextStatus,
}

#[derive(DeriveIden)]
enum SurveyParticipations {
    Table,
    GuardHash,
    SurveyId,
}

#[derive(DeriveIden)]
enum SurveyAccessCodes {
    Table,
    CodeHash,
    SurveyId,
    Used,
    CreatedAt,
}

fn cascade(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    cols: Vec<DynIden>,
) -> Result<(), DbErr> {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(col);
    }
    manager.create_index(stmt.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Surveys::Table)
                    .col(pk_uuid(Surveys::Id))
                    .col(uuid(Surveys::RoundId))
                    .col(string_len(Surveys::Title, 200))
                    .col(text(Surveys::Intro))
                    .col(integer(Surveys::Minutes))
                    .col(string_len(Surveys::Access, 16))
                    .col(string_len(Surveys::Status, 16))
                    .col(integer(Surveys::MinGroupSize))
                    .col(timestamp_with_time_zone_null(Surveys::ResultsPublishedAt))
                    .col(timestamp_with_time_zone(Surveys::CreatedAt))
                    .col(timestamp_with_time_zone(Surveys::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (Surveys::Table, Surveys::RoundId),
                        (Rounds::Table, Rounds::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_surveys_round",
            Surveys::Table,
            vec![Surveys::RoundId.into_iden()],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(SurveyQuestions::Table)
                    .col(pk_uuid(SurveyQuestions::Id))
                    .col(uuid(SurveyQuestions::SurveyId))
                    .col(string_len(SurveyQuestions::Kind, 16))
                    .col(string_len(SurveyQuestions::Prompt, 500))
                    .col(text(SurveyQuestions::Help))
                    .col(boolean(SurveyQuestions::Required))
                    .col(boolean(SurveyQuestions::Demographic))
                    .col(integer(SurveyQuestions::Position))
                    .col(boolean(SurveyQuestions::AllowOther))
                    .col(integer_null(SurveyQuestions::MinChoices))
                    .col(integer_null(SurveyQuestions::MaxChoices))
                    .col(integer_null(SurveyQuestions::ScaleMin))
                    .col(integer_null(SurveyQuestions::ScaleMax))
                    .col(string_len(SurveyQuestions::ScaleMinLabel, 100))
                    .col(string_len(SurveyQuestions::ScaleMaxLabel, 100))
                    .col(integer_null(SurveyQuestions::NumberMin))
                    .col(integer_null(SurveyQuestions::NumberMax))
                    .col(uuid_null(SurveyQuestions::ConditionOptionId))
                    .col(timestamp_with_time_zone(SurveyQuestions::CreatedAt))
                    .foreign_key(&mut cascade(
                        (SurveyQuestions::Table, SurveyQuestions::SurveyId),
                        (Surveys::Table, Surveys::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_survey_questions_survey",
            SurveyQuestions::Table,
            vec![
                SurveyQuestions::SurveyId.into_iden(),
                SurveyQuestions::Position.into_iden(),
            ],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(SurveyOptions::Table)
                    .col(pk_uuid(SurveyOptions::Id))
                    .col(uuid(SurveyOptions::QuestionId))
                    .col(string_len(SurveyOptions::Label, 300))
                    .col(integer(SurveyOptions::Position))
                    .foreign_key(&mut cascade(
                        (SurveyOptions::Table, SurveyOptions::QuestionId),
                        (SurveyQuestions::Table, SurveyQuestions::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_survey_options_question",
            SurveyOptions::Table,
            vec![
                SurveyOptions::QuestionId.into_iden(),
                SurveyOptions::Position.into_iden(),
            ],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(SurveyQuestionGoals::Table)
                    .col(uuid(SurveyQuestionGoals::QuestionId))
                    .col(uuid(SurveyQuestionGoals::GoalId))
                    .primary_key(
                        Index::create()
                            .col(SurveyQuestionGoals::QuestionId)
                            .col(SurveyQuestionGoals::GoalId),
                    )
                    .foreign_key(&mut cascade(
                        (SurveyQuestionGoals::Table, SurveyQuestionGoals::QuestionId),
                        (SurveyQuestions::Table, SurveyQuestions::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (SurveyQuestionGoals::Table, SurveyQuestionGoals::GoalId),
                        (Goals::Table, Goals::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_survey_question_goals_goal",
            SurveyQuestionGoals::Table,
            vec![SurveyQuestionGoals::GoalId.into_iden()],
        )
        .await?;

        // A response: random id, survey, channel and the day only. Nothing about who answered.
        manager
            .create_table(
                Table::create()
                    .table(SurveyResponses::Table)
                    .col(pk_uuid(SurveyResponses::Id))
                    .col(uuid(SurveyResponses::SurveyId))
                    .col(string_len(SurveyResponses::Channel, 8))
                    .col(date(SurveyResponses::SubmittedOn))
                    .foreign_key(&mut cascade(
                        (SurveyResponses::Table, SurveyResponses::SurveyId),
                        (Surveys::Table, Surveys::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_survey_responses_survey",
            SurveyResponses::Table,
            vec![SurveyResponses::SurveyId.into_iden()],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(SurveyAnswers::Table)
                    .col(pk_uuid(SurveyAnswers::Id))
                    .col(uuid(SurveyAnswers::ResponseId))
                    .col(uuid(SurveyAnswers::QuestionId))
                    .col(uuid_null(SurveyAnswers::OptionId))
                    .col(integer_null(SurveyAnswers::NumberValue))
                    .col(text_null(SurveyAnswers::TextValue))
                    .col(string_len_null(SurveyAnswers::TextStatus, 16))
                    .foreign_key(&mut cascade(
                        (SurveyAnswers::Table, SurveyAnswers::ResponseId),
                        (SurveyResponses::Table, SurveyResponses::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (SurveyAnswers::Table, SurveyAnswers::QuestionId),
                        (SurveyQuestions::Table, SurveyQuestions::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_survey_answers_question",
            SurveyAnswers::Table,
            vec![
                SurveyAnswers::QuestionId.into_iden(),
                SurveyAnswers::OptionId.into_iden(),
                SurveyAnswers::NumberValue.into_iden(),
            ],
        )
        .await?;
        // Covers the respondents-and-average query of the results.
        index(
            manager,
            "idx_survey_answers_question_response",
            SurveyAnswers::Table,
            vec![
                SurveyAnswers::QuestionId.into_iden(),
                SurveyAnswers::ResponseId.into_iden(),
                SurveyAnswers::NumberValue.into_iden(),
            ],
        )
        .await?;
        // Covers the breakdown join (response → its answer to the demographic question).
        index(
            manager,
            "idx_survey_answers_response",
            SurveyAnswers::Table,
            vec![
                SurveyAnswers::ResponseId.into_iden(),
                SurveyAnswers::QuestionId.into_iden(),
                SurveyAnswers::OptionId.into_iden(),
                SurveyAnswers::NumberValue.into_iden(),
            ],
        )
        .await?;
        index(
            manager,
            "idx_survey_answers_text_status",
            SurveyAnswers::Table,
            vec![
                SurveyAnswers::TextStatus.into_iden(),
                SurveyAnswers::QuestionId.into_iden(),
            ],
        )
        .await?;

        // "Has taken part": keyed hashes of (user or browser value, survey). No date, no link.
        manager
            .create_table(
                Table::create()
                    .table(SurveyParticipations::Table)
                    .col(string_len(SurveyParticipations::GuardHash, 64).primary_key())
                    .col(uuid(SurveyParticipations::SurveyId))
                    .foreign_key(&mut cascade(
                        (SurveyParticipations::Table, SurveyParticipations::SurveyId),
                        (Surveys::Table, Surveys::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_survey_participations_survey",
            SurveyParticipations::Table,
            vec![SurveyParticipations::SurveyId.into_iden()],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(SurveyAccessCodes::Table)
                    .col(string_len(SurveyAccessCodes::CodeHash, 64).primary_key())
                    .col(uuid(SurveyAccessCodes::SurveyId))
                    .col(boolean(SurveyAccessCodes::Used))
                    .col(timestamp_with_time_zone(SurveyAccessCodes::CreatedAt))
                    .foreign_key(&mut cascade(
                        (SurveyAccessCodes::Table, SurveyAccessCodes::SurveyId),
                        (Surveys::Table, Surveys::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_survey_access_codes_survey",
            SurveyAccessCodes::Table,
            vec![
                SurveyAccessCodes::SurveyId.into_iden(),
                SurveyAccessCodes::Used.into_iden(),
            ],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SurveyAccessCodes::Table.into_iden(),
            SurveyParticipations::Table.into_iden(),
            SurveyAnswers::Table.into_iden(),
            SurveyResponses::Table.into_iden(),
            SurveyQuestionGoals::Table.into_iden(),
            SurveyOptions::Table.into_iden(),
            SurveyQuestions::Table.into_iden(),
            Surveys::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
