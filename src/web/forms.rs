//! Form errors as templates show them: a message per field and a summary at the top of the form
//! that links to each field. Messages are translation keys until rendered.

use fluent_templates::fluent_bundle::FluentValue;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use validator::ValidationErrors;

use crate::web::i18n::{self, Lang};

/// How every form is checked: the typed input, or the errors to show beside the fields. What a
/// check needs beyond the form's own fields (a time zone, a minimum group size, the rounds a
/// board may serve) comes in as `Rules`; a form that needs nothing takes `()`. Checks that need
/// the database run after this one, in the use case, and add to the same `FormErrors`.
pub trait CheckForm {
    type Input;
    type Rules: ?Sized;

    fn check(&self, rules: &Self::Rules) -> Result<Self::Input, FormErrors>;
}

#[derive(Debug, Default)]
pub struct FormErrors {
    /// (field, translation key), in form order.
    entries: Vec<(String, String)>,
    /// Arguments of a field's message, for messages that name a bound ("from 0 to 300").
    args: Vec<(String, Vec<(&'static str, String)>)>,
}

impl FormErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// The status of a page showing a form with these errors: 422 when there are any.
    pub fn status(&self) -> actix_web::http::StatusCode {
        if self.is_empty() {
            actix_web::http::StatusCode::OK
        } else {
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
        }
    }

    /// Adds an error unless the field already has one (one message per field is clearer).
    pub fn add(&mut self, field: &str, key: &str) {
        if !self.entries.iter().any(|(f, _)| f == field) {
            self.entries.push((field.to_string(), key.to_string()));
        }
    }

    /// Adds an error whose message takes arguments (unless the field already has one).
    pub fn add_with(&mut self, field: &str, key: &str, args: &[(&'static str, String)]) {
        if !self.entries.iter().any(|(f, _)| f == field) {
            self.entries.push((field.to_string(), key.to_string()));
            self.args.push((field.to_string(), args.to_vec()));
        }
    }

    /// Adds `other`'s errors after these (a field that already has one keeps it): a check that
    /// needs the database, run first, followed by the form's own check.
    pub fn merge(&mut self, other: FormErrors) {
        for (field, key) in other.entries {
            match other.args.iter().find(|(f, _)| *f == field) {
                Some((_, args)) => self.add_with(&field, &key, args),
                None => self.add(&field, &key),
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Takes validator's errors in the order of `fields`; each error's code is its translation key.
    pub fn from_validation(errors: &ValidationErrors, fields: &[&str]) -> Self {
        let mut out = Self::new();
        let by_field = errors.field_errors();
        for field in fields {
            if let Some(list) = by_field.get(*field)
                && let Some(first) = list.first()
            {
                out.add(field, &first.code);
            }
        }
        out
    }

    /// `{ "fields": {name: message}, "summary": [{field, message}] }` for the templates.
    pub fn view(&self, lang: Lang) -> Value {
        let mut fields = Map::new();
        let mut summary = Vec::new();
        for (field, key) in &self.entries {
            let message = match self.args.iter().find(|(f, _)| f == field) {
                Some((_, args)) => {
                    let args: Vec<(&str, FluentValue)> = args
                        .iter()
                        .map(|(name, value)| (*name, FluentValue::from(value.as_str())))
                        .collect();
                    i18n::t_args(lang, key, &args)
                }
                None => i18n::t(lang, key),
            };
            fields.insert(field.clone(), Value::String(message.clone()));
            summary.push(SummaryItem {
                field: field.clone(),
                message,
            });
        }
        serde_json::json!({ "fields": fields, "summary": summary })
    }
}

#[derive(Serialize)]
struct SummaryItem {
    field: String,
    message: String,
}

/// `#[serde(deserialize_with = "crate::web::forms::trimmed")]`: drops the spaces people paste
/// around addresses, before validation sees the value and before it is shown back.
pub fn trimmed<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(String::deserialize(deserializer)?.trim().to_string())
}

/// Multi-line text (a textarea) as it is stored. Browsers send every line break of a textarea as
/// CRLF; it is stored as LF (a lone CR too), so the text is the same whichever way it arrives.
/// Blank lines before the text and whitespace after it are dropped. Everything else is kept byte
/// for byte, the indentation of every line included, the first one too: Markdown reads it (a list
/// item's continuation, a code block).
pub fn multiline(raw: &str) -> String {
    let text = raw.replace("\r\n", "\n").replace('\r', "\n");
    let text = text.trim_end();
    // The text starts at the first line that has something other than whitespace on it.
    let start = text
        .char_indices()
        .find(|(_, c)| !c.is_whitespace())
        .map(|(at, _)| text[..at].rfind('\n').map_or(0, |newline| newline + 1))
        .unwrap_or(text.len());
    text[start..].to_string()
}

/// A form body that may repeat a field (`goal_ids=a&goal_ids=b`, as checkboxes send it), read
/// into a `Vec`. actix's `web::Form` cannot do that.
pub struct HtmlForm<T>(pub T);

impl<T: serde::de::DeserializeOwned + 'static> actix_web::FromRequest for HtmlForm<T> {
    type Error = actix_web::Error;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(
        req: &actix_web::HttpRequest,
        payload: &mut actix_web::dev::Payload,
    ) -> Self::Future {
        let body = actix_web::web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let body = body.await?;
            serde_html_form::from_bytes::<T>(&body)
                .map(HtmlForm)
                .map_err(|_| crate::error::AppError::BadRequest.into())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::multiline;

    #[test]
    fn multiline_text_keeps_indentation_and_inner_blank_lines_and_stores_lf() {
        assert_eq!(
            multiline("\r\n \r\n  eingerückt\r\n\r\n- a\r\n  - b\r\n    Code\r\n\r\n"),
            "  eingerückt\n\n- a\n  - b\n    Code"
        );
        assert_eq!(multiline("a\rb\nc"), "a\nb\nc");
        assert_eq!(multiline(" \r\n\t\r\n"), "");
        assert_eq!(multiline("  eine Zeile  "), "  eine Zeile");
    }
}
