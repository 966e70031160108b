//! The forms of the surveys slice and their checks: the survey and question forms of the builder,
//! the answers a resident (or staff typing in a paper questionnaire) sends, and the release form
//! of the free-text queue. Errors are locale keys.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    surveys::service::{Answer, Kind, Question},
    web::forms::{FormErrors, multiline},
};

pub const TITLE_MAX: usize = 200;
pub const INTRO_MAX: usize = 5_000;
pub const PROMPT_MAX: usize = 500;
pub const HELP_MAX: usize = 1_000;
pub const OPTION_MAX: usize = 300;
pub const OPTIONS_MAX: usize = 30;
pub const SCALE_LABEL_MAX: usize = 100;
pub const SHORT_TEXT_MAX: usize = 300;
pub const LONG_TEXT_MAX: usize = 4_000;
pub const CODES_MAX: u32 = 2_000;
pub const ACCESS: [&str; 3] = ["none", "account", "code"];

/// The survey settings form as typed.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SurveyForm {
    pub round_id: String,
    pub title: String,
    pub intro: String,
    pub minutes: String,
    pub access: String,
    pub min_group_size: String,
}

#[derive(Clone, Debug)]
pub struct SurveyInput {
    pub title: String,
    pub intro: String,
    pub minutes: i32,
    pub access: String,
    pub min_group_size: i32,
}

impl SurveyForm {
    /// `floor` is the smallest group size allowed: the municipality's setting, never below 3.
    pub fn check(&self, floor: i32, errors: &mut FormErrors) -> Option<SurveyInput> {
        let title = self.title.trim();
        if title.is_empty() {
            errors.add("title", "survey-error-title-missing");
        } else if title.chars().count() > TITLE_MAX {
            errors.add("title", "survey-error-title-long");
        }
        if self.intro.chars().count() > INTRO_MAX {
            errors.add("intro", "survey-error-intro-long");
        }
        let minutes = self
            .minutes
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|m| (1..=120).contains(m));
        if minutes.is_none() {
            errors.add("minutes", "survey-error-minutes");
        }
        if !ACCESS.contains(&self.access.as_str()) {
            errors.add("access", "survey-error-access");
        }
        let min_group_size = self
            .min_group_size
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|n| *n >= floor && *n <= 1000);
        if min_group_size.is_none() {
            errors.add("min_group_size", "survey-error-min-group-size");
        }
        if !errors.is_empty() {
            return None;
        }
        Some(SurveyInput {
            title: title.to_string(),
            intro: multiline(&self.intro),
            minutes: minutes?,
            access: self.access.clone(),
            min_group_size: min_group_size?,
        })
    }
}

/// The question form as typed. Options are one per line.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct QuestionForm {
    pub kind: String,
    pub prompt: String,
    pub help: String,
    pub required: Option<String>,
    pub demographic: Option<String>,
    pub options: String,
    pub allow_other: Option<String>,
    pub min_choices: String,
    pub max_choices: String,
    pub scale_min: String,
    pub scale_max: String,
    pub scale_min_label: String,
    pub scale_max_label: String,
    pub number_min: String,
    pub number_max: String,
    /// An option id of an earlier choice question, or empty.
    pub condition: String,
    pub goal_ids: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct QuestionInput {
    pub kind: Kind,
    pub prompt: String,
    pub help: String,
    pub required: bool,
    pub demographic: bool,
    pub options: Vec<String>,
    pub allow_other: bool,
    pub min_choices: Option<i32>,
    pub max_choices: Option<i32>,
    pub scale_min: Option<i32>,
    pub scale_max: Option<i32>,
    pub scale_min_label: String,
    pub scale_max_label: String,
    pub number_min: Option<i32>,
    pub number_max: Option<i32>,
    pub condition: Option<Uuid>,
    pub goal_ids: Vec<Uuid>,
}

fn optional_int(raw: &str, field: &str, errors: &mut FormErrors) -> Option<i32> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<i32>() {
        Ok(n) if n.abs() <= 1_000_000_000 => Some(n),
        _ => {
            errors.add(field, "survey-error-whole-number");
            None
        }
    }
}

