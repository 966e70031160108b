//! Monitoring's staff pages through HTTP: areas, the indicator catalogue, goals adopting
//! indicators, entering and correcting values, and the marking of values that must not be
//! published.

use reqwest::StatusCode;
use sea_orm::EntityTrait;
use uuid::Uuid;

use crate::fixtures::{seed_goals, signed_in_coordinator};
use crate::helpers::{TestApp, TestResult, new_client, spawn_app};

/// The id at the end of the first link on `body` that starts with `prefix`.
fn id_after(body: &str, prefix: &str) -> String {
    let start = body
        .find(prefix)
        .unwrap_or_else(|| panic!("no link {prefix} on the page"))
        + prefix.len();
    body[start..start + 36].to_string()
}

pub(crate) async fn add_area(
    app: &TestApp,
    place: Uuid,
    fields: &[(&str, &str)],
) -> crate::helpers::Page {
    let path = format!("/manage/municipalities/{place}/areas");
    app.submit(&path, &path, fields).await
}

/// The id of the area named `name` (from its edit link on the list).
pub(crate) async fn area_id(app: &TestApp, place: Uuid, name: &str) -> String {
    let list = app
        .get(&format!("/manage/municipalities/{place}/areas"))
        .await;
    let at = list
        .body
        .find(&format!("<td>{name}</td>"))
        .unwrap_or_else(|| panic!("{name} is not listed"));
    id_after(&list.body[at..], "/manage/areas/")
}

