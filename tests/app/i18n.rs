use std::{collections::BTreeSet, path::Path};

use reqwest::StatusCode;
use serde_json::json;
use teilhabe::{
    notifications::service::{Email, render},
    web::i18n::Lang,
};

use crate::helpers::{TestApp, TestResult, link_path, new_client, spawn_app};

#[tokio::test]
async fn the_language_follows_the_query_then_the_cookie_then_accept_language() -> TestResult {
    let app = spawn_app().await;
    let res = app.get("/").await;
    assert!(res.body.contains("<html lang=\"de\">"), "German by default");
    assert!(res.body.contains("Reden Sie mit!"));

    let res = app
        .get_with("/", &[("Accept-Language", "en-GB,en;q=0.9")])
        .await;
    assert!(res.body.contains("<html lang=\"en\">"));
    assert!(res.body.contains("Have your say!"));

    let res = app.get("/?lang=en").await;
    assert!(res.body.contains("<html lang=\"en\">"));
    // The choice is remembered in a cookie and beats the browser's header.
    let res = app
        .get_with("/account/login", &[("Accept-Language", "de")])
        .await;
    assert!(res.body.contains("<html lang=\"en\">"));
    assert!(res.body.contains("Sign in"));
    Ok(())
}

#[tokio::test]
async fn the_language_link_changes_only_this_browser_and_the_profile_changes_the_account()
-> TestResult {
    let mut app = spawn_app().await;
    app.signed_in_resident("mia@example.org").await;
    let stored = |app: &crate::helpers::TestApp| {
        let db = app.state.db.clone();
        async move {
            teilhabe::accounts::model::find_by_email(&db, "mia@example.org")
                .await
                .ok()
                .flatten()
                .map(|u| u.language)
                .unwrap_or_default()
        }
    };
    // A GET is no state change: the link switches this browser, not the account.
    assert!(
        app.get("/?lang=en")
            .await
            .body
            .contains("<html lang=\"en\">")
    );
    assert!(
        app.get("/").await.body.contains("<html lang=\"en\">"),
        "it sticks here"
    );
    assert_eq!(stored(&app).await, "de");
    app.client = new_client();
    app.login("mia@example.org", "ein sicheres Passwort").await;
    let res = app.get_with("/", &[("Accept-Language", "en")]).await;
    assert!(
        res.body.contains("<html lang=\"de\">"),
        "another device signs in in the account's language"
    );

    // The profile form changes the account, and every device follows at its next sign-in.
    let res = app
        .submit(
            "/account/profile",
            "/account/profile",
            &[("display_name", ""), ("language", "en")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(stored(&app).await, "en");
    assert!(app.get("/").await.body.contains("<html lang=\"en\">"));
    app.client = new_client();
    app.login("mia@example.org", "ein sicheres Passwort").await;
    let res = app.get_with("/", &[("Accept-Language", "de")]).await;
    assert!(
        res.body.contains("<html lang=\"en\">"),
        "the setting was stored with the account"
    );
    Ok(())
}

fn locale_keys(dir: &Path) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        for line in text.lines() {
            let Some((key, _)) = line.split_once(" =") else {
                continue;
            };
            if !key.is_empty() && !key.starts_with([' ', '#', '*', '[']) {
                keys.insert(format!(
                    "{}:{key}",
                    path.file_name()
                        .and_then(|f| f.to_str())
                        .unwrap_or_default()
                ));
            }
        }
    }
    keys
}

#[test]
fn every_german_key_exists_in_english_and_the_other_way_round() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    let de = locale_keys(&root.join("de"));
    let en = locale_keys(&root.join("en"));
    assert!(de.len() > 100, "the German locale has its keys");
    let only_de: Vec<_> = de.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&de).collect();
    assert!(only_de.is_empty(), "missing in en: {only_de:?}");
    assert!(only_en.is_empty(), "missing in de: {only_en:?}");
}

