//! The exports of a survey for staff, as CSV: the aggregates (suppressed like the results page)
//! and every response as one line without any identifier. Each export is audited.

use std::collections::{HashMap, HashSet};

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use entity::survey_answers;
use sea_orm::{ConnectionTrait, DbErr};
use serde_json::json;
use uuid::Uuid;

use crate::{
    audit::service as audit,
    db::read_snapshot,
    error::AppResult,
    identity::CurrentUser,
    surveys::{
        lookup::{managed, today},
        model::{DONT_KNOW, Kind, NO, Question, TextStatus, YES},
        queries::{self, audit_entry, stmt},
        result_views::{aggregate_lines, texts_shown},
        results_cache::survey_aggregates,
    },
    web::{
        context::Ctx,
        csv::{self, Cell, Sheet},
    },
};

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
        audit_entry(
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

pub async fn export_aggregates(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (user, survey, round) = managed(&ctx, *id).await?;
    let db = &ctx.state.db;
    let all = queries::questions(db, survey.id).await?;
    let snap = read_snapshot(db).await?;
    let agg = survey_aggregates(&snap, &survey, &all).await?;
    snap.commit().await?;
    let mut sheet = Sheet::new([
        ctx.t("survey-export-question"),
        ctx.t("survey-export-answer"),
        ctx.t("survey-export-count"),
        ctx.t("survey-export-percent"),
    ])?;
    for line in aggregate_lines(ctx.lang, &all, &agg, i64::from(survey.min_group_size)) {
        sheet.row(line)?;
    }
    let body = sheet.finish()?;
    let txn = crate::db::begin_write(db).await?;
    let now = ctx.state.clock.now();
    record_export(
        &txn,
        &user,
        round.municipality_id,
        survey.id,
        "aggregates.csv",
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(csv::download(
        &survey.title,
        &ctx.t("survey-export-file-aggregates"),
        today(&ctx),
        body,
    ))
}

/// How the answers of a response become the cells of its line.
struct Columns<'a> {
    ctx: &'a Ctx,
    column: HashMap<Uuid, usize>,
    labels: HashMap<Uuid, String>,
    kinds: HashMap<Uuid, Kind>,
    /// Questions whose released free texts the results page shows (minimum group size).
    texts_shown: HashSet<Uuid>,
    /// A number or scale answer is written as a number, so a spreadsheet can compute with it.
    numeric: Vec<bool>,
}

impl Columns<'_> {
    /// The value an answer adds to its question's cell, if any.
    fn value(&self, answer: &survey_answers::Model) -> Option<String> {
        let t = |key: &str| self.ctx.t(key);
        Some(
            match (answer.option_id, answer.number_value, &answer.text_value) {
                (Some(o), _, _) => self.labels.get(&o).cloned().unwrap_or_default(),
                (None, Some(n), _) if self.kinds.get(&answer.question_id) == Some(&Kind::YesNo) => {
                    match n {
                        YES => t("survey-yes"),
                        NO => t("survey-no"),
                        DONT_KNOW => t("survey-dont-know"),
                        _ => n.to_string(),
                    }
                }
                (None, Some(n), _) => n.to_string(),
                (None, None, Some(text))
                    if answer.text_status.as_deref() == Some(TextStatus::Released.as_str())
                        && self.texts_shown.contains(&answer.question_id) =>
                {
                    text.clone()
                }
                _ => return None,
            },
        )
    }

    /// One response's line: a running number, the channel and the answers.
    fn line(&self, number: i64, channel: &str, row: &[Vec<String>]) -> Vec<Cell> {
        let mut line = vec![
            Cell::Integer(number),
            Cell::text(self.ctx.t(&format!("survey-channel-{channel}"))),
        ];
        line.extend(row.iter().zip(&self.numeric).map(|(values, numeric)| {
            match (values.as_slice(), *numeric) {
                ([], _) => Cell::Empty,
                ([one], true) => one
                    .parse::<i64>()
                    .map_or_else(|_| Cell::text(one.clone()), Cell::Integer),
                (many, _) => Cell::text(many.join("; ")),
            }
        }));
        line
    }
}

/// Writes every response of the survey into `sheet`, a chunk of responses at a time.
async fn write_responses(
    ctx: &Ctx,
    survey_id: Uuid,
    all: &[Question],
    columns: &Columns<'_>,
    sheet: &mut Sheet,
) -> AppResult<()> {
    let db = &ctx.state.db;
    let mut after = None;
    let mut number = 0i64;
    loop {
        let chunk = answers_chunk(db, survey_id, after, 2_000).await?;
        let Some(last) = chunk.last() else { break };
        after = Some(last.0);
        let mut current: Option<Uuid> = None;
        let mut row: Vec<Vec<String>> = Vec::new();
        let mut channel = String::new();
        for (rid, ch, answer) in chunk {
            if current != Some(rid) {
                if current.is_some() {
                    number += 1;
                    sheet.row(columns.line(number, &channel, &row))?;
                }
                current = Some(rid);
                channel = ch;
                row = vec![Vec::new(); all.len()];
            }
            let Some(&col) = columns.column.get(&answer.question_id) else {
                continue;
            };
            if let Some(value) = columns.value(&answer) {
                row[col].push(value);
            }
        }
        if current.is_some() {
            number += 1;
            sheet.row(columns.line(number, &channel, &row))?;
        }
    }
    Ok(())
}

/// Every response as one line, without any identifier: a running number, the channel and the
/// answers. Free texts only once released, and only where the results page shows them.
pub async fn export_responses(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (user, survey, round) = managed(&ctx, *id).await?;
    let db = &ctx.state.db;
    let all = queries::questions(db, survey.id).await?;
    let mut header = vec![
        ctx.t("survey-export-number"),
        ctx.t("survey-export-channel"),
    ];
    header.extend(all.iter().map(|q| q.model.prompt.clone()));
    let mut sheet = Sheet::new(&header)?;
    let snap = read_snapshot(db).await?;
    let agg = survey_aggregates(&snap, &survey, &all).await?;
    snap.commit().await?;
    let min = i64::from(survey.min_group_size);
    let columns = Columns {
        ctx: &ctx,
        column: all
            .iter()
            .enumerate()
            .map(|(i, q)| (q.model.id, i))
            .collect(),
        labels: all
            .iter()
            .flat_map(|q| q.options.iter().map(|o| (o.id, o.label.clone())))
            .collect(),
        kinds: all.iter().map(|q| (q.model.id, q.kind)).collect(),
        texts_shown: all
            .iter()
            .filter(|q| texts_shown(q, &agg, min))
            .map(|q| q.model.id)
            .collect(),
        numeric: all
            .iter()
            .map(|q| matches!(q.kind, Kind::Number | Kind::Scale))
            .collect(),
    };
    write_responses(&ctx, survey.id, &all, &columns, &mut sheet).await?;
    let body = sheet.finish()?;
    let txn = crate::db::begin_write(db).await?;
    let now = ctx.state.clock.now();
    record_export(
        &txn,
        &user,
        round.municipality_id,
        survey.id,
        "responses.csv",
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(csv::download(
        &survey.title,
        &ctx.t("survey-export-file-responses"),
        today(&ctx),
        body,
    ))
}
