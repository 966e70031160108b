//! A board's public list (`/ideas/{board_id}`): ideas sorted, filtered by category, district and
//! official status, and paged.

use actix_web::{HttpResponse, web};
use entity::ideas;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    db::read_snapshot,
    error::{AppError, AppResult},
    web::{
        context::Ctx,
        pagination::{PER_PAGE, PageQuery, PageView, pages_ahead},
    },
};

use super::districts::board_areas;
use super::model::{OfficialStatus, categories, find_public_board};
use super::views::{BoardHead, Card, Choice, board_head, card};

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct BoardQuery {
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub status: String,
    /// One of the board's districts (an area id).
    #[serde(default)]
    pub district: String,
    pub page: Option<u64>,
}

/// `/ideas/{board_id}`: the list, sorted and filtered, with a link to post.
pub async fn board(
    ctx: Ctx,
    path: web::Path<Uuid>,
    query: web::Query<BoardQuery>,
) -> AppResult<HttpResponse> {
    let snap = read_snapshot(&ctx.state.db).await?;
    let db = &snap;
    let (board, round) = find_public_board(db, *path)
        .await?
        .ok_or(AppError::NotFound)?;
    let categories = categories(db, board.id).await?;
    let sort = Sort::parse(&query.sort);
    let category = Uuid::parse_str(&query.category)
        .ok()
        .filter(|c| categories.iter().any(|x| x.id == *c));
    let status = OfficialStatus::parse(&query.status);
    let districts = board_areas(db, &board).await?;
    let district = Uuid::parse_str(&query.district)
        .ok()
        .filter(|d| districts.iter().any(|a| a.id == *d));
    let filter = ListFilter {
        sort,
        category_id: category,
        official_status: status,
        area_id: district,
    };
    let index = PageQuery { page: query.page }.index();
    let (list, pages) = board_page(db, board.id, &filter, index, PER_PAGE).await?;
    snap.commit().await?;
    let mut params = vec![("sort", sort.as_str().to_string())];
    if let Some(c) = category {
        params.push(("category", c.to_string()));
    }
    if let Some(s) = status {
        params.push(("status", s.as_str().to_string()));
    }
    if let Some(d) = district {
        params.push(("district", d.to_string()));
    }
    let base = format!(
        "/ideas/{}?{}",
        board.id,
        serde_urlencoded::to_string(&params).unwrap_or_default()
    );
    ctx.render_title(
        "ideas/board",
        &board.title,
        BoardView {
            board: board_head(&board, &round),
            ideas: list.iter().map(|i| card(&ctx, i, &categories)).collect(),
            sorts: Sort::ALL
                .iter()
                .map(|s| Choice {
                    value: s.as_str().to_string(),
                    label: ctx.t(&format!("idea-sort-{}", s.as_str())),
                    selected: *s == sort,
                })
                .collect(),
            categories: categories
                .iter()
                .map(|c| Choice {
                    value: c.id.to_string(),
                    label: c.name.clone(),
                    selected: Some(c.id) == category,
                })
                .collect(),
            statuses: OfficialStatus::ALL
                .iter()
                .map(|s| Choice {
                    value: s.as_str().to_string(),
                    label: ctx.t(&format!("idea-official-{}", s.as_str())),
                    selected: status == Some(*s),
                })
                .collect(),
            districts: districts
                .iter()
                .map(|a| Choice {
                    value: a.id.to_string(),
                    label: a.name.clone(),
                    selected: Some(a.id) == district,
                })
                .collect(),
            filtered: category.is_some() || status.is_some() || district.is_some(),
            pagination: PageView::counted(index, pages, &base),
        },
    )
}

#[derive(Serialize)]
struct BoardView {
    board: BoardHead,
    ideas: Vec<Card>,
    sorts: Vec<Choice>,
    categories: Vec<Choice>,
    statuses: Vec<Choice>,
    districts: Vec<Choice>,
    filtered: bool,
    pagination: PageView,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    Newest,
    Supported,
    Discussed,
}

impl Sort {
    pub const ALL: [Sort; 3] = [Sort::Newest, Sort::Supported, Sort::Discussed];
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Newest => "new",
            Sort::Supported => "support",
            Sort::Discussed => "discussed",
        }
    }
    pub fn parse(s: &str) -> Sort {
        Sort::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .unwrap_or(Sort::Newest)
    }
}

#[derive(Clone, Debug)]
pub struct ListFilter {
    pub sort: Sort,
    pub category_id: Option<Uuid>,
    pub official_status: Option<OfficialStatus>,
    pub area_id: Option<Uuid>,
}

/// One page of a board's list: published ideas, and hidden ones (shown as a placeholder).
pub async fn board_page(
    db: &impl ConnectionTrait,
    board_id: Uuid,
    filter: &ListFilter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<ideas::Model>, (u64, bool)), DbErr> {
    // A category belongs to one board (the handler checks it), so filtering by the category
    // alone lets the database use the category's own index for both the page and the count.
    let mut query = match filter.category_id {
        Some(c) => ideas::Entity::find().filter(ideas::Column::CategoryId.eq(c)),
        None => ideas::Entity::find().filter(ideas::Column::BoardId.eq(board_id)),
    }
    .filter(ideas::Column::Listed.eq(true));
    if let Some(s) = filter.official_status {
        query = query.filter(ideas::Column::OfficialStatus.eq(s.as_str()));
    }
    if let Some(a) = filter.area_id {
        query = query.filter(ideas::Column::AreaId.eq(a));
    }
    query = match filter.sort {
        Sort::Newest => query.order_by_desc(ideas::Column::CreatedAt),
        Sort::Supported => query.order_by_desc(ideas::Column::SupportCount),
        Sort::Discussed => query.order_by_desc(ideas::Column::CommentCount),
    };
    let query = query.order_by_desc(ideas::Column::Id);
    let pages = pages_ahead(db, &query, page, per_page).await?;
    let list = query
        .offset(page * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok((list, pages))
}
