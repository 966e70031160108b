//! Pages of the rounds slice: the public list and round page, subscriptions to new rounds, and
//! the coordinators' round management.

use actix_web::{HttpResponse, http::StatusCode, web};
use entity::{municipalities, rounds};
use sea_orm::SqlErr;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    accounts::service::CurrentUser,
    admin::service as admin,
    audit::service as audit,
    error::{AppError, AppResult},
    notifications::service as notifications,
    rounds::{
        forms::{
            EvaluationForm, HomeQuery, ManageQuery, NewRoundQuery, RoundForm, RoundInput,
            SubscribeForm, first_day, last_day,
        },
        service::{self, Outcome, PublicFilter, Status, Transition},
    },
    strategy::service::{self as strategy, GoalRef},
    web::{
        context::{Ctx, FlashKind, see_other},
        forms::{FormErrors, HtmlForm},
        i18n,
        pagination::{PER_PAGE, PageQuery, PageView},
        rate_limit,
    },
};

// ---- public ----

/// `/`: open rounds first, then closed and evaluated ones; filterable by municipality and by
/// target group.
pub async fn home(ctx: Ctx, query: web::Query<HomeQuery>) -> AppResult<HttpResponse> {
    let db = &ctx.state.db;
    let places = service::municipalities_with_rounds(db).await?;
    let place = places
        .iter()
        .find(|m| !query.municipality.is_empty() && m.slug == query.municipality);
    let group = Some(query.group.trim().to_string()).filter(|g| !g.is_empty());
    let filter = PublicFilter {
        municipality_id: place.map(|m| m.id),
        target_group: group.clone(),
    };
    let index = PageQuery { page: query.page }.index();
    let (list, pages) = service::public_page(db, &filter, index, PER_PAGE).await?;
    let ids: Vec<Uuid> = list.iter().map(|r| r.id).collect();
    let mut groups = service::target_groups(db, &ids).await?;
    // Every listed round is public, so its municipality is among `places`.
    let rows: Vec<Value> = list
        .iter()
        .map(|r| {
            let municipality = places
                .iter()
                .find(|m| m.id == r.municipality_id)
                .map(|m| m.name.clone())
                .unwrap_or_default();
            card(
                &ctx,
                r,
                &municipality,
                groups.remove(&r.id).unwrap_or_default(),
            )
        })
        .collect();
    let all_groups = service::public_target_groups(db, filter.municipality_id).await?;
    // No municipality has published anything yet (a new instance): say so, and offer the
    // subscription only once there is a municipality to subscribe to.
    let nothing_published = places.is_empty();
    let can_subscribe = !nothing_published || service::any_municipality(db).await?;
    let mut params = Vec::new();
    if let Some(m) = place {
        params.push(("municipality", m.slug.clone()));
    }
    if let Some(g) = &group {
        params.push(("group", g.clone()));
    }
    let base = if params.is_empty() {
        "/".to_string()
    } else {
        format!(
            "/?{}",
            serde_urlencoded::to_string(&params).unwrap_or_default()
        )
    };
    ctx.render(
        "rounds/home",
        "home-title",
        json!({
            "rounds": rows,
            "filtered": place.is_some() || group.is_some(),
            "nothing_published": nothing_published,
            "can_subscribe": can_subscribe,
            "municipalities": places.iter().map(|m| json!({
                "slug": m.slug,
                "name": m.name,
                "selected": place.is_some_and(|p| p.id == m.id),
            })).collect::<Vec<_>>(),
            "groups": all_groups.iter().map(|g| json!({
                "name": g,
                "selected": group.as_deref() == Some(g.as_str()),
            })).collect::<Vec<_>>(),
            "subscribe_href": match place {
                Some(m) => format!("/subscribe?municipality={}", m.slug),
                None => "/subscribe".to_string(),
            },
            "pagination": PageView::new(index, pages, &base),
        }),
    )
}

fn status_key(round: &rounds::Model) -> &'static str {
    match Status::parse(&round.status) {
        Some(Status::Open) => "round-status-open",
        Some(Status::Closed) => "round-status-closed",
        Some(Status::Evaluated) => "round-status-evaluated",
        _ if round.scheduled_at.is_some() => "round-status-scheduled",
        _ => "round-status-draft",
    }
}

