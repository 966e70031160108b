use sea_orm::entity::prelude::*;

/// A municipality's poverty-prevention strategy for one period.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "strategies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub title: String,
    /// First and last year of the period, e.g. 2024 and 2028.
    pub period_start: i32,
    pub period_end: i32,
    /// `draft` or `adopted`.
    pub status: String,
    pub summary: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
