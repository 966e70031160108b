use chrono::{Duration, NaiveDate};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use teilhabe::identity::Role;
use uuid::Uuid;

use crate::{
    fixtures::{
        create_round, day, round_fields, seed_goals, signed_in_coordinator, signed_in_staff,
    },
    helpers::{TestApp, TestResult, mails_to, new_client, spawn_app},
};

async fn post_fields(
    app: &TestApp,
    form: &str,
    action: &str,
    fields: &[(String, String)],
) -> crate::helpers::Page {
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    app.submit(form, action, &borrowed).await
}

async fn publish(app: &TestApp, manage: &str) -> crate::helpers::Page {
    app.submit(manage, &format!("{manage}/publish"), &[]).await
}

#[tokio::test]
async fn a_draft_is_visible_to_its_coordinator_only_until_it_is_published() -> TestResult {
    let mut app = spawn_app().await;
    let place = signed_in_coordinator(&app, "koordi@astadt.example", "astadt").await;
    let goals = seed_goals(&app, place, &["Mehr Menschen in Arbeit"]).await;
    let manage = create_round(
        &app,
        "astadt",
        "Arbeit finden – was hilft?",
        &day(&app, 0),
        &day(&app, 30),
        goals[0],
    )
    .await;
    assert!(manage.starts_with("/manage/rounds/"));

    let page = app.get(&manage).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("value=\"arbeit-finden-was-hilft\""),
        "slug made from the title"
    );
    assert!(page.body.contains("Entwurf"));

    // Nobody sees a draft in public, not even its coordinator.
    assert_eq!(
        app.get("/rounds/arbeit-finden-was-hilft").await.status,
        StatusCode::NOT_FOUND
    );
    assert!(!app.get("/").await.body.contains("Arbeit finden"));
    let preview = app.get(&format!("{manage}/preview")).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.body.contains("Vorschau"));
    assert!(
        preview.body.contains("<strong>Mitmachen</strong>"),
        "description rendered as Markdown"
    );
    assert!(preview.body.contains("Mehr Menschen in Arbeit"));
    assert!(preview.body.contains("tel:07211335000"));

    let res = publish(&app, &manage).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let public = app.get("/rounds/arbeit-finden-was-hilft").await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.body.contains("Läuft"));
    assert!(public.body.contains("Rathaus, Zimmer 12"));
    assert!(
        app.get("/")
            .await
            .body
            .contains("Arbeit finden – was hilft?")
    );

    // A visitor who is not signed in sees it too.
    app.client = new_client();
    assert_eq!(
        app.get("/rounds/arbeit-finden-was-hilft").await.status,
        StatusCode::OK
    );

    let actions = audit_actions(&app).await;
    assert!(actions.contains(&"round.create".to_string()), "{actions:?}");
    assert!(actions.contains(&"round.open".to_string()), "{actions:?}");
    Ok(())
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    let (entries, _) = teilhabe::audit::service::page(&app.state.db, 0, 100)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    entries.into_iter().map(|e| e.action).collect()
}

async fn audit_summaries(app: &TestApp, action: &str) -> Vec<String> {
    let (entries, _) = teilhabe::audit::service::page(&app.state.db, 0, 100)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    entries
        .into_iter()
        .filter(|e| e.action == action)
        .map(|e| e.summary)
        .collect()
}

/// The first `/subscriptions/…` link of `purpose` in a mail.
pub fn subscription_path(mail: &str, purpose: &str) -> String {
    let needle = format!("/{purpose}/");
    let at = mail
        .match_indices("/subscriptions/")
        .map(|(i, _)| i)
        .find(|i| {
            mail[*i..]
                .chars()
                .take(120)
                .collect::<String>()
                .contains(&needle)
        })
        .unwrap_or_else(|| panic!("no {purpose} link in:\n{mail}"));
    mail[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '/')
        .collect()
}

