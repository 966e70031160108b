//! Signed links that expire, for links mailed to people without a login (an idea's edit, withdraw
//! and confirm links, the objection link of a hidden post). Nothing is stored: the link carries its
//! expiry, and a keyed hash of what it is for and of that expiry, as `{expires}-{hash}` with
//! `expires` in Unix seconds. Links signed before expiry existed (only the hash) count as expired,
//! so their owners can ask for a new one: [`expired_page`] says so and offers the form.

use actix_web::{HttpResponse, http::StatusCode};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use validator::Validate;

use crate::{
    error::AppResult,
    secrets::Keys,
    web::{
        context::Ctx,
        forms::{CheckForm, FormErrors},
    },
};

/// How long a mailed link works.
pub const LIFETIME_DAYS: i64 = 30;

/// What a link is worth at a given instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    Valid,
    /// Signed by this instance, but too old: its owner may ask for a new one.
    Expired,
    /// Not signed by this instance (or for something else).
    Invalid,
}

/// The signature of a link for `parts`, valid for `LIFETIME_DAYS` from `now`.
pub fn sign(keys: &Keys, parts: &[&str], now: DateTime<Utc>) -> String {
    let expires = (now + Duration::days(LIFETIME_DAYS)).timestamp();
    format!("{expires}-{}", hash(keys, parts, Some(expires)))
}

/// Checks `given` against `parts` at `now`.
pub fn check(keys: &Keys, parts: &[&str], given: &str, now: DateTime<Utc>) -> Check {
    match given.split_once('-') {
        Some((expires, mac)) => {
            let Ok(expires) = expires.parse::<i64>() else {
                return Check::Invalid;
            };
            if !same(&hash(keys, parts, Some(expires)), mac) {
                Check::Invalid
            } else if now.timestamp() < expires {
                Check::Valid
            } else {
                Check::Expired
            }
        }
        // A link from before links expired.
        None if same(&hash(keys, parts, None), given) => Check::Expired,
        None => Check::Invalid,
    }
}

fn hash(keys: &Keys, parts: &[&str], expires: Option<i64>) -> String {
    match expires {
        Some(expires) => {
            let expires = expires.to_string();
            let mut all = parts.to_vec();
            all.push(&expires);
            keys.keyed_hash(&all)
        }
        None => keys.keyed_hash(parts),
    }
}

fn same(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

// ---- the page behind an expired link ----

/// The address the author types to get a new link.
#[derive(Debug, Default, Deserialize, Serialize, Validate)]
pub struct RenewForm {
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    #[validate(
        email(code = "error-email-invalid"),
        length(max = 254, code = "error-email-invalid")
    )]
    pub email: String,
}

impl CheckForm for RenewForm {
    /// The address as typed (trimmed).
    type Input = String;
    type Rules = ();

    fn check(&self, _: &()) -> Result<String, FormErrors> {
        match self.validate() {
            Ok(()) => Ok(self.email.clone()),
            Err(e) => Err(FormErrors::from_validation(&e, &["email"])),
        }
    }
}

#[derive(Serialize)]
struct ExpiredPage<'a> {
    /// Where the form posts.
    action: &'a str,
    days: i64,
    values: &'a RenewForm,
    errors: serde_json::Value,
}

/// The page behind an expired link (410 Gone): what happened, and the form to ask for a new
/// link, which posts to `action`.
pub fn expired_page(
    ctx: &Ctx,
    action: &str,
    form: &RenewForm,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    ctx.render_status(
        status,
        "ideas/link_expired",
        "link-expired-title",
        ExpiredPage {
            action,
            days: LIFETIME_DAYS,
            values: form,
            errors: errors.view(ctx.lang),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_works_for_its_lifetime_and_only_for_what_it_was_signed_for() {
        let keys = Keys::from_secret(b"a test secret that is long enough for the keys");
        let now = DateTime::parse_from_rfc3339("2027-03-27T22:30:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        let sig = sign(&keys, &["idea-link", "edit", "1"], now);
        let at = |days: i64| now + Duration::days(days);
        assert_eq!(
            check(&keys, &["idea-link", "edit", "1"], &sig, at(29)),
            Check::Valid
        );
        assert_eq!(
            check(&keys, &["idea-link", "edit", "1"], &sig, at(LIFETIME_DAYS)),
            Check::Expired
        );
        assert_eq!(
            check(&keys, &["idea-link", "edit", "2"], &sig, now),
            Check::Invalid
        );
        // A changed expiry breaks the signature.
        let (_, mac) = sig.split_once('-').unwrap_or_default();
        let forged = format!("{}-{mac}", at(400).timestamp());
        assert_eq!(
            check(&keys, &["idea-link", "edit", "1"], &forged, now),
            Check::Invalid
        );
        // Links from before expiry existed are expired, not invalid.
        let old = keys.keyed_hash(&["idea-link", "edit", "1"]);
        assert_eq!(
            check(&keys, &["idea-link", "edit", "1"], &old, now),
            Check::Expired
        );
        assert_eq!(
            check(&keys, &["idea-link", "edit", "1"], "x-y", now),
            Check::Invalid
        );
    }
}
