//! A new instance: what a visitor sees on `/`, and what the operator reads from the binary when
//! its output goes to a file or a pipe.

use std::{path::Path, process::Stdio, time::Duration};

use reqwest::StatusCode;
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::Command,
};

use crate::{
    fixtures::signed_in_coordinator,
    helpers::{TestResult, new_client, spawn_app},
};

#[tokio::test]
async fn an_empty_instance_tells_the_visitor_that_nothing_is_published_yet() -> TestResult {
    let mut app = spawn_app().await;
    let page = app.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Hier ist noch nichts veröffentlicht."),
        "{}",
        page.body
    );
    assert!(!page.body.contains("card-list"), "no empty list");
    assert!(
        !page.body.contains("href=\"/subscribe\""),
        "no municipality to subscribe to yet"
    );
    let english = app.get_with("/", &[("Accept-Language", "en")]).await;
    assert!(
        english
            .body
            .contains("Nothing has been published here yet.")
    );

    // A municipality with only a draft: still nothing to see, but one can ask to hear of it.
    signed_in_coordinator(&app, "koordi@astadt.example", "astadt").await;
    app.client = new_client();
    let page = app.get("/").await;
    assert!(page.body.contains("Hier ist noch nichts veröffentlicht."));
    assert!(page.body.contains("href=\"/subscribe\""));
    Ok(())
}

fn teilhabe(data_dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_teilhabe"));
    command
        .args(args)
        .env("TEILHABE_DATA_DIR", data_dir)
        .env("TEILHABE_BIND", "127.0.0.1:0")
        .env_remove("TEILHABE_DATABASE_URL")
        .env_remove("TEILHABE_LOG")
        // Colours must go because the output is a pipe, not because someone asked.
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

/// Serves until the line with the address appears (after the start-up log), then stops the
/// server; returns everything it wrote to standard output until then.
async fn serve_until_started(data_dir: &Path) -> String {
    let mut child = teilhabe(data_dir, &[])
        .spawn()
        .unwrap_or_else(|e| panic!("starting teilhabe: {e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mut lines = BufReader::new(stdout).lines();
    let mut seen = String::new();
    let started = tokio::time::timeout(Duration::from_secs(120), async {
        while let Ok(Some(line)) = lines.next_line().await {
            seen.push_str(&line);
            seen.push('\n');
            if line.starts_with("Teilhabe: ") {
                return true;
            }
        }
        false
    })
    .await;
    let _ = child.kill().await;
    assert_eq!(
        started,
        Ok(true),
        "the server never said it started:\n{seen}"
    );
    seen
}

#[tokio::test]
async fn the_log_names_the_next_step_until_there_is_an_admin_and_has_no_colour_codes_in_a_pipe()
-> TestResult {
    let dir = tempfile::tempdir()?;
    let log = serve_until_started(dir.path()).await;
    assert!(log.contains("Teilhabe is listening"), "{log}");
    assert!(log.contains("No administrator yet"), "{log}");
    assert!(
        log.contains("teilhabe admin create --email ADDRESS"),
        "{log}"
    );
    assert!(log.contains("teilhabe demo"), "{log}");
    assert!(!log.contains('\u{1b}'), "colour codes in a pipe:\n{log:?}");

    let created = teilhabe(
        dir.path(),
        &["admin", "create", "--email", "admin@example.org"],
    )
    .output()
    .await?;
    assert!(created.status.success(), "{created:?}");
    let log = serve_until_started(dir.path()).await;
    assert!(log.contains("Teilhabe is listening"), "{log}");
    assert!(!log.contains("No administrator yet"), "{log}");
    Ok(())
}

fn is_log_line(line: &str) -> bool {
    [" TRACE ", " DEBUG ", " INFO ", " WARN ", " ERROR "]
        .iter()
        .any(|level| line.contains(level))
}

#[tokio::test]
async fn the_demo_prints_its_passwords_in_a_block_after_its_log_lines() -> TestResult {
    let dir = tempfile::tempdir()?;
    let first = teilhabe(dir.path(), &["demo"]).output().await?;
    assert!(first.status.success(), "{first:?}");
    let out = String::from_utf8(first.stdout)?;
    assert!(!out.contains('\u{1b}'), "colour codes in a pipe:\n{out:?}");
    let lines: Vec<&str> = out.lines().collect();
    let block = lines
        .iter()
        .position(|l| l.contains("Demo sign-ins"))
        .ok_or_else(|| format!("no sign-in block in:\n{out}"))?;
    assert!(
        lines[..block].iter().any(|l| is_log_line(l)),
        "the demo logs before the block:\n{out}"
    );
    let after = &lines[block..];
    assert!(
        !after.iter().any(|l| is_log_line(l)),
        "no log line after the block:\n{out}"
    );
    for email in [
        "koordination@musterstadt.example",
        "moderation@musterstadt.example",
    ] {
        assert!(
            after
                .iter()
                .any(|l| l.contains(email) && l.contains("password: ")),
            "{email} with its password in the block:\n{out}"
        );
        assert!(
            !lines[..block].iter().any(|l| l.contains(email)),
            "{email} only in the block:\n{out}"
        );
    }

    let again = teilhabe(dir.path(), &["demo"]).output().await?;
    assert!(again.status.success(), "{again:?}");
    let out = String::from_utf8(again.stdout)?;
    assert!(!out.contains("password: "), "{out}");
    assert!(
        out.contains("printed when the demo was first loaded"),
        "{out}"
    );
    Ok(())
}
