//! Accessibility through a real browser, on the resident and staff pages in headless Chromium:
//! axe-core checks WCAG 2.1 A/AA rules and best practices at 360 px, and beyond what axe sees:
//! no page scrolls sideways at 360 or 320 px, every page's title names its object, a refused
//! form's error summary is focused, in view and named in the title, the focus ring keeps 3:1
//! contrast in the header and in the content, and German content on English pages says so.
//!
//! Needs Node.js, Chromium and the npm packages of `tests/a11y`. The test installs the packages
//! itself when npm is there (`npm ci`, offline first). When something is still missing it fails
//! under `CI=true`; elsewhere it reports the skip on the terminal, visible without `--nocapture`.

use std::{collections::HashMap, path::Path, process::Command};

use entity::{fields_of_action, goals, measures, rounds, strategies};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;

use crate::{
    fixtures::{DEMO_COORDINATOR_EMAIL, DemoCoordinator, demo_coordinator},
    helpers::{TestResult, peer_missing, spawn_app},
};

const CHECK: &str = "a11y::resident_and_staff_pages_pass_axe_and_the_checks_beyond_it";

fn chromium() -> Option<String> {
    let path = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    Path::new(&path).exists().then_some(path)
}

fn tools_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/a11y")
}

fn packages_installed() -> bool {
    let modules = tools_dir().join("node_modules");
    modules.join("axe-core").exists() && modules.join("playwright-core").exists()
}

/// `npm ci` in tests/a11y, from npm's cache first, then from the registry.
fn install_packages() -> bool {
    let prefix = tools_dir();
    [&["--offline"][..], &[][..]].iter().any(|extra| {
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--silent", "--prefix"])
            .arg(&prefix)
            .args(*extra)
            .output()
            .is_ok_and(|out| out.status.success())
            && packages_installed()
    })
}

/// Makes the browser check ready where it can; the reason when it cannot run.
fn prepare_tools() -> Option<String> {
    if Command::new("node").arg("--version").output().is_err() {
        return Some("Node.js is not installed (Debian: apt-get install nodejs npm)".into());
    }
    if chromium().is_none() {
        return Some("Chromium is not installed (Debian: apt-get install chromium)".into());
    }
    if !packages_installed() {
        if Command::new("npm").arg("--version").output().is_err() {
            return Some("npm is not installed, so `npm ci --prefix tests/a11y` cannot run".into());
        }
        if !install_packages() {
            return Some("`npm ci --prefix tests/a11y` failed (offline and online)".into());
        }
    }
    None
}

