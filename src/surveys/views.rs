//! View models of survey results: every published count goes through the suppression here, for
//! the results page, the goal pages and the aggregates export alike.

use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    surveys::{
        service::{Aggregates, Breakdown, Cell, DONT_KNOW, Kind, NO, Question, YES},
        suppression::{suppress_row, suppress_table},
    },
    web::{
        csv::Cell as CsvCell,
        i18n::{self, Lang},
    },
};

/// The cells a question's results are counted in, with their labels, in display order.
pub fn cells(lang: Lang, q: &Question) -> Vec<(Cell, String)> {
    match q.kind {
        Kind::Single | Kind::Multiple => {
            let mut out: Vec<(Cell, String)> = q
                .options
                .iter()
                .map(|o| (Cell::Option(o.id), o.label.clone()))
                .collect();
            if q.model.allow_other {
                out.push((Cell::Other, i18n::t(lang, "survey-other")));
            }
            out
        }
        Kind::Scale => {
            let (lo, hi) = (
                q.model.scale_min.unwrap_or(1),
                q.model.scale_max.unwrap_or(5),
            );
            (lo..=hi)
                .map(|v| {
                    let label = if v == lo && !q.model.scale_min_label.is_empty() {
                        format!("{v} – {}", q.model.scale_min_label)
                    } else if v == hi && !q.model.scale_max_label.is_empty() {
                        format!("{v} – {}", q.model.scale_max_label)
                    } else {
                        v.to_string()
                    };
                    (Cell::Value(v), label)
                })
                .collect()
        }
        Kind::YesNo => [
            (YES, "survey-yes"),
            (NO, "survey-no"),
            (DONT_KNOW, "survey-dont-know"),
        ]
        .iter()
        .map(|(v, key)| (Cell::Value(*v), i18n::t(lang, key)))
        .collect(),
        _ => Vec::new(),
    }
}

pub fn fewer_than(lang: Lang, min: i64) -> String {
    i18n::t_args(lang, "survey-fewer-than", &[("n", FluentValue::from(min))])
}

pub fn decimal(lang: Lang, value: f64) -> String {
    let text = format!("{value:.1}");
    text.replace('.', &i18n::t(lang, "survey-decimal-separator"))
}

fn percent(lang: Lang, part: i64, whole: i64) -> (String, i64) {
    if whole <= 0 {
        return (String::new(), 0);
    }
    let p = ((part as f64) * 100.0 / (whole as f64)).round() as i64;
    (
        i18n::t_args(lang, "survey-percent", &[("value", FluentValue::from(p))]),
        p,
    )
}

/// Whether the released free texts of `q` may be shown: only when the question has at least
/// `min` respondents, and for the "something else" texts of a choice question only when that
/// answer's count is shown too (not below `min`, not hidden to protect another cell), so the texts
/// never reveal a group smaller than the minimum group size.
pub fn texts_shown(q: &Question, agg: &Aggregates, min: i64) -> bool {
    let respondents = agg.respondents.get(&q.model.id).map_or(0, |(n, _)| *n);
    if respondents < min {
        return false;
    }
    if q.kind.is_text() {
        return true;
    }
    let cells = cells(Lang::default(), q);
    let counts: Vec<i64> = cells
        .iter()
        .map(|(c, _)| agg.counts.get(&(q.model.id, *c)).copied().unwrap_or(0))
        .collect();
    cells
        .iter()
        .zip(suppress_row(&counts, min))
        .any(|((c, _), n)| *c == Cell::Other && n.is_some())
}

/// One question's published results: counts and percentages per answer (suppressed), the
/// average where it cannot reveal a hidden cell, and released texts where `texts_shown`.
pub fn question_result(
    lang: Lang,
    q: &Question,
    agg: &Aggregates,
    min: i64,
    texts: &[String],
) -> Value {
    let (respondents, average) = agg
        .respondents
        .get(&q.model.id)
        .copied()
        .unwrap_or((0, None));
    let fewer = fewer_than(lang, min);
    let shown_texts = texts_shown(q, agg, min);
    let withheld = !shown_texts && !texts.is_empty() && respondents >= min;
    let texts = if shown_texts { texts } else { &[] };
    let base = json!({
        "id": q.model.id,
        "prompt": q.model.prompt,
        "demographic": q.model.demographic,
        "respondents": respondents,
        "fewer": fewer,
        "suppressed": respondents < min,
        "is_text": q.kind.is_text(),
        "is_number": q.kind == Kind::Number,
        "texts": texts,
        "texts_withheld": withheld,
        "rows": [],
        "average": null,
        "average_hidden": false,
    });
    let mut view = base;
    if respondents < min {
        return view;
    }
    let cells = cells(lang, q);
    if !cells.is_empty() {
        let counts: Vec<i64> = cells
            .iter()
            .map(|(c, _)| agg.counts.get(&(q.model.id, *c)).copied().unwrap_or(0))
            .collect();
        let shown = suppress_row(&counts, min);
        let rows: Vec<Value> = cells
            .iter()
            .zip(&shown)
            .map(|((_, label), n)| match n {
                Some(n) => {
                    let (text, p) = percent(lang, *n, respondents);
                    json!({ "label": label, "count": n.to_string(), "percent": text, "bar": p, "suppressed": false })
                }
                None => json!({ "label": label, "count": fewer, "percent": "", "bar": 0, "suppressed": true }),
            })
            .collect();
        view["rows"] = json!(rows);
        if q.kind == Kind::Scale {
            // With a hidden cell, the average and the shown cells could give the hidden ones away.
            view["average"] = match average {
                Some(a) if shown.iter().all(Option::is_some) => json!(decimal(lang, a)),
                _ => Value::Null,
            };
            view["average_hidden"] = json!(shown.iter().any(Option::is_none));
        }
    }
    if q.kind == Kind::Number {
        view["average"] = average
            .map(|a| json!(decimal(lang, a)))
            .unwrap_or(Value::Null);
    }
    view
}

