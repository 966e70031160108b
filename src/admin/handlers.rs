use actix_web::{HttpResponse, http::StatusCode, web};
use serde_json::{Value, json};
use uuid::Uuid;
use validator::Validate;

use crate::{
    accounts::service::{self as accounts, Invitation, Role},
    admin::{
        forms::{InviteForm, MunicipalityForm, UserSearch},
        service::{self, DEFAULT_MIN_GROUP_SIZE, MIN_GROUP_SIZE_FLOOR, NewMunicipality},
    },
    error::{AppError, AppResult},
    notifications::service as notifications,
    web::{
        context::{Ctx, FlashKind, see_other},
        forms::FormErrors,
        pagination::{PER_PAGE, PageQuery, PageView},
    },
};

/// Where staff start: links to the areas their roles open.
pub async fn dashboard(ctx: Ctx) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    ctx.render(
        "admin/dashboard",
        "manage-title",
        json!({
            "is_admin": user.is_admin(),
            "coordinates": user.is_admin() || user.is_coordinator_somewhere(),
            "moderates": user.is_admin() || user.is_moderator_somewhere(),
        }),
    )
}

// ---- municipalities ----

pub async fn municipalities(ctx: Ctx, query: web::Query<PageQuery>) -> AppResult<HttpResponse> {
    let values =
        json!({ "name": "", "slug": "", "min_group_size": DEFAULT_MIN_GROUP_SIZE.to_string() });
    municipalities_page(
        &ctx,
        query.index(),
        StatusCode::OK,
        values,
        &FormErrors::new(),
    )
    .await
}

async fn municipalities_page(
    ctx: &Ctx,
    index: u64,
    status: StatusCode,
    values: Value,
    errors: &FormErrors,
) -> AppResult<HttpResponse> {
    let (list, pages) = service::municipality_page(&ctx.state.db, index, PER_PAGE).await?;
    let rows: Vec<Value> = list
        .iter()
        .map(|m| json!({ "name": m.name, "slug": m.slug, "min_group_size": m.min_group_size }))
        .collect();
    ctx.render_status(
        status,
        "admin/municipalities",
        "municipalities-title",
        json!({
            "municipalities": rows,
            "pagination": PageView::new(index, pages, "/manage/municipalities"),
            "values": values,
            "errors": errors.view(ctx.lang),
            "min_floor": MIN_GROUP_SIZE_FLOOR,
        }),
    )
}

pub async fn create_municipality(
    ctx: Ctx,
    form: web::Form<MunicipalityForm>,
) -> AppResult<HttpResponse> {
    let admin = ctx.require_user()?;
    let form = form.into_inner();
    let slug = form.slug.trim().to_lowercase();
    let values =
        json!({ "name": form.name, "slug": form.slug, "min_group_size": form.min_group_size });
    let mut errors = match form.validate() {
        Ok(()) => FormErrors::new(),
        Err(e) => FormErrors::from_validation(&e, &["name", "slug"]),
    };
    if !service::is_valid_slug(&slug) {
        errors.add("slug", "error-slug-invalid");
    } else if service::slug_taken(&ctx.state.db, &slug).await? {
        errors.add("slug", "error-slug-taken");
    }
    let min_group_size = form
        .min_group_size
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|n| (MIN_GROUP_SIZE_FLOOR..=100).contains(n));
    if min_group_size.is_none() {
        errors.add("min_group_size", "error-min-group-size");
    }
    let (Some(min_group_size), true) = (min_group_size, errors.is_empty()) else {
        return municipalities_page(&ctx, 0, StatusCode::UNPROCESSABLE_ENTITY, values, &errors)
            .await;
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    service::create_municipality(
        &txn,
        Some(admin.id),
        NewMunicipality {
            name: &form.name,
            slug: &slug,
            min_group_size,
        },
        ctx.state.clock.now(),
    )
    .await?;
    txn.commit().await?;
    ctx.flash(FlashKind::Success, "municipality-created")?;
    Ok(see_other("/manage/municipalities"))
}

// ---- staff accounts ----

pub async fn users(ctx: Ctx, query: web::Query<UserSearch>) -> AppResult<HttpResponse> {
    let values = json!({ "email": "", "role": "coordinator", "municipality_id": "" });
    users_page(&ctx, &query, StatusCode::OK, values, &FormErrors::new()).await
}

async fn users_page(
    ctx: &Ctx,
    query: &UserSearch,
    status: StatusCode,
    values: Value,
    errors: &FormErrors,
) -> AppResult<HttpResponse> {
    let index = PageQuery { page: query.page }.index();
    let search = query.q.clone().unwrap_or_default();
    let (rows, pages) = accounts::staff_page(&ctx.state.db, Some(&search), index, PER_PAGE).await?;
    let selected_role = values["role"].as_str().unwrap_or_default().to_string();
    let selected_place = values["municipality_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let roles: Vec<Value> = [Role::Coordinator, Role::Moderator]
        .iter()
        .map(|r| json!({ "value": r.as_str(), "selected": r.as_str() == selected_role }))
        .collect();
    let places: Vec<Value> = service::all_municipalities(&ctx.state.db)
        .await?
        .iter()
        .map(|m| json!({ "id": m.id, "name": m.name, "selected": m.id.to_string() == selected_place }))
        .collect();
    let base = if search.is_empty() {
        "/manage/users".to_string()
    } else {
        format!(
            "/manage/users?{}",
            serde_urlencoded::to_string([("q", &search)]).unwrap_or_default()
        )
    };
    ctx.render_status(
        status,
        "admin/users",
        "users-title",
        json!({
            "users": rows,
            "search": search,
            "pagination": PageView::new(index, pages, &base),
            "values": values,
            "roles": roles,
            "municipalities": places,
            "errors": errors.view(ctx.lang),
        }),
    )
}

pub async fn invite(ctx: Ctx, form: web::Form<InviteForm>) -> AppResult<HttpResponse> {
    let admin = ctx.require_user()?;
    let form = form.into_inner();
    let values =
        json!({ "email": form.email, "role": form.role, "municipality_id": form.municipality_id });
    let mut errors = match form.validate() {
        Ok(()) => FormErrors::new(),
        Err(e) => FormErrors::from_validation(&e, &["email"]),
    };
    let role = Role::parse(&form.role).filter(|r| *r != Role::Admin);
    if role.is_none() {
        errors.add("role", "error-role-unknown");
    }
    let municipality = match Uuid::parse_str(&form.municipality_id) {
        Ok(id) => service::find_municipality(&ctx.state.db, id).await?,
        Err(_) => None,
    };
    if municipality.is_none() {
        errors.add("municipality_id", "error-municipality-unknown");
    }
    let (Some(role), Some(municipality), true) = (role, municipality, errors.is_empty()) else {
        let query = UserSearch::default();
        return users_page(
            &ctx,
            &query,
            StatusCode::UNPROCESSABLE_ENTITY,
            values,
            &errors,
        )
        .await;
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
    txn.commit().await?;
    ctx.flash(FlashKind::Success, "role-revoked")?;
    Ok(see_other("/manage/users"))
}

// ---- audit log ----

pub async fn audit(ctx: Ctx, query: web::Query<PageQuery>) -> AppResult<HttpResponse> {
    let (rows, pages) = service::audit_page(&ctx.state.db, query.index(), PER_PAGE).await?;
    ctx.render(
        "admin/audit",
        "audit-title",
        json!({ "entries": rows, "pagination": PageView::new(query.index(), pages, "/manage/audit") }),
    )
}
