//! Submitting a response: the POST of the online answer form (back, next, submit), and the one
//! short write that stores a response anonymously together with its participation mark (or the
//! access code's "used" flag), committed with others arriving at the same time (group commit).
//! Paper entry stores its responses through the same `submit`.

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::NaiveDate;
use entity::{
    survey_access_codes, survey_answers, survey_participations, survey_responses, surveys,
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, TransactionTrait,
    sea_query::{Expr, OnConflict},
};
use uuid::Uuid;

use crate::{
    error::{AppError, AppResult},
    secrets::Keys,
    surveys::{
        answer::{AnswerPage, answerable},
        answering::{Answer, OnlinePage, RawAnswers, check_online, shown_pages},
        codes::{code_hash, code_usable, normalize_code},
        lookup::{Notice, notice, public_survey},
        model::{Access, Channel, TextStatus},
        queries,
        question_cache::questions_for_answering,
        screening::personal_data_hints,
    },
    web::{
        context::{Ctx, see_other},
        forms::{CheckForm, FormErrors, HtmlForm},
        rate_limit,
    },
};

const BROWSER_KEY: &str = "survey_browser";

/// What stops a second response.
#[derive(Clone, Debug)]
pub enum Guard {
    /// A signed-in person (strong).
    User(Uuid),
    /// A random value from this browser's signed session cookie (soft).
    Browser(String),
    /// A one-time access code (as typed, normalized).
    Code(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Submitted {
    Stored,
    AlreadyTaken,
    CodeInvalid,
}

/// The keyed hash a participation is stored as: nothing on the response points to it.
pub(super) fn guard_hash(keys: &Keys, survey_id: Uuid, who: &str, value: &str) -> String {
    keys.keyed_hash(&["survey-participation", who, &survey_id.to_string(), value])
}

/// Who this browser or person is, as the participation guard sees them.
pub fn guards(ctx: &Ctx, survey: &surveys::Model, code: Option<String>) -> AppResult<Vec<Guard>> {
    let mut out = Vec::new();
    if let Some(user) = &ctx.user {
        out.push(Guard::User(user.id));
    }
    match Access::parse(&survey.access) {
        Some(Access::Code) => {
            if let Some(code) = code {
                out.push(Guard::Code(code));
            }
        }
        Some(Access::Account) => {}
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

/// Whether `guards` already took part (to tell people before they fill in the form).
pub async fn already_taken(
    db: &impl ConnectionTrait,
    keys: &Keys,
    survey_id: Uuid,
    guards: &[Guard],
) -> Result<bool, DbErr> {
    for guard in guards {
        let hash = match guard {
            Guard::User(id) => guard_hash(keys, survey_id, "user", &id.to_string()),
            Guard::Browser(v) => guard_hash(keys, survey_id, "browser", v),
            Guard::Code(_) => continue,
        };
        if survey_participations::Entity::find_by_id(hash)
            .one(db)
            .await?
            .is_some()
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The posted answer form: the button pressed, the page it was on and the answers.
struct Posted {
    action: String,
    page: usize,
    answers: RawAnswers,
}

impl Posted {
    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let value = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let action = value("action").unwrap_or_default();
        let page = value("page").and_then(|v| v.parse().ok()).unwrap_or(0);
        Self {
            action,
            page,
            answers: RawAnswers::from_pairs(pairs),
        }
    }
}

/// The POST of the answer form: back, next (the page is checked), or submit (the whole survey
/// as shown is checked, then stored).
pub async fn answer(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: HtmlForm<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let (survey, round) = public_survey(&ctx, *id).await?;
    if !answerable(&survey, &round) {
        return notice(&ctx, StatusCode::CONFLICT, &survey, &round, Notice::Closed);
    }
    if Access::Account.is(&survey.access) && ctx.user.is_none() {
        return Ok(see_other(&format!(
            "/account/login?next=%2Fsurveys%2F{}",
            survey.id
        )));
    }
    let posted = Posted::from_pairs(form.0);
    let raw = &posted.answers;
    let db = &ctx.state.db;
    let all = questions_for_answering(db, &survey).await?;
    let page_count = shown_pages(&all, raw).len();
    let page = posted.page.min(page_count.saturating_sub(1));
    let code = normalize_code(raw.first("access_code"));
    let form = |page: usize| AnswerPage {
        survey: &survey,
        round: &round,
        questions: &all,
        answers: raw,
        page,
    };
    let invalid = StatusCode::UNPROCESSABLE_ENTITY;

    if posted.action == "back" {
        return form(page.saturating_sub(1)).render(&ctx, &FormErrors::new(), StatusCode::OK);
    }
    if Access::Code.is(&survey.access) {
        let mut errors = FormErrors::new();
        if code.is_empty() {
            errors.add("access_code", "survey-error-code-missing");
        } else if !code_usable(db, &ctx.state.keys, survey.id, &code).await? {
            errors.add("access_code", "survey-error-code-invalid");
        }
        if !errors.is_empty() {
            return form(0).render(&ctx, &errors, invalid);
        }
    }
    if let Err(errors) = (OnlinePage { answers: raw, page }).check(&all) {
        return form(page).render(&ctx, &errors, invalid);
    }
    if posted.action != "submit" && page + 1 < page_count {
        return form(page + 1).render(&ctx, &FormErrors::new(), StatusCode::OK);
    }
    let answers = match check_online(&all, raw) {
        Ok(answers) => answers,
        Err((index, errors)) => return form(index).render(&ctx, &errors, invalid),
    };
    let guards = guards(&ctx, &survey, Some(code))?;
    match submit_online(&ctx, survey.id, answers, guards).await? {
        Submitted::Stored => Ok(see_other(&format!("/surveys/{}/thanks", survey.id))),
        Submitted::AlreadyTaken => {
            notice(&ctx, StatusCode::CONFLICT, &survey, &round, Notice::Already)
        }
        Submitted::CodeInvalid => {
            let mut errors = FormErrors::new();
            errors.add("access_code", "survey-error-code-invalid");
            form(0).render(&ctx, &errors, invalid)
        }
    }
}

/// One short write, committed together with others arriving at the same time (group commit).
/// The rate-limit hit counts even when the response is refused.
async fn submit_online(
    ctx: &Ctx,
    survey_id: Uuid,
    answers: Vec<(Uuid, Answer)>,
    guards: Vec<Guard>,
) -> AppResult<Submitted> {
    let now = ctx.state.clock.now();
    let today = now
        .with_timezone(&ctx.state.settings.time_zone)
        .date_naive();
    let (keys, client_ip) = (ctx.state.keys.clone(), ctx.client_ip());
    let outcome = ctx
        .state
        .writes
        .run(move |txn| {
            Box::pin(async move {
                let limit = rate_limit::SURVEY_SUBMIT_PER_IP;
                if !rate_limit::hit(txn, &keys, limit, &client_ip, now.timestamp()).await? {
                    return Ok(None);
                }
                let (answers, online) = (&answers, Channel::Online);
                // With one guard a refusal comes before anything is written, so only several
                // guards (a person and a code) need a savepoint to undo the first mark.
                if guards.len() < 2 {
                    let outcome = submit(txn, &keys, survey_id, answers, online, &guards, today);
                    return Ok::<_, AppError>(Some(outcome.await?));
                }
                let attempt = txn.begin().await?;
                let outcome =
                    submit(&attempt, &keys, survey_id, answers, online, &guards, today).await?;
                if outcome == Submitted::Stored {
                    attempt.commit().await?;
                } else {
                    attempt.rollback().await?;
                }
                Ok(Some(outcome))
            })
        })
        .await?;
    outcome.ok_or_else(|| rate_limit::too_many(rate_limit::SURVEY_SUBMIT_PER_IP))
}

/// Stores a response. Run inside a write transaction: the participation marks (or the code's
/// "used" flag) and the response commit together, and the unique hash makes a second response
/// impossible even when two arrive at once. Nothing on the response points to the guards.
pub async fn submit(
    db: &impl ConnectionTrait,
    keys: &Keys,
    survey_id: Uuid,
    answers: &[(Uuid, Answer)],
    channel: Channel,
    guards: &[Guard],
    today: NaiveDate,
) -> Result<Submitted, DbErr> {
    for guard in guards {
        let hash = match guard {
            Guard::User(id) => guard_hash(keys, survey_id, "user", &id.to_string()),
            Guard::Browser(v) => guard_hash(keys, survey_id, "browser", v),
            Guard::Code(code) => {
                let used = survey_access_codes::Entity::update_many()
                    .filter(
                        survey_access_codes::Column::CodeHash.eq(code_hash(keys, survey_id, code)),
                    )
                    .filter(survey_access_codes::Column::SurveyId.eq(survey_id))
                    .filter(survey_access_codes::Column::Used.eq(false))
                    .col_expr(survey_access_codes::Column::Used, Expr::value(true))
                    .exec(db)
                    .await?
                    .rows_affected;
                if used != 1 {
                    return Ok(Submitted::CodeInvalid);
                }
                continue;
            }
        };
        let inserted = survey_participations::Entity::insert(survey_participations::ActiveModel {
            guard_hash: Set(hash),
            survey_id: Set(survey_id),
        })
        .on_conflict(
            OnConflict::column(survey_participations::Column::GuardHash)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
        if inserted == 0 {
            return Ok(Submitted::AlreadyTaken);
        }
    }
    // Random (v4) ids: a time-ordered id would tell when the response came in.
    let response_id = Uuid::new_v4();
    // Without reading the row back: one statement less in the writer's batch.
    survey_responses::Entity::insert(survey_responses::ActiveModel {
        id: Set(response_id),
        survey_id: Set(survey_id),
        channel: Set(channel.as_str().into()),
        submitted_on: Set(today),
    })
    .exec_without_returning(db)
    .await?;
    let rows = answer_rows(response_id, answers);
    if !rows.is_empty() {
        survey_answers::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    // Last: on PostgreSQL the count's row stays locked until the commit.
    queries::count_responses(db, survey_id, 1).await?;
    Ok(Submitted::Stored)
}

/// The answer rows of one response.
pub fn answer_rows(
    response_id: Uuid,
    answers: &[(Uuid, Answer)],
) -> Vec<survey_answers::ActiveModel> {
    let row =
        |question_id: Uuid, option_id: Option<Uuid>, number: Option<i32>, text: Option<String>| {
            let status = text
                .as_ref()
                .map(|_| TextStatus::Pending.as_str().to_string());
            let marked = text.as_deref().map(|t| !personal_data_hints(t).is_empty());
            survey_answers::ActiveModel {
                id: Set(Uuid::new_v4()),
                response_id: Set(response_id),
                question_id: Set(question_id),
                option_id: Set(option_id),
                number_value: Set(number),
                text_value: Set(text),
                text_status: Set(status),
                text_marked: Set(marked),
            }
        };
    let mut rows = Vec::new();
    for (question_id, answer) in answers {
        match answer {
            Answer::Choices(options, other) => {
                for o in options {
                    rows.push(row(*question_id, Some(*o), None, None));
                }
                if let Some(text) = other {
                    rows.push(row(*question_id, None, None, Some(text.clone())));
                }
            }
            Answer::Number(n) => rows.push(row(*question_id, None, Some(*n), None)),
            Answer::Text(t) => rows.push(row(*question_id, None, None, Some(t.clone()))),
        }
    }
    rows
}
