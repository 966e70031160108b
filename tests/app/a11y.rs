//! Accessibility through a real browser: axe-core checks WCAG 2.1 A/AA rules and best practices
//! on the resident and staff pages, in headless Chromium at 360 px wide, and no page may scroll
//! sideways. Needs Node.js, Chromium and `npm ci --prefix tests/a11y` (`.ci/run` sets them up);
//! without them the test says plainly that it was skipped.

use std::path::Path;

use entity::{fields_of_action, goals, measures, rounds, strategies};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;

use crate::{
    access::signed_in_coordinator,
    helpers::{TestResult, spawn_app},
};

fn chromium() -> Option<String> {
    let path = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    Path::new(&path).exists().then_some(path)
}

fn tools_missing() -> Option<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/a11y");
    if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_err()
    {
        return Some("Node.js is not installed".into());
    }
    if chromium().is_none() {
        return Some("Chromium is not installed (Debian: apt-get install chromium)".into());
    }
    if !dir.join("node_modules/axe-core").exists()
        || !dir.join("node_modules/playwright-core").exists()
    {
        return Some("run `npm ci --prefix tests/a11y` first".into());
    }
    None
}

#[tokio::test]
async fn resident_and_staff_pages_pass_axe_and_fit_a_360_px_screen() -> TestResult {
    if let Some(reason) = tools_missing() {
        eprintln!("SKIPPED resident_and_staff_pages_pass_axe_and_fit_a_360_px_screen: {reason}");
        return Ok(());
    }
    let app = spawn_app().await;
    let email = "koordination@musterstadt.example";
    let place = signed_in_coordinator(&app, email, "musterstadt").await;
    let db = &app.state.db;
    let now = app.state.clock.now();
    teilhabe::strategy::demo::seed(db, place, now).await?;
    let user = teilhabe::accounts::service::find_by_email(db, email)
        .await?
        .ok_or("coordinator missing")?;
    let coordinator = teilhabe::accounts::service::session_user(db, user.id, user.session_version)
        .await?
        .ok_or("coordinator missing")?;
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
    let survey_questions = teilhabe::surveys::service::questions(db, survey.id).await?;
    let demographic = survey_questions
        .iter()
        .find(|q| q.model.demographic)
        .ok_or("no demographic question")?
        .model
        .id;

    // The coordinator moderates too, to reach the moderation pages.
    teilhabe::accounts::service::grant_role(
        db,
        user.id,
        teilhabe::accounts::service::Role::Moderator,
        Some(place),
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

    let paths = vec![
        "/".to_string(),
        "/?group=Alleinerziehende".into(),
        format!("/rounds/{}", public("open")),
        format!("/rounds/{}", public("evaluated")),
        "/strategies/musterstadt".into(),
        format!("/goals/{goal}"),
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
    ];
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/a11y/axe.js");
    let output = tokio::process::Command::new("node")
        .arg(script)
        .arg(format!(
            "http://{}",
            app.address.trim_start_matches("http://")
        ))
        .args(&paths)
        .env("CHROMIUM", chromium().unwrap_or_default())
        .env("TEILHABE_A11Y_EMAIL", email)
        .env("TEILHABE_A11Y_PASSWORD", "Koordination 2026!")
        .output()
        .await?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "axe run failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Vec<Value> = stdout
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    assert_eq!(results.len(), paths.len(), "every page was checked");
    for result in results {
        let path = &result["path"];
        assert_eq!(result["status"], 200, "{path}");
        assert!(
            result["width"].as_u64().unwrap_or(u64::MAX) <= 360,
            "{path} scrolls sideways at 360 px: {}",
            result["width"]
        );
        assert_eq!(result["violations"], serde_json::json!([]), "{path}");
    }
    Ok(())
}
