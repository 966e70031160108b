//! Follow-ups of the idea boards: a version of each idea's and comment's text (moderators act on
//! the text they saw), when a moderator last looked at a text the pre-check marked, one open
//! objection per item, and indexes for the personal-data queue and the purge of unconfirmed ideas.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Ideas {
    Table,
    Version,
    ReviewedAt,
}

#[derive(DeriveIden)]
enum IdeaComments {
    Table,
    Version,
    ReviewedAt,
}

/// Partial indexes, written out: both SQLite and PostgreSQL understand them.
const INDEXES: [&str; 5] = [
    "CREATE UNIQUE INDEX idx_moderation_objections_one_open ON moderation_objections (target_id) \
     WHERE status = 'open'",
    "CREATE INDEX idx_ideas_unreviewed ON ideas (municipality_id, created_at) \
     WHERE precheck <> '' AND reviewed_at IS NULL",
    "CREATE INDEX idx_idea_comments_unreviewed ON idea_comments (municipality_id, created_at) \
     WHERE precheck <> '' AND reviewed_at IS NULL",
    "CREATE INDEX idx_ideas_unconfirmed ON ideas (created_at) WHERE status = 'unconfirmed'",
    "CREATE INDEX idx_idea_comments_threads ON idea_comments (idea_id, parent_id, created_at)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for stmt in [
            Table::alter()
                .table(Ideas::Table)
                .add_column(integer(Ideas::Version).default(0))
                .to_owned(),
            Table::alter()
                .table(Ideas::Table)
                .add_column(timestamp_with_time_zone_null(Ideas::ReviewedAt))
                .to_owned(),
            Table::alter()
                .table(IdeaComments::Table)
                .add_column(integer(IdeaComments::Version).default(0))
                .to_owned(),
            Table::alter()
                .table(IdeaComments::Table)
                .add_column(timestamp_with_time_zone_null(IdeaComments::ReviewedAt))
                .to_owned(),
        ] {
            manager.alter_table(stmt).await?;
        }
        let db = manager.get_connection();
        for sql in INDEXES {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for name in [
            "idx_moderation_objections_one_open",
            "idx_ideas_unreviewed",
            "idx_idea_comments_unreviewed",
            "idx_ideas_unconfirmed",
            "idx_idea_comments_threads",
        ] {
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        for (table, col) in [
            (Ideas::Table.into_iden(), Ideas::Version.into_iden()),
            (Ideas::Table.into_iden(), Ideas::ReviewedAt.into_iden()),
            (
                IdeaComments::Table.into_iden(),
                IdeaComments::Version.into_iden(),
            ),
            (
                IdeaComments::Table.into_iden(),
                IdeaComments::ReviewedAt.into_iden(),
            ),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(col).to_owned())
                .await?;
        }
        Ok(())
    }
}
