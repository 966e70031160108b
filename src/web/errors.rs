//! Turns every error status that no page rendered on purpose into a localized error page, or into
//! JSON under `/api`.

use actix_web::{
    HttpMessage, HttpResponse,
    body::{EitherBody, MessageBody},
    dev::ServiceResponse,
    http::{StatusCode, header},
    middleware::{ErrorHandlerResponse, ErrorHandlers},
    web,
};
use serde::Serialize;
use serde_json::json;

use crate::{
    state::AppState,
    web::{
        context::{RequestContext, render_page},
        i18n::{self, Lang},
        render::{self, RenderedPage},
        unsaved::{self, SubmittedForm},
    },
};

/// Set on an error response whose cause has texts of its own (`{key}-title`, `{key}-text` in the
/// locale files) instead of the status code's.
#[derive(Clone, Copy)]
pub struct ErrorText(pub &'static str);

/// The texts of a write the storage refused ("nicht gespeichert", 503).
pub const UNSAVED: &str = "error-unsaved";
/// The texts of a form whose security token no longer matches the session (403).
pub const FORM_EXPIRED: &str = "error-form-expired";

pub fn handlers<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(error_page)
}

/// Status codes with their own texts in the locale files; others use the generic 500 texts
/// (server errors) or 400 texts (client errors).
fn text_key(status: StatusCode) -> u16 {
    match status.as_u16() {
        code @ (400 | 403 | 404 | 405 | 413 | 422 | 429 | 500 | 503) => code,
        code if code >= 500 => 500,
        _ => 400,
    }
}

/// The error page's own view (`templates/errors/error.hbs`).
#[derive(Serialize)]
struct ErrorView<'a> {
    status: u16,
    title: &'a str,
    text: &'a str,
    /// After a write the storage refused: the form to send again.
    resubmit: Option<unsaved::Resubmit>,
}

fn error_page<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    if res.response().extensions().get::<RenderedPage>().is_some() {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (req, old) = res.into_parts();
    let retry_after = old.headers().get(header::RETRY_AFTER).cloned();
    let rc = req.extensions().get::<RequestContext>().cloned();
    let lang = rc.as_ref().map(|c| c.lang).unwrap_or(Lang::De);
    let mut key = match old.extensions().get::<ErrorText>() {
        Some(ErrorText(key)) => (*key).to_string(),
        None => format!("error-{}", text_key(status)),
    };
    // A write the storage refused: the form comes back with what was typed, to send again. So
    // does the form of a visitor without an account whose token no longer matches: two pages
    // opened at once on a first visit each start a session, and only the last one is kept. A
    // signed-in person always has a session with a token, so for them a mismatch is refused
    // plainly, never offered for one click.
    let submitted = req.extensions().get::<SubmittedForm>().cloned();
    let resubmit = match (key.as_str(), submitted, rc.as_ref()) {
        (UNSAVED, Some(form), _) => unsaved::resubmit(req.path(), &form, None),
        (FORM_EXPIRED, Some(form), Some(rc)) if rc.user.is_none() => {
            unsaved::resubmit(req.path(), &form, Some(&rc.csrf_token))
        }
        _ => None,
    };
    if key == FORM_EXPIRED && resubmit.is_none() {
        key = format!("error-{}", text_key(status));
    }
    let title = i18n::t(lang, &format!("{key}-title"));
    let text = i18n::t(lang, &format!("{key}-text"));

    let mut new = if req.path().starts_with("/api/") {
        HttpResponse::build(status)
            .json(json!({ "error": { "status": status.as_u16(), "message": text } }))
    } else {
        let page = match (req.app_data::<web::Data<AppState>>(), rc) {
            (Some(state), Some(rc)) => render_page(
                state,
                &req,
                &rc,
                "errors/error",
                &title,
                serde_json::to_value(ErrorView {
                    status: status.as_u16(),
                    title: &title,
                    text: &text,
                    resubmit,
                })
                .unwrap_or_default(),
                &[],
            )
            .ok(),
            _ => None,
        };
        // Without a request context (it failed before one existed) a bare page still says what
        // happened.
        let body = page.unwrap_or_else(|| {
            format!(
                "<!doctype html><html lang=\"{}\"><meta charset=\"utf-8\"><title>{}</title><h1>{}</h1><p>{}</p></html>",
                lang.code(),
                handlebars::html_escape(&title),
                handlebars::html_escape(&title),
                handlebars::html_escape(&text)
            )
        });
        render::html(status, body)
    };
    if let Some(value) = retry_after {
        new.headers_mut().insert(header::RETRY_AFTER, value);
    }
    let res = ServiceResponse::new(req, new).map_into_boxed_body();
    Ok(ErrorHandlerResponse::Response(
        res.map_body(|_, b| EitherBody::right(b)),
    ))
}
