//! Checking people in at the door.

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use entity::{workshop_signups, workshops};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, sea_query::Expr};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::model::{Decided, Refusal, SignupStatus, Status};
use super::sign_up::SignupForm;
use super::signups::SignupsPage;
use super::views::managed;
use super::waitlist::normalize_code;
use crate::{
    audit::service::{self as audit, Entry},
    error::AppResult,
    identity::CurrentUser,
    web::{
        context::{Ctx, FlashKind, see_other},
        forms::FormErrors,
    },
};

/// Check-in by code (typed at the door) or by sign-up id (a button in the list).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CheckinForm {
    pub code: String,
    pub signup_id: String,
}

pub async fn check_in(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<CheckinForm>,
) -> AppResult<HttpResponse> {
    let (user, workshop) = managed(&ctx, *id).await?;
    let form = form.into_inner();
    let by = match Uuid::parse_str(form.signup_id.trim()) {
        Ok(id) => CheckinBy::Id(id),
        Err(_) => CheckinBy::Code(normalize_code(&form.code)),
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    match record_check_in(&txn, &user, &workshop, by, ctx.state.clock.now()).await? {
        Ok(_) => {
            txn.commit().await?;
            ctx.flash(FlashKind::Success, "signup-checked-in")?;
            Ok(see_other(&format!(
                "/manage/workshops/{}/signups",
                workshop.id
            )))
        }
        Err(refusal) => {
            txn.rollback().await?;
            let mut errors = FormErrors::new();
            errors.add("code", refusal.message_key());
            SignupsPage::new(&workshop, &SignupForm::blank())
                .with_code(&form.code)
                .render(&ctx, &errors, StatusCode::CONFLICT)
                .await
        }
    }
}

/// How staff name the sign-up to check in.
pub enum CheckinBy {
    Code(String),
    Id(Uuid),
}

/// Marks a confirmed sign-up as come (once).
pub async fn record_check_in(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    workshop: &workshops::Model,
    by: CheckinBy,
    now: DateTime<Utc>,
) -> Result<Decided<workshop_signups::Model>, DbErr> {
    if !Status::any(&[Status::Published, Status::Held], &workshop.status) {
        return Ok(Err(Refusal::NotOpen));
    }
    let query = workshop_signups::Entity::find()
        .filter(workshop_signups::Column::WorkshopId.eq(workshop.id));
    let signup = match by {
        CheckinBy::Code(code) => {
            query
                .filter(workshop_signups::Column::Code.eq(code))
                .one(db)
                .await?
        }
        CheckinBy::Id(id) => {
            query
                .filter(workshop_signups::Column::Id.eq(id))
                .one(db)
                .await?
        }
    };
    let Some(signup) = signup else {
        return Ok(Err(Refusal::UnknownCode));
    };
    if !SignupStatus::Confirmed.is(&signup.status) {
        return Ok(Err(Refusal::NotConfirmed));
    }
    let result = workshop_signups::Entity::update_many()
        .col_expr(workshop_signups::Column::CheckedInAt, Expr::value(now))
        .filter(workshop_signups::Column::Id.eq(signup.id))
        .filter(workshop_signups::Column::Status.eq(SignupStatus::Confirmed.as_str()))
        .filter(workshop_signups::Column::CheckedInAt.is_null())
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Ok(Err(Refusal::AlreadyCheckedIn));
    }
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(user.id),
            municipality_id: Some(workshop.municipality_id),
            action: "signup.checkin",
            target_type: "workshop",
            target_id: Some(workshop.id.to_string()),
            summary: json!({ "signup_id": signup.id, "people": signup.people }),
        },
    )
    .await?;
    Ok(Ok(signup))
}
