//! Staff change sign-ups: moving someone up from the waitlist by hand, cancelling a sign-up; and
//! moving people up when places free up.

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use entity::{workshop_signups, workshops};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::mail::{notify, when};
use super::model::{
    Decided, Refusal, SignupStatus, Status, find, find_for_update, find_signup, occupancy_of,
};
use super::own_signup::cancel_signup;
use super::signups::finish_staff_signup_action;
use super::views::managed;
use crate::{
    audit::service::{self as audit, Entry},
    error::{AppError, AppResult},
    identity::CurrentUser,
    state::AppState,
    web::context::{Ctx, FlashKind, see_other},
};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignupRef {
    pub signup_id: String,
}

/// A sign-up code as people type it: case and spaces do not matter.
pub fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

pub async fn promote(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<SignupRef>,
) -> AppResult<HttpResponse> {
    let (user, workshop) = managed(&ctx, *id).await?;
    let signup_id = Uuid::parse_str(form.signup_id.trim()).map_err(|_| AppError::NotFound)?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let outcome = promote_by_hand(
        &txn,
        &ctx.state,
        &user,
        workshop.id,
        signup_id,
        ctx.state.clock.now(),
    )
    .await?;
    finish_staff_signup_action(&ctx, txn, &workshop, outcome, "signup-promoted").await
}

/// A sign-up staff may cancel: one of this workshop's, still confirmed or waitlisted, while the
/// workshop is published.
async fn cancellable_signup(
    ctx: &Ctx,
    workshop: &workshops::Model,
    raw_id: &str,
) -> AppResult<workshop_signups::Model> {
    let signup_id = Uuid::parse_str(raw_id.trim()).map_err(|_| AppError::NotFound)?;
    find_signup(&ctx.state.db, workshop.id, signup_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// `GET …/cancel-signup?signup_id=`: asks before staff cancel a sign-up for someone who phoned.
pub async fn cancel_signup_form(
    ctx: Ctx,
    id: web::Path<Uuid>,
    query: web::Query<SignupRef>,
) -> AppResult<HttpResponse> {
    let (_, workshop) = managed(&ctx, *id).await?;
    let signup = cancellable_signup(&ctx, &workshop, &query.signup_id).await?;
    let list = format!("/manage/workshops/{}/signups", workshop.id);
    if !Status::Published.is(&workshop.status) || !SignupStatus::is_active(&signup.status) {
        ctx.flash(FlashKind::Error, "signup-error-not-cancellable")?;
        return Ok(see_other(&list));
    }
    ctx.render(
        "workshops/manage_cancel",
        "manage-cancel-title",
        StaffCancelView {
            workshop: CancelledWorkshop {
                title: &workshop.title,
                when: when(ctx.lang, ctx.state.settings.time_zone, &workshop),
            },
            signup: CancelledSignup {
                id: signup.id,
                name: &signup.name,
                code: &signup.code,
                people: signup.people,
                status_key: format!("signup-status-{}", signup.status),
                has_email: signup.email.is_some(),
                waitlisted: SignupStatus::Waitlisted.is(&signup.status),
            },
            action: format!("/manage/workshops/{}/cancel-signup", workshop.id),
            back_href: list,
        },
    )
}

/// What staff are about to cancel, before the button that does it.
#[derive(Serialize)]
struct StaffCancelView<'a> {
    workshop: CancelledWorkshop<'a>,
    signup: CancelledSignup<'a>,
    action: String,
    back_href: String,
}

#[derive(Serialize)]
struct CancelledWorkshop<'a> {
    title: &'a str,
    when: String,
}

#[derive(Serialize)]
struct CancelledSignup<'a> {
    id: Uuid,
    name: &'a Option<String>,
    code: &'a str,
    people: i32,
    status_key: String,
    has_email: bool,
    waitlisted: bool,
}

/// `POST …/cancel-signup`: staff cancel the sign-up; the waitlist moves up as after a
/// self-cancellation.
pub async fn cancel_signup_by_staff(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<SignupRef>,
) -> AppResult<HttpResponse> {
    let (user, workshop) = managed(&ctx, *id).await?;
    let signup = cancellable_signup(&ctx, &workshop, &form.signup_id).await?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let outcome = if Status::Published.is(&workshop.status) {
        cancel_by_staff(
            &txn,
            &ctx.state,
            &user,
            workshop.id,
            signup.id,
            ctx.state.clock.now(),
        )
        .await?
    } else {
        Err(Refusal::NotOpen)
    };
    let res =
        finish_staff_signup_action(&ctx, txn, &workshop, outcome, "signup-cancelled-by-staff")
            .await?;
    if res.status() == StatusCode::SEE_OTHER {
        tracing::info!(workshop = %workshop.id, signup = %signup.id, "sign-up cancelled by staff");
    }
    Ok(res)
}

