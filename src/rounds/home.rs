//! `/`: the public list of rounds, open ones first, filterable by municipality and target group.

use actix_web::{HttpResponse, web};
use entity::{municipalities, round_target_groups, rounds};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, RelationDef, sea_query::Expr,
};
use serde::Serialize;
use uuid::Uuid;

use crate::{
    db::read_snapshot,
    error::AppResult,
    rounds::{
        forms::HomeQuery,
        model::{self, PeriodView, Status, period, status_key},
    },
    web::{
        context::Ctx,
        pagination::{PER_PAGE, PageQuery, PageView},
    },
};

/// What `/` may be narrowed to.
#[derive(Clone, Debug, Default)]
struct PublicFilter {
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
async fn public_page(
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
async fn public_target_groups(
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
async fn municipalities_with_rounds(
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
async fn any_municipality(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    Ok(municipalities::Entity::find().count(db).await? > 0)
}

/// A round on `/`.
#[derive(Serialize)]
struct Card {
    href: String,
    title: String,
    summary: String,
    municipality: String,
    status: String,
    status_key: &'static str,
    period: PeriodView,
    target_groups: Vec<String>,
}

#[derive(Serialize)]
struct PlaceFilter {
    slug: String,
    name: String,
    selected: bool,
}

#[derive(Serialize)]
struct GroupFilter {
    name: String,
    selected: bool,
}

#[derive(Serialize)]
struct HomePage {
    rounds: Vec<Card>,
    filtered: bool,
    nothing_published: bool,
    can_subscribe: bool,
    municipalities: Vec<PlaceFilter>,
    groups: Vec<GroupFilter>,
    subscribe_href: String,
    pagination: PageView,
}

/// `/`: open rounds first, then closed and evaluated ones; filterable by municipality and by
/// target group.
pub async fn home(ctx: Ctx, query: web::Query<HomeQuery>) -> AppResult<HttpResponse> {
    let snap = read_snapshot(&ctx.state.db).await?;
    let db = &snap;
    let places = municipalities_with_rounds(db).await?;
    let place = places
        .iter()
        .find(|m| !query.municipality.is_empty() && m.slug == query.municipality);
    let group = Some(query.group.trim().to_string()).filter(|g| !g.is_empty());
    let filter = PublicFilter {
        municipality_id: place.map(|m| m.id),
        target_group: group.clone(),
    };
    let index = PageQuery { page: query.page }.index();
    let (list, pages) = public_page(db, &filter, index, PER_PAGE).await?;
    let ids: Vec<Uuid> = list.iter().map(|r| r.id).collect();
    let mut groups = model::target_groups(db, &ids).await?;
    // Every listed round is public, so its municipality is among `places`.
    let cards = list
        .iter()
        .map(|r| Card {
            href: format!("/rounds/{}", r.slug),
            title: r.title.clone(),
            summary: r.summary.clone(),
            municipality: places
                .iter()
                .find(|m| m.id == r.municipality_id)
                .map(|m| m.name.clone())
                .unwrap_or_default(),
            status: r.status.clone(),
            status_key: status_key(r),
            period: period(&ctx, r),
            target_groups: groups.remove(&r.id).unwrap_or_default(),
        })
        .collect();
    let all_groups = public_target_groups(db, filter.municipality_id).await?;
    // No municipality has published anything yet (a new instance): say so, and offer the
    // subscription only once there is a municipality to subscribe to.
    let nothing_published = places.is_empty();
    let can_subscribe = !nothing_published || any_municipality(db).await?;
    snap.commit().await?;
    let mut params = Vec::new();
    if let Some(m) = place {
        params.push(("municipality", m.slug.clone()));
    }
    if let Some(g) = &group {
        params.push(("group", g.clone()));
    }
    let base = if params.is_empty() {
        "/".to_string()
    } else {
        format!(
            "/?{}",
            serde_urlencoded::to_string(&params).unwrap_or_default()
        )
    };
    let page = HomePage {
        rounds: cards,
        filtered: place.is_some() || group.is_some(),
        nothing_published,
        can_subscribe,
        municipalities: places
            .iter()
            .map(|m| PlaceFilter {
                slug: m.slug.clone(),
                name: m.name.clone(),
                selected: place.is_some_and(|p| p.id == m.id),
            })
            .collect(),
        groups: all_groups
            .into_iter()
            .map(|g| GroupFilter {
                selected: group.as_deref() == Some(g.as_str()),
                name: g,
            })
            .collect(),
        subscribe_href: match place {
            Some(m) => format!("/subscribe?municipality={}", m.slug),
            None => "/subscribe".to_string(),
        },
        pagination: PageView::new(index, pages, &base),
    };
    ctx.render("rounds/home", "home-title", page)
}
