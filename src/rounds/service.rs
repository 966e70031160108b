//! Use cases of the rounds slice.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{municipalities, round_goals, round_subscriptions, round_target_groups, rounds};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{Set, Unchanged},
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, JoinType,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, RelationDef,
    sea_query::Expr,
    sea_query::OnConflict,
};
use serde::Serialize;
use serde_json::{Value, json};
use subtle::ConstantTimeEq;
use uuid::Uuid;

use crate::{
    accounts::service::CurrentUser,
    audit::service::{self as audit, Entry},
    error::AppError,
    notifications::service::{self as notifications, Email},
    rounds::forms::{RoundInput, first_day, last_day, slug_from_title},
    secrets::Keys,
    state::AppState,
    web::i18n::{self, Lang},
};

/// Where a round stands. Residents see every state but `Draft`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Open,
    Closed,
    Evaluated,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Draft,
        Status::Open,
        Status::Closed,
        Status::Evaluated,
    ];
    pub const PUBLIC: [&'static str; 3] = ["open", "closed", "evaluated"];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Open => "open",
            Status::Closed => "closed",
            Status::Evaluated => "evaluated",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|status| status.as_str() == s)
    }
}

fn round_goal_to_round() -> RelationDef {
    round_goals::Entity::belongs_to(rounds::Entity)
        .from(round_goals::Column::RoundId)
        .to(rounds::Column::Id)
        .into()
}

/// A round as a goal page lists it.
#[derive(Clone, Debug, Serialize, FromQueryResult)]
pub struct RoundRef {
    pub slug: String,
    pub title: String,
    pub status: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// The public rounds (not drafts) that serve `goal_id`, newest first.
pub async fn public_rounds_for_goal(
    db: &impl ConnectionTrait,
    goal_id: Uuid,
) -> Result<Vec<RoundRef>, DbErr> {
    rounds::Entity::find()
        .select_only()
        .columns([
            rounds::Column::Slug,
            rounds::Column::Title,
            rounds::Column::Status,
            rounds::Column::StartsAt,
            rounds::Column::EndsAt,
        ])
        .join(JoinType::InnerJoin, round_goal_to_round().rev())
        .filter(round_goals::Column::GoalId.eq(goal_id))
        .filter(rounds::Column::Status.is_in(Status::PUBLIC))
        .order_by_desc(rounds::Column::StartsAt)
        .into_model::<RoundRef>()
        .all(db)
        .await
}

#[derive(FromQueryResult)]
struct GoalCount {
    goal_id: Uuid,
    rounds: i64,
}

/// What participation a goal has had: public rounds that served it, survey responses that
/// answered a question informing it, ideas posted under or adopted into it, and held workshops
/// that informed it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Participation {
    pub rounds: i64,
    pub responses: i64,
    pub ideas: i64,
    pub workshops: i64,
}

/// For each of `goal_ids`, its [`Participation`] (each part counted in SQL). Goals without any
/// are missing from the map.
pub async fn participation_counts(
    db: &impl ConnectionTrait,
    goal_ids: &[Uuid],
) -> Result<HashMap<Uuid, Participation>, DbErr> {
    if goal_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = round_goals::Entity::find()
        .select_only()
        .column(round_goals::Column::GoalId)
        .column_as(
            sea_orm::sea_query::ExprTrait::count(Expr::col((
                round_goals::Entity,
                round_goals::Column::RoundId,
            ))),
            "rounds",
        )
        .join(JoinType::InnerJoin, round_goal_to_round())
        .filter(round_goals::Column::GoalId.is_in(goal_ids.iter().copied()))
        .filter(rounds::Column::Status.is_in(Status::PUBLIC))
        .group_by(round_goals::Column::GoalId)
        .into_model::<GoalCount>()
        .all(db)
        .await?;
    let mut out: HashMap<Uuid, Participation> = rows
        .into_iter()
        .map(|r| {
            (
                r.goal_id,
                Participation {
                    rounds: r.rounds,
                    ..Default::default()
                },
            )
        })
        .collect();
    for (goal_id, responses) in crate::surveys::service::responses_per_goal(db, goal_ids).await? {
        out.entry(goal_id).or_default().responses = responses;
    }
    for (goal_id, ideas) in crate::ideas::summaries::counts_per_goal(db, goal_ids).await? {
        out.entry(goal_id).or_default().ideas = ideas;
    }
    for (goal_id, held) in crate::workshops::summaries::held_per_goal(db, goal_ids).await? {
        out.entry(goal_id).or_default().workshops = held;
    }
    Ok(out)
}

// ---- reading ----

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<rounds::Model>, DbErr> {
    rounds::Entity::find_by_id(id).one(db).await
}

