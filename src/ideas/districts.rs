//! The districts a board offers: areas of the municipality (monitoring's one list), chosen by
//! the coordinator in the board's settings. Boards set up before districts were areas keep
//! their typed lines; those that match no area are shown to the coordinator, not lost.

use entity::{areas, idea_board_areas, idea_boards};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::Serialize;
use uuid::Uuid;

use crate::monitoring::areas::list_for_municipality;

use super::model::districts as typed_districts;

/// The areas `board` offers, by name.
pub async fn board_areas(
    db: &impl ConnectionTrait,
    board: &idea_boards::Model,
) -> Result<Vec<areas::Model>, DbErr> {
    let linked: Vec<Uuid> = idea_board_areas::Entity::find()
        .filter(idea_board_areas::Column::BoardId.eq(board.id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.area_id)
        .collect();
    Ok(list_for_municipality(db, board.municipality_id)
        .await?
        .into_iter()
        .filter(|a| linked.contains(&a.id))
        .collect())
}

/// Makes `board` offer exactly `area_ids` (already checked to be its municipality's).
pub async fn set_board_areas(
    db: &impl ConnectionTrait,
    board_id: Uuid,
    area_ids: &[Uuid],
) -> Result<(), DbErr> {
    idea_board_areas::Entity::delete_many()
        .filter(idea_board_areas::Column::BoardId.eq(board_id))
        .exec(db)
        .await?;
    if area_ids.is_empty() {
        return Ok(());
    }
    let rows = area_ids.iter().map(|area| idea_board_areas::ActiveModel {
        board_id: sea_orm::Set(board_id),
        area_id: sea_orm::Set(*area),
    });
    idea_board_areas::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

/// Whether every chosen id is one of `offered`.
pub fn all_offered(chosen: &[Uuid], offered: &[areas::Model]) -> bool {
    chosen.iter().all(|id| offered.iter().any(|a| a.id == *id))
}

/// The lines typed as districts before districts were areas that match none of `areas`
/// (trimmed, ignoring case): shown to the coordinator so they can add them as areas.
pub fn unmatched_lines(board: &idea_boards::Model, areas: &[areas::Model]) -> Vec<String> {
    typed_districts(board)
        .into_iter()
        .filter(|line| {
            !areas
                .iter()
                .any(|a| a.name.trim().to_lowercase() == line.to_lowercase())
        })
        .collect()
}

/// A district as a checkbox of the board form.
#[derive(Serialize)]
pub struct AreaChoice {
    pub id: String,
    pub name: String,
    pub checked: bool,
}

/// The municipality's districts as checkboxes, those in `chosen` checked.
pub fn area_choices(all: &[areas::Model], chosen: &[String]) -> Vec<AreaChoice> {
    all.iter()
        .map(|a| {
            let id = a.id.to_string();
            AreaChoice {
                checked: chosen.contains(&id),
                name: a.name.clone(),
                id,
            }
        })
        .collect()
}
