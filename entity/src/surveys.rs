use sea_orm::entity::prelude::*;

/// A questionnaire inside a round.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "surveys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub round_id: Uuid,
    pub title: String,
    /// Plain-language introduction (Markdown; sanitized when rendered).
    pub intro: String,
    /// Estimated minutes to answer.
    pub minutes: i32,
    /// `none`, `account` or `code`: what answering requires.
    pub access: String,
    /// `draft`, `open` or `closed`.
    pub status: String,
    /// Published aggregates over fewer responses than this are suppressed (never below 3).
    pub min_group_size: i32,
    /// Set when the coordinator published the results; staff see them live before.
    pub results_published_at: Option<DateTimeUtc>,
    /// Where a paper questionnaire is handed in (printed on it); empty: the round's contact.
    #[sea_orm(column_type = "Text")]
    pub paper_return_place: String,
    /// The last day to hand in a paper questionnaire; none: the round's last day.
    pub paper_return_by: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Raised by every change to the survey's questions, options or their goals: the key under
    /// which answering keeps the questions in memory.
    pub definition_version: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