#[tokio::test]
async fn coordinators_add_edit_and_delete_their_areas() -> TestResult {
    let app = spawn_app().await;
    let place = signed_in_coordinator(&app, "koordi@example.org", "astadt").await;
    let list = format!("/manage/municipalities/{place}/areas");
    let first = app.get(&list).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);

    let res = add_area(
        &app,
        place,
        &[
            ("name", "Nord"),
            ("population", "12500"),
            ("population_on", "2024-12-31"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let nord = area_id(&app, place, "Nord").await;
    let res = add_area(
        &app,
        place,
        &[
            ("name", "Hafenquartier"),
            ("parent_id", &nord),
            ("population", "240"),
            ("population_on", "2024-12-31"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = app.get(&list).await.body;
    assert!(
        page.contains("12.500"),
        "grouped as German writes it: {page}"
    );
    assert!(page.contains("31.12.2024"));
    // 240 inhabitants are fewer than the default minimum of 300: marked.
    assert!(page.contains("zu wenige Einwohner — nicht öffentlich"));
    assert_eq!(page.matches("nicht öffentlich</strong>").count(), 1);

    let hafen = area_id(&app, place, "Hafenquartier").await;
    let edit = format!("/manage/areas/{hafen}");
    let res = app
        .submit(
            &edit,
            &edit,
            &[
                ("name", "Hafen"),
                ("parent_id", &nord),
                ("population", "310"),
                ("population_on", "2025-06-30"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = app.get(&list).await.body;
    assert!(page.contains("<td>Hafen</td>") && !page.contains("nicht öffentlich</strong>"));

    // Nord holds Hafen: not deleted; Hafen itself is.
    let res = app
        .submit(
            &format!("/manage/areas/{nord}"),
            &format!("/manage/areas/{nord}/delete"),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("In diesem Sozialraum liegen andere Sozialräume.")
    );
    let res = app.submit(&edit, &format!("{edit}/delete"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(!app.get(&list).await.body.contains("<td>Hafen</td>"));

    let audit: Vec<String> = entity::audit_log::Entity::find()
        .all(&app.state.db)
        .await?
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in ["area.created", "area.updated", "area.deleted"] {
        assert!(audit.iter().any(|a| a == action), "{action} in {audit:?}");
    }
    Ok(())
}

#[tokio::test]
async fn an_area_form_with_bad_input_comes_back_with_what_was_typed() -> TestResult {
    let app = spawn_app().await;
    let place = signed_in_coordinator(&app, "koordi@example.org", "astadt").await;
    add_area(&app, place, &[("name", "Nord")]).await;
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[("name", ""), ("population", "12")],
            "Bitte geben Sie einen Namen an.",
        ),
        (
            &[("name", "nord")],
            "Einen Sozialraum mit diesem Namen gibt es in dieser Kommune schon.",
        ),
        (
            &[
                ("name", "Süd"),
                ("population", "-5"),
                ("population_on", "2024-12-31"),
            ],
            "Bitte geben Sie die Einwohnerzahl als ganze Zahl ab 0 an",
        ),
        (
            &[
                ("name", "Süd"),
                ("population", "viele"),
                ("population_on", "2024-12-31"),
            ],
            "Bitte geben Sie die Einwohnerzahl als ganze Zahl ab 0 an",
        ),
        (
            &[("name", "Süd"), ("population", "1200")],
            "Bitte geben Sie den Stichtag der Einwohnerzahl an.",
        ),
        (
            &[("name", "Süd"), ("population_on", "2024-12-31")],
            "Bitte geben Sie zum Stichtag auch die Einwohnerzahl an.",
        ),
        (
            &[
                ("name", "Süd"),
                ("parent_id", "0190b3c4-0000-7000-8000-000000000000"),
            ],
            "Bitte wählen Sie einen Sozialraum dieser Kommune.",
        ),
    ];
    for (fields, message) in cases {
        let res = add_area(&app, place, fields).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(res.body.contains(message), "{fields:?}: {}", res.body);
        assert!(res.body.contains("error-summary"));
        for (name, value) in *fields {
            if !value.is_empty() && *name != "parent_id" {
                assert!(
                    res.body.contains(&format!("value=\"{value}\"")),
                    "{name} kept"
                );
            }
        }
    }
    // A parent below the area itself would make a cycle.
    let nord = area_id(&app, place, "Nord").await;
    add_area(&app, place, &[("name", "Nordhafen"), ("parent_id", &nord)]).await;
    let nordhafen = area_id(&app, place, "Nordhafen").await;
    let edit = format!("/manage/areas/{nord}");
    let res = app
        .submit(&edit, &edit, &[("name", "Nord"), ("parent_id", &nordhafen)])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Ein Sozialraum kann nicht in sich selbst")
    );
    Ok(())
}

#[tokio::test]
async fn areas_are_for_their_municipalitys_coordinators_only() -> TestResult {
    let mut app = spawn_app().await;
    let place = signed_in_coordinator(&app, "koordi@example.org", "astadt").await;
    add_area(&app, place, &[("name", "Nord")]).await;
    let nord = area_id(&app, place, "Nord").await;
    app.client = new_client();
    signed_in_coordinator(&app, "andere@example.org", "bstadt").await;
    for path in [
        format!("/manage/municipalities/{place}/areas"),
        format!("/manage/areas/{nord}"),
    ] {
        assert_eq!(app.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let res = app
        .submit("/manage", &format!("/manage/areas/{nord}/delete"), &[])
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    app.client = new_client();
    app.signed_in_resident("resi@example.org").await;
    assert_eq!(
        app.get(&format!("/manage/areas/{nord}")).await.status,
        StatusCode::FORBIDDEN
    );
    app.client = new_client();
    let res = app.get(&format!("/manage/areas/{nord}")).await;
    assert!(
        res.location
            .unwrap_or_default()
            .starts_with("/account/login")
    );
    Ok(())
}

/// The fields of a valid indicator form.
pub(crate) fn indicator_fields<'a>(name: &'a str, frequency: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        (
            "definition",
            "Anteil der Kinder unter 15 Jahren in Bedarfsgemeinschaften",
        ),
        ("unit", "percent"),
        ("good_direction", "down"),
        ("source", "Statistik der Bundesagentur für Arbeit"),
        ("frequency", frequency),
        ("is_rate", "on"),
    ]
}

/// The id of the indicator named `name` on a catalogue page (from its values or edit link).
pub(crate) async fn indicator_id(app: &TestApp, list: &str, name: &str) -> String {
    let page = app.get(list).await.body;
    let at = page
        .find(&format!("<td>{name}</td>"))
        .unwrap_or_else(|| panic!("{name} is not listed: {page}"));
    id_after(&page[at..], "/manage/indicators/")
}

#[tokio::test]
async fn admins_define_indicators_for_all_and_coordinators_their_own() -> TestResult {
    let mut app = spawn_app().await;
    let place = signed_in_coordinator(&app, "koordi@example.org", "astadt").await;
    let coordinator = app.client.clone();
    app.client = new_client();
    app.signed_in_admin("admin@example.org").await;
    let res = app
        .submit(
            "/manage/indicators",
            "/manage/indicators",
            &indicator_fields("Kinderarmut", "year"),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let admin_list = app.get("/manage/indicators").await.body;
    assert!(admin_list.contains("<td>Kinderarmut</td>") && admin_list.contains("Prozent (%)"));
    // Refused: every field comes back as typed.
    let bad = indicator_fields("", "decade");
    let res = app
        .submit("/manage/indicators", "/manage/indicators", &bad)
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Bitte geben Sie einen Namen an."));
    assert!(
        res.body
            .contains("Bitte wählen Sie einen Eintrag aus der Liste.")
    );
    assert!(
        res.body
            .contains("Anteil der Kinder unter 15 Jahren in Bedarfsgemeinschaften")
    );

    app.client = coordinator;
    let list = format!("/manage/municipalities/{place}/indicators");
    let res = app
        .submit(&list, &list, &indicator_fields("Wohnungslose", "half_year"))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = app.get(&list).await.body;
    assert!(page.contains("<td>Kinderarmut</td>") && page.contains("<td>Wohnungslose</td>"));
    assert!(page.contains("alle Kommunen") && page.contains("diese Kommune"));
    // The coordinator edits their own, not the instance's.
    let shared = indicator_id(&app, &list, "Kinderarmut").await;
    let own = indicator_id(&app, &list, "Wohnungslose").await;
    assert_eq!(
        app.get(&format!("/manage/indicators/{shared}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let edit = format!("/manage/indicators/{own}");
    let mut changed = indicator_fields("Wohnungslose Menschen", "year");
    changed.retain(|(k, _)| *k != "is_rate");
    let res = app.submit(&edit, &edit, &changed).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let form = app.get(&edit).await.body;
    assert!(form.contains("value=\"Wohnungslose Menschen\"") && !form.contains(" checked"));
    // Another municipality's coordinator sees neither the list nor the indicator.
    app.client = new_client();
    signed_in_coordinator(&app, "andere@example.org", "bstadt").await;
    assert_eq!(app.get(&list).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&edit).await.status, StatusCode::NOT_FOUND);
    let res = app.submit("/manage", &edit, &changed).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);

    let audit: Vec<String> = entity::audit_log::Entity::find()
        .all(&app.state.db)
        .await?
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        audit.iter().filter(|a| *a == "indicator.created").count(),
        2
    );
    assert!(audit.iter().any(|a| a == "indicator.updated"));
    app.client = new_client();
    app.signed_in_admin("admin2@example.org").await;
    let log = app.get("/manage/audit").await.body;
    assert!(log.contains("Kennzahl angelegt") && log.contains("Kennzahl geändert"));
    Ok(())
}

#[tokio::test]
async fn a_goal_adopts_an_indicator_with_baseline_and_target() -> TestResult {
    let mut app = spawn_app().await;
    let place = signed_in_coordinator(&app, "koordi@example.org", "astadt").await;
    let goal = seed_goals(&app, place, &["Weniger Kinderarmut"]).await[0];
    let list = format!("/manage/municipalities/{place}/indicators");
    app.submit(&list, &list, &indicator_fields("SGB-II-Quote", "year"))
        .await;
    let indicator = indicator_id(&app, &list, "SGB-II-Quote").await;
    let page = format!("/manage/goals/{goal}/indicators");
    assert!(
        app.get(&page)
            .await
            .body
            .contains("Diesem Ziel ist noch keine Kennzahl zugeordnet.")
    );

    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[
                ("indicator_id", ""),
                ("baseline_value", "14,2"),
                ("baseline_period", "2019"),
                ("target_value", "10"),
                ("target_period", "2027"),
            ],
            "Bitte wählen Sie eine Kennzahl dieser Kommune.",
        ),
        (
            &[
                ("indicator_id", &indicator),
                ("baseline_value", "viel"),
                ("baseline_period", "2019"),
                ("target_value", "10"),
                ("target_period", "2027"),
            ],
            "Bitte geben Sie eine Zahl an, zum Beispiel 11,8.",
        ),
        (
            &[
                ("indicator_id", &indicator),
                ("baseline_value", "14,2"),
                ("baseline_period", "2019-Q5"),
                ("target_value", "10"),
                ("target_period", "2027"),
            ],
            "Bitte geben Sie den Zeitraum als Jahr (2024)",
        ),
        (
            &[
                ("indicator_id", &indicator),
                ("baseline_value", "14,2"),
                ("baseline_period", "2019"),
                ("target_value", "10"),
                ("target_period", "2018"),
            ],
            "Der Zielzeitraum muss nach dem Zeitraum des Ausgangswerts liegen.",
        ),
        (
            &[
                ("indicator_id", &indicator),
                ("baseline_value", "14,2"),
                ("baseline_period", "2019"),
                ("target_value", ""),
                ("target_period", "2027"),
            ],
            "Bitte geben Sie einen Wert an.",
        ),
    ];
    for (fields, message) in cases {
        let res = app.submit(&page, &page, fields).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(res.body.contains(message), "{message}: {}", res.body);
        for (name, value) in *fields {
            if !value.is_empty() && *name != "indicator_id" {
                assert!(
                    res.body.contains(&format!("value=\"{value}\"")),
                    "{name} kept"
                );
            }
        }
    }
    let fields = [
        ("indicator_id", indicator.as_str()),
        ("baseline_value", "14,2"),
        ("baseline_period", "2019"),
        ("target_value", "10"),
        ("target_period", "2027"),
    ];
    let res = app.submit(&page, &page, &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let shown = app.get(&page).await.body;
    assert!(
        shown.contains("14,2 (2019)") && shown.contains("10 (2027)"),
        "{shown}"
    );
    // Adopting it again changes baseline and target.
    let fields = [
        ("indicator_id", indicator.as_str()),
        ("baseline_value", "13,9"),
        ("baseline_period", "2020"),
        ("target_value", "9,5"),
        ("target_period", "2028"),
    ];
    app.submit(&page, &page, &fields).await;
    let shown = app.get(&page).await.body;
    assert!(
        shown.contains("13,9 (2020)") && shown.contains("9,5 (2028)") && !shown.contains("14,2")
    );
    let res = app
        .submit(
            &page,
            &format!("{page}/remove"),
            &[("indicator_id", &indicator)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        app.get(&page)
            .await
            .body
            .contains("Diesem Ziel ist noch keine Kennzahl zugeordnet.")
    );

    let audit: Vec<String> = entity::audit_log::Entity::find()
        .all(&app.state.db)
        .await?
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in [
        "goal_indicator.adopted",
        "goal_indicator.changed",
        "goal_indicator.removed",
    ] {
        assert!(audit.iter().any(|a| a == action), "{action}");
    }

    // Another municipality's coordinator does not see the goal's indicators, and its own
    // indicator cannot be adopted for this goal.
    let first = app.client.clone();
    app.client = new_client();
    let other = signed_in_coordinator(&app, "andere@example.org", "bstadt").await;
    assert_eq!(app.get(&page).await.status, StatusCode::NOT_FOUND);
    let res = app
        .submit(
            "/manage",
            &format!("{page}/remove"),
            &[("indicator_id", &indicator)],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let other_list = format!("/manage/municipalities/{other}/indicators");
    app.submit(
        &other_list,
        &other_list,
        &indicator_fields("Fremde Kennzahl", "year"),
    )
    .await;
    let foreign = indicator_id(&app, &other_list, "Fremde Kennzahl").await;
    app.client = first;
    let fields = [
        ("indicator_id", foreign.as_str()),
        ("baseline_value", "1"),
        ("baseline_period", "2019"),
        ("target_value", "2"),
        ("target_period", "2027"),
    ];
    let res = app.submit(&page, &page, &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Bitte wählen Sie eine Kennzahl dieser Kommune.")
    );
    assert!(!res.body.contains("Fremde Kennzahl"));
    Ok(())
}

/// Enters a value on the values page `page`.
async fn enter(app: &TestApp, page: &str, fields: &[(&str, &str)]) -> crate::helpers::Page {
    app.submit(page, page, fields).await
}

#[tokio::test]
async fn coordinators_enter_and_correct_values_and_small_ones_are_marked() -> TestResult {
    let app = spawn_app().await;
    // Mid-June 2027 in Berlin: 2027 and 2027-06 have begun, 2027-07 and 2028 have not.
    app.state.clock.set("2027-06-15T10:00:00Z".parse()?);
    let place = signed_in_coordinator(&app, "koordi@example.org", "astadt").await;
    add_area(
        &app,
        place,
        &[
            ("name", "Nord"),
            ("population", "5000"),
            ("population_on", "2024-12-31"),
        ],
    )
    .await;
    add_area(
        &app,
        place,
        &[
            ("name", "Hafen"),
            ("population", "240"),
            ("population_on", "2024-12-31"),
        ],
    )
    .await;
    let (nord, hafen) = (
        area_id(&app, place, "Nord").await,
        area_id(&app, place, "Hafen").await,
    );
    let list = format!("/manage/municipalities/{place}/indicators");
    app.submit(&list, &list, &indicator_fields("SGB-II-Quote", "year"))
        .await;
    let indicator = indicator_id(&app, &list, "SGB-II-Quote").await;
    let page = format!("/manage/indicators/{indicator}/values?municipality={place}");
    assert!(app.get(&page).await.body.contains("noch keine Werte"));

    // The municipality as a whole (no area chosen), a district with few cases, a small district.
    let whole = [
        ("area_id", ""),
        ("period", "2024"),
        ("value", "11,8"),
        ("numerator", "1180"),
        ("denominator", "10000"),
        ("note", "BA, Stand 30.6."),
    ];
    assert_eq!(
        enter(&app, &page, &whole).await.status,
        StatusCode::SEE_OTHER
    );
    let few = [
        ("area_id", nord.as_str()),
        ("period", "2024"),
        ("value", "3"),
        ("numerator", "4"),
        ("denominator", "130"),
    ];
    assert_eq!(enter(&app, &page, &few).await.status, StatusCode::SEE_OTHER);
    let small = [
        ("area_id", hafen.as_str()),
        ("period", "2027"),
        ("value", "12"),
        ("numerator", "29"),
        ("denominator", "240"),
    ];
    assert_eq!(
        enter(&app, &page, &small).await.status,
        StatusCode::SEE_OTHER
    );
    let shown = app.get(&page).await.body;
    assert!(
        shown.contains("<td>astadt</td>")
            && shown.contains("11,8")
            && shown.contains("BA, Stand 30.6.")
    );
    assert_eq!(
        shown
            .matches("zu wenige Fälle — nicht öffentlich</strong>")
            .count(),
        1,
        "{shown}"
    );
    assert_eq!(
        shown
            .matches("zu wenige Einwohner — nicht öffentlich</strong>")
            .count(),
        1
    );
    // The whole municipality became an area of its own, once.
    let areas = app
        .get(&format!("/manage/municipalities/{place}/areas"))
        .await
        .body;
    assert_eq!(areas.matches("<td>astadt</td>").count(), 1);
    enter(
        &app,
        &page,
        &[("area_id", ""), ("period", "2023"), ("value", "12,1")],
    )
    .await;
    let areas = app
        .get(&format!("/manage/municipalities/{place}/areas"))
        .await
        .body;
    assert_eq!(areas.matches("<td>astadt</td>").count(), 1);
    // The area of the whole municipality lies in no other.
    let whole_area = format!("/manage/areas/{}", area_id(&app, place, "astadt").await);
    let res = app
        .submit(
            &whole_area,
            &whole_area,
            &[("name", "astadt"), ("parent_id", nord.as_str())],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body.contains("steht für die ganze Kommune"),
        "{}",
        res.body
    );

    // Correcting: the same area and period again replaces the value.
    let corrected = [
        ("area_id", nord.as_str()),
        ("period", "2024"),
        ("value", "3,5"),
        ("numerator", "45"),
        ("denominator", "1300"),
    ];
    assert_eq!(
        enter(&app, &page, &corrected).await.status,
        StatusCode::SEE_OTHER
    );
    let shown = app.get(&page).await.body;
    assert!(
        !shown.contains("zu wenige Fälle")
            && shown.contains("3,5")
            && shown.contains("<td>45</td>")
    );
    assert_eq!(shown.matches("<td>Nord</td>").count(), 1);

    let audit: Vec<String> = entity::audit_log::Entity::find()
        .all(&app.state.db)
        .await?
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        audit
            .iter()
            .filter(|a| *a == "indicator_value.entered")
            .count(),
        4
    );
    assert_eq!(
        audit
            .iter()
            .filter(|a| *a == "indicator_value.corrected")
            .count(),
        1
    );

    // An area with values is not deleted.
    let res = app
        .submit(
            &format!("/manage/areas/{nord}"),
            &format!("/manage/areas/{nord}/delete"),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Dieser Sozialraum hat Werte und kann deshalb nicht gelöscht werden.")
    );
    Ok(())
}

#[tokio::test]
async fn a_value_with_bad_input_is_refused_with_what_was_typed() -> TestResult {
    let mut app = spawn_app().await;
    app.state.clock.set("2027-06-15T10:00:00Z".parse()?);
    let other = signed_in_coordinator(&app, "andere@example.org", "bstadt").await;
    add_area(&app, other, &[("name", "Fremd")]).await;
    let foreign = area_id(&app, other, "Fremd").await;
    app.client = new_client();
    let place = signed_in_coordinator(&app, "koordi@example.org", "astadt").await;
    add_area(&app, place, &[("name", "Nord")]).await;
    let nord = area_id(&app, place, "Nord").await;
    let list = format!("/manage/municipalities/{place}/indicators");
    app.submit(&list, &list, &indicator_fields("Kinderarmut", "year"))
        .await;
    let indicator = indicator_id(&app, &list, "Kinderarmut").await;
    let page = format!("/manage/indicators/{indicator}/values?municipality={place}");
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[("area_id", &nord), ("period", "2028"), ("value", "3")],
            "Dieser Zeitraum liegt in der Zukunft",
        ),
        (
            &[("area_id", &nord), ("period", "2024-Q1"), ("value", "3")],
            "Diese Kennzahl hat Werte für andere Zeiträume",
        ),
        (
            &[("area_id", &nord), ("period", "2024-13"), ("value", "3")],
            "Bitte geben Sie den Zeitraum als Jahr (2024)",
        ),
        (
            &[("area_id", &nord), ("period", ""), ("value", "3")],
            "Bitte geben Sie einen Zeitraum an.",
        ),
        (
            &[("area_id", &nord), ("period", "2024"), ("value", "drei")],
            "Bitte geben Sie eine Zahl an, zum Beispiel 11,8.",
        ),
        (
            &[("area_id", &nord), ("period", "2024"), ("value", "")],
            "Bitte geben Sie einen Wert an.",
        ),
        (
            &[
                ("area_id", &nord),
                ("period", "2024"),
                ("value", "3"),
                ("numerator", "4"),
                ("denominator", "0"),
            ],
            "Der Nenner darf nicht 0 sein.",
        ),
        (
            &[
                ("area_id", &nord),
                ("period", "2024"),
                ("value", "3"),
                ("numerator", "-4"),
            ],
            "Bitte geben Sie eine Zahl ab 0 an",
        ),
        (
            &[
                ("area_id", &foreign),
                ("period", "2024"),
                ("value", "3"),
                ("note", "Quelle: Amt"),
            ],
            "Bitte wählen Sie einen Sozialraum dieser Kommune.",
        ),
    ];
    for (fields, message) in cases {
        let res = enter(&app, &page, fields).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(res.body.contains(message), "{message}: {}", res.body);
        assert!(res.body.contains("error-summary"));
        for (name, value) in *fields {
            if !value.is_empty() && *name != "area_id" {
                assert!(
                    res.body.contains(&format!("value=\"{value}\"")),
                    "{name} kept"
                );
            }
        }
    }
    assert!(app.get(&page).await.body.contains("noch keine Werte"));
    assert_eq!(
        entity::indicator_values::Entity::find()
            .all(&app.state.db)
            .await?
            .len(),
        0
    );
    Ok(())
}

#[tokio::test]
async fn values_are_for_the_municipalitys_coordinators_only() -> TestResult {
    let mut app = spawn_app().await;
    app.signed_in_admin("admin@example.org").await;
    app.submit(
        "/manage/indicators",
        "/manage/indicators",
        &indicator_fields("Kinderarmut", "year"),
    )
    .await;
    let admin_list = app.get("/manage/indicators").await.body;
    let shared = id_after(&admin_list, "/manage/indicators/");
    app.client = new_client();
    let place = signed_in_coordinator(&app, "koordi@example.org", "astadt").await;
    let list = format!("/manage/municipalities/{place}/indicators");
    app.submit(&list, &list, &indicator_fields("Eigenes", "year"))
        .await;
    let own = indicator_id(&app, &list, "Eigenes").await;
    // An instance-wide indicator's values are per municipality: it must be named.
    assert_eq!(
        app.get(&format!("/manage/indicators/{shared}/values"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!(
            "/manage/indicators/{shared}/values?municipality={place}"
        ))
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(&format!("/manage/indicators/{own}/values"))
            .await
            .status,
        StatusCode::OK
    );

    app.client = new_client();
    let other = signed_in_coordinator(&app, "andere@example.org", "bstadt").await;
    for path in [
        format!("/manage/indicators/{shared}/values?municipality={place}"),
        format!("/manage/indicators/{own}/values"),
        // Its own municipality does not make another's indicator usable.
        format!("/manage/indicators/{own}/values?municipality={other}"),
    ] {
        assert_eq!(app.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let res = app
        .submit(
            "/manage",
            &format!("/manage/indicators/{own}/values"),
            &[("period", "2024"), ("value", "3")],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    app.client = new_client();
    app.signed_in_resident("resi@example.org").await;
    assert_eq!(
        app.get(&format!("/manage/indicators/{own}/values"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    Ok(())
}

/// Monitoring's staff pages with something on each (an area below the minimum population, an
/// indicator with a value of few cases, the goal's indicators), seeded through the forms by the
/// signed-in client, which must coordinate `place`; each with its template.
pub async fn monitoring_pages(
    app: &TestApp,
    place: Uuid,
    goal: Uuid,
) -> Vec<(&'static str, String)> {
    add_area(
        app,
        place,
        &[
            ("name", "Nordstadt"),
            ("population", "250"),
            ("population_on", "2024-12-31"),
        ],
    )
    .await;
    let area = area_id(app, place, "Nordstadt").await;
    let list = format!("/manage/municipalities/{place}/indicators");
    app.submit(
        &list,
        &list,
        &indicator_fields("Kinderarmut (Seite)", "year"),
    )
    .await;
    let indicator = indicator_id(app, &list, "Kinderarmut (Seite)").await;
    let values = format!("/manage/indicators/{indicator}/values?municipality={place}");
    enter(
        app,
        &values,
        &[
            ("area_id", &area),
            ("period", "2020"),
            ("value", "12,5"),
            ("numerator", "2"),
            ("denominator", "16"),
        ],
    )
    .await;
    let adopt = format!("/manage/goals/{goal}/indicators");
    app.submit(
        &adopt,
        &adopt,
        &[
            ("indicator_id", &indicator),
            ("baseline_value", "14"),
            ("baseline_period", "2019"),
            ("target_value", "10"),
            ("target_period", "2030"),
        ],
    )
    .await;
    vec![
        ("monitoring/overview", "/manage/monitoring".to_string()),
        (
            "monitoring/areas",
            format!("/manage/municipalities/{place}/areas"),
        ),
        ("monitoring/area", format!("/manage/areas/{area}")),
        ("monitoring/indicators", list),
        (
            "monitoring/indicator",
            format!("/manage/indicators/{indicator}"),
        ),
        ("monitoring/goal_indicators", adopt),
        ("monitoring/values", values),
    ]
}

#[tokio::test]
async fn monitoring_starts_from_the_staff_start_page() -> TestResult {
    let mut app = spawn_app().await;
    signed_in_coordinator(&app, "andere@example.org", "bstadt").await;
    app.client = new_client();
    let place = signed_in_coordinator(&app, "koordi@example.org", "astadt").await;
    assert!(
        app.get("/manage")
            .await
            .body
            .contains("href=\"/manage/monitoring\"")
    );
    let page = app.get("/manage/monitoring").await.body;
    assert!(page.contains(&format!("/manage/municipalities/{place}/areas")));
    assert!(page.contains("astadt") && !page.contains("bstadt"));
    assert!(!page.contains("href=\"/manage/indicators\""));
    let goal = seed_goals(&app, place, &["Ziel"]).await[0];
    let goal_page = app.get(&format!("/manage/goals/{goal}")).await.body;
    assert!(goal_page.contains(&format!("/manage/goals/{goal}/indicators")));
    app.client = new_client();
    app.signed_in_admin("admin@example.org").await;
    let page = app.get("/manage/monitoring").await.body;
    assert!(page.contains("href=\"/manage/indicators\"") && page.contains("bstadt"));
    Ok(())
}

/// A coordinator's start page lists the indicators their goals adopted that have no value for
/// the last period that has ended, until one is entered.
#[tokio::test]
async fn the_start_page_lists_indicators_whose_data_is_overdue() -> TestResult {
    use teilhabe::monitoring::model::{Frequency, Period};
    let app = spawn_app().await;
    let place = signed_in_coordinator(&app, "koordi@example.org", "astadt").await;
    let goal = seed_goals(&app, place, &["Weniger Kinderarmut"]).await[0];
    let list = format!("/manage/municipalities/{place}/indicators");
    for (name, frequency) in [("SGB-II-Quote", "year"), ("Kinderarmut", "quarter")] {
        app.submit(&list, &list, &indicator_fields(name, frequency))
            .await;
    }
    // Only adopted indicators are watched: "Kinderarmut" is defined but serves no goal.
    let indicator = indicator_id(&app, &list, "SGB-II-Quote").await;
    let adopt = format!("/manage/goals/{goal}/indicators");
    let res = app
        .submit(
            &adopt,
            &adopt,
            &[
                ("indicator_id", &indicator),
                ("baseline_value", "14,2"),
                ("baseline_period", "2019"),
                ("target_value", "10"),
                ("target_period", "2030"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let today = app
        .state
        .clock
        .now()
        .with_timezone(&app.state.settings.time_zone)
        .date_naive();
    let expected = Period::last_completed(Frequency::Year, today).to_string();
    let earlier = Period::last_completed(Frequency::Year, today - chrono::Duration::days(366));

    let start = app.get("/manage").await.body;
    assert!(start.contains("Kennzahlen ohne aktuelle Werte"), "{start}");
    assert!(start.contains(&format!("Erwartet: {expected} · noch kein Wert")));
    assert!(start.contains(&format!("/manage/indicators/{indicator}/values")));
    assert!(!start.contains("Kinderarmut</a>"));

    let values = format!("/manage/indicators/{indicator}/values?municipality={place}");
    let enter = |period: String| {
        let values = values.clone();
        let app = &app;
        async move {
            let res = app
                .submit(
                    &values,
                    &values,
                    &[("area_id", ""), ("period", &period), ("value", "12,1")],
                )
                .await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        }
    };
    enter(earlier.to_string()).await;
    let start = app.get("/manage").await.body;
    assert!(start.contains(&format!("Erwartet: {expected} · zuletzt: {earlier}")));

    enter(expected.clone()).await;
    let start = app.get("/manage").await.body;
    assert!(!start.contains("Kennzahlen ohne aktuelle Werte"), "{start}");
    Ok(())
}

/// A value entered by mistake is deleted from the list, audit-logged; after that its area can be
/// deleted too. Another municipality's coordinator cannot delete it.
#[tokio::test]
async fn a_value_is_deleted_by_its_municipalitys_coordinators_only() -> TestResult {
    let mut app = spawn_app().await;
    let place = signed_in_coordinator(&app, "koordi@example.org", "astadt").await;
    let coordinator = app.client.clone();
    add_area(&app, place, &[("name", "Nord")]).await;
    let nord = area_id(&app, place, "Nord").await;
    let list = format!("/manage/municipalities/{place}/indicators");
    app.submit(&list, &list, &indicator_fields("SGB-II-Quote", "year"))
        .await;
    let indicator = indicator_id(&app, &list, "SGB-II-Quote").await;
    let page = format!("/manage/indicators/{indicator}/values?municipality={place}");
    let res = enter(
        &app,
        &page,
        &[("area_id", &nord), ("period", "2021"), ("value", "47,5")],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let shown = app.get(&page).await.body;
    assert!(shown.contains("47,5"));
    let delete = format!(
        "/manage/indicator-values/{}/delete",
        id_after(&shown, "/manage/indicator-values/")
    );

    app.client = new_client();
    signed_in_coordinator(&app, "andere@example.org", "bstadt").await;
    let res = app.submit("/manage", &delete, &[]).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);

    app.client = coordinator;
    let res = app.submit(&page, &delete, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let shown = app.get(&page).await.body;
    assert!(shown.contains("Der Wert ist gelöscht."), "{shown}");
    assert!(!shown.contains("47,5"));
    let audit: Vec<String> = entity::audit_log::Entity::find()
        .all(&app.state.db)
        .await?
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(audit.iter().any(|a| a == "indicator_value.deleted"));
    // Nothing refers to the area any more: it can go.
    let edit = format!("/manage/areas/{nord}");
    let res = app.submit(&edit, &format!("{edit}/delete"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    Ok(())
}

/// An indicator defined by mistake can be deleted by whoever owns it, but not while it has
/// values: those go first, one by one.
#[tokio::test]
async fn an_unused_indicator_is_deleted_and_one_with_values_is_kept() -> TestResult {
    let mut app = spawn_app().await;
    let place = signed_in_coordinator(&app, "koordi@example.org", "astadt").await;
    let coordinator = app.client.clone();
    let list = format!("/manage/municipalities/{place}/indicators");
    for name in ["Kinderarmut", "Tippfehlerquote"] {
        app.submit(&list, &list, &indicator_fields(name, "year"))
            .await;
    }
    let used = indicator_id(&app, &list, "Kinderarmut").await;
    let mistake = indicator_id(&app, &list, "Tippfehlerquote").await;
    let values = format!("/manage/indicators/{used}/values?municipality={place}");
    let res = enter(
        &app,
        &values,
        &[("area_id", ""), ("period", "2022"), ("value", "18,3")],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    let edit = format!("/manage/indicators/{used}");
    let res = app.submit(&edit, &format!("{edit}/delete"), &[]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Diese Kennzahl hat Werte oder ist einem Ziel zugeordnet"),
        "{}",
        res.body
    );
    assert!(app.get(&list).await.body.contains("Kinderarmut"));

    app.client = new_client();
    signed_in_coordinator(&app, "andere@example.org", "bstadt").await;
    let gone = format!("/manage/indicators/{mistake}/delete");
    assert_eq!(
        app.submit("/manage", &gone, &[]).await.status,
        StatusCode::NOT_FOUND
    );

    app.client = coordinator;
    let edit = format!("/manage/indicators/{mistake}");
    let res = app.submit(&edit, &gone, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let shown = app.get(&list).await.body;
    assert!(shown.contains("Die Kennzahl ist gelöscht."));
    assert!(!shown.contains("Tippfehlerquote"));
    let audit: Vec<String> = entity::audit_log::Entity::find()
        .all(&app.state.db)
        .await?
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(audit.iter().any(|a| a == "indicator.deleted"));
    Ok(())
}
