//! Building a survey: the coordinator's list of surveys with the form for a new one, and the
//! survey's page in the staff area (its settings, its questions, the form for another question,
//! the links to codes, paper, print and exports). Questions are changed in `questions.rs`, the
//! status in `lifecycle.rs`.

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use entity::{rounds, surveys};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    admin::service as admin,
    audit::service as audit,
    error::{AppError, AppResult},
    identity::CurrentUser,
    rounds::model as rounds_service,
    surveys::{
        form_view::condition_text,
        lookup::managed,
        model::{Access, Question, Status},
        queries::{self, audit_entry, round_rel},
        question_form::{
            Choice, QuestionFields, QuestionForm, blank_question, question_fields, round_goals,
        },
        questions::condition_choices,
    },
    web::{
        context::Ctx,
        forms::{CheckForm, FormErrors, HtmlForm, multiline},
        pagination::{PER_PAGE, PageQuery, PageView},
    },
};

pub const TITLE_MAX: usize = 200;
pub const INTRO_MAX: usize = 5_000;

/// The survey settings form as typed.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SurveyForm {
    pub round_id: String,
    pub title: String,
    pub intro: String,
    pub minutes: String,
    pub access: String,
    pub min_group_size: String,
}

#[derive(Clone, Debug)]
pub struct SurveyInput {
    pub title: String,
    pub intro: String,
    pub minutes: i32,
    pub access: Access,
    pub min_group_size: i32,
}

impl CheckForm for SurveyForm {
    type Input = SurveyInput;
    /// The smallest group size allowed: the municipality's setting, never below 3.
    type Rules = i32;

    fn check(&self, floor: &i32) -> Result<SurveyInput, FormErrors> {
        let mut errors = FormErrors::new();
        let title = self.title.trim();
        if title.is_empty() {
            errors.add("title", "survey-error-title-missing");
        } else if title.chars().count() > TITLE_MAX {
            errors.add("title", "survey-error-title-long");
        }
        if self.intro.chars().count() > INTRO_MAX {
            errors.add("intro", "survey-error-intro-long");
        }
        let minutes = self
            .minutes
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|m| (1..=120).contains(m));
        if minutes.is_none() {
            errors.add("minutes", "survey-error-minutes");
        }
        let access = Access::parse(&self.access);
        if access.is_none() {
            errors.add("access", "survey-error-access");
        }
        let min_group_size = self
            .min_group_size
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|n| *n >= *floor && *n <= 1000);
        if min_group_size.is_none() {
            errors.add("min_group_size", "survey-error-min-group-size");
        }
        match (minutes, access, min_group_size) {
            (Some(minutes), Some(access), Some(min_group_size)) if errors.is_empty() => {
                Ok(SurveyInput {
                    title: title.to_string(),
                    intro: multiline(&self.intro),
                    minutes,
                    access,
                    min_group_size,
                })
            }
            _ => Err(errors),
        }
    }
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

pub async fn create_survey(
    db: &impl ConnectionTrait,
    actor: &CurrentUser,
    round: &rounds::Model,
    input: &SurveyInput,
    now: DateTime<Utc>,
) -> Result<surveys::Model, DbErr> {
    let survey = surveys::ActiveModel {
        id: Set(Uuid::now_v7()),
        round_id: Set(round.id),
        title: Set(input.title.clone()),
        intro: Set(input.intro.clone()),
        minutes: Set(input.minutes),
        access: Set(input.access.as_str().into()),
        status: Set(Status::Draft.as_str().into()),
        min_group_size: Set(input.min_group_size),
        results_published_at: Set(None),
        paper_return_place: Set(String::new()),
        paper_return_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        definition_version: Set(0),
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        now,
        audit_entry(
            actor,
            round.municipality_id,
            "survey.create",
            "survey",
            survey.id,
            json!({ "after": { "title": survey.title, "round": round.id, "access": survey.access } }),
        ),
    )
    .await?;
    Ok(survey)
}