async fn subscribe(app: &TestApp, place: &str, email: &str, lang: &str) {
    let form = format!("/subscribe?municipality={place}&lang={lang}");
    let res = app
        .submit(
            &form,
            "/subscribe",
            &[("municipality", place), ("email", email)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location.as_deref(), Some("/subscribe/sent"));
}

#[tokio::test]
async fn opening_a_round_notifies_confirmed_subscribers_in_their_language_and_they_can_unsubscribe()
-> TestResult {
    let mut app = spawn_app().await;
    let coordinator = {
        let place = signed_in_coordinator(&app, "koordi@astadt.example", "astadt").await;
        let goals = seed_goals(&app, place, &["Teilhabe im Alter"]).await;
        (app.client.clone(), goals[0])
    };

    // Double opt-in: a resident subscribes (in English) and confirms from the mail.
    app.client = new_client();
    subscribe(&app, "astadt", "Resi@Example.org", "en").await;
    let mail = app.wait_for_mail("resi@example.org", "/confirm/").await;
    assert!(mail.contains("Please confirm your subscription"), "{mail}");
    let confirm = subscription_path(&mail, "confirm");
    let page = app.get(&confirm).await;
    assert_eq!(page.status, StatusCode::OK, "a GET changes nothing");
    let res = app.submit(&confirm, &confirm, &[]).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("Subscription confirmed"));

    // Another address subscribes but never confirms; a forged link does nothing.
    subscribe(&app, "astadt", "zaudernd@example.org", "de").await;
    let unconfirmed = app.wait_for_mail("zaudernd@example.org", "/confirm/").await;
    let forged = subscription_path(&unconfirmed, "confirm");
    let forged = format!("{}{}", &forged[..forged.len() - 4], "0000");
    assert_eq!(app.get(&forged).await.status, StatusCode::NOT_FOUND);

    // Subscribing again answers the same and tells the confirmed address it already is.
    subscribe(&app, "astadt", "resi@example.org", "en").await;
    app.wait_for_mail("resi@example.org", "You are already subscribed")
        .await;

    app.client = coordinator.0;
    let manage = create_round(
        &app,
        "astadt",
        "Älter werden in Astadt",
        &day(&app, 0),
        &day(&app, 14),
        coordinator.1,
    )
    .await;
    assert_eq!(publish(&app, &manage).await.status, StatusCode::SEE_OTHER);
    let news = app
        .wait_for_mail("resi@example.org", "Älter werden in Astadt")
        .await;
    assert!(news.contains("New participation round"), "{news}");
    assert!(news.contains("/rounds/aelter-werden-in-astadt"));
    assert!(
        mails_to(&app.data_dir.join("mail"), "zaudernd@example.org")
            .iter()
            .all(|m| !m.contains("Älter werden")),
        "unconfirmed addresses get nothing"
    );

    // The link in the mail unsubscribes: the address is deleted.
    app.client = new_client();
    let leave = subscription_path(&news, "unsubscribe");
    assert_eq!(app.get(&leave).await.status, StatusCode::OK);
    let res = app.submit(&leave, &leave, &[]).await;
    assert!(res.body.contains("abgemeldet") || res.body.contains("unsubscribed"));
    let left = entity::round_subscriptions::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(left.iter().all(|s| s.email != "resi@example.org"));
    Ok(())
}

