//! The paper questionnaire: the printed page (with, on screen above it, the form for where and by
//! when it goes back), what is printed beside each question (how many crosses, what to write), the
//! QR code that leads to the online form, and the split into printed pages.
//!
//! The pages are cut here, on the server, rather than by the browser: every printed page then
//! carries the survey's title and "page 2 of 3" in plain HTML, which prints the same in every
//! browser (CSS page-margin boxes and page counters do not work everywhere).

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{rounds, surveys};
use fluent_templates::fluent_bundle::FluentValue;
use qrcode::{EcLevel, QrCode, render::svg};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, sea_query::Expr};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    audit::service as audit,
    error::AppResult,
    identity::CurrentUser,
    surveys::{
        answering::RawAnswers,
        form_view::{QuestionView, condition_text, question_view},
        lookup::managed,
        model::{Access, Kind, Question},
        queries::{self, audit_entry},
    },
    web::{
        context::Ctx,
        forms::{CheckForm, FormErrors},
        i18n::{self, Lang},
    },
};

/// Millimetres of an A4 page (297 mm, 14 mm margins) left for questions under the running header
/// and above the footer, less a reserve: an estimate that errs on the short side keeps every
/// page's content on its own sheet of paper.
const PAGE_BUDGET_MM: u32 = 235;
/// The first page also carries the title, the introduction, the QR code and where to hand in.
const FIRST_PAGE_BLOCK_MM: u32 = 115;
/// The closing thanks and the reminder where to hand in.
const LAST_PAGE_BLOCK_MM: u32 = 30;
/// Characters of a printed line (11 pt on 180 mm), counted low so long words fit.
const LINE_CHARS: usize = 75;
const LINE_MM: u32 = 6;

/// The QR code of `url` as inline SVG (no script, no image request). Its size comes from CSS.
fn qr_svg(url: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).ok()?;
    let image = code
        .render::<svg::Color>()
        .module_dimensions(1, 1)
        .quiet_zone(true)
        .build();
    // Inline SVG takes no XML declaration; the code is decoration beside the written address.
    let start = image.find("<svg")?;
    Some(image[start..].replacen(
        "<svg ",
        "<svg class=\"qr\" aria-hidden=\"true\" focusable=\"false\" ",
        1,
    ))
}

/// What to do on paper: "only one cross", "several crosses", the bounds of a number.
fn instruction(lang: Lang, q: &Question) -> String {
    let arg = |v: i32| FluentValue::from(v.to_string());
    match q.kind {
        Kind::Single | Kind::Scale | Kind::YesNo => i18n::t(lang, "survey-print-one-cross"),
        Kind::Multiple => match (q.model.min_choices, q.model.max_choices) {
            (Some(a), Some(b)) => i18n::t_args(
                lang,
                "survey-print-crosses-between",
                &[("min", arg(a)), ("max", arg(b))],
            ),
            (Some(a), None) => i18n::t_args(lang, "survey-print-crosses-min", &[("min", arg(a))]),
            (None, Some(b)) => i18n::t_args(lang, "survey-print-crosses-max", &[("max", arg(b))]),
            (None, None) => i18n::t(lang, "survey-print-crosses"),
        },
        Kind::Number => match (q.model.number_min, q.model.number_max) {
            (Some(a), Some(b)) => i18n::t_args(
                lang,
                "survey-print-number-between",
                &[("min", arg(a)), ("max", arg(b))],
            ),
            (Some(a), None) => i18n::t_args(lang, "survey-print-number-min", &[("min", arg(a))]),
            (None, Some(b)) => i18n::t_args(lang, "survey-print-number-max", &[("max", arg(b))]),
            (None, None) => i18n::t(lang, "survey-print-number"),
        },
        Kind::ShortText | Kind::LongText => i18n::t(lang, "survey-print-write"),
    }
}

fn lines(text: &str) -> u32 {
    if text.trim().is_empty() {
        return 0;
    }
    text.lines()
        .map(|l| l.chars().count().div_ceil(LINE_CHARS).max(1) as u32)
        .sum()
}

/// The estimated printed height of a question in millimetres.
fn height_mm(q: &Question, view: &PrintedQuestion) -> u32 {
    let text = &view.question;
    let prose = lines(&text.prompt) * (LINE_MM + 1)
        + 6
        + (lines(&text.help) + lines(&text.condition) + lines(&view.instruction)) * LINE_MM;
    let answer = match q.kind {
        Kind::Single | Kind::Multiple => {
            let options: u32 = q.options.iter().map(|o| lines(&o.label).max(1) * 11).sum();
            options + if q.model.allow_other { 22 } else { 0 }
        }
        // A scale's boxes stand side by side, five or so to a row.
        Kind::Scale => {
            let span = q.model.scale_max.unwrap_or(5) - q.model.scale_min.unwrap_or(1) + 1;
            u32::try_from(span).unwrap_or(5).div_ceil(5) * 11
        }
        Kind::YesNo => 3 * 11,
        Kind::Number | Kind::ShortText => 16,
        Kind::LongText => 48,
    };
    prose + answer + 6
}

