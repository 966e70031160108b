use sea_orm::entity::prelude::*;

/// Someone's report that an idea or comment breaks the rules. The reporter is kept only as a
/// keyed hash (of the account or the address), so one person flags an item once.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "moderation_flags")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// An idea or a comment.
    pub target_id: Uuid,
    pub municipality_id: Uuid,
    pub reason: String,
    pub note: String,
    pub reporter_key: String,
    /// `account` (an address confirmed at least 7 days before the flag: counts towards hiding),
    /// `new_account` or `anonymous` (both only reach the moderation queue); `None` for flags
    /// from before the distinction, which never count.
    pub reporter_kind: Option<String>,
    /// Part of a burst of flags from new accounts: marked as suspicious in the queue.
    pub burst: bool,
    /// `open`, `dismissed` or `upheld`.
    pub status: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
