//! What a resident typed survives a write the storage refused: the CSRF check already reads every
//! form body, keeps a copy in the request ([`SubmittedForm`]), and the "nicht gespeichert" page
//! (503) offers the same fields again in a form that sends them once more.

use actix_web::web::Bytes;
use serde_json::{Value, json};

/// The urlencoded body of a form POST, as sent.
#[derive(Clone)]
pub struct SubmittedForm(pub Bytes);

/// The page data for sending `form` again to `action`: every field as a hidden input, and the
/// values a person typed or chose (not the security token, not internal ids) shown as a list.
pub fn resubmit(action: &str, form: &SubmittedForm) -> Option<Value> {
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&form.0).ok()?;
    if fields.is_empty() {
        return None;
    }
    let shown: Vec<&str> = fields
        .iter()
        .filter(|(name, value)| {
            name != "csrf_token"
                && !value.trim().is_empty()
                && uuid::Uuid::parse_str(value).is_err()
        })
        .map(|(_, value)| value.as_str())
        .collect();
    let hidden: Vec<Value> = fields
        .iter()
        .map(|(name, value)| json!({ "name": name, "value": value }))
        .collect();
    Some(json!({ "action": action, "fields": hidden, "shown": shown }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_typed_values_are_shown_and_every_field_is_sent_again() {
        let form = SubmittedForm(Bytes::from_static(
            b"csrf_token=abc&q=2f1b3c9e-0c7e-4a3f-9a52-1d2e3f4a5b6c&text=Mehr+Busse%21&empty=",
        ));
        let data = resubmit("/surveys/x", &form).unwrap_or_default();
        assert_eq!(data["shown"], json!(["Mehr Busse!"]));
        assert_eq!(data["fields"].as_array().map(Vec::len), Some(4));
        assert_eq!(data["action"], "/surveys/x");
    }
}
