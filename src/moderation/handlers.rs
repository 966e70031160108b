//! Pages of moderation: the queue, one item with its actions, and the authors' objection page.

use actix_web::{HttpResponse, http::StatusCode, web};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    accounts::service::CurrentUser,
    error::{AppError, AppResult},
    ideas::link_renewal::{self, RenewForm},
    moderation::{
        flags::{self, OpenFlag},
        forms::{HideForm, ObjectionForm, QueueQuery, RedactForm, VersionForm},
        service::{self, Action, REASONS, Section, Target},
    },
    notifications::service as notifications,
    web::{
        context::{Ctx, FlashKind, see_other},
        forms::FormErrors,
        pagination::{PER_PAGE, PageView},
        rate_limit,
        signed_link::Check,
    },
};

fn marks(ctx: &Ctx, precheck: &str) -> Vec<String> {
    precheck
        .split(',')
        .filter(|m| !m.is_empty())
        .map(|m| ctx.t(&format!("moderation-mark-{m}")))
        .collect()
}

fn reasons_view(ctx: &Ctx, flags: &[OpenFlag], id: Uuid) -> Vec<Value> {
    flags
        .iter()
        .filter(|f| f.target_id == id)
        .map(|f| {
            json!({
                "reason": ctx.t(&format!("moderation-reason-{}", f.reason)),
                "note": f.note,
                "by": f.reporter_kind.as_deref().map(|k| ctx.t(&format!("moderation-flag-by-{k}"))),
            })
        })
        .collect()
}

/// Whether one of the item's open flags belongs to a burst from new accounts.
fn suspicious(flags: &[OpenFlag], id: Uuid) -> bool {
    flags.iter().any(|f| f.target_id == id && f.burst)
}

/// `/manage/moderation`: one section at a time, with the count of each in the tabs.
pub async fn queue(ctx: Ctx, query: web::Query<QueueQuery>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let scope = user.moderated_municipalities();
    let db = &ctx.state.db;
    let section = Section::parse(&query.section).unwrap_or(Section::Pending);
    let index = crate::web::pagination::PageQuery { page: query.page }.index();
    let counts = service::section_counts(db, scope.as_deref()).await?;
    let mut tabs: Vec<Value> = counts
        .iter()
        .map(|(s, n)| {
            json!({
                "href": format!("/manage/moderation?section={}", s.as_str()),
                "label": ctx.t(&format!("moderation-section-{}", s.as_str())),
                "count": n,
                "current": *s == section,
            })
        })
        .collect();
    // Survey free texts wait for release in their own queue; it is one more tab here.
    tabs.push(json!({
        "href": "/manage/free-text",
        "label": ctx.t("survey-free-text-title"),
        "count": crate::surveys::service::pending_free_text_count(db, scope.as_deref()).await?,
        "current": false,
    }));
    let base = format!("/manage/moderation?section={}", section.as_str());
    let (items, objections, pages) = if section == Section::Objections {
        let (list, pages) = service::objections_page(db, scope.as_deref(), index, PER_PAGE).await?;
        let ids: Vec<Uuid> = list.iter().map(|o| o.target_id).collect();
        let items = service::objected_items(db, &ids).await?;
        let rows: Vec<Value> = list
            .iter()
            .map(|o| {
                let item = items.iter().find(|i| i.id == o.target_id);
                json!({
                    "kind_label": item.map(|i| ctx.t(&format!("moderation-kind-{}", i.kind))).unwrap_or_default(),
                    "idea_title": item.map(|i| i.idea_title.clone()).unwrap_or_default(),
                    "reason": item.and_then(|i| i.hidden_reason.as_deref()).map(|r| ctx.t(&format!("moderation-reason-{r}"))).unwrap_or_default(),
                    "text": o.text,
                    "created_at": o.created_at.to_rfc3339(),
                    "item_href": format!("/manage/moderation/{}", o.target_id),
                    "resolve_action": format!("/manage/moderation/objections/{}/resolve", o.id),
                })
            })
            .collect();
        (Vec::new(), rows, pages)
    } else {
        let (list, pages) =
            service::queue_page(db, section, scope.as_deref(), index, PER_PAGE).await?;
        let ids: Vec<Uuid> = list.iter().map(|i| i.id).collect();
        let flags = flags::open_flags_of(db, &ids).await?;
        let rows: Vec<Value> = list
            .iter()
            .map(|i| {
                json!({
                    "href": format!("/manage/moderation/{}", i.id),
                    "kind_label": ctx.t(&format!("moderation-kind-{}", i.kind)),
                    "board": i.board_title,
                    "idea_title": i.idea_title,
                    "body": excerpt(&i.body),
                    "status_label": ctx.t(&format!("idea-state-{}", i.status)),
                    "marks": marks(&ctx, &i.precheck),
                    "flags": reasons_view(&ctx, &flags, i.id),
                    "suspicious": suspicious(&flags, i.id),
                    "created_at": i.created_at.to_rfc3339(),
                })
            })
            .collect();
        (rows, Vec::new(), pages)
    };
    ctx.render(
        "moderation/queue",
        "moderation-title",
        json!({
            "tabs": tabs,
            "section_label": ctx.t(&format!("moderation-section-{}", section.as_str())),
            "is_objections": section == Section::Objections,
            "items": items,
            "objections": objections,
            "pagination": PageView::new(index, pages, &base),
        }),
    )
}

