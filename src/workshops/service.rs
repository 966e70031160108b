//! Use cases of the workshops slice: workshops and their lifecycle, sign-ups with capacity and
//! waitlist, check-in, documentation, reminders and the deletion of personal data.
//!
//! Capacity: whether a sign-up is confirmed or waitlisted is decided inside one write transaction
//! that first locks the workshop row (`FOR UPDATE` on PostgreSQL; SQLite's `BEGIN IMMEDIATE`
//! already holds the database), on the sum of people of the confirmed sign-ups. Callers pass
//! such a transaction (`db::begin_write`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{rounds, workshop_goals, workshop_signups, workshops};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    FromQueryResult, JoinType, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, RelationDef,
    Statement, sea_query::Expr,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    audit::service::{self as audit, Entry},
    db::placeholders,
    error::AppError,
    identity::CurrentUser,
    notifications::service::{self as notifications, Attachment, Email},
    secrets,
    state::AppState,
    web::i18n::{self, Lang},
    workshops::forms::{SignupInput, WorkshopInput},
};

pub const DRAFT: &str = "draft";
pub const PUBLISHED: &str = "published";
pub const CANCELLED: &str = "cancelled";
pub const HELD: &str = "held";
/// What residents may see.
pub const PUBLIC: [&str; 3] = [PUBLISHED, CANCELLED, HELD];

pub const CONFIRMED: &str = "confirmed";
pub const WAITLISTED: &str = "waitlisted";
pub const ONLINE: &str = "online";
pub const BY_STAFF: &str = "staff";

/// Letters and digits nobody mixes up on the phone or in handwriting (no 0/O, 1/I/L, 2/Z, 5/S,
/// 6/G, 8/B).
const CODE_ALPHABET: &[u8] = b"ACDEFHJKMNPRTUVWXY3479";
const CODE_LEN: usize = 6;

/// Why a change was refused; each has its own message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    NotOpen,
    Cancelled,
    DeadlinePassed,
    NoRoom,
    NotWaitlisted,
    NotConfirmed,
    AlreadyCheckedIn,
    UnknownCode,
    NotHeld,
    NotYetStarted,
    WrongState,
    CapacityBelowConfirmed,
}

impl Refusal {
    pub fn message_key(self) -> &'static str {
        match self {
            Refusal::NotOpen => "error-workshop-not-open",
            Refusal::Cancelled => "error-workshop-cancelled",
            Refusal::DeadlinePassed => "error-workshop-deadline-passed",
            Refusal::NoRoom => "error-workshop-no-room",
            Refusal::NotWaitlisted => "error-signup-not-waitlisted",
            Refusal::NotConfirmed => "error-signup-not-confirmed",
            Refusal::AlreadyCheckedIn => "error-signup-already-checked-in",
            Refusal::UnknownCode => "error-signup-code-unknown",
            Refusal::NotHeld => "error-workshop-not-held",
            Refusal::NotYetStarted => "error-workshop-not-started",
            Refusal::WrongState => "error-workshop-wrong-state",
            Refusal::CapacityBelowConfirmed => "error-workshop-capacity-below",
        }
    }
}

pub type Decided<T> = Result<T, Refusal>;

// ---- reading ----

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<workshops::Model>, DbErr> {
    workshops::Entity::find_by_id(id).one(db).await
}

/// The workshop, locked for the rest of the transaction on PostgreSQL: every sign-up decision
/// for one workshop takes its turn here.
pub async fn find_for_update(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<workshops::Model>, DbErr> {
    workshops::Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await
}

fn workshop_to_round() -> RelationDef {
    workshops::Entity::belongs_to(rounds::Entity)
        .from(workshops::Column::RoundId)
        .to(rounds::Column::Id)
        .into()
}

fn goal_to_workshop() -> RelationDef {
    workshop_goals::Entity::belongs_to(workshops::Entity)
        .from(workshop_goals::Column::WorkshopId)
        .to(workshops::Column::Id)
        .into()
}

/// A workshop residents may see: published, cancelled or held, of a round that is not a draft.
pub async fn find_public(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<workshops::Model>, DbErr> {
    workshops::Entity::find_by_id(id)
        .join(JoinType::InnerJoin, workshop_to_round())
        .filter(workshops::Column::Status.is_in(PUBLIC))
        .filter(rounds::Column::Status.is_in(crate::rounds::model::Status::PUBLIC))
        .one(db)
        .await
}

/// The public workshops of a round, by date.
pub async fn public_for_round(
    db: &impl ConnectionTrait,
    round_id: Uuid,
) -> Result<Vec<workshops::Model>, DbErr> {
    workshops::Entity::find()
        .filter(workshops::Column::RoundId.eq(round_id))
        .filter(workshops::Column::Status.is_in(PUBLIC))
        .order_by_asc(workshops::Column::StartsAt)
        .order_by_asc(workshops::Column::Id)
        .all(db)
        .await
}

/// One page of a round's workshops for its coordinators, by date.
pub async fn round_page(
    db: &impl ConnectionTrait,
    round_id: Uuid,
    page: u64,
    per_page: u64,
) -> Result<(Vec<workshops::Model>, u64), DbErr> {
    let paginator = workshops::Entity::find()
        .filter(workshops::Column::RoundId.eq(round_id))
        .order_by_asc(workshops::Column::StartsAt)
        .order_by_asc(workshops::Column::Id)
        .paginate(db, per_page);
    let pages = paginator.num_pages().await?;
    Ok((paginator.fetch_page(page).await?, pages))
}

/// Held workshops with documentation that informed `goal_id`, in public rounds, newest first.
pub async fn documented_for_goal(
    db: &impl ConnectionTrait,
    goal_id: Uuid,
) -> Result<Vec<workshops::Model>, DbErr> {
    workshops::Entity::find()
        .join(JoinType::InnerJoin, goal_to_workshop().rev())
        .join(JoinType::InnerJoin, workshop_to_round())
        .filter(workshop_goals::Column::GoalId.eq(goal_id))
        .filter(workshops::Column::Status.eq(HELD))
        .filter(rounds::Column::Status.is_in(crate::rounds::model::Status::PUBLIC))
        .order_by_desc(workshops::Column::StartsAt)
        .all(db)
        .await
}

#[derive(FromQueryResult)]
struct GoalCount {
    goal_id: Uuid,
    workshops: i64,
}

/// For each of `goal_ids`, how many held workshops of public rounds informed it.
pub async fn held_per_goal(
    db: &impl ConnectionTrait,
    goal_ids: &[Uuid],
) -> Result<HashMap<Uuid, i64>, DbErr> {
    if goal_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = workshop_goals::Entity::find()
        .select_only()
        .column(workshop_goals::Column::GoalId)
        .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "workshops")
        .join(JoinType::InnerJoin, goal_to_workshop())
        .join(JoinType::InnerJoin, workshop_to_round())
        .filter(workshop_goals::Column::GoalId.is_in(goal_ids.iter().copied()))
        .filter(workshops::Column::Status.eq(HELD))
        .filter(rounds::Column::Status.is_in(crate::rounds::model::Status::PUBLIC))
        .group_by(workshop_goals::Column::GoalId)
        .into_model::<GoalCount>()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.goal_id, r.workshops)).collect())
}

