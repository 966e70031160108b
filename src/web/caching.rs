//! Who may keep a response, and how a browser asks whether its copy is still good.
//!
//! - A public page for an anonymous visitor (GET or HEAD, status 200) gets an `ETag` (a hash of
//!   its body) and `Cache-Control: no-cache`: kept, but asked about each time; a request whose
//!   `If-None-Match` names the tag gets `304 Not Modified` without a body. It is `public` unless it
//!   belongs to one browser's session (the request carries the session cookie or the response sets
//!   a cookie): then `private`, so no shared cache keeps it. `Vary: Cookie, Accept-Language`, as the
//!   language comes from either.
//! - Everything for a signed-in person, and every staff page, is `private, no-store`.
//! - Everything else (redirects, refused forms, error pages, other methods) is `no-store`.
//!
//! A handler that chose its own `Cache-Control` (static files, downloads, `/healthz`) keeps it.

use actix_web::{
    Error, HttpMessage,
    body::{BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{
        Method, StatusCode,
        header::{self, EntityTag, HeaderValue, IfNoneMatch},
    },
    middleware::Next,
};
use sha2::{Digest, Sha256};

use crate::web::{access::is_staff_path, context::request_context};

const PERSONAL: &str = "private, no-store";
const NOT_KEPT: &str = "no-store";
const PUBLIC: &str = "public, no-cache";
const ONE_BROWSER: &str = "private, no-cache";

/// The middleware; `session_cookie` is the name of the session's cookie. It runs outside the
/// session middleware, so it sees the cookies a response sets.
pub async fn cache_headers(
    session_cookie: &'static str,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD);
    let has_session = req.cookie(session_cookie).is_some();
    let if_none_match = req.get_header::<IfNoneMatch>();
    let mut res = next.call(req).await?.map_into_boxed_body();
    if res.headers().contains_key(header::CACHE_CONTROL) {
        return Ok(res);
    }
    let signed_in = request_context(res.request()).is_some_and(|rc| rc.user.is_some());
    let path = res.request().path();
    let staff_area = is_staff_path(path);
    if signed_in || staff_area {
        set(&mut res, header::CACHE_CONTROL, PERSONAL);
        return Ok(res);
    }
    if !safe || res.status() != StatusCode::OK {
        set(&mut res, header::CACHE_CONTROL, NOT_KEPT);
        return Ok(res);
    }

    let scope = if has_session || res.headers().contains_key(header::SET_COOKIE) {
        ONE_BROWSER
    } else {
        PUBLIC
    };
    set(&mut res, header::CACHE_CONTROL, scope);
    res.headers_mut().append(
        header::VARY,
        HeaderValue::from_static("Cookie, Accept-Language"),
    );
    let (req, res) = res.into_parts();
    let (mut res, body) = res.into_parts();
    let bytes = match body.try_into_bytes() {
        Ok(bytes) => bytes,
        // A streamed body is sent as it comes, without a tag.
        Err(body) => return Ok(ServiceResponse::new(req, res.set_body(body))),
    };
    // Weak: the compression middleware sends the same page in other bytes.
    let etag = EntityTag::new_weak(crate::secrets::hex(&Sha256::digest(&bytes)[..16]));
    let unchanged = match if_none_match {
        Some(IfNoneMatch::Any) => true,
        Some(IfNoneMatch::Items(tags)) => tags.iter().any(|t| t.weak_eq(&etag)),
        None => false,
    };
    if let Ok(value) = HeaderValue::from_str(&etag.to_string()) {
        res.headers_mut().insert(header::ETAG, value);
    }
    let res = if unchanged {
        *res.status_mut() = StatusCode::NOT_MODIFIED;
        res.set_body(BoxBody::new(actix_web::body::None::new()))
    } else {
        res.set_body(BoxBody::new(bytes))
    };
    Ok(ServiceResponse::new(req, res))
}

fn set(res: &mut ServiceResponse<BoxBody>, name: header::HeaderName, value: &'static str) {
    res.headers_mut()
        .insert(name, HeaderValue::from_static(value));
}
