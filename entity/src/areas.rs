use sea_orm::entity::prelude::*;

/// A Sozialraum of a municipality: the city as a whole, a district or a quarter.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "areas")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub parent_id: Option<Uuid>,
    /// The area that stands for the municipality as a whole (one per municipality, no parent):
    /// values for the whole municipality are stored on it.
    pub whole_municipality: bool,
    pub name: String,
    pub population: Option<i64>,
    /// The day the population was counted.
    pub population_on: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
