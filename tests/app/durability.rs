//! What the app acknowledged is stored, whatever the storage does: with the database full (or, on
//! PostgreSQL, read-only) or every commit failing, a write is answered either "saved" (303) and
//! then really stored, or "nicht gespeichert" (503) with what was typed offered again; once the
//! storage is back, writes work without a restart.

use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use uuid::Uuid;

use crate::{
    fixtures::{
        add_question, code_of, draft_survey, idea_path, new_workshop, open_board, open_survey,
        post_idea, resident, workshop_round,
    },
    helpers::{Page, TestApp, TestResult, new_client, spawn_app},
};

fn is_postgres(app: &TestApp) -> bool {
    app.state.db.get_database_backend() == DbBackend::Postgres
}

async fn count(app: &TestApp, sql: &str, value: &str) -> i64 {
    let backend = app.state.db.get_database_backend();
    let sql = teilhabe::db::placeholders(backend, sql);
    let row = app
        .state
        .db
        .query_one_raw(Statement::from_sql_and_values(backend, sql, [value.into()]))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no row"));
    row.try_get_by_index::<i64>(0)
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn answers_with(app: &TestApp, text: &str) -> i64 {
    count(
        app,
        "SELECT COUNT(*) FROM survey_answers WHERE text_value = $1",
        text,
    )
    .await
}

async fn signups_named(app: &TestApp, name: &str) -> i64 {
    count(
        app,
        "SELECT COUNT(*) FROM workshop_signups WHERE name = $1",
        name,
    )
    .await
}

/// The outbox holds the address only encrypted; the keyed hash finds a recipient's mails.
async fn mails_to(app: &TestApp, recipient: &str) -> i64 {
    teilhabe::notifications::service::mails_to(&app.state.db, &app.state.keys, &[recipient])
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .len() as i64
}

/// A survey with one free-text question, open; returns its id and the field name.
async fn text_survey(app: &mut TestApp) -> (Uuid, String) {
    let f = draft_survey(app, "dstadt", "none").await;
    let qs = add_question(
        app,
        &f,
        &[("kind", "short_text"), ("prompt", "Was fehlt Ihnen?")],
    )
    .await;
    open_survey(app, &f).await;
    app.client = new_client();
    (f.survey, format!("q-{}", qs[0].model.id))
}

/// Answers as a new browser.
async fn answer(app: &mut TestApp, survey: Uuid, field: &str, text: &str) -> Page {
    app.client = new_client();
    app.submit(
        "/subscribe",
        &format!("/surveys/{survey}"),
        &[(field, text), ("action", "submit")],
    )
    .await
}

/// Either stored ("saved", 303) or the "not saved" page that keeps what was typed.
fn acknowledged(page: &Page, typed: &str) -> bool {
    match page.status {
        StatusCode::SEE_OTHER => true,
        StatusCode::SERVICE_UNAVAILABLE => {
            assert!(page.body.contains("Nicht gespeichert"), "{}", page.body);
            assert!(
                page.body.contains("Es wurde nichts gespeichert"),
                "{}",
                page.body
            );
            assert!(page.body.contains(typed), "what was typed is kept");
            assert!(page.body.contains("Noch einmal senden"), "{}", page.body);
            assert!(page.headers.contains_key("retry-after"));
            false
        }
        other => panic!("a write is either saved or refused as not saved, not {other}"),
    }
}

/// The hidden fields of the "send again" form on a "not saved" page.
fn resubmit_fields(html: &str) -> Vec<(String, String)> {
    let unescape = |s: &str| {
        s.replace("&#x3D;", "=")
            .replace("&quot;", "\"")
            .replace("&#x27;", "'")
            .replace("&#x60;", "`")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    };
    html.split("<input type=\"hidden\" name=\"")
        .skip(1)
        .filter_map(|rest| {
            let (name, rest) = rest.split_once("\" value=\"")?;
            let (value, _) = rest.split_once('"')?;
            Some((unescape(name), unescape(value)))
        })
        .collect()
}

#[tokio::test]
async fn with_the_database_full_every_write_is_either_stored_or_answered_not_saved() -> TestResult {
    let mut app = spawn_app().await;
    let (survey, field) = text_survey(&mut app).await;
    let place = workshop_round(&mut app, "wstadt").await;
    let workshop = new_workshop(&mut app, &place, &[("capacity", "200")]).await;
    app.client = new_client();
    let board = open_board(&app, "istadt", false).await;
    app.client = new_client();
    app.signed_in_resident("autorin@example.org").await;
    let res = post_idea(&app, &board, "Ein Bücherschrank", "Am Markt.").await;
    let idea = idea_path(&app, &board, &code_of(&res.location.unwrap_or_default())).await;
    let mut supporters = Vec::new();
    for n in 0..6 {
        app.client = new_client();
        resident(&app, &format!("fan{n}@example.org")).await;
        let token = crate::helpers::csrf_token(&app.get(&idea).await.body).ok_or("token")?;
        supporters.push((app.client.clone(), token));
    }

    app.state.storage.faults.set_full(true);
    let (mut saved, mut refused) = (Vec::new(), Vec::new());
    let mut refused_page = None;
    for i in 0..80 {
        let text = format!("Antwort {i}");
        let page = answer(&mut app, survey, &field, &text).await;
        if acknowledged(&page, &text) {
            saved.push(text);
        } else {
            refused_page.get_or_insert((app.client.clone(), page.body));
            refused.push(text);
        }
        if refused.len() >= 3 && i >= 5 {
            break;
        }
    }
    assert!(refused.len() >= 3, "the full database refused answers");
    let (mut signed, mut unsigned) = (Vec::new(), Vec::new());
    for i in 0..8 {
        let name = format!("Person {i}");
        let email = format!("person{i}@example.org");
        app.client = new_client();
        let path = format!("/workshops/{workshop}");
        let page = app
            .submit(
                &path,
                &path,
                &[("name", &name), ("people", "1"), ("email", &email)],
            )
            .await;
        if acknowledged(&page, &name) {
            signed.push((name, email));
        } else {
            unsigned.push((name, email));
        }
    }
    let url = app.url(&format!("{idea}/support"));
    let mut supported = 0;
    for (client, token) in &supporters {
        let res = client
            .post(&url)
            .form(&[("csrf_token", token.as_str()), ("action", "add")])
            .send()
            .await?;
        match res.status() {
            StatusCode::SEE_OTHER => supported += 1,
            StatusCode::SERVICE_UNAVAILABLE => {}
            other => panic!("a support is saved or refused as not saved, not {other}"),
        }
    }

    // The space comes back: no restart.
    app.state.storage.faults.set_full(false);
    for text in &saved {
        assert_eq!(
            answers_with(&app, text).await,
            1,
            "acknowledged {text} is stored"
        );
    }
    for text in &refused {
        assert_eq!(
            answers_with(&app, text).await,
            0,
            "refused {text} is not stored"
        );
    }
    for (name, email) in &signed {
        assert_eq!(signups_named(&app, name).await, 1, "{name} is signed up");
        assert_eq!(
            mails_to(&app, email).await,
            1,
            "{email} gets the confirmation"
        );
    }
    for (name, email) in &unsigned {
        assert_eq!(signups_named(&app, name).await, 0);
        assert_eq!(mails_to(&app, email).await, 0);
    }
    let id = Uuid::parse_str(idea.rsplit('/').next().unwrap_or_default())?;
    assert_eq!(
        teilhabe::ideas::support::support_rows(&app.state.db, id).await?,
        supported
    );

    // What was refused is sent again from the "not saved" page, and is stored now.
    let (client, body) = refused_page.ok_or("a refused page")?;
    let fields = resubmit_fields(&body);
    assert!(fields.iter().any(|(k, v)| k == &field && v == &refused[0]));
    let res = client
        .post(app.url(&format!("/surveys/{survey}")))
        .form(&fields)
        .send()
        .await?;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(answers_with(&app, &refused[0]).await, 1);
    // And everything else works as before.
    for i in 0..10 {
        let text = format!("Danach {i}");
        let page = answer(&mut app, survey, &field, &text).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        assert_eq!(answers_with(&app, &text).await, 1);
    }
    let page = app
        .submit(
            &format!("/workshops/{workshop}"),
            &format!("/workshops/{workshop}"),
            &[("name", "Nachher"), ("people", "1")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    Ok(())
}

#[tokio::test]
async fn failed_commits_are_never_acknowledged_and_leave_no_connection_stuck() -> TestResult {
    let mut app = spawn_app().await;
    let (survey, field) = text_survey(&mut app).await;
    // SQLite: every COMMIT fails (and rolls back). PostgreSQL: every write fails.
    let faults = app.state.storage.faults.clone();
    let postgres = is_postgres(&app);
    let fail = |on: bool| {
        if postgres {
            faults.set_full(on)
        } else {
            faults.set_refuse_commits(on)
        }
    };
    fail(true);
    for i in 0..12 {
        let text = format!("Verworfen {i}");
        let page = answer(&mut app, survey, &field, &text).await;
        assert_eq!(
            page.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            page.body
        );
        assert!(!acknowledged(&page, &text));
    }
    fail(false);
    // Each connection that saw a failed commit is gone: a rolled-back duplicate, the usual
    // path of a transaction that ends without commit, leaves no transaction open behind it.
    let first = answer(&mut app, survey, &field, "Erste").await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let again = app
        .submit(
            "/subscribe",
            &format!("/surveys/{survey}"),
            &[(field.as_str(), "Doppelt"), ("action", "submit")],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let mut acknowledged_texts = vec!["Erste".to_string()];
    for i in 0..20 {
        let text = format!("Gespeichert {i}");
        let page = answer(&mut app, survey, &field, &text).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        acknowledged_texts.push(text);
    }
    // Read through a new connection, after the app stopped: what was acknowledged is on disk.
    let app = crate::helpers::restart(app).await;
    for text in &acknowledged_texts {
        assert_eq!(answers_with(&app, text).await, 1, "{text} was acknowledged");
    }
    for i in 0..12 {
        assert_eq!(answers_with(&app, &format!("Verworfen {i}")).await, 0);
    }
    assert_eq!(answers_with(&app, "Doppelt").await, 0);
    Ok(())
}

#[tokio::test]
async fn health_reports_whether_the_database_can_be_written_and_the_free_space() -> TestResult {
    let app = spawn_app().await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&health.body)?;
    assert_eq!(json["writable"], true);
    assert!(json["data_dir_free_bytes"].as_u64().is_some_and(|b| b > 0));

    let faults = &app.state.storage.faults;
    if is_postgres(&app) {
        faults.set_full(true);
    } else {
        faults.set_refuse_commits(true);
    }
    // The probe writes at most every 10 seconds: until then the last answer stands.
    let health = app.get("/healthz").await;
    assert_eq!(health.status, StatusCode::OK, "rate-limited probe");
    app.state.clock.advance(chrono::Duration::seconds(11));
    let health = app.get("/healthz").await;
    assert_eq!(health.status, StatusCode::SERVICE_UNAVAILABLE);
    let json: serde_json::Value = serde_json::from_str(&health.body)?;
    assert_eq!(json["writable"], false);
    assert!(json["write_error"].is_string(), "{json}");
    assert_eq!(health.headers["content-type"], "application/json");

    faults.set_full(false);
    faults.set_refuse_commits(false);
    app.state.clock.advance(chrono::Duration::seconds(11));
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
    Ok(())
}

#[tokio::test]
async fn every_sqlite_connection_syncs_each_commit_and_keeps_a_small_page_cache() -> TestResult {
    let app = spawn_app().await;
    if is_postgres(&app) {
        return Ok(());
    }
    // Two transactions open at once hold two connections of the pool.
    let (first, second) = (app.state.db.begin().await?, app.state.db.begin().await?);
    for txn in [&first, &second] {
        // FULL (2): a commit is synced before it is acknowledged.
        assert_eq!(pragma(txn, "synchronous").await?, 2);
        // Negative: KiB, not pages (the server's memory budget, `src/db.rs`).
        let kib = i64::from(teilhabe::db::PAGE_CACHE_KIB);
        assert_eq!(pragma(txn, "cache_size").await?, -kib);
    }
    Ok(())
}

async fn pragma(db: &impl ConnectionTrait, name: &str) -> Result<i64, String> {
    let sql = format!("PRAGMA {name}");
    db.query_one_raw(Statement::from_string(DbBackend::Sqlite, sql))
        .await
        .map_err(|e| e.to_string())?
        .ok_or("no row")?
        .try_get_by_index::<i64>(0)
        .map_err(|e| format!("{e:?}"))
}

/// Runs the built binary with the test app's data directory and database.
async fn run_binary(app: &TestApp, args: &[&str]) -> std::process::Output {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_teilhabe"));
    command.args(args).env("TEILHABE_BIND", "127.0.0.1:0");
    for name in ["TEILHABE_DATA_DIR", "TEILHABE_DATABASE_URL", "TEILHABE_LOG"] {
        match app.vars.get(name) {
            Some(value) => command.env(name, value),
            None => command.env_remove(name),
        };
    }
    command.kill_on_drop(true);
    tokio::time::timeout(std::time::Duration::from_secs(60), command.output())
        .await
        .unwrap_or_else(|_| panic!("teilhabe {args:?} did not stop"))
        .unwrap_or_else(|e| panic!("teilhabe {args:?}: {e}"))
}

#[tokio::test]
async fn a_second_process_on_the_same_sqlite_data_directory_stops_at_once() -> TestResult {
    let app = spawn_app().await;
    if is_postgres(&app) {
        // PostgreSQL needs no lock file: instances share the database, migrations take turns
        // under an advisory lock.
        let out = run_binary(&app, &["migrate"]).await;
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        return Ok(());
    }
    for args in [&["migrate"][..], &["serve"][..], &["demo"][..]] {
        let out = run_binary(&app, args).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("is in use by another Teilhabe process (PID"),
            "{args:?}: {stderr}"
        );
    }
    // The running server was not disturbed; once it stopped, the next one starts.
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
    assert!(app.data_dir.join("teilhabe.lock").exists());
    let app = crate::helpers::restart(app).await;
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
    Ok(())
}

/// Whether `needle` is anywhere in the SQLite files of the data directory (database and WAL).
fn in_database_files(app: &TestApp, needle: &str) -> Vec<String> {
    ["teilhabe.db", "teilhabe.db-wal"]
        .into_iter()
        .filter(|file| {
            std::fs::read(app.data_dir.join(file))
                .is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
        })
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn a_name_redacted_by_a_moderator_is_gone_from_the_database_files() -> TestResult {
    let mut app = spawn_app().await;
    if is_postgres(&app) {
        return Ok(()); // SQLite's files only; PostgreSQL's storage is the operator's.
    }
    let board = open_board(&app, "rstadt", false).await;
    app.client = new_client();
    app.signed_in_resident("autorin@example.org").await;
    let code = code_of(
        &post_idea(&app, &board, "Hilfe beim Einkaufen", "Ruft Quirinowski an.")
            .await
            .location
            .unwrap_or_default(),
    );
    let path = idea_path(&app, &board, &code).await;
    let id = path.rsplit('/').next().ok_or("id")?.to_string();
    assert!(!in_database_files(&app, "Quirinowski").is_empty());

    crate::fixtures::moderator_of(&mut app, &board, "mod@rstadt.example").await;
    let item = format!("/manage/moderation/{id}");
    let res = crate::moderation::moderate(&app, &item, "redact", &[("names", "Quirinowski")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(app.get(&path).await.body.contains("Ruft [entfernt] an."));
    assert_eq!(
        in_database_files(&app, "Quirinowski"),
        Vec::<String>::new(),
        "neither the WAL nor a free page keeps the redacted name"
    );
    Ok(())
}