fn period(ctx: &Ctx, round: &rounds::Model) -> Value {
    let tz = ctx.state.settings.time_zone;
    let pattern = ctx.t("format-date");
    json!({
        "starts_on": first_day(tz, round.starts_at).format(&pattern).to_string(),
        "ends_on": last_day(tz, round.ends_at).format(&pattern).to_string(),
    })
}

fn card(ctx: &Ctx, round: &rounds::Model, municipality: &str, groups: Vec<String>) -> Value {
    json!({
        "href": format!("/rounds/{}", round.slug),
        "title": round.title,
        "summary": round.summary,
        "municipality": municipality,
        "status": round.status,
        "status_key": status_key(round),
        "period": period(ctx, round),
        "target_groups": groups,
    })
}

/// `/rounds/{slug}`: everything a resident needs to take part. Drafts do not exist here.
pub async fn show(ctx: Ctx, slug: web::Path<String>) -> AppResult<HttpResponse> {
    let round = service::find_public(&ctx.state.db, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let page = round_page(&ctx, &round, false).await?;
    ctx.render_title("rounds/show", &round.title, page)
}

async fn round_page(ctx: &Ctx, round: &rounds::Model, preview: bool) -> AppResult<Value> {
    let db = &ctx.state.db;
    let municipality = admin::find_municipality(db, round.municipality_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let goal_ids = service::goal_ids(db, round.id).await?;
    let goals = strategy::goals_by_ids(db, &goal_ids).await?;
    let groups = service::target_groups(db, &[round.id])
        .await?
        .remove(&round.id)
        .unwrap_or_default();
    Ok(json!({
        "preview": preview,
        "edit_href": format!("/manage/rounds/{}", round.id),
        "title": round.title,
        "summary": round.summary,
        "description": round.description,
        "status": round.status,
        "status_key": status_key(round),
        "is_open": round.status == Status::Open.as_str(),
        "period": period(ctx, round),
        "target_groups": groups,
        "municipality": { "name": municipality.name, "slug": municipality.slug },
        "legal_municipality": municipality.slug,
        "contact": {
            "name": round.contact_name,
            "phone": round.contact_phone,
            "phone_href": format!("tel:{}", round.contact_phone.replace([' ', '/', '(', ')', '-'], "")),
            "email": round.contact_email,
            "address": round.contact_address,
        },
        "goals": goals.iter().map(|g| json!({
            "href": format!("/goals/{}", g.id),
            "title": g.title,
            "field": g.field_title,
        })).collect::<Vec<_>>(),
        "evaluation_summary": round.evaluation_summary.clone().unwrap_or_default(),
        "evaluated": round.status == Status::Evaluated.as_str(),
        "finished": round.status == Status::Closed.as_str()
            || round.status == Status::Evaluated.as_str(),
        "online": online_modules(ctx, round.id).await?,
        "in_person": crate::workshops::summaries::round_modules(ctx, round.id).await?,
        "outcomes": outcomes(ctx, round.id).await?,
        "workshops_held": crate::workshops::summaries::documented_for_round(ctx, round.id).await?,
    }))
}

/// The ways to take part on the internet: the round's public surveys and idea boards.
async fn online_modules(ctx: &Ctx, round_id: Uuid) -> AppResult<Vec<Value>> {
    let db = &ctx.state.db;
    let surveys = crate::surveys::service::public_surveys_of_round(db, round_id).await?;
    let boards = crate::ideas::summaries::boards_of_round(db, round_id).await?;
    Ok(surveys
        .iter()
        .map(|s| json!({ "href": format!("/surveys/{}", s.id), "title": s.title }))
        .chain(
            boards
                .iter()
                .map(|b| json!({ "href": format!("/ideas/{}", b.id), "title": b.title })),
        )
        .collect())
}

/// What a finished round left behind: the published results of its surveys and its idea boards
/// with the administration's answers (held workshops show their documentation on their own).
async fn outcomes(ctx: &Ctx, round_id: Uuid) -> AppResult<Vec<Value>> {
    let db = &ctx.state.db;
    let surveys = crate::surveys::service::public_surveys_of_round(db, round_id).await?;
    let boards = crate::ideas::summaries::boards_of_round(db, round_id).await?;
    Ok(surveys
        .iter()
        .filter(|s| s.results_published_at.is_some())
        .map(|s| {
            json!({
                "href": format!("/surveys/{}/results", s.id),
                "title": i18n::t_args(ctx.lang, "round-outcome-survey", &[("title", s.title.clone().into())]),
            })
        })
        .chain(boards.iter().map(|b| {
            json!({
                "href": format!("/ideas/{}", b.id),
                "title": i18n::t_args(ctx.lang, "round-outcome-board", &[("title", b.title.clone().into())]),
            })
        }))
        .collect())
}

// ---- subscriptions ----

pub async fn subscribe_form(ctx: Ctx, query: web::Query<NewRoundQuery>) -> AppResult<HttpResponse> {
    let form = SubscribeForm {
        municipality: query.municipality.clone(),
        email: String::new(),
    };
    subscribe_page(&ctx, &form, StatusCode::OK, &FormErrors::new()).await
}

async fn subscribe_page(
    ctx: &Ctx,
    form: &SubscribeForm,
    status: StatusCode,
    errors: &FormErrors,
) -> AppResult<HttpResponse> {
    let places = admin::all_municipalities(&ctx.state.db).await?;
    ctx.render_status(
        status,
        "rounds/subscribe",
        "subscribe-title",
        json!({
            "values": form,
            "municipalities": places.iter().map(|m| json!({
                "slug": m.slug,
                "name": m.name,
                "selected": m.slug == form.municipality,
            })).collect::<Vec<_>>(),
            "errors": errors.view(ctx.lang),
        }),
    )
}

pub async fn subscribe(ctx: Ctx, form: web::Form<SubscribeForm>) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let mut errors = FormErrors::new();
    let place = admin::all_municipalities(&ctx.state.db)
        .await?
        .into_iter()
        .find(|m| m.slug == form.municipality);
    if place.is_none() {
        errors.add("municipality", "error-municipality-unknown");
    }
    if form.email.is_empty() {
        errors.add("email", "error-email-missing");
    } else if !validator::ValidateEmail::validate_email(&form.email) || form.email.len() > 254 {
        errors.add("email", "error-email-invalid");
    }
    let Some(place) = place.filter(|_| errors.is_empty()) else {
        return subscribe_page(&ctx, &form, StatusCode::UNPROCESSABLE_ENTITY, &errors).await;
    };
    let now = ctx.state.clock.now();
    let db = &ctx.state.db;
    let keys = &ctx.state.keys;
    let stamp = now.timestamp();
    if !rate_limit::hit(
        db,
        keys,
        rate_limit::SUBSCRIBE_PER_IP,
        &ctx.client_ip(),
        stamp,
    )
    .await?
    {
        return Err(rate_limit::too_many(rate_limit::SUBSCRIBE_PER_IP));
    }
    let recipient = crate::accounts::service::normalize_email(&form.email);
    // Past the per-recipient limit the page answers as always but sends nothing, so nobody can
    // flood an inbox through this form or learn from the answer that the limit was reached.
    if rate_limit::hit(
        db,
        keys,
        rate_limit::SUBSCRIBE_PER_RECIPIENT,
        &recipient,
        stamp,
    )
    .await?
    {
        let txn = crate::db::begin_write(db).await?;
        service::subscribe(&txn, &ctx.state, &place, &recipient, ctx.lang, now).await?;
        txn.commit().await?;
        notifications::wake(&ctx.state);
    }
    Ok(see_other("/subscribe/sent"))
}

pub async fn subscribe_sent(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.render("rounds/subscribe_sent", "subscribe-sent-title", json!({}))
}

/// The signed link from a mail, checked. Unknown, expired and forged links look the same.
/// The two things a subscription link can do.
fn link_purpose(purpose: &str) -> AppResult<&'static str> {
    match purpose {
        service::CONFIRM => Ok(service::CONFIRM),
        service::UNSUBSCRIBE => Ok(service::UNSUBSCRIBE),
        _ => Err(AppError::NotFound),
    }
}

