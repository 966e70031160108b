use sea_orm::entity::prelude::*;

/// A category of a board: one of the round's goals, or a free category.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idea_categories")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub board_id: Uuid,
    pub goal_id: Option<Uuid>,
    pub name: String,
    pub position: i32,
    /// How many of its ideas are published: kept by database triggers on `ideas` (migration
    /// 000027), never written by the app.
    pub published_ideas: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
