//! Control characters in paths, query strings and form fields are refused in one place with a
//! localized 400 page, on SQLite as on PostgreSQL (which cannot store U+0000 and answered 500):
//! nothing reaches a handler, and nothing is stored.

use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::{
    fixtures::{idea_path, open_board, post_idea},
    helpers::{TestResult, new_client, spawn_app},
};

const REFUSED: &str = "Ihre Eingabe enthält ein unsichtbares Steuerzeichen";

#[tokio::test]
async fn a_nul_byte_in_a_path_or_query_string_gets_a_clear_400_page_not_a_500() -> TestResult {
    let app = spawn_app().await;
    for path in [
        "/?municipality=%00",
        "/?municipality=a%00b&lang=de",
        "/rounds/a%00b",
        "/rounds/a%1Bb",
        "/strategies/muster%7Fstadt",
        "/receipt?code=AB%00CD",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(page.body.contains(REFUSED), "{path}: {}", page.body);
        assert!(page.body.contains("<title>Eingabe nicht verstanden"));
    }
    let page = app.get("/rounds/a%00b?lang=en").await;
    assert!(page.body.contains("invisible control character"));
    // Ordinary umlauts and escapes are untouched.
    assert_eq!(
        app.get("/?municipality=gr%C3%BC%C3%9Fe").await.status,
        StatusCode::OK
    );
    Ok(())
}

#[tokio::test]
async fn a_control_character_in_a_form_field_is_refused_and_nothing_is_stored() -> TestResult {
    let app = spawn_app().await;
    for (field, value) in [
        ("email", "anna\0@example.org"),
        ("display_name", "Anna\0"),
        ("display_name", "Anna\u{1b}[31m"),
        ("password", "langes Passwort\u{7}123"),
    ] {
        let mut fields = vec![
            ("email", "anna@example.org"),
            ("display_name", "Anna"),
            ("password", "ein langes Passwort 123"),
            ("password_confirm", "ein langes Passwort 123"),
        ];
        for f in fields.iter_mut() {
            if f.0 == field {
                f.1 = value;
            }
        }
        let res = app
            .submit("/account/register", "/account/register", &fields)
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{field}");
        assert!(res.body.contains(REFUSED), "{field}: {}", res.body);
    }
    let res = app
        .submit(
            "/account/login",
            "/account/login",
            &[("email", "a\0b@example.org"), ("password", "x")],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        entity::users::Entity::find().count(&app.state.db).await?,
        0,
        "no account was created"
    );
    Ok(())
}

#[tokio::test]
async fn tabs_and_line_breaks_of_a_textarea_are_kept() -> TestResult {
    let mut app = spawn_app().await;
    let board = open_board(&app, "tstadt", false).await;
    app.client = new_client();
    app.signed_in_resident("mia@example.org").await;
    let body = "Zwei Dinge:\n\tMehr Bänke\n\tMehr Schatten";
    let res = post_idea(&app, &board, "Bänke", body).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let stored = entity::ideas::Entity::find()
        .filter(entity::ideas::Column::Title.eq("Bänke"))
        .one(&app.state.db)
        .await?
        .ok_or("no idea")?;
    assert_eq!(stored.body, body);
    let code = stored.receipt_code.clone();
    assert!(!idea_path(&app, &board, &code).await.is_empty());

    // The same text with a NUL byte is refused, and the idea is not posted.
    let res = post_idea(&app, &board, "Bänke zwei", "Zwei\0Dinge").await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains(REFUSED));
    let posted = entity::ideas::Entity::find()
        .filter(entity::ideas::Column::Title.eq("Bänke zwei"))
        .count(&app.state.db)
        .await?;
    assert_eq!(posted, 0);
    Ok(())
}
