use sea_orm::entity::prelude::*;

/// "Has taken part": a keyed hash of (user or browser value, survey). Unlinkable to the response.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "survey_participations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub guard_hash: String,
    pub survey_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
