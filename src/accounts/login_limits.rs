//! Limits on password sign-in that keep guessing slow without letting a stranger lock the owner
//! out (`rate_limit::LOGIN_*`):
//!
//! - per address: 30 attempts in 15 minutes, whatever the account;
//! - per account and address: 5 attempts in 15 minutes, cleared by a successful login;
//! - per account from all addresses: 30 attempts an hour, which a browser the account signed in
//!   on before skips. That browser holds a device cookie (encrypted with the instance key, valid
//!   for [`DEVICE_DAYS`] days) naming a keyed hash of the account's address. Signing in by
//!   e-mailed link is never held by these limits.
//!
//! The answers are the same whether an account exists or not.

use actix_web::{
    HttpRequest, HttpResponse,
    cookie::{Cookie, CookieJar, SameSite, time::Duration as CookieDuration},
};

use crate::{
    error::AppError,
    state::AppState,
    web::rate_limit::{self, Limit},
};

pub const DEVICE_COOKIE: &str = "teilhabe_device";
/// How long a browser stays recognised after a sign-in on it.
pub const DEVICE_DAYS: i64 = 180;

/// Why a login attempt may not go on, with the message to show.
pub struct Refused {
    pub limit: Limit,
    pub message_key: &'static str,
}

/// Counts the attempt against each limit in turn and stops at the first one it exceeds, so an
/// attempt refused for the address does not use up the account's allowance.
pub async fn admit(
    state: &AppState,
    req: &HttpRequest,
    email: &str,
    ip: &str,
) -> Result<Option<Refused>, AppError> {
    let now = state.clock.now().timestamp();
    let hit = |limit: Limit, subject: String| async move {
        rate_limit::hit(&state.db, &state.keys, limit, &subject, now).await
    };
    if !hit(rate_limit::LOGIN_PER_IP, ip.to_string()).await? {
        return Ok(Some(Refused {
            limit: rate_limit::LOGIN_PER_IP,
            message_key: "error-too-many-attempts",
        }));
    }
    if !hit(rate_limit::LOGIN_PER_ACCOUNT_AND_IP, pair(email, ip)).await? {
        return Ok(Some(Refused {
            limit: rate_limit::LOGIN_PER_ACCOUNT_AND_IP,
            message_key: "error-too-many-attempts",
        }));
    }
    if !recognised(state, req, email)
        && !hit(rate_limit::LOGIN_PER_ACCOUNT, email.to_string()).await?
    {
        return Ok(Some(Refused {
            limit: rate_limit::LOGIN_PER_ACCOUNT,
            message_key: "login-error-account-busy",
        }));
    }
    Ok(None)
}

/// After a successful login: this address's count for the account starts again.
pub async fn succeeded(state: &AppState, email: &str, ip: &str) -> Result<(), AppError> {
    rate_limit::clear(
        &state.db,
        &state.keys,
        rate_limit::LOGIN_PER_ACCOUNT_AND_IP,
        &pair(email, ip),
    )
    .await
}

fn pair(email: &str, ip: &str) -> String {
    format!("{email}\u{1f}{ip}")
}

/// Whether this browser holds a device cookie for `email` that is still valid.
fn recognised(state: &AppState, req: &HttpRequest, email: &str) -> bool {
    let Some(cookie) = req.cookie(DEVICE_COOKIE) else {
        return false;
    };
    let mut jar = CookieJar::new();
    jar.add_original(cookie);
    let Some(opened) = jar.private(&state.keys.cookie).get(DEVICE_COOKIE) else {
        return false;
    };
    let Some((account, issued)) = opened.value().split_once('.') else {
        return false;
    };
    let issued = issued.parse::<i64>().unwrap_or(i64::MIN);
    let now = state.clock.now().timestamp();
    account == device_account(state, email)
        && issued <= now
        && now - issued < DEVICE_DAYS * 24 * 60 * 60
}

fn device_account(state: &AppState, email: &str) -> String {
    state.keys.keyed_hash(&["login-device", email])
}

/// Marks this browser as one where `email` signed in: later password logins from it skip the
/// account-wide limit.
pub fn remember_device(
    state: &AppState,
    res: &mut HttpResponse,
    email: &str,
) -> Result<(), AppError> {
    let value = format!(
        "{}.{}",
        device_account(state, email),
        state.clock.now().timestamp()
    );
    let cookie = Cookie::build(DEVICE_COOKIE, value)
        .path("/account")
        .http_only(true)
        .secure(state.settings.secure_cookies())
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::days(DEVICE_DAYS))
        .finish();
    let mut jar = CookieJar::new();
    jar.private_mut(&state.keys.cookie).add(cookie);
    for cookie in jar.delta() {
        res.add_cookie(cookie)
            .map_err(|e| AppError::Internal(e.into()))?;
    }
    Ok(())
}
