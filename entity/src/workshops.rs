use sea_orm::entity::prelude::*;

/// An in-person workshop (*Beteiligungswerkstatt*) of a round, with sign-up, capacity and waitlist.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workshops")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub round_id: Uuid,
    /// The round's municipality, kept here so access checks need no join.
    pub municipality_id: Uuid,
    pub title: String,
    /// Markdown; sanitized when rendered.
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    #[sea_orm(column_type = "Text")]
    pub address: String,
    pub room: String,
    /// The municipality's area (district) it takes place in, if one is named.
    pub area_id: Option<Uuid>,
    /// How to get there by bus and train.
    #[sea_orm(column_type = "Text")]
    pub transit: String,
    /// Places (people, not sign-ups).
    pub capacity: i32,
    /// The most people one sign-up may bring.
    pub max_per_signup: i32,
    pub signup_deadline: DateTimeUtc,
    pub step_free: bool,
    pub childcare: bool,
    /// Interpreter languages offered, comma-separated; empty: none.
    pub interpreter_languages: String,
    pub sign_language: bool,
    pub travel_costs: bool,
    pub food: bool,
    /// `draft`, `published`, `cancelled` or `held`.
    pub status: String,
    /// Markdown written after the workshop was held.
    #[sea_orm(column_type = "Text", nullable)]
    pub documentation: Option<String>,
    /// Set when the reminders the day before were queued (claimed once).
    pub reminded_at: Option<DateTimeUtc>,
    /// Set when the personal data of its sign-ups was deleted.
    pub personal_data_deleted_at: Option<DateTimeUtc>,
    pub published_at: Option<DateTimeUtc>,
    pub cancelled_at: Option<DateTimeUtc>,
    pub held_at: Option<DateTimeUtc>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
