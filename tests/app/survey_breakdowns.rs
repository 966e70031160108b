//! The breakdowns of a survey's results by a demographic question read counts kept beside the
//! answers (`survey_breakdown_option_counts`, `survey_breakdown_number_counts`, migration
//! 000031): they must always equal counting the stored answers, whichever way a response came in,
//! and the migration that brought them filled them from the answers already stored.

use std::collections::{BTreeMap, HashMap};

use entity::{
    survey_answers, survey_breakdown_number_counts, survey_breakdown_option_counts,
    survey_responses,
};
use migration::MigratorTrait;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use teilhabe::surveys::model::{Kind, Question};
use uuid::Uuid;

use crate::{
    fixtures::{SurveyFixture, add_question, draft_survey, open_survey},
    helpers::{TestApp, TestResult, csrf_token, new_client, spawn_app},
};

/// (group option, question, option or number) → answers; an "other" text is the nil option.
type Counts = BTreeMap<(Uuid, Uuid, String), i64>;

fn key(group: Uuid, question: Uuid, cell: String) -> (Uuid, Uuid, String) {
    (group, question, cell)
}

/// What the kept tables hold.
async fn kept(app: &TestApp) -> Counts {
    let db = &app.state.db;
    let mut out = Counts::new();
    for row in survey_breakdown_option_counts::Entity::find()
        .all(db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
    {
        let cell = format!("option {}", row.option_id);
        out.insert(key(row.group_option_id, row.question_id, cell), row.answers);
    }
    for row in survey_breakdown_number_counts::Entity::find()
        .all(db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
    {
        let cell = format!("number {}", row.number_value);
        out.insert(key(row.group_option_id, row.question_id, cell), row.answers);
    }
    out
}

/// The same counted here from every stored answer of `survey`: per response, each answer of a
/// counted question that is not demographic, once per demographic option the response chose.
async fn counted(app: &TestApp, survey: Uuid, qs: &[Question]) -> Counts {
    let db = &app.state.db;
    let of_survey: Vec<Uuid> = survey_responses::Entity::find()
        .filter(survey_responses::Column::SurveyId.eq(survey))
        .all(db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|r| r.id)
        .collect();
    let mut per_response: HashMap<Uuid, Vec<survey_answers::Model>> = HashMap::new();
    for answer in survey_answers::Entity::find()
        .filter(survey_answers::Column::ResponseId.is_in(of_survey))
        .all(db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
    {
        per_response
            .entry(answer.response_id)
            .or_default()
            .push(answer);
    }
    let question = |id: Uuid| qs.iter().find(|q| q.model.id == id);
    let mut out = Counts::new();
    for answers in per_response.values() {
        let groups = answers.iter().filter_map(|a| {
            question(a.question_id)
                .filter(|q| q.model.demographic)
                .and(a.option_id)
        });
        for group in groups {
            for a in answers {
                let Some(q) = question(a.question_id) else {
                    continue;
                };
                let cell = match q.kind {
                    _ if q.model.demographic => continue,
                    Kind::Single | Kind::Multiple => {
                        format!("option {}", a.option_id.unwrap_or_default())
                    }
                    Kind::Scale | Kind::YesNo => match a.number_value {
                        Some(n) => format!("number {n}"),
                        None => continue,
                    },
                    _ => continue,
                };
                *out.entry(key(group, q.model.id, cell)).or_default() += 1;
            }
        }
    }
    out
}

/// A survey with two demographic questions (age with an "other" answer, district) and one of
/// each other kind, open.
async fn survey(app: &TestApp, slug: &str) -> (SurveyFixture, Vec<Question>) {
    let f = draft_survey(app, slug, "none").await;
    for fields in [
        &[
            ("kind", "single"),
            ("prompt", "Wie alt sind Sie?"),
            ("options", "unter 30\n30 bis 64\n65 und älter"),
            ("allow_other", "on"),
            ("demographic", "on"),
        ][..],
        &[
            ("kind", "single"),
            ("prompt", "In welchem Stadtteil wohnen Sie?"),
            ("options", "Nord\nSüd"),
            ("demographic", "on"),
        ],
        &[
            ("kind", "multiple"),
            ("prompt", "Was hilft Ihnen?"),
            ("options", "Beratung\nKita\nFahrgeld"),
            ("allow_other", "on"),
        ],
        &[
            ("kind", "scale"),
            ("prompt", "Wie zufrieden sind Sie?"),
            ("scale_min", "1"),
            ("scale_max", "5"),
        ],
        &[("kind", "yesno"), ("prompt", "Haben Sie Kinder?")],
        &[("kind", "number"), ("prompt", "Wie viele Personen?")],
    ] {
        add_question(app, &f, fields).await;
    }
    let qs = add_question(
        app,
        &f,
        &[("kind", "short_text"), ("prompt", "Was fehlt Ihnen?")],
    )
    .await;
    open_survey(app, &f).await;
    (f, qs)
}

/// The form fields of response `i`: age `i % 3` (the last one "other"), district `i % 2`,
/// Beratung always, Kita every fourth, an "other" help every fifth, satisfaction `1 + i % 5`,
/// children every second, a number and a text.
fn fields(qs: &[Question], i: usize, last: usize) -> Vec<(String, String)> {
    let name = |q: usize| format!("q-{}", qs[q].model.id);
    let option = |q: usize, o: usize| qs[q].options[o].id.to_string();
    let mut out = Vec::new();
    if i == last {
        out.push((name(0), "other".to_string()));
        out.push((format!("{}-other", name(0)), "keine Angabe".to_string()));
    } else {
        out.push((name(0), option(0, i % 3)));
    }
    out.push((name(1), option(1, i % 2)));
    out.push((name(2), option(2, 0)));
    if i.is_multiple_of(4) {
        out.push((name(2), option(2, 1)));
    }
    if i.is_multiple_of(5) {
        out.push((name(2), "other".to_string()));
        out.push((format!("{}-other", name(2)), "Nachbarn".to_string()));
    }
    out.push((name(3), (1 + i % 5).to_string()));
    out.push((name(4), (i % 2).to_string()));
    out.push((name(5), i.to_string()));
    out.push((name(6), "Ein Bus am Abend".to_string()));
    out
}

#[tokio::test]
async fn the_kept_breakdown_counts_equal_counting_the_stored_answers() -> TestResult {
    let app = spawn_app().await;
    let (f, qs) = survey(&app, "bstadt").await;
    // 23 responses typed in from paper, the last with an age given as "other" text.
    let paper = format!("{}/paper", f.manage);
    for i in 0..23 {
        let fields = fields(&qs, i, 22);
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let res = app.submit(&paper, &paper, &fields).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
    // And one online, through the answer form as a resident sends it (the group commit).
    let url = app.url(&format!("/surveys/{}", f.survey));
    let client = new_client();
    let form = client.get(&url).send().await?.text().await?;
    let mut online = fields(&qs, 23, usize::MAX);
    online.push((
        "csrf_token".into(),
        csrf_token(&form).ok_or("no token on the answer form")?,
    ));
    online.push(("action".into(), "submit".into()));
    let res = client.post(&url).form(&online).send().await?;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let kept_now = kept(&app).await;
    assert_eq!(kept_now, counted(&app, f.survey, &qs).await);
    // Not two empty tables: "unter 30" (i % 3 == 0: 8 responses) all chose Beratung; "30 bis
    // 64" 7 (i = 22 gave its age as "other", which is no group).
    let (age, district, help, scale) = (&qs[0], &qs[1], &qs[2], qs[3].model.id);
    let option = |q: &Question, o: usize| format!("option {}", q.options[o].id);
    let of = |group: Uuid, question: Uuid, cell: String| kept_now.get(&key(group, question, cell));
    assert_eq!(
        of(age.options[0].id, help.model.id, option(help, 0)),
        Some(&8)
    );
    assert_eq!(
        of(age.options[1].id, help.model.id, option(help, 0)),
        Some(&7)
    );
    // Kita: i = 0, 4, 8, …, 20 — district Nord (even) every time, Süd never.
    assert_eq!(
        of(district.options[0].id, help.model.id, option(help, 1)),
        Some(&6)
    );
    assert_eq!(
        of(district.options[1].id, help.model.id, option(help, 1)),
        None
    );
    // "Other" help texts (i = 0, 5, 10, 15, 20) under the nil option; scale values as numbers.
    let other = format!("option {}", Uuid::nil());
    assert_eq!(of(district.options[1].id, help.model.id, other), Some(&2));
    assert_eq!(of(age.options[1].id, scale, "number 2".into()), Some(&2));
    // No demographic question, number or text question is broken down.
    for (_, question, _) in kept_now.keys() {
        assert!([help.model.id, scale, qs[4].model.id].contains(question));
    }

    // Back to before migration 000031, and forward again: it fills the counts from the answers.
    migration::Migrator::down(&app.state.db, Some(1)).await?;
    migration::Migrator::up(&app.state.db, None).await?;
    assert_eq!(kept(&app).await, kept_now);
    Ok(())
}
