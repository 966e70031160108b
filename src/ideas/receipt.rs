//! Receipt codes: looking up what became of an idea without logging in, and withdrawing an idea
//! posted with the code only.

use actix_web::{HttpResponse, http::StatusCode, web};
use entity::ideas;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{
    error::{AppError, AppResult},
    moderation::model as moderation,
    web::{
        context::{Ctx, FlashKind, see_other},
        forms::FormErrors,
        rate_limit,
    },
};

use super::edit::withdraw_idea;
use super::model::{Status, find_by_receipt, normalize_code};
use super::views::{LinkAction, StatusView, hidden_text, idea_href, status_view};

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct ReceiptQuery {
    #[serde(default)]
    pub code: String,
}

/// Counts one use of a receipt code against the address's limit (lookups and withdrawals alike),
/// so codes cannot be guessed.
async fn receipt_hit(ctx: &Ctx) -> AppResult<()> {
    let now = ctx.state.clock.now().timestamp();
    if !rate_limit::hit(
        &ctx.state.db,
        &ctx.state.keys,
        rate_limit::RECEIPT_PER_IP,
        &ctx.client_ip(),
        now,
    )
    .await?
    {
        return Err(rate_limit::too_many(rate_limit::RECEIPT_PER_IP));
    }
    Ok(())
}

/// `/receipt`: the form, and with `?code=` what became of that idea. No login needed.
pub async fn receipt(ctx: Ctx, query: web::Query<ReceiptQuery>) -> AppResult<HttpResponse> {
    let code = normalize_code(&query.code);
    let mut found = None;
    let mut errors = FormErrors::new();
    let mut status = StatusCode::OK;
    if !query.code.trim().is_empty() {
        let db = &ctx.state.db;
        receipt_hit(&ctx).await?;
        match find_by_receipt(db, &code).await? {
            Some(idea) => {
                let hidden = moderation::Status::Hidden.is(&idea.status);
                let withdrawn = Status::Withdrawn.is(&idea.status);
                found = Some(Found {
                    code_only: idea.code_only && !withdrawn,
                    withdraw_href: (idea.code_only && !withdrawn)
                        .then(|| format!("/receipt/withdraw?code={}", idea.receipt_code)),
                    title: if withdrawn {
                        ctx.t("receipt-withdrawn")
                    } else {
                        idea.title.clone()
                    },
                    href: idea.listed.then(|| idea_href(&idea)),
                    status: status_view(&ctx, &idea),
                    hidden,
                    placeholder: if hidden {
                        hidden_text(&ctx, idea.hidden_reason.as_deref())
                    } else {
                        String::new()
                    },
                    answer: idea.official_answer.clone().unwrap_or_default(),
                    created_at: idea.created_at.to_rfc3339(),
                });
            }
            None => {
                errors.add("code", "receipt-error-unknown");
                status = StatusCode::NOT_FOUND;
            }
        }
    }
    // A found idea names the page, so each receipt has a title of its own.
    let subject = found.as_ref().map(|f| f.title.clone());
    let page = ReceiptView {
        code,
        found,
        values: &query,
        errors: errors.view(ctx.lang),
    };
    match subject {
        Some(subject) => ctx.render_about(status, "ideas/receipt", "receipt-title", &subject, page),
        None => ctx.render_status(status, "ideas/receipt", "receipt-title", page),
    }
}

#[derive(Serialize)]
struct ReceiptView<'a> {
    code: String,
    found: Option<Found>,
    values: &'a ReceiptQuery,
    errors: Value,
}

/// What became of the idea of the code.
#[derive(Serialize)]
struct Found {
    code_only: bool,
    withdraw_href: Option<String>,
    title: String,
    href: Option<String>,
    status: StatusView,
    hidden: bool,
    placeholder: String,
    answer: String,
    created_at: String,
}

/// An idea posted with the code only, found by its code; other ideas are withdrawn through their
/// author's account or the mailed link, never by the code alone.
async fn code_only_idea(ctx: &Ctx, raw: &str) -> AppResult<ideas::Model> {
    receipt_hit(ctx).await?;
    find_by_receipt(&ctx.state.db, &normalize_code(raw))
        .await?
        .filter(|i| i.code_only && !Status::Withdrawn.is(&i.status))
        .ok_or(AppError::NotFound)
}

/// `GET /receipt/withdraw?code=`: asks before an idea posted with the code only is withdrawn.
pub async fn receipt_withdraw_form(
    ctx: Ctx,
    query: web::Query<ReceiptQuery>,
) -> AppResult<HttpResponse> {
    let idea = code_only_idea(&ctx, &query.code).await?;
    ctx.render(
        "ideas/link_action",
        "idea-withdraw-title",
        LinkAction {
            heading: "idea-withdraw-title".into(),
            text: "idea-withdraw-code-text".into(),
            button: "idea-withdraw-button".into(),
            title: &idea.title,
            action: "/receipt/withdraw",
            code: Some(&idea.receipt_code),
            back_href: Some(format!("/receipt?code={}", idea.receipt_code)),
        },
    )
}

/// `POST /receipt/withdraw`: the code withdraws the idea it belongs to, if it was posted with the
/// code only.
pub async fn receipt_withdraw(ctx: Ctx, form: web::Form<ReceiptQuery>) -> AppResult<HttpResponse> {
    let idea = code_only_idea(&ctx, &form.code).await?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    withdraw_idea(&txn, &idea, ctx.state.clock.now()).await?;
    txn.commit().await?;
    tracing::info!(idea = %idea.id, "idea withdrawn by its receipt code");
    ctx.flash(FlashKind::Success, "idea-withdrawn")?;
    Ok(see_other(&format!("/receipt?code={}", idea.receipt_code)))
}