/// The round, locked for the rest of the transaction on PostgreSQL (on SQLite the write
/// transaction already holds the database), so a change is decided on its current state.
pub async fn find_for_update(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<rounds::Model>, DbErr> {
    rounds::Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await
}

/// A round residents may see: drafts are for staff only.
pub async fn find_public(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<rounds::Model>, DbErr> {
    rounds::Entity::find()
        .filter(rounds::Column::Slug.eq(slug))
        .filter(rounds::Column::Status.is_in(Status::PUBLIC))
        .one(db)
        .await
}

pub async fn slug_taken(
    db: &impl ConnectionTrait,
    slug: &str,
    except: Option<Uuid>,
) -> Result<bool, DbErr> {
    let mut query = rounds::Entity::find().filter(rounds::Column::Slug.eq(slug));
    if let Some(id) = except {
        query = query.filter(rounds::Column::Id.ne(id));
    }
    Ok(query.count(db).await? > 0)
}

/// A free slug for a new round: `base`, else `base-2`, `base-3` … (the base is shortened so a
/// suffix still fits the 60 characters a slug may have).
pub async fn free_slug(db: &impl ConnectionTrait, base: &str) -> Result<String, DbErr> {
    let base = base
        .get(..base.len().min(55))
        .unwrap_or(base)
        .trim_end_matches('-');
    let taken: Vec<String> = rounds::Entity::find()
        .select_only()
        .column(rounds::Column::Slug)
        .filter(
            Condition::any()
                .add(rounds::Column::Slug.eq(base))
                .add(rounds::Column::Slug.starts_with(format!("{base}-"))),
        )
        .into_tuple()
        .all(db)
        .await?;
    if !taken.iter().any(|s| s == base) {
        return Ok(base.to_string());
    }
    Ok((2..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or_else(|| format!("{base}-{}", Uuid::new_v4().simple())))
}

pub async fn goal_ids(db: &impl ConnectionTrait, round_id: Uuid) -> Result<Vec<Uuid>, DbErr> {
    round_goals::Entity::find()
        .select_only()
        .column(round_goals::Column::GoalId)
        .filter(round_goals::Column::RoundId.eq(round_id))
        .into_tuple()
        .all(db)
        .await
}

/// The target groups of each of `round_ids`, in one query.
pub async fn target_groups(
    db: &impl ConnectionTrait,
    round_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<String>>, DbErr> {
    if round_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, String)> = round_target_groups::Entity::find()
        .select_only()
        .columns([
            round_target_groups::Column::RoundId,
            round_target_groups::Column::Tag,
        ])
        .filter(round_target_groups::Column::RoundId.is_in(round_ids.iter().copied()))
        .order_by_asc(round_target_groups::Column::Tag)
        .into_tuple()
        .all(db)
        .await?;
    let mut map: HashMap<Uuid, Vec<String>> = HashMap::new();
    for (round, tag) in rows {
        map.entry(round).or_default().push(tag);
    }
    Ok(map)
}

/// What `/` may be narrowed to.
#[derive(Clone, Debug, Default)]
pub struct PublicFilter {
    pub municipality_id: Option<Uuid>,
    pub target_group: Option<String>,
}

fn public_query(filter: &PublicFilter) -> sea_orm::Select<rounds::Entity> {
    let mut query = rounds::Entity::find().filter(rounds::Column::Status.is_in(Status::PUBLIC));
    if let Some(m) = filter.municipality_id {
        query = query.filter(rounds::Column::MunicipalityId.eq(m));
    }
    if let Some(tag) = &filter.target_group {
        query = query.filter(
            rounds::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(round_target_groups::Column::RoundId)
                    .from(round_target_groups::Entity)
                    .and_where(round_target_groups::Column::Tag.eq(tag.as_str()))
                    .to_owned(),
            ),
        );
    }
    query
}

/// One page of public rounds: open ones first (closing soonest first), then closed and
/// evaluated ones, most recent first.
pub async fn public_page(
    db: &impl ConnectionTrait,
    filter: &PublicFilter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<rounds::Model>, u64), DbErr> {
    let paginator = public_query(filter)
        .order_by_asc(Expr::cust("CASE WHEN status = 'open' THEN 0 ELSE 1 END"))
        .order_by_asc(Expr::cust("CASE WHEN status = 'open' THEN ends_at END"))
        .order_by_desc(rounds::Column::EndsAt)
        .order_by_asc(rounds::Column::Id)
        .paginate(db, per_page);
    let pages = paginator.num_pages().await?;
    Ok((paginator.fetch_page(page).await?, pages))
}

/// The target groups public rounds address (within a municipality, if given), for the filter.
pub async fn public_target_groups(
    db: &impl ConnectionTrait,
    municipality_id: Option<Uuid>,
) -> Result<Vec<String>, DbErr> {
    let mut query = round_target_groups::Entity::find()
        .select_only()
        .column(round_target_groups::Column::Tag)
        .distinct()
        .join(JoinType::InnerJoin, target_group_to_round())
        .filter(rounds::Column::Status.is_in(Status::PUBLIC))
        .order_by_asc(round_target_groups::Column::Tag);
    if let Some(m) = municipality_id {
        query = query.filter(rounds::Column::MunicipalityId.eq(m));
    }
    query.into_tuple().all(db).await
}

fn target_group_to_round() -> RelationDef {
    round_target_groups::Entity::belongs_to(rounds::Entity)
        .from(round_target_groups::Column::RoundId)
        .to(rounds::Column::Id)
        .into()
}

/// The municipalities that have public rounds, for the filter on `/`.
pub async fn municipalities_with_rounds(
    db: &impl ConnectionTrait,
) -> Result<Vec<municipalities::Model>, DbErr> {
    municipalities::Entity::find()
        .filter(
            municipalities::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(rounds::Column::MunicipalityId)
                    .from(rounds::Entity)
                    .and_where(rounds::Column::Status.is_in(Status::PUBLIC))
                    .to_owned(),
            ),
        )
        .order_by_asc(municipalities::Column::Name)
        .all(db)
        .await
}

/// Whether the instance has a municipality yet (residents subscribe to one).
pub async fn any_municipality(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    Ok(municipalities::Entity::find().count(db).await? > 0)
}

/// A round on the staff dashboard, with its counts.
#[derive(Clone, Debug, FromQueryResult)]
pub struct ManagedRound {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub status: String,
    pub scheduled_at: Option<DateTime<Utc>>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub municipality_name: String,
    pub goal_count: i64,
}

/// Rounds of the municipalities in `scope` (`None`: all), optionally of one status, newest
/// first, with the number of goals each serves (counted in SQL).
pub async fn managed_page(
    db: &impl ConnectionTrait,
    scope: Option<&[Uuid]>,
    status: Option<Status>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<ManagedRound>, u64), DbErr> {
    let mut query = rounds::Entity::find()
        .select_only()
        .columns([
            rounds::Column::Id,
            rounds::Column::Slug,
            rounds::Column::Title,
            rounds::Column::Status,
            rounds::Column::ScheduledAt,
            rounds::Column::StartsAt,
            rounds::Column::EndsAt,
        ])
        .column_as(
            Expr::col((municipalities::Entity, municipalities::Column::Name)),
            "municipality_name",
        )
        .column_as(
            Expr::cust("(SELECT COUNT(*) FROM round_goals WHERE round_goals.round_id = rounds.id)"),
            "goal_count",
        )
        .join(JoinType::InnerJoin, round_to_municipality())
        .order_by_desc(rounds::Column::StartsAt)
        .order_by_asc(rounds::Column::Id);
    if let Some(ids) = scope {
        query = query.filter(rounds::Column::MunicipalityId.is_in(ids.iter().copied()));
    }
    if let Some(status) = status {
        query = query.filter(rounds::Column::Status.eq(status.as_str()));
    }
    let paginator = query.into_model::<ManagedRound>().paginate(db, per_page);
    let pages = paginator.num_pages().await?;
    Ok((paginator.fetch_page(page).await?, pages))
}

fn round_to_municipality() -> RelationDef {
    rounds::Entity::belongs_to(municipalities::Entity)
        .from(rounds::Column::MunicipalityId)
        .to(municipalities::Column::Id)
        .into()
}

/// How many rounds of `scope` are in each status.
pub async fn status_counts(
    db: &impl ConnectionTrait,
    scope: Option<&[Uuid]>,
) -> Result<HashMap<String, i64>, DbErr> {
    let mut query = rounds::Entity::find()
        .select_only()
        .column(rounds::Column::Status)
        .column_as(
            sea_orm::sea_query::ExprTrait::count(Expr::col(rounds::Column::Id)),
            "n",
        )
        .group_by(rounds::Column::Status);
    if let Some(ids) = scope {
        query = query.filter(rounds::Column::MunicipalityId.is_in(ids.iter().copied()));
    }
    let rows: Vec<(String, i64)> = query.into_tuple().all(db).await?;
    Ok(rows.into_iter().collect())
}

// ---- changing ----

/// Creates a draft round. `input.slug` must be free (or empty: then one is made from the title).
pub async fn create(
    db: &impl ConnectionTrait,
    actor: &CurrentUser,
    municipality_id: Uuid,
    input: &RoundInput,
    now: DateTime<Utc>,
) -> Result<rounds::Model, DbErr> {
    let slug = if input.slug.is_empty() {
        free_slug(db, &slug_from_title(&input.title)).await?
    } else {
        input.slug.clone()
    };
    let round = rounds::ActiveModel {
        id: Set(Uuid::now_v7()),
        municipality_id: Set(municipality_id),
        slug: Set(slug),
        title: Set(input.title.clone()),
        summary: Set(input.summary.clone()),
        description: Set(input.description.clone()),
        status: Set(Status::Draft.as_str().into()),
        starts_at: Set(input.starts_at),
        ends_at: Set(input.ends_at),
        scheduled_at: Set(None),
        contact_name: Set(input.contact_name.clone()),
        contact_phone: Set(input.contact_phone.clone()),
        contact_email: Set(input.contact_email.clone()),
        contact_address: Set(input.contact_address.clone()),
        evaluation_summary: Set(None),
        opened_at: Set(None),
        closed_at: Set(None),
        evaluated_at: Set(None),
        created_by: Set(Some(actor.id)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    replace_links(db, round.id, input).await?;
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(actor.id),
            municipality_id: Some(municipality_id),
            action: "round.create",
            target_type: "round",
            target_id: Some(round.id.to_string()),
            summary: json!({ "after": {
                "title": round.title,
                "slug": round.slug,
                "starts_at": round.starts_at,
                "ends_at": round.ends_at,
                "goals": input.goal_ids.len(),
                "target_groups": input.target_groups,
            } }),
        },
    )
    .await?;
    Ok(round)
}

async fn replace_links(
    db: &impl ConnectionTrait,
    round_id: Uuid,
    input: &RoundInput,
) -> Result<(), DbErr> {
    round_goals::Entity::delete_many()
        .filter(round_goals::Column::RoundId.eq(round_id))
        .exec(db)
        .await?;
    round_target_groups::Entity::delete_many()
        .filter(round_target_groups::Column::RoundId.eq(round_id))
        .exec(db)
        .await?;
    if !input.goal_ids.is_empty() {
        round_goals::Entity::insert_many(input.goal_ids.iter().map(|goal_id| {
            round_goals::ActiveModel {
                round_id: Set(round_id),
                goal_id: Set(*goal_id),
            }
        }))
        .exec(db)
        .await?;
    }
    if !input.target_groups.is_empty() {
        let spellings = existing_spellings(db, &input.target_groups).await?;
        let mut tags: Vec<String> = input
            .target_groups
            .iter()
            .map(|tag| {
                spellings
                    .get(&tag.to_lowercase())
                    .cloned()
                    .unwrap_or_else(|| tag.clone())
            })
            .collect();
        tags.dedup();
        round_target_groups::Entity::insert_many(tags.iter().map(|tag| {
            round_target_groups::ActiveModel {
                round_id: Set(round_id),
                tag: Set(tag.clone()),
            }
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

/// How tags that differ from `tags` only in case are already spelled on other rounds, keyed by
/// lower case: a new "senioren" joins the existing "Senioren", so the filter on `/` lists one.
async fn existing_spellings(
    db: &impl ConnectionTrait,
    tags: &[String],
) -> Result<HashMap<String, String>, DbErr> {
    let lowered: Vec<String> = tags.iter().map(|t| t.to_lowercase()).collect();
    let rows: Vec<String> = round_target_groups::Entity::find()
        .select_only()
        .column(round_target_groups::Column::Tag)
        .distinct()
        .filter(sea_orm::sea_query::ExprTrait::is_in(
            Expr::expr(sea_orm::sea_query::Func::lower(Expr::col(
                round_target_groups::Column::Tag,
            ))),
            lowered,
        ))
        .order_by_asc(round_target_groups::Column::Tag)
        .into_tuple()
        .all(db)
        .await?;
    let mut map = HashMap::new();
    for tag in rows {
        map.entry(tag.to_lowercase()).or_insert(tag);
    }
    Ok(map)
}

/// Saves a changed round. The slug only changes while the round is a draft: once published,
/// its address is in letters and on posters.
pub async fn update(
    db: &impl ConnectionTrait,
    actor: &CurrentUser,
    round: &rounds::Model,
    input: &RoundInput,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let before_goals = goal_ids(db, round.id).await?;
    let before_groups = target_groups(db, &[round.id])
        .await?
        .remove(&round.id)
        .unwrap_or_default();
    let slug = if round.status == Status::Draft.as_str() && !input.slug.is_empty() {
        input.slug.clone()
    } else {
        round.slug.clone()
    };
    let mut before = serde_json::Map::new();
    let mut after = serde_json::Map::new();
    let mut note = |name: &str, old: Value, new: Value| {
        if old != new {
            before.insert(name.to_string(), old);
            after.insert(name.to_string(), new);
        }
    };
    note("title", json!(round.title), json!(input.title));
    note("slug", json!(round.slug), json!(slug));
    note("summary", json!(round.summary), json!(input.summary));
    note(
        "description",
        json!(round.description),
        json!(input.description),
    );
    note("starts_at", json!(round.starts_at), json!(input.starts_at));
    note("ends_at", json!(round.ends_at), json!(input.ends_at));
    note(
        "contact_name",
        json!(round.contact_name),
        json!(input.contact_name),
    );
    note(
        "contact_phone",
        json!(round.contact_phone),
        json!(input.contact_phone),
    );
    note(
        "contact_email",
        json!(round.contact_email),
        json!(input.contact_email),
    );
    note(
        "contact_address",
        json!(round.contact_address),
        json!(input.contact_address),
    );
    let mut groups_after = input.target_groups.clone();
    groups_after.sort();
    let mut groups_before = before_groups;
    groups_before.sort();
    note("target_groups", json!(groups_before), json!(groups_after));
    let mut goals_before = before_goals;
    goals_before.sort();
    note("goals", json!(goals_before), json!(input.goal_ids));
    rounds::ActiveModel {
        id: Unchanged(round.id),
        slug: Set(slug),
        title: Set(input.title.clone()),
        summary: Set(input.summary.clone()),
        description: Set(input.description.clone()),
        starts_at: Set(input.starts_at),
        ends_at: Set(input.ends_at),
        contact_name: Set(input.contact_name.clone()),
        contact_phone: Set(input.contact_phone.clone()),
        contact_email: Set(input.contact_email.clone()),
        contact_address: Set(input.contact_address.clone()),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await?;
    replace_links(db, round.id, input).await?;
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(actor.id),
            municipality_id: Some(round.municipality_id),
            action: "round.update",
            target_type: "round",
            target_id: Some(round.id.to_string()),
            summary: json!({ "before": before, "after": after }),
        },
    )
    .await?;
    Ok(())
}

/// What a coordinator can do to a round's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Transition {
    /// Draft → open now, or, if the period has not begun, released to open by itself.
    Publish,
    /// Takes back the release of a draft that waits for its start.
    Unschedule,
    /// Open → closed before the period ends.
    Close,
    /// Closed → open again (the period must still run).
    Reopen,
    /// Closed → evaluated with the public summary; on an evaluated round, edits the summary.
    Evaluate(String),
}

impl Transition {
    pub fn name(&self) -> &'static str {
        match self {
            Transition::Publish => "publish",
            Transition::Unschedule => "unschedule",
            Transition::Close => "close",
            Transition::Reopen => "reopen",
            Transition::Evaluate(_) => "evaluate",
        }
    }

    /// Whether the transition may start from `round`'s state.
    pub fn allowed_from(&self, round: &rounds::Model) -> bool {
        let status = Status::parse(&round.status);
        match self {
            Transition::Publish => status == Some(Status::Draft) && round.scheduled_at.is_none(),
            Transition::Unschedule => status == Some(Status::Draft) && round.scheduled_at.is_some(),
            Transition::Close => status == Some(Status::Open),
            Transition::Reopen => status == Some(Status::Closed),
            Transition::Evaluate(_) => {
                matches!(status, Some(Status::Closed | Status::Evaluated))
            }
        }
    }
}

/// Why a transition was refused; each is a message for the coordinator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    NotFromHere,
    PeriodOver,
    SummaryMissing,
    /// Someone else changed the round's state at the same moment.
    Conflict,
}

impl Refusal {
    pub fn message_key(self) -> &'static str {
        match self {
            Refusal::NotFromHere => "error-round-transition",
            Refusal::PeriodOver => "error-round-period-over",
            Refusal::SummaryMissing => "error-round-evaluation-missing",
            Refusal::Conflict => "error-round-conflict",
        }
    }
}

/// What a successful transition did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Opened,
    Scheduled,
    Unscheduled,
    Closed,
    Reopened,
    Evaluated,
}

