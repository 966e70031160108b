//! Access checks: signed-in pages and the staff area. Every `/manage` route is registered from the table in
//! `routes.rs` together with the access it needs, and this middleware enforces it before the
//! handler runs: anonymous visitors are sent to the login page, signed-in users without the role
//! get 403.

use actix_web::{
    Error, HttpMessage, ResponseError,
    body::{BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    middleware::Next,
};
use serde::Serialize;

use crate::{
    error::AppError,
    identity::CurrentUser,
    web::context::{RequestContext, see_other},
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Access {
    /// Anyone with an account (their own profile and data).
    SignedIn,
    /// Any coordinator, moderator or admin. Handlers narrow this to the municipalities the user
    /// works for.
    Staff,
    /// Coordinators (of any municipality) and admins. Handlers narrow this to the municipalities
    /// the user coordinates.
    Coordinator,
    /// Moderators (of any municipality) and admins. Handlers narrow this to the municipalities
    /// the user moderates.
    Moderator,
    /// Instance administrators only.
    Admin,
}

impl Access {
    pub fn allows(self, user: &CurrentUser) -> bool {
        match self {
            Access::SignedIn => true,
            Access::Staff => user.is_staff(),
            Access::Coordinator => user.is_admin() || user.is_coordinator_somewhere(),
            Access::Moderator => user.is_admin() || user.is_moderator_somewhere(),
            Access::Admin => user.is_admin(),
        }
    }
}

/// Whether `path` is in the staff area (`/manage` and below): its pages load the staff
/// stylesheet and are never kept by a cache.
pub fn is_staff_path(path: &str) -> bool {
    path == "/manage" || path.starts_with("/manage/")
}

pub async fn require(
    access: Access,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let user = req
        .extensions()
        .get::<RequestContext>()
        .and_then(|c| c.user.clone());
    match user {
        None => {
            let target = match req.query_string() {
                "" => req.path().to_string(),
                q => format!("{}?{}", req.path(), q),
            };
            let next_param = serde_urlencoded::to_string([("next", target)]).unwrap_or_default();
            Ok(req.into_response(see_other(&format!("/account/login?{next_param}"))))
        }
        Some(user) if !access.allows(&user) => {
            Ok(req.into_response(AppError::Forbidden.error_response()))
        }
        Some(_) => Ok(next.call(req).await?.map_into_boxed_body()),
    }
}
