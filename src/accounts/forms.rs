//! The account forms. Validation messages are translation keys; passwords are never echoed back.

use serde::Deserialize;
use validator::Validate;

#[derive(Debug, Default, Deserialize, Validate)]
pub struct RegisterForm {
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    #[validate(
        email(code = "error-email-invalid"),
        length(max = 254, code = "error-email-invalid")
    )]
    pub email: String,
    #[serde(default)]
    #[validate(length(max = 80, code = "error-display-name-too-long"))]
    pub display_name: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_confirm: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    pub next: Option<String>,
}

/// The address for a sign-in link or a password reset.
#[derive(Debug, Default, Deserialize, Validate)]
pub struct EmailForm {
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    #[validate(
        email(code = "error-email-invalid"),
        length(max = 254, code = "error-email-invalid")
    )]
    pub email: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct NewPasswordForm {
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_confirm: String,
}

#[derive(Debug, Default, Deserialize, Validate)]
pub struct ProfileForm {
    #[serde(default)]
    #[validate(length(max = 80, code = "error-display-name-too-long"))]
    pub display_name: String,
    #[serde(default)]
    pub language: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ChangePasswordForm {
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_confirm: String,
}

#[derive(Debug, Default, Deserialize, Validate)]
pub struct ChangeEmailForm {
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    #[validate(
        email(code = "error-email-invalid"),
        length(max = 254, code = "error-email-invalid")
    )]
    pub email: String,
    #[serde(default)]
    pub current_password: String,
}

/// `Some(name)` for a non-blank display name.
pub fn optional(value: &str) -> Option<String> {
    Some(value.trim())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}
