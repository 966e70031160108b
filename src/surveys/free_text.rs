//! The release of free-text answers: texts wait until a moderator releases them (as edited) or
//! rejects them. The queue puts texts the screening marked (possible personal data) first, can be
//! filtered by survey, and keeps the moderator's place across decisions.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use entity::survey_answers;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, sea_query::Expr};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::{
    audit::service::{self as audit, Entry},
    error::{AppError, AppResult},
    identity::CurrentUser,
    surveys::{
        answering::LONG_TEXT_MAX, model::TextStatus, queries::stmt, screening::personal_data_hints,
    },
    web::{
        context::{Ctx, FlashKind, see_other},
        forms::{CheckForm, FormErrors},
        pagination::{PER_PAGE, PageQuery, PageView},
    },
};

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
    let mut values: Vec<sea_orm::Value> = vec![TextStatus::Pending.as_str().into()];
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
        .filter(survey_answers::Column::TextStatus.eq(TextStatus::Pending.as_str()))
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
                // With the status: answers are found by id only among those with one.
                .filter(survey_answers::Column::TextStatus.eq(TextStatus::Pending.as_str()))
                .filter(survey_answers::Column::Id.is_in(chunk.iter().map(|a| a.id)))
                .exec(db)
                .await?;
        }
    }
    Ok(unscreened.len() as u64)
}

/// The surveys with texts waiting in these municipalities, with how many, for the queue's filter.
async fn surveys_with_pending_texts(
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
async fn pending_text_municipality(
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
            vec![answer_id.into(), TextStatus::Pending.as_str().into()],
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
        .filter(survey_answers::Column::TextStatus.eq(TextStatus::Pending.as_str()))
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    let edited = released.is_some_and(|t| Some(t) != answer.text_value.as_deref());
    let to = if released.is_some() {
        TextStatus::Released
    } else {
        TextStatus::Rejected
    };
    let done = survey_answers::Entity::update_many()
        .filter(survey_answers::Column::Id.eq(answer_id))
        .filter(survey_answers::Column::TextStatus.eq(TextStatus::Pending.as_str()))
        .col_expr(survey_answers::Column::TextStatus, Expr::value(to.as_str()))
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

/// Where a moderator is in the free-text queue (page and survey filter); the actions carry it, so
/// the queue comes back at the same place.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FreeTextQuery {
    pub page: Option<u64>,
    pub survey: String,
}

impl FreeTextQuery {
    pub fn survey_id(&self) -> Option<Uuid> {
        Uuid::parse_str(self.survey.trim()).ok()
    }

    pub fn index(&self) -> u64 {
        PageQuery { page: self.page }.index()
    }
}

/// The query string of the queue at `index` (0-based) with the survey filter, or nothing for the
/// first page of all surveys.
fn free_text_query(survey: Option<Uuid>, index: u64) -> String {
    let mut parts = Vec::new();
    if let Some(survey) = survey {
        parts.push(format!("survey={survey}"));
    }
    if index > 0 {
        parts.push(format!("page={}", index + 1));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// The text to release, as the moderator edited it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReleaseForm {
    pub text: String,
}

impl CheckForm for ReleaseForm {
    type Input = String;
    type Rules = ();

    fn check(&self, _: &()) -> Result<String, FormErrors> {
        let text = self.text.trim();
        if text.is_empty() || text.chars().count() > LONG_TEXT_MAX {
            let mut errors = FormErrors::new();
            errors.add("text", "survey-error-release-text");
            return Err(errors);
        }
        Ok(text.to_string())
    }
}

#[derive(Serialize)]
struct QueueItem {
    id: Uuid,
    text: String,
    prompt: String,
    survey: String,
    hints: Vec<String>,
    release_action: String,
    reject_action: String,
}

#[derive(Serialize)]
struct SurveyFilter {
    value: Uuid,
    text: String,
    count: i64,
    selected: bool,
}

#[derive(Serialize)]
struct QueueView {
    items: Vec<QueueItem>,
    surveys: Vec<SurveyFilter>,
    show_filter: bool,
    pagination: PageView,
}

pub async fn free_text(ctx: Ctx, query: web::Query<FreeTextQuery>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let scope = user.moderated_municipalities();
    let db = &ctx.state.db;
    let survey = query.survey_id();
    let (list, index, pages) =
        pending_page(db, scope.as_deref(), survey, query.index(), PER_PAGE).await?;
    let surveys = surveys_with_pending_texts(db, scope.as_deref()).await?;
    // The actions carry the page and filter, so the moderator comes back to the same place.
    let here = free_text_query(survey, index);
    let items = list
        .into_iter()
        .map(|p| QueueItem {
            hints: personal_data_hints(&p.text)
                .iter()
                .map(|h| ctx.t(&format!("survey-pii-{h}")))
                .collect(),
            release_action: format!("/manage/free-text/{}/release{here}", p.id),
            reject_action: format!("/manage/free-text/{}/reject{here}", p.id),
            id: p.id,
            text: p.text,
            prompt: p.prompt,
            survey: p.survey_title,
        })
        .collect();
    let view = QueueView {
        items,
        show_filter: surveys.len() > 1 || survey.is_some(),
        surveys: surveys
            .into_iter()
            .map(|(id, text, count)| SurveyFilter {
                value: id,
                text,
                count,
                selected: survey == Some(id),
            })
            .collect(),
        pagination: PageView::new(
            index,
            pages,
            &format!("/manage/free-text{}", free_text_query(survey, 0)),
        ),
    };
    ctx.render("surveys/free_text", "survey-free-text-title", view)
}

/// Releases (`text`, as checked) or rejects a pending text, then back to the same place of the
/// queue.
async fn decide(
    ctx: Ctx,
    id: Uuid,
    text: Option<Result<String, FormErrors>>,
    place: &FreeTextQuery,
) -> AppResult<HttpResponse> {
    let back = format!(
        "/manage/free-text{}",
        free_text_query(place.survey_id(), place.index())
    );
    let user = ctx.require_user()?.clone();
    let db = &ctx.state.db;
    let municipality = pending_text_municipality(db, id)
        .await?
        .filter(|m| user.moderates(*m))
        .ok_or(AppError::NotFound)?;
    let text = match text.transpose() {
        Ok(text) => text,
        Err(_) => {
            ctx.flash(FlashKind::Error, "survey-error-release-text")?;
            return Ok(see_other(&back));
        }
    };
    let txn = crate::db::begin_write(db).await?;
    let now = ctx.state.clock.now();
    let done = decide_text(&txn, &user, municipality, id, text.as_deref(), now).await?;
    txn.commit().await?;
    if done {
        ctx.flash(
            FlashKind::Success,
            if text.is_some() {
                "survey-free-text-released"
            } else {
                "survey-free-text-rejected"
            },
        )?;
    }
    Ok(see_other(&back))
}

pub async fn release(
    ctx: Ctx,
    id: web::Path<Uuid>,
    place: web::Query<FreeTextQuery>,
    form: web::Form<ReleaseForm>,
) -> AppResult<HttpResponse> {
    let text = form.check(&());
    decide(ctx, *id, Some(text), &place).await
}

pub async fn reject(
    ctx: Ctx,
    id: web::Path<Uuid>,
    place: web::Query<FreeTextQuery>,
) -> AppResult<HttpResponse> {
    decide(ctx, *id, None, &place).await
}
