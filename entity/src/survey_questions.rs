use sea_orm::entity::prelude::*;

/// One question of a survey.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "survey_questions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub survey_id: Uuid,
    /// `single`, `multiple`, `scale`, `yesno`, `number`, `short_text` or `long_text`.
    pub kind: String,
    pub prompt: String,
    pub help: String,
    pub required: bool,
    /// Only there to break results down (age band, household type, district).
    pub demographic: bool,
    pub position: i32,
    /// Choice questions: offer "other, please specify".
    pub allow_other: bool,
    pub min_choices: Option<i32>,
    pub max_choices: Option<i32>,
    pub scale_min: Option<i32>,
    pub scale_max: Option<i32>,
    pub scale_min_label: String,
    pub scale_max_label: String,
    pub number_min: Option<i32>,
    pub number_max: Option<i32>,
    /// Shown only if this option of an earlier choice question was chosen.
    pub condition_option_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
