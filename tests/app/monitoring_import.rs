//! Importing indicator values from spreadsheets through HTTP, as a coordinator's browser does:
//! the upload (multipart, with its CSRF token), the preview line by line, the confirmation in one
//! transaction, and every kind of bad input.

use reqwest::StatusCode;
use sea_orm::{ColumnTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use crate::fixtures::signed_in_coordinator;
use crate::helpers::{
    Page, TestApp, TestResult, csrf_token, multipart, new_client, page, spawn_app,
};
use crate::monitoring::{add_area, indicator_fields, indicator_id};

const AREAS: [&str; 6] = [
    "Innenstadt",
    "Nordstadt",
    "Südstadt",
    "Weststadt",
    "Am Hafen",
    "Lindenhof",
];

/// A coordinator of `astadt` with its six areas and a yearly indicator "SGB-II-Quote".
struct Setup {
    app: TestApp,
    place: Uuid,
    indicator: String,
}

async fn setup() -> Setup {
    let app = spawn_app().await;
    let place = signed_in_coordinator(&app, "koordi@example.org", "astadt").await;
    for name in AREAS {
        let res = add_area(&app, place, &[("name", name)]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
    let list = format!("/manage/municipalities/{place}/indicators");
    let res = app
        .submit(&list, &list, &indicator_fields("SGB-II-Quote", "year"))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let indicator = indicator_id(&app, &list, "SGB-II-Quote").await;
    Setup {
        app,
        place,
        indicator,
    }
}

async fn post_multipart(app: &TestApp, action: &str, content_type: String, body: Vec<u8>) -> Page {
    let res = app
        .client
        .post(app.url(action))
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST {action}: {e}"));
    page(res).await
}

/// Uploads `content` as `file_name` (with the indicator chosen, or none) from the upload page.
async fn upload(s: &Setup, file_name: &str, content: &[u8], indicator: &str) -> Page {
    let path = format!("/manage/municipalities/{}/import", s.place);
    let form = s.app.get(&path).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let token = csrf_token(&form.body).unwrap_or_else(|| panic!("no token on {path}"));
    let (content_type, body) = multipart(&token, indicator, file_name, content);
    post_multipart(&s.app, &path, content_type, body).await
}

/// Uploads and follows to the preview.
async fn preview(s: &Setup, file_name: &str, content: &[u8], indicator: &str) -> (String, Page) {
    let res = upload(s, file_name, content, indicator).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let location = res.location.unwrap_or_default();
    assert!(location.starts_with("/manage/imports/"), "{location}");
    let page = s.app.get(&location).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    (location, page)
}

fn digest(body: &str) -> String {
    let at = body
        .find("name=\"digest\" value=\"")
        .unwrap_or_else(|| panic!("no confirm form: {body}"))
        + "name=\"digest\" value=\"".len();
    body[at..at + 64].to_string()
}

async fn confirm(s: &Setup, preview_path: &str, preview: &Page) -> Page {
    s.app
        .submit(
            preview_path,
            preview_path,
            &[("digest", &digest(&preview.body))],
        )
        .await
}

/// The stored values of the indicator as (area name, period, value, numerator, denominator).
async fn stored(s: &Setup) -> Vec<(String, String, f64, Option<f64>, Option<f64>)> {
    let db = &s.app.state.db;
    let areas = entity::areas::Entity::find()
        .all(db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let id = Uuid::parse_str(&s.indicator).unwrap_or_else(|e| panic!("{e}"));
    let mut values: Vec<_> = entity::indicator_values::Entity::find()
        .filter(entity::indicator_values::Column::IndicatorId.eq(id))
        .all(db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|v| {
            let area = areas
                .iter()
                .find(|a| a.id == v.area_id)
                .map(|a| a.name.clone());
            (
                area.unwrap_or_default(),
                v.period,
                v.value,
                v.numerator,
                v.denominator,
            )
        })
        .collect();
    values.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    values
}

async fn import_audits(s: &Setup) -> Vec<serde_json::Value> {
    entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Action.eq("indicator_import.applied"))
        .all(&s.app.state.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|e| serde_json::from_str(&e.summary).unwrap_or_else(|err| panic!("{err}")))
        .collect()
}

fn counts(body: &str) -> [String; 4] {
    let at = body
        .find("class=\"import-counts\"")
        .unwrap_or_else(|| panic!("{body}"));
    let list = &body[at..];
    let mut out: Vec<String> = Vec::new();
    let mut rest = list;
    for _ in 0..4 {
        let start = rest.find("<strong>").unwrap_or(0) + "<strong>".len();
        let end = rest[start..].find("</strong>").unwrap_or(0) + start;
        out.push(rest[start..end].to_string());
        rest = &rest[end..];
    }
    [
        out[0].clone(),
        out[1].clone(),
        out[2].clone(),
        out[3].clone(),
    ]
}

#[tokio::test]
async fn a_long_utf8_sheet_with_semicolons_is_previewed_applied_once_and_then_changes_nothing()
-> TestResult {
    let s = setup().await;
    let csv = "\u{feff}Kennzahl;Gebiet;Jahr;Wert;Zähler;Nenner\n\
               SGB-II-Quote;Innenstadt;2019;14,2;142;1.000\n\
               SGB-II-Quote;Südstadt;2020;1.234,5;;\n\
               sgb-ii-quote;  nordstadt ;2021;9.5;;\n";
    let (path, first) = preview(&s, "werte.csv", csv.as_bytes(), "").await;
    assert_eq!(counts(&first.body), ["3", "0", "0", "0"], "{}", first.body);
    assert!(first.body.contains("14,2 (142 / 1.000)"), "{}", first.body);
    assert!(first.body.contains("Zeile 2"));
    // Nothing is stored before the confirmation.
    assert!(stored(&s).await.is_empty());
    let done = confirm(&s, &path, &first).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let after = stored(&s).await;
    assert_eq!(
        after,
        vec![
            (
                "Innenstadt".into(),
                "2019".into(),
                14.2,
                Some(142.0),
                Some(1000.0)
            ),
            ("Nordstadt".into(), "2021".into(), 9.5, None, None),
            ("Südstadt".into(), "2020".into(), 1234.5, None, None),
        ]
    );
    let audits = import_audits(&s).await;
    assert_eq!(audits.len(), 1);
    assert_eq!(audits[0]["added"], 3);
    assert_eq!(audits[0]["file"], "werte.csv");
    // The draft is gone: confirming twice is not possible.
    assert_eq!(s.app.get(&path).await.status, StatusCode::NOT_FOUND);

    let (again_path, again) = preview(&s, "werte.csv", csv.as_bytes(), "").await;
    assert_eq!(counts(&again.body), ["0", "0", "3", "0"]);
    assert!(again.body.contains("Nichts zu ändern"), "{}", again.body);
    assert!(!again.body.contains("name=\"digest\""));
    let token = csrf_token(&again.body).ok_or("no token")?;
    let nothing = s
        .app
        .post_raw(&again_path, &[("csrf_token", &token), ("digest", "")])
        .await;
    assert_eq!(nothing.status, StatusCode::SEE_OTHER);
    assert_eq!(stored(&s).await, after);
    assert_eq!(
        import_audits(&s).await.len(),
        1,
        "nothing applied, nothing logged"
    );
    Ok(())
}

#[tokio::test]
async fn a_wide_windows_1252_sheet_with_commas_changes_old_values_to_new() -> TestResult {
    let s = setup().await;
    let values = format!(
        "/manage/indicators/{}/values?municipality={}",
        s.indicator, s.place
    );
    let page = s.app.get(&values).await.body;
    assert!(
        page.contains(&format!("/import?indicator&#x3D;{}", s.indicator)),
        "{page}"
    );
    let area = crate::monitoring::area_id(&s.app, s.place, "Südstadt").await;
    let res = s
        .app
        .submit(
            &values,
            &values,
            &[("area_id", &area), ("period", "2020"), ("value", "10")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // "Südstadt" in Windows-1252, as Excel saves CSV in Germany; the sheet says nothing of the
    // indicator, which is chosen on the form.
    let mut csv = b"Sozialraum,2019,2020\r\nInnenstadt,\"14,2\",\"13,9\"\r\nS".to_vec();
    csv.extend_from_slice(b"\xFCdstadt,12.5,11.75\r\n");
    let res = upload(&s, "breit.csv", &csv, "").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body.contains("Die Tabelle nennt keine Kennzahl"),
        "{}",
        res.body
    );

    let (path, preview) = preview(&s, "breit.csv", &csv, &s.indicator).await;
    assert_eq!(
        counts(&preview.body),
        ["3", "1", "0", "0"],
        "{}",
        preview.body
    );
    assert!(
        preview.body.contains("Zeile 3, Spalte C (2020)"),
        "{}",
        preview.body
    );
    assert!(
        preview.body.contains("<td>10</td><td>11,75</td>"),
        "{}",
        preview.body
    );
    let done = confirm(&s, &path, &preview).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let after = stored(&s).await;
    assert!(after.contains(&("Südstadt".into(), "2020".into(), 11.75, None, None)));
    assert!(after.contains(&("Innenstadt".into(), "2020".into(), 13.9, None, None)));
    assert_eq!(after.len(), 4);
    Ok(())
}

fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            let written = match cell.parse::<f64>() {
                Ok(n) => sheet.write_number(r, c, n).map(|_| ()),
                Err(_) => sheet.write_string(r, c, *cell).map(|_| ()),
            };
            written.unwrap_or_else(|e| panic!("{e}"));
        }
    }
    book.save_to_buffer().unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn xlsx_and_ods_workbooks_are_read_in_either_form() -> TestResult {
    let s = setup().await;
    let long = xlsx(&[
        &[
            "Indicator",
            "District",
            "Year",
            "Value",
            "Numerator",
            "Denominator",
        ],
        &["SGB-II-Quote", "Weststadt", "2022", "7.25", "29", "400"],
    ]);
    let (path, page) = preview(&s, "long.xlsx", &long, "").await;
    assert_eq!(counts(&page.body), ["1", "0", "0", "0"], "{}", page.body);
    assert_eq!(
        confirm(&s, &path, &page).await.status,
        StatusCode::SEE_OTHER
    );
    let wide = xlsx(&[&["Gebiet", "2021", "2022"], &["Am Hafen", "3.5", "4"]]);
    let (path, page) = preview(&s, "wide.xlsx", &wide, &s.indicator).await;
    assert_eq!(counts(&page.body), ["2", "0", "0", "0"], "{}", page.body);
    assert_eq!(
        confirm(&s, &path, &page).await.status,
        StatusCode::SEE_OTHER
    );
    let ods = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/wide-form.ods"
    ))?;
    let (path, page) = preview(&s, "wide.ods", &ods, &s.indicator).await;
    assert_eq!(counts(&page.body), ["4", "0", "0", "0"], "{}", page.body);
    assert_eq!(
        confirm(&s, &path, &page).await.status,
        StatusCode::SEE_OTHER
    );
    let after = stored(&s).await;
    assert!(after.contains(&(
        "Weststadt".into(),
        "2022".into(),
        7.25,
        Some(29.0),
        Some(400.0)
    )));
    assert!(after.contains(&("Am Hafen".into(), "2022".into(), 4.0, None, None)));
    assert!(after.contains(&("Nordstadt".into(), "2020".into(), 9.5, None, None)));
    assert!(after.contains(&("Innenstadt".into(), "2021".into(), 13.9, None, None)));
    Ok(())
}

