//! CSS and icons, embedded in the binary so that one file is the whole installation.
//!
//! Pages link the stylesheets by a name that carries a hash of their content
//! (`/static/site.3f9a0c1d2e4b5a67.css`, see [`url`]), served as immutable for a year: a phone
//! downloads them once per release, and a new release, having new names, is never hidden behind a
//! stale copy. The plain name (`/static/site.css`) still answers, revalidated on every use.

use actix_web::{
    HttpMessage, HttpRequest, HttpResponse,
    http::header::{self, EntityTag, IfNoneMatch},
    web,
};
use rust_embed::{EmbeddedFile, RustEmbed};

use crate::error::{AppError, AppResult};

#[derive(RustEmbed)]
#[folder = "static/"]
struct StaticFiles;

/// A fingerprinted URL is the same file for ever.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// The plain name may change its content with a release: kept, but revalidated (a cheap 304).
const REVALIDATE: &str = "public, no-cache";

/// Whether `path` is a static file's: the request context skips the signed-in user and the
/// session for these (the same for everyone, and never a cookie).
pub fn is_static_path(path: &str) -> bool {
    path.starts_with("/static/") || path == "/favicon.ico"
}

/// The URL naming the static file `name` (`site.css`) by its content, as pages link it; `None` if
/// there is no such file.
pub fn url(name: &str) -> Option<String> {
    let file = StaticFiles::get(name)?;
    let hash = fingerprint(&file);
    Some(match name.rsplit_once('.') {
        Some((stem, ext)) => format!("/static/{stem}.{hash}.{ext}"),
        None => format!("/static/{name}.{hash}"),
    })
}

pub async fn serve(req: HttpRequest, path: web::Path<String>) -> AppResult<HttpResponse> {
    serve_file(&req, &path)
}

/// `/favicon.ico`, where browsers and bookmarks look for the icon whatever the page links.
pub async fn favicon(req: HttpRequest) -> AppResult<HttpResponse> {
    serve_file(&req, "favicon.ico")
}

fn serve_file(req: &HttpRequest, path: &str) -> AppResult<HttpResponse> {
    let (file, cache_control) = match StaticFiles::get(path) {
        Some(file) => (file, REVALIDATE),
        None => {
            let (file, current) = fingerprinted(path).ok_or(AppError::NotFound)?;
            // An older release's name (a page still cached somewhere, or another instance in a
            // rolling update) gets today's file, but not for ever.
            (file, if current { IMMUTABLE } else { REVALIDATE })
        }
    };
    // Weak: the compression middleware sends the same file in other bytes.
    let etag = EntityTag::new_weak(fingerprint(&file));
    let cached = match req.get_header::<IfNoneMatch>() {
        Some(IfNoneMatch::Any) => true,
        Some(IfNoneMatch::Items(tags)) => tags.iter().any(|t| t.weak_eq(&etag)),
        None => false,
    };
    let mut res = if cached {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header(header::ETag(etag))
        .insert_header((header::CACHE_CONTROL, cache_control));
    if cached {
        return Ok(res.finish());
    }
    Ok(res
        .content_type(file.metadata.mimetype())
        .body(file.data.into_owned()))
}

/// The file a fingerprinted name (`site.<hash>.css`) stands for, and whether the hash is that of
/// its content today.
fn fingerprinted(path: &str) -> Option<(EmbeddedFile, bool)> {
    let (rest, ext) = path.rsplit_once('.')?;
    let (stem, hash) = rest.rsplit_once('.')?;
    let file = StaticFiles::get(&format!("{stem}.{ext}"))?;
    let current = fingerprint(&file) == hash;
    Some((file, current))
}

/// 16 hex digits of the content's SHA-256 (computed when the binary is built).
fn fingerprint(file: &EmbeddedFile) -> String {
    crate::secrets::hex(&file.metadata.sha256_hash()[..8])
}
