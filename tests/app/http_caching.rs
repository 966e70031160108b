//! The HTTP plumbing a slow, prepaid phone connection and a reverse proxy rely on: compressed
//! responses, HEAD on every GET route, no cookie before a visitor needs one, revalidation by
//! `ETag`, and the stylesheets fingerprinted and cached for a year.

use std::io::Read;

use reqwest::{Client, Response, StatusCode, header::HeaderMap};

use crate::{
    fixtures::{new_workshop, workshop_round},
    helpers::{TestApp, TestResult, browser, csrf_token, new_client, spawn_app},
};

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// All values of the `Vary` headers, lowercased.
fn vary(headers: &HeaderMap) -> String {
    headers
        .get_all("vary")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(", ")
        .to_lowercase()
}

/// The status, headers and raw (undecoded) body of a GET with `headers`.
async fn raw_get(
    client: &Client,
    app: &TestApp,
    path: &str,
    headers: &[(&str, &str)],
) -> Result<(StatusCode, HeaderMap, Vec<u8>), reqwest::Error> {
    let mut req = client.get(app.url(path));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    parts(req.send().await?).await
}

async fn parts(res: Response) -> Result<(StatusCode, HeaderMap, Vec<u8>), reqwest::Error> {
    let status = res.status();
    let headers = res.headers().clone();
    Ok((status, headers, res.bytes().await?.to_vec()))
}

fn gunzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out)?;
    Ok(out)
}

fn unbrotli(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096).read_to_end(&mut out)?;
    Ok(out)
}

/// Asserts that `path` comes gzip- and brotli-compressed when asked and plain when not, each
/// decoding to the plain body, and returns the plain body.
async fn assert_compresses(client: &Client, app: &TestApp, path: &str) -> Result<Vec<u8>, String> {
    let err = |e: &dyn std::fmt::Display| format!("{path}: {e}");
    let (status, headers, plain) = raw_get(client, app, path, &[]).await.map_err(|e| err(&e))?;
    assert_eq!(status, StatusCode::OK, "{path}");
    assert_eq!(header(&headers, "content-encoding"), None, "{path}");
    for (asked, decode) in [
        ("gzip", gunzip as fn(&[u8]) -> std::io::Result<Vec<u8>>),
        ("br", unbrotli),
    ] {
        let (status, headers, body) = raw_get(client, app, path, &[("accept-encoding", asked)])
            .await
            .map_err(|e| err(&e))?;
        assert_eq!(status, StatusCode::OK, "{path} {asked}");
        assert_eq!(header(&headers, "content-encoding"), Some(asked), "{path}");
        let vary = vary(&headers);
        assert!(vary.contains("accept-encoding"), "{path}: vary {vary}");
        assert_ne!(body, plain, "{path}: {asked} sends other bytes");
        let decoded = decode(&body).map_err(|e| err(&e))?;
        assert_eq!(decoded, plain, "{path}: {asked} decodes to the same body");
    }
    Ok(plain)
}

#[tokio::test]
async fn pages_stylesheets_json_and_downloads_are_compressed_when_the_browser_asks() -> TestResult {
    let mut app = spawn_app().await;
    let round = workshop_round(&mut app, "kompressionsstadt").await;
    let id = new_workshop(&mut app, &round, &[]).await;
    let visitor = new_client();

    let home = assert_compresses(&visitor, &app, "/").await?;
    assert!(String::from_utf8(home)?.contains("<!doctype html>"));
    let css = assert_compresses(&visitor, &app, "/static/site.css").await?;
    assert!(!css.is_empty());
    // JSON (its free-space figure changes from one request to the next).
    for (asked, decode) in [
        ("gzip", gunzip as fn(&[u8]) -> std::io::Result<Vec<u8>>),
        ("br", unbrotli),
    ] {
        let (_, headers, body) =
            raw_get(&visitor, &app, "/healthz", &[("accept-encoding", asked)]).await?;
        assert_eq!(header(&headers, "content-encoding"), Some(asked));
        let health: serde_json::Value = serde_json::from_slice(&decode(&body)?)?;
        assert_eq!(health["status"], "ok");
    }
    let ics = assert_compresses(&visitor, &app, &format!("/workshops/{id}/calendar.ics")).await?;
    assert!(String::from_utf8(ics)?.contains("BEGIN:VCALENDAR"));
    // A staff download, signed in: still a CSV file once decoded.
    let csv = assert_compresses(
        &round.staff,
        &app,
        &format!("/manage/workshops/{id}/export.csv"),
    )
    .await?;
    assert!(String::from_utf8(csv)?.starts_with('\u{feff}'), "the BOM");

    // Images are left as they are.
    let (_, headers, _) = raw_get(
        &visitor,
        &app,
        "/favicon.ico",
        &[("accept-encoding", "gzip")],
    )
    .await?;
    assert_eq!(header(&headers, "content-encoding"), None);
    Ok(())
}

