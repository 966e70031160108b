//! Demo workshops for `teilhabe demo`: an upcoming one with some sign-ups, a full one with a
//! waitlist, and a held one with documentation and attendance. Idempotent: a workshop whose title
//! is already in the round is left alone.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use entity::{rounds, workshops};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::{
    error::AppError,
    identity::CurrentUser,
    state::AppState,
    strategy::picker as strategy,
    web::i18n::Lang,
    workshops::{
        checkin::{CheckinBy, record_check_in},
        lifecycle::{Transition, apply_transition, save_documentation},
        manage::create_workshop,
        model::find,
        sign_up::{Signer, SignupInput, store_signup},
        workshop_form::{WorkshopInput, local_to_utc},
    },
};

struct DemoWorkshop {
    title: &'static str,
    description: &'static str,
    /// Days from today; negative: in the past.
    day: i64,
    capacity: i32,
    /// (name, people, children, interpreter language, step-free)
    signups: &'static [(&'static str, i32, i32, Option<&'static str>, bool)],
    held: Option<&'static str>,
}

const SIGNUPS: &[(&str, i32, i32, Option<&str>, bool)] = &[
    ("Aylin", 2, 2, Some("Türkisch"), false),
    ("Bernd", 1, 0, None, true),
    ("Chiara", 1, 1, None, false),
    ("Dimitri", 2, 0, Some("Ukrainisch"), false),
    ("Elif", 1, 0, None, false),
    ("Frank", 1, 0, None, true),
    ("Gülsen", 3, 2, Some("Arabisch"), false),
];

const WORKSHOPS: &[DemoWorkshop] = &[
    DemoWorkshop {
        title: "Werkstatt: Was hilft beim Ankommen im Job?",
        description: "Wir sitzen in kleinen Runden zusammen. Sie erzählen, was Ihnen geholfen hat und was nicht. Das Jobcenter hört zu.\n\nSie müssen nichts vorbereiten.",
        day: 9,
        capacity: 20,
        signups: &[
            ("Aylin", 2, 2, Some("Türkisch"), false),
            ("Bernd", 1, 0, None, true),
            ("Chiara", 1, 1, None, false),
        ],
        held: None,
    },
    DemoWorkshop {
        title: "Werkstatt: Miete und Nebenkosten",
        description: "Gemeinsam sammeln wir, wo es bei Miete und Nebenkosten klemmt. Eine Mieterberaterin ist dabei.",
        day: 4,
        capacity: 6,
        signups: SIGNUPS,
        held: None,
    },
    DemoWorkshop {
        title: "Werkstatt: Kinderbetreuung und Arbeit",
        description: "Eltern erzählen, wie Kita-Zeiten und Arbeitszeiten zusammenpassen – oder nicht.",
        day: -12,
        capacity: 15,
        signups: SIGNUPS,
        held: Some(
            "Die Eltern haben drei Dinge besonders oft genannt:\n\n1. **Randzeiten:** Die Kita schließt, bevor die Schicht endet.\n2. **Ferien:** In den Schließzeiten fehlt Betreuung.\n3. **Anmeldung:** Die Wartelisten sind unübersichtlich.\n\nDie Stadt prüft längere Öffnungszeiten in zwei Kitas.",
        ),
    },
];

/// Adds the demo workshops to the demo rounds; returns how many were added.
pub async fn seed(
    db: &impl ConnectionTrait,
    state: &AppState,
    coordinator: &CurrentUser,
    municipality_id: Uuid,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let list = rounds::Entity::find()
        .filter(rounds::Column::MunicipalityId.eq(municipality_id))
        .order_by_asc(rounds::Column::StartsAt)
        .all(db)
        .await?;
    let open: Vec<&rounds::Model> = list.iter().filter(|r| r.status == "open").collect();
    let past = list
        .iter()
        .find(|r| r.status == "evaluated" || r.status == "closed")
        .or(open.first().copied());
    let (Some(first_open), Some(past)) = (open.first().copied(), past) else {
        return Ok(0);
    };
    let second_open = open.get(1).copied().unwrap_or(first_open);
    let goals = strategy::goal_picker(db, municipality_id, &[]).await?;
    let tz = state.settings.time_zone;
    let today = now.with_timezone(&tz).date_naive();
    // Where it takes place: Musterstadt's Nordstadt (from the monitoring demo), if it is there.
    let nordstadt = crate::monitoring::areas::list_for_municipality(db, municipality_id)
        .await?
        .into_iter()
        .find(|a| a.name == "Nordstadt")
        .map(|a| a.id);
    let mut added = 0;
    for (demo, round) in WORKSHOPS.iter().zip([first_open, second_open, past]) {
        let exists = workshops::Entity::find()
            .filter(workshops::Column::RoundId.eq(round.id))
            .filter(workshops::Column::Title.eq(demo.title))
            .count(db)
            .await?
            > 0;
        if exists {
            continue;
        }
        let date = today + Duration::days(demo.day);
        let at = |h: u32| {
            NaiveTime::from_hms_opt(h, 0, 0)
                .and_then(|t| local_to_utc(tz, date, t))
                .unwrap_or(now)
        };
        let input = WorkshopInput {
            title: demo.title.into(),
            description: demo.description.into(),
            starts_at: at(17),
            ends_at: at(19),
            signup_deadline: at(12),
            address: "Stadtteilzentrum Nordstadt\nLindenstraße 4".into(),
            room: "Großer Saal, Erdgeschoss".into(),
            area_id: nordstadt,
            transit: "Straßenbahn 2 bis Haltestelle Lindenplatz, dann 3 Minuten zu Fuß.".into(),
            capacity: demo.capacity,
            max_per_signup: 4,
            step_free: true,
            childcare: true,
            sign_language: false,
            travel_costs: true,
            food: true,
            interpreter_languages: vec!["Arabisch".into(), "Türkisch".into(), "Ukrainisch".into()],
        };
        let workshop = create_workshop(db, coordinator, round, &input, now).await?;
        if apply_transition(db, state, coordinator, &workshop, Transition::Publish, now)
            .await?
            .is_err()
        {
            continue;
        }
        let workshop = find(db, workshop.id).await?.ok_or(AppError::NotFound)?;
        for (name, people, children, language, step_free) in demo.signups {
            let signup = SignupInput {
                name: (*name).into(),
                email: None,
                phone: Some("0721 000000".into()),
                people: *people,
                children: *children,
                children_ages: (*children > 0).then(|| "4, 7".into()),
                interpreter_language: language.map(str::to_string),
                step_free: *step_free,
                note: None,
            };
            let created = store_signup(
                db,
                state,
                workshop.id,
                &signup,
                Lang::De,
                Signer::Staff(coordinator),
                now,
            )
            .await?;
            if let (Ok(created), Some(_)) = (created, demo.held) {
                // Most of them came.
                if *name != "Elif" {
                    let _ = record_check_in(
                        db,
                        coordinator,
                        &workshop,
                        CheckinBy::Id(created.signup.id),
                        now,
                    )
                    .await?;
                }
            }
        }
        if let Some(text) = demo.held {
            let current = find(db, workshop.id).await?.ok_or(AppError::NotFound)?;
            if apply_transition(db, state, coordinator, &current, Transition::Held, now)
                .await?
                .is_ok()
            {
                let informed: Vec<Uuid> = goals.iter().take(2).map(|g| g.id).collect();
                let _ = save_documentation(db, coordinator, &current, text, &informed, now).await?;
            }
        }
        added += 1;
    }
    Ok(added)
}