impl Outcome {
    pub fn status_after(self) -> &'static str {
        match self {
            Outcome::Opened | Outcome::Reopened => Status::Open.as_str(),
            Outcome::Scheduled | Outcome::Unscheduled => Status::Draft.as_str(),
            Outcome::Closed => Status::Closed.as_str(),
            Outcome::Evaluated => Status::Evaluated.as_str(),
        }
    }
}

/// Takes `transition` on `round` for `actor`. State changes are conditional updates on the
/// current state, so two clicks (or a click and the background task) cannot both take effect.
/// Opening notifies the municipality's subscribers in the same transaction.
pub async fn transition(
    db: &impl ConnectionTrait,
    state: &AppState,
    actor: &CurrentUser,
    round: &rounds::Model,
    transition: Transition,
    now: DateTime<Utc>,
) -> Result<Result<Outcome, Refusal>, AppError> {
    if !transition.allowed_from(round) {
        return Ok(Err(Refusal::NotFromHere));
    }
    let from = round.status.clone();
    let outcome = match &transition {
        Transition::Publish if round.ends_at <= now => return Ok(Err(Refusal::PeriodOver)),
        Transition::Publish if round.starts_at > now => {
            let done = conditional(
                db,
                round.id,
                Status::Draft,
                vec![(rounds::Column::ScheduledAt, Expr::value(now))],
                Condition::all()
                    .add(rounds::Column::ScheduledAt.is_null())
                    .add(rounds::Column::StartsAt.gt(now)),
            )
            .await?;
            done.then_some(Outcome::Scheduled)
        }
        Transition::Publish => open(
            db,
            state,
            round.id,
            now,
            Condition::all().add(rounds::Column::ScheduledAt.is_null()),
        )
        .await?
        .then_some(Outcome::Opened),
        Transition::Unschedule => conditional(
            db,
            round.id,
            Status::Draft,
            vec![(
                rounds::Column::ScheduledAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            )],
            Condition::all().add(rounds::Column::ScheduledAt.is_not_null()),
        )
        .await?
        .then_some(Outcome::Unscheduled),
        Transition::Close => conditional(
            db,
            round.id,
            Status::Open,
            vec![
                (rounds::Column::Status, Expr::value(Status::Closed.as_str())),
                (rounds::Column::ClosedAt, Expr::value(now)),
            ],
            Condition::all(),
        )
        .await?
        .then_some(Outcome::Closed),
        Transition::Reopen if round.ends_at <= now => return Ok(Err(Refusal::PeriodOver)),
        Transition::Reopen => conditional(
            db,
            round.id,
            Status::Closed,
            vec![
                (rounds::Column::Status, Expr::value(Status::Open.as_str())),
                (
                    rounds::Column::ClosedAt,
                    Expr::value(Option::<DateTime<Utc>>::None),
                ),
            ],
            Condition::all().add(rounds::Column::EndsAt.gt(now)),
        )
        .await?
        .then_some(Outcome::Reopened),
        Transition::Evaluate(summary) if summary.trim().is_empty() => {
            return Ok(Err(Refusal::SummaryMissing));
        }
        Transition::Evaluate(summary) => {
            let from_status = Status::parse(&round.status).unwrap_or(Status::Closed);
            conditional(
                db,
                round.id,
                from_status,
                vec![
                    (
                        rounds::Column::Status,
                        Expr::value(Status::Evaluated.as_str()),
                    ),
                    (
                        rounds::Column::EvaluationSummary,
                        Expr::value(summary.trim().to_string()),
                    ),
                    (
                        rounds::Column::EvaluatedAt,
                        Expr::value(round.evaluated_at.unwrap_or(now)),
                    ),
                ],
                Condition::all(),
            )
            .await?
            .then_some(Outcome::Evaluated)
        }
    };
    let Some(outcome) = outcome else {
        return Ok(Err(Refusal::Conflict));
    };
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(actor.id),
            municipality_id: Some(round.municipality_id),
            action: match transition {
                Transition::Publish if outcome == Outcome::Scheduled => "round.schedule",
                _ => match transition.name() {
                    "publish" => "round.open",
                    "unschedule" => "round.unschedule",
                    "close" => "round.close",
                    "reopen" => "round.reopen",
                    _ => "round.evaluate",
                },
            },
            target_type: "round",
            target_id: Some(round.id.to_string()),
            summary: {
                let mut before = json!({
                    "status": from,
                    "scheduled": round.scheduled_at.is_some(),
                });
                let mut after = json!({
                    "status": outcome.status_after(),
                    "scheduled": outcome == Outcome::Scheduled,
                });
                if let Transition::Evaluate(text) = &transition {
                    before["evaluation_summary"] = json!(round.evaluation_summary);
                    after["evaluation_summary"] = json!(text.trim());
                }
                json!({ "title": round.title, "before": before, "after": after })
            },
        },
    )
    .await?;
    Ok(Ok(outcome))
}

