//! Expired links from mails (an idea's confirm, edit and withdraw links, the objection link of a
//! hidden post): a page that says so and lets the author ask for a new link by mail. The new link
//! goes only to the address the platform already has for the author, and only when the address
//! typed in is that one; the answer is the same either way, so the page reveals no address.
//! Requests count against the limits of other mailed links (per client address and per typed
//! address).

use actix_web::{HttpResponse, http::StatusCode, web};
use serde_json::json;
use uuid::Uuid;

use crate::{
    accounts::model::normalize_email,
    error::{AppError, AppResult},
    ideas::{
        links::{CONFIRM, EDIT, WITHDRAW, link_check, link_path},
        model::find_idea_by_id,
        views::{Notice, link_invalid},
    },
    moderation::{
        model::{self as moderation, Target},
        objections::{objection_check, objection_path},
    },
    notifications::service::{self as notifications, Email},
    web::{
        context::Ctx,
        forms::{CheckForm, FormErrors, HtmlForm},
        i18n::Lang,
        rate_limit::{self, Limit},
        signed_link::{self, Check, RenewForm, expired_page},
    },
};

async fn within(ctx: &Ctx, limit: Limit, subject: &str) -> AppResult<bool> {
    rate_limit::hit(
        &ctx.state.db,
        &ctx.state.keys,
        limit,
        subject,
        ctx.state.clock.now().timestamp(),
    )
    .await
}

/// Handles the form of [`expired_page`](signed_link::expired_page): mails `new_path` (a fresh link) to `author` (the
/// address and language the platform has for the author, if any) when the typed address is that
/// one, and answers alike in every case.
pub async fn request(
    ctx: &Ctx,
    action: &str,
    form: &RenewForm,
    author: Option<(String, Lang)>,
    new_path: &str,
) -> AppResult<HttpResponse> {
    let email = match form.check(&()) {
        Ok(email) => email,
        Err(errors) => {
            return expired_page(ctx, action, form, &errors, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    if !within(ctx, rate_limit::MAIL_LINK_PER_IP, &ctx.client_ip()).await? {
        let mut errors = FormErrors::new();
        errors.add("email", "error-too-many-attempts");
        return expired_page(ctx, action, form, &errors, StatusCode::TOO_MANY_REQUESTS);
    }
    let typed = normalize_email(&email);
    // Over the per-address limit the answer stays the same, and nothing is sent.
    if within(ctx, rate_limit::MAIL_LINK_PER_ACCOUNT, &typed).await?
        && let Some((to, lang)) = author.filter(|(to, _)| normalize_email(to) == typed)
    {
        let txn = crate::db::begin_write(&ctx.state.db).await?;
        notifications::enqueue(
            &txn,
            &ctx.state,
            Email {
                to: &to,
                lang,
                kind: "link_renewed",
                data: json!({
                    "url": ctx.state.settings.absolute_url(new_path),
                    "days": signed_link::LIFETIME_DAYS,
                }),
            },
        )
        .await?;
        txn.commit().await?;
        notifications::wake(&ctx.state);
    }
    ctx.render(
        "ideas/link_done",
        "link-renew-sent-title",
        Notice {
            heading: "link-renew-sent-title",
            text: "link-renew-sent-text",
            back_href: "/",
        },
    )
}

/// `POST /idea-links/{id}/{purpose}/{signature}/renew`: a new confirm, edit or withdraw link.
pub async fn renew_idea_link(
    ctx: Ctx,
    path: web::Path<(String, String, String)>,
    form: HtmlForm<RenewForm>,
) -> AppResult<HttpResponse> {
    let (id, purpose, signature) = path.into_inner();
    let purpose = [CONFIRM, WITHDRAW, EDIT]
        .into_iter()
        .find(|p| *p == purpose)
        .ok_or(AppError::NotFound)?;
    let Ok(id) = Uuid::parse_str(&id) else {
        return link_invalid(&ctx);
    };
    let now = ctx.state.clock.now();
    if link_check(&ctx.state.keys, purpose, id, &signature, now) == Check::Invalid {
        return link_invalid(&ctx);
    }
    let action = format!("/idea-links/{id}/{purpose}/{signature}/renew");
    let idea = find_idea_by_id(&ctx.state.db, id).await?;
    let author = match idea {
        Some(idea) => moderation::author_contact(&ctx.state.db, &Target::Idea(idea)).await?,
        None => None,
    };
    let new_path = link_path(&ctx.state.keys, purpose, id, now);
    request(&ctx, &action, &form.0, author, &new_path).await
}

/// `POST /objections/{id}/{signature}/renew`: a new link to object to a hidden post.
pub async fn renew_objection_link(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    form: HtmlForm<RenewForm>,
) -> AppResult<HttpResponse> {
    let (id, signature) = path.into_inner();
    let Ok(id) = Uuid::parse_str(&id) else {
        return link_invalid(&ctx);
    };
    let now = ctx.state.clock.now();
    if objection_check(&ctx.state.keys, id, &signature, now) == Check::Invalid {
        return link_invalid(&ctx);
    }
    let action = format!("/objections/{id}/{signature}/renew");
    let author = match moderation::find_target(&ctx.state.db, id).await? {
        Some(target) => moderation::author_contact(&ctx.state.db, &target).await?,
        None => None,
    };
    let new_path = objection_path(&ctx.state.keys, id, now);
    request(&ctx, &action, &form.0, author, &new_path).await
}
