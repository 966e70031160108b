//! Coordinators answer an idea officially: its official status, the answer text and the goal or
//! measure it went into; the author and the supporters who asked to hear of it get a mail.

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use entity::{idea_supports, ideas, users};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QuerySelect, sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::web::forms::CheckForm;
use crate::{
    audit::service::{self as audit, Entry},
    error::{AppError, AppResult},
    identity::CurrentUser,
    notifications::service::{self as notifications, Email},
    state::AppState,
    web::{
        context::{Ctx, FlashKind, see_other},
        forms::{FormErrors, multiline},
        i18n::{self, Lang},
    },
};

use super::model::{BODY_MAX, OfficialStatus, Status, chars, find_idea_by_id};
use super::views::{SelectOption, idea_href};

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct AnswerForm {
    #[serde(default)]
    pub official_status: String,
    #[serde(default)]
    pub answer: String,
    #[serde(default)]
    pub goal_id: String,
    #[serde(default)]
    pub measure_id: String,
}

/// What an answer may link to: the municipality's goals, and its measures with their goal.
pub struct AnswerRules {
    pub goals: Vec<Uuid>,
    pub measures: Vec<(Uuid, Uuid)>,
}

impl CheckForm for AnswerForm {
    type Input = AnswerInput;
    type Rules = AnswerRules;

    fn check(&self, rules: &AnswerRules) -> Result<AnswerInput, FormErrors> {
        let (goals, measures) = (&rules.goals, &rules.measures);
        let mut errors = FormErrors::new();
        let status = OfficialStatus::parse(&self.official_status);
        if status.is_none() {
            errors.add("official_status", "answer-error-status");
        }
        let answer = multiline(&self.answer);
        if chars(&answer) > BODY_MAX {
            errors.add("answer", "answer-error-long");
        } else if answer.is_empty() && status.is_none_or(OfficialStatus::needs_answer) {
            let key = if status == Some(OfficialStatus::Rejected) {
                "answer-error-reason"
            } else {
                "answer-error-missing"
            };
            errors.add("answer", key);
        }
        let measure = Uuid::parse_str(&self.measure_id).ok();
        let measure = match measure {
            Some(m) => match measures.iter().find(|(id, _)| *id == m) {
                Some(found) => Some(*found),
                None => {
                    errors.add("measure_id", "answer-error-measure");
                    None
                }
            },
            None => None,
        };
        let goal = match Uuid::parse_str(&self.goal_id).ok() {
            Some(g) if goals.contains(&g) => Some(g),
            Some(_) => {
                errors.add("goal_id", "answer-error-goal");
                None
            }
            None => measure.map(|(_, g)| g),
        };
        if status.is_some_and(OfficialStatus::is_adopted) && goal.is_none() {
            errors.add("goal_id", "answer-error-link");
        }
        let Some(status) = status.filter(|_| errors.is_empty()) else {
            return Err(errors);
        };
        Ok(AnswerInput {
            status,
            answer,
            goal_id: goal,
            measure_id: measure.map(|(m, _)| m),
        })
    }
}

pub struct AnswerInput {
    pub status: OfficialStatus,
    pub answer: String,
    pub goal_id: Option<Uuid>,
    pub measure_id: Option<Uuid>,
}

async fn answered_idea(ctx: &Ctx, id: Uuid) -> AppResult<(CurrentUser, ideas::Model)> {
    let user = ctx.require_user()?.clone();
    let idea = find_idea_by_id(&ctx.state.db, id)
        .await?
        .filter(|i| {
            user.coordinates(i.municipality_id)
                && !Status::Withdrawn.is(&i.status)
                && !Status::Unconfirmed.is(&i.status)
        })
        .ok_or(AppError::NotFound)?;
    Ok((user, idea))
}

async fn answer_choices(
    ctx: &Ctx,
    idea: &ideas::Model,
) -> AppResult<(
    Vec<crate::strategy::picker::GoalRef>,
    Vec<entity::measures::Model>,
)> {
    let db = &ctx.state.db;
    let goals = crate::strategy::picker::goal_picker(db, idea.municipality_id, &[]).await?;
    let ids: Vec<Uuid> = goals.iter().map(|g| g.id).collect();
    let measures = crate::strategy::model::measures_of(db, &ids).await?;
    Ok((goals, measures))
}

async fn answer_page(
    ctx: &Ctx,
    idea: &ideas::Model,
    form: &AnswerForm,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (goals, measures) = answer_choices(ctx, idea).await?;
    let mut goal_options = vec![SelectOption::none(
        ctx.t("answer-no-goal"),
        form.goal_id.is_empty(),
    )];
    goal_options.extend(
        goals
            .iter()
            .map(|g| SelectOption::of(g.id, &g.title, &form.goal_id)),
    );
    let mut measure_options = vec![SelectOption::none(
        ctx.t("answer-no-measure"),
        form.measure_id.is_empty(),
    )];
    measure_options.extend(
        measures
            .iter()
            .map(|m| SelectOption::of(m.id, &m.title, &form.measure_id)),
    );
    ctx.render_about(
        status,
        "ideas/answer",
        "answer-title",
        &idea.title,
        AnswerView {
            idea: AnsweredIdea {
                title: &idea.title,
                body: &idea.body,
                href: idea_href(idea),
                supports: idea.support_count,
            },
            action: format!("/manage/ideas/{}/answer", idea.id),
            statuses: OfficialStatus::ALL
                .iter()
                .map(|s| StatusChoice {
                    value: s.as_str(),
                    label: ctx.t(&format!("idea-official-{}", s.as_str())),
                    checked: form.official_status == s.as_str(),
                })
                .collect(),
            goals: goal_options,
            measures: measure_options,
            values: form,
            errors: errors.view(ctx.lang),
        },
    )
}

