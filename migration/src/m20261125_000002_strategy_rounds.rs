//! The strategy (fields of action, goals, measures) and the participation rounds that feed it,
//! with the goals each round serves, its target groups and the e-mail subscriptions to new rounds.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Municipalities {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Strategies {
    Table,
    Id,
    MunicipalityId,
    Title,
    PeriodStart,
    PeriodEnd,
    Status,
    Summary,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum FieldsOfAction {
    Table,
    Id,
    StrategyId,
    Title,
    Description,
    Position,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Goals {
    Table,
    Id,
    FieldOfActionId,
    Title,
    Description,
    TargetText,
    Position,
    ArchivedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Measures {
    Table,
    Id,
    GoalId,
    Title,
    Description,
    ResponsibleBody,
    Status,
    StartsOn,
    EndsOn,
    ProgressNote,
    Position,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Rounds {
    Table,
    Id,
    MunicipalityId,
    Slug,
    Title,
    Summary,
    Description,
    Status,
    StartsAt,
    EndsAt,
    ScheduledAt,
    ContactName,
    ContactPhone,
    ContactEmail,
    ContactAddress,
    EvaluationSummary,
    OpenedAt,
    ClosedAt,
    EvaluatedAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RoundGoals {
    Table,
    RoundId,
    GoalId,
}

#[derive(DeriveIden)]
enum RoundTargetGroups {
    Table,
    RoundId,
    Tag,
}

#[derive(DeriveIden)]
enum RoundSubscriptions {
    Table,
    Id,
    MunicipalityId,
    Email,
    Language,
    ConfirmedAt,
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Strategies::Table)
                    .col(pk_uuid(Strategies::Id))
                    .col(uuid(Strategies::MunicipalityId))
                    .col(string_len(Strategies::Title, 200))
                    .col(integer(Strategies::PeriodStart))
                    .col(integer(Strategies::PeriodEnd))
                    .col(string_len(Strategies::Status, 16))
                    .col(text(Strategies::Summary))
                    .col(timestamp_with_time_zone(Strategies::CreatedAt))
                    .col(timestamp_with_time_zone(Strategies::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (Strategies::Table, Strategies::MunicipalityId),
                        (Municipalities::Table, Municipalities::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_strategies_municipality")
                    .table(Strategies::Table)
                    .col(Strategies::MunicipalityId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(FieldsOfAction::Table)
                    .col(pk_uuid(FieldsOfAction::Id))
                    .col(uuid(FieldsOfAction::StrategyId))
                    .col(string_len(FieldsOfAction::Title, 200))
                    .col(text(FieldsOfAction::Description))
                    .col(integer(FieldsOfAction::Position))
                    .col(timestamp_with_time_zone(FieldsOfAction::CreatedAt))
                    .foreign_key(&mut cascade(
                        (FieldsOfAction::Table, FieldsOfAction::StrategyId),
                        (Strategies::Table, Strategies::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_fields_of_action_strategy")
                    .table(FieldsOfAction::Table)
                    .col(FieldsOfAction::StrategyId)
                    .col(FieldsOfAction::Position)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Goals::Table)
                    .col(pk_uuid(Goals::Id))
                    .col(uuid(Goals::FieldOfActionId))
                    .col(string_len(Goals::Title, 200))
                    .col(text(Goals::Description))
                    .col(text_null(Goals::TargetText))
                    .col(integer(Goals::Position))
                    .col(timestamp_with_time_zone_null(Goals::ArchivedAt))
                    .col(timestamp_with_time_zone(Goals::CreatedAt))
                    .col(timestamp_with_time_zone(Goals::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (Goals::Table, Goals::FieldOfActionId),
                        (FieldsOfAction::Table, FieldsOfAction::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_goals_field_of_action")
                    .table(Goals::Table)
                    .col(Goals::FieldOfActionId)
                    .col(Goals::Position)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Measures::Table)
                    .col(pk_uuid(Measures::Id))
                    .col(uuid(Measures::GoalId))
                    .col(string_len(Measures::Title, 200))
                    .col(text(Measures::Description))
                    .col(string_len(Measures::ResponsibleBody, 200))
                    .col(string_len(Measures::Status, 16))
                    .col(date_null(Measures::StartsOn))
                    .col(date_null(Measures::EndsOn))
                    .col(text(Measures::ProgressNote))
                    .col(integer(Measures::Position))
                    .col(timestamp_with_time_zone(Measures::CreatedAt))
                    .col(timestamp_with_time_zone(Measures::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (Measures::Table, Measures::GoalId),
                        (Goals::Table, Goals::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_measures_goal")
                    .table(Measures::Table)
                    .col(Measures::GoalId)
                    .col(Measures::Position)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Rounds::Table)
                    .col(pk_uuid(Rounds::Id))
                    .col(uuid(Rounds::MunicipalityId))
                    .col(string_len_uniq(Rounds::Slug, 80))
                    .col(string_len(Rounds::Title, 200))
                    .col(text(Rounds::Summary))
                    .col(text(Rounds::Description))
                    .col(string_len(Rounds::Status, 16))
                    .col(timestamp_with_time_zone(Rounds::StartsAt))
                    .col(timestamp_with_time_zone(Rounds::EndsAt))
                    .col(timestamp_with_time_zone_null(Rounds::ScheduledAt))
                    .col(string_len(Rounds::ContactName, 200))
                    .col(string_len(Rounds::ContactPhone, 60))
                    .col(string_len(Rounds::ContactEmail, 254))
                    .col(text(Rounds::ContactAddress))
                    .col(text_null(Rounds::EvaluationSummary))
                    .col(timestamp_with_time_zone_null(Rounds::OpenedAt))
                    .col(timestamp_with_time_zone_null(Rounds::ClosedAt))
                    .col(timestamp_with_time_zone_null(Rounds::EvaluatedAt))
                    .col(uuid_null(Rounds::CreatedBy))
                    .col(timestamp_with_time_zone(Rounds::CreatedAt))
                    .col(timestamp_with_time_zone(Rounds::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (Rounds::Table, Rounds::MunicipalityId),
                        (Municipalities::Table, Municipalities::Id),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Rounds::Table, Rounds::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_rounds_status_ends")
                    .table(Rounds::Table)
                    .col(Rounds::Status)
                    .col(Rounds::EndsAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_rounds_municipality_status")
                    .table(Rounds::Table)
                    .col(Rounds::MunicipalityId)
                    .col(Rounds::Status)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RoundGoals::Table)
                    .col(uuid(RoundGoals::RoundId))
                    .col(uuid(RoundGoals::GoalId))
                    .primary_key(
                        Index::create()
                            .col(RoundGoals::RoundId)
                            .col(RoundGoals::GoalId),
                    )
                    .foreign_key(&mut cascade(
                        (RoundGoals::Table, RoundGoals::RoundId),
                        (Rounds::Table, Rounds::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (RoundGoals::Table, RoundGoals::GoalId),
                        (Goals::Table, Goals::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_round_goals_goal")
                    .table(RoundGoals::Table)
                    .col(RoundGoals::GoalId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RoundTargetGroups::Table)
                    .col(uuid(RoundTargetGroups::RoundId))
                    .col(string_len(RoundTargetGroups::Tag, 80))
                    .primary_key(
                        Index::create()
                            .col(RoundTargetGroups::RoundId)
                            .col(RoundTargetGroups::Tag),
                    )
                    .foreign_key(&mut cascade(
                        (RoundTargetGroups::Table, RoundTargetGroups::RoundId),
                        (Rounds::Table, Rounds::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_round_target_groups_tag")
                    .table(RoundTargetGroups::Table)
                    .col(RoundTargetGroups::Tag)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RoundSubscriptions::Table)
                    .col(pk_uuid(RoundSubscriptions::Id))
                    .col(uuid(RoundSubscriptions::MunicipalityId))
                    .col(string_len(RoundSubscriptions::Email, 254))
                    .col(string_len(RoundSubscriptions::Language, 8))
                    .col(timestamp_with_time_zone_null(
                        RoundSubscriptions::ConfirmedAt,
                    ))
                    .col(timestamp_with_time_zone(RoundSubscriptions::CreatedAt))
                    .foreign_key(&mut cascade(
                        (
                            RoundSubscriptions::Table,
                            RoundSubscriptions::MunicipalityId,
                        ),
                        (Municipalities::Table, Municipalities::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_round_subscriptions_address")
                    .table(RoundSubscriptions::Table)
                    .col(RoundSubscriptions::MunicipalityId)
                    .col(RoundSubscriptions::Email)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RoundSubscriptions::Table.into_iden(),
            RoundTargetGroups::Table.into_iden(),
            RoundGoals::Table.into_iden(),
            Rounds::Table.into_iden(),
            Measures::Table.into_iden(),
            Goals::Table.into_iden(),
            FieldsOfAction::Table.into_iden(),
            Strategies::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
