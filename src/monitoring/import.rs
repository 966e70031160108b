//! Staff: importing a municipality's indicator values from the coordinator's spreadsheet. The
//! upload page takes a CSV, XLSX or ODS file (and, for a sheet with years as columns, the
//! indicator it holds); the file is kept as an import draft in the database for its uploader, and
//! the preview says line by line what would be added, changed (old → new) and refused with its
//! reason. Confirming plans again in the write transaction, applies every accepted line or none,
//! and records one audit entry with the counts; importing the same file again changes nothing.

use actix_multipart::Multipart;
use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Duration, Utc};
use entity::{import_drafts, municipalities};
use futures_util::StreamExt;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    audit::service::Change,
    error::{AppError, AppResult},
    identity::CurrentUser,
    monitoring::{
        areas::IdOption,
        import_plan::{Counts, Plan, apply, plan},
        import_read::{Sheet, read_sheet},
        import_view::preview_view,
        indicators::catalogue_of,
        model::{managed_municipality, stored_meanwhile, today},
    },
    web::{
        context::Ctx,
        forms::{CheckForm, FormErrors},
    },
};

/// The largest file taken (the request may be a little larger: the form's other fields).
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// How long an uploaded file waits for its confirmation.
const DRAFT_HOURS: i64 = 2;

/// The upload form as the browser sends it (multipart): the indicator chosen, the file.
#[derive(Debug, Default, Serialize)]
pub struct UploadForm {
    pub indicator_id: String,
    pub file_name: String,
    #[serde(skip)]
    pub content: Vec<u8>,
    #[serde(skip)]
    pub too_large: bool,
}

/// The upload, checked and read.
pub struct UploadInput {
    pub indicator_id: Option<Uuid>,
    pub sheet: Sheet,
}

impl CheckForm for UploadForm {
    type Input = UploadInput;
    /// The indicators the municipality may use.
    type Rules = [Uuid];

    fn check(&self, usable: &[Uuid]) -> Result<UploadInput, FormErrors> {
        let mut errors = FormErrors::new();
        let indicator_id = match self.indicator_id.trim() {
            "" => None,
            text => {
                let id = Uuid::parse_str(text).ok().filter(|id| usable.contains(id));
                if id.is_none() {
                    errors.add("indicator_id", "monitoring-import-error-indicator-choose");
                }
                id
            }
        };
        let sheet = if self.too_large {
            errors.add_with(
                "file",
                "monitoring-import-error-file-too-large",
                &[("megabytes", (MAX_FILE_BYTES / 1024 / 1024).to_string())],
            );
            None
        } else if self.content.is_empty() {
            errors.add("file", "monitoring-import-error-file-missing");
            None
        } else {
            read_sheet(&self.content)
                .map_err(|unreadable| errors.add("file", unreadable.key()))
                .ok()
        };
        if let Some(sheet) = &sheet
            && !sheet.names_indicator
            && indicator_id.is_none()
            && errors.is_empty()
        {
            errors.add("indicator_id", "monitoring-import-error-indicator-needed");
        }
        match sheet {
            Some(sheet) if errors.is_empty() => Ok(UploadInput {
                indicator_id,
                sheet,
            }),
            _ => Err(errors),
        }
    }
}

/// Which indicator the upload page starts with (`?indicator=`, from an indicator's values).
#[derive(Debug, Deserialize)]
pub struct UploadQuery {
    pub indicator: Option<Uuid>,
}

#[derive(Serialize)]
struct UploadPage<'a> {
    municipality: String,
    action: String,
    indicators_href: String,
    indicators: Vec<IdOption>,
    megabytes: usize,
    form: &'a UploadForm,
    errors: Value,
}

async fn upload_page(
    ctx: &Ctx,
    municipality: &municipalities::Model,
    form: &UploadForm,
    errors: &FormErrors,
) -> AppResult<HttpResponse> {
    let catalogue = catalogue_of(&ctx.state.db, municipality.id).await?;
    let mut indicators = vec![IdOption {
        value: String::new(),
        text: ctx.t("monitoring-import-indicator-in-file"),
        selected: form.indicator_id.is_empty(),
    }];
    indicators.extend(catalogue.iter().map(|i| IdOption {
        value: i.id.to_string(),
        text: i.name.clone(),
        selected: i.id.to_string() == form.indicator_id,
    }));
    let page = UploadPage {
        municipality: municipality.name.clone(),
        action: upload_href(municipality.id),
        indicators_href: format!("/manage/municipalities/{}/indicators", municipality.id),
        indicators,
        megabytes: MAX_FILE_BYTES / 1024 / 1024,
        form,
        errors: errors.view(ctx.lang),
    };
    ctx.render_about(
        errors.status(),
        "monitoring/import",
        "monitoring-import-title",
        &municipality.name,
        page,
    )
}