/// A breakdown of the counted questions by the groups of a demographic question; `None` when a
/// group is too small (then nothing of it is shown).
pub fn breakdown_view(
    lang: Lang,
    by: &Question,
    all: &[Question],
    data: &Breakdown,
    min: i64,
) -> Option<Value> {
    let groups: Vec<(Uuid, String, i64)> = by
        .options
        .iter()
        .map(|o| {
            (
                o.id,
                o.label.clone(),
                data.groups.get(&o.id).copied().unwrap_or(0),
            )
        })
        .collect();
    if groups.iter().any(|(_, _, n)| *n < min) {
        return None;
    }
    let fewer = fewer_than(lang, min);
    let tables: Vec<Value> = all
        .iter()
        .filter(|q| q.kind.is_counted() && q.model.id != by.model.id && !q.model.demographic)
        .map(|q| {
            let cells = cells(lang, q);
            let matrix: Vec<Vec<i64>> = groups
                .iter()
                .map(|(g, _, _)| {
                    cells
                        .iter()
                        .map(|(c, _)| data.counts.get(&(*g, q.model.id, *c)).copied().unwrap_or(0))
                        .collect()
                })
                .collect();
            let shown = suppress_table(&matrix, min);
            json!({
                "prompt": q.model.prompt,
                "columns": cells.iter().map(|(_, l)| l.clone()).collect::<Vec<_>>(),
                "rows": groups.iter().zip(&shown).map(|((_, label, _), row)| json!({
                    "label": label,
                    "cells": row.iter().map(|n| n.map(|n| n.to_string()).unwrap_or_else(|| fewer.clone())).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    Some(json!({
        "title": by.model.prompt,
        "groups": groups.iter().map(|(_, l, n)| json!({ "label": l, "count": n })).collect::<Vec<_>>(),
        "tables": tables,
    }))
}

/// The results of `questions` with released texts grouped per question.
pub fn results_views(
    lang: Lang,
    questions: &[Question],
    agg: &Aggregates,
    min: i64,
    texts: &[(Uuid, String)],
) -> Vec<Value> {
    let mut by_question: HashMap<Uuid, Vec<String>> = HashMap::new();
    for (q, t) in texts {
        by_question.entry(*q).or_default().push(t.clone());
    }
    questions
        .iter()
        .map(|q| {
            question_result(
                lang,
                q,
                agg,
                min,
                by_question
                    .get(&q.model.id)
                    .map(Vec::as_slice)
                    .unwrap_or(&[]),
            )
        })
        .collect()
}

/// The aggregates export: one line per answer of each question, suppressed like the page. Counts
/// are numbers, shares decimals (percent, one place), so a spreadsheet can compute with them; a
/// suppressed count is the text "fewer than n".
pub fn aggregate_lines(
    lang: Lang,
    questions: &[Question],
    agg: &Aggregates,
    min: i64,
) -> Vec<[CsvCell; 4]> {
    let mut lines = Vec::new();
    for q in questions {
        let view = question_result(lang, q, agg, min, &[]);
        let prompt = || CsvCell::text(q.model.prompt.clone());
        let (respondents, average) = agg
            .respondents
            .get(&q.model.id)
            .copied()
            .unwrap_or((0, None));
        lines.push([
            prompt(),
            CsvCell::text(i18n::t(lang, "survey-export-respondents")),
            if view["suppressed"] == json!(true) {
                CsvCell::text(fewer_than(lang, min))
            } else {
                CsvCell::Integer(respondents)
            },
            CsvCell::Empty,
        ]);
        if let Some(rows) = view["rows"].as_array() {
            for row in rows {
                let label = CsvCell::text(row["label"].as_str().unwrap_or_default());
                let count = row["count"].as_str().unwrap_or_default();
                lines.push(match count.parse::<i64>() {
                    Ok(n) if row["suppressed"] != json!(true) => [
                        prompt(),
                        label,
                        CsvCell::Integer(n),
                        CsvCell::Decimal(n as f64 * 100.0 / respondents.max(1) as f64),
                    ],
                    _ => [prompt(), label, CsvCell::text(count), CsvCell::Empty],
                });
            }
        }
        // Only where the page shows it: a hidden cell hides the average too.
        if let (Some(_), Some(average)) = (view.get("average").and_then(Value::as_str), average) {
            lines.push([
                prompt(),
                CsvCell::text(i18n::t(lang, "survey-average")),
                CsvCell::Decimal(average),
                CsvCell::Empty,
            ]);
        }
    }
    lines
}
