//! The outbox as admins see it: what waits, what went out, what failed, and "retry now".

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::{
    audit::service::{self as audit, Entry},
    error::{AppError, AppResult},
    notifications::service::{self, FAILED, QUEUED, SENT},
    web::{
        context::{Ctx, FlashKind, see_other},
        pagination::{PER_PAGE, PageQuery, PageView},
    },
};

const STATUSES: [&str; 3] = [QUEUED, SENT, FAILED];

#[derive(Deserialize)]
pub struct OutboxQuery {
    status: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

pub async fn outbox(ctx: Ctx, query: web::Query<OutboxQuery>) -> AppResult<HttpResponse> {
    let status = query.status.as_deref().filter(|s| STATUSES.contains(s));
    let counts = service::status_counts(&ctx.state.db).await?;
    let (mails, pages) = service::page(&ctx.state.db, status, query.page.index(), PER_PAGE).await?;
    let filters: Vec<_> = STATUSES
        .iter()
        .map(|s| {
            json!({
                "status": s,
                "label": ctx.t(&format!("outbox-status-{s}")),
                "count": counts.iter().find(|c| c.status == *s).map(|c| c.count).unwrap_or(0),
                "href": format!("/manage/outbox?status={s}"),
                "current": status == Some(*s),
            })
        })
        .collect();
    let rows: Vec<_> = mails
        .iter()
        .map(|m| {
            json!({
                "id": m.id,
                "recipient_domain": m.recipient_domain,
                "subject": m.subject,
                "status": m.status,
                "status_label": ctx.t(&format!("outbox-status-{}", m.status)),
                "attempts": m.attempts,
                "created_at": m.created_at.to_rfc3339(),
                "next_attempt_at": (m.status == QUEUED).then(|| m.next_attempt_at.to_rfc3339()),
                "sent_at": m.sent_at.map(|t| t.to_rfc3339()),
                "last_error": m.last_error,
                // Sent mails no longer hold their contents; failed ones do (encrypted).
                "can_retry": m.status != SENT && m.sealed.is_some(),
            })
        })
        .collect();
    let base = match status {
        Some(s) => format!("/manage/outbox?status={s}"),
        None => "/manage/outbox".to_string(),
    };
    ctx.render(
        "notifications/outbox",
        "outbox-title",
        json!({
            "filters": filters,
            "all_current": status.is_none(),
            "mails": rows,
            "pagination": PageView::new(query.page.index(), pages, &base),
        }),
    )
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
    txn.commit().await?;
    service::wake(&ctx.state);
    ctx.flash(FlashKind::Success, "outbox-retry-done")?;
    Ok(see_other("/manage/outbox"))
}