pub async fn update_survey(
    db: &impl ConnectionTrait,
    actor: &CurrentUser,
    municipality_id: Uuid,
    survey: &surveys::Model,
    input: &SurveyInput,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    surveys::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(survey.id),
        title: Set(input.title.clone()),
        intro: Set(input.intro.clone()),
        minutes: Set(input.minutes),
        access: Set(input.access.as_str().into()),
        min_group_size: Set(input.min_group_size),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await?;
    audit::record(
        db,
        now,
        audit_entry(
            actor,
            municipality_id,
            "survey.update",
            "survey",
            survey.id,
            json!({
                "before": { "title": survey.title, "access": survey.access, "min_group_size": survey.min_group_size },
                "after": { "title": input.title, "access": input.access, "min_group_size": input.min_group_size },
            }),
        ),
    )
    .await?;
    Ok(())
}

/// One page of the surveys in `scope` (None: all), newest first, with their rounds.
pub async fn managed_page(
    db: &impl ConnectionTrait,
    scope: Option<&[Uuid]>,
    round: Option<Uuid>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<(surveys::Model, rounds::Model)>, u64), DbErr> {
    let mut query = surveys::Entity::find()
        .select_also(rounds::Entity)
        .join(sea_orm::JoinType::InnerJoin, round_rel())
        .order_by_desc(surveys::Column::CreatedAt);
    if let Some(scope) = scope {
        query = query.filter(rounds::Column::MunicipalityId.is_in(scope.iter().copied()));
    }
    if let Some(round) = round {
        query = query.filter(surveys::Column::RoundId.eq(round));
    }
    let paginator = query.paginate(db, per_page);
    let pages = paginator.num_pages().await?;
    let rows = paginator
        .fetch_page(page)
        .await?
        .into_iter()
        .filter_map(|(s, r)| r.map(|r| (s, r)))
        .collect();
    Ok((rows, pages))
}

/// The smallest group size a survey of `round` may use: the municipality's, never below 3.
async fn group_floor(ctx: &Ctx, round: &rounds::Model) -> AppResult<i32> {
    let place = admin::find_municipality(&ctx.state.db, round.municipality_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(place.min_group_size.max(admin::MIN_GROUP_SIZE_FLOOR))
}

fn access_options(ctx: &Ctx, current: &str) -> Vec<Choice> {
    Access::ALL
        .iter()
        .map(|a| Choice {
            value: a.as_str().to_string(),
            text: ctx.t(&format!("survey-access-{}", a.as_str())),
            selected: a.as_str() == current,
        })
        .collect()
}

#[derive(serde::Deserialize)]
pub struct ListQuery {
    pub page: Option<u64>,
    pub round: Option<String>,
}

#[derive(Serialize)]
struct ListedSurvey {
    href: String,
    title: String,
    round: String,
    status_key: String,
    published: bool,
}

#[derive(Serialize)]
struct RoundChoice {
    value: Uuid,
    text: String,
    selected: bool,
}

#[derive(Serialize)]
struct ListView<'a> {
    surveys: Vec<ListedSurvey>,
    rounds: Vec<RoundChoice>,
    access: Vec<Choice>,
    values: &'a SurveyForm,
    /// Known only once the round (and so the municipality) is.
    group_floor: Option<i32>,
    filtered: bool,
    pagination: PageView,
    errors: Value,
}