/// Visits a page that renders each page template, in both languages, as the role that sees it.
/// Strict mode turns any missing value or translation into an error, so 200 means it rendered.
#[tokio::test]
async fn every_page_template_renders_in_both_languages() -> TestResult {
    let mut app = spawn_app().await;
    let mut covered = BTreeSet::new();
    let mut visit = |template: &str| {
        covered.insert(template.to_string());
    };

    for lang in ["de", "en"] {
        app.client = new_client();
        app.get(&format!("/?lang={lang}")).await;
        let anonymous = [
            ("rounds/home", "/", StatusCode::OK),
            ("accounts/register", "/account/register", StatusCode::OK),
            ("accounts/login", "/account/login", StatusCode::OK),
            ("accounts/magic", "/account/magic", StatusCode::OK),
            ("accounts/reset_request", "/account/reset", StatusCode::OK),
            ("accounts/check_mail", "/account/check-mail", StatusCode::OK),
            ("accounts/deleted", "/account/deleted", StatusCode::OK),
            (
                "accounts/link_invalid",
                "/account/verify/unbekannt",
                StatusCode::GONE,
            ),
            ("errors/error", "/gibt-es-nicht", StatusCode::NOT_FOUND),
            ("rounds/subscribe", "/subscribe", StatusCode::OK),
            ("rounds/subscribe_sent", "/subscribe/sent", StatusCode::OK),
            (
                "rounds/subscription_done",
                "/subscriptions/00000000-0000-0000-0000-000000000000/confirm/00",
                StatusCode::NOT_FOUND,
            ),
        ];
        for (template, path, status) in anonymous {
            let res = app.get(path).await;
            assert_eq!(res.status, status, "{lang} {path}");
            assert!(
                res.body.contains(&format!("<html lang=\"{lang}\">")),
                "{lang} {path}"
            );
            visit(template);
        }
        // A fresh magic link shows the confirmation page.
        let email = format!("nora-{lang}@example.org");
        app.signed_in_resident(&email).await;
        app.submit("/account/magic", "/account/magic", &[("email", &email)])
            .await;
        let mail = app.wait_for_mail(&email, "/account/magic/").await;
        assert_eq!(
            app.get(&link_path(&mail, "/account/magic/")).await.status,
            StatusCode::OK
        );
        visit("accounts/confirm_link");
        for (template, path) in [
            ("accounts/profile", "/account/profile"),
            ("accounts/password", "/account/password"),
            ("accounts/email", "/account/email"),
            ("accounts/delete", "/account/delete"),
        ] {
            assert_eq!(app.get(path).await.status, StatusCode::OK, "{lang} {path}");
            visit(template);
        }

        app.client = new_client();
        app.get(&format!("/?lang={lang}")).await;
        app.signed_in_admin(&format!("admin-{lang}@example.org"))
            .await;
        visit("accounts/reset");
        // The account was created in German; choosing the language stores it with the account.
        app.get(&format!("/manage?lang={lang}")).await;
        app.submit(
            "/manage/municipalities",
            "/manage/municipalities",
            &[
                ("name", "Beispielstadt"),
                ("slug", &format!("beispiel-{lang}")),
                ("min_group_size", "5"),
            ],
        )
        .await;
        // A round, its goals and a subscription to it.
        let place = teilhabe::admin::service::all_municipalities(&app.state.db)
            .await?
            .into_iter()
            .find(|m| m.slug == format!("beispiel-{lang}"))
            .unwrap_or_else(|| panic!("municipality created"));
        let goals = crate::fixtures::seed_goals(&app, place.id, &["Ziel"]).await;
        let form = format!("/manage/rounds/new?municipality=beispiel-{lang}");
        let round = crate::fixtures::create_round(
            &app,
            &format!("beispiel-{lang}"),
            &format!("Runde {lang}"),
            "2026-01-01",
            "2099-12-31",
            goals[0],
        )
        .await;
        app.submit(&round, &format!("{round}/publish"), &[]).await;
        app.submit(
            "/subscribe",
            "/subscribe",
            &[
                ("municipality", &format!("beispiel-{lang}")),
                ("email", &format!("abo-{lang}@example.org")),
            ],
        )
        .await;
        let mail = app
            .wait_for_mail(&format!("abo-{lang}@example.org"), "/confirm/")
            .await;
        let confirm = crate::rounds::subscription_path(&mail, "confirm");
        assert_eq!(app.get(&confirm).await.status, StatusCode::OK);
        visit("rounds/subscription_action");
        for (template, path) in crate::workshops::workshop_pages(&app, &round).await {
            let res = app.get(&path).await;
            assert_eq!(res.status, StatusCode::OK, "{lang} {path}");
            assert!(res.body.contains(&format!("<html lang=\"{lang}\">")));
            visit(template);
        }
        let res = app.get("/signups/unbekannt").await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{lang}");
        visit("workshops/link_invalid");
        for (template, path) in [
            ("rounds/manage_list", "/manage/rounds".to_string()),
            ("rounds/manage_form", form),
            ("rounds/show", format!("/rounds/runde-{lang}")),
        ] {
            let res = app.get(&path).await;
            assert_eq!(res.status, StatusCode::OK, "{lang} {path}");
            visit(template);
        }
        if lang == "en" {
            // Two municipalities now: a new round first asks which.
            let res = app.get("/manage/rounds/new").await;
            assert!(res.body.contains("Which municipality"), "{}", res.body);
            visit("rounds/manage_choose");
        }
        for (template, path) in [
            ("dashboard/start", "/manage".to_string()),
            ("admin/municipalities", "/manage/municipalities".to_string()),
            (
                "admin/municipality_edit",
                format!(
                    "/manage/municipalities/{}",
                    teilhabe::admin::service::all_municipalities(&app.state.db).await?[0].id
                ),
            ),
            ("admin/users", "/manage/users".to_string()),
            ("admin/audit", "/manage/audit".to_string()),
            ("notifications/outbox", "/manage/outbox".to_string()),
            ("legal/manage", "/manage/legal".to_string()),
            ("legal/edit", "/manage/legal/privacy".to_string()),
            ("legal/show", "/datenschutz".to_string()),
        ] {
            let res = app.get(&path).await;
            assert_eq!(res.status, StatusCode::OK, "{lang} {path}");
            assert!(
                res.body.contains(&format!("<html lang=\"{lang}\">")),
                "{lang} {path}"
            );
            visit(template);
        }
        for (template, path, status) in crate::ideas::idea_pages(&mut app, lang).await {
            let res = app.get(&path).await;
            assert_eq!(res.status, status, "{lang} {path}");
            assert!(
                res.body.contains(&format!("<html lang=\"{lang}\">")),
                "{lang} {path}"
            );
            visit(template);
        }
        for (template, path, status) in crate::surveys::survey_pages(&app, &round, goals[0]).await {
            let res = app.get(&path).await;
            assert_eq!(res.status, status, "{lang} {path}");
            assert!(
                res.body.contains(&format!("<html lang=\"{lang}\">")),
                "{lang} {path}"
            );
            visit(template);
        }
        visit("surveys/answer");
        let mut monitoring = crate::monitoring::monitoring_pages(&app, place.id, goals[0]).await;
        monitoring.push(("monitoring/indicators", "/manage/indicators".to_string()));
        // The adopted indicator's public page.
        let adopted = monitoring
            .iter()
            .find(|(template, _)| *template == "monitoring/indicator")
            .map(|(_, path)| path.replace("/manage/indicators/", ""))
            .unwrap_or_default();
        monitoring.push((
            "monitoring/public_indicator",
            format!("/indicators/{adopted}?municipality={}", place.slug),
        ));
        monitoring.extend(crate::monitoring_import::import_pages(&app, place.id).await);
        for (template, path) in monitoring {
            let res = app.get(&path).await;
            assert_eq!(res.status, StatusCode::OK, "{lang} {path}");
            assert!(
                res.body.contains(&format!("<html lang=\"{lang}\">")),
                "{lang} {path}"
            );
            visit(template);
        }
        for (template, path) in strategy_pages(&app, lang).await {
            let res = app.get(&path).await;
            assert_eq!(res.status, StatusCode::OK, "{lang} {path}");
            assert!(
                res.body.contains(&format!("<html lang=\"{lang}\">")),
                "{lang} {path}"
            );
            visit(template);
        }
    }
    let templates: BTreeSet<String> = app.state.templates.page_names().into_iter().collect();
    let missing: Vec<_> = templates.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "page templates no test renders: {missing:?}"
    );
    Ok(())
}

