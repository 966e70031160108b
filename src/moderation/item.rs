//! One item of the queue as a moderator sees it: its text, flags, objections and the forms of
//! the actions that fit its state (`/manage/moderation/{id}`).

use actix_web::{HttpResponse, http::StatusCode, web};
use entity::{idea_boards, ideas};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::{
    error::{AppError, AppResult},
    identity::CurrentUser,
    moderation::{
        decide::Action,
        flags,
        forms::{HideForm, RedactForm},
        model::{ObjectionStatus, REASONS, Target, find_target},
        objections::objections_for,
        views::{FlagView, marks, reasons_view, suspicious},
    },
    web::{context::Ctx, forms::FormErrors},
};

/// An idea or comment the signed-in moderator may act on; another municipality's answers 404.
pub(super) async fn moderated(ctx: &Ctx, id: Uuid) -> AppResult<(CurrentUser, Target)> {
    let user = ctx.require_user()?.clone();
    let target = find_target(&ctx.state.db, id)
        .await?
        .filter(|t| user.moderates(t.municipality_id()))
        // An unconfirmed or withdrawn idea is not in moderation.
        .filter(|t| t.moderation_status().is_some())
        .ok_or(AppError::NotFound)?;
    Ok((user, target))
}

/// An item's page, with what was typed into its hide and redact forms.
pub(super) struct ItemPage<'a> {
    pub target: &'a Target,
    pub hide: &'a HideForm,
    pub redact: &'a RedactForm,
}

#[derive(Serialize)]
struct ItemView<'a> {
    kind_label: String,
    board: String,
    idea_title: String,
    idea_href: String,
    body: String,
    status_label: String,
    hidden_reason: Option<String>,
    marks: Vec<String>,
    flags: Vec<FlagView>,
    suspicious: bool,
    counting: usize,
    threshold: i64,
    objections: Vec<ObjectionRow>,
    can_publish: bool,
    can_hide: bool,
    can_restore: bool,
    can_dismiss: bool,
    dismiss_label: &'static str,
    version: i32,
    publish_action: String,
    hide_action: String,
    restore_action: String,
    dismiss_action: String,
    redact_action: String,
    reasons: Vec<ReasonOption>,
    values: ItemValues<'a>,
    errors: Value,
}

#[derive(Serialize)]
struct ObjectionRow {
    text: String,
    created_at: String,
    open: bool,
}

#[derive(Serialize)]
struct ReasonOption {
    value: &'static str,
    label: String,
    checked: bool,
}

#[derive(Serialize)]
struct ItemValues<'a> {
    note: &'a str,
    names: &'a str,
}

/// The idea an item belongs to (the item itself, or a comment's idea).
struct Context {
    title: String,
    body: String,
    precheck: String,
    board_id: Uuid,
    idea_id: Uuid,
}

async fn context_of(db: &impl ConnectionTrait, target: &Target) -> AppResult<Context> {
    Ok(match target {
        Target::Idea(i) => Context {
            title: i.title.clone(),
            body: i.body.clone(),
            precheck: i.precheck.clone(),
            board_id: i.board_id,
            idea_id: i.id,
        },
        Target::Comment(c) => {
            let idea = ideas::Entity::find_by_id(c.idea_id)
                .one(db)
                .await?
                .ok_or(AppError::NotFound)?;
            Context {
                title: idea.title,
                body: c.body.clone(),
                precheck: c.precheck.clone(),
                board_id: idea.board_id,
                idea_id: idea.id,
            }
        }
    })
}

impl ItemPage<'_> {
    pub(super) async fn render(
        &self,
        ctx: &Ctx,
        errors: &FormErrors,
        status: StatusCode,
    ) -> AppResult<HttpResponse> {
        let target = self.target;
        let db = &ctx.state.db;
        let flags = flags::open_flags_of(db, &[target.id()]).await?;
        let objections = objections_for(db, target.id()).await?;
        let item = context_of(db, target).await?;
        let path = |what: &str| format!("/manage/moderation/{}/{what}", target.id());
        let allowed = |a: &Action| a.allowed_for(target);
        let kind_label = ctx.t(&format!("moderation-kind-{}", target.kind()));
        let subject = format!("{kind_label}: {}", item.title);
        let hide = Action::Hide {
            reason: String::new(),
            note: String::new(),
        };
        let account = flags::ReporterKind::Account.as_str();
        let view = ItemView {
            kind_label,
            board: board_title(db, item.board_id).await?,
            idea_href: format!("/ideas/{}/{}", item.board_id, item.idea_id),
            idea_title: item.title,
            body: item.body,
            status_label: ctx.t(&format!("idea-state-{}", target.status())),
            hidden_reason: target
                .hidden_reason()
                .map(|r| ctx.t(&format!("moderation-reason-{r}"))),
            marks: marks(ctx, &item.precheck),
            flags: reasons_view(ctx, &flags, target.id()),
            suspicious: suspicious(&flags, target.id()),
            counting: flags
                .iter()
                .filter(|f| f.reporter_kind.as_deref() == Some(account))
                .count(),
            threshold: flags::threshold(db, ctx.state.settings.flag_threshold, target).await?,
            objections: objections
                .iter()
                .map(|o| ObjectionRow {
                    text: o.text.clone(),
                    created_at: o.created_at.to_rfc3339(),
                    open: ObjectionStatus::Open.is(&o.status),
                })
                .collect(),
            can_publish: allowed(&Action::Publish),
            can_hide: allowed(&hide),
            can_restore: allowed(&Action::Restore),
            can_dismiss: (!flags.is_empty() || target.unreviewed_marks())
                && allowed(&Action::Dismiss),
            dismiss_label: if flags.is_empty() {
                "moderation-keep-button"
            } else {
                "moderation-dismiss-button"
            },
            version: target.version(),
            publish_action: path("publish"),
            hide_action: path("hide"),
            restore_action: path("restore"),
            dismiss_action: path("dismiss"),
            redact_action: path("redact"),
            reasons: REASONS
                .iter()
                .map(|r| ReasonOption {
                    value: r,
                    label: ctx.t(&format!("moderation-reason-{r}")),
                    checked: self.hide.reason == *r,
                })
                .collect(),
            values: ItemValues {
                note: &self.hide.note,
                names: &self.redact.names,
            },
            errors: errors.view(ctx.lang),
        };
        ctx.render_about(
            status,
            "moderation/item",
            "moderation-item-title",
            &subject,
            view,
        )
    }
}

pub async fn item(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (_, target) = moderated(&ctx, *id).await?;
    ItemPage {
        target: &target,
        hide: &HideForm::default(),
        redact: &RedactForm::default(),
    }
    .render(&ctx, &FormErrors::new(), StatusCode::OK)
    .await
}

pub async fn board_title(db: &impl ConnectionTrait, board_id: Uuid) -> Result<String, DbErr> {
    Ok(idea_boards::Entity::find_by_id(board_id)
        .one(db)
        .await?
        .map(|b| b.title)
        .unwrap_or_default())
}
