//! Monitoring on the public pages, read as a resident reads them: the goal page's indicators
//! with their trend sentence, the strategy's overview of each indicator's course, the indicator
//! page and its CSV download; small values never published on any of them; unpublished
//! indicators answer 404; and a goal page with 10 indicators × 20 districts × 11 years stays
//! within 30 KB. The data is inserted directly: the staff forms are tested in `monitoring.rs`.

use chrono::Utc;
use entity::{areas, goal_indicators, indicator_values, indicators};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Set};
use uuid::Uuid;

use crate::fixtures::{seed_goals, signed_in_coordinator};
use crate::helpers::{TestApp, TestResult, new_client, spawn_app};

const NBSP: &str = "\u{a0}";

async fn area(db: &DatabaseConnection, place: Uuid, name: &str, population: Option<i64>) -> Uuid {
    let now = Utc::now();
    areas::ActiveModel {
        id: Set(Uuid::now_v7()),
        municipality_id: Set(place),
        parent_id: Set(None),
        whole_municipality: Set(population.is_none()),
        name: Set(name.into()),
        population: Set(population),
        population_on: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .id
}

async fn indicator(db: &DatabaseConnection, name: &str, unit: &str, good: &str) -> Uuid {
    let now = Utc::now();
    indicators::ActiveModel {
        id: Set(Uuid::now_v7()),
        municipality_id: Set(None),
        name: Set(name.into()),
        definition: Set(format!("Was {name} misst.")),
        unit: Set(unit.into()),
        good_direction: Set(good.into()),
        source: Set("Statistik der Bundesagentur für Arbeit".into()),
        frequency: Set("year".into()),
        is_rate: Set(unit == "percent"),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .id
}

async fn adopt(db: &DatabaseConnection, goal: Uuid, indicator: Uuid, base: f64, target: f64) {
    goal_indicators::ActiveModel {
        goal_id: Set(goal),
        indicator_id: Set(indicator),
        baseline_value: Set(base),
        baseline_period: Set("2019".into()),
        target_value: Set(target),
        target_period: Set("2027".into()),
    }
    .insert(db)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
}

fn value_row(
    indicator: Uuid,
    area: Uuid,
    year: i32,
    value: f64,
    numerator: Option<f64>,
) -> indicator_values::ActiveModel {
    let now = Utc::now();
    indicator_values::ActiveModel {
        id: Set(Uuid::now_v7()),
        indicator_id: Set(indicator),
        area_id: Set(area),
        period: Set(year.to_string()),
        value: Set(value),
        numerator: Set(numerator),
        denominator: Set(numerator.map(|n| n * 8.0)),
        note: Set(String::new()),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

async fn values(db: &DatabaseConnection, rows: Vec<indicator_values::ActiveModel>) {
    for chunk in rows.chunks(200) {
        indicator_values::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

/// A municipality `slug` (its coordinator signed in) with one goal; the place and goal.
async fn place_with_goal(app: &TestApp, slug: &str) -> (Uuid, Uuid) {
    let place = signed_in_coordinator(app, &format!("k@{slug}.example"), slug).await;
    let goals = seed_goals(app, place, &["Weniger Armut"]).await;
    (place, goals[0])
}

/// Reads a public page as a visitor without an account.
async fn public(app: &mut TestApp, path: &str) -> crate::helpers::Page {
    app.client = new_client();
    app.get(path).await
}

#[tokio::test]
async fn the_goal_page_says_in_words_how_each_indicator_moved_and_whether_that_is_good()
-> TestResult {
    let mut app = spawn_app().await;
    let (place, goal) = place_with_goal(&app, "astadt").await;
    let db = &app.state.db;
    let whole = area(db, place, "astadt", None).await;
    // (name, unit, good direction, baseline 2019, latest 2025, target 2027)
    let cases = [
        ("SGB-II-Quote", "percent", "down", 14.2, 10.9, 10.0),
        ("Plätze in Kitas", "count", "up", 500.0, 480.0, 600.0),
        ("Abiturquote", "percent", "up", 40.0, 41.0, 60.0),
        ("Räumungsklagen", "per_thousand", "down", 20.0, 25.0, 15.0),
    ];
    let mut rows = Vec::new();
    for (name, unit, good, base, latest, target) in cases {
        let id = indicator(db, name, unit, good).await;
        adopt(db, goal, id, base, target).await;
        rows.push(value_row(id, whole, 2019, base, None));
        rows.push(value_row(id, whole, 2025, latest, None));
    }
    values(db, rows).await;

    let page = public(&mut app, &format!("/goals/{goal}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = page.body;
    for sentence in [
        format!(
            "Die Quote ist seit 2019 von 14,2{NBSP}% auf 10,9{NBSP}% gesunken (eine Verbesserung); Ziel 2027: 10{NBSP}%."
        ),
        "Der Wert ist seit 2019 von 500 auf 480 gesunken (eine Verschlechterung); Ziel 2027: 600."
            .into(),
        format!(
            "Die Quote ist seit 2019 von 40{NBSP}% auf 41{NBSP}% gestiegen (eine Verbesserung); Ziel 2027: 60{NBSP}%."
        ),
        format!(
            "Der Wert ist seit 2019 von 20{NBSP}je 1.000 auf 25{NBSP}je 1.000 gestiegen (eine Verschlechterung)"
        ),
    ] {
        assert!(body.contains(&sentence), "{sentence:?} in {body}");
    }
    assert!(body.contains("arrow--better\" aria-hidden=\"true\">↓"));
    assert!(body.contains("arrow--worse\" aria-hidden=\"true\">↑"));
    // The chart is an image with a name and a description, its table beside it.
    assert!(
        body.contains("role=\"img\"><title>SGB-II-Quote in astadt im Zeitverlauf</title><desc>")
    );
    assert!(body.contains("<caption>Werte für astadt</caption>"));
    assert!(!body.contains("style="), "no inline style (CSP)");
    // Its classes come with the page: the stylesheet only pages with monitoring load.
    assert!(body.contains("href=\"/static/monitoring."));
    assert!(!app.get("/").await.body.contains("/static/monitoring."));

    let en = app.get(&format!("/goals/{goal}?lang=en")).await.body;
    assert!(
        en.contains(
            "The rate has fallen from 14.2% to 10.9% since 2019 (an improvement); Target 2027: 10%."
        ),
        "{en}"
    );
    assert!(en.contains("The value has risen from 20\u{a0}per 1,000 to 25\u{a0}per 1,000"));
    Ok(())
}

#[tokio::test]
async fn the_strategy_overview_says_whether_each_indicator_is_on_course_in_words_and_colour()
-> TestResult {
    let mut app = spawn_app().await;
    let (place, goal) = place_with_goal(&app, "bstadt").await;
    let db = &app.state.db;
    let whole = area(db, place, "bstadt", None).await;
    // 2019 → 2027; by 2025 three quarters of the time have passed.
    let cases = [
        (
            "Auf Kurs",
            "down",
            14.0,
            10.9,
            10.0,
            "on_course",
            "auf Kurs",
        ),
        (
            "Zu langsam",
            "down",
            14.0,
            13.5,
            10.0,
            "stagnating",
            "stagniert",
        ),
        (
            "Schlechter",
            "up",
            50.0,
            45.0,
            70.0,
            "moving_away",
            "entfernt sich vom Ziel",
        ),
    ];
    let mut rows = Vec::new();
    for (name, good, base, latest, target, _, _) in cases {
        let id = indicator(db, name, "percent", good).await;
        adopt(db, goal, id, base, target).await;
        rows.push(value_row(id, whole, 2025, latest, None));
    }
    let waiting = indicator(db, "Ohne Werte", "count", "down").await;
    adopt(db, goal, waiting, 1.0, 0.0).await;
    values(db, rows).await;

    let body = public(&mut app, "/strategies/bstadt").await.body;
    assert!(body.contains("Kennzahlen im Überblick"), "{body}");
    assert!(body.contains("href=\"/static/monitoring."));
    for (name, _, _, _, _, key, label) in cases {
        let at = body
            .find(&format!(">{name}</a>"))
            .unwrap_or_else(|| panic!("{name} listed"));
        let line: String = body[at..].chars().take(200).collect();
        assert!(
            line.contains(&format!("course course--{key}\">{label}</span>")),
            "{name}: {line}"
        );
    }
    assert!(body.contains("course--no_data\">noch keine Werte</span>"));
    assert!(body.contains(&format!(
        "zuletzt 10,9{NBSP}% (2025), Ziel 10{NBSP}% (2027)"
    )));
    let en = app.get("/strategies/bstadt?lang=en").await.body;
    assert!(en.contains("course--moving_away\">moving away from the target</span>"));
    Ok(())
}

/// Numbers that must never appear: withheld values, in every way they could be written.
const SECRET: [&str; 6] = ["91,37", "91.37", "91,4", "83,29", "83.29", "83,3"];

/// A published indicator whose whole-town series has one value over too few cases (91.37 in
/// 2021) and whose district "Hafen" has too few inhabitants (83.29 every year); "Nord" has all
/// its values published. Returns the indicator.
async fn indicator_with_small_values(app: &TestApp, place: Uuid, goal: Uuid) -> Uuid {
    let db = &app.state.db;
    let whole = area(db, place, "cstadt", None).await;
    let nord = area(db, place, "Nord", Some(8000)).await;
    let hafen = area(db, place, "Hafen", Some(250)).await;
    let id = indicator(db, "Kinderarmut", "percent", "down").await;
    adopt(db, goal, id, 20.5, 15.0).await;
    let mut rows = Vec::new();
    for (i, year) in (2019..=2024).enumerate() {
        let v = 20.5 - i as f64 * 0.5;
        let whole_value = if year == 2021 { 91.37 } else { v };
        let cases = if year == 2021 { 2.0 } else { 400.0 };
        rows.push(value_row(id, whole, year, whole_value, Some(cases)));
        rows.push(value_row(id, nord, year, v + 3.0, Some(100.0)));
        rows.push(value_row(id, hafen, year, 83.29, Some(40.0)));
    }
    values(db, rows).await;
    id
}

fn assert_no_secret(what: &str, body: &str) {
    for secret in SECRET {
        assert!(!body.contains(secret), "{what} publishes {secret}: {body}");
    }
}

#[tokio::test]
async fn small_values_are_never_published_on_any_public_surface() -> TestResult {
    let mut app = spawn_app().await;
    let (place, goal) = place_with_goal(&app, "cstadt").await;
    let id = indicator_with_small_values(&app, place, goal).await;

    // Staff see them, marked.
    let staff = app
        .get(&format!(
            "/manage/indicators/{id}/values?municipality={place}"
        ))
        .await
        .body;
    assert!(staff.contains("91,37") && staff.contains("83,29"));

    let goal_page = public(&mut app, &format!("/goals/{goal}")).await.body;
    assert_no_secret("the goal page", &goal_page);
    assert!(goal_page.contains("<tr><th>2021</th><td>zu wenige Fälle</td></tr>"));
    assert!(goal_page.contains("Hafen: zu wenige Fälle"));
    assert!(goal_page.contains(&format!("Nord: 21{NBSP}% (2024)")));
    assert!(goal_page.contains("1 Wert wird") || goal_page.contains("Ein Wert wird"));

    let strategy = app.get("/strategies/cstadt").await.body;
    assert_no_secret("the strategy page", &strategy);
    assert!(strategy.contains("Kinderarmut"));

    let path = format!("/indicators/{id}?municipality=cstadt");
    let page = app.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_no_secret("the indicator page", &page.body);
    assert!(page.body.contains("Statistik der Bundesagentur für Arbeit"));
    assert!(
        page.body
            .contains("<th scope=\"row\">Hafen</th><td><span class=\"withheld\">zu wenige Fälle")
    );
    assert!(page.body.contains("weniger als 5 Fällen"));
    let en = app.get(&format!("{path}&lang=en")).await.body;
    assert_no_secret("the English indicator page", &en);
    assert!(en.contains("too few cases"));

    let csv = public(
        &mut app,
        &format!("/indicators/{id}.csv?municipality=cstadt"),
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_no_secret("the CSV", &csv.body);
    assert!(
        csv.body.contains("Hafen;2021;;zu wenige Fälle\r\n"),
        "{}",
        csv.body
    );
    assert!(csv.body.contains("cstadt;2021;;zu wenige Fälle\r\n"));
    // There is no JSON API for strategies or indicators yet: nothing there to publish them.
    assert_eq!(
        app.get(&format!("/api/v1/indicators/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    Ok(())
}

#[tokio::test]
async fn the_csv_download_holds_every_published_value_as_spreadsheets_read_it() -> TestResult {
    let mut app = spawn_app().await;
    let (place, goal) = place_with_goal(&app, "cstadt").await;
    let id = indicator_with_small_values(&app, place, goal).await;
    let page = public(&mut app, &format!("/indicators/{id}?municipality=cstadt")).await;
    let link = format!("/indicators/{id}.csv?municipality&#x3D;cstadt");
    assert!(page.body.contains(&link), "{}", page.body);

    let csv = app
        .get(&format!("/indicators/{id}.csv?municipality=cstadt"))
        .await;
    assert!(
        csv.headers["content-type"]
            .to_str()?
            .starts_with("text/csv")
    );
    let disposition = csv.headers["content-disposition"].to_str()?;
    assert!(
        disposition.contains("filename=\"kinderarmut-cstadt-2027-03-2"),
        "{disposition}"
    );
    let lines: Vec<&str> = csv.body.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "Gebiet;Zeitraum;Wert;Hinweis");
    assert_eq!(lines[1], "cstadt;2019;20,5;");
    assert!(lines.contains(&"Nord;2024;21,0;"), "{lines:?}");
    // 3 areas × 6 years and the header.
    assert_eq!(lines.len(), 19);
    Ok(())
}

#[tokio::test]
async fn an_indicator_no_goal_of_the_municipality_adopted_is_not_public() -> TestResult {
    let mut app = spawn_app().await;
    let (place, goal) = place_with_goal(&app, "cstadt").await;
    let adopted = indicator_with_small_values(&app, place, goal).await;
    app.client = new_client();
    signed_in_coordinator(&app, "k@dstadt.example", "dstadt").await;
    let db = &app.state.db;
    let lonely = indicator(db, "Nicht übernommen", "count", "down").await;
    let whole = area(db, place, "Ganz", None).await;
    values(db, vec![value_row(lonely, whole, 2020, 5.0, None)]).await;
    app.client = new_client();
    for path in [
        format!("/indicators/{lonely}?municipality=cstadt"),
        format!("/indicators/{lonely}.csv?municipality=cstadt"),
        // Adopted in cstadt, not in dstadt.
        format!("/indicators/{adopted}?municipality=dstadt"),
        format!("/indicators/{adopted}.csv?municipality=dstadt"),
        // An instance-wide indicator needs its municipality.
        format!("/indicators/{adopted}"),
        format!("/indicators/{adopted}?municipality=nirgendwo"),
        "/indicators/not-an-id".into(),
        format!("/indicators/{}", Uuid::now_v7()),
    ] {
        assert_eq!(app.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    Ok(())
}

/// A goal with `indicators` indicators over `districts` districts and 2015–2025, inserted
/// directly: the size the goal page and the overview are designed for.
pub async fn large_goal(
    app: &TestApp,
    place: Uuid,
    goal: Uuid,
    indicators: usize,
    districts: usize,
) {
    let db = &app.state.db;
    let whole = area(db, place, "Ganze Stadt", None).await;
    let mut areas = Vec::new();
    for d in 0..districts {
        let population = if d % 7 == 3 {
            200
        } else {
            4000 + d as i64 * 100
        };
        areas.push(
            area(
                db,
                place,
                &format!("Sozialraum {:02}", d + 1),
                Some(population),
            )
            .await,
        );
    }
    let mut rows = Vec::new();
    for i in 0..indicators {
        let id = indicator(
            db,
            &format!("Kennzahl Nummer {:02}", i + 1),
            "percent",
            "down",
        )
        .await;
        adopt(db, goal, id, 14.2 + i as f64, 10.0).await;
        for year in 2015..=2025 {
            let t = f64::from(year - 2015);
            rows.push(value_row(
                id,
                whole,
                year,
                15.0 + i as f64 - t * 0.37,
                Some(900.0),
            ));
            for (d, a) in areas.iter().enumerate() {
                let cases = if (year + d as i32) % 9 == 0 {
                    3.0
                } else {
                    60.0
                };
                let v = 8.0 + d as f64 * 0.83 + i as f64 - t * 0.21;
                rows.push(value_row(
                    id,
                    *a,
                    year,
                    (v * 100.0).round() / 100.0,
                    Some(cases),
                ));
            }
        }
    }
    values(db, rows).await;
}

#[tokio::test]
async fn a_goal_with_ten_indicators_over_twenty_districts_and_eleven_years_stays_within_30_kb()
-> TestResult {
    let mut app = spawn_app().await;
    let (place, goal) = place_with_goal(&app, "grossstadt").await;
    large_goal(&app, place, goal, 10, 20).await;
    let goal_page = public(&mut app, &format!("/goals/{goal}")).await;
    assert_eq!(goal_page.status, StatusCode::OK);
    assert_eq!(goal_page.body.matches("class=\"kpi\"").count(), 10);
    assert!(
        goal_page.body.len() <= 30 * 1024,
        "the goal page has {} bytes",
        goal_page.body.len()
    );
    // Each indicator links to all its districts.
    assert!(goal_page.body.contains("von 20."));
    let strategy = app.get("/strategies/grossstadt").await.body;
    assert!(
        strategy.len() <= 30 * 1024,
        "the strategy page has {} bytes",
        strategy.len()
    );
    let first = indicators::Entity::find()
        .one(&app.state.db)
        .await?
        .ok_or("no indicator")?;
    let page = app
        .get(&format!("/indicators/{}?municipality=grossstadt", first.id))
        .await
        .body;
    assert_eq!(page.matches("<th scope=\"row\">Sozialraum").count(), 20);
    assert!(
        page.len() <= 30 * 1024,
        "the indicator page has {} bytes",
        page.len()
    );
    Ok(())
}

/// The public monitoring pages of the demo's goal for the accessibility check: the goal and
/// strategy pages show its indicators; this adds an indicator with districts and returns the
/// indicator page's paths.
pub async fn public_monitoring_pages(app: &TestApp, place: Uuid, goal: Uuid) -> Vec<String> {
    let db = &app.state.db;
    let whole = area(db, place, "Musterstadt", None).await;
    let mut areas = Vec::new();
    for (name, population) in [
        ("Altstadt", 5200),
        ("Hafenquartier", 240),
        ("Nordviertel", 8100),
    ] {
        areas.push(area(db, place, name, Some(population)).await);
    }
    let id = indicator(db, "SGB-II-Quote", "percent", "down").await;
    adopt(db, goal, id, 14.2, 10.0).await;
    let mut rows = Vec::new();
    for year in 2015..=2025 {
        let t = f64::from(year - 2015);
        rows.push(value_row(id, whole, year, 15.1 - t * 0.33, Some(2100.0)));
        for (d, a) in areas.iter().enumerate() {
            let cases = if year == 2018 && d == 0 { 4.0 } else { 300.0 };
            rows.push(value_row(
                id,
                *a,
                year,
                9.0 + d as f64 * 4.0 - t * 0.2,
                Some(cases),
            ));
        }
    }
    values(db, rows).await;
    vec![
        format!("/indicators/{id}?municipality=musterstadt"),
        format!("/indicators/{id}?municipality=musterstadt&lang=en"),
    ]
}
