use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement};
use teilhabe::{
    identity::Role,
    surveys::{
        codes::code_counts,
        free_text::pending_free_text_count,
        model::{Kind, Question},
        queries::{self as surveys},
    },
};
use uuid::Uuid;

use crate::{
    fixtures::{
        DemoCoordinator, SurveyFixture, add_question, day, demo_coordinator, draft_survey,
        open_survey, signed_in_staff, survey_questions,
    },
    helpers::{Page, TestApp, TestResult, new_client, spawn_app},
};

/// A page whose form carries the session's CSRF token (the token is per session).
const TOKEN_PAGE: &str = "/subscribe";

/// How many responses `survey` has stored, checked against the count the results are kept under
/// (raised with every stored response, never by a refused one).
async fn response_count(
    db: &sea_orm::DatabaseConnection,
    survey: Uuid,
) -> Result<i64, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
    let stored = entity::survey_responses::Entity::find()
        .filter(entity::survey_responses::Column::SurveyId.eq(survey))
        .count(db)
        .await? as i64;
    assert_eq!(surveys::response_count(db, survey).await?, stored);
    Ok(stored)
}

fn name(q: &Question) -> String {
    format!("q-{}", q.model.id)
}

fn opt(q: &Question, i: usize) -> String {
    q.options[i].id.to_string()
}

