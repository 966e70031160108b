//! Database entities, one module per table. Templates never see these: each feature slice maps
//! them to its own view models.

pub mod audit_log;
pub mod fields_of_action;
pub mod goals;
pub mod idea_boards;
pub mod idea_categories;
pub mod idea_comments;
pub mod idea_supports;
pub mod ideas;
pub mod legal_texts;
pub mod login_tokens;
pub mod mail_outbox;
pub mod measures;
pub mod moderation_flags;
pub mod moderation_objections;
pub mod municipalities;
pub mod rate_limits;
pub mod role_assignments;
pub mod round_goals;
pub mod round_subscriptions;
pub mod round_target_groups;
pub mod rounds;
pub mod strategies;
pub mod survey_access_codes;
pub mod survey_answers;
pub mod survey_options;
pub mod survey_participations;
pub mod survey_question_goals;
pub mod survey_questions;
pub mod survey_responses;
pub mod surveys;
pub mod user_sessions;
pub mod users;
pub mod workshop_goals;
pub mod workshop_signups;
pub mod workshops;
