//! Flags that one person cannot weaponise, through HTTP: only established accounts hide, the
//! threshold grows with the people who took part, and bursts from new accounts stand out.

use reqwest::StatusCode;

use crate::{
    fixtures::{
        Board, code_of, established_resident, idea_path, moderator_of, open_board, post_idea,
    },
    helpers::{TestApp, TestResult, new_client, spawn_app},
};

/// A resident who confirmed the address just now, signed in on a fresh `app.client`.
async fn fresh_resident(app: &mut TestApp, email: &str) {
    app.client = new_client();
    crate::fixtures::resident(app, email).await;
}

/// Posts an idea as a new signed-in author and returns its page path and id.
async fn an_idea(app: &mut TestApp, board: &Board, author: &str, title: &str) -> (String, String) {
    app.client = new_client();
    crate::fixtures::resident(app, author).await;
    let res = post_idea(app, board, title, &format!("{title}: ein Text.")).await;
    let path = idea_path(app, board, &code_of(&res.location.unwrap_or_default())).await;
    let id = path.rsplit('/').next().unwrap_or_default().to_string();
    (path, id)
}

async fn flag(app: &TestApp, path: &str, id: &str) {
    let flag = format!("{path}/flag?target={id}");
    let res = app
        .submit(&flag, &flag, &[("reason", "insult"), ("note", "")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

async fn shown(app: &mut TestApp, board: &Board, text: &str) -> bool {
    app.client = new_client();
    app.get(&board.path).await.body.contains(text)
}

#[tokio::test]
async fn one_address_with_two_fresh_accounts_cannot_hide_an_idea_but_three_established_accounts_can()
-> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "fstadt", false).await;
    let (path, id) = an_idea(&mut app, &board, "autor@fstadt.example", "Gute Idee").await;

    // One person: a flag without an account, then two throw-away accounts, all from one address.
    app.client = new_client();
    flag(&app, &path, &id).await;
    for n in 0..2 {
        fresh_resident(&mut app, &format!("wegwerf{n}@fstadt.example")).await;
        flag(&app, &path, &id).await;
    }
    assert!(
        shown(&mut app, &board, "Gute Idee: ein Text.").await,
        "three flags from one person hide nothing"
    );

    // The moderators still see all three, with who made them.
    moderator_of(&mut app, &board, "mod@fstadt.example").await;
    let queue = app.get("/manage/moderation?section=flagged").await.body;
    assert!(queue.contains("Gute Idee: ein Text."), "{queue}");
    assert!(queue.contains("(ohne Konto)") && queue.contains("(neues Konto)"));
    let item = app.get(&format!("/manage/moderation/{id}")).await.body;
    assert!(
        item.contains("0 von 3 Meldungen aus bestätigten Konten"),
        "{item}"
    );

    // Three distinct established accounts hide it, at the third.
    for n in 0..3 {
        established_resident(&mut app, &format!("leserin{n}@fstadt.example")).await;
        flag(&app, &path, &id).await;
        assert_eq!(
            shown(&mut app, &board, "Gute Idee: ein Text.").await,
            n < 2,
            "hidden exactly at the third established account"
        );
    }
    Ok(())
}

#[tokio::test]
async fn an_idea_many_people_supported_needs_more_flags_to_hide() -> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "gstadt", false).await;
    let (path, id) = an_idea(&mut app, &board, "autor@gstadt.example", "Beliebt").await;
    // Ten supporters raise the threshold from 3 to 4.
    for n in 0..10 {
        app.client = new_client();
        crate::fixtures::resident(&app, &format!("fan{n}@gstadt.example")).await;
        let res = app
            .submit(&path, &format!("{path}/support"), &[("action", "add")])
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
    }
    for n in 0..4 {
        established_resident(&mut app, &format!("kritik{n}@gstadt.example")).await;
        flag(&app, &path, &id).await;
        assert_eq!(
            shown(&mut app, &board, "Beliebt: ein Text.").await,
            n < 3,
            "three flags hide a new idea, this one needs four"
        );
        if n == 2 {
            moderator_of(&mut app, &board, "mod@gstadt.example").await;
            let item = app.get(&format!("/manage/moderation/{id}")).await.body;
            assert!(item.contains("3 von 4 Meldungen"), "{item}");
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_burst_of_flags_from_new_accounts_shows_as_suspicious_in_the_queue() -> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "hstadt", false).await;
    let mut ideas = Vec::new();
    for n in 0..5 {
        ideas.push(
            an_idea(
                &mut app,
                &board,
                &format!("autor{n}@hstadt.example"),
                &format!("Idee {n}"),
            )
            .await,
        );
    }
    // An established reader flags one idea: no burst.
    established_resident(&mut app, "stamm@hstadt.example").await;
    flag(&app, &ideas[0].0, &ideas[0].1).await;
    // Two new accounts flag four different ideas: not yet a burst.
    fresh_resident(&mut app, "neu1@hstadt.example").await;
    for (path, id) in &ideas[..2] {
        flag(&app, path, id).await;
    }
    fresh_resident(&mut app, "neu2@hstadt.example").await;
    for (path, id) in &ideas[2..4] {
        flag(&app, path, id).await;
    }
    moderator_of(&mut app, &board, "mod@hstadt.example").await;
    let queue = app.get("/manage/moderation?section=flagged").await.body;
    assert!(queue.contains("Idee 3: ein Text."));
    assert!(!queue.contains("Auffällig"), "four items are no burst");

    // Within the hour, a fifth item: every item new accounts flagged is marked.
    fresh_resident(&mut app, "neu3@hstadt.example").await;
    flag(&app, &ideas[4].0, &ideas[4].1).await;
    app.client = new_client();
    app.login("mod@hstadt.example", "Moderation 2026!").await;
    let queue = app.get("/manage/moderation?section=flagged").await.body;
    assert_eq!(queue.matches("badge--suspicious").count(), 5, "{queue}");
    assert!(queue.contains("innerhalb einer Stunde viele verschiedene Beiträge gemeldet"));
    let item = app
        .get(&format!("/manage/moderation/{}", ideas[4].1))
        .await
        .body;
    assert!(item.contains("Auffällig"));

    Ok(())
}
