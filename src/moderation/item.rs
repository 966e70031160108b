//! One item of the queue as a moderator sees it: its text, flags, objections and the forms of
//! the actions that fit its state (`/manage/moderation/{id}`).

use actix_web::{HttpResponse, http::StatusCode, web};
use entity::{idea_boards, ideas};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use serde_json::json;
use uuid::Uuid;

use crate::{
    error::{AppError, AppResult},
    identity::CurrentUser,
    moderation::{
        decide::Action,
        flags,
        forms::{HideForm, RedactForm},
        model::{REASONS, Target, find_target},
        objections::objections_for,
        views::{marks, reasons_view, suspicious},
    },
    web::{context::Ctx, forms::FormErrors},
};

/// An idea or comment the signed-in moderator may act on; another municipality's answers 404.
pub(super) async fn moderated(ctx: &Ctx, id: Uuid) -> AppResult<(CurrentUser, Target)> {
    let user = ctx.require_user()?.clone();
    let target = find_target(&ctx.state.db, id)
        .await?
        .filter(|t| user.moderates(t.municipality_id()))
        .filter(|t| !matches!(t.status(), "unconfirmed" | "withdrawn"))
        .ok_or(AppError::NotFound)?;
    Ok((user, target))
}

pub(super) async fn item_page(
    ctx: &Ctx,
    target: &Target,
    hide: &HideForm,
    redact: &RedactForm,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let db = &ctx.state.db;
    let flags = flags::open_flags_of(db, &[target.id()]).await?;
    let objections = objections_for(db, target.id()).await?;
    let (title, body, precheck, board_id, idea_id) = match target {
        Target::Idea(i) => (
            i.title.clone(),
            i.body.clone(),
            i.precheck.clone(),
            i.board_id,
            i.id,
        ),
        Target::Comment(c) => {
            let idea = ideas::Entity::find_by_id(c.idea_id)
                .one(db)
                .await?
                .ok_or(AppError::NotFound)?;
            (
                idea.title,
                c.body.clone(),
                c.precheck.clone(),
                idea.board_id,
                idea.id,
            )
        }
    };
    let board = board_title(db, board_id).await?;
    let path = |what: &str| format!("/manage/moderation/{}/{what}", target.id());
    let allowed = |a: &Action| a.allowed_for(target);
    ctx.render_about(
        status,
        "moderation/item",
        "moderation-item-title",
        &format!("{}: {title}", ctx.t(&format!("moderation-kind-{}", target.kind()))),
        json!({
            "kind_label": ctx.t(&format!("moderation-kind-{}", target.kind())),
            "board": board,
            "idea_title": title,
            "idea_href": format!("/ideas/{board_id}/{idea_id}"),
            "body": body,
            "status_label": ctx.t(&format!("idea-state-{}", target.status())),
            "hidden_reason": target.hidden_reason().map(|r| ctx.t(&format!("moderation-reason-{r}"))),
            "marks": marks(ctx, &precheck),
            "flags": reasons_view(ctx, &flags, target.id()),
            "suspicious": suspicious(&flags, target.id()),
            "counting": flags.iter().filter(|f| f.reporter_kind.as_deref() == Some(flags::ReporterKind::Account.as_str())).count(),
            "threshold": flags::threshold(db, ctx.state.settings.flag_threshold, target).await?,
            "objections": objections.iter().map(|o| json!({
                "text": o.text, "created_at": o.created_at.to_rfc3339(), "open": o.status == "open",
            })).collect::<Vec<_>>(),
            "can_publish": allowed(&Action::Publish),
            "can_hide": allowed(&Action::Hide { reason: String::new(), note: String::new() }),
            "can_restore": allowed(&Action::Restore),
            "can_dismiss": (!flags.is_empty() || target.unreviewed_marks()) && allowed(&Action::Dismiss),
            "dismiss_label": if flags.is_empty() { "moderation-keep-button" } else { "moderation-dismiss-button" },
            "version": target.version(),
            "publish_action": path("publish"),
            "hide_action": path("hide"),
            "restore_action": path("restore"),
            "dismiss_action": path("dismiss"),
            "redact_action": path("redact"),
            "reasons": REASONS.iter().map(|r| json!({
                "value": r, "label": ctx.t(&format!("moderation-reason-{r}")), "checked": hide.reason == *r,
            })).collect::<Vec<_>>(),
            "values": { "note": hide.note, "names": redact.names },
            "errors": errors.view(ctx.lang),
        }),
    )
}

pub async fn item(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (_, target) = moderated(&ctx, *id).await?;
    item_page(
        &ctx,
        &target,
        &HideForm::default(),
        &RedactForm::default(),
        &FormErrors::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn board_title(db: &impl ConnectionTrait, board_id: Uuid) -> Result<String, DbErr> {
    Ok(idea_boards::Entity::find_by_id(board_id)
        .one(db)
        .await?
        .map(|b| b.title)
        .unwrap_or_default())
}
