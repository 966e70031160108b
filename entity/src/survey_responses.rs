use sea_orm::entity::prelude::*;

/// One filled-in questionnaire. Deliberately nothing about who answered: a random id, the survey,
/// the channel and the day (no time).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "survey_responses")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub survey_id: Uuid,
    /// `online` or `paper`.
    pub channel: String,
    pub submitted_on: Date,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
