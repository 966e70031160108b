//! What a resident typed survives a write the storage refused: the CSRF check already reads every
//! form body, keeps a copy in the request ([`SubmittedForm`]), and the "nicht gespeichert" page
//! (503) offers the same fields again in a form that sends them once more.

use actix_web::web::Bytes;
use serde::Serialize;

/// The urlencoded body of a form POST, as sent.
#[derive(Clone)]
pub struct SubmittedForm(pub Bytes);

/// A field of the form to send again, as a hidden input.
#[derive(Debug, Serialize)]
pub struct HiddenField {
    pub name: String,
    pub value: String,
}

/// The "send again" form of the "nicht gespeichert" page.
#[derive(Debug, Serialize)]
pub struct Resubmit {
    pub action: String,
    pub fields: Vec<HiddenField>,
    /// What the person typed or chose, shown so they see it was kept.
    pub shown: Vec<String>,
}

/// The page data for sending `form` again to `action`: every field as a hidden input, and the
/// values a person typed or chose (not the security token, not internal ids) shown as a list.
/// `token` replaces the form's security token (when the one it was sent with no longer holds).
pub fn resubmit(action: &str, form: &SubmittedForm, token: Option<&str>) -> Option<Resubmit> {
    let mut fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&form.0).ok()?;
    if let Some(token) = token {
        fields.retain(|(name, _)| name != "csrf_token");
        fields.push(("csrf_token".into(), token.to_string()));
    }
    if fields.is_empty() {
        return None;
    }
    let shown = fields
        .iter()
        .filter(|(name, value)| {
            name != "csrf_token"
                && !value.trim().is_empty()
                && uuid::Uuid::parse_str(value).is_err()
        })
        .map(|(_, value)| value.clone())
        .collect();
    Some(Resubmit {
        action: action.to_string(),
        fields: fields
            .into_iter()
            .map(|(name, value)| HiddenField { name, value })
            .collect(),
        shown,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_typed_values_are_shown_and_every_field_is_sent_again() {
        let form = SubmittedForm(Bytes::from_static(
            b"csrf_token=abc&q=2f1b3c9e-0c7e-4a3f-9a52-1d2e3f4a5b6c&text=Mehr+Busse%21&empty=",
        ));
        let Some(data) = resubmit("/surveys/x", &form, None) else {
            panic!("a form with fields is offered again");
        };
        assert_eq!(data.shown, ["Mehr Busse!"]);
        assert_eq!(data.fields.len(), 4);
        assert_eq!(data.action, "/surveys/x");
    }

    #[test]
    fn a_new_token_replaces_the_one_the_form_was_sent_with() {
        let form = SubmittedForm(Bytes::from_static(b"csrf_token=alt&text=Hallo"));
        let Some(data) = resubmit("/surveys/x", &form, Some("neu")) else {
            panic!("a form with fields is offered again");
        };
        let tokens: Vec<&str> = data
            .fields
            .iter()
            .filter(|f| f.name == "csrf_token")
            .map(|f| f.value.as_str())
            .collect();
        assert_eq!(tokens, ["neu"]);
        assert_eq!(data.shown, ["Hallo"]);
    }
}
