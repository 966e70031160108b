//! The strategy slice's forms: what the browser sends, and the checks that turn it into the
//! service's input or into localized messages per field.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::{Validate, ValidationErrors};

use crate::{
    error::{AppError, AppResult},
    strategy::model::{Direction, MeasureStatus, StrategyStatus},
    web::forms::{CheckForm, FormErrors, multiline},
};

/// What the strategy form says, checked.
pub struct StrategyInput {
    /// The municipality chosen on the form that creates a strategy (`None` on the edit form).
    pub municipality_id: Option<Uuid>,
    pub title: String,
    pub period_start: i32,
    pub period_end: i32,
    pub status: StrategyStatus,
    pub summary: String,
}

/// What the field-of-action form says, checked.
pub struct FieldInput {
    pub title: String,
    pub description: String,
}

/// What the goal form says, checked.
pub struct GoalInput {
    pub title: String,
    pub description: String,
    pub target_text: Option<String>,
}

/// What the measure form says, checked.
pub struct MeasureInput {
    pub title: String,
    pub description: String,
    pub responsible_body: String,
    pub status: MeasureStatus,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub progress_note: String,
}

/// The earliest and latest year a strategy period may name.
pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2100;

/// Adds "missing" for an empty required text; length limits come from `validator`.
fn require(errors: &mut FormErrors, field: &str, value: &str, key: &str) {
    if value.trim().is_empty() {
        errors.add(field, key);
    }
}

/// Adds `validator`'s first message for `field`, so messages stay in the order of the form.
fn checked(errors: &mut FormErrors, result: &Result<(), ValidationErrors>, field: &str) {
    if let Err(e) = result
        && let Some(first) = e.field_errors().get(field).and_then(|list| list.first())
    {
        errors.add(field, &first.code);
    }
}

#[derive(Debug, Default, Deserialize, Serialize, Validate)]
pub struct StrategyForm {
    /// Only on the form that creates a strategy.
    #[serde(default)]
    pub municipality_id: String,
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    #[validate(length(max = 200, code = "strategy-error-title-too-long"))]
    pub title: String,
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    pub period_start: String,
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    pub period_end: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    #[validate(length(max = 20000, code = "strategy-error-text-too-long"))]
    pub summary: String,
}

impl StrategyForm {
    /// A blank form for a new strategy, starting this year for five years.
    pub fn blank(this_year: i32) -> Self {
        Self {
            period_start: this_year.to_string(),
            period_end: (this_year + 4).to_string(),
            status: StrategyStatus::Draft.as_str().into(),
            ..Self::default()
        }
    }
}

impl CheckForm for StrategyForm {
    type Input = StrategyInput;
    /// On the form that creates a strategy, the municipalities the person may choose from; on
    /// the edit form `None`: the strategy stays where it is.
    type Rules = Option<Vec<Uuid>>;

    fn check(&self, choosable: &Option<Vec<Uuid>>) -> Result<StrategyInput, FormErrors> {
        let mut errors = FormErrors::new();
        let municipality_id = match choosable {
            None => None,
            Some(ids) => {
                let chosen = Uuid::parse_str(&self.municipality_id)
                    .ok()
                    .filter(|id| ids.contains(id));
                if chosen.is_none() {
                    errors.add("municipality_id", "error-municipality-unknown");
                }
                chosen
            }
        };
        let result = self.validate();
        require(
            &mut errors,
            "title",
            &self.title,
            "strategy-error-title-missing",
        );
        checked(&mut errors, &result, "title");
        let start = parse_year(&self.period_start);
        let end = parse_year(&self.period_end);
        if start.is_none() {
            errors.add("period_start", "strategy-error-year");
        }
        if end.is_none() {
            errors.add("period_end", "strategy-error-year");
        }
        if let (Some(start), Some(end)) = (start, end)
            && end < start
        {
            errors.add("period_end", "strategy-error-period-end-before-start");
        }
        let status = StrategyStatus::parse(&self.status);
        if status.is_none() {
            errors.add("status", "strategy-error-status");
        }
        checked(&mut errors, &result, "summary");
        match (start, end, status, errors.is_empty()) {
            (Some(period_start), Some(period_end), Some(status), true) => Ok(StrategyInput {
                municipality_id,
                title: self.title.clone(),
                period_start,
                period_end,
                status,
                summary: multiline(&self.summary),
            }),
            _ => Err(errors),
        }
    }
}

fn parse_year(s: &str) -> Option<i32> {
    s.parse::<i32>()
        .ok()
        .filter(|y| (FIRST_YEAR..=LAST_YEAR).contains(y))
}

/// A field of action. The inputs are named `field_*` so the form can share a page with others.
#[derive(Debug, Default, Deserialize, Serialize, Validate)]
pub struct FieldForm {
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    #[validate(length(max = 200, code = "strategy-error-title-too-long"))]
    pub field_title: String,
    #[serde(default)]
    #[validate(length(max = 20000, code = "strategy-error-text-too-long"))]
    pub field_description: String,
}

impl CheckForm for FieldForm {
    type Input = FieldInput;
    type Rules = ();

    fn check(&self, _: &()) -> Result<FieldInput, FormErrors> {
        let mut errors = FormErrors::new();
        let result = self.validate();
        require(
            &mut errors,
            "field_title",
            &self.field_title,
            "strategy-error-title-missing",
        );
        for field in ["field_title", "field_description"] {
            checked(&mut errors, &result, field);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(FieldInput {
            title: self.field_title.clone(),
            description: multiline(&self.field_description),
        })
    }
}

/// A goal, with inputs named `goal_*`.
#[derive(Debug, Default, Deserialize, Serialize, Validate)]
pub struct GoalForm {
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    #[validate(length(max = 200, code = "strategy-error-title-too-long"))]
    pub goal_title: String,
    #[serde(default)]
    #[validate(length(max = 20000, code = "strategy-error-text-too-long"))]
    pub goal_description: String,
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    #[validate(length(max = 500, code = "strategy-error-target-too-long"))]
    pub goal_target_text: String,
}

impl CheckForm for GoalForm {
    type Input = GoalInput;
    type Rules = ();

