//! Anonymous survey answers against someone who holds the database and the logs (an operator, a
//! backup, a compromised host): 50 known people answer, each with a text that names them, and the
//! attacker tries every link the stored data offers — the order rows are stored or listed in
//! (`rowid` on SQLite, `ctid` and `xmin` on PostgreSQL, a plain `SELECT`), the log lines written
//! while they answered, and the rate-limit rows. No attack may do better than chance.

use std::{
    collections::{HashMap, HashSet},
    io::Write,
    sync::{Arc, Mutex, OnceLock},
};

use reqwest::StatusCode;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryResult, Statement,
};
use teilhabe::surveys::{
    codes::{code_hash, normalize_code},
    mixing,
};
use uuid::Uuid;

use crate::{
    fixtures::{SurveyFixture, add_question, draft_survey, open_survey},
    helpers::{TestApp, TestResult, new_client, spawn_app},
};

// ---- the log, as written to the operator's terminal or file ----

#[derive(Clone)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every log line of this test process from now on, formatted as the server's own subscriber
/// formats them (with a timestamp each).
fn captured_log() -> Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let writer = Captured(buf.clone());
        tracing_subscriber::fmt()
            .with_ansi(false)
            .with_env_filter(tracing_subscriber::EnvFilter::new("info"))
            .with_writer(move || writer.clone())
            .try_init()
            .unwrap_or_else(|e| panic!("a log subscriber was already set: {e}"));
        buf
    })
    .clone()
}

fn log_text(log: &Arc<Mutex<Vec<u8>>>, from: usize) -> String {
    let bytes = log.lock().unwrap_or_else(|e| e.into_inner());
    String::from_utf8_lossy(&bytes[from.min(bytes.len())..]).into_owned()
}

// ---- the people ----

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Via {
    Account,
    Browser,
    Code,
    CodeSignedIn,
}

struct Person {
    via: Via,
    survey: Uuid,
    client: reqwest::Client,
    user_id: Option<Uuid>,
    code: Option<String>,
    /// What they write: it names them, as a free text can.
    text: String,
}

fn text_of(survey_no: usize, arrival: usize) -> String {
    format!("Ich bin Person {arrival:02} der Umfrage {survey_no}")
}

async fn resident(app: &mut TestApp, email: &str) -> (reqwest::Client, Uuid) {
    app.client = new_client();
    app.signed_in_resident(email).await;
    let user = teilhabe::accounts::model::find_by_email(&app.state.db, email)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no account {email}"));
    (app.client.clone(), user.id)
}

async fn generate_codes(app: &TestApp, f: &SurveyFixture, count: usize) -> Vec<String> {
    let page = format!("{}/codes", f.manage);
    let res = app
        .submit(&page, &page, &[("count", &count.to_string())])
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let codes: Vec<String> = res
        .body
        .match_indices("<li><code>")
        .map(|(i, _)| res.body[i + 10..i + 22].to_string())
        .collect();
    assert_eq!(codes.len(), count, "{}", res.body);
    codes
}

async fn answer(app: &mut TestApp, person: &Person, question: Uuid) {
    app.client = person.client.clone();
    let mut fields = vec![
        (format!("q-{question}"), person.text.clone()),
        ("action".to_string(), "submit".to_string()),
    ];
    if let Some(code) = &person.code {
        fields.push(("access_code".into(), code.clone()));
    }
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let res = app
        .submit(
            "/subscribe",
            &format!("/surveys/{}", person.survey),
            &borrowed,
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::SEE_OTHER,
        "{:?}: {}",
        person.via,
        res.body
    );
    let thanks = app.get(res.location.as_deref().unwrap_or_default()).await;
    assert_eq!(thanks.status, StatusCode::OK);
}

// ---- the attacker's tools ----

/// The keys a query lists, in the order it lists them; `None` when the database refuses it (no
/// `rowid` on a `WITHOUT ROWID` table).
async fn listed(app: &TestApp, sql: &str) -> Option<Vec<String>> {
    let db = &app.state.db;
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .ok()?;
    Some(rows.iter().map(key).collect())
}

fn key(row: &QueryResult) -> String {
    row.try_get::<Uuid>("", "k")
        .map(|u| u.to_string())
        .or_else(|_| row.try_get::<String>("", "k"))
        .unwrap_or_else(|e| panic!("key column: {e}"))
}

