//! Demo content for `teilhabe demo`: a board in an open demo round with about 60 ideas in every
//! state (published, waiting, hidden with a reason, each official status), with comments,
//! supports, flags and official answers. Written straight to the tables: no mail goes out.

use chrono::{DateTime, Duration, Utc};
use entity::{areas, idea_comments, idea_supports, ideas, moderation_flags, rounds};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use crate::{
    accounts::model as accounts,
    error::AppError,
    ideas::{
        manage_boards::{BoardInput, insert_board},
        model::{OfficialStatus, categories},
        post::new_receipt_code,
        summaries::boards_of_round,
    },
    identity::CurrentUser,
    moderation::model as moderation,
    web::i18n::Lang,
};

const TITLES: &[(&str, &str)] = &[
    (
        "Sozialticket für Bus und Bahn",
        "Ein Monatsticket für 15 Euro würde mir helfen, zum Amt und zur Arbeit zu kommen.",
    ),
    (
        "Kinderbetreuung auch am Abend",
        "Ich arbeite im Schichtdienst. Die Kita schließt um 16 Uhr.",
    ),
    (
        "Beratung im Stadtteil",
        "Eine Sprechstunde im Quartierstreff wäre näher als das Rathaus.",
    ),
    (
        "Formulare in einfacher Sprache",
        "Die Briefe vom Amt verstehe ich oft nicht.",
    ),
    (
        "Kostenloses WLAN im Bürgerhaus",
        "Für Bewerbungen brauche ich Internet.",
    ),
    (
        "Mittagstisch für Seniorinnen und Senioren",
        "Gemeinsam essen gegen Einsamkeit.",
    ),
    (
        "Mehr Bänke im Park",
        "Ältere Menschen brauchen Pausen beim Spazierengehen.",
    ),
    (
        "Hilfe beim Ausfüllen von Anträgen",
        "Ehrenamtliche könnten einmal pro Woche helfen.",
    ),
    (
        "Günstige Sportangebote für Kinder",
        "Der Vereinsbeitrag ist für uns zu hoch.",
    ),
    (
        "Tafel auch am Samstag",
        "Unter der Woche schaffe ich es wegen der Arbeit nicht.",
    ),
    (
        "Schuldnerberatung ohne Wartezeit",
        "Drei Monate Wartezeit sind zu lang.",
    ),
    ("Bücherei-Ausweis kostenlos", "Lesen darf nichts kosten."),
];

const REASONS: &[&str] = &["insult", "personal_data", "spam", "off_topic"];

