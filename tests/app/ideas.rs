//! Idea boards through HTTP: posting (signed in and by e-mail confirmation), listing, supports
//! under concurrency, comments, editing, official answers and receipt codes.

use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::{
    fixtures::{Board, code_of, idea_path, open_board, post_idea, resident},
    helpers::{TestApp, TestResult, new_client, spawn_app},
};

/// The first `/idea-links/…/{purpose}/…` path in a mail.
pub fn idea_link(mail: &str, purpose: &str) -> String {
    let marker = format!("/{purpose}/");
    mail.match_indices("/idea-links/")
        .map(|(i, _)| {
            mail[i..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/'))
                .collect::<String>()
        })
        .find(|link| link.contains(&marker))
        .unwrap_or_else(|| panic!("no {purpose} link in:\n{mail}"))
}

#[tokio::test]
async fn a_signed_in_resident_posts_an_idea_that_is_shown_at_once_with_a_receipt_code() -> TestResult
{
    let mut app = spawn_app().await;
    let board = open_board(&app, "astadt", false).await;
    // The round page links to the board.
    let slug = entity::rounds::Entity::find()
        .filter(entity::rounds::Column::MunicipalityId.eq(board.place))
        .one(&app.state.db)
        .await?
        .ok_or("round")?
        .slug;
    let round = app.get(&format!("/rounds/{slug}")).await;
    assert!(
        round.body.contains(&board.path),
        "round page links the board"
    );

    app.client = new_client();
    app.signed_in_resident("mia@example.org").await;
    let res = post_idea(
        &app,
        &board,
        "Mehr Bänke im Park",
        "Ältere Menschen brauchen Pausen.",
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let location = res.location.unwrap_or_default();
    assert!(location.starts_with("/receipt?code="));
    let code = code_of(&location);
    assert_eq!(code.len(), 8);
    let receipt = app.get(&location).await;
    assert!(receipt.body.contains(&code));
    assert!(receipt.body.contains("Veröffentlicht"));
    let mail = app.wait_for_mail("mia@example.org", &code).await;
    assert!(mail.contains("Mehr Bänke im Park"));

    let list = app.get(&board.path).await;
    assert!(list.body.contains("Mehr Bänke im Park"));
    assert!(list.body.contains("Mia"));

    // Anyone can look the code up without logging in, typed in lower case with a space.
    app.client = new_client();
    let spaced = format!("{} {}", &code[..4].to_lowercase(), &code[4..]);
    let lookup = app
        .get(&format!("/receipt?code={}", spaced.replace(' ', "+")))
        .await;
    assert_eq!(lookup.status, StatusCode::OK);
    assert!(lookup.body.contains("Mehr Bänke im Park"));
    assert_eq!(
        app.get("/receipt?code=AAAAAAAA").await.status,
        StatusCode::NOT_FOUND
    );
    Ok(())
}

#[tokio::test]
async fn a_visitor_without_an_account_confirms_the_idea_by_mail_before_it_is_shown() -> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "bstadt", false).await;
    app.client = new_client();
    let form = format!("{}/new", board.path);
    let category = board.categories[1].to_string();
    let res = app
        .submit(
            &form,
            &form,
            &[
                ("title", "Sozialticket für alle"),
                ("body", "Busfahren ist zu teuer."),
                ("category", &category),
                ("district", "Nordstadt"),
                ("author_name", ""),
                ("email", "gast@example.org"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let code = code_of(&res.location.unwrap_or_default());
    assert!(
        !app.get(&board.path).await.body.contains("Sozialticket"),
        "not before confirmation"
    );
    let receipt = app.get(&format!("/receipt?code={code}")).await;
    assert!(receipt.body.contains("Wartet auf Ihre Bestätigung"));

    let mail = app.wait_for_mail("gast@example.org", "/confirm/").await;
    assert!(mail.contains(&code), "the mail carries the receipt code");
    let confirm = idea_link(&mail, "confirm");
    // A GET only shows a button (mail scanners change nothing).
    let page = app.get(&confirm).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!app.get(&board.path).await.body.contains("Sozialticket"));
    // A forged signature is refused.
    let forged = format!("{}x", &confirm[..confirm.len() - 1]);
    assert_eq!(
        app.submit(&confirm, &forged, &[]).await.status,
        StatusCode::NOT_FOUND
    );
    let res = app.submit(&confirm, &confirm, &[]).await;
    assert_eq!(res.status, StatusCode::OK);
    let list = app.get(&board.path).await;
    assert!(list.body.contains("Sozialticket für alle"));
    assert!(
        list.body.contains("anonym"),
        "no name given: shown as anonym"
    );

    // The withdraw link in the same mail takes it back and forgets the address.
    let withdraw = idea_link(&mail, "withdraw");
    assert_eq!(
        app.submit(&withdraw, &withdraw, &[]).await.status,
        StatusCode::OK
    );
    assert!(!app.get(&board.path).await.body.contains("Sozialticket"));
    let idea = teilhabe::ideas::model::find_by_receipt(&app.state.db, &code)
        .await?
        .ok_or("idea")?;
    assert_eq!(
        idea.author_email, None,
        "the address is deleted on withdrawal"
    );
    assert!(idea.title.is_empty() && idea.body.is_empty() && idea.district.is_none());
    let receipt = app.get(&format!("/receipt?code={code}")).await.body;
    assert!(receipt.contains("Zurückgezogen") && !receipt.contains("Sozialticket"));
    Ok(())
}

#[tokio::test]
async fn unconfirmed_ideas_are_deleted_after_a_week_and_nothing_is_ticked_or_filled_in_for_you()
-> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "mstadt", false).await;
    app.client = new_client();
    let form = format!("{}/new", board.path);
    let page = app.get(&form).await.body;
    assert!(!page.contains("checked"), "the mail box is not ticked");
    let category = board.categories[0].to_string();
    let post = |title: &'static str, email: &'static str| {
        let (form, category) = (form.clone(), category.clone());
        let app = &app;
        async move {
            app.submit(
                &form,
                &form,
                &[
                    ("title", title),
                    ("body", "Ein Text."),
                    ("category", &category),
                    ("author_name", ""),
                    ("email", email),
                ],
            )
            .await
        }
    };
    let old = code_of(
        &post("Alte Idee", "alt@example.org")
            .await
            .location
            .unwrap_or_default(),
    );
    app.state.clock.advance(chrono::Duration::days(6));
    let young = code_of(
        &post("Junge Idee", "jung@example.org")
            .await
            .location
            .unwrap_or_default(),
    );
    app.state.clock.advance(chrono::Duration::days(2));
    teilhabe::jobs::housekeeping(&app.state).await?;
    let find = |code: String| {
        let db = app.state.db.clone();
        async move { teilhabe::ideas::model::find_by_receipt(&db, &code).await }
    };
    assert!(
        find(old).await?.is_none(),
        "unconfirmed for 8 days: gone with the address"
    );
    assert!(
        find(young).await?.is_some(),
        "unconfirmed for 2 days: still waiting"
    );

    // A signed-in resident with a display name is still anonymous unless they type a name.
    app.client = new_client();
    app.signed_in_resident("named@example.org").await;
    let res = app
        .submit(
            "/account/profile",
            "/account/profile",
            &[("display_name", "Ida K."), ("language", "de")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = app.get(&form).await.body;
    assert!(!page.contains("Ida K."), "the name is not filled in");
    assert!(!page.contains("checked"));
    Ok(())
}

#[tokio::test]
async fn withdrawing_closes_the_open_flags_on_the_idea() -> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "nstadt", false).await;
    app.client = new_client();
    resident(&app, "autor@nstadt.example").await;
    let author = app.client.clone();
    let res = post_idea(&app, &board, "Umstritten", "Ein Text, der gemeldet wird.").await;
    let path = idea_path(&app, &board, &code_of(&res.location.unwrap_or_default())).await;
    let id = path.rsplit('/').next().ok_or("id")?.to_string();
    app.client = new_client();
    let flag = format!("{path}/flag?target={id}");
    assert_eq!(
        app.submit(&flag, &flag, &[("reason", "spam")]).await.status,
        StatusCode::SEE_OTHER
    );
    let flagged = || async {
        teilhabe::moderation::queue::queue_page(
            &app.state.db,
            teilhabe::moderation::queue::Section::Flagged,
            None,
            0,
            10,
        )
        .await
        .map(|(list, _)| list.len())
    };
    assert_eq!(flagged().await?, 1);
    app.client = author;
    let res = app.submit(&path, &format!("{path}/withdraw"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(flagged().await?, 0, "nothing left to decide");
    Ok(())
}

#[tokio::test]
async fn bad_input_comes_back_with_messages_and_everything_typed_and_closed_boards_refuse()
-> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "cstadt", false).await;
    let manage = format!("/manage/boards/{}", board.id);
    app.client = new_client();
    let form = format!("{}/new", board.path);
    let long = "x".repeat(5000);
    let res = app
        .submit(
            &form,
            &form,
            &[
                ("title", ""),
                ("body", &long),
                ("category", &Uuid::new_v4().to_string()),
                ("author_name", "Ich bleibe stehen"),
                ("email", "kaputt"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Bitte schreiben Sie eine Überschrift."));
    assert!(res.body.contains("Der Text ist zu lang"));
    assert!(
        res.body
            .contains("Bitte wählen Sie ein Thema aus der Liste.")
    );
    assert!(
        res.body.contains("href=\"#title\""),
        "the summary links to the field"
    );
    assert!(
        res.body.contains("Ich bleibe stehen"),
        "typed values are kept"
    );
    assert!(res.body.contains(&long[..100]));
    // Without the form's token nothing happens.
    let res = app.post_raw(&form, &[("title", "x")]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    // A closed board refuses new ideas.
    let mut coordinator = app.client.clone();
    std::mem::swap(&mut coordinator, &mut app.client);
    app.client = new_client();
    app.login("koordi@cstadt.example", "Koordination 2026!")
        .await;
    let res = app
        .submit(
            &manage,
            &manage,
            &[
                ("title", "Ideen für den Alltag"),
                ("question", "Was hilft?"),
                ("closed", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    app.client = coordinator;
    let category = board.categories[0].to_string();
    let res = app
        .submit(
            "/account/login",
            &form,
            &[
                ("title", "T"),
                ("body", "B"),
                ("category", &category),
                ("email", "a@example.org"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("Pinnwand ist geschlossen"));
    Ok(())
}

#[tokio::test]
async fn hostile_input_is_shown_escaped_and_links_are_not_clickable() -> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "dstadt", false).await;
    app.client = new_client();
    app.signed_in_resident("x@example.org").await;
    let res = post_idea(
        &app,
        &board,
        "<script>alert(1)</script>",
        "[klick](javascript:alert(1)) <a href=\"javascript:alert(2)\">hier</a> <img src=x onerror=alert(3)>",
    )
    .await;
    let code = code_of(&res.location.unwrap_or_default());
    let path = idea_path(&app, &board, &code).await;
    for page in [app.get(&path).await, app.get(&board.path).await] {
        assert!(!page.body.contains("<script>alert"), "title escaped");
        assert!(
            page.body
                .contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
                || page.body.contains("&lt;script&gt;")
        );
        assert!(!page.body.contains("href=\"javascript:"), "no script links");
        assert!(!page.body.contains("<img src=x"), "no raw markup");
    }
    Ok(())
}

#[tokio::test]
async fn twenty_residents_supporting_at_once_are_all_counted() -> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "estadt", false).await;
    app.client = new_client();
    app.signed_in_resident("autorin@example.org").await;
    let res = post_idea(
        &app,
        &board,
        "Kostenloses WLAN im Bürgerhaus",
        "Für Bewerbungen.",
    )
    .await;
    let code = code_of(&res.location.unwrap_or_default());
    let path = idea_path(&app, &board, &code).await;
    let mut clients = Vec::new();
    for n in 0..20 {
        app.client = new_client();
        resident(&app, &format!("fan{n}@example.org")).await;
        let page = app.get(&path).await;
        let token = crate::helpers::csrf_token(&page.body).ok_or("token")?;
        clients.push((app.client.clone(), token));
    }
    let url = app.url(&format!("{path}/support"));
    let requests = clients.iter().map(|(client, token)| {
        client
            .post(&url)
            .form(&[("csrf_token", token.as_str()), ("action", "add")])
            .send()
    });
    for res in futures::future::join_all(requests).await {
        assert_eq!(res?.status(), StatusCode::SEE_OTHER);
    }
    let idea = teilhabe::ideas::model::find_by_receipt(&app.state.db, &code)
        .await?
        .ok_or("idea")?;
    let rows = teilhabe::ideas::support::support_rows(&app.state.db, idea.id).await?;
    assert_eq!(rows, 20);
    assert_eq!(idea.support_count, 20, "the count equals the rows");
    assert!(app.get(&path).await.body.contains("Unterstützt von 20"));
    Ok(())
}

#[tokio::test]
async fn support_counts_once_per_person_can_be_taken_back_and_locks_editing() -> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "fstadt", false).await;
    app.client = new_client();
    app.signed_in_resident("autor@example.org").await;
    let author = app.client.clone();
    let res = post_idea(&app, &board, "Tafel am Samstag", "Auch samstags öffnen.").await;
    let code = code_of(&res.location.unwrap_or_default());
    let path = idea_path(&app, &board, &code).await;
    // The author edits freely before the first support …
    let edit = format!("{path}/edit");
    let category = board.categories[0].to_string();
    let res = app
        .submit(
            &edit,
            &edit,
            &[
                ("title", "Tafel auch am Samstag"),
                ("body", "Bitte samstags öffnen."),
                ("category", &category),
                ("author_name", ""),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(app.get(&path).await.body.contains("Tafel auch am Samstag"));
    // … but cannot support their own idea.
    let res = app
        .submit(&path, &format!("{path}/support"), &[("action", "add")])
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("eigene Idee"));

    app.client = new_client();
    app.signed_in_resident("fan@example.org").await;
    for _ in 0..2 {
        let res = app
            .submit(&path, &format!("{path}/support"), &[("action", "add")])
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
    }
    let page = app.get(&path).await;
    assert!(
        page.body.contains("Unterstützt von 1"),
        "a second click counts nothing"
    );
    assert!(page.body.contains("Unterstützung zurücknehmen"));

    // After the first support the author can no longer edit.
    app.client = author.clone();
    assert!(!app.get(&path).await.body.contains("Idee ändern"));
    let res = app
        .submit(
            &path,
            &edit,
            &[("title", "Neu"), ("body", "Neu"), ("category", &category)],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(app.get(&path).await.body.contains("Tafel auch am Samstag"));

    app.client = new_client();
    app.login("fan@example.org", "ein sicheres Passwort").await;
    app.submit(&path, &format!("{path}/support"), &[("action", "remove")])
        .await;
    assert!(app.get(&path).await.body.contains("Unterstützt von 0"));

    // The author withdraws it: it leaves the board.
    app.client = author;
    let res = app.submit(&path, &format!("{path}/withdraw"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        !app.get(&board.path)
            .await
            .body
            .contains("Tafel auch am Samstag")
    );
    assert_eq!(app.get(&path).await.status, StatusCode::NOT_FOUND);
    Ok(())
}

#[tokio::test]
async fn comments_with_replies_appear_and_the_list_sorts_and_filters() -> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "gstadt", false).await;
    app.client = new_client();
    app.signed_in_resident("a@example.org").await;
    let first = code_of(
        &post_idea(&app, &board, "Erste Idee", "Text eins")
            .await
            .location
            .unwrap_or_default(),
    );
    let form = format!("{}/new", board.path);
    let other_category = board.categories[1].to_string();
    app.submit(
        &form,
        &form,
        &[
            ("title", "Zweite Idee"),
            ("body", "Text zwei"),
            ("category", &other_category),
            ("author_name", ""),
        ],
    )
    .await;
    let path = idea_path(&app, &board, &first).await;

    app.client = new_client();
    app.signed_in_resident("b@example.org").await;
    let res = app
        .submit(
            &path,
            &format!("{path}/comments"),
            &[("body", "Gute Idee!"), ("author_name", "Bo")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let comment = res.location.unwrap_or_default();
    let comment_id = comment
        .split("#comment-")
        .nth(1)
        .ok_or("anchor")?
        .to_string();
    let res = app
        .submit(
            &path,
            &format!("{path}/comments"),
            &[("body", "Finde ich auch."), ("parent_id", &comment_id)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = app.get(&path).await;
    assert!(page.body.contains("Gute Idee!") && page.body.contains("Finde ich auch."));
    assert!(page.body.contains("comment--reply"));
    // An empty comment comes back with a message.
    let res = app
        .submit(&path, &format!("{path}/comments"), &[("body", " ")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Bitte schreiben Sie einen Kommentar."));

    // "Most discussed" puts the commented idea first; "newest" the other one.
    let discussed = app
        .get(&format!("{}?sort=discussed", board.path))
        .await
        .body;
    assert!(discussed.find("Erste Idee") < discussed.find("Zweite Idee"));
    let newest = app.get(&format!("{}?sort=new", board.path)).await.body;
    assert!(newest.find("Zweite Idee") < newest.find("Erste Idee"));
    let filtered = app
        .get(&format!("{}?category={other_category}", board.path))
        .await
        .body;
    assert!(filtered.contains("Zweite Idee") && !filtered.contains("Erste Idee"));
    let answered = app
        .get(&format!("{}?status=adopted", board.path))
        .await
        .body;
    assert!(!answered.contains("Erste Idee"));
    Ok(())
}

#[tokio::test]
async fn an_official_answer_is_shown_mailed_and_listed_on_the_goal_page() -> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "hstadt", false).await;
    let coordinator = app.client.clone();
    app.client = new_client();
    app.signed_in_resident("autorin@example.org").await;
    let code = code_of(
        &post_idea(&app, &board, "Jobcafé im Quartier", "Hilfe bei Bewerbungen")
            .await
            .location
            .unwrap_or_default(),
    );
    let path = idea_path(&app, &board, &code).await;
    app.client = new_client();
    app.signed_in_resident("fan@example.org").await;
    app.submit(
        &path,
        &format!("{path}/support"),
        &[("action", "add"), ("notify", "1")],
    )
    .await;
    app.client = new_client();
    app.signed_in_resident("stumm@example.org").await;
    app.submit(&path, &format!("{path}/support"), &[("action", "add")])
        .await;

    app.client = coordinator;
    let idea_id = path.rsplit('/').next().ok_or("id")?;
    let answer = format!("/manage/ideas/{idea_id}/answer");
    assert!(
        app.get(&path).await.body.contains(&answer),
        "coordinators find the answer form"
    );
    // Adopting needs a goal; "not feasible" needs a reason.
    let res = app
        .submit(
            &answer,
            &answer,
            &[("official_status", "adopted"), ("answer", "Gern.")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .submit(
            &answer,
            &answer,
            &[("official_status", "rejected"), ("answer", "")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Grund"));
    let goal = board.goals[0].to_string();
    let res = app
        .submit(
            &answer,
            &answer,
            &[
                ("official_status", "adopted"),
                ("answer", "Wir richten ein Jobcafé ein."),
                ("goal_id", &goal),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    let page = app.get(&path).await;
    assert!(page.body.contains("Wir richten ein Jobcafé ein."));
    assert!(page.body.contains("In die Strategie übernommen"));
    let goal_page = app.get(&format!("/goals/{goal}")).await;
    assert!(
        goal_page.body.contains("Jobcafé im Quartier"),
        "the goal lists the adopted idea"
    );
    // Posted under the goal's category and adopted into the same goal, it counts once there.
    let strategy = app.get("/strategies/hstadt").await;
    assert!(strategy.body.contains("1 Idee"), "{}", strategy.body);
    assert!(!strategy.body.contains("2 Ideen"));
    let mail = app
        .wait_for_mail("autorin@example.org", "Wir richten ein Jobcaf")
        .await;
    assert!(mail.contains("In die Strategie"));
    app.wait_for_mail("fan@example.org", "Wir richten ein Jobcaf")
        .await;
    assert!(
        crate::helpers::mails_to(&app.data_dir.join("mail"), "stumm@example.org")
            .iter()
            .all(|m| !m.contains("Jobcaf")),
        "supporters who did not opt in get no mail"
    );
    let (entries, _) = teilhabe::audit::service::page(&app.state.db, 0, 50).await?;
    assert!(entries.iter().any(|e| e.action == "idea.answer"));
    // Saving the same answer again (say, to link a goal) mails nobody again.
    let res = app
        .submit(
            &answer,
            &answer,
            &[
                ("official_status", "adopted"),
                ("answer", "Wir richten ein Jobcafé ein."),
                ("goal_id", &goal),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    {
        let queued = teilhabe::notifications::service::mails_to(
            &app.state.db,
            &app.state.keys,
            &["autorin@example.org"],
        )
        .await?
        .into_iter()
        .filter(|m| m.kind == "idea_answer")
        .count();
        assert_eq!(queued, 1, "one mail per change of the answer");
    }
    let filtered = app
        .get(&format!("{}?status=adopted", board.path))
        .await
        .body;
    assert!(filtered.contains("Jobcafé im Quartier"));
    Ok(())
}

/// Sets up a board on the round `runde-{lang}` as the signed-in admin, posts an idea, and returns
/// every ideas and moderation page with its template and the status it answers with.
pub async fn idea_pages(app: &mut TestApp, lang: &str) -> Vec<(&'static str, String, StatusCode)> {
    let round = entity::rounds::Entity::find()
        .filter(entity::rounds::Column::Slug.eq(format!("runde-{lang}")))
        .one(&app.state.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("round runde-{lang}"));
    let round_id = round.id.to_string();
    let res = app
        .submit(
            "/manage/boards",
            "/manage/boards",
            &[
                ("round_id", &round_id),
                ("title", "Pinnwand"),
                ("question", "Was hilft?"),
                ("districts", "Mitte"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let manage = res.location.unwrap_or_default();
    let id = Uuid::parse_str(manage.trim_start_matches("/manage/boards/"))
        .unwrap_or_else(|e| panic!("{e}"));
    let categories = teilhabe::ideas::model::categories(&app.state.db, id)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|c| c.id)
        .collect();
    let board = Board {
        id,
        path: format!("/ideas/{id}"),
        place: round.municipality_id,
        goals: Vec::new(),
        categories,
    };
    let res = post_idea(app, &board, "Idee", "Text").await;
    let code = code_of(&res.location.unwrap_or_default());
    let idea = idea_path(app, &board, &code).await;
    let idea_id = Uuid::parse_str(idea.rsplit('/').next().unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}"));
    let keys = &app.state.keys;
    vec![
        (
            "ideas/manage_boards",
            "/manage/boards".to_string(),
            StatusCode::OK,
        ),
        ("ideas/manage_board", manage.clone(), StatusCode::OK),
        ("ideas/board", board.path.clone(), StatusCode::OK),
        ("ideas/new", format!("{}/new", board.path), StatusCode::OK),
        ("ideas/show", idea.clone(), StatusCode::OK),
        (
            "ideas/flag",
            format!("{idea}/flag?target={idea_id}"),
            StatusCode::OK,
        ),
        (
            "ideas/receipt",
            format!("/receipt?code={code}"),
            StatusCode::OK,
        ),
        (
            "ideas/answer",
            format!("/manage/ideas/{idea_id}/answer"),
            StatusCode::OK,
        ),
        (
            "ideas/link_action",
            teilhabe::ideas::links::link_path(keys, "withdraw", idea_id, app.state.clock.now()),
            StatusCode::OK,
        ),
        (
            "ideas/link_done",
            format!("/idea-links/{idea_id}/confirm/00"),
            StatusCode::NOT_FOUND,
        ),
        (
            // A link from before links expired.
            "ideas/link_expired",
            format!(
                "/idea-links/{idea_id}/withdraw/{}",
                keys.keyed_hash(&["idea-link", "withdraw", &idea_id.to_string()])
            ),
            StatusCode::GONE,
        ),
        (
            "moderation/queue",
            "/manage/moderation".to_string(),
            StatusCode::OK,
        ),
        (
            "moderation/queue",
            "/manage/moderation?section=objections".to_string(),
            StatusCode::OK,
        ),
        (
            "moderation/item",
            format!("/manage/moderation/{idea_id}"),
            StatusCode::OK,
        ),
        (
            "moderation/objection",
            teilhabe::moderation::objections::objection_path(keys, idea_id, app.state.clock.now()),
            StatusCode::OK,
        ),
    ]
}

#[tokio::test]
async fn a_deleted_account_takes_its_supports_along_and_leaves_its_ideas_anonymous() -> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "lstadt", false).await;
    app.client = new_client();
    resident(&app, "autorin@lstadt.example").await;
    let author = app.client.clone();
    let res = post_idea(&app, &board, "Mittagstisch", "Ein warmes Essen für alle.").await;
    let path = idea_path(&app, &board, &code_of(&res.location.unwrap_or_default())).await;
    app.client = new_client();
    resident(&app, "fan@lstadt.example").await;
    let res = app
        .submit(&path, &format!("{path}/support"), &[("action", "add")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = app
        .submit(&path, &format!("{path}/comments"), &[("body", "Sehr gut!")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(app.get(&path).await.body.contains("Unterstützt von 1"));
    // The export holds what the person did here.
    let data: serde_json::Value = serde_json::from_str(&app.get("/account/data").await.body)?;
    assert_eq!(data["ideas"]["supports"][0]["title"], "Mittagstisch");
    assert_eq!(data["ideas"]["comments"][0]["body"], "Sehr gut!");
    let res = app
        .submit(
            "/account/delete",
            "/account/delete",
            &[("current_password", "ein sicheres Passwort")],
        )
        .await;
    assert_eq!(res.location.as_deref(), Some("/account/deleted"));
    app.client = new_client();
    let page = app.get(&path).await.body;
    assert!(
        page.contains("Unterstützt von 0"),
        "the support went with the account"
    );
    assert!(page.contains("Sehr gut!"), "the comment stays");

    app.client = author;
    let data: serde_json::Value = serde_json::from_str(&app.get("/account/data").await.body)?;
    assert_eq!(data["ideas"]["ideas"][0]["title"], "Mittagstisch");
    let res = app
        .submit(
            "/account/delete",
            "/account/delete",
            &[("current_password", "ein sicheres Passwort")],
        )
        .await;
    assert_eq!(res.location.as_deref(), Some("/account/deleted"));
    app.client = new_client();
    let page = app.get(&path).await.body;
    assert!(page.contains("Mittagstisch") && !page.contains("· Mia ·") && page.contains("anonym"));
    Ok(())
}

#[tokio::test]
async fn a_coordinator_of_another_municipality_can_neither_answer_nor_change_boards_here()
-> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "ostadt", false).await;
    app.client = new_client();
    resident(&app, "autor@ostadt.example").await;
    let res = post_idea(&app, &board, "Hier entschieden", "Nur Ostadt antwortet.").await;
    let path = idea_path(&app, &board, &code_of(&res.location.unwrap_or_default())).await;
    let idea_id = path.rsplit('/').next().ok_or("id")?.to_string();
    // Coordinator of another place, with a board of their own (so the forms have a token).
    app.client = new_client();
    let own = open_board(&app, "pstadt", false).await;
    let answer = format!("/manage/ideas/{idea_id}/answer");
    assert_eq!(app.get(&answer).await.status, StatusCode::NOT_FOUND);
    let own_form = format!("/manage/boards/{}", own.id);
    let res = app
        .submit(
            &own_form,
            &answer,
            &[("official_status", "rejected"), ("answer", "Nein.")],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let theirs = format!("/manage/boards/{}", board.id);
    assert_eq!(app.get(&theirs).await.status, StatusCode::NOT_FOUND);
    let res = app
        .submit(
            &own_form,
            &theirs,
            &[
                ("title", "Übernommen"),
                ("question", "Was?"),
                ("closed", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    app.client = new_client();
    let page = app.get(&board.path).await.body;
    assert!(page.contains("Ideen für den Alltag") && !page.contains("Übernommen"));
    assert!(!app.get(&path).await.body.contains("Nein."));
    Ok(())
}

#[tokio::test]
async fn a_visitor_changes_the_idea_through_the_link_in_the_mail_until_someone_supports_it()
-> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "qstadt", false).await;
    app.client = new_client();
    let form = format!("{}/new", board.path);
    let category = board.categories[0].to_string();
    let res = app
        .submit(
            &form,
            &form,
            &[
                ("title", "Tippfehlr"),
                ("body", "Ein Text."),
                ("category", &category),
                ("author_name", ""),
                ("email", "gast@qstadt.example"),
            ],
        )
        .await;
    let code = code_of(&res.location.unwrap_or_default());
    let mail = app.wait_for_mail("gast@qstadt.example", "/edit/").await;
    let edit = idea_link(&mail, "edit");
    let page = app.get(&edit).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Tippfehlr"), "the form shows the idea");
    let fields = [
        ("title", "Ohne Tippfehler"),
        ("body", "Ein Text."),
        ("category", category.as_str()),
        ("author_name", ""),
    ];
    let forged = format!("{}x", &edit[..edit.len() - 1]);
    assert_eq!(
        app.submit(&edit, &forged, &fields).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.submit(&edit, &edit, &fields).await.status,
        StatusCode::OK
    );
    let confirm = idea_link(&mail, "confirm");
    app.submit(&confirm, &confirm, &[]).await;
    assert!(app.get(&board.path).await.body.contains("Ohne Tippfehler"));
    // After the first support the link no longer changes anything.
    let path = idea_path(&app, &board, &code).await;
    let visitor = app.client.clone();
    app.client = new_client();
    resident(&app, "fan@qstadt.example").await;
    app.submit(&path, &format!("{path}/support"), &[("action", "add")])
        .await;
    app.client = visitor;
    assert_eq!(app.get(&edit).await.status, StatusCode::CONFLICT);
    Ok(())
}

#[tokio::test]
async fn confirming_an_idea_after_the_board_closed_is_refused() -> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "rstadt", false).await;
    let coordinator = app.client.clone();
    app.client = new_client();
    let form = format!("{}/new", board.path);
    let category = board.categories[0].to_string();
    app.submit(
        &form,
        &form,
        &[
            ("title", "Zu spät bestätigt"),
            ("body", "Ein Text."),
            ("category", &category),
            ("author_name", ""),
            ("email", "spaet@rstadt.example"),
        ],
    )
    .await;
    let mail = app.wait_for_mail("spaet@rstadt.example", "/confirm/").await;
    let visitor = app.client.clone();
    app.client = coordinator;
    let manage = format!("/manage/boards/{}", board.id);
    let res = app
        .submit(
            &manage,
            &manage,
            &[
                ("title", "Ideen für den Alltag"),
                ("question", "Was würde Ihnen im Alltag helfen?"),
                ("closed", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    app.client = visitor;
    let confirm = idea_link(&mail, "confirm");
    let res = app.submit(&confirm, &confirm, &[]).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(
        !app.get(&board.path)
            .await
            .body
            .contains("Zu spät bestätigt")
    );
    Ok(())
}

/// Posts an idea as a visitor who chose to follow it by the receipt code only.
async fn post_with_code_only(app: &TestApp, board: &Board, title: &str) -> crate::helpers::Page {
    let form = format!("{}/new", board.path);
    let category = board.categories[0].to_string();
    app.submit(
        &form,
        &form,
        &[
            ("title", title),
            ("body", "Zum Ausruhen beim Einkaufen."),
            ("category", &category),
            ("district", "Nordstadt"),
            ("author_name", ""),
            // Typed before choosing the code: neither checked nor kept.
            ("email", "vertippt@example.org"),
            ("contact", "code"),
            ("notify", "1"),
        ],
    )
    .await
}

#[tokio::test]
async fn a_visitor_posts_with_the_code_only_and_the_idea_waits_for_the_moderators_on_any_board()
-> TestResult {
    let mut app = spawn_app().await;
    // Not pre-moderated: an idea without any contact waits all the same.
    let board = open_board(&app, "cstadt", false).await;
    app.client = new_client();
    let form = format!("{}/new", board.path);
    let page = app.get(&form).await.body;
    for way in ["Mit einem Konto", "Mit E-Mail-Adresse", "Nur mit Code"] {
        assert!(page.contains(way), "the form explains {way:?}");
    }

    // No way chosen and no address: the message names both ways.
    let category = board.categories[0].to_string();
    let res = app
        .submit(
            &form,
            &form,
            &[
                ("title", "Bank"),
                ("body", "Zum Ausruhen."),
                ("category", &category),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body.contains("oder wählen Sie „Nur mit Code“"),
        "{}",
        res.body
    );

    // A mistake keeps the choice.
    let res = app
        .submit(
            &form,
            &form,
            &[
                ("title", ""),
                ("body", "Zum Ausruhen."),
                ("category", &category),
                ("contact", "code"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains(r#"id="contact-code" name="contact" value="code" checked"#),
        "{}",
        res.body
    );
    assert!(!res.body.contains("Bitte geben Sie Ihre E-Mail-Adresse an"));

    let res = post_with_code_only(&app, &board, "Bank am Marktplatz").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let location = res.location.unwrap_or_default();
    let code = code_of(&location);
    let receipt = app.get(&location).await.body;
    assert!(receipt.contains(&code));
    assert!(
        receipt.contains("Der Code ist der einzige Weg, Ihre Idee zu verfolgen"),
        "{receipt}"
    );
    assert!(receipt.contains("Wartet auf die Moderation"));
    assert!(
        !app.get(&board.path)
            .await
            .body
            .contains("Bank am Marktplatz")
    );

    // Nothing about the person is stored: no account, no address, no name, no mail.
    let db = &app.state.db;
    let idea = teilhabe::ideas::model::find_by_receipt(db, &code)
        .await?
        .ok_or("idea")?;
    assert!(idea.code_only);
    assert_eq!(idea.author_id, None);
    assert_eq!(idea.author_email, None);
    assert_eq!(idea.author_name, None);
    assert!(!idea.notify, "nobody to write to");
    let outbox = entity::mail_outbox::Entity::find().all(db).await?;
    assert!(
        outbox.iter().all(|m| {
            !m.recipient_domain.contains("vertippt")
                && teilhabe::notifications::service::open(&app.state.keys, m)
                    .is_none_or(|c| !c.to.contains("vertippt") && !c.body_text.contains(&code))
        }),
        "no mail is queued"
    );
    let buckets = entity::rate_limits::Entity::find().all(db).await?;
    assert!(!buckets.is_empty());
    assert!(
        buckets.iter().all(|b| !b.key.contains("127.0.0.1")),
        "the address is counted only as a keyed hash"
    );

    // The moderators see it and publish it.
    crate::fixtures::moderator_of(&mut app, &board, "mod@cstadt.example").await;
    let item = format!("/manage/moderation/{}", idea.id);
    assert!(
        app.get("/manage/moderation")
            .await
            .body
            .contains("Bank am Marktplatz")
    );
    let res = crate::moderation::moderate(&app, &item, "publish", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    app.client = new_client();
    assert!(
        app.get(&board.path)
            .await
            .body
            .contains("Bank am Marktplatz")
    );
    let receipt = app.get(&format!("/receipt?code={code}")).await.body;
    assert!(receipt.contains("Veröffentlicht"), "{receipt}");
    Ok(())
}

#[tokio::test]
async fn the_code_alone_withdraws_an_idea_posted_with_the_code_only_and_no_other() -> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "wstadt", false).await;
    app.client = new_client();
    app.signed_in_resident("konto@example.org").await;
    let with_account = code_of(
        &post_idea(&app, &board, "Mit Konto", "Eine Idee.")
            .await
            .location
            .unwrap_or_default(),
    );
    app.client = new_client();
    let code = code_of(
        &post_with_code_only(&app, &board, "Nur mit Code")
            .await
            .location
            .unwrap_or_default(),
    );
    let receipt = app.get(&format!("/receipt?code={code}")).await.body;
    let confirm = format!("/receipt/withdraw?code={code}");
    // As the page writes it: Handlebars escapes `=` in attributes.
    assert!(
        receipt.contains(&confirm.replace('=', "&#x3D;")),
        "{receipt}"
    );

    // Someone else's code withdraws nothing; the confirmation asks first.
    let other = format!("/receipt/withdraw?code={with_account}");
    assert_eq!(app.get(&other).await.status, StatusCode::NOT_FOUND);
    let page = app.get(&confirm).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Nur mit Code") && page.body.contains("nicht rückgängig"));
    let res = app
        .post_raw("/receipt/withdraw", &[("code", code.as_str())])
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "no CSRF token");
    let res = app
        .submit(
            &confirm,
            "/receipt/withdraw",
            &[("code", with_account.as_str())],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = app
        .submit(&confirm, "/receipt/withdraw", &[("code", code.as_str())])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let db = &app.state.db;
    let idea = teilhabe::ideas::model::find_by_receipt(db, &code)
        .await?
        .ok_or("idea")?;
    assert_eq!(idea.status, "withdrawn");
    assert!(idea.title.is_empty() && idea.body.is_empty() && idea.district.is_none());
    let kept = teilhabe::ideas::model::find_by_receipt(db, &with_account)
        .await?
        .ok_or("idea")?;
    assert_eq!(kept.status, "published");
    let receipt = app.get(&format!("/receipt?code={code}")).await.body;
    assert!(receipt.contains("Zurückgezogen") && !receipt.contains("/receipt/withdraw"));
    assert_eq!(app.get(&confirm).await.status, StatusCode::NOT_FOUND);
    Ok(())
}

#[tokio::test]
async fn ideas_with_the_code_only_are_limited_per_address() -> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "lstadt", false).await;
    app.client = new_client();
    for i in 0..5 {
        let res = post_with_code_only(&app, &board, &format!("Idee {i}")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{i}: {}", res.body);
    }
    let res = post_with_code_only(&app, &board, "Eine zu viel").await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    let stored = entity::ideas::Entity::find()
        .filter(entity::ideas::Column::CodeOnly.eq(true))
        .all(&app.state.db)
        .await?;
    assert_eq!(stored.len(), 5);
    Ok(())
}

#[tokio::test]
async fn the_comment_forms_offer_the_profile_name_and_leaving_it_empty_stays_anonymous()
-> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "pnstadt", false).await;
    app.client = new_client();
    app.signed_in_resident("autorin@example.org").await;
    let code = code_of(
        &post_idea(&app, &board, "Bänke am Spielplatz", "Mehr Bänke.")
            .await
            .location
            .unwrap_or_default(),
    );
    let path = idea_path(&app, &board, &code).await;

    app.client = new_client();
    app.signed_in_resident("ida@example.org").await;
    let res = app
        .submit(
            "/account/profile",
            "/account/profile",
            &[("display_name", "Ida K."), ("language", "de")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = app.get(&path).await;
    assert!(
        page.body
            .contains("id=\"author_name\" name=\"author_name\" type=\"text\" value=\"Ida K.\""),
        "the comment form offers the profile name:\n{}",
        page.body
    );
    let res = app
        .submit(
            &path,
            &format!("{path}/comments"),
            &[("body", "Gute Idee!"), ("author_name", "Ida K.")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = app.get(&path).await;
    assert!(page.body.contains("Ida K. ·"), "shown with the name");
    // The reply form offers it too, and an emptied field posts anonymously.
    assert!(
        page.body
            .contains("name=\"author_name\" value=\"Ida K.\" autocomplete=\"nickname\"")
    );
    let comment_id = teilhabe::ideas::model::find_by_receipt(&app.state.db, &code)
        .await?
        .ok_or("no idea")?;
    let first = entity::idea_comments::Entity::find()
        .filter(entity::idea_comments::Column::IdeaId.eq(comment_id.id))
        .one(&app.state.db)
        .await?
        .ok_or("no comment")?;
    let res = app
        .submit(
            &path,
            &format!("{path}/comments"),
            &[
                ("body", "Anonym geantwortet."),
                ("parent_id", &first.id.to_string()),
                ("author_name", ""),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = app.get(&path).await;
    assert!(page.body.contains("anonym ·"));
    Ok(())
}

#[tokio::test]
async fn the_flag_form_shows_what_is_being_flagged() -> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "flstadt", false).await;
    app.client = new_client();
    app.signed_in_resident("autorin@example.org").await;
    let long = format!("Mehr Bänke am Spielplatz. {}", "Und Schatten. ".repeat(40));
    let code = code_of(
        &post_idea(&app, &board, "Bänke am Spielplatz", &long)
            .await
            .location
            .unwrap_or_default(),
    );
    let path = idea_path(&app, &board, &code).await;
    let res = app
        .submit(
            &path,
            &format!("{path}/comments"),
            &[
                ("body", "Das ist ein Kommentar zum Melden."),
                ("author_name", "Bo"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let comment = res
        .location
        .unwrap_or_default()
        .split("#comment-")
        .nth(1)
        .ok_or("anchor")?
        .to_string();
    let idea_id = path.rsplit('/').next().unwrap_or_default().to_string();

    app.client = new_client();
    let form = app.get(&format!("{path}/flag?target={idea_id}")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Bänke am Spielplatz"));
    assert!(
        form.body
            .contains("<blockquote class=\"pre-line\">Mehr Bänke am Spielplatz. Und Schatten."),
        "{}",
        form.body
    );
    assert!(form.body.contains("…</blockquote>"), "a long text is cut");
    assert!(form.body.contains("Die Idee, geschrieben von Mia:"));

    let form = app.get(&format!("{path}/flag?target={comment}")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Der Kommentar, geschrieben von Bo:"));
    assert!(form.body.contains("Das ist ein Kommentar zum Melden."));
    Ok(())
}

/// A long board counts its ideas only some pages ahead of the one shown (counting 100,000 ideas
/// on every view was the board's main cost), and every idea can still be reached page by page.
#[tokio::test]
async fn a_long_board_pages_through_every_idea_and_counts_only_some_pages_ahead() -> TestResult {
    use sea_orm::{ActiveValue::Set, IntoActiveModel};
    let mut app = spawn_app().await;
    let board = open_board(&app, "lstadt", false).await;
    app.client = new_client();
    app.signed_in_resident("viel@example.org").await;
    let code = code_of(
        &post_idea(&app, &board, "Idee 0", "Text")
            .await
            .location
            .unwrap_or_default(),
    );
    let first = teilhabe::ideas::model::find_by_receipt(&app.state.db, &code)
        .await?
        .ok_or("idea")?;
    // 24 pages of 25 ideas and one idea on page 25, newest first.
    let copies: Vec<_> = (1..=600)
        .map(|n| {
            let mut row = first.clone().into_active_model();
            row.id = Set(Uuid::now_v7());
            row.title = Set(format!("Idee {n}"));
            row.receipt_code = Set(format!("L{n:07}"));
            row.created_at = Set(first.created_at - chrono::Duration::seconds(n));
            row
        })
        .collect();
    for chunk in copies.chunks(100) {
        entity::ideas::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&app.state.db)
            .await?;
    }
    app.client = new_client();

    let page = app.get(&board.path).await;
    assert!(
        page.body.contains("Seite 1 von mehr als 11"),
        "counted 11 pages ahead at most"
    );
    assert!(page.body.contains("rel=\"next\""));
    let page = app.get(&format!("{}?page=11", board.path)).await;
    assert!(page.body.contains("Seite 11 von mehr als 21"));
    assert!(page.body.contains("Idee 250") && page.body.contains("Idee 274"));
    let last = app.get(&format!("{}?page=25", board.path)).await;
    assert!(
        last.body.contains("Seite 25 von 25"),
        "the end, counted exactly"
    );
    assert!(last.body.contains("Idee 600") && !last.body.contains("rel=\"next\""));
    let beyond = app.get(&format!("{}?page=30", board.path)).await;
    assert_eq!(beyond.status, StatusCode::OK);
    assert!(!beyond.body.contains("Idee 600"));
    Ok(())
}
