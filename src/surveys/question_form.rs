//! The question form of the survey builder: the fields as typed, their check into a
//! `QuestionInput`, the form filled from a stored question, and the form's view (kinds,
//! conditions, the goals a question may inform) shared by the survey page and the question page.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    error::AppResult,
    rounds::model as rounds_service,
    strategy::picker::{self as strategy, GoalRef},
    surveys::model::{Kind, Question},
    web::{
        context::Ctx,
        forms::{CheckForm, FormErrors, multiline},
    },
};

pub const PROMPT_MAX: usize = 500;
pub const HELP_MAX: usize = 1_000;
pub const OPTION_MAX: usize = 300;
pub const OPTIONS_MAX: usize = 30;
pub const SCALE_LABEL_MAX: usize = 100;

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

/// The numbers of the form, as typed (each `None` when empty or wrong).
struct Numbers {
    min_choices: Option<i32>,
    max_choices: Option<i32>,
    scale_min: Option<i32>,
    scale_max: Option<i32>,
    number_min: Option<i32>,
    number_max: Option<i32>,
}

impl QuestionForm {
    fn numbers(&self, errors: &mut FormErrors) -> Numbers {
        Numbers {
            min_choices: optional_int(&self.min_choices, "min_choices", errors),
            max_choices: optional_int(&self.max_choices, "max_choices", errors),
            scale_min: optional_int(&self.scale_min, "scale_min", errors),
            scale_max: optional_int(&self.scale_max, "scale_max", errors),
            number_min: optional_int(&self.number_min, "number_min", errors),
            number_max: optional_int(&self.number_max, "number_max", errors),
        }
    }

    /// The rules that depend on the kind: options, choice limits, scale, number bounds. Returns
    /// the scale's bounds (defaults 1 to 5).
    fn check_kind(
        &self,
        kind: Kind,
        options: &[String],
        n: &Numbers,
        errors: &mut FormErrors,
    ) -> (Option<i32>, Option<i32>) {
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
            if n.min_choices.is_some_and(|m| m < 0 || m > count) {
                errors.add("min_choices", "survey-error-choices-range");
            }
            if n.max_choices.is_some_and(|m| m < 1 || m > count)
                || matches!((n.min_choices, n.max_choices), (Some(a), Some(b)) if a > b)
            {
                errors.add("max_choices", "survey-error-choices-range");
            }
        }
        let scale = if kind == Kind::Scale {
            let (lo, hi) = (n.scale_min.unwrap_or(1), n.scale_max.unwrap_or(5));
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
        if kind == Kind::Number
            && matches!((n.number_min, n.number_max), (Some(a), Some(b)) if a > b)
        {
            errors.add("number_max", "survey-error-number-bounds");
        }
        if self.demographic.is_some() && kind != Kind::Single {
            errors.add("demographic", "survey-error-demographic-kind");
        }
        scale
    }

    /// The condition and the goals, as ids.
    fn links(&self, errors: &mut FormErrors) -> (Option<Uuid>, Vec<Uuid>) {
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
        (condition, goal_ids)
    }
}

impl CheckForm for QuestionForm {
    type Input = QuestionInput;
    type Rules = ();

