//! One log line per request with the route pattern instead of the path, so tokens in URLs,
//! query strings, addresses and user agents never reach the log.
//!
//! Except where a line would date an anonymous survey answer: the answer form's POST, the thank-you
//! page it leads to and the staff's paper entry write no line (a timestamped line per answer would
//! tell the operator the minute each response came in, which the stored response, carrying only
//! the day, deliberately does not). Their server errors are still logged: a request that failed
//! stored nothing.

use std::time::Instant;

use actix_web::{
    Error,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::Method,
    middleware::Next,
};

/// Routes whose requests each stand for one survey answer being given or entered.
const ANSWER_ROUTES: [(Method, &str); 4] = [
    (Method::POST, "/surveys/{id}"),
    (Method::GET, "/surveys/{id}/thanks"),
    (Method::POST, "/manage/surveys/{id}/paper"),
    // The paper form is shown again after each entry.
    (Method::GET, "/manage/surveys/{id}/paper"),
];

/// Whether a request's line would date a survey answer and is left out of the log (a HEAD is
/// left out where its GET is).
pub fn is_answer_route(method: &Method, route: &str) -> bool {
    let method = if method == Method::HEAD {
        &Method::GET
    } else {
        method
    };
    ANSWER_ROUTES
        .iter()
        .any(|(m, r)| m == method && *r == route)
}

pub async fn log_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let method = req.method().clone();
    let res = next.call(req).await?;
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "(unmatched)".into());
    if is_answer_route(&method, &route) && !res.status().is_server_error() {
        return Ok(res);
    }
    tracing::info!(
        method = %method,
        route = %route,
        status = res.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    Ok(res)
}