/// The goals a workshop informed, per workshop.
pub async fn goal_ids(
    db: &impl ConnectionTrait,
    workshop_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Uuid>>, DbErr> {
    let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    if workshop_ids.is_empty() {
        return Ok(out);
    }
    for link in workshop_goals::Entity::find()
        .filter(workshop_goals::Column::WorkshopId.is_in(workshop_ids.iter().copied()))
        .all(db)
        .await?
    {
        out.entry(link.workshop_id).or_default().push(link.goal_id);
    }
    Ok(out)
}

/// Places taken and waiting, per workshop, counted in SQL.
#[derive(Clone, Copy, Debug, Default, FromQueryResult)]
pub struct Occupancy {
    pub workshop_id: Uuid,
    /// People of confirmed sign-ups.
    pub confirmed: i64,
    /// People on the waitlist.
    pub waitlisted: i64,
    pub waitlisted_signups: i64,
    /// People who came (checked in).
    pub attended: i64,
    pub last_seq: i64,
}

impl Occupancy {
    pub fn free(&self, capacity: i32) -> i64 {
        (i64::from(capacity) - self.confirmed).max(0)
    }
}

pub async fn occupancy(
    db: &impl ConnectionTrait,
    workshop_ids: &[Uuid],
) -> Result<HashMap<Uuid, Occupancy>, DbErr> {
    if workshop_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = workshop_signups::Entity::find()
        .select_only()
        .column(workshop_signups::Column::WorkshopId)
        .column_as(
            Expr::cust(format!(
                "CAST(COALESCE(SUM(CASE WHEN status = '{CONFIRMED}' THEN people ELSE 0 END), 0) AS BIGINT)"
            )),
            "confirmed",
        )
        .column_as(
            Expr::cust(format!(
                "CAST(COALESCE(SUM(CASE WHEN status = '{WAITLISTED}' THEN people ELSE 0 END), 0) AS BIGINT)"
            )),
            "waitlisted",
        )
        .column_as(
            Expr::cust(format!(
                "CAST(COALESCE(SUM(CASE WHEN status = '{WAITLISTED}' THEN 1 ELSE 0 END), 0) AS BIGINT)"
            )),
            "waitlisted_signups",
        )
        .column_as(
            Expr::cust(
                "CAST(COALESCE(SUM(CASE WHEN checked_in_at IS NOT NULL THEN people ELSE 0 END), 0) AS BIGINT)",
            ),
            "attended",
        )
        .column_as(
            Expr::cust("CAST(COALESCE(MAX(seq), 0) AS BIGINT)"),
            "last_seq",
        )
        .filter(workshop_signups::Column::WorkshopId.is_in(workshop_ids.iter().copied()))
        .group_by(workshop_signups::Column::WorkshopId)
        .into_model::<Occupancy>()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|o| (o.workshop_id, o)).collect())
}

async fn occupancy_of(db: &impl ConnectionTrait, id: Uuid) -> Result<Occupancy, DbErr> {
    Ok(occupancy(db, &[id])
        .await?
        .remove(&id)
        .unwrap_or(Occupancy {
            workshop_id: id,
            ..Occupancy::default()
        }))
}

/// What the confirmed sign-ups need, counted in SQL.
#[derive(Clone, Debug, Default, FromQueryResult)]
pub struct Needs {
    pub signups: i64,
    pub people: i64,
    pub childcare_signups: i64,
    pub children: i64,
    pub step_free: i64,
    pub with_email: i64,
    pub without_contact: i64,
}

#[derive(Clone, Debug, FromQueryResult)]
pub struct LanguageCount {
    pub language: String,
    pub signups: i64,
}

