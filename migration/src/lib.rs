//! Schema migrations. A migration that has landed on main is never edited: every schema change is
//! a new file, listed in order below.

pub use sea_orm_migration::prelude::*;

mod m20261124_000001_foundation;
mod m20261125_000002_strategy_rounds;
mod m20261126_000003_surveys;
mod m20261126_000004_ideas_moderation;
mod m20261126_000005_workshops;
mod m20261126_000006_ideas_followups;
mod m20261130_000011_legal_texts_audit_filters;
mod m20261130_000012_code_only_ideas_marked_texts;
mod m20261130_000014_survey_paper_return;
mod m20261201_000015_unlinkable_survey_tables;
mod m20261201_000016_mail_outbox_sealed;
mod m20261201_000017_user_sessions;
mod m20261201_000018_flag_reporters;
mod m20261201_000019_storage_probe;
mod m20261201_000020_survey_definition_version;
mod m20261201_000021_monitoring;
mod m20261201_000022_partial_text_status_index;
pub mod m20261201_000023_districts_as_areas;
mod m20261201_000024_import_drafts;
mod m20261201_000025_ideas_category_status_index;
mod m20261201_000026_survey_response_counts;
mod m20261201_000027_goal_idea_counts;
mod m20261201_000028_one_question_index_on_answers;
mod m20261201_000029_survey_answer_counts;
mod m20261201_000030_answers_stored_by_response;
mod m20261201_000031_survey_breakdown_counts;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_foundation::Migration),
            Box::new(m20261125_000002_strategy_rounds::Migration),
            Box::new(m20261126_000003_surveys::Migration),
            Box::new(m20261126_000004_ideas_moderation::Migration),
            Box::new(m20261126_000005_workshops::Migration),
            Box::new(m20261126_000006_ideas_followups::Migration),
            Box::new(m20261130_000011_legal_texts_audit_filters::Migration),
            Box::new(m20261130_000012_code_only_ideas_marked_texts::Migration),
            Box::new(m20261130_000014_survey_paper_return::Migration),
            Box::new(m20261201_000016_mail_outbox_sealed::Migration),
            Box::new(m20261201_000015_unlinkable_survey_tables::Migration),
            Box::new(m20261201_000018_flag_reporters::Migration),
            Box::new(m20261201_000017_user_sessions::Migration),
            Box::new(m20261201_000019_storage_probe::Migration),
            Box::new(m20261201_000020_survey_definition_version::Migration),
            Box::new(m20261201_000021_monitoring::Migration),
            Box::new(m20261201_000022_partial_text_status_index::Migration),
            Box::new(m20261201_000023_districts_as_areas::Migration),
            Box::new(m20261201_000024_import_drafts::Migration),
            Box::new(m20261201_000025_ideas_category_status_index::Migration),
            Box::new(m20261201_000026_survey_response_counts::Migration),
            Box::new(m20261201_000027_goal_idea_counts::Migration),
            Box::new(m20261201_000028_one_question_index_on_answers::Migration),
            Box::new(m20261201_000029_survey_answer_counts::Migration),
            Box::new(m20261201_000030_answers_stored_by_response::Migration),
            Box::new(m20261201_000031_survey_breakdown_counts::Migration),
        ]
    }
}