/// `UPDATE rounds SET … WHERE id = ? AND status = ? AND <also>`: true if this call changed the
/// row. `also` repeats, inside the statement, whatever the decision was based on (the period,
/// the release), so a decision made on a stale read cannot take effect.
async fn conditional(
    db: &impl ConnectionTrait,
    id: Uuid,
    from: Status,
    set: Vec<(rounds::Column, Expr)>,
    also: Condition,
) -> Result<bool, DbErr> {
    let mut update = rounds::Entity::update_many()
        .filter(rounds::Column::Id.eq(id))
        .filter(rounds::Column::Status.eq(from.as_str()))
        .filter(also);
    for (column, value) in set {
        update = update.col_expr(column, value);
    }
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// Opens a draft round whose period is running and tells the municipality's confirmed
/// subscribers, in one transaction (the caller's). False if the round no longer qualifies.
async fn open(
    db: &impl ConnectionTrait,
    state: &AppState,
    round_id: Uuid,
    now: DateTime<Utc>,
    also: Condition,
) -> Result<bool, AppError> {
    let opened = conditional(
        db,
        round_id,
        Status::Draft,
        vec![
            (rounds::Column::Status, Expr::value(Status::Open.as_str())),
            (rounds::Column::OpenedAt, Expr::value(now)),
        ],
        also.add(rounds::Column::StartsAt.lte(now))
            .add(rounds::Column::EndsAt.gt(now)),
    )
    .await?;
    if opened {
        notify_subscribers(db, state, round_id).await?;
    }
    Ok(opened)
}

/// What the background task did in one pass.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Advanced {
    pub opened: usize,
    pub closed: usize,
}

