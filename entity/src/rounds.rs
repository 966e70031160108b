use sea_orm::entity::prelude::*;

/// A participation round a coordinator launches, tied to goals of the strategy.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rounds")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    #[sea_orm(unique)]
    pub slug: String,
    pub title: String,
    /// A short summary in plain language.
    pub summary: String,
    /// Markdown; sanitized when rendered.
    pub description: String,
    /// `draft`, `open`, `closed` or `evaluated`.
    pub status: String,
    pub starts_at: DateTimeUtc,
    /// Exclusive: the round closes at this moment.
    pub ends_at: DateTimeUtc,
    /// Set when a coordinator released a draft to open by itself at `starts_at`.
    pub scheduled_at: Option<DateTimeUtc>,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    /// Where to take part offline: office address, opening hours.
    pub contact_address: String,
    /// "Was aus Ihrer Beteiligung wurde", written when the round is evaluated.
    pub evaluation_summary: Option<String>,
    pub opened_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub evaluated_at: Option<DateTimeUtc>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