fn excerpt(text: &str) -> String {
    if text.chars().count() <= 300 {
        return text.to_string();
    }
    let cut: String = text.chars().take(300).collect();
    format!("{cut}…")
}

/// An idea or comment the signed-in moderator may act on; another municipality's answers 404.
async fn moderated(ctx: &Ctx, id: Uuid) -> AppResult<(CurrentUser, Target)> {
    let user = ctx.require_user()?.clone();
    let target = service::find_target(&ctx.state.db, id)
        .await?
        .filter(|t| user.moderates(t.municipality_id()))
        .filter(|t| !matches!(t.status(), "unconfirmed" | "withdrawn"))
        .ok_or(AppError::NotFound)?;
    Ok((user, target))
}

async fn item_page(
    ctx: &Ctx,
    target: &Target,
    hide: &HideForm,
    redact: &RedactForm,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let db = &ctx.state.db;
    let flags = flags::open_flags_of(db, &[target.id()]).await?;
    let objections = service::objections_for(db, target.id()).await?;
    let (title, body, precheck, board_id, idea_id) = match target {
        Target::Idea(i) => (
            i.title.clone(),
            i.body.clone(),
            i.precheck.clone(),
            i.board_id,
            i.id,
        ),
        Target::Comment(c) => {
            let idea = crate::ideas::model::find_idea_by_id(db, c.idea_id)
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
    let board = service::board_title(db, board_id).await?;
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

async fn take(ctx: Ctx, id: Uuid, action: Action, seen: Option<i32>) -> AppResult<HttpResponse> {
    let (user, _) = moderated(&ctx, id).await?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    // Decided on the item as it is now, and only on the text the moderator saw.
    let target = service::find_target(&txn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let done = if seen == Some(target.version()) {
        service::act(
            &txn,
            &ctx.state,
            &user,
            &target,
            &action,
            ctx.state.clock.now(),
        )
        .await?
    } else {
        false
    };
    if !done {
        txn.rollback().await?;
        let target = service::find_target(&ctx.state.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut errors = FormErrors::new();
        errors.add(
            "actions",
            if seen == Some(target.version()) {
                "moderation-error-state"
            } else {
                "moderation-error-changed"
            },
        );
        return item_page(
            &ctx,
            &target,
            &HideForm::default(),
            &RedactForm::default(),
            &errors,
            StatusCode::CONFLICT,
        )
        .await;
    }
    txn.commit().await?;
    if matches!(action, Action::Redact { .. }) {
        // The original text leaves the WAL now, not at some later checkpoint.
        crate::storage::checkpoint::after_personal_text_change(&ctx.state.db).await;
    }
    notifications::wake(&ctx.state);
    tracing::info!(target = %id, action = action.name(), "moderation action");
    ctx.flash(
        FlashKind::Success,
        &format!("moderation-done-{}", action.name()),
    )?;
    Ok(see_other(&format!("/manage/moderation/{id}")))
}

pub async fn publish(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<VersionForm>,
) -> AppResult<HttpResponse> {
    take(ctx, *id, Action::Publish, form.seen()).await
}

pub async fn restore(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<VersionForm>,
) -> AppResult<HttpResponse> {
    take(ctx, *id, Action::Restore, form.seen()).await
}

pub async fn dismiss(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<VersionForm>,
) -> AppResult<HttpResponse> {
    take(ctx, *id, Action::Dismiss, form.seen()).await
}

pub async fn hide(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<HideForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let mut errors = FormErrors::new();
    let Some((reason, note)) = form.check(&mut errors) else {
        let (_, target) = moderated(&ctx, *id).await?;
        return item_page(
            &ctx,
            &target,
            &form,
            &RedactForm::default(),
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let seen = form.version.trim().parse().ok();
    take(ctx, *id, Action::Hide { reason, note }, seen).await
}

pub async fn redact(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<RedactForm>,
) -> AppResult<HttpResponse> {
    let names = form.names();
    let seen = form.version.trim().parse().ok();
    take(ctx, *id, Action::Redact { names }, seen).await
}

pub async fn resolve(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?.clone();
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let objection = service::find_objection(&txn, *id)
        .await?
        .filter(|o| user.moderates(o.municipality_id))
        .ok_or(AppError::NotFound)?;
    service::resolve_objection(&txn, &user, &objection, ctx.state.clock.now()).await?;
    txn.commit().await?;
    ctx.flash(FlashKind::Success, "moderation-done-resolve")?;
    Ok(see_other("/manage/moderation?section=objections"))
}

// ---- objections from authors ----

/// The item an objection link is about; an expired link leads to the page that offers a new one,
/// an invalid one to "link not valid".
async fn objected(ctx: &Ctx, id: &str, signature: &str) -> AppResult<Result<Target, HttpResponse>> {
    let Ok(uuid) = Uuid::parse_str(id) else {
        return Ok(Err(link_invalid(ctx)?));
    };
    let now = ctx.state.clock.now();
    match service::objection_check(&ctx.state.keys, uuid, signature, now) {
        Check::Invalid => Ok(Err(link_invalid(ctx)?)),
        Check::Expired => Ok(Err(link_renewal::expired_page(
            ctx,
            &format!("/objections/{id}/{signature}/renew"),
            &RenewForm::default(),
            &FormErrors::new(),
            StatusCode::GONE,
        )?)),
        Check::Valid => match service::find_target(&ctx.state.db, uuid).await? {
            Some(target) => Ok(Ok(target)),
            None => Ok(Err(link_invalid(ctx)?)),
        },
    }
}

fn objection_page(
    ctx: &Ctx,
    target: &Target,
    action: &str,
    form: &ObjectionForm,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    ctx.render_status(
        status,
        "moderation/objection",
        "objection-title",
        json!({
            "is_comment": matches!(target, Target::Comment(_)),
            "hidden": target.status() == service::HIDDEN,
            "reason": target.hidden_reason().map(|r| ctx.t(&format!("moderation-reason-{r}"))).unwrap_or_default(),
            "action": action,
            "values": form,
            "errors": errors.view(ctx.lang),
        }),
    )
}

fn link_invalid(ctx: &Ctx) -> AppResult<HttpResponse> {
    ctx.render_status(
        StatusCode::NOT_FOUND,
        "ideas/link_done",
        "idea-link-invalid-title",
        json!({ "heading": "idea-link-invalid-title", "text": "idea-link-invalid-text", "back_href": "/" }),
    )
}

pub async fn objection_form(
    ctx: Ctx,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (id, signature) = path.into_inner();
    let target = match objected(&ctx, &id, &signature).await? {
        Ok(target) => target,
        Err(page) => return Ok(page),
    };
    let action = format!("/objections/{id}/{signature}");
    objection_page(
        &ctx,
        &target,
        &action,
        &ObjectionForm::default(),
        &FormErrors::new(),
        StatusCode::OK,
    )
}

pub async fn object(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    form: web::Form<ObjectionForm>,
) -> AppResult<HttpResponse> {
    let (id, signature) = path.into_inner();
    let target = match objected(&ctx, &id, &signature).await? {
        Ok(target) => target,
        Err(page) => return Ok(page),
    };
    let form = form.into_inner();
    let action = format!("/objections/{id}/{signature}");
    let mut errors = FormErrors::new();
    let text = crate::web::forms::multiline(&form.text);
    let text = text.as_str();
    if text.is_empty() {
        errors.add("text", "objection-error-missing");
    } else if text.chars().count() > 2000 {
        errors.add("text", "objection-error-long");
    }
    if !errors.is_empty() {
        return objection_page(
            &ctx,
            &target,
            &action,
            &form,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let now = ctx.state.clock.now().timestamp();
    let db = &ctx.state.db;
    if !rate_limit::hit(
        db,
        &ctx.state.keys,
        rate_limit::FLAG_PER_IP,
        &ctx.client_ip(),
        now,
    )
    .await?
    {
        return Err(rate_limit::too_many(rate_limit::FLAG_PER_IP));
    }
    let txn = crate::db::begin_write(db).await?;
    // Decided on the item as it is now.
    let target = service::find_target(&txn, target.id())
        .await?
        .ok_or(AppError::NotFound)?;
    if !service::object(&txn, &target, text, ctx.state.clock.now()).await? {
        txn.rollback().await?;
        let key = if target.status() == service::HIDDEN {
            "objection-already"
        } else {
            "objection-not-hidden"
        };
        return ctx.render_status(
            StatusCode::CONFLICT,
            "ideas/link_done",
            "objection-title",
            json!({ "heading": "objection-title", "text": key, "back_href": "/" }),
        );
    }
    txn.commit().await?;
    ctx.render(
        "ideas/link_done",
        "objection-sent-title",
        json!({ "heading": "objection-sent-title", "text": "objection-sent-text", "back_href": "/" }),
    )
}
