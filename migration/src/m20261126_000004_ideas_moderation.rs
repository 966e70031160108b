//! Idea boards (one per round or more), their categories, ideas, supports and comments, and the
//! moderation around them: flags and objections.

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
enum Measures {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum IdeaBoards {
    Table,
    Id,
    RoundId,
    MunicipalityId,
    Title,
    Question,
    Premoderated,
    Districts,
    ClosedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum IdeaCategories {
    Table,
    Id,
    BoardId,
    GoalId,
    Name,
    Position,
}

#[derive(DeriveIden)]
enum Ideas {
    Table,
    Id,
    BoardId,
    MunicipalityId,
    CategoryId,
    District,
    Title,
    Body,
    AuthorId,
    AuthorEmail,
    AuthorName,
    Language,
    Notify,
    Status,
    Listed,
    HiddenReason,
    HiddenNote,
    OpenFlags,
    Precheck,
    SupportCount,
    CommentCount,
    OfficialStatus,
    OfficialAnswer,
    OfficialGoalId,
    OfficialMeasureId,
    AnsweredAt,
    ReceiptCode,
    CreatedAt,
    UpdatedAt,
    PublishedAt,
}

#[derive(DeriveIden)]
enum IdeaSupports {
    Table,
    IdeaId,
    UserId,
    Notify,
    CreatedAt,
}

#[derive(DeriveIden)]
enum IdeaComments {
    Table,
    Id,
    IdeaId,
    ParentId,
    MunicipalityId,
    AuthorId,
    AuthorName,
    Body,
    Status,
    HiddenReason,
    HiddenNote,
    OpenFlags,
    Precheck,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ModerationFlags {
    Table,
    Id,
    TargetId,
    MunicipalityId,
    Reason,
    Note,
    ReporterKey,
    Status,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ModerationObjections {
    Table,
    Id,
    TargetId,
    MunicipalityId,
    Text,
    Status,
    CreatedAt,
    ResolvedAt,
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

fn set_null(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::SetNull)
        .to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    cols: Vec<DynIden>,
    unique: bool,
) -> Result<(), DbErr> {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(col);
    }
    if unique {
        stmt.unique();
    }
    manager.create_index(stmt.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(IdeaBoards::Table)
                    .col(pk_uuid(IdeaBoards::Id))
                    .col(uuid(IdeaBoards::RoundId))
                    .col(uuid(IdeaBoards::MunicipalityId))
                    .col(string_len(IdeaBoards::Title, 200))
                    .col(text(IdeaBoards::Question))
                    .col(boolean(IdeaBoards::Premoderated))
                    .col(text(IdeaBoards::Districts))
                    .col(timestamp_with_time_zone_null(IdeaBoards::ClosedAt))
                    .col(timestamp_with_time_zone(IdeaBoards::CreatedAt))
                    .col(timestamp_with_time_zone(IdeaBoards::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (IdeaBoards::Table, IdeaBoards::RoundId),
                        (Rounds::Table, Rounds::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (IdeaBoards::Table, IdeaBoards::MunicipalityId),
                        (Municipalities::Table, Municipalities::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_idea_boards_round",
            IdeaBoards::Table,
            vec![IdeaBoards::RoundId.into_iden()],
            false,
        )
        .await?;
        index(
            manager,
            "idx_idea_boards_municipality",
            IdeaBoards::Table,
            vec![IdeaBoards::MunicipalityId.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(IdeaCategories::Table)
                    .col(pk_uuid(IdeaCategories::Id))
                    .col(uuid(IdeaCategories::BoardId))
                    .col(uuid_null(IdeaCategories::GoalId))
                    .col(string_len(IdeaCategories::Name, 200))
                    .col(integer(IdeaCategories::Position))
                    .foreign_key(&mut cascade(
                        (IdeaCategories::Table, IdeaCategories::BoardId),
                        (IdeaBoards::Table, IdeaBoards::Id),
                    ))
                    .foreign_key(&mut set_null(
                        (IdeaCategories::Table, IdeaCategories::GoalId),
                        (Goals::Table, Goals::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_idea_categories_board",
            IdeaCategories::Table,
            vec![
                IdeaCategories::BoardId.into_iden(),
                IdeaCategories::Position.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            manager,
            "idx_idea_categories_goal",
            IdeaCategories::Table,
            vec![IdeaCategories::GoalId.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Ideas::Table)
                    .col(pk_uuid(Ideas::Id))
                    .col(uuid(Ideas::BoardId))
                    .col(uuid(Ideas::MunicipalityId))
                    .col(uuid(Ideas::CategoryId))
                    .col(string_len_null(Ideas::District, 120))
                    .col(string_len(Ideas::Title, 200))
                    .col(text(Ideas::Body))
                    .col(uuid_null(Ideas::AuthorId))
                    .col(string_len_null(Ideas::AuthorEmail, 254))
                    .col(string_len_null(Ideas::AuthorName, 120))
                    .col(string_len(Ideas::Language, 8))
                    .col(boolean(Ideas::Notify))
                    .col(string_len(Ideas::Status, 16))
                    .col(boolean(Ideas::Listed))
                    .col(string_len_null(Ideas::HiddenReason, 32))
                    .col(text_null(Ideas::HiddenNote))
                    .col(integer(Ideas::OpenFlags))
                    .col(string_len(Ideas::Precheck, 40))
                    .col(integer(Ideas::SupportCount))
                    .col(integer(Ideas::CommentCount))
                    .col(string_len(Ideas::OfficialStatus, 16))
                    .col(text_null(Ideas::OfficialAnswer))
                    .col(uuid_null(Ideas::OfficialGoalId))
                    .col(uuid_null(Ideas::OfficialMeasureId))
                    .col(timestamp_with_time_zone_null(Ideas::AnsweredAt))
                    .col(string_len_uniq(Ideas::ReceiptCode, 16))
                    .col(timestamp_with_time_zone(Ideas::CreatedAt))
                    .col(timestamp_with_time_zone(Ideas::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Ideas::PublishedAt))
                    .foreign_key(&mut cascade(
                        (Ideas::Table, Ideas::BoardId),
                        (IdeaBoards::Table, IdeaBoards::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (Ideas::Table, Ideas::CategoryId),
                        (IdeaCategories::Table, IdeaCategories::Id),
                    ))
                    .foreign_key(&mut set_null(
                        (Ideas::Table, Ideas::AuthorId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut set_null(
                        (Ideas::Table, Ideas::OfficialGoalId),
                        (Goals::Table, Goals::Id),
                    ))
                    .foreign_key(&mut set_null(
                        (Ideas::Table, Ideas::OfficialMeasureId),
                        (Measures::Table, Measures::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // The board list: listed ideas of a board, by each sort order, optionally by category or
        // official status.
        for (name, cols) in [
            (
                "idx_ideas_board_support",
                vec![
                    Ideas::BoardId,
                    Ideas::Listed,
                    Ideas::SupportCount,
                    Ideas::Id,
                ],
            ),
            (
                "idx_ideas_board_created",
                vec![Ideas::BoardId, Ideas::Listed, Ideas::CreatedAt, Ideas::Id],
            ),
            (
                "idx_ideas_board_comments",
                vec![
                    Ideas::BoardId,
                    Ideas::Listed,
                    Ideas::CommentCount,
                    Ideas::Id,
                ],
            ),
            (
                "idx_ideas_category_support",
                vec![
                    Ideas::CategoryId,
                    Ideas::Listed,
                    Ideas::SupportCount,
                    Ideas::Id,
                ],
            ),
            (
                "idx_ideas_category_created",
                vec![
                    Ideas::CategoryId,
                    Ideas::Listed,
                    Ideas::CreatedAt,
                    Ideas::Id,
                ],
            ),
            (
                "idx_ideas_board_official",
                vec![
                    Ideas::BoardId,
                    Ideas::OfficialStatus,
                    Ideas::Listed,
                    Ideas::SupportCount,
                    Ideas::Id,
                ],
            ),
            (
                "idx_ideas_moderation",
                vec![Ideas::MunicipalityId, Ideas::Status, Ideas::CreatedAt],
            ),
            (
                "idx_ideas_flags",
                vec![Ideas::MunicipalityId, Ideas::OpenFlags],
            ),
            (
                "idx_ideas_goal",
                vec![Ideas::OfficialGoalId, Ideas::OfficialStatus],
            ),
            ("idx_ideas_author", vec![Ideas::AuthorId]),
        ] {
            let mut stmt = Index::create();
            stmt.name(name).table(Ideas::Table);
            for col in cols {
                stmt.col(col);
            }
            manager.create_index(stmt.to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(IdeaSupports::Table)
                    .col(uuid(IdeaSupports::IdeaId))
                    .col(uuid(IdeaSupports::UserId))
                    .col(boolean(IdeaSupports::Notify))
                    .col(timestamp_with_time_zone(IdeaSupports::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(IdeaSupports::IdeaId)
                            .col(IdeaSupports::UserId),
                    )
                    .foreign_key(&mut cascade(
                        (IdeaSupports::Table, IdeaSupports::IdeaId),
                        (Ideas::Table, Ideas::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (IdeaSupports::Table, IdeaSupports::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_idea_supports_user",
            IdeaSupports::Table,
            vec![IdeaSupports::UserId.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(IdeaComments::Table)
                    .col(pk_uuid(IdeaComments::Id))
                    .col(uuid(IdeaComments::IdeaId))
                    .col(uuid_null(IdeaComments::ParentId))
                    .col(uuid(IdeaComments::MunicipalityId))
                    .col(uuid_null(IdeaComments::AuthorId))
                    .col(string_len_null(IdeaComments::AuthorName, 120))
                    .col(text(IdeaComments::Body))
                    .col(string_len(IdeaComments::Status, 16))
                    .col(string_len_null(IdeaComments::HiddenReason, 32))
                    .col(text_null(IdeaComments::HiddenNote))
                    .col(integer(IdeaComments::OpenFlags))
                    .col(string_len(IdeaComments::Precheck, 40))
                    .col(timestamp_with_time_zone(IdeaComments::CreatedAt))
                    .foreign_key(&mut cascade(
                        (IdeaComments::Table, IdeaComments::IdeaId),
                        (Ideas::Table, Ideas::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (IdeaComments::Table, IdeaComments::ParentId),
                        (IdeaComments::Table, IdeaComments::Id),
                    ))
                    .foreign_key(&mut set_null(
                        (IdeaComments::Table, IdeaComments::AuthorId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_idea_comments_idea",
            IdeaComments::Table,
            vec![
                IdeaComments::IdeaId.into_iden(),
                IdeaComments::CreatedAt.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            manager,
            "idx_idea_comments_moderation",
            IdeaComments::Table,
            vec![
                IdeaComments::MunicipalityId.into_iden(),
                IdeaComments::Status.into_iden(),
                IdeaComments::CreatedAt.into_iden(),
            ],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ModerationFlags::Table)
                    .col(pk_uuid(ModerationFlags::Id))
                    .col(uuid(ModerationFlags::TargetId))
                    .col(uuid(ModerationFlags::MunicipalityId))
                    .col(string_len(ModerationFlags::Reason, 32))
                    .col(text(ModerationFlags::Note))
                    .col(string_len(ModerationFlags::ReporterKey, 128))
                    .col(string_len(ModerationFlags::Status, 16))
                    .col(timestamp_with_time_zone(ModerationFlags::CreatedAt))
                    .foreign_key(&mut cascade(
                        (ModerationFlags::Table, ModerationFlags::MunicipalityId),
                        (Municipalities::Table, Municipalities::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_moderation_flags_reporter",
            ModerationFlags::Table,
            vec![
                ModerationFlags::TargetId.into_iden(),
                ModerationFlags::ReporterKey.into_iden(),
            ],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ModerationObjections::Table)
                    .col(pk_uuid(ModerationObjections::Id))
                    .col(uuid(ModerationObjections::TargetId))
                    .col(uuid(ModerationObjections::MunicipalityId))
                    .col(text(ModerationObjections::Text))
                    .col(string_len(ModerationObjections::Status, 16))
                    .col(timestamp_with_time_zone(ModerationObjections::CreatedAt))
                    .col(timestamp_with_time_zone_null(
                        ModerationObjections::ResolvedAt,
                    ))
                    .foreign_key(&mut cascade(
                        (
                            ModerationObjections::Table,
                            ModerationObjections::MunicipalityId,
                        ),
                        (Municipalities::Table, Municipalities::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_moderation_objections_queue",
            ModerationObjections::Table,
            vec![
                ModerationObjections::MunicipalityId.into_iden(),
                ModerationObjections::Status.into_iden(),
                ModerationObjections::CreatedAt.into_iden(),
            ],
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ModerationObjections::Table.into_iden(),
            ModerationFlags::Table.into_iden(),
            IdeaComments::Table.into_iden(),
            IdeaSupports::Table.into_iden(),
            Ideas::Table.into_iden(),
            IdeaCategories::Table.into_iden(),
            IdeaBoards::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
