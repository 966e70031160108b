//! Account pages. Links from e-mails open a page with a button; only the button's POST uses the
//! token, so mail scanners that prefetch links do not use it up.

use actix_web::{HttpResponse, http::StatusCode, web};
use serde::Deserialize;
use serde_json::{Value, json};
use validator::Validate;

use crate::{
    accounts::{
        forms::{
            ChangeEmailForm, ChangePasswordForm, DeleteForm, EmailForm, LoginForm, NewPasswordForm,
            ProfileForm, RegisterForm, optional,
        },
        login_limits, passwords,
        service::{self, EmailChange, LoginOutcome, MailLink, Registration, TokenPurpose},
        session_handlers,
    },
    error::{AppError, AppResult},
    notifications::service as notifications,
    web::{
        context::{ChosenLanguage, Ctx, FlashKind, safe_next, see_other},
        forms::FormErrors,
        i18n::Lang,
        rate_limit::{self, Limit},
    },
};

/// Renders a form page again with its messages and what the person typed.
fn form_page(
    ctx: &Ctx,
    status: StatusCode,
    template: &str,
    title_key: &str,
    values: Value,
    errors: &FormErrors,
) -> AppResult<HttpResponse> {
    ctx.render_status(
        status,
        template,
        title_key,
        json!({ "values": values, "errors": errors.view(ctx.lang) }),
    )
}

fn empty_form(
    ctx: &Ctx,
    template: &str,
    title_key: &str,
    values: Value,
) -> AppResult<HttpResponse> {
    form_page(
        ctx,
        StatusCode::OK,
        template,
        title_key,
        values,
        &FormErrors::new(),
    )
}

/// Counts a hit against `limit` and says whether the request may go on.
async fn within(ctx: &Ctx, limit: Limit, subject: &str) -> AppResult<bool> {
    let now = ctx.state.clock.now().timestamp();
    rate_limit::hit(&ctx.state.db, &ctx.state.keys, limit, subject, now).await
}

fn check_new_password(errors: &mut FormErrors, password: &str, confirm: &str, email: &str) {
    if let Some(key) = passwords::check_new(password, email) {
        errors.add("password", key);
    } else if password != confirm {
        errors.add("password_confirm", "error-password-mismatch");
    }
}

// ---- registration and verification ----

pub async fn register_form(ctx: Ctx) -> AppResult<HttpResponse> {
    if ctx.user.is_some() {
        return Ok(see_other("/account/profile"));
    }
    empty_form(
        &ctx,
        "accounts/register",
        "register-title",
        json!({ "email": "", "display_name": "" }),
    )
}

pub async fn register(ctx: Ctx, form: web::Form<RegisterForm>) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let values = json!({ "email": form.email, "display_name": form.display_name });
    let mut errors = match form.validate() {
        Ok(()) => FormErrors::new(),
        Err(e) => FormErrors::from_validation(&e, &["email", "display_name"]),
    };
    check_new_password(
        &mut errors,
        &form.password,
        &form.password_confirm,
        &form.email,
    );
    if !errors.is_empty() {
        return form_page(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "accounts/register",
            "register-title",
            values,
            &errors,
        );
    }
    if !within(&ctx, rate_limit::REGISTER_PER_IP, &ctx.client_ip()).await? {
        errors.add("email", "error-too-many-attempts");
        return form_page(
            &ctx,
            StatusCode::TOO_MANY_REQUESTS,
            "accounts/register",
            "register-title",
            values,
            &errors,
        );
    }
    // A registration mails the address (a confirmation or "you already have an account"), so the
    // per-recipient limit applies too; over it, the answer stays the same and nothing is sent.
    let email = service::normalize_email(&form.email);
    if !within(&ctx, rate_limit::MAIL_LINK_PER_ACCOUNT, &email).await? {
        return Ok(see_other("/account/check-mail"));
    }
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    service::register(
        &txn,
        &ctx.state,
        Registration {
            email: &form.email,
            password: &form.password,
            display_name: optional(&form.display_name).as_deref(),
            lang: ctx.lang,
        },
    )
    .await?;
    txn.commit().await?;
    notifications::wake(&ctx.state);
    Ok(see_other("/account/check-mail"))
}

pub async fn check_mail(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.render("accounts/check_mail", "check-mail-title", json!({}))
}

