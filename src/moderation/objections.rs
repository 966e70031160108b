//! Authors object to the hiding of their idea or comment through a signed link from the mail;
//! moderators see the objection in the queue and resolve it.

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use entity::moderation_objections;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set, sea_query::Expr,
};
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    audit::service::{self as audit, Entry},
    error::{AppError, AppResult},
    identity::CurrentUser,
    moderation::{
        forms::ObjectionForm,
        model::{ObjectionStatus, Status, Target, find_target},
    },
    secrets::Keys,
    web::{
        context::Ctx,
        forms::{CheckForm, FormErrors},
        rate_limit,
        signed_link::{self, Check, RenewForm, expired_page},
    },
};

pub async fn objections_for(
    db: &impl ConnectionTrait,
    target_id: Uuid,
) -> Result<Vec<moderation_objections::Model>, DbErr> {
    moderation_objections::Entity::find()
        .filter(moderation_objections::Column::TargetId.eq(target_id))
        .order_by_asc(moderation_objections::Column::CreatedAt)
        .all(db)
        .await
}

pub async fn find_objection(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<moderation_objections::Model>, DbErr> {
    moderation_objections::Entity::find_by_id(id).one(db).await
}

/// Resolves an objection (the moderator has looked at it and acted or not).
pub async fn resolve_objection(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    objection: &moderation_objections::Model,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = moderation_objections::Entity::update_many()
        .col_expr(
            moderation_objections::Column::Status,
            Expr::value(ObjectionStatus::Resolved.as_str()),
        )
        .col_expr(moderation_objections::Column::ResolvedAt, Expr::value(now))
        .filter(moderation_objections::Column::Id.eq(objection.id))
        .filter(moderation_objections::Column::Status.eq(ObjectionStatus::Open.as_str()))
        .exec(db)
        .await?;
    if done.rows_affected != 1 {
        return Ok(false);
    }
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(user.id),
            municipality_id: Some(objection.municipality_id),
            action: "moderation.objection_resolved",
            target_type: "objection",
            target_id: Some(objection.id.to_string()),
            summary: json!({ "target": objection.target_id }),
        },
    )
    .await?;
    Ok(true)
}

pub async fn resolve(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?.clone();
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let objection = find_objection(&txn, *id)
        .await?
        .filter(|o| user.moderates(o.municipality_id))
        .ok_or(AppError::NotFound)?;
    resolve_objection(&txn, &user, &objection, ctx.state.clock.now()).await?;
    ctx.commit_and_redirect(
        txn,
        "moderation-done-resolve",
        "/manage/moderation?section=objections",
    )
    .await
}

// ---- objections from authors ----

/// The path of the link to object to the hiding of item `id`. It works for
/// `signed_link::LIFETIME_DAYS` from `now`; then its owner can ask for a new one.
pub fn objection_path(keys: &Keys, id: Uuid, now: DateTime<Utc>) -> String {
    let id = id.to_string();
    format!(
        "/objections/{id}/{}",
        signed_link::sign(keys, &["moderation-objection", &id], now)
    )
}

/// What the signature of an objection link for item `id` is worth at `now`.
pub fn objection_check(
    keys: &Keys,
    id: Uuid,
    given: &str,
    now: DateTime<Utc>,
) -> signed_link::Check {
    signed_link::check(keys, &["moderation-objection", &id.to_string()], given, now)
}

