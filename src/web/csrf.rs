//! The synchronizer-token check for every state-changing request. The token lives in the
//! encrypted session; forms send it back as `csrf_token` (or the `X-CSRF-Token` header), file
//! uploads (`multipart/form-data`) as their `csrf_token` part. Checking here, before routing
//! reaches a handler, means no POST route can forget it.

use actix_session::SessionExt;
use actix_web::{
    Error, HttpMessage, ResponseError,
    body::{BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::Method,
    middleware::Next,
    web::{Bytes, BytesMut},
};
use futures_util::StreamExt;
use serde::Deserialize;
use subtle::ConstantTimeEq;

use crate::{error::AppError, web::context::session_csrf_token};

/// Forms are small; anything larger is refused before it is buffered.
const MAX_FORM_BYTES: usize = 256 * 1024;

/// An upload's body: its file (at most 10 MB, `monitoring::import`) and the form's other fields.
/// Larger bodies are refused before they are buffered.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024 + 64 * 1024;

#[derive(Deserialize)]
struct TokenField {
    csrf_token: Option<String>,
}

pub async fn verify_csrf(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let expected = session_csrf_token(&req.get_session());

    let mut sent = req
        .headers()
        .get("X-CSRF-Token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if sent.is_none() && req.content_type() == "application/x-www-form-urlencoded" {
        let body = match buffered(&mut req, MAX_FORM_BYTES).await? {
            Some(body) => body,
            None => return Ok(reject(req, AppError::PayloadTooLarge)),
        };
        sent = serde_urlencoded::from_bytes::<TokenField>(&body)
            .ok()
            .and_then(|f| f.csrf_token);
        // Kept for the "nicht gespeichert" page, which offers what was typed again.
        req.extensions_mut()
            .insert(crate::web::unsaved::SubmittedForm(body.clone()));
        req.set_payload(payload_of(body));
    } else if sent.is_none() && req.content_type() == "multipart/form-data" {
        let body = match buffered(&mut req, MAX_UPLOAD_BYTES).await? {
            Some(body) => body,
            None => return Ok(reject(req, AppError::PayloadTooLarge)),
        };
        sent = multipart_token(req.headers(), body.clone()).await;
        req.set_payload(payload_of(body));
    }

    let valid = match (expected, sent) {
        (Some(expected), Some(sent)) => bool::from(expected.as_bytes().ct_eq(sent.as_bytes())),
        _ => false,
    };
    if !valid {
        // Not the path: it may hold a one-time token from an e-mailed link.
        tracing::warn!("request refused: CSRF token missing or wrong");
        return Ok(reject(req, AppError::CsrfRejected));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// The request's body, read whole; `None` if it is larger than `limit`.
async fn buffered(req: &mut ServiceRequest, limit: usize) -> Result<Option<Bytes>, Error> {
    let mut payload = req.take_payload();
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > limit {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body.freeze()))
}

/// The `csrf_token` part of a multipart body (the upload forms send it first), read with the same
/// parser the handler uses.
async fn multipart_token(
    headers: &actix_web::http::header::HeaderMap,
    body: Bytes,
) -> Option<String> {
    let stream =
        futures_util::stream::once(async move { Ok::<_, actix_web::error::PayloadError>(body) });
    let mut parts = actix_multipart::Multipart::new(headers, stream);
    while let Some(part) = parts.next().await {
        let mut part = part.ok()?;
        if part.name() == Some("csrf_token") {
            let bytes = part.bytes(256).await.ok()?.ok()?;
            return String::from_utf8(bytes.to_vec()).ok();
        }
        // Other parts are skipped as they stream past.
        while let Some(chunk) = part.next().await {
            chunk.ok()?;
        }
    }
    None
}

fn reject(req: ServiceRequest, error: AppError) -> ServiceResponse<BoxBody> {
    let res = error.error_response();
    req.into_response(res)
}

/// A body that was read to be checked, given back to the request for the handler.
pub fn payload_of(buf: Bytes) -> actix_web::dev::Payload {
    let (_, mut payload) = actix_http::h1::Payload::create(true);
    payload.unread_data(buf);
    actix_web::dev::Payload::from(payload)
}
