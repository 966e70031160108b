//! Public pages read everything they show in one snapshot (`db::read_snapshot`), so a count on a
//! page agrees with the list beside it even while residents write. On PostgreSQL that needs
//! `REPEATABLE READ`: under the default `READ COMMITTED` every statement sees the latest commit.

use entity::municipalities;
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set, TransactionTrait};

use crate::helpers::{TestResult, spawn_app};

#[tokio::test]
async fn a_read_snapshot_does_not_see_what_was_committed_after_its_first_read() -> TestResult {
    let app = spawn_app().await;
    let db = &app.state.db;
    let snap = teilhabe::db::read_snapshot(db).await?;
    let before = municipalities::Entity::find().count(&snap).await?;

    // Another connection adds a municipality and commits while the snapshot is open.
    let write = db.begin().await?;
    municipalities::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        slug: Set("neustadt-snapshot".into()),
        name: Set("Neustadt".into()),
        min_group_size: Set(5),
        min_area_population: Set(100),
        created_at: Set(app.state.clock.now()),
    }
    .insert(&write)
    .await?;
    write.commit().await?;

    assert_eq!(
        municipalities::Entity::find().count(&snap).await?,
        before,
        "a second read in the snapshot saw a later commit"
    );
    snap.commit().await?;
    assert_eq!(municipalities::Entity::find().count(db).await?, before + 1);
    Ok(())
}