#[tokio::test]
async fn a_released_round_opens_and_closes_by_itself_when_its_period_begins_and_ends() -> TestResult
{
    let app = spawn_app().await;
    let place = signed_in_coordinator(&app, "koordi@astadt.example", "astadt").await;
    let goals = seed_goals(&app, place, &["Gute Wohnungen für alle"]).await;
    let manage = create_round(
        &app,
        "astadt",
        "Wohnen",
        &day(&app, 2),
        &day(&app, 5),
        goals[0],
    )
    .await;
    assert_eq!(publish(&app, &manage).await.status, StatusCode::SEE_OTHER);
    let page = app.get(&manage).await;
    assert!(
        page.body.contains("startet automatisch"),
        "released, waiting for its start"
    );
    assert_eq!(
        app.get("/rounds/wohnen").await.status,
        StatusCode::NOT_FOUND
    );

    // To the round's own start and end, so the test means the same at any hour.
    let round = entity::rounds::Entity::find()
        .filter(entity::rounds::Column::Slug.eq("wohnen"))
        .one(&app.state.db)
        .await?
        .ok_or("no round")?;
    app.advance_clock_to(round.starts_at + Duration::minutes(1));
    wait_for_status(&app, "/rounds/wohnen", "Läuft").await;
    app.advance_clock_to(round.ends_at + Duration::minutes(1));
    wait_for_status(&app, "/rounds/wohnen", "Beendet").await;

    let closed = audit_summaries(&app, "round.close").await;
    assert!(
        closed.iter().any(|s| s.contains("period ended")),
        "{closed:?}"
    );
    Ok(())
}

