//! Submitting a response: the POST of the online answer form (back, next, submit), and the short
//! write that stores it anonymously with its participation mark (or the access code's "used"
//! flag), together with the other answers arriving at the same time (group commit). How responses
//! are stored, online and on paper, is in `store.rs`.

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::NaiveDate;
use entity::{survey_participations, surveys};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, TransactionTrait};
use uuid::Uuid;

use crate::{
    error::{AppError, AppResult},
    group_commit::{BatchFuture, BatchWrite},
    secrets::Keys,
    surveys::{
        answer::{AnswerPage, answerable},
        answering::{Answer, OnlinePage, RawAnswers, check_online, shown_pages},
        codes::{code_usable, normalize_code},
        lookup::{Notice, notice, public_survey},
        model::{Access, Channel},
        question_cache::questions_for_answering,
        store::{NewResponse, participation_mark, submit, submit_many},
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
        let Some(mark) = participation_mark(keys, survey_id, guard) else {
            continue;
        };
        if survey_participations::Entity::find_by_id(mark)
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

/// An online answer on its way to the group commit, which stores those of one batch together
/// ([`submit_many`]); each counts a hit on its address's rate limit, also when it is refused.
struct OnlineAnswer {
    keys: Keys,
    client_ip: String,
    now: i64,
    survey_id: Uuid,
    answers: Vec<(Uuid, Answer)>,
    guards: Vec<Guard>,
    today: NaiveDate,
}

impl OnlineAnswer {
    fn response(&self) -> NewResponse<'_> {
        NewResponse {
            survey_id: self.survey_id,
            answers: &self.answers,
            channel: Channel::Online,
            today: self.today,
        }
    }

    /// The one participation mark the answer is checked against, if that is all (no guard, or a
    /// person or a browser); `None` for an access code or several guards, checked one by one.
    fn single_mark(&self) -> Option<Option<String>> {
        match self.guards.as_slice() {
            [] => Some(None),
            [guard] => participation_mark(&self.keys, self.survey_id, guard).map(Some),
            _ => None,
        }
    }

    /// Stores an answer with an access code or several guards on its own.
    async fn submit_guarded(&self, txn: &DatabaseTransaction) -> Result<Submitted, DbErr> {
        let (keys, survey, answers) = (&self.keys, self.survey_id, &self.answers);
        let (online, guards, today) = (Channel::Online, &self.guards, self.today);
        // With one guard a refusal comes before anything is written, so only several guards (a
        // person and a code) need a savepoint to undo the first mark.
        if guards.len() < 2 {
            return submit(txn, keys, survey, answers, online, guards, today).await;
        }
        let attempt = txn.begin().await?;
        let outcome = submit(&attempt, keys, survey, answers, online, guards, today).await?;
        if outcome == Submitted::Stored {
            attempt.commit().await?;
        } else {
            attempt.rollback().await?;
        }
        Ok(outcome)
    }
}

impl BatchWrite for OnlineAnswer {
    /// `None`: refused by the rate limit.
    type Output = Option<Submitted>;
    type Error = AppError;

    fn store_all<'t>(txn: &'t DatabaseTransaction, items: &'t [Self]) -> BatchFuture<'t, Self> {
        Box::pin(async move {
            let Some(first) = items.first() else {
                return Ok(Vec::new());
            };
            // One window for the batch: hits that straddle its start count in the later one.
            let now = items.iter().map(|item| item.now).max().unwrap_or(first.now);
            let addresses: Vec<&str> = items.iter().map(|item| item.client_ip.as_str()).collect();
            let limit = rate_limit::SURVEY_SUBMIT_PER_IP;
            let within = rate_limit::hit_many(txn, &first.keys, limit, &addresses, now).await?;
            let mut outcomes: Vec<Option<Submitted>> = vec![None; items.len()];
            let mut together = Vec::new();
            for (i, item) in items.iter().enumerate() {
                if !within.get(i).copied().unwrap_or(false) {
                    continue;
                }
                match item.single_mark() {
                    Some(mark) => together.push((i, (item.response(), mark))),
                    None => outcomes[i] = Some(item.submit_guarded(txn).await?),
                }
            }
            let (places, responses): (Vec<usize>, Vec<_>) = together.into_iter().unzip();
            let stored = submit_many(txn, &responses).await?;
            for (i, outcome) in places.into_iter().zip(stored) {
                outcomes[i] = Some(outcome);
            }
            Ok(outcomes.into_iter().map(Ok).collect())
        })
    }
}

/// One short write, stored together with others arriving at the same time (group commit).
async fn submit_online(
    ctx: &Ctx,
    survey_id: Uuid,
    answers: Vec<(Uuid, Answer)>,
    guards: Vec<Guard>,
) -> AppResult<Submitted> {
    let now = ctx.state.clock.now();
    let answer = OnlineAnswer {
        keys: ctx.state.keys.clone(),
        client_ip: ctx.client_ip(),
        now: now.timestamp(),
        survey_id,
        answers,
        guards,
        today: now
            .with_timezone(&ctx.state.settings.time_zone)
            .date_naive(),
    };
    let outcome = ctx.state.writes.run_batched(answer).await?;
    outcome.ok_or_else(|| rate_limit::too_many(rate_limit::SURVEY_SUBMIT_PER_IP))
}
