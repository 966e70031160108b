//! Pages of the workshops slice: the public workshop page with sign-up, the private sign-up link,
//! and the coordinators' workshop management (lifecycle, sign-up list, check-in, export).

use actix_web::{HttpResponse, http::StatusCode, http::header, web};
use entity::{rounds, workshop_signups, workshops};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    admin::service as admin,
    error::{AppError, AppResult},
    identity::CurrentUser,
    notifications::service as notifications,
    rounds::model as rounds_service,
    strategy::picker::{self as strategy, GoalRef},
    web::{
        context::{Ctx, FlashKind, see_other},
        csv::{self, Cell, Sheet},
        forms::{FormErrors, HtmlForm},
        pagination::{PER_PAGE, PageQuery, PageView},
        rate_limit,
    },
    workshops::{
        forms::{
            CheckinForm, DocumentationForm, SignupForm, SignupRef, WorkshopForm, normalize_code,
        },
        service::{
            self, CANCELLED, CONFIRMED, CheckinBy, Decided, HELD, Occupancy, PUBLISHED, Refusal,
            Signer, Transition, WAITLISTED,
        },
    },
};

// ---- views ----

fn languages(workshop: &workshops::Model) -> Vec<String> {
    crate::rounds::forms::parse_tags(&workshop.interpreter_languages)
}

fn status_key(status: &str) -> String {
    format!("workshop-status-{status}")
}

/// "noch 4 Plätze frei" / "ausgebucht – Warteliste".
fn places_text(ctx: &Ctx, workshop: &workshops::Model, occupied: &Occupancy) -> String {
    let free = occupied.free(workshop.capacity);
    if free == 0 || occupied.waitlisted_signups > 0 {
        ctx.t("workshop-full")
    } else {
        crate::web::i18n::t_args(ctx.lang, "workshop-places-free", &[("count", free.into())])
    }
}

/// Everything about a workshop a resident (or its coordinator) reads.
fn details(ctx: &Ctx, workshop: &workshops::Model) -> Value {
    let tz = ctx.state.settings.time_zone;
    json!({
        "id": workshop.id,
        "title": workshop.title,
        "description": workshop.description,
        "when": service::when(ctx.lang, tz, workshop),
        "starts_at": workshop.starts_at.to_rfc3339(),
        "deadline": crate::web::i18n::format_datetime(ctx.lang, tz, workshop.signup_deadline, "format-datetime"),
        "address": workshop.address,
        "room": workshop.room,
        "transit": workshop.transit,
        "capacity": workshop.capacity,
        "max_per_signup": workshop.max_per_signup,
        "offers": {
            "step_free": workshop.step_free,
            "childcare": workshop.childcare,
            "sign_language": workshop.sign_language,
            "travel_costs": workshop.travel_costs,
            "food": workshop.food,
            "languages": languages(workshop).join(", "),
        },
        "status": workshop.status,
        "status_key": status_key(&workshop.status),
        "is_cancelled": workshop.status == CANCELLED,
        "is_held": workshop.status == HELD,
        "href": format!("/workshops/{}", workshop.id),
        "ics_href": format!("/workshops/{}/calendar.ics", workshop.id),
    })
}

/// The sign-up form's fields as its partial needs them.
fn signup_form_view(workshop: &workshops::Model, values: &SignupForm) -> Value {
    let options: Vec<Value> = languages(workshop)
        .into_iter()
        .map(|l| json!({ "selected": values.interpreter_language == l, "value": l }))
        .collect();
    json!({
        "values": values,
        "max_people": workshop.max_per_signup,
        "childcare": workshop.childcare,
        "step_free_offered": workshop.step_free,
        "languages": options,
        "has_languages": !options.is_empty(),
    })
}

// ---- public ----

pub async fn show(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let workshop = service::find_public(&ctx.state.db, *id)
        .await?
        .ok_or(AppError::NotFound)?;
    public_page(
        &ctx,
        &workshop,
        &SignupForm::blank(),
        &FormErrors::new(),
        StatusCode::OK,
    )
    .await
}

