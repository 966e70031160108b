use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Always stored lower-cased and trimmed.
    #[sea_orm(unique)]
    pub email: String,
    pub email_verified_at: Option<DateTimeUtc>,
    /// argon2id PHC string; `None` for invited staff who have not set a password yet.
    pub password_hash: Option<String>,
    pub display_name: Option<String>,
    pub language: String,
    /// Bumped on password change and reset: sessions carrying an older value are void.
    pub session_version: i32,
    pub created_at: DateTimeUtc,
    pub last_login_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::role_assignments::Entity")]
    RoleAssignments,
}

impl Related<super::role_assignments::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RoleAssignments.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
