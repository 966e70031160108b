//! What the browser check cannot see alone, through HTTP: titles that name their object, refused
//! forms announced in the title with their summary first and focused, survey errors that name
//! their question, German content marked on English pages, the favicon.

use entity::{goals, ideas};
use reqwest::StatusCode;
use sea_orm::{EntityTrait, QueryOrder};

use crate::{
    fixtures::{DemoCoordinator, add_question, demo_coordinator, draft_survey, open_survey},
    helpers::{TestApp, TestResult, spawn_app},
};

fn title(html: &str) -> &str {
    html.split_once("<title>")
        .and_then(|(_, rest)| rest.split_once("</title>"))
        .map(|(t, _)| t)
        .unwrap_or_default()
}

/// The coordinator of `musterstadt` with the demo strategy and idea boards.
async fn demo(app: &TestApp) -> TestResult {
    let DemoCoordinator {
        place, coordinator, ..
    } = demo_coordinator(app).await?;
    let db = &app.state.db;
    let now = app.state.clock.now();
    teilhabe::rounds::demo::seed(db, &app.state, &coordinator, place, now)
        .await
        .map_err(|e| e.to_string())?;
    teilhabe::ideas::demo::seed(db, &coordinator, place, now)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

#[tokio::test]
async fn every_idea_and_goal_page_has_a_title_naming_it() -> TestResult {
    let app = spawn_app().await;
    demo(&app).await?;
    let db = &app.state.db;
    let list = ideas::Entity::find()
        .order_by_asc(ideas::Column::CreatedAt)
        .all(db)
        .await?;
    let mut seen = Vec::new();
    for idea in list.iter().filter(|i| i.status == "published").take(3) {
        let page = app
            .get(&format!("/ideas/{}/{}", idea.board_id, idea.id))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        let t = title(&page.body).to_string();
        let escaped = idea.title.replace('&', "&amp;").replace('"', "&quot;");
        assert!(
            t.starts_with(&escaped),
            "{t:?} names the idea {:?}",
            idea.title
        );
        seen.push(t);
    }
    for goal in goals::Entity::find().all(db).await?.iter().take(3) {
        let page = app.get(&format!("/goals/{}", goal.id)).await;
        let t = title(&page.body).to_string();
        assert!(
            t.starts_with(&goal.title),
            "{t:?} names the goal {:?}",
            goal.title
        );
        seen.push(t);
    }
    // The receipt lookup names the idea its code belongs to.
    for idea in list
        .iter()
        .filter(|i| i.status == "published")
        .skip(3)
        .take(2)
    {
        let page = app
            .get(&format!("/receipt?code={}", idea.receipt_code))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        let t = title(&page.body).to_string();
        let escaped = idea.title.replace('&', "&amp;").replace('"', "&quot;");
        assert!(
            t.starts_with(&escaped),
            "{t:?} names the idea {:?}",
            idea.title
        );
        seen.push(t);
    }
    let count = seen.len();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), count, "every title is different: {seen:?}");
    assert!(count >= 6, "enough pages were compared");
    Ok(())
}

#[tokio::test]
async fn a_refused_form_says_error_in_its_title_and_puts_its_summary_first_and_focused()
-> TestResult {
    let app = spawn_app().await;
    let res = app
        .submit("/subscribe", "/subscribe", &[("email", "kein-at-zeichen")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        title(&res.body).starts_with("Fehler: "),
        "{:?}",
        title(&res.body)
    );
    let main = res
        .body
        .split_once("<main id=\"main\" class=\"wrap\" tabindex=\"-1\">")
        .map(|(_, m)| m.trim_start())
        .ok_or("no main")?;
    assert!(
        main.starts_with("<div class=\"error-summary\""),
        "the summary comes first in main: {}",
        &main[..200.min(main.len())]
    );
    let summary = main.split_once('>').map(|(tag, _)| tag).unwrap_or_default();
    assert!(summary.contains("tabindex=\"-1\"") && summary.contains("autofocus"));
    assert_eq!(
        res.body.matches("class=\"error-summary\"").count(),
        1,
        "one summary"
    );

    // In English too, and a page that is fine has neither.
    let res = app
        .submit("/subscribe?lang=en", "/subscribe", &[("email", "")])
        .await;
    assert!(title(&res.body).starts_with("Error: "));
    let page = app.get("/subscribe").await;
    assert!(!title(&page.body).contains("Error"));
    assert!(!page.body.contains("error-summary"));
    Ok(())
}

#[tokio::test]
async fn the_survey_error_summary_names_each_question() -> TestResult {
    let app = spawn_app().await;
    let f = draft_survey(&app, "fstadt", "none").await;
    add_question(
        &app,
        &f,
        &[
            ("kind", "single"),
            ("prompt", "Wie kommen Sie zur Arbeit?"),
            ("required", "on"),
            ("options", "Bus\nRad"),
        ],
    )
    .await;
    open_survey(&app, &f).await;
    let path = format!("/surveys/{}", f.survey);
    let res = app
        .submit(&path, &path, &[("action", "submit"), ("page", "0")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let summary = res
        .body
        .split_once("class=\"error-summary\"")
        .and_then(|(_, rest)| rest.split_once("</div>"))
        .map(|(s, _)| s)
        .ok_or("no summary")?;
    assert!(
        summary.contains("„Wie kommen Sie zur Arbeit?“: Bitte beantworten Sie diese Frage."),
        "{summary}"
    );
    Ok(())
}

#[tokio::test]
async fn german_content_on_an_english_page_is_marked_german() -> TestResult {
    let app = spawn_app().await;
    demo(&app).await?;
    let idea = ideas::Entity::find()
        .all(&app.state.db)
        .await?
        .into_iter()
        .find(|i| i.status == "published")
        .ok_or("no idea")?;
    let path = format!("/ideas/{}/{}", idea.board_id, idea.id);
    let english = app.get(&format!("{path}?lang=en")).await;
    assert!(english.body.contains("<html lang=\"en\">"));
    assert!(
        english.body.contains("<h1 lang=\"de\">"),
        "the idea's title is marked German"
    );
    assert!(english.body.contains("idea-body\" lang=\"de\""));
    let german = app.get(&format!("{path}?lang=de")).await;
    assert!(!german.body.contains("<h1 lang="), "no marks needed");
    Ok(())
}

#[tokio::test]
async fn the_favicon_is_served_and_linked() -> TestResult {
    let app = spawn_app().await;
    let icon = app.get("/favicon.ico").await;
    assert_eq!(icon.status, StatusCode::OK);
    assert!(
        icon.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("image/")),
        "{:?}",
        icon.headers.get("content-type")
    );
    let home = app.get("/").await;
    assert!(
        home.body
            .contains("<link rel=\"icon\" href=\"/favicon.ico\"")
    );
    Ok(())
}

#[test]
fn only_the_layout_shows_the_error_summary() {
    // The layout puts it first in main; a template that includes it again shows it twice.
    fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{e}"))
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, found);
            } else if !path.ends_with("layouts/base.hbs")
                && std::fs::read_to_string(&path)
                    .unwrap_or_default()
                    .contains("partials/error_summary")
            {
                found.push(path.display().to_string());
            }
        }
    }
    let mut found = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"),
        &mut found,
    );
    assert!(found.is_empty(), "{found:?}");
}
