//! Registration and the confirmation of the address by the mailed link.

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use entity::users;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::{
    accounts::{
        forms::RegisterForm,
        model::{find_by_email, mark_verified, normalize_email, user_lang},
        pages::{FormPage, NoValues, invalid_link, link_page, within},
        passwords,
        tokens::{TokenPurpose, VERIFY_TTL, consume_token, issue_token},
    },
    error::{AppError, AppResult},
    notifications::service::{self as notifications, Email},
    state::AppState,
    web::{
        context::{Ctx, see_other},
        forms::{CheckForm, FormErrors},
        i18n::Lang,
        rate_limit::{self},
    },
};

pub struct Registration<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub display_name: Option<&'a str>,
    pub lang: Lang,
}

/// Registers an account and queues the verification mail. An address that already has an account
/// gets a mail saying so instead; the caller answers both cases alike, so the form does not reveal
/// who has an account.
pub async fn register_account(
    db: &impl ConnectionTrait,
    state: &AppState,
    form: Registration<'_>,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let email = normalize_email(form.email);
    if let Some(existing) = find_by_email(db, &email).await? {
        notifications::enqueue(
            db,
            state,
            Email {
                to: &existing.email,
                lang: user_lang(&existing),
                kind: "account_exists",
                data: json!({
                    "login_url": state.settings.absolute_url("/account/login"),
                    "reset_url": state.settings.absolute_url("/account/reset"),
                }),
            },
        )
        .await?;
        return Ok(());
    }
    let user = users::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email.clone()),
        email_verified_at: Set(None),
        password_hash: Set(Some(passwords::hash_off_thread(form.password).await?)),
        display_name: Set(form.display_name.map(str::to_string)),
        language: Set(form.lang.code().into()),
        session_version: Set(1),
        created_at: Set(now),
        last_login_at: Set(None),
    }
    .insert(db)
    .await?;
    send_verification(db, state, &user).await
}

/// Queues a fresh verification link for `user`.
pub async fn send_verification(
    db: &impl ConnectionTrait,
    state: &AppState,
    user: &users::Model,
) -> Result<(), AppError> {
    let token = issue_token(
        db,
        user.id,
        TokenPurpose::Verify,
        VERIFY_TTL,
        None,
        state.clock.now(),
    )
    .await?;
    notifications::enqueue(
        db,
        state,
        Email {
            to: &user.email,
            lang: user_lang(user),
            kind: "verify",
            data: json!({ "url": state.settings.absolute_url(&format!("/account/verify/{token}")) }),
        },
    )
    .await
}

/// Confirms the address the token was sent to.
pub async fn verify_email(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let Some(found) = consume_token(db, token, TokenPurpose::Verify, now).await? else {
        return Ok(false);
    };
    mark_verified(db, found.user_id, now).await?;
    Ok(true)
}

/// What the registration form shows back (never the passwords).
#[derive(Serialize)]
struct RegisterValues<'a> {
    email: &'a str,
    display_name: &'a str,
}

fn register_page(values: RegisterValues<'_>) -> FormPage<'_, RegisterValues<'_>> {
    FormPage {
        template: "accounts/register",
        title_key: "register-title",
        values,
    }
}

pub async fn register_form(ctx: Ctx) -> AppResult<HttpResponse> {
    if ctx.user.is_some() {
        return Ok(see_other("/account/profile"));
    }
    register_page(RegisterValues {
        email: "",
        display_name: "",
    })
    .empty(&ctx)
}

pub async fn register(ctx: Ctx, form: web::Form<RegisterForm>) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let page = register_page(RegisterValues {
        email: &form.email,
        display_name: &form.display_name,
    });
    let display_name = match form.check(&()) {
        Ok(display_name) => display_name,
        Err(errors) => return page.invalid(&ctx, &errors),
    };
    let mut errors = FormErrors::new();
    if !within(&ctx, rate_limit::REGISTER_PER_IP, &ctx.client_ip()).await? {
        errors.add("email", "error-too-many-attempts");
        return page.render(&ctx, StatusCode::TOO_MANY_REQUESTS, &errors);
    }
    // A registration mails the address (a confirmation or "you already have an account"), so the
    // per-recipient limit applies too; over it, the answer stays the same and nothing is sent.
    let email = normalize_email(&form.email);
    if !within(&ctx, rate_limit::MAIL_LINK_PER_ACCOUNT, &email).await? {
        return Ok(see_other("/account/check-mail"));
    }
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    register_account(
        &txn,
        &ctx.state,
        Registration {
            email: &form.email,
            password: &form.password,
            display_name: display_name.as_deref(),
            lang: ctx.lang,
        },
    )
    .await?;
    txn.commit().await?;
    notifications::wake(&ctx.state);
    Ok(see_other("/account/check-mail"))
}

pub async fn check_mail(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.render("accounts/check_mail", "check-mail-title", NoValues {})
}

pub async fn verify_page(ctx: Ctx, token: web::Path<String>) -> AppResult<HttpResponse> {
    let action = format!("/account/verify/{token}");
    link_page(&ctx, &token, TokenPurpose::Verify, action, "verify").await
}

pub async fn verify(ctx: Ctx, token: web::Path<String>) -> AppResult<HttpResponse> {
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    if !verify_email(&txn, &token, ctx.state.clock.now()).await? {
        return invalid_link(&ctx);
    }
    ctx.commit_and_redirect(txn, "verify-done", "/account/login")
        .await
}
