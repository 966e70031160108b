//! Signing up for a workshop without an account: the form, its check, and the sign-up stored
//! through the group commit, confirmed or on the waitlist.

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use entity::workshop_signups;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::mail::notify;
use super::model::{
    CHILDREN_MAX, Decided, NOTE_MAX, Refusal, SHORT_MAX, SignupStatus, Source, Status, checked,
    find, find_for_update, find_public, int, occupancy_of, some,
};
use super::show::public_page;
use super::views::languages;
use super::workshop_form::flag;
use crate::web::forms::CheckForm;
use crate::{
    audit::service::{self as audit, Entry},
    error::{AppError, AppResult},
    identity::CurrentUser,
    notifications::service::{self as notifications},
    rounds::forms::is_phone_number,
    secrets,
    state::AppState,
    web::{
        context::{Ctx, FlashKind, see_other},
        forms::{FormErrors, HtmlForm, multiline},
        i18n::Lang,
        rate_limit,
    },
};
use entity::workshops;

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
}

/// What a sign-up is checked against: what the workshop offers, at most `max_people` per
/// sign-up and an interpreter only for one of `languages`.
pub struct SignupRules {
    pub max_people: i32,
    pub languages: Vec<String>,
}

impl SignupRules {
    pub fn of(workshop: &workshops::Model) -> Self {
        Self {
            max_people: workshop.max_per_signup,
            languages: languages(workshop),
        }
    }
}

impl CheckForm for SignupForm {
    type Input = SignupInput;
    type Rules = SignupRules;

