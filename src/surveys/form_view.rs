//! How a question appears in the answer form (`partials/surveys/question_input`): online, in the
//! staff's paper entry and on the printed questionnaire, with what was typed and its error.

use serde::Serialize;
use serde_json::Value;

use crate::{
    surveys::{
        answering::{OTHER, RawAnswers, field_name, other_field_name},
        model::{Cell, Kind, Question, cells},
    },
    web::i18n::{self, Lang},
};

/// One choice of a question (an option, a scale value, yes/no).
#[derive(Serialize)]
pub struct OptionView {
    /// The label is the survey's own text (German), not one of the interface's.
    written: bool,
    id: String,
    name: String,
    #[serde(rename = "type")]
    kind: &'static str,
    checked: bool,
    value: String,
    label: String,
}

#[derive(Serialize)]
pub struct QuestionView {
    pub name: String,
    pub other_name: String,
    pub prompt: String,
    pub help: String,
    pub hint: String,
    pub condition: String,
    pub required: bool,
    pub error: Option<String>,
    pub is_choice: bool,
    pub is_number: bool,
    pub is_short: bool,
    pub is_long: bool,
    pub options: Vec<OptionView>,
    pub allow_other: bool,
    pub other_type: &'static str,
    pub other_checked: bool,
    pub other_value: String,
    pub value: String,
}

/// The message of field `name` in an errors view (`FormErrors::view`).
pub fn error_of(errors: &Value, name: &str) -> Option<String> {
    errors
        .pointer(&format!("/fields/{name}"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// One question as the answer form shows it, with what was typed and its error; `condition` says
/// when it applies (empty online, where hidden questions are left out).
pub fn question_view(
    lang: Lang,
    q: &Question,
    raw: &RawAnswers,
    errors: &Value,
    condition: String,
) -> QuestionView {
    let name = field_name(q.model.id);
    let input = if q.kind == Kind::Multiple {
        "checkbox"
    } else {
        "radio"
    };
    QuestionView {
        options: options(lang, q, raw, &name, input),
        other_name: other_field_name(q.model.id),
        prompt: q.model.prompt.clone(),
        help: q.model.help.clone(),
        hint: hint(lang, q),
        condition,
        required: q.model.required,
        error: error_of(errors, &name),
        is_choice: q.kind.has_options() || matches!(q.kind, Kind::Scale | Kind::YesNo),
        is_number: q.kind == Kind::Number,
        is_short: q.kind == Kind::ShortText,
        is_long: q.kind == Kind::LongText,
        allow_other: q.kind.has_options() && q.model.allow_other,
        other_type: input,
        other_checked: raw.all(&name).iter().any(|v| v == OTHER),
        other_value: raw.first(&other_field_name(q.model.id)).to_string(),
        value: raw.first(&name).to_string(),
        name,
    }
}

fn options(
    lang: Lang,
    q: &Question,
    raw: &RawAnswers,
    name: &str,
    input: &'static str,
) -> Vec<OptionView> {
    let values = raw.all(name);
    let option =
        |i: usize, value: String, label: String, kind: &'static str, written: bool| OptionView {
            written,
            id: if i == 0 {
                name.to_string()
            } else {
                format!("{name}-{i}")
            },
            name: name.to_string(),
            kind,
            checked: values.contains(&value),
            value,
            label,
        };
    match q.kind {
        Kind::Single | Kind::Multiple => q
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| option(i, o.id.to_string(), o.label.clone(), input, true))
            .collect(),
        Kind::Scale | Kind::YesNo => cells(lang, q)
            .into_iter()
            .enumerate()
            .map(|(i, (cell, label))| {
                let value = match cell {
                    Cell::Value(v) => v.to_string(),
                    _ => String::new(),
                };
                option(i, value, label, "radio", false)
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// What the question asks for: how many choices, the bounds of a number.
fn hint(lang: Lang, q: &Question) -> String {
    let between = |key: &str, a: i32, b: i32| {
        i18n::t_args(lang, key, &[("min", a.into()), ("max", b.into())])
    };
    let min = |key: &str, a: i32| i18n::t_args(lang, key, &[("min", a.into())]);
    let max = |key: &str, b: i32| i18n::t_args(lang, key, &[("max", b.into())]);
    match q.kind {
        Kind::Multiple => match (q.model.min_choices, q.model.max_choices) {
            (Some(a), Some(b)) => between("survey-hint-choices-between", a, b),
            (Some(a), None) => min("survey-hint-choices-min", a),
            (None, Some(b)) => max("survey-hint-choices-max", b),
            (None, None) => i18n::t(lang, "survey-hint-choices-any"),
        },
        // A number's bounds are its own, not the choice limits.
        Kind::Number => match (q.model.number_min, q.model.number_max) {
            (Some(a), Some(b)) => between("survey-hint-number-between", a, b),
            (Some(a), None) => min("survey-hint-number-min", a),
            (None, Some(b)) => max("survey-hint-number-max", b),
            (None, None) => i18n::t(lang, "survey-hint-number"),
        },
        _ => String::new(),
    }
}

/// "Only if you chose „X“ for „Q“": how a conditional question says when it applies.
pub fn condition_text(lang: Lang, all: &[Question], q: &Question) -> String {
    let Some(option) = q.model.condition_option_id else {
        return String::new();
    };
    all.iter()
        .find_map(|c| {
            c.options.iter().find(|o| o.id == option).map(|o| {
                i18n::t_args(
                    lang,
                    "survey-condition-note",
                    &[
                        ("question", c.model.prompt.clone().into()),
                        ("option", o.label.clone().into()),
                    ],
                )
            })
        })
        .unwrap_or_default()
}