/// The list of surveys with the form for a new one.
async fn list_page(
    ctx: &Ctx,
    page: Option<u64>,
    form: &SurveyForm,
    errors: &FormErrors,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let scope = user.coordinated_municipalities();
    let db = &ctx.state.db;
    let index = PageQuery { page }.index();
    let round = Uuid::parse_str(&form.round_id).ok();
    let (list, pages) = managed_page(db, scope.as_deref(), round, index, PER_PAGE).await?;
    let (rounds, _) =
        crate::rounds::manage_list::managed_page(db, scope.as_deref(), None, 0, 100).await?;
    let base = match round {
        Some(r) => format!("/manage/surveys?round={r}"),
        None => "/manage/surveys".to_string(),
    };
    let view = ListView {
        surveys: list
            .iter()
            .map(|(s, r)| ListedSurvey {
                href: format!("/manage/surveys/{}", s.id),
                title: s.title.clone(),
                round: r.title.clone(),
                status_key: format!("survey-status-{}", s.status),
                published: s.results_published_at.is_some(),
            })
            .collect(),
        rounds: rounds
            .iter()
            .map(|r| RoundChoice {
                value: r.id,
                text: format!("{} ({})", r.title, r.municipality_name),
                selected: form.round_id == r.id.to_string(),
            })
            .collect(),
        access: access_options(ctx, &form.access),
        values: form,
        group_floor: None,
        filtered: round.is_some(),
        pagination: PageView::new(index, pages, &base),
        errors: errors.view(ctx.lang),
    };
    if errors.is_empty() {
        ctx.render("surveys/manage_list", "survey-manage-title", view)
    } else {
        ctx.render_invalid("surveys/manage_list", "survey-manage-title", view)
    }
}

pub async fn manage_list(ctx: Ctx, query: web::Query<ListQuery>) -> AppResult<HttpResponse> {
    let form = SurveyForm {
        round_id: query.round.clone().unwrap_or_default(),
        minutes: "5".into(),
        access: Access::Anyone.as_str().into(),
        ..Default::default()
    };
    list_page(&ctx, query.page, &form, &FormErrors::new()).await
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
    let Some(round) = round else {
        let mut errors = FormErrors::new();
        errors.add("round_id", "survey-error-round");
        return list_page(&ctx, None, &form, &errors).await;
    };
    let floor = group_floor(&ctx, &round).await?;
    if form.min_group_size.trim().is_empty() {
        form.min_group_size = floor.to_string();
    }
    let input = match form.check(&floor) {
        Ok(input) => input,
        Err(errors) => return list_page(&ctx, None, &form, &errors).await,
    };
    let txn = crate::db::begin_write(db).await?;
    let survey = create_survey(&txn, &user, &round, &input, ctx.state.clock.now()).await?;
    ctx.commit_and_redirect(
        txn,
        "survey-created",
        &format!("/manage/surveys/{}", survey.id),
    )
    .await
}

/// The survey's page in the staff area, as typed (`form`, `question`) with `errors`.
pub struct EditPage<'a> {
    pub survey: &'a surveys::Model,
    pub round: &'a rounds::Model,
    pub form: SurveyForm,
    pub question: QuestionForm,
}

impl<'a> EditPage<'a> {
    /// The page as stored, with a blank question form.
    pub fn new(survey: &'a surveys::Model, round: &'a rounds::Model) -> Self {
        Self {
            survey,
            round,
            form: survey_form(survey),
            question: blank_question(),
        }
    }

