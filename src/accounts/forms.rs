//! The account forms. Validation messages are translation keys; passwords are never echoed back.

use serde::Deserialize;
use validator::Validate;

use crate::{
    accounts::passwords,
    web::{
        forms::{CheckForm, FormErrors},
        i18n::Lang,
    },
};

/// Adds the message for a new password that is too weak, or not typed the same twice.
fn check_new_password(errors: &mut FormErrors, password: &str, confirm: &str, email: &str) {
    if let Some(key) = passwords::check_new(password, email) {
        errors.add("password", key);
    } else if password != confirm {
        errors.add("password_confirm", "error-password-mismatch");
    }
}

/// Validator's messages for `fields`, or none.
fn validated(form: &impl Validate, fields: &[&str]) -> FormErrors {
    match form.validate() {
        Ok(()) => FormErrors::new(),
        Err(e) => FormErrors::from_validation(&e, fields),
    }
}

/// Ends a check: the input when nothing was wrong.
fn done<T>(errors: FormErrors, input: impl FnOnce() -> T) -> Result<T, FormErrors> {
    if errors.is_empty() {
        Ok(input())
    } else {
        Err(errors)
    }
}

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

impl CheckForm for RegisterForm {
    /// The display name to show, if one was given.
    type Input = Option<String>;
    type Rules = ();

    fn check(&self, _: &()) -> Result<Option<String>, FormErrors> {
        let mut errors = validated(self, &["email", "display_name"]);
        check_new_password(
            &mut errors,
            &self.password,
            &self.password_confirm,
            &self.email,
        );
        done(errors, || optional(&self.display_name))
    }
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

impl CheckForm for EmailForm {
    /// The address as typed (trimmed).
    type Input = String;
    type Rules = ();

    fn check(&self, _: &()) -> Result<String, FormErrors> {
        done(validated(self, &["email"]), || self.email.clone())
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct NewPasswordForm {
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_confirm: String,
}

impl CheckForm for NewPasswordForm {
    /// The new password.
    type Input = String;
    /// The account's address (a password may not contain it).
    type Rules = str;

    fn check(&self, email: &str) -> Result<String, FormErrors> {
        let mut errors = FormErrors::new();
        check_new_password(&mut errors, &self.password, &self.password_confirm, email);
        done(errors, || self.password.clone())
    }
}

#[derive(Debug, Default, Deserialize, Validate)]
pub struct ProfileForm {
    #[serde(default)]
    #[validate(length(max = 80, code = "error-display-name-too-long"))]
    pub display_name: String,
    #[serde(default)]
    pub language: String,
}

impl CheckForm for ProfileForm {
    /// The display name (if any) and the language.
    type Input = (Option<String>, Lang);
    type Rules = ();

    fn check(&self, _: &()) -> Result<(Option<String>, Lang), FormErrors> {
        let mut errors = validated(self, &["display_name"]);
        let lang = Lang::parse(&self.language);
        if lang.is_none() {
            errors.add("language", "error-language-unknown");
        }
        match (lang, errors.is_empty()) {
            (Some(lang), true) => Ok((optional(&self.display_name), lang)),
            _ => Err(errors),
        }
    }
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

impl CheckForm for ChangePasswordForm {
    /// The new password. The current one is checked afterwards, against the database.
    type Input = String;
    /// The account's address (a password may not contain it).
    type Rules = str;

    fn check(&self, email: &str) -> Result<String, FormErrors> {
        let mut errors = FormErrors::new();
        check_new_password(&mut errors, &self.password, &self.password_confirm, email);
        done(errors, || self.password.clone())
    }
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

impl CheckForm for ChangeEmailForm {
    /// The new address as typed (trimmed). The current password is checked afterwards.
    type Input = String;
    /// The account's current address (the new one must differ).
    type Rules = str;

    fn check(&self, current: &str) -> Result<String, FormErrors> {
        let mut errors = validated(self, &["email"]);
        if errors.is_empty() && super::model::normalize_email(&self.email) == current {
            errors.add("email", "error-email-unchanged");
        }
        done(errors, || self.email.clone())
    }
}

/// `Some(name)` for a non-blank display name.
pub fn optional(value: &str) -> Option<String> {
    Some(value.trim())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}
