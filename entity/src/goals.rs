use sea_orm::entity::prelude::*;

/// What a strategy wants to reach, under one field of action. Goals are archived, never deleted,
/// so the participation that fed them stays traceable.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "goals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub field_of_action_id: Uuid,
    pub title: String,
    pub description: String,
    /// A measurable target, e.g. "Quote der Langzeitarbeitslosen bis 2027 um 10 % senken".
    pub target_text: Option<String>,
    pub position: i32,
    pub archived_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
