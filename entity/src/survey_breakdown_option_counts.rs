use sea_orm::entity::prelude::*;

/// How many answers chose an option of a question among the responses that chose a group (an
/// option of a demographic question); the nil option id counts "other" texts. Raised in the
/// transaction that stores the answers.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "survey_breakdown_option_counts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub group_option_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub question_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub option_id: Uuid,
    pub answers: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
