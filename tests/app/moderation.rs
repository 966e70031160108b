//! Moderation through HTTP: pre-moderation, flags and automatic hiding, the queue and its
//! actions, mails to authors, objections, audit entries and municipality isolation.

use reqwest::StatusCode;
use sea_orm::EntityTrait;
use teilhabe::identity::Role;

use crate::{
    fixtures::{code_of, idea_path, moderator_of, open_board, post_idea, signed_in_staff},
    helpers::{TestApp, TestResult, new_client, spawn_app, spawn_app_with},
};

/// The version of the text on a moderation item page, from its hidden field.
pub fn seen_version(html: &str) -> String {
    let marker = "name=\"version\" value=\"";
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no version in {html}"))
        + marker.len();
    html[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

/// Takes `action` on the item page `item` as a moderator who just read it.
pub async fn moderate(
    app: &TestApp,
    item: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> crate::helpers::Page {
    let page = app.get(item).await.body;
    let version = seen_version(&page);
    let mut all = vec![("version", version.as_str())];
    all.extend_from_slice(fields);
    app.submit(item, &format!("{item}/{action}"), &all).await
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    teilhabe::audit::service::page(&app.state.db, 0, 100)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .0
        .into_iter()
        .map(|e| e.action)
        .collect()
}

#[tokio::test]
async fn on_a_pre_moderated_board_an_idea_waits_until_a_moderator_publishes_it() -> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "astadt", true).await;
    app.client = new_client();
    app.signed_in_resident("mia@example.org").await;
    let res = post_idea(
        &app,
        &board,
        "Spielplatz sanieren",
        "Die Schaukel ist kaputt.",
    )
    .await;
    let code = code_of(&res.location.unwrap_or_default());
    let path = idea_path(&app, &board, &code).await;
    assert!(
        app.get(&format!("/receipt?code={code}"))
            .await
            .body
            .contains("Wartet auf die Moderation")
    );
    app.client = new_client();
    assert!(!app.get(&board.path).await.body.contains("Spielplatz"));
    assert_eq!(app.get(&path).await.status, StatusCode::NOT_FOUND);

    moderator_of(&mut app, &board, "mod@astadt.example").await;
    let queue = app.get("/manage/moderation").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains("Die Schaukel ist kaputt."));
    let id = path.rsplit('/').next().ok_or("id")?;
    let item = format!("/manage/moderation/{id}");
    let res = moderate(&app, &item, "publish", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // Publishing twice is refused.
    assert_eq!(
        moderate(&app, &item, "publish", &[]).await.status,
        StatusCode::CONFLICT
    );
    let moderator = app.client.clone();
    app.client = new_client();
    assert!(
        app.get(&board.path)
            .await
            .body
            .contains("Spielplatz sanieren")
    );
    assert!(
        audit_actions(&app)
            .await
            .contains(&"moderation.publish".to_string())
    );

    // Comments on a pre-moderated board wait too; their author sees them marked as waiting.
    crate::fixtures::resident(&app, "kommentar@example.org").await;
    let res = app
        .submit(
            &path,
            &format!("{path}/comments"),
            &[("body", "Unbedingt, die Schaukel fehlt!")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        app.get(&path)
            .await
            .body
            .contains("wartet auf die Moderation")
    );
    app.client = new_client();
    assert!(!app.get(&path).await.body.contains("Schaukel fehlt"));
    app.client = moderator;
    let queue = app.get("/manage/moderation").await.body;
    assert!(queue.contains("Schaukel fehlt") && queue.contains("Kommentar"));
    let comment = teilhabe::moderation::queue::queue_page(
        &app.state.db,
        teilhabe::moderation::queue::Section::Pending,
        None,
        0,
        10,
    )
    .await?
    .0
    .into_iter()
    .find(|i| i.kind == "comment")
    .ok_or("comment in queue")?;
    let item = format!("/manage/moderation/{}", comment.id);
    assert_eq!(
        moderate(&app, &item, "publish", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    app.client = new_client();
    let page = app.get(&path).await.body;
    assert!(page.contains("Unbedingt, die Schaukel fehlt!"));
    assert!(!page.contains("wartet auf die Moderation"));
    Ok(())
}

#[tokio::test]
async fn three_flags_hide_an_idea_behind_a_placeholder_until_a_moderator_decides() -> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "bstadt", false).await;
    app.client = new_client();
    app.signed_in_resident("autor@example.org").await;
    let code = code_of(
        &post_idea(&app, &board, "Laute Idee", "Ihr seid alle doof.")
            .await
            .location
            .unwrap_or_default(),
    );
    let path = idea_path(&app, &board, &code).await;
    let id = path.rsplit('/').next().ok_or("id")?.to_string();
    let flag = format!("{path}/flag?target={id}");
    for n in 0..3 {
        crate::fixtures::established_resident(&mut app, &format!("leser{n}@example.org")).await;
        // A reason is required.
        if n == 0 {
            let res = app.submit(&flag, &flag, &[("reason", "")]).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        }
        let res = app
            .submit(&flag, &flag, &[("reason", "insult"), ("note", "")])
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        // The same person flagging again counts nothing.
        app.submit(&flag, &flag, &[("reason", "insult")]).await;
        let visible = app
            .get(&board.path)
            .await
            .body
            .contains("Ihr seid alle doof.");
        assert_eq!(visible, n < 2, "hidden exactly at the third flag");
    }
    let list = app.get(&board.path).await.body;
    assert!(
        list.contains("Dieser Beitrag ist vorläufig ausgeblendet, weil mehrere Personen"),
        "a placeholder for an automatic hide, not nothing"
    );

    moderator_of(&mut app, &board, "mod@bstadt.example").await;
    let queue = app.get("/manage/moderation?section=flagged").await;
    assert!(queue.body.contains("Ihr seid alle doof."));
    assert!(
        queue.body.contains("Beleidigung"),
        "flag reasons give context"
    );
    let item = format!("/manage/moderation/{id}");
    let res = moderate(&app, &item, "dismiss", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    app.client = new_client();
    assert!(
        app.get(&board.path)
            .await
            .body
            .contains("Ihr seid alle doof."),
        "dismissing restores it"
    );
    Ok(())
}

#[tokio::test]
async fn the_flag_threshold_is_configurable() -> TestResult {
    let mut app = spawn_app_with(&[("TEILHABE_FLAG_THRESHOLD", "4")]).await;
    let board = open_board(&app, "cstadt", false).await;
    app.client = new_client();
    app.signed_in_resident("autor@example.org").await;
    let code = code_of(
        &post_idea(&app, &board, "Werbung", "Kauft bei uns!")
            .await
            .location
            .unwrap_or_default(),
    );
    let path = idea_path(&app, &board, &code).await;
    let id = path.rsplit('/').next().ok_or("id")?.to_string();
    let flag = format!("{path}/flag?target={id}");
    for n in 0..4 {
        crate::fixtures::established_resident(&mut app, &format!("leser{n}@cstadt.example")).await;
        app.submit(&flag, &flag, &[("reason", "spam")]).await;
        app.client = new_client();
        assert_eq!(
            app.get(&board.path).await.body.contains("Kauft bei uns!"),
            n < 3,
            "hidden at the fourth flag"
        );
    }
    Ok(())
}

#[tokio::test]
async fn hiding_tells_the_author_why_and_their_objection_reaches_the_queue() -> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "dstadt", false).await;
    app.client = new_client();
    app.signed_in_resident("autorin@example.org").await;
    let code = code_of(
        &post_idea(&app, &board, "Nachbarschaftshilfe", "Ruft Frau Meier an.")
            .await
            .location
            .unwrap_or_default(),
    );
    let path = idea_path(&app, &board, &code).await;
    let id = path.rsplit('/').next().ok_or("id")?.to_string();

    moderator_of(&mut app, &board, "mod@dstadt.example").await;
    let item = format!("/manage/moderation/{id}");
    let res = app
        .submit(&item, &format!("{item}/hide"), &[("reason", "")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = moderate(
        &app,
        &item,
        "hide",
        &[("reason", "personal_data"), ("note", "Bitte ohne Namen.")],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    app.client = new_client();
    let page = app.get(&path).await;
    assert!(
        page.body
            .contains("Dieser Beitrag wurde von der Moderation ausgeblendet: Persönliche Daten")
    );
    assert!(!page.body.contains("Frau Meier"));

    let mail = app
        .wait_for_mail("autorin@example.org", "/objections/")
        .await;
    assert!(mail.contains("Persönliche Daten") && mail.contains("Bitte ohne Namen."));
    let start = mail.find("/objections/").ok_or("link")?;
    let link: String = mail[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/'))
        .collect();
    assert_eq!(app.get(&link).await.status, StatusCode::OK);
    let res = app.submit(&link, &link, &[("text", "")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .submit(&link, &link, &[("text", "Frau Meier hat zugestimmt.")])
        .await;
    assert_eq!(res.status, StatusCode::OK);

    // One open objection per item is enough.
    let res = app.submit(&link, &link, &[("text", "Noch einmal.")]).await;
    assert_eq!(res.status, StatusCode::CONFLICT);

    app.client = new_client();
    app.login("mod@dstadt.example", "Moderation 2026!").await;
    let queue = app.get("/manage/moderation?section=objections").await;
    assert!(queue.body.contains("Frau Meier hat zugestimmt."));
    assert!(!queue.body.contains("Noch einmal."));
    assert!(
        queue.body.contains("Nachbarschaftshilfe") && queue.body.contains("Persönliche Daten"),
        "the queue says what the objection is about"
    );
    // Redact the name, then show it again.
    moderate(&app, &item, "redact", &[("names", "Frau Meier")]).await;
    moderate(&app, &item, "restore", &[]).await;
    app.client = new_client();
    let page = app.get(&path).await;
    assert!(page.body.contains("Ruft [entfernt] an."), "{}", page.body);
    let actions = audit_actions(&app).await;
    for action in ["moderation.hide", "moderation.redact", "moderation.restore"] {
        assert!(
            actions.contains(&action.to_string()),
            "{action} in {actions:?}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_moderator_of_another_municipality_can_neither_see_nor_act() -> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "estadt", true).await;
    app.client = new_client();
    app.signed_in_resident("mia@example.org").await;
    let code = code_of(
        &post_idea(&app, &board, "Fremde Idee", "Geheim bis zur Freigabe")
            .await
            .location
            .unwrap_or_default(),
    );
    let path = idea_path(&app, &board, &code).await;
    let id = path.rsplit('/').next().ok_or("id")?.to_string();
    app.client = new_client();
    signed_in_staff(&app, "mod@fstadt.example", "fstadt", Role::Moderator).await;
    let queue = app.get("/manage/moderation").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(!queue.body.contains("Geheim bis zur Freigabe"));
    let item = format!("/manage/moderation/{id}");
    assert_eq!(app.get(&item).await.status, StatusCode::NOT_FOUND);
    let res = app
        .submit("/manage/moderation", &format!("{item}/publish"), &[])
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    Ok(())
}

#[tokio::test]
async fn texts_with_personal_data_come_first_in_the_queue_with_marks() -> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "gstadt", true).await;
    app.client = new_client();
    app.signed_in_resident("mia@example.org").await;
    post_idea(&app, &board, "Ohne Daten", "Ein schlichter Text.").await;
    post_idea(&app, &board, "Mit Daten", "Ruft an: 0176 1234567").await;
    moderator_of(&mut app, &board, "mod@gstadt.example").await;
    let queue = app.get("/manage/moderation").await.body;
    assert!(
        queue.find("0176 1234567") < queue.find("Ein schlichter Text."),
        "marked first"
    );
    assert!(queue.contains("Telefonnummer"));
    Ok(())
}

#[tokio::test]
async fn an_edit_on_a_pre_moderated_board_goes_back_to_the_moderators_who_act_only_on_what_they_read()
-> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "hstadt", true).await;
    app.client = new_client();
    crate::fixtures::resident(&app, "autor@hstadt.example").await;
    let author = app.client.clone();
    let code = code_of(
        &post_idea(&app, &board, "Bank am Teich", "Eine Bank zum Ausruhen.")
            .await
            .location
            .unwrap_or_default(),
    );
    let path = idea_path(&app, &board, &code).await;
    let id = path.rsplit('/').next().ok_or("id")?.to_string();
    let item = format!("/manage/moderation/{id}");
    moderator_of(&mut app, &board, "mod@hstadt.example").await;
    let moderator = app.client.clone();
    // The moderator reads the harmless text …
    let seen = seen_version(&app.get(&item).await.body);
    // … and meanwhile the author changes it.
    app.client = author.clone();
    let category = board.categories[0].to_string();
    let edit = format!("{path}/edit");
    let fields = [
        ("title", "Bank am Teich"),
        ("body", "Ruft mich an: 0176 1234567"),
        ("category", category.as_str()),
        ("district", ""),
        ("author_name", ""),
    ];
    assert_eq!(
        app.submit(&edit, &edit, &fields).await.status,
        StatusCode::SEE_OTHER
    );
    app.client = moderator.clone();
    let res = app
        .submit(
            &item,
            &format!("{item}/publish"),
            &[("version", seen.as_str())],
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::CONFLICT,
        "the text changed after reading"
    );
    assert!(res.body.contains("inzwischen geändert"));
    app.client = new_client();
    assert!(!app.get(&board.path).await.body.contains("Bank am Teich"));

    // Published after reading the new text, then edited again: back to the queue, unlisted.
    app.client = moderator.clone();
    assert_eq!(
        moderate(&app, &item, "publish", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    app.client = new_client();
    assert!(app.get(&board.path).await.body.contains("Bank am Teich"));
    app.client = author;
    let fields = [
        ("title", "Bank am Teich"),
        ("body", "Jetzt mit Beleidigungen."),
        ("category", category.as_str()),
        ("district", ""),
        ("author_name", ""),
    ];
    assert_eq!(
        app.submit(&edit, &edit, &fields).await.status,
        StatusCode::SEE_OTHER
    );
    app.client = new_client();
    assert!(
        !app.get(&board.path).await.body.contains("Bank am Teich"),
        "the edited text waits for the moderators"
    );
    assert_eq!(app.get(&path).await.status, StatusCode::NOT_FOUND);
    app.client = moderator;
    assert!(
        app.get("/manage/moderation")
            .await
            .body
            .contains("Jetzt mit Beleidigungen.")
    );
    Ok(())
}

#[tokio::test]
async fn published_texts_with_personal_data_wait_in_their_own_section_until_a_moderator_looks()
-> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "istadt", false).await;
    app.client = new_client();
    crate::fixtures::resident(&app, "autor@istadt.example").await;
    let code = code_of(
        &post_idea(&app, &board, "Fahrdienst", "Meldet euch unter 0176 1234567")
            .await
            .location
            .unwrap_or_default(),
    );
    let path = idea_path(&app, &board, &code).await;
    post_idea(&app, &board, "Ohne Nummer", "Ein schlichter Text.").await;
    let res = app
        .submit(
            &path,
            &format!("{path}/comments"),
            &[("body", "Schreibt an hilfe@example.org")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let id = path.rsplit('/').next().ok_or("id")?.to_string();
    moderator_of(&mut app, &board, "mod@istadt.example").await;
    let section = "/manage/moderation?section=personal";
    let queue = app.get(section).await.body;
    assert!(queue.contains("Persönliche Daten?"));
    assert!(queue.contains("0176 1234567") && queue.contains("hilfe@example.org"));
    assert!(!queue.contains("Ein schlichter Text."));
    // Left as it is: the idea leaves the section; redacted: the comment leaves it too.
    let item = format!("/manage/moderation/{id}");
    assert!(app.get(&item).await.body.contains("In Ordnung, so lassen"));
    assert_eq!(
        moderate(&app, &item, "dismiss", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let comment = teilhabe::moderation::queue::queue_page(
        &app.state.db,
        teilhabe::moderation::queue::Section::Personal,
        None,
        0,
        10,
    )
    .await?
    .0
    .into_iter()
    .find(|i| i.kind == "comment")
    .ok_or("comment in the section")?;
    let item = format!("/manage/moderation/{}", comment.id);
    assert_eq!(
        moderate(&app, &item, "redact", &[("names", "")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let queue = app.get(section).await.body;
    assert!(!queue.contains("0176 1234567") && !queue.contains("hilfe@example.org"));
    app.client = new_client();
    let page = app.get(&path).await.body;
    assert!(page.contains("0176 1234567"), "left as it is");
    assert!(page.contains("Schreibt an [entfernt]"));
    Ok(())
}

#[tokio::test]
async fn an_automatic_hide_tells_the_author_once_how_to_object() -> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "jstadt", false).await;
    app.client = new_client();
    app.signed_in_resident("autor@jstadt.example").await;
    let code = code_of(
        &post_idea(&app, &board, "Laute Idee", "Ihr seid alle doof.")
            .await
            .location
            .unwrap_or_default(),
    );
    let path = idea_path(&app, &board, &code).await;
    let id = path.rsplit('/').next().ok_or("id")?.to_string();
    let flag = format!("{path}/flag?target={id}");
    for n in 0..4 {
        crate::fixtures::established_resident(&mut app, &format!("leser{n}@jstadt.example")).await;
        app.submit(&flag, &flag, &[("reason", "insult"), ("note", "")])
            .await;
    }
    let mail = app
        .wait_for_mail("autor@jstadt.example", "/objections/")
        .await;
    assert!(mail.contains("vorläufig ausgeblendet, weil mehrere Personen"));
    assert!(mail.contains(&path), "the idea's page is linked");
    // Queued once, in the transaction of the flag that hid it (the outbox keeps sent mail).
    let hidden_mails = teilhabe::notifications::service::mails_to(
        &app.state.db,
        &app.state.keys,
        &["autor@jstadt.example"],
    )
    .await?
    .into_iter()
    .filter(|m| m.kind == "idea_hidden")
    .count();
    assert_eq!(hidden_mails, 1, "the fourth flag hides nothing more");
    Ok(())
}

#[tokio::test]
async fn two_moderators_hiding_at_once_hide_mail_and_log_it_once() -> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "kstadt", false).await;
    app.client = new_client();
    app.signed_in_resident("autor@kstadt.example").await;
    let code = code_of(
        &post_idea(&app, &board, "Streit", "Ein strittiger Text.")
            .await
            .location
            .unwrap_or_default(),
    );
    let path = idea_path(&app, &board, &code).await;
    let id = path.rsplit('/').next().ok_or("id")?.to_string();
    let item = format!("/manage/moderation/{id}");
    moderator_of(&mut app, &board, "mod@kstadt.example").await;
    let page = app.get(&item).await.body;
    let token = crate::helpers::csrf_token(&page).ok_or("token")?;
    let version = seen_version(&page);
    let action = format!("{item}/hide");
    let fields = [
        ("csrf_token", token.as_str()),
        ("version", version.as_str()),
        ("reason", "spam"),
        ("note", ""),
    ];
    let (a, b) = tokio::join!(
        app.post_raw(&action, &fields),
        app.post_raw(&action, &fields)
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::CONFLICT]);
    let hides = audit_actions(&app)
        .await
        .iter()
        .filter(|a| *a == "moderation.hide")
        .count();
    assert_eq!(hides, 1);
    let mails = teilhabe::notifications::service::mails_to(
        &app.state.db,
        &app.state.keys,
        &["autor@kstadt.example"],
    )
    .await?
    .into_iter()
    .filter(|m| m.kind == "idea_hidden")
    .count();
    assert_eq!(mails, 1);
    Ok(())
}

#[tokio::test]
async fn restoring_a_hidden_idea_closes_its_objection_and_tells_the_author() -> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "rstadt", false).await;
    app.client = new_client();
    app.signed_in_resident("autor@example.org").await;
    let code = code_of(
        &post_idea(&app, &board, "Lesecafé", "Im Stadtteilzentrum.")
            .await
            .location
            .unwrap_or_default(),
    );
    let path = idea_path(&app, &board, &code).await;
    let id = path.rsplit('/').next().ok_or("id")?.to_string();
    moderator_of(&mut app, &board, "mod@rstadt.example").await;
    let item = format!("/manage/moderation/{id}");
    let res = moderate(&app, &item, "hide", &[("reason", "off_topic")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let mail = app.wait_for_mail("autor@example.org", "/objections/").await;
    let start = mail.find("/objections/").ok_or("link")?;
    let link: String = mail[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/'))
        .collect();
    let moderator = app.client.clone();
    app.client = new_client();
    let res = app
        .submit(&link, &link, &[("text", "Das gehört zum Thema.")])
        .await;
    assert_eq!(res.status, StatusCode::OK);
    app.client = moderator;
    let objections = "/manage/moderation?section=objections";
    assert!(
        app.get(objections)
            .await
            .body
            .contains("Das gehört zum Thema.")
    );

    let res = moderate(&app, &item, "restore", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        !app.get(objections)
            .await
            .body
            .contains("Das gehört zum Thema."),
        "the objection is closed"
    );
    let db = &app.state.db;
    let target = uuid::Uuid::parse_str(&id)?;
    let filed = teilhabe::moderation::objections::objections_for(db, target).await?;
    assert_eq!(filed.len(), 1);
    assert_eq!(filed[0].status, "resolved");
    assert!(filed[0].resolved_at.is_some());
    let mail = app
        .wait_for_mail("autor@example.org", "wieder zu sehen")
        .await;
    assert!(mail.contains("Lesecafé") && mail.contains(&path), "{mail}");
    let entry = entity::audit_log::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .find(|e| e.action == "moderation.restore")
        .ok_or("audit entry")?;
    assert!(
        entry.summary.contains("objection_resolved"),
        "{}",
        entry.summary
    );

    // A restore without an open objection tells nobody.
    moderate(&app, &item, "hide", &[("reason", "off_topic")]).await;
    let res = moderate(&app, &item, "restore", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let told = entity::mail_outbox::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter(|m| {
            m.recipient_key.as_deref()
                == Some(&teilhabe::notifications::service::recipient_key(
                    &app.state.keys,
                    "autor@example.org",
                ))
                && m.subject.contains("wieder zu sehen")
        })
        .count();
    assert_eq!(told, 1);
    Ok(())
}

/// The strategy page counts a goal's ideas from counts the database keeps on each category; they
/// follow every publish, hide, restore and withdrawal.
#[tokio::test]
async fn a_goals_idea_count_follows_hiding_restoring_and_withdrawing() -> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "zstadt", false).await;
    let moderator = app.client.clone();
    app.client = new_client();
    app.signed_in_resident("zaehl@example.org").await;
    let mut paths = Vec::new();
    for title in ["Bänke am Markt", "Mehr Licht im Park"] {
        let code = code_of(
            &post_idea(&app, &board, title, "Bitte.")
                .await
                .location
                .unwrap_or_default(),
        );
        paths.push(idea_path(&app, &board, &code).await);
    }
    let author = app.client.clone();
    let count = |app: &TestApp| {
        let client = app.client.clone();
        let url = app.url("/strategies/zstadt");
        async move {
            let body = client.get(url).send().await?.text().await?;
            Ok::<_, reqwest::Error>(body)
        }
    };
    assert!(count(&app).await?.contains("2 Ideen"));

    app.client = moderator;
    moderator_of(&mut app, &board, "mod@zstadt.example").await;
    let id = paths[0].rsplit('/').next().ok_or("id")?;
    let item = format!("/manage/moderation/{id}");
    let res = moderate(&app, &item, "hide", &[("reason", "off_topic")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(count(&app).await?.contains("1 Idee"), "hidden");
    moderate(&app, &item, "restore", &[]).await;
    assert!(count(&app).await?.contains("2 Ideen"), "restored");

    app.client = author;
    let res = app
        .submit(&paths[1], &format!("{}/withdraw", paths[1]), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(count(&app).await?.contains("1 Idee"), "withdrawn");

    // Every category's kept count is what counting its ideas gives.
    let db = &app.state.db;
    let ideas = entity::ideas::Entity::find().all(db).await?;
    for category in entity::idea_categories::Entity::find().all(db).await? {
        let published = ideas
            .iter()
            .filter(|i| i.category_id == category.id && i.status == "published")
            .count() as i64;
        assert_eq!(category.published_ideas, published, "{}", category.name);
    }
    Ok(())
}