#[tokio::test]
async fn bad_lines_are_refused_each_with_its_line_and_reason() -> TestResult {
    let s = setup().await;
    // The test clock stands in March 2027: 2028 has not begun.
    let csv = "indicator,area,period,value,numerator,denominator\n\
               SGB-II-Quote,Innenstadt,2019,\"14,2\",,\n\
               SGB-II-Quote,Nirgendwo,2019,1,,\n\
               Glücksquote,Innenstadt,2019,1,,\n\
               SGB-II-Quote,Nordstadt,2019,viel,,\n\
               SGB-II-Quote,Südstadt,2019,1,,\n\
               SGB-II-Quote,Südstadt,2019,2,,\n\
               SGB-II-Quote,Weststadt,2028,1,,\n\
               SGB-II-Quote,Weststadt,2020,1,1,0\n\
               SGB-II-Quote,Am Hafen,2020,,,\n\
               SGB-II-Quote,Am Hafen,2021-Q1,3,,\n\
               SGB-II-Quote,Lindenhof,zwanzig,3,,\n\
               SGB-II-Quote,Lindenhof,2020,3,-1,5\n\
               SGB-II-Quote,,2020,3,,\n";
    let (path, page) = preview(&s, "fehler.csv", csv.as_bytes(), "").await;
    assert_eq!(counts(&page.body), ["1", "0", "0", "12"], "{}", page.body);
    for (line, reason) in [
        (3, "Unbekanntes Gebiet „Nirgendwo“"),
        (4, "Unbekannte Kennzahl „Glücksquote“"),
        (5, "„viel“ ist keine Zahl"),
        (6, "Doppelt: Zeile 7"),
        (7, "Doppelt: Zeile 6"),
        (8, "Der Zeitraum 2028 hat noch nicht begonnen"),
        (9, "Der Nenner ist 0"),
        (10, "Kein Wert angegeben"),
        (11, "Der Zeitraum passt nicht zur Kennzahl"),
        (12, "„zwanzig“ ist kein Zeitraum"),
        (13, "Zähler und Nenner müssen Zahlen ab 0 sein"),
        (14, "Kein Gebiet angegeben"),
    ] {
        let at = page
            .body
            .find(&format!("<strong>Zeile {line}</strong>"))
            .unwrap_or_else(|| panic!("line {line} not listed: {}", page.body));
        let row_end = page.body[at..].find("</li>").unwrap_or(0) + at;
        assert!(
            page.body[at..row_end].contains(reason),
            "line {line}: {}",
            &page.body[at..row_end]
        );
    }
    assert_eq!(
        confirm(&s, &path, &page).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        stored(&s).await,
        vec![("Innenstadt".into(), "2019".into(), 14.2, None, None)]
    );
    assert_eq!(import_audits(&s).await[0]["refused"], 12);
    // In English too.
    let en = s.app.get(&format!("{path}?lang=en")).await;
    assert_eq!(
        en.status,
        StatusCode::NOT_FOUND,
        "confirmed drafts are gone"
    );
    let (en_path, _) = preview(&s, "fehler.csv", csv.as_bytes(), "").await;
    let en = s.app.get(&format!("{en_path}?lang=en")).await.body;
    assert!(en.contains("Unknown area &quot;Nirgendwo&quot;"), "{en}");
    Ok(())
}