/// Splits the questions' views into printed pages, keeping each question whole.
fn paginate(
    questions: &[Question],
    views: Vec<PrintedQuestion>,
    intro_chars: usize,
) -> Vec<Vec<PrintedQuestion>> {
    let intro_mm = lines(&"x".repeat(intro_chars)) * LINE_MM;
    let mut pages: Vec<Vec<PrintedQuestion>> = vec![Vec::new()];
    let mut used = FIRST_PAGE_BLOCK_MM + intro_mm;
    for (q, view) in questions.iter().zip(views) {
        let height = height_mm(q, &view);
        let current = pages.last().map_or(0, Vec::len);
        if used + height > PAGE_BUDGET_MM && current > 0 {
            pages.push(Vec::new());
            used = 0;
        }
        used += height;
        if let Some(page) = pages.last_mut() {
            page.push(view);
        }
    }
    if used + LAST_PAGE_BLOCK_MM > PAGE_BUDGET_MM {
        pages.push(Vec::new());
    }
    pages
}

/// A question as printed: the answer form's question with its number and what to do on paper.
#[derive(Serialize)]
struct PrintedQuestion {
    #[serde(flatten)]
    question: QuestionView,
    number: usize,
    instruction: String,
    is_scale: bool,
}

#[derive(Serialize)]
struct PrintedPage {
    number: usize,
    total: usize,
    first: bool,
    last: bool,
    questions: Vec<PrintedQuestion>,
}

#[derive(Serialize)]
struct HandIn {
    by: String,
    place: String,
    phone: String,
}

#[derive(Serialize)]
struct PrintView<'a> {
    title: String,
    intro: String,
    minutes: i32,
    round: String,
    url: String,
    qr: String,
    needs_code: bool,
    needs_account: bool,
    hand_in: HandIn,
    pages: Vec<PrintedPage>,
    survey_href: String,
    return_action: String,
    values: &'a PaperReturnForm,
    errors: Value,
}

pub const RETURN_PLACE_MAX: usize = 500;

/// Where and by when paper questionnaires go back, as typed on the print page.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PaperReturnForm {
    pub place: String,
    pub by: String,
}

impl CheckForm for PaperReturnForm {
    type Input = (String, Option<NaiveDate>);
    type Rules = ();

    /// Empty fields are allowed: the round's contact and last day are printed instead.
    fn check(&self, _: &()) -> Result<Self::Input, FormErrors> {
        let mut errors = FormErrors::new();
        let place = self.place.trim();
        if place.chars().count() > RETURN_PLACE_MAX {
            errors.add("place", "survey-error-return-place-long");
        }
        let by = match self.by.trim() {
            "" => None,
            raw => {
                let day = crate::rounds::forms::parse_date(raw);
                if day.is_none() {
                    errors.add("by", "survey-error-return-by");
                }
                day
            }
        };
        if errors.is_empty() {
            Ok((place.to_string(), by))
        } else {
            Err(errors)
        }
    }
}

/// Sets where and by when paper questionnaires are handed in (empty / `None`: the round's contact
/// and last day).
pub async fn set_paper_return(
    db: &impl ConnectionTrait,
    actor: &CurrentUser,
    municipality_id: Uuid,
    survey: &surveys::Model,
    place: &str,
    by: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    surveys::Entity::update_many()
        .filter(surveys::Column::Id.eq(survey.id))
        .col_expr(surveys::Column::PaperReturnPlace, Expr::value(place))
        .col_expr(surveys::Column::PaperReturnBy, Expr::value(by))
        .col_expr(surveys::Column::UpdatedAt, Expr::value(now))
        .exec(db)
        .await?;
    audit::record(
        db,
        now,
        audit_entry(
            actor,
            municipality_id,
            "survey.paper_return",
            "survey",
            survey.id,
            json!({
                "before": { "place": survey.paper_return_place, "by": survey.paper_return_by },
                "after": { "place": place, "by": by },
            }),
        ),
    )
    .await?;
    Ok(())
}

