//! Signing in with address and password (within the login limits) and signing out.

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use entity::users;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    accounts::{
        forms::LoginForm,
        login_limits,
        model::{find_by_email, normalize_email},
        pages::{FormPage, within},
        passwords,
        signup::send_verification,
    },
    error::AppResult,
    notifications::service::{self as notifications},
    web::{
        context::{ChosenLanguage, Ctx, FlashKind, safe_next, see_other},
        forms::FormErrors,
        i18n::Lang,
        rate_limit::{self},
    },
};

pub enum LoginOutcome {
    SignedIn(users::Model),
    WrongCredentials,
    /// Right password, but the address was never confirmed.
    Unverified(users::Model),
}

pub async fn check_login(
    db: &impl ConnectionTrait,
    email: &str,
    password: &str,
) -> Result<LoginOutcome, DbErr> {
    let user = find_by_email(db, email).await?;
    let ok = passwords::verify_off_thread(
        password,
        user.as_ref().and_then(|u| u.password_hash.as_deref()),
    )
    .await;
    Ok(match user {
        Some(user) if ok && user.email_verified_at.is_none() => LoginOutcome::Unverified(user),
        Some(user) if ok => LoginOutcome::SignedIn(user),
        _ => LoginOutcome::WrongCredentials,
    })
}

pub async fn record_login(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    users::Entity::update_many()
        .col_expr(users::Column::LastLoginAt, Some(now).into())
        .filter(users::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_form(ctx: Ctx, query: web::Query<NextQuery>) -> AppResult<HttpResponse> {
    let next = safe_next(query.next.as_deref());
    if ctx.user.is_some() {
        return Ok(see_other(&next));
    }
    login_page("", &next).empty(&ctx)
}

/// What the sign-in form shows back (never the password), and where to go after it.
#[derive(Serialize)]
struct LoginValues<'a> {
    email: &'a str,
    next: &'a str,
}

fn login_page<'a>(email: &'a str, next: &'a str) -> FormPage<'static, LoginValues<'a>> {
    FormPage {
        template: "accounts/login",
        title_key: "login-title",
        values: LoginValues { email, next },
    }
}

pub async fn login(mut ctx: Ctx, form: web::Form<LoginForm>) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let next = safe_next(form.next.as_deref());
    let page = login_page(&form.email, &next);
    let mut errors = FormErrors::new();
    let email = normalize_email(&form.email);
    let ip = ctx.client_ip();
    // Attempts count before the password is checked, so parallel guesses cannot all slip in
    // under the limits.
    if let Some(refused) = login_limits::admit(&ctx.state, ctx.request(), &email, &ip).await? {
        errors.add("email", refused.message_key);
        let mut res = page.render(&ctx, StatusCode::TOO_MANY_REQUESTS, &errors)?;
        res.headers_mut().insert(
            actix_web::http::header::RETRY_AFTER,
            actix_web::http::header::HeaderValue::from(refused.limit.window_seconds),
        );
        return Ok(res);
    }
    match check_login(&ctx.state.db, &email, &form.password).await? {
        LoginOutcome::SignedIn(user) => {
            login_limits::succeeded(&ctx.state, &email, &ip).await?;
            record_login(&ctx.state.db, user.id, ctx.state.clock.now()).await?;
            ctx.sign_in(user.id, user.session_version).await?;
            let mut res = see_other(&next);
            login_limits::remember_device(&ctx.state, &mut res, &email)?;
            if let Some(lang) = Lang::parse(&user.language) {
                ctx.lang = lang;
                res.extensions_mut().insert(ChosenLanguage(lang));
            }
            ctx.flash(FlashKind::Success, "login-done")?;
            Ok(res)
        }
        LoginOutcome::Unverified(user) => {
            if within(&ctx, rate_limit::MAIL_LINK_PER_ACCOUNT, &email).await? {
                let txn = crate::db::begin_write(&ctx.state.db).await?;
                send_verification(&txn, &ctx.state, &user).await?;
                txn.commit().await?;
                notifications::wake(&ctx.state);
            }
            errors.add("email", "login-error-unverified");
            page.render(&ctx, StatusCode::FORBIDDEN, &errors)
        }
        LoginOutcome::WrongCredentials => {
            errors.add("email", "login-error-wrong");
            page.invalid(&ctx, &errors)
        }
    }
}

/// Ends this browser's session (a copy of its cookie stops working too); sessions on other
/// devices go on and can be ended from the profile.
pub async fn logout(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.sign_out().await?;
    Ok(see_other("/"))
}
