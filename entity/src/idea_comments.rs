use sea_orm::entity::prelude::*;

/// A comment on an idea, or a reply to one (one level deep).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idea_comments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub idea_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub municipality_id: Uuid,
    pub author_id: Option<Uuid>,
    /// The name shown publicly; `None` shows "anonym".
    pub author_name: Option<String>,
    pub body: String,
    /// `pending`, `published` or `hidden`.
    pub status: String,
    pub hidden_reason: Option<String>,
    pub hidden_note: Option<String>,
    pub open_flags: i32,
    pub precheck: String,
    pub created_at: DateTimeUtc,
    /// Goes up with every change of the text; moderators act only on the version they saw.
    pub version: i32,
    /// When a moderator last looked at a text the pre-check marked.
    pub reviewed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
