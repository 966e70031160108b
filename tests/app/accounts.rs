use reqwest::StatusCode;

use crate::helpers::{TestResult, link_path, mails_to, new_client, spawn_app};

const PASSWORD: &str = "Sonnenblumen im Garten";

#[tokio::test]
async fn a_resident_registers_verifies_signs_in_and_out() -> TestResult {
    let app = spawn_app().await;
    let res = app
        .submit(
            "/account/register",
            "/account/register",
            &[
                ("email", " Anna@Example.org "),
                ("display_name", "Anna"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location.as_deref(), Some("/account/check-mail"));

    // Before verification the right password is not enough.
    let res = app
        .submit(
            "/account/login",
            "/account/login",
            &[("email", "anna@example.org"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(
        res.body
            .contains("Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse")
    );

    let mail = app
        .wait_for_mail("anna@example.org", "/account/verify/")
        .await;
    assert!(
        mail.contains("Subject: Bitte "),
        "the subject is in the recipient's language: {mail}"
    );
    assert!(mail.contains("multipart/alternative"));
    let link = link_path(&mail, "/account/verify/");
    // Opening the link shows a button; the token is used only by the POST.
    let page = app.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    let res = app.submit(&link, &link, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location.as_deref(), Some("/account/login"));
    assert_eq!(
        app.get(&link).await.status,
        StatusCode::GONE,
        "a used link stays used"
    );

    let res = app
        .submit(
            "/account/login",
            "/account/login",
            &[
                ("email", "anna@example.org"),
                ("password", PASSWORD),
                ("next", "/account/profile"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location.as_deref(), Some("/account/profile"));
    let profile = app.get("/account/profile").await;
    assert_eq!(profile.status, StatusCode::OK);
    assert!(profile.body.contains("anna@example.org"));

    let res = app.submit("/account/profile", "/account/logout", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = app.get("/account/profile").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        res.location
            .unwrap_or_default()
            .starts_with("/account/login?next=")
    );
    Ok(())
}

#[tokio::test]
async fn a_wrong_password_is_refused_in_the_visitors_language_and_the_email_is_kept() -> TestResult
{
    let app = spawn_app().await;
    app.signed_in_resident("berta@example.org").await;
    let mut other = app;
    other.client = new_client();
    let res = other
        .submit(
            "/account/login?lang=en",
            "/account/login",
            &[
                ("email", "berta@example.org"),
                ("password", "falsch falsch"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("The e-mail address or the password is not right."),
        "{}",
        res.body
    );
    assert!(res.body.contains("value=\"berta@example.org\""));
    assert!(
        !res.body.contains("falsch falsch"),
        "a password is never sent back"
    );
    Ok(())
}

#[tokio::test]
async fn repeated_failed_logins_hit_the_rate_limit_even_with_the_right_password() -> TestResult {
    let app = spawn_app().await;
    app.signed_in_resident("carla@example.org").await;
    let mut other = app;
    other.client = new_client();
    for _ in 0..5 {
        let res = other
            .submit(
                "/account/login",
                "/account/login",
                &[
                    ("email", "carla@example.org"),
                    ("password", "nicht richtig"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let res = other
        .submit(
            "/account/login",
            "/account/login",
            &[
                ("email", "carla@example.org"),
                ("password", "ein sicheres Passwort"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.body.contains("Zu viele Versuche"));
    assert!(res.body.contains("value=\"carla@example.org\""));
    assert!(res.headers.get("retry-after").is_some());
    Ok(())
}

#[tokio::test]
async fn registration_rejects_bad_input_with_messages_and_keeps_what_was_typed() -> TestResult {
    let app = spawn_app().await;
    let res = app
        .submit(
            "/account/register",
            "/account/register",
            &[
                ("email", "kein-at-zeichen"),
                ("display_name", "Dora <b>"),
                ("password", "kurz"),
                ("password_confirm", "kurz"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Bitte geben Sie eine gültige E-Mail-Adresse ein")
    );
    assert!(
        res.body
            .contains("Das Passwort muss mindestens 10 Zeichen lang sein.")
    );
    assert!(res.body.contains("value=\"kein-at-zeichen\""));
    assert!(
        res.body.contains("value=\"Dora &lt;b&gt;\""),
        "typed text comes back escaped"
    );
    assert!(
        res.body.contains("href=\"#email\""),
        "the error summary links to the field"
    );

    let res = app
        .submit(
            "/account/register",
            "/account/register",
            &[
                ("email", "dora@example.org"),
                ("display_name", ""),
                ("password", "dora@example.org"),
                ("password_confirm", "dora@example.org"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Das Passwort darf nicht Ihre E-Mail-Adresse sein.")
    );
    Ok(())
}

#[tokio::test]
async fn registering_a_known_address_looks_the_same_but_only_mails_its_owner() -> TestResult {
    let app = spawn_app().await;
    app.signed_in_resident("emil@example.org").await;
    let mut stranger = app;
    stranger.client = new_client();
    let res = stranger
        .submit(
            "/account/register",
            "/account/register",
            &[
                ("email", "emil@example.org"),
                ("display_name", ""),
                ("password", "ganz anderes Passwort"),
                ("password_confirm", "ganz anderes Passwort"),
            ],
        )
        .await;
    assert_eq!(res.location.as_deref(), Some("/account/check-mail"));
    let mail = stranger
        .wait_for_mail("emil@example.org", "schon ein Konto")
        .await;
    assert!(mail.contains("/account/reset"));
    // The old password still works: nothing about the account changed.
    stranger
        .login("emil@example.org", "ein sicheres Passwort")
        .await;
    Ok(())
}

#[tokio::test]
async fn a_magic_link_signs_in_once() -> TestResult {
    let app = spawn_app().await;
    app.signed_in_resident("fritz@example.org").await;
    let mut device = app;
    device.client = new_client();
    let res = device
        .submit(
            "/account/magic",
            "/account/magic",
            &[("email", "fritz@example.org")],
        )
        .await;
    assert_eq!(res.location.as_deref(), Some("/account/check-mail"));
    // Unknown addresses get the same answer.
    let res = device
        .submit(
            "/account/magic",
            "/account/magic",
            &[("email", "niemand@example.org")],
        )
        .await;
    assert_eq!(res.location.as_deref(), Some("/account/check-mail"));

    let mail = device
        .wait_for_mail("fritz@example.org", "/account/magic/")
        .await;
    let link = link_path(&mail, "/account/magic/");
    let res = device.submit(&link, &link, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(device.get("/account/profile").await.status, StatusCode::OK);

    let mut third = device;
    third.client = new_client();
    let res = third.submit("/account/magic", &link, &[]).await;
    assert_eq!(res.status, StatusCode::GONE);
    assert!(res.body.contains("Dieser Link gilt nicht mehr"));
    assert_eq!(
        third.get("/account/profile").await.status,
        StatusCode::SEE_OTHER
    );
    assert!(mails_to(&third.data_dir.join("mail"), "niemand@example.org").is_empty());
    Ok(())
}

#[tokio::test]
async fn a_password_reset_sets_the_new_password_and_ends_other_sessions() -> TestResult {
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
    let mail = laptop
        .wait_for_mail("greta@example.org", "/account/reset/")
        .await;
    let link = link_path(&mail, "/account/reset/");

    let res = laptop
        .submit(
            &link,
            &link,
            &[
                ("password", "neues Passwort 2026"),
                ("password_confirm", "anders"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Die beiden Passwörter sind nicht gleich.")
    );

    let res = laptop
        .submit(
            &link,
            &link,
            &[
                ("password", "neues Passwort 2026"),
                ("password_confirm", "neues Passwort 2026"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(laptop.get("/account/profile").await.status, StatusCode::OK);

    let mut fresh = laptop;
    fresh.client = new_client();
    let res = fresh
        .submit(
            "/account/login",
            "/account/login",
            &[
                ("email", "greta@example.org"),
                ("password", "ein sicheres Passwort"),
            ],
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the old password no longer works"
    );
    fresh
        .login("greta@example.org", "neues Passwort 2026")
        .await;
    Ok(())
}

#[tokio::test]
async fn the_old_session_ends_when_the_password_changes_elsewhere() -> TestResult {
    let phone = spawn_app().await;
    phone.signed_in_resident("hanna@example.org").await;
    let phone_client = phone.client.clone();
    let mut laptop = phone;
    laptop.client = new_client();
    laptop
        .login("hanna@example.org", "ein sicheres Passwort")
        .await;
    let res = laptop
        .submit(
            "/account/password",
            "/account/password",
            &[
                ("current_password", "ein sicheres Passwort"),
                ("password", "ein neues Passwort"),
                ("password_confirm", "ein neues Passwort"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        laptop.get("/account/profile").await.status,
        StatusCode::OK,
        "this session goes on"
    );
    let mut phone = laptop;
    phone.client = phone_client;
    assert_eq!(
        phone.get("/account/profile").await.status,
        StatusCode::SEE_OTHER,
        "the other session ended"
    );
    Ok(())
}

#[tokio::test]
async fn profile_changes_are_saved_and_an_account_can_be_exported_and_deleted() -> TestResult {
    let app = spawn_app().await;
    app.signed_in_resident("ida@example.org").await;
    let res = app
        .submit(
            "/account/profile",
            "/account/profile",
            &[("display_name", "Ida K."), ("language", "en")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = app.get("/account/profile").await;
    assert!(
        page.body.contains("<html lang=\"en\">"),
        "the chosen language applies"
    );
    assert!(page.body.contains("value=\"Ida K.\""));

    let data = app.get("/account/data").await;
    assert_eq!(data.status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&data.body)?;
    assert_eq!(json["account"]["email"], "ida@example.org");
    assert_eq!(json["account"]["display_name"], "Ida K.");

    let res = app
        .submit(
            "/account/delete",
            "/account/delete",
            &[("current_password", "falsch")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .submit(
            "/account/delete",
            "/account/delete",
            &[("current_password", "ein sicheres Passwort")],
        )
        .await;
    assert_eq!(res.location.as_deref(), Some("/account/deleted"));
    assert_eq!(
        app.get("/account/profile").await.status,
        StatusCode::SEE_OTHER
    );
    let res = app
        .submit(
            "/account/login",
            "/account/login",
            &[
                ("email", "ida@example.org"),
                ("password", "ein sicheres Passwort"),
            ],
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the account is gone"
    );
    Ok(())
}

#[tokio::test]
async fn an_email_change_takes_effect_only_after_the_new_address_confirms() -> TestResult {
    let app = spawn_app().await;
    app.signed_in_resident("jan@example.org").await;
    let res = app
        .submit(
            "/account/email",
            "/account/email",
            &[
                ("email", "jan.neu@example.org"),
                ("current_password", "ein sicheres Passwort"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    app.wait_for_mail("jan@example.org", "jan.neu@example.org")
        .await;
    assert!(
        app.get("/account/profile")
            .await
            .body
            .contains("jan@example.org")
    );
    let mail = app
        .wait_for_mail("jan.neu@example.org", "/account/email/")
        .await;
    let link = link_path(&mail, "/account/email/");
    let res = app.submit(&link, &link, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        app.get("/account/profile")
            .await
            .body
            .contains("jan.neu@example.org")
    );
    Ok(())
}

#[tokio::test]
async fn a_password_set_by_whoever_registered_an_unconfirmed_address_dies_with_the_owners_magic_link()
-> TestResult {
    let mut app = spawn_app().await;
    // Someone registers an address that is not theirs and never confirms it.
    let res = app
        .submit(
            "/account/register",
            "/account/register",
            &[
                ("email", "petra@example.org"),
                ("display_name", ""),
                ("password", "Passwort des Fremden"),
                ("password_confirm", "Passwort des Fremden"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // The owner signs in with a link from her mailbox.
    app.client = new_client();
    app.submit(
        "/account/magic",
        "/account/magic",
        &[("email", "petra@example.org")],
    )
    .await;
    let mail = app
        .wait_for_mail("petra@example.org", "/account/magic/")
        .await;
    let link = link_path(&mail, "/account/magic/");
    assert_eq!(
        app.submit(&link, &link, &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.get("/account/profile").await.status, StatusCode::OK);
    // The stranger's password no longer opens the account.
    app.client = new_client();
    let res = app
        .submit(
            "/account/login",
            "/account/login",
            &[
                ("email", "petra@example.org"),
                ("password", "Passwort des Fremden"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    Ok(())
}

/// How many rows of each table mention `needle` anywhere (every column read as text), for the
/// tables where any does.
pub(crate) async fn tables_mentioning(
    app: &crate::helpers::TestApp,
    needle: &str,
) -> Vec<(String, i64)> {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let db = &app.state.db;
    let backend = db.get_database_backend();
    let list = match backend {
        DbBackend::Postgres => {
            "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()"
        }
        _ => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    };
    let tables = db
        .query_all_raw(Statement::from_string(backend, list))
        .await
        .unwrap_or_else(|e| panic!("listing tables: {e}"));
    let pattern = format!("%{}%", needle.to_lowercase());
    let mut found = Vec::new();
    for row in tables {
        let table: String = row.try_get("", "name").unwrap_or_else(|e| panic!("{e}"));
        let sql = match backend {
            DbBackend::Postgres => {
                format!("SELECT COUNT(*) AS n FROM \"{table}\" AS r WHERE lower(r::text) LIKE $1")
            }
            _ => {
                let columns = db
                    .query_all_raw(Statement::from_string(
                        backend,
                        format!("SELECT name FROM pragma_table_info('{table}')"),
                    ))
                    .await
                    .unwrap_or_else(|e| panic!("columns of {table}: {e}"));
                // Column by column: SQLite's text functions stop at a NUL byte, which a UUID
                // stored as a blob may hold, so one concatenated row could hide what follows.
                let text: Vec<String> = columns
                    .iter()
                    .map(|c| {
                        let name: String = c.try_get("", "name").unwrap_or_default();
                        format!("lower(CAST(\"{name}\" AS TEXT)) LIKE ?1")
                    })
                    .collect();
                format!(
                    "SELECT COUNT(*) AS n FROM \"{table}\" WHERE {}",
                    text.join(" OR ")
                )
            }
        };
        let n: i64 = db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [pattern.clone().into()],
            ))
            .await
            .unwrap_or_else(|e| panic!("reading {table}: {e}"))
            .and_then(|r| r.try_get("", "n").ok())
            .unwrap_or_default();
        if n > 0 {
            found.push((table, n));
        }
    }
    found
}

/// Everything a person can leave behind, under the account and under its address: after
/// deletion no table holds the address or the name, the traces that must stay (counts, flags,
/// the sign-up's place) are unlinked, and no more mail goes to the address. Before, the data
/// download lists each of them.
#[tokio::test]
async fn deleting_an_account_removes_every_trace_of_the_person_that_the_download_listed()
-> TestResult {
    use chrono::Duration;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

    use crate::{
        fixtures::{
            add_question, code_of, create_round, draft_survey, idea_path, open_board, open_survey,
            post_idea, resident,
        },
        rounds::subscription_path,
    };

    const EMAIL: &str = "ida@example.org";
    const NEW_EMAIL: &str = "ida.neu@example.org";
    const NAME: &str = "Ida Kaya";
    let mut app = spawn_app().await;
    let today = |days: i64| {
        (app.state
            .clock
            .now()
            .with_timezone(&app.state.settings.time_zone)
            .date_naive()
            + Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
    };

    // Staff set the scene: a survey, an idea board with someone else's idea, a workshop.
    let survey = draft_survey(&app, "sstadt", "none").await;
    let question = add_question(
        &app,
        &survey,
        &[("kind", "yesno"), ("prompt", "Fahren Sie Bus?")],
    )
    .await[0]
        .model
        .id;
    open_survey(&app, &survey).await;
    app.client = new_client();
    let board = open_board(&app, "istadt", false).await;
    let coordinator = app.client.clone();
    let round = entity::rounds::Entity::find()
        .filter(entity::rounds::Column::MunicipalityId.eq(board.place))
        .one(&app.state.db)
        .await?
        .ok_or("no round")?;
    let form = format!("/manage/rounds/{}/workshops/new", round.id);
    let (date, deadline) = (today(5), today(4));
    let res = app
        .submit(
            &form,
            &form,
            &[
                ("title", "Werkstatt Familie"),
                ("description", "Wir reden über Familien."),
                ("date", &date),
                ("starts_time", "18:00"),
                ("ends_time", "20:00"),
                ("deadline_on", &deadline),
                ("address", "Rathaus"),
                ("room", ""),
                ("transit", ""),
                ("capacity", "10"),
                ("max_per_signup", "4"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let manage = res.location.unwrap_or_default();
    let res = app.submit(&manage, &format!("{manage}/publish"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let workshop = format!(
        "/workshops/{}",
        manage.trim_start_matches("/manage/workshops/")
    );
    app.client = new_client();
    resident(&app, "andere@example.org").await;
    let res = post_idea(&app, &board, "Mittagstisch", "Ein warmes Essen für alle.").await;
    let other_idea = idea_path(&app, &board, &code_of(&res.location.unwrap_or_default())).await;

    // Before she has an account, Ida posts an idea and signs up for the workshop with her
    // address, and asks to hear of new rounds.
    app.client = new_client();
    let new_idea = format!("{}/new", board.path);
    let category = board.categories[0].to_string();
    let res = app
        .submit(
            &new_idea,
            &new_idea,
            &[
                ("title", "Sozialticket"),
                ("body", "Busfahren ist zu teuer."),
                ("category", &category),
                ("author_name", NAME),
                ("email", EMAIL),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = app
        .submit(
            &workshop,
            &workshop,
            &[
                ("name", NAME),
                ("email", EMAIL),
                ("phone", "0721 12345"),
                ("people", "2"),
                ("note", "Ich bringe mein Kind mit."),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    for (address, client) in [(EMAIL, new_client()), ("nachbar@example.org", new_client())] {
        app.client = client;
        let res = app
            .submit(
                "/subscribe?municipality=istadt",
                "/subscribe",
                &[("municipality", "istadt"), ("email", address)],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let confirm = subscription_path(
            &app.wait_for_mail(address, "/subscriptions/").await,
            "confirm",
        );
        let res = app.submit(&confirm, &confirm, &[]).await;
        assert_eq!(res.status, StatusCode::OK);
    }

    // Then she opens an account with the same address and takes part with it.
    app.client = new_client();
    app.signed_in_resident(EMAIL).await;
    let res = app
        .submit(
            "/account/profile",
            "/account/profile",
            &[("display_name", NAME), ("language", "de")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = post_idea(&app, &board, "Bücherbus", "Ein Bus voller Bücher.").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = app
        .submit(
            &other_idea,
            &format!("{other_idea}/support"),
            &[("action", "add")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = app
        .submit(
            &other_idea,
            &format!("{other_idea}/comments"),
            &[("body", "Gute Idee!")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let id = other_idea.rsplit('/').next().ok_or("id")?;
    let flag = format!("{other_idea}/flag?target={id}");
    let res = app
        .submit(&flag, &flag, &[("reason", "other"), ("note", "Doppelt")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let answer = format!("/surveys/{}", survey.survey);
    let res = app
        .submit(
            &answer,
            &answer,
            &[
                (format!("q-{question}").as_str(), "1"),
                ("action", "submit"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = app
        .submit(
            "/account/email",
            "/account/email",
            &[
                ("email", NEW_EMAIL),
                ("current_password", "ein sicheres Passwort"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    app.wait_for_mail(NEW_EMAIL, "/account/").await;

    // The download lists all of it.
    let data: serde_json::Value = serde_json::from_str(&app.get("/account/data").await.body)?;
    assert_eq!(data["account"]["display_name"], NAME);
    assert_eq!(data["round_subscriptions"][0]["municipality"], "istadt");
    assert_eq!(data["round_subscriptions"][0]["email"], EMAIL);
    assert_eq!(data["ideas_without_account"][0]["title"], "Sozialticket");
    assert_eq!(data["ideas_without_account"][0]["email"], EMAIL);
    assert_eq!(data["ideas"]["ideas"][0]["title"], "Bücherbus");
    assert_eq!(data["ideas"]["supports"][0]["title"], "Mittagstisch");
    assert_eq!(data["ideas"]["comments"][0]["body"], "Gute Idee!");
    assert_eq!(data["flags"][0]["note"], "Doppelt");
    assert_eq!(
        data["surveys_taken_part"][0]["title"],
        "Wie kommen Sie zurecht?"
    );
    assert_eq!(data["workshop_signups"][0]["workshop"], "Werkstatt Familie");
    assert_eq!(data["workshop_signups"][0]["name"], NAME);
    assert_eq!(data["workshop_signups"][0]["phone"], "0721 12345");
    let mail = data["mail"].as_array().ok_or("mail")?;
    // The outbox knows her mails by a keyed hash and shows only the domain.
    assert!(
        !mail.is_empty() && mail.iter().all(|m| m["to_domain"] == "example.org"),
        "{mail:?}"
    );
    let sessions = data["sessions"].as_array().ok_or("sessions")?;
    assert!(
        sessions.iter().all(|s| s["device"].is_string()
            && s["signed_in_at"].is_string()
            && s["last_active_at"].is_string())
            && !sessions.is_empty(),
        "{sessions:?}"
    );
    let links = data["links_sent"].as_array().ok_or("links")?;
    assert!(
        links.iter().any(|l| l["new_email"] == NEW_EMAIL),
        "{links:?}"
    );

    let before: Vec<String> = tables_mentioning(&app, EMAIL)
        .await
        .into_iter()
        .map(|(table, _)| table)
        .collect();
    for table in ["users", "round_subscriptions", "ideas", "workshop_signups"] {
        assert!(before.iter().any(|t| t == table), "{table} in {before:?}");
    }
    assert!(!before.iter().any(|t| t == "mail_outbox"), "{before:?}");
    let to_her = |app: &crate::helpers::TestApp| {
        let (db, keys) = (app.state.db.clone(), app.state.keys.clone());
        async move { teilhabe::notifications::service::mails_to(&db, &keys, &[EMAIL, NEW_EMAIL]).await }
    };
    assert!(
        !to_her(&app).await?.is_empty(),
        "her mails are in the outbox"
    );

    let user = teilhabe::accounts::model::find_by_email(&app.state.db, EMAIL)
        .await?
        .ok_or("no account")?;
    let reporter_key =
        teilhabe::moderation::flags::reporter_key(&app.state.keys, &format!("user:{}", user.id));
    let participations = entity::survey_participations::Entity::find()
        .count(&app.state.db)
        .await?;
    let res = app
        .submit(
            "/account/delete",
            "/account/delete",
            &[("current_password", "ein sicheres Passwort")],
        )
        .await;
    assert_eq!(res.location.as_deref(), Some("/account/deleted"));
    assert_eq!(
        app.get("/account/profile").await.status,
        StatusCode::SEE_OTHER,
        "the session ended with the account"
    );

    assert_eq!(
        entity::user_sessions::Entity::find()
            .filter(entity::user_sessions::Column::UserId.eq(user.id))
            .count(&app.state.db)
            .await?,
        0,
        "her sessions and their device labels are gone"
    );
    // No table holds her address, her new address or her name any more.
    for needle in [EMAIL, NEW_EMAIL, NAME, "0721 12345"] {
        assert_eq!(tables_mentioning(&app, needle).await, vec![], "{needle}");
    }
    assert_eq!(to_her(&app).await?, vec![], "her mails went with her");
    // What stays is unlinked: the flag, her place at the workshop, the answers.
    let db = &app.state.db;
    let flags = entity::moderation_flags::Entity::find().all(db).await?;
    assert_eq!(flags.len(), 1, "the flag stays for the moderators");
    assert_ne!(flags[0].reporter_key, reporter_key);
    let signups = entity::workshop_signups::Entity::find().all(db).await?;
    assert_eq!(signups.len(), 1, "her place still counts");
    assert_eq!(signups[0].people, 2);
    assert!(signups[0].personal_data_deleted_at.is_some());
    assert!(signups[0].note.is_none() && signups[0].token_hash.is_none());
    assert_eq!(
        entity::survey_participations::Entity::find()
            .count(db)
            .await?,
        participations - 1,
        "the account's participation mark is gone"
    );
    assert_eq!(
        entity::survey_responses::Entity::find()
            .filter(entity::survey_responses::Column::SurveyId.eq(survey.survey))
            .count(db)
            .await?,
        1,
        "the answer stays, unlinked"
    );
    assert_eq!(entity::idea_supports::Entity::find().count(db).await?, 0);
    assert_eq!(
        entity::login_tokens::Entity::find()
            .filter(entity::login_tokens::Column::UserId.eq(user.id))
            .count(db)
            .await?,
        0
    );

    // A new round in her municipality reaches the neighbour, not her.
    app.client = coordinator;
    let manage = create_round(
        &app,
        "istadt",
        "Neu in Istadt",
        &today(0),
        &today(14),
        board.goals[0],
    )
    .await;
    let res = app.submit(&manage, &format!("{manage}/publish"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    app.wait_for_mail("nachbar@example.org", "Neu in Istadt")
        .await;
    assert!(
        mails_to(&app.data_dir.join("mail"), EMAIL)
            .iter()
            .all(|m| !m.contains("Neu in Istadt")),
        "no mail to the deleted account's address"
    );
    assert_eq!(tables_mentioning(&app, EMAIL).await, vec![]);
    Ok(())
}
