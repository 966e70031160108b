//! The strategy slice through HTTP: coordinators build and control the strategy with forms,
//! residents read it, and nobody reaches another municipality's strategy.

use chrono::Duration;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, Set};
use teilhabe::strategy::{model as strategy, picker};

use crate::{
    fixtures::signed_in_coordinator,
    helpers::{Page, TestApp, TestResult, new_client, spawn_app},
};

/// The ids that follow each occurrence of `prefix` in `html`, in page order, without repeats.
fn ids_after(html: &str, prefix: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for (at, _) in html.match_indices(prefix) {
        let id: String = html[at + prefix.len()..].chars().take(36).collect();
        if uuid::Uuid::parse_str(&id).is_ok() && !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

fn assert_redirect(res: &Page, what: &str) {
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{what}: {}", res.body);
}

/// Creates a strategy through the list page's form and returns its id.
async fn create_strategy(app: &TestApp, place: &str, title: &str, from: &str, to: &str) -> String {
    let res = app
        .submit(
            "/manage/strategies",
            "/manage/strategies",
            &[
                ("municipality_id", place),
                ("title", title),
                ("period_start", from),
                ("period_end", to),
                ("status", "adopted"),
                ("summary", "Gemeinsam gegen Armut."),
            ],
        )
        .await;
    assert_redirect(&res, "create strategy");
    let location = res.location.unwrap_or_default();
    location
        .strip_prefix("/manage/strategies/")
        .unwrap_or_else(|| panic!("unexpected location {location}"))
        .to_string()
}

/// Adds a field of action on the strategy page and returns its id.
async fn add_field(app: &TestApp, strategy_id: &str, title: &str) -> String {
    let page = format!("/manage/strategies/{strategy_id}");
    let res = app
        .submit(
            &page,
            &format!("{page}/fields"),
            &[("field_title", title), ("field_description", "")],
        )
        .await;
    assert_redirect(&res, "add field");
    let body = app.get(&page).await.body;
    let at = body
        .find(&format!(">{title}</a>"))
        .unwrap_or_else(|| panic!("field {title} not listed"));
    ids_after(&body[..at], "/manage/fields/")
        .pop()
        .unwrap_or_else(|| panic!("no id for {title}"))
}

/// Adds a goal on the field page and returns its id.
async fn add_goal(app: &TestApp, field_id: &str, title: &str, target: &str) -> String {
    let page = format!("/manage/fields/{field_id}");
    let res = app
        .submit(
            &page,
            &format!("{page}/goals"),
            &[
                ("goal_title", title),
                ("goal_target_text", target),
                ("goal_description", "Warum das wichtig ist."),
            ],
        )
        .await;
    assert_redirect(&res, "add goal");
    let body = app.get(&page).await.body;
    let at = body
        .find(&format!(">{title}</a>"))
        .unwrap_or_else(|| panic!("goal {title} not listed"));
    ids_after(&body[..at], "/manage/goals/")
        .pop()
        .unwrap_or_else(|| panic!("no id for {title}"))
}

/// Adds a measure on the goal page and returns its id.
async fn add_measure(app: &TestApp, goal_id: &str, title: &str, status: &str) -> String {
    let page = format!("/manage/goals/{goal_id}");
    let res = app
        .submit(
            &page,
            &format!("{page}/measures"),
            &[
                ("measure_title", title),
                ("measure_description", ""),
                ("measure_responsible_body", "Jobcenter"),
                ("measure_status", status),
                ("measure_starts_on", "2026-03-01"),
                ("measure_ends_on", "2027-02-28"),
                ("measure_progress_note", "Zwei Sprechstunden pro Woche."),
            ],
        )
        .await;
    assert_redirect(&res, "add measure");
    let body = app.get(&page).await.body;
    let at = body
        .find(&format!(">{title}</a>"))
        .unwrap_or_else(|| panic!("measure {title} not listed"));
    ids_after(&body[..at], "/manage/measures/")
        .pop()
        .unwrap_or_else(|| panic!("no id for {title}"))
}

/// The page's main content (the header differs between sessions).
fn main_of(body: &str) -> String {
    let start = position(body, "<main");
    let end = position(body, "</main>");
    body[start..end].to_string()
}

fn position(body: &str, needle: &str) -> usize {
    body.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not on the page"))
}

#[tokio::test]
async fn a_coordinator_builds_a_strategy_that_the_public_page_shows_as_a_tree() -> TestResult {
    let app = spawn_app().await;
    let place = signed_in_coordinator(&app, "koordi@example.org", "astadt").await;
    assert!(
        app.get("/manage")
            .await
            .body
            .contains("href=\"/manage/strategies\""),
        "the staff area links the strategies"
    );
    let id = create_strategy(&app, &place.to_string(), "Strategie Astadt", "2024", "2028").await;
    let work = add_field(&app, &id, "Arbeit und Einkommen").await;
    let housing = add_field(&app, &id, "Wohnen").await;
    let jobs = add_goal(
        &app,
        &work,
        "Weniger Langzeitarbeitslose",
        "Quote der Langzeitarbeitslosen bis 2027 um 10 % senken",
    )
    .await;
    add_goal(&app, &housing, "Keine Zwangsräumungen", "").await;
    add_measure(&app, &jobs, "Jobcoaching im Quartier", "running").await;

    let public = app.get("/strategies/astadt").await;
    assert_eq!(public.status, StatusCode::OK);
    let body = &public.body;
    assert!(body.contains("<h1>Strategie Astadt</h1>"));
    assert!(body.contains("Zeitraum: 2024–2028"));
    assert!(!body.contains("Entwurf"), "an adopted strategy is no draft");
    assert!(
        position(body, "Arbeit und Einkommen</h2>") < position(body, "Wohnen</h2>"),
        "fields in their order"
    );
    assert!(
        position(body, "Wohnen</h2>") < position(body, "Keine Zwangsräumungen"),
        "goals under their field"
    );
    assert!(body.contains(&format!("href=\"/goals/{jobs}\"")));
    assert!(body.contains("Quote der Langzeitarbeitslosen bis 2027 um 10 % senken"));
    assert!(body.contains("Jobcoaching im Quartier"));
    assert!(body.contains("Läuft"), "the measure's status, localized");
    assert!(body.contains("Noch keine Beteiligung zu diesem Ziel"));

    let goal = app.get(&format!("/goals/{jobs}")).await;
    assert_eq!(goal.status, StatusCode::OK);
    assert!(goal.body.contains("<h1>Weniger Langzeitarbeitslose</h1>"));
    assert!(goal.body.contains("Arbeit und Einkommen"));
    assert!(
        goal.body.contains("01.03.2026"),
        "dates in the German pattern"
    );
    assert!(goal.body.contains("28.02.2027"));
    assert!(goal.body.contains("Zwei Sprechstunden pro Woche."));
    let english = app.get(&format!("/goals/{jobs}?lang=en")).await;
    assert!(
        english.body.contains("01/03/2026"),
        "and in the English one"
    );
    assert!(english.body.contains("Running"));
    Ok(())
}

#[tokio::test]
async fn a_goal_shows_the_public_rounds_that_fed_it_and_counts_them() -> TestResult {
    let app = spawn_app().await;
    let place = signed_in_coordinator(&app, "koordi@example.org", "astadt").await;
    let id = create_strategy(&app, &place.to_string(), "Strategie Astadt", "2024", "2028").await;
    let field = add_field(&app, &id, "Bildung").await;
    let goal = add_goal(&app, &field, "Mehr Kinder in der Kita", "").await;
    let goal_id = uuid::Uuid::parse_str(&goal)?;
    let now = app.state.clock.now();
    for (slug, title, status) in [
        ("kita-umfrage", "Umfrage zur Kita", "open"),
        ("kita-werkstatt", "Werkstatt Kita", "evaluated"),
        ("kita-entwurf", "Noch geheim", "draft"),
    ] {
        let round = entity::rounds::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            municipality_id: Set(place),
            slug: Set(slug.into()),
            title: Set(title.into()),
            summary: Set(String::new()),
            description: Set(String::new()),
            status: Set(status.into()),
            starts_at: Set(now),
            ends_at: Set(now + Duration::days(30)),
            scheduled_at: Set(None),
            contact_name: Set(String::new()),
            contact_phone: Set(String::new()),
            contact_email: Set(String::new()),
            contact_address: Set(String::new()),
            evaluation_summary: Set(None),
            opened_at: Set(None),
            closed_at: Set(None),
            evaluated_at: Set(None),
            created_by: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&app.state.db)
        .await?;
        entity::round_goals::ActiveModel {
            round_id: Set(round.id),
            goal_id: Set(goal_id),
        }
        .insert(&app.state.db)
        .await?;
    }
    let public = app.get("/strategies/astadt").await;
    assert!(public.body.contains("2 Beteiligungsrunden zu diesem Ziel"));
    let page = app.get(&format!("/goals/{goal}")).await;
    assert!(page.body.contains("href=\"/rounds/kita-umfrage\""));
    assert!(page.body.contains("href=\"/rounds/kita-werkstatt\""));
    assert!(page.body.contains("Ergebnisse veröffentlicht"));
    let tz = app.state.settings.time_zone;
    for day in [now, now + Duration::days(30)] {
        let shown = teilhabe::web::i18n::format_datetime(
            teilhabe::web::i18n::Lang::De,
            tz,
            day,
            "format-date",
        );
        assert!(page.body.contains(&shown), "{shown} on the goal page");
    }
    assert!(!page.body.contains("Noch geheim"), "drafts stay hidden");
    Ok(())
}

#[tokio::test]
async fn moving_a_goal_up_changes_the_order_on_the_public_page() -> TestResult {
    let app = spawn_app().await;
    let place = signed_in_coordinator(&app, "koordi@example.org", "astadt").await;
    let id = create_strategy(&app, &place.to_string(), "Strategie Astadt", "2024", "2028").await;
    let field = add_field(&app, &id, "Bildung").await;
    add_goal(&app, &field, "Erstes Ziel", "").await;
    let second = add_goal(&app, &field, "Zweites Ziel", "").await;
    let before = app.get("/strategies/astadt").await.body;
    assert!(position(&before, "Erstes Ziel") < position(&before, "Zweites Ziel"));

    let res = app
        .submit(
            &format!("/manage/fields/{field}"),
            &format!("/manage/goals/{second}/move"),
            &[("direction", "up")],
        )
        .await;
    assert_redirect(&res, "move up");
    let after = app.get("/strategies/astadt").await.body;
    assert!(position(&after, "Zweites Ziel") < position(&after, "Erstes Ziel"));
    // The first goal cannot move further up; nothing changes.
    let res = app
        .submit(
            &format!("/manage/fields/{field}"),
            &format!("/manage/goals/{second}/move"),
            &[("direction", "up")],
        )
        .await;
    assert_redirect(&res, "move at the top");
    let again = app.get("/strategies/astadt").await.body;
    assert!(position(&again, "Zweites Ziel") < position(&again, "Erstes Ziel"));

    // Fields move the same way, from the strategy page.
    let other = add_field(&app, &id, "Wohnen").await;
    let res = app
        .submit(
            &format!("/manage/strategies/{id}"),
            &format!("/manage/fields/{other}/move"),
            &[("direction", "up")],
        )
        .await;
    assert_redirect(&res, "move field");
    let fields = app.get("/strategies/astadt").await.body;
    assert!(position(&fields, "Wohnen</h2>") < position(&fields, "Bildung</h2>"));
    let res = app
        .submit(
            &format!("/manage/strategies/{id}"),
            &format!("/manage/fields/{other}/move"),
            &[("direction", "sideways")],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    Ok(())
}

#[tokio::test]
async fn an_archived_goal_leaves_the_active_list_but_its_page_still_answers() -> TestResult {
    let app = spawn_app().await;
    let place = signed_in_coordinator(&app, "koordi@example.org", "astadt").await;
    let id = create_strategy(&app, &place.to_string(), "Strategie Astadt", "2024", "2028").await;
    let field = add_field(&app, &id, "Gesundheit").await;
    let goal = add_goal(&app, &field, "Alte Vorsorge", "").await;
    add_goal(&app, &field, "Neue Vorsorge", "").await;
    assert_eq!(
        picker::goal_picker(&app.state.db, place, &[]).await?.len(),
        2
    );

    let res = app
        .submit(
            &format!("/manage/goals/{goal}"),
            &format!("/manage/goals/{goal}/archive"),
            &[],
        )
        .await;
    assert_redirect(&res, "archive");
    let selectable = picker::goal_picker(&app.state.db, place, &[]).await?;
    assert_eq!(selectable.len(), 1, "rounds can no longer pick it");
    assert_eq!(selectable[0].title, "Neue Vorsorge");

    let public = app.get("/strategies/astadt").await.body;
    assert!(
        position(&public, "Frühere Ziele") < position(&public, "Alte Vorsorge"),
        "listed among the earlier goals"
    );
    assert!(position(&public, "Neue Vorsorge") < position(&public, "Frühere Ziele"));
    let page = app.get(&format!("/goals/{goal}")).await;
    assert_eq!(page.status, StatusCode::OK, "its page still answers");
    assert!(
        page.body
            .contains("Die Strategie verfolgt dieses Ziel nicht mehr.")
    );

    let res = app
        .submit(
            &format!("/manage/goals/{goal}"),
            &format!("/manage/goals/{goal}/restore"),
            &[],
        )
        .await;
    assert_redirect(&res, "restore");
    assert_eq!(
        picker::goal_picker(&app.state.db, place, &[]).await?.len(),
        2
    );
    assert!(
        !app.get("/strategies/astadt")
            .await
            .body
            .contains("Frühere Ziele")
    );
    Ok(())
}

#[tokio::test]
async fn a_strategy_without_title_or_with_a_reversed_period_comes_back_with_messages_and_the_typed_values()
-> TestResult {
    let app = spawn_app().await;
    let place = signed_in_coordinator(&app, "koordi@example.org", "astadt").await;
    let place = place.to_string();
    let res = app
        .submit(
            "/manage/strategies",
            "/manage/strategies",
            &[
                ("municipality_id", &place),
                ("title", "  "),
                ("period_start", "2028"),
                ("period_end", "2024"),
                ("status", "adopted"),
                ("summary", "Mein getippter Text"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Bitte geben Sie einen Titel ein."));
    assert!(
        res.body
            .contains("Das letzte Jahr darf nicht vor dem ersten Jahr liegen.")
    );
    assert!(res.body.contains("Mein getippter Text"));
    assert!(res.body.contains("value=\"2028\""));
    assert!(res.body.contains("value=\"2024\""));
    assert!(
        res.body
            .contains("<option value=\"adopted\" selected>Beschlossen</option>")
    );
    assert!(res.body.contains(&format!(
        "<option value=\"{place}\" selected>astadt</option>"
    )));
    assert!(
        res.body.contains("href=\"#title\""),
        "the summary links the field"
    );

    let res = app
        .submit(
            "/manage/strategies?lang=en",
            "/manage/strategies",
            &[
                ("municipality_id", &place),
                ("title", "Strategy"),
                ("period_start", "zwanzig"),
                ("period_end", "2024"),
                ("status", "adopted"),
                ("summary", ""),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Please enter a year between 2000 and 2100, for example 2024.")
    );
    assert!(res.body.contains("value=\"zwanzig\""));
    app.get("/?lang=de").await;

    // Editing an existing strategy checks the same way and keeps what was typed.
    let id = create_strategy(&app, &place, "Strategie Astadt", "2024", "2028").await;
    let res = app
        .submit(
            &format!("/manage/strategies/{id}"),
            &format!("/manage/strategies/{id}"),
            &[
                ("title", "Neuer Titel"),
                ("period_start", "2030"),
                ("period_end", "2029"),
                ("status", "draft"),
                ("summary", ""),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("value=\"Neuer Titel\""));
    assert!(
        app.get("/strategies/astadt")
            .await
            .body
            .contains("Strategie Astadt")
    );

    // A field of action and a goal need a title too.
    let res = app
        .submit(
            &format!("/manage/strategies/{id}"),
            &format!("/manage/strategies/{id}/fields"),
            &[
                ("field_title", ""),
                ("field_description", "Nur Beschreibung"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Bitte geben Sie einen Titel ein."));
    assert!(res.body.contains("Nur Beschreibung"));
    let field = add_field(&app, &id, "Bildung").await;
    let res = app
        .submit(
            &format!("/manage/fields/{field}"),
            &format!("/manage/fields/{field}/goals"),
            &[("goal_title", ""), ("goal_target_text", "Bis 2027 mehr")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("value=\"Bis 2027 mehr\""));
    Ok(())
}

#[tokio::test]
async fn a_measure_with_a_bad_date_or_ending_before_it_starts_is_refused_with_the_typed_values()
-> TestResult {
    let app = spawn_app().await;
    let place = signed_in_coordinator(&app, "koordi@example.org", "astadt").await;
    let id = create_strategy(&app, &place.to_string(), "Strategie Astadt", "2024", "2028").await;
    let field = add_field(&app, &id, "Arbeit").await;
    let goal = add_goal(&app, &field, "Mehr Arbeit", "").await;
    let page = format!("/manage/goals/{goal}");
    let measure = |starts: &'static str, ends: &'static str| {
        [
            ("measure_title", "Jobcoaching"),
            ("measure_description", "Beratung vor Ort"),
            ("measure_responsible_body", "Jobcenter"),
            ("measure_status", "running"),
            ("measure_starts_on", starts),
            ("measure_ends_on", ends),
            ("measure_progress_note", "Läuft gut"),
        ]
    };
    let res = app
        .submit(
            &page,
            &format!("{page}/measures"),
            &measure("2026-06-01", "2026-01-31"),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Das Ende darf nicht vor dem Beginn liegen.")
    );
    assert!(res.body.contains("value=\"Jobcoaching\""));
    assert!(res.body.contains("value=\"2026-06-01\""));
    assert!(res.body.contains("Läuft gut"));
    assert!(
        res.body
            .contains("<option value=\"running\" selected>Läuft</option>")
    );

    let res = app
        .submit(
            &page,
            &format!("{page}/measures"),
            &measure("31.02.2026", ""),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Bitte geben Sie ein gültiges Datum ein, zum Beispiel 31.12.2026.")
    );
    assert!(res.body.contains("value=\"31.02.2026\""));

    // A German date typed into a plain text box is understood.
    let res = app
        .submit(
            &page,
            &format!("{page}/measures"),
            &measure("01.06.2026", ""),
        )
        .await;
    assert_redirect(&res, "German date");
    let list = app.get(&page).await.body;
    let measure_id = ids_after(&list, "/manage/measures/")
        .pop()
        .unwrap_or_else(|| panic!("measure listed"));
    assert!(list.contains("01.06.2026"));

    // Editing: the status and the progress note change; bad dates are refused there too.
    let edit = format!("/manage/measures/{measure_id}");
    let res = app
        .submit(&edit, &edit, &measure("2026-06-01", "2026-05-01"))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut done = measure("2026-06-01", "2026-12-31").to_vec();
    done[3] = ("measure_status", "done");
    done[6] = ("measure_progress_note", "Abgeschlossen mit 40 Beratungen");
    let res = app.submit(&edit, &edit, &done).await;
    assert_redirect(&res, "edit measure");
    let public = app.get(&format!("/goals/{goal}")).await.body;
    assert!(public.contains("Abgeschlossen mit 40 Beratungen"));
    assert!(public.contains("31.12.2026"));
    Ok(())
}

#[tokio::test]
async fn a_coordinator_of_another_municipality_can_neither_see_nor_change_the_strategy()
-> TestResult {
    let mut app = spawn_app().await;
    let a = signed_in_coordinator(&app, "anna@example.org", "astadt").await;
    let id = create_strategy(&app, &a.to_string(), "Strategie Astadt", "2024", "2028").await;
    let field = add_field(&app, &id, "Bildung").await;
    let goal = add_goal(&app, &field, "Kita für alle", "").await;
    let measure = add_measure(&app, &goal, "Kita-Lotsinnen", "running").await;
    let before = main_of(&app.get("/strategies/astadt").await.body);

    app.client = new_client();
    signed_in_coordinator(&app, "bernd@example.org", "bstadt").await;
    let list = app.get("/manage/strategies").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.body.contains("Strategie Astadt"), "not in B's list");
    assert!(
        !list.body.contains(&format!("value=\"{a}\"")),
        "A is not offered for new strategies"
    );
    for path in [
        format!("/manage/strategies/{id}"),
        format!("/manage/fields/{field}"),
        format!("/manage/goals/{goal}"),
        format!("/manage/measures/{measure}"),
    ] {
        assert_eq!(app.get(&path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("/manage/strategies/{id}"),
            vec![
                ("title", "Gekapert"),
                ("period_start", "2024"),
                ("period_end", "2028"),
                ("status", "draft"),
            ],
        ),
        (
            format!("/manage/strategies/{id}"),
            vec![("title", ""), ("period_start", "x")],
        ),
        (
            format!("/manage/strategies/{id}/fields"),
            vec![("field_title", "Gekapert")],
        ),
        (
            format!("/manage/fields/{field}"),
            vec![("field_title", "Gekapert")],
        ),
        (
            format!("/manage/fields/{field}/move"),
            vec![("direction", "up")],
        ),
        (
            format!("/manage/fields/{field}/goals"),
            vec![("goal_title", "Gekapert")],
        ),
        (
            format!("/manage/goals/{goal}"),
            vec![("goal_title", "Gekapert")],
        ),
        (
            format!("/manage/goals/{goal}/move"),
            vec![("direction", "up")],
        ),
        (format!("/manage/goals/{goal}/archive"), vec![]),
        (format!("/manage/goals/{goal}/restore"), vec![]),
        (
            format!("/manage/goals/{goal}/measures"),
            vec![("measure_title", "Gekapert"), ("measure_status", "planned")],
        ),
        (
            format!("/manage/measures/{measure}"),
            vec![("measure_title", "Gekapert"), ("measure_status", "planned")],
        ),
        (
            format!("/manage/measures/{measure}/move"),
            vec![("direction", "up")],
        ),
    ];
    for (path, fields) in &posts {
        let res = app.submit("/manage/strategies", path, fields).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "POST {path}");
    }
    let res = app
        .submit(
            "/manage/strategies",
            "/manage/strategies",
            &[
                ("municipality_id", &a.to_string()),
                ("title", "Fremde Strategie"),
                ("period_start", "2024"),
                ("period_end", "2028"),
                ("status", "draft"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Bitte wählen Sie eine Kommune aus der Liste.")
    );
    assert_eq!(
        main_of(&app.get("/strategies/astadt").await.body),
        before,
        "A's data is unchanged"
    );
    assert_eq!(strategy::strategies_of(&app.state.db, a).await?.len(), 1);
    Ok(())
}

#[tokio::test]
async fn every_change_to_the_strategy_is_in_the_audit_log_with_before_and_after() -> TestResult {
    let mut app = spawn_app().await;
    let place = signed_in_coordinator(&app, "koordi@example.org", "astadt").await;
    let id = create_strategy(&app, &place.to_string(), "Strategie Astadt", "2024", "2028").await;
    let res = app
        .submit(
            &format!("/manage/strategies/{id}"),
            &format!("/manage/strategies/{id}"),
            &[
                ("title", "Strategie Astadt 2024–2029"),
                ("period_start", "2024"),
                ("period_end", "2029"),
                ("status", "adopted"),
                ("summary", ""),
            ],
        )
        .await;
    assert_redirect(&res, "update strategy");
    let field = add_field(&app, &id, "Bildung").await;
    let goal = add_goal(&app, &field, "Kita für alle", "").await;
    add_goal(&app, &field, "Schule für alle", "").await;
    let measure = add_measure(&app, &goal, "Kita-Lotsinnen", "planned").await;
    app.submit(
        &format!("/manage/fields/{field}"),
        &format!("/manage/goals/{goal}/move"),
        &[("direction", "down")],
    )
    .await;
    app.submit(
        &format!("/manage/goals/{goal}"),
        &format!("/manage/goals/{goal}/archive"),
        &[],
    )
    .await;

    let (entries, _) = teilhabe::audit::service::page(&app.state.db, 0, 50).await?;
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    for expected in [
        "strategy.created",
        "strategy.updated",
        "field_of_action.created",
        "goal.created",
        "measure.created",
        "goal.moved",
        "goal.archived",
    ] {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
    let updated = entries
        .iter()
        .find(|e| e.action == "strategy.updated")
        .unwrap_or_else(|| panic!("logged"));
    assert!(updated.summary.contains("\"before\""));
    assert!(updated.summary.contains("2028") && updated.summary.contains("2029"));
    assert_eq!(updated.municipality_id, Some(place));
    assert!(updated.actor_id.is_some(), "who did it");
    assert!(
        entries
            .iter()
            .any(|e| e.target_id.as_deref() == Some(measure.as_str()))
    );

    app.client = new_client();
    app.signed_in_admin("admin@example.org").await;
    let log = app.get("/manage/audit").await;
    assert!(log.body.contains("Ziel archiviert"), "the action in words");
    assert!(log.body.contains("koordi@example.org"));
    // Admins see and edit every municipality's strategy.
    assert_eq!(
        app.get(&format!("/manage/goals/{goal}")).await.status,
        StatusCode::OK
    );
    Ok(())
}

#[tokio::test]
async fn an_unknown_municipality_or_goal_is_not_found_and_one_without_strategy_says_so_kindly()
-> TestResult {
    let app = spawn_app().await;
    signed_in_coordinator(&app, "koordi@example.org", "astadt").await;
    assert_eq!(
        app.get("/strategies/gibt-es-nicht").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/goals/{}", uuid::Uuid::new_v4()))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/goals/kein-ziel").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!(
            "/strategies/astadt?strategy={}",
            uuid::Uuid::new_v4()
        ))
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let empty = app.get("/strategies/astadt").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(
        empty
            .body
            .contains("hat ihre Strategie noch nicht hier veröffentlicht")
    );
    Ok(())
}

#[tokio::test]
async fn the_public_page_prefers_the_newest_adopted_strategy_and_links_the_others() -> TestResult {
    let app = spawn_app().await;
    let place = signed_in_coordinator(&app, "koordi@example.org", "astadt").await;
    let place = place.to_string();
    create_strategy(&app, &place, "Alte Strategie", "2018", "2022").await;
    create_strategy(&app, &place, "Aktuelle Strategie", "2024", "2028").await;
    let res = app
        .submit(
            "/manage/strategies",
            "/manage/strategies",
            &[
                ("municipality_id", &place),
                ("title", "Künftige Strategie"),
                ("period_start", "2029"),
                ("period_end", "2033"),
                ("status", "draft"),
                ("summary", ""),
            ],
        )
        .await;
    assert_redirect(&res, "draft");
    let draft = res
        .location
        .unwrap_or_default()
        .trim_start_matches("/manage/strategies/")
        .to_string();
    let page = app.get("/strategies/astadt").await.body;
    assert!(page.contains("<h1>Aktuelle Strategie</h1>"));
    let link = format!("/strategies/astadt?strategy={draft}");
    // Handlebars escapes `=` in attributes; browsers read it back as `=`.
    assert!(page.contains(&format!("href=\"{}\"", link.replace('=', "&#x3D;"))));
    assert!(page.contains("Alte Strategie"));
    let draft_page = app.get(&link).await.body;
    assert!(draft_page.contains("<h1>Künftige Strategie</h1>"));
    assert!(draft_page.contains("Entwurf"));
    Ok(())
}

#[tokio::test]
async fn the_demo_strategy_is_seeded_once_with_its_fields_goals_and_measures() -> TestResult {
    let app = spawn_app().await;
    let place = signed_in_coordinator(&app, "koordi@example.org", "musterstadt").await;
    let now = app.state.clock.now();
    teilhabe::strategy::demo::seed(&app.state.db, place, now).await?;
    teilhabe::strategy::demo::seed(&app.state.db, place, now).await?;
    assert_eq!(
        strategy::strategies_of(&app.state.db, place).await?.len(),
        1
    );
    let goals = picker::goal_picker(&app.state.db, place, &[]).await?;
    assert!(goals.len() >= 10, "about a dozen goals");
    let page = app.get("/strategies/musterstadt").await.body;
    assert!(page.contains("Armutspräventionsstrategie Musterstadt 2024–2028"));
    for field in [
        "Bildung",
        "Arbeit und Einkommen",
        "Wohnen",
        "Gesundheit",
        "Soziale Teilhabe und Mobilität",
    ] {
        assert!(page.contains(&format!("{field}</h2>")), "{field}");
    }
    for status in ["Geplant", "Läuft", "Abgeschlossen", "Gestoppt"] {
        assert!(page.contains(status), "{status}");
    }
    assert!(
        page.len() < 30_000,
        "the whole strategy stays a small page: {} bytes",
        page.len()
    );
    Ok(())
}