pub async fn needs(
    db: &impl ConnectionTrait,
    workshop_id: Uuid,
) -> Result<(Needs, Vec<LanguageCount>), DbErr> {
    let needs = workshop_signups::Entity::find()
        .select_only()
        .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "signups")
        .column_as(
            Expr::cust("CAST(COALESCE(SUM(people), 0) AS BIGINT)"),
            "people",
        )
        .column_as(
            Expr::cust(
                "CAST(COALESCE(SUM(CASE WHEN children > 0 THEN 1 ELSE 0 END), 0) AS BIGINT)",
            ),
            "childcare_signups",
        )
        .column_as(
            Expr::cust("CAST(COALESCE(SUM(children), 0) AS BIGINT)"),
            "children",
        )
        .column_as(
            Expr::cust("CAST(COALESCE(SUM(CASE WHEN step_free THEN 1 ELSE 0 END), 0) AS BIGINT)"),
            "step_free",
        )
        .column_as(
            Expr::cust(
                "CAST(COALESCE(SUM(CASE WHEN email IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT)",
            ),
            "with_email",
        )
        .column_as(
            Expr::cust(
                "CAST(COALESCE(SUM(CASE WHEN email IS NULL AND phone IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT)",
            ),
            "without_contact",
        )
        .filter(workshop_signups::Column::WorkshopId.eq(workshop_id))
        .filter(workshop_signups::Column::Status.eq(CONFIRMED))
        .into_model::<Needs>()
        .one(db)
        .await?
        .unwrap_or_default();
    let languages = workshop_signups::Entity::find()
        .select_only()
        .column_as(workshop_signups::Column::InterpreterLanguage, "language")
        .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "signups")
        .filter(workshop_signups::Column::WorkshopId.eq(workshop_id))
        .filter(workshop_signups::Column::Status.eq(CONFIRMED))
        .filter(workshop_signups::Column::InterpreterLanguage.is_not_null())
        .group_by(workshop_signups::Column::InterpreterLanguage)
        .order_by_asc(workshop_signups::Column::InterpreterLanguage)
        .into_model::<LanguageCount>()
        .all(db)
        .await?;
    Ok((needs, languages))
}

/// One page of a workshop's sign-ups (cancelled ones too), in order of arrival.
pub async fn signup_page(
    db: &impl ConnectionTrait,
    workshop_id: Uuid,
    page: u64,
    per_page: u64,
) -> Result<(Vec<workshop_signups::Model>, u64), DbErr> {
    let paginator = workshop_signups::Entity::find()
        .filter(workshop_signups::Column::WorkshopId.eq(workshop_id))
        .order_by_asc(workshop_signups::Column::Seq)
        .paginate(db, per_page);
    let pages = paginator.num_pages().await?;
    Ok((paginator.fetch_page(page).await?, pages))
}

/// Every sign-up that is not cancelled, in order (for the export and the attendance list; a
/// workshop has at most a few hundred).
pub async fn active_signups(
    db: &impl ConnectionTrait,
    workshop_id: Uuid,
) -> Result<Vec<workshop_signups::Model>, DbErr> {
    workshop_signups::Entity::find()
        .filter(workshop_signups::Column::WorkshopId.eq(workshop_id))
        .filter(workshop_signups::Column::Status.is_in([CONFIRMED, WAITLISTED]))
        .order_by_asc(workshop_signups::Column::Status)
        .order_by_asc(workshop_signups::Column::Seq)
        .all(db)
        .await
}

/// The sign-up behind a private link. Links of sign-ups whose data was deleted lead nowhere.
pub async fn find_by_token(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<workshop_signups::Model>, DbErr> {
    workshop_signups::Entity::find()
        .filter(workshop_signups::Column::TokenHash.eq(secrets::token_hash(token)))
        .one(db)
        .await
}

pub async fn find_signup(
    db: &impl ConnectionTrait,
    workshop_id: Uuid,
    id: Uuid,
) -> Result<Option<workshop_signups::Model>, DbErr> {
    workshop_signups::Entity::find_by_id(id)
        .filter(workshop_signups::Column::WorkshopId.eq(workshop_id))
        .one(db)
        .await
}

// ---- workshops: create, edit, lifecycle ----

pub async fn create(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    round: &rounds::Model,
    input: &WorkshopInput,
    now: DateTime<Utc>,
) -> Result<workshops::Model, DbErr> {
    let model = workshops::ActiveModel {
        id: Set(Uuid::now_v7()),
        round_id: Set(round.id),
        municipality_id: Set(round.municipality_id),
        title: Set(input.title.clone()),
        description: Set(input.description.clone()),
        starts_at: Set(input.starts_at),
        ends_at: Set(input.ends_at),
        address: Set(input.address.clone()),
        room: Set(input.room.clone()),
        transit: Set(input.transit.clone()),
        capacity: Set(input.capacity),
        max_per_signup: Set(input.max_per_signup),
        signup_deadline: Set(input.signup_deadline),
        step_free: Set(input.step_free),
        childcare: Set(input.childcare),
        interpreter_languages: Set(input.interpreter_languages.join(", ")),
        sign_language: Set(input.sign_language),
        travel_costs: Set(input.travel_costs),
        food: Set(input.food),
        status: Set(DRAFT.into()),
        documentation: Set(None),
        reminded_at: Set(None),
        personal_data_deleted_at: Set(None),
        published_at: Set(None),
        cancelled_at: Set(None),
        held_at: Set(None),
        created_by: Set(Some(user.id)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(user.id),
            municipality_id: Some(model.municipality_id),
            action: "workshop.create",
            target_type: "workshop",
            target_id: Some(model.id.to_string()),
            summary: json!({ "round_id": round.id, "title": model.title, "capacity": model.capacity }),
        },
    )
    .await?;
    Ok(model)
}

/// Saves an edit. The capacity may not drop below the people already confirmed. A new start
/// time means the reminder is due again.
pub async fn update(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    current: &workshops::Model,
    input: &WorkshopInput,
    now: DateTime<Utc>,
) -> Result<Decided<()>, DbErr> {
    if matches!(current.status.as_str(), CANCELLED | HELD) {
        return Ok(Err(Refusal::WrongState));
    }
    let occupied = occupancy_of(db, current.id).await?;
    if i64::from(input.capacity) < occupied.confirmed {
        return Ok(Err(Refusal::CapacityBelowConfirmed));
    }
    let mut model: workshops::ActiveModel = current.clone().into();
    model.title = Set(input.title.clone());
    model.description = Set(input.description.clone());
    model.starts_at = Set(input.starts_at);
    model.ends_at = Set(input.ends_at);
    model.signup_deadline = Set(input.signup_deadline);
    model.address = Set(input.address.clone());
    model.room = Set(input.room.clone());
    model.transit = Set(input.transit.clone());
    model.capacity = Set(input.capacity);
    model.max_per_signup = Set(input.max_per_signup);
    model.step_free = Set(input.step_free);
    model.childcare = Set(input.childcare);
    model.interpreter_languages = Set(input.interpreter_languages.join(", "));
    model.sign_language = Set(input.sign_language);
    model.travel_costs = Set(input.travel_costs);
    model.food = Set(input.food);
    if input.starts_at != current.starts_at {
        model.reminded_at = Set(None);
    }
    model.updated_at = Set(now);
    model.update(db).await?;
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(user.id),
            municipality_id: Some(current.municipality_id),
            action: "workshop.update",
            target_type: "workshop",
            target_id: Some(current.id.to_string()),
            summary: json!({
                "before": { "title": current.title, "starts_at": current.starts_at, "capacity": current.capacity },
                "after": { "title": input.title, "starts_at": input.starts_at, "capacity": input.capacity },
            }),
        },
    )
    .await?;
    Ok(Ok(()))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    Publish,
    Cancel,
    Held,
}

