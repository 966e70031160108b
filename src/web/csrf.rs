//! The synchronizer-token check for every state-changing request. The token lives in the
//! encrypted session; forms send it back as `csrf_token` (or the `X-CSRF-Token` header). Checking
//! here, before routing reaches a handler, means no POST route can forget it.

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
        let mut payload = req.take_payload();
        let mut body = BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk?;
            if body.len() + chunk.len() > MAX_FORM_BYTES {
                return Ok(reject(req, AppError::PayloadTooLarge));
            }
            body.extend_from_slice(&chunk);
        }
        let body = body.freeze();
        sent = serde_urlencoded::from_bytes::<TokenField>(&body)
            .ok()
            .and_then(|f| f.csrf_token);
        // Kept for the "nicht gespeichert" page, which offers what was typed again.
        req.extensions_mut()
            .insert(crate::web::unsaved::SubmittedForm(body.clone()));
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
