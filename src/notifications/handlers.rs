//! The outbox as admins see it: what waits, what went out, what failed, and "retry now".

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::{
    audit::service::{self as audit, Entry},
    error::{AppError, AppResult},
    notifications::service::{self, MailStatus},
    web::{
        context::Ctx,
        pagination::{PER_PAGE, PageQuery, PageView},
    },
};

#[derive(Deserialize)]
pub struct OutboxQuery {
    status: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

#[derive(Serialize)]
struct OutboxView {
    filters: Vec<Filter>,
    all_current: bool,
    mails: Vec<MailRow>,
    pagination: PageView,
}

/// A status to filter by, with how many mails have it.
#[derive(Serialize)]
struct Filter {
    status: &'static str,
    label: String,
    count: i64,
    href: String,
    current: bool,
}

#[derive(Serialize)]
struct MailRow {
    id: Uuid,
    recipient_domain: String,
    subject: String,
    status: String,
    status_label: String,
    attempts: i32,
    created_at: String,
    next_attempt_at: Option<String>,
    sent_at: Option<String>,
    last_error: Option<String>,
    can_retry: bool,
}

pub async fn outbox(ctx: Ctx, query: web::Query<OutboxQuery>) -> AppResult<HttpResponse> {
    let status = query.status.as_deref().and_then(MailStatus::parse);
    let counts = service::status_counts(&ctx.state.db).await?;
    let (mails, pages) = service::page(&ctx.state.db, status, query.page.index(), PER_PAGE).await?;
    let filters = MailStatus::ALL
        .into_iter()
        .map(|s| Filter {
            status: s.as_str(),
            label: ctx.t(&format!("outbox-status-{}", s.as_str())),
            count: counts
                .iter()
                .find(|c| s.is(&c.status))
                .map(|c| c.count)
                .unwrap_or(0),
            href: format!("/manage/outbox?status={}", s.as_str()),
            current: status == Some(s),
        })
        .collect();
    let rows = mails
        .iter()
        .map(|m| MailRow {
            id: m.id,
            recipient_domain: m.recipient_domain.clone(),
            subject: m.subject.clone(),
            status: m.status.clone(),
            status_label: ctx.t(&format!("outbox-status-{}", m.status)),
            attempts: m.attempts,
            created_at: m.created_at.to_rfc3339(),
            next_attempt_at: MailStatus::Queued
                .is(&m.status)
                .then(|| m.next_attempt_at.to_rfc3339()),
            sent_at: m.sent_at.map(|t| t.to_rfc3339()),
            last_error: m.last_error.clone(),
            // Sent mails no longer hold their contents; failed ones do (encrypted).
            can_retry: !MailStatus::Sent.is(&m.status) && m.sealed.is_some(),
        })
        .collect();
    let base = match status {
        Some(s) => format!("/manage/outbox?status={}", s.as_str()),
        None => "/manage/outbox".to_string(),
    };
    let view = OutboxView {
        filters,
        all_current: status.is_none(),
        mails: rows,
        pagination: PageView::new(query.page.index(), pages, &base),
    };
    ctx.render("notifications/outbox", "outbox-title", view)
}

pub async fn retry(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let admin = ctx.require_user()?;
    let now = ctx.state.clock.now();
    let id = id.into_inner();
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    if !service::retry_now(&txn, id, now).await? {
        return Err(AppError::NotFound);
    }
    audit::record(
        &txn,
        now,
        Entry {
            actor_id: Some(admin.id),
            municipality_id: None,
            action: "mail.retry",
            target_type: "mail",
            target_id: Some(id.to_string()),
            summary: json!({}),
        },
    )
    .await?;
    let res = ctx
        .commit_and_redirect(txn, "outbox-retry-done", "/manage/outbox")
        .await?;
    service::wake(&ctx.state);
    Ok(res)
}