impl Transition {
    fn from(self) -> &'static [&'static str] {
        match self {
            Transition::Publish => &[DRAFT],
            Transition::Cancel => &[DRAFT, PUBLISHED],
            Transition::Held => &[PUBLISHED],
        }
    }

    fn to(self) -> &'static str {
        match self {
            Transition::Publish => PUBLISHED,
            Transition::Cancel => CANCELLED,
            Transition::Held => HELD,
        }
    }

    pub fn allowed(self, workshop: &workshops::Model, now: DateTime<Utc>) -> bool {
        self.from().contains(&workshop.status.as_str())
            && (self != Transition::Held || workshop.starts_at <= now)
    }
}

/// Moves a workshop to its next state with a conditional UPDATE (a concurrent change makes it
/// refuse rather than overwrite). Cancelling tells everyone signed up, in the same transaction.
pub async fn transition(
    db: &impl ConnectionTrait,
    state: &AppState,
    user: &CurrentUser,
    workshop: &workshops::Model,
    transition: Transition,
    now: DateTime<Utc>,
) -> Result<Decided<()>, AppError> {
    if transition == Transition::Held && workshop.starts_at > now {
        return Ok(Err(Refusal::NotYetStarted));
    }
    let stamp = match transition {
        Transition::Publish => workshops::Column::PublishedAt,
        Transition::Cancel => workshops::Column::CancelledAt,
        Transition::Held => workshops::Column::HeldAt,
    };
    let result = workshops::Entity::update_many()
        .col_expr(workshops::Column::Status, transition.to().into())
        .col_expr(stamp, Expr::value(now))
        .col_expr(workshops::Column::UpdatedAt, Expr::value(now))
        .filter(workshops::Column::Id.eq(workshop.id))
        .filter(workshops::Column::Status.is_in(transition.from().iter().copied()))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Ok(Err(Refusal::WrongState));
    }
    let mut notified = 0;
    if transition == Transition::Cancel {
        let recipients = workshop_signups::Entity::find()
            .filter(workshop_signups::Column::WorkshopId.eq(workshop.id))
            .filter(workshop_signups::Column::Status.is_in([CONFIRMED, WAITLISTED]))
            .filter(workshop_signups::Column::Email.is_not_null())
            .all(db)
            .await?;
        let cancelled = workshops::Model {
            status: CANCELLED.into(),
            ..workshop.clone()
        };
        for signup in &recipients {
            notify(db, state, &cancelled, signup, "workshop_cancelled", None).await?;
            notified += 1;
        }
    }
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(user.id),
            municipality_id: Some(workshop.municipality_id),
            action: match transition {
                Transition::Publish => "workshop.publish",
                Transition::Cancel => "workshop.cancel",
                Transition::Held => "workshop.held",
            },
            target_type: "workshop",
            target_id: Some(workshop.id.to_string()),
            summary: json!({ "from": workshop.status, "to": transition.to(), "notified": notified }),
        },
    )
    .await?;
    Ok(Ok(()))
}

/// Documentation and the goals a held workshop informed.
pub async fn document(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    workshop: &workshops::Model,
    text: &str,
    goal_ids: &[Uuid],
    now: DateTime<Utc>,
) -> Result<Decided<()>, DbErr> {
    let result = workshops::Entity::update_many()
        .col_expr(
            workshops::Column::Documentation,
            Expr::value(Some(text.to_string()).filter(|t| !t.is_empty())),
        )
        .col_expr(workshops::Column::UpdatedAt, Expr::value(now))
        .filter(workshops::Column::Id.eq(workshop.id))
        .filter(workshops::Column::Status.eq(HELD))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Ok(Err(Refusal::NotHeld));
    }
    workshop_goals::Entity::delete_many()
        .filter(workshop_goals::Column::WorkshopId.eq(workshop.id))
        .exec(db)
        .await?;
    if !goal_ids.is_empty() {
        workshop_goals::Entity::insert_many(goal_ids.iter().map(|g| workshop_goals::ActiveModel {
            workshop_id: Set(workshop.id),
            goal_id: Set(*g),
        }))
        .exec(db)
        .await?;
    }
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(user.id),
            municipality_id: Some(workshop.municipality_id),
            action: "workshop.document",
            target_type: "workshop",
            target_id: Some(workshop.id.to_string()),
            summary: json!({ "goals": goal_ids, "chars": text.chars().count() }),
        },
    )
    .await?;
    Ok(Ok(()))
}

/// Records that a coordinator exported a workshop's sign-up list (it holds personal data).
pub async fn record_export(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    workshop: &workshops::Model,
    what: &str,
    rows: usize,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(user.id),
            municipality_id: Some(workshop.municipality_id),
            action: "workshop.export",
            target_type: "workshop",
            target_id: Some(workshop.id.to_string()),
            summary: json!({ "format": what, "rows": rows }),
        },
    )
    .await
}