/// Where the questionnaire goes back: its own place, or else the round's contact person.
fn return_place(survey: &surveys::Model, round: &rounds::Model) -> String {
    if survey.paper_return_place.trim().is_empty() {
        [round.contact_name.as_str(), round.contact_address.as_str()]
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        survey.paper_return_place.clone()
    }
}

/// The questions cut into printed pages.
fn printed_pages(ctx: &Ctx, survey: &surveys::Model, all: &[Question]) -> Vec<PrintedPage> {
    let none = FormErrors::new().view(ctx.lang);
    let views: Vec<PrintedQuestion> = all
        .iter()
        .enumerate()
        .map(|(i, q)| PrintedQuestion {
            question: question_view(
                ctx.lang,
                q,
                &RawAnswers::default(),
                &none,
                condition_text(ctx.lang, all, q),
            ),
            number: i + 1,
            instruction: instruction(ctx.lang, q),
            is_scale: q.kind == Kind::Scale,
        })
        .collect();
    let pages = paginate(all, views, survey.intro.chars().count());
    let total = pages.len();
    pages
        .into_iter()
        .enumerate()
        .map(|(i, questions)| PrintedPage {
            number: i + 1,
            total,
            first: i == 0,
            last: i + 1 == total,
            questions,
        })
        .collect()
}

/// The print page of a survey, with the return form as typed.
struct PrintPage<'a> {
    survey: &'a surveys::Model,
    round: &'a rounds::Model,
    form: &'a PaperReturnForm,
}

async fn print_page(
    ctx: &Ctx,
    page: PrintPage<'_>,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let PrintPage {
        survey,
        round,
        form,
    } = page;
    let all = queries::questions(&ctx.state.db, survey.id).await?;
    let url = ctx
        .state
        .settings
        .absolute_url(&format!("/surveys/{}", survey.id));
    let tz = ctx.state.settings.time_zone;
    let last_day = survey
        .paper_return_by
        .unwrap_or_else(|| crate::rounds::forms::last_day(tz, round.ends_at));
    let view = PrintView {
        title: survey.title.clone(),
        intro: survey.intro.clone(),
        minutes: survey.minutes,
        round: round.title.clone(),
        qr: qr_svg(&url).unwrap_or_default(),
        url,
        needs_code: Access::Code.is(&survey.access),
        needs_account: Access::Account.is(&survey.access),
        hand_in: HandIn {
            by: last_day.format(&ctx.t("format-date")).to_string(),
            place: return_place(survey, round),
            phone: round.contact_phone.clone(),
        },
        pages: printed_pages(ctx, survey, &all),
        survey_href: format!("/manage/surveys/{}", survey.id),
        return_action: format!("/manage/surveys/{}/print", survey.id),
        values: form,
        errors: errors.view(ctx.lang),
    };
    ctx.render_about(
        status,
        "surveys/print",
        "survey-print-title",
        &survey.title,
        view,
    )
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
    let page = PrintPage {
        survey: &survey,
        round: &round,
        form: &form,
    };
    print_page(&ctx, page, &FormErrors::new(), StatusCode::OK).await
}

/// Saves where and by when the paper questionnaires go back.
pub async fn save_paper_return(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<PaperReturnForm>,
) -> AppResult<HttpResponse> {
    let (user, survey, round) = managed(&ctx, *id).await?;
    let form = form.into_inner();
    let (place, by) = match form.check(&()) {
        Ok(input) => input,
        Err(errors) => {
            let page = PrintPage {
                survey: &survey,
                round: &round,
                form: &form,
            };
            let invalid = StatusCode::UNPROCESSABLE_ENTITY;
            return print_page(&ctx, page, &errors, invalid).await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let now = ctx.state.clock.now();
    set_paper_return(&txn, &user, round.municipality_id, &survey, &place, by, now).await?;
    let to = format!("/manage/surveys/{}/print", survey.id);
    ctx.commit_and_redirect(txn, "survey-return-saved", &to)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_code_is_inline_svg_without_an_xml_declaration() {
        let svg =
            qr_svg("https://teilhabe.example.org/surveys/0190a3c4-0000-7000-8000-000000000000")
                .unwrap_or_default();
        assert!(svg.starts_with("<svg class=\"qr\""), "{svg}");
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains("<path"));
        assert!(!svg.contains("<?xml"));
    }

    #[test]
    fn lines_count_wrapped_and_broken_lines() {
        assert_eq!(lines(""), 0);
        assert_eq!(lines("kurz"), 1);
        assert_eq!(lines(&"x".repeat(LINE_CHARS + 1)), 2);
        assert_eq!(lines("eins\nzwei"), 2);
    }
}
