//! The admin pages' forms and queries, each with its check.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use entity::municipalities;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

use crate::{
    admin::service::{AuditFilter, MIN_AREA_POPULATION_FLOOR, MIN_GROUP_SIZE_FLOOR, is_valid_slug},
    identity::Role,
    web::forms::{CheckForm, FormErrors},
};

/// Validator's messages for `fields`, or none.
fn validated(form: &impl Validate, fields: &[&str]) -> FormErrors {
    match form.validate() {
        Ok(()) => FormErrors::new(),
        Err(e) => FormErrors::from_validation(&e, fields),
    }
}

#[derive(Debug, Default, Deserialize, Serialize, Validate)]
pub struct MunicipalityForm {
    #[serde(default)]
    #[validate(length(min = 2, max = 120, code = "error-municipality-name-length"))]
    pub name: String,
    #[serde(default)]
    #[validate(length(min = 2, max = 60, code = "error-slug-invalid"))]
    pub slug: String,
    #[serde(default)]
    pub min_group_size: String,
    /// Only on the edit form: a new municipality starts with the default.
    #[serde(default)]
    pub min_area_population: String,
}

impl MunicipalityForm {
    /// The slug as it is stored: trimmed, lower-case.
    pub fn slug(&self) -> String {
        self.slug.trim().to_lowercase()
    }
}

/// What the municipality check needs from the database, looked up before it.
pub struct MunicipalityRules {
    /// Another municipality has the (valid) slug already.
    pub slug_taken: bool,
    /// An existing municipality is edited (the form then has the minimum area population).
    pub editing: bool,
}

/// A checked municipality form.
pub struct MunicipalityInput {
    /// As stored: trimmed, lower-case.
    pub slug: String,
    pub min_group_size: i32,
    /// Only when editing.
    pub min_area_population: Option<i32>,
}

impl CheckForm for MunicipalityForm {
    type Input = MunicipalityInput;
    type Rules = MunicipalityRules;

    fn check(&self, rules: &MunicipalityRules) -> Result<MunicipalityInput, FormErrors> {
        let slug = self.slug();
        let mut errors = validated(self, &["name", "slug"]);
        if !is_valid_slug(&slug) {
            errors.add("slug", "error-slug-invalid");
        } else if rules.slug_taken {
            errors.add("slug", "error-slug-taken");
        }
        let min_group_size = self
            .min_group_size
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|n| (MIN_GROUP_SIZE_FLOOR..=100).contains(n));
        if min_group_size.is_none() {
            errors.add("min_group_size", "error-min-group-size");
        }
        let min_area_population = if rules.editing {
            let parsed = self
                .min_area_population
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|n| (MIN_AREA_POPULATION_FLOOR..=1_000_000).contains(n));
            if parsed.is_none() {
                errors.add("min_area_population", "error-min-area-population");
            }
            parsed
        } else {
            None
        };
        match (min_group_size, errors.is_empty()) {
            (Some(min_group_size), true) => Ok(MunicipalityInput {
                slug,
                min_group_size,
                min_area_population,
            }),
            _ => Err(errors),
        }
    }
}

#[derive(Debug, Default, Deserialize, Serialize, Validate)]
pub struct InviteForm {
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    #[validate(
        email(code = "error-email-invalid"),
        length(max = 254, code = "error-email-invalid")
    )]
    pub email: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub municipality_id: String,
}

impl InviteForm {
    /// The chosen municipality's id, if the field holds one.
    pub fn municipality_id(&self) -> Option<Uuid> {
        Uuid::parse_str(&self.municipality_id).ok()
    }
}

impl CheckForm for InviteForm {
    /// The role to grant and the municipality it is for.
    type Input = (Role, municipalities::Model);
    /// The municipality the form names, looked up before the check (`None`: there is none).
    type Rules = Option<municipalities::Model>;

    fn check(
        &self,
        municipality: &Option<municipalities::Model>,
    ) -> Result<(Role, municipalities::Model), FormErrors> {
        let mut errors = validated(self, &["email"]);
        let role = Role::parse(&self.role).filter(|r| *r != Role::Admin);
        if role.is_none() {
            errors.add("role", "error-role-unknown");
        }
        if municipality.is_none() {
            errors.add("municipality_id", "error-municipality-unknown");
        }
        match (role, municipality, errors.is_empty()) {
            (Some(role), Some(municipality), true) => Ok((role, municipality.clone())),
            _ => Err(errors),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct UserSearch {
    pub q: Option<String>,
    pub page: Option<u64>,
}

/// The audit log's filters, as typed (kept in the form and the page links).
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    pub municipality: Option<String>,
    /// Part of the acting person's e-mail address.
    pub person: Option<String>,
    /// The kind of object (`round`, `idea`, …).
    pub kind: Option<String>,
    /// First and last day, `YYYY-MM-DD`, in the instance's time zone.
    pub from: Option<String>,
    pub to: Option<String>,
    pub page: Option<u64>,
}

impl AuditQuery {
    /// The municipality filter as typed (trimmed), `None` when empty.
    pub fn municipality(&self) -> Option<&str> {
        self.municipality
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
    }

    /// The kind filter as typed (trimmed), `None` when empty.
    pub fn kind(&self) -> Option<String> {
        self.kind
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_string)
    }
}

/// What the audit filter check needs: the instance's time zone, the kinds of object the log
/// holds, and whether the municipality filter names one that exists (looked up before).
pub struct AuditRules {
    pub time_zone: Tz,
    pub kinds: Vec<String>,
    pub municipality_known: bool,
}

fn day(raw: Option<&str>, field: &str, errors: &mut FormErrors) -> Option<NaiveDate> {
    match raw.map(str::trim) {
        None | Some("") => None,
        Some(raw) => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(day) => Some(day),
            Err(_) => {
                errors.add(field, "error-audit-date");
                None
            }
        },
    }
}

impl CheckForm for AuditQuery {
    /// The filter to apply.
    type Input = AuditFilter;
    type Rules = AuditRules;

    fn check(&self, rules: &AuditRules) -> Result<AuditFilter, FormErrors> {
        let mut errors = FormErrors::new();
        let municipality_id = match self.municipality() {
            None => None,
            Some(raw) => match Uuid::parse_str(raw) {
                Ok(id) if rules.municipality_known => Some(id),
                _ => {
                    errors.add("municipality", "error-municipality-unknown");
                    None
                }
            },
        };
        let from = day(self.from.as_deref(), "from", &mut errors);
        let to = day(self.to.as_deref(), "to", &mut errors);
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            errors.add("to", "error-audit-date-order");
        }
        let kind = self.kind();
        if let Some(k) = &kind
            && !rules.kinds.contains(k)
        {
            errors.add("kind", "error-audit-kind");
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let person = self
            .person
            .as_deref()
            .map(|p| p.trim().to_lowercase())
            .filter(|p| !p.is_empty());
        let start_of = |day: NaiveDate| -> Option<DateTime<Utc>> {
            day.and_hms_opt(0, 0, 0)
                .and_then(|t| t.and_local_timezone(rules.time_zone).earliest())
                .map(|t| t.with_timezone(&Utc))
        };
        Ok(AuditFilter {
            municipality_id,
            person,
            target_type: kind,
            from: from.and_then(start_of),
            until: to.and_then(|d| d.succ_opt()).and_then(start_of),
        })
    }
}