// ---- sign-ups ----

/// A new sign-up as its author learns of it: the token is shown once and stored only hashed.
pub struct Created {
    pub signup: workshop_signups::Model,
    pub token: String,
}

fn new_code() -> String {
    let mut bytes = [0u8; CODE_LEN];
    getrandom::fill(&mut bytes)
        .unwrap_or_else(|e| panic!("the operating system has no randomness: {e}"));
    bytes
        .iter()
        .map(|b| CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()] as char)
        .collect()
}

/// Who signs up: a resident online, or staff by hand (after a phone call or at the door; the
/// deadline does not apply to them).
#[derive(Clone, Copy)]
pub enum Signer<'a> {
    Resident,
    Staff(&'a CurrentUser),
}

/// Signs up for a workshop. Must run in a write transaction; the workshop row is locked first,
/// so concurrent sign-ups are decided one after another on the current count: confirmed when
/// the people fit and nobody waits, else waitlisted.
pub async fn sign_up(
    db: &impl ConnectionTrait,
    state: &AppState,
    workshop_id: Uuid,
    input: &SignupInput,
    lang: Lang,
    signer: Signer<'_>,
    now: DateTime<Utc>,
) -> Result<Decided<Created>, AppError> {
    let workshop = find_for_update(db, workshop_id)
        .await?
        .ok_or(AppError::NotFound)?;
    match workshop.status.as_str() {
        PUBLISHED => {}
        CANCELLED => return Ok(Err(Refusal::Cancelled)),
        _ => return Ok(Err(Refusal::NotOpen)),
    }
    if matches!(signer, Signer::Resident) && now >= workshop.signup_deadline {
        return Ok(Err(Refusal::DeadlinePassed));
    }
    let occupied = occupancy_of(db, workshop.id).await?;
    let fits = occupied.waitlisted_signups == 0
        && occupied.confirmed + i64::from(input.people) <= i64::from(workshop.capacity);
    let mut code = new_code();
    while workshop_signups::Entity::find()
        .filter(workshop_signups::Column::WorkshopId.eq(workshop.id))
        .filter(workshop_signups::Column::Code.eq(code.as_str()))
        .count(db)
        .await?
        > 0
    {
        code = new_code();
    }
    let token = secrets::random_token(24);
    let signup = workshop_signups::ActiveModel {
        id: Set(Uuid::now_v7()),
        workshop_id: Set(workshop.id),
        seq: Set(i32::try_from(occupied.last_seq + 1).unwrap_or(i32::MAX)),
        code: Set(code),
        token_hash: Set(Some(secrets::token_hash(&token))),
        status: Set(if fits { CONFIRMED } else { WAITLISTED }.into()),
        people: Set(input.people),
        name: Set(Some(input.name.clone())),
        email: Set(input.email.clone()),
        phone: Set(input.phone.clone()),
        children: Set(input.children),
        children_ages: Set(input.children_ages.clone()),
        interpreter_language: Set(input.interpreter_language.clone()),
        step_free: Set(input.step_free),
        note: Set(input.note.clone()),
        lang: Set(lang.code().into()),
        source: Set(match signer {
            Signer::Resident => ONLINE,
            Signer::Staff(_) => BY_STAFF,
        }
        .into()),
        checked_in_at: Set(None),
        promoted_at: Set(None),
        cancelled_at: Set(None),
        personal_data_deleted_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    if signup.email.is_some() {
        let link = state.settings.absolute_url(&format!("/signups/{token}"));
        notify(
            db,
            state,
            &workshop,
            &signup,
            "workshop_signup",
            Some(&link),
        )
        .await?;
    }
    if let Signer::Staff(user) = signer {
        audit::record(
            db,
            now,
            Entry {
                actor_id: Some(user.id),
                municipality_id: Some(workshop.municipality_id),
                action: "signup.add",
                target_type: "workshop",
                target_id: Some(workshop.id.to_string()),
                summary: json!({ "signup_id": signup.id, "people": signup.people, "status": signup.status }),
            },
        )
        .await?;
    }
    tracing::info!(workshop = %workshop.id, signup = %signup.id, status = %signup.status, "workshop sign-up");
    Ok(Ok(Created { signup, token }))
}

/// Changes one's own sign-up. More people than before must still fit if it is confirmed; fewer
/// free places for the waitlist.
pub async fn change_signup(
    db: &impl ConnectionTrait,
    state: &AppState,
    signup: &workshop_signups::Model,
    input: &SignupInput,
    now: DateTime<Utc>,
) -> Result<Decided<()>, AppError> {
    let workshop = find_for_update(db, signup.workshop_id)
        .await?
        .ok_or(AppError::NotFound)?;
    match workshop.status.as_str() {
        PUBLISHED => {}
        CANCELLED => return Ok(Err(Refusal::Cancelled)),
        _ => return Ok(Err(Refusal::NotOpen)),
    }
    // Read again under the lock: the sign-up may have been promoted or cancelled meanwhile.
    let current = workshop_signups::Entity::find_by_id(signup.id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if !matches!(current.status.as_str(), CONFIRMED | WAITLISTED) {
        return Ok(Err(Refusal::NotConfirmed));
    }
    if current.status == CONFIRMED && input.people > current.people {
        let occupied = occupancy_of(db, workshop.id).await?;
        if occupied.confirmed - i64::from(current.people) + i64::from(input.people)
            > i64::from(workshop.capacity)
        {
            return Ok(Err(Refusal::NoRoom));
        }
    }
    let mut model: workshop_signups::ActiveModel = current.clone().into();
    model.name = Set(Some(input.name.clone()));
    model.email = Set(input.email.clone());
    model.phone = Set(input.phone.clone());
    model.people = Set(input.people);
    model.children = Set(input.children);
    model.children_ages = Set(input.children_ages.clone());
    model.interpreter_language = Set(input.interpreter_language.clone());
    model.step_free = Set(input.step_free);
    model.note = Set(input.note.clone());
    model.updated_at = Set(now);
    model.update(db).await?;
    if current.status == CONFIRMED && input.people < current.people {
        promote_waitlist(db, state, &workshop, now).await?;
    }
    Ok(Ok(()))
}

/// Cancels one's own sign-up; the first on the waitlist who fit move up and are told.
pub async fn cancel_signup(
    db: &impl ConnectionTrait,
    state: &AppState,
    signup: &workshop_signups::Model,
    now: DateTime<Utc>,
) -> Result<Decided<()>, AppError> {
    let workshop = find_for_update(db, signup.workshop_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if workshop.status == HELD {
        return Ok(Err(Refusal::NotOpen));
    }
    let result = workshop_signups::Entity::update_many()
        .col_expr(workshop_signups::Column::Status, CANCELLED.into())
        .col_expr(workshop_signups::Column::CancelledAt, Expr::value(now))
        .col_expr(workshop_signups::Column::UpdatedAt, Expr::value(now))
        .filter(workshop_signups::Column::Id.eq(signup.id))
        .filter(workshop_signups::Column::Status.is_in([CONFIRMED, WAITLISTED]))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Ok(Err(Refusal::NotConfirmed));
    }
    if workshop.status == PUBLISHED {
        promote_waitlist(db, state, &workshop, now).await?;
    }
    Ok(Ok(()))
}

/// Staff cancel a sign-up for someone who phoned: as a self-cancellation (the first on the
/// waitlist who fit move up and are told), and the person is told by mail if they gave an
/// address. The log names the staff member and the sign-up, not the person.
pub async fn cancel_by_staff(
    db: &impl ConnectionTrait,
    state: &AppState,
    user: &CurrentUser,
    workshop_id: Uuid,
    signup_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Decided<()>, AppError> {
    let signup = find_signup(db, workshop_id, signup_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Err(refusal) = cancel_signup(db, state, &signup, now).await? {
        return Ok(Err(refusal));
    }
    // Locked by the cancellation above.
    let workshop = find(db, workshop_id).await?.ok_or(AppError::NotFound)?;
    notify(
        db,
        state,
        &workshop,
        &signup,
        "workshop_signup_cancelled",
        None,
    )
    .await?;
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(user.id),
            municipality_id: Some(workshop.municipality_id),
            action: "signup.cancel",
            target_type: "workshop",
            target_id: Some(workshop.id.to_string()),
            summary: json!({ "signup_id": signup.id, "people": signup.people, "was": signup.status }),
        },
    )
    .await?;
    Ok(Ok(()))
}

/// Moves waitlisted sign-ups up, in order, as long as places are free (one that does not fit is
/// passed over, the next smaller one may fit). Each is told by mail if they gave an address.
/// Returns how many moved up. Call with the workshop locked.
pub async fn promote_waitlist(
    db: &impl ConnectionTrait,
    state: &AppState,
    workshop: &workshops::Model,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let occupied = occupancy_of(db, workshop.id).await?;
    let mut free = occupied.free(workshop.capacity);
    if free == 0 || occupied.waitlisted_signups == 0 {
        return Ok(0);
    }
    let waiting = workshop_signups::Entity::find()
        .filter(workshop_signups::Column::WorkshopId.eq(workshop.id))
        .filter(workshop_signups::Column::Status.eq(WAITLISTED))
        .filter(workshop_signups::Column::People.lte(free))
        .order_by_asc(workshop_signups::Column::Seq)
        .all(db)
        .await?;
    let mut promoted = 0;
    for signup in waiting {
        if i64::from(signup.people) > free {
            continue;
        }
        if promote(db, state, workshop, &signup, now).await? {
            free -= i64::from(signup.people);
            promoted += 1;
        }
        if free == 0 {
            break;
        }
    }
    Ok(promoted)
}

async fn promote(
    db: &impl ConnectionTrait,
    state: &AppState,
    workshop: &workshops::Model,
    signup: &workshop_signups::Model,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let result = workshop_signups::Entity::update_many()
        .col_expr(workshop_signups::Column::Status, CONFIRMED.into())
        .col_expr(workshop_signups::Column::PromotedAt, Expr::value(now))
        .col_expr(workshop_signups::Column::UpdatedAt, Expr::value(now))
        .filter(workshop_signups::Column::Id.eq(signup.id))
        .filter(workshop_signups::Column::Status.eq(WAITLISTED))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Ok(false);
    }
    if signup.email.is_some() {
        notify(db, state, workshop, signup, "workshop_promoted", None).await?;
    }
    tracing::info!(workshop = %workshop.id, signup = %signup.id, "moved up from the waitlist");
    Ok(true)
}

/// Staff move a waitlisted sign-up up by hand, out of order if they choose; it must still fit.
pub async fn promote_by_hand(
    db: &impl ConnectionTrait,
    state: &AppState,
    user: &CurrentUser,
    workshop_id: Uuid,
    signup_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Decided<()>, AppError> {
    let workshop = find_for_update(db, workshop_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if workshop.status != PUBLISHED {
        return Ok(Err(Refusal::NotOpen));
    }
    let signup = find_signup(db, workshop.id, signup_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if signup.status != WAITLISTED {
        return Ok(Err(Refusal::NotWaitlisted));
    }
    let occupied = occupancy_of(db, workshop.id).await?;
    if i64::from(signup.people) > occupied.free(workshop.capacity) {
        return Ok(Err(Refusal::NoRoom));
    }
    if !promote(db, state, &workshop, &signup, now).await? {
        return Ok(Err(Refusal::NotWaitlisted));
    }
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(user.id),
            municipality_id: Some(workshop.municipality_id),
            action: "signup.promote",
            target_type: "workshop",
            target_id: Some(workshop.id.to_string()),
            summary: json!({ "signup_id": signup.id, "people": signup.people }),
        },
    )
    .await?;
    Ok(Ok(()))
}

/// How staff name the sign-up to check in.
pub enum CheckinBy {
    Code(String),
    Id(Uuid),
}

/// Marks a confirmed sign-up as come (once).
pub async fn check_in(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    workshop: &workshops::Model,
    by: CheckinBy,
    now: DateTime<Utc>,
) -> Result<Decided<workshop_signups::Model>, DbErr> {
    if !matches!(workshop.status.as_str(), PUBLISHED | HELD) {
        return Ok(Err(Refusal::NotOpen));
    }
    let query = workshop_signups::Entity::find()
        .filter(workshop_signups::Column::WorkshopId.eq(workshop.id));
    let signup = match by {
        CheckinBy::Code(code) => {
            query
                .filter(workshop_signups::Column::Code.eq(code))
                .one(db)
                .await?
        }
        CheckinBy::Id(id) => {
            query
                .filter(workshop_signups::Column::Id.eq(id))
                .one(db)
                .await?
        }
    };
    let Some(signup) = signup else {
        return Ok(Err(Refusal::UnknownCode));
    };
    if signup.status != CONFIRMED {
        return Ok(Err(Refusal::NotConfirmed));
    }
    let result = workshop_signups::Entity::update_many()
        .col_expr(workshop_signups::Column::CheckedInAt, Expr::value(now))
        .filter(workshop_signups::Column::Id.eq(signup.id))
        .filter(workshop_signups::Column::Status.eq(CONFIRMED))
        .filter(workshop_signups::Column::CheckedInAt.is_null())
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Ok(Err(Refusal::AlreadyCheckedIn));
    }
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(user.id),
            municipality_id: Some(workshop.municipality_id),
            action: "signup.checkin",
            target_type: "workshop",
            target_id: Some(workshop.id.to_string()),
            summary: json!({ "signup_id": signup.id, "people": signup.people }),
        },
    )
    .await?;
    Ok(Ok(signup))
}

