//! Deleting the account: the confirmation page (with the current password) and the deletion of
//! the account and every personal datum tied to it, slice by slice.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use entity::{login_tokens, users};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    accounts::model as accounts,
    audit::service::{self as audit, Entry},
    error::AppResult,
    secrets,
    web::{
        context::{Ctx, see_other},
        forms::{CheckForm, FormErrors},
    },
};

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    pub current_password: String,
}

impl CheckForm for DeleteForm {
    /// The current password, checked against the account afterwards.
    type Input = String;
    type Rules = ();

    fn check(&self, _: &()) -> Result<String, FormErrors> {
        Ok(self.current_password.clone())
    }
}

/// The deletion page: nothing typed is shown again (a password is never echoed).
#[derive(Serialize)]
struct DeletePage {
    values: Empty,
    errors: Value,
}

#[derive(Serialize)]
struct Empty {}

fn delete_page(ctx: &Ctx, errors: &FormErrors) -> DeletePage {
    DeletePage {
        values: Empty {},
        errors: errors.view(ctx.lang),
    }
}

pub async fn delete_form(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    ctx.render(
        "accounts/delete",
        "delete-title",
        delete_page(&ctx, &FormErrors::new()),
    )
}

pub async fn delete(ctx: Ctx, form: web::Form<DeleteForm>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let password = match form.check(&()) {
        Ok(password) => password,
        Err(errors) => {
            return ctx.render_invalid(
                "accounts/delete",
                "delete-title",
                delete_page(&ctx, &errors),
            );
        }
    };
    if !accounts::verify_password(&ctx.state.db, user.id, &password).await? {
        let mut errors = FormErrors::new();
        errors.add("current_password", "error-current-password-wrong");
        return ctx.render_invalid(
            "accounts/delete",
            "delete-title",
            delete_page(&ctx, &errors),
        );
    }
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    delete_account(&txn, &ctx.state.keys, user.id, ctx.state.clock.now()).await?;
    txn.commit().await?;
    ctx.sign_out().await?;
    Ok(see_other("/account/deleted"))
}

pub async fn deleted(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.render("accounts/deleted", "deleted-title", Empty {})
}

/// Deletes the account and every personal datum tied to it or to its address (ARCHITECTURE.md,
/// rules of the house: each has a purpose, an export in
/// [`export_data`](super::export::export_data) and this deletion path):
/// - the account row, its server-side sessions with their device labels, and with it (by the
///   database) its roles and tokens (a session cookie names an account that no longer exists);
/// - mail to the address, or to a new address it was changing to, not yet sent or kept;
/// - subscriptions to new rounds, sign-ups to workshops and ideas posted without an account,
///   made with the address;
/// - supports, shown names on ideas and comments, flags' reporter keys and survey participation
///   marks of the account.
///
/// Contributions stay, anonymised; audit entries it made stay, without the link to the person.
/// Rate-limit buckets are keyed hashes that expire within the hour and are left to expire.
pub async fn delete_account(
    db: &impl ConnectionTrait,
    keys: &secrets::Keys,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if let Some(email) = accounts::email_of(db, user_id).await? {
        let pending: Vec<String> = login_tokens::Entity::find()
            .filter(login_tokens::Column::UserId.eq(user_id))
            .all(db)
            .await?
            .into_iter()
            .filter_map(|t| t.new_email)
            .collect();
        let addresses: Vec<&str> = pending
            .iter()
            .map(String::as_str)
            .chain([email.as_str()])
            .collect();
        crate::notifications::service::forget_recipients(db, keys, &addresses).await?;
        crate::rounds::subscribers::forget_subscriber(db, &email).await?;
        crate::workshops::personal_data::forget_address(db, &email, now).await?;
        crate::ideas::personal_data::forget_visitor_address(db, &email).await?;
    }
    // Supports, shown names: see there. Contributions stay, anonymised.
    crate::ideas::personal_data::forget_user(db, user_id).await?;
    crate::moderation::flags::forget_reporter(db, keys, user_id).await?;
    crate::surveys::marks::forget_participant(db, keys, user_id).await?;
    crate::identity::sessions::end_others(db, user_id, None).await?;
    users::Entity::delete_by_id(user_id).exec(db).await?;
    audit::record(
        db,
        now,
        Entry {
            actor_id: None,
            municipality_id: None,
            action: "account.deleted",
            target_type: "user",
            target_id: Some(user_id.to_string()),
            summary: json!({}),
        },
    )
    .await
}
