//! No live secrets at rest in the mail outbox (issue 19): whoever can read the database finds
//! neither the links nor the addresses of mails, while they wait (encrypted) or after they went
//! out (deleted).

use std::time::Duration;

use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Statement};
use teilhabe::notifications::{
    delivery,
    service::{self as outbox, MailStatus},
};

use crate::{
    accounts::tables_mentioning,
    helpers::{TestResult, link_path, new_client, spawn_app, spawn_app_with},
    mail::free_port,
};

/// Tables whose rows mention `needle` anywhere (case-insensitive, every column as text).
async fn tables_with(app: &crate::helpers::TestApp, needle: &str) -> Vec<String> {
    tables_mentioning(app, needle)
        .await
        .into_iter()
        .map(|(table, _)| table)
        .collect()
}

#[tokio::test]
async fn a_waiting_reset_mail_shows_neither_its_link_nor_its_address_to_a_database_reader()
-> TestResult {
    // The SMTP server is down, so the mail waits in the outbox (an hour between attempts).
    let app = spawn_app_with(&[
        (
            "TEILHABE_SMTP_URL",
            &format!("smtp://127.0.0.1:{}", free_port()),
        ),
        ("TEILHABE_MAIL_RETRY_SECONDS", "3600"),
    ])
    .await;
    app.signed_in_admin("ida@example.org").await;
    let mut visitor = app;
    visitor.client = new_client();
    let res = visitor
        .submit(
            "/account/reset",
            "/account/reset",
            &[("email", "ida@example.org")],
        )
        .await;
    assert_eq!(res.location.as_deref(), Some("/account/check-mail"));
    let app = visitor;
    let mut waiting = None;
    for _ in 0..100 {
        let (rows, _) = outbox::page(&app.state.db, Some(MailStatus::Queued), 0, 10).await?;
        if let Some(row) = rows
            .into_iter()
            .find(|m| m.kind == "reset" && m.last_error.is_some())
        {
            waiting = Some(row);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let waiting = waiting.ok_or("the reset mail was not tried")?;
    assert_eq!(waiting.recipient_domain, "example.org");

    // Only the instance secret opens it: that is how the worker gets the link to send.
    let contents = outbox::open(&app.state.keys, &waiting).ok_or("sealed contents")?;
    assert_eq!(contents.to, "ida@example.org");
    let link = link_path(&contents.body_text, "/account/reset/");
    let token = link.trim_start_matches("/account/reset/");
    assert!(token.len() >= 20, "{link}");

    // A plain read of every column of every table finds neither the token, nor the link, nor
    // the address in the outbox (the address is in `users`, where the account needs it).
    assert_eq!(tables_with(&app, token).await, Vec::<String>::new());
    assert!(
        !tables_with(&app, "/account/reset/")
            .await
            .contains(&"mail_outbox".to_string())
    );
    let with_address = tables_with(&app, "ida@example.org").await;
    assert!(
        !with_address.contains(&"mail_outbox".to_string()),
        "{with_address:?}"
    );

    // The same row under another instance's secret opens to nothing.
    let other = teilhabe::secrets::Keys::from_secret(b"another secret that is long enough!");
    assert!(outbox::open(&other, &waiting).is_none());
    Ok(())
}

#[tokio::test]
async fn a_sent_reset_mail_leaves_no_link_in_the_outbox_and_the_owner_can_still_use_it()
-> TestResult {
    let app = spawn_app().await;
    app.signed_in_resident("greta@example.org").await;
    let mut laptop = app;
    laptop.client = new_client();
    let res = laptop
        .submit(
            "/account/reset",
            "/account/reset",
            &[("email", "greta@example.org")],
        )
        .await;
    assert_eq!(res.location.as_deref(), Some("/account/check-mail"));
    let app = laptop;
    let mail = app
        .wait_for_mail("greta@example.org", "/account/reset/")
        .await;
    let link = link_path(&mail, "/account/reset/");
    let token = link.trim_start_matches("/account/reset/").to_string();

    // The row says sent once the file is written; wait for that.
    let mut sent = Vec::new();
    for _ in 0..100 {
        sent = outbox::mails_to(&app.state.db, &app.state.keys, &["greta@example.org"])
            .await?
            .into_iter()
            .filter(|m| m.kind == "reset" && MailStatus::Sent.is(&m.status))
            .collect();
        if !sent.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let row = sent.first().ok_or("the reset mail is not marked sent")?;
    // What the outbox page needs stays; the contents are gone, not just locked.
    assert_eq!(row.recipient_domain, "example.org");
    assert!(row.sent_at.is_some() && row.attempts == 1);
    assert_eq!(row.sealed, None);
    assert!(outbox::open(&app.state.keys, row).is_none());

    // Nothing in the database holds the link (the token is stored as a hash only), and the
    // outbox holds no address.
    assert_eq!(tables_with(&app, &token).await, Vec::<String>::new());
    assert_eq!(tables_with(&app, &link).await, Vec::<String>::new());
    assert!(
        !tables_with(&app, "greta@example.org")
            .await
            .contains(&"mail_outbox".to_string())
    );

    // The mail itself carried a working link.
    let page = app.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    Ok(())
}

#[tokio::test]
async fn a_mail_queued_before_the_upgrade_is_encrypted_and_still_delivered() -> TestResult {
    let app = spawn_app_with(&[("TEILHABE_WORKER_INTERVAL_MS", "3600000")]).await;
    // What migration 16 leaves of a mail that was waiting: the row without its contents, and
    // the contents in `mail_outbox_legacy`.
    let id = uuid::Uuid::new_v4();
    let now = app.state.clock.now();
    let backend = app.state.db.get_database_backend();
    let txn = teilhabe::db::begin_write(&app.state.db).await?;
    entity::mail_outbox::ActiveModel {
        id: sea_orm::Set(id),
        message_id: sea_orm::Set(format!("{id}@127.0.0.1")),
        kind: sea_orm::Set(String::new()),
        subject: sea_orm::Set("Alt".into()),
        recipient_domain: sea_orm::Set("example.org".into()),
        recipient_key: sea_orm::Set(None),
        topic: sea_orm::Set(None),
        sealed: sea_orm::Set(None),
        status: sea_orm::Set(MailStatus::Queued.as_str().into()),
        attempts: sea_orm::Set(0),
        next_attempt_at: sea_orm::Set(now),
        locked_until: sea_orm::Set(None),
        claim: sea_orm::Set(None),
        last_error: sea_orm::Set(None),
        created_at: sea_orm::Set(now),
        sent_at: sea_orm::Set(None),
    }
    .insert(&txn)
    .await?;
    txn.execute_raw(Statement::from_sql_and_values(
        backend,
        teilhabe::db::placeholders(
            backend,
            "INSERT INTO mail_outbox_legacy (id, recipient, body_text, body_html) \
             VALUES ($1, 'alt@example.org', 'Ihr Link: https://x.example/magic/ALTTOKEN', \
             '<p>https://x.example/magic/ALTTOKEN</p>')",
        ),
        [id.into()],
    ))
    .await?;
    txn.commit().await?;

    let mailer = teilhabe::notifications::mailer::Mailer::from_settings(&app.state.settings)?;
    delivery::deliver_due(&app.state, &mailer).await?;
    let mail = app.wait_for_mail("alt@example.org", "ALTTOKEN").await;
    assert!(mail.contains(&format!("Message-ID: <{id}@127.0.0.1>")));
    let mut row = None;
    for _ in 0..100 {
        row = entity::mail_outbox::Entity::find_by_id(id)
            .one(&app.state.db)
            .await?
            .filter(|m| MailStatus::Sent.is(&m.status));
        if row.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(row.is_some_and(|m| m.sealed.is_none()));
    assert_eq!(tables_with(&app, "ALTTOKEN").await, Vec::<String>::new());
    assert_eq!(
        tables_with(&app, "alt@example.org").await,
        Vec::<String>::new()
    );
    Ok(())
}
