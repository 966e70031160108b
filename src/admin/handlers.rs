use actix_web::{HttpResponse, http::StatusCode, web};
use serde_json::{Value, json};
use uuid::Uuid;
use validator::Validate;

use crate::{
    accounts::staff::{self as accounts, Invitation},
    admin::{
        forms::{AuditQuery, InviteForm, MunicipalityForm, UserSearch},
        service::{
            self, AuditFilter, DEFAULT_MIN_GROUP_SIZE, MIN_GROUP_SIZE_FLOOR, NewMunicipality,
        },
    },
    error::{AppError, AppResult},
    identity::Role,
    notifications::service as notifications,
    web::{
        context::{Ctx, FlashKind, see_other},
        forms::FormErrors,
        pagination::{PER_PAGE, PageQuery, PageView},
    },
};

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
        .map(|m| {
            json!({
                "name": m.name,
                "slug": m.slug,
                "min_group_size": m.min_group_size,
                "edit_href": format!("/manage/municipalities/{}", m.id),
            })
        })
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

/// The checked values of a municipality form, or the messages for it.
async fn checked_municipality(
    ctx: &Ctx,
    form: &MunicipalityForm,
    except: Option<Uuid>,
) -> AppResult<Result<(String, i32), FormErrors>> {
    let slug = form.slug.trim().to_lowercase();
    let mut errors = match form.validate() {
        Ok(()) => FormErrors::new(),
        Err(e) => FormErrors::from_validation(&e, &["name", "slug"]),
    };
    if !service::is_valid_slug(&slug) {
        errors.add("slug", "error-slug-invalid");
    } else if service::slug_taken(&ctx.state.db, &slug, except).await? {
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
    Ok(match (min_group_size, errors.is_empty()) {
        (Some(min), true) => Ok((slug, min)),
        _ => Err(errors),
    })
}

pub async fn create_municipality(
    ctx: Ctx,
    form: web::Form<MunicipalityForm>,
) -> AppResult<HttpResponse> {
    let admin = ctx.require_user()?;
    let form = form.into_inner();
    let values =
        json!({ "name": form.name, "slug": form.slug, "min_group_size": form.min_group_size });
    let (slug, min_group_size) = match checked_municipality(&ctx, &form, None).await? {
        Ok(checked) => checked,
        Err(errors) => {
            return municipalities_page(&ctx, 0, StatusCode::UNPROCESSABLE_ENTITY, values, &errors)
                .await;
        }
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

pub async fn edit_municipality(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let place = service::find_municipality(&ctx.state.db, id.into_inner())
        .await?
        .ok_or(AppError::NotFound)?;
    let values = json!({
        "name": place.name,
        "slug": place.slug,
        "min_group_size": place.min_group_size.to_string(),
    });
    municipality_edit_page(&ctx, &place, StatusCode::OK, values, &FormErrors::new())
}

fn municipality_edit_page(
    ctx: &Ctx,
    place: &entity::municipalities::Model,
    status: StatusCode,
    values: Value,
    errors: &FormErrors,
) -> AppResult<HttpResponse> {
    // A refused form gets "Fehler: " in front of its title from the render path.
    let title = crate::web::i18n::t_args(
        ctx.lang,
        "municipality-edit-title",
        &[("name", place.name.clone().into())],
    );
    let mut res = ctx.render_title(
        "admin/municipality_edit",
        &title,
        json!({
            "heading": crate::web::i18n::t_args(ctx.lang, "municipality-edit-title", &[("name", place.name.clone().into())]),
            "action": format!("/manage/municipalities/{}", place.id),
            "values": values,
            "errors": errors.view(ctx.lang),
        }),
    )?;
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
    let values =
        json!({ "name": form.name, "slug": form.slug, "min_group_size": form.min_group_size });
    let (slug, min_group_size) = match checked_municipality(&ctx, &form, Some(place.id)).await? {
        Ok(checked) => checked,
        Err(errors) => {
            return municipality_edit_page(
                &ctx,
                &place,
                StatusCode::UNPROCESSABLE_ENTITY,
                values,
                &errors,
            );
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let changed = service::update_municipality(
        &txn,
        admin.id,
        place,
        NewMunicipality {
            name: &form.name,
            slug: &slug,
            min_group_size,
        },
        ctx.state.clock.now(),
    )
    .await?;
    txn.commit().await?;
    ctx.flash(
        FlashKind::Success,
        if changed {
            "municipality-updated"
        } else {
            "municipality-unchanged"
        },
    )?;
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

/// `/manage/audit`: newest first, filtered in SQL by municipality, person, kind and date range;
/// the filters travel in the page links.
pub async fn audit(ctx: Ctx, query: web::Query<AuditQuery>) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let db = &ctx.state.db;
    let kinds = service::audit_kinds(db).await?;
    let (filter, errors) = audit_filter(&ctx, &query, &kinds).await?;
    let kind = filter.target_type.clone();
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
    let (status, rows, pages) = if errors.is_empty() {
        let (rows, pages) = service::audit_page(db, &filter, index, PER_PAGE).await?;
        (StatusCode::OK, rows, pages)
    } else {
        (StatusCode::UNPROCESSABLE_ENTITY, Vec::new(), 1)
    };
    let entries: Vec<Value> = rows.iter().map(|r| audit_view(&ctx, r)).collect();
    let selected_place = query.municipality.clone().unwrap_or_default();
    let places: Vec<Value> = service::all_municipalities(db)
        .await?
        .iter()
        .map(|m| json!({ "id": m.id, "name": m.name, "selected": m.id.to_string() == selected_place }))
        .collect();
    let mut kind_options: Vec<Value> = kinds
        .iter()
        .map(|k| {
            json!({
                "value": k,
                "label": label(&ctx, "audit-kind-", k),
                "selected": kind.as_deref() == Some(k.as_str()),
            })
        })
        .collect();
    kind_options.sort_by(|a, b| a["label"].as_str().cmp(&b["label"].as_str()));
    let filtered = !kept.is_empty();
    let title = ctx.t("audit-title");
    let mut res = ctx.render_title(
        "admin/audit",
        &title,
        json!({
            "entries": entries,
            "pagination": PageView::new(index, pages, &base),
            "municipalities": places,
            "kinds": kind_options,
            "values": {
                "person": query.person.clone().unwrap_or_default(),
                "from": query.from.clone().unwrap_or_default(),
                "to": query.to.clone().unwrap_or_default(),
            },
            "filtered": filtered,
            "errors": errors.view(ctx.lang),
        }),
    )?;
    *res.status_mut() = status;
    Ok(res)
}

/// The audit log's filters as typed, checked: the filter to apply, or what to correct.
async fn audit_filter(
    ctx: &Ctx,
    query: &AuditQuery,
    kinds: &[String],
) -> AppResult<(AuditFilter, FormErrors)> {
    let db = &ctx.state.db;
    let tz = ctx.state.settings.time_zone;
    let mut errors = FormErrors::new();
    let municipality_id = match query.municipality.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => match Uuid::parse_str(raw) {
            Ok(id) if service::find_municipality(db, id).await?.is_some() => Some(id),
            _ => {
                errors.add("municipality", "error-municipality-unknown");
                None
            }
        },
    };
    let day = |raw: Option<&str>, field: &str, errors: &mut FormErrors| match raw.map(str::trim) {
        None | Some("") => None,
        Some(raw) => match chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(day) => Some(day),
            Err(_) => {
                errors.add(field, "error-audit-date");
                None
            }
        },
    };
    let from = day(query.from.as_deref(), "from", &mut errors);
    let to = day(query.to.as_deref(), "to", &mut errors);
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        errors.add("to", "error-audit-date-order");
    }
    let kind = query
        .kind
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_string);
    if let Some(k) = &kind
        && !kinds.contains(k)
    {
        errors.add("kind", "error-audit-kind");
    }
    let person = query
        .person
        .as_deref()
        .map(|p| p.trim().to_lowercase())
        .filter(|p| !p.is_empty());
    let start_of = |day: chrono::NaiveDate| {
        day.and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(tz).earliest())
            .map(|t| t.with_timezone(&chrono::Utc))
    };
    let filter = AuditFilter {
        municipality_id,
        person,
        target_type: kind,
        from: from.and_then(start_of),
        until: to.and_then(|d| d.succ_opt()).and_then(start_of),
    };
    Ok((filter, errors))
}