/// Builds a strategy with a field, a goal and a measure through the forms (as the signed-in admin,
/// for the municipality `beispiel-{lang}`), and returns each strategy page with its template.
async fn strategy_pages(app: &TestApp, lang: &str) -> Vec<(&'static str, String)> {
    let slug = format!("beispiel-{lang}");
    // Before there is a strategy, the public page says so.
    let empty = app.get(&format!("/strategies/{slug}")).await;
    assert_eq!(empty.status, StatusCode::OK, "{lang} empty strategy page");
    assert!(empty.body.contains(&format!("<html lang=\"{lang}\">")));
    let place = teilhabe::admin::service::municipality_by_slug(&app.state.db, &slug)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("{slug} exists"))
        .id
        .to_string();
    let res = app
        .submit(
            "/manage/strategies",
            "/manage/strategies",
            &[
                ("municipality_id", &place),
                ("title", "Strategie"),
                ("period_start", "2024"),
                ("period_end", "2028"),
                ("status", "draft"),
                ("summary", "**Gemeinsam**"),
            ],
        )
        .await;
    let strategy = res.location.unwrap_or_else(|| panic!("{}", res.body));
    // The newest link of a kind on the parent's page is the one just created.
    let created = |prefix: &str, page: &str| {
        let at = page
            .rfind(prefix)
            .unwrap_or_else(|| panic!("no {prefix} link"));
        format!(
            "{prefix}{}",
            &page[at + prefix.len()..at + prefix.len() + 36]
        )
    };
    app.submit(
        &strategy,
        &format!("{strategy}/fields"),
        &[("field_title", "Bildung")],
    )
    .await;
    let field = created("/manage/fields/", &app.get(&strategy).await.body);
    app.submit(
        &field,
        &format!("{field}/goals"),
        &[("goal_title", "Kita"), ("goal_target_text", "Mehr")],
    )
    .await;
    let goal = created("/manage/goals/", &app.get(&field).await.body);
    app.submit(
        &goal,
        &format!("{goal}/measures"),
        &[
            ("measure_title", "Lotsinnen"),
            ("measure_status", "running"),
            ("measure_starts_on", "2026-01-01"),
        ],
    )
    .await;
    let measure = created("/manage/measures/", &app.get(&goal).await.body);
    let public_goal = goal.replace("/manage/goals/", "/goals/");
    vec![
        ("strategy/manage_list", "/manage/strategies".to_string()),
        ("strategy/manage_strategy", strategy),
        ("strategy/manage_field", field),
        ("strategy/manage_goal", goal),
        ("strategy/manage_measure", measure),
        ("strategy/show", format!("/strategies/{slug}")),
        ("strategy/goal", public_goal),
    ]
}

