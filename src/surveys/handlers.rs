//! Pages of the surveys slice: answering (online, and staff typing in paper questionnaires), the
//! results, the survey builder, access codes, exports and the free-text release queue.

use actix_web::{HttpResponse, http::StatusCode, web};
use entity::{rounds, surveys};
use sea_orm::TransactionTrait;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    error::{AppError, AppResult},
    identity::CurrentUser,
    rounds::model::{self as rounds_service, Status as RoundStatus},
    strategy::picker as strategy,
    surveys::{
        forms::{
            self, CodesForm, Entry, FreeTextQuery, MoveForm, PaperReturnForm, QuestionForm,
            RawAnswers, ReleaseForm, ResultsQuery, SurveyForm, check_answer, field_name,
            free_text_query, normalize_code, other_field_name,
        },
        print,
        screening::personal_data_hints,
        service::{
            self, Answer, CLOSED, DONT_KNOW, Guard, Kind, NO, OPEN, Question, Refusal, Submitted,
            YES,
        },
        views,
    },
    web::{
        context::{Ctx, FlashKind, see_other},
        csv::{self, Cell, Sheet},
        forms::{FormErrors, HtmlForm},
        i18n,
        pagination::{PER_PAGE, PageQuery, PageView},
        rate_limit,
    },
};

const BROWSER_KEY: &str = "survey_browser";

// ---- shared ----

fn is_staff_of(user: Option<&CurrentUser>, municipality_id: Uuid) -> bool {
    user.is_some_and(|u| u.coordinates(municipality_id) || u.moderates(municipality_id))
}

fn answerable(survey: &surveys::Model, round: &rounds::Model) -> bool {
    survey.status == OPEN && round.status == RoundStatus::Open.as_str()
}

/// A survey residents may see: not a draft, in a round that is public.
async fn public_survey(ctx: &Ctx, id: Uuid) -> AppResult<(surveys::Model, rounds::Model)> {
    service::find_with_round(&ctx.state.db, id)
        .await?
        .filter(|(s, r)| {
            s.status != service::DRAFT && RoundStatus::PUBLIC.contains(&r.status.as_str())
        })
        .ok_or(AppError::NotFound)
}

fn notice(
    ctx: &Ctx,
    status: StatusCode,
    survey: &surveys::Model,
    round: &rounds::Model,
    key: &str,
    login: bool,
) -> AppResult<HttpResponse> {
    ctx.render_about(
        status,
        "surveys/notice",
        &format!("{key}-title"),
        &survey.title,
        json!({
            "heading": format!("{key}-title"),
            "text": format!("{key}-text"),
            "survey": survey.title,
            "round_href": format!("/rounds/{}", round.slug),
            "login_href": login.then(|| format!("/account/login?next=%2Fsurveys%2F{}", survey.id)),
        }),
    )
}

fn error_of(errors: &Value, name: &str) -> Value {
    errors
        .pointer(&format!("/fields/{name}"))
        .cloned()
        .unwrap_or(Value::Null)
}

/// One question as the answer form shows it, with what was typed and its error.
fn question_view(
    ctx: &Ctx,
    q: &Question,
    raw: &RawAnswers,
    errors: &Value,
    condition: &str,
) -> Value {
    let name = field_name(q.model.id);
    let values = raw.all(&name);
    // `written`: the label is the survey's own text (German), not one of the interface's.
    let option = |i: usize, value: String, label: String, kind: &str, written: bool| {
        json!({
            "written": written,
            "id": if i == 0 { name.clone() } else { format!("{name}-{i}") },
            "name": name,
            "type": kind,
            "checked": values.contains(&value),
            "value": value,
            "label": label,
        })
    };
    let input = if q.kind == Kind::Multiple {
        "checkbox"
    } else {
        "radio"
    };
    let options: Vec<Value> = match q.kind {
        Kind::Single | Kind::Multiple => q
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| option(i, o.id.to_string(), o.label.clone(), input, true))
            .collect(),
        Kind::Scale | Kind::YesNo => views::cells(ctx.lang, q)
            .into_iter()
            .enumerate()
            .map(|(i, (cell, label))| {
                let value = match cell {
                    service::Cell::Value(v) => v.to_string(),
                    _ => String::new(),
                };
                option(i, value, label, "radio", false)
            })
            .collect(),
        _ => Vec::new(),
    };
    let hint = match (q.kind, q.model.min_choices, q.model.max_choices) {
        (Kind::Multiple, Some(a), Some(b)) => i18n::t_args(
            ctx.lang,
            "survey-hint-choices-between",
            &[("min", a.into()), ("max", b.into())],
        ),
        (Kind::Multiple, Some(a), None) => {
            i18n::t_args(ctx.lang, "survey-hint-choices-min", &[("min", a.into())])
        }
        (Kind::Multiple, None, Some(b)) => {
            i18n::t_args(ctx.lang, "survey-hint-choices-max", &[("max", b.into())])
        }
        (Kind::Multiple, None, None) => ctx.t("survey-hint-choices-any"),
        // A number's bounds are its own, not the choice limits the tuple above carries.
        (Kind::Number, _, _) => match (q.model.number_min, q.model.number_max) {
            (Some(a), Some(b)) => i18n::t_args(
                ctx.lang,
                "survey-hint-number-between",
                &[("min", a.into()), ("max", b.into())],
            ),
            (Some(a), None) => {
                i18n::t_args(ctx.lang, "survey-hint-number-min", &[("min", a.into())])
            }
            (None, Some(b)) => {
                i18n::t_args(ctx.lang, "survey-hint-number-max", &[("max", b.into())])
            }
            (None, None) => ctx.t("survey-hint-number"),
        },
        _ => String::new(),
    };
    json!({
        "name": name,
        "other_name": other_field_name(q.model.id),
        "prompt": q.model.prompt,
        "help": q.model.help,
        "hint": hint,
        "condition": condition,
        "required": q.model.required,
        "error": error_of(errors, &name),
        "is_choice": q.kind.has_options() || matches!(q.kind, Kind::Scale | Kind::YesNo),
        "is_number": q.kind == Kind::Number,
        "is_short": q.kind == Kind::ShortText,
        "is_long": q.kind == Kind::LongText,
        "options": options,
        "allow_other": q.kind.has_options() && q.model.allow_other,
        "other_type": input,
        "other_checked": values.iter().any(|v| v == forms::OTHER),
        "other_value": raw.first(&other_field_name(q.model.id)),
        "value": raw.first(&name),
    })
}

/// "Only if you chose „X“ for „Q“": how a conditional question says when it applies.
fn condition_text(ctx: &Ctx, all: &[Question], q: &Question) -> String {
    let Some(option) = q.model.condition_option_id else {
        return String::new();
    };
    all.iter()
        .find_map(|c| {
            c.options.iter().find(|o| o.id == option).map(|o| {
                i18n::t_args(
                    ctx.lang,
                    "survey-condition-note",
                    &[
                        ("question", c.model.prompt.clone().into()),
                        ("option", o.label.clone().into()),
                    ],
                )
            })
        })
        .unwrap_or_default()
}

