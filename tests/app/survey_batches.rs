//! Survey answers that arrive together: on SQLite the group commit stores a batch of them with a
//! few statements for all (`surveys/store.rs`); each must still be stored once, with its own
//! answers, and a second answer from the same browser refused, in the same batch or a later one.
//! The counts and answered sets kept beside the answers (`surveys/answer_counts.rs`) must equal
//! counting the stored answers, however they were stored.

use std::collections::{BTreeMap, BTreeSet};

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

/// The counts kept beside the answers, per table, as `(question, key, count)` sorted; and the
/// same counted from the stored answers.
async fn kept_and_counted(
    app: &crate::helpers::TestApp,
    survey: uuid::Uuid,
) -> (Vec<(String, String, i64)>, Vec<(String, String, i64)>) {
    // The key is an option's id (`o`), a number (`v`) or a name (`k`).
    let of = |rows: Vec<sea_orm::QueryResult>| -> Vec<(String, String, i64)> {
        let mut out: Vec<(String, String, i64)> = rows
            .iter()
            .filter_map(|row| {
                let key = row
                    .try_get::<uuid::Uuid>("", "o")
                    .map(|o| o.to_string())
                    .or_else(|_| row.try_get::<i32>("", "v").map(|v| v.to_string()))
                    .or_else(|_| row.try_get::<String>("", "k"));
                Some((
                    row.try_get::<uuid::Uuid>("", "q").ok()?.to_string(),
                    key.ok()?,
                    row.try_get::<i64>("", "n").ok()?,
                ))
            })
            .collect();
        assert_eq!(out.len(), rows.len(), "a row that could not be read");
        out.sort();
        out
    };
    let questions = "SELECT id FROM survey_questions WHERE survey_id = $1";
    let mut kept = Vec::new();
    let mut counted = Vec::new();
    for (kept_sql, counted_sql) in [
        (
            "SELECT question_id AS q, option_id AS o, answers AS n \
             FROM survey_option_counts WHERE question_id IN (QS)",
            "SELECT question_id AS q, option_id AS o, COUNT(*) AS n \
             FROM survey_answers WHERE question_id IN (QS) AND option_id IS NOT NULL \
             GROUP BY question_id, option_id",
        ),
        (
            "SELECT question_id AS q, number_value AS v, answers AS n \
             FROM survey_number_counts WHERE question_id IN (QS)",
            "SELECT question_id AS q, number_value AS v, COUNT(*) AS n \
             FROM survey_answers WHERE question_id IN (QS) AND option_id IS NULL \
             AND number_value IS NOT NULL GROUP BY question_id, number_value",
        ),
        (
            "SELECT question_id AS q, 'respondents' AS k, respondents AS n \
             FROM survey_question_counts WHERE question_id IN (QS)",
            "SELECT question_id AS q, 'respondents' AS k, COUNT(DISTINCT response_id) AS n \
             FROM survey_answers WHERE question_id IN (QS) GROUP BY question_id",
        ),
        (
            "SELECT question_id AS q, 'texts' AS k, texts AS n \
             FROM survey_question_counts WHERE question_id IN (QS) AND texts > 0",
            "SELECT question_id AS q, 'texts' AS k, COUNT(*) AS n FROM survey_answers \
             WHERE question_id IN (QS) AND option_id IS NULL AND number_value IS NULL \
             GROUP BY question_id",
        ),
    ] {
        kept.extend(of(
            rows_of(app, &kept_sql.replace("QS", questions), survey).await
        ));
        counted.extend(of(rows_of(
            app,
            &counted_sql.replace("QS", questions),
            survey,
        )
        .await));
    }
    (kept, counted)
}

