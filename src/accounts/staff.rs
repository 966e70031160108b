//! Staff accounts: the first administrator (from the command line), invitations of
//! coordinators and moderators, revoking roles and the admin's list of staff.

use entity::{municipalities, role_assignments, users};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::{
    accounts::{
        model::{ensure_user, grant_role, user_lang},
        tokens::{INVITE_TTL, TokenPurpose, issue_token},
    },
    audit::service::{self as audit, Entry},
    error::AppError,
    identity::{CurrentUser, Role},
    notifications::service::{self as notifications, Email},
    state::AppState,
    web::i18n::Lang,
};

/// Whether the instance has an administrator yet (a fresh one has none).
pub async fn has_admin(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    Ok(role_assignments::Entity::find()
        .filter(role_assignments::Column::Role.eq(Role::Admin.as_str()))
        .count(db)
        .await?
        > 0)
}

/// Creates an admin account (or makes an existing account admin) and returns a one-time link to
/// set the password.
pub async fn create_admin(
    db: &impl ConnectionTrait,
    state: &AppState,
    email: &str,
) -> Result<String, AppError> {
    let now = state.clock.now();
    let user = ensure_user(db, email, Lang::De, now).await?;
    let is_admin = role_assignments::Entity::find()
        .filter(role_assignments::Column::UserId.eq(user.id))
        .filter(role_assignments::Column::Role.eq(Role::Admin.as_str()))
        .count(db)
        .await?
        > 0;
    if !is_admin {
        grant_role(db, user.id, Role::Admin, None, None, now).await?;
    }
    let token = issue_token(db, user.id, TokenPurpose::Password, INVITE_TTL, None, now).await?;
    Ok(state
        .settings
        .absolute_url(&format!("/account/reset/{token}")))
}

pub enum Invitation {
    Invited,
    AlreadyHolds,
}

/// An admin makes `email` coordinator or moderator of a municipality. A new person gets a link to
/// set a password; an existing account is told about the new role.
pub async fn invite(
    db: &impl ConnectionTrait,
    state: &AppState,
    admin: &CurrentUser,
    email: &str,
    role: Role,
    municipality: &municipalities::Model,
) -> Result<Invitation, AppError> {
    let now = state.clock.now();
    let user = ensure_user(db, email, admin.language, now).await?;
    let holds = role_assignments::Entity::find()
        .filter(role_assignments::Column::UserId.eq(user.id))
        .filter(role_assignments::Column::Role.eq(role.as_str()))
        .filter(role_assignments::Column::MunicipalityId.eq(municipality.id))
        .count(db)
        .await?
        > 0;
    if holds {
        return Ok(Invitation::AlreadyHolds);
    }
    let grant = grant_role(
        db,
        user.id,
        role,
        Some(municipality.id),
        Some(admin.id),
        now,
    )
    .await?;
    let role_name = crate::web::i18n::t(user_lang(&user), &format!("role-{}", role.as_str()));
    // An unconfirmed account's password may have been set by someone else: the invitee sets
    // their own.
    let data = if user.password_hash.is_none() || user.email_verified_at.is_none() {
        let token = issue_token(db, user.id, TokenPurpose::Password, INVITE_TTL, None, now).await?;
        json!({
            "role": role_name,
            "municipality": municipality.name,
            "url": state.settings.absolute_url(&format!("/account/reset/{token}")),
            "days": INVITE_TTL.num_days(),
        })
    } else {
        json!({
            "role": role_name,
            "municipality": municipality.name,
            "url": state.settings.absolute_url("/manage"),
            "days": null,
        })
    };
    notifications::enqueue(
        db,
        state,
        Email {
            to: &user.email,
            lang: user_lang(&user),
            kind: "invite",
            data,
        },
    )
    .await?;
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(admin.id),
            municipality_id: Some(municipality.id),
            action: "role.granted",
            target_type: "role_assignment",
            target_id: Some(grant.id.to_string()),
            summary: json!({ "user": user.id, "role": role.as_str() }),
        },
    )
    .await?;
    Ok(Invitation::Invited)
}

/// Removes a coordinator or moderator role. The admin role is managed on the command line only,
/// so an admin cannot lock everyone out by a click.
pub async fn revoke(
    db: &impl ConnectionTrait,
    state: &AppState,
    admin: &CurrentUser,
    assignment_id: Uuid,
) -> Result<bool, AppError> {
    let Some(grant) = role_assignments::Entity::find_by_id(assignment_id)
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    if grant.role == Role::Admin.as_str() {
        return Ok(false);
    }
    role_assignments::Entity::delete_by_id(grant.id)
        .exec(db)
        .await?;
    audit::record(
        db,
        state.clock.now(),
        Entry {
            actor_id: Some(admin.id),
            municipality_id: grant.municipality_id,
            action: "role.revoked",
            target_type: "role_assignment",
            target_id: Some(grant.id.to_string()),
            summary: json!({ "user": grant.user_id, "role": grant.role }),
        },
    )
    .await?;
    Ok(true)
}

/// A row of the admin's user list.
#[derive(Serialize)]
pub struct UserRow {
    pub id: Uuid,
    pub email: String,
    pub display_name: Option<String>,
    pub verified: bool,
    pub roles: Vec<RoleRow>,
}

#[derive(Serialize)]
pub struct RoleRow {
    pub id: Uuid,
    pub role: String,
    pub municipality: Option<String>,
    pub revocable: bool,
}

/// Staff accounts (anyone holding a role), filtered by an address fragment, one page at a time.
/// Two queries per page: the users, then all their roles with municipality names.
pub async fn staff_page(
    db: &impl ConnectionTrait,
    search: Option<&str>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<UserRow>, u64), DbErr> {
    let mut query = users::Entity::find().filter(
        users::Column::Id.in_subquery(
            sea_orm::sea_query::Query::select()
                .column(role_assignments::Column::UserId)
                .from(role_assignments::Entity)
                .to_owned(),
        ),
    );
    if let Some(search) = search.map(str::trim).filter(|s| !s.is_empty()) {
        query = query.filter(users::Column::Email.contains(search.to_lowercase()));
    }
    let paginator = query
        .order_by_asc(users::Column::Email)
        .paginate(db, per_page);
    let pages = paginator.num_pages().await?;
    let list = paginator.fetch_page(page).await?;
    let ids: Vec<Uuid> = list.iter().map(|u| u.id).collect();
    let grants = role_assignments::Entity::find()
        .filter(role_assignments::Column::UserId.is_in(ids))
        .find_also_related(municipalities::Entity)
        .order_by_asc(role_assignments::Column::CreatedAt)
        .all(db)
        .await?;
    let rows = list
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            roles: grants
                .iter()
                .filter(|(g, _)| g.user_id == u.id)
                .map(|(g, m)| RoleRow {
                    id: g.id,
                    role: g.role.clone(),
                    municipality: m.as_ref().map(|m| m.name.clone()),
                    revocable: g.role != Role::Admin.as_str(),
                })
                .collect(),
            email: u.email,
            display_name: u.display_name,
            verified: u.email_verified_at.is_some(),
        })
        .collect();
    Ok((rows, pages))
}