/// The page behind an e-mailed link: a button that posts the token back, or "link no longer valid".
async fn link_page(
    ctx: &Ctx,
    token: &str,
    purpose: TokenPurpose,
    action: String,
    kind: &str,
) -> AppResult<HttpResponse> {
    let valid = service::peek_token(&ctx.state.db, token, purpose, ctx.state.clock.now())
        .await?
        .is_some();
    if !valid {
        return invalid_link(ctx);
    }
    ctx.render(
        "accounts/confirm_link",
        &format!("{kind}-title"),
        json!({
            "heading_key": format!("{kind}-title"),
            "text_key": format!("{kind}-text"),
            "button_key": format!("{kind}-button"),
            "action": action,
        }),
    )
}

fn invalid_link(ctx: &Ctx) -> AppResult<HttpResponse> {
    ctx.render_status(
        StatusCode::GONE,
        "accounts/link_invalid",
        "link-invalid-title",
        json!({}),
    )
}

pub async fn verify_page(ctx: Ctx, token: web::Path<String>) -> AppResult<HttpResponse> {
    let action = format!("/account/verify/{token}");
    link_page(&ctx, &token, TokenPurpose::Verify, action, "verify").await
}

pub async fn verify(ctx: Ctx, token: web::Path<String>) -> AppResult<HttpResponse> {
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    if !service::verify_email(&txn, &token, ctx.state.clock.now()).await? {
        return invalid_link(&ctx);
    }
    txn.commit().await?;
    ctx.flash(FlashKind::Success, "verify-done")?;
    Ok(see_other("/account/login"))
}

// ---- login, logout, magic link ----

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_form(ctx: Ctx, query: web::Query<NextQuery>) -> AppResult<HttpResponse> {
    let next = safe_next(query.next.as_deref());
    if ctx.user.is_some() {
        return Ok(see_other(&next));
    }
    empty_form(
        &ctx,
        "accounts/login",
        "login-title",
        json!({ "email": "", "next": next }),
    )
}

pub async fn login(mut ctx: Ctx, form: web::Form<LoginForm>) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let next = safe_next(form.next.as_deref());
    let values = json!({ "email": form.email, "next": next });
    let mut errors = FormErrors::new();
    let email = service::normalize_email(&form.email);
    let ip = ctx.client_ip();
    // Attempts count before the password is checked, so parallel guesses cannot all slip in
    // under the limits.
    if let Some(refused) = login_limits::admit(&ctx.state, ctx.request(), &email, &ip).await? {
        errors.add("email", refused.message_key);
        let mut res = form_page(
            &ctx,
            StatusCode::TOO_MANY_REQUESTS,
            "accounts/login",
            "login-title",
            values,
            &errors,
        )?;
        res.headers_mut().insert(
            actix_web::http::header::RETRY_AFTER,
            actix_web::http::header::HeaderValue::from(refused.limit.window_seconds),
        );
        return Ok(res);
    }
    match service::check_login(&ctx.state.db, &email, &form.password).await? {
        LoginOutcome::SignedIn(user) => {
            login_limits::succeeded(&ctx.state, &email, &ip).await?;
            service::record_login(&ctx.state.db, user.id, ctx.state.clock.now()).await?;
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
                service::send_verification(&txn, &ctx.state, &user).await?;
                txn.commit().await?;
                notifications::wake(&ctx.state);
            }
            errors.add("email", "login-error-unverified");
            form_page(
                &ctx,
                StatusCode::FORBIDDEN,
                "accounts/login",
                "login-title",
                values,
                &errors,
            )
        }
        LoginOutcome::WrongCredentials => {
            errors.add("email", "login-error-wrong");
            form_page(
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                "accounts/login",
                "login-title",
                values,
                &errors,
            )
        }
    }
}

/// Ends this browser's session (a copy of its cookie stops working too); sessions on other
/// devices go on and can be ended from the profile.
pub async fn logout(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.sign_out().await?;
    Ok(see_other("/"))
}

/// The form that asks for an address, shared by "sign in by e-mail" and "forgot password".
fn mail_link_template(link: MailLink) -> (&'static str, &'static str) {
    match link {
        MailLink::Magic => ("accounts/magic", "magic-request-title"),
        MailLink::Reset => ("accounts/reset_request", "reset-request-title"),
    }
}

pub async fn magic_form(ctx: Ctx) -> AppResult<HttpResponse> {
    mail_link_form(ctx, MailLink::Magic)
}

pub async fn reset_request_form(ctx: Ctx) -> AppResult<HttpResponse> {
    mail_link_form(ctx, MailLink::Reset)
}

fn mail_link_form(ctx: Ctx, link: MailLink) -> AppResult<HttpResponse> {
    let (template, title) = mail_link_template(link);
    empty_form(&ctx, template, title, json!({ "email": "" }))
}

