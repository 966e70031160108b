use sea_orm::entity::prelude::*;

/// One value of an indicator for an area and a period.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "indicator_values")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub indicator_id: Uuid,
    pub area_id: Uuid,
    /// A period such as `2024`, `2024-H1`, `2024-Q3` or `2024-05`.
    pub period: String,
    pub value: f64,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    /// Where the value comes from, or what to know about it.
    pub note: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