impl QuestionForm {
    pub fn check(&self, errors: &mut FormErrors) -> Option<QuestionInput> {
        let kind = Kind::parse(&self.kind);
        if kind.is_none() {
            errors.add("kind", "survey-error-kind");
        }
        let prompt = multiline(&self.prompt);
        if prompt.is_empty() {
            errors.add("prompt", "survey-error-prompt-missing");
        } else if prompt.chars().count() > PROMPT_MAX {
            errors.add("prompt", "survey-error-prompt-long");
        }
        if self.help.chars().count() > HELP_MAX {
            errors.add("help", "survey-error-help-long");
        }
        let options: Vec<String> = self
            .options
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        let min_choices = optional_int(&self.min_choices, "min_choices", errors);
        let max_choices = optional_int(&self.max_choices, "max_choices", errors);
        let scale_min = optional_int(&self.scale_min, "scale_min", errors);
        let scale_max = optional_int(&self.scale_max, "scale_max", errors);
        let number_min = optional_int(&self.number_min, "number_min", errors);
        let number_max = optional_int(&self.number_max, "number_max", errors);
        let demographic = self.demographic.is_some();
        let kind = kind?;
        if kind.has_options() {
            if options.len() < 2 {
                errors.add("options", "survey-error-options-few");
            } else if options.len() > OPTIONS_MAX
                || options.iter().any(|o| o.chars().count() > OPTION_MAX)
            {
                errors.add("options", "survey-error-options-many");
            }
        }
        if kind == Kind::Multiple {
            let count = options.len() as i32 + i32::from(self.allow_other.is_some());
            if min_choices.is_some_and(|m| m < 0 || m > count) {
                errors.add("min_choices", "survey-error-choices-range");
            }
            if max_choices.is_some_and(|m| m < 1 || m > count)
                || matches!((min_choices, max_choices), (Some(a), Some(b)) if a > b)
            {
                errors.add("max_choices", "survey-error-choices-range");
            }
        }
        let (scale_min, scale_max) = if kind == Kind::Scale {
            let (lo, hi) = (scale_min.unwrap_or(1), scale_max.unwrap_or(5));
            if !(0..=1).contains(&lo) || hi <= lo || hi > 10 {
                errors.add("scale_max", "survey-error-scale-range");
            }
            (Some(lo), Some(hi))
        } else {
            (None, None)
        };
        if self.scale_min_label.chars().count() > SCALE_LABEL_MAX
            || self.scale_max_label.chars().count() > SCALE_LABEL_MAX
        {
            errors.add("scale_min_label", "survey-error-scale-label-long");
        }
        if kind == Kind::Number && matches!((number_min, number_max), (Some(a), Some(b)) if a > b) {
            errors.add("number_max", "survey-error-number-bounds");
        }
        if demographic && kind != Kind::Single {
            errors.add("demographic", "survey-error-demographic-kind");
        }
        let condition = match self.condition.trim() {
            "" => None,
            raw => match Uuid::parse_str(raw) {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.add("condition", "survey-error-condition");
                    None
                }
            },
        };
        let goal_ids: Vec<Uuid> = self
            .goal_ids
            .iter()
            .filter_map(|g| Uuid::parse_str(g).ok())
            .collect();
        if goal_ids.len() != self.goal_ids.len() {
            errors.add("goal_ids", "survey-error-goals");
        }
        if !errors.is_empty() {
            return None;
        }
        Some(QuestionInput {
            kind,
            prompt,
            help: multiline(&self.help),
            required: self.required.is_some(),
            demographic,
            options: if kind.has_options() {
                options
            } else {
                Vec::new()
            },
            allow_other: kind.has_options() && self.allow_other.is_some(),
            min_choices: min_choices.filter(|_| kind == Kind::Multiple),
            max_choices: max_choices.filter(|_| kind == Kind::Multiple),
            scale_min,
            scale_max,
            scale_min_label: if kind == Kind::Scale {
                self.scale_min_label.trim().to_string()
            } else {
                String::new()
            },
            scale_max_label: if kind == Kind::Scale {
                self.scale_max_label.trim().to_string()
            } else {
                String::new()
            },
            number_min: number_min.filter(|_| kind == Kind::Number),
            number_max: number_max.filter(|_| kind == Kind::Number),
            condition,
            goal_ids,
        })
    }
}

