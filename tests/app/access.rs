use reqwest::StatusCode;
use teilhabe::{identity::Role, routes::STAFF_ROUTES, web::access::Access};

use crate::fixtures::{signed_in_coordinator, signed_in_staff};
use crate::helpers::{TestApp, TestResult, new_client, spawn_app};

/// The role check let the request through (what the handler then says is its own business).
fn assert_admitted(res: &crate::helpers::Page, what: &str) {
    assert_ne!(res.status, StatusCode::FORBIDDEN, "{what}");
    assert!(
        !res.location
            .clone()
            .unwrap_or_default()
            .starts_with("/account/login"),
        "{what}"
    );
}

async fn request(app: &TestApp, method: &str, path: &str) -> crate::helpers::Page {
    match method {
        "GET" => app.get(path).await,
        // A real form token, so the role check (not the CSRF check) is what answers.
        _ => app.submit("/account/magic", path, &[]).await,
    }
}

#[tokio::test]
async fn every_staff_route_refuses_anonymous_visitors_and_residents_and_admits_its_roles()
-> TestResult {
    let mut app = spawn_app().await;
    assert!(
        STAFF_ROUTES.len() >= 9,
        "the route table lists the staff routes"
    );
    let anonymous = app.client.clone();
    app.client = new_client();
    app.signed_in_resident("resi@example.org").await;
    let resident = app.client.clone();
    app.client = new_client();
    signed_in_coordinator(&app, "koordi@example.org", "astadt").await;
    let coordinator = app.client.clone();
    app.client = new_client();
    signed_in_staff(&app, "moder@example.org", "bstadt", Role::Moderator).await;
    let moderator = app.client.clone();
    app.client = new_client();
    app.signed_in_admin("admin@example.org").await;
    let administrator = app.client.clone();

    for route in STAFF_ROUTES {
        let path = route
            .path
            .replace("{id}", &uuid::Uuid::new_v4().to_string());
        let what = format!("{} {}", route.method, route.path);

        app.client = anonymous.clone();
        let res = request(&app, route.method, &path).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "anonymous: {what}");
        assert!(
            res.location
                .unwrap_or_default()
                .starts_with("/account/login?next="),
            "anonymous: {what}"
        );

        app.client = resident.clone();
        assert_eq!(
            request(&app, route.method, &path).await.status,
            StatusCode::FORBIDDEN,
            "resident: {what}"
        );

        app.client = moderator.clone();
        let res = request(&app, route.method, &path).await;
        match route.access {
            Access::Admin | Access::Coordinator => {
                assert_eq!(res.status, StatusCode::FORBIDDEN, "moderator: {what}")
            }
            Access::Staff | Access::SignedIn | Access::Moderator => {
                assert_admitted(&res, &format!("moderator: {what}"))
            }
        }

        app.client = coordinator.clone();
        let res = request(&app, route.method, &path).await;
        match route.access {
            Access::Admin | Access::Moderator => {
                assert_eq!(res.status, StatusCode::FORBIDDEN, "coordinator: {what}")
            }
            Access::Staff | Access::SignedIn | Access::Coordinator => {
                assert_admitted(&res, &format!("coordinator: {what}"))
            }
        }

        app.client = administrator.clone();
        let res = request(&app, route.method, &path).await;
        assert_admitted(&res, &format!("admin: {what}"));
        if route.method == "GET" {
            // A random id names nothing: the handler ran and said so.
            let expected = if route.path.contains("{id}") {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::OK
            };
            assert_eq!(res.status, expected, "admin: {what}");
        }
    }
    Ok(())
}

#[tokio::test]
async fn signed_in_pages_send_anonymous_visitors_to_the_login_and_back() -> TestResult {
    let app = spawn_app().await;
    for path in [
        "/account/profile",
        "/account/password",
        "/account/email",
        "/account/delete",
        "/account/data",
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{path}");
        let expected = format!("/account/login?next={}", path.replace('/', "%2F"));
        assert_eq!(res.location.as_deref(), Some(expected.as_str()), "{path}");
    }
    let login = app.get("/account/login?next=%2Faccount%2Fdata").await;
    assert!(login.body.contains("value=\"/account/data\""));
    // Only paths on this site are followed after login.
    let login = app
        .get("/account/login?next=https%3A%2F%2Fevil.example")
        .await;
    assert!(login.body.contains("name=\"next\" value=\"/\""));
    // Browsers drop the tab, which would make "//evil.example" of it: a control character in
    // a query string is refused before any page is built.
    let login = app.get("/account/login?next=%2F%09%2Fevil.example").await;
    assert_eq!(login.status, StatusCode::BAD_REQUEST);
    assert!(!login.body.contains("name=\"next\""));
    Ok(())
}