/// The answered sets kept for `survey` (`survey_answered_sets`), as `(questions, responses)`
/// sorted; and the same counted from the stored answers.
pub async fn kept_and_counted_sets(
    app: &crate::helpers::TestApp,
    survey: uuid::Uuid,
) -> (Vec<(String, i64)>, Vec<(String, i64)>) {
    let mut kept: Vec<(String, i64)> = rows_of(
        app,
        "SELECT questions, responses FROM survey_answered_sets WHERE survey_id = $1",
        survey,
    )
    .await
    .iter()
    .filter_map(|row| {
        Some((
            row.try_get("", "questions").ok()?,
            row.try_get("", "responses").ok()?,
        ))
    })
    .collect();
    kept.sort();
    let mut per_response: BTreeMap<uuid::Uuid, BTreeSet<String>> = BTreeMap::new();
    for row in rows_of(
        app,
        "SELECT a.response_id AS r, a.question_id AS q FROM survey_answers a \
         JOIN survey_responses s ON s.id = a.response_id WHERE s.survey_id = $1",
        survey,
    )
    .await
    {
        let (Ok(r), Ok(q)) = (
            row.try_get::<uuid::Uuid>("", "r"),
            row.try_get::<uuid::Uuid>("", "q"),
        ) else {
            panic!("an answer that could not be read");
        };
        per_response.entry(r).or_default().insert(q.to_string());
    }
    let mut counted: BTreeMap<String, i64> = BTreeMap::new();
    for questions in per_response.values() {
        let key: Vec<&str> = questions.iter().map(String::as_str).collect();
        *counted.entry(key.join(" ")).or_default() += 1;
    }
    (kept, counted.into_iter().collect())
}

#[tokio::test]
async fn the_counts_kept_for_the_results_equal_counting_the_stored_answers() -> TestResult {
    let app = spawn_app().await;
    let f = draft_survey(&app, "dstadt", "none").await;
    for fields in [
        &[
            ("kind", "multiple"),
            ("prompt", "Was hilft Ihnen?"),
            ("options", "Beratung\nKita\nFahrgeld"),
            ("allow_other", "on"),
        ][..],
        &[("kind", "number"), ("prompt", "Wie viele Personen?")],
        &[("kind", "short_text"), ("prompt", "Was fehlt Ihnen?")],
    ] {
        add_question(&app, &f, fields).await;
    }
    let qs = add_question(
        &app,
        &f,
        &[("kind", "yesno"), ("prompt", "Haben Sie Kinder?")],
    )
    .await;
    open_survey(&app, &f).await;
    let (multiple, number, text) = (&qs[0], qs[1].model.id, qs[2].model.id);
    let option = |i: usize| multiple.options[i].id;
    let answers: Vec<Vec<(uuid::Uuid, Answer)>> = vec![
        // Two options and "other": one respondent of the question, three answers.
        vec![
            (
                multiple.model.id,
                Answer::Choices(vec![option(0), option(2)], Some("Nachbarn".into())),
            ),
            (number, Answer::Number(3)),
            (text, Answer::Text("Ein Bus am Abend".into())),
        ],
        vec![
            (multiple.model.id, Answer::Choices(vec![option(0)], None)),
            (number, Answer::Number(3)),
        ],
        // Refused below (its mark is taken): it must not be counted.
        vec![(number, Answer::Number(7))],
        vec![
            (multiple.model.id, Answer::Choices(vec![], None)),
            (number, Answer::Number(-2)),
            (text, Answer::Text("Licht".into())),
        ],
    ];
    let response = |i: usize, mark: &str| {
        (
            NewResponse {
                survey_id: f.survey,
                answers: &answers[i],
                channel: Channel::Online,
                today: chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default(),
            },
            Some(mark.to_string()),
        )
    };
    let txn = app.state.db.begin().await?;
    let outcomes = submit_many(
        &txn,
        &[
            response(0, "a"),
            response(1, "b"),
            response(2, "a"),
            response(3, "c"),
        ],
    )
    .await?;
    txn.commit().await?;
    assert_eq!(
        outcomes.iter().filter(|o| **o == Submitted::Stored).count(),
        3
    );

    // And one through the answer form, the way a resident sends it.
    let url = app.url(&format!("/surveys/{}", f.survey));
    let client = new_client();
    let form = client.get(&url).send().await?.text().await?;
    let token = csrf_token(&form).ok_or("no token on the answer form")?;
    let fields = vec![
        ("csrf_token".to_string(), token),
        (format!("q-{}", multiple.model.id), option(1).to_string()),
        (format!("q-{}", number), "3".to_string()),
        ("action".to_string(), "submit".to_string()),
    ];
    assert_eq!(
        client.post(&url).form(&fields).send().await?.status(),
        StatusCode::SEE_OTHER
    );

    let (kept, counted) = kept_and_counted(&app, f.survey).await;
    assert_eq!(kept, counted);
    let (kept_sets, counted_sets) = kept_and_counted_sets(&app, f.survey).await;
    assert_eq!(kept_sets, counted_sets);
    assert!(kept_sets.len() >= 2, "responses answered different sets");
    let first = option(0).to_string();
    let of = |q: uuid::Uuid, k: &str| {
        kept.iter()
            .find(|(kq, kk, _)| *kq == q.to_string() && kk == k)
            .map(|(_, _, n)| *n)
    };
    assert_eq!(of(multiple.model.id, &first), Some(2));
    assert_eq!(of(multiple.model.id, "respondents"), Some(3));
    assert_eq!(of(multiple.model.id, "texts"), Some(1));
    assert_eq!(of(number, "3"), Some(3));
    assert_eq!(of(number, "7"), None);
    assert_eq!(of(number, "respondents"), Some(4));
    assert_eq!(of(text, "texts"), Some(2));
    Ok(())
}