/// The translation of `prefix` + `raw` (dots and underscores as hyphens), or `raw` itself for
/// an entry whose action or field has no translation yet.
fn label(ctx: &Ctx, prefix: &str, raw: &str) -> String {
    let key = format!("{prefix}{}", raw.replace(['.', '_'], "-"));
    crate::web::i18n::lookup(ctx.lang, &key, &[]).unwrap_or_else(|| raw.to_string())
}

fn shown_value(ctx: &Ctx, value: &Value) -> String {
    match value {
        Value::Null => "–".to_string(),
        Value::Bool(true) => ctx.t("audit-yes"),
        Value::Bool(false) => ctx.t("audit-no"),
        // Points in time are stored as RFC 3339; people read them in the instance's zone.
        Value::String(s) => match chrono::DateTime::parse_from_rfc3339(s) {
            Ok(at) => crate::web::i18n::format_datetime(
                ctx.lang,
                ctx.state.settings.time_zone,
                at.with_timezone(&chrono::Utc),
                "format-datetime",
            ),
            Err(_) => s.clone(),
        },
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items
            .iter()
            .map(|v| shown_value(ctx, v))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(_) => value.to_string(),
    }
}

/// One entry with localized names: its action, its kind, and each change as field, before, after.
fn audit_view(ctx: &Ctx, row: &service::AuditRow) -> Value {
    let summary: Value = serde_json::from_str(&row.summary).unwrap_or(Value::Null);
    let mut changes = Vec::new();
    let before = summary.get("before").and_then(Value::as_object);
    let after = summary.get("after").and_then(Value::as_object);
    if before.is_some() || after.is_some() {
        let mut fields: Vec<&String> = after.into_iter().flat_map(|m| m.keys()).collect();
        for key in before.into_iter().flat_map(|m| m.keys()) {
            if !fields.contains(&key) {
                fields.push(key);
            }
        }
        for field in fields {
            let old = before.and_then(|m| m.get(field));
            let new = after.and_then(|m| m.get(field));
            if old.is_some() && old == new {
                continue;
            }
            changes.push(json!({
                "field": label(ctx, "audit-field-", field),
                "before": old.map(|v| shown_value(ctx, v)),
                "after": shown_value(ctx, new.unwrap_or(&Value::Null)),
            }));
        }
    } else if let Some(map) = summary.as_object() {
        for (field, value) in map {
            changes.push(json!({
                "field": label(ctx, "audit-field-", field),
                "before": null,
                "after": shown_value(ctx, value),
            }));
        }
    }
    json!({
        "created_at": row.created_at,
        "actor": row.actor,
        "municipality": row.municipality,
        "action": label(ctx, "audit-action-", &row.action),
        "action_key": row.action,
        "kind": label(ctx, "audit-kind-", &row.target_type),
        "target_id": row.target_id,
        "changes": changes,
    })
}