/// Posts answer fields to the survey as the browser form does.
async fn post(app: &TestApp, f: &SurveyFixture, fields: &[(String, String)]) -> Page {
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    app.submit(TOKEN_PAGE, &format!("/surveys/{}", f.survey), &borrowed)
        .await
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A survey with one question of every kind (no conditions).
async fn every_kind(app: &TestApp, f: &SurveyFixture) -> Vec<Question> {
    add_question(
        app,
        f,
        &[
            ("kind", "single"),
            ("prompt", "Wie kommen Sie zur Arbeit?"),
            ("required", "on"),
            ("options", "Bus\nRad\nAuto"),
            ("allow_other", "on"),
        ],
    )
    .await;
    add_question(
        app,
        f,
        &[
            ("kind", "multiple"),
            ("prompt", "Was hilft Ihnen?"),
            ("options", "Beratung\nKita\nFahrgeld\nKurse"),
            ("min_choices", "1"),
            ("max_choices", "2"),
        ],
    )
    .await;
    add_question(
        app,
        f,
        &[
            ("kind", "scale"),
            ("prompt", "Wie zufrieden sind Sie?"),
            ("required", "on"),
            ("scale_min", "1"),
            ("scale_max", "5"),
            ("scale_min_label", "gar nicht"),
            ("scale_max_label", "sehr"),
        ],
    )
    .await;
    add_question(
        app,
        f,
        &[
            ("kind", "yesno"),
            ("prompt", "Haben Sie Kinder?"),
            ("required", "on"),
        ],
    )
    .await;
    add_question(
        app,
        f,
        &[
            ("kind", "number"),
            ("prompt", "Wie viele Personen leben im Haushalt?"),
            ("number_min", "1"),
            ("number_max", "12"),
        ],
    )
    .await;
    add_question(
        app,
        f,
        &[("kind", "short_text"), ("prompt", "Ihr Stadtteil?")],
    )
    .await;
    add_question(
        app,
        f,
        &[
            ("kind", "long_text"),
            ("prompt", "Was sollte die Stadt tun?"),
        ],
    )
    .await
}

#[tokio::test]
async fn every_question_type_is_checked_and_a_form_with_errors_keeps_what_was_typed() -> TestResult
{
    let app = spawn_app().await;
    let f = draft_survey(&app, "astadt", "none").await;
    let qs = every_kind(&app, &f).await;
    open_survey(&app, &f).await;

    // Nothing answered: the required ones complain, with a summary linking to each field.
    let res = post(&app, &f, &pairs(&[("action", "submit"), ("page", "0")])).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("error-summary"));
    for q in [&qs[0], &qs[2], &qs[3]] {
        assert!(
            res.body.contains(&format!("href=\"#{}\"", name(q))),
            "summary links to {}",
            q.model.prompt
        );
    }
    assert!(res.body.contains("Bitte beantworten Sie diese Frage."));
    assert!(!res.body.contains(&format!("href=\"#{}\"", name(&qs[1]))));

    // Every bound is checked; what was typed comes back.
    let long = "x".repeat(301);
    let res = post(
        &app,
        &f,
        &[
            (name(&qs[0]), "other".into()),
            (name(&qs[1]), opt(&qs[1], 0)),
            (name(&qs[1]), opt(&qs[1], 1)),
            (name(&qs[1]), opt(&qs[1], 2)),
            (name(&qs[2]), "7".into()),
            (name(&qs[3]), "1".into()),
            (name(&qs[4]), "13".into()),
            (name(&qs[5]), long.clone()),
            (name(&qs[6]), "Mehr Busse am Abend".into()),
            ("action".into(), "submit".into()),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for key in [
        "Bitte schreiben Sie dazu, was genau.",
        "Sie haben zu viele Antworten gewählt.",
        "Diese Antwort gibt es nicht.",
        "Diese Zahl ist zu klein oder zu groß.",
        "Ihr Text ist zu lang.",
    ] {
        assert!(res.body.contains(key), "message: {key}");
    }
    assert!(
        // After the start tag the line break the HTML parser drops, then the text as typed.
        res.body.contains(">\nMehr Busse am Abend</textarea>"),
        "text kept"
    );
    assert!(res.body.contains("value=\"13\""), "number kept");
    assert!(
        res.body
            .contains(&format!("value=\"{}\" checked", opt(&qs[1], 2))),
        "choices kept"
    );

    // A number that is no number, and a single choice with two answers.
    let res = post(
        &app,
        &f,
        &[
            (name(&qs[0]), opt(&qs[0], 0)),
            (name(&qs[0]), opt(&qs[0], 1)),
            (name(&qs[2]), "3".into()),
            (name(&qs[3]), "1".into()),
            (name(&qs[4]), "drei".into()),
            ("action".into(), "submit".into()),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Bitte wählen Sie nur eine Antwort."));
    assert!(res.body.contains("Bitte geben Sie eine ganze Zahl ein"));
    assert_eq!(response_count(&app.state.db, f.survey).await?, 0);

    // An optional question may stay empty; "other" with its text counts as an answer.
    let res = post(
        &app,
        &f,
        &[
            (name(&qs[0]), "other".into()),
            (format!("{}-other", name(&qs[0])), "Zu Fuß".into()),
            (name(&qs[2]), "5".into()),
            (name(&qs[3]), "2".into()),
            (name(&qs[4]), "3".into()),
            ("action".into(), "submit".into()),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        res.location.as_deref(),
        Some(format!("/surveys/{}/thanks", f.survey).as_str())
    );
    let thanks = app.get(&format!("/surveys/{}/thanks", f.survey)).await;
    assert!(
        thanks
            .body
            .contains(&format!("/surveys/{}/results", f.survey))
    );
    assert!(thanks.body.contains(&format!("/rounds/{}", f.round_slug)));
    assert_eq!(response_count(&app.state.db, f.survey).await?, 1);
    Ok(())
}

/// Two pages: a choice, then a question shown only for one of its answers.
async fn conditional(app: &TestApp, f: &SurveyFixture) -> Vec<Question> {
    let qs = add_question(
        app,
        f,
        &[
            ("kind", "single"),
            ("prompt", "Haben Sie Arbeit?"),
            ("required", "on"),
            ("options", "Ja\nNein"),
        ],
    )
    .await;
    let no = opt(&qs[0], 1);
    add_question(
        app,
        f,
        &[
            ("kind", "long_text"),
            ("prompt", "Was fehlt Ihnen bei der Suche?"),
            ("required", "on"),
            ("condition", &no),
        ],
    )
    .await;
    add_question(
        app,
        f,
        &[
            ("kind", "scale"),
            ("prompt", "Wie geht es Ihnen?"),
            ("scale_min", "1"),
            ("scale_max", "5"),
        ],
    )
    .await
}

#[tokio::test]
async fn a_survey_with_a_condition_is_answered_page_by_page_and_keeps_every_answer() -> TestResult {
    let mut app = spawn_app().await;
    let f = draft_survey(&app, "bstadt", "none").await;
    let qs = conditional(&app, &f).await;
    open_survey(&app, &f).await;

    let first = app.get(&format!("/surveys/{}", f.survey)).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.contains("Seite 1 von 2"));
    assert!(first.body.contains("Haben Sie Arbeit?"));
    assert!(!first.body.contains("Was fehlt Ihnen"));

    // "No": the conditional question comes on page 2; the first answer travels along hidden.
    let res = post(
        &app,
        &f,
        &[
            (name(&qs[0]), opt(&qs[0], 1)),
            ("page".into(), "0".into()),
            ("action".into(), "next".into()),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("Seite 2 von 2"));
    assert!(res.body.contains("Was fehlt Ihnen bei der Suche?"));
    assert!(res.body.contains(&format!(
        "type=\"hidden\" name=\"{}\" value=\"{}\"",
        name(&qs[0]),
        opt(&qs[0], 1)
    )));
    // The conditional question is required once shown.
    let res = post(
        &app,
        &f,
        &[
            (name(&qs[0]), opt(&qs[0], 1)),
            (name(&qs[2]), "4".into()),
            ("page".into(), "1".into()),
            ("action".into(), "submit".into()),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Seite 2 von 2"));
    assert!(
        res.body.contains("value=\"4\" checked"),
        "scale answer kept"
    );
    // Back to page 1: the choice is still checked; the page-2 answers travel hidden.
    let res = post(
        &app,
        &f,
        &[
            (name(&qs[0]), opt(&qs[0], 1)),
            (name(&qs[1]), "Kinderbetreuung".into()),
            (name(&qs[2]), "4".into()),
            ("page".into(), "1".into()),
            ("action".into(), "back".into()),
        ],
    )
    .await;
    assert!(res.body.contains("Seite 1 von 2"));
    assert!(
        res.body
            .contains(&format!("value=\"{}\" checked", opt(&qs[0], 1)))
    );
    assert!(res.body.contains("value=\"Kinderbetreuung\""));
    let res = post(
        &app,
        &f,
        &[
            (name(&qs[0]), opt(&qs[0], 1)),
            (name(&qs[1]), "Kinderbetreuung".into()),
            (name(&qs[2]), "4".into()),
            ("page".into(), "1".into()),
            ("action".into(), "submit".into()),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    // "Yes": the conditional question is skipped, and a stale answer to it is not stored.
    app.client = new_client();
    let res = post(
        &app,
        &f,
        &[
            (name(&qs[0]), opt(&qs[0], 0)),
            (name(&qs[1]), "sollte nicht gespeichert werden".into()),
            (name(&qs[2]), "2".into()),
            ("page".into(), "0".into()),
            ("action".into(), "next".into()),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("Wie geht es Ihnen?"));
    assert!(
        !res.body.contains("Was fehlt Ihnen"),
        "skipped for this answer"
    );
    let res = post(
        &app,
        &f,
        &[
            (name(&qs[0]), opt(&qs[0], 0)),
            (name(&qs[1]), "sollte nicht gespeichert werden".into()),
            (name(&qs[2]), "2".into()),
            ("page".into(), "1".into()),
            ("action".into(), "submit".into()),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let texts: i64 = count(
        &app,
        "SELECT COUNT(*) AS n FROM survey_answers WHERE text_value IS NOT NULL",
    )
    .await;
    assert_eq!(texts, 1);
    assert_eq!(response_count(&app.state.db, f.survey).await?, 2);
    Ok(())
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let db = &app.state.db;
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .unwrap_or_else(|| panic!("{sql}: no row"));
    row.try_get("", "n").unwrap_or_else(|e| panic!("{e}"))
}

async fn columns(app: &TestApp, table: &str) -> Vec<String> {
    let db = &app.state.db;
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => format!(
            "SELECT column_name AS name FROM information_schema.columns WHERE table_name = '{table}' ORDER BY column_name"
        ),
        _ => format!("SELECT name FROM pragma_table_info('{table}') ORDER BY name"),
    };
    db.query_all_raw(Statement::from_string(backend, sql))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|r| r.try_get("", "name").unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

#[tokio::test]
async fn a_response_holds_no_link_to_the_person_or_the_code() -> TestResult {
    let mut app = spawn_app().await;
    let f = draft_survey(&app, "cstadt", "none").await;
    let qs = add_question(
        &app,
        &f,
        &[
            ("kind", "yesno"),
            ("prompt", "Fahren Sie Bus?"),
            ("required", "on"),
        ],
    )
    .await;
    open_survey(&app, &f).await;
    app.client = new_client();
    let email = app.signed_in_resident("mia@example.org").await;
    let res = post(
        &app,
        &f,
        &[
            (name(&qs[0]), "1".into()),
            ("action".into(), "submit".into()),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    // The schema has no place for a person, an address, a browser, a code or a time.
    assert_eq!(
        columns(&app, "survey_responses").await,
        ["channel", "id", "submitted_on", "survey_id"]
    );
    assert_eq!(
        columns(&app, "survey_answers").await,
        [
            "id",
            "number_value",
            "option_id",
            "question_id",
            "response_id",
            "text_marked",
            "text_status",
            "text_value"
        ]
    );
    assert_eq!(
        columns(&app, "survey_participations").await,
        ["guard_hash", "survey_id"]
    );
    assert_eq!(
        columns(&app, "survey_answered_sets").await,
        ["questions", "responses", "survey_id"]
    );

    // The rows: a random (v4) id, the day, the channel; the guard is an opaque hash.
    let responses = entity::survey_responses::Entity::find()
        .all(&app.state.db)
        .await?;
    assert_eq!(responses.len(), 1);
    let response = &responses[0];
    assert_eq!(response.id.get_version_num(), 4);
    assert_eq!(response.channel, "online");
    let user = teilhabe::accounts::model::find_by_email(&app.state.db, &email)
        .await?
        .ok_or("user")?;
    let guards = entity::survey_participations::Entity::find()
        .all(&app.state.db)
        .await?;
    assert_eq!(guards.len(), 1);
    let guard = &guards[0].guard_hash;
    assert_eq!(guard.len(), 64);
    for id in [
        user.id.to_string(),
        user.id.simple().to_string(),
        response.id.to_string(),
    ] {
        assert!(!guard.contains(&id));
    }
    let answers = entity::survey_answers::Entity::find()
        .all(&app.state.db)
        .await?;
    assert!(answers.iter().all(|a| a.id.get_version_num() == 4));
    Ok(())
}

#[tokio::test]
async fn the_same_person_or_code_cannot_answer_twice() -> TestResult {
    let mut app = spawn_app().await;
    let f = draft_survey(&app, "dstadt", "code").await;
    let qs = add_question(
        &app,
        &f,
        &[
            ("kind", "yesno"),
            ("prompt", "Fahren Sie Bus?"),
            ("required", "on"),
        ],
    )
    .await;
    open_survey(&app, &f).await;
    let res = app
        .submit(
            &format!("{}/codes", f.manage),
            &format!("{}/codes", f.manage),
            &[("count", "3")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let codes: Vec<String> = res
        .body
        .match_indices("<li><code>")
        .map(|(i, _)| res.body[i + 10..i + 22].to_string())
        .collect();
    assert_eq!(codes.len(), 3, "{}", res.body);
    // Only hashes are stored.
    let stored = entity::survey_access_codes::Entity::find()
        .all(&app.state.db)
        .await?;
    assert_eq!(stored.len(), 3);
    assert!(stored.iter().all(|c| {
        !codes
            .iter()
            .any(|code| c.code_hash.contains(&code.replace('-', "")))
    }));

    app.client = new_client();
    let answer = |code: &str| {
        vec![
            ("access_code".to_string(), code.to_string()),
            (name(&qs[0]), "0".to_string()),
            ("action".into(), "submit".into()),
        ]
    };
    let res = post(&app, &f, &answer("falsch")).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Diesen Code gibt es nicht"));
    // Case and dashes do not matter.
    let res = post(
        &app,
        &f,
        &answer(&codes[0].to_lowercase().replace('-', " ")),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    app.client = new_client();
    let res = post(&app, &f, &answer(&codes[0])).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "a used code");
    assert_eq!(response_count(&app.state.db, f.survey).await?, 1);
    let (all, used) = code_counts(&app.state.db, f.survey).await?;
    assert_eq!((all, used), (3, 1));

    // Two requests with the same code at once: exactly one response.
    let token_page = app.get(TOKEN_PAGE).await;
    let token = crate::helpers::csrf_token(&token_page.body).ok_or("token")?;
    let url = app.url(&format!("/surveys/{}", f.survey));
    let mut form = answer(&codes[1]);
    form.push(("csrf_token".into(), token));
    let (a, b) = tokio::join!(
        app.client.post(&url).form(&form).send(),
        app.client.post(&url).form(&form).send()
    );
    let mut statuses = [a?.status(), b?.status()];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::SEE_OTHER, StatusCode::UNPROCESSABLE_ENTITY]
    );
    assert_eq!(response_count(&app.state.db, f.survey).await?, 2);
    Ok(())
}

#[tokio::test]
async fn a_signed_in_person_or_a_browser_answers_an_open_survey_once() -> TestResult {
    let mut app = spawn_app().await;
    let f = draft_survey(&app, "estadt", "none").await;
    let qs = add_question(
        &app,
        &f,
        &[
            ("kind", "yesno"),
            ("prompt", "Fahren Sie Bus?"),
            ("required", "on"),
        ],
    )
    .await;
    open_survey(&app, &f).await;
    let answer = vec![
        (name(&qs[0]), "1".to_string()),
        ("action".into(), "submit".into()),
    ];

    app.client = new_client();
    app.signed_in_resident("ben@example.org").await;
    assert_eq!(post(&app, &f, &answer).await.status, StatusCode::SEE_OTHER);
    let again = app.get(&format!("/surveys/{}", f.survey)).await;
    assert!(again.body.contains("Sie haben schon geantwortet"));
    assert_eq!(post(&app, &f, &answer).await.status, StatusCode::CONFLICT);
    // On another device, signed in again: still once.
    app.client = new_client();
    app.login("ben@example.org", "ein sicheres Passwort").await;
    assert_eq!(post(&app, &f, &answer).await.status, StatusCode::CONFLICT);

    // Without an account, the browser's cookie is the (soft) guard.
    app.client = new_client();
    assert_eq!(post(&app, &f, &answer).await.status, StatusCode::SEE_OTHER);
    assert_eq!(post(&app, &f, &answer).await.status, StatusCode::CONFLICT);
    assert_eq!(response_count(&app.state.db, f.survey).await?, 2);
    Ok(())
}

/// Enters paper questionnaires through the staff form: `(choice index, district index)` each.
async fn enter_paper(
    app: &TestApp,
    f: &SurveyFixture,
    qs: &[Question],
    answers: &[(usize, usize)],
) {
    let form = format!("{}/paper", f.manage);
    for (choice, district) in answers {
        let a = opt(&qs[0], *choice);
        let d = opt(&qs[1], *district);
        let res = app
            .submit(&form, &form, &[(&name(&qs[0]), &a), (&name(&qs[1]), &d)])
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
}

async fn results_fixture(app: &TestApp, slug: &str) -> (SurveyFixture, Vec<Question>) {
    let f = draft_survey(app, slug, "none").await;
    add_question(
        app,
        &f,
        &[
            ("kind", "single"),
            ("prompt", "Wie kommen Sie zur Arbeit?"),
            ("required", "on"),
            ("options", "Bus\nRad\nAuto\nZu Fuß"),
        ],
    )
    .await;
    let qs = add_question(
        app,
        &f,
        &[
            ("kind", "single"),
            ("prompt", "In welchem Stadtteil wohnen Sie?"),
            ("demographic", "on"),
            ("options", "Nord\nSüd"),
        ],
    )
    .await;
    open_survey(app, &f).await;
    (f, qs)
}

#[tokio::test]
async fn small_counts_show_as_fewer_than_n_and_a_second_cell_hides_them() -> TestResult {
    let mut app = spawn_app().await;
    let (f, qs) = results_fixture(&app, "fstadt").await;
    // Bus 8, Rad 6, Auto 2, Zu Fuß 5 (min group size 5): Auto alone would be total − others,
    // so the smallest shown cell (Zu Fuß) is hidden too. Nord 11, Süd 10.
    let mut answers = Vec::new();
    for (choice, n) in [(0, 8), (1, 6), (2, 2), (3, 5)] {
        for i in 0..n {
            answers.push((choice, (i + choice) % 2));
        }
    }
    enter_paper(&app, &f, &qs, &answers).await;
    let res = app
        .submit(&f.manage, &format!("{}/publish-results", f.manage), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);

    app.client = new_client();
    let page = app.get(&format!("/surveys/{}/results", f.survey)).await;
    assert_eq!(page.status, StatusCode::OK);
    let table = &page.body[page.body.find("Wie kommen Sie zur Arbeit?").ok_or("q")?..];
    assert!(table.contains("<th scope=\"row\">Bus</th><td>8</td><td>38 %</td>"));
    assert!(table.contains("<th scope=\"row\">Rad</th><td>6</td>"));
    assert!(table.contains("<th scope=\"row\">Auto</th><td>weniger als 5</td>"));
    assert!(
        table.contains("<th scope=\"row\">Zu Fuß</th><td>weniger als 5</td>"),
        "complementary suppression"
    );
    assert!(page.body.contains("<svg class=\"bar\""));
    assert!(!page.body.contains("style="), "no inline styles (CSP)");

    // Breakdown by district: Nord 11 and Süd 10 are big enough, but each cell is checked.
    let by = app
        .get(&format!(
            "/surveys/{}/results?by={}",
            f.survey, qs[1].model.id
        ))
        .await;
    assert!(by.body.contains("Aufgeschlüsselt nach"));
    let tables = &by.body[by.body.find("Aufgeschlüsselt nach").ok_or("breakdown")?..];
    assert!(tables.contains("weniger als 5"));
    Ok(())
}

#[tokio::test]
async fn a_breakdown_with_a_group_below_the_threshold_is_not_shown_at_all() -> TestResult {
    let mut app = spawn_app().await;
    let (f, qs) = results_fixture(&app, "gstadt").await;
    let mut answers: Vec<(usize, usize)> = (0..12).map(|i| (i % 2, 0)).collect();
    answers.extend([(0, 1), (1, 1)]);
    enter_paper(&app, &f, &qs, &answers).await;
    app.submit(&f.manage, &format!("{}/publish-results", f.manage), &[])
        .await;
    app.client = new_client();
    let by = app
        .get(&format!(
            "/surveys/{}/results?by={}",
            f.survey, qs[1].model.id
        ))
        .await;
    assert_eq!(by.status, StatusCode::OK);
    assert!(by.body.contains("Diese Aufschlüsselung ist nicht möglich"));
    assert!(!by.body.contains("Aufgeschlüsselt nach"));
    Ok(())
}

/// Results are counted once and kept (`results_cache.rs`): a response that arrives after a view
/// must show in the very next one, in the totals and in the breakdown.
#[tokio::test]
async fn results_and_breakdowns_count_a_response_that_arrived_after_they_were_viewed() -> TestResult
{
    let mut app = spawn_app().await;
    let (f, qs) = results_fixture(&app, "hstadt").await;
    let mut answers: Vec<(usize, usize)> = (0..5).map(|_| (0, 0)).collect();
    answers.extend((0..4).map(|_| (1, 1)));
    enter_paper(&app, &f, &qs, &answers).await;
    app.submit(&f.manage, &format!("{}/publish-results", f.manage), &[])
        .await;
    let results = format!("/surveys/{}/results", f.survey);
    let by = format!("{results}?by={}", qs[1].model.id);
    let staff = app.client.clone();

    app.client = new_client();
    assert!(
        app.get(&results)
            .await
            .body
            .contains("Antworten insgesamt: 9")
    );
    let page = app.get(&by).await;
    assert!(
        page.body
            .contains("Diese Aufschlüsselung ist nicht möglich"),
        "Süd has 4"
    );

    app.client = staff;
    enter_paper(&app, &f, &qs, &[(1, 1)]).await;
    app.client = new_client();
    assert!(
        app.get(&results)
            .await
            .body
            .contains("Antworten insgesamt: 10")
    );
    let page = app.get(&by).await;
    assert!(page.body.contains("Aufgeschlüsselt nach"), "Süd has 5 now");
    assert!(
        !page
            .body
            .contains("Diese Aufschlüsselung ist nicht möglich")
    );
    Ok(())
}

#[tokio::test]
async fn unpublished_results_are_refused_to_the_public_but_shown_to_staff() -> TestResult {
    let mut app = spawn_app().await;
    let (f, _) = results_fixture(&app, "hstadt").await;
    let path = format!("/surveys/{}/results", f.survey);
    let staff = app.get(&path).await;
    assert_eq!(staff.status, StatusCode::OK);
    assert!(staff.body.contains("Nur für Mitarbeitende sichtbar"));
    let coordinator = app.client.clone();

    app.client = new_client();
    let res = app.get(&path).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(
        res.body
            .contains("Die Ergebnisse sind noch nicht veröffentlicht")
    );
    let res = app.get(&format!("{path}?lang=en")).await;
    assert!(res.body.contains("The results are not published yet"));
    // A resident is refused too; a draft survey does not exist for them at all.
    app.signed_in_resident("neugierig@example.org").await;
    assert_eq!(app.get(&path).await.status, StatusCode::FORBIDDEN);

    app.client = coordinator;
    app.submit(&f.manage, &format!("{}/publish-results", f.manage), &[])
        .await;
    app.client = new_client();
    assert_eq!(app.get(&path).await.status, StatusCode::OK);
    Ok(())
}

#[tokio::test]
async fn free_text_is_public_only_after_a_moderator_released_it() -> TestResult {
    let mut app = spawn_app().await;
    let f = draft_survey(&app, "istadt", "none").await;
    let qs = add_question(
        &app,
        &f,
        &[
            ("kind", "long_text"),
            ("prompt", "Was sollte die Stadt tun?"),
            ("required", "on"),
        ],
    )
    .await;
    open_survey(&app, &f).await;
    app.submit(&f.manage, &format!("{}/publish-results", f.manage), &[])
        .await;
    let coordinator = app.client.clone();
    for text in [
        "Mehr Busse am Abend. Ruft mich an: 0170 1234567",
        "Günstigere Kita-Plätze",
    ] {
        app.client = new_client();
        let res = post(
            &app,
            &f,
            &[
                (name(&qs[0]), text.into()),
                ("action".into(), "submit".into()),
            ],
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
    }
    let results = format!("/surveys/{}/results", f.survey);
    let page = app.get(&results).await;
    assert!(!page.body.contains("Mehr Busse"));
    assert!(!page.body.contains("Kita-Plätze"));
    assert_eq!(
        pending_free_text_count(&app.state.db, Some(&[f.place])).await?,
        2
    );
    assert_eq!(
        pending_free_text_count(&app.state.db, Some(&[Uuid::new_v4()])).await?,
        0
    );

    // A moderator of another municipality sees none of it.
    app.client = new_client();
    signed_in_staff(&app, "fremd@jstadt.example", "jstadt", Role::Moderator).await;
    let queue = app.get("/manage/free-text").await;
    assert!(!queue.body.contains("Mehr Busse"));

    // The municipality's moderator: the phone number is marked; it is removed before release.
    app.client = new_client();
    let moderator = teilhabe::accounts::model::ensure_user(
        &app.state.db,
        "moderation@istadt.example",
        teilhabe::web::i18n::Lang::De,
        app.state.clock.now(),
    )
    .await?;
    teilhabe::accounts::model::store_password(&app.state.db, moderator.id, "Moderation 2026!")
        .await?;
    teilhabe::accounts::model::mark_verified(&app.state.db, moderator.id, app.state.clock.now())
        .await?;
    teilhabe::accounts::model::grant_role(
        &app.state.db,
        moderator.id,
        Role::Moderator,
        Some(f.place),
        None,
        app.state.clock.now(),
    )
    .await?;
    app.login("moderation@istadt.example", "Moderation 2026!")
        .await;
    // The moderation queue shows how many free texts wait and leads to them.
    let moderation = app.get("/manage/moderation").await;
    assert!(
        moderation
            .body
            .contains("<a href=\"/manage/free-text\">Freitexte freigeben (2)</a>"),
        "{}",
        moderation.body
    );
    let queue = app.get("/manage/free-text").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains("Telefonnummer"), "phone number marked");
    let answers = entity::survey_answers::Entity::find()
        .all(&app.state.db)
        .await?;
    let busy = answers
        .iter()
        .find(|a| a.text_value.as_deref().is_some_and(|t| t.contains("Busse")))
        .ok_or("answer")?;
    let kita = answers
        .iter()
        .find(|a| a.text_value.as_deref().is_some_and(|t| t.contains("Kita")))
        .ok_or("answer")?;
    let res = app
        .submit(
            "/manage/free-text",
            &format!("/manage/free-text/{}/release", busy.id),
            &[("text", "Mehr Busse am Abend.")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = app
        .submit(
            "/manage/free-text",
            &format!("/manage/free-text/{}/reject", kita.id),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);

    // Released, but the question has 2 answers, fewer than the minimum group size of 5: the
    // text shows nowhere, neither on the results page, the goal page nor in the export.
    app.client = new_client();
    let goal = format!("/goals/{}", f.goal);
    for page in [&results, &goal] {
        let body = app.get(page).await.body;
        assert!(!body.contains("Mehr Busse am Abend."), "{page}");
    }
    app.client = coordinator.clone();
    let raw = download(&app, &format!("{}/export/responses.csv", f.manage)).await;
    assert!(
        !String::from_utf8_lossy(&raw.bytes).contains("Mehr Busse"),
        "not in the export either"
    );
    // Three more answers make five: now it is shown everywhere.
    for text in ["Ein Park", "Mehr Bänke", "Ein Jugendtreff"] {
        app.client = new_client();
        let res = post(
            &app,
            &f,
            &[
                (name(&qs[0]), text.into()),
                ("action".into(), "submit".into()),
            ],
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
    }
    for page in [&results, &goal] {
        let body = app.get(page).await.body;
        assert!(body.contains("Mehr Busse am Abend."), "{page}");
    }
    app.client = coordinator.clone();
    let raw = download(&app, &format!("{}/export/responses.csv", f.manage)).await;
    assert!(String::from_utf8_lossy(&raw.bytes).contains("Mehr Busse am Abend."));
    app.client = new_client();
    let page = app.get(&results).await;
    assert!(page.body.contains("Mehr Busse am Abend."));
    assert!(!page.body.contains("0170"), "the redacted original is gone");
    assert!(!page.body.contains("Kita-Plätze"));
    let stored = entity::survey_answers::Entity::find()
        .all(&app.state.db)
        .await?;
    assert!(
        stored
            .iter()
            .all(|a| !a.text_value.as_deref().unwrap_or_default().contains("0170")),
        "the original is not kept after the decision"
    );
    assert_eq!(
        pending_free_text_count(&app.state.db, None).await?,
        3,
        "only the three new ones wait"
    );
    app.client = coordinator;
    Ok(())
}

#[tokio::test]
async fn paper_entry_records_the_channel_and_names_the_staff_member_only_in_the_audit_log()
-> TestResult {
    let app = spawn_app().await;
    let (f, qs) = results_fixture(&app, "kstadt").await;
    enter_paper(&app, &f, &qs, &[(0, 0)]).await;
    let responses = entity::survey_responses::Entity::find()
        .all(&app.state.db)
        .await?;
    assert_eq!(responses.len(), 1);
    assert_eq!(responses[0].channel, "paper");
    let (entries, _) = teilhabe::audit::service::page(&app.state.db, 0, 100).await?;
    let entry = entries
        .iter()
        .find(|e| e.action == "survey.paper_entry")
        .ok_or("audit entry")?;
    assert!(entry.actor_id.is_some());
    assert_eq!(
        entry.target_id.as_deref(),
        Some(f.survey.to_string().as_str())
    );
    assert!(!entry.summary.contains(&responses[0].id.to_string()));
    Ok(())
}

/// A CSV download as a spreadsheet reads it: the raw bytes (BOM first), the
/// Content-Disposition header, and the rows parsed with `;` between cells.
pub struct Download {
    pub bytes: Vec<u8>,
    pub disposition: String,
    pub rows: Vec<Vec<String>>,
}

pub async fn download(app: &TestApp, path: &str) -> Download {
    let res = app
        .client
        .get(app.url(path))
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    let content_type = res.headers()["content-type"].to_str().unwrap_or_default();
    assert_eq!(content_type, "text/csv; charset=utf-8", "{path}");
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap_or_default()
        .to_string();
    let bytes = res.bytes().await.unwrap_or_default().to_vec();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "{path} starts with the UTF-8 byte order mark"
    );
    let rows = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(&bytes[3..])
        .records()
        .map(|r| {
            r.unwrap_or_else(|e| panic!("{path}: {e}"))
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect();
    Download {
        bytes,
        disposition,
        rows,
    }
}

fn today(app: &TestApp) -> String {
    day(app, 0)
}

#[tokio::test]
async fn exports_apply_suppression_hold_no_identifiers_and_are_audited() -> TestResult {
    let app = spawn_app().await;
    let (f, qs) = results_fixture(&app, "lstadt").await;
    let answers: Vec<(usize, usize)> = (0..9).map(|i| (usize::from(i >= 7), i % 2)).collect();
    enter_paper(&app, &f, &qs, &answers).await;
    let agg = download(&app, &format!("{}/export/aggregates.csv", f.manage)).await;
    let row = |answer: &str| {
        agg.rows
            .iter()
            .find(|r| r[0] == "Wie kommen Sie zur Arbeit?" && r[1] == answer)
            .cloned()
            .unwrap_or_else(|| panic!("no line for {answer}: {:?}", agg.rows))
    };
    assert_eq!(
        agg.rows[0],
        vec!["Frage", "Antwort", "Anzahl", "Anteil in %"],
        "the header row"
    );
    // 7 of 9: a count, and the share as a decimal with a comma, as German spreadsheets read it.
    assert_eq!(
        row("Bus"),
        vec!["Wie kommen Sie zur Arbeit?", "Bus", "7", "77,8"]
    );
    assert_eq!(
        row("Rad"),
        vec!["Wie kommen Sie zur Arbeit?", "Rad", "weniger als 5", ""]
    );
    assert!(
        String::from_utf8_lossy(&agg.bytes).contains("Wie kommen Sie zur Arbeit?;Bus;7;77,8\r\n"),
        "`;` between cells, the decimal comma unquoted"
    );

    let raw = download(&app, &format!("{}/export/responses.csv", f.manage)).await;
    assert_eq!(raw.rows.len(), 10, "{:?}", raw.rows);
    assert_eq!(raw.rows[0][..2], ["Nr.", "Weg"]);
    let text = String::from_utf8_lossy(&raw.bytes);
    let ids = entity::survey_responses::Entity::find()
        .all(&app.state.db)
        .await?;
    assert!(ids.iter().all(|r| !text.contains(&r.id.to_string())));
    assert!(raw.rows[1..].iter().all(|r| r[1] == "Papier"));

    let (entries, _) = teilhabe::audit::service::page(&app.state.db, 0, 100).await?;
    let exports = entries
        .iter()
        .filter(|e| e.action == "survey.export")
        .count();
    assert_eq!(exports, 2);
    Ok(())
}

#[tokio::test]
async fn export_file_names_carry_the_survey_title_and_the_date() -> TestResult {
    let app = spawn_app().await;
    let (f, _) = results_fixture(&app, "nstadt").await;
    let res = app
        .submit(
            &f.manage,
            &f.manage,
            &[
                ("title", "Wie geht's in Süd/Ost?"),
                ("intro", "Kurz."),
                ("minutes", "5"),
                ("access", "none"),
                ("min_group_size", "5"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let day = today(&app);
    let agg = download(&app, &format!("{}/export/aggregates.csv", f.manage)).await;
    assert_eq!(
        agg.disposition,
        format!(
            "attachment; filename=\"wie-geht-s-in-sued-ost-ergebnisse-{day}.csv\"; \
             filename*=UTF-8''Wie%20geht%27s%20in%20S%C3%BCd%20Ost%20Ergebnisse%20{day}.csv"
        )
    );
    let raw = download(&app, &format!("{}/export/responses.csv", f.manage)).await;
    assert!(
        raw.disposition.contains(&format!(
            "filename=\"wie-geht-s-in-sued-ost-antworten-{day}.csv\""
        )),
        "{}",
        raw.disposition
    );
    Ok(())
}

#[tokio::test]
async fn no_exported_cell_can_run_as_a_formula() -> TestResult {
    let app = spawn_app().await;
    let f = draft_survey(&app, "ostadt", "none").await;
    let hostile = [
        "=1+1",
        ";=1+1",
        "+49 170 1234567",
        "@SUM(A1:A2)",
        "-1",
        "=HYPERLINK(\"http://example.org\")",
    ];
    add_question(
        &app,
        &f,
        &[
            ("kind", "single"),
            ("prompt", "=1+1 Wie kommen Sie hin?"),
            ("options", &hostile.join("\n")),
        ],
    )
    .await;
    let qs = add_question(
        &app,
        &f,
        &[
            ("kind", "number"),
            ("prompt", "-Wie viele Kinder?"),
            ("number_min", "-5"),
            ("number_max", "20"),
        ],
    )
    .await;
    let choice = qs
        .iter()
        .find(|q| q.kind == Kind::Single)
        .ok_or("choice question")?;
    let number = qs
        .iter()
        .find(|q| q.kind == Kind::Number)
        .ok_or("number question")?;
    open_survey(&app, &f).await;
    let form = format!("{}/paper", f.manage);
    for (i, _) in hostile.iter().enumerate() {
        for _ in 0..5 {
            let res = app
                .submit(
                    &form,
                    &form,
                    &[(&name(choice), &opt(choice, i)), (&name(number), "-2")],
                )
                .await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        }
    }
    let raw = download(&app, &format!("{}/export/responses.csv", f.manage)).await;
    let header = &raw.rows[0];
    let column = |prompt: &str| {
        header
            .iter()
            .position(|h| h == &format!("'{prompt}"))
            .unwrap_or_else(|| panic!("a guarded header for {prompt}: {header:?}"))
    };
    let (c, n) = (
        column("=1+1 Wie kommen Sie hin?"),
        column("-Wie viele Kinder?"),
    );
    let cells: Vec<&str> = raw.rows[1..].iter().map(|r| r[c].as_str()).collect();
    for value in hostile {
        let shown = if value.starts_with(['=', '+', '-', '@']) {
            format!("'{value}")
        } else {
            value.to_string()
        };
        assert!(
            cells.contains(&shown.as_str()),
            "{value} as {shown}: {cells:?}"
        );
    }
    // A number the person entered stays a number a spreadsheet can add up.
    assert!(raw.rows[1..].iter().all(|r| r[n] == "-2"), "{:?}", raw.rows);

    let agg = download(&app, &format!("{}/export/aggregates.csv", f.manage)).await;
    for value in hostile
        .iter()
        .filter(|v| v.starts_with(['=', '+', '-', '@']))
    {
        assert!(
            agg.rows.iter().flatten().all(|cell| cell != value),
            "{value} unguarded: {:?}",
            agg.rows
        );
    }
    assert!(
        agg.rows
            .iter()
            .any(|r| r[0] == "'=1+1 Wie kommen Sie hin?" && r[1] == "'-1" && r[2] == "5"),
        "{:?}",
        agg.rows
    );
    assert!(
        agg.rows
            .iter()
            .any(|r| r[1] == "'@SUM(A1:A2)" && r[2] == "5")
    );
    Ok(())
}

#[tokio::test]
async fn paper_entry_takes_blanks_but_still_checks_bounds_and_types() -> TestResult {
    let mut app = spawn_app().await;
    let f = draft_survey(&app, "pstadt", "none").await;
    add_question(
        &app,
        &f,
        &[
            ("kind", "single"),
            ("prompt", "Wie kommen Sie zur Arbeit?"),
            ("required", "on"),
            ("options", "Bus\nRad"),
        ],
    )
    .await;
    let qs = add_question(
        &app,
        &f,
        &[
            ("kind", "number"),
            ("prompt", "Wie alt sind Sie?"),
            ("required", "on"),
            ("number_min", "14"),
            ("number_max", "120"),
        ],
    )
    .await;
    assert!(qs.iter().all(|q| q.model.required));
    open_survey(&app, &f).await;
    let (bus, age) = (&qs[0], &qs[1]);
    let form = format!("{}/paper", f.manage);
    let page = app.get(&form).await;
    assert!(
        page.body.contains("Auf Papier ist keine Frage Pflicht"),
        "{}",
        page.body
    );

    // A returned sheet with the required choice left blank is entered as it is.
    let res = app.submit(&form, &form, &[(&name(age), "67")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let answers = entity::survey_answers::Entity::find()
        .all(&app.state.db)
        .await?;
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0].number_value, Some(67));

    // Bounds and types still apply, and what was typed stays.
    for (typed, message) in [
        ("130", "Diese Zahl ist zu klein oder zu groß"),
        ("siebzig", "Bitte geben Sie eine ganze Zahl ein"),
    ] {
        let res = app
            .submit(
                &form,
                &form,
                &[(&name(bus), &opt(bus, 0)), (&name(age), typed)],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{typed}");
        assert!(res.body.contains(message), "{typed}: {}", res.body);
        assert!(
            res.body.contains(&format!("value=\"{typed}\"")),
            "{typed} kept"
        );
    }
    // A sheet with nothing on it is a slip, not a response.
    let res = app.submit(&form, &form, &[]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Auf diesem Bogen ist nichts eingetragen"));
    assert_eq!(
        entity::survey_responses::Entity::find()
            .all(&app.state.db)
            .await?
            .len(),
        1
    );

    // Online, "required" still binds.
    app.client = new_client();
    let res = post(&app, &f, &pairs(&[(&name(age), "67")])).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    Ok(())
}

#[tokio::test]
async fn a_new_question_is_optional_and_the_group_size_floor_is_stated() -> TestResult {
    let app = spawn_app().await;
    let f = draft_survey(&app, "qstadt", "none").await;
    let page = app.get(&f.manage).await;
    assert!(
        page.body
            .contains("<input type=\"checkbox\" id=\"required\" name=\"required\" value=\"on\">"),
        "the required box starts unticked: {}",
        page.body
    );
    // The municipality's smallest group is 5 (see `signed_in_staff`).
    assert!(
        page.body
            .contains("Mindestens 5: der Wert Ihrer Kommune, nie unter 3."),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("aria-describedby=\"min_group_size-hint\"")
    );
    let qs = add_question(
        &app,
        &f,
        &[
            ("kind", "single"),
            ("prompt", "Wie kommen Sie zur Arbeit?"),
            ("options", "Bus\nRad"),
        ],
    )
    .await;
    assert!(!qs[0].model.required);
    let list = app.get("/manage/surveys").await;
    assert!(list.body.contains("nie unter 3"), "{}", list.body);
    let res = app
        .submit(
            &f.manage,
            &f.manage,
            &[
                ("title", "Wie kommen Sie zurecht?"),
                ("intro", ""),
                ("minutes", "5"),
                ("access", "none"),
                ("min_group_size", "4"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Mindestens 5: der Wert Ihrer Kommune, nie unter 3.")
    );
    assert!(res.body.contains(
        "aria-invalid=\"true\" aria-describedby=\"min_group_size-hint min_group_size-error\""
    ));
    Ok(())
}

#[tokio::test]
async fn once_a_survey_has_answers_only_the_wording_may_change() -> TestResult {
    let app = spawn_app().await;
    let (f, qs) = results_fixture(&app, "mstadt").await;
    enter_paper(&app, &f, &qs, &[(0, 0)]).await;
    let edit = format!("/manage/questions/{}", qs[0].model.id);
    let goal = f.goal.to_string();
    let base = [
        ("kind", "single"),
        ("prompt", "Wie kommen Sie meistens zur Arbeit?"),
        ("required", "on"),
        ("goal_ids", goal.as_str()),
    ];
    let mut wording = base.to_vec();
    wording.push(("options", "Mit dem Bus\nRad\nAuto\nZu Fuß"));
    let res = app.submit(&edit, &edit, &wording).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    let mut more = base.to_vec();
    more.push(("options", "Mit dem Bus\nRad\nAuto\nZu Fuß\nBahn"));
    let res = app.submit(&edit, &edit, &more).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(
        res.body
            .contains("Nur die Formulierungen dürfen sich noch ändern")
    );
    let mut kind = base.to_vec();
    kind[0] = ("kind", "multiple");
    kind.push(("options", "Mit dem Bus\nRad\nAuto\nZu Fuß"));
    assert_eq!(
        app.submit(&edit, &edit, &kind).await.status,
        StatusCode::CONFLICT
    );
    let res = app.submit(&f.manage, &format!("{edit}/delete"), &[]).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    let now = survey_questions(&app, &f).await;
    assert_eq!(now[0].model.prompt, "Wie kommen Sie meistens zur Arbeit?");
    assert_eq!(now[0].options[0].label, "Mit dem Bus");
    assert_eq!(now[0].options.len(), 4);
    Ok(())
}

/// Answering keeps a survey's questions in memory: every edit a coordinator makes while the
/// survey is open (wording, a new question, the order, a deletion) must reach the next form and
/// the check of the next answer at once.
#[tokio::test]
async fn every_edit_to_an_open_survey_reaches_the_next_form_and_the_next_check() -> TestResult {
    let mut app = spawn_app().await;
    let (f, qs) = results_fixture(&app, "estadt").await;
    let staff = app.client.clone();
    let form = format!("/surveys/{}", f.survey);
    app.client = new_client();
    assert!(
        app.get(&form)
            .await
            .body
            .contains("Wie kommen Sie zur Arbeit?")
    );

    app.client = staff.clone();
    let edit = format!("/manage/questions/{}", qs[0].model.id);
    let goal = f.goal.to_string();
    let res = app
        .submit(
            &edit,
            &edit,
            &[
                ("kind", "single"),
                ("prompt", "Wie kommen Sie meistens zur Arbeit?"),
                ("required", "on"),
                ("options", "Bus\nRad\nAuto\nZu Fuß"),
                ("goal_ids", goal.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let qs = add_question(
        &app,
        &f,
        &[
            ("kind", "single"),
            ("prompt", "Haben Sie einen Führerschein?"),
            ("required", "on"),
            ("options", "Ja\nNein"),
        ],
    )
    .await;
    let licence = &qs[2];

    app.client = new_client();
    let page = app.get(&form).await.body;
    assert!(
        page.contains("Wie kommen Sie meistens zur Arbeit?"),
        "{page}"
    );
    assert!(page.contains("Haben Sie einen Führerschein?"), "{page}");
    let first = [(name(&qs[0]), opt(&qs[0], 0))];
    let mut only_first = first.to_vec();
    only_first.push(("action".into(), "submit".into()));
    let res = post(&app, &f, &only_first).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(response_count(&app.state.db, f.survey).await?, 0);

    app.client = staff.clone();
    let moved = format!("/manage/questions/{}/move", licence.model.id);
    let res = app.submit(&f.manage, &moved, &[("direction", "up")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    app.client = new_client();
    let page = app.get(&form).await.body;
    let at = |text: &str| page.find(text).unwrap_or(usize::MAX);
    assert!(
        at("Haben Sie einen Führerschein?") < at("In welchem Stadtteil wohnen Sie?"),
        "the moved question comes first now: {page}"
    );

    app.client = staff.clone();
    let deleted = format!("/manage/questions/{}/delete", licence.model.id);
    let res = app.submit(&f.manage, &deleted, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    app.client = new_client();
    assert!(!app.get(&form).await.body.contains("Führerschein"));
    let res = post(&app, &f, &only_first).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(response_count(&app.state.db, f.survey).await?, 1);
    Ok(())
}

#[tokio::test]
async fn the_round_page_lists_the_survey_and_the_goal_page_shows_its_published_results()
-> TestResult {
    let mut app = spawn_app().await;
    let (f, qs) = results_fixture(&app, "nstadt").await;
    let answers: Vec<(usize, usize)> = (0..10).map(|i| (i % 2, i % 2)).collect();
    enter_paper(&app, &f, &qs, &answers).await;
    let coordinator = app.client.clone();
    app.client = new_client();
    let round = app.get(&format!("/rounds/{}", f.round_slug)).await;
    assert!(
        round
            .body
            .contains(&format!("href=\"/surveys/{}\"", f.survey))
    );
    let goal = format!("/goals/{}", f.goal);
    assert!(
        !app.get(&goal)
            .await
            .body
            .contains("Wie kommen Sie zur Arbeit?")
    );
    let strategy = app.get("/strategies/nstadt").await;
    assert!(
        strategy.body.contains("10 Antworten aus Umfragen"),
        "{}",
        strategy.body
    );

    app.client = coordinator;
    app.submit(&f.manage, &format!("{}/publish-results", f.manage), &[])
        .await;
    app.client = new_client();
    let page = app.get(&goal).await;
    assert!(page.body.contains("Ergebnisse aus Umfragen"));
    assert!(page.body.contains("Wie kommen Sie zur Arbeit?"));
    assert!(
        !page.body.contains("In welchem Stadtteil"),
        "demographic questions stay out"
    );
    Ok(())
}

#[tokio::test]
async fn a_closed_survey_says_so_and_takes_no_answers() -> TestResult {
    let mut app = spawn_app().await;
    let (f, qs) = results_fixture(&app, "ostadt").await;
    app.submit(&f.manage, &format!("{}/close", f.manage), &[])
        .await;
    app.client = new_client();
    let page = app.get(&format!("/surveys/{}", f.survey)).await;
    assert!(page.body.contains("Diese Umfrage ist beendet"));
    let res = post(
        &app,
        &f,
        &[
            (name(&qs[0]), opt(&qs[0], 0)),
            ("action".into(), "submit".into()),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(response_count(&app.state.db, f.survey).await?, 0);
    Ok(())
}

/// Builds a survey in the round managed at `round` (as the signed-in admin or coordinator) and
/// returns each survey page with its template and expected status, for the i18n check.
pub async fn survey_pages(
    app: &TestApp,
    round: &str,
    goal: Uuid,
) -> Vec<(&'static str, String, StatusCode)> {
    let round_id = round.trim_start_matches("/manage/rounds/").to_string();
    let res = app
        .submit(
            "/manage/surveys",
            "/manage/surveys",
            &[
                ("round_id", &round_id),
                ("title", "Umfrage"),
                ("intro", ""),
                ("minutes", "5"),
                ("access", "none"),
                ("min_group_size", ""),
            ],
        )
        .await;
    let manage = res.location.unwrap_or_else(|| panic!("{}", res.body));
    let survey = Uuid::parse_str(manage.trim_start_matches("/manage/surveys/"))
        .unwrap_or_else(|e| panic!("{e}"));
    let f = SurveyFixture {
        survey,
        place: Uuid::nil(),
        goal,
        round_slug: String::new(),
        manage: manage.clone(),
    };
    let qs = every_kind(app, &f).await;
    open_survey(app, &f).await;
    let answer = format!("/surveys/{survey}");
    // The form itself (surveys/answer), before answering turns it into a notice.
    let form = app.get(&answer).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"q-"));
    let res = post(
        app,
        &f,
        &[
            (name(&qs[0]), opt(&qs[0], 0)),
            (name(&qs[2]), "3".into()),
            (name(&qs[3]), "1".into()),
            (name(&qs[6]), "Text".into()),
            ("action".into(), "submit".into()),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    vec![
        (
            "surveys/manage_list",
            "/manage/surveys".into(),
            StatusCode::OK,
        ),
        ("surveys/manage_survey", manage.clone(), StatusCode::OK),
        (
            "surveys/manage_question",
            format!("/manage/questions/{}", qs[1].model.id),
            StatusCode::OK,
        ),
        (
            "surveys/manage_codes",
            format!("{manage}/codes"),
            StatusCode::OK,
        ),
        (
            "surveys/manage_paper",
            format!("{manage}/paper"),
            StatusCode::OK,
        ),
        ("surveys/print", format!("{manage}/print"), StatusCode::OK),
        (
            "surveys/free_text",
            "/manage/free-text".into(),
            StatusCode::OK,
        ),
        ("surveys/notice", answer.clone(), StatusCode::OK),
        ("surveys/thanks", format!("{answer}/thanks"), StatusCode::OK),
        (
            "surveys/results",
            format!("{answer}/results?by=none"),
            StatusCode::OK,
        ),
    ]
}

#[tokio::test]
async fn the_answer_form_renders_in_both_languages() -> TestResult {
    let mut app = spawn_app().await;
    let f = draft_survey(&app, "pstadt", "code").await;
    every_kind(&app, &f).await;
    open_survey(&app, &f).await;
    app.client = new_client();
    for lang in ["de", "en"] {
        let res = app.get(&format!("/surveys/{}?lang={lang}", f.survey)).await;
        assert_eq!(res.status, StatusCode::OK);
        assert!(res.body.contains(&format!("<html lang=\"{lang}\">")));
        assert!(res.body.contains("name=\"access_code\""));
    }
    Ok(())
}

#[tokio::test]
async fn the_demo_adds_a_published_survey_with_every_question_type_once() -> TestResult {
    let mut app = spawn_app().await;
    let DemoCoordinator {
        place, coordinator, ..
    } = demo_coordinator(&app).await?;
    let db = &app.state.db;
    let now = app.state.clock.now();
    teilhabe::rounds::demo::seed(db, &app.state, &coordinator, place, now)
        .await
        .map_err(|e| e.to_string())?;
    let added = teilhabe::surveys::demo::seed(db, &coordinator, place, now)
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(added, 300);
    let again = teilhabe::surveys::demo::seed(db, &coordinator, place, now)
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(again, 0, "idempotent");

    let survey = entity::surveys::Entity::find()
        .one(db)
        .await?
        .ok_or("survey")?;
    let qs = surveys::questions(db, survey.id).await?;
    let kinds: std::collections::BTreeSet<&str> =
        qs.iter().map(|q| q.model.kind.as_str()).collect();
    assert_eq!(kinds.len(), 7, "{kinds:?}");
    assert!(qs.iter().filter(|q| q.model.demographic).count() >= 3);
    assert!(qs.iter().any(|q| q.model.condition_option_id.is_some()));
    assert!(pending_free_text_count(db, None).await? > 0);

    app.client = new_client();
    let results = app.get(&format!("/surveys/{}/results", survey.id)).await;
    assert_eq!(results.status, StatusCode::OK);
    assert!(results.body.contains("Antworten insgesamt: 300"));
    assert!(results.body.contains("Kinderbetreuung"));
    let age = qs
        .iter()
        .find(|q| q.model.prompt == "Wie alt sind Sie?")
        .ok_or("age")?;
    let by = app
        .get(&format!(
            "/surveys/{}/results?by={}",
            survey.id, age.model.id
        ))
        .await;
    assert_eq!(by.status, StatusCode::OK);
    assert!(by.body.contains("Aufgeschlüsselt nach: Wie alt sind Sie?"));
    let form = app.get(&format!("/surveys/{}", survey.id)).await;
    assert!(form.body.contains("Seite 1 von"));
    Ok(())
}

/// The pending answers whose ids appear on a queue page.
async fn texts_on(app: &TestApp, page: &str) -> Vec<entity::survey_answers::Model> {
    entity::survey_answers::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .filter(|a| a.text_status.as_deref() == Some("pending") && page.contains(&a.id.to_string()))
        .collect()
}

#[tokio::test]
async fn the_free_text_queue_puts_marked_texts_first_and_keeps_its_page_and_filter() -> TestResult {
    let mut app = spawn_app().await;
    let f = draft_survey(&app, "qstadt", "none").await;
    let qs = add_question(
        &app,
        &f,
        &[("kind", "long_text"), ("prompt", "Was fehlt im Viertel?")],
    )
    .await;
    open_survey(&app, &f).await;
    // A second survey of the same round, for the filter.
    let round_id = surveys::find(&app.state.db, f.survey)
        .await?
        .ok_or("survey")?
        .round_id
        .to_string();
    let res = app
        .submit(
            "/manage/surveys",
            "/manage/surveys",
            &[
                ("round_id", &round_id),
                ("title", "Zweite Umfrage"),
                ("intro", "Noch eine Frage."),
                ("minutes", "2"),
                ("access", "none"),
                ("min_group_size", ""),
            ],
        )
        .await;
    let manage = res.location.unwrap_or_default();
    let second = SurveyFixture {
        survey: Uuid::parse_str(manage.trim_start_matches("/manage/surveys/"))?,
        place: f.place,
        goal: f.goal,
        round_slug: f.round_slug.clone(),
        manage,
    };
    let other = add_question(
        &app,
        &second,
        &[("kind", "long_text"), ("prompt", "Und sonst?")],
    )
    .await;
    open_survey(&app, &second).await;

    // 26 plain texts, then one with an address: 27 texts, 25 to a page.
    let mut texts: Vec<String> = (1..=26).map(|i| format!("Bank Nummer {i:02}")).collect();
    texts.push("Schreibt mir: nachbar@example.org".into());
    for text in &texts {
        app.client = new_client();
        let res = post(
            &app,
            &f,
            &[
                (name(&qs[0]), text.clone()),
                ("action".into(), "submit".into()),
            ],
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
    }
    app.client = new_client();
    let res = post(
        &app,
        &second,
        &[
            (name(&other[0]), "Aus der zweiten Umfrage".into()),
            ("action".into(), "submit".into()),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);

    app.client = new_client();
    let (db, now) = (&app.state.db, app.state.clock.now());
    let moderator = teilhabe::accounts::model::ensure_user(
        db,
        "moderation@qstadt.example",
        teilhabe::web::i18n::Lang::De,
        now,
    )
    .await?;
    teilhabe::accounts::model::store_password(db, moderator.id, "Moderation 2026!").await?;
    teilhabe::accounts::model::mark_verified(db, moderator.id, now).await?;
    teilhabe::accounts::model::grant_role(
        db,
        moderator.id,
        Role::Moderator,
        Some(f.place),
        None,
        now,
    )
    .await?;
    app.login("moderation@qstadt.example", "Moderation 2026!")
        .await;

    // All surveys: the marked text, written last, is first on page 1.
    let first = app.get("/manage/free-text").await.body;
    let marked = first
        .find("nachbar@example.org")
        .ok_or("marked on page 1")?;
    let plain = first.find("Bank Nummer").ok_or("plain on page 1")?;
    assert!(marked < plain, "marked texts first");
    assert_eq!(texts_on(&app, &first).await.len(), 25);

    // One survey, page 2: an action comes back to that page of that survey.
    let place = format!("?survey={}&page=2", f.survey);
    let page = app.get(&format!("/manage/free-text{place}")).await.body;
    assert!(!page.contains("Aus der zweiten Umfrage"), "filtered");
    let on_two = texts_on(&app, &page).await;
    assert_eq!(on_two.len(), 2, "27 texts of this survey, 25 on page 1");
    let action = format!("/manage/free-text/{}/release", on_two[0].id);
    assert!(
        page.contains(&format!("{action}?survey")),
        "the action carries the place"
    );
    let res = app
        .submit(
            &format!("/manage/free-text{place}"),
            &format!("{action}{place}"),
            &[("text", "Eine Bank")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let back = format!("/manage/free-text{place}");
    assert_eq!(res.location.as_deref(), Some(back.as_str()));
    assert_eq!(texts_on(&app, &app.get(&back).await.body).await.len(), 1);
    let res = app
        .submit(
            &back,
            &format!("/manage/free-text/{}/reject{place}", on_two[1].id),
            &[],
        )
        .await;
    assert_eq!(res.location.as_deref(), Some(back.as_str()));
    // Page 2 is gone: the last page is shown instead of an empty one.
    let last = app.get(&back).await;
    assert_eq!(last.status, StatusCode::OK);
    assert_eq!(texts_on(&app, &last.body).await.len(), 25);
    Ok(())
}

#[tokio::test]
async fn a_number_question_states_its_bounds_and_an_answer_outside_them_is_told_which() -> TestResult
{
    let app = spawn_app().await;
    let f = draft_survey(&app, "nstadt", "none").await;
    add_question(
        &app,
        &f,
        &[
            ("kind", "number"),
            ("prompt", "Wie viele Minuten brauchen Sie?"),
            ("number_min", "0"),
            ("number_max", "300"),
        ],
    )
    .await;
    let qs = add_question(
        &app,
        &f,
        &[
            ("kind", "multiple"),
            ("prompt", "Was hilft?"),
            ("options", "Bus\nRad\nAuto"),
            ("max_choices", "1"),
        ],
    )
    .await;
    let (number, multiple) = (&qs[0], &qs[1]);
    open_survey(&app, &f).await;
    let field = name(number);

    let form = app.get(&format!("/surveys/{}", f.survey)).await;
    assert!(
        form.body.contains(&format!(
            "<p class=\"hint\" id=\"{field}-hint\">Bitte eine ganze Zahl von 0 bis 300 eingeben.</p>"
        )),
        "the bounds are shown under the question:\n{}",
        form.body
    );
    assert!(
        form.body
            .contains(&format!("aria-describedby=\"{field}-hint\""))
    );

    let res = post(
        &app,
        &f,
        &[
            (field.clone(), "301".into()),
            (name(multiple), opt(multiple, 0)),
            (name(multiple), opt(multiple, 1)),
            ("action".into(), "submit".into()),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Bitte geben Sie eine ganze Zahl von 0 bis 300 ein."),
        "the error names the bounds:\n{}",
        res.body
    );
    assert!(res.body.contains("Bitte wählen Sie höchstens 1."));
    assert!(!res.body.contains("Beachten Sie den Hinweis"));
    assert!(
        res.body
            .contains(&format!("aria-describedby=\"{field}-hint {field}-error\""))
    );
    assert!(res.body.contains("value=\"301\""), "what was typed is kept");
    Ok(())
}

#[tokio::test]
async fn the_paper_questionnaire_leads_online_asks_for_crosses_and_says_where_to_hand_it_in()
-> TestResult {
    let app = spawn_app().await;
    let f = draft_survey(&app, "pstadt", "none").await;
    every_kind(&app, &f).await;
    let print = format!("{}/print", f.manage);

    let page = app.get(&print).await;
    assert_eq!(page.status, StatusCode::OK);
    let url = app
        .state
        .settings
        .absolute_url(&format!("/surveys/{}", f.survey));
    assert!(page.body.contains(&format!(">{url}<")), "the full address");
    assert!(
        !page.body.contains(&format!(">/surveys/{}", f.survey)),
        "no bare path"
    );
    assert!(page.body.contains("<svg class=\"qr\""), "a QR code");
    assert!(!page.body.contains("<script"));
    for text in [
        "Bitte nur ein Kreuz.",
        "Mehrere Kreuze möglich: 1 bis 2.",
        "Bitte eine ganze Zahl von 1 bis 12 eintragen.",
        "Bitte auf die Linie schreiben.",
        "(Pflichtfrage)",
        "(freiwillig)",
        "class=\"print-box\"",
        "Seite 1 von",
    ] {
        assert!(page.body.contains(text), "{text}:\n{}", page.body);
    }
    // Each printed page carries the title and its number (once at the top, once at the foot).
    let pages = page.body.matches("class=\"print-page\"").count();
    assert!(pages >= 2, "seven questions take more than one page");
    assert_eq!(
        page.body
            .matches(&format!("Seite {pages} von {pages}"))
            .count(),
        2 + 1,
        "header, footer and the page's label"
    );
    // By default: the round's last day and its contact person.
    let last = (app
        .state
        .clock
        .now()
        .with_timezone(&app.state.settings.time_zone)
        .date_naive()
        + chrono::Duration::days(30))
    .format("%d.%m.%Y")
    .to_string();
    assert!(
        page.body.contains(&format!(
            "Bitte geben Sie den ausgefüllten Bogen bis zum {last} ab"
        )),
        "{}",
        page.body
    );
    assert!(page.body.contains("Sozialplanung, Frau Beispiel"));

    // Staff set their own place and day; a wrong day comes back with what was typed.
    let res = app
        .submit(
            &print,
            &print,
            &[("place", "Bürgerbüro, Marktplatz 1"), ("by", "31.02.2027")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Bitte geben Sie ein Datum ein"));
    assert!(res.body.contains(">\nBürgerbüro, Marktplatz 1</textarea>"));
    assert!(res.body.contains("value=\"31.02.2027\""));
    let res = app
        .submit(
            &print,
            &print,
            &[("place", "Bürgerbüro, Marktplatz 1"), ("by", "2027-01-15")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = app.get(&print).await;
    assert!(page.body.contains("bis zum 15.01.2027 ab"));
    assert!(page.body.contains("Bürgerbüro, Marktplatz 1"));
    assert!(!page.body.contains("Sozialplanung, Frau Beispiel"));
    Ok(())
}

#[tokio::test]
async fn a_finished_round_shows_its_results_and_no_call_to_take_part() -> TestResult {
    let app = spawn_app().await;
    let f = draft_survey(&app, "fstadt", "none").await;
    add_question(
        &app,
        &f,
        &[("kind", "yesno"), ("prompt", "Haben Sie Kinder?")],
    )
    .await;
    open_survey(&app, &f).await;
    let round = format!("/rounds/{}", f.round_slug);
    let page = app.get(&round).await;
    assert!(page.body.contains("So machen Sie mit"));
    assert!(
        page.body
            .contains(&format!("href=\"/surveys/{}\"", f.survey))
    );

    let res = app
        .submit(&f.manage, &format!("{}/publish-results", f.manage), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let round_id = entity::surveys::Entity::find_by_id(f.survey)
        .one(&app.state.db)
        .await?
        .ok_or("no survey")?
        .round_id;
    let manage_round = format!("/manage/rounds/{round_id}");
    let res = app
        .submit(&manage_round, &format!("{manage_round}/close"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    let page = app.get(&round).await;
    assert!(!page.body.contains("So machen Sie mit"), "{}", page.body);
    assert!(
        !page
            .body
            .contains(&format!("href=\"/surveys/{}\"", f.survey)),
        "no link to the closed survey"
    );
    assert!(page.body.contains("Diese Beteiligung ist beendet."));
    assert!(
        page.body.contains(&format!(
            "<a href=\"/surveys/{}/results\">Ergebnisse der Umfrage „Wie kommen Sie zurecht?“</a>",
            f.survey
        )),
        "{}",
        page.body
    );
    assert!(page.body.contains("Fragen zu dieser Beteiligung?"));
    Ok(())
}
