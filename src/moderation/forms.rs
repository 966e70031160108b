//! The moderation slice's forms.

use serde::{Deserialize, Serialize};

use crate::{
    moderation::model::REASONS,
    web::forms::{FormErrors, multiline},
};

#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    pub section: String,
    pub page: Option<u64>,
}

/// The version of the text the moderator saw, in a hidden field of every action form.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct VersionForm {
    #[serde(default)]
    pub version: String,
}

impl VersionForm {
    pub fn seen(&self) -> Option<i32> {
        self.version.trim().parse().ok()
    }
}

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct HideForm {
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub note: String,
}

impl HideForm {
    pub fn check(&self, errors: &mut FormErrors) -> Option<(String, String)> {
        if !REASONS.contains(&self.reason.as_str()) {
            errors.add("reason", "moderation-error-reason");
        }
        if self.note.chars().count() > 1000 {
            errors.add("note", "moderation-error-note-long");
        }
        errors
            .is_empty()
            .then(|| (self.reason.clone(), multiline(&self.note)))
    }
}

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct RedactForm {
    #[serde(default)]
    pub version: String,
    /// Names to remove, one per line or separated by commas.
    #[serde(default)]
    pub names: String,
}

impl RedactForm {
    pub fn names(&self) -> Vec<String> {
        self.names
            .split(['\n', ','])
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .collect()
    }
}

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct ObjectionForm {
    #[serde(default)]
    pub text: String,
}
