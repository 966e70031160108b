use reqwest::StatusCode;

use crate::helpers::{TestResult, link_path, new_client, spawn_app};

#[tokio::test]
async fn an_admin_invites_a_coordinator_who_sets_a_password_and_can_be_revoked() -> TestResult {
    let mut app = spawn_app().await;
    app.signed_in_admin("admin@example.org").await;
    let admin = app.client.clone();

    let res = app
        .submit(
            "/manage/municipalities",
            "/manage/municipalities",
            &[
                ("name", "Musterstadt"),
                ("slug", "musterstadt"),
                ("min_group_size", "5"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let place_id = teilhabe::admin::service::all_municipalities(&app.state.db).await?[0]
        .id
        .to_string();
    assert!(
        app.get("/manage/users")
            .await
            .body
            .contains(&format!("<option value=\"{place_id}\""))
    );

    let res = app
        .submit(
            "/manage/users",
            "/manage/users/invite",
            &[
                ("email", "ruth@example.org"),
                ("role", "coordinator"),
                ("municipality_id", &place_id),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let mail = app
        .wait_for_mail("ruth@example.org", "/account/reset/")
        .await;
    assert!(mail.contains("Musterstadt"));
    let link = link_path(&mail, "/account/reset/");

    app.client = new_client();
    let res = app
        .submit(
            &link,
            &link,
            &[
                ("password", "Ruths Passwort 2026"),
                ("password_confirm", "Ruths Passwort 2026"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/manage").await.status,
        StatusCode::OK,
        "a coordinator enters the staff area"
    );
    assert_eq!(
        app.get("/manage/users").await.status,
        StatusCode::FORBIDDEN,
        "but not the administration"
    );
    let ruth = app.client.clone();

    app.client = admin.clone();
    let users = app.get("/manage/users?q=ruth").await;
    assert!(users.body.contains("ruth@example.org"));
    let action_at = users
        .body
        .find("/manage/roles/")
        .ok_or("no revoke button")?;
    let action: String = users.body[action_at..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    let res = app.submit("/manage/users", &action, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);

    app.client = ruth;
    assert_eq!(
        app.get("/manage").await.status,
        StatusCode::FORBIDDEN,
        "the role is gone at once"
    );

    app.client = admin;
    let audit = app.get("/manage/audit").await;
    // The log names the actions in words, not by their keys.
    for action in ["Kommune angelegt", "Rolle vergeben", "Rolle entzogen"] {
        assert!(audit.body.contains(action), "{action} is in the audit log");
    }
    Ok(())
}

#[tokio::test]
async fn bad_municipality_input_gets_messages_and_keeps_the_form() -> TestResult {
    let app = spawn_app().await;
    app.signed_in_admin("admin@example.org").await;
    app.submit(
        "/manage/municipalities",
        "/manage/municipalities",
        &[
            ("name", "Musterstadt"),
            ("slug", "musterstadt"),
            ("min_group_size", "5"),
        ],
    )
    .await;
    let res = app
        .submit(
            "/manage/municipalities",
            "/manage/municipalities",
            &[
                ("name", "Zweite Stadt"),
                ("slug", "musterstadt"),
                ("min_group_size", "2"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Diese Kurzbezeichnung ist schon vergeben.")
    );
    assert!(res.body.contains("Bitte eine Zahl von 3 bis 100 eingeben."));
    assert!(res.body.contains("value=\"Zweite Stadt\""));
    let res = app
        .submit(
            "/manage/users",
            "/manage/users/invite",
            &[
                ("email", "x@example.org"),
                ("role", "admin"),
                ("municipality_id", "nicht-da"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Bitte wählen Sie eine Rolle aus der Liste.")
    );
    assert!(
        res.body
            .contains("Bitte wählen Sie eine Kommune aus der Liste.")
    );
    assert!(res.body.contains("value=\"x@example.org\""));
    Ok(())
}

#[tokio::test]
async fn an_admin_edits_a_municipality_with_the_rules_of_creation_and_the_log_says_what_changed()
-> TestResult {
    let app = spawn_app().await;
    app.signed_in_admin("admin@example.org").await;
    for (name, slug) in [
        ("Musterstadt", "musterstadt"),
        ("Beispieldorf", "beispieldorf"),
    ] {
        let res = app
            .submit(
                "/manage/municipalities",
                "/manage/municipalities",
                &[("name", name), ("slug", slug), ("min_group_size", "5")],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
    }
    let place = teilhabe::admin::service::municipality_by_slug(&app.state.db, "musterstadt")
        .await?
        .ok_or("no municipality")?;
    let edit = format!("/manage/municipalities/{}", place.id);
    assert!(
        app.get("/manage/municipalities")
            .await
            .body
            .contains(&format!("href=\"{edit}\"")),
        "the list leads to the edit form"
    );
    let form = app.get(&edit).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("value=\"Musterstadt\""));
    assert!(
        form.body.contains("value=\"300\""),
        "a new municipality publishes no area below 300 inhabitants"
    );

    let res = app
        .submit(
            &edit,
            &edit,
            &[
                ("name", "M"),
                ("slug", "beispieldorf"),
                ("min_group_size", "2 "),
                ("min_area_population", "50"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("<title>Fehler: Kommune Musterstadt bearbeiten")
    );
    assert!(
        res.body
            .contains("Diese Kurzbezeichnung ist schon vergeben.")
    );
    assert!(res.body.contains("Bitte eine Zahl von 3 bis 100 eingeben."));
    assert!(res.body.contains("class=\"error-summary\""));
    assert!(res.body.contains("value=\"M\""), "typed values stay");
    assert!(res.body.contains("value=\"beispieldorf\""));
    assert!(res.body.contains("value=\"2 \""));
    assert!(
        res.body
            .contains("Bitte eine Zahl von 100 bis 1.000.000 eingeben.")
    );
    assert!(res.body.contains("value=\"50\""));

    let res = app
        .submit(
            &edit,
            &edit,
            &[
                ("name", "Neustadt"),
                ("slug", "Neustadt"),
                ("min_group_size", "7"),
                ("min_area_population", "500"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let changed = teilhabe::admin::service::find_municipality(&app.state.db, place.id)
        .await?
        .ok_or("gone")?;
    assert_eq!(
        (
            changed.name.as_str(),
            changed.slug.as_str(),
            changed.min_group_size,
            changed.min_area_population
        ),
        ("Neustadt", "neustadt", 7, 500)
    );
    // Keeping its own slug is no clash.
    let res = app
        .submit(
            &edit,
            &edit,
            &[
                ("name", "Neustadt"),
                ("slug", "neustadt"),
                ("min_group_size", "7"),
                ("min_area_population", "500"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    let audit = app.get("/manage/audit").await.body;
    assert!(audit.contains("Kommune geändert"), "a readable action");
    assert!(!audit.contains("municipality.updated"), "not the raw key");
    assert!(audit.contains("<dt>Mindestgruppengröße</dt>"));
    assert!(audit.contains("<span class=\"audit-before\">5</span> → 7"));
    assert!(audit.contains("<dt>Mindesteinwohnerzahl eines Sozialraums</dt>"));
    assert!(audit.contains("<span class=\"audit-before\">300</span> → 500"));
    assert!(audit.contains("<span class=\"audit-before\">Musterstadt</span> → Neustadt"));
    assert_eq!(
        audit.matches("Kommune geändert").count(),
        1,
        "saving without a change logs nothing"
    );
    Ok(())
}

#[tokio::test]
async fn the_audit_log_filters_by_municipality_person_kind_and_day_and_its_pages_keep_the_filters()
-> TestResult {
    let mut app = spawn_app().await;
    app.signed_in_admin("admin@example.org").await;
    let admin_id = teilhabe::accounts::model::find_by_email(&app.state.db, "admin@example.org")
        .await?
        .ok_or("no admin")?
        .id;
    let now = app.state.clock.now();
    for i in 0..30 {
        teilhabe::admin::service::create_municipality(
            &app.state.db,
            Some(admin_id),
            teilhabe::admin::service::NewMunicipality {
                name: &format!("Ort {i:02}"),
                slug: &format!("ort-{i:02}"),
                min_group_size: 5,
            },
            now,
        )
        .await?;
    }
    // An entry by someone else, in a municipality of its own.
    let admin = app.client.clone();
    app.client = new_client();
    crate::fixtures::signed_in_coordinator(&app, "koordi@example.org", "koordistadt").await;
    app.client = admin;

    let all = app.get("/manage/audit").await;
    assert!(all.body.contains("Kommune angelegt"));
    assert!(all.body.contains("System"), "the entry without a person");

    let kind = app
        .get("/manage/audit?kind=municipality&person=ADMIN@")
        .await;
    assert_eq!(kind.status, StatusCode::OK);
    assert!(kind.body.contains("Kommune angelegt"));
    assert!(kind.body.contains("Seite 1 von 2"), "30 entries, 25 a page");
    assert!(
        crate::dashboard::unescaped(&kind.body)
            .contains("href=\"/manage/audit?person=ADMIN%40&kind=municipality&page=2\""),
        "the next page keeps the filters: {}",
        kind.body
    );
    let second = app
        .get("/manage/audit?person=ADMIN%40&kind=municipality&page=2")
        .await;
    assert_eq!(
        second.body.matches("class=\"audit-entry\"").count(),
        5,
        "only the admin's, not the system's entry for koordistadt"
    );
    let everyone = app.get("/manage/audit?kind=municipality&page=2").await;
    assert_eq!(everyone.body.matches("class=\"audit-entry\"").count(), 6);
    assert!(
        second.body.contains("value=\"ADMIN@\""),
        "the form shows the filter"
    );
    assert!(
        second
            .body
            .contains("<option value=\"municipality\" selected>")
    );

    let place = teilhabe::admin::service::municipality_by_slug(&app.state.db, "ort-07")
        .await?
        .ok_or("no place")?;
    let one = app
        .get(&format!("/manage/audit?municipality={}", place.id))
        .await;
    assert_eq!(one.body.matches("class=\"audit-entry\"").count(), 1);
    assert!(one.body.contains("Ort 07"));

    let person = app.get("/manage/audit?person=nobody").await;
    assert!(
        person
            .body
            .contains("Keine Einträge passen zu diesen Filtern.")
    );

    let tz = app.state.settings.time_zone;
    let today = now.with_timezone(&tz).date_naive();
    let tomorrow = (today + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let today = today.format("%Y-%m-%d").to_string();
    let days = app
        .get(&format!(
            "/manage/audit?from={today}&to={today}&kind=municipality"
        ))
        .await;
    assert!(days.body.contains("Seite 1 von 2"), "today's entries");
    let future = app.get(&format!("/manage/audit?from={tomorrow}")).await;
    assert!(
        future
            .body
            .contains("Keine Einträge passen zu diesen Filtern.")
    );

    let bad = app
        .get(&format!("/manage/audit?from=30.11.2026&to={today}"))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("<title>Fehler: Protokoll"));
    assert!(bad.body.contains("Bitte ein Datum als JJJJ-MM-TT eingeben"));
    assert!(
        bad.body.contains("value=\"30.11.2026\""),
        "what was typed stays"
    );
    let swapped = app
        .get(&format!("/manage/audit?from={tomorrow}&to={today}"))
        .await;
    assert_eq!(swapped.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        swapped
            .body
            .contains("Der letzte Tag liegt vor dem ersten.")
    );
    Ok(())
}
