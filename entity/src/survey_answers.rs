use sea_orm::entity::prelude::*;

/// One answer of a response: a chosen option (one row per option for multiple choice), a number
/// (scale, yes/no/don't know, number) or a text (free text, "other").
///
/// `id` is unique and random. On SQLite the table's own key is (`response_id`, `id`), so a
/// response's answers are stored together, and only answers with a `text_status` are indexed by
/// `id`: look one up by id together with its text status (migration 000030).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "survey_answers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub response_id: Uuid,
    pub question_id: Uuid,
    pub option_id: Option<Uuid>,
    pub number_value: Option<i32>,
    /// Until a moderator decides: the text as written; after release: the released (possibly
    /// redacted) text; after rejection: nothing.
    pub text_value: Option<String>,
    /// `pending`, `released` or `rejected` for texts; null otherwise.
    pub text_status: Option<String>,
    /// Whether the personal-data screening marked the text (an address, a phone number, an
    /// IBAN); the release queue shows marked texts first. Null for answers without text.
    pub text_marked: Option<bool>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
