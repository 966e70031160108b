//! The workshops slice's shared domain: a workshop's and a sign-up's states, why a sign-up is
//! refused, the places taken, and the lookups several use cases need.

use std::collections::HashMap;

use entity::{rounds, workshop_goals, workshop_signups, workshops};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, JoinType, QueryFilter,
    QueryOrder, QuerySelect, RelationDef, sea_query::Expr,
};
use uuid::Uuid;

/// A workshop's status (`workshops.status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Draft,
    Published,
    Cancelled,
    Held,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Draft,
        Status::Published,
        Status::Cancelled,
        Status::Held,
    ];
    /// What residents may see, as stored.
    pub const PUBLIC: [&'static str; 3] = ["published", "cancelled", "held"];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
            Status::Cancelled => "cancelled",
            Status::Held => "held",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Whether `stored` (a `workshops.status` value) is this status.
    pub fn is(self, stored: &str) -> bool {
        stored == self.as_str()
    }

    /// Whether `stored` is one of `statuses`.
    pub fn any(statuses: &[Status], stored: &str) -> bool {
        statuses.iter().any(|st| st.is(stored))
    }
}

/// A sign-up's status (`workshop_signups.status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignupStatus {
    Confirmed,
    Waitlisted,
    Cancelled,
}

impl SignupStatus {
    pub const ALL: [SignupStatus; 3] = [
        SignupStatus::Confirmed,
        SignupStatus::Waitlisted,
        SignupStatus::Cancelled,
    ];
    /// Sign-ups that hold or wait for a place, as stored.
    pub const ACTIVE: [&'static str; 2] = ["confirmed", "waitlisted"];

    pub fn as_str(self) -> &'static str {
        match self {
            SignupStatus::Confirmed => "confirmed",
            SignupStatus::Waitlisted => "waitlisted",
            SignupStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<SignupStatus> {
        SignupStatus::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Whether `stored` (a `workshop_signups.status` value) is this status.
    pub fn is(self, stored: &str) -> bool {
        stored == self.as_str()
    }

    /// Whether `stored` holds or waits for a place (confirmed or waitlisted).
    pub fn is_active(stored: &str) -> bool {
        SignupStatus::ACTIVE.contains(&stored)
    }
}

/// How a sign-up came in (`workshop_signups.source`): online by the resident, or by staff.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Online,
    Staff,
}

impl Source {
    pub const ALL: [Source; 2] = [Source::Online, Source::Staff];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Online => "online",
            Source::Staff => "staff",
        }
    }

    pub fn parse(s: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|src| src.as_str() == s)
    }

    /// Whether `stored` (a `workshop_signups.source` value) is this source.
    pub fn is(self, stored: &str) -> bool {
        stored == self.as_str()
    }
}

pub const TITLE_MAX: usize = 200;
pub const TEXT_MAX: usize = 20_000;
pub const SHORT_MAX: usize = 200;
pub const NOTE_MAX: usize = 1_000;
pub const CAPACITY_MAX: i32 = 10_000;
pub const PER_SIGNUP_DEFAULT: i32 = 4;
pub const PER_SIGNUP_MAX: i32 = 20;
pub const CHILDREN_MAX: i32 = 12;
pub const LANGUAGES_MAX: usize = 12;

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

pub(super) fn workshop_to_round() -> RelationDef {
    workshops::Entity::belongs_to(rounds::Entity)
        .from(workshops::Column::RoundId)
        .to(rounds::Column::Id)
        .into()
}

pub(super) fn goal_to_workshop() -> RelationDef {
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
        .filter(workshops::Column::Status.is_in(Status::PUBLIC))
        .filter(rounds::Column::Status.is_in(crate::rounds::model::Status::PUBLIC))
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

/// Every sign-up that is not cancelled, in order (for the export and the attendance list; a
/// workshop has at most a few hundred).
pub async fn active_signups(
    db: &impl ConnectionTrait,
    workshop_id: Uuid,
) -> Result<Vec<workshop_signups::Model>, DbErr> {
    workshop_signups::Entity::find()
        .filter(workshop_signups::Column::WorkshopId.eq(workshop_id))
        .filter(workshop_signups::Column::Status.is_in(SignupStatus::ACTIVE))
        .order_by_asc(workshop_signups::Column::Status)
        .order_by_asc(workshop_signups::Column::Seq)
        .all(db)
        .await
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
                "CAST(COALESCE(SUM(CASE WHEN status = '{}' THEN people ELSE 0 END), 0) AS BIGINT)",
                SignupStatus::Confirmed.as_str()
            )),
            "confirmed",
        )
        .column_as(
            Expr::cust(format!(
                "CAST(COALESCE(SUM(CASE WHEN status = '{}' THEN people ELSE 0 END), 0) AS BIGINT)",
                SignupStatus::Waitlisted.as_str()
            )),
            "waitlisted",
        )
        .column_as(
            Expr::cust(format!(
                "CAST(COALESCE(SUM(CASE WHEN status = '{}' THEN 1 ELSE 0 END), 0) AS BIGINT)",
                SignupStatus::Waitlisted.as_str()
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

pub(super) async fn occupancy_of(db: &impl ConnectionTrait, id: Uuid) -> Result<Occupancy, DbErr> {
    Ok(occupancy(db, &[id])
        .await?
        .remove(&id)
        .unwrap_or(Occupancy {
            workshop_id: id,
            ..Occupancy::default()
        }))
}

pub(super) fn int(value: &str) -> Option<i32> {
    value.trim().parse().ok()
}

pub(super) fn checked(value: &str) -> bool {
    !value.is_empty()
}

pub(super) fn some(value: &str) -> Option<String> {
    Some(value.trim().to_string()).filter(|v| !v.is_empty())
}
