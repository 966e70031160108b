//! Setting a password: by the reset or invitation link, or changing it when signed in. Either
//! way every other session ends.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use entity::users;
use sea_orm::ConnectionTrait;
use serde::Serialize;

use crate::{
    accounts::{
        forms::{ChangePasswordForm, NewPasswordForm},
        model::{email_of, mark_verified, store_password, verify_password},
        pages::{FormPage, NoValues, invalid_link},
        tokens::{TokenPurpose, consume_token, peek_token},
    },
    error::{AppError, AppResult},
    web::{
        context::{Ctx, FlashKind, see_other},
        forms::{CheckForm, FormErrors},
    },
};

/// Sets a new password through a reset or invitation link. Other sessions end.
pub async fn reset_password(
    db: &impl ConnectionTrait,
    token: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<Option<users::Model>, AppError> {
    let Some(found) = consume_token(db, token, TokenPurpose::Password, now).await? else {
        return Ok(None);
    };
    mark_verified(db, found.user_id, now).await?;
    Ok(Some(store_password(db, found.user_id, password).await?))
}

pub async fn reset_form(ctx: Ctx, token: web::Path<String>) -> AppResult<HttpResponse> {
    let valid = peek_token(
        &ctx.state.db,
        &token,
        TokenPurpose::Password,
        ctx.state.clock.now(),
    )
    .await?
    .is_some();
    if !valid {
        return invalid_link(&ctx);
    }
    reset_page(&token).empty(&ctx)
}

/// The reset form posts back to its own link.
#[derive(Serialize)]
struct ResetValues {
    action: String,
}

fn reset_page(token: &str) -> FormPage<'static, ResetValues> {
    FormPage {
        template: "accounts/reset",
        title_key: "reset-title",
        values: ResetValues {
            action: format!("/account/reset/{token}"),
        },
    }
}

pub async fn reset(
    mut ctx: Ctx,
    token: web::Path<String>,
    form: web::Form<NewPasswordForm>,
) -> AppResult<HttpResponse> {
    let now = ctx.state.clock.now();
    let Some(pending) = peek_token(&ctx.state.db, &token, TokenPurpose::Password, now).await?
    else {
        return invalid_link(&ctx);
    };
    let email = email_of(&ctx.state.db, pending.user_id)
        .await?
        .unwrap_or_default();
    if let Err(errors) = form.check(email.as_str()) {
        return reset_page(&token).invalid(&ctx, &errors);
    }
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let Some(user) = reset_password(&txn, &token, &form.password, now).await? else {
        return invalid_link(&ctx);
    };
    txn.commit().await?;
    ctx.sign_in(user.id, user.session_version).await?;
    ctx.flash(FlashKind::Success, "reset-done")?;
    Ok(see_other("/account/profile"))
}

pub async fn password_form(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    PASSWORD_PAGE.empty(&ctx)
}

const PASSWORD_PAGE: FormPage<'static, NoValues> = FormPage {
    template: "accounts/password",
    title_key: "password-title",
    values: NoValues {},
};

pub async fn change_password(
    mut ctx: Ctx,
    form: web::Form<ChangePasswordForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?.clone();
    let mut errors = FormErrors::new();
    if !verify_password(&ctx.state.db, user.id, &form.current_password).await? {
        errors.add("current_password", "error-current-password-wrong");
    }
    let checked = form.check(user.email.as_str());
    let password = match checked {
        Ok(password) if errors.is_empty() => password,
        Ok(_) => return PASSWORD_PAGE.invalid(&ctx, &errors),
        Err(more) => {
            errors.merge(more);
            return PASSWORD_PAGE.invalid(&ctx, &errors);
        }
    };
    // Other sessions end with the old password; this one continues with the new version.
    let updated = store_password(&ctx.state.db, user.id, &password).await?;
    ctx.sign_in(updated.id, updated.session_version).await?;
    ctx.flash(FlashKind::Success, "password-changed")?;
    Ok(see_other("/account/profile"))
}
