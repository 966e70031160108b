use std::{path::Path, process::Stdio, time::Duration};

use reqwest::StatusCode;
use serde_json::json;
use teilhabe::{
    notifications::{
        delivery,
        mailer::Mailer,
        service::{self as outbox, Email, MailStatus, enqueue},
    },
    web::i18n::Lang,
};

use crate::helpers::{TestResult, mails_to, peer_missing, spawn_app, spawn_app_with};

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

pub(crate) fn aiosmtpd_available() -> bool {
    std::process::Command::new("/usr/bin/python3")
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn maildir_count(dir: &Path) -> usize {
    std::fs::read_dir(dir.join("new"))
        .map(|d| d.count())
        .unwrap_or(0)
}

#[tokio::test]
async fn a_mail_queued_while_the_smtp_server_is_down_is_delivered_exactly_once_when_it_is_up()
-> TestResult {
    if !aiosmtpd_available() {
        peer_missing(
            "mail::a_mail_queued_while_the_smtp_server_is_down_is_delivered_exactly_once_when_it_is_up",
            "no SMTP test server (install Debian's python3-aiosmtpd)",
        );
        return Ok(());
    }
    let port = free_port();
    let smtp_url = format!("smtp://127.0.0.1:{port}");
    let app = spawn_app_with(&[
        ("TEILHABE_SMTP_URL", &smtp_url),
        ("TEILHABE_MAIL_FROM", "Teilhabe <noreply@teilhabe.example>"),
    ])
    .await;
    enqueue(
        &app.state.db,
        &app.state,
        Email {
            to: "oemer@example.org",
            lang: Lang::De,
            kind: "magic",
            data: json!({ "url": "https://teilhabe.example/account/magic/abc", "minutes": 30 }),
        },
    )
    .await?;
    outbox::wake(&app.state);

    // The server is down: the attempt fails, the mail waits with the error recorded.
    let mut failed_once = false;
    for _ in 0..50 {
        let (rows, _) = outbox::page(&app.state.db, None, 0, 10).await?;
        if rows
            .first()
            .is_some_and(|m| m.attempts >= 1 && m.last_error.is_some())
        {
            assert_eq!(rows[0].status, "queued");
            failed_once = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(failed_once, "the worker tried and recorded the failure");

    // aiosmtpd's Mailbox creates the maildir (tmp/, new/, cur/) only when the folder is new.
    let scratch = tempfile::tempdir()?;
    let maildir = scratch.path().join("maildir");
    let mut smtpd = tokio::process::Command::new("/usr/bin/python3")
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Mailbox",
        ])
        .arg(&maildir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()?;

    // Once the server accepts connections, move the application's clock past the backoff
    // instead of waiting for it.
    let mut listening = false;
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            listening = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(listening, "the SMTP test server did not start");
    app.state.clock.advance(chrono::Duration::hours(1));
    outbox::wake(&app.state);

    let mut delivered = false;
    for _ in 0..150 {
        if maildir_count(&maildir) >= 1 {
            delivered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (rows, _) = outbox::page(&app.state.db, None, 0, 10).await?;
    assert!(
        delivered,
        "delivered after the server came up: {:?}",
        rows.first()
    );
    // Once the row says sent no worker picks it up again, so the count is final then.
    let mut rows = Vec::new();
    for _ in 0..100 {
        rows = outbox::page(&app.state.db, None, 0, 10).await?.0;
        if rows.first().is_some_and(|m| MailStatus::Sent.is(&m.status)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(rows[0].status, MailStatus::Sent.as_str());
    assert_eq!(maildir_count(&maildir), 1, "exactly once");

    let file = std::fs::read_dir(maildir.join("new"))?
        .next()
        .ok_or("no mail file")??;
    let raw = std::fs::read_to_string(file.path())?;
    assert!(
        raw.contains(&format!("Message-ID: <{}>", rows[0].message_id)),
        "the stable Message-ID: {raw}"
    );
    assert!(raw.contains("multipart/alternative"));
    let _ = smtpd.kill().await;
    Ok(())
}

#[tokio::test]
async fn a_mail_that_keeps_failing_is_kept_as_failed_and_an_admin_can_retry_it() -> TestResult {
    let port = free_port();
    // A retry waits an hour of the application's clock, so only the test moves it on: a slow
    // machine cannot squeeze in an extra attempt.
    let mut app = spawn_app_with(&[
        ("TEILHABE_SMTP_URL", &format!("smtp://127.0.0.1:{port}")),
        ("TEILHABE_MAIL_MAX_ATTEMPTS", "2"),
        ("TEILHABE_MAIL_RETRY_SECONDS", "3600"),
    ])
    .await;
    enqueue(
        &app.state.db,
        &app.state,
        Email {
            to: "paul@example.org",
            lang: Lang::De,
            kind: "verify",
            data: json!({ "url": "https://x.example/v" }),
        },
    )
    .await?;
    outbox::wake(&app.state);
    let mut tried = false;
    for _ in 0..100 {
        let (rows, _) = outbox::page(&app.state.db, None, 0, 10).await?;
        // Counted when claimed; the error (and the time of the next attempt) comes after.
        if rows
            .first()
            .is_some_and(|m| m.attempts >= 1 && m.last_error.is_some())
        {
            tried = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(tried, "the worker tried once and recorded the failure");
    app.state.clock.advance(chrono::Duration::hours(1));
    outbox::wake(&app.state);
    let mut failed = None;
    for _ in 0..100 {
        let (rows, _) = outbox::page(&app.state.db, Some(MailStatus::Failed), 0, 10).await?;
        if let Some(row) = rows.into_iter().next() {
            failed = Some(row);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let failed = failed.ok_or("the mail was not given up after 2 attempts")?;
    assert_eq!(failed.attempts, 2);

    // Mail sending during the admin's own sign-up would also fail here, so the admin is created
    // through the service and signs in with the password link.
    app.client = crate::helpers::new_client();
    app.signed_in_admin("admin@example.org").await;
    let page = app.get("/manage/outbox?status=failed").await;
    assert_eq!(page.status, StatusCode::OK);
    // The outbox shows the recipient's domain only.
    assert!(page.body.contains("…\u{2060}@example.org"));
    assert!(!page.body.contains("paul@"));
    assert!(page.body.contains("Fehlgeschlagen"));
    let action = format!("/manage/outbox/{}/retry", failed.id);
    let res = app.submit("/manage/outbox", &action, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let audit = app.get("/manage/audit").await;
    assert!(
        audit.body.contains("E-Mail erneut gesendet"),
        "the action in words"
    );
    // Back in the queue with a fresh count (the first new attempt fails again, but the mail stays
    // queued until the backoff has passed).
    let (rows, _) = outbox::page(&app.state.db, None, 0, 10).await?;
    let row = rows
        .iter()
        .find(|r| r.id == failed.id)
        .ok_or("the mail is still listed")?;
    assert_eq!(row.status, "queued");
    assert!(row.attempts <= 1);
    Ok(())
}

#[tokio::test]
async fn workers_of_several_instances_never_send_the_same_mail_twice() -> TestResult {
    let app = spawn_app_with(&[("TEILHABE_WORKER_INTERVAL_MS", "3600000")]).await;
    // The app's own worker may join in (queueing wakes it); the point is that all of them
    // together send each mail exactly once.
    for n in 0..30 {
        let to = format!("person{n}@example.org");
        enqueue(
            &app.state.db,
            &app.state,
            Email {
                to: &to,
                lang: Lang::De,
                kind: "verify",
                data: json!({ "url": "https://x.example/v" }),
            },
        )
        .await?;
    }
    let mailer = Mailer::from_settings(&app.state.settings)?;
    let runs = (0..4).map(|_| {
        let (state, mailer) = (app.state.clone(), mailer.clone());
        tokio::spawn(async move { delivery::deliver_due(&state, &mailer).await })
    });
    let mut total = 0;
    for run in futures::future::join_all(runs).await {
        total += run??;
    }
    assert!(total <= 30, "no mail sent twice by the test's workers");
    let mut sent = Vec::new();
    for _ in 0..100 {
        sent = outbox::page(&app.state.db, Some(MailStatus::Sent), 0, 100)
            .await?
            .0;
        if sent.len() >= 30 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(sent.len(), 30);
    let files = std::fs::read_dir(app.data_dir.join("mail"))?.count();
    assert_eq!(files, 30, "one file per mail, none twice");
    for n in 0..30 {
        let to = format!("person{n}@example.org");
        assert_eq!(mails_to(&app.data_dir.join("mail"), &to).len(), 1, "{to}");
    }
    Ok(())
}

#[tokio::test]
async fn mails_are_written_to_files_when_no_smtp_server_is_configured() -> TestResult {
    let app = spawn_app().await;
    let before = app.state.clock.now();
    app.submit(
        "/account/magic",
        "/account/magic",
        &[("email", "niemand@example.org")],
    )
    .await;
    app.signed_in_resident("quentin@example.org").await;
    let mail = app
        .wait_for_mail("quentin@example.org", "/account/verify/")
        .await;
    assert!(mail.contains("Message-ID: <"));
    assert!(mail.contains("From: Teilhabe <noreply@127.0.0.1>") || mail.contains("noreply@"));
    assert!(mail.contains("text/plain") && mail.contains("text/html"));
    // The Date header comes from the application's clock (tests start it in 2027), not the
    // wall clock: a mail tells the time of the page that caused it.
    let after = app.state.clock.now();
    let dated = |t: chrono::DateTime<chrono::Utc>| format!("Date: {}", t.format("%a, %d %b %Y"));
    assert!(
        mail.contains(&dated(before)) || mail.contains(&dated(after)),
        "expected {} in {mail}",
        dated(before)
    );
    Ok(())
}
