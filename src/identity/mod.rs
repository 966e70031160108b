//! Who is asking: the signed-in person with their roles ([`CurrentUser`]), looked up once per
//! request from the session cookie ([`session_user`]), and the server-side sessions behind that
//! cookie ([`sessions`]). Plumbing: the web layer and every slice read it; accounts write it.

pub mod sessions;

use entity::{role_assignments, users};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::Serialize;
use uuid::Uuid;

use crate::web::i18n::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Coordinator,
    Moderator,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::Moderator => "moderator",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "coordinator" => Some(Role::Coordinator),
            "moderator" => Some(Role::Moderator),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleGrant {
    pub role: Role,
    /// `None` for the instance-wide admin role.
    pub municipality_id: Option<Uuid>,
}

/// The signed-in person as request handlers see them.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: Uuid,
    pub email: String,
    pub display_name: Option<String>,
    pub language: Lang,
    pub session_version: i32,
    pub roles: Vec<RoleGrant>,
}

impl CurrentUser {
    pub fn is_admin(&self) -> bool {
        self.roles.iter().any(|r| r.role == Role::Admin)
    }

    /// Admins and anyone who coordinates or moderates somewhere.
    pub fn is_staff(&self) -> bool {
        !self.roles.is_empty()
    }

    pub fn is_coordinator_somewhere(&self) -> bool {
        self.roles.iter().any(|r| r.role == Role::Coordinator)
    }

    /// Whether this person may change what belongs to `municipality_id`: its coordinators and
    /// instance admins.
    pub fn coordinates(&self, municipality_id: Uuid) -> bool {
        self.is_admin()
            || self
                .roles
                .iter()
                .any(|r| r.role == Role::Coordinator && r.municipality_id == Some(municipality_id))
    }

    /// The municipalities whose staff area this person sees: `None` means all (admins).
    pub fn coordinated_municipalities(&self) -> Option<Vec<Uuid>> {
        self.municipalities_with(Role::Coordinator)
    }

    pub fn is_moderator_somewhere(&self) -> bool {
        self.roles.iter().any(|r| r.role == Role::Moderator)
    }

    /// Whether this person may curate contributions in `municipality_id`: its moderators and
    /// instance admins.
    pub fn moderates(&self, municipality_id: Uuid) -> bool {
        self.is_admin()
            || self
                .roles
                .iter()
                .any(|r| r.role == Role::Moderator && r.municipality_id == Some(municipality_id))
    }

    /// The municipalities whose contributions this person curates: `None` means all (admins).
    pub fn moderated_municipalities(&self) -> Option<Vec<Uuid>> {
        self.municipalities_with(Role::Moderator)
    }

    fn municipalities_with(&self, role: Role) -> Option<Vec<Uuid>> {
        if self.is_admin() {
            return None;
        }
        Some(
            self.roles
                .iter()
                .filter(|r| r.role == role)
                .filter_map(|r| r.municipality_id)
                .collect(),
        )
    }
}

/// The account behind a session cookie with its roles, if the cookie's session version still
/// matches (a password change or deletion bumps it).
pub async fn session_user(
    db: &impl ConnectionTrait,
    id: Uuid,
    session_version: i32,
) -> Result<Option<CurrentUser>, DbErr> {
    let Some(user) = users::Entity::find_by_id(id)
        .filter(users::Column::SessionVersion.eq(session_version))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let roles = role_assignments::Entity::find()
        .filter(role_assignments::Column::UserId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| {
            Role::parse(&r.role).map(|role| RoleGrant {
                role,
                municipality_id: r.municipality_id,
            })
        })
        .collect();
    Ok(Some(current_user(user, roles)))
}

fn current_user(user: users::Model, roles: Vec<RoleGrant>) -> CurrentUser {
    CurrentUser {
        id: user.id,
        email: user.email,
        display_name: user.display_name,
        language: Lang::parse(&user.language).unwrap_or_default(),
        session_version: user.session_version,
        roles,
    }
}
