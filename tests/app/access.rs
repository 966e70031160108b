use reqwest::StatusCode;
use teilhabe::{
    accounts::model as accounts,
    admin::service::{self as admin, NewMunicipality},
    identity::{self, Role},
    routes::STAFF_ROUTES,
    web::access::Access,
};

use crate::helpers::{TestApp, TestResult, new_client, spawn_app};

/// The demo's coordinator, whose municipality the demo seeds.
pub const DEMO_COORDINATOR_EMAIL: &str = "koordination@musterstadt.example";

/// Musterstadt's coordinator, signed in on `app`'s client, with the demo strategy seeded: how
/// every test that builds on the demo data starts. Each then seeds the slices it needs.
pub struct DemoCoordinator {
    pub place: uuid::Uuid,
    pub user: entity::users::Model,
    pub coordinator: identity::CurrentUser,
}

pub async fn demo_coordinator(
    app: &TestApp,
) -> Result<DemoCoordinator, Box<dyn std::error::Error>> {
    let place = signed_in_coordinator(app, DEMO_COORDINATOR_EMAIL, "musterstadt").await;
    let db = &app.state.db;
    teilhabe::strategy::demo::seed(db, place, app.state.clock.now()).await?;
    let user = accounts::find_by_email(db, DEMO_COORDINATOR_EMAIL)
        .await?
        .ok_or("coordinator missing")?;
    let coordinator = identity::session_user(db, user.id, user.session_version)
        .await?
        .ok_or("coordinator missing")?;
    Ok(DemoCoordinator {
        place,
        user,
        coordinator,
    })
}

/// A coordinator of a new municipality, created through the services as an admin's invitation
/// would, and signed in on `app`'s client.
pub async fn signed_in_coordinator(app: &TestApp, email: &str, slug: &str) -> uuid::Uuid {
    signed_in_staff(app, email, slug, Role::Coordinator).await
}

/// Staff with `role` in a new municipality `slug`, signed in on `app`'s client.
pub async fn signed_in_staff(app: &TestApp, email: &str, slug: &str, role: Role) -> uuid::Uuid {
    let now = app.state.clock.now();
    let db = &app.state.db;
    let place = admin::create_municipality(
        db,
        None,
        NewMunicipality {
            name: slug,
            slug,
            min_group_size: 5,
        },
        now,
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let user = accounts::ensure_user(db, email, teilhabe::web::i18n::Lang::De, now)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    accounts::store_password(db, user.id, "Koordination 2026!")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    accounts::mark_verified(db, user.id, now)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    accounts::grant_role(db, user.id, role, Some(place.id), None, now)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    app.login(email, "Koordination 2026!").await;
    place.id
}

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
