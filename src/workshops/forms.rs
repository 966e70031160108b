//! The forms of the workshops slice and their checks. Error messages are locale keys.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    rounds::forms::{is_phone_number, parse_date, parse_tags},
    web::forms::{FormErrors, multiline},
};

pub const TITLE_MAX: usize = 200;
pub const TEXT_MAX: usize = 20_000;
pub const SHORT_MAX: usize = 200;
pub const NOTE_MAX: usize = 1_000;
pub const CAPACITY_MAX: i32 = 10_000;
pub const PER_SIGNUP_DEFAULT: i32 = 4;
pub const PER_SIGNUP_MAX: i32 = 20;
pub const CHILDREN_MAX: i32 = 12;
pub const LANGUAGES_MAX: usize = 12;

/// The coordinator's workshop form as typed (strings, so a form with errors comes back as sent).
/// Offers are checkboxes: present (any value) means offered.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct WorkshopForm {
    pub title: String,
    pub description: String,
    pub date: String,
    pub starts_time: String,
    pub ends_time: String,
    pub deadline_on: String,
    pub address: String,
    pub room: String,
    pub transit: String,
    pub capacity: String,
    pub max_per_signup: String,
    pub step_free: String,
    pub childcare: String,
    pub sign_language: String,
    pub travel_costs: String,
    pub food: String,
    pub interpreter_languages: String,
}

/// A workshop form that passed its checks.
#[derive(Clone, Debug)]
pub struct WorkshopInput {
    pub title: String,
    pub description: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub signup_deadline: DateTime<Utc>,
    pub address: String,
    pub room: String,
    pub transit: String,
    pub capacity: i32,
    pub max_per_signup: i32,
    pub step_free: bool,
    pub childcare: bool,
    pub sign_language: bool,
    pub travel_costs: bool,
    pub food: bool,
    pub interpreter_languages: Vec<String>,
}

fn parse_time(value: &str) -> Option<NaiveTime> {
    let value = value.trim().trim_end_matches(" Uhr");
    NaiveTime::parse_from_str(value, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(value, "%H.%M"))
        .or_else(|_| NaiveTime::parse_from_str(value, "%H:%M:%S"))
        .ok()
}

/// A local date and time in `tz` as UTC (the earlier one when a DST change repeats it).
pub fn local_to_utc(tz: chrono_tz::Tz, day: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&day.and_time(time))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

fn int(value: &str) -> Option<i32> {
    value.trim().parse().ok()
}

fn checked(value: &str) -> bool {
    !value.is_empty()
}

fn flag(value: bool) -> String {
    if value { "1".into() } else { String::new() }
}

impl WorkshopForm {
    pub fn blank() -> Self {
        Self {
            max_per_signup: PER_SIGNUP_DEFAULT.to_string(),
            starts_time: "17:00".into(),
            ends_time: "19:00".into(),
            ..Self::default()
        }
    }

    pub fn of(model: &entity::workshops::Model, tz: chrono_tz::Tz) -> Self {
        let start = model.starts_at.with_timezone(&tz);
        let end = model.ends_at.with_timezone(&tz);
        Self {
            title: model.title.clone(),
            description: model.description.clone(),
            date: start.format("%Y-%m-%d").to_string(),
            starts_time: start.format("%H:%M").to_string(),
            ends_time: end.format("%H:%M").to_string(),
            deadline_on: model
                .signup_deadline
                .with_timezone(&tz)
                .format("%Y-%m-%d")
                .to_string(),
            address: model.address.clone(),
            room: model.room.clone(),
            transit: model.transit.clone(),
            capacity: model.capacity.to_string(),
            max_per_signup: model.max_per_signup.to_string(),
            step_free: flag(model.step_free),
            childcare: flag(model.childcare),
            sign_language: flag(model.sign_language),
            travel_costs: flag(model.travel_costs),
            food: flag(model.food),
            interpreter_languages: model.interpreter_languages.clone(),
        }
    }