#[tokio::test]
async fn broken_files_are_refused_with_a_clear_message_and_never_a_500() -> TestResult {
    let s = setup().await;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "bild.png",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0".to_vec(),
            "lässt sich nicht als Tabelle lesen",
        ),
        (
            "kaputt.xlsx",
            b"PK\x03\x04 nothing of a workbook".to_vec(),
            "lässt sich nicht als Tabelle lesen",
        ),
        ("leer.csv", Vec::new(), "Bitte wählen Sie eine Datei aus"),
        ("leer2.csv", b"\n;;\n".to_vec(), "Die Tabelle ist leer"),
        (
            "kopf.csv",
            b"Name;Farbe\nA;rot\n".to_vec(),
            "Bitte prüfen Sie die Kopfzeile",
        ),
        ("zitat.csv", b"Gebiet;2020\n\"Innenstadt;1\n".to_vec(), ""),
    ];
    for (name, content, message) in cases {
        let res = upload(&s, name, &content, &s.indicator).await;
        if message.is_empty() {
            assert_ne!(res.status, StatusCode::INTERNAL_SERVER_ERROR, "{name}");
            continue;
        }
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}: {}",
            res.body
        );
        assert!(res.body.contains(message), "{name}: {}", res.body);
        assert!(res.body.contains("error-summary"), "{name}");
        // The indicator chosen stays chosen.
        assert!(
            res.body
                .contains(&format!("value=\"{}\" selected", s.indicator)),
            "{name}"
        );
    }
    let mut long = String::from("Gebiet;2020\n");
    long.push_str(&"Innenstadt;1\n".repeat(100_001));
    let res = upload(&s, "lang.csv", long.as_bytes(), &s.indicator).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("mehr als 100.000 Zeilen"), "{}", res.body);
    let big = vec![b'1'; 10 * 1024 * 1024 + 1];
    let res = upload(&s, "gross.csv", &big, "").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("größer als 10 MB"), "{}", res.body);
    let huge = vec![b'1'; 11 * 1024 * 1024];
    let res = upload(&s, "riesig.csv", &huge, "").await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    let res = upload(&s, "x.csv", b"Gebiet;2020\nInnenstadt;1\n", "not-an-id").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Bitte wählen Sie eine Kennzahl aus der Liste")
    );
    assert!(stored(&s).await.is_empty());
    Ok(())
}

