//! The download of everything stored about the account (Art. 15 GDPR), as one JSON document
//! gathered from every slice.

use actix_web::HttpResponse;
use entity::{audit_log, login_tokens, municipalities, role_assignments, users};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    error::{AppError, AppResult},
    secrets,
    web::context::Ctx,
};

/// Everything stored about the account as a JSON download.
pub async fn data_export(ctx: Ctx) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let data = export_data(&ctx.state.db, &ctx.state.keys, user.id).await?;
    if data.is_null() {
        return Err(AppError::NotFound);
    }
    Ok(HttpResponse::Ok()
        .content_type("application/json; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"teilhabe-daten.json\"",
        ))
        .insert_header(("Cache-Control", "no-store"))
        .body(serde_json::to_string_pretty(&data).map_err(|e| AppError::Internal(e.into()))?))
}

/// Everything the platform stores about the account, as the person may ask for (Art. 15 GDPR).
pub async fn export_data(
    db: &impl ConnectionTrait,
    keys: &secrets::Keys,
    user_id: Uuid,
) -> Result<Value, DbErr> {
    let user = users::Entity::find_by_id(user_id).one(db).await?;
    let Some(user) = user else {
        return Ok(Value::Null);
    };
    let roles = role_assignments::Entity::find()
        .filter(role_assignments::Column::UserId.eq(user_id))
        .find_also_related(municipalities::Entity)
        .all(db)
        .await?;
    let actions = audit_log::Entity::find()
        .filter(audit_log::Column::ActorId.eq(user_id))
        .order_by_asc(audit_log::Column::CreatedAt)
        .all(db)
        .await?;
    let ideas = crate::ideas::personal_data::export_of(db, user_id).await?;
    let tokens = login_tokens::Entity::find()
        .filter(login_tokens::Column::UserId.eq(user_id))
        .order_by_asc(login_tokens::Column::CreatedAt)
        .all(db)
        .await?;
    let mail = crate::notifications::service::mails_to(db, keys, &[user.email.as_str()]).await?;
    Ok(json!({
        "ideas": ideas,
        "ideas_without_account": crate::ideas::personal_data::visitor_ideas_of(db, &user.email).await?,
        "flags": crate::moderation::flags::flags_of(db, keys, user_id).await?,
        "surveys_taken_part": crate::surveys::marks::participations_of(db, keys, user_id).await?,
        "round_subscriptions": crate::rounds::subscribers::subscriptions_of(db, &user.email).await?,
        "workshop_signups": crate::workshops::personal_data::signups_of(db, &user.email).await?,
        "sessions": crate::identity::sessions::export_of(db, user_id).await?,
        // The outbox keeps the address only encrypted and only until the mail is sent; the
        // domain and a keyed hash (how this list was found) stay.
        "mail": mail.iter().map(|m| json!({
            "to_domain": m.recipient_domain,
            "kind": m.kind,
            "subject": m.subject,
            "status": m.status,
            "attempts": m.attempts,
            "last_error": m.last_error,
            "created_at": m.created_at,
            "sent_at": m.sent_at,
        })).collect::<Vec<_>>(),
        "links_sent": tokens.iter().map(|t| json!({
            "purpose": t.purpose,
            "new_email": t.new_email,
            "created_at": t.created_at,
            "expires_at": t.expires_at,
            "used_at": t.used_at,
        })).collect::<Vec<_>>(),
        "account": {
            "email": user.email,
            "email_verified_at": user.email_verified_at,
            "display_name": user.display_name,
            "language": user.language,
            "created_at": user.created_at,
            "last_login_at": user.last_login_at,
        },
        "roles": roles.iter().map(|(r, m)| json!({
            "role": r.role,
            "municipality": m.as_ref().map(|m| m.name.clone()),
            "since": r.created_at,
        })).collect::<Vec<_>>(),
        "staff_actions": actions.iter().map(|a| json!({
            "at": a.created_at,
            "action": a.action,
            "target_type": a.target_type,
            "target_id": a.target_id,
        })).collect::<Vec<_>>(),
    }))
}