    /// Checks the form. Times are local to `tz`; the sign-up deadline is the end of its day, but
    /// never later than the start.
    pub fn check(&self, tz: chrono_tz::Tz, errors: &mut FormErrors) -> Option<WorkshopInput> {
        let title = self.title.trim();
        if title.is_empty() {
            errors.add("title", "error-workshop-title-missing");
        } else if title.chars().count() > TITLE_MAX {
            errors.add("title", "error-workshop-title-long");
        }
        if self.description.chars().count() > TEXT_MAX {
            errors.add("description", "error-workshop-text-long");
        }
        let date = parse_date(&self.date);
        if date.is_none() {
            errors.add("date", "error-workshop-date");
        }
        let starts = parse_time(&self.starts_time);
        if starts.is_none() {
            errors.add("starts_time", "error-workshop-time");
        }
        let ends = parse_time(&self.ends_time);
        if ends.is_none() {
            errors.add("ends_time", "error-workshop-time");
        }
        if let (Some(s), Some(e)) = (starts, ends)
            && e <= s
        {
            errors.add("ends_time", "error-workshop-end-before-start");
        }
        let deadline = parse_date(&self.deadline_on);
        if deadline.is_none() {
            errors.add("deadline_on", "error-workshop-date");
        }
        if let (Some(d), Some(day)) = (deadline, date)
            && d > day
        {
            errors.add("deadline_on", "error-workshop-deadline-after");
        }
        let address = multiline(&self.address);
        if address.is_empty() {
            errors.add("address", "error-workshop-address-missing");
        } else if address.chars().count() > 2_000 {
            errors.add("address", "error-workshop-text-long");
        }
        if self.room.trim().chars().count() > SHORT_MAX {
            errors.add("room", "error-workshop-short-long");
        }
        if self.transit.chars().count() > 2_000 {
            errors.add("transit", "error-workshop-text-long");
        }
        let capacity = int(&self.capacity).filter(|c| (1..=CAPACITY_MAX).contains(c));
        if capacity.is_none() {
            errors.add("capacity", "error-workshop-capacity");
        }
        let per_signup = int(&self.max_per_signup).filter(|c| (1..=PER_SIGNUP_MAX).contains(c));
        if per_signup.is_none() {
            errors.add("max_per_signup", "error-workshop-per-signup");
        }
        let languages = parse_tags(&self.interpreter_languages);
        if languages.len() > LANGUAGES_MAX || languages.iter().any(|l| l.chars().count() > 60) {
            errors.add("interpreter_languages", "error-workshop-languages");
        }
        let (Some(day), Some(s), Some(e), Some(d), Some(capacity), Some(per_signup), true) = (
            date,
            starts,
            ends,
            deadline,
            capacity,
            per_signup,
            errors.is_empty(),
        ) else {
            return None;
        };
        let (Some(starts_at), Some(ends_at), Some(end_of_deadline)) = (
            local_to_utc(tz, day, s),
            local_to_utc(tz, day, e),
            d.succ_opt()
                .and_then(|next| crate::rounds::forms::start_of_day(tz, next)),
        ) else {
            errors.add("date", "error-workshop-date");
            return None;
        };
        Some(WorkshopInput {
            title: title.to_string(),
            description: multiline(&self.description),
            starts_at,
            ends_at,
            signup_deadline: end_of_deadline.min(starts_at),
            address,
            room: self.room.trim().to_string(),
            transit: multiline(&self.transit),
            capacity,
            max_per_signup: per_signup,
            step_free: checked(&self.step_free),
            childcare: checked(&self.childcare),
            sign_language: checked(&self.sign_language),
            travel_costs: checked(&self.travel_costs),
            food: checked(&self.food),
            interpreter_languages: languages,
        })
    }
}

/// The sign-up form, for residents and for staff adding someone by hand.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SignupForm {
    pub name: String,
    #[serde(deserialize_with = "crate::web::forms::trimmed")]
    pub email: String,
    #[serde(deserialize_with = "crate::web::forms::trimmed")]
    pub phone: String,
    pub people: String,
    pub childcare: String,
    pub children: String,
    pub children_ages: String,
    pub interpreter_language: String,
    pub step_free: String,
    pub note: String,
}

/// A sign-up that passed its checks.
#[derive(Clone, Debug)]
pub struct SignupInput {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub people: i32,
    pub children: i32,
    pub children_ages: Option<String>,
    pub interpreter_language: Option<String>,
    pub step_free: bool,
    pub note: Option<String>,
}

fn some(value: &str) -> Option<String> {
    Some(value.trim().to_string()).filter(|v| !v.is_empty())
}

impl SignupForm {
    pub fn blank() -> Self {
        Self {
            people: "1".into(),
            ..Self::default()
        }
    }

