//! Builders for what most tests start from, seeded through the services or through the forms as
//! a coordinator would: a municipality with its staff signed in, verified residents, goals and an
//! open round, a survey, an idea board and a workshop. The slice tests and the cross-cutting
//! tests use these instead of reaching into each other's modules.

use chrono::{Duration, NaiveDate};
use entity::{fields_of_action, goals, strategies};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, Set};
use teilhabe::{
    accounts::model as accounts,
    admin::service::{self as admin, NewMunicipality},
    identity::{self, Role},
    moderation::flags::NEW_ACCOUNT_DAYS,
    surveys::{model::Question, queries as surveys},
};
use uuid::Uuid;

use crate::helpers::{TestApp, new_client};

// Dates

/// Today in the app's time zone, moved by `days`, as date fields want it.
pub fn day(app: &TestApp, days: i64) -> String {
    let today: NaiveDate = app
        .state
        .clock
        .now()
        .with_timezone(&app.state.settings.time_zone)
        .date_naive();
    (today + Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

// A municipality and its staff

/// The demo's coordinator, whose municipality the demo seeds.
pub const DEMO_COORDINATOR_EMAIL: &str = "koordination@musterstadt.example";

/// Musterstadt's coordinator, signed in on `app`'s client, with the demo strategy seeded: how
/// every test that builds on the demo data starts. Each then seeds the slices it needs.
pub struct DemoCoordinator {
    pub place: uuid::Uuid,
    pub user: entity::users::Model,
    pub coordinator: identity::CurrentUser,
}

pub async fn demo_coordinator(
    app: &TestApp,
) -> Result<DemoCoordinator, Box<dyn std::error::Error>> {
    let place = signed_in_coordinator(app, DEMO_COORDINATOR_EMAIL, "musterstadt").await;
    let db = &app.state.db;
    teilhabe::strategy::demo::seed(db, place, app.state.clock.now()).await?;
    let user = accounts::find_by_email(db, DEMO_COORDINATOR_EMAIL)
        .await?
        .ok_or("coordinator missing")?;
    let coordinator = identity::session_user(db, user.id, user.session_version)
        .await?
        .ok_or("coordinator missing")?;
    Ok(DemoCoordinator {
        place,
        user,
        coordinator,
    })
}

/// A coordinator of a new municipality, created through the services as an admin's invitation
/// would, and signed in on `app`'s client.
pub async fn signed_in_coordinator(app: &TestApp, email: &str, slug: &str) -> uuid::Uuid {
    signed_in_staff(app, email, slug, Role::Coordinator).await
}

/// Staff with `role` in a new municipality `slug`, signed in on `app`'s client.
pub async fn signed_in_staff(app: &TestApp, email: &str, slug: &str, role: Role) -> uuid::Uuid {
    let now = app.state.clock.now();
    let db = &app.state.db;
    let place = admin::create_municipality(
        db,
        None,
        NewMunicipality {
            name: slug,
            slug,
            min_group_size: 5,
        },
        now,
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let user = accounts::ensure_user(db, email, teilhabe::web::i18n::Lang::De, now)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    accounts::store_password(db, user.id, "Koordination 2026!")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    accounts::mark_verified(db, user.id, now)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    accounts::grant_role(db, user.id, role, Some(place.id), None, now)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    app.login(email, "Koordination 2026!").await;
    place.id
}

/// A moderator of the board's municipality, signed in on a fresh client.
pub async fn moderator_of(app: &mut TestApp, board: &Board, email: &str) {
    app.client = new_client();
    let now = app.state.clock.now();
    let db = &app.state.db;
    let user =
        teilhabe::accounts::model::ensure_user(db, email, teilhabe::web::i18n::Lang::De, now)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    teilhabe::accounts::model::store_password(db, user.id, "Moderation 2026!")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    teilhabe::accounts::model::mark_verified(db, user.id, now)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    teilhabe::accounts::model::grant_role(
        db,
        user.id,
        Role::Moderator,
        Some(board.place),
        None,
        now,
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    app.login(email, "Moderation 2026!").await;
}

// Residents

/// A verified resident made through the services (registration through the form is limited per
/// address), signed in on `app.client`.
pub async fn resident(app: &TestApp, email: &str) {
    let now = app.state.clock.now();
    let db = &app.state.db;
    let user =
        teilhabe::accounts::model::ensure_user(db, email, teilhabe::web::i18n::Lang::De, now)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    teilhabe::accounts::model::store_password(db, user.id, "ein sicheres Passwort")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    teilhabe::accounts::model::mark_verified(db, user.id, now)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    app.login(email, "ein sicheres Passwort").await;
}

/// A resident whose address was confirmed more than `NEW_ACCOUNT_DAYS` days ago, signed in on a
/// fresh `app.client`.
pub async fn established_resident(app: &mut TestApp, email: &str) {
    app.client = new_client();
    let now = app.state.clock.now();
    let db = &app.state.db;
    let user =
        teilhabe::accounts::model::ensure_user(db, email, teilhabe::web::i18n::Lang::De, now)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    teilhabe::accounts::model::store_password(db, user.id, "ein sicheres Passwort")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let confirmed = now - chrono::Duration::days(NEW_ACCOUNT_DAYS) - chrono::Duration::hours(1);
    teilhabe::accounts::model::mark_verified(db, user.id, confirmed)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    app.login(email, "ein sicheres Passwort").await;
}

// Goals and rounds

/// A strategy with one field of action and these goals for `municipality_id`; returns the goal
/// ids. (The strategy's own pages are tested in `strategy.rs`.)
pub async fn seed_goals(app: &TestApp, municipality_id: Uuid, titles: &[&str]) -> Vec<Uuid> {
    let db = &app.state.db;
    let now = app.state.clock.now();
    let strategy = strategies::ActiveModel {
        id: Set(Uuid::now_v7()),
        municipality_id: Set(municipality_id),
        title: Set("Strategie".into()),
        period_start: Set(2024),
        period_end: Set(2028),
        status: Set("adopted".into()),
        summary: Set(String::new()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let field = fields_of_action::ActiveModel {
        id: Set(Uuid::now_v7()),
        strategy_id: Set(strategy.id),
        title: Set("Arbeit und Einkommen".into()),
        description: Set(String::new()),
        position: Set(0),
        created_at: Set(now),
    }
    .insert(db)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let mut ids = Vec::new();
    for (position, title) in titles.iter().enumerate() {
        let goal = goals::ActiveModel {
            id: Set(Uuid::now_v7()),
            field_of_action_id: Set(field.id),
            title: Set((*title).into()),
            description: Set(String::new()),
            target_text: Set(None),
            position: Set(position as i32),
            archived_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        ids.push(goal.id);
    }
    ids
}

/// The fields of a valid round form.
pub fn round_fields(title: &str, start: &str, end: &str, goal: &str) -> Vec<(String, String)> {
    [
        ("title", title),
        ("slug", ""),
        ("summary", "Wir wollen wissen, was Ihnen im Alltag hilft."),
        ("description", "**Mitmachen** lohnt sich."),
        (
            "target_groups",
            "Alleinerziehende, Seniorinnen und Senioren",
        ),
        ("starts_on", start),
        ("ends_on", end),
        ("contact_name", "Sozialplanung, Frau Beispiel"),
        ("contact_phone", "0721 133-5000"),
        ("contact_email", "sozialplanung@musterstadt.example"),
        ("contact_address", "Rathaus, Zimmer 12\nMo–Do 9–12 Uhr"),
        ("goal_ids", goal),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// Creates a round through the form; returns its management path (`/manage/rounds/{id}`).
pub async fn create_round(
    app: &TestApp,
    slug: &str,
    title: &str,
    start: &str,
    end: &str,
    goal: Uuid,
) -> String {
    let form = format!("/manage/rounds/new?municipality={slug}");
    let fields = round_fields(title, start, end, &goal.to_string());
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let res = app.submit(&form, &form, &borrowed).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    res.location.unwrap_or_default()
}

// Surveys

/// A coordinator, an open round and a survey in it (see [`draft_survey`]).
pub struct SurveyFixture {
    pub survey: Uuid,
    pub place: Uuid,
    pub goal: Uuid,
    pub round_slug: String,
    pub manage: String,
}

/// A coordinator of `slug` (signed in on `app`), an open round and a draft survey in it.
pub async fn draft_survey(app: &TestApp, slug: &str, access: &str) -> SurveyFixture {
    let place = signed_in_coordinator(app, &format!("koordi@{slug}.example"), slug).await;
    let goal = seed_goals(app, place, &["Mehr Menschen in Arbeit"]).await[0];
    let title = format!("Runde {slug}");
    let round = create_round(app, slug, &title, &day(app, 0), &day(app, 30), goal).await;
    let res = app.submit(&round, &format!("{round}/publish"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let round_id = round.trim_start_matches("/manage/rounds/").to_string();
    let res = app
        .submit(
            "/manage/surveys",
            "/manage/surveys",
            &[
                ("round_id", &round_id),
                ("title", "Wie kommen Sie zurecht?"),
                ("intro", "Ein paar kurze Fragen."),
                ("minutes", "5"),
                ("access", access),
                ("min_group_size", ""),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let manage = res.location.unwrap_or_default();
    let survey = Uuid::parse_str(manage.trim_start_matches("/manage/surveys/"))
        .unwrap_or_else(|e| panic!("{manage}: {e}"));
    SurveyFixture {
        survey,
        place,
        goal,
        round_slug: format!("runde-{slug}"),
        manage,
    }
}

/// Adds a question through the builder form; returns all questions afterwards.
pub async fn add_question(
    app: &TestApp,
    f: &SurveyFixture,
    fields: &[(&str, &str)],
) -> Vec<Question> {
    let goal = f.goal.to_string();
    let mut all: Vec<(&str, &str)> = vec![("goal_ids", goal.as_str())];
    all.extend_from_slice(fields);
    let res = app
        .submit(&f.manage, &format!("{}/questions", f.manage), &all)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    survey_questions(app, f).await
}

pub async fn survey_questions(app: &TestApp, f: &SurveyFixture) -> Vec<Question> {
    surveys::questions(&app.state.db, f.survey)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

pub async fn open_survey(app: &TestApp, f: &SurveyFixture) {
    let res = app
        .submit(&f.manage, &format!("{}/open", f.manage), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

// Idea boards

/// An open round of a new municipality `slug` with a board on it, set up by a coordinator who
/// stays signed in on `app.client`.
pub struct Board {
    pub id: Uuid,
    pub path: String,
    pub place: Uuid,
    pub goals: Vec<Uuid>,
    pub categories: Vec<Uuid>,
}

pub async fn open_board(app: &TestApp, slug: &str, premoderated: bool) -> Board {
    let place = signed_in_coordinator(app, &format!("koordi@{slug}.example"), slug).await;
    let goals = seed_goals(app, place, &["Mehr Menschen in Arbeit", "Gesund leben"]).await;
    let round = create_round(
        app,
        slug,
        &format!("Ideen für {slug}"),
        "2026-01-01",
        "2099-12-31",
        goals[0],
    )
    .await;
    let res = app.submit(&round, &format!("{round}/publish"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let round_id = round.trim_start_matches("/manage/rounds/").to_string();
    let mut fields = vec![
        ("round_id", round_id.as_str()),
        ("title", "Ideen für den Alltag"),
        ("question", "Was würde Ihnen im Alltag helfen?"),
        ("extra_categories", "Sonstiges"),
        ("districts", "Nordstadt\nSüdstadt"),
    ];
    if premoderated {
        fields.push(("premoderated", "1"));
    }
    let res = app
        .submit("/manage/boards", "/manage/boards", &fields)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let manage = res.location.unwrap_or_default();
    let id = Uuid::parse_str(manage.trim_start_matches("/manage/boards/"))
        .unwrap_or_else(|e| panic!("{manage}: {e}"));
    let categories = teilhabe::ideas::model::categories(&app.state.db, id)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|c| c.id)
        .collect();
    Board {
        id,
        path: format!("/ideas/{id}"),
        place,
        goals,
        categories,
    }
}

/// Posts an idea as whoever is signed in on `app.client`; returns the redirect target.
pub async fn post_idea(
    app: &TestApp,
    board: &Board,
    title: &str,
    body: &str,
) -> crate::helpers::Page {
    let form = format!("{}/new", board.path);
    let category = board.categories[0].to_string();
    app.submit(
        &form,
        &form,
        &[
            ("title", title),
            ("body", body),
            ("category", &category),
            ("district", ""),
            ("author_name", "Mia"),
            ("notify", "1"),
        ],
    )
    .await
}

/// The idea's page path, found through its receipt code.
pub async fn idea_path(app: &TestApp, board: &Board, code: &str) -> String {
    let idea = teilhabe::ideas::model::find_by_receipt(&app.state.db, code)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no idea with code {code}"));
    format!("{}/{}", board.path, idea.id)
}

pub fn code_of(location: &str) -> String {
    location
        .split("code=")
        .nth(1)
        .unwrap_or_else(|| panic!("no code in {location}"))
        .to_string()
}

// Workshops

/// A signed-in coordinator of `slug` with one goal and a published round; returns the coordinator's
/// client, the goal and the round's management path.
pub struct WorkshopRound {
    pub staff: reqwest::Client,
    pub place: Uuid,
    pub goal: Uuid,
    pub round: String,
}

pub async fn workshop_round(app: &mut TestApp, slug: &str) -> WorkshopRound {
    let place = signed_in_coordinator(app, &format!("koordi@{slug}.example"), slug).await;
    let goals = seed_goals(app, place, &["Familien stärken"]).await;
    let round = create_round(
        app,
        slug,
        &format!("Runde in {slug}"),
        &day(app, 0),
        &day(app, 60),
        goals[0],
    )
    .await;
    let res = app.submit(&round, &format!("{round}/publish"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let staff = app.client.clone();
    app.client = new_client();
    WorkshopRound {
        staff,
        place,
        goal: goals[0],
        round,
    }
}

pub fn overridden<'a>(
    extra: &[(&'a str, &'a str)],
    base: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut all: Vec<(&str, &str)> = base
        .iter()
        .filter(|(k, _)| !extra.iter().any(|(e, _)| e == k))
        .copied()
        .collect();
    all.extend_from_slice(extra);
    all
}

/// Creates and publishes a workshop of the round as its coordinator; returns its id.
/// `extra` overrides the form's fields.
pub async fn new_workshop(
    app: &mut TestApp,
    round: &WorkshopRound,
    extra: &[(&str, &str)],
) -> Uuid {
    let visitor = std::mem::replace(&mut app.client, round.staff.clone());
    let date = day(app, 5);
    let deadline = day(app, 4);
    let base = [
        ("title", "Werkstatt Familie"),
        ("description", "Wir reden über **Familien**."),
        ("date", date.as_str()),
        ("starts_time", "18:00"),
        ("ends_time", "20:00"),
        ("deadline_on", deadline.as_str()),
        ("address", "Rathaus\nMarktplatz 1"),
        ("room", "Saal 2"),
        ("transit", "Bus 12 bis Rathaus"),
        ("capacity", "10"),
        ("max_per_signup", "4"),
        ("step_free", "1"),
        ("childcare", "1"),
        ("food", "1"),
        ("interpreter_languages", "Arabisch, Türkisch"),
    ];
    let id = publish_workshop(app, &round.round, &overridden(extra, &base)).await;
    app.client = visitor;
    id
}

/// Creates and publishes a workshop of `round` (a management path) `days` ahead as the
/// coordinator signed in on `app.client`; returns its id.
pub async fn workshop(app: &TestApp, round: &str, title: &str, days: i64, capacity: &str) -> Uuid {
    let date = day(app, days);
    let deadline = day(app, days - 1);
    let fields = [
        ("title", title),
        ("description", "Wir reden miteinander."),
        ("date", &date),
        ("starts_time", "18:00"),
        ("ends_time", "20:00"),
        ("deadline_on", &deadline),
        ("address", "Rathaus\nMarktplatz 1"),
        ("room", "Saal 2"),
        ("transit", "Bus 12"),
        ("capacity", capacity),
        ("max_per_signup", "2"),
    ];
    publish_workshop(app, round, &fields).await
}

/// Fills in the new-workshop form of `round` (a management path) with `fields` and publishes the
/// workshop, as whoever is signed in on `app.client`; returns its id.
async fn publish_workshop(app: &TestApp, round: &str, fields: &[(&str, &str)]) -> Uuid {
    let form = format!("{round}/workshops/new");
    let res = app.submit(&form, &form, fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let manage = res.location.unwrap_or_default();
    let res = app.submit(&manage, &format!("{manage}/publish"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    Uuid::parse_str(manage.trim_start_matches("/manage/workshops/"))
        .unwrap_or_else(|e| panic!("{manage}: {e}"))
}
