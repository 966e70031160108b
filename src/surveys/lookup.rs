//! Finding a survey for a request, as every page of the slice does: the survey a resident may see,
//! the survey or question a coordinator may manage (others get 404), and the notice page that
//! says why a survey cannot be answered or its results cannot be seen yet.

use actix_web::{HttpResponse, http::StatusCode};
use entity::{rounds, surveys};
use serde::Serialize;
use uuid::Uuid;

use crate::{
    error::{AppError, AppResult},
    identity::CurrentUser,
    rounds::model::Status as RoundStatus,
    surveys::{
        model::{Question, Status},
        queries,
    },
    web::context::Ctx,
};

/// A link to a round, as several survey pages show it.
#[derive(Serialize)]
pub struct RoundLink {
    pub title: String,
    pub href: String,
}

impl RoundLink {
    /// The round's public page.
    pub fn public(round: &rounds::Model) -> Self {
        Self {
            title: round.title.clone(),
            href: format!("/rounds/{}", round.slug),
        }
    }
}

/// A link back to the survey's page in the staff area.
#[derive(Serialize)]
pub struct SurveyLink {
    pub title: String,
    pub href: String,
}

impl SurveyLink {
    pub fn manage(survey: &surveys::Model) -> Self {
        Self {
            title: survey.title.clone(),
            href: format!("/manage/surveys/{}", survey.id),
        }
    }
}

pub fn is_staff_of(user: Option<&CurrentUser>, municipality_id: Uuid) -> bool {
    user.is_some_and(|u| u.coordinates(municipality_id) || u.moderates(municipality_id))
}

/// Whether residents may see the survey: not a draft, in a round that is public.
pub fn is_public(survey: &surveys::Model, round: &rounds::Model) -> bool {
    !Status::Draft.is(&survey.status) && RoundStatus::PUBLIC.contains(&round.status.as_str())
}

/// A survey residents may see; others answer 404.
pub async fn public_survey(ctx: &Ctx, id: Uuid) -> AppResult<(surveys::Model, rounds::Model)> {
    queries::find_with_round(&ctx.state.db, id)
        .await?
        .filter(|(s, r)| is_public(s, r))
        .ok_or(AppError::NotFound)
}

/// A survey the signed-in coordinator may manage; others answer 404.
pub async fn managed(
    ctx: &Ctx,
    id: Uuid,
) -> AppResult<(CurrentUser, surveys::Model, rounds::Model)> {
    let user = ctx.require_user()?.clone();
    let (survey, round) = queries::find_with_round(&ctx.state.db, id)
        .await?
        .filter(|(_, r)| user.coordinates(r.municipality_id))
        .ok_or(AppError::NotFound)?;
    Ok((user, survey, round))
}

/// A question the signed-in coordinator may manage.
pub struct ManagedQuestion {
    pub user: CurrentUser,
    pub question: Question,
    pub survey: surveys::Model,
    pub round: rounds::Model,
}

/// A question the signed-in coordinator may manage, with its survey and round.
pub async fn managed_question(ctx: &Ctx, id: Uuid) -> AppResult<ManagedQuestion> {
    let q = queries::find_question(&ctx.state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (user, survey, round) = managed(ctx, q.survey_id).await?;
    let question = queries::questions(&ctx.state.db, survey.id)
        .await?
        .into_iter()
        .find(|x| x.model.id == id)
        .ok_or(AppError::NotFound)?;
    Ok(ManagedQuestion {
        user,
        question,
        survey,
        round,
    })
}

/// Why a survey cannot be answered (closed, login needed, already taken) or its results not seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    Closed,
    LoginNeeded,
    Already,
    ResultsPending,
}

impl Notice {
    fn key(self) -> &'static str {
        match self {
            Notice::Closed => "survey-closed",
            Notice::LoginNeeded => "survey-login-needed",
            Notice::Already => "survey-already",
            Notice::ResultsPending => "survey-results-pending",
        }
    }
}

#[derive(Serialize)]
struct NoticeView {
    heading: String,
    text: String,
    survey: String,
    round_href: String,
    login_href: Option<String>,
}

/// The notice page of `notice` for this survey, with `status`.
pub fn notice(
    ctx: &Ctx,
    status: StatusCode,
    survey: &surveys::Model,
    round: &rounds::Model,
    notice: Notice,
) -> AppResult<HttpResponse> {
    let key = notice.key();
    ctx.render_about(
        status,
        "surveys/notice",
        &format!("{key}-title"),
        &survey.title,
        NoticeView {
            heading: format!("{key}-title"),
            text: format!("{key}-text"),
            survey: survey.title.clone(),
            round_href: format!("/rounds/{}", round.slug),
            login_href: (notice == Notice::LoginNeeded)
                .then(|| format!("/account/login?next=%2Fsurveys%2F{}", survey.id)),
        },
    )
}

/// Today in the configured time zone: a response's date, the date in an export's file name.
pub fn today(ctx: &Ctx) -> chrono::NaiveDate {
    ctx.state
        .clock
        .now()
        .with_timezone(&ctx.state.settings.time_zone)
        .date_naive()
}
