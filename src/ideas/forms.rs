//! The ideas slice's forms: what the browser sends, checked into service input or messages.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    ideas::service::{AnswerInput, BoardInput, CommentInput, IdeaInput, OFFICIAL},
    web::forms::{FormErrors, multiline},
};

pub const TITLE_MAX: usize = 120;
pub const BODY_MAX: usize = 4000;
pub const COMMENT_MAX: usize = 2000;
pub const NAME_MAX: usize = 80;

fn chars(s: &str) -> usize {
    s.chars().count()
}

fn name_of(raw: &str) -> Option<String> {
    Some(raw.trim().to_string()).filter(|n| !n.is_empty())
}

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct BoardQuery {
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub status: String,
    pub page: Option<u64>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct IdeaForm {
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub district: String,
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    pub author_name: String,
    /// Only asked of visitors without an account.
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    pub email: String,
    /// How a visitor without an account follows the idea: `email` (the default) or `code` (only
    /// the receipt code: no address is asked for or kept).
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub notify: Option<String>,
}

/// The visitor's choice to follow the idea by its receipt code only.
pub const CONTACT_CODE: &str = "code";

impl IdeaForm {
    /// Whether a visitor chose to post with the receipt code only.
    pub fn code_only(&self) -> bool {
        self.contact == CONTACT_CODE
    }

    /// Checks the form against the board's categories and districts. `visitor`: posted without
    /// an account, so an address is needed unless the visitor chose the code only.
    pub fn check(
        &self,
        categories: &[Uuid],
        districts: &[String],
        visitor: bool,
        errors: &mut FormErrors,
    ) -> Option<IdeaInput> {
        let needs_email = visitor && !self.code_only();
        if self.title.is_empty() {
            errors.add("title", "idea-error-title-missing");
        } else if chars(&self.title) > TITLE_MAX {
            errors.add("title", "idea-error-title-long");
        }
        if self.body.trim().is_empty() {
            errors.add("body", "idea-error-body-missing");
        } else if chars(&self.body) > BODY_MAX {
            errors.add("body", "idea-error-body-long");
        }
        let category = Uuid::parse_str(&self.category)
            .ok()
            .filter(|c| categories.contains(c));
        if category.is_none() {
            errors.add("category", "idea-error-category");
        }
        let district = Some(self.district.trim().to_string()).filter(|d| !d.is_empty());
        if let Some(d) = &district
            && !districts.contains(d)
        {
            errors.add("district", "idea-error-district");
        }
        if chars(&self.author_name) > NAME_MAX {
            errors.add("author_name", "idea-error-name-long");
        }
        if needs_email {
            if self.email.is_empty() && self.contact.is_empty() {
                // Neither way chosen: the message names both.
                errors.add("email", "idea-error-contact-missing");
            } else if self.email.is_empty() {
                errors.add("email", "error-email-missing");
            } else if !validator::ValidateEmail::validate_email(&self.email)
                || self.email.len() > 254
            {
                errors.add("email", "error-email-invalid");
            }
        }
        let category = category?;
        errors.is_empty().then(|| IdeaInput {
            title: self.title.clone(),
            body: multiline(&self.body),
            category_id: category,
            district,
            author_name: name_of(&self.author_name),
            // Without an address there is nobody to write to.
            notify: self.notify.is_some() && !(visitor && self.code_only()),
        })
    }
}

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct CommentForm {
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub parent_id: String,
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    pub author_name: String,
}

impl CommentForm {
    pub fn check(&self, errors: &mut FormErrors) -> Option<CommentInput> {
        if self.body.trim().is_empty() {
            errors.add("body", "idea-error-comment-missing");
        } else if chars(&self.body) > COMMENT_MAX {
            errors.add("body", "idea-error-comment-long");
        }
        if chars(&self.author_name) > NAME_MAX {
            errors.add("author_name", "idea-error-name-long");
        }
        let parent_id = match self.parent_id.trim() {
            "" => None,
            raw => match Uuid::parse_str(raw) {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.add("body", "idea-error-parent");
                    None
                }
            },
        };
        errors.is_empty().then(|| CommentInput {
            body: multiline(&self.body),
            parent_id,
            author_name: name_of(&self.author_name),
        })
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct SupportForm {
    /// `add` or `remove`: a repeated click changes nothing.
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub notify: Option<String>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct BoardForm {
    #[serde(default)]
    pub round_id: String,
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    pub title: String,
    #[serde(default)]
    pub question: String,
    #[serde(default)]
    pub premoderated: Option<String>,
    #[serde(default)]
    pub closed: Option<String>,
    #[serde(default)]
    pub extra_categories: String,
    #[serde(default)]
    pub districts: String,
}

fn lines(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in s.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.iter().any(|o| o == line) {
            out.push(line.to_string());
        }
    }
    out
}

impl BoardForm {
    pub fn check(&self, rounds: &[Uuid], errors: &mut FormErrors) -> Option<BoardInput> {
        let round = Uuid::parse_str(&self.round_id)
            .ok()
            .filter(|r| rounds.contains(r));
        if round.is_none() {
            errors.add("round_id", "board-error-round");
        }
        if self.title.is_empty() {
            errors.add("title", "board-error-title-missing");
        } else if chars(&self.title) > 200 {
            errors.add("title", "board-error-title-long");
        }
        if self.question.trim().is_empty() {
            errors.add("question", "board-error-question-missing");
        } else if chars(&self.question) > 500 {
            errors.add("question", "board-error-question-long");
        }
        let extra = lines(&self.extra_categories);
        let districts = lines(&self.districts);
        if extra.iter().chain(districts.iter()).any(|l| chars(l) > 120)
            || extra.len() > 30
            || districts.len() > 100
        {
            errors.add("extra_categories", "board-error-lines");
        }
        let round = round?;
        errors.is_empty().then(|| BoardInput {
            round_id: round,
            title: self.title.clone(),
            question: multiline(&self.question),
            premoderated: self.premoderated.is_some(),
            closed: self.closed.is_some(),
            extra_categories: extra,
            districts,
        })
    }
}

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct AnswerForm {
    #[serde(default)]
    pub official_status: String,
    #[serde(default)]
    pub answer: String,
    #[serde(default)]
    pub goal_id: String,
    #[serde(default)]
    pub measure_id: String,
}

impl AnswerForm {
    /// `goals` and `measures` (with their goal) are the municipality's.
    pub fn check(
        &self,
        goals: &[Uuid],
        measures: &[(Uuid, Uuid)],
        errors: &mut FormErrors,
    ) -> Option<AnswerInput> {
        let status = self.official_status.as_str();
        if !OFFICIAL.contains(&status) {
            errors.add("official_status", "answer-error-status");
        }
        let answer = multiline(&self.answer);
        if chars(&answer) > BODY_MAX {
            errors.add("answer", "answer-error-long");
        } else if answer.is_empty() && !matches!(status, "new" | "review") {
            let key = if status == "rejected" {
                "answer-error-reason"
            } else {
                "answer-error-missing"
            };
            errors.add("answer", key);
        }
        let measure = Uuid::parse_str(&self.measure_id).ok();
        let measure = match measure {
            Some(m) => match measures.iter().find(|(id, _)| *id == m) {
                Some(found) => Some(*found),
                None => {
                    errors.add("measure_id", "answer-error-measure");
                    None
                }
            },
            None => None,
        };
        let goal = match Uuid::parse_str(&self.goal_id).ok() {
            Some(g) if goals.contains(&g) => Some(g),
            Some(_) => {
                errors.add("goal_id", "answer-error-goal");
                None
            }
            None => measure.map(|(_, g)| g),
        };
        if matches!(status, "adopted" | "partly" | "implemented") && goal.is_none() {
            errors.add("goal_id", "answer-error-link");
        }
        errors.is_empty().then(|| AnswerInput {
            status: status.to_string(),
            answer,
            goal_id: goal,
            measure_id: measure.map(|(m, _)| m),
        })
    }
}

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct FlagForm {
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ReceiptQuery {
    #[serde(default)]
    pub code: String,
}
