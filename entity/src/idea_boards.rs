use sea_orm::entity::prelude::*;

/// A board where residents post ideas, in a round. Open while its round is open, unless a
/// coordinator closed it early.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idea_boards")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub round_id: Uuid,
    pub municipality_id: Uuid,
    pub title: String,
    /// The question the board asks, e.g. "Was würde Ihnen im Alltag helfen?".
    pub question: String,
    /// New ideas and comments wait for a moderator before they are shown.
    pub premoderated: bool,
    /// The districts typed as text before districts were areas, one per line; kept readable. The
    /// areas residents choose from are in `idea_board_areas`.
    pub districts: String,
    pub closed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
