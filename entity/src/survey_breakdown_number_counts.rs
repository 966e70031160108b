use sea_orm::entity::prelude::*;

/// How many answers gave a number to a scale or yes/no question among the responses that chose a
/// group (an option of a demographic question). Raised in the transaction that stores the answers.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "survey_breakdown_number_counts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub group_option_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub question_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub number_value: i32,
    pub answers: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
