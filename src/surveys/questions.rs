//! Adding and editing a survey's questions. A question may depend on an option of an earlier
//! choice question; once the survey has answers only the wording (and the goals) may change.
//! Moving and deleting questions is in `question_order.rs`.

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use entity::{survey_options, survey_question_goals, survey_questions, surveys};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, sea_query::Expr,
};
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    audit::service as audit,
    error::AppResult,
    identity::CurrentUser,
    strategy::picker::GoalRef,
    surveys::{
        builder::EditPage,
        lookup::{ManagedQuestion, SurveyLink, managed, managed_question},
        model::{Question, Refusal},
        queries::{self, audit_entry, has_responses},
        question_form::{
            QuestionFields, QuestionForm, QuestionInput, question_fields, question_form,
            round_goals,
        },
    },
    web::{
        context::Ctx,
        forms::{CheckForm, FormErrors, HtmlForm},
    },
};

/// The option ids a question may be conditional on: options of choice questions before
/// `position` (all questions when `None`), with the question's prompt and the option's label.
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
    let all = queries::questions(db, survey.id).await?;
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
    queries::definition_changed(db, survey.id).await?;
    audit::record(
        db,
        now,
        audit_entry(
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

/// Options keep their ids by position, so conditions on them and answers stay valid: labels
/// are renamed in place, new ones added at the end, the ones past the end removed (conditions
/// on them dropped).
async fn save_options(
    db: &impl ConnectionTrait,
    q: &Question,
    labels: &[String],
) -> Result<(), DbErr> {
    for (option, label) in q.options.iter().zip(labels) {
        if option.label != *label {
            survey_options::Entity::update_many()
                .filter(survey_options::Column::Id.eq(option.id))
                .col_expr(survey_options::Column::Label, Expr::value(label.clone()))
                .exec(db)
                .await?;
        }
    }
    if labels.len() > q.options.len() {
        insert_options(db, q.model.id, &labels[q.options.len()..], q.options.len()).await?;
    } else if labels.len() < q.options.len() {
        let gone: Vec<Uuid> = q.options[labels.len()..].iter().map(|o| o.id).collect();
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
    Ok(())
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
    let all = queries::questions(db, q.model.survey_id).await?;
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
    save_options(db, q, &input.options).await?;
    replace_goals(db, q.model.id, &input.goal_ids).await?;
    queries::definition_changed(db, q.model.survey_id).await?;
    audit::record(
        db,
        now,
        audit_entry(
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

/// Checks the question form, then (against the database) that its goals are ones it may inform:
/// the round's, or those it informed already (`kept`).
async fn check_question(
    ctx: &Ctx,
    form: &QuestionForm,
    round_id: Uuid,
    kept: &[Uuid],
) -> AppResult<Result<QuestionInput, FormErrors>> {
    let goals: Vec<GoalRef> = round_goals(ctx, round_id).await?;
    Ok(form.check(&()).and_then(|input| {
        if input
            .goal_ids
            .iter()
            .any(|g| !goals.iter().any(|x| x.id == *g) && !kept.contains(g))
        {
            let mut errors = FormErrors::new();
            errors.add("goal_ids", "survey-error-goals");
            return Err(errors);
        }
        Ok(input)
    }))
}

/// The status a refused question change answers with: 422 for a wrong condition, else 409.
fn refusal_status(refusal: Refusal) -> StatusCode {
    if refusal == Refusal::ConditionInvalid {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::CONFLICT
    }
}

pub async fn add(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: HtmlForm<QuestionForm>,
) -> AppResult<HttpResponse> {
    let (user, survey, round) = managed(&ctx, *id).await?;
    let page = EditPage {
        question: form.0,
        ..EditPage::new(&survey, &round)
    };
    let input = match check_question(&ctx, &page.question, round.id, &[]).await? {
        Ok(input) => input,
        Err(errors) => {
            return page
                .render(&ctx, &errors, StatusCode::UNPROCESSABLE_ENTITY)
                .await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let now = ctx.state.clock.now();
    match add_question(&txn, &user, round.municipality_id, &survey, &input, now).await? {
        Ok(_) => {
            let to = format!("/manage/surveys/{}#questions", survey.id);
            ctx.commit_and_redirect(txn, "survey-question-added", &to)
                .await
        }
        Err(refusal) => {
            txn.rollback().await?;
            let mut errors = FormErrors::new();
            errors.add("prompt", refusal.message_key());
            page.render(&ctx, &errors, refusal_status(refusal)).await
        }
    }
}

#[derive(Serialize)]
struct QuestionView<'a> {
    survey: SurveyLink,
    action: String,
    locked: bool,
    question: QuestionFields<'a>,
    errors: Value,
}

/// The page of one question, as typed (`form`).
struct QuestionPage<'a> {
    at: &'a ManagedQuestion,
    form: &'a QuestionForm,
}

async fn question_page(
    ctx: &Ctx,
    page: QuestionPage<'_>,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let QuestionPage { at, form } = page;
    let (q, survey) = (&at.question, &at.survey);
    let db = &ctx.state.db;
    let all = queries::questions(db, survey.id).await?;
    let goals = round_goals(ctx, at.round.id).await?;
    let conditions = condition_choices(&all, Some(q.model.position));
    ctx.render_about(
        status,
        "surveys/manage_question",
        "survey-question-edit-title",
        &q.model.prompt,
        QuestionView {
            survey: SurveyLink::manage(survey),
            action: format!("/manage/questions/{}", q.model.id),
            locked: has_responses(db, survey.id).await?,
            question: question_fields(ctx, form, &goals, &conditions),
            errors: errors.view(ctx.lang),
        },
    )
}

pub async fn edit(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let at = managed_question(&ctx, *id).await?;
    let form = question_form(&at.question);
    let page = QuestionPage {
        at: &at,
        form: &form,
    };
    question_page(&ctx, page, &FormErrors::new(), StatusCode::OK).await
}

pub async fn update(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: HtmlForm<QuestionForm>,
) -> AppResult<HttpResponse> {
    let at = managed_question(&ctx, *id).await?;
    let form = form.0;
    let q = &at.question;
    let input = match check_question(&ctx, &form, at.round.id, &q.goal_ids).await? {
        Ok(input) => input,
        Err(errors) => {
            let invalid = StatusCode::UNPROCESSABLE_ENTITY;
            let page = QuestionPage {
                at: &at,
                form: &form,
            };
            return question_page(&ctx, page, &errors, invalid).await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let now = ctx.state.clock.now();
    match update_question(&txn, &at.user, at.round.municipality_id, q, &input, now).await? {
        Ok(()) => {
            let to = format!("/manage/surveys/{}#questions", at.survey.id);
            ctx.commit_and_redirect(txn, "survey-question-saved", &to)
                .await
        }
        Err(refusal) => {
            txn.rollback().await?;
            let mut errors = FormErrors::new();
            errors.add("kind", refusal.message_key());
            let page = QuestionPage {
                at: &at,
                form: &form,
            };
            question_page(&ctx, page, &errors, refusal_status(refusal)).await
        }
    }
}