/// Opens released drafts whose period has begun and closes open rounds whose period has ended.
/// Safe to run on several instances at once: each change is conditional on the state it found.
/// A round that fails is logged and left for the next pass; the others go ahead.
pub async fn advance_due(state: &AppState) -> Result<Advanced, AppError> {
    let now = state.clock.now();
    let mut done = Advanced::default();
    let released = Condition::all().add(rounds::Column::ScheduledAt.is_not_null());
    let due_to_open = due_rounds(
        &state.db,
        Status::Draft,
        released
            .add(rounds::Column::StartsAt.lte(now))
            .add(rounds::Column::EndsAt.gt(now)),
    )
    .await?;
    for (id, title, municipality_id) in due_to_open {
        match open_when_due(state, id, &title, municipality_id, now).await {
            Ok(true) => done.opened += 1,
            Ok(false) => {}
            Err(e) => tracing::error!(round = %id, error = %e, "opening a round failed"),
        }
    }
    let due_to_close = due_rounds(&state.db, Status::Open, period_over(now)).await?;
    for (id, title, municipality_id) in due_to_close {
        match close_when_due(state, id, &title, municipality_id, now).await {
            Ok(true) => done.closed += 1,
            Ok(false) => {}
            Err(e) => tracing::error!(round = %id, error = %e, "closing a round failed"),
        }
    }
    // A released draft whose whole period passed unopened (the server was down throughout)
    // goes back to being a plain draft, so its coordinator sees it needs a new period.
    let missed = due_rounds(&state.db, Status::Draft, missed_release(now)).await?;
    for (id, _, municipality_id) in missed {
        if let Err(e) = unschedule_missed(state, id, municipality_id, now).await {
            tracing::error!(round = %id, error = %e, "taking back a missed release failed");
        }
    }
    if done.opened > 0 {
        crate::notifications::service::wake(state);
    }
    Ok(done)
}

