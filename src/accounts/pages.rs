//! Pieces the account pages share: a form page with its messages and what was typed, the page
//! behind an e-mailed link (a button that posts the token back, so mail scanners that prefetch
//! links do not use it up), and the rate limits of mailed links.

use actix_web::{HttpResponse, http::StatusCode};
use serde::Serialize;
use serde_json::Value;

use crate::{
    accounts::tokens::{TokenPurpose, peek_token},
    error::AppResult,
    web::{
        context::Ctx,
        forms::FormErrors,
        rate_limit::{self, Limit},
    },
};

/// An account form page: its template, its title and what the person typed (`values`).
pub(super) struct FormPage<'a, V> {
    pub template: &'a str,
    pub title_key: &'a str,
    pub values: V,
}

#[derive(Serialize)]
struct FormView<'a, V> {
    values: &'a V,
    errors: Value,
}

impl<V: Serialize> FormPage<'_, V> {
    /// The page with `status`, its messages and what the person typed.
    pub fn render(
        &self,
        ctx: &Ctx,
        status: StatusCode,
        errors: &FormErrors,
    ) -> AppResult<HttpResponse> {
        ctx.render_status(
            status,
            self.template,
            self.title_key,
            self.view(ctx, errors),
        )
    }

    fn view(&self, ctx: &Ctx, errors: &FormErrors) -> FormView<'_, V> {
        FormView {
            values: &self.values,
            errors: errors.view(ctx.lang),
        }
    }

    /// The page as first shown, without messages.
    pub fn empty(&self, ctx: &Ctx) -> AppResult<HttpResponse> {
        self.render(ctx, StatusCode::OK, &FormErrors::new())
    }

    /// The form round-trip's "no": 422 with the messages.
    pub fn invalid(&self, ctx: &Ctx, errors: &FormErrors) -> AppResult<HttpResponse> {
        ctx.render_invalid(self.template, self.title_key, self.view(ctx, errors))
    }
}

/// The values of a form that shows nothing back (password fields only), and the view of a page
/// with nothing to show but its texts.
#[derive(Serialize)]
pub(super) struct NoValues {}

/// What an address-only form shows back.
#[derive(Serialize)]
pub(super) struct EmailValues<'a> {
    pub email: &'a str,
}

/// Counts a hit against `limit` and says whether the request may go on.
pub(super) async fn within(ctx: &Ctx, limit: Limit, subject: &str) -> AppResult<bool> {
    let now = ctx.state.clock.now().timestamp();
    rate_limit::hit(&ctx.state.db, &ctx.state.keys, limit, subject, now).await
}

#[derive(Serialize)]
struct LinkView {
    heading_key: String,
    text_key: String,
    button_key: String,
    action: String,
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
        LinkView {
            heading_key: format!("{kind}-title"),
            text_key: format!("{kind}-text"),
            button_key: format!("{kind}-button"),
            action,
        },
    )
}

pub(super) fn invalid_link(ctx: &Ctx) -> AppResult<HttpResponse> {
    ctx.render_status(
        StatusCode::GONE,
        "accounts/link_invalid",
        "link-invalid-title",
        NoValues {},
    )
}