/// The form field that holds a question's answer, and the one for its "other" text.
pub fn field_name(question: Uuid) -> String {
    format!("q-{question}")
}

pub fn other_field_name(question: Uuid) -> String {
    format!("q-{question}-other")
}

/// A posted answer form: every value per field name, in order.
#[derive(Debug, Default)]
pub struct RawAnswers {
    values: HashMap<String, Vec<String>>,
}

impl RawAnswers {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut values: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in pairs {
            values.entry(k).or_default().push(v);
        }
        Self { values }
    }

    pub fn all(&self, name: &str) -> &[String] {
        self.values.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn first(&self, name: &str) -> &str {
        self.all(name).first().map(String::as_str).unwrap_or("")
    }

    /// The values of every answer field (`q-…`), for hidden fields on other pages.
    pub fn answer_pairs(&self) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = self
            .values
            .iter()
            .filter(|(k, _)| k.starts_with("q-"))
            .flat_map(|(k, vs)| vs.iter().map(move |v| (k.clone(), v.clone())))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        pairs.sort();
        pairs
    }

    /// Whether the answer to `question` includes the option `option`.
    pub fn chose(&self, question: Uuid, option: Uuid) -> bool {
        let option = option.to_string();
        self.all(&field_name(question)).contains(&option)
    }
}

pub const OTHER: &str = "other";

/// How an answer came in. "Required" binds a person answering online; a returned paper
/// questionnaire is entered as it is, blanks included (bounds and types still apply).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    Online,
    Paper,
}