/// The pages shown for these answers: pages whose questions are all hidden are left out.
fn shown_pages(all: &[Question], raw: &RawAnswers) -> Vec<Vec<usize>> {
    let shown = service::visible(all, |q, o| raw.chose(q, o));
    service::pages(all)
        .into_iter()
        .map(|page| page.into_iter().filter(|&i| shown[i]).collect::<Vec<_>>())
        .filter(|page| !page.is_empty())
        .collect()
}

/// Each link of the error summary names its question ("Wie alt sind Sie?: Bitte wählen Sie …"),
/// since a list of bare "please choose an answer" links does not say where to go.
fn name_questions_in_summary(ctx: &Ctx, all: &[Question], errors: &mut Value) {
    let Some(items) = errors.get_mut("summary").and_then(Value::as_array_mut) else {
        return;
    };
    for item in items {
        let field = item["field"].as_str().unwrap_or_default();
        if let Some(q) = all.iter().find(|q| field_name(q.model.id) == field) {
            let message = item["message"].as_str().unwrap_or_default().to_string();
            item["message"] = json!(i18n::t_args(
                ctx.lang,
                "survey-error-summary-item",
                &[
                    ("question", q.model.prompt.clone().into()),
                    ("message", message.into()),
                ],
            ));
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn answer_page(
    ctx: &Ctx,
    survey: &surveys::Model,
    round: &rounds::Model,
    all: &[Question],
    raw: &RawAnswers,
    page: usize,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let pages = shown_pages(all, raw);
    let page = page.min(pages.len().saturating_sub(1));
    let on_page: Vec<&Question> = pages
        .get(page)
        .map(|p| p.iter().map(|&i| &all[i]).collect())
        .unwrap_or_default();
    let mut errors_view = errors.view(ctx.lang);
    name_questions_in_summary(ctx, all, &mut errors_view);
    let mut here: Vec<String> = Vec::new();
    for q in &on_page {
        here.push(field_name(q.model.id));
        here.push(other_field_name(q.model.id));
    }
    let hidden: Vec<Value> = raw
        .answer_pairs()
        .into_iter()
        .filter(|(k, _)| !here.contains(k))
        .map(|(k, v)| json!({ "name": k, "value": v }))
        .collect();
    let ask_code = survey.access == "code" && page == 0;
    ctx.render_about(
        status,
        "surveys/answer",
        "survey-answer-title",
        &survey.title,
        json!({
            "title": survey.title,
            "intro": survey.intro,
            "minutes": survey.minutes,
            "first": page == 0,
            "last": page + 1 >= pages.len(),
            "page": page,
            "page_number": page + 1,
            "pages": pages.len().max(1),
            "action": format!("/surveys/{}", survey.id),
            "round": { "title": round.title, "href": format!("/rounds/{}", round.slug) },
            "questions": on_page.iter().map(|q| question_view(ctx, q, raw, &errors_view, "")).collect::<Vec<_>>(),
            "hidden": hidden,
            "ask_code": ask_code,
            "needs_code": survey.access == "code",
            "access_code": raw.first("access_code"),
            "code_error": error_of(&errors_view, "access_code"),
            "errors": errors_view,
        }),
    )
}

/// Who this browser or person is, as the participation guard sees them.
fn guards(ctx: &Ctx, survey: &surveys::Model, code: Option<String>) -> AppResult<Vec<Guard>> {
    let mut out = Vec::new();
    if let Some(user) = &ctx.user {
        out.push(Guard::User(user.id));
    }
    match survey.access.as_str() {
        "code" => {
            if let Some(code) = code {
                out.push(Guard::Code(code));
            }
        }
        "account" => {}
        _ => {
            if ctx.user.is_none() {
                out.push(Guard::Browser(browser_value(ctx)?));
            }
        }
    }
    Ok(out)
}

/// A random value kept in this browser's signed session cookie: the soft guard of open surveys.
fn browser_value(ctx: &Ctx) -> AppResult<String> {
    if let Some(v) = ctx.session.get::<String>(BROWSER_KEY)? {
        return Ok(v);
    }
    let v = crate::secrets::random_token(18);
    ctx.session.insert(BROWSER_KEY, &v)?;
    Ok(v)
}

// ---- answering ----

pub async fn answer_form(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (survey, round) = public_survey(&ctx, *id).await?;
    if !answerable(&survey, &round) {
        return notice(
            &ctx,
            StatusCode::OK,
            &survey,
            &round,
            "survey-closed",
            false,
        );
    }
    if survey.access == "account" && ctx.user.is_none() {
        return notice(
            &ctx,
            StatusCode::OK,
            &survey,
            &round,
            "survey-login-needed",
            true,
        );
    }
    let db = &ctx.state.db;
    let guards = guards(&ctx, &survey, None)?;
    if service::already_taken(db, &ctx.state.keys, survey.id, &guards).await? {
        return notice(
            &ctx,
            StatusCode::OK,
            &survey,
            &round,
            "survey-already",
            false,
        );
    }
    let all = service::questions(db, survey.id).await?;
    answer_page(
        &ctx,
        &survey,
        &round,
        &all,
        &RawAnswers::default(),
        0,
        &FormErrors::new(),
        StatusCode::OK,
    )
}

/// Checks the answers to `indices`; returns the checked answers.
fn check_all(
    all: &[Question],
    indices: impl Iterator<Item = usize>,
    raw: &RawAnswers,
    entry: Entry,
    errors: &mut FormErrors,
) -> Vec<(Uuid, Answer)> {
    indices
        .filter_map(|i| {
            let q = &all[i];
            check_answer(q, raw, entry, errors).map(|a| (q.model.id, a))
        })
        .collect()
}

pub async fn answer(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: HtmlForm<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let (survey, round) = public_survey(&ctx, *id).await?;
    if !answerable(&survey, &round) {
        return notice(
            &ctx,
            StatusCode::CONFLICT,
            &survey,
            &round,
            "survey-closed",
            false,
        );
    }
    if survey.access == "account" && ctx.user.is_none() {
        return Ok(see_other(&format!(
            "/account/login?next=%2Fsurveys%2F{}",
            survey.id
        )));
    }
    let pairs = form.0;
    let action = pairs
        .iter()
        .find(|(k, _)| k == "action")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let page: usize = pairs
        .iter()
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let raw = RawAnswers::from_pairs(pairs);
    let db = &ctx.state.db;
    let keys = &ctx.state.keys;
    let all = service::questions(db, survey.id).await?;
    let pages = shown_pages(&all, &raw);
    let page = page.min(pages.len().saturating_sub(1));
    let code = normalize_code(raw.first("access_code"));

    if action == "back" {
        let errors = FormErrors::new();
        return answer_page(
            &ctx,
            &survey,
            &round,
            &all,
            &raw,
            page.saturating_sub(1),
            &errors,
            StatusCode::OK,
        );
    }
    let mut errors = FormErrors::new();
    if survey.access == "code" {
        if code.is_empty() {
            errors.add("access_code", "survey-error-code-missing");
        } else if !service::code_usable(db, keys, survey.id, &code).await? {
            errors.add("access_code", "survey-error-code-invalid");
        }
        if !errors.is_empty() {
            return answer_page(
                &ctx,
                &survey,
                &round,
                &all,
                &raw,
                0,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    }
    let current = pages.get(page).cloned().unwrap_or_default();
    check_all(&all, current.into_iter(), &raw, Entry::Online, &mut errors);
    if !errors.is_empty() {
        return answer_page(
            &ctx,
            &survey,
            &round,
            &all,
            &raw,
            page,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    if action != "submit" && page + 1 < pages.len() {
        return answer_page(
            &ctx,
            &survey,
            &round,
            &all,
            &raw,
            page + 1,
            &errors,
            StatusCode::OK,
        );
    }
    // The whole survey, as shown for these answers; answers to hidden questions are dropped.
    let mut answers = Vec::new();
    for (index, p) in pages.iter().enumerate() {
        answers.extend(check_all(
            &all,
            p.iter().copied(),
            &raw,
            Entry::Online,
            &mut errors,
        ));
        if !errors.is_empty() {
            return answer_page(
                &ctx,
                &survey,
                &round,
                &all,
                &raw,
                index,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    }
    let now = ctx.state.clock.now();
    let guards = guards(&ctx, &survey, Some(code))?;
    let today = now
        .with_timezone(&ctx.state.settings.time_zone)
        .date_naive();
    let (keys, survey_id, client_ip) = (keys.clone(), survey.id, ctx.client_ip());
    // One short write, committed together with others arriving at the same time (group commit).
    // The rate-limit hit counts even when the response is refused, so the response gets a
    // savepoint of its own.
    let outcome = ctx
        .state
        .writes
        .run(move |txn| {
            Box::pin(async move {
                let limit = rate_limit::SURVEY_SUBMIT_PER_IP;
                if !rate_limit::hit(txn, &keys, limit, &client_ip, now.timestamp()).await? {
                    return Ok(None);
                }
                let attempt = txn.begin().await?;
                let outcome = service::submit(
                    &attempt,
                    &keys,
                    survey_id,
                    &answers,
                    service::ONLINE,
                    &guards,
                    today,
                )
                .await?;
                if outcome == Submitted::Stored {
                    attempt.commit().await?;
                } else {
                    attempt.rollback().await?;
                }
                Ok::<_, AppError>(Some(outcome))
            })
        })
        .await?;
    let Some(outcome) = outcome else {
        return Err(rate_limit::too_many(rate_limit::SURVEY_SUBMIT_PER_IP));
    };
    match outcome {
        Submitted::Stored => Ok(see_other(&format!("/surveys/{}/thanks", survey.id))),
        Submitted::AlreadyTaken => notice(
            &ctx,
            StatusCode::CONFLICT,
            &survey,
            &round,
            "survey-already",
            false,
        ),
        Submitted::CodeInvalid => {
            errors.add("access_code", "survey-error-code-invalid");
            answer_page(
                &ctx,
                &survey,
                &round,
                &all,
                &raw,
                0,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    }
}

pub async fn thanks(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (survey, round) = public_survey(&ctx, *id).await?;
    ctx.render_about(
        StatusCode::OK,
        "surveys/thanks",
        "survey-thanks-title",
        &survey.title,
        json!({
            "survey": survey.title,
            "results_href": format!("/surveys/{}/results", survey.id),
            "results_published": survey.results_published_at.is_some(),
            "round": { "title": round.title, "href": format!("/rounds/{}", round.slug) },
        }),
    )
}

// ---- results ----

pub async fn results(
    ctx: Ctx,
    id: web::Path<Uuid>,
    query: web::Query<ResultsQuery>,
) -> AppResult<HttpResponse> {
    let db = &ctx.state.db;
    let (survey, round) = service::find_with_round(db, *id)
        .await?
        .ok_or(AppError::NotFound)?;
    let staff = is_staff_of(ctx.user.as_ref(), round.municipality_id);
    let public =
        survey.status != service::DRAFT && RoundStatus::PUBLIC.contains(&round.status.as_str());
    if !staff && !public {
        return Err(AppError::NotFound);
    }
    if !staff && survey.results_published_at.is_none() {
        return notice(
            &ctx,
            StatusCode::FORBIDDEN,
            &survey,
            &round,
            "survey-results-pending",
            false,
        );
    }
    let all = service::questions(db, survey.id).await?;
    let agg = service::aggregates(db, survey.id, &all).await?;
    let text_ids: Vec<Uuid> = all
        .iter()
        .filter(|q| q.kind.is_text() || q.model.allow_other)
        .map(|q| q.model.id)
        .collect();
    let texts = service::released_texts(db, &text_ids, 200).await?;
    let min = i64::from(survey.min_group_size);
    let by = query
        .by
        .as_deref()
        .and_then(|b| Uuid::parse_str(b).ok())
        .and_then(|b| all.iter().find(|q| q.model.id == b && q.model.demographic));
    let breakdown = match by {
        Some(by) => {
            let data = service::breakdown(db, &all, by.model.id).await?;
            Some(
                match views::breakdown_view(ctx.lang, by, &all, &data, min) {
                    Some(view) => view,
                    None => json!({ "title": by.model.prompt, "suppressed": true }),
                },
            )
        }
        None => None,
    };
    ctx.render_about(
        StatusCode::OK,
        "surveys/results",
        "survey-results-title",
        &survey.title,
        json!({
            "title": survey.title,
            "preview": survey.results_published_at.is_none(),
            "responses": if agg.responses >= min { agg.responses.to_string() } else { views::fewer_than(ctx.lang, min) },
            "min": min,
            "round": { "title": round.title, "href": format!("/rounds/{}", round.slug) },
            "questions": views::results_views(ctx.lang, &all, &agg, min, &texts),
            "demographics": all.iter().filter(|q| q.model.demographic).map(|q| json!({
                "href": format!("/surveys/{}/results?by={}#breakdown", survey.id, q.model.id),
                "prompt": q.model.prompt,
                "current": by.is_some_and(|b| b.model.id == q.model.id),
            })).collect::<Vec<_>>(),
            "breakdown": breakdown,
        }),
    )
}

// ---- staff: surveys ----

/// A survey the signed-in coordinator may manage; others answer 404.
async fn managed(ctx: &Ctx, id: Uuid) -> AppResult<(CurrentUser, surveys::Model, rounds::Model)> {
    let user = ctx.require_user()?.clone();
    let (survey, round) = service::find_with_round(&ctx.state.db, id)
        .await?
        .filter(|(_, r)| user.coordinates(r.municipality_id))
        .ok_or(AppError::NotFound)?;
    Ok((user, survey, round))
}

#[derive(serde::Deserialize)]
pub struct ListQuery {
    pub page: Option<u64>,
    pub round: Option<String>,
}

pub async fn manage_list(ctx: Ctx, query: web::Query<ListQuery>) -> AppResult<HttpResponse> {
    let form = SurveyForm {
        round_id: query.round.clone().unwrap_or_default(),
        minutes: "5".into(),
        access: "none".into(),
        ..Default::default()
    };
    list_page(&ctx, query.page, &form, &FormErrors::new(), StatusCode::OK).await
}

async fn list_page(
    ctx: &Ctx,
    page: Option<u64>,
    form: &SurveyForm,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let scope = user.coordinated_municipalities();
    let db = &ctx.state.db;
    let index = PageQuery { page }.index();
    let round = Uuid::parse_str(&form.round_id).ok();
    let (list, pages) = service::managed_page(db, scope.as_deref(), round, index, PER_PAGE).await?;
    let (rounds, _) =
        crate::rounds::manage_list::managed_page(db, scope.as_deref(), None, 0, 100).await?;
    ctx.render_status(
        status,
        "surveys/manage_list",
        "survey-manage-title",
        json!({
            "surveys": list.iter().map(|(s, r)| json!({
                "href": format!("/manage/surveys/{}", s.id),
                "title": s.title,
                "round": r.title,
                "status_key": format!("survey-status-{}", s.status),
                "published": s.results_published_at.is_some(),
            })).collect::<Vec<_>>(),
            "rounds": rounds.iter().map(|r| json!({
                "value": r.id,
                "text": format!("{} ({})", r.title, r.municipality_name),
                "selected": form.round_id == r.id.to_string(),
            })).collect::<Vec<_>>(),
            "access": access_options(ctx, &form.access),
            "values": form,
            // Known only once the round (and so the municipality) is.
            "group_floor": null,
            "filtered": round.is_some(),
            "pagination": PageView::new(
                index,
                pages,
                &match round {
                    Some(r) => format!("/manage/surveys?round={r}"),
                    None => "/manage/surveys".to_string(),
                },
            ),
            "errors": errors.view(ctx.lang),
        }),
    )
}

fn access_options(ctx: &Ctx, current: &str) -> Vec<Value> {
    forms::ACCESS
        .iter()
        .map(|a| json!({ "value": a, "text": ctx.t(&format!("survey-access-{a}")), "selected": *a == current }))
        .collect()
}

/// The smallest group size a survey of `round` may use: the municipality's, never below 3.
async fn group_floor(ctx: &Ctx, round: &rounds::Model) -> AppResult<i32> {
    let place = crate::admin::service::find_municipality(&ctx.state.db, round.municipality_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(place
        .min_group_size
        .max(crate::admin::service::MIN_GROUP_SIZE_FLOOR))
}

pub async fn create(ctx: Ctx, form: HtmlForm<SurveyForm>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?.clone();
    let mut form = form.0;
    let db = &ctx.state.db;
    let round = match Uuid::parse_str(&form.round_id) {
        Ok(id) => rounds_service::find(db, id)
            .await?
            .filter(|r| user.coordinates(r.municipality_id)),
        Err(_) => None,
    };
    let mut errors = FormErrors::new();
    let Some(round) = round else {
        errors.add("round_id", "survey-error-round");
        return list_page(&ctx, None, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let floor = group_floor(&ctx, &round).await?;
    if form.min_group_size.trim().is_empty() {
        form.min_group_size = floor.to_string();
    }
    let Some(input) = form.check(floor, &mut errors) else {
        return list_page(&ctx, None, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let txn = crate::db::begin_write(db).await?;
    let survey = service::create(&txn, &user, &round, &input, ctx.state.clock.now()).await?;
    txn.commit().await?;
    ctx.flash(FlashKind::Success, "survey-created")?;
    Ok(see_other(&format!("/manage/surveys/{}", survey.id)))
}

fn survey_form(survey: &surveys::Model) -> SurveyForm {
    SurveyForm {
        round_id: survey.round_id.to_string(),
        title: survey.title.clone(),
        intro: survey.intro.clone(),
        minutes: survey.minutes.to_string(),
        access: survey.access.clone(),
        min_group_size: survey.min_group_size.to_string(),
    }
}

/// The goals a question of `round` may inform: those the round serves.
async fn round_goals(ctx: &Ctx, round: &rounds::Model) -> AppResult<Vec<strategy::GoalRef>> {
    let db = &ctx.state.db;
    let ids = rounds_service::goal_ids(db, round.id).await?;
    Ok(strategy::goals_by_ids(db, &ids).await?)
}

/// A new question is optional until the coordinator says otherwise: people skip what they cannot
/// or will not answer, and a required question they cannot answer makes them give up.
fn blank_question() -> QuestionForm {
    QuestionForm {
        kind: "single".into(),
        ..Default::default()
    }
}

fn question_fields(
    ctx: &Ctx,
    form: &QuestionForm,
    goals: &[strategy::GoalRef],
    conditions: &[(Uuid, String, String)],
) -> Value {
    json!({
        "values": form,
        "kinds": Kind::ALL.iter().map(|k| json!({
            "value": k.as_str(),
            "text": ctx.t(&format!("survey-kind-{}", k.as_str())),
            "selected": form.kind == k.as_str(),
        })).collect::<Vec<_>>(),
        "required": form.required.is_some(),
        "demographic": form.demographic.is_some(),
        "allow_other": form.allow_other.is_some(),
        "conditions": std::iter::once(json!({ "value": "", "text": ctx.t("survey-condition-none"), "selected": form.condition.is_empty() }))
            .chain(conditions.iter().map(|(id, q, o)| json!({
                "value": id,
                "text": format!("{q} → {o}"),
                "selected": form.condition == id.to_string(),
            })))
            .collect::<Vec<_>>(),
        "goals": goals.iter().map(|g| json!({
            "id": g.id,
            "title": g.title,
            "checked": form.goal_ids.contains(&g.id.to_string()),
        })).collect::<Vec<_>>(),
    })
}

#[allow(clippy::too_many_arguments)]
async fn edit_page(
    ctx: &Ctx,
    survey: &surveys::Model,
    round: &rounds::Model,
    form: &SurveyForm,
    question: &QuestionForm,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let db = &ctx.state.db;
    let all = service::questions(db, survey.id).await?;
    let responses = service::response_count(db, survey.id).await?;
    let goals = round_goals(ctx, round).await?;
    let conditions = service::condition_choices(&all, None);
    let path = |what: &str| format!("/manage/surveys/{}/{what}", survey.id);
    let count = all.len();
    ctx.render_about(
        status,
        "surveys/manage_survey",
        "survey-edit-title",
        &survey.title,
        json!({
            "title": survey.title,
            "action": format!("/manage/surveys/{}", survey.id),
            "values": form,
            "access": access_options(ctx, &form.access),
            "group_floor": group_floor(ctx, round).await?,
            "round": { "title": round.title, "href": format!("/manage/rounds/{}", round.id) },
            "status_key": format!("survey-status-{}", survey.status),
            "responses": responses,
            "locked": responses > 0,
            "can_open": survey.status != OPEN,
            "can_close": survey.status == OPEN,
            "published": survey.results_published_at.is_some(),
            "open_action": path("open"),
            "close_action": path("close"),
            "publish_action": path("publish-results"),
            "unpublish_action": path("unpublish-results"),
            "public_href": format!("/surveys/{}", survey.id),
            "results_href": format!("/surveys/{}/results", survey.id),
            "print_href": path("print"),
            "paper_href": path("paper"),
            "codes_href": (survey.access == "code").then(|| path("codes")),
            "aggregates_href": path("export/aggregates.csv"),
            "responses_href": path("export/responses.csv"),
            "add_action": path("questions"),
            "questions": all.iter().enumerate().map(|(i, q)| json!({
                "number": i + 1,
                "prompt": q.model.prompt,
                "kind": ctx.t(&format!("survey-kind-{}", q.kind.as_str())),
                "condition": condition_text(ctx, &all, q),
                "demographic": q.model.demographic,
                "edit_href": format!("/manage/questions/{}", q.model.id),
                "move_action": format!("/manage/questions/{}/move", q.model.id),
                "delete_action": format!("/manage/questions/{}/delete", q.model.id),
                "first": i == 0,
                "last": i + 1 == count,
            })).collect::<Vec<_>>(),
            "question": question_fields(ctx, question, &goals, &conditions),
            "errors": errors.view(ctx.lang),
        }),
    )
}

pub async fn edit(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (_, survey, round) = managed(&ctx, *id).await?;
    edit_page(
        &ctx,
        &survey,
        &round,
        &survey_form(&survey),
        &blank_question(),
        &FormErrors::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn update(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: HtmlForm<SurveyForm>,
) -> AppResult<HttpResponse> {
    let (user, survey, round) = managed(&ctx, *id).await?;
    let form = form.0;
    let mut errors = FormErrors::new();
    let floor = group_floor(&ctx, &round).await?;
    let Some(input) = form.check(floor, &mut errors) else {
        return edit_page(
            &ctx,
            &survey,
            &round,
            &form,
            &blank_question(),
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    service::update(
        &txn,
        &user,
        round.municipality_id,
        &survey,
        &input,
        ctx.state.clock.now(),
    )
    .await?;
    txn.commit().await?;
    ctx.flash(FlashKind::Success, "survey-saved")?;
    Ok(see_other(&format!("/manage/surveys/{}", survey.id)))
}

async fn refused(
    ctx: &Ctx,
    survey: &surveys::Model,
    round: &rounds::Model,
    refusal: Refusal,
) -> AppResult<HttpResponse> {
    let mut errors = FormErrors::new();
    errors.add("lifecycle", refusal.message_key());
    edit_page(
        ctx,
        survey,
        round,
        &survey_form(survey),
        &blank_question(),
        &errors,
        StatusCode::CONFLICT,
    )
    .await
}

async fn set_status(ctx: Ctx, id: Uuid, to: &str) -> AppResult<HttpResponse> {
    let (user, survey, round) = managed(&ctx, id).await?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    match service::set_status(
        &txn,
        &user,
        round.municipality_id,
        &survey,
        to,
        ctx.state.clock.now(),
    )
    .await?
    {
        Ok(()) => {
            txn.commit().await?;
            ctx.flash(
                FlashKind::Success,
                if to == OPEN {
                    "survey-opened"
                } else {
                    "survey-closed-done"
                },
            )?;
            Ok(see_other(&format!("/manage/surveys/{id}")))
        }
        Err(refusal) => {
            txn.rollback().await?;
            refused(&ctx, &survey, &round, refusal).await
        }
    }
}

pub async fn open(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    set_status(ctx, *id, OPEN).await
}

pub async fn close(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    set_status(ctx, *id, CLOSED).await
}

async fn publish(ctx: Ctx, id: Uuid, on: bool) -> AppResult<HttpResponse> {
    let (user, survey, round) = managed(&ctx, id).await?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    service::set_results_published(
        &txn,
        &user,
        round.municipality_id,
        &survey,
        on,
        ctx.state.clock.now(),
    )
    .await?;
    txn.commit().await?;
    ctx.flash(
        FlashKind::Success,
        if on {
            "survey-results-published"
        } else {
            "survey-results-unpublished"
        },
    )?;
    Ok(see_other(&format!("/manage/surveys/{id}")))
}

pub async fn publish_results(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    publish(ctx, *id, true).await
}

pub async fn unpublish_results(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    publish(ctx, *id, false).await
}

// ---- staff: questions ----

pub async fn add_question(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: HtmlForm<QuestionForm>,
) -> AppResult<HttpResponse> {
    let (user, survey, round) = managed(&ctx, *id).await?;
    let form = form.0;
    let mut errors = FormErrors::new();
    let goals = round_goals(&ctx, &round).await?;
    let input = form.check(&mut errors);
    if let Some(input) = &input
        && input
            .goal_ids
            .iter()
            .any(|g| !goals.iter().any(|x| x.id == *g))
    {
        errors.add("goal_ids", "survey-error-goals");
    }
    let Some(input) = input.filter(|_| errors.is_empty()) else {
        return edit_page(
            &ctx,
            &survey,
            &round,
            &survey_form(&survey),
            &form,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    match service::add_question(
        &txn,
        &user,
        round.municipality_id,
        &survey,
        &input,
        ctx.state.clock.now(),
    )
    .await?
    {
        Ok(_) => {
            txn.commit().await?;
            ctx.flash(FlashKind::Success, "survey-question-added")?;
            Ok(see_other(&format!(
                "/manage/surveys/{}#questions",
                survey.id
            )))
        }
        Err(refusal) => {
            txn.rollback().await?;
            let mut errors = FormErrors::new();
            errors.add("prompt", refusal.message_key());
            let status = if refusal == Refusal::ConditionInvalid {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::CONFLICT
            };
            edit_page(
                &ctx,
                &survey,
                &round,
                &survey_form(&survey),
                &form,
                &errors,
                status,
            )
            .await
        }
    }
}

/// A question the signed-in coordinator may manage, with its survey and round.
async fn managed_question(
    ctx: &Ctx,
    id: Uuid,
) -> AppResult<(CurrentUser, Question, surveys::Model, rounds::Model)> {
    let q = service::find_question(&ctx.state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (user, survey, round) = managed(ctx, q.survey_id).await?;
    let question = service::questions(&ctx.state.db, survey.id)
        .await?
        .into_iter()
        .find(|x| x.model.id == id)
        .ok_or(AppError::NotFound)?;
    Ok((user, question, survey, round))
}

fn question_form(q: &Question) -> QuestionForm {
    let m = &q.model;
    let opt = |v: Option<i32>| v.map(|n| n.to_string()).unwrap_or_default();
    QuestionForm {
        kind: m.kind.clone(),
        prompt: m.prompt.clone(),
        help: m.help.clone(),
        required: m.required.then(|| "on".into()),
        demographic: m.demographic.then(|| "on".into()),
        options: q
            .options
            .iter()
            .map(|o| o.label.clone())
            .collect::<Vec<_>>()
            .join("\n"),
        allow_other: m.allow_other.then(|| "on".into()),
        min_choices: opt(m.min_choices),
        max_choices: opt(m.max_choices),
        scale_min: opt(m.scale_min),
        scale_max: opt(m.scale_max),
        scale_min_label: m.scale_min_label.clone(),
        scale_max_label: m.scale_max_label.clone(),
        number_min: opt(m.number_min),
        number_max: opt(m.number_max),
        condition: m
            .condition_option_id
            .map(|c| c.to_string())
            .unwrap_or_default(),
        goal_ids: q.goal_ids.iter().map(Uuid::to_string).collect(),
    }
}

async fn question_page(
    ctx: &Ctx,
    q: &Question,
    survey: &surveys::Model,
    round: &rounds::Model,
    form: &QuestionForm,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let db = &ctx.state.db;
    let all = service::questions(db, survey.id).await?;
    let goals = round_goals(ctx, round).await?;
    let conditions = service::condition_choices(&all, Some(q.model.position));
    ctx.render_about(
        status,
        "surveys/manage_question",
        "survey-question-edit-title",
        &q.model.prompt,
        json!({
            "survey": { "title": survey.title, "href": format!("/manage/surveys/{}", survey.id) },
            "action": format!("/manage/questions/{}", q.model.id),
            "locked": service::has_responses(db, survey.id).await?,
            "question": question_fields(ctx, form, &goals, &conditions),
            "errors": errors.view(ctx.lang),
        }),
    )
}

pub async fn edit_question(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (_, q, survey, round) = managed_question(&ctx, *id).await?;
    question_page(
        &ctx,
        &q,
        &survey,
        &round,
        &question_form(&q),
        &FormErrors::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn update_question(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: HtmlForm<QuestionForm>,
) -> AppResult<HttpResponse> {
    let (user, q, survey, round) = managed_question(&ctx, *id).await?;
    let form = form.0;
    let mut errors = FormErrors::new();
    let goals = round_goals(&ctx, &round).await?;
    let input = form.check(&mut errors);
    if let Some(input) = &input
        && input
            .goal_ids
            .iter()
            .any(|g| !goals.iter().any(|x| x.id == *g) && !q.goal_ids.contains(g))
    {
        errors.add("goal_ids", "survey-error-goals");
    }
    let Some(input) = input.filter(|_| errors.is_empty()) else {
        return question_page(
            &ctx,
            &q,
            &survey,
            &round,
            &form,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    match service::update_question(
        &txn,
        &user,
        round.municipality_id,
        &q,
        &input,
        ctx.state.clock.now(),
    )
    .await?
    {
        Ok(()) => {
            txn.commit().await?;
            ctx.flash(FlashKind::Success, "survey-question-saved")?;
            Ok(see_other(&format!(
                "/manage/surveys/{}#questions",
                survey.id
            )))
        }
        Err(refusal) => {
            txn.rollback().await?;
            let mut errors = FormErrors::new();
            errors.add("kind", refusal.message_key());
            let status = if refusal == Refusal::ConditionInvalid {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::CONFLICT
            };
            question_page(&ctx, &q, &survey, &round, &form, &errors, status).await
        }
    }
}

pub async fn move_question(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<MoveForm>,
) -> AppResult<HttpResponse> {
    let (user, q, survey, round) = managed_question(&ctx, *id).await?;
    let up = form.direction == "up";
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    match service::move_question(
        &txn,
        &user,
        round.municipality_id,
        q.model.id,
        up,
        ctx.state.clock.now(),
    )
    .await?
    {
        Ok(()) => {
            txn.commit().await?;
            Ok(see_other(&format!(
                "/manage/surveys/{}#questions",
                survey.id
            )))
        }
        Err(refusal) => {
            txn.rollback().await?;
            refused(&ctx, &survey, &round, refusal).await
        }
    }
}

pub async fn delete_question(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (user, q, survey, round) = managed_question(&ctx, *id).await?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    match service::delete_question(
        &txn,
        &user,
        round.municipality_id,
        &q,
        ctx.state.clock.now(),
    )
    .await?
    {
        Ok(()) => {
            txn.commit().await?;
            ctx.flash(FlashKind::Success, "survey-question-deleted")?;
            Ok(see_other(&format!(
                "/manage/surveys/{}#questions",
                survey.id
            )))
        }
        Err(refusal) => {
            txn.rollback().await?;
            refused(&ctx, &survey, &round, refusal).await
        }
    }
}

// ---- staff: codes, paper, print ----

async fn codes_page(
    ctx: &Ctx,
    survey: &surveys::Model,
    codes: Vec<String>,
    form: &str,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (all, used) = service::code_counts(&ctx.state.db, survey.id).await?;
    ctx.render_about(
        status,
        "surveys/manage_codes",
        "survey-codes-title",
        &survey.title,
        json!({
            "survey": { "title": survey.title, "href": format!("/manage/surveys/{}", survey.id) },
            "public_href": format!("/surveys/{}", survey.id),
            "action": format!("/manage/surveys/{}/codes", survey.id),
            "all": all,
            "used": used,
            "codes": codes,
            "count": form,
            "errors": errors.view(ctx.lang),
        }),
    )
}

pub async fn codes(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (_, survey, _) = managed(&ctx, *id).await?;
    codes_page(
        &ctx,
        &survey,
        Vec::new(),
        "",
        &FormErrors::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn generate_codes(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<CodesForm>,
) -> AppResult<HttpResponse> {
    let (user, survey, round) = managed(&ctx, *id).await?;
    let count = form
        .count
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=forms::CODES_MAX).contains(n));
    let Some(count) = count else {
        let mut errors = FormErrors::new();
        errors.add("count", "survey-error-codes-count");
        return codes_page(
            &ctx,
            &survey,
            Vec::new(),
            &form.count,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let codes = service::generate_codes(
        &txn,
        &ctx.state.keys,
        &user,
        round.municipality_id,
        survey.id,
        count,
        ctx.state.clock.now(),
    )
    .await?;
    txn.commit().await?;
    // Shown this once: only hashes are stored.
    codes_page(&ctx, &survey, codes, "", &FormErrors::new(), StatusCode::OK).await
}

fn paper_page(
    ctx: &Ctx,
    survey: &surveys::Model,
    all: &[Question],
    raw: &RawAnswers,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let errors_view = errors.view(ctx.lang);
    ctx.render_about(
        status,
        "surveys/manage_paper",
        "survey-paper-title",
        &survey.title,
        json!({
            "survey": { "title": survey.title, "href": format!("/manage/surveys/{}", survey.id) },
            "action": format!("/manage/surveys/{}/paper", survey.id),
            "questions": all.iter().map(|q| question_view(ctx, q, raw, &errors_view, &condition_text(ctx, all, q))).collect::<Vec<_>>(),
            "errors": errors_view,
        }),
    )
}

pub async fn paper_form(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (_, survey, _) = managed(&ctx, *id).await?;
    let all = service::questions(&ctx.state.db, survey.id).await?;
    paper_page(
        &ctx,
        &survey,
        &all,
        &RawAnswers::default(),
        &FormErrors::new(),
        StatusCode::OK,
    )
}

pub async fn paper_submit(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: HtmlForm<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let (user, survey, round) = managed(&ctx, *id).await?;
    let db = &ctx.state.db;
    let all = service::questions(db, survey.id).await?;
    let raw = RawAnswers::from_pairs(form.0);
    let shown = service::visible(&all, |q, o| raw.chose(q, o));
    let mut errors = FormErrors::new();
    let answers = check_all(
        &all,
        (0..all.len()).filter(|&i| shown[i]),
        &raw,
        Entry::Paper,
        &mut errors,
    );
    // Blanks are fine on paper, but a questionnaire with no answer at all is a slip of the hand.
    if errors.is_empty() && answers.is_empty() {
        errors.add("paper", "survey-paper-empty");
    }
    if !errors.is_empty() {
        return paper_page(
            &ctx,
            &survey,
            &all,
            &raw,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    if survey.status == service::DRAFT {
        let mut errors = FormErrors::new();
        errors.add("paper", "survey-refused-state");
        return paper_page(&ctx, &survey, &all, &raw, &errors, StatusCode::CONFLICT);
    }
    let now = ctx.state.clock.now();
    let today = now
        .with_timezone(&ctx.state.settings.time_zone)
        .date_naive();
    let txn = crate::db::begin_write(db).await?;
    service::submit(
        &txn,
        &ctx.state.keys,
        survey.id,
        &answers,
        service::PAPER,
        &[],
        today,
    )
    .await?;
    service::record_paper_entry(&txn, &user, round.municipality_id, survey.id, now).await?;
    txn.commit().await?;
    ctx.flash(FlashKind::Success, "survey-paper-saved")?;
    Ok(see_other(&format!("/manage/surveys/{}/paper", survey.id)))
}

/// The printed questionnaire, and on screen above it the form for where and by when it goes back.
pub async fn print(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (_, survey, round) = managed(&ctx, *id).await?;
    let form = PaperReturnForm {
        place: survey.paper_return_place.clone(),
        by: survey
            .paper_return_by
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
    };
    print_page(
        &ctx,
        &survey,
        &round,
        &form,
        &FormErrors::new(),
        StatusCode::OK,
    )
    .await
}

async fn print_page(
    ctx: &Ctx,
    survey: &surveys::Model,
    round: &rounds::Model,
    form: &PaperReturnForm,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let all = service::questions(&ctx.state.db, survey.id).await?;
    let none = FormErrors::new().view(ctx.lang);
    let views: Vec<Value> = all
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let mut v = question_view(
                ctx,
                q,
                &RawAnswers::default(),
                &none,
                &condition_text(ctx, &all, q),
            );
            v["number"] = json!(i + 1);
            v["instruction"] = json!(print::instruction(ctx.lang, q));
            v["is_scale"] = json!(q.kind == Kind::Scale);
            v
        })
        .collect();
    let pages = print::paginate(&all, views, survey.intro.chars().count());
    let total = pages.len();
    let url = ctx
        .state
        .settings
        .absolute_url(&format!("/surveys/{}", survey.id));
    let tz = ctx.state.settings.time_zone;
    let last_day = survey
        .paper_return_by
        .unwrap_or_else(|| crate::rounds::forms::last_day(tz, round.ends_at));
    // Without a place of its own the questionnaire goes back to the round's contact person.
    let place = if survey.paper_return_place.trim().is_empty() {
        [round.contact_name.as_str(), round.contact_address.as_str()]
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        survey.paper_return_place.clone()
    };
    ctx.render_about(
        status,
        "surveys/print",
        "survey-print-title",
        &survey.title,
        json!({
            "title": survey.title,
            "intro": survey.intro,
            "minutes": survey.minutes,
            "round": round.title,
            "url": url,
            "qr": print::qr_svg(&url).unwrap_or_default(),
            "needs_code": survey.access == "code",
            "needs_account": survey.access == "account",
            "hand_in": {
                "by": last_day.format(&ctx.t("format-date")).to_string(),
                "place": place,
                "phone": round.contact_phone,
            },
            "pages": pages.into_iter().enumerate().map(|(i, questions)| json!({
                "number": i + 1,
                "total": total,
                "first": i == 0,
                "last": i + 1 == total,
                "questions": questions,
            })).collect::<Vec<_>>(),
            "survey_href": format!("/manage/surveys/{}", survey.id),
            "return_action": format!("/manage/surveys/{}/print", survey.id),
            "values": form,
            "errors": errors.view(ctx.lang),
        }),
    )
}

/// Saves where and by when the paper questionnaires go back.
pub async fn save_paper_return(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<PaperReturnForm>,
) -> AppResult<HttpResponse> {
    let (user, survey, round) = managed(&ctx, *id).await?;
    let form = form.into_inner();
    let mut errors = FormErrors::new();
    let Some((place, by)) = form.check(&mut errors) else {
        return print_page(
            &ctx,
            &survey,
            &round,
            &form,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    service::set_paper_return(
        &txn,
        &user,
        round.municipality_id,
        &survey,
        &place,
        by,
        ctx.state.clock.now(),
    )
    .await?;
    txn.commit().await?;
    ctx.flash(FlashKind::Success, "survey-return-saved")?;
    Ok(see_other(&format!("/manage/surveys/{}/print", survey.id)))
}

// ---- staff: exports ----

/// Today in the configured time zone: the date in an export's file name.
fn today(ctx: &Ctx) -> chrono::NaiveDate {
    ctx.state
        .clock
        .now()
        .with_timezone(&ctx.state.settings.time_zone)
        .date_naive()
}

pub async fn export_aggregates(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (user, survey, round) = managed(&ctx, *id).await?;
    let db = &ctx.state.db;
    let all = service::questions(db, survey.id).await?;
    let agg = service::aggregates(db, survey.id, &all).await?;
    let mut sheet = Sheet::new([
        ctx.t("survey-export-question"),
        ctx.t("survey-export-answer"),
        ctx.t("survey-export-count"),
        ctx.t("survey-export-percent"),
    ])?;
    for line in views::aggregate_lines(ctx.lang, &all, &agg, i64::from(survey.min_group_size)) {
        sheet.row(line)?;
    }
    let body = sheet.finish()?;
    let txn = crate::db::begin_write(db).await?;
    service::record_export(
        &txn,
        &user,
        round.municipality_id,
        survey.id,
        "aggregates.csv",
        ctx.state.clock.now(),
    )
    .await?;
    txn.commit().await?;
    Ok(csv::download(
        &survey.title,
        &ctx.t("survey-export-file-aggregates"),
        today(&ctx),
        body,
    ))
}

/// Every response as one line, without any identifier: a running number, the channel and the
/// answers. Free texts only once released, and only where the results page shows them.
pub async fn export_responses(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (user, survey, round) = managed(&ctx, *id).await?;
    let db = &ctx.state.db;
    let all = service::questions(db, survey.id).await?;
    let mut header = vec![
        ctx.t("survey-export-number"),
        ctx.t("survey-export-channel"),
    ];
    header.extend(all.iter().map(|q| q.model.prompt.clone()));
    let mut sheet = Sheet::new(&header)?;
    let column: std::collections::HashMap<Uuid, usize> = all
        .iter()
        .enumerate()
        .map(|(i, q)| (q.model.id, i))
        .collect();
    let labels: std::collections::HashMap<Uuid, String> = all
        .iter()
        .flat_map(|q| q.options.iter().map(|o| (o.id, o.label.clone())))
        .collect();
    let yes_no = |n: i32| match n {
        YES => ctx.t("survey-yes"),
        NO => ctx.t("survey-no"),
        DONT_KNOW => ctx.t("survey-dont-know"),
        _ => n.to_string(),
    };
    let kinds: std::collections::HashMap<Uuid, Kind> =
        all.iter().map(|q| (q.model.id, q.kind)).collect();
    // Released free texts only where the results page shows them (minimum group size).
    let agg = service::aggregates(db, survey.id, &all).await?;
    let texts_shown: std::collections::HashSet<Uuid> = all
        .iter()
        .filter(|q| views::texts_shown(q, &agg, i64::from(survey.min_group_size)))
        .map(|q| q.model.id)
        .collect();
    // A number or scale answer is written as a number, so a spreadsheet can compute with it.
    let numeric: Vec<bool> = all
        .iter()
        .map(|q| matches!(q.kind, Kind::Number | Kind::Scale))
        .collect();
    let mut after = None;
    let mut number = 0i64;
    loop {
        let chunk = service::answers_chunk(db, survey.id, after, 2_000).await?;
        let Some(last) = chunk.last() else { break };
        after = Some(last.0);
        let mut current: Option<Uuid> = None;
        let mut row: Vec<Vec<String>> = Vec::new();
        let mut channel = String::new();
        let flush = |sheet: &mut Sheet, number: i64, channel: &str, row: &[Vec<String>]| {
            let mut line = vec![
                Cell::Integer(number),
                Cell::text(ctx.t(&format!("survey-channel-{channel}"))),
            ];
            line.extend(row.iter().zip(&numeric).map(|(values, numeric)| {
                match (values.as_slice(), *numeric) {
                    ([], _) => Cell::Empty,
                    ([one], true) => one
                        .parse::<i64>()
                        .map_or_else(|_| Cell::text(one.clone()), Cell::Integer),
                    (many, _) => Cell::text(many.join("; ")),
                }
            }));
            sheet.row(line)
        };
        for (rid, ch, answer) in chunk {
            if current != Some(rid) {
                if current.is_some() {
                    number += 1;
                    flush(&mut sheet, number, &channel, &row)?;
                }
                current = Some(rid);
                channel = ch;
                row = vec![Vec::new(); all.len()];
            }
            let Some(&col) = column.get(&answer.question_id) else {
                continue;
            };
            let value = match (answer.option_id, answer.number_value, &answer.text_value) {
                (Some(o), _, _) => labels.get(&o).cloned().unwrap_or_default(),
                (None, Some(n), _) if kinds.get(&answer.question_id) == Some(&Kind::YesNo) => {
                    yes_no(n)
                }
                (None, Some(n), _) => n.to_string(),
                (None, None, Some(t))
                    if answer.text_status.as_deref() == Some(service::RELEASED)
                        && texts_shown.contains(&answer.question_id) =>
                {
                    t.clone()
                }
                _ => continue,
            };
            row[col].push(value);
        }
        if current.is_some() {
            number += 1;
            flush(&mut sheet, number, &channel, &row)?;
        }
    }
    let body = sheet.finish()?;
    let txn = crate::db::begin_write(db).await?;
    service::record_export(
        &txn,
        &user,
        round.municipality_id,
        survey.id,
        "responses.csv",
        ctx.state.clock.now(),
    )
    .await?;
    txn.commit().await?;
    Ok(csv::download(
        &survey.title,
        &ctx.t("survey-export-file-responses"),
        today(&ctx),
        body,
    ))
}

// ---- moderators: free-text release ----

pub async fn free_text(ctx: Ctx, query: web::Query<FreeTextQuery>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let scope = user.moderated_municipalities();
    let db = &ctx.state.db;
    let survey = query.survey_id();
    let (list, index, pages) =
        service::pending_page(db, scope.as_deref(), survey, query.index(), PER_PAGE).await?;
    let surveys = service::surveys_with_pending_texts(db, scope.as_deref()).await?;
    // The actions carry the page and filter, so the moderator comes back to the same place.
    let here = free_text_query(survey, index);
    ctx.render(
        "surveys/free_text",
        "survey-free-text-title",
        json!({
            "items": list.iter().map(|p| json!({
                "id": p.id,
                "text": p.text,
                "prompt": p.prompt,
                "survey": p.survey_title,
                "hints": personal_data_hints(&p.text).iter().map(|h| ctx.t(&format!("survey-pii-{h}"))).collect::<Vec<_>>(),
                "release_action": format!("/manage/free-text/{}/release{here}", p.id),
                "reject_action": format!("/manage/free-text/{}/reject{here}", p.id),
            })).collect::<Vec<_>>(),
            "surveys": surveys.iter().map(|(id, title, count)| json!({
                "value": id, "text": title, "count": count, "selected": survey == Some(*id),
            })).collect::<Vec<_>>(),
            "show_filter": surveys.len() > 1 || survey.is_some(),
            "pagination": PageView::new(index, pages, &format!("/manage/free-text{}", free_text_query(survey, 0))),
        }),
    )
}

async fn decide(
    ctx: Ctx,
    id: Uuid,
    text: Option<String>,
    place: &FreeTextQuery,
) -> AppResult<HttpResponse> {
    let back = format!(
        "/manage/free-text{}",
        free_text_query(place.survey_id(), place.index())
    );
    let user = ctx.require_user()?.clone();
    let db = &ctx.state.db;
    let municipality = service::pending_text_municipality(db, id)
        .await?
        .filter(|m| user.moderates(*m))
        .ok_or(AppError::NotFound)?;
    let text = text.map(|t| t.trim().to_string());
    if text
        .as_deref()
        .is_some_and(|t| t.is_empty() || t.chars().count() > forms::LONG_TEXT_MAX)
    {
        ctx.flash(FlashKind::Error, "survey-error-release-text")?;
        return Ok(see_other(&back));
    }
    let txn = crate::db::begin_write(db).await?;
    let done = service::decide_text(
        &txn,
        &user,
        municipality,
        id,
        text.as_deref(),
        ctx.state.clock.now(),
    )
    .await?;
    txn.commit().await?;
    if done {
        ctx.flash(
            FlashKind::Success,
            if text.is_some() {
                "survey-free-text-released"
            } else {
                "survey-free-text-rejected"
            },
        )?;
    }
    Ok(see_other(&back))
}

pub async fn release(
    ctx: Ctx,
    id: web::Path<Uuid>,
    place: web::Query<FreeTextQuery>,
    form: web::Form<ReleaseForm>,
) -> AppResult<HttpResponse> {
    let text = form.into_inner().text;
    decide(ctx, *id, Some(text), &place).await
}

pub async fn reject(
    ctx: Ctx,
    id: web::Path<Uuid>,
    place: web::Query<FreeTextQuery>,
) -> AppResult<HttpResponse> {
    decide(ctx, *id, None, &place).await
}