pub async fn magic_request(ctx: Ctx, form: web::Form<EmailForm>) -> AppResult<HttpResponse> {
    mail_link_request(ctx, form.into_inner(), MailLink::Magic).await
}

pub async fn reset_request(ctx: Ctx, form: web::Form<EmailForm>) -> AppResult<HttpResponse> {
    mail_link_request(ctx, form.into_inner(), MailLink::Reset).await
}

async fn mail_link_request(ctx: Ctx, form: EmailForm, link: MailLink) -> AppResult<HttpResponse> {
    let (template, title) = mail_link_template(link);
    let values = json!({ "email": form.email });
    if let Err(e) = form.validate() {
        let errors = FormErrors::from_validation(&e, &["email"]);
        return form_page(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            template,
            title,
            values,
            &errors,
        );
    }
    if !within(&ctx, rate_limit::MAIL_LINK_PER_IP, &ctx.client_ip()).await? {
        let mut errors = FormErrors::new();
        errors.add("email", "error-too-many-attempts");
        return form_page(
            &ctx,
            StatusCode::TOO_MANY_REQUESTS,
            template,
            title,
            values,
            &errors,
        );
    }
    // Over the per-address limit the answer is the same, so it does not reveal the account.
    let email = service::normalize_email(&form.email);
    if within(&ctx, rate_limit::MAIL_LINK_PER_ACCOUNT, &email).await? {
        let txn = crate::db::begin_write(&ctx.state.db).await?;
        service::send_mail_link(&txn, &ctx.state, &email, link).await?;
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
    let Some(user) = service::use_magic_link(&txn, &token, now).await? else {
        return invalid_link(&ctx);
    };
    service::record_login(&txn, user.id, now).await?;
    txn.commit().await?;
    ctx.sign_in(user.id, user.session_version).await?;
    ctx.flash(FlashKind::Success, "login-done")?;
    let mut res = see_other("/");
    login_limits::remember_device(&ctx.state, &mut res, &user.email)?;
    Ok(res)
}

// ---- password reset (also how invited staff set their first password) ----

pub async fn reset_form(ctx: Ctx, token: web::Path<String>) -> AppResult<HttpResponse> {
    let valid = service::peek_token(
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
    empty_form(
        &ctx,
        "accounts/reset",
        "reset-title",
        json!({ "action": format!("/account/reset/{token}") }),
    )
}

pub async fn reset(
    mut ctx: Ctx,
    token: web::Path<String>,
    form: web::Form<NewPasswordForm>,
) -> AppResult<HttpResponse> {
    let now = ctx.state.clock.now();
    let Some(pending) =
        service::peek_token(&ctx.state.db, &token, TokenPurpose::Password, now).await?
    else {
        return invalid_link(&ctx);
    };
    let email = service::email_of(&ctx.state.db, pending.user_id)
        .await?
        .unwrap_or_default();
    let mut errors = FormErrors::new();
    check_new_password(&mut errors, &form.password, &form.password_confirm, &email);
    if !errors.is_empty() {
        let values = json!({ "action": format!("/account/reset/{token}") });
        return form_page(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "accounts/reset",
            "reset-title",
            values,
            &errors,
        );
    }
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let Some(user) = service::reset_password(&txn, &token, &form.password, now).await? else {
        return invalid_link(&ctx);
    };
    txn.commit().await?;
    ctx.sign_in(user.id, user.session_version).await?;
    ctx.flash(FlashKind::Success, "reset-done")?;
    Ok(see_other("/account/profile"))
}

// ---- profile, password, e-mail, deletion, data export (signed in) ----

fn profile_values(ctx: &Ctx, display_name: &str, language: &str) -> Value {
    let languages: Vec<Value> = Lang::ALL
        .iter()
        .map(|l| json!({ "code": l.code(), "name": ctx.t(&format!("language-name-{}", l.code())), "selected": l.code() == language }))
        .collect();
    json!({ "display_name": display_name, "languages": languages })
}

pub async fn profile_form(ctx: Ctx) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let values = profile_values(
        &ctx,
        user.display_name.as_deref().unwrap_or(""),
        user.language.code(),
    );
    let sessions = session_handlers::session_rows(&ctx).await?;
    ctx.render(
        "accounts/profile",
        "profile-title",
        json!({ "email": user.email, "values": values, "sessions": sessions, "errors": FormErrors::new().view(ctx.lang) }),
    )
}

pub async fn profile(ctx: Ctx, form: web::Form<ProfileForm>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let form = form.into_inner();
    let mut errors = match form.validate() {
        Ok(()) => FormErrors::new(),
        Err(e) => FormErrors::from_validation(&e, &["display_name"]),
    };
    let lang = Lang::parse(&form.language);
    if lang.is_none() {
        errors.add("language", "error-language-unknown");
    }
    let (Some(lang), true) = (lang, errors.is_empty()) else {
        let values = profile_values(&ctx, &form.display_name, &form.language);
        let sessions = session_handlers::session_rows(&ctx).await?;
        return ctx.render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            "accounts/profile",
            "profile-title",
            json!({ "email": user.email, "values": values, "sessions": sessions, "errors": errors.view(ctx.lang) }),
        );
    };
    service::update_profile(&ctx.state.db, user.id, optional(&form.display_name), lang).await?;
    ctx.flash(FlashKind::Success, "profile-saved")?;
    let mut res = see_other("/account/profile");
    res.extensions_mut().insert(ChosenLanguage(lang));
    Ok(res)
}