fn signed_subscription(ctx: &Ctx, id: &str, purpose: &str, signature: &str) -> Option<Uuid> {
    let id = Uuid::parse_str(id).ok()?;
    service::signature_matches(&ctx.state.keys, purpose, id, signature).then_some(id)
}

/// GET of a link from a mail: a page with a button, so mail scanners that follow links change
/// nothing.
pub async fn subscription_link_page(
    ctx: Ctx,
    path: web::Path<(String, String, String)>,
) -> AppResult<HttpResponse> {
    let (id, purpose, signature) = path.into_inner();
    let purpose = link_purpose(&purpose)?;
    let Some(id) = signed_subscription(&ctx, &id, purpose, &signature) else {
        return link_invalid(&ctx);
    };
    let subscription = service::find_subscription(&ctx.state.db, id).await?;
    let place = match &subscription {
        Some(s) => admin::find_municipality(&ctx.state.db, s.municipality_id).await?,
        None => None,
    };
    match (purpose, subscription, place) {
        (service::CONFIRM, Some(s), Some(place)) if s.confirmed_at.is_none() => ctx.render(
            "rounds/subscription_action",
            "subscription-confirm-title",
            json!({
                "heading": "subscription-confirm-title",
                "text": "subscription-confirm-text",
                "button": "subscription-confirm-button",
                "municipality": place.name,
                "action": format!("/subscriptions/{id}/{purpose}/{signature}"),
            }),
        ),
        (service::CONFIRM, Some(_), Some(_)) => done(&ctx, "subscription-confirmed"),
        (service::UNSUBSCRIBE, Some(_), Some(place)) => ctx.render(
            "rounds/subscription_action",
            "unsubscribe-title",
            json!({
                "heading": "unsubscribe-title",
                "text": "unsubscribe-text",
                "button": "unsubscribe-button",
                "municipality": place.name,
                "action": format!("/subscriptions/{id}/{purpose}/{signature}"),
            }),
        ),
        (service::UNSUBSCRIBE, _, _) => done(&ctx, "unsubscribed"),
        _ => link_invalid(&ctx),
    }
}

