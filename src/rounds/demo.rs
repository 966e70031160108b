//! Demo rounds for `teilhabe demo`: one in each state, tied to the demo strategy's goals.

use chrono::{DateTime, Duration, Utc};
use entity::rounds;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    error::AppError,
    identity::CurrentUser,
    rounds::{
        forms::{RoundInput, parse_tags},
        lifecycle::{Transition, transition},
        model::Status,
        saving,
    },
    state::AppState,
    strategy::picker as strategy,
};

struct DemoRound {
    title: &'static str,
    summary: &'static str,
    description: &'static str,
    groups: &'static str,
    /// Days from today to the first and after the last day.
    from: i64,
    to: i64,
    goals: &'static [usize],
    state: Status,
    scheduled: bool,
    evaluation: Option<&'static str>,
}

const ROUNDS: &[DemoRound] = &[
    DemoRound {
        title: "Gut ankommen im Job – was brauchen Sie?",
        summary: "Sie suchen Arbeit oder haben gerade eine gefunden? Sagen Sie uns, was Ihnen den Weg leichter macht: Kinderbetreuung, Bus und Bahn, Beratung.",
        description: "Die Stadt will bis 2027 mehr Menschen in gute Arbeit bringen.\n\n- Was hat Ihnen geholfen?\n- Wo sind Sie gescheitert?\n- Was sollte das Jobcenter anders machen?\n\nIhre Antworten fließen direkt in die **Maßnahmen im Handlungsfeld Arbeit** ein.",
        groups: "Langzeitarbeitslose, Alleinerziehende",
        from: -10,
        to: 35,
        goals: &[3, 4],
        state: Status::Open,
        scheduled: false,
        evaluation: None,
    },
    DemoRound {
        title: "Wohnen, das man sich leisten kann",
        summary: "Miete, Nebenkosten, Wohnungssuche: Erzählen Sie uns, wo es klemmt und was helfen würde.",
        description: "Wir sammeln Erfahrungen und Ideen für die Ziele im Handlungsfeld **Wohnen**. Sie können online mitmachen oder in die Sprechstunde kommen.",
        groups: "Familien mit Kindern, Seniorinnen und Senioren",
        from: -3,
        to: 60,
        goals: &[5, 6],
        state: Status::Open,
        scheduled: false,
        evaluation: None,
    },
    DemoRound {
        title: "Gesund aufwachsen im Quartier",
        summary: "Wie kommen Familien leichter zu Ärztinnen, Sport und gesundem Essen? Die Beteiligung beginnt bald.",
        description: "Gemeinsam mit den Familienzentren planen wir Angebote in den Stadtteilen.",
        groups: "Familien mit Kindern",
        from: 10,
        to: 50,
        goals: &[7],
        state: Status::Draft,
        scheduled: true,
        evaluation: None,
    },
    DemoRound {
        title: "Mobil ohne Auto",
        summary: "Entwurf: Befragung zum Sozialticket und zu Busverbindungen.",
        description: "Noch in Vorbereitung.",
        groups: "Seniorinnen und Senioren, Menschen mit Behinderung",
        from: 30,
        to: 90,
        goals: &[10],
        state: Status::Draft,
        scheduled: false,
        evaluation: None,
    },
    DemoRound {
        title: "Bildung von Anfang an",
        summary: "Die Befragung zu Kita-Plätzen und Hausaufgabenhilfe ist beendet. Danke fürs Mitmachen! Die Auswertung folgt.",
        description: "Über 300 Eltern haben mitgemacht.",
        groups: "Alleinerziehende, Familien mit Kindern",
        from: -90,
        to: -20,
        goals: &[0, 2],
        state: Status::Closed,
        scheduled: false,
        evaluation: None,
    },
    DemoRound {
        title: "Einsamkeit im Alter – gemeinsam dagegen",
        summary: "Seniorinnen und Senioren haben uns gesagt, was ihnen fehlt. Hier lesen Sie, was daraus wurde.",
        description: "Die Runde lief im Frühjahr mit Werkstätten in drei Stadtteilen.",
        groups: "Seniorinnen und Senioren",
        from: -240,
        to: -180,
        goals: &[8, 9],
        state: Status::Evaluated,
        scheduled: false,
        evaluation: Some(
            "Aus Ihren Hinweisen sind **zwei neue Treffpunkte** entstanden: im Nordviertel und am Marktplatz, jeweils dienstags und donnerstags.\n\nDer Seniorenbus fährt seit Oktober auch samstags.",
        ),
    },
];

/// Goal indices refer to the demo strategy's goals in strategy order (`strategy::demo`).
/// Creates the demo rounds unless `municipality_id` already has rounds. Needs the strategy's
/// goals (from the strategy demo) to tie the rounds to.
pub async fn seed(
    db: &impl ConnectionTrait,
    state: &AppState,
    coordinator: &CurrentUser,
    municipality_id: Uuid,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let existing = rounds::Entity::find()
        .filter(rounds::Column::MunicipalityId.eq(municipality_id))
        .count(db)
        .await?;
    let goals = strategy::goal_picker(db, municipality_id, &[]).await?;
    if existing > 0 || goals.is_empty() {
        return Ok(0);
    }
    let tz = state.settings.time_zone;
    let today = now.with_timezone(&tz).date_naive();
    let mut created = 0;
    for demo in ROUNDS {
        let day = |offset: i64| {
            crate::rounds::forms::start_of_day(tz, today + Duration::days(offset)).unwrap_or(now)
        };
        let input = RoundInput {
            title: demo.title.into(),
            slug: String::new(),
            summary: demo.summary.into(),
            description: demo.description.into(),
            target_groups: parse_tags(demo.groups),
            starts_at: day(demo.from),
            ends_at: day(demo.to),
            contact_name: "Sozialplanung Musterstadt, Sabine Kaya".into(),
            contact_phone: "0721 133-5000".into(),
            contact_email: "sozialplanung@musterstadt.example".into(),
            contact_address: "Rathaus, Marktplatz 1, Zimmer 112\nMo–Do 9–12 Uhr, Do auch 14–18 Uhr"
                .into(),
            goal_ids: demo
                .goals
                .iter()
                .filter_map(|i| goals.get(*i).or(goals.first()))
                .map(|g| g.id)
                .collect(),
        };
        let round = saving::create(db, coordinator, municipality_id, &input, now).await?;
        match demo.state {
            Status::Open => {
                transition(db, state, coordinator, &round, Transition::Publish, now)
                    .await?
                    .ok();
            }
            Status::Draft if demo.scheduled => {
                transition(db, state, coordinator, &round, Transition::Publish, now)
                    .await?
                    .ok();
            }
            Status::Draft => {}
            // Rounds of the past: written as they ended, since their period is over.
            Status::Closed | Status::Evaluated => {
                rounds::Entity::update_many()
                    .col_expr(rounds::Column::Status, Expr::value(demo.state.as_str()))
                    .col_expr(rounds::Column::OpenedAt, Expr::value(input.starts_at))
                    .col_expr(rounds::Column::ClosedAt, Expr::value(input.ends_at))
                    .col_expr(
                        rounds::Column::EvaluationSummary,
                        Expr::value(demo.evaluation.map(str::to_string)),
                    )
                    .col_expr(
                        rounds::Column::EvaluatedAt,
                        Expr::value(demo.evaluation.map(|_| input.ends_at + Duration::days(30))),
                    )
                    .filter(rounds::Column::Id.eq(round.id))
                    .exec(db)
                    .await?;
            }
        }
        created += 1;
    }
    Ok(created)
}
