use sea_orm::entity::prelude::*;

/// A goal's adoption of an indicator, with where it started and where it should get to.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "goal_indicators")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub goal_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub indicator_id: Uuid,
    pub baseline_value: f64,
    /// A period such as `2019`, `2019-H1`, `2019-Q3` or `2019-05`.
    pub baseline_period: String,
    pub target_value: f64,
    pub target_period: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