/// The orders an attacker can read out of the database: what a plain `SELECT` lists, and what
/// the storage itself keeps (`rowid` on SQLite; the heap position and the writing transaction on
/// PostgreSQL), each as an `ORDER BY` (`None`: no `ORDER BY`).
fn signals(backend: DbBackend) -> Vec<(&'static str, Option<&'static str>)> {
    match backend {
        DbBackend::Postgres => vec![
            ("plain SELECT", None),
            ("ctid", Some("ctid")),
            ("xmin", Some("xmin::text::bigint, ctid")),
        ],
        _ => vec![("plain SELECT", None), ("rowid", Some("rowid"))],
    }
}

fn query(select: &str, order: Option<&str>) -> String {
    match order {
        Some(by) => format!("{select} ORDER BY {by}"),
        None => select.to_string(),
    }
}

/// 0-based ranks of `values`.
fn ranks(values: &[usize]) -> Vec<usize> {
    let mut sorted: Vec<usize> = values.to_vec();
    sorted.sort_unstable();
    values
        .iter()
        .map(|v| sorted.binary_search(v).unwrap_or_default())
        .collect()
}

/// How far a listing keeps the order of arrival: the number of rows at the position of their
/// arrival, and Spearman's rank correlation with the arrival. `arrivals[k]` is the arrival of the
/// k-th row listed.
fn order_kept(arrivals: &[usize]) -> (usize, f64) {
    let r = ranks(arrivals);
    let n = r.len() as f64;
    let fixed = r.iter().enumerate().filter(|(k, v)| *k == **v).count();
    let d2: f64 = r
        .iter()
        .enumerate()
        .map(|(k, v)| (k as f64 - *v as f64).powi(2))
        .sum();
    (fixed, 1.0 - 6.0 * d2 / (n * (n * n - 1.0)))
}

/// Bounds a random order rarely passes: with n = 25 more than 7 fixed points happen with
/// probability about 1e-5 (Poisson(1)), |rho| >= 0.85 about 3e-5.
const MAX_FIXED: usize = 7;
const MAX_RHO: f64 = 0.85;

struct Truth {
    /// Response id → arrival of its person, per survey.
    response: HashMap<String, usize>,
    /// Participation hash or used code hash → arrival of its person (accounts and codes: the
    /// attacker recomputes these with the key from the data directory).
    guard: HashMap<String, usize>,
}