pub async fn password_form(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    empty_form(&ctx, "accounts/password", "password-title", json!({}))
}

pub async fn change_password(
    mut ctx: Ctx,
    form: web::Form<ChangePasswordForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?.clone();
    let mut errors = FormErrors::new();
    if !service::verify_password(&ctx.state.db, user.id, &form.current_password).await? {
        errors.add("current_password", "error-current-password-wrong");
    }
    check_new_password(
        &mut errors,
        &form.password,
        &form.password_confirm,
        &user.email,
    );
    if !errors.is_empty() {
        return form_page(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "accounts/password",
            "password-title",
            json!({}),
            &errors,
        );
    }
    // Other sessions end with the old password; this one continues with the new version.
    let updated = service::store_password(&ctx.state.db, user.id, &form.password).await?;
    ctx.sign_in(updated.id, updated.session_version).await?;
    ctx.flash(FlashKind::Success, "password-changed")?;
    Ok(see_other("/account/profile"))
}

pub async fn email_form(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    empty_form(
        &ctx,
        "accounts/email",
        "email-change-title",
        json!({ "email": "" }),
    )
}

pub async fn request_email_change(
    ctx: Ctx,
    form: web::Form<ChangeEmailForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let form = form.into_inner();
    let values = json!({ "email": form.email });
    let mut errors = match form.validate() {
        Ok(()) => FormErrors::new(),
        Err(e) => FormErrors::from_validation(&e, &["email"]),
    };
    if errors.is_empty() && service::normalize_email(&form.email) == user.email {
        errors.add("email", "error-email-unchanged");
    }
    if !service::verify_password(&ctx.state.db, user.id, &form.current_password).await? {
        errors.add("current_password", "error-current-password-wrong");
    }
    if !errors.is_empty() {
        return form_page(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "accounts/email",
            "email-change-title",
            values,
            &errors,
        );
    }
    if !within(&ctx, rate_limit::MAIL_LINK_PER_ACCOUNT, &user.email).await? {
        errors.add("email", "error-too-many-attempts");
        return form_page(
            &ctx,
            StatusCode::TOO_MANY_REQUESTS,
            "accounts/email",
            "email-change-title",
            values,
            &errors,
        );
    }
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    service::request_email_change(&txn, &ctx.state, user, &form.email).await?;
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
    let outcome = service::confirm_email_change(&txn, &token, ctx.state.clock.now()).await?;
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

pub async fn delete_form(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    empty_form(&ctx, "accounts/delete", "delete-title", json!({}))
}

pub async fn delete(ctx: Ctx, form: web::Form<DeleteForm>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    if !service::verify_password(&ctx.state.db, user.id, &form.current_password).await? {
        let mut errors = FormErrors::new();
        errors.add("current_password", "error-current-password-wrong");
        return form_page(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "accounts/delete",
            "delete-title",
            json!({}),
            &errors,
        );
    }
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    service::delete_account(&txn, &ctx.state.keys, user.id, ctx.state.clock.now()).await?;
    txn.commit().await?;
    ctx.sign_out().await?;
    Ok(see_other("/account/deleted"))
}

pub async fn deleted(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.render("accounts/deleted", "deleted-title", json!({}))
}

/// Everything stored about the account as a JSON download.
pub async fn data_export(ctx: Ctx) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let data = service::export_data(&ctx.state.db, &ctx.state.keys, user.id).await?;
    if data.is_null() {
        return Err(AppError::NotFound);
    }
    Ok(HttpResponse::Ok()
        .content_type("application/json; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"teilhabe-daten.json\"",
        ))
        .insert_header(("Cache-Control", "no-store"))
        .body(serde_json::to_string_pretty(&data).map_err(|e| AppError::Internal(e.into()))?))
}
