//! The domain of the surveys slice that every use case shares: question kinds, the stored status,
//! access, channel and free-text strings as enums, a question with its options and goals, the
//! cells its answers are counted in, and why a change to a survey is refused.

use entity::{survey_options, survey_questions};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::web::i18n::{self, Lang};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Single,
    Multiple,
    Scale,
    YesNo,
    Number,
    ShortText,
    LongText,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Single,
        Kind::Multiple,
        Kind::Scale,
        Kind::YesNo,
        Kind::Number,
        Kind::ShortText,
        Kind::LongText,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Single => "single",
            Kind::Multiple => "multiple",
            Kind::Scale => "scale",
            Kind::YesNo => "yesno",
            Kind::Number => "number",
            Kind::ShortText => "short_text",
            Kind::LongText => "long_text",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn has_options(self) -> bool {
        matches!(self, Kind::Single | Kind::Multiple)
    }

    pub fn is_text(self) -> bool {
        matches!(self, Kind::ShortText | Kind::LongText)
    }

    /// Results are counts per option or value (the rest: average or texts).
    pub fn is_counted(self) -> bool {
        matches!(
            self,
            Kind::Single | Kind::Multiple | Kind::Scale | Kind::YesNo
        )
    }
}

/// Yes/no/don't know answers are stored as numbers.
pub const YES: i32 = 1;
pub const NO: i32 = 0;
pub const DONT_KNOW: i32 = 2;

/// A survey's status (`surveys.status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Open,
    Closed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Open => "open",
            Status::Closed => "closed",
        }
    }

    /// Whether `stored` (a `surveys.status` value) is this status.
    pub fn is(self, stored: &str) -> bool {
        stored == self.as_str()
    }
}

/// Who may answer a survey (`surveys.access`): anyone (one response per browser), people with an
/// account, or holders of a one-time access code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Access {
    #[serde(rename = "none")]
    Anyone,
    #[serde(rename = "account")]
    Account,
    #[serde(rename = "code")]
    Code,
}

impl Access {
    pub const ALL: [Access; 3] = [Access::Anyone, Access::Account, Access::Code];

    pub fn as_str(self) -> &'static str {
        match self {
            Access::Anyone => "none",
            Access::Account => "account",
            Access::Code => "code",
        }
    }

    pub fn parse(s: &str) -> Option<Access> {
        Access::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// Whether `stored` (a `surveys.access` value) is this access.
    pub fn is(self, stored: &str) -> bool {
        stored == self.as_str()
    }
}

/// How a response came in (`survey_responses.channel`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Online,
    Paper,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::Paper => "paper",
        }
    }
}

/// Where a free-text answer is in the release queue (`survey_answers.text_status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextStatus {
    Pending,
    Released,
    Rejected,
}

impl TextStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TextStatus::Pending => "pending",
            TextStatus::Released => "released",
            TextStatus::Rejected => "rejected",
        }
    }
}

/// A question with its options (in order) and the goals it informs.
#[derive(Clone, Debug)]
pub struct Question {
    pub model: survey_questions::Model,
    pub kind: Kind,
    pub options: Vec<survey_options::Model>,
    pub goal_ids: Vec<Uuid>,
}

/// What a count belongs to within a question.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cell {
    Option(Uuid),
    Other,
    Value(i32),
}

/// The cells a question's answers are counted in, with their labels, in display order (also the
/// radio buttons of a scale or yes/no question).
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

/// Why a change to a survey was refused (409 with this message).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    HasAnswers,
    NoQuestions,
    WrongState,
    ConditionOrder,
    Depended,
    ConditionInvalid,
}

impl Refusal {
    pub fn message_key(self) -> &'static str {
        match self {
            Refusal::HasAnswers => "survey-refused-has-answers",
            Refusal::NoQuestions => "survey-refused-no-questions",
            Refusal::WrongState => "survey-refused-state",
            Refusal::ConditionOrder => "survey-refused-condition-order",
            Refusal::Depended => "survey-refused-depended",
            Refusal::ConditionInvalid => "survey-error-condition",
        }
    }
}
