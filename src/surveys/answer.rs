//! Answering a survey online, the pages a resident sees: the answer form page by page (with what
//! was typed and the errors), the notices when it cannot be answered, and the thanks afterwards.
//! The posted answers are checked and stored in `submit.rs`.

use actix_web::{HttpResponse, http::StatusCode, web};
use entity::{rounds, surveys};
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    error::AppResult,
    rounds::model::Status as RoundStatus,
    surveys::{
        answering::{RawAnswers, field_name, other_field_name, shown_pages},
        form_view::{QuestionView, error_of, question_view},
        lookup::{Notice, RoundLink, notice, public_survey},
        model::{Access, Question, Status},
        question_cache::questions_for_answering,
        submit,
    },
    web::{context::Ctx, forms::FormErrors, i18n},
};

/// Whether the survey takes answers now: open, in an open round.
pub fn answerable(survey: &surveys::Model, round: &rounds::Model) -> bool {
    Status::Open.is(&survey.status) && round.status == RoundStatus::Open.as_str()
}

/// The answer form at one page: the survey, its questions, what was typed and the errors.
pub struct AnswerPage<'a> {
    pub survey: &'a surveys::Model,
    pub round: &'a rounds::Model,
    pub questions: &'a [Question],
    pub answers: &'a RawAnswers,
    pub page: usize,
}

#[derive(Serialize)]
struct HiddenField {
    name: String,
    value: String,
}

#[derive(Serialize)]
struct AnswerView {
    title: String,
    intro: String,
    minutes: i32,
    first: bool,
    last: bool,
    page: usize,
    page_number: usize,
    pages: usize,
    action: String,
    round: RoundLink,
    questions: Vec<QuestionView>,
    hidden: Vec<HiddenField>,
    ask_code: bool,
    needs_code: bool,
    access_code: String,
    code_error: Option<String>,
    errors: Value,
}

impl AnswerPage<'_> {
    /// Renders the page with `status` (422 when `errors` refused the answers).
    pub fn render(
        &self,
        ctx: &Ctx,
        errors: &FormErrors,
        status: StatusCode,
    ) -> AppResult<HttpResponse> {
        let (survey, all, raw) = (self.survey, self.questions, self.answers);
        let pages = shown_pages(all, raw);
        let page = self.page.min(pages.len().saturating_sub(1));
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
        let hidden = raw
            .answer_pairs()
            .into_iter()
            .filter(|(k, _)| !here.contains(k))
            .map(|(name, value)| HiddenField { name, value })
            .collect();
        let needs_code = Access::Code.is(&survey.access);
        let view = AnswerView {
            title: survey.title.clone(),
            intro: survey.intro.clone(),
            minutes: survey.minutes,
            first: page == 0,
            last: page + 1 >= pages.len(),
            page,
            page_number: page + 1,
            pages: pages.len().max(1),
            action: format!("/surveys/{}", survey.id),
            round: RoundLink::public(self.round),
            questions: on_page
                .iter()
                .map(|q| question_view(ctx.lang, q, raw, &errors_view, String::new()))
                .collect(),
            hidden,
            ask_code: needs_code && page == 0,
            needs_code,
            access_code: raw.first("access_code").to_string(),
            code_error: error_of(&errors_view, "access_code"),
            errors: errors_view,
        };
        ctx.render_about(
            status,
            "surveys/answer",
            "survey-answer-title",
            &survey.title,
            view,
        )
    }
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

pub async fn answer_form(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (survey, round) = public_survey(&ctx, *id).await?;
    if !answerable(&survey, &round) {
        return notice(&ctx, StatusCode::OK, &survey, &round, Notice::Closed);
    }
    if Access::Account.is(&survey.access) && ctx.user.is_none() {
        return notice(&ctx, StatusCode::OK, &survey, &round, Notice::LoginNeeded);
    }
    let db = &ctx.state.db;
    let guards = submit::guards(&ctx, &survey, None)?;
    if submit::already_taken(db, &ctx.state.keys, survey.id, &guards).await? {
        return notice(&ctx, StatusCode::OK, &survey, &round, Notice::Already);
    }
    let all = questions_for_answering(db, &survey).await?;
    AnswerPage {
        survey: &survey,
        round: &round,
        questions: &all,
        answers: &RawAnswers::default(),
        page: 0,
    }
    .render(&ctx, &FormErrors::new(), StatusCode::OK)
}

#[derive(Serialize)]
struct ThanksView {
    survey: String,
    results_href: String,
    results_published: bool,
    round: RoundLink,
}

pub async fn thanks(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (survey, round) = public_survey(&ctx, *id).await?;
    ctx.render_about(
        StatusCode::OK,
        "surveys/thanks",
        "survey-thanks-title",
        &survey.title,
        ThanksView {
            survey: survey.title.clone(),
            results_href: format!("/surveys/{}/results", survey.id),
            results_published: survey.results_published_at.is_some(),
            round: RoundLink::public(&round),
        },
    )
}
