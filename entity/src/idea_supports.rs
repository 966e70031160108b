use sea_orm::entity::prelude::*;

/// One person's support of an idea (one per person and idea).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idea_supports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub idea_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// The supporter wants to hear of the official answer by e-mail.
    pub notify: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