#[tokio::test]
async fn a_line_named_like_the_municipality_is_for_the_municipality_as_a_whole() -> TestResult {
    let s = setup().await;
    let csv = "Gebiet;2024\nAstadt;12,5\nInnenstadt;14\n";
    let (path, page) = preview(&s, "stadt.csv", csv.as_bytes(), &s.indicator).await;
    assert_eq!(counts(&page.body), ["2", "0", "0", "0"], "{}", page.body);
    assert_eq!(
        confirm(&s, &path, &page).await.status,
        StatusCode::SEE_OTHER
    );
    let whole = entity::areas::Entity::find()
        .filter(entity::areas::Column::WholeMunicipality.eq(true))
        .all(&s.app.state.db)
        .await?;
    assert_eq!(whole.len(), 1);
    assert!(
        stored(&s)
            .await
            .contains(&(whole[0].name.clone(), "2024".into(), 12.5, None, None))
    );
    // The second time the same line names the area now stored: nothing changes.
    let (_, again) = preview(&s, "stadt.csv", csv.as_bytes(), &s.indicator).await;
    assert_eq!(counts(&again.body), ["0", "0", "2", "0"], "{}", again.body);
    Ok(())
}

#[tokio::test]
async fn an_upload_without_its_csrf_token_is_refused() -> TestResult {
    let s = setup().await;
    let path = format!("/manage/municipalities/{}/import", s.place);
    let (content_type, body) = multipart("wrong", "", "a.csv", b"Gebiet;2020\nInnenstadt;1\n");
    let res = post_multipart(&s.app, &path, content_type, body).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let count = entity::import_drafts::Entity::find()
        .all(&s.app.state.db)
        .await?
        .len();
    assert_eq!(count, 0);
    Ok(())
}