// ---- mail and calendar ----

/// "Do., 03.12.2026, 18:00 bis 20:00 Uhr" in `lang`, in the configured time zone.
pub fn when(lang: Lang, tz: chrono_tz::Tz, workshop: &workshops::Model) -> String {
    use chrono::Datelike;
    let start = workshop.starts_at.with_timezone(&tz);
    let end = workshop.ends_at.with_timezone(&tz);
    let weekday = i18n::t(
        lang,
        &format!("workshop-weekday-{}", start.weekday().number_from_monday()),
    );
    i18n::t_args(
        lang,
        "workshop-when",
        &[
            ("weekday", weekday.into()),
            (
                "date",
                start
                    .format(&i18n::t(lang, "format-date"))
                    .to_string()
                    .into(),
            ),
            ("from", start.format("%H:%M").to_string().into()),
            ("to", end.format("%H:%M").to_string().into()),
        ],
    )
}

/// Where, in one line: address and room.
pub fn place(workshop: &workshops::Model) -> String {
    let address = workshop
        .address
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(", ");
    if workshop.room.is_empty() {
        address
    } else {
        format!("{address}, {}", workshop.room)
    }
}

/// The workshop as an iCalendar file, times in UTC (every calendar shows them in local time).
pub fn calendar(state: &AppState, workshop: &workshops::Model, now: DateTime<Utc>) -> String {
    use icalendar::{Calendar, Component, Event, EventLike, EventStatus};
    let host = state.settings.base_url.host_str().unwrap_or("localhost");
    let url = state
        .settings
        .absolute_url(&format!("/workshops/{}", workshop.id));
    let mut event = Event::new();
    event
        .uid(&format!("workshop-{}@{host}", workshop.id))
        .timestamp(now)
        .summary(&workshop.title)
        .description(&format!("{}\n\n{url}", workshop.description))
        .location(&place(workshop))
        .starts(workshop.starts_at)
        .ends(workshop.ends_at)
        .url(&url);
    if workshop.status == CANCELLED {
        event.status(EventStatus::Cancelled);
    }
    let mut calendar = Calendar::new();
    calendar.push(event.done());
    calendar.done().to_string()
}

