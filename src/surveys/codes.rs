//! Access codes: one-time codes a coordinator hands out for a survey that needs one. Only their
//! keyed hashes are stored; the codes are shown once, when they are made. Answering checks and
//! uses them (`submit.rs`).

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use entity::{survey_access_codes, surveys};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    audit::service as audit,
    error::AppResult,
    identity::CurrentUser,
    secrets::Keys,
    surveys::{
        lookup::{SurveyLink, managed},
        queries::audit_entry,
    },
    web::{
        context::Ctx,
        forms::{CheckForm, FormErrors},
    },
};

pub const CODES_MAX: u32 = 2_000;

/// Letters and digits that cannot be mistaken for each other on paper.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

pub fn code_hash(keys: &Keys, survey_id: Uuid, code: &str) -> String {
    keys.keyed_hash(&["survey-code", &survey_id.to_string(), code])
}

/// An access code as people type it: case, spaces and dashes do not matter.
pub fn normalize_code(raw: &str) -> String {
    raw.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Whether `code` is an unused code of the survey.
pub async fn code_usable(
    db: &impl ConnectionTrait,
    keys: &Keys,
    survey_id: Uuid,
    code: &str,
) -> Result<bool, DbErr> {
    Ok(
        survey_access_codes::Entity::find_by_id(code_hash(keys, survey_id, code))
            .one(db)
            .await?
            .is_some_and(|c| c.survey_id == survey_id && !c.used),
    )
}

fn new_code() -> String {
    let mut buf = [0u8; 10];
    getrandom::fill(&mut buf)
        .unwrap_or_else(|e| panic!("the operating system has no randomness: {e}"));
    buf.iter()
        .map(|b| CODE_ALPHABET[(*b as usize) % CODE_ALPHABET.len()] as char)
        .collect()
}

/// Makes `count` new codes; only their hashes are stored. The codes are returned once, formatted
/// for print (`ABCD-EFGH-JK`).
pub async fn generate_codes(
    db: &impl ConnectionTrait,
    keys: &Keys,
    actor: &CurrentUser,
    municipality_id: Uuid,
    survey_id: Uuid,
    count: u32,
    now: DateTime<Utc>,
) -> Result<Vec<String>, DbErr> {
    let codes: Vec<String> = (0..count).map(|_| new_code()).collect();
    for chunk in codes.chunks(500) {
        survey_access_codes::Entity::insert_many(chunk.iter().map(|c| {
            survey_access_codes::ActiveModel {
                code_hash: sea_orm::Set(code_hash(keys, survey_id, c)),
                survey_id: sea_orm::Set(survey_id),
                used: sea_orm::Set(false),
                created_at: sea_orm::Set(now),
            }
        }))
        .exec_without_returning(db)
        .await?;
    }
    audit::record(
        db,
        now,
        audit_entry(
            actor,
            municipality_id,
            "survey.codes_generate",
            "survey",
            survey_id,
            json!({ "count": count }),
        ),
    )
    .await?;
    Ok(codes
        .iter()
        .map(|c| format!("{}-{}-{}", &c[0..4], &c[4..8], &c[8..10]))
        .collect())
}

/// (all codes, used codes) of a survey.
pub async fn code_counts(db: &impl ConnectionTrait, survey_id: Uuid) -> Result<(u64, u64), DbErr> {
    let all = survey_access_codes::Entity::find()
        .filter(survey_access_codes::Column::SurveyId.eq(survey_id))
        .count(db)
        .await?;
    let used = survey_access_codes::Entity::find()
        .filter(survey_access_codes::Column::SurveyId.eq(survey_id))
        .filter(survey_access_codes::Column::Used.eq(true))
        .count(db)
        .await?;
    Ok((all, used))
}

/// How many codes to make, as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CodesForm {
    pub count: String,
}

impl CheckForm for CodesForm {
    type Input = u32;
    type Rules = ();

    fn check(&self, _: &()) -> Result<u32, FormErrors> {
        self.count
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=CODES_MAX).contains(n))
            .ok_or_else(|| {
                let mut errors = FormErrors::new();
                errors.add("count", "survey-error-codes-count");
                errors
            })
    }
}

#[derive(Serialize)]
struct CodesView {
    survey: SurveyLink,
    public_href: String,
    action: String,
    all: u64,
    used: u64,
    codes: Vec<String>,
    count: String,
    errors: Value,
}

/// The codes page: how many there are and are used, the codes just made (`codes`), the form for
/// more (`count` as typed).
struct CodesPage<'a> {
    survey: &'a surveys::Model,
    codes: Vec<String>,
    count: &'a str,
}

impl CodesPage<'_> {
    async fn render(
        self,
        ctx: &Ctx,
        errors: &FormErrors,
        status: StatusCode,
    ) -> AppResult<HttpResponse> {
        let survey = self.survey;
        let (all, used) = code_counts(&ctx.state.db, survey.id).await?;
        ctx.render_about(
            status,
            "surveys/manage_codes",
            "survey-codes-title",
            &survey.title,
            CodesView {
                survey: SurveyLink::manage(survey),
                public_href: format!("/surveys/{}", survey.id),
                action: format!("/manage/surveys/{}/codes", survey.id),
                all,
                used,
                codes: self.codes,
                count: self.count.to_string(),
                errors: errors.view(ctx.lang),
            },
        )
    }
}

pub async fn show(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (_, survey, _) = managed(&ctx, *id).await?;
    let page = CodesPage {
        survey: &survey,
        codes: Vec::new(),
        count: "",
    };
    page.render(&ctx, &FormErrors::new(), StatusCode::OK).await
}

pub async fn generate(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<CodesForm>,
) -> AppResult<HttpResponse> {
    let (user, survey, round) = managed(&ctx, *id).await?;
    let count = match form.check(&()) {
        Ok(count) => count,
        Err(errors) => {
            let page = CodesPage {
                survey: &survey,
                codes: Vec::new(),
                count: &form.count,
            };
            return page
                .render(&ctx, &errors, StatusCode::UNPROCESSABLE_ENTITY)
                .await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let codes = generate_codes(
        &txn,
        &ctx.state.keys,
        &user,
        round.municipality_id,
        survey.id,
        count,
        ctx.state.clock.now(),
    )
    .await?;
    txn.commit().await?;
    // Shown this once: only hashes are stored.
    let page = CodesPage {
        survey: &survey,
        codes,
        count: "",
    };
    page.render(&ctx, &FormErrors::new(), StatusCode::OK).await
}

#[cfg(test)]
mod tests {
    use super::normalize_code;

    #[test]
    fn codes_are_read_without_case_spaces_or_dashes() {
        assert_eq!(normalize_code(" abcd-efgh 23 "), "ABCDEFGH23");
    }
}