/// Asserts that HEAD `path` answers as GET does, without a body.
async fn assert_head_like_get(client: &Client, app: &TestApp, path: &str) -> TestResult {
    let (status, get_headers, body) = raw_get(client, app, path, &[]).await?;
    let (head_status, head_headers, head_body) =
        parts(client.head(app.url(path)).send().await?).await?;
    assert_eq!(head_status, status, "HEAD {path}");
    assert!(head_body.is_empty(), "HEAD {path} has no body");
    for name in ["content-type", "location", "cache-control", "etag"] {
        assert_eq!(
            header(&head_headers, name),
            header(&get_headers, name),
            "HEAD {path}: {name}"
        );
    }
    if !body.is_empty() {
        assert_eq!(
            header(&head_headers, "content-length"),
            Some(body.len().to_string().as_str()),
            "HEAD {path}: the length of GET's body"
        );
    }
    Ok(())
}

#[tokio::test]
async fn head_answers_every_get_route_like_get_without_a_body() -> TestResult {
    let app = spawn_app().await;
    let visitor = new_client();
    for path in ["/", "/account/login", "/static/site.css", "/no-such-page"] {
        assert_head_like_get(&visitor, &app, path).await?;
    }
    let (status, _, _) = raw_get(&visitor, &app, "/no-such-page", &[]).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A staff page: the same redirect to the login page for a visitor, the page for staff.
    assert_head_like_get(&visitor, &app, "/manage").await?;
    let (status, _, _) = raw_get(&visitor, &app, "/manage", &[]).await?;
    assert_eq!(status, StatusCode::SEE_OTHER);
    app.signed_in_admin("admin@example.org").await;
    let staff = &app.client;
    // The start page shows the "password set" message once; afterwards GET and HEAD see the same.
    app.get("/manage").await;
    assert_head_like_get(staff, &app, "/manage").await?;
    let res = staff.head(app.url("/manage")).send().await?;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        header(res.headers(), "content-type"),
        Some("text/html; charset=utf-8")
    );
    // Every staff page without an id in its path, with the access rules of its GET.
    for route in teilhabe::routes::STAFF_ROUTES {
        if route.method == "GET" && !route.path.contains('{') {
            let head = staff.head(app.url(route.path)).send().await?.status();
            let get = staff.get(app.url(route.path)).send().await?.status();
            assert_eq!(head, get, "HEAD {}", route.path);
            let anonymous = visitor.head(app.url(route.path)).send().await?.status();
            assert_eq!(anonymous, StatusCode::SEE_OTHER, "HEAD {}", route.path);
        }
    }
    // A POST route is not a GET route: HEAD finds nothing there.
    let res = visitor.head(app.url("/account/logout")).send().await?;
    assert!(res.status().is_client_error(), "{}", res.status());
    // The route table declares GET routes only through its HEAD-answering `get()`.
    assert!(!include_str!("../../src/routes.rs").contains("web::get()"));
    Ok(())
}

