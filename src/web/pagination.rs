//! Page numbers for every list: `?page=` (1-based) in, a page view with links out.

use sea_orm::{
    ConnectionTrait, DbErr, EntityTrait, QueryTrait, Select,
    sea_query::{Alias, Expr, Query},
};
use serde::{Deserialize, Serialize};

pub const PER_PAGE: u64 = 25;
/// No list pages further than this; a larger `?page=` would only make the offset overflow.
pub const MAX_PAGE: u64 = 10_000;

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    pub page: Option<u64>,
}

impl PageQuery {
    /// The 0-based index the database paginator wants.
    pub fn index(&self) -> u64 {
        self.page.unwrap_or(1).clamp(1, MAX_PAGE) - 1
    }
}

/// A public list counts its rows no further than this many pages past the one shown.
pub const PAGES_AHEAD: u64 = 10;

/// The pages of `query` up to [`PAGES_AHEAD`] pages past `index`, and whether there are more.
/// Counting a list of 100,000 ideas to the end read every one of them on every view; this reads
/// at most the rows of the pages it names.
pub async fn pages_ahead<E: EntityTrait>(
    db: &impl ConnectionTrait,
    query: &Select<E>,
    index: u64,
    per_page: u64,
) -> Result<(u64, bool), DbErr> {
    let counted = (index + PAGES_AHEAD + 1) * per_page;
    let mut rows = query.as_query().clone();
    rows.clear_selects()
        .clear_order_by()
        .expr(Expr::val(1))
        .limit(counted + 1);
    let count = Query::select()
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .from_subquery(rows, Alias::new("counted"))
        .to_owned();
    let n: i64 = match db.query_one(&count).await? {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    let n = n.max(0) as u64;
    Ok((n.min(counted).div_ceil(per_page), n > counted))
}

/// What the `partials/pagination` template shows.
#[derive(Debug, Serialize)]
pub struct PageView {
    pub current: u64,
    /// The last page counted; with `more`, there are pages after it.
    pub pages: u64,
    pub more: bool,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
}

impl PageView {
    /// `base` is the list's URL with its other query parameters, without `page`.
    pub fn new(index: u64, pages: u64, base: &str) -> Self {
        Self::counted(index, (pages, false), base)
    }

    /// For a list counted by [`pages_ahead`].
    pub fn counted(index: u64, (pages, more): (u64, bool), base: &str) -> Self {
        let link = |page: u64| {
            let sep = if base.contains('?') { '&' } else { '?' };
            format!("{base}{sep}page={page}")
        };
        let current = index + 1;
        Self {
            current,
            pages: pages.max(1),
            more,
            prev_href: (current > 1).then(|| link(current - 1)),
            next_href: (current < pages || more).then(|| link(current + 1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_filters_and_stop_at_the_ends() {
        let first = PageView::new(0, 3, "/manage/outbox?status=failed");
        assert_eq!(first.prev_href, None);
        assert_eq!(
            first.next_href.as_deref(),
            Some("/manage/outbox?status=failed&page=2")
        );
        let last = PageView::new(2, 3, "/manage/users");
        assert_eq!(last.prev_href.as_deref(), Some("/manage/users?page=2"));
        assert_eq!(last.next_href, None);
    }
}
