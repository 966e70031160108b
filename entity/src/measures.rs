use sea_orm::entity::prelude::*;

/// A concrete action serving a goal, with the status the coordinator controls.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "measures")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub goal_id: Uuid,
    pub title: String,
    pub description: String,
    pub responsible_body: String,
    /// `planned`, `running`, `done` or `stopped`.
    pub status: String,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub progress_note: String,
    pub position: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