fn sets_cookie(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn an_anonymous_visitor_gets_no_cookie_until_a_form_needs_one() -> TestResult {
    let app = spawn_app().await;
    app.signed_in_admin("admin@example.org").await;
    let password = "Admin-Passwort lang genug";
    let (visitor, jar) = browser(&[]);

    let (_, headers, home) = raw_get(&visitor, &app, "/", &[]).await?;
    assert_eq!(sets_cookie(&headers), Vec::<String>::new(), "/");
    let home = String::from_utf8(home)?;
    assert!(!home.contains("csrf_token"), "no form on the home page");
    let stylesheet = fingerprinted_stylesheet(&home, "site")?;
    for path in [
        "/static/site.css",
        stylesheet.as_str(),
        "/favicon.ico",
        "/impressum",
    ] {
        let (status, headers, _) = raw_get(&visitor, &app, path, &[]).await?;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(sets_cookie(&headers), Vec::<String>::new(), "{path}");
    }
    let base = reqwest::Url::parse(&app.address)?;
    assert!(
        reqwest::cookie::CookieStore::cookies(jar.as_ref(), &base).is_none(),
        "nothing in the jar"
    );

    // The login form carries a CSRF token: the session that holds it starts here.
    let (status, headers, form) = raw_get(&visitor, &app, "/account/login", &[]).await?;
    assert_eq!(status, StatusCode::OK);
    let cookies = sets_cookie(&headers);
    assert!(
        cookies.iter().any(|c| c.starts_with("teilhabe_session=")),
        "{cookies:?}"
    );
    assert_eq!(header(&headers, "cache-control"), Some("private, no-cache"));
    let token = csrf_token(&String::from_utf8(form)?).ok_or("no token")?;
    // Pages without a form leave that session alone.
    let (_, headers, _) = raw_get(&visitor, &app, "/", &[]).await?;
    assert_eq!(sets_cookie(&headers), Vec::<String>::new());
    assert_eq!(header(&headers, "cache-control"), Some("private, no-cache"));
    // The same token as the login form rendered: the form posts fine.
    let (_, _, again) = raw_get(&visitor, &app, "/account/login", &[]).await?;
    assert_eq!(
        csrf_token(&String::from_utf8(again)?).as_deref(),
        Some(token.as_str())
    );
    let res = visitor
        .post(app.url("/account/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", "admin@example.org"),
            ("password", password),
            ("next", "/manage"),
        ])
        .send()
        .await?;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = visitor.get(app.url("/manage")).send().await?;
    assert_eq!(res.status(), StatusCode::OK, "signed in");

    // Without the session's token, a post is refused as before.
    let stranger = new_client();
    let res = stranger
        .post(app.url("/account/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", "admin@example.org"),
            ("password", password),
        ])
        .send()
        .await?;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    Ok(())
}

