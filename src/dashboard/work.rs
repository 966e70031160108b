//! What needs one staff person now, gathered for the start page: the moderation and free-text
//! queues per municipality, rounds opening and closing, upcoming workshops, and for admins
//! failed mails and missing legal texts.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{municipalities, rounds, workshops};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Statement,
};
use uuid::Uuid;

use crate::{
    db::placeholders,
    identity::CurrentUser,
    legal::service::{self as legal, Kind},
    moderation::{
        model::Status as ModerationStatus,
        queue::{self as moderation, Section},
    },
    monitoring::overdue::{OverdueIndicator, overdue_indicators},
    notifications::service::{self as notifications, MailStatus},
    rounds::model::Status,
    surveys::free_text as surveys,
    workshops::model::{self as workshop_service, Occupancy},
};

/// How far ahead "this week" looks for rounds opening or closing.
pub const ROUND_HORIZON_DAYS: i64 = 7;
/// How far ahead upcoming workshops are listed.
pub const WORKSHOP_HORIZON_DAYS: i64 = 14;
/// The longest list of one kind the page shows; the link beside it leads to all of them.
pub const LIST_LIMIT: u64 = 30;

/// What waits for a moderator in one municipality.
#[derive(Clone, Debug, Default)]
pub struct ModerationWork {
    pub personal: u64,
    pub pending: u64,
    pub flagged: u64,
    pub objections: u64,
    pub free_texts: u64,
}

impl ModerationWork {
    pub fn is_empty(&self) -> bool {
        self.personal + self.pending + self.flagged + self.objections + self.free_texts == 0
    }
}

/// A round that is open, or opens within the horizon, with its figures.
#[derive(Clone, Debug)]
pub struct RoundView {
    pub round: rounds::Model,
    /// Survey responses of all its surveys.
    pub responses: i64,
    /// Ideas on its boards (posted, waiting or hidden; not unconfirmed or withdrawn).
    pub ideas: i64,
    /// People with a confirmed place in its workshops.
    pub signed_up: i64,
}

#[derive(Clone, Debug)]
pub struct WorkshopView {
    pub workshop: workshops::Model,
    pub occupancy: Occupancy,
}

/// Everything the start page shows one person.
#[derive(Debug, Default)]
pub struct StartPage {
    pub municipalities: HashMap<Uuid, municipalities::Model>,
    /// Per municipality the person moderates (admins: those with work), ordered by name.
    pub moderation: Vec<(Uuid, ModerationWork)>,
    /// Draft rounds scheduled to open within the horizon.
    pub opening: Vec<rounds::Model>,
    /// Open rounds, soonest end first, with their figures.
    pub open_rounds: Vec<RoundView>,
    pub workshops: Vec<WorkshopView>,
    /// Indicators adopted by goals of the person's municipalities without a value for the
    /// period expected by now.
    pub overdue_indicators: Vec<OverdueIndicator>,
    /// Admins only.
    pub failed_mails: Option<i64>,
    /// Admins only: instance legal texts not written yet.
    pub missing_legal: Vec<Kind>,
}

/// `None` (an admin: everywhere) or the municipalities, as the slices' filters take them.
fn scope_of(ids: &Option<Vec<Uuid>>) -> Option<&[Uuid]> {
    ids.as_deref()
}

fn in_scope<C: ColumnTrait>(column: C, scope: Option<&[Uuid]>) -> Condition {
    match scope {
        None => Condition::all(),
        Some(ids) => Condition::all().add(column.is_in(ids.iter().copied())),
    }
}