    fn check(&self, rules: &SignupRules) -> Result<SignupInput, FormErrors> {
        let (max_people, languages) = (rules.max_people, &rules.languages);
        let mut errors = FormErrors::new();
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
            return Err(errors);
        }
        Ok(SignupInput {
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

pub async fn sign_up(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: HtmlForm<SignupForm>,
) -> AppResult<HttpResponse> {
    let db = &ctx.state.db;
    let workshop = find_public(db, *id).await?.ok_or(AppError::NotFound)?;
    let form = form.0;
    let now = ctx.state.clock.now();
    let input = match form.check(&SignupRules::of(&workshop)) {
        Ok(input) => input,
        Err(errors) => {
            return public_page(
                &ctx,
                &workshop,
                &form,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    // One short write, committed together with others arriving at the same time (group commit);
    // the rate-limit hit goes with it. A refusal writes nothing but the hit.
    let (state, workshop_id, lang, client_ip) =
        (ctx.state.clone(), workshop.id, ctx.lang, ctx.client_ip());
    let decided = ctx
        .state
        .writes
        .run(move |txn| {
            Box::pin(async move {
                let limit = rate_limit::WORKSHOP_SIGNUP_PER_IP;
                if !rate_limit::hit(txn, &state.keys, limit, &client_ip, now.timestamp()).await? {
                    return Ok(None);
                }
                let decided = store_signup(
                    txn,
                    &state,
                    workshop_id,
                    &input,
                    lang,
                    Signer::Resident,
                    now,
                )
                .await?;
                Ok::<_, AppError>(Some(decided))
            })
        })
        .await?;
    let Some(decided) = decided else {
        return Err(rate_limit::too_many(rate_limit::WORKSHOP_SIGNUP_PER_IP));
    };
    match decided {
        Ok(created) => {
            notifications::wake(&ctx.state);
            ctx.flash(
                FlashKind::Success,
                if SignupStatus::Confirmed.is(&created.signup.status) {
                    "signup-created"
                } else {
                    "signup-waitlisted"
                },
            )?;
            Ok(see_other(&format!("/signups/{}?new=1", created.token)))
        }
        Err(refusal) => {
            let current = find(db, workshop.id).await?.ok_or(AppError::NotFound)?;
            let mut errors = FormErrors::new();
            errors.add("signup", refusal.message_key());
            public_page(&ctx, &current, &form, &errors, StatusCode::CONFLICT).await
        }
    }
}

/// A new sign-up as its author learns of it: the token is shown once and stored only hashed.
pub struct Created {
    pub signup: workshop_signups::Model,
    pub token: String,
}

/// Letters and digits nobody mixes up on the phone or in handwriting (no 0/O, 1/I/L, 2/Z, 5/S,
/// 6/G, 8/B).
const CODE_ALPHABET: &[u8] = b"ACDEFHJKMNPRTUVWXY3479";
const CODE_LEN: usize = 6;

fn new_code() -> String {
    let mut bytes = [0u8; CODE_LEN];
    getrandom::fill(&mut bytes)
        .unwrap_or_else(|e| panic!("the operating system has no randomness: {e}"));
    bytes
        .iter()
        .map(|b| CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()] as char)
        .collect()
}

/// Who signs up: a resident online, or staff by hand (after a phone call or at the door; the
/// deadline does not apply to them).
#[derive(Clone, Copy)]
pub enum Signer<'a> {
    Resident,
    Staff(&'a CurrentUser),
}

/// Signs up for a workshop. Must run in a write transaction; the workshop row is locked first,
/// so concurrent sign-ups are decided one after another on the current count: confirmed when
/// the people fit and nobody waits, else waitlisted.
pub async fn store_signup(
    db: &impl ConnectionTrait,
    state: &AppState,
    workshop_id: Uuid,
    input: &SignupInput,
    lang: Lang,
    signer: Signer<'_>,
    now: DateTime<Utc>,
) -> Result<Decided<Created>, AppError> {
    let workshop = find_for_update(db, workshop_id)
        .await?
        .ok_or(AppError::NotFound)?;
    match Status::parse(&workshop.status) {
        Some(Status::Published) => {}
        Some(Status::Cancelled) => return Ok(Err(Refusal::Cancelled)),
        _ => return Ok(Err(Refusal::NotOpen)),
    }
    if matches!(signer, Signer::Resident) && now >= workshop.signup_deadline {
        return Ok(Err(Refusal::DeadlinePassed));
    }
    let occupied = occupancy_of(db, workshop.id).await?;
    let fits = occupied.waitlisted_signups == 0
        && occupied.confirmed + i64::from(input.people) <= i64::from(workshop.capacity);
    let mut code = new_code();
    while workshop_signups::Entity::find()
        .filter(workshop_signups::Column::WorkshopId.eq(workshop.id))
        .filter(workshop_signups::Column::Code.eq(code.as_str()))
        .count(db)
        .await?
        > 0
    {
        code = new_code();
    }
    let token = secrets::random_token(24);
    let signup = workshop_signups::ActiveModel {
        id: Set(Uuid::now_v7()),
        workshop_id: Set(workshop.id),
        seq: Set(i32::try_from(occupied.last_seq + 1).unwrap_or(i32::MAX)),
        code: Set(code),
        token_hash: Set(Some(secrets::token_hash(&token))),
        status: Set(if fits {
            SignupStatus::Confirmed
        } else {
            SignupStatus::Waitlisted
        }
        .as_str()
        .into()),
        people: Set(input.people),
        name: Set(Some(input.name.clone())),
        email: Set(input.email.clone()),
        phone: Set(input.phone.clone()),
        children: Set(input.children),
        children_ages: Set(input.children_ages.clone()),
        interpreter_language: Set(input.interpreter_language.clone()),
        step_free: Set(input.step_free),
        note: Set(input.note.clone()),
        lang: Set(lang.code().into()),
        source: Set(match signer {
            Signer::Resident => Source::Online,
            Signer::Staff(_) => Source::Staff,
        }
        .as_str()
        .into()),
        checked_in_at: Set(None),
        promoted_at: Set(None),
        cancelled_at: Set(None),
        personal_data_deleted_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    if signup.email.is_some() {
        let link = state.settings.absolute_url(&format!("/signups/{token}"));
        notify(
            db,
            state,
            &workshop,
            &signup,
            "workshop_signup",
            Some(&link),
        )
        .await?;
    }
    if let Signer::Staff(user) = signer {
        audit::record(
            db,
            now,
            Entry {
                actor_id: Some(user.id),
                municipality_id: Some(workshop.municipality_id),
                action: "signup.add",
                target_type: "workshop",
                target_id: Some(workshop.id.to_string()),
                summary: json!({ "signup_id": signup.id, "people": signup.people, "status": signup.status }),
            },
        )
        .await?;
    }
    tracing::info!(workshop = %workshop.id, signup = %signup.id, status = %signup.status, "workshop sign-up");
    Ok(Ok(Created { signup, token }))
}

#[cfg(test)]
mod tests {
    use super::{SignupForm, SignupRules};
    use crate::web::forms::CheckForm;

    #[test]
    fn a_sign_up_over_the_limit_is_refused_with_its_own_message() {
        let form = SignupForm {
            name: "Aylin".into(),
            people: "5".into(),
            ..SignupForm::default()
        };
        let rules = SignupRules {
            max_people: 4,
            languages: Vec::new(),
        };
        let checked = form.check(&rules);
        assert!(checked.is_err());
        let errors = checked.err().unwrap_or_default();
        let view = errors.view(crate::web::i18n::Lang::De);
        assert!(view["fields"]["people"].is_string());
    }
}
