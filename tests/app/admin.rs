use reqwest::StatusCode;

use crate::helpers::{TestResult, link_path, new_client, spawn_app};

#[tokio::test]
async fn an_admin_invites_a_coordinator_who_sets_a_password_and_can_be_revoked() -> TestResult {
    let mut app = spawn_app().await;
    app.signed_in_admin("admin@example.org").await;
    let admin = app.client.clone();

    let res = app
        .submit(
            "/manage/municipalities",
            "/manage/municipalities",
            &[
                ("name", "Musterstadt"),
                ("slug", "musterstadt"),
                ("min_group_size", "5"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let place_id = teilhabe::admin::service::all_municipalities(&app.state.db).await?[0]
        .id
        .to_string();
    assert!(
        app.get("/manage/users")
            .await
            .body
            .contains(&format!("<option value=\"{place_id}\""))
    );

    let res = app
        .submit(
            "/manage/users",
            "/manage/users/invite",
            &[
                ("email", "ruth@example.org"),
                ("role", "coordinator"),
                ("municipality_id", &place_id),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let mail = app
        .wait_for_mail("ruth@example.org", "/account/reset/")
        .await;
    assert!(mail.contains("Musterstadt"));
    let link = link_path(&mail, "/account/reset/");

    app.client = new_client();
    let res = app
        .submit(
            &link,
            &link,
            &[
                ("password", "Ruths Passwort 2026"),
                ("password_confirm", "Ruths Passwort 2026"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/manage").await.status,
        StatusCode::OK,
        "a coordinator enters the staff area"
    );
    assert_eq!(
        app.get("/manage/users").await.status,
        StatusCode::FORBIDDEN,
        "but not the administration"
    );
    let ruth = app.client.clone();

    app.client = admin.clone();
    let users = app.get("/manage/users?q=ruth").await;
    assert!(users.body.contains("ruth@example.org"));
    let action_at = users
        .body
        .find("/manage/roles/")
        .ok_or("no revoke button")?;
    let action: String = users.body[action_at..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    let res = app.submit("/manage/users", &action, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);

    app.client = ruth;
    assert_eq!(
        app.get("/manage").await.status,
        StatusCode::FORBIDDEN,
        "the role is gone at once"
    );

    app.client = admin;
    let audit = app.get("/manage/audit").await;
    for action in ["municipality.created", "role.granted", "role.revoked"] {
        assert!(audit.body.contains(action), "{action} is in the audit log");
    }
    Ok(())
}

#[tokio::test]
async fn bad_municipality_input_gets_messages_and_keeps_the_form() -> TestResult {
    let app = spawn_app().await;
    app.signed_in_admin("admin@example.org").await;
    app.submit(
        "/manage/municipalities",
        "/manage/municipalities",
        &[
            ("name", "Musterstadt"),
            ("slug", "musterstadt"),
            ("min_group_size", "5"),
        ],
    )
    .await;
    let res = app
        .submit(
            "/manage/municipalities",
            "/manage/municipalities",
            &[
                ("name", "Zweite Stadt"),
                ("slug", "musterstadt"),
                ("min_group_size", "2"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Diese Kurzbezeichnung ist schon vergeben.")
    );
    assert!(res.body.contains("Bitte eine Zahl von 3 bis 100 eingeben."));
    assert!(res.body.contains("value=\"Zweite Stadt\""));
    let res = app
        .submit(
            "/manage/users",
            "/manage/users/invite",
            &[
                ("email", "x@example.org"),
                ("role", "admin"),
                ("municipality_id", "nicht-da"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Bitte wählen Sie eine Rolle aus der Liste.")
    );
    assert!(
        res.body
            .contains("Bitte wählen Sie eine Kommune aus der Liste.")
    );
    assert!(res.body.contains("value=\"x@example.org\""));
    Ok(())
}
