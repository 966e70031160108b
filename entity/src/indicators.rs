use sea_orm::entity::prelude::*;

/// A Kennzahl: defined for the whole instance (`municipality_id` is `None`) so that every
/// municipality measures it the same way, or a municipality's own.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "indicators")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Option<Uuid>,
    pub name: String,
    pub definition: String,
    /// `percent`, `count`, `per_thousand` or `euro`.
    pub unit: String,
    /// `down` or `up`: which way is better.
    pub good_direction: String,
    pub source: String,
    /// `year`, `half_year`, `quarter` or `month`.
    pub frequency: String,
    /// Whether values come with a numerator and a denominator.
    pub is_rate: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