fn is_postgres(app: &TestApp) -> bool {
    sea_orm::ConnectionTrait::get_database_backend(&app.state.db) == DbBackend::Postgres
}

#[tokio::test]
async fn a_failed_confirmation_imports_nothing_and_a_stale_preview_is_shown_again() -> TestResult {
    let s = setup().await;
    let csv = "Gebiet;2019;2020;2021\nInnenstadt;1;2;3\nNordstadt;4;5;6\n";
    let (path, page) = preview(&s, "a.csv", csv.as_bytes(), &s.indicator).await;
    let faults = s.app.state.storage.faults.clone();
    let postgres = is_postgres(&s.app);
    let fail = |on: bool| {
        if postgres {
            faults.set_full(on)
        } else {
            faults.set_refuse_commits(on)
        }
    };
    fail(true);
    let res = confirm(&s, &path, &page).await;
    fail(false);
    assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE, "{}", res.body);
    assert!(stored(&s).await.is_empty(), "nothing half-imported");
    assert!(import_audits(&s).await.is_empty());

    // A value entered after the preview: the confirmation shows the new preview instead.
    let values = format!(
        "/manage/indicators/{}/values?municipality={}",
        s.indicator, s.place
    );
    let area = crate::monitoring::area_id(&s.app, s.place, "Nordstadt").await;
    s.app
        .submit(
            &values,
            &values,
            &[("area_id", &area), ("period", "2021"), ("value", "9")],
        )
        .await;
    let res = confirm(&s, &path, &page).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("Seit der Vorschau"), "{}", res.body);
    assert_eq!(stored(&s).await.len(), 1);
    assert_eq!(counts(&res.body), ["5", "1", "0", "0"]);
    let done = confirm(&s, &path, &res).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(stored(&s).await.len(), 6);
    Ok(())
}

