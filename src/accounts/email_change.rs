//! Changing the address: a link to the new address confirms it, the old one is told.

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use entity::users;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde_json::json;

use crate::{
    accounts::{
        forms::ChangeEmailForm,
        model::{find_by_email, normalize_email, verify_password},
        pages::{EmailValues, FormPage, invalid_link, link_page, within},
        tokens::{EMAIL_CHANGE_TTL, TokenPurpose, consume_token, issue_token},
    },
    error::{AppError, AppResult},
    identity::CurrentUser,
    notifications::service::{self as notifications, Email},
    state::AppState,
    web::{
        context::{Ctx, FlashKind, see_other},
        forms::CheckForm,
        rate_limit::{self},
    },
};

/// Sends a confirmation link to the new address; the account keeps its old address until the link
/// is used. The old address is told, so a hijacked session cannot move an account quietly.
pub async fn send_email_change_link(
    db: &impl ConnectionTrait,
    state: &AppState,
    user: &CurrentUser,
    new_email: &str,
) -> Result<(), AppError> {
    let new_email = normalize_email(new_email);
    let token = issue_token(
        db,
        user.id,
        TokenPurpose::EmailChange,
        EMAIL_CHANGE_TTL,
        Some(new_email.clone()),
        state.clock.now(),
    )
    .await?;
    notifications::enqueue(
        db,
        state,
        Email {
            to: &new_email,
            lang: user.language,
            kind: "email_change",
            data: json!({ "url": state.settings.absolute_url(&format!("/account/email/{token}")) }),
        },
    )
    .await?;
    notifications::enqueue(
        db,
        state,
        Email {
            to: &user.email,
            lang: user.language,
            kind: "email_change_notice",
            data: json!({ "new_email": new_email }),
        },
    )
    .await
}

pub enum EmailChange {
    Changed,
    InvalidToken,
    /// Someone registered the address after the link was sent.
    Taken,
}

pub async fn change_email(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<EmailChange, DbErr> {
    let Some(found) = consume_token(db, token, TokenPurpose::EmailChange, now).await? else {
        return Ok(EmailChange::InvalidToken);
    };
    let Some(new_email) = found.new_email else {
        return Ok(EmailChange::InvalidToken);
    };
    if find_by_email(db, &new_email).await?.is_some() {
        return Ok(EmailChange::Taken);
    }
    users::Entity::update_many()
        .col_expr(users::Column::Email, new_email.into())
        .col_expr(users::Column::EmailVerifiedAt, Some(now).into())
        .filter(users::Column::Id.eq(found.user_id))
        .exec(db)
        .await?;
    Ok(EmailChange::Changed)
}

pub async fn email_form(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    email_page("").empty(&ctx)
}

fn email_page(email: &str) -> FormPage<'static, EmailValues<'_>> {
    FormPage {
        template: "accounts/email",
        title_key: "email-change-title",
        values: EmailValues { email },
    }
}

pub async fn request_email_change(
    ctx: Ctx,
    form: web::Form<ChangeEmailForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let form = form.into_inner();
    let page = email_page(&form.email);
    let mut errors = form.check(&user.email).err().unwrap_or_default();
    if !verify_password(&ctx.state.db, user.id, &form.current_password).await? {
        errors.add("current_password", "error-current-password-wrong");
    }
    if !errors.is_empty() {
        return page.invalid(&ctx, &errors);
    }
    if !within(&ctx, rate_limit::MAIL_LINK_PER_ACCOUNT, &user.email).await? {
        errors.add("email", "error-too-many-attempts");
        return page.render(&ctx, StatusCode::TOO_MANY_REQUESTS, &errors);
    }
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    send_email_change_link(&txn, &ctx.state, user, &form.email).await?;
    txn.commit().await?;
    notifications::wake(&ctx.state);
    ctx.flash(FlashKind::Info, "email-change-sent")?;
    Ok(see_other("/account/profile"))
}

pub async fn email_confirm_page(ctx: Ctx, token: web::Path<String>) -> AppResult<HttpResponse> {
    let action = format!("/account/email/{token}");
    link_page(
        &ctx,
        &token,
        TokenPurpose::EmailChange,
        action,
        "email-confirm",
    )
    .await
}

pub async fn confirm_email_change(ctx: Ctx, token: web::Path<String>) -> AppResult<HttpResponse> {
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let outcome = change_email(&txn, &token, ctx.state.clock.now()).await?;
    txn.commit().await?;
    match outcome {
        EmailChange::Changed => {
            ctx.flash(FlashKind::Success, "email-confirm-done")?;
            Ok(see_other(if ctx.user.is_some() {
                "/account/profile"
            } else {
                "/account/login"
            }))
        }
        EmailChange::Taken => {
            ctx.flash(FlashKind::Error, "error-email-taken")?;
            Ok(see_other("/"))
        }
        EmailChange::InvalidToken => invalid_link(&ctx),
    }
}