    fn check(&self, _: &()) -> Result<QuestionInput, FormErrors> {
        let mut errors = FormErrors::new();
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
        let n = self.numbers(&mut errors);
        let Some(kind) = kind else {
            return Err(errors);
        };
        let (scale_min, scale_max) = self.check_kind(kind, &options, &n, &mut errors);
        let (condition, goal_ids) = self.links(&mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        let scale_label = |label: &str| {
            if kind == Kind::Scale {
                label.trim().to_string()
            } else {
                String::new()
            }
        };
        Ok(QuestionInput {
            kind,
            prompt,
            help: multiline(&self.help),
            required: self.required.is_some(),
            demographic: self.demographic.is_some(),
            options: if kind.has_options() {
                options
            } else {
                Vec::new()
            },
            allow_other: kind.has_options() && self.allow_other.is_some(),
            min_choices: n.min_choices.filter(|_| kind == Kind::Multiple),
            max_choices: n.max_choices.filter(|_| kind == Kind::Multiple),
            scale_min,
            scale_max,
            scale_min_label: scale_label(&self.scale_min_label),
            scale_max_label: scale_label(&self.scale_max_label),
            number_min: n.number_min.filter(|_| kind == Kind::Number),
            number_max: n.number_max.filter(|_| kind == Kind::Number),
            condition,
            goal_ids,
        })
    }
}

/// A new question is optional until the coordinator says otherwise: people skip what they cannot
/// or will not answer, and a required question they cannot answer makes them give up.
pub fn blank_question() -> QuestionForm {
    QuestionForm {
        kind: "single".into(),
        ..Default::default()
    }
}

/// The form filled from a stored question.
pub fn question_form(q: &Question) -> QuestionForm {
    let m = &q.model;
    let opt = |v: Option<i32>| v.map(|n| n.to_string()).unwrap_or_default();
    QuestionForm {
        kind: m.kind.clone(),
        prompt: m.prompt.clone(),
        help: m.help.clone(),
        required: m.required.then(|| "on".into()),
        demographic: m.demographic.then(|| "on".into()),
        options: q
            .options
            .iter()
            .map(|o| o.label.clone())
            .collect::<Vec<_>>()
            .join("\n"),
        allow_other: m.allow_other.then(|| "on".into()),
        min_choices: opt(m.min_choices),
        max_choices: opt(m.max_choices),
        scale_min: opt(m.scale_min),
        scale_max: opt(m.scale_max),
        scale_min_label: m.scale_min_label.clone(),
        scale_max_label: m.scale_max_label.clone(),
        number_min: opt(m.number_min),
        number_max: opt(m.number_max),
        condition: m
            .condition_option_id
            .map(|c| c.to_string())
            .unwrap_or_default(),
        goal_ids: q.goal_ids.iter().map(Uuid::to_string).collect(),
    }
}

/// The goals a question of `round` may inform: those the round serves.
pub async fn round_goals(ctx: &Ctx, round_id: Uuid) -> AppResult<Vec<GoalRef>> {
    let db = &ctx.state.db;
    let ids = rounds_service::goal_ids(db, round_id).await?;
    Ok(strategy::goals_by_ids(db, &ids).await?)
}

/// One entry of a select list.
#[derive(Serialize)]
pub struct Choice {
    pub value: String,
    pub text: String,
    pub selected: bool,
}

#[derive(Serialize)]
pub struct GoalChoice {
    id: Uuid,
    title: String,
    checked: bool,
}

/// The question form's view: the values as typed and the lists to choose from.
#[derive(Serialize)]
pub struct QuestionFields<'a> {
    values: &'a QuestionForm,
    kinds: Vec<Choice>,
    required: bool,
    demographic: bool,
    allow_other: bool,
    conditions: Vec<Choice>,
    goals: Vec<GoalChoice>,
}

/// The question form's view; `conditions` are the options it may depend on (question, option).
pub fn question_fields<'a>(
    ctx: &Ctx,
    form: &'a QuestionForm,
    goals: &[GoalRef],
    conditions: &[(Uuid, String, String)],
) -> QuestionFields<'a> {
    let none = Choice {
        value: String::new(),
        text: ctx.t("survey-condition-none"),
        selected: form.condition.is_empty(),
    };
    QuestionFields {
        values: form,
        kinds: Kind::ALL
            .iter()
            .map(|k| Choice {
                value: k.as_str().to_string(),
                text: ctx.t(&format!("survey-kind-{}", k.as_str())),
                selected: form.kind == k.as_str(),
            })
            .collect(),
        required: form.required.is_some(),
        demographic: form.demographic.is_some(),
        allow_other: form.allow_other.is_some(),
        conditions: std::iter::once(none)
            .chain(conditions.iter().map(|(id, q, o)| Choice {
                value: id.to_string(),
                text: format!("{q} → {o}"),
                selected: form.condition == id.to_string(),
            }))
            .collect(),
        goals: goals
            .iter()
            .map(|g| GoalChoice {
                id: g.id,
                title: g.title.clone(),
                checked: form.goal_ids.contains(&g.id.to_string()),
            })
            .collect(),
    }
}