/// Queues a mail about `workshop` to a sign-up's address, in their language. The confirmation
/// carries the private link and the calendar file.
async fn notify(
    db: &impl ConnectionTrait,
    state: &AppState,
    workshop: &workshops::Model,
    signup: &workshop_signups::Model,
    kind: &str,
    link: Option<&str>,
) -> Result<(), AppError> {
    let Some(to) = signup.email.as_deref() else {
        return Ok(());
    };
    let lang = Lang::parse(&signup.lang).unwrap_or(Lang::De);
    let tz = state.settings.time_zone;
    let data = json!({
        "name": signup.name,
        "title": workshop.title,
        "when": when(lang, tz, workshop),
        "place": place(workshop),
        "code": signup.code,
        "people": signup.people,
        "waitlisted": signup.status == WAITLISTED,
        "url": link.map(str::to_string).unwrap_or_else(|| state.settings.absolute_url(&format!("/workshops/{}", workshop.id))),
        "workshop_url": state.settings.absolute_url(&format!("/workshops/{}", workshop.id)),
    });
    let attachment = (kind == "workshop_signup").then(|| Attachment {
        name: "workshop.ics".into(),
        content_type: "text/calendar; charset=utf-8".into(),
        body: calendar(state, workshop, state.clock.now()),
    });
    notifications::enqueue_with_attachment(
        db,
        state,
        Email {
            to,
            lang,
            kind,
            data,
        },
        attachment,
    )
    .await
}

// ---- background work ----