#[tokio::test]
async fn public_pages_revalidate_by_etag_and_personal_pages_are_not_kept() -> TestResult {
    let app = spawn_app().await;
    let visitor = new_client();

    let (status, headers, body) = raw_get(&visitor, &app, "/", &[]).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "cache-control"), Some("public, no-cache"));
    let vary = vary(&headers);
    assert!(
        vary.contains("cookie") && vary.contains("accept-language"),
        "{vary}"
    );
    let etag = header(&headers, "etag").ok_or("no ETag")?.to_string();
    assert!(etag.starts_with("W/\""), "{etag}");

    // The browser's copy is still good: 304, no body, the same tag.
    for encoding in ["identity", "gzip"] {
        let (status, headers, body) = raw_get(
            &visitor,
            &app,
            "/",
            &[("if-none-match", &etag), ("accept-encoding", encoding)],
        )
        .await?;
        assert_eq!(status, StatusCode::NOT_MODIFIED, "{encoding}");
        assert!(body.is_empty());
        assert_eq!(header(&headers, "etag"), Some(etag.as_str()));
        assert_eq!(header(&headers, "content-encoding"), None);
    }
    // Another copy (an older page, another language) gets the page.
    let (status, _, again) =
        raw_get(&visitor, &app, "/", &[("if-none-match", "W/\"0123\"")]).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again, body);
    let (status, headers, _) = raw_get(
        &visitor,
        &app,
        "/",
        &[("if-none-match", &etag), ("accept-language", "en")],
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "the English page is another page");
    assert_ne!(header(&headers, "etag"), Some(etag.as_str()));

    // Refused or missing pages are not kept.
    let (status, headers, _) = raw_get(&visitor, &app, "/no-such-page", &[]).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(header(&headers, "cache-control"), Some("no-store"));
    assert_eq!(header(&headers, "etag"), None);

    // Signed in, every page is personal: no shared cache, no browser cache, no tag.
    app.signed_in_admin("admin@example.org").await;
    for path in ["/", "/manage", "/account/profile"] {
        let (status, headers, _) = raw_get(&app.client, &app, path, &[]).await?;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(
            header(&headers, "cache-control"),
            Some("private, no-store"),
            "{path}"
        );
        assert_eq!(header(&headers, "etag"), None, "{path}");
    }
    // A staff page's redirect for a visitor is not kept either.
    let (_, headers, _) = raw_get(&visitor, &app, "/manage", &[]).await?;
    assert_eq!(header(&headers, "cache-control"), Some("private, no-store"));
    Ok(())
}

/// The fingerprinted URL of the stylesheet `name` (`site`) the page links.
fn fingerprinted_stylesheet(html: &str, name: &str) -> Result<String, String> {
    let prefix = format!("<link rel=\"stylesheet\" href=\"/static/{name}.");
    let at = html
        .find(&prefix)
        .ok_or_else(|| format!("no {name} stylesheet in {html}"))?
        + "<link rel=\"stylesheet\" href=\"".len();
    let rest = &html[at..];
    let url = &rest[..rest.find('"').ok_or("unterminated")?];
    let hash = url
        .trim_start_matches(&format!("/static/{name}."))
        .trim_end_matches(".css");
    assert_eq!(hash.len(), 16, "{url}");
    assert!(hash.chars().all(|c| c.is_ascii_hexdigit()), "{url}");
    Ok(url.to_string())
}

#[tokio::test]
async fn stylesheets_are_linked_by_their_content_and_cached_for_a_year() -> TestResult {
    let app = spawn_app().await;
    let visitor = new_client();
    let home = app.get("/").await.body;
    let site = fingerprinted_stylesheet(&home, "site")?;
    assert!(
        !home.contains("staff."),
        "residents do not load the staff rules"
    );

    let (status, headers, body) = raw_get(&visitor, &app, &site, &[]).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "content-type"), Some("text/css"));
    assert_eq!(
        header(&headers, "cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    // The old name still answers with the same file, revalidated each time.
    let (status, plain_headers, plain) = raw_get(&visitor, &app, "/static/site.css", &[]).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(plain, body);
    assert_eq!(
        header(&plain_headers, "cache-control"),
        Some("public, no-cache")
    );
    let etag = header(&plain_headers, "etag").ok_or("no ETag")?;
    let (status, _, empty) = raw_get(
        &visitor,
        &app,
        "/static/site.css",
        &[("if-none-match", etag)],
    )
    .await?;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(empty.is_empty());
    // A name from an older release gets today's file, but not for a year.
    let (status, headers, old) =
        raw_get(&visitor, &app, "/static/site.0000000000000000.css", &[]).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(old, body);
    assert_eq!(header(&headers, "cache-control"), Some("public, no-cache"));
    let (status, _, _) =
        raw_get(&visitor, &app, "/static/nothing.0000000000000000.css", &[]).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Staff pages link the staff stylesheet the same way.
    app.signed_in_admin("admin@example.org").await;
    let manage = app.get("/manage").await.body;
    let staff = fingerprinted_stylesheet(&manage, "staff")?;
    let (status, headers, _) = raw_get(&visitor, &app, &staff, &[]).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        header(&headers, "cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    Ok(())
}
