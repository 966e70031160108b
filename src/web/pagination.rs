//! Page numbers for every list: `?page=` (1-based) in, a page view with links out.

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

/// What the `partials/pagination` template shows.
#[derive(Debug, Serialize)]
pub struct PageView {
    pub current: u64,
    pub pages: u64,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
}

impl PageView {
    /// `base` is the list's URL with its other query parameters, without `page`.
    pub fn new(index: u64, pages: u64, base: &str) -> Self {
        let link = |page: u64| {
            let sep = if base.contains('?') { '&' } else { '?' };
            format!("{base}{sep}page={page}")
        };
        let current = index + 1;
        Self {
            current,
            pages: pages.max(1),
            prev_href: (current > 1).then(|| link(current - 1)),
            next_href: (current < pages).then(|| link(current + 1)),
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