async fn public_page(
    ctx: &Ctx,
    workshop: &workshops::Model,
    values: &SignupForm,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let db = &ctx.state.db;
    let round = rounds_service::find(db, workshop.round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let place = admin::find_municipality(db, workshop.municipality_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let occupied = service::occupancy(db, &[workshop.id])
        .await?
        .remove(&workshop.id)
        .unwrap_or_default();
    let now = ctx.state.clock.now();
    let open = workshop.status == PUBLISHED && now < workshop.signup_deadline;
    let held = documented(ctx, workshop, &occupied, place.min_group_size).await?;
    let mut page = json!({
        "workshop": details(ctx, workshop),
        "round": { "title": round.title, "href": format!("/rounds/{}", round.slug) },
        "places": places_text(ctx, workshop, &occupied),
        "signup_open": open,
        "deadline_passed": workshop.status == PUBLISHED && !open,
        "action": format!("/workshops/{}", workshop.id),
        "form": signup_form_view(workshop, values),
        "held": held,
        "errors": errors.view(ctx.lang),
    });
    page["form"]["submit"] = json!("signup-submit");
    ctx.render_about(
        status,
        "workshops/show",
        "workshop-page-title",
        &workshop.title,
        page,
    )
}

/// What a held workshop publishes: documentation, informed goals, attendance (suppressed below
/// the minimum group size).
async fn documented(
    ctx: &Ctx,
    workshop: &workshops::Model,
    occupied: &Occupancy,
    min_group_size: i32,
) -> AppResult<Value> {
    if workshop.status != HELD {
        return Ok(Value::Null);
    }
    let ids = service::goal_ids(&ctx.state.db, &[workshop.id])
        .await?
        .remove(&workshop.id)
        .unwrap_or_default();
    let goals = strategy::goals_by_ids(&ctx.state.db, &ids).await?;
    Ok(json!({
        "documentation": workshop.documentation.clone().unwrap_or_default(),
        "attendance": service::attendance_view(ctx.lang, occupied.attended, min_group_size),
        "goals": goals.iter().map(|g| json!({ "href": format!("/goals/{}", g.id), "title": g.title })).collect::<Vec<_>>(),
    }))
}

pub async fn sign_up(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: HtmlForm<SignupForm>,
) -> AppResult<HttpResponse> {
    let db = &ctx.state.db;
    let workshop = service::find_public(db, *id)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = form.0;
    let now = ctx.state.clock.now();
    let mut errors = FormErrors::new();
    let Some(input) = form.check(workshop.max_per_signup, &languages(&workshop), &mut errors)
    else {
        return public_page(
            &ctx,
            &workshop,
            &form,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    // One short write, committed together with others arriving at the same time (group commit);
    // the rate-limit hit goes with it. A refusal writes nothing but the hit.
    let (state, workshop_id, lang, client_ip) =
        (ctx.state.clone(), workshop.id, ctx.lang, ctx.client_ip());
    let decided = ctx
        .state
        .writes
        .run(move |txn| {
            Box::pin(async move {
                let limit = rate_limit::WORKSHOP_SIGNUP_PER_IP;
                if !rate_limit::hit(txn, &state.keys, limit, &client_ip, now.timestamp()).await? {
                    return Ok(None);
                }
                let decided = service::sign_up(
                    txn,
                    &state,
                    workshop_id,
                    &input,
                    lang,
                    Signer::Resident,
                    now,
                )
                .await?;
                Ok::<_, AppError>(Some(decided))
            })
        })
        .await?;
    let Some(decided) = decided else {
        return Err(rate_limit::too_many(rate_limit::WORKSHOP_SIGNUP_PER_IP));
    };
    match decided {
        Ok(created) => {
            notifications::wake(&ctx.state);
            ctx.flash(
                FlashKind::Success,
                if created.signup.status == CONFIRMED {
                    "signup-created"
                } else {
                    "signup-waitlisted"
                },
            )?;
            Ok(see_other(&format!("/signups/{}?new=1", created.token)))
        }
        Err(refusal) => {
            let current = service::find(db, workshop.id)
                .await?
                .ok_or(AppError::NotFound)?;
            let mut errors = FormErrors::new();
            errors.add("signup", refusal.message_key());
            public_page(&ctx, &current, &form, &errors, StatusCode::CONFLICT).await
        }
    }
}

pub async fn calendar(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let workshop = service::find_public(&ctx.state.db, *id)
        .await?
        .ok_or(AppError::NotFound)?;
    let body = service::calendar(&ctx.state, &workshop, ctx.state.clock.now());
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/calendar; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"workshop.ics\"",
        ))
        .body(body))
}

// ---- the private sign-up link ----

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
    let Some(signup) = service::find_by_token(&ctx.state.db, &token).await? else {
        return link_invalid(&ctx);
    };
    let form = SignupForm::of(&signup);
    own_page(
        &ctx,
        &token,
        &signup,
        &form,
        &FormErrors::new(),
        StatusCode::OK,
        query.new.is_some(),
    )
    .await
}

