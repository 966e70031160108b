use sea_orm::entity::prelude::*;

/// How many responses to a survey answered exactly this set of its questions (`questions`: their
/// ids, sorted, separated by spaces): raised in the transaction that stores the answers, for the
/// responses per goal.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "survey_answered_sets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub survey_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub questions: String,
    pub responses: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
