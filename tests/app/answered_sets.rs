//! The sets of questions responses answered, kept per survey (`survey_answered_sets`, migration
//! 000030): a goal counts the responses that answered one of its questions, each once, and the
//! migration that brought the sets filled them from the answers already stored.

use migration::MigratorTrait;
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use teilhabe::surveys::queries as surveys;

use crate::{
    fixtures::{SurveyFixture, add_question, draft_survey, open_survey},
    helpers::{TestApp, TestResult, new_client, spawn_app},
    survey_batches::kept_and_counted_sets,
};

/// A survey of a new municipality `slug` with two questions that inform its goal and one that
/// does not, open, with 11 paper responses: 2 answered only the first question, 2 only the
/// second, 3 both, 4 only the third.
async fn survey_with_a_goal(app: &TestApp, slug: &str) -> SurveyFixture {
    let f = draft_survey(app, slug, "none").await;
    // The fixture links each question it adds to the goal.
    for prompt in ["Wie kommen Sie zur Arbeit?", "Wie kommen Sie zum Arzt?"] {
        add_question(
            app,
            &f,
            &[
                ("kind", "single"),
                ("prompt", prompt),
                ("options", "Bus\nRad"),
            ],
        )
        .await;
    }
    let form = format!("{}/questions", f.manage);
    let res = app
        .submit(
            &f.manage,
            &form,
            &[
                ("kind", "single"),
                ("prompt", "Wie kommen Sie zum Einkaufen?"),
                ("options", "Bus\nRad"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let qs = surveys::questions(&app.state.db, f.survey)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(qs.len(), 3);
    open_survey(app, &f).await;
    let paper = format!("{}/paper", f.manage);
    for (answered, n) in [(&[0][..], 2), (&[1], 2), (&[0, 1], 3), (&[2], 4)] {
        for _ in 0..n {
            let fields: Vec<(String, String)> = answered
                .iter()
                .map(|&i: &usize| {
                    (
                        format!("q-{}", qs[i].model.id),
                        qs[i].options[0].id.to_string(),
                    )
                })
                .collect();
            let fields: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let res = app.submit(&paper, &paper, &fields).await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        }
    }
    f
}

#[tokio::test]
async fn a_goal_counts_each_response_once_however_many_of_its_questions_it_answered() -> TestResult
{
    let mut app = spawn_app().await;
    let f = survey_with_a_goal(&app, "gstadt").await;
    let (kept_sets, counted_sets) = kept_and_counted_sets(&app, f.survey).await;
    assert_eq!(kept_sets, counted_sets);
    assert_eq!(kept_sets.len(), 4);

    // 2 + 2 + 3 responses answered a question of the goal: not 10 (one per answered question),
    // not 11 (every response).
    app.client = new_client();
    let strategy = app.get("/strategies/gstadt").await;
    assert!(
        strategy.body.contains("7 Antworten aus Umfragen"),
        "{}",
        strategy.body
    );
    Ok(())
}

/// Every stored answer, as text, sorted.
async fn all_answers(app: &TestApp) -> Vec<String> {
    let mut out: Vec<String> = entity::survey_answers::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|a| format!("{a:?}"))
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn storing_answers_by_response_keeps_every_answer_and_fills_the_answered_sets() -> TestResult
{
    let app = spawn_app().await;
    let f = survey_with_a_goal(&app, "hstadt").await;
    let (sets, _) = kept_and_counted_sets(&app, f.survey).await;
    let answers = all_answers(&app).await;
    assert_eq!(answers.len(), 2 + 2 + 3 * 2 + 4);

    // Back to the layout before migration 000030 (and 000031 after it), and forward again: it
    // fills the sets from the answers stored then.
    migration::Migrator::down(&app.state.db, Some(2)).await?;
    assert_eq!(all_answers(&app).await, answers);
    migration::Migrator::up(&app.state.db, None).await?;
    assert_eq!(all_answers(&app).await, answers);
    let (kept, counted) = kept_and_counted_sets(&app, f.survey).await;
    assert_eq!(kept, sets);
    assert_eq!(counted, sets);
    Ok(())
}
