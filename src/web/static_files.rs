//! CSS and icons, embedded in the binary so that one file is the whole installation.

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use rust_embed::RustEmbed;

use crate::error::{AppError, AppResult};

#[derive(RustEmbed)]
#[folder = "static/"]
struct StaticFiles;

pub async fn serve(req: HttpRequest, path: web::Path<String>) -> AppResult<HttpResponse> {
    serve_file(&req, &path)
}

/// `/favicon.ico`, where browsers and bookmarks look for the icon whatever the page links.
pub async fn favicon(req: HttpRequest) -> AppResult<HttpResponse> {
    serve_file(&req, "favicon.ico")
}

fn serve_file(req: &HttpRequest, path: &str) -> AppResult<HttpResponse> {
    let file = StaticFiles::get(path).ok_or(AppError::NotFound)?;
    let etag = format!(
        "\"{}\"",
        crate::secrets::hex(&file.metadata.sha256_hash()[..16])
    );
    let cached = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == etag);
    if cached {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .finish());
    }
    Ok(HttpResponse::Ok()
        .content_type(file.metadata.mimetype())
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(file.data.into_owned()))
}
