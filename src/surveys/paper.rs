//! Paper entry: staff type in a returned paper questionnaire, question by question as printed
//! (conditions named, not pages). It is checked by the same answering rules as online, blanks
//! allowed, and stored like an online response; who typed it in is audited, not on the response.

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use entity::surveys;
use sea_orm::{ConnectionTrait, DbErr};
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    audit::service as audit,
    error::AppResult,
    identity::CurrentUser,
    surveys::{
        answering::{PaperAnswers, RawAnswers},
        form_view::{QuestionView, condition_text, question_view},
        lookup::{SurveyLink, managed},
        model::{Channel, Question, Status},
        queries::{self, audit_entry},
        store::submit,
    },
    web::{
        context::Ctx,
        forms::{CheckForm, FormErrors, HtmlForm},
    },
};

/// Audits one paper questionnaire typed in: who entered it is here, not on the response.
pub async fn record_paper_entry(
    db: &impl ConnectionTrait,
    actor: &CurrentUser,
    municipality_id: Uuid,
    survey_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    audit::record(
        db,
        now,
        audit_entry(
            actor,
            municipality_id,
            "survey.paper_entry",
            "survey",
            survey_id,
            json!({}),
        ),
    )
    .await
}

#[derive(Serialize)]
struct PaperView {
    survey: SurveyLink,
    action: String,
    questions: Vec<QuestionView>,
    errors: Value,
}

/// The paper entry form: every question (with its condition named), what was typed.
struct PaperPage<'a> {
    survey: &'a surveys::Model,
    questions: &'a [Question],
    answers: &'a RawAnswers,
}

impl PaperPage<'_> {
    fn render(
        &self,
        ctx: &Ctx,
        errors: &FormErrors,
        status: StatusCode,
    ) -> AppResult<HttpResponse> {
        let (survey, all) = (self.survey, self.questions);
        let errors_view = errors.view(ctx.lang);
        let questions = all
            .iter()
            .map(|q| {
                let condition = condition_text(ctx.lang, all, q);
                question_view(ctx.lang, q, self.answers, &errors_view, condition)
            })
            .collect();
        ctx.render_about(
            status,
            "surveys/manage_paper",
            "survey-paper-title",
            &survey.title,
            PaperView {
                survey: SurveyLink::manage(survey),
                action: format!("/manage/surveys/{}/paper", survey.id),
                questions,
                errors: errors_view,
            },
        )
    }
}

pub async fn paper_form(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (_, survey, _) = managed(&ctx, *id).await?;
    let all = queries::questions(&ctx.state.db, survey.id).await?;
    let page = PaperPage {
        survey: &survey,
        questions: &all,
        answers: &RawAnswers::default(),
    };
    page.render(&ctx, &FormErrors::new(), StatusCode::OK)
}

pub async fn paper_submit(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: HtmlForm<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let (user, survey, round) = managed(&ctx, *id).await?;
    let db = &ctx.state.db;
    let all = queries::questions(db, survey.id).await?;
    let raw = RawAnswers::from_pairs(form.0);
    let page = PaperPage {
        survey: &survey,
        questions: &all,
        answers: &raw,
    };
    let answers = match PaperAnswers(&raw).check(&all) {
        Ok(answers) => answers,
        Err(errors) => {
            return page.render(&ctx, &errors, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    if Status::Draft.is(&survey.status) {
        let mut errors = FormErrors::new();
        errors.add("paper", "survey-refused-state");
        return page.render(&ctx, &errors, StatusCode::CONFLICT);
    }
    let now = ctx.state.clock.now();
    let today = now
        .with_timezone(&ctx.state.settings.time_zone)
        .date_naive();
    let txn = crate::db::begin_write(db).await?;
    let keys = &ctx.state.keys;
    submit(&txn, keys, survey.id, &answers, Channel::Paper, &[], today).await?;
    record_paper_entry(&txn, &user, round.municipality_id, survey.id, now).await?;
    let to = format!("/manage/surveys/{}/paper", survey.id);
    ctx.commit_and_redirect(txn, "survey-paper-saved", &to)
        .await
}