async fn wait_for_status(app: &TestApp, path: &str, text: &str) {
    for _ in 0..100 {
        let page = app.get(path).await;
        if page.status == StatusCode::OK && page.body.contains(text) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{path} never showed {text:?}");
}

#[tokio::test]
async fn a_round_goes_from_open_to_closed_to_evaluated_and_never_back_to_open() -> TestResult {
    let app = spawn_app().await;
    let place = signed_in_coordinator(&app, "koordi@astadt.example", "astadt").await;
    let goals = seed_goals(&app, place, &["Gesund aufwachsen"]).await;
    let manage = create_round(
        &app,
        "astadt",
        "Gesundheit",
        &day(&app, 0),
        &day(&app, 10),
        goals[0],
    )
    .await;

    // A draft cannot be closed.
    let res = app.submit(&manage, &format!("{manage}/close"), &[]).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(
        res.body
            .contains("Das geht im jetzigen Stand der Runde nicht.")
    );

    publish(&app, &manage).await;
    let res = app.submit(&manage, &format!("{manage}/close"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);

    // Evaluating needs the public summary; a missing one is refused with a message.
    let res = app
        .submit(
            &manage,
            &format!("{manage}/evaluate"),
            &[("evaluation_summary", "  ")],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(
        res.body
            .contains("Bitte schreiben Sie, was aus der Beteiligung wurde.")
    );

    let summary = "Ihre Hinweise führten zu **zwei neuen Sprechstunden**.";
    let res = app
        .submit(
            &manage,
            &format!("{manage}/evaluate"),
            &[("evaluation_summary", summary)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let public = app.get("/rounds/gesundheit").await;
    assert!(public.body.contains("Was aus Ihrer Beteiligung wurde"));
    assert!(
        public
            .body
            .contains("<strong>zwei neuen Sprechstunden</strong>")
    );

    // Evaluated → open is not a transition.
    let res = app.submit(&manage, &format!("{manage}/reopen"), &[]).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(
        app.get("/rounds/gesundheit")
            .await
            .body
            .contains("Ergebnis liegt vor")
    );

    let actions = audit_actions(&app).await;
    for action in [
        "round.create",
        "round.open",
        "round.close",
        "round.evaluate",
    ] {
        assert!(
            actions.contains(&action.to_string()),
            "{action} in {actions:?}"
        );
    }

    // An edit after the evaluation: the slug stays, the history shows who changed what.
    let mut fields = round_fields(
        "Gesundheit für alle",
        &day(&app, 0),
        &day(&app, 10),
        &goals[0].to_string(),
    );
    fields.retain(|(k, _)| k != "slug");
    fields.push(("slug".into(), "neuer-name".into()));
    let res = post_fields(&app, &manage, &manage, &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(
        app.get("/rounds/gesundheit")
            .await
            .body
            .contains("Gesundheit für alle")
    );
    let page = app.get(&manage).await;
    assert!(page.body.contains("Verlauf"));
    assert!(page.body.contains("Geändert: Titel"), "{}", page.body);
    for step in [
        "Angelegt",
        "Veröffentlicht",
        "Beendet",
        "Ergebnis veröffentlicht",
    ] {
        assert!(page.body.contains(step), "{step}");
    }
    assert!(page.body.contains("koordi@astadt.example"));
    let updates = audit_summaries(&app, "round.update").await;
    assert!(
        updates
            .iter()
            .any(|s| s.contains("\"before\":{") && s.contains("Gesundheit für alle")),
        "{updates:?}"
    );
    Ok(())
}

#[tokio::test]
async fn bad_round_input_comes_back_with_localized_messages_and_everything_typed() -> TestResult {
    let app = spawn_app().await;
    let place = signed_in_coordinator(&app, "koordi@astadt.example", "astadt").await;
    let goals = seed_goals(&app, place, &["Bildung von Anfang an"]).await;
    let other_place = teilhabe::admin::service::create_municipality(
        &app.state.db,
        None,
        teilhabe::admin::service::NewMunicipality {
            name: "Bstadt",
            slug: "bstadt",
            min_group_size: 5,
        },
        app.state.clock.now(),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let foreign = seed_goals(&app, other_place.id, &["Ziel von Bstadt"]).await;
    let form = "/manage/rounds/new?municipality=astadt";

    let mut fields = round_fields("", &day(&app, 10), &day(&app, 3), &goals[0].to_string());
    fields.retain(|(k, _)| k != "contact_phone" && k != "contact_email");
    fields.push(("contact_phone".into(), "ruf an".into()));
    fields.push(("contact_email".into(), String::new()));
    let res = post_fields(&app, form, form, &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Bitte geben Sie einen Titel ein."));
    assert!(
        res.body
            .contains("Der letzte Tag darf nicht vor dem ersten Tag liegen.")
    );
    assert!(
        res.body
            .contains("Bitte geben Sie eine Telefonnummer mit Ziffern an")
    );
    assert!(
        res.body
            .contains("Wir wollen wissen, was Ihnen im Alltag hilft."),
        "typed text kept"
    );
    assert!(res.body.contains("value=\"ruf an\""));
    assert!(
        res.body
            .contains(&format!("value=\"{}\" checked", goals[0])),
        "chosen goal kept"
    );

    // Goals of another municipality are refused.
    let fields = round_fields(
        "Bildung",
        &day(&app, 0),
        &day(&app, 3),
        &foreign[0].to_string(),
    );
    let res = post_fields(&app, form, form, &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Bitte wählen Sie nur Ziele aus der Strategie dieser Kommune.")
    );

    // No goal at all is refused too.
    let mut fields = round_fields("Bildung", &day(&app, 0), &day(&app, 3), "");
    fields.retain(|(k, _)| k != "goal_ids");
    let res = post_fields(&app, form, form, &fields).await;
    assert!(res.body.contains("Bitte wählen Sie mindestens ein Ziel."));

    // A slug made from the title steps aside; a slug typed in that is taken is refused.
    create_round(
        &app,
        "astadt",
        "Bildung",
        &day(&app, 0),
        &day(&app, 3),
        goals[0],
    )
    .await;
    let second = create_round(
        &app,
        "astadt",
        "Bildung",
        &day(&app, 0),
        &day(&app, 3),
        goals[0],
    )
    .await;
    assert!(app.get(&second).await.body.contains("value=\"bildung-2\""));
    let mut fields = round_fields(
        "Noch einmal Bildung",
        &day(&app, 0),
        &day(&app, 3),
        &goals[0].to_string(),
    );
    fields.retain(|(k, _)| k != "slug");
    fields.push(("slug".into(), "bildung".into()));
    let res = post_fields(&app, form, form, &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Diese Kurzbezeichnung ist schon vergeben.")
    );
    assert!(res.body.contains("value=\"Noch einmal Bildung\""));
    Ok(())
}

#[tokio::test]
async fn a_coordinator_can_neither_see_nor_change_another_municipalitys_rounds() -> TestResult {
    let mut app = spawn_app().await;
    let a = signed_in_coordinator(&app, "koordi@astadt.example", "astadt").await;
    let goals = seed_goals(&app, a, &["Ziel A"]).await;
    let manage = create_round(
        &app,
        "astadt",
        "Geheimer Entwurf",
        &day(&app, 0),
        &day(&app, 9),
        goals[0],
    )
    .await;

    app.client = new_client();
    signed_in_staff(&app, "koordi@bstadt.example", "bstadt", Role::Coordinator).await;
    assert!(
        !app.get("/manage/rounds")
            .await
            .body
            .contains("Geheimer Entwurf")
    );
    assert_eq!(app.get(&manage).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&format!("{manage}/preview")).await.status,
        StatusCode::NOT_FOUND
    );
    for action in ["publish", "close", "evaluate"] {
        let res = app
            .submit(
                "/manage/rounds",
                &format!("{manage}/{action}"),
                &[("evaluation_summary", "x")],
            )
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{action}");
    }
    let fields = round_fields(
        "Übernommen",
        &day(&app, 0),
        &day(&app, 9),
        &goals[0].to_string(),
    );
    let res = post_fields(&app, "/manage/rounds", &manage, &fields).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    // Nor can they create rounds for it.
    let res = post_fields(
        &app,
        "/manage/rounds",
        "/manage/rounds/new?municipality=astadt",
        &fields,
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);

    let id: Uuid = manage.trim_start_matches("/manage/rounds/").parse()?;
    let round = entity::rounds::Entity::find_by_id(id)
        .one(&app.state.db)
        .await?
        .unwrap_or_else(|| panic!("round gone"));
    assert_eq!(round.title, "Geheimer Entwurf");
    assert_eq!(round.status, "draft");
    Ok(())
}

#[tokio::test]
async fn the_home_page_lists_open_rounds_first_filters_them_and_pages_through_them() -> TestResult {
    let mut app = spawn_app().await;
    let a = signed_in_coordinator(&app, "koordi@astadt.example", "astadt").await;
    let goals = seed_goals(&app, a, &["Ziel A"]).await;
    // An ended round in Astadt, then 26 open ones.
    let old = create_round(
        &app,
        "astadt",
        "Rückblick",
        &day(&app, 0),
        &day(&app, 1),
        goals[0],
    )
    .await;
    publish(&app, &old).await;
    app.submit(&old, &format!("{old}/close"), &[]).await;
    for n in 0..26 {
        let manage = create_round(
            &app,
            "astadt",
            &format!("Offene Runde {n:02}"),
            &day(&app, 0),
            &day(&app, 30 + n),
            goals[0],
        )
        .await;
        publish(&app, &manage).await;
    }
    let coordinator_a = app.client.clone();
    app.client = new_client();
    let b = signed_in_coordinator(&app, "koordi@bstadt.example", "bstadt").await;
    let goals_b = seed_goals(&app, b, &["Ziel B"]).await;
    let form = "/manage/rounds/new?municipality=bstadt";
    let mut fields = round_fields(
        "Bstadt für Familien",
        &day(&app, 0),
        &day(&app, 5),
        &goals_b[0].to_string(),
    );
    fields.retain(|(k, _)| k != "target_groups");
    fields.push(("target_groups".into(), "Familien mit Kindern".into()));
    let res = post_fields(&app, form, form, &fields).await;
    publish(&app, &res.location.unwrap_or_default()).await;
    let _ = coordinator_a;

    app.client = new_client();
    let first = app.get("/").await;
    assert!(first.body.contains("Seite 1 von 2"));
    let soonest = first.body.find("Bstadt für Familien").unwrap_or(usize::MAX);
    let later = first.body.find("Offene Runde 00").unwrap_or(usize::MAX);
    assert!(
        soonest < later && later < usize::MAX,
        "open rounds closing soonest come first"
    );
    assert!(
        !first.body.contains("Rückblick"),
        "ended rounds come after all open ones"
    );
    let second = app.get("/?page=2").await;
    assert!(second.body.contains("Rückblick"));

    let only_b = app.get("/?municipality=bstadt").await;
    assert!(only_b.body.contains("Bstadt für Familien"));
    assert!(!only_b.body.contains("Offene Runde"));

    let families = app.get("/?group=Familien+mit+Kindern").await;
    assert!(families.body.contains("Bstadt für Familien"));
    assert!(!families.body.contains("Offene Runde"));
    let single_parents = app
        .get("/?municipality=astadt&group=Alleinerziehende&page=2")
        .await;
    assert!(single_parents.body.contains("Rückblick"));
    let links = single_parents
        .body
        .replace("&#x3D;", "=")
        .replace("&amp;", "&");
    assert!(
        links.contains("href=\"/?municipality=astadt&group=Alleinerziehende&page=1\""),
        "page links keep the filters"
    );
    Ok(())
}

#[tokio::test]
async fn the_demo_has_rounds_in_every_state_tied_to_the_demo_strategy() -> TestResult {
    let app = spawn_app().await;
    let place =
        signed_in_coordinator(&app, "koordination@musterstadt.example", "musterstadt").await;
    let db = &app.state.db;
    let now = app.state.clock.now();
    teilhabe::strategy::demo::seed(db, place, now).await?;
    let user = teilhabe::accounts::model::find_by_email(db, "koordination@musterstadt.example")
        .await?
        .unwrap_or_else(|| panic!("coordinator"));
    let coordinator = teilhabe::identity::session_user(db, user.id, user.session_version)
        .await?
        .unwrap_or_else(|| panic!("coordinator"));
    let created = teilhabe::rounds::demo::seed(db, &app.state, &coordinator, place, now)
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(created, 6);
    let again = teilhabe::rounds::demo::seed(db, &app.state, &coordinator, place, now)
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(again, 0, "seeding twice adds nothing");

    let list = app.get("/manage/rounds").await;
    for status in [
        "Entwurf (2)",
        "Läuft – machen Sie mit (2)",
        "Beendet (1)",
        "Ergebnis liegt vor (1)",
    ] {
        assert!(list.body.contains(status), "{status}");
    }
    let home = app.get("/").await;
    assert!(home.body.contains("Gut ankommen im Job"));
    assert!(home.body.contains("Einsamkeit im Alter"));
    assert!(
        !home.body.contains("Mobil ohne Auto"),
        "drafts stay private"
    );
    let evaluated = app
        .get("/rounds/einsamkeit-im-alter-gemeinsam-dagegen")
        .await;
    assert!(evaluated.body.contains("zwei neue Treffpunkte"));
    Ok(())
}

#[tokio::test]
async fn a_goal_page_shows_the_rounds_that_feed_it_with_their_last_day() -> TestResult {
    let app = spawn_app().await;
    let place = signed_in_coordinator(&app, "koordi@astadt.example", "astadt").await;
    let goals = seed_goals(&app, place, &["Weniger Menschen sind langzeitarbeitslos"]).await;
    let manage = create_round(
        &app,
        "astadt",
        "Arbeit",
        &day(&app, 0),
        &day(&app, 9),
        goals[0],
    )
    .await;
    publish(&app, &manage).await;
    let page = app.get(&format!("/goals/{}", goals[0])).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("/rounds/arbeit"));
    let german = |iso: &str| {
        NaiveDate::parse_from_str(iso, "%Y-%m-%d")
            .map(|d| d.format("%d.%m.%Y").to_string())
            .unwrap_or_default()
    };
    assert!(page.body.contains(&german(&day(&app, 9))), "{}", page.body);
    assert!(
        !page.body.contains(&german(&day(&app, 10))),
        "not the day after"
    );
    Ok(())
}

#[tokio::test]
async fn target_groups_that_differ_only_in_case_are_one_group() -> TestResult {
    let app = spawn_app().await;
    let place = signed_in_coordinator(&app, "koordi@astadt.example", "astadt").await;
    let goals = seed_goals(&app, place, &["Ziel"]).await;
    let form = "/manage/rounds/new?municipality=astadt";
    for (title, groups) in [
        ("Erste", "Alleinerziehende"),
        ("Zweite", "alleinerziehende, Senioren"),
    ] {
        let mut fields = round_fields(title, &day(&app, 0), &day(&app, 9), &goals[0].to_string());
        fields.retain(|(k, _)| k != "target_groups");
        fields.push(("target_groups".into(), groups.into()));
        let res = post_fields(&app, form, form, &fields).await;
        publish(&app, &res.location.unwrap_or_default()).await;
    }
    let home = app.get("/").await;
    assert_eq!(
        home.body
            .matches("<option value=\"Alleinerziehende\"")
            .count(),
        1
    );
    assert!(!home.body.contains("<option value=\"alleinerziehende\""));
    let filtered = app.get("/?group=Alleinerziehende").await;
    assert!(filtered.body.contains("Erste") && filtered.body.contains("Zweite"));
    Ok(())
}

#[tokio::test]
async fn a_confirmation_link_expires_after_a_week_and_subscribing_again_renews_it() -> TestResult {
    let app = spawn_app().await;
    signed_in_coordinator(&app, "koordi@astadt.example", "astadt").await;
    subscribe(&app, "astadt", "spaet@example.org", "de").await;
    let first = app.wait_for_mail("spaet@example.org", "/confirm/").await;
    let confirm = subscription_path(&first, "confirm");
    app.state.clock.advance(Duration::days(8));
    let res = app.submit(&confirm, &confirm, &[]).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.body.contains("Dieser Link gilt nicht mehr"));

    // Subscribing again sends a new mail whose link works for a full week again.
    subscribe(&app, "astadt", "spaet@example.org", "de").await;
    for _ in 0..50 {
        if mails_to(&app.data_dir.join("mail"), "spaet@example.org").len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    app.state.clock.advance(Duration::days(6));
    let res = app.submit(&confirm, &confirm, &[]).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("Anmeldung bestätigt"));
    Ok(())
}

#[tokio::test]
async fn a_released_round_whose_period_passed_unopened_becomes_a_plain_draft_again() -> TestResult {
    let app = spawn_app().await;
    let place = signed_in_coordinator(&app, "koordi@astadt.example", "astadt").await;
    let goals = seed_goals(&app, place, &["Ziel"]).await;
    let manage = create_round(
        &app,
        "astadt",
        "Verpasst",
        &day(&app, 1),
        &day(&app, 2),
        goals[0],
    )
    .await;
    publish(&app, &manage).await;
    // The whole period passes in one jump, as if the server had been down throughout.
    app.state.clock.advance(Duration::days(4));
    teilhabe::rounds::due::advance_due(&app.state)
        .await
        .map_err(|e| e.to_string())?;
    let page = app.get(&manage).await;
    assert!(page.body.contains("Entwurf"));
    assert!(
        page.body.contains("badge--draft\">Entwurf</span>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Freigabe zurückgenommen – automatisch"));
    assert_eq!(
        app.get("/rounds/verpasst").await.status,
        StatusCode::NOT_FOUND
    );
    Ok(())
}

#[tokio::test]
async fn the_subscribe_button_does_not_read_like_signing_in() -> TestResult {
    let app = spawn_app().await;
    for (lang, label, login) in [
        ("de", "Benachrichtigen lassen", ">Anmelden</button>"),
        ("en", "Get notified", ">Sign in</button>"),
    ] {
        let page = app.get(&format!("/subscribe?lang={lang}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body
                .contains(&format!("<button type=\"submit\">{label}</button>")),
            "{}",
            page.body
        );
        assert!(!page.body.contains(login));
    }
    Ok(())
}
