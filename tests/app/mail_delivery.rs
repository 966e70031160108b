//! Mail delivery semantics (issue 17): a 5xx refusal fails at once with the server's reason, a
//! 4xx one is retried after the back-off, and a crashed worker's claim runs out after a minute.
//! The SMTP peers are python3-aiosmtpd servers that answer every recipient with a fixed reply.

use std::{path::PathBuf, process::Stdio, time::Duration};

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

use crate::{
    helpers::{TestApp, TestResult, mails_to, new_client, peer_missing, spawn_app_with},
    mail::{aiosmtpd_available, free_port},
};

const PEER: &str = r#"
import sys, threading
from aiosmtpd.controller import Controller

port, reply, log = int(sys.argv[1]), sys.argv[2], sys.argv[3]

class Refuse:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with open(log, "a") as f:
            f.write(address + "\n")
        return reply.replace("{address}", address)

controller = Controller(Refuse(), hostname="127.0.0.1", port=port)
controller.start()
threading.Event().wait()
"#;

/// An SMTP server that answers every RCPT with `reply`, and the file it logs each RCPT to.
struct RefusingPeer {
    port: u16,
    log: PathBuf,
    _child: tokio::process::Child,
    _dir: tempfile::TempDir,
}

impl RefusingPeer {
    async fn start(reply: &str) -> Result<Self, Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let script = dir.path().join("peer.py");
        std::fs::write(&script, PEER)?;
        let log = dir.path().join("rcpt.log");
        let port = free_port();
        let child = tokio::process::Command::new("/usr/bin/python3")
            .arg(&script)
            .arg(port.to_string())
            .arg(reply)
            .arg(&log)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()?;
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return Ok(Self {
                    port,
                    log,
                    _child: child,
                    _dir: dir,
                });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err("the SMTP test peer did not start".into())
    }

    fn recipients_seen(&self) -> usize {
        std::fs::read_to_string(&self.log)
            .map(|s| s.lines().count())
            .unwrap_or(0)
    }
}

async fn queue_verify_mail(app: &TestApp, to: &str) -> TestResult {
    enqueue(
        &app.state.db,
        &app.state,
        Email {
            to,
            lang: Lang::De,
            kind: "verify",
            data: json!({ "url": "https://x.example/account/verify/SECRET" }),
        },
    )
    .await?;
    outbox::wake(&app.state);
    Ok(())
}

/// Waits until the only mail in the outbox satisfies `done`.
async fn wait_for_row(
    app: &TestApp,
    done: impl Fn(&entity::mail_outbox::Model) -> bool,
) -> Result<entity::mail_outbox::Model, Box<dyn std::error::Error>> {
    for _ in 0..150 {
        let (rows, _) = outbox::page(&app.state.db, None, 0, 10).await?;
        if let Some(row) = rows.into_iter().find(|m| done(m)) {
            return Ok(row);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("{:?}", outbox::page(&app.state.db, None, 0, 10).await?.0).into())
}

#[tokio::test]
async fn a_permanent_refusal_fails_the_mail_at_once_with_the_servers_reason_for_the_admin()
-> TestResult {
    if !aiosmtpd_available() {
        peer_missing(
            "mail_delivery::a_permanent_refusal_fails_the_mail_at_once_with_the_servers_reason_for_the_admin",
            "no SMTP test server (install Debian's python3-aiosmtpd)",
        );
        return Ok(());
    }
    let peer =
        RefusingPeer::start("550 5.1.1 <{address}>: Recipient address rejected: no such mailbox")
            .await?;
    let app = spawn_app_with(&[
        (
            "TEILHABE_SMTP_URL",
            &format!("smtp://127.0.0.1:{}", peer.port),
        ),
        ("TEILHABE_MAIL_MAX_ATTEMPTS", "8"),
    ])
    .await;
    queue_verify_mail(&app, "gibtsnicht@example.org").await?;
    let failed = wait_for_row(&app, |m| MailStatus::Failed.is(&m.status)).await?;
    assert_eq!(failed.attempts, 1, "no second attempt");
    let reason = failed.last_error.clone().unwrap_or_default();
    assert!(reason.contains("550"), "{reason}");
    assert!(reason.contains("no such mailbox"), "{reason}");
    assert!(
        !reason.contains("gibtsnicht"),
        "the address is not kept: {reason}"
    );

    // However long one waits, a refused mail is not tried again.
    app.state.clock.advance(chrono::Duration::days(2));
    let mailer = Mailer::from_settings(&app.state.settings)?;
    assert_eq!(delivery::deliver_due(&app.state, &mailer).await?, 0);
    let (rows, _) = outbox::page(&app.state.db, None, 0, 10).await?;
    assert_eq!(
        (rows[0].status.as_str(), rows[0].attempts),
        (MailStatus::Failed.as_str(), 1)
    );
    assert_eq!(peer.recipients_seen(), 1, "the server was asked once");

    let mut app = app;
    app.client = new_client();
    app.signed_in_admin("admin@example.org").await;
    let page = app.get("/manage/outbox?status=failed").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("no such mailbox"), "the reason is shown");
    assert!(page.body.contains("…\u{2060}@example.org"));
    assert!(!page.body.contains("gibtsnicht"));
    Ok(())
}

