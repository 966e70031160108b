//! The rules of answering a survey, in one place for online answering and paper entry alike: the
//! fields of the answer form, which pages and questions are shown for the answers given so far,
//! and the check of each answer. Online, "required" binds and the survey is checked page by page;
//! a returned paper questionnaire is entered as it is, blanks included, but not empty.

use std::collections::HashMap;

use uuid::Uuid;

use crate::{
    surveys::model::{Cell, Kind, Question},
    web::forms::{CheckForm, FormErrors, multiline},
};

pub const SHORT_TEXT_MAX: usize = 300;
pub const LONG_TEXT_MAX: usize = 4_000;

/// The value of the "something else" choice.
pub const OTHER: &str = "other";

/// The form field that holds a question's answer, and the one for its "other" text.
pub fn field_name(question: Uuid) -> String {
    format!("q-{question}")
}

pub fn other_field_name(question: Uuid) -> String {
    format!("q-{question}-other")
}

/// A checked answer to one question.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// Chosen options, and the "other" text if that was chosen.
    Choices(Vec<Uuid>, Option<String>),
    Number(i32),
    Text(String),
}

impl Answer {
    /// What the answer is stored as, one answer row each: a chosen option, a number, or a text
    /// (`Cell::Other`: a free text, or "other" beside the options) with that text.
    pub fn cells(&self) -> Vec<(Cell, Option<&str>)> {
        match self {
            Answer::Choices(options, other) => options
                .iter()
                .map(|o| (Cell::Option(*o), None))
                .chain(other.as_deref().map(|t| (Cell::Other, Some(t))))
                .collect(),
            Answer::Number(n) => vec![(Cell::Value(*n), None)],
            Answer::Text(t) => vec![(Cell::Other, Some(t.as_str()))],
        }
    }
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

/// The pages of a survey: a new page starts before each question shown only under a condition,
/// so the condition is decided on the server from the answers of earlier pages.
pub fn pages(all: &[Question]) -> Vec<Vec<usize>> {
    let mut pages: Vec<Vec<usize>> = Vec::new();
    for (i, q) in all.iter().enumerate() {
        if pages.is_empty() || q.model.condition_option_id.is_some() {
            pages.push(Vec::new());
        }
        if let Some(page) = pages.last_mut() {
            page.push(i);
        }
    }
    pages
}

/// Which questions are shown, given what was chosen: a conditional question is shown when the
/// question it depends on is shown and the option was chosen.
pub fn visible(all: &[Question], chose: impl Fn(Uuid, Uuid) -> bool) -> Vec<bool> {
    let mut owner: HashMap<Uuid, usize> = HashMap::new();
    let mut shown = Vec::with_capacity(all.len());
    for (i, q) in all.iter().enumerate() {
        let show = match q.model.condition_option_id {
            None => true,
            Some(option) => owner
                .get(&option)
                .is_some_and(|&at| shown[at] && chose(all[at].model.id, option)),
        };
        shown.push(show);
        for o in &q.options {
            owner.insert(o.id, i);
        }
    }
    shown
}

/// The pages shown for these answers (indices into `all`): pages whose questions are all hidden
/// are left out.
pub fn shown_pages(all: &[Question], raw: &RawAnswers) -> Vec<Vec<usize>> {
    let shown = visible(all, |q, o| raw.chose(q, o));
    pages(all)
        .into_iter()
        .map(|page| page.into_iter().filter(|&i| shown[i]).collect::<Vec<_>>())
        .filter(|page| !page.is_empty())
        .collect()
}

/// How an answer came in. "Required" binds a person answering online; a returned paper
/// questionnaire is entered as it is, blanks included (bounds and types still apply).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Entry {
    Online,
    Paper,
}

/// One page of the online answer form as posted: its shown questions are checked, "required"
/// binds. The rules are the survey's questions.
pub struct OnlinePage<'a> {
    pub answers: &'a RawAnswers,
    pub page: usize,
}

impl CheckForm for OnlinePage<'_> {
    type Input = Vec<(Uuid, Answer)>;
    type Rules = [Question];

    fn check(&self, all: &[Question]) -> Result<Self::Input, FormErrors> {
        let pages = shown_pages(all, self.answers);
        let indices = pages.get(self.page).cloned().unwrap_or_default();
        check_questions(all, indices, self.answers, Entry::Online)
    }
}

/// The whole survey as shown for these answers, page by page; answers to hidden questions are
/// dropped. A page with errors stops the check: its index and errors come back.
pub fn check_online(
    all: &[Question],
    raw: &RawAnswers,
) -> Result<Vec<(Uuid, Answer)>, (usize, FormErrors)> {
    let mut answers = Vec::new();
    for (index, page) in shown_pages(all, raw).into_iter().enumerate() {
        answers.extend(check_questions(all, page, raw, Entry::Online).map_err(|e| (index, e))?);
    }
    Ok(answers)
}

/// A returned paper questionnaire as typed in: every question shown for its answers is checked,
/// blanks are fine, but a questionnaire with no answer at all is a slip of the hand.
pub struct PaperAnswers<'a>(pub &'a RawAnswers);

impl CheckForm for PaperAnswers<'_> {
    type Input = Vec<(Uuid, Answer)>;
    type Rules = [Question];

    fn check(&self, all: &[Question]) -> Result<Self::Input, FormErrors> {
        let shown = visible(all, |q, o| self.0.chose(q, o));
        let answers = check_questions(
            all,
            (0..all.len()).filter(|&i| shown[i]),
            self.0,
            Entry::Paper,
        )?;
        if answers.is_empty() {
            let mut errors = FormErrors::new();
            errors.add("paper", "survey-paper-empty");
            return Err(errors);
        }
        Ok(answers)
    }
}

