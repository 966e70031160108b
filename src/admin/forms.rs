use serde::Deserialize;
use validator::Validate;

#[derive(Debug, Default, Deserialize, Validate)]
pub struct MunicipalityForm {
    #[serde(default)]
    #[validate(length(min = 2, max = 120, code = "error-municipality-name-length"))]
    pub name: String,
    #[serde(default)]
    #[validate(length(min = 2, max = 60, code = "error-slug-invalid"))]
    pub slug: String,
    #[serde(default)]
    pub min_group_size: String,
}

#[derive(Debug, Default, Deserialize, Validate)]
pub struct InviteForm {
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    #[validate(
        email(code = "error-email-invalid"),
        length(max = 254, code = "error-email-invalid")
    )]
    pub email: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub municipality_id: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct UserSearch {
    pub q: Option<String>,
    pub page: Option<u64>,
}

/// The audit log's filters, as typed (kept in the form and the page links).
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    pub municipality: Option<String>,
    /// Part of the acting person's e-mail address.
    pub person: Option<String>,
    /// The kind of object (`round`, `idea`, …).
    pub kind: Option<String>,
    /// First and last day, `YYYY-MM-DD`, in the instance's time zone.
    pub from: Option<String>,
    pub to: Option<String>,
    pub page: Option<u64>,
}