/// Staff cancel a sign-up for someone who phoned: as a self-cancellation (the first on the
/// waitlist who fit move up and are told), and the person is told by mail if they gave an
/// address. The log names the staff member and the sign-up, not the person.
pub async fn cancel_by_staff(
    db: &impl ConnectionTrait,
    state: &AppState,
    user: &CurrentUser,
    workshop_id: Uuid,
    signup_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Decided<()>, AppError> {
    let signup = find_signup(db, workshop_id, signup_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Err(refusal) = cancel_signup(db, state, &signup, now).await? {
        return Ok(Err(refusal));
    }
    // Locked by the cancellation above.
    let workshop = find(db, workshop_id).await?.ok_or(AppError::NotFound)?;
    notify(
        db,
        state,
        &workshop,
        &signup,
        "workshop_signup_cancelled",
        None,
    )
    .await?;
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(user.id),
            municipality_id: Some(workshop.municipality_id),
            action: "signup.cancel",
            target_type: "workshop",
            target_id: Some(workshop.id.to_string()),
            summary: json!({ "signup_id": signup.id, "people": signup.people, "was": signup.status }),
        },
    )
    .await?;
    Ok(Ok(()))
}

/// Moves waitlisted sign-ups up, in order, as long as places are free (one that does not fit is
/// passed over, the next smaller one may fit). Each is told by mail if they gave an address.
/// Returns how many moved up. Call with the workshop locked.
pub async fn promote_waitlist(
    db: &impl ConnectionTrait,
    state: &AppState,
    workshop: &workshops::Model,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let occupied = occupancy_of(db, workshop.id).await?;
    let mut free = occupied.free(workshop.capacity);
    if free == 0 || occupied.waitlisted_signups == 0 {
        return Ok(0);
    }
    let waiting = workshop_signups::Entity::find()
        .filter(workshop_signups::Column::WorkshopId.eq(workshop.id))
        .filter(workshop_signups::Column::Status.eq(SignupStatus::Waitlisted.as_str()))
        .filter(workshop_signups::Column::People.lte(free))
        .order_by_asc(workshop_signups::Column::Seq)
        .all(db)
        .await?;
    let mut promoted = 0;
    for signup in waiting {
        if i64::from(signup.people) > free {
            continue;
        }
        if move_up(db, state, workshop, &signup, now).await? {
            free -= i64::from(signup.people);
            promoted += 1;
        }
        if free == 0 {
            break;
        }
    }
    Ok(promoted)
}

async fn move_up(
    db: &impl ConnectionTrait,
    state: &AppState,
    workshop: &workshops::Model,
    signup: &workshop_signups::Model,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let result = workshop_signups::Entity::update_many()
        .col_expr(
            workshop_signups::Column::Status,
            SignupStatus::Confirmed.as_str().into(),
        )
        .col_expr(workshop_signups::Column::PromotedAt, Expr::value(now))
        .col_expr(workshop_signups::Column::UpdatedAt, Expr::value(now))
        .filter(workshop_signups::Column::Id.eq(signup.id))
        .filter(workshop_signups::Column::Status.eq(SignupStatus::Waitlisted.as_str()))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Ok(false);
    }
    if signup.email.is_some() {
        notify(db, state, workshop, signup, "workshop_promoted", None).await?;
    }
    tracing::info!(workshop = %workshop.id, signup = %signup.id, "moved up from the waitlist");
    Ok(true)
}

/// Staff move a waitlisted sign-up up by hand, out of order if they choose; it must still fit.
pub async fn promote_by_hand(
    db: &impl ConnectionTrait,
    state: &AppState,
    user: &CurrentUser,
    workshop_id: Uuid,
    signup_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Decided<()>, AppError> {
    let workshop = find_for_update(db, workshop_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !Status::Published.is(&workshop.status) {
        return Ok(Err(Refusal::NotOpen));
    }
    let signup = find_signup(db, workshop.id, signup_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !SignupStatus::Waitlisted.is(&signup.status) {
        return Ok(Err(Refusal::NotWaitlisted));
    }
    let occupied = occupancy_of(db, workshop.id).await?;
    if i64::from(signup.people) > occupied.free(workshop.capacity) {
        return Ok(Err(Refusal::NoRoom));
    }
    if !move_up(db, state, &workshop, &signup, now).await? {
        return Ok(Err(Refusal::NotWaitlisted));
    }
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(user.id),
            municipality_id: Some(workshop.municipality_id),
            action: "signup.promote",
            target_type: "workshop",
            target_id: Some(workshop.id.to_string()),
            summary: json!({ "signup_id": signup.id, "people": signup.people }),
        },
    )
    .await?;
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::normalize_code;

    #[test]
    fn codes_ignore_case_spaces_and_hyphens() {
        assert_eq!(normalize_code(" ab3-k9 x"), "AB3K9X");
    }
}
