//! Workshops (*Beteiligungswerkstätten*) of a round with their sign-ups (capacity, waitlist,
//! check-in), the goals a held workshop informed, and file attachments on outgoing mail (a
//! workshop's `.ics` travels with the confirmation).

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
enum Workshops {
    Table,
    Id,
    RoundId,
    MunicipalityId,
    Title,
    Description,
    StartsAt,
    EndsAt,
    Address,
    Room,
    Transit,
    Capacity,
    MaxPerSignup,
    SignupDeadline,
    StepFree,
    Childcare,
    InterpreterLanguages,
    SignLanguage,
    TravelCosts,
    Food,
    Status,
    Documentation,
    RemindedAt,
    PersonalDataDeletedAt,
    PublishedAt,
    CancelledAt,
    HeldAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WorkshopGoals {
    Table,
    WorkshopId,
    GoalId,
}

#[derive(DeriveIden)]
enum WorkshopSignups {
    Table,
    Id,
    WorkshopId,
    Seq,
    Code,
    TokenHash,
    Status,
    People,
    Name,
    Email,
    Phone,
    Children,
    ChildrenAges,
    InterpreterLanguage,
    StepFree,
    Note,
    Lang,
    Source,
    CheckedInAt,
    PromotedAt,
    CancelledAt,
    PersonalDataDeletedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    AttachmentName,
    AttachmentContentType,
    AttachmentBody,
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
                    .table(Workshops::Table)
                    .col(pk_uuid(Workshops::Id))
                    .col(uuid(Workshops::RoundId))
                    .col(uuid(Workshops::MunicipalityId))
                    .col(string_len(Workshops::Title, 200))
                    .col(text(Workshops::Description))
                    .col(timestamp_with_time_zone(Workshops::StartsAt))
                    .col(timestamp_with_time_zone(Workshops::EndsAt))
                    .col(text(Workshops::Address))
                    .col(string_len(Workshops::Room, 200))
                    .col(text(Workshops::Transit))
                    .col(integer(Workshops::Capacity))
                    .col(integer(Workshops::MaxPerSignup))
                    .col(timestamp_with_time_zone(Workshops::SignupDeadline))
                    .col(boolean(Workshops::StepFree))
                    .col(boolean(Workshops::Childcare))
                    .col(string_len(Workshops::InterpreterLanguages, 500))
                    .col(boolean(Workshops::SignLanguage))
                    .col(boolean(Workshops::TravelCosts))
                    .col(boolean(Workshops::Food))
                    .col(string_len(Workshops::Status, 16))
                    .col(text_null(Workshops::Documentation))
                    .col(timestamp_with_time_zone_null(Workshops::RemindedAt))
                    .col(timestamp_with_time_zone_null(
                        Workshops::PersonalDataDeletedAt,
                    ))
                    .col(timestamp_with_time_zone_null(Workshops::PublishedAt))
                    .col(timestamp_with_time_zone_null(Workshops::CancelledAt))
                    .col(timestamp_with_time_zone_null(Workshops::HeldAt))
                    .col(uuid_null(Workshops::CreatedBy))
                    .col(timestamp_with_time_zone(Workshops::CreatedAt))
                    .col(timestamp_with_time_zone(Workshops::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (Workshops::Table, Workshops::RoundId),
                        (Rounds::Table, Rounds::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (Workshops::Table, Workshops::MunicipalityId),
                        (Municipalities::Table, Municipalities::Id),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Workshops::Table, Workshops::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "idx_workshops_round_starts",
                vec![Workshops::RoundId, Workshops::StartsAt],
            ),
            // The worker's reminder and retention queries.
            (
                "idx_workshops_status_starts",
                vec![Workshops::Status, Workshops::StartsAt],
            ),
            (
                "idx_workshops_ends_purged",
                vec![Workshops::EndsAt, Workshops::PersonalDataDeletedAt],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(Workshops::Table);
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(WorkshopGoals::Table)
                    .col(uuid(WorkshopGoals::WorkshopId))
                    .col(uuid(WorkshopGoals::GoalId))
                    .primary_key(
                        Index::create()
                            .col(WorkshopGoals::WorkshopId)
                            .col(WorkshopGoals::GoalId),
                    )
                    .foreign_key(&mut cascade(
                        (WorkshopGoals::Table, WorkshopGoals::WorkshopId),
                        (Workshops::Table, Workshops::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (WorkshopGoals::Table, WorkshopGoals::GoalId),
                        (Goals::Table, Goals::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_workshop_goals_goal")
                    .table(WorkshopGoals::Table)
                    .col(WorkshopGoals::GoalId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(WorkshopSignups::Table)
                    .col(pk_uuid(WorkshopSignups::Id))
                    .col(uuid(WorkshopSignups::WorkshopId))
                    .col(integer(WorkshopSignups::Seq))
                    .col(string_len(WorkshopSignups::Code, 16))
                    .col(string_len_null(WorkshopSignups::TokenHash, 64).unique_key())
                    .col(string_len(WorkshopSignups::Status, 16))
                    .col(integer(WorkshopSignups::People))
                    .col(string_len_null(WorkshopSignups::Name, 200))
                    .col(string_len_null(WorkshopSignups::Email, 254))
                    .col(string_len_null(WorkshopSignups::Phone, 60))
                    .col(integer(WorkshopSignups::Children))
                    .col(string_len_null(WorkshopSignups::ChildrenAges, 200))
                    .col(string_len_null(WorkshopSignups::InterpreterLanguage, 100))
                    .col(boolean(WorkshopSignups::StepFree))
                    .col(text_null(WorkshopSignups::Note))
                    .col(string_len(WorkshopSignups::Lang, 8))
                    .col(string_len(WorkshopSignups::Source, 16))
                    .col(timestamp_with_time_zone_null(WorkshopSignups::CheckedInAt))
                    .col(timestamp_with_time_zone_null(WorkshopSignups::PromotedAt))
                    .col(timestamp_with_time_zone_null(WorkshopSignups::CancelledAt))
                    .col(timestamp_with_time_zone_null(
                        WorkshopSignups::PersonalDataDeletedAt,
                    ))
                    .col(timestamp_with_time_zone(WorkshopSignups::CreatedAt))
                    .col(timestamp_with_time_zone(WorkshopSignups::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (WorkshopSignups::Table, WorkshopSignups::WorkshopId),
                        (Workshops::Table, Workshops::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // Order of the list and of the waitlist; a code is unique within its workshop.
        manager
            .create_index(
                Index::create()
                    .name("idx_workshop_signups_seq")
                    .table(WorkshopSignups::Table)
                    .col(WorkshopSignups::WorkshopId)
                    .col(WorkshopSignups::Seq)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_workshop_signups_code")
                    .table(WorkshopSignups::Table)
                    .col(WorkshopSignups::WorkshopId)
                    .col(WorkshopSignups::Code)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_workshop_signups_status")
                    .table(WorkshopSignups::Table)
                    .col(WorkshopSignups::WorkshopId)
                    .col(WorkshopSignups::Status)
                    .to_owned(),
            )
            .await?;

        // SQLite adds one column per statement.
        for col in [
            string_len_null(MailOutbox::AttachmentName, 200),
            string_len_null(MailOutbox::AttachmentContentType, 100),
            text_null(MailOutbox::AttachmentBody),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(MailOutbox::Table)
                        .add_column(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            MailOutbox::AttachmentName,
            MailOutbox::AttachmentContentType,
            MailOutbox::AttachmentBody,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(MailOutbox::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        for table in [
            WorkshopSignups::Table.into_iden(),
            WorkshopGoals::Table.into_iden(),
            Workshops::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
