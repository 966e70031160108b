//! Staff: a round's editor: the form for a new round (after choosing the municipality) and for
//! an existing one, with its lifecycle buttons and history.

use actix_web::{HttpResponse, http::StatusCode, web};
use entity::{municipalities, rounds};
use sea_orm::SqlErr;
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::{
    admin::service as admin,
    error::{AppError, AppResult},
    identity::CurrentUser,
    rounds::{
        forms::{NewRoundQuery, RoundForm, RoundInput, first_day, last_day},
        history::{HistoryEntry, history},
        lifecycle::Transition,
        model::{self, Status, managed_round, period, status_key},
        saving,
    },
    strategy::picker::{GoalRef, goal_picker},
    web::{
        context::Ctx,
        forms::{CheckForm, FormErrors, HtmlForm},
    },
};

/// The municipalities `user` may create rounds for.
async fn creatable_places(ctx: &Ctx, user: &CurrentUser) -> AppResult<Vec<municipalities::Model>> {
    let all = admin::all_municipalities(&ctx.state.db).await?;
    Ok(all.into_iter().filter(|m| user.coordinates(m.id)).collect())
}

#[derive(Serialize)]
struct PlaceChoice {
    name: String,
    href: String,
}

#[derive(Serialize)]
struct ChoosePage {
    municipalities: Vec<PlaceChoice>,
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
        let page = ChoosePage {
            municipalities: places
                .iter()
                .map(|m| PlaceChoice {
                    name: m.name.clone(),
                    href: format!("/manage/rounds/new?municipality={}", m.slug),
                })
                .collect(),
        };
        return ctx.render("rounds/manage_choose", "round-new-title", page);
    };
    let form = RoundForm::default();
    form_page(&ctx, FormState::fresh(&place, None, &form, "")).await
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
            return form_page(&ctx, FormState::invalid(&place, None, &form, "", &errors)).await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let round = match saving::create(&txn, &user, place.id, &input, ctx.state.clock.now()).await {
        Ok(round) => round,
        // Another coordinator took the slug a moment ago.
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            txn.rollback().await?;
            let errors = slug_taken();
            return form_page(&ctx, FormState::invalid(&place, None, &form, "", &errors)).await;
        }
        Err(error) => return Err(error.into()),
    };
    let location = format!("/manage/rounds/{}", round.id);
    ctx.commit_and_redirect(txn, "round-created", &location)
        .await
}

fn slug_taken() -> FormErrors {
    let mut errors = FormErrors::new();
    errors.add("slug", "error-slug-taken");
    errors
}

/// Checks a round form, including what needs the database: a free slug and goals of this
/// municipality's strategy (goals the round already serves stay allowed even once archived).
async fn checked(
    ctx: &Ctx,
    place: &municipalities::Model,
    round: Option<&rounds::Model>,
    form: &RoundForm,
) -> AppResult<Result<RoundInput, FormErrors>> {
    let (input, mut errors) = match form.check(&ctx.state.settings.time_zone) {
        Ok(input) => (Some(input), FormErrors::new()),
        Err(errors) => (None, errors),
    };
    let db = &ctx.state.db;
    let slug = form.slug.trim().to_lowercase();
    if slug_editable(round)
        && !slug.is_empty()
        && saving::slug_taken(db, &slug, round.map(|r| r.id)).await?
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

/// The slug only changes while the round is a draft: once published, its address is in letters
/// and on posters.
fn slug_editable(round: Option<&rounds::Model>) -> bool {
    round.is_none_or(|r| Status::of(r) == Some(Status::Draft))
}

/// The goals a round of `place` may serve: the strategy's active goals, plus those the round
/// already serves.
async fn allowed_goals(
    ctx: &Ctx,
    place: &municipalities::Model,
    round: Option<&rounds::Model>,
) -> AppResult<Vec<GoalRef>> {
    let db = &ctx.state.db;
    let linked = match round {
        Some(round) => model::goal_ids(db, round.id).await?,
        None => Vec::new(),
    };
    Ok(goal_picker(db, place.id, &linked).await?)
}

/// What the round form page shows: for `round` (`None`: a new one) of `place`, the form as typed,
/// the evaluation text as typed, the errors and the status to answer with.
struct FormState<'a> {
    place: &'a municipalities::Model,
    round: Option<&'a rounds::Model>,
    form: &'a RoundForm,
    evaluation: &'a str,
    errors: &'a FormErrors,
    status: StatusCode,
}

static NO_ERRORS: std::sync::LazyLock<FormErrors> = std::sync::LazyLock::new(FormErrors::new);

impl<'a> FormState<'a> {
    fn fresh(
        place: &'a municipalities::Model,
        round: Option<&'a rounds::Model>,
        form: &'a RoundForm,
        evaluation: &'a str,
    ) -> Self {
        FormState {
            place,
            round,
            form,
            evaluation,
            errors: &NO_ERRORS,
            status: StatusCode::OK,
        }
    }

