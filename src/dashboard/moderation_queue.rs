//! `/manage/moderation`, the moderators' queue: the moderation slice's sections, and as one more
//! tab the survey free texts waiting for release. It counts across two slices (moderation and
//! surveys), so its route lives here, above both.

use actix_web::{HttpResponse, web};

use crate::{
    error::AppResult,
    moderation::{forms::QueueQuery, queue::render_queue},
    surveys::free_text::pending_free_text_count,
    web::context::Ctx,
};

pub async fn queue(ctx: Ctx, query: web::Query<QueueQuery>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let scope = user.moderated_municipalities();
    let free_texts = pending_free_text_count(&ctx.state.db, scope.as_deref()).await?;
    render_queue(&ctx, &query, scope.as_deref(), free_texts).await
}