/// Checks the answers to `indices`; returns the checked answers, or every error found.
fn check_questions(
    all: &[Question],
    indices: impl IntoIterator<Item = usize>,
    raw: &RawAnswers,
    entry: Entry,
) -> Result<Vec<(Uuid, Answer)>, FormErrors> {
    let mut errors = FormErrors::new();
    let answers: Vec<(Uuid, Answer)> = indices
        .into_iter()
        .filter_map(|i| {
            let q = &all[i];
            check_answer(q, raw, entry, &mut errors).map(|a| (q.model.id, a))
        })
        .collect();
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    }
}

/// Checks the answer to one question; `None` when it is unanswered (and allowed to be) or wrong
/// (then `errors` says why).
fn check_answer(
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
    let answered = match q.kind {
        Kind::Single | Kind::Multiple if values.is_empty() => None,
        Kind::Single | Kind::Multiple => Some(check_choices(q, raw, &values, &name)),
        Kind::Scale | Kind::YesNo | Kind::Number => {
            values.first().map(|_| check_number(q, &values))
        }
        Kind::ShortText | Kind::LongText => {
            let text = if q.kind == Kind::LongText {
                multiline(raw.first(&name))
            } else {
                raw.first(&name).trim().to_string()
            };
            (!text.is_empty()).then(|| check_text(q.kind, text))
        }
    };
    match answered {
        None => {
            if q.model.required && entry == Entry::Online {
                errors.add(&name, "survey-error-required");
            }
            None
        }
        Some(Ok(answer)) => Some(answer),
        Some(Err((key, args))) => {
            if args.is_empty() {
                errors.add(&name, key);
            } else {
                errors.add_with(&name, key, &args);
            }
            None
        }
    }
}

/// Why an answer was refused: a message key and its arguments.
type Refused = (&'static str, Vec<(&'static str, String)>);

fn refused(key: &'static str) -> Refused {
    (key, Vec::new())
}

fn check_choices(
    q: &Question,
    raw: &RawAnswers,
    values: &[&str],
    name: &str,
) -> Result<Answer, Refused> {
    if q.kind == Kind::Single && values.len() > 1 {
        return Err(refused("survey-error-one-only"));
    }
    let mut chosen = Vec::new();
    let mut other = None;
    for v in values {
        if *v == OTHER && q.model.allow_other {
            let text = raw.first(&format!("{name}-other")).trim().to_string();
            if text.is_empty() {
                return Err(refused("survey-error-other-missing"));
            }
            if text.chars().count() > SHORT_TEXT_MAX {
                return Err(refused("survey-error-text-long"));
            }
            other = Some(text);
        } else {
            match Uuid::parse_str(v)
                .ok()
                .filter(|id| q.options.iter().any(|o| o.id == *id))
            {
                Some(id) if !chosen.contains(&id) => chosen.push(id),
                Some(_) => {}
                None => return Err(refused("survey-error-option-unknown")),
            }
        }
    }
    let count = chosen.len() as i32 + i32::from(other.is_some());
    if let Some(min) = q.model.min_choices.filter(|m| count < *m) {
        return Err(("survey-error-choices-few", vec![("min", min.to_string())]));
    }
    if let Some(max) = q.model.max_choices.filter(|m| count > *m) {
        return Err(("survey-error-choices-many", vec![("max", max.to_string())]));
    }
    Ok(Answer::Choices(chosen, other))
}

fn check_number(q: &Question, values: &[&str]) -> Result<Answer, Refused> {
    if values.len() > 1 {
        return Err(refused("survey-error-one-only"));
    }
    let Ok(n) = values[0].replace(['.', ' '], "").parse::<i32>() else {
        return Err(refused(if q.kind == Kind::Number {
            "survey-error-number-invalid"
        } else {
            "survey-error-option-unknown"
        }));
    };
    let (lo, hi) = match q.kind {
        Kind::Scale => (q.model.scale_min, q.model.scale_max),
        Kind::YesNo => (Some(0), Some(2)),
        _ => (q.model.number_min, q.model.number_max),
    };
    if lo.is_some_and(|lo| n < lo) || hi.is_some_and(|hi| n > hi) {
        if q.kind != Kind::Number {
            return Err(refused("survey-error-option-unknown"));
        }
        // The message names the bounds the hint under the question states.
        return Err(match (lo, hi) {
            (Some(lo), Some(hi)) => (
                "survey-error-number-between",
                vec![("min", lo.to_string()), ("max", hi.to_string())],
            ),
            (Some(lo), None) => ("survey-error-number-min", vec![("min", lo.to_string())]),
            (None, Some(hi)) => ("survey-error-number-max", vec![("max", hi.to_string())]),
            (None, None) => refused("survey-error-number-invalid"),
        });
    }
    Ok(Answer::Number(n))
}

fn check_text(kind: Kind, text: String) -> Result<Answer, Refused> {
    let max = if kind == Kind::ShortText {
        SHORT_TEXT_MAX
    } else {
        LONG_TEXT_MAX
    };
    if text.chars().count() > max {
        return Err(refused("survey-error-text-long"));
    }
    Ok(Answer::Text(text))
}