/// Adds the demo board to the first open round of the municipality, if it has none yet; returns
/// the number of ideas added.
pub async fn seed(
    db: &impl ConnectionTrait,
    coordinator: &CurrentUser,
    municipality_id: Uuid,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let Some(round) = rounds::Entity::find()
        .filter(rounds::Column::MunicipalityId.eq(municipality_id))
        .filter(rounds::Column::Status.eq("open"))
        .order_by_asc(rounds::Column::StartsAt)
        .one(db)
        .await?
    else {
        return Ok(0);
    };
    if !boards_of_round(db, round.id).await?.is_empty() {
        return Ok(0);
    }
    // The districts are Musterstadt's areas (from the monitoring demo), where they exist.
    let districts: Vec<areas::Model> =
        crate::monitoring::areas::list_for_municipality(db, round.municipality_id)
            .await?
            .into_iter()
            .filter(|a| ["Nordstadt", "Südstadt", "Innenstadt"].contains(&a.name.as_str()))
            .collect();
    let board = insert_board(
        db,
        coordinator,
        &round,
        &BoardInput {
            round_id: round.id,
            title: "Ideen für den Alltag".into(),
            question: "Was würde Ihnen im Alltag helfen?".into(),
            premoderated: false,
            closed: false,
            extra_categories: vec!["Sonstiges".into()],
            area_ids: districts.iter().map(|a| a.id).collect(),
        },
        now,
    )
    .await?;
    let categories = categories(db, board.id).await?;
    let mut residents = Vec::new();
    for n in 1..=12 {
        let user = accounts::ensure_user(
            db,
            &format!("bewohner{n}@musterstadt.example"),
            Lang::De,
            now,
        )
        .await?;
        accounts::mark_verified(db, user.id, now).await?;
        residents.push(user.id);
    }
    let mut added = 0;
    for n in 0..60usize {
        let (title, body) = TITLES[n % TITLES.len()];
        let category = &categories[n % categories.len()];
        let created = now - Duration::hours((60 - n as i64) * 7);
        // Most are published; every tenth waits for moderation, every tenth is hidden.
        let status = match n % 10 {
            7 => moderation::Status::Pending,
            8 => moderation::Status::Hidden,
            _ => moderation::Status::Published,
        };
        let official = if status == moderation::Status::Published {
            OfficialStatus::ALL[n % OfficialStatus::ALL.len()]
        } else {
            OfficialStatus::New
        };
        let answered = official != OfficialStatus::New;
        let goal = category
            .goal_id
            .or(categories.iter().find_map(|c| c.goal_id));
        let supporters = if status == moderation::Status::Published {
            (n * 7) % residents.len()
        } else {
            0
        };
        let comments = if status == moderation::Status::Published {
            n % 4
        } else {
            0
        };
        let district = (n % 3 == 0).then(|| districts.get(n % 2)).flatten();
        let idea = ideas::ActiveModel {
            id: Set(Uuid::now_v7()),
            board_id: Set(board.id),
            municipality_id: Set(board.municipality_id),
            category_id: Set(category.id),
            district: Set(district.map(|a| a.name.clone())),
            area_id: Set(district.map(|a| a.id)),
            title: Set(if n < TITLES.len() {
                title.to_string()
            } else {
                format!("{title} ({})", n / TITLES.len() + 1)
            }),
            body: Set(body.to_string()),
            author_id: Set(Some(residents[n % residents.len()])),
            author_email: Set(None),
            author_name: Set(
                (n % 2 == 0).then(|| ["Mia", "Ahmet", "Erika", "Jonas", "Olga"][n % 5].to_string())
            ),
            language: Set("de".into()),
            notify: Set(true),
            status: Set(status.as_str().into()),
            listed: Set(status != moderation::Status::Pending),
            hidden_reason: Set((status == moderation::Status::Hidden)
                .then(|| REASONS[n % REASONS.len()].to_string())),
            hidden_note: Set(None),
            open_flags: Set(if n % 10 == 5 { 2 } else { 0 }),
            precheck: Set(String::new()),
            support_count: Set(supporters as i32),
            comment_count: Set(comments as i32),
            official_status: Set(official.as_str().into()),
            official_answer: Set(answered.then(|| match official {
                OfficialStatus::Review => "Wir prüfen Ihre Idee mit dem Sozialamt.".to_string(),
                OfficialStatus::Rejected => {
                    "Dafür fehlt im Haushalt 2026 leider das Geld. Wir prüfen es 2027 wieder."
                        .to_string()
                }
                _ => "Danke! Ihre Idee ist in die Strategie eingeflossen.".to_string(),
            })),
            official_goal_id: Set(if official.is_adopted() { goal } else { None }),
            official_measure_id: Set(None),
            answered_at: Set(answered.then_some(created + Duration::days(2))),
            receipt_code: Set(new_receipt_code()),
            created_at: Set(created),
            updated_at: Set(created),
            published_at: Set((status != moderation::Status::Pending).then_some(created)),
            version: Set(0),
            reviewed_at: Set(None),
            code_only: Set(false),
        }
        .insert(db)
        .await?;
        for supporter in residents
            .iter()
            .filter(|r| Some(**r) != idea.author_id)
            .take(supporters)
        {
            idea_supports::ActiveModel {
                idea_id: Set(idea.id),
                user_id: Set(*supporter),
                notify: Set(false),
                created_at: Set(created),
            }
            .insert(db)
            .await?;
        }
        let mut parent = None;
        for c in 0..comments {
            let comment = idea_comments::ActiveModel {
                id: Set(Uuid::now_v7()),
                idea_id: Set(idea.id),
                parent_id: Set(if c == 2 { parent } else { None }),
                municipality_id: Set(board.municipality_id),
                author_id: Set(Some(residents[(n + c + 1) % residents.len()])),
                author_name: Set(None),
                body: Set([
                    "Gute Idee, das brauchen wir!",
                    "Geht mir genauso.",
                    "Stimmt, das würde vielen helfen.",
                ][c % 3]
                    .into()),
                status: Set(moderation::Status::Published.as_str().into()),
                hidden_reason: Set(None),
                hidden_note: Set(None),
                open_flags: Set(0),
                precheck: Set(String::new()),
                created_at: Set(created + Duration::hours(c as i64 + 1)),
                version: Set(0),
                reviewed_at: Set(None),
            }
            .insert(db)
            .await?;
            parent = parent.or(Some(comment.id));
        }
        if idea.open_flags > 0 {
            for f in 0..idea.open_flags {
                moderation_flags::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    target_id: Set(idea.id),
                    municipality_id: Set(board.municipality_id),
                    reason: Set(["off_topic", "spam"][f as usize % 2].into()),
                    note: Set(String::new()),
                    reporter_key: Set(format!("demo-{f}")),
                    reporter_kind: Set(Some(
                        [
                            crate::moderation::flags::ReporterKind::Account,
                            crate::moderation::flags::ReporterKind::Anonymous,
                        ][f as usize % 2]
                            .as_str()
                            .into(),
                    )),
                    burst: Set(false),
                    status: Set("open".into()),
                    created_at: Set(created + Duration::hours(3)),
                }
                .insert(db)
                .await?;
            }
        }
        added += 1;
    }
    Ok(added)
}
