//! Staff: the list of rounds a coordinator manages, filterable by status, with counts.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use entity::{municipalities, rounds};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, JoinType, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, RelationDef, sea_query::Expr,
};
use serde::Serialize;
use uuid::Uuid;

use crate::{
    error::AppResult,
    rounds::{
        forms::{ManageQuery, first_day, last_day},
        model::Status,
    },
    web::{
        context::Ctx,
        pagination::{PER_PAGE, PageQuery, PageView},
    },
};

/// A round on the staff list, with its counts.
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
async fn status_counts(
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

#[derive(Serialize)]
struct Row {
    title: String,
    href: String,
    preview_href: String,
    municipality: String,
    status: String,
    status_key: &'static str,
    starts_on: String,
    ends_on: String,
    goal_count: i64,
}

#[derive(Serialize)]
struct StatusFilter {
    value: &'static str,
    label: String,
    count: i64,
    href: String,
    current: bool,
}

#[derive(Serialize)]
struct ListPage {
    rounds: Vec<Row>,
    filters: Vec<StatusFilter>,
    total: i64,
    all_current: bool,
    pagination: PageView,
}

pub async fn manage_list(ctx: Ctx, query: web::Query<ManageQuery>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    // The municipalities whose rounds `user` manages: `None` means all (admins).
    let scope = user.coordinated_municipalities();
    let status = Status::parse(&query.status);
    let index = PageQuery { page: query.page }.index();
    let db = &ctx.state.db;
    let (list, pages) = managed_page(db, scope.as_deref(), status, index, PER_PAGE).await?;
    let counts = status_counts(db, scope.as_deref()).await?;
    let tz = ctx.state.settings.time_zone;
    let pattern = ctx.t("format-date");
    let rows = list
        .into_iter()
        .map(|r| Row {
            href: format!("/manage/rounds/{}", r.id),
            preview_href: format!("/manage/rounds/{}/preview", r.id),
            status_key: Status::label_key(Status::parse(&r.status), r.scheduled_at.is_some()),
            starts_on: first_day(tz, r.starts_at).format(&pattern).to_string(),
            ends_on: last_day(tz, r.ends_at).format(&pattern).to_string(),
            title: r.title,
            municipality: r.municipality_name,
            status: r.status,
            goal_count: r.goal_count,
        })
        .collect();
    let filters = Status::ALL
        .iter()
        .map(|s| StatusFilter {
            value: s.as_str(),
            label: format!("round-status-{}", s.as_str()),
            count: counts.get(s.as_str()).copied().unwrap_or(0),
            href: format!("/manage/rounds?status={}", s.as_str()),
            current: status == Some(*s),
        })
        .collect();
    let base = match status {
        Some(s) => format!("/manage/rounds?status={}", s.as_str()),
        None => "/manage/rounds".to_string(),
    };
    let page = ListPage {
        rounds: rows,
        filters,
        total: counts.values().sum::<i64>(),
        all_current: status.is_none(),
        pagination: PageView::new(index, pages, &base),
    };
    ctx.render("rounds/manage_list", "manage-rounds-title", page)
}
