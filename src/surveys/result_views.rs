//! View models of survey results: every published count goes through the suppression here, for
//! the results page, the goal pages and the aggregates export alike.

use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use serde::Serialize;
use uuid::Uuid;

use crate::{
    surveys::{
        model::{Cell, Kind, Question, cells},
        results::{Aggregates, Breakdown},
        suppression::{suppress_row, suppress_table},
    },
    web::{
        csv::Cell as CsvCell,
        i18n::{self, Lang},
    },
};

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

/// One answer's line of a question's results.
#[derive(Serialize)]
pub struct ResultRow {
    pub label: String,
    /// The count, or "fewer than n".
    pub count: String,
    pub percent: String,
    pub bar: i64,
    pub suppressed: bool,
}

/// One question's published results (`partials/surveys/question_result`).
#[derive(Serialize)]
pub struct QuestionResult {
    pub id: Uuid,
    pub prompt: String,
    pub demographic: bool,
    pub respondents: i64,
    pub fewer: String,
    pub suppressed: bool,
    pub is_text: bool,
    pub is_number: bool,
    pub texts: Vec<String>,
    pub texts_withheld: bool,
    pub rows: Vec<ResultRow>,
    pub average: Option<String>,
    pub average_hidden: bool,
}

/// One question's published results: counts and percentages per answer (suppressed), the
/// average where it cannot reveal a hidden cell, and released texts where `texts_shown`.
pub fn question_result(
    lang: Lang,
    q: &Question,
    agg: &Aggregates,
    min: i64,
    texts: &[String],
) -> QuestionResult {
    let (respondents, average) = agg
        .respondents
        .get(&q.model.id)
        .copied()
        .unwrap_or((0, None));
    let fewer = fewer_than(lang, min);
    let shown_texts = texts_shown(q, agg, min);
    let withheld = !shown_texts && !texts.is_empty() && respondents >= min;
    let texts = if shown_texts { texts } else { &[] };
    let mut view = QuestionResult {
        id: q.model.id,
        prompt: q.model.prompt.clone(),
        demographic: q.model.demographic,
        respondents,
        fewer: fewer.clone(),
        suppressed: respondents < min,
        is_text: q.kind.is_text(),
        is_number: q.kind == Kind::Number,
        texts: texts.to_vec(),
        texts_withheld: withheld,
        rows: Vec::new(),
        average: None,
        average_hidden: false,
    };
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
        view.rows = cells
            .into_iter()
            .zip(&shown)
            .map(|((_, label), n)| match n {
                Some(n) => {
                    let (text, p) = percent(lang, *n, respondents);
                    ResultRow {
                        label,
                        count: n.to_string(),
                        percent: text,
                        bar: p,
                        suppressed: false,
                    }
                }
                None => ResultRow {
                    label,
                    count: fewer.clone(),
                    percent: String::new(),
                    bar: 0,
                    suppressed: true,
                },
            })
            .collect();
        if q.kind == Kind::Scale {
            // With a hidden cell, the average and the shown cells could give the hidden ones away.
            view.average = average
                .filter(|_| shown.iter().all(Option::is_some))
                .map(|a| decimal(lang, a));
            view.average_hidden = shown.iter().any(Option::is_none);
        }
    }
    if q.kind == Kind::Number {
        view.average = average.map(|a| decimal(lang, a));
    }
    view
}

#[derive(Serialize)]
pub struct GroupCount {
    label: String,
    count: i64,
}

#[derive(Serialize)]
pub struct BreakdownRow {
    label: String,
    cells: Vec<String>,
}

/// One counted question by the groups of the demographic question.
#[derive(Serialize)]
pub struct BreakdownTable {
    prompt: String,
    columns: Vec<String>,
    rows: Vec<BreakdownRow>,
}

/// The breakdown of the results by a demographic question.
#[derive(Serialize)]
#[serde(untagged)]
pub enum BreakdownView {
    /// A group is too small: nothing of the breakdown is shown.
    Suppressed { title: String, suppressed: bool },
    Shown {
        title: String,
        groups: Vec<GroupCount>,
        tables: Vec<BreakdownTable>,
    },
}

/// A breakdown of the counted questions by the groups of a demographic question; suppressed when
/// a group is too small (then nothing of it is shown).
pub fn breakdown_view(
    lang: Lang,
    by: &Question,
    all: &[Question],
    data: &Breakdown,
    min: i64,
) -> BreakdownView {
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
        return BreakdownView::Suppressed {
            title: by.model.prompt.clone(),
            suppressed: true,
        };
    }
    let fewer = fewer_than(lang, min);
    let tables = all
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
            BreakdownTable {
                prompt: q.model.prompt.clone(),
                columns: cells.into_iter().map(|(_, l)| l).collect(),
                rows: groups
                    .iter()
                    .zip(&shown)
                    .map(|((_, label, _), row)| BreakdownRow {
                        label: label.clone(),
                        cells: row
                            .iter()
                            .map(|n| n.map(|n| n.to_string()).unwrap_or_else(|| fewer.clone()))
                            .collect(),
                    })
                    .collect(),
            }
        })
        .collect();
    BreakdownView::Shown {
        title: by.model.prompt.clone(),
        groups: groups
            .into_iter()
            .map(|(_, label, count)| GroupCount { label, count })
            .collect(),
        tables,
    }
}

/// The results of `questions` with released texts grouped per question.
pub fn results_views(
    lang: Lang,
    questions: &[Question],
    agg: &Aggregates,
    min: i64,
    texts: &[(Uuid, String)],
) -> Vec<QuestionResult> {
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
            if view.suppressed {
                CsvCell::text(fewer_than(lang, min))
            } else {
                CsvCell::Integer(respondents)
            },
            CsvCell::Empty,
        ]);
        for row in view.rows {
            let label = CsvCell::text(row.label);
            lines.push(match row.count.parse::<i64>() {
                Ok(n) if !row.suppressed => [
                    prompt(),
                    label,
                    CsvCell::Integer(n),
                    CsvCell::Decimal(n as f64 * 100.0 / respondents.max(1) as f64),
                ],
                _ => [prompt(), label, CsvCell::text(row.count), CsvCell::Empty],
            });
        }
        // Only where the page shows it: a hidden cell hides the average too.
        if let (Some(_), Some(average)) = (view.average, average) {
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
