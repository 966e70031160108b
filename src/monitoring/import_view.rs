//! The import preview as the page shows it: the counts, and the first lines of each kind (what
//! would be added, changed from old to new, refused and why), each naming its line (and, in the
//! wide form, its column). A large file shows counts and the first lines only, so the page stays
//! small.

use fluent_templates::fluent_bundle::FluentValue;
use serde::Serialize;

use crate::{
    monitoring::{
        import_plan::{Accepted, Outcome, Plan, Planned},
        model::format_number,
    },
    web::{context::Ctx, i18n},
};

/// How many lines of each kind the preview lists.
pub const SHOWN_ADDED: usize = 15;
pub const SHOWN_CHANGED: usize = 15;
pub const SHOWN_REFUSED: usize = 30;

#[derive(Serialize)]
pub struct PreviewRow {
    /// "Zeile 12" or "Zeile 12, Spalte C (2021)".
    place: String,
    indicator: String,
    area: String,
    period: String,
    value: String,
    before: String,
    reason: String,
}

/// One kind of line: its rows as shown and, if not all are, how many are not.
#[derive(Serialize)]
pub struct PreviewList {
    count: String,
    rows: Vec<PreviewRow>,
    not_shown: Option<String>,
}

#[derive(Serialize)]
pub struct PreviewPage {
    municipality: String,
    file_name: String,
    upload_href: String,
    action: String,
    digest: String,
    /// Whether the values changed between the preview and its confirmation.
    meanwhile: bool,
    /// Whether confirming would write anything.
    applicable: bool,
    lines: String,
    unchanged: String,
    added: PreviewList,
    changed: PreviewList,
    refused: PreviewList,
}

fn place(ctx: &Ctx, planned: &Planned) -> String {
    let line = FluentValue::from(planned.line.line.to_string());
    match &planned.line.column {
        Some(column) => i18n::t_args(
            ctx.lang,
            "monitoring-import-line-column",
            &[
                ("line", line),
                ("column", FluentValue::from(column.as_str())),
            ],
        ),
        None => i18n::t_args(ctx.lang, "monitoring-import-line", &[("line", line)]),
    }
}

fn number(ctx: &Ctx, value: f64, numerator: Option<f64>, denominator: Option<f64>) -> String {
    let value = format_number(ctx.lang, value);
    match (numerator, denominator) {
        (Some(n), Some(d)) => format!(
            "{value} ({} / {})",
            format_number(ctx.lang, n),
            format_number(ctx.lang, d)
        ),
        (Some(n), None) => format!("{value} ({} / –)", format_number(ctx.lang, n)),
        (None, Some(d)) => format!("{value} (– / {})", format_number(ctx.lang, d)),
        (None, None) => value,
    }
}

fn row(ctx: &Ctx, plan: &Plan, planned: &Planned) -> PreviewRow {
    let line = &planned.line;
    let indicator_of = |a: &Accepted| plan.indicators[a.indicator].name.clone();
    let mut row = PreviewRow {
        place: place(ctx, planned),
        indicator: line.indicator.clone().unwrap_or_default(),
        area: line.area.clone(),
        period: line.period.clone(),
        value: line.value.clone(),
        before: String::new(),
        reason: String::new(),
    };
    match &planned.outcome {
        Outcome::Add(a) => {
            row.indicator = indicator_of(a);
            row.period = a.period.to_string();
            row.value = number(ctx, a.value, a.numerator, a.denominator);
        }
        Outcome::Change(a, before) => {
            row.indicator = indicator_of(a);
            row.period = a.period.to_string();
            row.value = number(ctx, a.value, a.numerator, a.denominator);
            row.before = number(ctx, before.value, before.numerator, before.denominator);
        }
        Outcome::Refuse(refusal) => {
            let args: Vec<(&str, FluentValue)> = refusal
                .args
                .iter()
                .map(|(k, v)| (*k, FluentValue::from(v.as_str())))
                .collect();
            row.reason = i18n::t_args(ctx.lang, refusal.key, &args);
        }
        Outcome::Unchanged => {}
    }
    row
}

fn list<'a>(
    ctx: &Ctx,
    plan: &Plan,
    kind: impl Iterator<Item = &'a Planned>,
    shown: usize,
) -> PreviewList {
    let mut rows = Vec::new();
    let mut count = 0usize;
    for planned in kind {
        if rows.len() < shown {
            rows.push(row(ctx, plan, planned));
        }
        count += 1;
    }
    let not_shown = (count > rows.len()).then(|| {
        i18n::t_args(
            ctx.lang,
            "monitoring-import-not-shown",
            &[
                ("shown", FluentValue::from(rows.len().to_string())),
                (
                    "count",
                    FluentValue::from(format_number(ctx.lang, count as f64)),
                ),
            ],
        )
    });
    PreviewList {
        count: format_number(ctx.lang, count as f64),
        rows,
        not_shown,
    }
}

pub fn preview_view(
    ctx: &Ctx,
    plan: &Plan,
    file_name: &str,
    municipality: &str,
    action: &str,
    upload_href: &str,
    meanwhile: bool,
) -> PreviewPage {
    let counts = plan.counts();
    let of = |want: fn(&Outcome) -> bool| plan.lines.iter().filter(move |p| want(&p.outcome));
    PreviewPage {
        municipality: municipality.to_string(),
        file_name: file_name.to_string(),
        upload_href: upload_href.to_string(),
        action: action.to_string(),
        digest: plan.digest(),
        meanwhile,
        applicable: counts.added + counts.changed > 0,
        lines: format_number(ctx.lang, plan.lines.len() as f64),
        unchanged: format_number(ctx.lang, counts.unchanged as f64),
        added: list(ctx, plan, of(|o| matches!(o, Outcome::Add(_))), SHOWN_ADDED),
        changed: list(
            ctx,
            plan,
            of(|o| matches!(o, Outcome::Change(..))),
            SHOWN_CHANGED,
        ),
        refused: list(
            ctx,
            plan,
            of(|o| matches!(o, Outcome::Refuse(_))),
            SHOWN_REFUSED,
        ),
    }
}