#[tokio::test]
async fn resident_and_staff_pages_pass_axe_and_the_checks_beyond_it() -> TestResult {
    if let Some(reason) = prepare_tools() {
        peer_missing(CHECK, &reason);
        return Ok(());
    }
    let app = spawn_app().await;
    let DemoCoordinator {
        place,
        user,
        coordinator,
    } = demo_coordinator(&app).await?;
    let db = &app.state.db;
    let now = app.state.clock.now();
    teilhabe::rounds::demo::seed(db, &app.state, &coordinator, place, now)
        .await
        .map_err(|e| e.to_string())?;
    teilhabe::workshops::demo::seed(db, &app.state, &coordinator, place, now)
        .await
        .map_err(|e| e.to_string())?;
    let workshops = entity::workshops::Entity::find()
        .order_by_asc(entity::workshops::Column::StartsAt)
        .all(db)
        .await?;
    let workshop = |status: &str| {
        workshops
            .iter()
            .find(|w| w.status == status)
            .map(|w| w.id)
            .unwrap_or_default()
    };
    teilhabe::surveys::demo::seed(db, &coordinator, place, now)
        .await
        .map_err(|e| e.to_string())?;
    let survey = entity::surveys::Entity::find()
        .one(db)
        .await?
        .ok_or("no survey")?;
    let survey_questions = teilhabe::surveys::queries::questions(db, survey.id).await?;
    let demographic = survey_questions
        .iter()
        .find(|q| q.model.demographic)
        .ok_or("no demographic question")?
        .model
        .id;

    // The coordinator moderates too, to reach the moderation pages.
    teilhabe::accounts::model::grant_role(
        db,
        user.id,
        teilhabe::identity::Role::Moderator,
        Some(place),
        None,
        now,
    )
    .await?;
    // And administers, to reach the outbox, the audit log and the municipalities.
    teilhabe::accounts::model::grant_role(
        db,
        user.id,
        teilhabe::identity::Role::Admin,
        None,
        None,
        now,
    )
    .await?;
    teilhabe::ideas::demo::seed(db, &coordinator, place, now)
        .await
        .map_err(|e| e.to_string())?;
    let board = entity::idea_boards::Entity::find()
        .one(db)
        .await?
        .ok_or("no demo board")?;
    let idea = entity::ideas::Entity::find()
        .filter(entity::ideas::Column::CommentCount.gt(1))
        .one(db)
        .await?
        .ok_or("no demo idea")?;
    let all_rounds = rounds::Entity::find()
        .order_by_asc(rounds::Column::Title)
        .all(db)
        .await?;
    let public = |status: &str| {
        all_rounds
            .iter()
            .find(|r| r.status == status)
            .map(|r| r.slug.clone())
            .unwrap_or_default()
    };
    let draft = all_rounds
        .iter()
        .find(|r| r.status == "draft")
        .map(|r| r.id)
        .ok_or("no draft")?;
    let strategy = strategies::Entity::find()
        .one(db)
        .await?
        .ok_or("no strategy")?
        .id;
    let field = fields_of_action::Entity::find()
        .one(db)
        .await?
        .ok_or("no field")?
        .id;
    let measure = measures::Entity::find()
        .one(db)
        .await?
        .ok_or("no measure")?;
    let goal = goals::Entity::find_by_id(measure.goal_id)
        .one(db)
        .await?
        .ok_or("no goal")?
        .id;

    let mut monitoring = crate::monitoring::monitoring_pages(&app, place, goal).await;
    monitoring.extend(crate::monitoring_import::import_pages(&app, place).await);
    let public_monitoring =
        crate::monitoring_public::public_monitoring_pages(&app, place, goal).await;
    let mut paths = vec![
        "/".to_string(),
        "/?group=Alleinerziehende".into(),
        format!("/rounds/{}", public("open")),
        format!("/rounds/{}", public("evaluated")),
        "/strategies/musterstadt".into(),
        format!("/goals/{goal}"),
        public_monitoring[0].clone(),
        "/subscribe".into(),
        "/manage".into(),
        "/manage/rounds".into(),
        "/manage/rounds/new".into(),
        format!("/manage/rounds/{draft}"),
        format!("/manage/rounds/{draft}/preview"),
        "/manage/strategies".into(),
        format!("/ideas/{}", board.id),
        format!("/ideas/{}/new", board.id),
        format!("/ideas/{}/{}", board.id, idea.id),
        format!("/ideas/{}/{}/flag?target={}", board.id, idea.id, idea.id),
        format!("/receipt?code={}", idea.receipt_code),
        "/manage/boards".into(),
        format!("/manage/boards/{}", board.id),
        format!("/manage/ideas/{}/answer", idea.id),
        "/manage/moderation?section=flagged".into(),
        format!("/manage/moderation/{}", idea.id),
        format!("/manage/strategies/{strategy}"),
        format!("/manage/fields/{field}"),
        format!("/manage/goals/{goal}"),
        format!("/manage/measures/{}", measure.id),
        format!("/workshops/{}", workshop("published")),
        format!("/workshops/{}", workshop("held")),
        format!("/manage/workshops/{}", workshop("published")),
        format!("/manage/workshops/{}/signups", workshop("published")),
        format!("/manage/workshops/{}/attendance", workshop("held")),
        format!("/surveys/{}", survey.id),
        format!("/surveys/{}/results", survey.id),
        format!("/surveys/{}/results?by={demographic}", survey.id),
        "/manage/surveys".into(),
        format!("/manage/surveys/{}", survey.id),
        format!("/manage/questions/{}", survey_questions[1].model.id),
        format!("/manage/surveys/{}/paper", survey.id),
        format!("/manage/surveys/{}/print", survey.id),
        "/manage/free-text".into(),
        "/manage/outbox".into(),
        "/manage/audit".into(),
        "/manage/municipalities".into(),
        // Refused forms: the error summary must be focused, in view and in the title.
        format!("fail /workshops/{}", workshop("published")),
        format!("fail /surveys/{}", survey.id),
        format!("fail /ideas/{}/new", board.id),
        // A sign-up's own page.
        format!("signup /workshops/{}", workshop("published")),
        // Last, as they switch the account to English: German content must be marked so.
        format!("/ideas/{}/{}?lang=en", board.id, idea.id),
        format!("/goals/{goal}?lang=en"),
        public_monitoring[1].clone(),
        "/strategies/musterstadt?lang=en".into(),
        format!("/workshops/{}?lang=en", workshop("published")),
        format!("/surveys/{}?lang=en", survey.id),
    ];
    // Monitoring's staff pages go with the other staff pages, before the refused forms.
    let at = paths
        .iter()
        .position(|p| p.starts_with("fail "))
        .unwrap_or(paths.len());
    paths.splice(at..at, monitoring.into_iter().map(|(_, path)| path));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/a11y/axe.js");
    let output = tokio::process::Command::new("node")
        .arg(script)
        .arg(format!(
            "http://{}",
            app.address.trim_start_matches("http://")
        ))
        .args(&paths)
        .env("CHROMIUM", chromium().unwrap_or_default())
        .env("TEILHABE_A11Y_EMAIL", DEMO_COORDINATOR_EMAIL)
        .env("TEILHABE_A11Y_PASSWORD", "Koordination 2026!")
        .output()
        .await?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the browser check failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Vec<Value> = stdout
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    assert_eq!(results.len(), paths.len(), "every page was checked");
    let mut failures = Vec::new();
    let mut titles: HashMap<String, String> = HashMap::new();
    for result in &results {
        let step = result["step"].as_str().unwrap_or_default();
        let path = result["path"].as_str().unwrap_or_default();
        let kind = result["kind"].as_str().unwrap_or_default();
        let title = result["title"].as_str().unwrap_or_default();
        let mut fail = |what: String| failures.push(format!("{step}: {what}"));
        let expected = if kind == "fail" { 422 } else { 200 };
        if result["status"] != expected {
            fail(format!("status {} instead of {expected}", result["status"]));
        }
        for (key, limit) in [("width", 360), ("width320", 320)] {
            if result[key].as_u64().unwrap_or(u64::MAX) > limit {
                fail(format!(
                    "scrolls sideways at {limit} px ({} px wide)",
                    result[key]
                ));
            }
        }
        if result["cutCaptions"] != serde_json::json!([]) {
            fail(format!(
                "table captions cut off at 320 px: {}",
                result["cutCaptions"]
            ));
        }
        if result["violations"] != serde_json::json!([]) {
            fail(format!("axe: {}", result["violations"]));
        }
        for ring in ["headerRing", "contentRing"] {
            let r = &result[ring];
            if r.is_null() {
                continue;
            }
            if r["contrast"].as_f64().unwrap_or_default() < 3.0 || r["focusVisible"] != true {
                fail(format!("focus ring below 3:1 or not shown: {r}"));
            }
        }
        if kind == "fail" {
            let prefix = if result["lang"] == "en" {
                "Error: "
            } else {
                "Fehler: "
            };
            if !title.starts_with(prefix) {
                fail(format!(
                    "the title {title:?} does not start with {prefix:?}"
                ));
            }
            if result["focus"] != serde_json::json!({ "errorSummary": true, "inView": true }) {
                fail(format!(
                    "the error summary is not focused and in view: {}",
                    result["focus"]
                ));
            }
            if result["errorSummaryFirst"] != true {
                fail("the error summary is not the first thing in main".into());
            }
        }
        if result["lang"] == "en" && result["h1Lang"] != "de" {
            fail(format!(
                "German heading on an English page is not marked lang=\"de\" ({})",
                result["h1Lang"]
            ));
        }
        // Pages of different objects have different titles; the same page with other query
        // parameters (a filter, a language) may share one.
        let object = path.split('?').next().unwrap_or_default().to_string();
        if let Some(other) = titles.get(title)
            && *other != object
            && kind != "fail"
        {
            fail(format!("has the same title {title:?} as {other}"));
        }
        titles.entry(title.to_string()).or_insert(object);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    Ok(())
}
