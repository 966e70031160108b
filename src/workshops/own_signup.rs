//! The private sign-up link: the person sees, changes or cancels their sign-up.

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use entity::workshop_signups;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
    sea_query::Expr,
};
use serde::Serialize;
use serde_json::Value;

use super::model::{Decided, Refusal, SignupStatus, Status, find, find_for_update, occupancy_of};
use super::sign_up::{SignupForm, SignupInput, SignupRules};
use super::views::{SignupFormView, WorkshopView, details, signup_form_view};
use super::waitlist::promote_waitlist;
use crate::web::forms::CheckForm;
use crate::{
    error::{AppError, AppResult},
    notifications::service::{self as notifications},
    rounds::model as rounds_service,
    secrets,
    state::AppState,
    web::{
        context::{Ctx, FlashKind, see_other},
        forms::{FormErrors, HtmlForm},
    },
};

#[derive(Debug, Default, serde::Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    pub new: Option<String>,
}

pub async fn signup_page(
    ctx: Ctx,
    token: web::Path<String>,
    query: web::Query<NewQuery>,
) -> AppResult<HttpResponse> {
    let Some(signup) = find_by_token(&ctx.state.db, &token).await? else {
        return link_invalid(&ctx);
    };
    let form = SignupForm::of(&signup);
    OwnPage {
        token: &token,
        signup: &signup,
        values: &form,
        new: query.new.is_some(),
    }
    .render(&ctx, &FormErrors::new(), StatusCode::OK)
    .await
}

/// One's own sign-up page in one state: the sign-up behind the private link `token`, what was
/// typed into its form, and whether it was just made (the page then says so).
struct OwnPage<'a> {
    token: &'a str,
    signup: &'a workshop_signups::Model,
    values: &'a SignupForm,
    new: bool,
}

#[derive(Serialize)]
struct OwnView<'a> {
    workshop: WorkshopView,
    new: bool,
    code: &'a str,
    link: String,
    status: &'a str,
    status_key: String,
    is_waitlisted: bool,
    is_cancelled: bool,
    people: i32,
    has_email: bool,
    organiser_phone: String,
    changeable: bool,
    cancellable: bool,
    action: String,
    cancel_href: String,
    form: SignupFormView<'a>,
    errors: Value,
}

impl OwnPage<'_> {
    /// Renders the page with `status` (422 or 409 when `errors` say why a change was refused).
    async fn render(
        &self,
        ctx: &Ctx,
        errors: &FormErrors,
        status: StatusCode,
    ) -> AppResult<HttpResponse> {
        let (token, signup) = (self.token, self.signup);
        let workshop = find(&ctx.state.db, signup.workshop_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let active = SignupStatus::is_active(&signup.status);
        // Someone waiting without an e-mail address gets no message on moving up: she has to
        // look.
        let organiser_phone =
            if SignupStatus::Waitlisted.is(&signup.status) && signup.email.is_none() {
                rounds_service::find(&ctx.state.db, workshop.round_id)
                    .await?
                    .map(|r| r.contact_phone)
                    .unwrap_or_default()
            } else {
                String::new()
            };
        let view = OwnView {
            workshop: details(ctx, &workshop),
            new: self.new,
            code: &signup.code,
            link: ctx
                .state
                .settings
                .absolute_url(&format!("/signups/{token}")),
            status: &signup.status,
            status_key: format!("signup-status-{}", signup.status),
            is_waitlisted: SignupStatus::Waitlisted.is(&signup.status),
            is_cancelled: SignupStatus::Cancelled.is(&signup.status),
            people: signup.people,
            has_email: signup.email.is_some(),
            organiser_phone,
            changeable: active && Status::Published.is(&workshop.status),
            cancellable: active && !Status::Held.is(&workshop.status),
            action: format!("/signups/{token}"),
            cancel_href: format!("/signups/{token}/cancel"),
            form: signup_form_view(&workshop, self.values, "signup-save"),
            errors: errors.view(ctx.lang),
        };
        ctx.render_about(
            status,
            "workshops/signup",
            "signup-page-title",
            &workshop.title,
            view,
        )
    }
}