async fn own_page(
    ctx: &Ctx,
    token: &str,
    signup: &workshop_signups::Model,
    values: &SignupForm,
    errors: &FormErrors,
    status: StatusCode,
    new: bool,
) -> AppResult<HttpResponse> {
    let workshop = service::find(&ctx.state.db, signup.workshop_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let active = matches!(signup.status.as_str(), CONFIRMED | WAITLISTED);
    let changeable = active && workshop.status == PUBLISHED;
    // Someone waiting without an e-mail address gets no message on moving up: she has to look.
    let organiser_phone = if signup.status == WAITLISTED && signup.email.is_none() {
        rounds_service::find(&ctx.state.db, workshop.round_id)
            .await?
            .map(|r| r.contact_phone)
            .unwrap_or_default()
    } else {
        String::new()
    };
    let mut form = signup_form_view(&workshop, values);
    form["submit"] = json!("signup-save");
    ctx.render_about(
        status,
        "workshops/signup",
        "signup-page-title",
        &workshop.title,
        json!({
            "workshop": details(ctx, &workshop),
            "new": new,
            "code": signup.code,
            "link": ctx.state.settings.absolute_url(&format!("/signups/{token}")),
            "status": signup.status,
            "status_key": format!("signup-status-{}", signup.status),
            "is_waitlisted": signup.status == WAITLISTED,
            "is_cancelled": signup.status == CANCELLED,
            "people": signup.people,
            "has_email": signup.email.is_some(),
            "organiser_phone": organiser_phone,
            "changeable": changeable,
            "cancellable": active && workshop.status != HELD,
            "action": format!("/signups/{token}"),
            "cancel_href": format!("/signups/{token}/cancel"),
            "form": form,
            "errors": errors.view(ctx.lang),
        }),
    )
}

fn link_invalid(ctx: &Ctx) -> AppResult<HttpResponse> {
    ctx.render_status(
        StatusCode::NOT_FOUND,
        "workshops/link_invalid",
        "signup-link-invalid-title",
        json!({}),
    )
}

pub async fn signup_change(
    ctx: Ctx,
    token: web::Path<String>,
    form: HtmlForm<SignupForm>,
) -> AppResult<HttpResponse> {
    let db = &ctx.state.db;
    let Some(signup) = service::find_by_token(db, &token).await? else {
        return link_invalid(&ctx);
    };
    let workshop = service::find(db, signup.workshop_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = form.0;
    let mut errors = FormErrors::new();
    let Some(input) = form.check(workshop.max_per_signup, &languages(&workshop), &mut errors)
    else {
        return own_page(
            &ctx,
            &token,
            &signup,
            &form,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
            false,
        )
        .await;
    };
    let txn = crate::db::begin_write(db).await?;
    let result =
        service::change_signup(&txn, &ctx.state, &signup, &input, ctx.state.clock.now()).await?;
    own_result(ctx, &token, txn, result, &form, "signup-saved").await
}

/// `GET /signups/{token}/cancel`: what would be cancelled, and the button that does it. A
/// cancellation cannot be taken back, so it is never one tap away.
pub async fn signup_cancel_form(ctx: Ctx, token: web::Path<String>) -> AppResult<HttpResponse> {
    let db = &ctx.state.db;
    let Some(signup) = service::find_by_token(db, &token).await? else {
        return link_invalid(&ctx);
    };
    let workshop = service::find(db, signup.workshop_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let active = matches!(signup.status.as_str(), CONFIRMED | WAITLISTED);
    if !active || workshop.status == HELD {
        // Nothing (left) to cancel: the sign-up page says why.
        return Ok(see_other(&format!("/signups/{token}")));
    }
    ctx.render(
        "workshops/signup_cancel",
        "signup-cancel-confirm-title",
        json!({
            "workshop": details(&ctx, &workshop),
            "name": signup.name,
            "code": signup.code,
            "people": signup.people,
            "status_key": format!("signup-status-{}", signup.status),
            "is_waitlisted": signup.status == WAITLISTED,
            "back_href": format!("/signups/{token}"),
            "cancel_action": format!("/signups/{token}/cancel"),
        }),
    )
}

pub async fn signup_cancel(ctx: Ctx, token: web::Path<String>) -> AppResult<HttpResponse> {
    let db = &ctx.state.db;
    let Some(signup) = service::find_by_token(db, &token).await? else {
        return link_invalid(&ctx);
    };
    let txn = crate::db::begin_write(db).await?;
    let result = service::cancel_signup(&txn, &ctx.state, &signup, ctx.state.clock.now()).await?;
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
            let signup = service::find_by_token(&ctx.state.db, token)
                .await?
                .ok_or(AppError::NotFound)?;
            let mut errors = FormErrors::new();
            errors.add("signup", refusal.message_key());
            own_page(
                &ctx,
                token,
                &signup,
                form,
                &errors,
                StatusCode::CONFLICT,
                false,
            )
            .await
        }
    }
}

// ---- staff ----

async fn managed_round(ctx: &Ctx, id: Uuid) -> AppResult<(CurrentUser, rounds::Model)> {
    let user = ctx.require_user()?.clone();
    let round = rounds_service::find(&ctx.state.db, id)
        .await?
        .filter(|r| user.coordinates(r.municipality_id))
        .ok_or(AppError::NotFound)?;
    Ok((user, round))
}

/// A workshop the signed-in coordinator may manage; another municipality's answers 404.
async fn managed(ctx: &Ctx, id: Uuid) -> AppResult<(CurrentUser, workshops::Model)> {
    let user = ctx.require_user()?.clone();
    let workshop = service::find(&ctx.state.db, id)
        .await?
        .filter(|w| user.coordinates(w.municipality_id))
        .ok_or(AppError::NotFound)?;
    Ok((user, workshop))
}

/// `/manage/rounds/{id}/workshops`: a round's workshops with their places.
pub async fn manage_list(
    ctx: Ctx,
    id: web::Path<Uuid>,
    query: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let (_, round) = managed_round(&ctx, *id).await?;
    let db = &ctx.state.db;
    let index = query.index();
    let (list, pages) = service::round_page(db, round.id, index, PER_PAGE).await?;
    let ids: Vec<Uuid> = list.iter().map(|w| w.id).collect();
    let mut occupied = service::occupancy(db, &ids).await?;
    let tz = ctx.state.settings.time_zone;
    let rows: Vec<Value> = list
        .iter()
        .map(|w| {
            let o = occupied.remove(&w.id).unwrap_or_default();
            json!({
                "title": w.title,
                "href": format!("/manage/workshops/{}", w.id),
                "signups_href": format!("/manage/workshops/{}/signups", w.id),
                "when": service::when(ctx.lang, tz, w),
                "status_key": status_key(&w.status),
                "status": w.status,
                "confirmed": o.confirmed,
                "capacity": w.capacity,
                "waitlisted": o.waitlisted,
            })
        })
        .collect();
    ctx.render_about(
        StatusCode::OK,
        "workshops/manage_list",
        "manage-workshops-title",
        &round.title,
        json!({
            "round": { "title": round.title, "href": format!("/manage/rounds/{}", round.id) },
            "new_href": format!("/manage/rounds/{}/workshops/new", round.id),
            "workshops": rows,
            "pagination": PageView::new(index, pages, &format!("/manage/rounds/{}/workshops", round.id)),
        }),
    )
}

pub async fn new_form(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (_, round) = managed_round(&ctx, *id).await?;
    form_page(
        &ctx,
        &round,
        None,
        &WorkshopForm::blank(),
        &FormErrors::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn create(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: HtmlForm<WorkshopForm>,
) -> AppResult<HttpResponse> {
    let (user, round) = managed_round(&ctx, *id).await?;
    let form = form.0;
    let mut errors = FormErrors::new();
    let Some(input) = form.check(ctx.state.settings.time_zone, &mut errors) else {
        return form_page(
            &ctx,
            &round,
            None,
            &form,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let workshop = service::create(&txn, &user, &round, &input, ctx.state.clock.now()).await?;
    txn.commit().await?;
    ctx.flash(FlashKind::Success, "workshop-created")?;
    Ok(see_other(&format!("/manage/workshops/{}", workshop.id)))
}

pub async fn edit_form(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (_, workshop) = managed(&ctx, *id).await?;
    let round = round_of(&ctx, &workshop).await?;
    let form = WorkshopForm::of(&workshop, ctx.state.settings.time_zone);
    form_page(
        &ctx,
        &round,
        Some(&workshop),
        &form,
        &FormErrors::new(),
        StatusCode::OK,
    )
    .await
}

async fn round_of(ctx: &Ctx, workshop: &workshops::Model) -> AppResult<rounds::Model> {
    rounds_service::find(&ctx.state.db, workshop.round_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The goals a held workshop may name: the strategy's active goals and those already named.
async fn allowed_goals(ctx: &Ctx, workshop: &workshops::Model) -> AppResult<Vec<GoalRef>> {
    let db = &ctx.state.db;
    let mut goals = strategy::goal_picker(db, workshop.municipality_id, &[]).await?;
    let linked = service::goal_ids(db, &[workshop.id])
        .await?
        .remove(&workshop.id)
        .unwrap_or_default();
    let missing: Vec<Uuid> = linked
        .into_iter()
        .filter(|id| !goals.iter().any(|g| g.id == *id))
        .collect();
    goals.extend(strategy::goals_by_ids(db, &missing).await?);
    Ok(goals)
}

async fn form_page(
    ctx: &Ctx,
    round: &rounds::Model,
    workshop: Option<&workshops::Model>,
    form: &WorkshopForm,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    documentation_page(ctx, round, workshop, form, None, errors, status).await
}

async fn documentation_page(
    ctx: &Ctx,
    round: &rounds::Model,
    workshop: Option<&workshops::Model>,
    form: &WorkshopForm,
    documentation: Option<&DocumentationForm>,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let now = ctx.state.clock.now();
    let lifecycle = match workshop {
        Some(w) => {
            let path = |what: &str| format!("/manage/workshops/{}/{what}", w.id);
            let doc = match documentation {
                Some(d) => d.clone(),
                None => DocumentationForm {
                    documentation: w.documentation.clone().unwrap_or_default(),
                    goal_ids: service::goal_ids(&ctx.state.db, &[w.id])
                        .await?
                        .remove(&w.id)
                        .unwrap_or_default()
                        .iter()
                        .map(Uuid::to_string)
                        .collect(),
                },
            };
            let goals: Vec<Value> = if w.status == HELD {
                allowed_goals(ctx, w)
                    .await?
                    .iter()
                    .map(|g| {
                        json!({
                            "id": g.id,
                            "title": g.title,
                            "field": g.field_title,
                            "checked": doc.goal_ids.iter().any(|id| id == &g.id.to_string()),
                        })
                    })
                    .collect()
            } else {
                Vec::new()
            };
            json!({
                "status": w.status,
                "status_key": status_key(&w.status),
                "public_href": (w.status != service::DRAFT).then(|| format!("/workshops/{}", w.id)),
                "signups_href": path("signups"),
                "can_publish": Transition::Publish.allowed(w, now),
                "can_cancel": Transition::Cancel.allowed(w, now),
                "can_hold": Transition::Held.allowed(w, now),
                "is_held": w.status == HELD,
                "editable": !matches!(w.status.as_str(), CANCELLED | HELD),
                "publish_action": path("publish"),
                "cancel_action": path("cancel"),
                "held_action": path("held"),
                "documentation_action": path("documentation"),
                "documentation": doc.documentation,
                "goals": goals,
            })
        }
        None => Value::Null,
    };
    let (heading, action) = match workshop {
        Some(w) => ("workshop-edit-title", format!("/manage/workshops/{}", w.id)),
        None => (
            "workshop-new-title",
            format!("/manage/rounds/{}/workshops/new", round.id),
        ),
    };
    ctx.render_about(
        status,
        "workshops/manage_form",
        heading,
        workshop.map_or(&round.title, |w| &w.title),
        json!({
            "heading": heading,
            "round": { "title": round.title, "href": format!("/manage/rounds/{}/workshops", round.id) },
            "action": action,
            "values": form,
            "lifecycle": lifecycle,
            "editable": workshop.is_none_or(|w| !matches!(w.status.as_str(), CANCELLED | HELD)),
            "errors": errors.view(ctx.lang),
        }),
    )
}

pub async fn update(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: HtmlForm<WorkshopForm>,
) -> AppResult<HttpResponse> {
    let (user, workshop) = managed(&ctx, *id).await?;
    let round = round_of(&ctx, &workshop).await?;
    let form = form.0;
    let mut errors = FormErrors::new();
    let Some(input) = form.check(ctx.state.settings.time_zone, &mut errors) else {
        return form_page(
            &ctx,
            &round,
            Some(&workshop),
            &form,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let current = service::find_for_update(&txn, workshop.id)
        .await?
        .ok_or(AppError::NotFound)?;
    match service::update(&txn, &user, &current, &input, ctx.state.clock.now()).await? {
        Ok(()) => {
            txn.commit().await?;
            ctx.flash(FlashKind::Success, "workshop-saved")?;
            Ok(see_other(&format!("/manage/workshops/{}", workshop.id)))
        }
        Err(refusal) => {
            txn.rollback().await?;
            let mut errors = FormErrors::new();
            let field = if refusal == Refusal::CapacityBelowConfirmed {
                "capacity"
            } else {
                "lifecycle"
            };
            errors.add(field, refusal.message_key());
            form_page(
                &ctx,
                &round,
                Some(&current),
                &form,
                &errors,
                StatusCode::CONFLICT,
            )
            .await
        }
    }
}

pub async fn publish(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    take(ctx, *id, Transition::Publish).await
}

pub async fn cancel(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    take(ctx, *id, Transition::Cancel).await
}

pub async fn held(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    take(ctx, *id, Transition::Held).await
}

async fn take(ctx: Ctx, id: Uuid, transition: Transition) -> AppResult<HttpResponse> {
    let (user, _) = managed(&ctx, id).await?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let workshop = service::find_for_update(&txn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = ctx.state.clock.now();
    match service::transition(&txn, &ctx.state, &user, &workshop, transition, now).await? {
        Ok(()) => {
            txn.commit().await?;
            notifications::wake(&ctx.state);
            ctx.flash(
                FlashKind::Success,
                match transition {
                    Transition::Publish => "workshop-published",
                    Transition::Cancel => "workshop-cancelled",
                    Transition::Held => "workshop-marked-held",
                },
            )?;
            Ok(see_other(&format!("/manage/workshops/{id}")))
        }
        Err(refusal) => {
            txn.rollback().await?;
            refused(&ctx, &workshop, refusal).await
        }
    }
}

async fn refused(
    ctx: &Ctx,
    workshop: &workshops::Model,
    refusal: Refusal,
) -> AppResult<HttpResponse> {
    let round = round_of(ctx, workshop).await?;
    let form = WorkshopForm::of(workshop, ctx.state.settings.time_zone);
    let mut errors = FormErrors::new();
    errors.add("lifecycle", refusal.message_key());
    form_page(
        ctx,
        &round,
        Some(workshop),
        &form,
        &errors,
        StatusCode::CONFLICT,
    )
    .await
}

pub async fn document(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: HtmlForm<DocumentationForm>,
) -> AppResult<HttpResponse> {
    let (user, workshop) = managed(&ctx, *id).await?;
    let form = form.0;
    let allowed = allowed_goals(&ctx, &workshop).await?;
    let mut goal_ids: Vec<Uuid> = Vec::new();
    let mut errors = FormErrors::new();
    for raw in &form.goal_ids {
        match Uuid::parse_str(raw.trim()) {
            Ok(id) if allowed.iter().any(|g| g.id == id) => goal_ids.push(id),
            _ => errors.add("goal_ids", "error-workshop-goals-foreign"),
        }
    }
    goal_ids.sort();
    goal_ids.dedup();
    let text = crate::web::forms::multiline(&form.documentation);
    let text = text.as_str();
    if text.chars().count() > crate::workshops::forms::TEXT_MAX {
        errors.add("documentation", "error-workshop-text-long");
    }
    let round = round_of(&ctx, &workshop).await?;
    let values = WorkshopForm::of(&workshop, ctx.state.settings.time_zone);
    if !errors.is_empty() {
        return documentation_page(
            &ctx,
            &round,
            Some(&workshop),
            &values,
            Some(&form),
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    match service::document(
        &txn,
        &user,
        &workshop,
        text,
        &goal_ids,
        ctx.state.clock.now(),
    )
    .await?
    {
        Ok(()) => {
            txn.commit().await?;
            ctx.flash(FlashKind::Success, "workshop-documented")?;
            Ok(see_other(&format!("/manage/workshops/{}", workshop.id)))
        }
        Err(refusal) => {
            txn.rollback().await?;
            let mut errors = FormErrors::new();
            errors.add("documentation", refusal.message_key());
            documentation_page(
                &ctx,
                &round,
                Some(&workshop),
                &values,
                Some(&form),
                &errors,
                StatusCode::CONFLICT,
            )
            .await
        }
    }
}

// ---- staff: sign-ups ----

pub async fn signups(
    ctx: Ctx,
    id: web::Path<Uuid>,
    query: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let (_, workshop) = managed(&ctx, *id).await?;
    signups_page(
        &ctx,
        &workshop,
        query.index(),
        &SignupForm::blank(),
        "",
        &FormErrors::new(),
        StatusCode::OK,
    )
    .await
}

async fn signups_page(
    ctx: &Ctx,
    workshop: &workshops::Model,
    index: u64,
    values: &SignupForm,
    code: &str,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let db = &ctx.state.db;
    let (list, pages) = service::signup_page(db, workshop.id, index, PER_PAGE).await?;
    let occupied = service::occupancy(db, &[workshop.id])
        .await?
        .remove(&workshop.id)
        .unwrap_or_default();
    let (needs, languages) = service::needs(db, workshop.id).await?;
    let free = occupied.free(workshop.capacity);
    let tz = ctx.state.settings.time_zone;
    let path = |what: &str| format!("/manage/workshops/{}/{what}", workshop.id);
    let rows: Vec<Value> = list
        .iter()
        .map(|s| {
            json!({
                "id": s.id,
                "seq": s.seq,
                "code": s.code,
                "name": s.name,
                "deleted": s.personal_data_deleted_at.is_some(),
                "email": s.email,
                "phone": s.phone,
                "people": s.people,
                "children": s.children,
                "children_ages": s.children_ages,
                "interpreter": s.interpreter_language,
                "step_free": s.step_free,
                "note": s.note,
                "by_staff": s.source == service::BY_STAFF,
                "status_key": format!("signup-status-{}", s.status),
                "checked_in": s.checked_in_at.is_some(),
                "can_check_in": s.status == CONFIRMED && s.checked_in_at.is_none()
                    && matches!(workshop.status.as_str(), PUBLISHED | HELD),
                "can_promote": s.status == WAITLISTED && workshop.status == PUBLISHED
                    && i64::from(s.people) <= free,
                "cancel_href": (matches!(s.status.as_str(), CONFIRMED | WAITLISTED)
                    && workshop.status == PUBLISHED)
                    .then(|| format!("{}?signup_id={}", path("cancel-signup"), s.id)),
                "created_at": s.created_at.to_rfc3339(),
            })
        })
        .collect();
    let mut form = signup_form_view(workshop, values);
    form["submit"] = json!("signup-add-button");
    ctx.render_about(
        status,
        "workshops/manage_signups",
        "manage-signups-title",
        &workshop.title,
        json!({
            "workshop": {
                "title": workshop.title,
                "when": service::when(ctx.lang, tz, workshop),
                "href": format!("/manage/workshops/{}", workshop.id),
                "status_key": status_key(&workshop.status),
                "is_published": workshop.status == PUBLISHED,
            },
            "capacity": workshop.capacity,
            "confirmed": occupied.confirmed,
            "free": free,
            "waitlisted": occupied.waitlisted,
            "attended": occupied.attended,
            "needs": {
                "signups": needs.signups,
                "people": needs.people,
                "childcare_signups": needs.childcare_signups,
                "children": needs.children,
                "step_free": needs.step_free,
                "with_email": needs.with_email,
                "without_contact": needs.without_contact,
                "languages": languages.iter().map(|l| json!({ "language": l.language, "count": l.signups })).collect::<Vec<_>>(),
            },
            "signups": rows,
            "add_action": path("signups"),
            "checkin_action": path("checkin"),
            "promote_action": path("promote"),
            "export_href": path("export.csv"),
            "attendance_href": path("attendance"),
            "code": code,
            "form": form,
            "pagination": PageView::new(index, pages, &path("signups")),
            "errors": errors.view(ctx.lang),
        }),
    )
}

pub async fn add_signup(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: HtmlForm<SignupForm>,
) -> AppResult<HttpResponse> {
    let (user, workshop) = managed(&ctx, *id).await?;
    let form = form.0;
    let mut errors = FormErrors::new();
    let Some(input) = form.check(workshop.max_per_signup, &languages(&workshop), &mut errors)
    else {
        return signups_page(
            &ctx,
            &workshop,
            0,
            &form,
            "",
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    match service::sign_up(
        &txn,
        &ctx.state,
        workshop.id,
        &input,
        ctx.lang,
        Signer::Staff(&user),
        ctx.state.clock.now(),
    )
    .await?
    {
        Ok(created) => {
            txn.commit().await?;
            notifications::wake(&ctx.state);
            ctx.flash(
                FlashKind::Success,
                if created.signup.status == CONFIRMED {
                    "signup-added"
                } else {
                    "signup-added-waitlist"
                },
            )?;
            Ok(see_other(&format!(
                "/manage/workshops/{}/signups",
                workshop.id
            )))
        }
        Err(refusal) => {
            txn.rollback().await?;
            let mut errors = FormErrors::new();
            errors.add("signup", refusal.message_key());
            signups_page(&ctx, &workshop, 0, &form, "", &errors, StatusCode::CONFLICT).await
        }
    }
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
    match service::check_in(&txn, &user, &workshop, by, ctx.state.clock.now()).await? {
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
            signups_page(
                &ctx,
                &workshop,
                0,
                &SignupForm::blank(),
                &form.code,
                &errors,
                StatusCode::CONFLICT,
            )
            .await
        }
    }
}

pub async fn promote(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<SignupRef>,
) -> AppResult<HttpResponse> {
    let (user, workshop) = managed(&ctx, *id).await?;
    let signup_id = Uuid::parse_str(form.signup_id.trim()).map_err(|_| AppError::NotFound)?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let outcome = service::promote_by_hand(
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

/// Ends a staff action on a sign-up of the list: commit, say so and go back to the list; or roll
/// back and show the list with the refusal (409).
async fn finish_staff_signup_action(
    ctx: &Ctx,
    txn: sea_orm::DatabaseTransaction,
    workshop: &workshops::Model,
    outcome: Result<(), Refusal>,
    done_key: &str,
) -> AppResult<HttpResponse> {
    match outcome {
        Ok(()) => {
            txn.commit().await?;
            notifications::wake(&ctx.state);
            ctx.flash(FlashKind::Success, done_key)?;
            Ok(see_other(&format!(
                "/manage/workshops/{}/signups",
                workshop.id
            )))
        }
        Err(refusal) => {
            txn.rollback().await?;
            let mut errors = FormErrors::new();
            errors.add("signup", refusal.message_key());
            signups_page(
                ctx,
                workshop,
                0,
                &SignupForm::blank(),
                "",
                &errors,
                StatusCode::CONFLICT,
            )
            .await
        }
    }
}

/// A sign-up staff may cancel: one of this workshop's, still confirmed or waitlisted, while the
/// workshop is published.
async fn cancellable_signup(
    ctx: &Ctx,
    workshop: &workshops::Model,
    raw_id: &str,
) -> AppResult<workshop_signups::Model> {
    let signup_id = Uuid::parse_str(raw_id.trim()).map_err(|_| AppError::NotFound)?;
    service::find_signup(&ctx.state.db, workshop.id, signup_id)
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
    if workshop.status != PUBLISHED || !matches!(signup.status.as_str(), CONFIRMED | WAITLISTED) {
        ctx.flash(FlashKind::Error, "signup-error-not-cancellable")?;
        return Ok(see_other(&list));
    }
    ctx.render(
        "workshops/manage_cancel",
        "manage-cancel-title",
        json!({
            "workshop": {
                "title": workshop.title,
                "when": service::when(ctx.lang, ctx.state.settings.time_zone, &workshop),
            },
            "signup": {
                "id": signup.id,
                "name": signup.name,
                "code": signup.code,
                "people": signup.people,
                "status_key": format!("signup-status-{}", signup.status),
                "has_email": signup.email.is_some(),
                "waitlisted": signup.status == WAITLISTED,
            },
            "action": format!("/manage/workshops/{}/cancel-signup", workshop.id),
            "back_href": list,
        }),
    )
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
    let outcome = if workshop.status == PUBLISHED {
        service::cancel_by_staff(
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

pub async fn export_csv(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (user, workshop) = managed(&ctx, *id).await?;
    let db = &ctx.state.db;
    let list = service::active_signups(db, workshop.id).await?;
    let tz = ctx.state.settings.time_zone;
    let head: Vec<String> = [
        "csv-seq",
        "csv-code",
        "csv-status",
        "csv-name",
        "csv-email",
        "csv-phone",
        "csv-people",
        "csv-children",
        "csv-children-ages",
        "csv-interpreter",
        "csv-step-free",
        "csv-note",
        "csv-source",
        "csv-checked-in",
        "csv-created",
    ]
    .iter()
    .map(|k| ctx.t(k))
    .collect();
    let mut sheet = Sheet::new(&head)?;
    let yes = || Cell::text(ctx.t("csv-yes"));
    for s in &list {
        let opt = |v: &Option<String>| v.as_deref().map_or(Cell::Empty, Cell::text);
        sheet.row([
            Cell::Integer(i64::from(s.seq)),
            Cell::text(s.code.clone()),
            Cell::text(ctx.t(&format!("signup-status-{}", s.status))),
            opt(&s.name),
            opt(&s.email),
            opt(&s.phone),
            Cell::Integer(i64::from(s.people)),
            Cell::Integer(i64::from(s.children)),
            opt(&s.children_ages),
            opt(&s.interpreter_language),
            if s.step_free { yes() } else { Cell::Empty },
            opt(&s.note),
            Cell::text(ctx.t(&format!("signup-source-{}", s.source))),
            if s.checked_in_at.is_some() {
                yes()
            } else {
                Cell::Empty
            },
            Cell::text(crate::web::i18n::format_datetime(
                ctx.lang,
                tz,
                s.created_at,
                "format-datetime",
            )),
        ])?;
    }
    let body = sheet.finish()?;
    let txn = crate::db::begin_write(db).await?;
    service::record_export(
        &txn,
        &user,
        &workshop,
        "csv",
        list.len(),
        ctx.state.clock.now(),
    )
    .await?;
    txn.commit().await?;
    let today = ctx.state.clock.now().with_timezone(&tz).date_naive();
    Ok(csv::download(
        &workshop.title,
        &ctx.t("csv-file-signups"),
        today,
        body,
    ))
}

/// A printable attendance list: the confirmed sign-ups with a box to tick, then the waitlist.
/// Rows for people who come without a sign-up, written in by hand on the printed list.
const WALK_IN_ROWS: usize = 8;

pub async fn attendance(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (user, workshop) = managed(&ctx, *id).await?;
    let db = &ctx.state.db;
    let list = service::active_signups(db, workshop.id).await?;
    // The same needs, with the same labels, as the sign-up list on screen.
    let row = |s: &workshop_signups::Model| {
        json!({
            "seq": s.seq,
            "code": s.code,
            "name": s.name,
            "phone": s.phone,
            "people": s.people,
            "children": s.children,
            "children_ages": s.children_ages,
            "interpreter": s.interpreter_language,
            "step_free": s.step_free,
            "note": s.note,
            "checked_in": s.checked_in_at.is_some(),
        })
    };
    let confirmed: Vec<Value> = list
        .iter()
        .filter(|s| s.status == CONFIRMED)
        .map(row)
        .collect();
    let waiting: Vec<&workshop_signups::Model> =
        list.iter().filter(|s| s.status == WAITLISTED).collect();
    let (needs, languages) = service::needs(db, workshop.id).await?;
    let waiting_people: i64 = waiting.iter().map(|s| i64::from(s.people)).sum();
    let txn = crate::db::begin_write(db).await?;
    service::record_export(
        &txn,
        &user,
        &workshop,
        "attendance",
        list.len(),
        ctx.state.clock.now(),
    )
    .await?;
    txn.commit().await?;
    ctx.render_about(
        StatusCode::OK,
        "workshops/attendance",
        "attendance-title",
        &workshop.title,
        json!({
            "workshop": details(&ctx, &workshop),
            "back_href": format!("/manage/workshops/{}/signups", workshop.id),
            "confirmed": confirmed,
            "totals": {
                "signups": needs.signups,
                "people": needs.people,
                "children": needs.children,
                "step_free": needs.step_free,
                "languages": languages.iter().map(|l| json!({ "language": l.language, "count": l.signups })).collect::<Vec<_>>(),
                "any_need": needs.children > 0 || needs.step_free > 0 || !languages.is_empty(),
            },
            "waiting": waiting.iter().map(|s| row(s)).collect::<Vec<_>>(),
            "waiting_people": waiting_people,
            "walk_ins": vec![json!({}); WALK_IN_ROWS],
        }),
    )
}
