//! Use cases of the surveys slice: building surveys, answering them anonymously, results computed
//! in SQL, access codes, and the release of free-text answers.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    rounds, survey_access_codes, survey_answers, survey_options, survey_participations,
    survey_question_goals, survey_questions, survey_responses, surveys,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QueryResult, QuerySelect, Statement,
    sea_query::{Expr, OnConflict},
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    audit::service::{self as audit, Entry},
    db::placeholders,
    identity::CurrentUser,
    secrets::Keys,
    surveys::{
        forms::{QuestionInput, SurveyInput},
        screening::personal_data_hints,
    },
};

// ---- kinds and statuses ----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Single,
    Multiple,
    Scale,
    YesNo,
    Number,
    ShortText,
    LongText,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Single,
        Kind::Multiple,
        Kind::Scale,
        Kind::YesNo,
        Kind::Number,
        Kind::ShortText,
        Kind::LongText,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Single => "single",
            Kind::Multiple => "multiple",
            Kind::Scale => "scale",
            Kind::YesNo => "yesno",
            Kind::Number => "number",
            Kind::ShortText => "short_text",
            Kind::LongText => "long_text",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn has_options(self) -> bool {
        matches!(self, Kind::Single | Kind::Multiple)
    }

    pub fn is_text(self) -> bool {
        matches!(self, Kind::ShortText | Kind::LongText)
    }

    /// Results are counts per option or value (the rest: average or texts).
    pub fn is_counted(self) -> bool {
        matches!(
            self,
            Kind::Single | Kind::Multiple | Kind::Scale | Kind::YesNo
        )
    }
}

/// Yes/no/don't know answers are stored as numbers.
pub const YES: i32 = 1;
pub const NO: i32 = 0;
pub const DONT_KNOW: i32 = 2;
pub const YES_NO_VALUES: [i32; 3] = [YES, NO, DONT_KNOW];

pub const DRAFT: &str = "draft";
pub const OPEN: &str = "open";
pub const CLOSED: &str = "closed";
pub const ONLINE: &str = "online";
pub const PAPER: &str = "paper";
pub const PENDING: &str = "pending";
pub const RELEASED: &str = "released";
pub const REJECTED: &str = "rejected";

// ---- reading ----

