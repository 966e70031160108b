//! Failed logins are limited per account and address: a stranger's guesses slow the stranger,
//! not the owner, and guessing spread over many addresses stays slow for everyone but a browser
//! the owner signed in on before.

use reqwest::StatusCode;

use crate::helpers::{TestApp, TestResult, browser, spawn_app_with};

const PASSWORD: &str = "ein sicheres Passwort";
const EMAIL: &str = "lena@example.org";

async fn app_behind_proxy() -> TestApp {
    spawn_app_with(&[("TEILHABE_TRUST_PROXY_HEADERS", "true")]).await
}

/// One login attempt from a browser at `ip` (a fresh browser unless `app.client` is set to one).
async fn attempt(app: &TestApp, password: &str) -> crate::helpers::Page {
    app.submit(
        "/account/login",
        "/account/login",
        &[("email", EMAIL), ("password", password), ("next", "/")],
    )
    .await
}

fn from(ip: &str) -> reqwest::Client {
    browser(&[("X-Forwarded-For", ip)]).0
}

#[tokio::test]
async fn a_strangers_wrong_guesses_do_not_lock_the_owner_out() -> TestResult {
    let mut app = app_behind_proxy().await;
    app.client = from("198.51.100.2");
    app.signed_in_resident(EMAIL).await;

    // A stranger at another address guesses, again and again.
    app.client = from("203.0.113.7");
    for n in 0..12 {
        let res = attempt(&app, "vielleicht dieses").await;
        let expected = if n < 5 {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(res.status, expected, "guess {n}");
    }
    // From the stranger's address even the right password is refused: guessing stays blocked.
    let res = attempt(&app, PASSWORD).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.body.contains("Zu viele Versuche"), "{}", res.body);
    assert!(res.headers.get("retry-after").is_some());

    // The owner, in a new browser at her own address, signs in at once.
    app.client = from("198.51.100.2");
    let res = attempt(&app, PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(app.get("/account/profile").await.status, StatusCode::OK);
    Ok(())
}

#[tokio::test]
async fn guessing_spread_over_many_addresses_is_slowed_but_the_owners_device_gets_in() -> TestResult
{
    let mut app = app_behind_proxy().await;
    let (phone, _) = browser(&[("X-Forwarded-For", "198.51.100.2")]);
    app.client = phone.clone();
    app.signed_in_resident(EMAIL).await;
    let res = app.submit("/account/profile", "/account/logout", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);

    // Addresses guess five times each: each stays within its own limit, but after 30 attempts
    // on the account (her own sign-in was one) the account as a whole has had enough.
    let mut wrong = 0;
    for host in 1..=7 {
        app.client = from(&format!("203.0.113.{host}"));
        for _ in 0..5 {
            let res = attempt(&app, "vielleicht dieses").await;
            if res.status == StatusCode::UNPROCESSABLE_ENTITY {
                wrong += 1;
            } else {
                assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
                assert!(
                    res.body.contains("sehr viele Anmeldeversuche"),
                    "{}",
                    res.body
                );
            }
        }
    }
    assert_eq!(wrong, 29, "guesses that reached the password check");
    // A new address is refused too, with a way in by e-mail, even with the right password.
    app.client = from("203.0.113.8");
    let res = attempt(&app, PASSWORD).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.body.contains("Link per E-Mail"), "{}", res.body);
    assert!(res.body.contains("value=\"lena@example.org\""));
    // An address nobody has an account for gets the same answers, so nothing is revealed.
    let res = app
        .submit(
            "/account/login",
            "/account/login",
            &[("email", "niemand@example.org"), ("password", "irgendwas")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The owner's phone, where she signed in before, still gets in with the password.
    app.client = phone;
    let res = attempt(&app, PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(app.get("/account/profile").await.status, StatusCode::OK);

    // So does a sign-in by e-mailed link from a new browser.
    app.client = from("192.0.2.50");
    let res = app
        .submit("/account/magic", "/account/magic", &[("email", EMAIL)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let mail = app.wait_for_mail(EMAIL, "/account/magic/").await;
    let link = crate::helpers::link_path(&mail, "/account/magic/");
    assert_eq!(
        app.submit(&link, &link, &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.get("/account/profile").await.status, StatusCode::OK);
    Ok(())
}
