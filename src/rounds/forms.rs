//! The forms of the rounds slice and their checks. Checks that need the database (slug taken,
//! goals of this municipality) follow in the editor. Also the date, tag and phone rules other
//! slices share.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use entity::municipalities;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    admin::service::is_valid_slug,
    web::forms::{CheckForm, FormErrors, multiline},
};

pub const TITLE_MAX: usize = 200;
pub const SUMMARY_MAX: usize = 600;
pub const DESCRIPTION_MAX: usize = 20_000;
pub const TAG_MAX: usize = 80;
pub const TAGS_MAX: usize = 12;
pub const EVALUATION_MAX: usize = 20_000;

/// The round form as typed: every field is kept as a string so a form with errors comes back
/// exactly as it was sent.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RoundForm {
    pub title: String,
    pub slug: String,
    pub summary: String,
    pub description: String,
    pub target_groups: String,
    pub starts_on: String,
    pub ends_on: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub contact_address: String,
    pub goal_ids: Vec<String>,
}

/// A round form that passed the checks that need no database.
#[derive(Clone, Debug)]
pub struct RoundInput {
    pub title: String,
    /// Empty: generate one from the title.
    pub slug: String,
    pub summary: String,
    pub description: String,
    pub target_groups: Vec<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub contact_address: String,
    pub goal_ids: Vec<Uuid>,
}

impl CheckForm for RoundForm {
    type Input = RoundInput;
    /// The municipality's time zone.
    type Rules = chrono_tz::Tz;

    /// Checks the form. Dates are whole days in the municipality's time zone: a round opens at
    /// the start of its first day and closes at the end of its last.
    fn check(&self, tz: &chrono_tz::Tz) -> Result<RoundInput, FormErrors> {
        let mut errors = FormErrors::new();
        let errors = &mut errors;
        let title = self.title.trim();
        if title.is_empty() {
            errors.add("title", "error-round-title-missing");
        } else if title.chars().count() > TITLE_MAX {
            errors.add("title", "error-round-title-long");
        }
        let slug = self.slug.trim().to_lowercase();
        if !slug.is_empty() && (!is_valid_slug(&slug) || slug.len() > 60) {
            errors.add("slug", "error-slug-invalid");
        }
        let summary = multiline(&self.summary);
        if summary.is_empty() {
            errors.add("summary", "error-round-summary-missing");
        } else if summary.chars().count() > SUMMARY_MAX {
            errors.add("summary", "error-round-summary-long");
        }
        if self.description.chars().count() > DESCRIPTION_MAX {
            errors.add("description", "error-round-description-long");
        }
        let target_groups = parse_tags(&self.target_groups);
        if target_groups.len() > TAGS_MAX
            || target_groups.iter().any(|t| t.chars().count() > TAG_MAX)
        {
            errors.add("target_groups", "error-round-target-groups");
        }
        let starts_on = parse_date(&self.starts_on);
        let ends_on = parse_date(&self.ends_on);
        if starts_on.is_none() {
            errors.add("starts_on", "error-round-date");
        }
        if ends_on.is_none() {
            errors.add("ends_on", "error-round-date");
        }
        if let (Some(start), Some(end)) = (starts_on, ends_on)
            && end < start
        {
            errors.add("ends_on", "error-round-end-before-start");
        }
        let contact_name = self.contact_name.trim();
        if contact_name.is_empty() || contact_name.chars().count() > 200 {
            errors.add("contact_name", "error-round-contact-name");
        }
        let contact_phone = self.contact_phone.trim();
        let contact_email = self.contact_email.trim();
        if !contact_phone.is_empty() && !is_phone_number(contact_phone) {
            errors.add("contact_phone", "error-phone-invalid");
        }
        if !contact_email.is_empty()
            && (!validator::ValidateEmail::validate_email(&contact_email)
                || contact_email.len() > 254)
        {
            errors.add("contact_email", "error-email-invalid");
        }
        if contact_phone.is_empty() && contact_email.is_empty() {
            errors.add("contact_phone", "error-round-contact-reach");
        }
        if self.contact_address.chars().count() > 2_000 {
            errors.add("contact_address", "error-round-contact-address-long");
        }
        let goal_ids: Vec<Uuid> = self
            .goal_ids
            .iter()
            .filter_map(|id| Uuid::parse_str(id.trim()).ok())
            .collect();
        if goal_ids.is_empty() || goal_ids.len() != self.goal_ids.len() {
            errors.add("goal_ids", "error-round-goals-missing");
        }
        let (Some(start), Some(end), true) = (starts_on, ends_on, errors.is_empty()) else {
            return Err(std::mem::take(errors));
        };
        let (Some(starts_at), Some(ends_at)) = (
            start_of_day(*tz, start),
            end.succ_opt().and_then(|next| start_of_day(*tz, next)),
        ) else {
            errors.add("starts_on", "error-round-date");
            return Err(std::mem::take(errors));
        };
        let mut goal_ids = goal_ids;
        goal_ids.sort();
        goal_ids.dedup();
        Ok(RoundInput {
            title: title.to_string(),
            slug,
            summary,
            description: multiline(&self.description),
            target_groups,
            starts_at,
            ends_at,
            contact_name: contact_name.to_string(),
            contact_phone: contact_phone.to_string(),
            contact_email: contact_email.to_lowercase(),
            contact_address: multiline(&self.contact_address),
            goal_ids,
        })
    }
}

/// `YYYY-MM-DD`, as `<input type="date">` sends it; `DD.MM.YYYY` too, as people type it where
/// the browser shows a plain text field.
pub fn parse_date(value: &str) -> Option<NaiveDate> {
    let value = value.trim();
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(value, "%d.%m.%Y"))
        .ok()
}

