use sea_orm::entity::prelude::*;

/// A tenant: one municipality with its own staff, strategy and rounds.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "municipalities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    /// Published aggregates over fewer people than this are suppressed.
    pub min_group_size: i32,
    /// Values of an area with fewer inhabitants than this are not published.
    pub min_area_population: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
