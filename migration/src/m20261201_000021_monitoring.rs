//! Monitoring: the municipality's areas (Sozialräume, city → district → quarter), the indicators
//! a strategy is steered by (instance-wide or a municipality's own), which goal adopted which
//! indicator with its baseline and target, and the values per indicator, area and period. Each
//! municipality also gets the minimum population below which an area's values are not published.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Municipalities {
    Table,
    Id,
    MinAreaPopulation,
}

#[derive(DeriveIden)]
enum Goals {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Areas {
    Table,
    Id,
    MunicipalityId,
    ParentId,
    WholeMunicipality,
    Name,
    Population,
    PopulationOn,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Indicators {
    Table,
    Id,
    MunicipalityId,
    Name,
    Definition,
    Unit,
    GoodDirection,
    Source,
    Frequency,
    IsRate,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum GoalIndicators {
    Table,
    GoalId,
    IndicatorId,
    BaselineValue,
    BaselinePeriod,
    TargetValue,
    TargetPeriod,
}

#[derive(DeriveIden)]
enum IndicatorValues {
    Table,
    Id,
    IndicatorId,
    AreaId,
    Period,
    Value,
    Numerator,
    Denominator,
    Note,
    CreatedAt,
    UpdatedAt,
}

fn foreign(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Municipalities::Table)
                    .add_column(integer(Municipalities::MinAreaPopulation).default(300))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Areas::Table)
                    .col(pk_uuid(Areas::Id))
                    .col(uuid(Areas::MunicipalityId))
                    .col(uuid_null(Areas::ParentId))
                    .col(boolean(Areas::WholeMunicipality).default(false))
                    .col(string_len(Areas::Name, 200))
                    .col(big_integer_null(Areas::Population))
                    .col(date_null(Areas::PopulationOn))
                    .col(timestamp_with_time_zone(Areas::CreatedAt))
                    .col(timestamp_with_time_zone(Areas::UpdatedAt))
                    .foreign_key(&mut foreign(
                        (Areas::Table, Areas::MunicipalityId),
                        (Municipalities::Table, Municipalities::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign(
                        (Areas::Table, Areas::ParentId),
                        (Areas::Table, Areas::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_areas_municipality_name")
                    .table(Areas::Table)
                    .col(Areas::MunicipalityId)
                    .col(Areas::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_areas_parent")
                    .table(Areas::Table)
                    .col(Areas::ParentId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Indicators::Table)
                    .col(pk_uuid(Indicators::Id))
                    .col(uuid_null(Indicators::MunicipalityId))
                    .col(string_len(Indicators::Name, 200))
                    .col(text(Indicators::Definition))
                    .col(string_len(Indicators::Unit, 16))
                    .col(string_len(Indicators::GoodDirection, 8))
                    .col(string_len(Indicators::Source, 300))
                    .col(string_len(Indicators::Frequency, 16))
                    .col(boolean(Indicators::IsRate))
                    .col(timestamp_with_time_zone(Indicators::CreatedAt))
                    .col(timestamp_with_time_zone(Indicators::UpdatedAt))
                    .foreign_key(&mut foreign(
                        (Indicators::Table, Indicators::MunicipalityId),
                        (Municipalities::Table, Municipalities::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_indicators_municipality")
                    .table(Indicators::Table)
                    .col(Indicators::MunicipalityId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(GoalIndicators::Table)
                    .col(uuid(GoalIndicators::GoalId))
                    .col(uuid(GoalIndicators::IndicatorId))
                    .col(double(GoalIndicators::BaselineValue))
                    .col(string_len(GoalIndicators::BaselinePeriod, 16))
                    .col(double(GoalIndicators::TargetValue))
                    .col(string_len(GoalIndicators::TargetPeriod, 16))
                    .primary_key(
                        Index::create()
                            .col(GoalIndicators::GoalId)
                            .col(GoalIndicators::IndicatorId),
                    )
                    .foreign_key(&mut foreign(
                        (GoalIndicators::Table, GoalIndicators::GoalId),
                        (Goals::Table, Goals::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign(
                        (GoalIndicators::Table, GoalIndicators::IndicatorId),
                        (Indicators::Table, Indicators::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_goal_indicators_indicator")
                    .table(GoalIndicators::Table)
                    .col(GoalIndicators::IndicatorId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IndicatorValues::Table)
                    .col(pk_uuid(IndicatorValues::Id))
                    .col(uuid(IndicatorValues::IndicatorId))
                    .col(uuid(IndicatorValues::AreaId))
                    .col(string_len(IndicatorValues::Period, 16))
                    .col(double(IndicatorValues::Value))
                    .col(double_null(IndicatorValues::Numerator))
                    .col(double_null(IndicatorValues::Denominator))
                    .col(text(IndicatorValues::Note))
                    .col(timestamp_with_time_zone(IndicatorValues::CreatedAt))
                    .col(timestamp_with_time_zone(IndicatorValues::UpdatedAt))
                    .foreign_key(&mut foreign(
                        (IndicatorValues::Table, IndicatorValues::IndicatorId),
                        (Indicators::Table, Indicators::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign(
                        (IndicatorValues::Table, IndicatorValues::AreaId),
                        (Areas::Table, Areas::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_indicator_values_key")
                    .table(IndicatorValues::Table)
                    .col(IndicatorValues::IndicatorId)
                    .col(IndicatorValues::AreaId)
                    .col(IndicatorValues::Period)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_indicator_values_area")
                    .table(IndicatorValues::Table)
                    .col(IndicatorValues::AreaId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            IndicatorValues::Table.into_iden(),
            GoalIndicators::Table.into_iden(),
            Indicators::Table.into_iden(),
            Areas::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Municipalities::Table)
                    .drop_column(Municipalities::MinAreaPopulation)
                    .to_owned(),
            )
            .await
    }
}
