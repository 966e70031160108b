//! A moderator's decisions on an item: publish, hide (with the mail to the author and the link
//! to object), restore, dismiss the flags, redact; each in the audit log, and each only if the
//! item is still as the moderator saw it.

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use entity::ideas;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Statement};
use serde_json::json;
use uuid::Uuid;

use crate::{
    audit::service::{self as audit, Entry},
    db::placeholders,
    error::{AppError, AppResult},
    identity::CurrentUser,
    moderation::{
        forms::{HideForm, RedactForm, VersionForm},
        item::{ItemPage, moderated},
        model::{
            AUTO_HIDDEN, FlagStatus, ObjectionStatus, Status, Target, author_contact, find_target,
            short,
        },
        objections::objection_path,
        precheck::{precheck, redact as redact_names},
    },
    notifications::service::{self as notifications, Email},
    state::AppState,
    web::{
        context::{Ctx, FlashKind, see_other},
        forms::{CheckForm, FormErrors},
        i18n::{self, Lang},
    },
};

#[derive(Clone, Debug)]
pub enum Action {
    Publish,
    Hide { reason: String, note: String },
    Restore,
    Dismiss,
    Redact { names: Vec<String> },
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::Publish => "publish",
            Action::Hide { .. } => "hide",
            Action::Restore => "restore",
            Action::Dismiss => "dismiss",
            Action::Redact { .. } => "redact",
        }
    }

    /// Whether the action makes sense for an item in this state.
    pub fn allowed_for(&self, target: &Target) -> bool {
        use Status::{Hidden, Pending, Published};
        match (self, target.moderation_status()) {
            (Action::Publish, Some(Pending)) => true,
            (Action::Hide { .. }, Some(Pending | Published)) => true,
            (Action::Hide { .. }, Some(Hidden)) => target.hidden_reason() == Some(AUTO_HIDDEN),
            (Action::Restore, Some(Hidden)) => true,
            (Action::Dismiss | Action::Redact { .. }, Some(_)) => true,
            _ => false,
        }
    }
}

/// Takes a moderation action on `target` (as read in this transaction) with its audit entry and,
/// on hide, the mail to the author with a link to object. Every change is conditional on the
/// status and the text version read, so of two moderators acting at once only one succeeds, and
/// only that one counts, mails and writes the log. Returns false when the action does not fit the
/// item's state (any more).
pub async fn act(
    db: &impl ConnectionTrait,
    state: &AppState,
    user: &CurrentUser,
    target: &Target,
    action: &Action,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    if !action.allowed_for(target) {
        return Ok(false);
    }
    let writes = Writes { db, target };
    let mut summary = json!({ "kind": target.kind() });
    let done = match action {
        Action::Publish => publish_item(&writes, now).await?,
        Action::Hide { reason, note } => {
            summary["reason"] = json!(reason);
            hide_item(&writes, state, reason, note, now).await?
        }
        Action::Restore => restore_item(&writes, state, &mut summary, now).await?,
        Action::Dismiss => dismiss_item(&writes, now).await?,
        Action::Redact { names } => {
            // What was removed stays out of the log too: only how many names were given.
            summary["names"] = json!(names.len());
            redact_item(&writes, names, now).await?
        }
    };
    if !done {
        return Ok(false);
    }
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(user.id),
            municipality_id: Some(target.municipality_id()),
            action: &format!("moderation.{}", action.name()),
            target_type: target.kind(),
            target_id: Some(target.id().to_string()),
            summary,
        },
    )
    .await?;
    Ok(true)
}

/// The writes of one action on one item.
struct Writes<'a, C> {
    db: &'a C,
    target: &'a Target,
}

impl<C: ConnectionTrait> Writes<'_, C> {
    async fn exec(&self, sql: &str, values: Vec<sea_orm::Value>) -> Result<u64, DbErr> {
        let backend = self.db.get_database_backend();
        Ok(self
            .db
            .execute_raw(Statement::from_sql_and_values(
                backend,
                placeholders(backend, sql),
                values,
            ))
            .await?
            .rows_affected())
    }

    /// `SET …` of the item's table, only if the item is still as it was read. The first values
    /// are the id, the status and the version read; `sets` numbers its own values from $4.
    /// Whether the item was changed.
    async fn update(&self, sets: &str, mut values: Vec<sea_orm::Value>) -> Result<bool, DbErr> {
        let target = self.target;
        let mut all: Vec<sea_orm::Value> = vec![
            target.id().into(),
            target.status().to_string().into(),
            target.version().into(),
        ];
        all.append(&mut values);
        let sql = format!(
            "UPDATE {} SET {sets} WHERE id = $1 AND status = $2 AND version = $3",
            target.table()
        );
        Ok(self.exec(&sql, all).await? == 1)
    }

    async fn close_flags(&self, status: FlagStatus) -> Result<(), DbErr> {
        self.exec(
            "UPDATE moderation_flags SET status = $1 WHERE target_id = $2 AND status = $3",
            vec![
                status.as_str().into(),
                self.target.id().into(),
                FlagStatus::Open.as_str().into(),
            ],
        )
        .await?;
        Ok(())
    }

    async fn count_comment(&self, idea_id: Uuid) -> Result<(), DbErr> {
        self.exec(
            "UPDATE ideas SET comment_count = comment_count + 1 WHERE id = $1",
            vec![idea_id.into()],
        )
        .await?;
        Ok(())
    }
}

