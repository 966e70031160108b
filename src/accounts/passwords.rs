//! Password hashing with argon2id and the rules a new password must meet.

use std::sync::LazyLock;

use argon2::{
    Argon2,
    password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash},
};

pub const MIN_LENGTH: usize = 10;
pub const MAX_LENGTH: usize = 1024;

/// Compared against when an e-mail address is unknown, so the answer takes as long as for a
/// known one and does not tell which addresses have accounts.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash("not a real password at all").unwrap_or_default());

pub fn hash(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

pub fn verify(password: &str, stored: Option<&str>) -> bool {
    let Some(stored) = stored else {
        let _ = verify(password, Some(&DUMMY_HASH));
        return false;
    };
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// `hash` on the blocking pool: argon2 is deliberately slow and must not stall the request workers.
pub async fn hash_off_thread(password: &str) -> anyhow::Result<String> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || hash(&password)).await?
}

/// `verify` on the blocking pool.
pub async fn verify_off_thread(password: &str, stored: Option<&str>) -> bool {
    let (password, stored) = (password.to_string(), stored.map(str::to_string));
    tokio::task::spawn_blocking(move || verify(&password, stored.as_deref()))
        .await
        .unwrap_or(false)
}

/// The translation key of the first rule `password` breaks, if any.
pub fn check_new(password: &str, email: &str) -> Option<&'static str> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        Some("error-password-too-short")
    } else if length > MAX_LENGTH {
        Some("error-password-too-long")
    } else if password.trim().eq_ignore_ascii_case(email.trim()) {
        Some("error-password-is-email")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_is_argon2id_and_verifies_only_the_right_password() -> anyhow::Result<()> {
        let stored = hash("korrekt Pferd Batterie")?;
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("korrekt Pferd Batterie", Some(&stored)));
        assert!(!verify("korrekt pferd batterie", Some(&stored)));
        assert!(!verify("anything", None));
        Ok(())
    }

    #[test]
    fn new_passwords_must_be_long_and_not_the_email() {
        assert_eq!(
            check_new("kurz", "a@b.de"),
            Some("error-password-too-short")
        );
        assert_eq!(
            check_new("Anna@Example.org", "anna@example.org"),
            Some("error-password-is-email")
        );
        assert_eq!(check_new("ein langes Passwort", "a@b.de"), None);
    }
}
