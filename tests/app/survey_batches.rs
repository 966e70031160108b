//! Survey answers that arrive together: on SQLite the group commit stores a batch of them with a
//! few statements for all (`surveys/store.rs`); each must still be stored once, with its own
//! answers, and a second answer from the same browser refused, in the same batch or a later one.

use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
use teilhabe::surveys::{
    answering::Answer,
    model::Channel,
    queries as surveys,
    store::{NewResponse, submit_many},
    submit::Submitted,
};

use crate::{
    fixtures::{add_question, draft_survey, open_survey},
    helpers::{TestResult, csrf_token, new_client, spawn_app},
};

/// The rows `sql` (with `$1` for the survey) gives for `survey`.
async fn rows_of(
    app: &crate::helpers::TestApp,
    sql: &str,
    survey: uuid::Uuid,
) -> Vec<sea_orm::QueryResult> {
    let backend = app.state.db.get_database_backend();
    let sql = teilhabe::db::placeholders(backend, sql);
    let statement = Statement::from_sql_and_values(backend, sql, [survey.into()]);
    app.state
        .db
        .query_all_raw(statement)
        .await
        .unwrap_or_default()
}

/// The free-text answers stored for `survey`, sorted, and how many answers each response has.
async fn stored(app: &crate::helpers::TestApp, survey: uuid::Uuid) -> (Vec<String>, Vec<i64>) {
    let texts = rows_of(
        app,
        "SELECT a.text_value AS t FROM survey_answers a \
         JOIN survey_responses r ON r.id = a.response_id \
         WHERE r.survey_id = $1 AND a.text_value IS NOT NULL ORDER BY a.text_value",
        survey,
    )
    .await;
    let per_response = rows_of(
        app,
        "SELECT COUNT(a.id) AS n FROM survey_responses r \
         LEFT JOIN survey_answers a ON a.response_id = r.id \
         WHERE r.survey_id = $1 GROUP BY r.id",
        survey,
    )
    .await;
    (
        texts
            .iter()
            .filter_map(|row| row.try_get("", "t").ok())
            .collect(),
        per_response
            .iter()
            .filter_map(|row| row.try_get("", "n").ok())
            .collect(),
    )
}

#[tokio::test]
async fn answers_sent_at_once_are_each_stored_once_with_their_own_answers() -> TestResult {
    let app = spawn_app().await;
    let f = draft_survey(&app, "bstadt", "none").await;
    let yes_no = &add_question(
        &app,
        &f,
        &[
            ("kind", "yesno"),
            ("prompt", "Fahren Sie Bus?"),
            ("required", "on"),
        ],
    )
    .await[0];
    let text = &add_question(
        &app,
        &f,
        &[("kind", "short_text"), ("prompt", "Was fehlt Ihnen?")],
    )
    .await[1];
    open_survey(&app, &f).await;
    let url = app.url(&format!("/surveys/{}", f.survey));

    // Sixteen browsers open the form (which gives each its own browser mark and token).
    let mut browsers = Vec::new();
    for i in 0..16 {
        let client = new_client();
        let form = client.get(&url).send().await?.text().await?;
        let token = csrf_token(&form).ok_or("no token on the answer form")?;
        let fields = vec![
            ("csrf_token".to_string(), token),
            (format!("q-{}", yes_no.model.id), (i % 2).to_string()),
            (format!("q-{}", text.model.id), format!("Antwort {i:02}")),
            ("action".to_string(), "submit".to_string()),
        ];
        browsers.push((client, fields));
    }
    // All at once, the first browser twice.
    let sends = browsers
        .iter()
        .chain(browsers.iter().take(1))
        .map(|(client, fields)| client.post(&url).form(fields).send());
    let mut statuses = Vec::new();
    for res in futures::future::join_all(sends).await {
        statuses.push(res?.status());
    }
    let saved = statuses
        .iter()
        .filter(|s| **s == StatusCode::SEE_OTHER)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((saved, refused), (16, 1), "{statuses:?}");

    assert_eq!(surveys::response_count(&app.state.db, f.survey).await?, 16);
    let (texts, per_response) = stored(&app, f.survey).await;
    let sent: Vec<String> = (0..16).map(|i| format!("Antwort {i:02}")).collect();
    assert_eq!(texts, sent);
    assert_eq!(per_response, vec![2; 16]);
    Ok(())
}

#[tokio::test]
async fn responses_stored_together_refuse_a_mark_taken_before_or_earlier_in_the_same_call()
-> TestResult {
    let app = spawn_app().await;
    let f = draft_survey(&app, "cstadt", "none").await;
    let question = &add_question(
        &app,
        &f,
        &[("kind", "short_text"), ("prompt", "Was fehlt Ihnen?")],
    )
    .await[0];
    open_survey(&app, &f).await;
    let answers: Vec<Vec<(uuid::Uuid, Answer)>> = (0..5)
        .map(|i| vec![(question.model.id, Answer::Text(format!("Text {i}")))])
        .collect();
    let response = |i: usize, mark: Option<&str>| {
        (
            NewResponse {
                survey_id: f.survey,
                answers: &answers[i],
                channel: Channel::Online,
                today: chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default(),
            },
            mark.map(str::to_string),
        )
    };

    let txn = app.state.db.begin().await?;
    let first = submit_many(&txn, &[response(0, Some("mark-a"))]).await?;
    assert_eq!(first, [Submitted::Stored]);
    let outcomes = submit_many(
        &txn,
        &[
            response(1, Some("mark-a")),
            response(2, Some("mark-b")),
            response(3, Some("mark-b")),
            response(4, None),
        ],
    )
    .await?;
    txn.commit().await?;
    assert_eq!(
        outcomes,
        [
            Submitted::AlreadyTaken,
            Submitted::Stored,
            Submitted::AlreadyTaken,
            Submitted::Stored
        ]
    );
    assert_eq!(surveys::response_count(&app.state.db, f.survey).await?, 3);
    let (texts, per_response) = stored(&app, f.survey).await;
    assert_eq!(texts, ["Text 0", "Text 2", "Text 4"]);
    assert_eq!(per_response, [1, 1, 1]);
    Ok(())
}