pub fn upload_href(municipality: Uuid) -> String {
    format!("/manage/municipalities/{municipality}/import")
}

pub async fn import_form(
    ctx: Ctx,
    id: web::Path<Uuid>,
    query: web::Query<UploadQuery>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let municipality = managed_municipality(&ctx.state.db, user, id.into_inner()).await?;
    let form = UploadForm {
        indicator_id: query.indicator.map(|i| i.to_string()).unwrap_or_default(),
        ..UploadForm::default()
    };
    upload_page(&ctx, &municipality, &form, &FormErrors::new()).await
}

/// Reads the multipart form: the chosen indicator and the file (at most `MAX_FILE_BYTES`; a
/// larger one is marked, not read). The CSRF token was checked before (`web/csrf.rs`).
async fn read_upload(mut multipart: Multipart) -> AppResult<UploadForm> {
    let mut form = UploadForm::default();
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(|_| AppError::BadRequest)?;
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "indicator_id" => {
                let bytes = field.bytes(100).await.map_err(|_| AppError::BadRequest)?;
                let bytes = bytes.map_err(|_| AppError::BadRequest)?;
                form.indicator_id = String::from_utf8_lossy(&bytes).trim().to_string();
            }
            "file" => {
                form.file_name = field
                    .content_disposition()
                    .and_then(|d| d.get_filename())
                    .map(|n| n.chars().filter(|c| !c.is_control()).take(200).collect())
                    .unwrap_or_default();
                match field.bytes(MAX_FILE_BYTES).await {
                    Ok(bytes) => form.content = bytes.map_err(|_| AppError::BadRequest)?.to_vec(),
                    // The rest of the file was read and dropped, so the answer can be sent.
                    Err(_) => form.too_large = true,
                }
            }
            _ => {
                while let Some(chunk) = field.next().await {
                    chunk.map_err(|_| AppError::BadRequest)?;
                }
            }
        }
    }
    Ok(form)
}

pub async fn upload(
    ctx: Ctx,
    id: web::Path<Uuid>,
    multipart: Multipart,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let municipality = managed_municipality(&ctx.state.db, user, id.into_inner()).await?;
    let form = read_upload(multipart).await?;
    let usable: Vec<Uuid> = catalogue_of(&ctx.state.db, municipality.id)
        .await?
        .iter()
        .map(|i| i.id)
        .collect();
    let input = match form.check(&usable) {
        Ok(input) => input,
        Err(errors) => return upload_page(&ctx, &municipality, &form, &errors).await,
    };
    drop(input.sheet);
    let now = ctx.state.clock.now();
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    purge_expired_drafts(&txn, now).await?;
    let draft = import_drafts::ActiveModel {
        id: Set(Uuid::now_v7()),
        municipality_id: Set(municipality.id),
        user_id: Set(user.id),
        indicator_id: Set(input.indicator_id),
        file_name: Set(form.file_name.clone()),
        content: Set(form.content),
        created_at: Set(now),
        expires_at: Set(now + Duration::hours(DRAFT_HOURS)),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(crate::web::context::see_other(&preview_href(draft.id)))
}

fn preview_href(draft: Uuid) -> String {
    format!("/manage/imports/{draft}")
}

/// The draft `id` and its municipality, if `user` uploaded it, still coordinates the
/// municipality, and it has not expired; 404 otherwise.
async fn managed_draft(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<(import_drafts::Model, municipalities::Model)> {
    let draft = import_drafts::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|d| d.user_id == user.id && d.expires_at > now)
        .ok_or(AppError::NotFound)?;
    let municipality = managed_municipality(db, user, draft.municipality_id).await?;
    Ok((draft, municipality))
}

/// What the draft's file would do now.
async fn plan_draft(
    ctx: &Ctx,
    db: &impl ConnectionTrait,
    draft: &import_drafts::Model,
    municipality: &municipalities::Model,
) -> AppResult<Plan> {
    // The file was read at the upload; it cannot have become unreadable since.
    let sheet = read_sheet(&draft.content).map_err(|_| AppError::NotFound)?;
    let today = today(ctx.state.clock.now(), ctx.state.settings.time_zone);
    Ok(plan(db, municipality, sheet, draft.indicator_id, today).await?)
}

fn render_preview(
    ctx: &Ctx,
    status: StatusCode,
    draft: &import_drafts::Model,
    municipality: &municipalities::Model,
    plan: &Plan,
    meanwhile: bool,
) -> AppResult<HttpResponse> {
    let page = preview_view(
        ctx,
        plan,
        &draft.file_name,
        &municipality.name,
        &preview_href(draft.id),
        &upload_href(municipality.id),
        meanwhile,
    );
    ctx.render_about(
        status,
        "monitoring/import_preview",
        "monitoring-import-preview-title",
        &municipality.name,
        page,
    )
}

pub async fn preview(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let db = &ctx.state.db;
    let (draft, municipality) =
        managed_draft(db, user, id.into_inner(), ctx.state.clock.now()).await?;
    let plan = plan_draft(&ctx, db, &draft, &municipality).await?;
    render_preview(&ctx, StatusCode::OK, &draft, &municipality, &plan, false)
}

/// The confirmation: the fingerprint of the plan the preview showed.
#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    pub digest: String,
}