async fn publish_item(
    w: &Writes<'_, impl ConnectionTrait>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let listed = if matches!(w.target, Target::Idea(_)) {
        ", listed = TRUE, published_at = $4"
    } else {
        ""
    };
    let published = Status::Published.as_str();
    let sets = format!("status = '{published}', reviewed_at = $4{listed}");
    if !w.update(&sets, vec![now.into()]).await? {
        return Ok(false);
    }
    if let Target::Comment(c) = w.target {
        w.count_comment(c.idea_id).await?;
    }
    Ok(true)
}

async fn hide_item(
    w: &Writes<'_, impl ConnectionTrait>,
    state: &AppState,
    reason: &str,
    note: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let listed = if matches!(w.target, Target::Idea(_)) {
        ", listed = TRUE"
    } else {
        ""
    };
    let hidden = Status::Hidden.as_str();
    let sets = format!(
        "status = '{hidden}', hidden_reason = $4, hidden_note = $5, open_flags = 0, reviewed_at = $6{listed}"
    );
    let values = vec![
        reason.to_string().into(),
        Some(note.to_string()).filter(|n| !n.is_empty()).into(),
        now.into(),
    ];
    if !w.update(&sets, values).await? {
        return Ok(false);
    }
    // A pending comment that is hidden counts as shown-as-placeholder from now on.
    if let Target::Comment(c) = w.target
        && Status::Pending.is(&c.status)
    {
        w.count_comment(c.idea_id).await?;
    }
    w.close_flags(FlagStatus::Upheld).await?;
    notify_author_of_hide(w.db, state, w.target, reason, note).await?;
    Ok(true)
}

async fn restore_item(
    w: &Writes<'_, impl ConnectionTrait>,
    state: &AppState,
    summary: &mut serde_json::Value,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let sets = format!(
        "status = '{}', hidden_reason = NULL, hidden_note = NULL, open_flags = 0, reviewed_at = $4",
        Status::Published.as_str()
    );
    if !w.update(&sets, vec![now.into()]).await? {
        return Ok(false);
    }
    w.close_flags(FlagStatus::Dismissed).await?;
    // The restore answers the author's objection: it is closed, and the author told.
    let answered = w
        .exec(
            "UPDATE moderation_objections SET status = $3, resolved_at = $2 \
             WHERE target_id = $1 AND status = $4",
            vec![
                w.target.id().into(),
                now.into(),
                ObjectionStatus::Resolved.as_str().into(),
                ObjectionStatus::Open.as_str().into(),
            ],
        )
        .await?;
    if answered > 0 {
        summary["objection_resolved"] = json!(true);
        notify_author_of_restore(w.db, state, w.target).await?;
    }
    Ok(true)
}

async fn dismiss_item(
    w: &Writes<'_, impl ConnectionTrait>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    // An automatic hide ends with the flags that caused it; a text the pre-check marked counts
    // as looked at.
    let (hidden, published) = (Status::Hidden.as_str(), Status::Published.as_str());
    let sets = format!(
        "open_flags = 0, reviewed_at = $4, \
         status = CASE WHEN status = '{hidden}' AND hidden_reason = '{AUTO_HIDDEN}' THEN '{published}' ELSE status END, \
         hidden_reason = CASE WHEN status = '{hidden}' AND hidden_reason = '{AUTO_HIDDEN}' THEN NULL ELSE hidden_reason END"
    );
    if !w.update(&sets, vec![now.into()]).await? {
        return Ok(false);
    }
    w.close_flags(FlagStatus::Dismissed).await?;
    Ok(true)
}

async fn redact_item(
    w: &Writes<'_, impl ConnectionTrait>,
    names: &[String],
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    // The placeholder speaks the idea's language, whoever moderates.
    let lang = match w.target {
        Target::Idea(i) => Lang::parse(&i.language),
        Target::Comment(c) => ideas::Entity::find_by_id(c.idea_id)
            .one(w.db)
            .await?
            .and_then(|i| Lang::parse(&i.language)),
    }
    .unwrap_or_default();
    let placeholder = i18n::t(lang, "moderation-redacted");
    let (title, body, author_name) = match w.target {
        Target::Idea(i) => (Some(&i.title), &i.body, &i.author_name),
        Target::Comment(c) => (None, &c.body, &c.author_name),
    };
    let body = redact_names(body, names, &placeholder);
    let title = title.map(|t| redact_names(t, names, &placeholder));
    // A shown name that contains a listed name goes entirely: the author is "anonym".
    let author_name = author_name
        .clone()
        .filter(|n| redact_names(n, names, &placeholder) == *n);
    let marks = precheck(&match &title {
        Some(t) => format!("{t}\n{body}"),
        None => body.clone(),
    });
    match title {
        Some(title) => {
            w.update(
                "title = $4, body = $5, author_name = $6, precheck = $7, version = version + 1, reviewed_at = $8, updated_at = $8",
                vec![title.into(), body.into(), author_name.into(), marks.into(), now.into()],
            )
            .await
        }
        None => {
            w.update(
                "body = $4, author_name = $5, precheck = $6, version = version + 1, reviewed_at = $7",
                vec![body.into(), author_name.into(), marks.into(), now.into()],
            )
            .await
        }
    }
}

