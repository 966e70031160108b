//! The moderation slice's forms.

use serde::{Deserialize, Serialize};

use crate::{
    moderation::model::REASONS,
    web::forms::{CheckForm, FormErrors, multiline},
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

impl CheckForm for HideForm {
    /// The reason and the note (as stored).
    type Input = (String, String);
    type Rules = ();

    fn check(&self, _: &()) -> Result<(String, String), FormErrors> {
        let mut errors = FormErrors::new();
        if !REASONS.contains(&self.reason.as_str()) {
            errors.add("reason", "moderation-error-reason");
        }
        if self.note.chars().count() > 1000 {
            errors.add("note", "moderation-error-note-long");
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok((self.reason.clone(), multiline(&self.note)))
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

impl CheckForm for ObjectionForm {
    /// The objection's text as stored.
    type Input = String;
    type Rules = ();

    fn check(&self, _: &()) -> Result<String, FormErrors> {
        let text = multiline(&self.text);
        let mut errors = FormErrors::new();
        if text.is_empty() {
            errors.add("text", "objection-error-missing");
        } else if text.chars().count() > 2000 {
            errors.add("text", "objection-error-long");
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(text)
    }
}
