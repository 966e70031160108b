//! Impressum and Datenschutzerklärung through HTTP: linked from every page, written by admins in
//! Markdown for the instance and per municipality, a plain notice while they are missing, and the
//! purpose notes on forms that collect personal data.

use reqwest::StatusCode;

use crate::{
    fixtures::{create_round, day, open_board, seed_goals, signed_in_coordinator, workshop},
    helpers::{TestApp, TestResult, new_client, spawn_app},
};

async fn save(app: &TestApp, kind: &str, municipality: &str, body: &str) -> crate::helpers::Page {
    let path = format!("/manage/legal/{kind}");
    let form = if municipality.is_empty() {
        path.clone()
    } else {
        format!("{path}?municipality={municipality}")
    };
    app.submit(
        &form,
        &path,
        &[("municipality", municipality), ("body", body)],
    )
    .await
}

#[tokio::test]
async fn a_fresh_instance_says_plainly_that_the_legal_pages_are_not_set_up_and_every_page_links_them()
-> TestResult {
    let app = spawn_app().await;
    for (path, text) in [
        ("/impressum", "Das Impressum ist noch nicht eingerichtet."),
        (
            "/datenschutz",
            "Die Datenschutzerklärung ist noch nicht eingerichtet.",
        ),
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.body.contains(text), "{path}: {}", page.body);
        assert!(
            !page.body.contains("/manage/legal"),
            "visitors get no edit link"
        );
    }
    for path in [
        "/",
        "/account/login",
        "/account/register",
        "/subscribe",
        "/nirgends",
    ] {
        let page = app.get(path).await;
        assert!(
            page.body.contains("<a href=\"/impressum\">Impressum</a>")
                && page
                    .body
                    .contains("<a href=\"/datenschutz\">Datenschutz</a>"),
            "{path} links both in its footer"
        );
    }
    let english = app.get("/impressum?lang=en").await;
    assert!(
        english
            .body
            .contains("The legal notice has not been set up yet.")
    );
    Ok(())
}

#[tokio::test]
async fn an_admin_writes_both_texts_in_markdown_and_the_pages_show_them_sanitised() -> TestResult {
    let mut app = spawn_app().await;
    app.signed_in_admin("admin@example.org").await;
    let admin_view = app.get("/impressum").await;
    assert!(
        admin_view.body.contains("href=\"/manage/legal/imprint\""),
        "admins get the way to fix it from the page"
    );
    let overview = app.get("/manage/legal").await;
    assert_eq!(overview.status, StatusCode::OK);
    assert!(overview.body.contains("fehlt noch"));

    let typed = "   \n  ";
    let res = save(&app, "imprint", "", typed).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Bitte schreiben Sie den Text."));
    assert!(res.body.contains("<title>Fehler: Impressum bearbeiten"));
    assert!(
        res.body.contains(&format!(">\n{typed}</textarea>")),
        "what was typed comes back as it was"
    );

    let text = "# Anbieter\n\n**Stadt Musterstadt**, Marktplatz 1\n\n<script>alert(1)</script>\n\n[Kontakt](mailto:info@musterstadt.example)";
    let res = save(&app, "imprint", "", text).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = save(&app, "privacy", "", "Wir speichern so wenig wie möglich.").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    app.client = new_client();
    let page = app.get("/impressum").await;
    assert!(page.body.contains("<strong>Stadt Musterstadt</strong>"));
    assert!(page.body.contains("<h3>Anbieter</h3>"));
    assert!(
        page.body
            .contains("href=\"mailto:info@musterstadt.example\"")
    );
    assert!(
        !page.body.contains("<script>alert"),
        "the sanitiser keeps scripts out"
    );
    assert!(!page.body.contains("noch nicht eingerichtet"));
    assert!(
        app.get("/datenschutz")
            .await
            .body
            .contains("Wir speichern so wenig wie möglich.")
    );

    let actions: Vec<String> = teilhabe::audit::service::page(&app.state.db, 0, 20)
        .await?
        .0
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions.iter().filter(|a| *a == "legal.updated").count(), 2);
    Ok(())
}

