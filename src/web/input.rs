//! Input hygiene in one place: control characters (U+0000 and the others) have no business in a
//! path, a query string or a form field, and PostgreSQL cannot even store U+0000 in text. They
//! are refused here, before routing, with a localized 400 page, so no handler, query or stored
//! text ever sees them. Tab, line feed and carriage return stay allowed in form fields, where a
//! textarea sends them; a path or query string may hold none of them.

use actix_web::{
    Error, HttpMessage, HttpResponse,
    body::{BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    middleware::Next,
    web::BytesMut,
};
use futures_util::StreamExt;

use crate::{
    error::AppError,
    web::{csrf::payload_of, errors::ErrorText},
};

/// The largest form body read here; larger ones are refused by the form extractor's limit anyway.
const MAX_FORM_BYTES: usize = 256 * 1024;

/// Which kind of input carried the character, for the log line (which never shows the input).
#[derive(Clone, Copy, Debug)]
enum Part {
    Path,
    Query,
    Form,
}

pub async fn refuse_control_characters(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let refused = if has_control(&percent_decoded(req.path()), false) {
        Some(Part::Path)
    } else if url::form_urlencoded::parse(req.query_string().as_bytes())
        .any(|(k, v)| has_control(&k, false) || has_control(&v, false))
    {
        Some(Part::Query)
    } else {
        None
    };
    if let Some(part) = refused {
        return Ok(refuse(req, part));
    }
    if req.content_type() == "application/x-www-form-urlencoded" {
        let mut payload = req.take_payload();
        let mut body = BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk?;
            if body.len() + chunk.len() > MAX_FORM_BYTES {
                return Ok(req.into_response(actix_web::ResponseError::error_response(
                    &AppError::PayloadTooLarge,
                )));
            }
            body.extend_from_slice(&chunk);
        }
        let body = body.freeze();
        if url::form_urlencoded::parse(&body)
            .any(|(k, v)| has_control(&k, false) || has_control(&v, true))
        {
            return Ok(refuse(req, Part::Form));
        }
        req.set_payload(payload_of(body));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

fn refuse(req: ServiceRequest, part: Part) -> ServiceResponse<BoxBody> {
    tracing::warn!(?part, "request refused: a control character in the input");
    let mut res = HttpResponse::BadRequest().finish();
    res.extensions_mut()
        .insert(ErrorText("error-control-character"));
    req.into_response(res)
}

/// A path with its `%XX` escapes decoded (invalid UTF-8 replaced, which is no control character).
fn percent_decoded(path: &str) -> String {
    percent_encoding::percent_decode_str(path)
        .decode_utf8_lossy()
        .into_owned()
}

/// C0 controls, DEL and C1 controls; with `text`, tab, line feed and carriage return are allowed.
fn has_control(value: &str, text: bool) -> bool {
    value
        .chars()
        .any(|c| c.is_control() && !(text && matches!(c, '\t' | '\n' | '\r')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_but_text_keeps_tabs_and_line_breaks() {
        assert!(has_control("a\0b", true));
        assert!(has_control("a\u{1b}[31m", true));
        assert!(has_control("a\u{7f}", true));
        assert!(has_control("a\u{85}", true));
        assert!(!has_control("Zeile 1\r\n\tZeile 2", true));
        assert!(has_control("a\tb", false));
        assert!(!has_control("Grüße, Straße 5 – „Hallo“ 😀", false));
    }

    #[test]
    fn a_path_is_checked_with_its_escapes_decoded() {
        assert_eq!(percent_decoded("/rounds/a%00b"), "/rounds/a\0b");
        assert_eq!(percent_decoded("/a&b=%0A"), "/a&b=\n");
        assert!(has_control(&percent_decoded("/rounds/a%00b"), false));
        assert!(!has_control(
            &percent_decoded("/rounds/gr%C3%BC%C3%9Fe"),
            false
        ));
    }
}
