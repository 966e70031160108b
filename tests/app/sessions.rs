//! Sessions are kept on the server: they expire after an absolute lifetime and an idle time
//! (shorter for staff), the profile lists them and ends them, and a copied cookie stops working
//! once its session has ended.

use chrono::Duration;
use reqwest::StatusCode;

use crate::helpers::{REAL_SESSIONS, TestApp, TestResult, browser, spawn_app_with};

/// An application with the session lifetimes operators get by default.
async fn spawn_app() -> TestApp {
    spawn_app_with(&REAL_SESSIONS).await
}

const PASSWORD: &str = "ein sicheres Passwort";
const FIREFOX_ANDROID: &str =
    "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0";
const CHROME_WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

/// A browser that sends exactly the cookies `jar` held for the app when it was copied.
fn copy_of(app: &TestApp, jar: &reqwest::cookie::Jar) -> reqwest::Client {
    use reqwest::cookie::CookieStore;
    let url = app.address.parse().unwrap_or_else(|e| panic!("{e}"));
    let cookies = jar
        .cookies(&url)
        .unwrap_or_else(|| panic!("the browser holds no cookies"));
    let cookies = cookies.to_str().unwrap_or_default().to_string();
    browser(&[("Cookie", &cookies)]).0
}

/// Whether the current browser is signed out and sent to the login page, which says why.
async fn sent_to_login_with(app: &TestApp, notice: &str) {
    let res = app.get("/account/profile").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let location = res.location.unwrap_or_default();
    assert!(location.starts_with("/account/login"), "{location}");
    let login = app.get(&location).await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(login.body.contains(notice), "{}", login.body);
    // Signed out for good: the next visit is simply anonymous.
    let again = app.get("/account/profile").await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_profile_lists_the_sessions_and_ends_one_so_its_copied_cookie_stops_working()
-> TestResult {
    let mut app = spawn_app().await;
    let (shared, shared_jar) = browser(&[("User-Agent", CHROME_WINDOWS)]);
    app.client = shared.clone();
    app.signed_in_resident("olga@example.org").await;
    // Someone copies the cookie of the shared computer.
    let thief = copy_of(&app, &shared_jar);

    let (phone, _) = browser(&[("User-Agent", FIREFOX_ANDROID)]);
    app.client = phone.clone();
    app.login("olga@example.org", PASSWORD).await;
    let profile = app.get("/account/profile").await;
    assert!(
        profile.body.contains("Angemeldete Geräte"),
        "{}",
        profile.body
    );
    assert!(profile.body.contains("Firefox auf Android"));
    assert!(profile.body.contains("Chrome auf Windows"));
    assert!(profile.body.contains("Dieses Gerät"));
    let signed_in_at = app
        .state
        .clock
        .now()
        .with_timezone(&app.state.settings.time_zone);
    assert!(
        profile
            .body
            .contains(&signed_in_at.format("%d.%m.%Y").to_string()),
        "German dates"
    );
    let english = app.get("/account/profile?lang=en").await;
    assert!(english.body.contains("Firefox on Android"));
    assert!(english.body.contains("Signed in since"));
    assert!(
        english
            .body
            .contains(&signed_in_at.format("%d/%m/%Y").to_string()),
        "English dates"
    );

    // Both the shared computer and the copy work, until Olga ends that session from her phone.
    app.client = thief.clone();
    assert_eq!(app.get("/account/profile").await.status, StatusCode::OK);
    app.client = phone.clone();
    let profile = app.get("/account/profile?lang=de").await;
    let shared_id = session_id_before(&profile.body, "Chrome auf Windows");
    let action = format!("/account/sessions/{shared_id}/end");
    let res = app.post_raw(&action, &[]).await;
    assert_eq!(
        res.status,
        StatusCode::FORBIDDEN,
        "no CSRF token, no change"
    );
    let res = app.submit("/account/profile", &action, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let profile = app.get("/account/profile").await;
    assert!(profile.body.contains("Das Gerät ist abgemeldet."));
    assert!(!profile.body.contains("Chrome auf Windows"));

    app.client = thief;
    sent_to_login_with(&app, "Ihre Anmeldung wurde beendet").await;
    app.client = shared;
    sent_to_login_with(&app, "Ihre Anmeldung wurde beendet").await;
    app.client = phone;
    assert_eq!(
        app.get("/account/profile").await.status,
        StatusCode::OK,
        "the phone goes on"
    );
    Ok(())
}

/// The id in the end-session form that follows `device` on the profile page.
fn session_id_before(html: &str, device: &str) -> String {
    let at = html
        .find(device)
        .unwrap_or_else(|| panic!("{device} not listed: {html}"));
    let rest = &html[at..];
    let start = rest
        .find("/account/sessions/")
        .unwrap_or_else(|| panic!("no form"))
        + "/account/sessions/".len();
    rest[start..]
        .split('/')
        .next()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn signing_out_ends_this_session_and_its_copies_but_not_the_other_devices() -> TestResult {
    let mut app = spawn_app().await;
    let (laptop, laptop_jar) = browser(&[]);
    app.client = laptop;
    app.signed_in_resident("paula@example.org").await;
    let copy = copy_of(&app, &laptop_jar);
    let (phone, _) = browser(&[]);
    app.client = phone.clone();
    app.login("paula@example.org", PASSWORD).await;
    let (tablet, _) = browser(&[]);
    app.client = tablet.clone();
    app.login("paula@example.org", PASSWORD).await;

    app.client = copy_of(&app, &laptop_jar);
    let res = app.submit("/account/profile", "/account/logout", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    app.client = copy;
    sent_to_login_with(&app, "Ihre Anmeldung wurde beendet").await;
    app.client = phone.clone();
    assert_eq!(app.get("/account/profile").await.status, StatusCode::OK);

    // "All other devices" ends the tablet and keeps the phone.
    let res = app
        .submit("/account/profile", "/account/sessions/end-others", &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let profile = app.get("/account/profile").await;
    assert!(
        profile
            .body
            .contains("Alle anderen Geräte sind abgemeldet.")
    );
    assert_eq!(
        profile.body.matches("/account/sessions/").count(),
        1,
        "only this one is left"
    );
    app.client = tablet;
    sent_to_login_with(&app, "Ihre Anmeldung wurde beendet").await;
    app.client = phone;
    assert_eq!(app.get("/account/profile").await.status, StatusCode::OK);
    Ok(())
}

#[tokio::test]
async fn a_changed_password_ends_the_other_sessions_and_keeps_this_one_listed() -> TestResult {
    let mut app = spawn_app().await;
    app.signed_in_resident("hanna@example.org").await;
    let (laptop, _) = browser(&[]);
    app.client = laptop;
    app.login("hanna@example.org", PASSWORD).await;
    let res = app
        .submit(
            "/account/password",
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("password", "ein neues Passwort"),
                ("password_confirm", "ein neues Passwort"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let profile = app.get("/account/profile").await;
    assert_eq!(profile.status, StatusCode::OK);
    assert_eq!(profile.body.matches("/account/sessions/").count(), 1);
    Ok(())
}

#[tokio::test]
async fn a_residents_session_ends_after_a_week_idle_and_after_thirty_days_in_any_case() -> TestResult
{
    let app = spawn_app().await;
    app.signed_in_resident("ruth@example.org").await;
    let start = app.state.clock.now();

    // Used every six days, the session goes on past the idle time …
    for days in [6, 12, 18, 24] {
        app.advance_clock_to(start + Duration::days(days));
        assert_eq!(
            app.get("/account/profile").await.status,
            StatusCode::OK,
            "day {days}"
        );
    }
    // … but not past its lifetime.
    app.advance_clock_to(start + Duration::days(30) + Duration::minutes(1));
    sent_to_login_with(&app, "Ihre Anmeldung ist abgelaufen").await;

    // A new session left alone for a week ends too.
    app.login("ruth@example.org", PASSWORD).await;
    let again = app.state.clock.now();
    app.advance_clock_to(again + Duration::days(7) - Duration::minutes(1));
    assert_eq!(app.get("/account/profile").await.status, StatusCode::OK);
    app.advance_clock_to(again + Duration::days(14) + Duration::minutes(1));
    sent_to_login_with(&app, "Ihre Anmeldung ist abgelaufen").await;
    let english = app.get("/account/login?lang=en").await;
    assert_eq!(english.status, StatusCode::OK);
    Ok(())
}

#[tokio::test]
async fn a_staff_session_ends_after_twelve_hours_idle_while_a_residents_goes_on() -> TestResult {
    let mut app = spawn_app().await;
    app.signed_in_admin("chefin@example.org").await;
    let admin = app.client.clone();
    let (resident, _) = browser(&[]);
    app.client = resident.clone();
    app.signed_in_resident("rita@example.org").await;
    let start = app.state.clock.now();

    app.client = admin.clone();
    app.advance_clock_to(start + Duration::hours(11));
    assert_eq!(app.get("/manage").await.status, StatusCode::OK);
    app.advance_clock_to(start + Duration::hours(22));
    assert_eq!(
        app.get("/manage").await.status,
        StatusCode::OK,
        "used 12 hours ago, less a bit"
    );
    app.advance_clock_to(start + Duration::hours(34) + Duration::minutes(1));
    let res = app.get("/manage").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let login = app.get(&res.location.unwrap_or_default()).await;
    assert!(
        login.body.contains("Ihre Anmeldung ist abgelaufen"),
        "{}",
        login.body
    );

    app.client = resident;
    assert_eq!(app.get("/account/profile").await.status, StatusCode::OK);
    Ok(())
}

#[tokio::test]
async fn housekeeping_deletes_sessions_past_their_time_with_their_device_labels() -> TestResult {
    use sea_orm::{EntityTrait, PaginatorTrait};
    let mut app = spawn_app().await;
    app.signed_in_admin("chefin@example.org").await;
    let (resident, _) = browser(&[("User-Agent", FIREFOX_ANDROID)]);
    app.client = resident;
    app.signed_in_resident("rita@example.org").await;
    let start = app.state.clock.now();
    let count = |app: &TestApp| {
        let db = app.state.db.clone();
        async move { entity::user_sessions::Entity::find().count(&db).await }
    };
    assert_eq!(count(&app).await?, 2);
    // After the staff idle time, only the admin's session goes.
    app.advance_clock_to(start + Duration::hours(13));
    teilhabe::jobs::housekeeping(&app.state).await?;
    assert_eq!(count(&app).await?, 1);
    // After a resident's idle time, hers goes too.
    app.advance_clock_to(start + Duration::days(7) + Duration::minutes(1));
    teilhabe::jobs::housekeeping(&app.state).await?;
    assert_eq!(count(&app).await?, 0);
    Ok(())
}
