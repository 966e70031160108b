use sea_orm::entity::prelude::*;

/// How many responses answered a question, and how many of its answers are a text of their own
/// (a free text, or "other" beside the options): raised in the transaction that stores them.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "survey_question_counts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub question_id: Uuid,
    pub respondents: i64,
    pub texts: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
