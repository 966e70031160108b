use sea_orm::entity::prelude::*;

/// A signed-in session. The browser's cookie holds a random token; only its SHA-256 is stored.
/// `device` is a coarse label from the User-Agent ("Firefox auf Android"), shown to the account's
/// owner so they recognise their sessions; it is deleted with the session or the account.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub device: String,
    pub created_at: DateTimeUtc,
    /// Updated at most every few minutes, not on every request.
    pub last_seen_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