/// Checks the answer to one question; `None` when it is unanswered (and allowed to be).
pub fn check_answer(
    q: &Question,
    raw: &RawAnswers,
    entry: Entry,
    errors: &mut FormErrors,
) -> Option<Answer> {
    let name = field_name(q.model.id);
    let values: Vec<&str> = raw
        .all(&name)
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect();
    let missing = |errors: &mut FormErrors| {
        if q.model.required && entry == Entry::Online {
            errors.add(&name, "survey-error-required");
        }
        None
    };
    match q.kind {
        Kind::Single | Kind::Multiple => {
            if values.is_empty() {
                return missing(errors);
            }
            if q.kind == Kind::Single && values.len() > 1 {
                errors.add(&name, "survey-error-one-only");
                return None;
            }
            let mut chosen = Vec::new();
            let mut other = None;
            for v in &values {
                if *v == OTHER && q.model.allow_other {
                    let text = raw.first(&other_field_name(q.model.id)).trim().to_string();
                    if text.is_empty() {
                        errors.add(&name, "survey-error-other-missing");
                        return None;
                    }
                    if text.chars().count() > SHORT_TEXT_MAX {
                        errors.add(&name, "survey-error-text-long");
                        return None;
                    }
                    other = Some(text);
                } else {
                    match Uuid::parse_str(v)
                        .ok()
                        .filter(|id| q.options.iter().any(|o| o.id == *id))
                    {
                        Some(id) if !chosen.contains(&id) => chosen.push(id),
                        Some(_) => {}
                        None => {
                            errors.add(&name, "survey-error-option-unknown");
                            return None;
                        }
                    }
                }
            }
            let count = chosen.len() as i32 + i32::from(other.is_some());
            if let Some(min) = q.model.min_choices.filter(|m| count < *m) {
                errors.add_with(
                    &name,
                    "survey-error-choices-few",
                    &[("min", min.to_string())],
                );
                return None;
            }
            if let Some(max) = q.model.max_choices.filter(|m| count > *m) {
                errors.add_with(
                    &name,
                    "survey-error-choices-many",
                    &[("max", max.to_string())],
                );
                return None;
            }
            Some(Answer::Choices(chosen, other))
        }
        Kind::Scale | Kind::YesNo | Kind::Number => {
            let Some(v) = values.first() else {
                return missing(errors);
            };
            if values.len() > 1 {
                errors.add(&name, "survey-error-one-only");
                return None;
            }
            let Ok(n) = v.replace(['.', ' '], "").parse::<i32>() else {
                errors.add(
                    &name,
                    if q.kind == Kind::Number {
                        "survey-error-number-invalid"
                    } else {
                        "survey-error-option-unknown"
                    },
                );
                return None;
            };
            let (lo, hi) = match q.kind {
                Kind::Scale => (q.model.scale_min, q.model.scale_max),
                Kind::YesNo => (Some(0), Some(2)),
                _ => (q.model.number_min, q.model.number_max),
            };
            if lo.is_some_and(|lo| n < lo) || hi.is_some_and(|hi| n > hi) {
                if q.kind != Kind::Number {
                    errors.add(&name, "survey-error-option-unknown");
                    return None;
                }
                // The message names the bounds the hint under the question states.
                let bound = |v: i32| v.to_string();
                match (lo, hi) {
                    (Some(lo), Some(hi)) => errors.add_with(
                        &name,
                        "survey-error-number-between",
                        &[("min", bound(lo)), ("max", bound(hi))],
                    ),
                    (Some(lo), None) => {
                        errors.add_with(&name, "survey-error-number-min", &[("min", bound(lo))])
                    }
                    (None, Some(hi)) => {
                        errors.add_with(&name, "survey-error-number-max", &[("max", bound(hi))])
                    }
                    (None, None) => errors.add(&name, "survey-error-number-invalid"),
                }
                return None;
            }
            Some(Answer::Number(n))
        }
        Kind::ShortText | Kind::LongText => {
            let text = if q.kind == Kind::LongText {
                multiline(raw.first(&name))
            } else {
                raw.first(&name).trim().to_string()
            };
            if text.is_empty() {
                return missing(errors);
            }
            let max = if q.kind == Kind::ShortText {
                SHORT_TEXT_MAX
            } else {
                LONG_TEXT_MAX
            };
            if text.chars().count() > max {
                errors.add(&name, "survey-error-text-long");
                return None;
            }
            Some(Answer::Text(text))
        }
    }
}

/// An access code as people type it: case, spaces and dashes do not matter.
pub fn normalize_code(raw: &str) -> String {
    raw.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CodesForm {
    pub count: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReleaseForm {
    pub text: String,
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
        crate::web::pagination::PageQuery { page: self.page }.index()
    }
}

/// The query string of the queue at `index` (0-based) with the survey filter, or nothing for the
/// first page of all surveys.
pub fn free_text_query(survey: Option<Uuid>, index: u64) -> String {
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

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MoveForm {
    pub direction: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ResultsQuery {
    pub by: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct NewSurveyQuery {
    pub round: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::normalize_code;

    #[test]
    fn codes_are_read_without_case_spaces_or_dashes() {
        assert_eq!(normalize_code(" abcd-efgh 23 "), "ABCDEFGH23");
    }
}

pub const RETURN_PLACE_MAX: usize = 500;

/// Where and by when paper questionnaires go back, as typed on the print page.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PaperReturnForm {
    pub place: String,
    pub by: String,
}

impl PaperReturnForm {
    /// Empty fields are allowed: the round's contact and last day are printed instead.
    pub fn check(&self, errors: &mut FormErrors) -> Option<(String, Option<chrono::NaiveDate>)> {
        let place = self.place.trim();
        if place.chars().count() > RETURN_PLACE_MAX {
            errors.add("place", "survey-error-return-place-long");
        }
        let by = match self.by.trim() {
            "" => None,
            raw => {
                let day = crate::rounds::forms::parse_date(raw);
                if day.is_none() {
                    errors.add("by", "survey-error-return-by");
                }
                day
            }
        };
        errors.is_empty().then(|| (place.to_string(), by))
    }
}
