//! The staff start page `/manage` through HTTP: what each role sees waiting for them, in their
//! own municipalities only, each entry linking to the place to act.

use reqwest::StatusCode;
use teilhabe::{accounts::model as accounts, identity::Role};
use uuid::Uuid;

use crate::{
    fixtures::{
        create_round, day, open_board, post_idea, resident, seed_goals, signed_in_coordinator,
        signed_in_staff, workshop,
    },
    helpers::{TestApp, TestResult, new_client, spawn_app},
};

/// A visitor signs `people` up for the workshop.
async fn sign_up(app: &mut TestApp, id: Uuid, name: &str, people: &str) {
    let staff = std::mem::replace(&mut app.client, new_client());
    let path = format!("/workshops/{id}");
    let res = app
        .submit(&path, &path, &[("name", name), ("people", people)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    app.client = staff;
}

/// A page's HTML with the escapes of `=` and `&` undone, to find links in it.
pub fn unescaped(html: &str) -> String {
    html.replace("&#x3D;", "=").replace("&amp;", "&")
}

/// The text of the page section whose heading has `id`.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id} in {html}"));
    let rest = &html[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

#[tokio::test]
async fn a_coordinator_sees_rounds_of_the_week_upcoming_workshops_and_figures_with_links()
-> TestResult {
    let mut app = spawn_app().await;
    let place = signed_in_coordinator(&app, "koordi@astadt.example", "astadt").await;
    let goals = seed_goals(&app, place, &["Familien stärken"]).await;
    let closing = create_round(
        &app,
        "astadt",
        "Runde endet bald",
        &day(&app, 0),
        &day(&app, 3),
        goals[0],
    )
    .await;
    app.submit(&closing, &format!("{closing}/publish"), &[])
        .await;
    let opening = create_round(
        &app,
        "astadt",
        "Runde beginnt bald",
        &day(&app, 4),
        &day(&app, 40),
        goals[0],
    )
    .await;
    app.submit(&opening, &format!("{opening}/publish"), &[])
        .await;
    let later = create_round(
        &app,
        "astadt",
        "Runde im Frühling",
        &day(&app, 30),
        &day(&app, 60),
        goals[0],
    )
    .await;
    app.submit(&later, &format!("{later}/publish"), &[]).await;

    let soon = workshop(&app, &closing, "Werkstatt Familie", 2, "2").await;
    let far = workshop(&app, &closing, "Werkstatt im Advent", 20, "10").await;
    sign_up(&mut app, soon, "Aylin", "2").await;
    sign_up(&mut app, soon, "Bernd", "1").await;

    let page = app.get("/manage").await;
    assert_eq!(page.status, StatusCode::OK);
    let week = section(&page.body, "dash-week");
    assert!(week.contains("Runde endet bald"), "{week}");
    assert!(week.contains("endet am"), "{week}");
    assert!(week.contains("Runde beginnt bald"), "{week}");
    assert!(week.contains("beginnt am"), "{week}");
    assert!(week.contains(&format!("href=\"{opening}\"")), "{week}");
    assert!(
        !week.contains("Runde im Frühling"),
        "a round opening in a month is not this week's business"
    );

    let workshops = section(&page.body, "dash-workshops");
    assert!(workshops.contains("Werkstatt Familie"), "{workshops}");
    assert!(workshops.contains("ausgebucht"), "{workshops}");
    assert!(
        workshops.contains("1 Person auf der Warteliste"),
        "{workshops}"
    );
    assert!(
        workshops.contains(&format!("/manage/workshops/{soon}/signups")),
        "the entry leads to the sign-ups"
    );
    assert!(
        !workshops.contains(&far.to_string()),
        "a workshop in 20 days is beyond the next 14"
    );

    let rounds = section(&page.body, "dash-rounds");
    assert!(rounds.contains("Runde endet bald"), "{rounds}");
    assert!(
        rounds.contains("2 Personen für Werkstätten angemeldet"),
        "confirmed people, not the waitlist: {rounds}"
    );
    assert!(rounds.contains("0 Antworten auf Umfragen"), "{rounds}");
    assert!(rounds.contains("0 Ideen"), "{rounds}");
    assert!(
        rounds.contains(&format!("{closing}/workshops")),
        "workshops are reachable from the start page"
    );
    assert!(
        !rounds.contains("Runde beginnt bald"),
        "only open rounds have figures"
    );
    for link in [
        "/manage/rounds",
        "/manage/strategies",
        "/manage/surveys",
        "/manage/boards",
    ] {
        assert!(page.body.contains(&format!("href=\"{link}\"")), "{link}");
    }
    assert!(
        !page.body.contains("href=\"/manage/moderation\""),
        "a coordinator has no moderation to do"
    );
    assert!(!page.body.contains("href=\"/manage/outbox"));
    Ok(())
}

#[tokio::test]
async fn a_moderator_sees_waiting_items_objections_and_free_texts_linking_to_the_queues()
-> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "bstadt", true).await;
    app.client = new_client();
    resident(&app, "resi@example.org").await;
    for title in ["Mehr Bänke im Park", "Ein Bus am Sonntag"] {
        let res = post_idea(&app, &board, title, "Das würde vielen helfen.").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
    app.client = new_client();
    let now = app.state.clock.now();
    let moderator = accounts::ensure_user(
        &app.state.db,
        "moder@bstadt.example",
        teilhabe::web::i18n::Lang::De,
        now,
    )
    .await?;
    accounts::store_password(&app.state.db, moderator.id, "Moderation 2026!").await?;
    accounts::mark_verified(&app.state.db, moderator.id, now).await?;
    accounts::grant_role(
        &app.state.db,
        moderator.id,
        Role::Moderator,
        Some(board.place),
        None,
        now,
    )
    .await?;
    app.login("moder@bstadt.example", "Moderation 2026!").await;

    let page = app.get("/manage").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = unescaped(&page.body);
    let work = section(&body, "dash-moderation");
    assert!(work.contains("2 Beiträge warten auf Freigabe"), "{work}");
    assert!(
        work.contains("href=\"/manage/moderation?section=pending\""),
        "{work}"
    );
    assert!(work.contains("href=\"/manage/free-text\""), "{work}");
    assert!(
        !page.body.contains("id=\"dash-rounds\""),
        "a moderator sees no coordination"
    );

    // Publishing one leaves one.
    let (items, _) = teilhabe::moderation::queue::queue_page(
        &app.state.db,
        teilhabe::moderation::queue::Section::Pending,
        None,
        0,
        10,
    )
    .await?;
    let item = format!("/manage/moderation/{}", items[0].id);
    let res = crate::moderation::moderate(&app, &item, "publish", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let work = app.get("/manage").await.body;
    assert!(
        section(&work, "dash-moderation").contains("1 Beitrag wartet auf Freigabe"),
        "{work}"
    );
    Ok(())
}

#[tokio::test]
async fn someone_with_roles_in_two_municipalities_sees_both_named_and_nothing_of_a_third()
-> TestResult {
    let mut app = spawn_app().await;
    // Work waits in a third municipality, cstadt, that this person has nothing to do with.
    let other = open_board(&app, "cstadt", true).await;
    app.client = new_client();
    resident(&app, "resi@example.org").await;
    post_idea(&app, &other, "Geheime Idee aus C", "Nur für C.").await;

    // Moderator in Astadt (with a waiting idea), coordinator in Bstadt (with an open round).
    app.client = new_client();
    let own = open_board(&app, "astadt", true).await;
    app.client = new_client();
    resident(&app, "resi2@example.org").await;
    post_idea(&app, &own, "Idee aus A", "Für A.").await;

    app.client = new_client();
    let bstadt = signed_in_staff(&app, "both@example.org", "bstadt", Role::Coordinator).await;
    let now = app.state.clock.now();
    let user = accounts::find_by_email(&app.state.db, "both@example.org")
        .await?
        .ok_or("no user")?;
    accounts::grant_role(
        &app.state.db,
        user.id,
        Role::Moderator,
        Some(own.place),
        None,
        now,
    )
    .await?;
    let goals = seed_goals(&app, bstadt, &["Wohnen"]).await;
    let round = create_round(
        &app,
        "bstadt",
        "Wohnen in Bstadt",
        &day(&app, 0),
        &day(&app, 30),
        goals[0],
    )
    .await;
    app.submit(&round, &format!("{round}/publish"), &[]).await;

    let page = app.get("/manage").await;
    assert_eq!(page.status, StatusCode::OK);
    let work = section(&page.body, "dash-moderation");
    assert!(work.contains("<h3>astadt</h3>"), "named: {work}");
    assert!(work.contains("1 Beitrag wartet auf Freigabe"), "{work}");
    let rounds = section(&page.body, "dash-rounds");
    assert!(rounds.contains("Wohnen in Bstadt"), "{rounds}");
    assert!(rounds.contains("bstadt"), "named: {rounds}");
    assert!(
        !page.body.contains("cstadt") && !page.body.contains("Ideen für cstadt"),
        "nothing of a municipality this person does not work for"
    );
    assert!(
        !rounds.contains("Ideen für astadt"),
        "only moderation in Astadt, no rounds: {rounds}"
    );
    Ok(())
}

#[tokio::test]
async fn an_admin_sees_failed_mails_the_missing_legal_texts_and_every_area() -> TestResult {
    let app = spawn_app().await;
    app.signed_in_admin("admin@example.org").await;
    let page = app.get("/manage").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Noch nicht eingerichtet:"),
        "a fresh instance tells the admin"
    );
    assert!(page.body.contains("href=\"/manage/legal\""));
    assert!(
        !page.body.contains("konnte nicht verschickt werden")
            && !page.body.contains("konnten nicht verschickt werden")
    );

    // A mail that failed for good.
    {
        use sea_orm::{ActiveModelTrait, Set};
        let now = app.state.clock.now();
        entity::mail_outbox::ActiveModel {
            id: Set(Uuid::now_v7()),
            message_id: Set("<x@example.org>".into()),
            kind: Set("verify".into()),
            subject: Set("Test".into()),
            recipient_domain: Set("example.org".into()),
            recipient_key: Set(None),
            topic: Set(None),
            sealed: Set(None),
            status: Set("failed".into()),
            attempts: Set(8),
            next_attempt_at: Set(now),
            locked_until: Set(None),
            claim: Set(None),
            last_error: Set(Some("550".into())),
            created_at: Set(now),
            sent_at: Set(None),
        }
        .insert(&app.state.db)
        .await?;
    }
    for kind in ["imprint", "privacy"] {
        let path = format!("/manage/legal/{kind}");
        let res = app
            .submit(
                &path,
                &path,
                &[("municipality", ""), ("body", "# Betreiber\n\nStadt")],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
    let page = app.get("/manage").await;
    assert!(
        page.body
            .contains("1 E-Mail konnte nicht verschickt werden"),
        "{}",
        page.body
    );
    assert!(page.body.contains("href=\"/manage/outbox?status=failed\""));
    assert!(
        !page.body.contains("Noch nicht eingerichtet:"),
        "the notice goes once both texts exist"
    );
    for link in [
        "/manage/rounds",
        "/manage/strategies",
        "/manage/surveys",
        "/manage/boards",
        "/manage/moderation",
        "/manage/free-text",
        "/manage/municipalities",
        "/manage/users",
        "/manage/outbox",
        "/manage/audit",
        "/manage/legal",
    ] {
        assert!(page.body.contains(&format!("href=\"{link}\"")), "{link}");
    }
    Ok(())
}