/// Rounds in `status` that match `condition`: (id, title, municipality), for the background task.
async fn due_rounds(
    db: &impl ConnectionTrait,
    status: Status,
    condition: Condition,
) -> Result<Vec<(Uuid, String, Uuid)>, DbErr> {
    rounds::Entity::find()
        .select_only()
        .columns([
            rounds::Column::Id,
            rounds::Column::Title,
            rounds::Column::MunicipalityId,
        ])
        .filter(rounds::Column::Status.eq(status.as_str()))
        .filter(condition)
        .into_tuple()
        .all(db)
        .await
}

/// The round's period has ended.
fn period_over(now: DateTime<Utc>) -> Condition {
    Condition::all().add(rounds::Column::EndsAt.lte(now))
}

/// Released to open by itself, but its period is already over.
fn missed_release(now: DateTime<Utc>) -> Condition {
    period_over(now).add(rounds::Column::ScheduledAt.is_not_null())
}

async fn unschedule_missed(
    state: &AppState,
    id: Uuid,
    municipality_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let txn = crate::db::begin_write(&state.db).await?;
    let changed = conditional(
        &txn,
        id,
        Status::Draft,
        vec![(
            rounds::Column::ScheduledAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )],
        missed_release(now),
    )
    .await?;
    if changed {
        record_automatic(
            &txn,
            now,
            municipality_id,
            id,
            "round.unschedule",
            json!({
                "reason": "period passed before it could open",
                "before": { "scheduled": true },
                "after": { "scheduled": false },
            }),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// An audit entry for what the background task did (no person acted).
async fn record_automatic(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    municipality_id: Uuid,
    id: Uuid,
    action: &str,
    summary: Value,
) -> Result<(), DbErr> {
    audit::record(
        db,
        now,
        Entry {
            actor_id: None,
            municipality_id: Some(municipality_id),
            action,
            target_type: "round",
            target_id: Some(id.to_string()),
            summary,
        },
    )
    .await
}

async fn open_when_due(
    state: &AppState,
    id: Uuid,
    title: &str,
    municipality_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let txn = crate::db::begin_write(&state.db).await?;
    let released = Condition::all().add(rounds::Column::ScheduledAt.is_not_null());
    let opened = open(&txn, state, id, now, released).await?;
    if opened {
        record_automatic(
            &txn,
            now,
            municipality_id,
            id,
            "round.open",
            json!({
                "title": title,
                "reason": "period began",
                "before": { "status": "draft" },
                "after": { "status": "open" },
            }),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(opened)
}

async fn close_when_due(
    state: &AppState,
    id: Uuid,
    title: &str,
    municipality_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let txn = crate::db::begin_write(&state.db).await?;
    let closed = conditional(
        &txn,
        id,
        Status::Open,
        vec![
            (rounds::Column::Status, Expr::value(Status::Closed.as_str())),
            (rounds::Column::ClosedAt, Expr::value(now)),
        ],
        period_over(now),
    )
    .await?;
    if closed {
        record_automatic(
            &txn,
            now,
            municipality_id,
            id,
            "round.close",
            json!({
                "title": title,
                "reason": "period ended",
                "before": { "status": "open" },
                "after": { "status": "closed" },
            }),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(closed)
}

// ---- subscriptions to new rounds ----

/// Links in subscription mails carry a keyed hash of the subscription's id and purpose, so
/// nothing secret is stored and a link cannot be guessed or turned into another purpose.
pub fn subscription_signature(keys: &Keys, purpose: &str, id: Uuid) -> String {
    keys.keyed_hash(&["round-subscription", purpose, &id.to_string()])
}

pub fn signature_matches(keys: &Keys, purpose: &str, id: Uuid, given: &str) -> bool {
    let expected = subscription_signature(keys, purpose, id);
    expected.as_bytes().ct_eq(given.as_bytes()).into()
}

pub const CONFIRM: &str = "confirm";
pub const UNSUBSCRIBE: &str = "unsubscribe";
/// Unconfirmed subscriptions are deleted after this, and their confirmation link dies with them.
pub const UNCONFIRMED_TTL: chrono::Duration = chrono::Duration::days(7);

fn subscription_link(state: &AppState, purpose: &str, id: Uuid) -> String {
    state.settings.absolute_url(&format!(
        "/subscriptions/{id}/{purpose}/{}",
        subscription_signature(&state.keys, purpose, id)
    ))
}

/// Records a wish to hear of new rounds and sends the confirmation mail (double opt-in). An
/// address that is already confirmed gets a note saying so, with the way out; the page answers
/// the same either way, so nobody learns who subscribed.
pub async fn subscribe(
    db: &impl ConnectionTrait,
    state: &AppState,
    municipality: &municipalities::Model,
    email: &str,
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let email = crate::accounts::service::normalize_email(email);
    // Insert-or-keep in one statement, so two requests at once cannot trip the unique index.
    round_subscriptions::Entity::insert(round_subscriptions::ActiveModel {
        id: Set(Uuid::new_v4()),
        municipality_id: Set(municipality.id),
        email: Set(email.clone()),
        language: Set(lang.code().into()),
        confirmed_at: Set(None),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([
            round_subscriptions::Column::MunicipalityId,
            round_subscriptions::Column::Email,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    let subscription = round_subscriptions::Entity::find()
        .filter(round_subscriptions::Column::MunicipalityId.eq(municipality.id))
        .filter(round_subscriptions::Column::Email.eq(email.as_str()))
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("round subscription".into()))?;
    let (id, confirmed) = (subscription.id, subscription.confirmed_at.is_some());
    if !confirmed {
        // A new confirmation mail gets the full time to be used, in the language asked for now.
        // A confirmed subscription is left as it is: only its owner changes it.
        round_subscriptions::ActiveModel {
            id: Unchanged(id),
            language: Set(lang.code().into()),
            created_at: Set(now),
            ..Default::default()
        }
        .update(db)
        .await?;
    }
    let kind = if confirmed {
        "subscription_exists"
    } else {
        "subscription_confirm"
    };
    notifications::enqueue_about(
        db,
        state,
        Email {
            to: &email,
            lang,
            kind,
            data: json!({
                "municipality": municipality.name,
                "confirm_url": subscription_link(state, CONFIRM, id),
                "unsubscribe_url": subscription_link(state, UNSUBSCRIBE, id),
                "days": UNCONFIRMED_TTL.num_days(),
            }),
        },
        &subscription_topic(id),
    )
    .await
}

pub async fn find_subscription(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<round_subscriptions::Model>, DbErr> {
    round_subscriptions::Entity::find_by_id(id).one(db).await
}

pub async fn confirm_subscription(
    db: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = round_subscriptions::Entity::update_many()
        .col_expr(round_subscriptions::Column::ConfirmedAt, Expr::value(now))
        .filter(round_subscriptions::Column::Id.eq(id))
        .filter(round_subscriptions::Column::ConfirmedAt.is_null())
        .filter(round_subscriptions::Column::CreatedAt.gt(now - UNCONFIRMED_TTL))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Deletes the subscription, and with it the address and any "new round" mail to it that is
/// still waiting in the outbox (each carries this subscription's own unsubscribe link).
pub async fn unsubscribe(db: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    round_subscriptions::Entity::delete_by_id(id)
        .exec(db)
        .await?;
    notifications::withdraw_queued(db, &subscription_topic(id)).await
}

/// What the outbox knows a subscription's mails by while they wait.
fn subscription_topic(id: Uuid) -> String {
    format!("subscription:{id}")
}

/// When an account is deleted: the subscriptions of its address go (mail waiting in the outbox
/// for the address goes with the account).
pub async fn forget_subscriber(db: &impl ConnectionTrait, email: &str) -> Result<u64, DbErr> {
    Ok(round_subscriptions::Entity::delete_many()
        .filter(round_subscriptions::Column::Email.eq(email))
        .exec(db)
        .await?
        .rows_affected)
}

/// The subscriptions of `email`, for the data download of the account with that address.
pub async fn subscriptions_of(db: &impl ConnectionTrait, email: &str) -> Result<Vec<Value>, DbErr> {
    let found = round_subscriptions::Entity::find()
        .filter(round_subscriptions::Column::Email.eq(email))
        .order_by_asc(round_subscriptions::Column::CreatedAt)
        .all(db)
        .await?;
    let names: HashMap<Uuid, String> = municipalities::Entity::find()
        .filter(municipalities::Column::Id.is_in(found.iter().map(|s| s.municipality_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect();
    Ok(found
        .iter()
        .map(|s| {
            json!({
                "municipality": names.get(&s.municipality_id),
                "email": s.email,
                "language": s.language,
                "confirmed_at": s.confirmed_at,
                "created_at": s.created_at,
            })
        })
        .collect())
}

/// Deletes subscriptions never confirmed within `UNCONFIRMED_TTL` (housekeeping).
pub async fn purge_unconfirmed(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(round_subscriptions::Entity::delete_many()
        .filter(round_subscriptions::Column::ConfirmedAt.is_null())
        .filter(round_subscriptions::Column::CreatedAt.lte(now - UNCONFIRMED_TTL))
        .exec(db)
        .await?
        .rows_affected)
}

/// Queues the "new round" mail for every confirmed subscriber of the round's municipality, each
/// in the language they subscribed in.
async fn notify_subscribers(
    db: &impl ConnectionTrait,
    state: &AppState,
    round_id: Uuid,
) -> Result<(), AppError> {
    let Some(round) = find(db, round_id).await? else {
        return Ok(());
    };
    let Some(municipality) = municipalities::Entity::find_by_id(round.municipality_id)
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let subscribers = round_subscriptions::Entity::find()
        .filter(round_subscriptions::Column::MunicipalityId.eq(round.municipality_id))
        .filter(round_subscriptions::Column::ConfirmedAt.is_not_null())
        .all(db)
        .await?;
    let tz = state.settings.time_zone;
    for subscriber in subscribers {
        let lang = Lang::parse(&subscriber.language).unwrap_or_default();
        let pattern = i18n::t(lang, "format-date");
        notifications::enqueue_about(
            db,
            state,
            Email {
                to: &subscriber.email,
                lang,
                kind: "round_opened",
                data: json!({
                    "municipality": municipality.name,
                    "title": round.title,
                    "summary": round.summary,
                    "starts_on": first_day(tz, round.starts_at).format(&pattern).to_string(),
                    "ends_on": last_day(tz, round.ends_at).format(&pattern).to_string(),
                    "url": state.settings.absolute_url(&format!("/rounds/{}", round.slug)),
                    "unsubscribe_url": subscription_link(state, UNSUBSCRIBE, subscriber.id),
                }),
            },
            &subscription_topic(subscriber.id),
        )
        .await?;
    }
    Ok(())
}