/// Files an author's objection to a hidden item in the queue. Returns false when the item is
/// not hidden (any more) or already has an open objection (a unique index keeps it to one).
pub async fn file_objection(
    db: &impl ConnectionTrait,
    target: &Target,
    text: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    if target.moderation_status() != Some(Status::Hidden) {
        return Ok(false);
    }
    let inserted = moderation_objections::Entity::insert(moderation_objections::ActiveModel {
        id: Set(Uuid::now_v7()),
        target_id: Set(target.id()),
        municipality_id: Set(target.municipality_id()),
        text: Set(text.to_string()),
        status: Set(ObjectionStatus::Open.as_str().into()),
        created_at: Set(now),
        resolved_at: Set(None),
    })
    .exec_without_returning(db)
    .await;
    match inserted {
        Ok(_) => Ok(true),
        Err(e)
            if matches!(
                e.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

/// The item an objection link is about; an expired link leads to the page that offers a new one,
/// an invalid one to "link not valid".
async fn objected(ctx: &Ctx, id: &str, signature: &str) -> AppResult<Result<Target, HttpResponse>> {
    let Ok(uuid) = Uuid::parse_str(id) else {
        return Ok(Err(link_invalid(ctx)?));
    };
    let now = ctx.state.clock.now();
    match objection_check(&ctx.state.keys, uuid, signature, now) {
        Check::Invalid => Ok(Err(link_invalid(ctx)?)),
        Check::Expired => Ok(Err(expired_page(
            ctx,
            &format!("/objections/{id}/{signature}/renew"),
            &RenewForm::default(),
            &FormErrors::new(),
            StatusCode::GONE,
        )?)),
        Check::Valid => match find_target(&ctx.state.db, uuid).await? {
            Some(target) => Ok(Ok(target)),
            None => Ok(Err(link_invalid(ctx)?)),
        },
    }
}

/// The objection form of one hidden item, with what the author typed.
struct ObjectionPage<'a> {
    target: &'a Target,
    action: &'a str,
    form: &'a ObjectionForm,
}

#[derive(Serialize)]
struct ObjectionView<'a> {
    is_comment: bool,
    hidden: bool,
    reason: String,
    action: &'a str,
    values: &'a ObjectionForm,
    errors: Value,
}

impl ObjectionPage<'_> {
    fn render(
        &self,
        ctx: &Ctx,
        errors: &FormErrors,
        status: StatusCode,
    ) -> AppResult<HttpResponse> {
        let target = self.target;
        let view = ObjectionView {
            is_comment: matches!(target, Target::Comment(_)),
            hidden: target.moderation_status() == Some(Status::Hidden),
            reason: target
                .hidden_reason()
                .map(|r| ctx.t(&format!("moderation-reason-{r}")))
                .unwrap_or_default(),
            action: self.action,
            values: self.form,
            errors: errors.view(ctx.lang),
        };
        ctx.render_status(status, "moderation/objection", "objection-title", view)
    }
}

/// The short page after a link was used (`ideas/link_done`): a heading, a text, a way back.
#[derive(Serialize)]
struct LinkDone {
    heading: &'static str,
    text: &'static str,
    back_href: &'static str,
}

fn link_invalid(ctx: &Ctx) -> AppResult<HttpResponse> {
    ctx.render_status(
        StatusCode::NOT_FOUND,
        "ideas/link_done",
        "idea-link-invalid-title",
        LinkDone {
            heading: "idea-link-invalid-title",
            text: "idea-link-invalid-text",
            back_href: "/",
        },
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
    ObjectionPage {
        target: &target,
        action: &action,
        form: &ObjectionForm::default(),
    }
    .render(&ctx, &FormErrors::new(), StatusCode::OK)
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
    let text = match form.check(&()) {
        Ok(text) => text,
        Err(errors) => {
            let page = ObjectionPage {
                target: &target,
                action: &action,
                form: &form,
            };
            return page.render(&ctx, &errors, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let text = text.as_str();
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
    let target = find_target(&txn, target.id())
        .await?
        .ok_or(AppError::NotFound)?;
    if !file_objection(&txn, &target, text, ctx.state.clock.now()).await? {
        txn.rollback().await?;
        let text = if target.moderation_status() == Some(Status::Hidden) {
            "objection-already"
        } else {
            "objection-not-hidden"
        };
        return ctx.render_status(
            StatusCode::CONFLICT,
            "ideas/link_done",
            "objection-title",
            LinkDone {
                heading: "objection-title",
                text,
                back_href: "/",
            },
        );
    }
    txn.commit().await?;
    ctx.render(
        "ideas/link_done",
        "objection-sent-title",
        LinkDone {
            heading: "objection-sent-title",
            text: "objection-sent-text",
            back_href: "/",
        },
    )
}