#[tokio::test]
async fn every_mail_renders_as_text_and_html_in_both_languages() -> TestResult {
    let app = spawn_app().await;
    let data = json!({
        "url": "https://teilhabe.example/x", "login_url": "https://teilhabe.example/l",
        "reset_url": "https://teilhabe.example/r", "minutes": 30, "days": 7,
        "new_email": "neu@example.org", "role": "Koordination", "municipality": "Musterstadt",
        "confirm_url": "https://teilhabe.example/c", "unsubscribe_url": "https://teilhabe.example/u",
        "title": "Runde", "summary": "Kurz", "starts_on": "01.12.2026", "ends_on": "31.12.2026",
        "code": "K7QM4XPA", "receipt_url": "https://teilhabe.example/receipt",
        "withdraw_url": "https://teilhabe.example/w", "premoderated": true, "is_comment": false,
        "reason": "Spam", "note": "Bitte sachlich.", "objection_url": "https://teilhabe.example/o",
        "status": "Neu", "answer": "Wir prüfen das.",
        "name": "Vera", "when": "Donnerstag, 03.12.2026, 18:00 bis 20:00 Uhr", "place": "Rathaus",
        "waitlisted": true,
        "edit_url": "https://teilhabe.example/e", "excerpt": "Ein Kommentar", "automatic": false,
    });
    let kinds = [
        "verify",
        "account_exists",
        "magic",
        "reset",
        "email_change",
        "email_change_notice",
        "invite",
        "subscription_confirm",
        "subscription_exists",
        "round_opened",
        "idea_confirm",
        "idea_received",
        "idea_hidden",
        "idea_restored",
        "idea_answer",
        "link_renewed",
        "workshop_signup",
        "workshop_promoted",
        "workshop_cancelled",
        "workshop_signup_cancelled",
        "workshop_reminder",
    ];
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/emails");
    let on_disk: BTreeSet<String> = std::fs::read_dir(&root)?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".txt.hbs"))
                .map(str::to_string)
        })
        .collect();
    assert_eq!(
        on_disk,
        kinds.iter().map(|k| k.to_string()).collect(),
        "the test knows every mail"
    );
    for lang in Lang::ALL {
        for kind in kinds {
            let row = render(
                &app.state,
                &Email {
                    to: "probe@example.org",
                    lang,
                    kind,
                    data: data.clone(),
                },
            )
            .unwrap_or_else(|e| panic!("{kind} in {lang:?}: {e}"));
            assert!(
                !row.subject.starts_with("mail-"),
                "subject translated: {}",
                row.subject
            );
            assert!(
                row.body_html.contains("https://teilhabe.example/")
                    || row.body_html.contains("neu@example.org")
            );
            assert!(
                !row.body_text.contains("&amp;") && !row.body_text.contains("<p>"),
                "the text part is plain"
            );
        }
    }
    Ok(())
}
