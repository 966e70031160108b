//! Links by e-mail: "sign in by e-mail" (the magic link) and "forgot password" (the reset link),
//! asked for with an address and used from the mail.

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use entity::users;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde_json::json;

use crate::{
    accounts::{
        forms::EmailForm,
        login::record_login,
        login_limits,
        model::{find_by_email, mark_verified, normalize_email, user_lang},
        pages::{EmailValues, FormPage, invalid_link, link_page, within},
        tokens::{MAGIC_TTL, RESET_TTL, TokenPurpose, consume_token, issue_token},
    },
    error::{AppError, AppResult},
    notifications::service::{self as notifications, Email},
    state::AppState,
    web::{
        context::{Ctx, FlashKind, see_other},
        forms::{CheckForm, FormErrors},
        rate_limit::{self},
    },
};

/// Which link an e-mail form asks for.
#[derive(Clone, Copy)]
pub enum MailLink {
    Magic,
    Reset,
}

/// Queues a sign-in link or a password-reset link when the address has an account; nothing
/// happens otherwise (the caller answers alike).
pub async fn send_mail_link(
    db: &impl ConnectionTrait,
    state: &AppState,
    email: &str,
    link: MailLink,
) -> Result<(), AppError> {
    let Some(user) = find_by_email(db, email).await? else {
        return Ok(());
    };
    let now = state.clock.now();
    let (purpose, ttl, kind, path) = match link {
        MailLink::Magic => (TokenPurpose::Magic, MAGIC_TTL, "magic", "/account/magic"),
        MailLink::Reset => (TokenPurpose::Password, RESET_TTL, "reset", "/account/reset"),
    };
    let token = issue_token(db, user.id, purpose, ttl, None, now).await?;
    notifications::enqueue(
        db,
        state,
        Email {
            to: &user.email,
            lang: user_lang(&user),
            kind,
            data: json!({
                "url": state.settings.absolute_url(&format!("{path}/{token}")),
                "minutes": ttl.num_minutes(),
            }),
        },
    )
    .await
}

/// Signs in with a magic link: the person proved they read the mailbox, which also verifies it.
pub async fn use_magic_link(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<users::Model>, DbErr> {
    let Some(found) = consume_token(db, token, TokenPurpose::Magic, now).await? else {
        return Ok(None);
    };
    let Some(user) = users::Entity::find_by_id(found.user_id).one(db).await? else {
        return Ok(None);
    };
    if user.email_verified_at.is_none() {
        // Whoever registered this unconfirmed account may not own the mailbox: the password they
        // chose must not outlive the owner's first sign-in.
        users::Entity::update_many()
            .col_expr(users::Column::PasswordHash, Option::<String>::None.into())
            .col_expr(
                users::Column::SessionVersion,
                (user.session_version + 1).into(),
            )
            .filter(users::Column::Id.eq(user.id))
            .exec(db)
            .await?;
    }
    mark_verified(db, user.id, now).await?;
    users::Entity::find_by_id(user.id).one(db).await
}

/// The form that asks for an address, shared by "sign in by e-mail" and "forgot password".
fn mail_link_page(link: MailLink, email: &str) -> FormPage<'static, EmailValues<'_>> {
    let (template, title_key) = match link {
        MailLink::Magic => ("accounts/magic", "magic-request-title"),
        MailLink::Reset => ("accounts/reset_request", "reset-request-title"),
    };
    FormPage {
        template,
        title_key,
        values: EmailValues { email },
    }
}

pub async fn magic_form(ctx: Ctx) -> AppResult<HttpResponse> {
    mail_link_form(ctx, MailLink::Magic)
}

pub async fn reset_request_form(ctx: Ctx) -> AppResult<HttpResponse> {
    mail_link_form(ctx, MailLink::Reset)
}

fn mail_link_form(ctx: Ctx, link: MailLink) -> AppResult<HttpResponse> {
    mail_link_page(link, "").empty(&ctx)
}

pub async fn magic_request(ctx: Ctx, form: web::Form<EmailForm>) -> AppResult<HttpResponse> {
    mail_link_request(ctx, form.into_inner(), MailLink::Magic).await
}

pub async fn reset_request(ctx: Ctx, form: web::Form<EmailForm>) -> AppResult<HttpResponse> {
    mail_link_request(ctx, form.into_inner(), MailLink::Reset).await
}

async fn mail_link_request(ctx: Ctx, form: EmailForm, link: MailLink) -> AppResult<HttpResponse> {
    let page = mail_link_page(link, &form.email);
    if let Err(errors) = form.check(&()) {
        return page.invalid(&ctx, &errors);
    }
    if !within(&ctx, rate_limit::MAIL_LINK_PER_IP, &ctx.client_ip()).await? {
        let mut errors = FormErrors::new();
        errors.add("email", "error-too-many-attempts");
        return page.render(&ctx, StatusCode::TOO_MANY_REQUESTS, &errors);
    }
    // Over the per-address limit the answer is the same, so it does not reveal the account.
    let email = normalize_email(&form.email);
    if within(&ctx, rate_limit::MAIL_LINK_PER_ACCOUNT, &email).await? {
        let txn = crate::db::begin_write(&ctx.state.db).await?;
        send_mail_link(&txn, &ctx.state, &email, link).await?;
        txn.commit().await?;
        notifications::wake(&ctx.state);
    }
    Ok(see_other("/account/check-mail"))
}

pub async fn magic_page(ctx: Ctx, token: web::Path<String>) -> AppResult<HttpResponse> {
    let action = format!("/account/magic/{token}");
    link_page(&ctx, &token, TokenPurpose::Magic, action, "magic").await
}

pub async fn magic_login(mut ctx: Ctx, token: web::Path<String>) -> AppResult<HttpResponse> {
    let now = ctx.state.clock.now();
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let Some(user) = use_magic_link(&txn, &token, now).await? else {
        return invalid_link(&ctx);
    };
    record_login(&txn, user.id, now).await?;
    txn.commit().await?;
    ctx.sign_in(user.id, user.session_version).await?;
    ctx.flash(FlashKind::Success, "login-done")?;
    let mut res = see_other("/");
    login_limits::remember_device(&ctx.state, &mut res, &user.email)?;
    Ok(res)
}