    fn check(&self, _: &()) -> Result<GoalInput, FormErrors> {
        let mut errors = FormErrors::new();
        let result = self.validate();
        require(
            &mut errors,
            "goal_title",
            &self.goal_title,
            "strategy-error-title-missing",
        );
        for field in ["goal_title", "goal_description", "goal_target_text"] {
            checked(&mut errors, &result, field);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(GoalInput {
            title: self.goal_title.clone(),
            description: multiline(&self.goal_description),
            target_text: Some(self.goal_target_text.clone()).filter(|t| !t.is_empty()),
        })
    }
}

/// A measure, with inputs named `measure_*`.
#[derive(Debug, Default, Deserialize, Serialize, Validate)]
pub struct MeasureForm {
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    #[validate(length(max = 200, code = "strategy-error-title-too-long"))]
    pub measure_title: String,
    #[serde(default)]
    #[validate(length(max = 20000, code = "strategy-error-text-too-long"))]
    pub measure_description: String,
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    #[validate(length(max = 200, code = "strategy-error-responsible-too-long"))]
    pub measure_responsible_body: String,
    #[serde(default)]
    pub measure_status: String,
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    pub measure_starts_on: String,
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    pub measure_ends_on: String,
    #[serde(default)]
    #[validate(length(max = 20000, code = "strategy-error-text-too-long"))]
    pub measure_progress_note: String,
}

impl MeasureForm {
    pub fn blank() -> Self {
        Self {
            measure_status: MeasureStatus::Planned.as_str().into(),
            ..Self::default()
        }
    }
}

impl CheckForm for MeasureForm {
    type Input = MeasureInput;
    type Rules = ();

    fn check(&self, _: &()) -> Result<MeasureInput, FormErrors> {
        let mut errors = FormErrors::new();
        let result = self.validate();
        require(
            &mut errors,
            "measure_title",
            &self.measure_title,
            "strategy-error-title-missing",
        );
        for field in [
            "measure_title",
            "measure_description",
            "measure_responsible_body",
        ] {
            checked(&mut errors, &result, field);
        }
        let status = MeasureStatus::parse(&self.measure_status);
        if status.is_none() {
            errors.add("measure_status", "strategy-error-status");
        }
        let starts_on = parse_date(&self.measure_starts_on);
        let ends_on = parse_date(&self.measure_ends_on);
        if starts_on.is_err() {
            errors.add("measure_starts_on", "strategy-error-date");
        }
        if ends_on.is_err() {
            errors.add("measure_ends_on", "strategy-error-date");
        }
        if let (Ok(Some(start)), Ok(Some(end))) = (starts_on, ends_on)
            && end < start
        {
            errors.add("measure_ends_on", "strategy-error-end-before-start");
        }
        checked(&mut errors, &result, "measure_progress_note");
        match (starts_on, ends_on, status, errors.is_empty()) {
            (Ok(starts_on), Ok(ends_on), Some(status), true) => Ok(MeasureInput {
                title: self.measure_title.clone(),
                description: multiline(&self.measure_description),
                responsible_body: self.measure_responsible_body.clone(),
                status,
                starts_on,
                ends_on,
                progress_note: multiline(&self.measure_progress_note),
            }),
            _ => Err(errors),
        }
    }
}

/// An empty date is no date; otherwise `2026-03-01` (what date inputs send), or `01.03.2026` and
/// `01/03/2026` (what people type where the browser shows a plain text box).
fn parse_date(s: &str) -> Result<Option<NaiveDate>, ()> {
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d.%m.%Y"))
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .map(Some)
        .map_err(|_| ())
}

/// The up/down buttons of the ordered lists.
#[derive(Debug, Default, Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    pub direction: String,
    /// `strategy` when the button sits on the strategy page; otherwise back to the parent's page.
    #[serde(default)]
    pub back: String,
}

impl MoveForm {
    /// Which way to move; anything but `up` or `down` is a bad request.
    pub fn direction(&self) -> AppResult<Direction> {
        Direction::parse(&self.direction).ok_or(AppError::BadRequest)
    }
}

/// `?strategy=` on the public page: which of several strategies to show.
#[derive(Debug, Default, Deserialize)]
pub struct StrategyQuery {
    pub strategy: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_in_iso_and_german_form_and_empty_means_none() {
        let expected = NaiveDate::from_ymd_opt(2026, 3, 1);
        assert_eq!(parse_date("2026-03-01"), Ok(expected));
        assert_eq!(parse_date("01.03.2026"), Ok(expected));
        assert_eq!(parse_date("01/03/2026"), Ok(expected));
        assert_eq!(parse_date(""), Ok(None));
        assert_eq!(parse_date("März"), Err(()));
    }

    #[test]
    fn a_period_that_ends_before_it_starts_is_refused() {
        let form = StrategyForm {
            title: "Strategie".into(),
            period_start: "2028".into(),
            period_end: "2024".into(),
            status: "draft".into(),
            ..StrategyForm::default()
        };
        let Err(errors) = form.check(&None) else {
            panic!("accepted a reversed period");
        };
        let view = errors.view(crate::web::i18n::Lang::De);
        assert!(view["fields"]["period_end"].is_string());
    }
}