pub async fn start_page(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<StartPage, DbErr> {
    let mut page = StartPage::default();
    let moderated = user.moderated_municipalities();
    let coordinated = user.coordinated_municipalities();
    let moderates = user.is_admin() || user.is_moderator_somewhere();
    let coordinates = user.is_admin() || user.is_coordinator_somewhere();

    // The names of every municipality the person works for (all, for admins).
    let mut names = municipalities::Entity::find();
    if !user.is_admin() {
        let ids: Vec<Uuid> = user
            .roles
            .iter()
            .filter_map(|r| r.municipality_id)
            .collect();
        names = names.filter(municipalities::Column::Id.is_in(ids));
    }
    let mut places = names
        .order_by_asc(municipalities::Column::Name)
        .all(db)
        .await?;
    let order: Vec<Uuid> = places.iter().map(|m| m.id).collect();
    page.municipalities = places.drain(..).map(|m| (m.id, m)).collect();

    if moderates {
        page.moderation = moderation_work(db, scope_of(&moderated), &order).await?;
        if let Some(ids) = &moderated {
            // A moderator sees each of their municipalities, also when nothing waits there.
            for id in ids {
                if !page.moderation.iter().any(|(m, _)| m == id) {
                    page.moderation.push((*id, ModerationWork::default()));
                }
            }
            page.moderation
                .sort_by_key(|(id, _)| order.iter().position(|o| o == id));
        }
    }
    if coordinates {
        let scope = scope_of(&coordinated);
        page.opening = opening_rounds(db, scope, now).await?;
        page.open_rounds = open_rounds(db, scope).await?;
        page.workshops = upcoming_workshops(db, scope, now).await?;
        page.overdue_indicators = overdue_indicators(db, scope, today).await?;
    }
    if user.is_admin() {
        page.failed_mails = Some(
            notifications::status_counts(db)
                .await?
                .into_iter()
                .find(|c| MailStatus::Failed.is(&c.status))
                .map(|c| c.count)
                .unwrap_or(0),
        );
        page.missing_legal = legal::missing_instance_texts(db).await?;
    }
    Ok(page)
}

/// Grouped counts of the moderation queue and the free-text queue: one query per kind of item.
async fn moderation_work(
    db: &impl ConnectionTrait,
    scope: Option<&[Uuid]>,
    order: &[Uuid],
) -> Result<Vec<(Uuid, ModerationWork)>, DbErr> {
    let mut work: HashMap<Uuid, ModerationWork> = HashMap::new();
    for (id, section, n) in moderation::section_counts_per_municipality(db, scope).await? {
        let entry = work.entry(id).or_default();
        match section {
            Section::Personal => entry.personal = n,
            Section::Pending => entry.pending = n,
            Section::Flagged => entry.flagged = n,
            Section::Objections => entry.objections = n,
        }
    }
    for (id, n) in surveys::pending_free_text_counts_per_municipality(db, scope).await? {
        work.entry(id).or_default().free_texts = n;
    }
    let mut list: Vec<(Uuid, ModerationWork)> = work.into_iter().collect();
    list.sort_by_key(|(id, _)| order.iter().position(|o| o == id));
    Ok(list)
}

async fn opening_rounds(
    db: &impl ConnectionTrait,
    scope: Option<&[Uuid]>,
    now: DateTime<Utc>,
) -> Result<Vec<rounds::Model>, DbErr> {
    rounds::Entity::find()
        .filter(in_scope(rounds::Column::MunicipalityId, scope))
        .filter(rounds::Column::Status.eq(Status::Draft.as_str()))
        .filter(rounds::Column::ScheduledAt.is_not_null())
        .filter(rounds::Column::StartsAt.lt(now + Duration::days(ROUND_HORIZON_DAYS)))
        .order_by_asc(rounds::Column::StartsAt)
        .limit(LIST_LIMIT)
        .all(db)
        .await
}

/// Open rounds with their figures, in three grouped queries over all of them.
async fn open_rounds(
    db: &impl ConnectionTrait,
    scope: Option<&[Uuid]>,
) -> Result<Vec<RoundView>, DbErr> {
    let list = rounds::Entity::find()
        .filter(in_scope(rounds::Column::MunicipalityId, scope))
        .filter(rounds::Column::Status.eq(Status::Open.as_str()))
        .order_by_asc(rounds::Column::EndsAt)
        .order_by_asc(rounds::Column::Id)
        .limit(LIST_LIMIT)
        .all(db)
        .await?;
    if list.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = list.iter().map(|r| r.id).collect();
    let responses = per_round(
        db,
        "SELECT s.round_id AS round_id, CAST(COUNT(*) AS BIGINT) AS n FROM survey_responses r \
         JOIN surveys s ON s.id = r.survey_id WHERE s.round_id IN ({ids}) GROUP BY s.round_id",
        &ids,
    )
    .await?;
    // Ideas the moderators have seen or will see: not unconfirmed or withdrawn ones.
    let moderated = ModerationStatus::ALL.map(|s| format!("'{}'", s.as_str()));
    let ideas = per_round(
        db,
        &format!(
            "SELECT b.round_id AS round_id, CAST(COUNT(*) AS BIGINT) AS n FROM ideas i \
             JOIN idea_boards b ON b.id = i.board_id \
             WHERE b.round_id IN ({{ids}}) AND i.status IN ({}) \
             GROUP BY b.round_id",
            moderated.join(", ")
        ),
        &ids,
    )
    .await?;
    let signed_up = per_round(
        db,
        "SELECT w.round_id AS round_id, CAST(COALESCE(SUM(s.people), 0) AS BIGINT) AS n FROM workshop_signups s \
         JOIN workshops w ON w.id = s.workshop_id \
         WHERE w.round_id IN ({ids}) AND s.status = 'confirmed' GROUP BY w.round_id",
        &ids,
    )
    .await?;
    Ok(list
        .into_iter()
        .map(|round| RoundView {
            responses: responses.get(&round.id).copied().unwrap_or(0),
            ideas: ideas.get(&round.id).copied().unwrap_or(0),
            signed_up: signed_up.get(&round.id).copied().unwrap_or(0),
            round,
        })
        .collect())
}

/// Runs a `round_id, n` aggregate over `ids` (the `{ids}` in `sql`).
async fn per_round(
    db: &impl ConnectionTrait,
    sql: &str,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, i64>, DbErr> {
    let backend = db.get_database_backend();
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = sql.replace("{ids}", &marks.join(", "));
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            placeholders(backend, &sql),
            ids.iter().map(|id| sea_orm::Value::from(*id)),
        ))
        .await?;
    rows.iter()
        .map(|row| {
            let n: i64 = row.try_get("", "n")?;
            Ok((row.try_get("", "round_id")?, n))
        })
        .collect()
}

async fn upcoming_workshops(
    db: &impl ConnectionTrait,
    scope: Option<&[Uuid]>,
    now: DateTime<Utc>,
) -> Result<Vec<WorkshopView>, DbErr> {
    let list = workshops::Entity::find()
        .filter(in_scope(workshops::Column::MunicipalityId, scope))
        .filter(workshops::Column::Status.eq(workshop_service::Status::Published.as_str()))
        .filter(workshops::Column::StartsAt.gte(now))
        .filter(workshops::Column::StartsAt.lt(now + Duration::days(WORKSHOP_HORIZON_DAYS)))
        .order_by_asc(workshops::Column::StartsAt)
        .limit(LIST_LIMIT)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = list.iter().map(|w| w.id).collect();
    let mut occupancy = workshop_service::occupancy(db, &ids).await?;
    Ok(list
        .into_iter()
        .map(|workshop| WorkshopView {
            occupancy: occupancy.remove(&workshop.id).unwrap_or(Occupancy {
                workshop_id: workshop.id,
                ..Occupancy::default()
            }),
            workshop,
        })
        .collect())
}