#[derive(Serialize)]
struct AnswerView<'a> {
    idea: AnsweredIdea<'a>,
    action: String,
    statuses: Vec<StatusChoice>,
    goals: Vec<SelectOption>,
    measures: Vec<SelectOption>,
    values: &'a AnswerForm,
    errors: Value,
}

#[derive(Serialize)]
struct AnsweredIdea<'a> {
    title: &'a str,
    body: &'a str,
    href: String,
    supports: i32,
}

#[derive(Serialize)]
struct StatusChoice {
    value: &'static str,
    label: String,
    checked: bool,
}

pub async fn answer_form(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (_, idea) = answered_idea(&ctx, *id).await?;
    let form = AnswerForm {
        official_status: idea.official_status.clone(),
        answer: idea.official_answer.clone().unwrap_or_default(),
        goal_id: idea
            .official_goal_id
            .map(|g| g.to_string())
            .unwrap_or_default(),
        measure_id: idea
            .official_measure_id
            .map(|m| m.to_string())
            .unwrap_or_default(),
    };
    answer_page(&ctx, &idea, &form, &FormErrors::new(), StatusCode::OK).await
}

pub async fn answer(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<AnswerForm>,
) -> AppResult<HttpResponse> {
    let (user, idea) = answered_idea(&ctx, *id).await?;
    let form = form.into_inner();
    let (goals, measures) = answer_choices(&ctx, &idea).await?;
    let rules = AnswerRules {
        goals: goals.iter().map(|g| g.id).collect(),
        measures: measures.iter().map(|m| (m.id, m.goal_id)).collect(),
    };
    let input = match form.check(&rules) {
        Ok(input) => input,
        Err(errors) => {
            return answer_page(
                &ctx,
                &idea,
                &form,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    save_answer(
        &txn,
        &ctx.state,
        &user,
        idea.id,
        &input,
        ctx.state.clock.now(),
    )
    .await?;
    txn.commit().await?;
    notifications::wake(&ctx.state);
    ctx.flash(FlashKind::Success, "answer-saved")?;
    Ok(see_other(&idea_href(&idea)))
}

/// Sets the official status and answer, and tells the author and the supporters who asked for
/// it, in the same transaction. Decided on the idea as it is in this transaction; mail goes out
/// only when the status or the answer text changed, not on every save.
pub async fn save_answer(
    db: &impl ConnectionTrait,
    state: &AppState,
    user: &CurrentUser,
    idea_id: Uuid,
    input: &AnswerInput,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(idea) = find_idea_by_id(db, idea_id).await? else {
        return Err(AppError::NotFound);
    };
    let idea = &idea;
    let new_answer = Some(input.answer.clone()).filter(|a| !a.is_empty());
    let changed = !input.status.is(&idea.official_status) || idea.official_answer != new_answer;
    ideas::Entity::update_many()
        .col_expr(
            ideas::Column::OfficialStatus,
            Expr::value(input.status.as_str()),
        )
        .col_expr(ideas::Column::OfficialAnswer, Expr::value(new_answer))
        .col_expr(ideas::Column::OfficialGoalId, Expr::value(input.goal_id))
        .col_expr(
            ideas::Column::OfficialMeasureId,
            Expr::value(input.measure_id),
        )
        .col_expr(ideas::Column::AnsweredAt, Expr::value(now))
        .col_expr(ideas::Column::UpdatedAt, Expr::value(now))
        .filter(ideas::Column::Id.eq(idea.id))
        .exec(db)
        .await?;
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(user.id),
            municipality_id: Some(idea.municipality_id),
            action: "idea.answer",
            target_type: "idea",
            target_id: Some(idea.id.to_string()),
            summary: json!({
                "before": { "status": idea.official_status },
                "after": { "status": input.status.as_str(), "goal": input.goal_id, "measure": input.measure_id },
            }),
        },
    )
    .await?;
    if !changed {
        return Ok(());
    }
    // Who hears of it: the author if they asked to, and supporters who asked to.
    let mut recipients: Vec<(String, Lang)> = Vec::new();
    if idea.notify && !Status::Withdrawn.is(&idea.status) {
        if let Some(email) = &idea.author_email {
            recipients.push((
                email.clone(),
                Lang::parse(&idea.language).unwrap_or_default(),
            ));
        } else if let Some(author) = idea.author_id
            && let Some(u) = users::Entity::find_by_id(author).one(db).await?
        {
            recipients.push((u.email, Lang::parse(&u.language).unwrap_or_default()));
        }
    }
    let supporters: Vec<(String, String)> = users::Entity::find()
        .select_only()
        .columns([users::Column::Email, users::Column::Language])
        .join(
            JoinType::InnerJoin,
            users::Entity::belongs_to(idea_supports::Entity)
                .from(users::Column::Id)
                .to(idea_supports::Column::UserId)
                .into(),
        )
        .filter(idea_supports::Column::IdeaId.eq(idea.id))
        .filter(idea_supports::Column::Notify.eq(true))
        .into_tuple()
        .all(db)
        .await?;
    for (email, lang) in supporters {
        if !recipients.iter().any(|(e, _)| *e == email) {
            recipients.push((email, Lang::parse(&lang).unwrap_or_default()));
        }
    }
    let url = state
        .settings
        .absolute_url(&format!("/ideas/{}/{}", idea.board_id, idea.id));
    for (email, lang) in recipients {
        notifications::enqueue(
            db,
            state,
            Email {
                to: &email,
                lang,
                kind: "idea_answer",
                data: json!({
                    "title": idea.title,
                    "status": i18n::t(lang, &format!("idea-official-{}", input.status.as_str())),
                    "answer": input.answer,
                    "url": url,
                }),
            },
        )
        .await?;
    }
    Ok(())
}