pub async fn confirm(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<ConfirmForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let now = ctx.state.clock.now();
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let (draft, municipality) = managed_draft(&txn, user, id.into_inner(), now).await?;
    let plan = plan_draft(&ctx, &txn, &draft, &municipality).await?;
    let counts = plan.counts();
    let location = upload_href(municipality.id);
    if counts.added + counts.changed == 0 {
        import_drafts::Entity::delete_by_id(draft.id)
            .exec(&txn)
            .await?;
        return ctx
            .commit_and_redirect(txn, "monitoring-import-nothing-applied", &location)
            .await;
    }
    if plan.digest() != form.digest {
        // Values changed since the preview (or another preview was confirmed): show it again.
        txn.rollback().await?;
        return render_preview(
            &ctx,
            StatusCode::CONFLICT,
            &draft,
            &municipality,
            &plan,
            true,
        );
    }
    import_drafts::Entity::delete_by_id(draft.id)
        .exec(&txn)
        .await?;
    match apply(&txn, &municipality, &plan, now).await {
        Ok(()) => {}
        Err(e) if stored_meanwhile(&e) => {
            txn.rollback().await?;
            return render_preview(
                &ctx,
                StatusCode::CONFLICT,
                &draft,
                &municipality,
                &plan,
                true,
            );
        }
        Err(e) => return Err(e.into()),
    }
    Change::new("indicator_import", user.id, Some(municipality.id), now)
        .record(
            &txn,
            "applied",
            draft.id,
            audit_summary(&draft, &plan, counts),
        )
        .await?;
    ctx.commit_and_redirect(txn, "monitoring-import-applied", &location)
        .await
}

fn audit_summary(draft: &import_drafts::Model, plan: &Plan, counts: Counts) -> Value {
    let mut indicators: Vec<&str> = plan
        .lines
        .iter()
        .filter_map(|p| match &p.outcome {
            crate::monitoring::import_plan::Outcome::Add(a)
            | crate::monitoring::import_plan::Outcome::Change(a, _) => {
                Some(plan.indicators[a.indicator].name.as_str())
            }
            _ => None,
        })
        .collect();
    indicators.sort_unstable();
    indicators.dedup();
    json!({
        "file": draft.file_name,
        "indicators": indicators,
        "added": counts.added,
        "changed": counts.changed,
        "unchanged": counts.unchanged,
        "refused": counts.refused,
    })
}

/// Deletes the drafts nobody confirmed in time, whoever left them (at every upload and in the
/// worker's housekeeping, so an uploaded sheet does not stay when no one uploads again).
pub async fn purge_expired_drafts(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    import_drafts::Entity::delete_many()
        .filter(import_drafts::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?;
    Ok(())
}