#[tokio::test]
async fn a_temporary_refusal_is_tried_again_after_the_back_off() -> TestResult {
    if !aiosmtpd_available() {
        peer_missing(
            "mail_delivery::a_temporary_refusal_is_tried_again_after_the_back_off",
            "no SMTP test server (install Debian's python3-aiosmtpd)",
        );
        return Ok(());
    }
    let peer = RefusingPeer::start("451 4.7.1 Greylisted, please try again later").await?;
    let app = spawn_app_with(&[
        (
            "TEILHABE_SMTP_URL",
            &format!("smtp://127.0.0.1:{}", peer.port),
        ),
        ("TEILHABE_MAIL_RETRY_SECONDS", "3600"),
    ])
    .await;
    queue_verify_mail(&app, "grau@example.org").await?;
    let first = wait_for_row(&app, |m| m.attempts == 1 && m.last_error.is_some()).await?;
    assert_eq!(first.status, MailStatus::Queued.as_str(), "still waiting");
    assert!(
        first
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("451") && e.contains("Greylisted")),
        "{first:?}"
    );
    assert!(first.next_attempt_at > app.state.clock.now());

    // Not before the back-off has passed...
    let mailer = Mailer::from_settings(&app.state.settings)?;
    assert_eq!(delivery::deliver_due(&app.state, &mailer).await?, 0);
    assert_eq!(peer.recipients_seen(), 1);
    // ...but after it.
    app.state.clock.advance(chrono::Duration::minutes(61));
    outbox::wake(&app.state);
    let second = wait_for_row(&app, |m| {
        m.attempts == 2 && m.next_attempt_at > first.next_attempt_at
    })
    .await?;
    assert_eq!(second.status, MailStatus::Queued.as_str());
    assert_eq!(peer.recipients_seen(), 2);
    Ok(())
}

#[tokio::test]
async fn the_mail_of_a_worker_that_died_goes_out_a_minute_later() -> TestResult {
    // The app's own worker wakes only when told to; the test plays the workers.
    let app = spawn_app_with(&[("TEILHABE_WORKER_INTERVAL_MS", "3600000")]).await;
    // Queued and claimed in one transaction by a worker that then dies before sending.
    let txn = teilhabe::db::begin_write(&app.state.db).await?;
    enqueue(
        &txn,
        &app.state,
        Email {
            to: "lina@example.org",
            lang: Lang::De,
            kind: "verify",
            data: json!({ "url": "https://x.example/account/verify/T" }),
        },
    )
    .await?;
    let claimed = delivery::claim(&txn, uuid::Uuid::new_v4(), app.state.clock.now()).await?;
    txn.commit().await?;
    assert_eq!(claimed, 1);

    let mailer = Mailer::from_settings(&app.state.settings)?;
    assert_eq!(
        delivery::deliver_due(&app.state, &mailer).await?,
        0,
        "another worker keeps its hands off while the claim holds"
    );
    app.state.clock.advance(chrono::Duration::seconds(61));
    // This worker takes it, or the app's own if its first round comes only now: either way once.
    delivery::deliver_due(&app.state, &mailer).await?;
    let sent = wait_for_row(&app, |m| MailStatus::Sent.is(&m.status)).await?;
    assert_eq!(sent.attempts, 2, "the dead worker's attempt and this one");
    assert_eq!(
        mails_to(&app.data_dir.join("mail"), "lina@example.org").len(),
        1
    );
    Ok(())
}
