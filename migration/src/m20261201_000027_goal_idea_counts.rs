//! What the strategy page reads to count a goal's ideas without reading every idea.
//!
//! How many published ideas each board category holds, kept on the category by triggers. The
//! strategy page counts, per goal, the published ideas in the categories that serve it; with
//! 100,000 ideas on a board that count read 100,000 index entries on every view. An idea becomes
//! published, hidden, withdrawn or deleted in many places (posting, confirming, moderation, the
//! author, housekeeping, a deleted board's cascade), so the count is kept by the database itself,
//! where no write can miss it: a trigger after every insert, delete, and change of an idea's
//! status or category. Filled here from the ideas already stored. The index on ideas'
//! `(category_id, status)` (migration 000025) served only that count and goes.
//!
//! The ideas adopted into a goal from another category are counted apart; the index on
//! `(official_goal_id, official_status)` gains `status` and `category_id`, so that count reads
//! the index alone instead of each adopted idea's row (26 ms per view with 1,000 adopted ideas).

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_UP: [&str; 3] = [
    r#"CREATE TRIGGER "ideas_count_inserted" AFTER INSERT ON "ideas"
       WHEN NEW."status" = 'published'
       BEGIN
         UPDATE "idea_categories" SET "published_ideas" = "published_ideas" + 1
          WHERE "id" = NEW."category_id";
       END"#,
    r#"CREATE TRIGGER "ideas_count_deleted" AFTER DELETE ON "ideas"
       WHEN OLD."status" = 'published'
       BEGIN
         UPDATE "idea_categories" SET "published_ideas" = "published_ideas" - 1
          WHERE "id" = OLD."category_id";
       END"#,
    r#"CREATE TRIGGER "ideas_count_changed" AFTER UPDATE OF "status", "category_id" ON "ideas"
       WHEN (OLD."status" = 'published') <> (NEW."status" = 'published')
         OR OLD."category_id" <> NEW."category_id"
       BEGIN
         UPDATE "idea_categories" SET "published_ideas" = "published_ideas" - 1
          WHERE "id" = OLD."category_id" AND OLD."status" = 'published';
         UPDATE "idea_categories" SET "published_ideas" = "published_ideas" + 1
          WHERE "id" = NEW."category_id" AND NEW."status" = 'published';
       END"#,
];

const SQLITE_DOWN: [&str; 3] = [
    r#"DROP TRIGGER "ideas_count_inserted""#,
    r#"DROP TRIGGER "ideas_count_deleted""#,
    r#"DROP TRIGGER "ideas_count_changed""#,
];

const POSTGRES_UP: [&str; 2] = [
    r#"CREATE FUNCTION "ideas_count_published"() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP IN ('UPDATE', 'DELETE') AND OLD."status" = 'published' THEN
           UPDATE "idea_categories" SET "published_ideas" = "published_ideas" - 1
            WHERE "id" = OLD."category_id";
         END IF;
         IF TG_OP IN ('UPDATE', 'INSERT') AND NEW."status" = 'published' THEN
           UPDATE "idea_categories" SET "published_ideas" = "published_ideas" + 1
            WHERE "id" = NEW."category_id";
         END IF;
         RETURN NULL;
       END
       $$"#,
    r#"CREATE TRIGGER "ideas_count_published"
       AFTER INSERT OR DELETE OR UPDATE OF "status", "category_id" ON "ideas"
       FOR EACH ROW EXECUTE FUNCTION "ideas_count_published"()"#,
];

const POSTGRES_DOWN: [&str; 2] = [
    r#"DROP TRIGGER "ideas_count_published" ON "ideas""#,
    r#"DROP FUNCTION "ideas_count_published"()"#,
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("idea_categories"))
                    .add_column(
                        ColumnDef::new(Alias::new("published_ideas"))
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let triggers: &[&str] = match manager.get_database_backend() {
            DbBackend::Postgres => &POSTGRES_UP,
            _ => &SQLITE_UP,
        };
        for sql in triggers {
            db.execute_unprepared(sql).await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("idx_ideas_category_status")
                    .table(Alias::new("ideas"))
                    .to_owned(),
            )
            .await?;
        replace_goal_index(
            manager,
            &[
                "official_goal_id",
                "official_status",
                "status",
                "category_id",
            ],
        )
        .await?;
        // After the triggers, inside the same transaction: no idea is counted twice or missed.
        db.execute_unprepared(
            r#"UPDATE "idea_categories" SET "published_ideas" =
                 (SELECT COUNT(*) FROM "ideas" i
                   WHERE i."category_id" = "idea_categories"."id" AND i."status" = 'published')"#,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let triggers: &[&str] = match manager.get_database_backend() {
            DbBackend::Postgres => &POSTGRES_DOWN,
            _ => &SQLITE_DOWN,
        };
        for sql in triggers {
            db.execute_unprepared(sql).await?;
        }
        replace_goal_index(manager, &["official_goal_id", "official_status"]).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_ideas_category_status")
                    .table(Alias::new("ideas"))
                    .col(Alias::new("category_id"))
                    .col(Alias::new("status"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("idea_categories"))
                    .drop_column(Alias::new("published_ideas"))
                    .to_owned(),
            )
            .await
    }
}

/// `idx_ideas_goal` anew on `columns` of `ideas`.
async fn replace_goal_index(manager: &SchemaManager<'_>, columns: &[&str]) -> Result<(), DbErr> {
    manager
        .drop_index(
            Index::drop()
                .name("idx_ideas_goal")
                .table(Alias::new("ideas"))
                .to_owned(),
        )
        .await?;
    let mut index = Index::create()
        .name("idx_ideas_goal")
        .table(Alias::new("ideas"))
        .to_owned();
    for column in columns {
        index.col(Alias::new(*column));
    }
    manager.create_index(index).await
}