    fn invalid(
        place: &'a municipalities::Model,
        round: Option<&'a rounds::Model>,
        form: &'a RoundForm,
        evaluation: &'a str,
        errors: &'a FormErrors,
    ) -> Self {
        FormState {
            place,
            round,
            form,
            evaluation,
            errors,
            status: StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

#[derive(Serialize)]
struct GoalChoice {
    id: Uuid,
    title: String,
    archived: bool,
    checked: bool,
}

#[derive(Serialize)]
struct FieldGoals {
    title: String,
    goals: Vec<GoalChoice>,
}

#[derive(Serialize)]
struct Lifecycle<'a> {
    status: String,
    status_key: &'static str,
    preview_href: String,
    surveys_href: String,
    public_href: Option<String>,
    can_publish: bool,
    publish_later: bool,
    can_unschedule: bool,
    can_close: bool,
    can_reopen: bool,
    can_evaluate: bool,
    publish_action: String,
    unschedule_action: String,
    close_action: String,
    reopen_action: String,
    evaluate_action: String,
    evaluation: &'a str,
    opens_on: String,
    workshops_href: String,
}

#[derive(Serialize)]
struct FormPage<'a> {
    heading: &'static str,
    municipality: String,
    strategy_href: &'static str,
    action: String,
    values: &'a RoundForm,
    slug_editable: bool,
    fields: Vec<FieldGoals>,
    has_goals: bool,
    lifecycle: Option<Lifecycle<'a>>,
    history: Vec<HistoryEntry>,
    errors: Value,
}

/// The goals to choose from, grouped by field of action as the strategy lists them.
fn goal_fields(goals: &[GoalRef], form: &RoundForm) -> Vec<FieldGoals> {
    let mut fields: Vec<FieldGoals> = Vec::new();
    for goal in goals {
        let item = GoalChoice {
            id: goal.id,
            title: goal.title.clone(),
            archived: goal.archived,
            checked: form.goal_ids.iter().any(|g| g == &goal.id.to_string()),
        };
        match fields.last_mut() {
            Some(last) if last.title == goal.field_title => last.goals.push(item),
            _ => fields.push(FieldGoals {
                title: goal.field_title.clone(),
                goals: vec![item],
            }),
        }
    }
    fields
}

fn lifecycle<'a>(ctx: &Ctx, r: &rounds::Model, evaluation: &'a str) -> Lifecycle<'a> {
    let path = |what: &str| format!("/manage/rounds/{}/{what}", r.id);
    Lifecycle {
        status: r.status.clone(),
        status_key: status_key(r),
        preview_href: path("preview"),
        surveys_href: format!("/manage/surveys?round={}", r.id),
        public_href: (Status::of(r) != Some(Status::Draft)).then(|| format!("/rounds/{}", r.slug)),
        can_publish: Transition::Publish.allowed_from(r),
        publish_later: r.starts_at > ctx.state.clock.now(),
        can_unschedule: Transition::Unschedule.allowed_from(r),
        can_close: Transition::Close.allowed_from(r),
        can_reopen: Transition::Reopen.allowed_from(r),
        can_evaluate: Transition::Evaluate(String::new()).allowed_from(r),
        publish_action: path("publish"),
        unschedule_action: path("unschedule"),
        close_action: path("close"),
        reopen_action: path("reopen"),
        evaluate_action: path("evaluate"),
        evaluation,
        opens_on: period(ctx, r).starts_on,
        workshops_href: format!("/manage/rounds/{}/workshops", r.id),
    }
}

/// The round form (new or edit) with the lifecycle actions of an existing round.
async fn form_page(ctx: &Ctx, state: FormState<'_>) -> AppResult<HttpResponse> {
    let FormState {
        place,
        round,
        form,
        evaluation,
        errors,
        status,
    } = state;
    let goals = allowed_goals(ctx, place, round).await?;
    let title_key = if round.is_some() {
        "round-edit-title"
    } else {
        "round-new-title"
    };
    let page = FormPage {
        heading: title_key,
        municipality: place.name.clone(),
        strategy_href: "/manage/strategies",
        action: match round {
            Some(r) => format!("/manage/rounds/{}", r.id),
            None => format!("/manage/rounds/new?municipality={}", place.slug),
        },
        values: form,
        slug_editable: slug_editable(round),
        fields: goal_fields(&goals, form),
        has_goals: !goals.is_empty(),
        lifecycle: round.map(|r| lifecycle(ctx, r, evaluation)),
        history: match round {
            Some(r) => history(ctx, r).await?,
            None => Vec::new(),
        },
        errors: errors.view(ctx.lang),
    };
    match round {
        Some(r) => ctx.render_about(status, "rounds/manage_form", title_key, &r.title, page),
        None => ctx.render_status(status, "rounds/manage_form", title_key, page),
    }
}

/// The form as the round stands, for editing.
async fn form_of(ctx: &Ctx, round: &rounds::Model) -> AppResult<RoundForm> {
    let tz = ctx.state.settings.time_zone;
    let db = &ctx.state.db;
    let groups = model::target_groups_of(db, round.id).await?;
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
        goal_ids: model::goal_ids(db, round.id)
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
        FormState::fresh(&place, Some(&round), &form, &evaluation),
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
            let state = FormState::invalid(&place, Some(&round), &form, &evaluation, &errors);
            return form_page(&ctx, state).await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    // Decided on the round as it is now: the worker may have opened it since the form was read.
    let current = model::find_for_update(&txn, round.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Err(error) = saving::update(&txn, &user, &current, &input, ctx.state.clock.now()).await {
        txn.rollback().await?;
        if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
            let errors = slug_taken();
            let evaluation = current.evaluation_summary.clone().unwrap_or_default();
            let state = FormState::invalid(&place, Some(&current), &form, &evaluation, &errors);
            return form_page(&ctx, state).await;
        }
        return Err(error.into());
    }
    let location = format!("/manage/rounds/{}", round.id);
    ctx.commit_and_redirect(txn, "round-saved", &location).await
}

/// For the lifecycle: the edit page again with why the action was refused (409); a typed
/// evaluation text is kept.
pub(super) async fn refused_page(
    ctx: &Ctx,
    round: &rounds::Model,
    evaluation: &str,
    errors: &FormErrors,
) -> AppResult<HttpResponse> {
    let place = place_of(ctx, round).await?;
    let form = form_of(ctx, round).await?;
    let state = FormState {
        place: &place,
        round: Some(round),
        form: &form,
        evaluation,
        errors,
        status: StatusCode::CONFLICT,
    };
    form_page(ctx, state).await
}