/// The page of a private link that leads nowhere (it has no data to show).
#[derive(Serialize)]
struct NoSignup {}

fn link_invalid(ctx: &Ctx) -> AppResult<HttpResponse> {
    ctx.render_status(
        StatusCode::NOT_FOUND,
        "workshops/link_invalid",
        "signup-link-invalid-title",
        NoSignup {},
    )
}

pub async fn signup_change(
    ctx: Ctx,
    token: web::Path<String>,
    form: HtmlForm<SignupForm>,
) -> AppResult<HttpResponse> {
    let db = &ctx.state.db;
    let Some(signup) = find_by_token(db, &token).await? else {
        return link_invalid(&ctx);
    };
    let workshop = find(db, signup.workshop_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = form.0;
    let input = match form.check(&SignupRules::of(&workshop)) {
        Ok(input) => input,
        Err(errors) => {
            return OwnPage {
                token: &token,
                signup: &signup,
                values: &form,
                new: false,
            }
            .render(&ctx, &errors, StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        }
    };
    let txn = crate::db::begin_write(db).await?;
    let result = change_signup(&txn, &ctx.state, &signup, &input, ctx.state.clock.now()).await?;
    own_result(ctx, &token, txn, result, &form, "signup-saved").await
}

/// `GET /signups/{token}/cancel`: what would be cancelled, and the button that does it. A
/// cancellation cannot be taken back, so it is never one tap away.
pub async fn signup_cancel_form(ctx: Ctx, token: web::Path<String>) -> AppResult<HttpResponse> {
    let db = &ctx.state.db;
    let Some(signup) = find_by_token(db, &token).await? else {
        return link_invalid(&ctx);
    };
    let workshop = find(db, signup.workshop_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let active = SignupStatus::is_active(&signup.status);
    if !active || Status::Held.is(&workshop.status) {
        // Nothing (left) to cancel: the sign-up page says why.
        return Ok(see_other(&format!("/signups/{token}")));
    }
    ctx.render(
        "workshops/signup_cancel",
        "signup-cancel-confirm-title",
        CancelView {
            workshop: details(&ctx, &workshop),
            name: &signup.name,
            code: &signup.code,
            people: signup.people,
            status_key: format!("signup-status-{}", signup.status),
            is_waitlisted: SignupStatus::Waitlisted.is(&signup.status),
            back_href: format!("/signups/{token}"),
            cancel_action: format!("/signups/{token}/cancel"),
        },
    )
}

/// What would be cancelled, before the button that does it.
#[derive(Serialize)]
struct CancelView<'a> {
    workshop: WorkshopView,
    name: &'a Option<String>,
    code: &'a str,
    people: i32,
    status_key: String,
    is_waitlisted: bool,
    back_href: String,
    cancel_action: String,
}

pub async fn signup_cancel(ctx: Ctx, token: web::Path<String>) -> AppResult<HttpResponse> {
    let db = &ctx.state.db;
    let Some(signup) = find_by_token(db, &token).await? else {
        return link_invalid(&ctx);
    };
    let txn = crate::db::begin_write(db).await?;
    let result = cancel_signup(&txn, &ctx.state, &signup, ctx.state.clock.now()).await?;
    let form = SignupForm::of(&signup);
    own_result(ctx, &token, txn, result, &form, "signup-cancelled").await
}

async fn own_result(
    ctx: Ctx,
    token: &str,
    txn: sea_orm::DatabaseTransaction,
    result: Decided<()>,
    form: &SignupForm,
    done_key: &str,
) -> AppResult<HttpResponse> {
    match result {
        Ok(()) => {
            txn.commit().await?;
            notifications::wake(&ctx.state);
            ctx.flash(FlashKind::Success, done_key)?;
            Ok(see_other(&format!("/signups/{token}")))
        }
        Err(refusal) => {
            txn.rollback().await?;
            let signup = find_by_token(&ctx.state.db, token)
                .await?
                .ok_or(AppError::NotFound)?;
            let mut errors = FormErrors::new();
            errors.add("signup", refusal.message_key());
            OwnPage {
                token,
                signup: &signup,
                values: form,
                new: false,
            }
            .render(&ctx, &errors, StatusCode::CONFLICT)
            .await
        }
    }
}

/// The sign-up behind a private link. Links of sign-ups whose data was deleted lead nowhere.
pub async fn find_by_token(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<workshop_signups::Model>, DbErr> {
    workshop_signups::Entity::find()
        .filter(workshop_signups::Column::TokenHash.eq(secrets::token_hash(token)))
        .one(db)
        .await
}

/// Changes one's own sign-up. More people than before must still fit if it is confirmed; fewer
/// free places for the waitlist.
pub async fn change_signup(
    db: &impl ConnectionTrait,
    state: &AppState,
    signup: &workshop_signups::Model,
    input: &SignupInput,
    now: DateTime<Utc>,
) -> Result<Decided<()>, AppError> {
    let workshop = find_for_update(db, signup.workshop_id)
        .await?
        .ok_or(AppError::NotFound)?;
    match Status::parse(&workshop.status) {
        Some(Status::Published) => {}
        Some(Status::Cancelled) => return Ok(Err(Refusal::Cancelled)),
        _ => return Ok(Err(Refusal::NotOpen)),
    }
    // Read again under the lock: the sign-up may have been promoted or cancelled meanwhile.
    let current = workshop_signups::Entity::find_by_id(signup.id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if !SignupStatus::is_active(&current.status) {
        return Ok(Err(Refusal::NotConfirmed));
    }
    if SignupStatus::Confirmed.is(&current.status) && input.people > current.people {
        let occupied = occupancy_of(db, workshop.id).await?;
        if occupied.confirmed - i64::from(current.people) + i64::from(input.people)
            > i64::from(workshop.capacity)
        {
            return Ok(Err(Refusal::NoRoom));
        }
    }
    let mut model: workshop_signups::ActiveModel = current.clone().into();
    model.name = Set(Some(input.name.clone()));
    model.email = Set(input.email.clone());
    model.phone = Set(input.phone.clone());
    model.people = Set(input.people);
    model.children = Set(input.children);
    model.children_ages = Set(input.children_ages.clone());
    model.interpreter_language = Set(input.interpreter_language.clone());
    model.step_free = Set(input.step_free);
    model.note = Set(input.note.clone());
    model.updated_at = Set(now);
    model.update(db).await?;
    if SignupStatus::Confirmed.is(&current.status) && input.people < current.people {
        promote_waitlist(db, state, &workshop, now).await?;
    }
    Ok(Ok(()))
}

/// Cancels one's own sign-up; the first on the waitlist who fit move up and are told.
pub async fn cancel_signup(
    db: &impl ConnectionTrait,
    state: &AppState,
    signup: &workshop_signups::Model,
    now: DateTime<Utc>,
) -> Result<Decided<()>, AppError> {
    let workshop = find_for_update(db, signup.workshop_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if Status::Held.is(&workshop.status) {
        return Ok(Err(Refusal::NotOpen));
    }
    let result = workshop_signups::Entity::update_many()
        .col_expr(
            workshop_signups::Column::Status,
            SignupStatus::Cancelled.as_str().into(),
        )
        .col_expr(workshop_signups::Column::CancelledAt, Expr::value(now))
        .col_expr(workshop_signups::Column::UpdatedAt, Expr::value(now))
        .filter(workshop_signups::Column::Id.eq(signup.id))
        .filter(workshop_signups::Column::Status.is_in(SignupStatus::ACTIVE))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Ok(Err(Refusal::NotConfirmed));
    }
    if Status::Published.is(&workshop.status) {
        promote_waitlist(db, state, &workshop, now).await?;
    }
    Ok(Ok(()))
}
