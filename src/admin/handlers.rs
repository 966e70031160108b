//! The admin pages: municipalities, staff accounts and invitations, the audit log.

use actix_web::{HttpResponse, http::StatusCode, web};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::{
    accounts::staff::{self as accounts, Invitation, UserRow},
    admin::{
        forms::{
            AuditQuery, AuditRules, InviteForm, MunicipalityForm, MunicipalityInput,
            MunicipalityRules, UserSearch,
        },
        service::{
            self, DEFAULT_MIN_GROUP_SIZE, MIN_GROUP_SIZE_FLOOR, MunicipalityChange, NewMunicipality,
        },
        views::{AuditEntryView, KindOption, PlaceOption, ValueOption, audit_view, label},
    },
    error::{AppError, AppResult},
    identity::Role,
    notifications::service as notifications,
    web::{
        context::{Ctx, FlashKind, see_other},
        forms::{CheckForm, FormErrors},
        pagination::{PER_PAGE, PageQuery, PageView},
    },
};

// ---- municipalities ----

#[derive(Serialize)]
struct MunicipalitiesView<'a> {
    municipalities: Vec<MunicipalityRow>,
    pagination: PageView,
    values: &'a MunicipalityForm,
    errors: Value,
    min_floor: i32,
}

#[derive(Serialize)]
struct MunicipalityRow {
    name: String,
    slug: String,
    min_group_size: i32,
    edit_href: String,
}

#[derive(Serialize)]
struct MunicipalityEditView<'a> {
    heading: String,
    action: String,
    values: &'a MunicipalityForm,
    errors: Value,
}

pub async fn municipalities(ctx: Ctx, query: web::Query<PageQuery>) -> AppResult<HttpResponse> {
    let values = MunicipalityForm {
        min_group_size: DEFAULT_MIN_GROUP_SIZE.to_string(),
        ..MunicipalityForm::default()
    };
    municipalities_page(
        &ctx,
        query.index(),
        StatusCode::OK,
        &values,
        &FormErrors::new(),
    )
    .await
}

async fn municipalities_page(
    ctx: &Ctx,
    index: u64,
    status: StatusCode,
    values: &MunicipalityForm,
    errors: &FormErrors,
) -> AppResult<HttpResponse> {
    let (list, pages) = service::municipality_page(&ctx.state.db, index, PER_PAGE).await?;
    let rows = list
        .iter()
        .map(|m| MunicipalityRow {
            name: m.name.clone(),
            slug: m.slug.clone(),
            min_group_size: m.min_group_size,
            edit_href: format!("/manage/municipalities/{}", m.id),
        })
        .collect();
    ctx.render_status(
        status,
        "admin/municipalities",
        "municipalities-title",
        MunicipalitiesView {
            municipalities: rows,
            pagination: PageView::new(index, pages, "/manage/municipalities"),
            values,
            errors: errors.view(ctx.lang),
            min_floor: MIN_GROUP_SIZE_FLOOR,
        },
    )
}

/// The checked values of a municipality form, or the messages for it. Whether the slug is free
/// is looked up first. `editing` is the municipality being changed (none for a new one).
async fn checked_municipality(
    ctx: &Ctx,
    form: &MunicipalityForm,
    editing: Option<Uuid>,
) -> AppResult<Result<MunicipalityInput, FormErrors>> {
    let slug = form.slug();
    let slug_taken =
        service::is_valid_slug(&slug) && service::slug_taken(&ctx.state.db, &slug, editing).await?;
    Ok(form.check(&MunicipalityRules {
        slug_taken,
        editing: editing.is_some(),
    }))
}