pub async fn subscription_link(
    ctx: Ctx,
    path: web::Path<(String, String, String)>,
) -> AppResult<HttpResponse> {
    let (id, purpose, signature) = path.into_inner();
    let purpose = link_purpose(&purpose)?;
    let Some(id) = signed_subscription(&ctx, &id, purpose, &signature) else {
        return link_invalid(&ctx);
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    if purpose == service::UNSUBSCRIBE {
        service::unsubscribe(&txn, id).await?;
        txn.commit().await?;
        return done(&ctx, "unsubscribed");
    }
    let confirmed = service::confirm_subscription(&txn, id, ctx.state.clock.now()).await?;
    txn.commit().await?;
    if confirmed {
        return done(&ctx, "subscription-confirmed");
    }
    match service::find_subscription(&ctx.state.db, id).await? {
        Some(s) if s.confirmed_at.is_some() => done(&ctx, "subscription-confirmed"),
        _ => link_invalid(&ctx),
    }
}

fn done(ctx: &Ctx, key: &str) -> AppResult<HttpResponse> {
    ctx.render(
        "rounds/subscription_done",
        &format!("{key}-title"),
        json!({ "heading": format!("{key}-title"), "text": format!("{key}-text") }),
    )
}

fn link_invalid(ctx: &Ctx) -> AppResult<HttpResponse> {
    ctx.render_status(
        StatusCode::NOT_FOUND,
        "rounds/subscription_done",
        "subscription-link-invalid-title",
        json!({
            "heading": "subscription-link-invalid-title",
            "text": "subscription-link-invalid-text",
        }),
    )
}

// ---- staff: round management ----

/// The municipalities whose rounds `user` manages: `None` means all (admins).
fn scope(user: &CurrentUser) -> Option<Vec<Uuid>> {
    user.coordinated_municipalities()
}

/// A round the signed-in coordinator may manage. Another municipality's round answers 404, so
/// its existence is not confirmed either.
async fn managed_round(ctx: &Ctx, id: Uuid) -> AppResult<(CurrentUser, rounds::Model)> {
    let user = ctx.require_user()?.clone();
    let round = service::find(&ctx.state.db, id)
        .await?
        .filter(|r| user.coordinates(r.municipality_id))
        .ok_or(AppError::NotFound)?;
    Ok((user, round))
}

pub async fn manage_list(ctx: Ctx, query: web::Query<ManageQuery>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let scope = scope(user);
    let status = Status::parse(&query.status);
    let index = PageQuery { page: query.page }.index();
    let db = &ctx.state.db;
    let (list, pages) =
        service::managed_page(db, scope.as_deref(), status, index, PER_PAGE).await?;
    let counts = service::status_counts(db, scope.as_deref()).await?;
    let tz = ctx.state.settings.time_zone;
    let pattern = ctx.t("format-date");
    let rows: Vec<Value> = list
        .iter()
        .map(|r| {
            json!({
                "title": r.title,
                "href": format!("/manage/rounds/{}", r.id),
                "preview_href": format!("/manage/rounds/{}/preview", r.id),
                "municipality": r.municipality_name,
                "status": r.status,
                "status_key": match (r.status.as_str(), r.scheduled_at.is_some()) {
                    ("draft", true) => "round-status-scheduled",
                    ("draft", false) => "round-status-draft",
                    ("open", _) => "round-status-open",
                    ("closed", _) => "round-status-closed",
                    _ => "round-status-evaluated",
                },
                "starts_on": first_day(tz, r.starts_at).format(&pattern).to_string(),
                "ends_on": last_day(tz, r.ends_at).format(&pattern).to_string(),
                "goal_count": r.goal_count,
            })
        })
        .collect();
    let filters: Vec<Value> = Status::ALL
        .iter()
        .map(|s| {
            json!({
                "value": s.as_str(),
                "label": format!("round-status-{}", s.as_str()),
                "count": counts.get(s.as_str()).copied().unwrap_or(0),
                "href": format!("/manage/rounds?status={}", s.as_str()),
                "current": status == Some(*s),
            })
        })
        .collect();
    let base = match status {
        Some(s) => format!("/manage/rounds?status={}", s.as_str()),
        None => "/manage/rounds".to_string(),
    };
    ctx.render(
        "rounds/manage_list",
        "manage-rounds-title",
        json!({
            "rounds": rows,
            "filters": filters,
            "total": counts.values().sum::<i64>(),
            "all_current": status.is_none(),
            "pagination": PageView::new(index, pages, &base),
        }),
    )
}

/// The municipalities `user` may create rounds for.
async fn creatable_places(ctx: &Ctx, user: &CurrentUser) -> AppResult<Vec<municipalities::Model>> {
    let all = admin::all_municipalities(&ctx.state.db).await?;
    Ok(all.into_iter().filter(|m| user.coordinates(m.id)).collect())
}

pub async fn new_form(ctx: Ctx, query: web::Query<NewRoundQuery>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?.clone();
    let places = creatable_places(&ctx, &user).await?;
    let chosen = match places.as_slice() {
        [only] => Some(only.clone()),
        _ => places
            .iter()
            .find(|m| m.slug == query.municipality)
            .cloned(),
    };
    let Some(place) = chosen else {
        return ctx.render(
            "rounds/manage_choose",
            "round-new-title",
            json!({
                "municipalities": places.iter().map(|m| json!({
                    "name": m.name,
                    "href": format!("/manage/rounds/new?municipality={}", m.slug),
                })).collect::<Vec<_>>(),
            }),
        );
    };
    form_page(
        &ctx,
        &place,
        None,
        &RoundForm::default(),
        "",
        &FormErrors::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn create(
    ctx: Ctx,
    query: web::Query<NewRoundQuery>,
    form: HtmlForm<RoundForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?.clone();
    let place = creatable_places(&ctx, &user)
        .await?
        .into_iter()
        .find(|m| m.slug == query.municipality)
        .ok_or(AppError::NotFound)?;
    let form = form.0;
    let input = match checked(&ctx, &place, None, &form).await? {
        Ok(input) => input,
        Err(errors) => {
            return form_page(
                &ctx,
                &place,
                None,
                &form,
                "",
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let round = match service::create(&txn, &user, place.id, &input, ctx.state.clock.now()).await {
        Ok(round) => round,
        // Another coordinator took the slug a moment ago.
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            txn.rollback().await?;
            let mut errors = FormErrors::new();
            errors.add("slug", "error-slug-taken");
            return form_page(
                &ctx,
                &place,
                None,
                &form,
                "",
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(error) => return Err(error.into()),
    };
    txn.commit().await?;
    ctx.flash(FlashKind::Success, "round-created")?;
    Ok(see_other(&format!("/manage/rounds/{}", round.id)))
}

/// Checks a round form, including what needs the database: a free slug and goals of this
/// municipality's strategy (goals the round already serves stay allowed even once archived).
async fn checked(
    ctx: &Ctx,
    place: &municipalities::Model,
    round: Option<&rounds::Model>,
    form: &RoundForm,
) -> AppResult<Result<RoundInput, FormErrors>> {
    let mut errors = FormErrors::new();
    let input = form.check(ctx.state.settings.time_zone, &mut errors);
    let db = &ctx.state.db;
    let slug = form.slug.trim().to_lowercase();
    let slug_editable = round.is_none_or(|r| r.status == Status::Draft.as_str());
    if slug_editable
        && !slug.is_empty()
        && service::slug_taken(db, &slug, round.map(|r| r.id)).await?
    {
        errors.add("slug", "error-slug-taken");
    }
    if let Some(input) = &input {
        let allowed = allowed_goals(ctx, place, round).await?;
        if input
            .goal_ids
            .iter()
            .any(|id| !allowed.iter().any(|g| g.id == *id))
        {
            errors.add("goal_ids", "error-round-goals-foreign");
        }
    }
    match input {
        Some(input) if errors.is_empty() => Ok(Ok(input)),
        _ => Ok(Err(errors)),
    }
}

/// The goals a round of `place` may serve: the strategy's active goals, plus those the round
/// already serves.
async fn allowed_goals(
    ctx: &Ctx,
    place: &municipalities::Model,
    round: Option<&rounds::Model>,
) -> AppResult<Vec<GoalRef>> {
    let db = &ctx.state.db;
    let mut goals = strategy::selectable_goals(db, place.id).await?;
    if let Some(round) = round {
        let linked = service::goal_ids(db, round.id).await?;
        let missing: Vec<Uuid> = linked
            .into_iter()
            .filter(|id| !goals.iter().any(|g| g.id == *id))
            .collect();
        goals.extend(strategy::goals_by_ids(db, &missing).await?);
    }
    Ok(goals)
}

/// The round form (new or edit) with the lifecycle actions of an existing round.
async fn form_page(
    ctx: &Ctx,
    place: &municipalities::Model,
    round: Option<&rounds::Model>,
    form: &RoundForm,
    evaluation: &str,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let goals = allowed_goals(ctx, place, round).await?;
    let mut fields: Vec<Value> = Vec::new();
    for goal in &goals {
        let item = json!({
            "id": goal.id,
            "title": goal.title,
            "archived": goal.archived,
            "checked": form.goal_ids.iter().any(|g| g == &goal.id.to_string()),
        });
        match fields.last_mut() {
            Some(last) if last["title"] == json!(goal.field_title) => {
                if let Some(list) = last["goals"].as_array_mut() {
                    list.push(item);
                }
            }
            _ => fields.push(json!({ "title": goal.field_title, "goals": [item] })),
        }
    }
    let action = match round {
        Some(r) => format!("/manage/rounds/{}", r.id),
        None => format!("/manage/rounds/new?municipality={}", place.slug),
    };
    let lifecycle = round.map(|r| {
        let path = |what: &str| format!("/manage/rounds/{}/{what}", r.id);
        json!({
            "status": r.status,
            "status_key": status_key(r),
            "preview_href": path("preview"),
            "surveys_href": format!("/manage/surveys?round={}", r.id),
            "public_href": (r.status != Status::Draft.as_str()).then(|| format!("/rounds/{}", r.slug)),
            "can_publish": Transition::Publish.allowed_from(r),
            "publish_later": r.starts_at > ctx.state.clock.now(),
            "can_unschedule": Transition::Unschedule.allowed_from(r),
            "can_close": Transition::Close.allowed_from(r),
            "can_reopen": Transition::Reopen.allowed_from(r),
            "can_evaluate": Transition::Evaluate(String::new()).allowed_from(r),
            "publish_action": path("publish"),
            "unschedule_action": path("unschedule"),
            "close_action": path("close"),
            "reopen_action": path("reopen"),
            "evaluate_action": path("evaluate"),
            "evaluation": evaluation,
            "opens_on": period(ctx, r)["starts_on"],
            "workshops_href": format!("/manage/rounds/{}/workshops", r.id),
        })
    });
    let history = match round {
        Some(r) => history(ctx, r).await?,
        None => Vec::new(),
    };
    let title_key = if round.is_some() {
        "round-edit-title"
    } else {
        "round-new-title"
    };
    let page = json!({
        "heading": title_key,
        "municipality": place.name,
        "strategy_href": "/manage/strategies",
        "action": action,
        "values": form,
        "slug_editable": round.is_none_or(|r| r.status == Status::Draft.as_str()),
        "fields": fields,
        "has_goals": !goals.is_empty(),
        "lifecycle": lifecycle,
        "history": history,
        "errors": errors.view(ctx.lang),
    });
    match round {
        Some(r) => ctx.render_about(status, "rounds/manage_form", title_key, &r.title, page),
        None => ctx.render_status(status, "rounds/manage_form", title_key, page),
    }
}

/// The round's latest audit entries as its coordinators read them: when, who, what, and which
/// fields an edit changed (the full before/after stays in the admins' audit log).
async fn history(ctx: &Ctx, round: &rounds::Model) -> AppResult<Vec<Value>> {
    let db = &ctx.state.db;
    let entries = audit::for_target(db, "round", &round.id.to_string(), 20).await?;
    let actors: Vec<Uuid> = entries.iter().filter_map(|e| e.actor_id).collect();
    let names = crate::accounts::service::names_of(db, &actors).await?;
    Ok(entries
        .iter()
        .map(|e| {
            let changed: Vec<String> = serde_json::from_str::<Value>(&e.summary)
                .ok()
                .and_then(|v| v.get("after").and_then(Value::as_object).cloned())
                .filter(|_| e.action == "round.update")
                .map(|after| {
                    after
                        .keys()
                        .filter_map(|k| field_label(k))
                        .map(|key| ctx.t(key))
                        .collect()
                })
                .unwrap_or_default();
            json!({
                "at": e.created_at.to_rfc3339(),
                "who": e.actor_id.and_then(|id| names.get(&id).cloned()),
                "what": format!("round-history-{}", e.action.replace('.', "-")),
                "changed": changed.join(", "),
            })
        })
        .collect())
}

/// The form label of a round field named in an audit summary.
fn field_label(field: &str) -> Option<&'static str> {
    Some(match field {
        "title" => "field-round-title",
        "slug" => "field-slug",
        "summary" => "field-round-summary",
        "description" => "field-round-description",
        "target_groups" => "field-round-target-groups",
        "starts_at" => "field-round-starts-on",
        "ends_at" => "field-round-ends-on",
        "contact_name" => "field-round-contact-name",
        "contact_phone" => "field-round-contact-phone",
        "contact_email" => "field-round-contact-email",
        "contact_address" => "field-round-contact-address",
        "goals" => "field-round-goals",
        _ => return None,
    })
}

/// The form as the round stands, for editing.
async fn form_of(ctx: &Ctx, round: &rounds::Model) -> AppResult<RoundForm> {
    let tz = ctx.state.settings.time_zone;
    let db = &ctx.state.db;
    let groups = service::target_groups(db, &[round.id])
        .await?
        .remove(&round.id)
        .unwrap_or_default();
    Ok(RoundForm {
        title: round.title.clone(),
        slug: round.slug.clone(),
        summary: round.summary.clone(),
        description: round.description.clone(),
        target_groups: groups.join(", "),
        starts_on: first_day(tz, round.starts_at)
            .format("%Y-%m-%d")
            .to_string(),
        ends_on: last_day(tz, round.ends_at).format("%Y-%m-%d").to_string(),
        contact_name: round.contact_name.clone(),
        contact_phone: round.contact_phone.clone(),
        contact_email: round.contact_email.clone(),
        contact_address: round.contact_address.clone(),
        goal_ids: service::goal_ids(db, round.id)
            .await?
            .iter()
            .map(Uuid::to_string)
            .collect(),
    })
}

async fn place_of(ctx: &Ctx, round: &rounds::Model) -> AppResult<municipalities::Model> {
    admin::find_municipality(&ctx.state.db, round.municipality_id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn edit_form(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (_, round) = managed_round(&ctx, *id).await?;
    let place = place_of(&ctx, &round).await?;
    let form = form_of(&ctx, &round).await?;
    let evaluation = round.evaluation_summary.clone().unwrap_or_default();
    form_page(
        &ctx,
        &place,
        Some(&round),
        &form,
        &evaluation,
        &FormErrors::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn update(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: HtmlForm<RoundForm>,
) -> AppResult<HttpResponse> {
    let (user, round) = managed_round(&ctx, *id).await?;
    let place = place_of(&ctx, &round).await?;
    let form = form.0;
    let input = match checked(&ctx, &place, Some(&round), &form).await? {
        Ok(input) => input,
        Err(errors) => {
            let evaluation = round.evaluation_summary.clone().unwrap_or_default();
            return form_page(
                &ctx,
                &place,
                Some(&round),
                &form,
                &evaluation,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    // Decided on the round as it is now: the worker may have opened it since the form was read.
    let current = service::find_for_update(&txn, round.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Err(error) = service::update(&txn, &user, &current, &input, ctx.state.clock.now()).await
    {
        txn.rollback().await?;
        if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
            let mut errors = FormErrors::new();
            errors.add("slug", "error-slug-taken");
            let evaluation = current.evaluation_summary.clone().unwrap_or_default();
            return form_page(
                &ctx,
                &place,
                Some(&current),
                &form,
                &evaluation,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        return Err(error.into());
    }
    txn.commit().await?;
    ctx.flash(FlashKind::Success, "round-saved")?;
    Ok(see_other(&format!("/manage/rounds/{}", round.id)))
}

/// The public page of any round, drafts included, as residents will see it.
pub async fn preview(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (_, round) = managed_round(&ctx, *id).await?;
    let page = round_page(&ctx, &round, true).await?;
    ctx.render_title("rounds/show", &round.title, page)
}

pub async fn publish(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    take(ctx, *id, Transition::Publish).await
}

pub async fn unschedule(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    take(ctx, *id, Transition::Unschedule).await
}

pub async fn close(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    take(ctx, *id, Transition::Close).await
}

pub async fn reopen(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    take(ctx, *id, Transition::Reopen).await
}

pub async fn evaluate(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<EvaluationForm>,
) -> AppResult<HttpResponse> {
    let text = crate::web::forms::multiline(&form.into_inner().evaluation_summary);
    if text.chars().count() > crate::rounds::forms::EVALUATION_MAX {
        let (_, round) = managed_round(&ctx, *id).await?;
        return refused(&ctx, &round, &text, "error-round-evaluation-long").await;
    }
    take(ctx, *id, Transition::Evaluate(text)).await
}

async fn take(ctx: Ctx, id: Uuid, transition: Transition) -> AppResult<HttpResponse> {
    let (user, _) = managed_round(&ctx, id).await?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let round = service::find_for_update(&txn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let evaluation = match &transition {
        Transition::Evaluate(text) => text.clone(),
        _ => round.evaluation_summary.clone().unwrap_or_default(),
    };
    let result = service::transition(
        &txn,
        &ctx.state,
        &user,
        &round,
        transition,
        ctx.state.clock.now(),
    )
    .await?;
    match result {
        Ok(outcome) => {
            txn.commit().await?;
            if outcome == Outcome::Opened {
                notifications::wake(&ctx.state);
            }
            let key = match outcome {
                Outcome::Opened => "round-opened",
                Outcome::Scheduled => "round-scheduled",
                Outcome::Unscheduled => "round-unscheduled",
                Outcome::Closed => "round-closed",
                Outcome::Reopened => "round-reopened",
                Outcome::Evaluated => "round-evaluated",
            };
            ctx.flash(FlashKind::Success, key)?;
            Ok(see_other(&format!("/manage/rounds/{id}")))
        }
        Err(refusal) => {
            txn.rollback().await?;
            refused(&ctx, &round, &evaluation, refusal.message_key()).await
        }
    }
}

/// The edit page again with why the action was refused; a typed evaluation text is kept.
async fn refused(
    ctx: &Ctx,
    round: &rounds::Model,
    evaluation: &str,
    message_key: &str,
) -> AppResult<HttpResponse> {
    let place = place_of(ctx, round).await?;
    let form = form_of(ctx, round).await?;
    let mut errors = FormErrors::new();
    let field = if message_key.starts_with("error-round-evaluation") {
        "evaluation_summary"
    } else {
        "lifecycle"
    };
    errors.add(field, message_key);
    form_page(
        ctx,
        &place,
        Some(round),
        &form,
        evaluation,
        &errors,
        StatusCode::CONFLICT,
    )
    .await
}