    pub fn of(signup: &entity::workshop_signups::Model) -> Self {
        Self {
            name: signup.name.clone().unwrap_or_default(),
            email: signup.email.clone().unwrap_or_default(),
            phone: signup.phone.clone().unwrap_or_default(),
            people: signup.people.to_string(),
            childcare: flag(signup.children > 0),
            children: if signup.children > 0 {
                signup.children.to_string()
            } else {
                String::new()
            },
            children_ages: signup.children_ages.clone().unwrap_or_default(),
            interpreter_language: signup.interpreter_language.clone().unwrap_or_default(),
            step_free: flag(signup.step_free),
            note: signup.note.clone().unwrap_or_default(),
        }
    }

    /// Checks the form against what the workshop offers: at most `max_people`, an interpreter
    /// language only among `languages`.
    pub fn check(
        &self,
        max_people: i32,
        languages: &[String],
        errors: &mut FormErrors,
    ) -> Option<SignupInput> {
        let name = self.name.trim();
        if name.is_empty() {
            errors.add("name", "error-signup-name-missing");
        } else if name.chars().count() > SHORT_MAX {
            errors.add("name", "error-signup-name-long");
        }
        let email = some(&self.email).map(|e| e.to_lowercase());
        if let Some(e) = &email
            && (!validator::ValidateEmail::validate_email(e) || e.len() > 254)
        {
            errors.add("email", "error-email-invalid");
        }
        let phone = some(&self.phone);
        if let Some(p) = &phone
            && !is_phone_number(p)
        {
            errors.add("phone", "error-phone-invalid");
        }
        let people = int(&self.people);
        match people {
            Some(n) if n >= 1 && n <= max_people => {}
            Some(n) if n > max_people => errors.add("people", "error-signup-people-limit"),
            _ => errors.add("people", "error-signup-people"),
        }
        let childcare = checked(&self.childcare);
        let children = if childcare {
            match int(&self.children) {
                Some(n) if (1..=CHILDREN_MAX).contains(&n) => n,
                _ => {
                    errors.add("children", "error-signup-children");
                    0
                }
            }
        } else {
            0
        };
        let ages = some(&self.children_ages).filter(|_| childcare);
        if ages.as_ref().is_some_and(|a| a.chars().count() > SHORT_MAX) {
            errors.add("children_ages", "error-signup-ages-long");
        }
        let interpreter = some(&self.interpreter_language);
        if let Some(l) = &interpreter
            && !languages.iter().any(|o| o == l)
        {
            errors.add("interpreter_language", "error-signup-language");
        }
        let note = Some(multiline(&self.note)).filter(|n| !n.is_empty());
        if note.as_ref().is_some_and(|n| n.chars().count() > NOTE_MAX) {
            errors.add("note", "error-signup-note-long");
        }
        if !errors.is_empty() {
            return None;
        }
        Some(SignupInput {
            name: name.to_string(),
            email,
            phone,
            people: people.unwrap_or(1),
            children,
            children_ages: ages,
            interpreter_language: interpreter,
            step_free: checked(&self.step_free),
            note,
        })
    }
}

/// Documentation after the workshop, with the goals it informed.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct DocumentationForm {
    pub documentation: String,
    pub goal_ids: Vec<String>,
}

/// Check-in by code (typed at the door) or by sign-up id (a button in the list).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CheckinForm {
    pub code: String,
    pub signup_id: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignupRef {
    pub signup_id: String,
}

/// A sign-up code as people type it: case and spaces do not matter.
pub fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_winter_evening_in_berlin_is_an_hour_earlier_in_utc() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap_or_default();
        let time = NaiveTime::from_hms_opt(18, 0, 0).unwrap_or_default();
        let at = local_to_utc(chrono_tz::Europe::Berlin, day, time).unwrap_or_default();
        assert_eq!(at.to_rfc3339(), "2026-12-03T17:00:00+00:00");
    }

    #[test]
    fn codes_ignore_case_spaces_and_hyphens() {
        assert_eq!(normalize_code(" ab3-k9 x"), "AB3K9X");
    }

    #[test]
    fn a_sign_up_over_the_limit_is_refused_with_its_own_message() {
        let form = SignupForm {
            name: "Aylin".into(),
            people: "5".into(),
            ..SignupForm::default()
        };
        let mut errors = FormErrors::new();
        assert!(form.check(4, &[], &mut errors).is_none());
        let view = errors.view(crate::web::i18n::Lang::De);
        assert!(view["fields"]["people"].is_string());
    }
}