pub async fn create_municipality(
    ctx: Ctx,
    form: web::Form<MunicipalityForm>,
) -> AppResult<HttpResponse> {
    let admin = ctx.require_user()?;
    let form = form.into_inner();
    let checked = match checked_municipality(&ctx, &form, None).await? {
        Ok(checked) => checked,
        Err(errors) => {
            return municipalities_page(&ctx, 0, StatusCode::UNPROCESSABLE_ENTITY, &form, &errors)
                .await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    service::create_municipality(
        &txn,
        Some(admin.id),
        NewMunicipality {
            name: &form.name,
            slug: &checked.slug,
            min_group_size: checked.min_group_size,
        },
        ctx.state.clock.now(),
    )
    .await?;
    ctx.commit_and_redirect(txn, "municipality-created", "/manage/municipalities")
        .await
}

pub async fn edit_municipality(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let place = service::find_municipality(&ctx.state.db, id.into_inner())
        .await?
        .ok_or(AppError::NotFound)?;
    let values = MunicipalityForm {
        name: place.name.clone(),
        slug: place.slug.clone(),
        min_group_size: place.min_group_size.to_string(),
        min_area_population: place.min_area_population.to_string(),
    };
    municipality_edit_page(&ctx, &place, StatusCode::OK, &values, &FormErrors::new())
}

fn municipality_edit_page(
    ctx: &Ctx,
    place: &entity::municipalities::Model,
    status: StatusCode,
    values: &MunicipalityForm,
    errors: &FormErrors,
) -> AppResult<HttpResponse> {
    // A refused form gets "Fehler: " in front of its title from the render path.
    let title = crate::web::i18n::t_args(
        ctx.lang,
        "municipality-edit-title",
        &[("name", place.name.clone().into())],
    );
    let view = MunicipalityEditView {
        heading: title.clone(),
        action: format!("/manage/municipalities/{}", place.id),
        values,
        errors: errors.view(ctx.lang),
    };
    let mut res = ctx.render_title("admin/municipality_edit", &title, view)?;
    *res.status_mut() = status;
    Ok(res)
}

pub async fn update_municipality(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<MunicipalityForm>,
) -> AppResult<HttpResponse> {
    let admin = ctx.require_user()?;
    let place = service::find_municipality(&ctx.state.db, id.into_inner())
        .await?
        .ok_or(AppError::NotFound)?;
    let form = form.into_inner();
    let checked = match checked_municipality(&ctx, &form, Some(place.id)).await? {
        Ok(checked) => checked,
        Err(errors) => {
            return municipality_edit_page(
                &ctx,
                &place,
                StatusCode::UNPROCESSABLE_ENTITY,
                &form,
                &errors,
            );
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let min_area_population = checked
        .min_area_population
        .unwrap_or(place.min_area_population);
    let changed = service::update_municipality(
        &txn,
        admin.id,
        place,
        MunicipalityChange {
            new: NewMunicipality {
                name: &form.name,
                slug: &checked.slug,
                min_group_size: checked.min_group_size,
            },
            min_area_population,
        },
        ctx.state.clock.now(),
    )
    .await?;
    let flash = if changed {
        "municipality-updated"
    } else {
        "municipality-unchanged"
    };
    ctx.commit_and_redirect(txn, flash, "/manage/municipalities")
        .await
}

// ---- staff accounts ----

#[derive(Serialize)]
struct UsersView<'a> {
    users: Vec<UserRow>,
    search: String,
    pagination: PageView,
    values: &'a InviteForm,
    roles: Vec<ValueOption>,
    municipalities: Vec<PlaceOption>,
    errors: Value,
}

pub async fn users(ctx: Ctx, query: web::Query<UserSearch>) -> AppResult<HttpResponse> {
    let values = InviteForm {
        role: Role::Coordinator.as_str().into(),
        ..InviteForm::default()
    };
    users_page(&ctx, &query, StatusCode::OK, &values, &FormErrors::new()).await
}

/// The municipalities to choose from, `selected` (an id as typed) chosen.
async fn place_options(ctx: &Ctx, selected: &str) -> AppResult<Vec<PlaceOption>> {
    Ok(service::all_municipalities(&ctx.state.db)
        .await?
        .into_iter()
        .map(|m| PlaceOption {
            selected: m.id.to_string() == selected,
            id: m.id,
            name: m.name,
        })
        .collect())
}

async fn users_page(
    ctx: &Ctx,
    query: &UserSearch,
    status: StatusCode,
    values: &InviteForm,
    errors: &FormErrors,
) -> AppResult<HttpResponse> {
    let index = PageQuery { page: query.page }.index();
    let search = query.q.clone().unwrap_or_default();
    let (rows, pages) = accounts::staff_page(&ctx.state.db, Some(&search), index, PER_PAGE).await?;
    let roles = [Role::Coordinator, Role::Moderator]
        .iter()
        .map(|r| ValueOption {
            value: r.as_str(),
            selected: r.as_str() == values.role,
        })
        .collect();
    let base = if search.is_empty() {
        "/manage/users".to_string()
    } else {
        format!(
            "/manage/users?{}",
            serde_urlencoded::to_string([("q", &search)]).unwrap_or_default()
        )
    };
    let view = UsersView {
        users: rows,
        pagination: PageView::new(index, pages, &base),
        search,
        values,
        roles,
        municipalities: place_options(ctx, &values.municipality_id).await?,
        errors: errors.view(ctx.lang),
    };
    ctx.render_status(status, "admin/users", "users-title", view)
}

pub async fn invite(ctx: Ctx, form: web::Form<InviteForm>) -> AppResult<HttpResponse> {
    let admin = ctx.require_user()?;
    let form = form.into_inner();
    let municipality = match form.municipality_id() {
        Some(id) => service::find_municipality(&ctx.state.db, id).await?,
        None => None,
    };
    let (role, municipality) = match form.check(&municipality) {
        Ok(checked) => checked,
        Err(errors) => {
            let query = UserSearch::default();
            return users_page(
                &ctx,
                &query,
                StatusCode::UNPROCESSABLE_ENTITY,
                &form,
                &errors,
            )
            .await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let outcome =
        accounts::invite(&txn, &ctx.state, admin, &form.email, role, &municipality).await?;
    txn.commit().await?;
    notifications::wake(&ctx.state);
    match outcome {
        Invitation::Invited => ctx.flash(FlashKind::Success, "invite-sent")?,
        Invitation::AlreadyHolds => ctx.flash(FlashKind::Info, "invite-already")?,
    }
    Ok(see_other("/manage/users"))
}

pub async fn revoke(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let admin = ctx.require_user()?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    if !accounts::revoke(&txn, &ctx.state, admin, id.into_inner()).await? {
        return Err(AppError::NotFound);
    }
    ctx.commit_and_redirect(txn, "role-revoked", "/manage/users")
        .await
}

// ---- audit log ----

#[derive(Serialize)]
struct AuditView {
    entries: Vec<AuditEntryView>,
    pagination: PageView,
    municipalities: Vec<PlaceOption>,
    kinds: Vec<KindOption>,
    values: AuditValues,
    filtered: bool,
    errors: Value,
}

/// The audit filters' text fields as typed.
#[derive(Serialize)]
struct AuditValues {
    person: String,
    from: String,
    to: String,
}

/// `/manage/audit`: newest first, filtered in SQL by municipality, person, kind and date range;
/// the filters travel in the page links.
pub async fn audit(ctx: Ctx, query: web::Query<AuditQuery>) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let db = &ctx.state.db;
    let municipality_known = match query.municipality().map(Uuid::parse_str) {
        Some(Ok(id)) => service::find_municipality(db, id).await?.is_some(),
        _ => false,
    };
    let rules = AuditRules {
        time_zone: ctx.state.settings.time_zone,
        kinds: service::audit_kinds(db).await?,
        municipality_known,
    };
    let checked = query.check(&rules);
    // The filters as typed, for the form and for the page links.
    let kept: Vec<(&str, String)> = [
        ("municipality", query.municipality.clone()),
        ("person", query.person.clone()),
        ("kind", query.kind.clone()),
        ("from", query.from.clone()),
        ("to", query.to.clone()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.filter(|v| !v.trim().is_empty()).map(|v| (k, v)))
    .collect();
    let base = if kept.is_empty() {
        "/manage/audit".to_string()
    } else {
        format!(
            "/manage/audit?{}",
            serde_urlencoded::to_string(&kept).unwrap_or_default()
        )
    };
    let index = PageQuery { page: query.page }.index();
    let (status, rows, pages, errors) = match checked {
        Ok(filter) => {
            let (rows, pages) = service::audit_page(db, &filter, index, PER_PAGE).await?;
            (StatusCode::OK, rows, pages, FormErrors::new())
        }
        Err(errors) => (StatusCode::UNPROCESSABLE_ENTITY, Vec::new(), 1, errors),
    };
    let kind = query.kind();
    let mut kinds: Vec<KindOption> = rules
        .kinds
        .iter()
        .map(|k| KindOption {
            value: k.clone(),
            label: label(&ctx, "audit-kind-", k),
            selected: kind.as_deref() == Some(k.as_str()),
        })
        .collect();
    kinds.sort_by(|a, b| a.label.cmp(&b.label));
    let view = AuditView {
        entries: rows.iter().map(|r| audit_view(&ctx, r)).collect(),
        pagination: PageView::new(index, pages, &base),
        municipalities: place_options(&ctx, query.municipality.as_deref().unwrap_or_default())
            .await?,
        kinds,
        values: AuditValues {
            person: query.person.clone().unwrap_or_default(),
            from: query.from.clone().unwrap_or_default(),
            to: query.to.clone().unwrap_or_default(),
        },
        filtered: !kept.is_empty(),
        errors: errors.view(ctx.lang),
    };
    let title = ctx.t("audit-title");
    let mut res = ctx.render_title("admin/audit", &title, view)?;
    *res.status_mut() = status;
    Ok(res)
}