/// A question with its options (in order) and the goals it informs.
#[derive(Clone, Debug)]
pub struct Question {
    pub model: survey_questions::Model,
    pub kind: Kind,
    pub options: Vec<survey_options::Model>,
    pub goal_ids: Vec<Uuid>,
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<surveys::Model>, DbErr> {
    surveys::Entity::find_by_id(id).one(db).await
}

/// A survey with its round.
pub async fn find_with_round(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<(surveys::Model, rounds::Model)>, DbErr> {
    let Some(survey) = find(db, id).await? else {
        return Ok(None);
    };
    let round = rounds::Entity::find_by_id(survey.round_id).one(db).await?;
    Ok(round.map(|r| (survey, r)))
}

pub async fn find_question(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<survey_questions::Model>, DbErr> {
    survey_questions::Entity::find_by_id(id).one(db).await
}

/// The questions of a survey in order, with options and goals (three queries).
pub async fn questions(db: &impl ConnectionTrait, survey_id: Uuid) -> Result<Vec<Question>, DbErr> {
    let list = survey_questions::Entity::find()
        .filter(survey_questions::Column::SurveyId.eq(survey_id))
        .order_by_asc(survey_questions::Column::Position)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = list.iter().map(|q| q.id).collect();
    let mut options: HashMap<Uuid, Vec<survey_options::Model>> = HashMap::new();
    let mut goals: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    if !ids.is_empty() {
        for o in survey_options::Entity::find()
            .filter(survey_options::Column::QuestionId.is_in(ids.clone()))
            .order_by_asc(survey_options::Column::Position)
            .all(db)
            .await?
        {
            options.entry(o.question_id).or_default().push(o);
        }
        for g in survey_question_goals::Entity::find()
            .filter(survey_question_goals::Column::QuestionId.is_in(ids))
            .all(db)
            .await?
        {
            goals.entry(g.question_id).or_default().push(g.goal_id);
        }
    }
    Ok(list
        .into_iter()
        .filter_map(|model| {
            let kind = Kind::parse(&model.kind)?;
            Some(Question {
                kind,
                options: options.remove(&model.id).unwrap_or_default(),
                goal_ids: goals.remove(&model.id).unwrap_or_default(),
                model,
            })
        })
        .collect())
}

pub async fn surveys_of_round(
    db: &impl ConnectionTrait,
    round_id: Uuid,
) -> Result<Vec<surveys::Model>, DbErr> {
    surveys::Entity::find()
        .filter(surveys::Column::RoundId.eq(round_id))
        .order_by_asc(surveys::Column::CreatedAt)
        .all(db)
        .await
}

/// The surveys residents can see on a round's page: all but drafts.
pub async fn public_surveys_of_round(
    db: &impl ConnectionTrait,
    round_id: Uuid,
) -> Result<Vec<surveys::Model>, DbErr> {
    surveys::Entity::find()
        .filter(surveys::Column::RoundId.eq(round_id))
        .filter(surveys::Column::Status.ne(DRAFT))
        .order_by_asc(surveys::Column::CreatedAt)
        .all(db)
        .await
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

fn round_rel() -> sea_orm::RelationDef {
    surveys::Entity::belongs_to(rounds::Entity)
        .from(surveys::Column::RoundId)
        .to(rounds::Column::Id)
        .into()
}

pub async fn response_count(db: &impl ConnectionTrait, survey_id: Uuid) -> Result<u64, DbErr> {
    survey_responses::Entity::find()
        .filter(survey_responses::Column::SurveyId.eq(survey_id))
        .count(db)
        .await
}

pub async fn has_responses(db: &impl ConnectionTrait, survey_id: Uuid) -> Result<bool, DbErr> {
    Ok(survey_responses::Entity::find()
        .filter(survey_responses::Column::SurveyId.eq(survey_id))
        .one(db)
        .await?
        .is_some())
}

// ---- building ----

fn entry<'a>(
    actor: &CurrentUser,
    municipality_id: Uuid,
    action: &'a str,
    target_type: &'a str,
    target: Uuid,
    summary: serde_json::Value,
) -> Entry<'a> {
    Entry {
        actor_id: Some(actor.id),
        municipality_id: Some(municipality_id),
        action,
        target_type,
        target_id: Some(target.to_string()),
        summary,
    }
}

pub async fn create(
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
        access: Set(input.access.clone()),
        status: Set(DRAFT.into()),
        min_group_size: Set(input.min_group_size),
        results_published_at: Set(None),
        paper_return_place: Set(String::new()),
        paper_return_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        now,
        entry(
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

pub async fn update(
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
        access: Set(input.access.clone()),
        min_group_size: Set(input.min_group_size),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await?;
    audit::record(
        db,
        now,
        entry(
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

/// Why a change to a survey was refused (409 with this message).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    HasAnswers,
    NoQuestions,
    WrongState,
    ConditionOrder,
    Depended,
    ConditionInvalid,
}

impl Refusal {
    pub fn message_key(self) -> &'static str {
        match self {
            Refusal::HasAnswers => "survey-refused-has-answers",
            Refusal::NoQuestions => "survey-refused-no-questions",
            Refusal::WrongState => "survey-refused-state",
            Refusal::ConditionOrder => "survey-refused-condition-order",
            Refusal::Depended => "survey-refused-depended",
            Refusal::ConditionInvalid => "survey-error-condition",
        }
    }
}

/// Open, close or reopen; `to` is the new status. Decided on the row as it is (conditional
/// UPDATE), audited in the same transaction.
pub async fn set_status(
    db: &impl ConnectionTrait,
    actor: &CurrentUser,
    municipality_id: Uuid,
    survey: &surveys::Model,
    to: &str,
    now: DateTime<Utc>,
) -> Result<Result<(), Refusal>, DbErr> {
    let from: &[&str] = match to {
        OPEN => &[DRAFT, CLOSED],
        CLOSED => &[OPEN],
        _ => return Ok(Err(Refusal::WrongState)),
    };
    if to == OPEN && questions(db, survey.id).await?.is_empty() {
        return Ok(Err(Refusal::NoQuestions));
    }
    let done = surveys::Entity::update_many()
        .filter(surveys::Column::Id.eq(survey.id))
        .filter(surveys::Column::Status.is_in(from.iter().copied()))
        .col_expr(surveys::Column::Status, Expr::value(to))
        .col_expr(surveys::Column::UpdatedAt, Expr::value(now))
        .exec(db)
        .await?
        .rows_affected
        == 1;
    if !done {
        return Ok(Err(Refusal::WrongState));
    }
    let action = if to == OPEN {
        "survey.open"
    } else {
        "survey.close"
    };
    audit::record(
        db,
        now,
        entry(
            actor,
            municipality_id,
            action,
            "survey",
            survey.id,
            json!({ "before": survey.status, "after": to }),
        ),
    )
    .await?;
    Ok(Ok(()))
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
        entry(
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

/// Publishes the results (or takes them back, `publish = false`).
pub async fn set_results_published(
    db: &impl ConnectionTrait,
    actor: &CurrentUser,
    municipality_id: Uuid,
    survey: &surveys::Model,
    publish: bool,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    surveys::Entity::update_many()
        .filter(surveys::Column::Id.eq(survey.id))
        .col_expr(
            surveys::Column::ResultsPublishedAt,
            Expr::value(publish.then_some(now)),
        )
        .col_expr(surveys::Column::UpdatedAt, Expr::value(now))
        .exec(db)
        .await?;
    let action = if publish {
        "survey.results_publish"
    } else {
        "survey.results_unpublish"
    };
    audit::record(
        db,
        now,
        entry(
            actor,
            municipality_id,
            action,
            "survey",
            survey.id,
            json!({}),
        ),
    )
    .await?;
    Ok(())
}

/// The option ids a question may be conditional on: options of choice questions before
/// `position` (all questions when `None`).
pub fn condition_choices(all: &[Question], before: Option<i32>) -> Vec<(Uuid, String, String)> {
    all.iter()
        .filter(|q| q.kind.has_options() && before.is_none_or(|p| q.model.position < p))
        .flat_map(|q| {
            q.options
                .iter()
                .map(|o| (o.id, q.model.prompt.clone(), o.label.clone()))
        })
        .collect()
}

async fn replace_goals(
    db: &impl ConnectionTrait,
    question_id: Uuid,
    goal_ids: &[Uuid],
) -> Result<(), DbErr> {
    survey_question_goals::Entity::delete_many()
        .filter(survey_question_goals::Column::QuestionId.eq(question_id))
        .exec(db)
        .await?;
    if !goal_ids.is_empty() {
        survey_question_goals::Entity::insert_many(goal_ids.iter().map(|g| {
            survey_question_goals::ActiveModel {
                question_id: Set(question_id),
                goal_id: Set(*g),
            }
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

async fn insert_options(
    db: &impl ConnectionTrait,
    question_id: Uuid,
    labels: &[String],
    from: usize,
) -> Result<(), DbErr> {
    if labels.is_empty() {
        return Ok(());
    }
    survey_options::Entity::insert_many(labels.iter().enumerate().map(|(i, label)| {
        survey_options::ActiveModel {
            id: Set(Uuid::now_v7()),
            question_id: Set(question_id),
            label: Set(label.clone()),
            position: Set((from + i) as i32),
        }
    }))
    .exec(db)
    .await?;
    Ok(())
}

/// Adds a question at the end. Refused once the survey has answers.
pub async fn add_question(
    db: &impl ConnectionTrait,
    actor: &CurrentUser,
    municipality_id: Uuid,
    survey: &surveys::Model,
    input: &QuestionInput,
    now: DateTime<Utc>,
) -> Result<Result<Uuid, Refusal>, DbErr> {
    if has_responses(db, survey.id).await? {
        return Ok(Err(Refusal::HasAnswers));
    }
    let all = questions(db, survey.id).await?;
    if let Some(c) = input.condition
        && !condition_choices(&all, None)
            .iter()
            .any(|(id, _, _)| *id == c)
    {
        return Ok(Err(Refusal::ConditionInvalid));
    }
    let position = all.last().map(|q| q.model.position + 1).unwrap_or(0);
    let id = Uuid::now_v7();
    active_question(id, survey.id, position, input, now)
        .insert(db)
        .await?;
    insert_options(db, id, &input.options, 0).await?;
    replace_goals(db, id, &input.goal_ids).await?;
    audit::record(
        db,
        now,
        entry(
            actor,
            municipality_id,
            "survey.question_add",
            "survey",
            survey.id,
            json!({ "after": { "question": id, "kind": input.kind.as_str(), "prompt": input.prompt } }),
        ),
    )
    .await?;
    Ok(Ok(id))
}

fn active_question(
    id: Uuid,
    survey_id: Uuid,
    position: i32,
    input: &QuestionInput,
    now: DateTime<Utc>,
) -> survey_questions::ActiveModel {
    survey_questions::ActiveModel {
        id: Set(id),
        survey_id: Set(survey_id),
        kind: Set(input.kind.as_str().into()),
        prompt: Set(input.prompt.clone()),
        help: Set(input.help.clone()),
        required: Set(input.required),
        demographic: Set(input.demographic),
        position: Set(position),
        allow_other: Set(input.allow_other),
        min_choices: Set(input.min_choices),
        max_choices: Set(input.max_choices),
        scale_min: Set(input.scale_min),
        scale_max: Set(input.scale_max),
        scale_min_label: Set(input.scale_min_label.clone()),
        scale_max_label: Set(input.scale_max_label.clone()),
        number_min: Set(input.number_min),
        number_max: Set(input.number_max),
        condition_option_id: Set(input.condition),
        created_at: Set(now),
    }
}

/// Whether `input` changes only the wording of `q` (prompt, help, option labels, scale labels)
/// and the goals it informs.
pub fn wording_only(q: &Question, input: &QuestionInput) -> bool {
    let m = &q.model;
    input.kind == q.kind
        && input.required == m.required
        && input.demographic == m.demographic
        && input.allow_other == m.allow_other
        && input.min_choices == m.min_choices
        && input.max_choices == m.max_choices
        && input.scale_min == m.scale_min
        && input.scale_max == m.scale_max
        && input.number_min == m.number_min
        && input.number_max == m.number_max
        && input.condition == m.condition_option_id
        && input.options.len() == q.options.len()
}

/// Saves a question. Once the survey has answers only wording may change.
pub async fn update_question(
    db: &impl ConnectionTrait,
    actor: &CurrentUser,
    municipality_id: Uuid,
    q: &Question,
    input: &QuestionInput,
    now: DateTime<Utc>,
) -> Result<Result<(), Refusal>, DbErr> {
    let answered = has_responses(db, q.model.survey_id).await?;
    if answered && !wording_only(q, input) {
        return Ok(Err(Refusal::HasAnswers));
    }
    let all = questions(db, q.model.survey_id).await?;
    if let Some(c) = input.condition
        && !condition_choices(&all, Some(q.model.position))
            .iter()
            .any(|(id, _, _)| *id == c)
    {
        return Ok(Err(Refusal::ConditionInvalid));
    }
    let mut model = active_question(
        q.model.id,
        q.model.survey_id,
        q.model.position,
        input,
        q.model.created_at,
    );
    model.id = sea_orm::ActiveValue::Unchanged(q.model.id);
    model.survey_id = sea_orm::ActiveValue::Unchanged(q.model.survey_id);
    model.created_at = sea_orm::ActiveValue::Unchanged(q.model.created_at);
    model.update(db).await?;
    // Options keep their ids by position, so conditions on them and answers stay valid.
    for (option, label) in q.options.iter().zip(&input.options) {
        if option.label != *label {
            survey_options::Entity::update_many()
                .filter(survey_options::Column::Id.eq(option.id))
                .col_expr(survey_options::Column::Label, Expr::value(label.clone()))
                .exec(db)
                .await?;
        }
    }
    if input.options.len() > q.options.len() {
        insert_options(
            db,
            q.model.id,
            &input.options[q.options.len()..],
            q.options.len(),
        )
        .await?;
    } else if input.options.len() < q.options.len() {
        let gone: Vec<Uuid> = q.options[input.options.len()..]
            .iter()
            .map(|o| o.id)
            .collect();
        survey_questions::Entity::update_many()
            .filter(survey_questions::Column::ConditionOptionId.is_in(gone.clone()))
            .col_expr(
                survey_questions::Column::ConditionOptionId,
                Expr::value(Option::<Uuid>::None),
            )
            .exec(db)
            .await?;
        survey_options::Entity::delete_many()
            .filter(survey_options::Column::Id.is_in(gone))
            .exec(db)
            .await?;
    }
    replace_goals(db, q.model.id, &input.goal_ids).await?;
    audit::record(
        db,
        now,
        entry(
            actor,
            municipality_id,
            "survey.question_update",
            "survey",
            q.model.survey_id,
            json!({
                "question": q.model.id,
                "before": { "prompt": q.model.prompt, "kind": q.model.kind },
                "after": { "prompt": input.prompt, "kind": input.kind.as_str() },
            }),
        ),
    )
    .await?;
    Ok(Ok(()))
}

/// Moves a question one place up (`up`) or down. A conditional question stays after the
/// question it depends on.
pub async fn move_question(
    db: &impl ConnectionTrait,
    actor: &CurrentUser,
    municipality_id: Uuid,
    question_id: Uuid,
    up: bool,
    now: DateTime<Utc>,
) -> Result<Result<(), Refusal>, DbErr> {
    let Some(q) = find_question(db, question_id).await? else {
        return Ok(Err(Refusal::WrongState));
    };
    if has_responses(db, q.survey_id).await? {
        return Ok(Err(Refusal::HasAnswers));
    }
    let all = questions(db, q.survey_id).await?;
    let Some(at) = all.iter().position(|x| x.model.id == question_id) else {
        return Ok(Err(Refusal::WrongState));
    };
    let other = if up { at.checked_sub(1) } else { Some(at + 1) };
    let Some(other) = other.filter(|o| *o < all.len()) else {
        return Ok(Ok(()));
    };
    let (first, second) = if up { (other, at) } else { (at, other) };
    // After the swap `second` comes first: it must not depend on `first`.
    if let Some(c) = all[second].model.condition_option_id
        && all[first].options.iter().any(|o| o.id == c)
    {
        return Ok(Err(Refusal::ConditionOrder));
    }
    for (q, position) in [
        (&all[first], all[second].model.position),
        (&all[second], all[first].model.position),
    ] {
        survey_questions::Entity::update_many()
            .filter(survey_questions::Column::Id.eq(q.model.id))
            .col_expr(survey_questions::Column::Position, Expr::value(position))
            .exec(db)
            .await?;
    }
    audit::record(
        db,
        now,
        entry(
            actor,
            municipality_id,
            "survey.question_move",
            "survey",
            q.survey_id,
            json!({ "question": question_id, "up": up }),
        ),
    )
    .await?;
    Ok(Ok(()))
}

pub async fn delete_question(
    db: &impl ConnectionTrait,
    actor: &CurrentUser,
    municipality_id: Uuid,
    q: &Question,
    now: DateTime<Utc>,
) -> Result<Result<(), Refusal>, DbErr> {
    if has_responses(db, q.model.survey_id).await? {
        return Ok(Err(Refusal::HasAnswers));
    }
    let option_ids: Vec<Uuid> = q.options.iter().map(|o| o.id).collect();
    if !option_ids.is_empty()
        && survey_questions::Entity::find()
            .filter(survey_questions::Column::ConditionOptionId.is_in(option_ids))
            .one(db)
            .await?
            .is_some()
    {
        return Ok(Err(Refusal::Depended));
    }
    survey_questions::Entity::delete_by_id(q.model.id)
        .exec(db)
        .await?;
    audit::record(
        db,
        now,
        entry(
            actor,
            municipality_id,
            "survey.question_delete",
            "survey",
            q.model.survey_id,
            json!({ "before": { "question": q.model.id, "prompt": q.model.prompt } }),
        ),
    )
    .await?;
    Ok(Ok(()))
}

// ---- answering ----

/// A checked answer to one question.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// Chosen options, and the "other" text if that was chosen.
    Choices(Vec<Uuid>, Option<String>),
    Number(i32),
    Text(String),
}

/// The pages of a survey: a new page starts before each question shown only under a condition,
/// so the condition is decided on the server from the answers of earlier pages.
pub fn pages(all: &[Question]) -> Vec<Vec<usize>> {
    let mut pages: Vec<Vec<usize>> = Vec::new();
    for (i, q) in all.iter().enumerate() {
        if pages.is_empty() || q.model.condition_option_id.is_some() {
            pages.push(Vec::new());
        }
        if let Some(page) = pages.last_mut() {
            page.push(i);
        }
    }
    pages
}

/// Which questions are shown, given what was chosen: a conditional question is shown when the
/// question it depends on is shown and the option was chosen.
pub fn visible(all: &[Question], chose: impl Fn(Uuid, Uuid) -> bool) -> Vec<bool> {
    let mut owner: HashMap<Uuid, usize> = HashMap::new();
    let mut shown = Vec::with_capacity(all.len());
    for (i, q) in all.iter().enumerate() {
        let show = match q.model.condition_option_id {
            None => true,
            Some(option) => owner
                .get(&option)
                .is_some_and(|&at| shown[at] && chose(all[at].model.id, option)),
        };
        shown.push(show);
        for o in &q.options {
            owner.insert(o.id, i);
        }
    }
    shown
}

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

fn guard_hash(keys: &Keys, survey_id: Uuid, who: &str, value: &str) -> String {
    keys.keyed_hash(&["survey-participation", who, &survey_id.to_string(), value])
}

pub fn code_hash(keys: &Keys, survey_id: Uuid, code: &str) -> String {
    keys.keyed_hash(&["survey-code", &survey_id.to_string(), code])
}

/// The participation marks an account could have left: one keyed hash per survey. Answers never
/// point to them, so these marks are all that ties an account to surveys.
async fn account_marks(
    db: &impl ConnectionTrait,
    keys: &Keys,
    user_id: Uuid,
) -> Result<HashMap<String, (Uuid, String)>, DbErr> {
    let all: Vec<(Uuid, String)> = surveys::Entity::find()
        .select_only()
        .column(surveys::Column::Id)
        .column(surveys::Column::Title)
        .into_tuple()
        .all(db)
        .await?;
    Ok(all
        .into_iter()
        .map(|(id, title)| {
            (
                guard_hash(keys, id, "user", &user_id.to_string()),
                (id, title),
            )
        })
        .collect())
}

/// The surveys the account took part in (not its answers: nothing links them to anyone), for its
/// data download.
pub async fn participations_of(
    db: &impl ConnectionTrait,
    keys: &Keys,
    user_id: Uuid,
) -> Result<Vec<serde_json::Value>, DbErr> {
    let marks = account_marks(db, keys, user_id).await?;
    let taken: Vec<String> = survey_participations::Entity::find()
        .select_only()
        .column(survey_participations::Column::GuardHash)
        .filter(survey_participations::Column::GuardHash.is_in(marks.keys().cloned()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(taken
        .iter()
        .filter_map(|hash| marks.get(hash))
        .map(|(id, title)| json!({ "survey_id": id, "title": title }))
        .collect())
}

/// When an account is deleted: its participation marks go with it (the answers stay, unlinked
/// as they always were).
pub async fn forget_participant(
    db: &impl ConnectionTrait,
    keys: &Keys,
    user_id: Uuid,
) -> Result<u64, DbErr> {
    let marks = account_marks(db, keys, user_id).await?;
    Ok(survey_participations::Entity::delete_many()
        .filter(survey_participations::Column::GuardHash.is_in(marks.into_keys()))
        .exec(db)
        .await?
        .rows_affected)
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

/// Whether `code` is an unused code of the survey.
pub async fn code_usable(
    db: &impl ConnectionTrait,
    keys: &Keys,
    survey_id: Uuid,
    code: &str,
) -> Result<bool, DbErr> {
    Ok(
        survey_access_codes::Entity::find_by_id(code_hash(keys, survey_id, code))
            .one(db)
            .await?
            .is_some_and(|c| c.survey_id == survey_id && !c.used),
    )
}

/// Stores a response. Run inside a write transaction: the participation marks (or the code's
/// "used" flag) and the response commit together, and the unique hash makes a second response
/// impossible even when two arrive at once. Nothing on the response points to the guards.
pub async fn submit(
    db: &impl ConnectionTrait,
    keys: &Keys,
    survey_id: Uuid,
    answers: &[(Uuid, Answer)],
    channel: &str,
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
    survey_responses::ActiveModel {
        id: Set(response_id),
        survey_id: Set(survey_id),
        channel: Set(channel.into()),
        submitted_on: Set(today),
    }
    .insert(db)
    .await?;
    let rows = answer_rows(response_id, answers);
    if !rows.is_empty() {
        survey_answers::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(Submitted::Stored)
}

/// The answer rows of one response.
pub fn answer_rows(
    response_id: Uuid,
    answers: &[(Uuid, Answer)],
) -> Vec<survey_answers::ActiveModel> {
    let row =
        |question_id: Uuid, option_id: Option<Uuid>, number: Option<i32>, text: Option<String>| {
            let status = text.as_ref().map(|_| PENDING.to_string());
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

// ---- access codes ----

/// Letters and digits that cannot be mistaken for each other on paper.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

fn new_code() -> String {
    let mut buf = [0u8; 10];
    getrandom::fill(&mut buf)
        .unwrap_or_else(|e| panic!("the operating system has no randomness: {e}"));
    buf.iter()
        .map(|b| CODE_ALPHABET[(*b as usize) % CODE_ALPHABET.len()] as char)
        .collect()
}

/// Makes `count` new codes; only their hashes are stored. The codes are returned once, formatted
/// for print (`ABCD-EFGH-JK`).
pub async fn generate_codes(
    db: &impl ConnectionTrait,
    keys: &Keys,
    actor: &CurrentUser,
    municipality_id: Uuid,
    survey_id: Uuid,
    count: u32,
    now: DateTime<Utc>,
) -> Result<Vec<String>, DbErr> {
    let codes: Vec<String> = (0..count).map(|_| new_code()).collect();
    for chunk in codes.chunks(500) {
        survey_access_codes::Entity::insert_many(chunk.iter().map(|c| {
            survey_access_codes::ActiveModel {
                code_hash: Set(code_hash(keys, survey_id, c)),
                survey_id: Set(survey_id),
                used: Set(false),
                created_at: Set(now),
            }
        }))
        .exec_without_returning(db)
        .await?;
    }
    audit::record(
        db,
        now,
        entry(
            actor,
            municipality_id,
            "survey.codes_generate",
            "survey",
            survey_id,
            json!({ "count": count }),
        ),
    )
    .await?;
    Ok(codes
        .iter()
        .map(|c| format!("{}-{}-{}", &c[0..4], &c[4..8], &c[8..10]))
        .collect())
}

/// (all codes, used codes) of a survey.
pub async fn code_counts(db: &impl ConnectionTrait, survey_id: Uuid) -> Result<(u64, u64), DbErr> {
    let all = survey_access_codes::Entity::find()
        .filter(survey_access_codes::Column::SurveyId.eq(survey_id))
        .count(db)
        .await?;
    let used = survey_access_codes::Entity::find()
        .filter(survey_access_codes::Column::SurveyId.eq(survey_id))
        .filter(survey_access_codes::Column::Used.eq(true))
        .count(db)
        .await?;
    Ok((all, used))
}

// ---- results (all aggregates in SQL) ----

/// What a count belongs to within a question.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cell {
    Option(Uuid),
    Other,
    Value(i32),
}

#[derive(Debug, Default)]
pub struct Aggregates {
    pub responses: i64,
    /// Per question: how many responses answered it, and the average of its numbers.
    pub respondents: HashMap<Uuid, (i64, Option<f64>)>,
    pub counts: HashMap<(Uuid, Cell), i64>,
}

fn stmt(backend: DbBackend, sql: &str, values: Vec<sea_orm::Value>) -> Statement {
    Statement::from_sql_and_values(backend, placeholders(backend, sql), values)
}

fn cell_of(row: &QueryResult) -> Result<Cell, DbErr> {
    let option: Option<Uuid> = row.try_get("", "option_id")?;
    let number: Option<i32> = row.try_get("", "number_value")?;
    Ok(match (option, number) {
        (Some(o), _) => Cell::Option(o),
        (None, Some(n)) => Cell::Value(n),
        (None, None) => Cell::Other,
    })
}

/// `($1, $2, …)` from `first` on, with the ids as values.
fn id_list(first: usize, ids: &[Uuid]) -> (String, Vec<sea_orm::Value>) {
    let marks: Vec<String> = (first..first + ids.len())
        .map(|i| format!("${i}"))
        .collect();
    (
        format!("({})", marks.join(", ")),
        ids.iter().map(|id| sea_orm::Value::from(*id)).collect(),
    )
}

/// Counts, respondents and averages of a survey's questions. The queries filter by question id,
/// so they read the covering indexes on `survey_answers` and never the table.
pub async fn aggregates(
    db: &impl ConnectionTrait,
    survey_id: Uuid,
    questions: &[Question],
) -> Result<Aggregates, DbErr> {
    let backend = db.get_database_backend();
    let mut out = Aggregates::default();
    if let Some(row) = db
        .query_one_raw(stmt(
            backend,
            "SELECT COUNT(*) AS n FROM survey_responses WHERE survey_id = $1",
            vec![survey_id.into()],
        ))
        .await?
    {
        out.responses = row.try_get("", "n")?;
    }
    let all: Vec<Uuid> = questions.iter().map(|q| q.model.id).collect();
    if !all.is_empty() {
        let (list, values) = id_list(1, &all);
        for row in db
            .query_all_raw(stmt(
                backend,
                &format!(
                    "SELECT question_id, COUNT(DISTINCT response_id) AS n, \
                       AVG(CAST(number_value AS DOUBLE PRECISION)) AS average \
                     FROM survey_answers WHERE question_id IN {list} GROUP BY question_id"
                ),
                values,
            ))
            .await?
        {
            out.respondents.insert(
                row.try_get("", "question_id")?,
                (row.try_get("", "n")?, row.try_get("", "average")?),
            );
        }
    }
    let counted: Vec<Uuid> = questions
        .iter()
        .filter(|q| q.kind.is_counted())
        .map(|q| q.model.id)
        .collect();
    if !counted.is_empty() {
        let (list, values) = id_list(1, &counted);
        for row in db
            .query_all_raw(stmt(
                backend,
                &format!(
                    "SELECT question_id, option_id, number_value, COUNT(*) AS n \
                     FROM survey_answers WHERE question_id IN {list} \
                     GROUP BY question_id, option_id, number_value"
                ),
                values,
            ))
            .await?
        {
            out.counts.insert(
                (row.try_get("", "question_id")?, cell_of(&row)?),
                row.try_get("", "n")?,
            );
        }
    }
    Ok(out)
}

#[derive(Debug, Default)]
pub struct Breakdown {
    /// Per option of the demographic question: how many responses chose it.
    pub groups: HashMap<Uuid, i64>,
    /// (group option, question, cell) → count.
    pub counts: HashMap<(Uuid, Uuid, Cell), i64>,
}

/// Counts per group of a demographic (single-choice) question.
pub async fn breakdown(
    db: &impl ConnectionTrait,
    questions: &[Question],
    by: Uuid,
) -> Result<Breakdown, DbErr> {
    let backend = db.get_database_backend();
    let mut out = Breakdown::default();
    for row in db
        .query_all_raw(stmt(
            backend,
            "SELECT option_id, COUNT(*) AS n FROM survey_answers \
             WHERE question_id = $1 AND option_id IS NOT NULL GROUP BY option_id",
            vec![by.into()],
        ))
        .await?
    {
        out.groups
            .insert(row.try_get("", "option_id")?, row.try_get("", "n")?);
    }
    let counted: Vec<Uuid> = questions
        .iter()
        .filter(|q| q.kind.is_counted() && q.model.id != by)
        .map(|q| q.model.id)
        .collect();
    if counted.is_empty() {
        return Ok(out);
    }
    let (list, mut values) = id_list(2, &counted);
    values.insert(0, by.into());
    for row in db
        .query_all_raw(stmt(
            backend,
            &format!(
                "SELECT d.option_id AS grp, a.question_id, a.option_id, a.number_value, COUNT(*) AS n \
                 FROM survey_answers d \
                 JOIN survey_answers a ON a.response_id = d.response_id \
                 WHERE d.question_id = $1 AND d.option_id IS NOT NULL AND a.question_id IN {list} \
                 GROUP BY d.option_id, a.question_id, a.option_id, a.number_value"
            ),
            values,
        ))
        .await?
    {
        out.counts.insert(
            (
                row.try_get("", "grp")?,
                row.try_get("", "question_id")?,
                cell_of(&row)?,
            ),
            row.try_get("", "n")?,
        );
    }
    Ok(out)
}

/// Released free texts of these questions, newest decisions not tracked: in storage order,
/// at most `limit` per call.
pub async fn released_texts(
    db: &impl ConnectionTrait,
    question_ids: &[Uuid],
    limit: u64,
) -> Result<Vec<(Uuid, String)>, DbErr> {
    if question_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = survey_answers::Entity::find()
        .filter(survey_answers::Column::QuestionId.is_in(question_ids.iter().copied()))
        .filter(survey_answers::Column::TextStatus.eq(RELEASED))
        .order_by_asc(survey_answers::Column::Id)
        .paginate(db, limit)
        .fetch_page(0)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|a| a.text_value.map(|t| (a.question_id, t)))
        .collect())
}

// ---- goals ----

/// For each goal, how many survey responses answered a question that informs it.
pub async fn responses_per_goal(
    db: &impl ConnectionTrait,
    goal_ids: &[Uuid],
) -> Result<HashMap<Uuid, i64>, DbErr> {
    if goal_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let backend = db.get_database_backend();
    let marks: Vec<String> = (2..goal_ids.len() + 2).map(|i| format!("${i}")).collect();
    let mut values: Vec<sea_orm::Value> = vec![DRAFT.into()];
    values.extend(goal_ids.iter().map(|g| sea_orm::Value::from(*g)));
    let rows = db
        .query_all_raw(stmt(
            backend,
            &format!(
                "SELECT g.goal_id, COUNT(DISTINCT a.response_id) AS n \
                 FROM survey_question_goals g \
                 JOIN survey_answers a ON a.question_id = g.question_id \
                 JOIN survey_questions q ON q.id = g.question_id \
                 JOIN surveys s ON s.id = q.survey_id \
                 WHERE s.status <> $1 AND g.goal_id IN ({}) GROUP BY g.goal_id",
                marks.join(", ")
            ),
            values,
        ))
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("", "goal_id")?, r.try_get("", "n")?)))
        .collect()
}

/// The surveys with published results in public rounds that have questions informing `goal_id`,
/// with those question ids.
pub async fn published_for_goal(
    db: &impl ConnectionTrait,
    goal_id: Uuid,
) -> Result<Vec<(surveys::Model, Vec<Uuid>)>, DbErr> {
    let links = survey_question_goals::Entity::find()
        .filter(survey_question_goals::Column::GoalId.eq(goal_id))
        .all(db)
        .await?;
    if links.is_empty() {
        return Ok(Vec::new());
    }
    let qs = survey_questions::Entity::find()
        .filter(survey_questions::Column::Id.is_in(links.iter().map(|l| l.question_id)))
        .order_by_asc(survey_questions::Column::Position)
        .all(db)
        .await?;
    let survey_ids: HashSet<Uuid> = qs.iter().map(|q| q.survey_id).collect();
    let list = surveys::Entity::find()
        .select_also(rounds::Entity)
        .join(sea_orm::JoinType::InnerJoin, round_rel())
        .filter(surveys::Column::Id.is_in(survey_ids))
        .filter(surveys::Column::ResultsPublishedAt.is_not_null())
        .filter(rounds::Column::Status.is_in(crate::rounds::model::Status::PUBLIC))
        .order_by_asc(surveys::Column::CreatedAt)
        .all(db)
        .await?;
    Ok(list
        .into_iter()
        .map(|(s, _)| {
            let ids = qs
                .iter()
                .filter(|q| q.survey_id == s.id)
                .map(|q| q.id)
                .collect();
            (s, ids)
        })
        .collect())
}

// ---- free-text release ----

/// A free text waiting for a moderator.
#[derive(Debug)]
pub struct PendingText {
    pub id: Uuid,
    pub text: String,
    pub prompt: String,
    pub survey_title: String,
}

/// Pending texts in these municipalities (`None`: all), of one survey if `survey` is given.
fn pending_sql(
    scope: Option<&[Uuid]>,
    survey: Option<Uuid>,
    select: &str,
    tail: &str,
) -> (String, Vec<sea_orm::Value>) {
    let mut values: Vec<sea_orm::Value> = vec![PENDING.into()];
    let mut sql = format!(
        "SELECT {select} FROM survey_answers a \
         JOIN survey_questions q ON q.id = a.question_id \
         JOIN surveys s ON s.id = q.survey_id \
         JOIN rounds r ON r.id = s.round_id \
         WHERE a.text_status = $1"
    );
    if let Some(scope) = scope {
        if scope.is_empty() {
            sql.push_str(" AND 1 = 0");
        } else {
            let marks: Vec<String> = (2..scope.len() + 2).map(|i| format!("${i}")).collect();
            sql.push_str(&format!(" AND r.municipality_id IN ({})", marks.join(", ")));
            values.extend(scope.iter().map(|m| sea_orm::Value::from(*m)));
        }
    }
    if let Some(survey) = survey {
        values.push(survey.into());
        sql.push_str(&format!(" AND s.id = ${}", values.len()));
    }
    sql.push_str(tail);
    (sql, values)
}

/// Screens the pending texts that have no mark yet (those written before texts were marked on
/// arrival), so the release queue can put marked texts first. Runs at start; a no-op after.
pub async fn mark_unscreened_texts(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    let unscreened = survey_answers::Entity::find()
        .filter(survey_answers::Column::TextStatus.eq(PENDING))
        .filter(survey_answers::Column::TextMarked.is_null())
        .all(db)
        .await?;
    let (marked, plain): (Vec<_>, Vec<_>) = unscreened.iter().partition(|a| {
        a.text_value
            .as_deref()
            .is_some_and(|t| !personal_data_hints(t).is_empty())
    });
    for (ids, mark) in [(marked, true), (plain, false)] {
        for chunk in ids.chunks(500) {
            survey_answers::Entity::update_many()
                .col_expr(survey_answers::Column::TextMarked, Expr::value(mark))
                .filter(survey_answers::Column::Id.is_in(chunk.iter().map(|a| a.id)))
                .exec(db)
                .await?;
        }
    }
    Ok(unscreened.len() as u64)
}

/// The surveys with texts waiting in these municipalities, with how many, for the queue's filter.
pub async fn surveys_with_pending_texts(
    db: &impl ConnectionTrait,
    scope: Option<&[Uuid]>,
) -> Result<Vec<(Uuid, String, i64)>, DbErr> {
    let backend = db.get_database_backend();
    let (sql, values) = pending_sql(
        scope,
        None,
        "s.id, s.title, COUNT(*) AS n",
        " GROUP BY s.id, s.title ORDER BY s.title, s.id",
    );
    db.query_all_raw(stmt(backend, &sql, values))
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("", "id")?,
                r.try_get("", "title")?,
                r.try_get("", "n")?,
            ))
        })
        .collect()
}

/// How many free texts wait for release in these municipalities (`None`: all).
pub async fn pending_free_text_count(
    db: &impl ConnectionTrait,
    municipalities: Option<&[Uuid]>,
) -> Result<u64, DbErr> {
    pending_count(db, municipalities, None).await
}

async fn pending_count(
    db: &impl ConnectionTrait,
    municipalities: Option<&[Uuid]>,
    survey: Option<Uuid>,
) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let (sql, values) = pending_sql(municipalities, survey, "COUNT(*) AS n", "");
    let n: i64 = match db.query_one_raw(stmt(backend, &sql, values)).await? {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    Ok(n.max(0) as u64)
}

/// How many free texts wait for release per municipality (`None`: all), in one grouped query.
pub async fn pending_free_text_counts_per_municipality(
    db: &impl ConnectionTrait,
    municipalities: Option<&[Uuid]>,
) -> Result<Vec<(Uuid, u64)>, DbErr> {
    let backend = db.get_database_backend();
    let (sql, values) = pending_sql(
        municipalities,
        None,
        "r.municipality_id AS municipality_id, COUNT(*) AS n",
        " GROUP BY r.municipality_id",
    );
    db.query_all_raw(stmt(backend, &sql, values))
        .await?
        .iter()
        .map(|row| {
            let n: i64 = row.try_get("", "n")?;
            Ok((row.try_get("", "municipality_id")?, n.max(0) as u64))
        })
        .collect()
}

/// One page of the release queue: texts the screening marked first, then by survey (oldest
/// first) and question. A page past the end (the last text of the last page was just decided)
/// shows the last page. Returns the texts, the page index shown and the number of pages.
pub async fn pending_page(
    db: &impl ConnectionTrait,
    scope: Option<&[Uuid]>,
    survey: Option<Uuid>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<PendingText>, u64, u64), DbErr> {
    let total = pending_count(db, scope, survey).await?;
    let pages = total.div_ceil(per_page).max(1);
    let page = page.min(pages - 1);
    let backend = db.get_database_backend();
    let (sql, values) = pending_sql(
        scope,
        survey,
        "a.id, a.text_value, q.prompt, s.title",
        &format!(
            " ORDER BY CASE WHEN a.text_marked = TRUE THEN 0 ELSE 1 END, s.created_at, \
             q.position, a.id LIMIT {per_page} OFFSET {}",
            page * per_page
        ),
    );
    let rows = db.query_all_raw(stmt(backend, &sql, values)).await?;
    let list = rows
        .iter()
        .map(|r| {
            Ok(PendingText {
                id: r.try_get("", "id")?,
                text: r
                    .try_get::<Option<String>>("", "text_value")?
                    .unwrap_or_default(),
                prompt: r.try_get("", "prompt")?,
                survey_title: r.try_get("", "title")?,
            })
        })
        .collect::<Result<Vec<_>, DbErr>>()?;
    Ok((list, page, pages))
}

/// The municipality a pending free text belongs to (for the moderator check).
pub async fn pending_text_municipality(
    db: &impl ConnectionTrait,
    answer_id: Uuid,
) -> Result<Option<Uuid>, DbErr> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(stmt(
            backend,
            "SELECT r.municipality_id FROM survey_answers a \
             JOIN survey_questions q ON q.id = a.question_id \
             JOIN surveys s ON s.id = q.survey_id \
             JOIN rounds r ON r.id = s.round_id \
             WHERE a.id = $1 AND a.text_status = $2",
            vec![answer_id.into(), PENDING.into()],
        ))
        .await?;
    row.map(|r| r.try_get("", "municipality_id")).transpose()
}

/// Releases a text (as edited by the moderator) or rejects it; the original is not kept.
/// Returns false when it was decided already.
pub async fn decide_text(
    db: &impl ConnectionTrait,
    actor: &CurrentUser,
    municipality_id: Uuid,
    answer_id: Uuid,
    released: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let Some(answer) = survey_answers::Entity::find_by_id(answer_id)
        .filter(survey_answers::Column::TextStatus.eq(PENDING))
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    let edited = released.is_some_and(|t| Some(t) != answer.text_value.as_deref());
    let done = survey_answers::Entity::update_many()
        .filter(survey_answers::Column::Id.eq(answer_id))
        .filter(survey_answers::Column::TextStatus.eq(PENDING))
        .col_expr(
            survey_answers::Column::TextStatus,
            Expr::value(if released.is_some() {
                RELEASED
            } else {
                REJECTED
            }),
        )
        .col_expr(
            survey_answers::Column::TextValue,
            Expr::value(released.map(str::to_string)),
        )
        .exec(db)
        .await?
        .rows_affected
        == 1;
    if done {
        audit::record(
            db,
            now,
            Entry {
                actor_id: Some(actor.id),
                municipality_id: Some(municipality_id),
                action: if released.is_some() {
                    "survey.free_text_release"
                } else {
                    "survey.free_text_reject"
                },
                target_type: "survey_answer",
                target_id: Some(answer_id.to_string()),
                summary: json!({ "edited": edited }),
            },
        )
        .await?;
    }
    Ok(done)
}

// ---- export ----

/// The answers of a survey for the raw export, in chunks ordered by response.
pub async fn answers_chunk(
    db: &impl ConnectionTrait,
    survey_id: Uuid,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<(Uuid, String, survey_answers::Model)>, DbErr> {
    let backend = db.get_database_backend();
    let mut values: Vec<sea_orm::Value> = vec![survey_id.into()];
    let mut sql =
        "SELECT r.id AS rid, r.channel, a.id, a.response_id, a.question_id, a.option_id, \
                   a.number_value, a.text_value, a.text_status \
                   FROM survey_responses r JOIN survey_answers a ON a.response_id = r.id \
                   WHERE r.survey_id = $1"
            .to_string();
    if let Some(after) = after {
        sql.push_str(" AND r.id > $2");
        values.push(after.into());
    }
    // Whole responses per chunk: the limit counts responses.
    let sub = if after.is_some() {
        format!(
            " AND r.id IN (SELECT id FROM survey_responses WHERE survey_id = $1 AND id > $2 ORDER BY id LIMIT {limit})"
        )
    } else {
        format!(
            " AND r.id IN (SELECT id FROM survey_responses WHERE survey_id = $1 ORDER BY id LIMIT {limit})"
        )
    };
    sql.push_str(&sub);
    sql.push_str(" ORDER BY r.id, a.question_id");
    let rows = db.query_all_raw(stmt(backend, &sql, values)).await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("", "rid")?,
                r.try_get("", "channel")?,
                survey_answers::Model {
                    id: r.try_get("", "id")?,
                    response_id: r.try_get("", "response_id")?,
                    question_id: r.try_get("", "question_id")?,
                    option_id: r.try_get("", "option_id")?,
                    number_value: r.try_get("", "number_value")?,
                    text_value: r.try_get("", "text_value")?,
                    text_status: r.try_get("", "text_status")?,
                    text_marked: None,
                },
            ))
        })
        .collect()
}

/// Audits an export (the file itself is built by the handler).
pub async fn record_export(
    db: &impl ConnectionTrait,
    actor: &CurrentUser,
    municipality_id: Uuid,
    survey_id: Uuid,
    what: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    audit::record(
        db,
        now,
        entry(
            actor,
            municipality_id,
            "survey.export",
            "survey",
            survey_id,
            json!({ "file": what }),
        ),
    )
    .await
}

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
        entry(
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

// ---- other slices' pages ----

/// The published survey results of the questions that inform `goal_id`, as the goal page shows
/// them (suppressed like the results page).
pub async fn goal_results(
    db: &impl ConnectionTrait,
    lang: crate::web::i18n::Lang,
    goal_id: Uuid,
) -> Result<Vec<serde_json::Value>, DbErr> {
    let mut out = Vec::new();
    for (survey, ids) in published_for_goal(db, goal_id).await? {
        let qs: Vec<Question> = questions(db, survey.id)
            .await?
            .into_iter()
            .filter(|q| ids.contains(&q.model.id) && !q.model.demographic)
            .collect();
        if qs.is_empty() {
            continue;
        }
        let agg = aggregates(db, survey.id, &qs).await?;
        let texts = released_texts(db, &ids, 20).await?;
        out.push(json!({
            "title": survey.title,
            "href": format!("/surveys/{}/results", survey.id),
            "questions": crate::surveys::views::results_views(
                lang,
                &qs,
                &agg,
                i64::from(survey.min_group_size),
                &texts,
            ),
        }));
    }
    Ok(out)
}
