use reqwest::StatusCode;

use crate::helpers::{TestResult, link_path, mails_to, new_client, spawn_app};

const PASSWORD: &str = "Sonnenblumen im Garten";

#[tokio::test]
async fn a_resident_registers_verifies_signs_in_and_out() -> TestResult {
    let app = spawn_app().await;
    let res = app
        .submit(
            "/account/register",
            "/account/register",
            &[
                ("email", " Anna@Example.org "),
                ("display_name", "Anna"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location.as_deref(), Some("/account/check-mail"));

    // Before verification the right password is not enough.
    let res = app
        .submit(
            "/account/login",
            "/account/login",
            &[("email", "anna@example.org"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(
        res.body
            .contains("Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse")
    );

    let mail = app
        .wait_for_mail("anna@example.org", "/account/verify/")
        .await;
    assert!(
        mail.contains("Subject: Bitte "),
        "the subject is in the recipient's language: {mail}"
    );
    assert!(mail.contains("multipart/alternative"));
    let link = link_path(&mail, "/account/verify/");
    // Opening the link shows a button; the token is used only by the POST.
    let page = app.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    let res = app.submit(&link, &link, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location.as_deref(), Some("/account/login"));
    assert_eq!(
        app.get(&link).await.status,
        StatusCode::GONE,
        "a used link stays used"
    );

    let res = app
        .submit(
            "/account/login",
            "/account/login",
            &[
                ("email", "anna@example.org"),
                ("password", PASSWORD),
                ("next", "/account/profile"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location.as_deref(), Some("/account/profile"));
    let profile = app.get("/account/profile").await;
    assert_eq!(profile.status, StatusCode::OK);
    assert!(profile.body.contains("anna@example.org"));

    let res = app.submit("/account/profile", "/account/logout", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = app.get("/account/profile").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        res.location
            .unwrap_or_default()
            .starts_with("/account/login?next=")
    );
    Ok(())
}

#[tokio::test]
async fn a_wrong_password_is_refused_in_the_visitors_language_and_the_email_is_kept() -> TestResult
{
    let app = spawn_app().await;
    app.signed_in_resident("berta@example.org").await;
    let mut other = app;
    other.client = new_client();
    let res = other
        .submit(
            "/account/login?lang=en",
            "/account/login",
            &[
                ("email", "berta@example.org"),
                ("password", "falsch falsch"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("The e-mail address or the password is not right."),
        "{}",
        res.body
    );
    assert!(res.body.contains("value=\"berta@example.org\""));
    assert!(
        !res.body.contains("falsch falsch"),
        "a password is never sent back"
    );
    Ok(())
}

#[tokio::test]
async fn repeated_failed_logins_hit_the_rate_limit_even_with_the_right_password() -> TestResult {
    let app = spawn_app().await;
    app.signed_in_resident("carla@example.org").await;
    let mut other = app;
    other.client = new_client();
    for _ in 0..5 {
        let res = other
            .submit(
                "/account/login",
                "/account/login",
                &[
                    ("email", "carla@example.org"),
                    ("password", "nicht richtig"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let res = other
        .submit(
            "/account/login",
            "/account/login",
            &[
                ("email", "carla@example.org"),
                ("password", "ein sicheres Passwort"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.body.contains("Zu viele Versuche"));
    assert!(res.body.contains("value=\"carla@example.org\""));
    assert!(res.headers.get("retry-after").is_some());
    Ok(())
}

#[tokio::test]
async fn registration_rejects_bad_input_with_messages_and_keeps_what_was_typed() -> TestResult {
    let app = spawn_app().await;
    let res = app
        .submit(
            "/account/register",
            "/account/register",
            &[
                ("email", "kein-at-zeichen"),
                ("display_name", "Dora <b>"),
                ("password", "kurz"),
                ("password_confirm", "kurz"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Bitte geben Sie eine gültige E-Mail-Adresse ein")
    );
    assert!(
        res.body
            .contains("Das Passwort muss mindestens 10 Zeichen lang sein.")
    );
    assert!(res.body.contains("value=\"kein-at-zeichen\""));
    assert!(
        res.body.contains("value=\"Dora &lt;b&gt;\""),
        "typed text comes back escaped"
    );
    assert!(
        res.body.contains("href=\"#email\""),
        "the error summary links to the field"
    );

    let res = app
        .submit(
            "/account/register",
            "/account/register",
            &[
                ("email", "dora@example.org"),
                ("display_name", ""),
                ("password", "dora@example.org"),
                ("password_confirm", "dora@example.org"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Das Passwort darf nicht Ihre E-Mail-Adresse sein.")
    );
    Ok(())
}

#[tokio::test]
async fn registering_a_known_address_looks_the_same_but_only_mails_its_owner() -> TestResult {
    let app = spawn_app().await;
    app.signed_in_resident("emil@example.org").await;
    let mut stranger = app;
    stranger.client = new_client();
    let res = stranger
        .submit(
            "/account/register",
            "/account/register",
            &[
                ("email", "emil@example.org"),
                ("display_name", ""),
                ("password", "ganz anderes Passwort"),
                ("password_confirm", "ganz anderes Passwort"),
            ],
        )
        .await;
    assert_eq!(res.location.as_deref(), Some("/account/check-mail"));
    let mail = stranger
        .wait_for_mail("emil@example.org", "schon ein Konto")
        .await;
    assert!(mail.contains("/account/reset"));
    // The old password still works: nothing about the account changed.
    stranger
        .login("emil@example.org", "ein sicheres Passwort")
        .await;
    Ok(())
}

#[tokio::test]
async fn a_magic_link_signs_in_once() -> TestResult {
    let app = spawn_app().await;
    app.signed_in_resident("fritz@example.org").await;
    let mut device = app;
    device.client = new_client();
    let res = device
        .submit(
            "/account/magic",
            "/account/magic",
            &[("email", "fritz@example.org")],
        )
        .await;
    assert_eq!(res.location.as_deref(), Some("/account/check-mail"));
    // Unknown addresses get the same answer.
    let res = device
        .submit(
            "/account/magic",
            "/account/magic",
            &[("email", "niemand@example.org")],
        )
        .await;
    assert_eq!(res.location.as_deref(), Some("/account/check-mail"));

    let mail = device
        .wait_for_mail("fritz@example.org", "/account/magic/")
        .await;
    let link = link_path(&mail, "/account/magic/");
    let res = device.submit(&link, &link, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(device.get("/account/profile").await.status, StatusCode::OK);

    let mut third = device;
    third.client = new_client();
    let res = third.submit("/account/magic", &link, &[]).await;
    assert_eq!(res.status, StatusCode::GONE);
    assert!(res.body.contains("Dieser Link gilt nicht mehr"));
    assert_eq!(
        third.get("/account/profile").await.status,
        StatusCode::SEE_OTHER
    );
    assert!(mails_to(&third.data_dir.join("mail"), "niemand@example.org").is_empty());
    Ok(())
}

#[tokio::test]
async fn a_password_reset_sets_the_new_password_and_ends_other_sessions() -> TestResult {
    let app = spawn_app().await;
    app.signed_in_resident("greta@example.org").await;
    let mut laptop = app;
    laptop.client = new_client();
    let res = laptop
        .submit(
            "/account/reset",
            "/account/reset",
            &[("email", "greta@example.org")],
        )
        .await;
    assert_eq!(res.location.as_deref(), Some("/account/check-mail"));
    let mail = laptop
        .wait_for_mail("greta@example.org", "/account/reset/")
        .await;
    let link = link_path(&mail, "/account/reset/");

    let res = laptop
        .submit(
            &link,
            &link,
            &[
                ("password", "neues Passwort 2026"),
                ("password_confirm", "anders"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Die beiden Passwörter sind nicht gleich.")
    );

    let res = laptop
        .submit(
            &link,
            &link,
            &[
                ("password", "neues Passwort 2026"),
                ("password_confirm", "neues Passwort 2026"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(laptop.get("/account/profile").await.status, StatusCode::OK);

    let mut fresh = laptop;
    fresh.client = new_client();
    let res = fresh
        .submit(
            "/account/login",
            "/account/login",
            &[
                ("email", "greta@example.org"),
                ("password", "ein sicheres Passwort"),
            ],
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the old password no longer works"
    );
    fresh
        .login("greta@example.org", "neues Passwort 2026")
        .await;
    Ok(())
}

#[tokio::test]
async fn the_old_session_ends_when_the_password_changes_elsewhere() -> TestResult {
    let phone = spawn_app().await;
    phone.signed_in_resident("hanna@example.org").await;
    let phone_client = phone.client.clone();
    let mut laptop = phone;
    laptop.client = new_client();
    laptop
        .login("hanna@example.org", "ein sicheres Passwort")
        .await;
    let res = laptop
        .submit(
            "/account/password",
            "/account/password",
            &[
                ("current_password", "ein sicheres Passwort"),
                ("password", "ein neues Passwort"),
                ("password_confirm", "ein neues Passwort"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        laptop.get("/account/profile").await.status,
        StatusCode::OK,
        "this session goes on"
    );
    let mut phone = laptop;
    phone.client = phone_client;
    assert_eq!(
        phone.get("/account/profile").await.status,
        StatusCode::SEE_OTHER,
        "the other session ended"
    );
    Ok(())
}

#[tokio::test]
async fn profile_changes_are_saved_and_an_account_can_be_exported_and_deleted() -> TestResult {
    let app = spawn_app().await;
    app.signed_in_resident("ida@example.org").await;
    let res = app
        .submit(
            "/account/profile",
            "/account/profile",
            &[("display_name", "Ida K."), ("language", "en")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = app.get("/account/profile").await;
    assert!(
        page.body.contains("<html lang=\"en\">"),
        "the chosen language applies"
    );
    assert!(page.body.contains("value=\"Ida K.\""));

    let data = app.get("/account/data").await;
    assert_eq!(data.status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&data.body)?;
    assert_eq!(json["account"]["email"], "ida@example.org");
    assert_eq!(json["account"]["display_name"], "Ida K.");

    let res = app
        .submit(
            "/account/delete",
            "/account/delete",
            &[("current_password", "falsch")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .submit(
            "/account/delete",
            "/account/delete",
            &[("current_password", "ein sicheres Passwort")],
        )
        .await;
    assert_eq!(res.location.as_deref(), Some("/account/deleted"));
    assert_eq!(
        app.get("/account/profile").await.status,
        StatusCode::SEE_OTHER
    );
    let res = app
        .submit(
            "/account/login",
            "/account/login",
            &[
                ("email", "ida@example.org"),
                ("password", "ein sicheres Passwort"),
            ],
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the account is gone"
    );
    Ok(())
}

#[tokio::test]
async fn an_email_change_takes_effect_only_after_the_new_address_confirms() -> TestResult {
    let app = spawn_app().await;
    app.signed_in_resident("jan@example.org").await;
    let res = app
        .submit(
            "/account/email",
            "/account/email",
            &[
                ("email", "jan.neu@example.org"),
                ("current_password", "ein sicheres Passwort"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    app.wait_for_mail("jan@example.org", "jan.neu@example.org")
        .await;
    assert!(
        app.get("/account/profile")
            .await
            .body
            .contains("jan@example.org")
    );
    let mail = app
        .wait_for_mail("jan.neu@example.org", "/account/email/")
        .await;
    let link = link_path(&mail, "/account/email/");
    let res = app.submit(&link, &link, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        app.get("/account/profile")
            .await
            .body
            .contains("jan.neu@example.org")
    );
    Ok(())
}

#[tokio::test]
async fn signing_out_ends_the_sessions_on_other_devices_too() -> TestResult {
    let mut app = spawn_app().await;
    app.signed_in_resident("olga@example.org").await;
    let shared_computer = app.client.clone();
    app.client = new_client();
    app.login("olga@example.org", "ein sicheres Passwort").await;
    let res = app.submit("/account/profile", "/account/logout", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    app.client = shared_computer;
    assert_eq!(
        app.get("/account/profile").await.status,
        StatusCode::SEE_OTHER
    );
    Ok(())
}

#[tokio::test]
async fn a_password_set_by_whoever_registered_an_unconfirmed_address_dies_with_the_owners_magic_link()
-> TestResult {
    let mut app = spawn_app().await;
    // Someone registers an address that is not theirs and never confirms it.
    let res = app
        .submit(
            "/account/register",
            "/account/register",
            &[
                ("email", "petra@example.org"),
                ("display_name", ""),
                ("password", "Passwort des Fremden"),
                ("password_confirm", "Passwort des Fremden"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // The owner signs in with a link from her mailbox.
    app.client = new_client();
    app.submit(
        "/account/magic",
        "/account/magic",
        &[("email", "petra@example.org")],
    )
    .await;
    let mail = app
        .wait_for_mail("petra@example.org", "/account/magic/")
        .await;
    let link = link_path(&mail, "/account/magic/");
    assert_eq!(
        app.submit(&link, &link, &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.get("/account/profile").await.status, StatusCode::OK);
    // The stranger's password no longer opens the account.
    app.client = new_client();
    let res = app
        .submit(
            "/account/login",
            "/account/login",
            &[
                ("email", "petra@example.org"),
                ("password", "Passwort des Fremden"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    Ok(())
}
