//! Links from mails expire: an idea's edit and withdraw links and the objection link of a hidden
//! post work for 30 days; then a page lets the author ask for a new one by mail, without telling
//! anyone whether an address belongs to the post.

use reqwest::StatusCode;
use sea_orm::EntityTrait;
use teilhabe::web::signed_link::LIFETIME_DAYS;

use crate::{
    fixtures::{code_of, moderator_of, open_board},
    helpers::{TestApp, TestResult, mails_to, new_client, spawn_app},
    ideas::idea_link,
    moderation::moderate,
};

/// The first link in `mail` that starts with `prefix`.
fn link_in(mail: &str, prefix: &str) -> String {
    let start = mail
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} in {mail}"));
    mail[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/'))
        .collect()
}

/// Moves the clock to just after the links mailed at `sent` expired.
fn after_expiry(app: &TestApp, sent: chrono::DateTime<chrono::Utc>) {
    app.advance_clock_to(
        sent + chrono::Duration::days(LIFETIME_DAYS) + chrono::Duration::minutes(1),
    );
}

fn renewed(app: &TestApp, to: &str) -> usize {
    mails_to(&app.data_dir.join("mail"), to)
        .iter()
        .filter(|m| m.contains("neuen Link zu Ihrem Beitrag"))
        .count()
}

#[tokio::test]
async fn an_edit_link_expires_after_30_days_and_its_author_gets_a_new_one_by_mail() -> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "lstadt", false).await;
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
                ("email", "Gast@LStadt.example"),
            ],
        )
        .await;
    let code = code_of(&res.location.unwrap_or_default());
    let to = "gast@lstadt.example";
    let mail = app.wait_for_mail(to, "/edit/").await;
    let confirm = idea_link(&mail, "confirm");
    app.submit(&confirm, &confirm, &[]).await;
    let (edit, withdraw) = (idea_link(&mail, "edit"), idea_link(&mail, "withdraw"));
    assert_eq!(app.get(&edit).await.status, StatusCode::OK);
    let idea = teilhabe::ideas::model::find_by_receipt(&app.state.db, &code)
        .await?
        .ok_or("idea")?;

    // A day before the end it still works; after 30 days it does not.
    app.advance_clock_to(idea.created_at + chrono::Duration::days(LIFETIME_DAYS - 1));
    assert_eq!(app.get(&edit).await.status, StatusCode::OK);
    after_expiry(&app, idea.created_at);
    for link in [&edit, &withdraw] {
        let page = app.get(link).await;
        assert_eq!(page.status, StatusCode::GONE, "{link}");
        assert!(page.body.contains("Dieser Link ist abgelaufen"));
    }
    let fields = [
        ("title", "Ohne Tippfehler"),
        ("body", "Ein Text."),
        ("category", category.as_str()),
        ("author_name", ""),
    ];
    assert_eq!(
        app.submit(&edit, &edit, &fields).await.status,
        StatusCode::GONE,
        "an expired link changes nothing"
    );
    let renew = format!("{edit}/renew");
    // A wrong address: the same answer, and no mail.
    let res = app
        .submit(&edit, &renew, &[("email", "fremd@lstadt.example")])
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.body
            .contains("Wenn die Adresse zu diesem Beitrag gehört")
    );
    assert!(!res.body.contains("fremd@"));
    // Not an address: a clear error, and what was typed stays.
    let res = app
        .submit(&edit, &renew, &[("email", "gast-at-home")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("value=\"gast-at-home\""));
    // The author's address, typed differently: a new link by mail.
    let res = app
        .submit(&edit, &renew, &[("email", " GAST@lstadt.example ")])
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.body
            .contains("Wenn die Adresse zu diesem Beitrag gehört")
            && !res.body.contains("GAST@"),
        "the same answer: it does not reveal whether the address belongs to the idea"
    );
    let mail = app.wait_for_mail(to, "neuen Link zu Ihrem Beitrag").await;
    assert!(mail.contains(&format!("{LIFETIME_DAYS} Tage")));
    assert_eq!(
        renewed(&app, to),
        1,
        "only the right address brought a mail"
    );
    let fresh = link_in(&mail, "/idea-links/");
    assert!(fresh.contains("/edit/"));
    let page = app.get(&fresh).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Tippfehlr"),
        "the new link opens the form"
    );
    assert_eq!(
        app.submit(&fresh, &fresh, &fields).await.status,
        StatusCode::OK
    );

    // Asking again and again: the address gets at most 3 mails an hour, the requester is
    // stopped after 10 requests, and both look the same as before until then.
    for _ in 0..8 {
        let res = app.submit(&edit, &renew, &[("email", to)]).await;
        assert_eq!(res.status, StatusCode::OK);
    }
    let res = app.submit(&edit, &renew, &[("email", to)]).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.body.contains(&format!("value=\"{to}\"")));
    // Mail delivery is asynchronous; by the time the later mails went out, all have.
    let mut sent = 0;
    for _ in 0..50 {
        sent = renewed(&app, to);
        if sent >= 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(sent, 3, "three mails an hour to one address");
    Ok(())
}

#[tokio::test]
async fn an_expired_objection_link_can_be_renewed_by_the_author() -> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "mstadt", false).await;
    app.client = new_client();
    let to = app.signed_in_resident("autorin@mstadt.example").await;
    let res = crate::fixtures::post_idea(&app, &board, "Nachbarn", "Ruft Frau Meier an.").await;
    let path =
        crate::fixtures::idea_path(&app, &board, &code_of(&res.location.unwrap_or_default())).await;
    let id = path.rsplit('/').next().ok_or("id")?.to_string();
    moderator_of(&mut app, &board, "mod@mstadt.example").await;
    let item = format!("/manage/moderation/{id}");
    moderate(&app, &item, "hide", &[("reason", "personal_data")]).await;
    let mail = app.wait_for_mail(&to, "/objections/").await;
    let link = link_in(&mail, "/objections/");
    let hidden_at = app.state.clock.now();

    app.client = new_client();
    after_expiry(&app, hidden_at);
    let page = app.get(&link).await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(page.body.contains("Dieser Link ist abgelaufen"));
    let res = app
        .submit(&link, &link, &[("text", "Frau Meier ist einverstanden.")])
        .await;
    assert_eq!(res.status, StatusCode::GONE, "no objection by an old link");
    assert!(
        entity::moderation_objections::Entity::find()
            .all(&app.state.db)
            .await?
            .is_empty()
    );
    let res = app
        .submit(&link, &format!("{link}/renew"), &[("email", &to)])
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let mail = app.wait_for_mail(&to, "neuen Link zu Ihrem Beitrag").await;
    let fresh = link_in(&mail, "/objections/");
    assert_ne!(fresh, link);
    let res = app
        .submit(&fresh, &fresh, &[("text", "Frau Meier ist einverstanden.")])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    Ok(())
}
