//! Pieces the account pages share: a form page with its messages and what was typed, the page
//! behind an e-mailed link (a button that posts the token back, so mail scanners that prefetch
//! links do not use it up), and the rate limits of mailed links.

use actix_web::{HttpResponse, http::StatusCode};
use serde_json::{Value, json};

use crate::{
    accounts::tokens::{TokenPurpose, peek_token},
    error::AppResult,
    web::{
        context::Ctx,
        forms::FormErrors,
        rate_limit::{self, Limit},
    },
};

/// Renders a form page again with its messages and what the person typed.
pub(super) fn form_page(
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

pub(super) fn empty_form(
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
pub(super) async fn within(ctx: &Ctx, limit: Limit, subject: &str) -> AppResult<bool> {
    let now = ctx.state.clock.now().timestamp();
    rate_limit::hit(&ctx.state.db, &ctx.state.keys, limit, subject, now).await
}

/// The page behind an e-mailed link: a button that posts the token back, or "link no longer valid".
pub(super) async fn link_page(
    ctx: &Ctx,
    token: &str,
    purpose: TokenPurpose,
    action: String,
    kind: &str,
) -> AppResult<HttpResponse> {
    let valid = peek_token(&ctx.state.db, token, purpose, ctx.state.clock.now())
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

pub(super) fn invalid_link(ctx: &Ctx) -> AppResult<HttpResponse> {
    ctx.render_status(
        StatusCode::GONE,
        "accounts/link_invalid",
        "link-invalid-title",
        json!({}),
    )
}