#[tokio::test]
async fn the_kept_counts_keep_no_order_of_writing_once_mixed() -> TestResult {
    let app = spawn_app().await;
    let f = draft_survey(&app, "estadt", "none").await;
    add_question(
        &app,
        &f,
        &[
            ("kind", "single"),
            ("prompt", "Wie kommen Sie zur Arbeit?"),
            ("options", "Bus\nRad\nAuto"),
        ],
    )
    .await;
    let qs = add_question(
        &app,
        &f,
        &[
            ("kind", "single"),
            ("prompt", "Wie alt sind Sie?"),
            ("options", "unter 30\n30 und älter"),
            ("demographic", "on"),
        ],
    )
    .await;
    open_survey(&app, &f).await;
    let (question, age) = (&qs[0], &qs[1]);
    // Three responses in three transactions, each adding a row of its own option, also to the
    // breakdown by age.
    for (i, option) in question.options.iter().enumerate() {
        let answers = vec![
            (question.model.id, Answer::Choices(vec![option.id], None)),
            (
                age.model.id,
                Answer::Choices(vec![age.options[i % 2].id], None),
            ),
        ];
        let txn = app.state.db.begin().await?;
        let stored = submit_many(
            &txn,
            &[(
                NewResponse {
                    survey_id: f.survey,
                    answers: &answers,
                    channel: Channel::Online,
                    today: chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default(),
                },
                Some(format!("mark-{i}")),
            )],
        )
        .await?;
        txn.commit().await?;
        assert_eq!(stored, [Submitted::Stored]);
    }
    teilhabe::surveys::mixing::mix(&app.state.db).await?;

    let db = &app.state.db;
    let backend = db.get_database_backend();
    for table in [
        "survey_option_counts",
        "survey_number_counts",
        "survey_question_counts",
        "survey_answered_sets",
        "survey_breakdown_option_counts",
        "survey_breakdown_number_counts",
    ] {
        match backend {
            // Stored in key order: there is no rowid that would keep the order of inserting.
            sea_orm::DbBackend::Sqlite => assert!(
                db.query_all_raw(Statement::from_string(
                    backend,
                    format!("SELECT rowid FROM {table}")
                ))
                .await
                .is_err(),
                "{table} has a rowid"
            ),
            // Rewritten in one transaction: every row carries the same writer.
            _ => {
                let rows = db
                    .query_all_raw(Statement::from_string(
                        backend,
                        format!("SELECT DISTINCT CAST(xmin AS TEXT) AS x FROM {table}"),
                    ))
                    .await?;
                assert!(
                    rows.len() <= 1,
                    "{table}: rows written by {} transactions",
                    rows.len()
                );
            }
        }
    }
    Ok(())
}
