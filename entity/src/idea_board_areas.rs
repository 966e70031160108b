use sea_orm::entity::prelude::*;

/// A district (area of the municipality) an idea board offers residents to choose from.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idea_board_areas")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub board_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub area_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