#[tokio::test]
async fn a_draft_is_only_for_its_uploader_and_expires() -> TestResult {
    let mut s = setup().await;
    let csv = "Gebiet;2019\nInnenstadt;1\n";
    let (path, page) = preview(&s, "a.csv", csv.as_bytes(), &s.indicator).await;
    let own = s.app.client.clone();
    s.app.client = new_client();
    signed_in_coordinator(&s.app, "andere@example.org", "bstadt").await;
    assert_eq!(s.app.get(&path).await.status, StatusCode::NOT_FOUND);
    let other = s
        .app
        .get(&format!("/manage/municipalities/{}/import", s.place))
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let token = csrf_token(&s.app.get("/manage/monitoring").await.body).ok_or("no token")?;
    let res = s
        .app
        .post_raw(
            &path,
            &[("csrf_token", &token), ("digest", &digest(&page.body))],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    s.app.client = own;
    s.app
        .advance_clock_to(s.app.state.clock.now() + chrono::Duration::hours(3));
    assert_eq!(s.app.get(&path).await.status, StatusCode::NOT_FOUND);
    assert!(stored(&s).await.is_empty());
    // The uploaded sheet does not stay in the database once expired, even if no one uploads again.
    let drafts = || entity::import_drafts::Entity::find().count(&s.app.state.db);
    assert_eq!(drafts().await?, 1);
    teilhabe::jobs::housekeeping(&s.app.state).await?;
    assert_eq!(drafts().await?, 0);
    Ok(())
}

#[tokio::test]
async fn fifty_thousand_lines_preview_in_a_small_page_and_apply() -> TestResult {
    let s = setup().await;
    // Monthly values: 5 areas × 1,200 months (1927–2026) valid, and lines for an unknown area.
    let list = format!("/manage/municipalities/{}/indicators", s.place);
    s.app
        .submit(&list, &list, &indicator_fields("Arbeitslose", "month"))
        .await;
    let mut csv = String::from("Kennzahl;Gebiet;Zeitraum;Wert\n");
    let mut lines = 0;
    for area in &AREAS[..5] {
        for year in 1927..2027 {
            for month in 1..=12 {
                csv.push_str(&format!("Arbeitslose;{area};{year}-{month:02};{lines},5\n"));
                lines += 1;
            }
        }
    }
    while lines < 50_000 {
        csv.push_str(&format!("Arbeitslose;Nirgendwo {lines};2020-01;1\n"));
        lines += 1;
    }
    let started = std::time::Instant::now();
    let (path, page) = preview(&s, "gross.csv", csv.as_bytes(), "").await;
    let previewed = started.elapsed();
    assert_eq!(counts(&page.body), ["6.000", "0", "0", "44.000"]);
    assert!(page.body.len() < 30 * 1024, "{} bytes", page.body.len());
    assert!(
        page.body.contains("Die ersten 30 von 44.000 Zeilen"),
        "{}",
        page.body
    );
    let started = std::time::Instant::now();
    let done = confirm(&s, &path, &page).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    eprintln!(
        "50,000 lines: upload and preview {previewed:?}, confirm {:?}, preview page {} bytes",
        started.elapsed(),
        page.body.len()
    );
    let count = entity::indicator_values::Entity::find()
        .all(&s.app.state.db)
        .await?
        .len();
    assert_eq!(count, 6_000);
    Ok(())
}

#[tokio::test]
async fn the_example_spreadsheets_import_cleanly() -> TestResult {
    let s = setup().await;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/examples/");
    for file in ["sgb2-quote-musterstadt.csv", "sgb2-quote-musterstadt.xlsx"] {
        let content = std::fs::read(format!("{dir}{file}"))?;
        let (_, page) = preview(&s, file, &content, &s.indicator).await;
        let [added, _, _, refused] = counts(&page.body);
        assert_eq!(
            (added.as_str(), refused.as_str()),
            ("42", "0"),
            "{file}: {}",
            page.body
        );
    }
    Ok(())
}

/// The import pages for the accessibility check: the upload page and a preview with refused
/// lines.
pub async fn import_pages(app: &TestApp, place: Uuid) -> Vec<(&'static str, String)> {
    let path = format!("/manage/municipalities/{place}/import");
    let form = app.get(&path).await;
    let token = csrf_token(&form.body).unwrap_or_default();
    let csv = "Kennzahl;Gebiet;Jahr;Wert\nKinderarmut (Seite);Nordstadt;2021;12,5\n\
               Kinderarmut (Seite);Nirgendwo;2021;3\nKinderarmut (Seite);Nordstadt;2020;viel\n";
    let (content_type, body) = multipart(&token, "", "a11y.csv", csv.as_bytes());
    let res = post_multipart(app, &path, content_type, body).await;
    let preview = res
        .location
        .unwrap_or_else(|| panic!("no preview: {}", res.body));
    vec![
        ("monitoring/import", path),
        ("monitoring/import_preview", preview),
    ]
}