#[tokio::test]
async fn anonymous_answers_cannot_be_linked_by_order_log_or_rate_limit() -> TestResult {
    let log = captured_log();
    let mut app = spawn_app().await;
    let db = app.state.db.clone();
    let keys = app.state.keys.clone();

    // Two surveys: an open one (accounts and browsers) and one with access codes.
    let open_f = draft_survey(&app, "ustadt", "none").await;
    let open_q = add_question(
        &app,
        &open_f,
        &[
            ("kind", "long_text"),
            ("prompt", "Was möchten Sie uns sagen?"),
            ("required", "on"),
        ],
    )
    .await[0]
        .model
        .id;
    open_survey(&app, &open_f).await;
    let open_staff = app.client.clone();
    app.client = new_client();
    let code_f = draft_survey(&app, "vstadt", "code").await;
    let code_q = add_question(
        &app,
        &code_f,
        &[
            ("kind", "long_text"),
            ("prompt", "Was möchten Sie uns sagen?"),
            ("required", "on"),
        ],
    )
    .await[0]
        .model
        .id;
    open_survey(&app, &code_f).await;
    let codes = generate_codes(&app, &code_f, 25).await;

    // 50 people: 9 account holders and 16 browsers answer the open survey; 25 code holders (one
    // of them signed in) the other, in an interleaved order. (Ten registrations from one address
    // are all an hour allows.)
    let mut open_people = Vec::new();
    let mut code_people = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        let (via, client, user_id) = if i % 3 == 0 {
            let (c, id) = resident(&mut app, &format!("offen{i}@example.org")).await;
            (Via::Account, c, Some(id))
        } else {
            (Via::Browser, new_client(), None)
        };
        open_people.push(Person {
            via,
            survey: open_f.survey,
            client,
            user_id,
            code: None,
            text: text_of(1, i),
        });
        let (via, client, user_id) = if i == 0 {
            let (c, id) = resident(&mut app, &format!("code{i}@example.org")).await;
            (Via::CodeSignedIn, c, Some(id))
        } else {
            (Via::Code, new_client(), None)
        };
        code_people.push(Person {
            via,
            survey: code_f.survey,
            client,
            user_id,
            code: Some(code.clone()),
            text: text_of(2, i),
        });
    }
    let log_from = log.lock().unwrap_or_else(|e| e.into_inner()).len();
    for i in 0..25 {
        answer(&mut app, &open_people[i], open_q).await;
        answer(&mut app, &code_people[i], code_q).await;
    }
    // Staff type in a paper questionnaire.
    app.client = open_staff;
    let paper = format!("{}/paper", open_f.manage);
    let res = app
        .submit(&paper, &paper, &[(&format!("q-{open_q}"), "Auf Papier")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let _ = app.get(&paper).await;
    let answering_log = log_text(&log, log_from);

    // The worker's mixing step, as it runs after answers came in.
    let mut last = None;
    assert!(
        mixing::mix_if_changed(&db, &mut last).await?,
        "new answers are mixed"
    );
    assert!(
        !mixing::mix_if_changed(&db, &mut last).await?,
        "nothing new, nothing to do"
    );

    // ---- the attacker: the database, the key in the data directory, the log ----
    let backend = db.get_database_backend();
    let mut truths = Vec::new();
    for (survey_no, people) in [(1, &open_people), (2, &code_people)] {
        let survey = people[0].survey;
        let mut truth = Truth {
            response: HashMap::new(),
            guard: HashMap::new(),
        };
        // The texts name their writers: response → person.
        for a in entity::survey_answers::Entity::find()
            .filter(entity::survey_answers::Column::TextValue.is_not_null())
            .all(&db)
            .await?
        {
            let text = a.text_value.unwrap_or_default();
            if let Some(arrival) = (0..25).find(|i| text == text_of(survey_no, *i)) {
                truth.response.insert(a.response_id.to_string(), arrival);
            }
        }
        assert_eq!(truth.response.len(), 25);
        // Participations of account holders and used codes, recomputed with the instance key.
        for (arrival, p) in people.iter().enumerate() {
            if let Some(user) = p.user_id {
                truth.guard.insert(
                    keys.keyed_hash(&[
                        "survey-participation",
                        "user",
                        &survey.to_string(),
                        &user.to_string(),
                    ]),
                    arrival,
                );
            }
            if let Some(code) = &p.code {
                truth
                    .guard
                    .insert(code_hash(&keys, survey, &normalize_code(code)), arrival);
            }
        }
        let vias: HashSet<Via> = people.iter().map(|p| p.via).collect();
        assert!(vias.len() == 2, "{vias:?}");
        truths.push((survey, truth));
    }
    // Which participations and used codes belong to which survey: the survey id is stored beside
    // each.
    let mut survey_guards: HashMap<Uuid, HashSet<String>> = HashMap::new();
    for p in entity::survey_participations::Entity::find()
        .all(&db)
        .await?
    {
        survey_guards
            .entry(p.survey_id)
            .or_default()
            .insert(p.guard_hash);
    }
    for c in entity::survey_access_codes::Entity::find()
        .filter(entity::survey_access_codes::Column::Used.eq(true))
        .all(&db)
        .await?
    {
        survey_guards
            .entry(c.survey_id)
            .or_default()
            .insert(c.code_hash);
    }
    for (survey, truth) in &truths {
        let stored = survey_guards.get(survey).cloned().unwrap_or_default();
        assert!(
            truth.guard.keys().all(|g| stored.contains(g)),
            "the attacker finds every account's participation and every used code"
        );
    }

    let mut failures = Vec::new();
    for (name, order) in signals(backend) {
        let listings = [
            (
                "responses",
                query("SELECT id AS k FROM survey_responses", order),
            ),
            (
                "answers",
                query(
                    "SELECT response_id AS k FROM survey_answers WHERE text_value IS NOT NULL",
                    order,
                ),
            ),
            (
                "participations",
                query("SELECT guard_hash AS k FROM survey_participations", order),
            ),
            (
                "used codes",
                query(
                    "SELECT code_hash AS k FROM survey_access_codes WHERE used = TRUE",
                    order,
                ),
            ),
        ];
        let mut got: HashMap<&str, Vec<String>> = HashMap::new();
        for (what, sql) in &listings {
            match listed(&app, sql).await {
                Some(keys) => {
                    got.insert(what, keys);
                }
                None => assert!(
                    name == "rowid" && backend == DbBackend::Sqlite,
                    "{sql} was refused"
                ),
            }
        }
        for (survey, truth) in &truths {
            let arrival = |k: &String| {
                truth
                    .response
                    .get(k)
                    .or_else(|| truth.guard.get(k))
                    .copied()
            };
            // Does a listing keep the order of arrival?
            for (what, keys) in &got {
                let arrivals: Vec<usize> = keys.iter().filter_map(arrival).collect();
                if arrivals.len() < 5 {
                    continue;
                }
                let (fixed, rho) = order_kept(&arrivals);
                if fixed > MAX_FIXED || rho.abs() >= MAX_RHO {
                    failures.push(format!(
                        "survey {survey}: {what} by {name} keep the order of arrival \
                         ({fixed} of {} in place, rho {rho:.2})",
                        arrivals.len()
                    ));
                }
            }
            // Pairing the n-th participation (or used code) with the n-th response.
            let responses: Vec<&String> = got
                .get("responses")
                .map(|r| {
                    r.iter()
                        .filter(|k| truth.response.contains_key(*k))
                        .collect()
                })
                .unwrap_or_default();
            for what in ["participations", "used codes"] {
                let Some(guards) = got.get(what) else {
                    continue;
                };
                // All of this survey's rows (browsers' too), in the listed order.
                let of_survey = survey_guards.get(survey).cloned().unwrap_or_default();
                let listed_guards: Vec<&String> =
                    guards.iter().filter(|g| of_survey.contains(*g)).collect();
                let linked = listed_guards
                    .iter()
                    .zip(&responses)
                    .filter(|(g, r)| truth.guard.get(**g) == truth.response.get(**r))
                    .count();
                if linked > MAX_FIXED {
                    failures.push(format!(
                        "survey {survey}: the n-th of the {what} by {name} is the n-th response \
                         for {linked} of {} people",
                        truth.guard.len()
                    ));
                }
            }
        }
        // A response and its participation written by one transaction share `xmin`.
        if name == "xmin" {
            let shared = listed(
                &app,
                "SELECT r.id AS k FROM survey_responses r WHERE \
                 (SELECT COUNT(*) FROM survey_responses o WHERE o.xmin = r.xmin) = 1",
            )
            .await
            .unwrap_or_default();
            if !shared.is_empty() {
                failures.push(format!(
                    "{} responses have a writing transaction of their own",
                    shared.len()
                ));
            }
        }
    }

    // The log: no line per answer, so no time of day for any of them.
    let answer_lines: Vec<&str> = answering_log
        .lines()
        .filter(|l| {
            (l.contains("method=POST") && l.contains("route=/surveys/{id} "))
                || l.contains("route=/surveys/{id}/thanks")
                || l.contains("route=/manage/surveys/{id}/paper")
        })
        .collect();
    if !answer_lines.is_empty() {
        failures.push(format!(
            "{} log lines date the answers, such as {:?}",
            answer_lines.len(),
            answer_lines[0]
        ));
    }
    for (_, truth) in &truths {
        for id in truth.response.keys() {
            assert!(
                !answering_log.contains(id.as_str()),
                "a response id in the log"
            );
        }
    }
    assert!(!answering_log.contains("Ich bin Person"));

    // The rate-limit rows: the survey counter of this address (recomputed with the key) tells the
    // day at most; no row keeps the second a window began.
    let survey_bucket = keys.keyed_hash(&[
        teilhabe::web::rate_limit::SURVEY_SUBMIT_PER_IP.name,
        "127.0.0.1",
    ]);
    let buckets = entity::rate_limits::Entity::find().all(&db).await?;
    let bucket = buckets
        .iter()
        .find(|b| b.key == survey_bucket)
        .ok_or("the answers were counted")?;
    if bucket.window_start % (24 * 60 * 60) != 0 {
        failures.push(format!(
            "the survey counter began at {} (second {} of its day)",
            bucket.window_start,
            bucket.window_start % (24 * 60 * 60)
        ));
    }
    for b in &buckets {
        if b.window_start % (15 * 60) != 0 {
            failures.push(format!("a rate-limit window began at {}", b.window_start));
        }
    }

    assert!(failures.is_empty(), "linkable:\n{}", failures.join("\n"));
    Ok(())
}
