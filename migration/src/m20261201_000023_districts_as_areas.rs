//! Districts as the one list: an idea names one of the municipality's areas (`ideas.area_id`), a
//! board offers a set of them (`idea_board_areas`), a workshop may say in which one it takes
//! place (`workshops.area_id`). The free-text districts stored before are mapped onto areas
//! whose name matches (trimmed, ignoring case, in the same municipality); the text columns stay,
//! so what matched nothing is still readable. Deleting an area empties the idea's and the
//! workshop's reference (the idea keeps the district's name as text) and drops it from boards.

use std::collections::{HashMap, HashSet};

use sea_orm::prelude::Uuid;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, DbErr};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IdeaBoardAreas {
    Table,
    BoardId,
    AreaId,
}

#[derive(DeriveIden)]
enum IdeaBoards {
    Table,
    Id,
    MunicipalityId,
    Districts,
}

#[derive(DeriveIden)]
enum Areas {
    Table,
    Id,
    MunicipalityId,
    Name,
}

#[derive(DeriveIden)]
enum Ideas {
    Table,
    Id,
    MunicipalityId,
    District,
    AreaId,
}

/// The name as it is compared: trimmed, ignoring case.
fn key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Maps the free-text districts of boards and ideas onto the areas whose names match, where not
/// done yet. Returns how many links and ideas it set. Runs in the migration; safe to run again.
pub async fn map_free_text_districts(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    let rows = db
        .query_all(
            &Query::select()
                .columns([Areas::Id, Areas::MunicipalityId, Areas::Name])
                .from(Areas::Table)
                .to_owned(),
        )
        .await?;
    let mut areas: HashMap<(Uuid, String), Uuid> = HashMap::new();
    for row in rows {
        let id: Uuid = row.try_get("", "id")?;
        let municipality: Uuid = row.try_get("", "municipality_id")?;
        let name: String = row.try_get("", "name")?;
        areas.insert((municipality, key(&name)), id);
    }
    if areas.is_empty() {
        return Ok(0);
    }
    let mut mapped = 0;
    let linked: HashSet<(Uuid, Uuid)> = db
        .query_all(
            &Query::select()
                .columns([IdeaBoardAreas::BoardId, IdeaBoardAreas::AreaId])
                .from(IdeaBoardAreas::Table)
                .to_owned(),
        )
        .await?
        .into_iter()
        .map(|r| Ok((r.try_get("", "board_id")?, r.try_get("", "area_id")?)))
        .collect::<Result<_, DbErr>>()?;
    let boards = db
        .query_all(
            &Query::select()
                .columns([
                    IdeaBoards::Id,
                    IdeaBoards::MunicipalityId,
                    IdeaBoards::Districts,
                ])
                .from(IdeaBoards::Table)
                .to_owned(),
        )
        .await?;
    for row in boards {
        let board: Uuid = row.try_get("", "id")?;
        let municipality: Uuid = row.try_get("", "municipality_id")?;
        let districts: String = row.try_get("", "districts")?;
        let mut done = HashSet::new();
        for line in districts.lines() {
            let Some(area) = areas.get(&(municipality, key(line))) else {
                continue;
            };
            if linked.contains(&(board, *area)) || !done.insert(*area) {
                continue;
            }
            db.execute(
                &Query::insert()
                    .into_table(IdeaBoardAreas::Table)
                    .columns([IdeaBoardAreas::BoardId, IdeaBoardAreas::AreaId])
                    .values_panic([board.into(), (*area).into()])
                    .to_owned(),
            )
            .await?;
            mapped += 1;
        }
    }
    let ideas = db
        .query_all(
            &Query::select()
                .columns([Ideas::Id, Ideas::MunicipalityId, Ideas::District])
                .from(Ideas::Table)
                .and_where(Expr::col(Ideas::District).is_not_null())
                .and_where(Expr::col(Ideas::AreaId).is_null())
                .to_owned(),
        )
        .await?;
    for row in ideas {
        let idea: Uuid = row.try_get("", "id")?;
        let municipality: Uuid = row.try_get("", "municipality_id")?;
        let district: String = row.try_get("", "district")?;
        if let Some(area) = areas.get(&(municipality, key(&district))) {
            db.execute(
                &Query::update()
                    .table(Ideas::Table)
                    .value(Ideas::AreaId, *area)
                    .and_where(Expr::col(Ideas::Id).eq(idea))
                    .to_owned(),
            )
            .await?;
            mapped += 1;
        }
    }
    Ok(mapped)
}

/// Adds a nullable reference to an area that is emptied when the area is deleted. Written out,
/// because SQLite adds a foreign key only with the column and sea-query cannot say that.
fn add_area_column(backend: DbBackend, table: &str) -> String {
    let kind = if backend == DbBackend::Sqlite {
        "uuid_text"
    } else {
        "uuid"
    };
    format!(
        r#"ALTER TABLE "{table}" ADD COLUMN "area_id" {kind} NULL REFERENCES "areas" ("id") ON DELETE SET NULL"#
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        for table in ["ideas", "workshops"] {
            db.execute_unprepared(&add_area_column(backend, table))
                .await?;
            db.execute_unprepared(&format!(
                r#"CREATE INDEX "idx_{table}_area" ON "{table}" ("area_id")"#
            ))
            .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(IdeaBoardAreas::Table)
                    .col(uuid(IdeaBoardAreas::BoardId))
                    .col(uuid(IdeaBoardAreas::AreaId))
                    .primary_key(
                        Index::create()
                            .col(IdeaBoardAreas::BoardId)
                            .col(IdeaBoardAreas::AreaId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(IdeaBoardAreas::Table, IdeaBoardAreas::BoardId)
                            .to(IdeaBoards::Table, IdeaBoards::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(IdeaBoardAreas::Table, IdeaBoardAreas::AreaId)
                            .to(Areas::Table, Areas::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_idea_board_areas_area")
                    .table(IdeaBoardAreas::Table)
                    .col(IdeaBoardAreas::AreaId)
                    .to_owned(),
            )
            .await?;
        map_free_text_districts(db).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IdeaBoardAreas::Table).to_owned())
            .await?;
        let db = manager.get_connection();
        for table in ["ideas", "workshops"] {
            db.execute_unprepared(&format!(r#"DROP INDEX "idx_{table}_area""#))
                .await?;
            db.execute_unprepared(&format!(r#"ALTER TABLE "{table}" DROP COLUMN "area_id""#))
                .await?;
        }
        Ok(())
    }
}