#[tokio::test]
async fn a_municipalitys_own_version_replaces_the_instance_text_on_its_pages() -> TestResult {
    let mut app = spawn_app().await;
    signed_in_coordinator(&app, "koordi@musterstadt.example", "musterstadt").await;
    let goals = seed_goals(
        &app,
        teilhabe::admin::service::municipality_by_slug(&app.state.db, "musterstadt")
            .await?
            .ok_or("no place")?
            .id,
        &["Wohnen"],
    )
    .await;
    let round = create_round(
        &app,
        "musterstadt",
        "Wohnen in Musterstadt",
        &day(&app, 0),
        &day(&app, 30),
        goals[0],
    )
    .await;
    app.submit(&round, &format!("{round}/publish"), &[]).await;

    app.client = new_client();
    app.signed_in_admin("admin@example.org").await;
    save(&app, "imprint", "", "Impressum der Plattform").await;
    save(&app, "privacy", "", "Datenschutz der Plattform").await;
    let res = save(
        &app,
        "privacy",
        "musterstadt",
        "Datenschutz von Musterstadt",
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    app.client = new_client();
    let own = app.get("/datenschutz?municipality=musterstadt").await;
    assert!(own.body.contains("Datenschutz von Musterstadt"));
    assert!(
        own.body
            .contains("<title>Datenschutzerklärung – musterstadt")
    );
    let fallback = app.get("/impressum?municipality=musterstadt").await;
    assert!(
        fallback.body.contains("Impressum der Plattform"),
        "without its own version the instance text applies"
    );
    assert!(
        app.get("/datenschutz")
            .await
            .body
            .contains("Datenschutz der Plattform")
    );
    assert_eq!(
        app.get("/datenschutz?municipality=gibtsnicht").await.status,
        StatusCode::NOT_FOUND
    );
    for path in ["/strategies/musterstadt", "/rounds/wohnen-in-musterstadt"] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(
            crate::dashboard::unescaped(&page.body)
                .contains("href=\"/datenschutz?municipality=musterstadt\""),
            "{path} links its municipality's version"
        );
    }

    app.client = new_client();
    app.signed_in_admin("admin2@example.org").await;
    let res = save(&app, "privacy", "musterstadt", "").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "emptied: {}", res.body);
    assert!(
        app.get("/datenschutz?municipality=musterstadt")
            .await
            .body
            .contains("Datenschutz der Plattform"),
        "emptying the own version brings back the instance text"
    );
    Ok(())
}

#[tokio::test]
async fn forms_that_collect_personal_data_say_why_and_link_the_privacy_page() -> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "musterstadt", false).await;
    let open: Vec<entity::rounds::Model> = {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        entity::rounds::Entity::find()
            .filter(entity::rounds::Column::MunicipalityId.eq(board.place))
            .all(&app.state.db)
            .await?
    };
    let manage = format!("/manage/rounds/{}", open[0].id);
    let workshop_id = workshop(&app, &manage, "Werkstatt Familie", 5, "10").await;

    app.client = new_client();
    for (path, purpose) in [
        (
            "/account/register".to_string(),
            "Ihre E-Mail-Adresse brauchen wir für die Anmeldung",
        ),
        (
            "/subscribe".to_string(),
            "Wir speichern nur Ihre E-Mail-Adresse",
        ),
        (
            format!("{}/new", board.path),
            "Wir zeigen Ihre Adresse nie öffentlich",
        ),
        (
            format!("/workshops/{workshop_id}"),
            "Angaben zu Kindern und Bedarfen",
        ),
    ] {
        let page = app.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let note = page
            .body
            .split("class=\"privacy-note\">")
            .nth(1)
            .unwrap_or_else(|| panic!("{path} has no purpose note"));
        let note = &note[..note.find("</p>").unwrap_or(note.len())];
        assert!(note.contains(purpose), "{path}: {note}");
        assert!(note.contains("href=\"/datenschutz"), "{path}: {note}");
    }
    Ok(())
}
