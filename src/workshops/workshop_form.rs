//! The workshop form coordinators fill in: its fields, its check, and the local dates and times
//! it turns into.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::model::{
    CAPACITY_MAX, LANGUAGES_MAX, PER_SIGNUP_DEFAULT, PER_SIGNUP_MAX, SHORT_MAX, TEXT_MAX,
    TITLE_MAX, checked, int,
};
use crate::web::forms::CheckForm;
use crate::{
    rounds::forms::{parse_date, parse_tags},
    web::forms::{FormErrors, multiline},
};

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
    /// The district it takes place in: one of the municipality's areas, or empty.
    pub area_id: String,
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
    /// Checked to be a parseable id here; that it is the municipality's, by the use case.
    pub area_id: Option<Uuid>,
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

pub(super) fn flag(value: bool) -> String {
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
            area_id: model.area_id.map(|a| a.to_string()).unwrap_or_default(),
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
}

impl CheckForm for WorkshopForm {
    type Input = WorkshopInput;
    type Rules = chrono_tz::Tz;

    /// Checks the form. Times are local to `tz`; the sign-up deadline is the end of its day, but
    /// never later than the start.
    fn check(&self, &tz: &chrono_tz::Tz) -> Result<WorkshopInput, FormErrors> {
        let mut errors = FormErrors::new();
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
        let area_id = match self.area_id.trim() {
            "" => None,
            id => Uuid::parse_str(id).ok().or_else(|| {
                errors.add("area_id", "error-workshop-area");
                None
            }),
        };
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
            return Err(errors);
        };
        let (Some(starts_at), Some(ends_at), Some(end_of_deadline)) = (
            local_to_utc(tz, day, s),
            local_to_utc(tz, day, e),
            d.succ_opt()
                .and_then(|next| crate::rounds::forms::start_of_day(tz, next)),
        ) else {
            errors.add("date", "error-workshop-date");
            return Err(errors);
        };
        Ok(WorkshopInput {
            title: title.to_string(),
            description: multiline(&self.description),
            starts_at,
            ends_at,
            signup_deadline: end_of_deadline.min(starts_at),
            address,
            room: self.room.trim().to_string(),
            area_id,
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
}