/// Midnight at the start of `day` in `tz` (the first valid moment where a DST change skips it).
pub fn start_of_day(tz: chrono_tz::Tz, day: NaiveDate) -> Option<DateTime<Utc>> {
    let midnight = day.and_hms_opt(0, 0, 0)?;
    tz.from_local_datetime(&midnight)
        .earliest()
        .or_else(|| {
            midnight
                .checked_add_signed(chrono::Duration::hours(1))
                .and_then(|t| tz.from_local_datetime(&t).earliest())
        })
        .map(|t| t.with_timezone(&Utc))
}

/// The last day of a period that ends (exclusively) at `ends_at`.
pub fn last_day(tz: chrono_tz::Tz, ends_at: DateTime<Utc>) -> NaiveDate {
    (ends_at - chrono::Duration::seconds(1))
        .with_timezone(&tz)
        .date_naive()
}

pub fn first_day(tz: chrono_tz::Tz, starts_at: DateTime<Utc>) -> NaiveDate {
    starts_at.with_timezone(&tz).date_naive()
}

/// Comma- or line-separated tags, trimmed, inner spaces collapsed, duplicates (ignoring case)
/// dropped, in the order typed.
pub fn parse_tags(value: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for raw in value.split([',', ';', '\n']) {
        let tag = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if !tag.is_empty() && !tags.iter().any(|t| t.to_lowercase() == tag.to_lowercase()) {
            tags.push(tag);
        }
    }
    tags
}

/// Digits with the usual separators, at least five digits: "0721 133-5000", "+49 (721) 1335".
pub fn is_phone_number(value: &str) -> bool {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    (5..=20).contains(&digits)
        && value.len() <= 40
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || " +-/()".contains(c))
}

/// A slug made from a title: German umlauts spelled out, everything else reduced to lower-case
/// letters, digits and single hyphens.
pub fn slug_from_title(title: &str) -> String {
    let mut out = String::new();
    for c in title.to_lowercase().chars() {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => out.push('-'),
        }
    }
    let mut slug = String::new();
    for part in out.split('-').filter(|p| !p.is_empty()) {
        if slug.len() + part.len() + 1 > 60 {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(part);
    }
    if slug.is_empty() {
        "runde".to_string()
    } else {
        slug
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct EvaluationForm {
    pub evaluation_summary: String,
}

impl CheckForm for EvaluationForm {
    /// The public summary as it is stored.
    type Input = String;
    type Rules = ();

    fn check(&self, _: &()) -> Result<String, FormErrors> {
        let text = multiline(&self.evaluation_summary);
        if text.chars().count() > EVALUATION_MAX {
            let mut errors = FormErrors::new();
            errors.add("evaluation_summary", "error-round-evaluation-long");
            return Err(errors);
        }
        Ok(text)
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct HomeQuery {
    pub municipality: String,
    pub group: String,
    pub page: Option<u64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ManageQuery {
    pub status: String,
    pub page: Option<u64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewRoundQuery {
    pub municipality: String,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SubscribeForm {
    pub municipality: String,
    #[serde(deserialize_with = "crate::web::forms::trimmed")]
    pub email: String,
}

/// A subscription form that passed its checks.
pub struct SubscribeInput {
    pub place: municipalities::Model,
    pub email: String,
}

impl CheckForm for SubscribeForm {
    type Input = SubscribeInput;
    /// The municipalities one may subscribe to.
    type Rules = [municipalities::Model];

    fn check(&self, places: &[municipalities::Model]) -> Result<SubscribeInput, FormErrors> {
        let mut errors = FormErrors::new();
        let place = places.iter().find(|m| m.slug == self.municipality);
        if place.is_none() {
            errors.add("municipality", "error-municipality-unknown");
        }
        if self.email.is_empty() {
            errors.add("email", "error-email-missing");
        } else if !validator::ValidateEmail::validate_email(&self.email) || self.email.len() > 254 {
            errors.add("email", "error-email-invalid");
        }
        match place {
            Some(place) if errors.is_empty() => Ok(SubscribeInput {
                place: place.clone(),
                email: self.email.clone(),
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_spell_out_umlauts_and_collapse_everything_else() {
        assert_eq!(
            slug_from_title("Wohnen für Ältere – was fehlt?"),
            "wohnen-fuer-aeltere-was-fehlt"
        );
        assert_eq!(slug_from_title("  !!! "), "runde");
        assert!(slug_from_title(&"Straße ".repeat(30)).len() <= 60);
    }

    #[test]
    fn tags_are_trimmed_and_deduplicated_ignoring_case() {
        assert_eq!(
            parse_tags(" Alleinerziehende,alleinerziehende ;  Seniorinnen   und Senioren\n"),
            vec!["Alleinerziehende", "Seniorinnen und Senioren"]
        );
    }

    #[test]
    fn a_period_is_whole_days_in_the_local_time_zone() {
        let tz = chrono_tz::Europe::Berlin;
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
        let start = start_of_day(tz, day).unwrap_or_default();
        assert_eq!(start.to_rfc3339(), "2026-11-30T23:00:00+00:00");
        assert_eq!(first_day(tz, start), day);
        let end = start_of_day(tz, day.succ_opt().unwrap_or_default()).unwrap_or_default();
        assert_eq!(last_day(tz, end), day);
    }

    #[test]
    fn phone_numbers_allow_the_usual_separators() {
        assert!(is_phone_number("0721 133-5000"));
        assert!(is_phone_number("+49 (721) 133 50"));
        assert!(!is_phone_number("123"));
        assert!(!is_phone_number("call me"));
    }
}
