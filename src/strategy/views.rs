//! View pieces the strategy's pages share, public and staff alike: a period, a date, a measure,
//! an option list with translated labels, and the page state of an editing page.

use actix_web::http::StatusCode;
use chrono::NaiveDate;
use entity::measures;
use fluent_templates::fluent_bundle::FluentValue;
use serde::Serialize;
use uuid::Uuid;

use crate::web::{context::Ctx, forms::FormErrors, i18n};

/// A plain date in the locale's pattern (the `date` helper wants points in time).
pub fn day(ctx: &Ctx, date: Option<NaiveDate>) -> Option<String> {
    let pattern = ctx.t("format-date");
    date.map(|d| d.format(&pattern).to_string())
}

/// An `<option>` with a translated label.
#[derive(Serialize)]
pub struct OptionView {
    pub value: &'static str,
    pub text: String,
    pub selected: bool,
}

/// `<option>`s with translated labels: `prefix` + value is the label's key.
pub fn options(
    ctx: &Ctx,
    values: &[&'static str],
    prefix: &str,
    selected: &str,
) -> Vec<OptionView> {
    values
        .iter()
        .map(|v| OptionView {
            value: v,
            text: ctx.t(&format!("{prefix}{v}")),
            selected: *v == selected,
        })
        .collect()
}

/// A strategy's period, such as "2024–2028", in the locale's form.
pub fn period(ctx: &Ctx, start: i32, end: i32) -> String {
    i18n::t_args(
        ctx.lang,
        "strategy-period-range",
        &[
            ("start", FluentValue::from(start.to_string())),
            ("end", FluentValue::from(end.to_string())),
        ],
    )
}

/// A measure in a list, public and staff pages alike.
#[derive(Serialize)]
pub struct MeasureView {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub responsible_body: String,
    pub status: String,
    pub status_label: String,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub progress_note: String,
    pub can_up: bool,
    pub can_down: bool,
}

pub fn measure_views(ctx: &Ctx, list: &[measures::Model]) -> Vec<MeasureView> {
    let n = list.len();
    list.iter()
        .enumerate()
        .map(|(i, m)| MeasureView {
            id: m.id,
            title: m.title.clone(),
            description: m.description.clone(),
            responsible_body: m.responsible_body.clone(),
            status: m.status.clone(),
            status_label: ctx.t(&format!("strategy-measure-status-{}", m.status)),
            starts_on: day(ctx, m.starts_on),
            ends_on: day(ctx, m.ends_on),
            progress_note: m.progress_note.clone(),
            can_up: i > 0,
            can_down: i + 1 < n,
        })
        .collect()
}

/// An `{ id, title }` link target (the breadcrumbs of the staff pages).
#[derive(Serialize)]
pub struct Crumb {
    pub id: Uuid,
    pub title: String,
}

/// The state of an editing page that carries two forms, the item's own (`values`) and the one
/// for a new item below it (`new_child`); `errors_for` names the form `errors` belong to.
pub struct Editing<'a, F, C> {
    pub status: StatusCode,
    pub values: &'a F,
    pub new_child: &'a C,
    pub errors_for: &'static str,
    pub errors: &'a FormErrors,
}

impl<'a, F, C> Editing<'a, F, C> {
    /// The page as first shown: 200, no errors.
    pub fn fresh(values: &'a F, new_child: &'a C, errors: &'a FormErrors) -> Self {
        Editing {
            status: StatusCode::OK,
            values,
            new_child,
            errors_for: "",
            errors,
        }
    }

    /// The page again after a refused form: 422 and the errors of `errors_for`.
    pub fn refused(
        values: &'a F,
        new_child: &'a C,
        errors_for: &'static str,
        errors: &'a FormErrors,
    ) -> Self {
        Editing {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            values,
            new_child,
            errors_for,
            errors,
        }
    }
}