    pub async fn render(
        &self,
        ctx: &Ctx,
        errors: &FormErrors,
        status: StatusCode,
    ) -> AppResult<HttpResponse> {
        let (survey, round) = (self.survey, self.round);
        let db = &ctx.state.db;
        let all = queries::questions(db, survey.id).await?;
        let responses = queries::response_count(db, survey.id).await?;
        let goals = round_goals(ctx, round.id).await?;
        let conditions = condition_choices(&all, None);
        let path = |what: &str| format!("/manage/surveys/{}/{what}", survey.id);
        let view = EditView {
            title: survey.title.clone(),
            action: format!("/manage/surveys/{}", survey.id),
            values: &self.form,
            access: access_options(ctx, &self.form.access),
            group_floor: group_floor(ctx, round).await?,
            round: RoundHref {
                title: round.title.clone(),
                href: format!("/manage/rounds/{}", round.id),
            },
            status_key: format!("survey-status-{}", survey.status),
            responses,
            locked: responses > 0,
            can_open: !Status::Open.is(&survey.status),
            can_close: Status::Open.is(&survey.status),
            published: survey.results_published_at.is_some(),
            open_action: path("open"),
            close_action: path("close"),
            publish_action: path("publish-results"),
            unpublish_action: path("unpublish-results"),
            public_href: format!("/surveys/{}", survey.id),
            results_href: format!("/surveys/{}/results", survey.id),
            print_href: path("print"),
            paper_href: path("paper"),
            codes_href: Access::Code.is(&survey.access).then(|| path("codes")),
            aggregates_href: path("export/aggregates.csv"),
            responses_href: path("export/responses.csv"),
            add_action: path("questions"),
            questions: listed_questions(ctx, &all),
            question: question_fields(ctx, &self.question, &goals, &conditions),
            errors: errors.view(ctx.lang),
        };
        ctx.render_about(
            status,
            "surveys/manage_survey",
            "survey-edit-title",
            &survey.title,
            view,
        )
    }
}

#[derive(Serialize)]
struct RoundHref {
    title: String,
    href: String,
}

#[derive(Serialize)]
struct ListedQuestion {
    number: usize,
    prompt: String,
    kind: String,
    condition: String,
    demographic: bool,
    edit_href: String,
    move_action: String,
    delete_action: String,
    first: bool,
    last: bool,
}

fn listed_questions(ctx: &Ctx, all: &[Question]) -> Vec<ListedQuestion> {
    let count = all.len();
    all.iter()
        .enumerate()
        .map(|(i, q)| ListedQuestion {
            number: i + 1,
            prompt: q.model.prompt.clone(),
            kind: ctx.t(&format!("survey-kind-{}", q.kind.as_str())),
            condition: condition_text(ctx.lang, all, q),
            demographic: q.model.demographic,
            edit_href: format!("/manage/questions/{}", q.model.id),
            move_action: format!("/manage/questions/{}/move", q.model.id),
            delete_action: format!("/manage/questions/{}/delete", q.model.id),
            first: i == 0,
            last: i + 1 == count,
        })
        .collect()
}

#[derive(Serialize)]
struct EditView<'a> {
    title: String,
    action: String,
    values: &'a SurveyForm,
    access: Vec<Choice>,
    group_floor: i32,
    round: RoundHref,
    status_key: String,
    responses: i64,
    locked: bool,
    can_open: bool,
    can_close: bool,
    published: bool,
    open_action: String,
    close_action: String,
    publish_action: String,
    unpublish_action: String,
    public_href: String,
    results_href: String,
    print_href: String,
    paper_href: String,
    codes_href: Option<String>,
    aggregates_href: String,
    responses_href: String,
    add_action: String,
    questions: Vec<ListedQuestion>,
    question: QuestionFields<'a>,
    errors: Value,
}

pub async fn edit(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (_, survey, round) = managed(&ctx, *id).await?;
    EditPage::new(&survey, &round)
        .render(&ctx, &FormErrors::new(), StatusCode::OK)
        .await
}

pub async fn update(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: HtmlForm<SurveyForm>,
) -> AppResult<HttpResponse> {
    let (user, survey, round) = managed(&ctx, *id).await?;
    let form = form.0;
    let floor = group_floor(&ctx, &round).await?;
    let input = match form.check(&floor) {
        Ok(input) => input,
        Err(errors) => {
            let page = EditPage {
                form,
                ..EditPage::new(&survey, &round)
            };
            return page
                .render(&ctx, &errors, StatusCode::UNPROCESSABLE_ENTITY)
                .await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    update_survey(
        &txn,
        &user,
        round.municipality_id,
        &survey,
        &input,
        ctx.state.clock.now(),
    )
    .await?;
    ctx.commit_and_redirect(
        txn,
        "survey-saved",
        &format!("/manage/surveys/{}", survey.id),
    )
    .await
}
