//! The profile's list of signed-in sessions: which devices are signed in, since when, last active
//! when; one can be ended, or all but this one.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use uuid::Uuid;

use crate::{
    error::{AppError, AppResult},
    identity::sessions,
    web::context::{Ctx, FlashKind, see_other},
};

/// The profile's list of sessions and how long a session of this account lasts.
#[derive(Serialize)]
pub struct SessionsView {
    days: i64,
    idle_hours: i64,
    others: bool,
    rows: Vec<SessionRow>,
}

#[derive(Serialize)]
struct SessionRow {
    id: Uuid,
    device: String,
    since: String,
    last_seen: String,
    current: bool,
}

/// The account's sessions as the profile shows them (this browser's first), and how long a
/// session of this account lasts.
pub async fn session_rows(ctx: &Ctx) -> AppResult<SessionsView> {
    let user = ctx.require_user()?;
    let mut rows = sessions::list(&ctx.state.db, user.id).await?;
    rows.sort_by_key(|s| Some(s.id) != ctx.session_id);
    let settings = &ctx.state.settings;
    let idle = if user.is_staff() {
        settings.staff_session_idle
    } else {
        settings.session_idle
    };
    Ok(SessionsView {
        days: settings.session_max_age.num_days(),
        idle_hours: idle.num_hours(),
        others: rows.iter().any(|s| Some(s.id) != ctx.session_id),
        rows: rows
            .iter()
            .map(|s| SessionRow {
                id: s.id,
                device: sessions::describe(&s.device, ctx.lang),
                since: s.created_at.to_rfc3339(),
                last_seen: s.last_seen_at.to_rfc3339(),
                current: Some(s.id) == ctx.session_id,
            })
            .collect(),
    })
}

/// Ends one of the account's sessions (ending this one signs out here).
pub async fn end_one(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let id = id.into_inner();
    if Some(id) == ctx.session_id {
        ctx.sign_out().await?;
        return Ok(see_other("/"));
    }
    if !sessions::end(&ctx.state.db, user.id, id).await? {
        return Err(AppError::NotFound);
    }
    ctx.flash(FlashKind::Success, "sessions-ended-one")?;
    Ok(see_other("/account/profile#sessions"))
}

/// Ends every session of the account but this one.
pub async fn end_others(ctx: Ctx) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    sessions::end_others(&ctx.state.db, user.id, ctx.session_id).await?;
    ctx.flash(FlashKind::Success, "sessions-ended-others")?;
    Ok(see_other("/account/profile#sessions"))
}