/// The idea was withdrawn: its open flags and those of its comments, and open objections, are
/// closed (there is nothing left to decide).
pub async fn close_for_withdrawn(
    db: &impl ConnectionTrait,
    idea_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let (open, dismissed) = (FlagStatus::Open.as_str(), FlagStatus::Dismissed.as_str());
    let (objection_open, resolved) = (
        ObjectionStatus::Open.as_str(),
        ObjectionStatus::Resolved.as_str(),
    );
    for (sql, values) in [
        (
            "UPDATE moderation_flags SET status = $2 WHERE status = $3 AND \
             (target_id = $1 OR target_id IN (SELECT c.id FROM idea_comments c WHERE c.idea_id = $1))",
            vec![idea_id.into(), dismissed.into(), open.into()],
        ),
        (
            "UPDATE idea_comments SET open_flags = 0 WHERE idea_id = $1 AND open_flags > 0",
            vec![idea_id.into()],
        ),
        (
            "UPDATE moderation_objections SET status = $3, resolved_at = $2 \
             WHERE target_id = $1 AND status = $4",
            vec![
                idea_id.into(),
                now.into(),
                resolved.into(),
                objection_open.into(),
            ],
        ),
    ] {
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(backend, sql),
            values,
        ))
        .await?;
    }
    Ok(())
}

pub(crate) async fn notify_author_of_hide(
    db: &impl ConnectionTrait,
    state: &AppState,
    target: &Target,
    reason: &str,
    note: &str,
) -> Result<(), AppError> {
    let Some((email, lang)) = author_contact(db, target).await? else {
        return Ok(());
    };
    let Some(idea) = ideas::Entity::find_by_id(target.idea_id()).one(db).await? else {
        return Ok(());
    };
    let url = state
        .settings
        .absolute_url(&format!("/ideas/{}/{}", idea.board_id, idea.id));
    // A comment's mail names the idea and quotes the start of the comment.
    let excerpt = match target {
        Target::Idea(_) => String::new(),
        Target::Comment(c) => short(&c.body, 120),
    };
    notifications::enqueue(
        db,
        state,
        Email {
            to: &email,
            lang,
            kind: "idea_hidden",
            data: json!({
                "title": idea.title,
                "is_comment": matches!(target, Target::Comment(_)),
                "excerpt": excerpt,
                "automatic": reason == AUTO_HIDDEN,
                "reason": i18n::t(lang, &format!("moderation-reason-{reason}")),
                "note": note,
                "url": url,
                "objection_url": state.settings.absolute_url(&objection_path(&state.keys, target.id(), state.clock.now())),
            }),
        },
    )
    .await
}

/// Tells the author who objected that their item is shown again.
async fn notify_author_of_restore(
    db: &impl ConnectionTrait,
    state: &AppState,
    target: &Target,
) -> Result<(), AppError> {
    let Some((email, lang)) = author_contact(db, target).await? else {
        return Ok(());
    };
    let Some(idea) = ideas::Entity::find_by_id(target.idea_id()).one(db).await? else {
        return Ok(());
    };
    let url = state
        .settings
        .absolute_url(&format!("/ideas/{}/{}", idea.board_id, idea.id));
    notifications::enqueue(
        db,
        state,
        Email {
            to: &email,
            lang,
            kind: "idea_restored",
            data: json!({
                "title": idea.title,
                "is_comment": matches!(target, Target::Comment(_)),
                "url": url,
            }),
        },
    )
    .await
}

async fn take(ctx: Ctx, id: Uuid, action: Action, seen: Option<i32>) -> AppResult<HttpResponse> {
    let (user, _) = moderated(&ctx, id).await?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    // Decided on the item as it is now, and only on the text the moderator saw.
    let target = find_target(&txn, id).await?.ok_or(AppError::NotFound)?;
    let done = if seen == Some(target.version()) {
        act(
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
        let target = find_target(&ctx.state.db, id)
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
        let page = ItemPage {
            target: &target,
            hide: &HideForm::default(),
            redact: &RedactForm::default(),
        };
        return page.render(&ctx, &errors, StatusCode::CONFLICT).await;
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
    let (reason, note) = match form.check(&()) {
        Ok(checked) => checked,
        Err(errors) => {
            let (_, target) = moderated(&ctx, *id).await?;
            let page = ItemPage {
                target: &target,
                hide: &form,
                redact: &RedactForm::default(),
            };
            return page
                .render(&ctx, &errors, StatusCode::UNPROCESSABLE_ENTITY)
                .await;
        }
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