/// Queues the reminders for workshops that start within the next day. Each workshop is claimed
/// with a conditional UPDATE on `reminded_at`, in the transaction that queues its mails, so
/// every reminder goes out once even with several instances.
pub async fn send_reminders(state: &AppState) -> Result<usize, AppError> {
    let now = state.clock.now();
    let due: Vec<Uuid> = workshops::Entity::find()
        .select_only()
        .column(workshops::Column::Id)
        .filter(workshops::Column::Status.eq(PUBLISHED))
        .filter(workshops::Column::RemindedAt.is_null())
        .filter(workshops::Column::StartsAt.gt(now))
        .filter(workshops::Column::StartsAt.lte(now + chrono::Duration::days(1)))
        .into_tuple()
        .all(&state.db)
        .await?;
    let mut sent = 0;
    for id in due {
        let txn = crate::db::begin_write(&state.db).await?;
        let claimed = workshops::Entity::update_many()
            .col_expr(workshops::Column::RemindedAt, Expr::value(now))
            .filter(workshops::Column::Id.eq(id))
            .filter(workshops::Column::Status.eq(PUBLISHED))
            .filter(workshops::Column::RemindedAt.is_null())
            .exec(&txn)
            .await?;
        if claimed.rows_affected != 1 {
            txn.rollback().await?;
            continue;
        }
        let workshop = find(&txn, id).await?.ok_or(AppError::NotFound)?;
        let recipients = workshop_signups::Entity::find()
            .filter(workshop_signups::Column::WorkshopId.eq(id))
            .filter(workshop_signups::Column::Status.eq(CONFIRMED))
            .filter(workshop_signups::Column::Email.is_not_null())
            .all(&txn)
            .await?;
        for signup in &recipients {
            notify(&txn, state, &workshop, signup, "workshop_reminder", None).await?;
            sent += 1;
        }
        txn.commit().await?;
        tracing::info!(workshop = %id, mails = recipients.len(), "workshop reminders queued");
    }
    if sent > 0 {
        notifications::wake(state);
    }
    Ok(sent)
}

/// Deletes the personal data (name, contact, needs, private link) of sign-ups for workshops that
/// ended more than `days` ago. Number of people, status and attendance stay, so counts remain.
pub async fn purge_personal_data(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    days: u64,
) -> Result<u64, DbErr> {
    let cutoff = now - chrono::Duration::days(i64::try_from(days).unwrap_or(i64::MAX / 86_400_000));
    let backend = db.get_database_backend();
    let result = db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(
                backend,
                "UPDATE workshop_signups SET name = NULL, email = NULL, phone = NULL, \
                   children = 0, children_ages = NULL, interpreter_language = NULL, \
                   step_free = $1, note = NULL, token_hash = NULL, personal_data_deleted_at = $2 \
                 WHERE personal_data_deleted_at IS NULL \
                   AND workshop_id IN (SELECT id FROM workshops WHERE ends_at < $3)",
            ),
            [false.into(), now.into(), cutoff.into()],
        ))
        .await?;
    workshops::Entity::update_many()
        .col_expr(workshops::Column::PersonalDataDeletedAt, Expr::value(now))
        .filter(workshops::Column::PersonalDataDeletedAt.is_null())
        .filter(workshops::Column::EndsAt.lt(cutoff))
        .exec(db)
        .await?;
    if result.rows_affected() > 0 {
        tracing::info!(
            signups = result.rows_affected(),
            "personal data of past workshop sign-ups deleted"
        );
    }
    Ok(result.rows_affected())
}

/// When an account is deleted: the sign-ups made with its address lose their personal data as
/// after the retention period (the place and the counts stay, no mail goes to the address any
/// more, the private link stops working).
pub async fn forget_address(
    db: &impl ConnectionTrait,
    email: &str,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let result = db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(
                backend,
                "UPDATE workshop_signups SET name = NULL, email = NULL, phone = NULL, \
                   children = 0, children_ages = NULL, interpreter_language = NULL, \
                   step_free = $1, note = NULL, token_hash = NULL, personal_data_deleted_at = $2, \
                   updated_at = $2 \
                 WHERE email = $3",
            ),
            [false.into(), now.into(), email.into()],
        ))
        .await?;
    Ok(result.rows_affected())
}

/// The sign-ups made with `email`, for the data download of the account with that address.
pub async fn signups_of(db: &impl ConnectionTrait, email: &str) -> Result<Vec<Value>, DbErr> {
    let found = workshop_signups::Entity::find()
        .filter(workshop_signups::Column::Email.eq(email))
        .order_by_asc(workshop_signups::Column::CreatedAt)
        .all(db)
        .await?;
    let titles: HashMap<Uuid, workshops::Model> = workshops::Entity::find()
        .filter(workshops::Column::Id.is_in(found.iter().map(|s| s.workshop_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|w| (w.id, w))
        .collect();
    Ok(found
        .iter()
        .map(|s| {
            let w = titles.get(&s.workshop_id);
            json!({
                "workshop": w.map(|w| w.title.clone()),
                "starts_at": w.map(|w| w.starts_at),
                "status": s.status,
                "people": s.people,
                "name": s.name,
                "email": s.email,
                "phone": s.phone,
                "children": s.children,
                "children_ages": s.children_ages,
                "interpreter_language": s.interpreter_language,
                "step_free": s.step_free,
                "note": s.note,
                "checked_in_at": s.checked_in_at,
                "created_at": s.created_at,
            })
        })
        .collect())
}

/// Attendance as it may be published: the number, or "fewer than N" below the municipality's
/// minimum group size.
pub fn attendance_view(lang: Lang, attended: i64, min_group_size: i32) -> Value {
    let text = if attended < i64::from(min_group_size) {
        i18n::t_args(
            lang,
            "workshop-attendance-suppressed",
            &[("min", min_group_size.into())],
        )
    } else {
        i18n::t_args(lang, "workshop-attendance", &[("count", attended.into())])
    };
    Value::String(text)
}
