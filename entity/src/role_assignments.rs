use sea_orm::entity::prelude::*;

/// `admin` is instance-wide (`municipality_id` is `None`); `coordinator` and `moderator` belong to
/// one municipality.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "role_assignments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub role: String,
    pub municipality_id: Option<Uuid>,
    pub granted_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::UserId",
        to = "super::users::Column::Id"
    )]
    User,
    #[sea_orm(
        belongs_to = "super::municipalities::Entity",
        from = "Column::MunicipalityId",
        to = "super::municipalities::Column::Id"
    )]
    Municipality,
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl Related<super::municipalities::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Municipality.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
