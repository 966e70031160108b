//! The moderation queue: its sections (marked by the pre-check, pending, flagged, objections),
//! their counts for the tabs and the staff start page, and the page `/manage/moderation` (whose
//! route is in `dashboard/moderation_queue.rs`, which adds the survey free texts' tab).

use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use entity::moderation_objections;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement,
};
use serde::Serialize;
use uuid::Uuid;

use crate::{
    db::placeholders,
    error::AppResult,
    moderation::{
        flags,
        forms::QueueQuery,
        model::{AUTO_HIDDEN, ObjectionStatus, Status},
        views::{FlagView, marks, reasons_view, suspicious},
    },
    web::{
        context::Ctx,
        pagination::{PER_PAGE, PageView},
    },
};

/// The queue's sections. A later section (free-text answers of surveys) plugs in beside these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    /// Published texts the pre-check marked that no moderator has looked at yet.
    Personal,
    Pending,
    Flagged,
    Objections,
}

impl Section {
    pub const ALL: [Section; 4] = [
        Section::Personal,
        Section::Pending,
        Section::Flagged,
        Section::Objections,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Section::Personal => "personal",
            Section::Pending => "pending",
            Section::Flagged => "flagged",
            Section::Objections => "objections",
        }
    }
    pub fn parse(s: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// One idea or comment in the queue, with its context.
#[derive(Clone, Debug, FromQueryResult)]
pub struct QueueItem {
    pub kind: String,
    pub id: Uuid,
    pub idea_id: Uuid,
    pub board_id: Uuid,
    pub board_title: String,
    pub idea_title: String,
    pub body: String,
    pub status: String,
    pub open_flags: i32,
    pub precheck: String,
    pub created_at: DateTime<Utc>,
}

fn scope_sql(scope: Option<&[Uuid]>, alias: &str, next: usize) -> (String, Vec<sea_orm::Value>) {
    match scope {
        None => (String::new(), Vec::new()),
        Some([]) => (" AND 1 = 0".into(), Vec::new()),
        Some(ids) => {
            let marks: Vec<String> = (0..ids.len()).map(|i| format!("${}", next + i)).collect();
            (
                format!(" AND {alias}.municipality_id IN ({})", marks.join(", ")),
                ids.iter().map(|id| (*id).into()).collect(),
            )
        }
    }
}

fn section_condition(section: Section, alias: &str) -> String {
    let (pending, published, hidden) = (
        Status::Pending.as_str(),
        Status::Published.as_str(),
        Status::Hidden.as_str(),
    );
    match section {
        Section::Pending => format!("{alias}.status = '{pending}'"),
        Section::Personal => format!(
            "{alias}.status = '{published}' AND {alias}.precheck <> '' AND {alias}.reviewed_at IS NULL"
        ),
        _ => format!(
            "({alias}.open_flags > 0 OR ({alias}.status = '{hidden}' AND {alias}.hidden_reason = '{AUTO_HIDDEN}'))"
        ),
    }
}

fn queue_sql(section: Section, scope: Option<&[Uuid]>) -> (String, Vec<sea_orm::Value>) {
    let (scope_i, mut values) = scope_sql(scope, "i", 1);
    let (scope_c, more) = scope_sql(scope, "c", 1 + values.len());
    values.extend(more);
    let sql = format!(
        "SELECT 'idea' AS kind, i.id AS id, i.id AS idea_id, b.id AS board_id, b.title AS board_title, \
           i.municipality_id AS municipality_id, i.title AS idea_title, i.body AS body, i.status AS status, i.open_flags AS open_flags, \
           i.precheck AS precheck, i.created_at AS created_at \
         FROM ideas i JOIN idea_boards b ON b.id = i.board_id \
         WHERE {cond_i}{scope_i} \
         UNION ALL \
         SELECT 'comment' AS kind, c.id AS id, i.id AS idea_id, b.id AS board_id, b.title AS board_title, \
           c.municipality_id AS municipality_id, i.title AS idea_title, c.body AS body, c.status AS status, c.open_flags AS open_flags, \
           c.precheck AS precheck, c.created_at AS created_at \
         FROM idea_comments c JOIN ideas i ON i.id = c.idea_id JOIN idea_boards b ON b.id = i.board_id \
         WHERE {cond_c}{scope_c}",
        cond_i = section_condition(section, "i"),
        cond_c = section_condition(section, "c"),
    );
    (sql, values)
}

/// One page of a section: texts the pre-check marked first, then oldest first.
pub async fn queue_page(
    db: &impl ConnectionTrait,
    section: Section,
    scope: Option<&[Uuid]>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<QueueItem>, u64), DbErr> {
    let backend = db.get_database_backend();
    let (inner, values) = queue_sql(section, scope);
    let total = count_sql(db, &inner, values.clone()).await?;
    let sql = format!(
        "SELECT * FROM ({inner}) q \
         ORDER BY CASE WHEN q.precheck = '' THEN 1 ELSE 0 END, q.created_at, q.id \
         LIMIT {per_page} OFFSET {}",
        page * per_page
    );
    let rows = QueueItem::find_by_statement(Statement::from_sql_and_values(
        backend,
        placeholders(backend, &sql),
        values,
    ))
    .all(db)
    .await?;
    Ok((rows, total.div_ceil(per_page.max(1))))
}

async fn count_sql(
    db: &impl ConnectionTrait,
    inner: &str,
    values: Vec<sea_orm::Value>,
) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            placeholders(backend, &format!("SELECT COUNT(*) AS n FROM ({inner}) q")),
            values,
        ))
        .await?;
    Ok(row
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0) as u64)
}

/// How many items each section holds, for the tabs.
pub async fn section_counts(
    db: &impl ConnectionTrait,
    scope: Option<&[Uuid]>,
) -> Result<Vec<(Section, u64)>, DbErr> {
    let mut out = Vec::new();
    for section in [Section::Personal, Section::Pending, Section::Flagged] {
        let (inner, values) = queue_sql(section, scope);
        out.push((section, count_sql(db, &inner, values).await?));
    }
    let mut objections = moderation_objections::Entity::find()
        .filter(moderation_objections::Column::Status.eq(ObjectionStatus::Open.as_str()));
    if let Some(ids) = scope {
        objections = objections
            .filter(moderation_objections::Column::MunicipalityId.is_in(ids.iter().copied()));
    }
    out.push((Section::Objections, objections.count(db).await?));
    Ok(out)
}

/// How many items each section holds per municipality, for the staff start page: one grouped
/// query per section. Municipalities without any are left out.
pub async fn section_counts_per_municipality(
    db: &impl ConnectionTrait,
    scope: Option<&[Uuid]>,
) -> Result<Vec<(Uuid, Section, u64)>, DbErr> {
    let backend = db.get_database_backend();
    let mut out = Vec::new();
    for section in [Section::Personal, Section::Pending, Section::Flagged] {
        let (inner, values) = queue_sql(section, scope);
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                placeholders(
                    backend,
                    &format!(
                        "SELECT q.municipality_id AS municipality_id, COUNT(*) AS n \
                         FROM ({inner}) q GROUP BY q.municipality_id"
                    ),
                ),
                values,
            ))
            .await?;
        for row in rows {
            let id: Uuid = row.try_get("", "municipality_id")?;
            let n: i64 = row.try_get("", "n")?;
            out.push((id, section, n.max(0) as u64));
        }
    }
    let mut objections = moderation_objections::Entity::find()
        .select_only()
        .column(moderation_objections::Column::MunicipalityId)
        .column_as(moderation_objections::Column::Id.count(), "n")
        .filter(moderation_objections::Column::Status.eq(ObjectionStatus::Open.as_str()));
    if let Some(ids) = scope {
        objections = objections
            .filter(moderation_objections::Column::MunicipalityId.is_in(ids.iter().copied()));
    }
    let rows: Vec<(Uuid, i64)> = objections
        .group_by(moderation_objections::Column::MunicipalityId)
        .into_tuple()
        .all(db)
        .await?;
    out.extend(
        rows.into_iter()
            .map(|(id, n)| (id, Section::Objections, n.max(0) as u64)),
    );
    Ok(out)
}

/// One page of open objections, oldest first.
pub async fn objections_page(
    db: &impl ConnectionTrait,
    scope: Option<&[Uuid]>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<moderation_objections::Model>, u64), DbErr> {
    let mut query = moderation_objections::Entity::find()
        .filter(moderation_objections::Column::Status.eq(ObjectionStatus::Open.as_str()));
    if let Some(ids) = scope {
        query =
            query.filter(moderation_objections::Column::MunicipalityId.is_in(ids.iter().copied()));
    }
    let paginator = query
        .order_by_asc(moderation_objections::Column::CreatedAt)
        .order_by_asc(moderation_objections::Column::Id)
        .paginate(db, per_page);
    let pages = paginator.num_pages().await?;
    Ok((paginator.fetch_page(page).await?, pages))
}

/// What an objection is about, for the queue.
#[derive(Clone, Debug, FromQueryResult)]
pub struct ObjectedItem {
    pub id: Uuid,
    pub kind: String,
    pub idea_title: String,
    pub hidden_reason: Option<String>,
}

/// The items the objections of one page are about, in one query.
pub async fn objected_items(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<Vec<ObjectedItem>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let list = marks.join(", ");
    let sql = format!(
        "SELECT i.id AS id, 'idea' AS kind, i.title AS idea_title, i.hidden_reason AS hidden_reason \
           FROM ideas i WHERE i.id IN ({list}) \
         UNION ALL \
         SELECT c.id AS id, 'comment' AS kind, i.title AS idea_title, c.hidden_reason AS hidden_reason \
           FROM idea_comments c JOIN ideas i ON i.id = c.idea_id WHERE c.id IN ({list})"
    );
    ObjectedItem::find_by_statement(Statement::from_sql_and_values(
        backend,
        placeholders(backend, &sql),
        ids.iter()
            .map(|id| (*id).into())
            .collect::<Vec<sea_orm::Value>>(),
    ))
    .all(db)
    .await
}

#[derive(Serialize)]
struct QueueView {
    tabs: Vec<Tab>,
    section_label: String,
    is_objections: bool,
    items: Vec<ItemRow>,
    objections: Vec<ObjectionRow>,
    pagination: PageView,
}

#[derive(Serialize)]
struct Tab {
    href: String,
    label: String,
    count: u64,
    current: bool,
}

#[derive(Serialize)]
struct ItemRow {
    href: String,
    kind_label: String,
    board: String,
    idea_title: String,
    body: String,
    status_label: String,
    marks: Vec<String>,
    flags: Vec<FlagView>,
    suspicious: bool,
    created_at: String,
}

#[derive(Serialize)]
struct ObjectionRow {
    kind_label: String,
    idea_title: String,
    reason: String,
    text: String,
    created_at: String,
    item_href: String,
    resolve_action: String,
}

/// `/manage/moderation`: one section at a time, with the count of each in the tabs. Survey free
/// texts wait for release in their own queue, which is one more tab here: the page above both
/// slices (`dashboard/moderation_queue.rs`) counts them for the moderator's `scope`.
pub async fn render_queue(
    ctx: &Ctx,
    query: &QueueQuery,
    scope: Option<&[Uuid]>,
    free_texts: u64,
) -> AppResult<HttpResponse> {
    let db = &ctx.state.db;
    let section = Section::parse(&query.section).unwrap_or(Section::Pending);
    let index = crate::web::pagination::PageQuery { page: query.page }.index();
    let counts = section_counts(db, scope).await?;
    let mut tabs: Vec<Tab> = counts
        .iter()
        .map(|(s, n)| Tab {
            href: format!("/manage/moderation?section={}", s.as_str()),
            label: ctx.t(&format!("moderation-section-{}", s.as_str())),
            count: *n,
            current: *s == section,
        })
        .collect();
    tabs.push(Tab {
        href: "/manage/free-text".into(),
        label: ctx.t("survey-free-text-title"),
        count: free_texts,
        current: false,
    });
    let base = format!("/manage/moderation?section={}", section.as_str());
    let (items, objections, pages) = if section == Section::Objections {
        let (rows, pages) = objection_rows(ctx, scope, index).await?;
        (Vec::new(), rows, pages)
    } else {
        let (rows, pages) = item_rows(ctx, section, scope, index).await?;
        (rows, Vec::new(), pages)
    };
    let view = QueueView {
        tabs,
        section_label: ctx.t(&format!("moderation-section-{}", section.as_str())),
        is_objections: section == Section::Objections,
        items,
        objections,
        pagination: PageView::new(index, pages, &base),
    };
    ctx.render("moderation/queue", "moderation-title", view)
}

/// One page of open objections with what each is about, and the number of pages.
async fn objection_rows(
    ctx: &Ctx,
    scope: Option<&[Uuid]>,
    index: u64,
) -> AppResult<(Vec<ObjectionRow>, u64)> {
    let db = &ctx.state.db;
    let (list, pages) = objections_page(db, scope, index, PER_PAGE).await?;
    let ids: Vec<Uuid> = list.iter().map(|o| o.target_id).collect();
    let items = objected_items(db, &ids).await?;
    let rows = list
        .iter()
        .map(|o| {
            let item = items.iter().find(|i| i.id == o.target_id);
            ObjectionRow {
                kind_label: item
                    .map(|i| ctx.t(&format!("moderation-kind-{}", i.kind)))
                    .unwrap_or_default(),
                idea_title: item.map(|i| i.idea_title.clone()).unwrap_or_default(),
                reason: item
                    .and_then(|i| i.hidden_reason.as_deref())
                    .map(|r| ctx.t(&format!("moderation-reason-{r}")))
                    .unwrap_or_default(),
                text: o.text.clone(),
                created_at: o.created_at.to_rfc3339(),
                item_href: format!("/manage/moderation/{}", o.target_id),
                resolve_action: format!("/manage/moderation/objections/{}/resolve", o.id),
            }
        })
        .collect();
    Ok((rows, pages))
}

/// One page of a section's ideas and comments with their open flags, and the number of pages.
async fn item_rows(
    ctx: &Ctx,
    section: Section,
    scope: Option<&[Uuid]>,
    index: u64,
) -> AppResult<(Vec<ItemRow>, u64)> {
    let db = &ctx.state.db;
    let (list, pages) = queue_page(db, section, scope, index, PER_PAGE).await?;
    let ids: Vec<Uuid> = list.iter().map(|i| i.id).collect();
    let flags = flags::open_flags_of(db, &ids).await?;
    let rows = list
        .iter()
        .map(|i| ItemRow {
            href: format!("/manage/moderation/{}", i.id),
            kind_label: ctx.t(&format!("moderation-kind-{}", i.kind)),
            board: i.board_title.clone(),
            idea_title: i.idea_title.clone(),
            body: excerpt(&i.body),
            status_label: ctx.t(&format!("idea-state-{}", i.status)),
            marks: marks(ctx, &i.precheck),
            flags: reasons_view(ctx, &flags, i.id),
            suspicious: suspicious(&flags, i.id),
            created_at: i.created_at.to_rfc3339(),
        })
        .collect();
    Ok((rows, pages))
}

fn excerpt(text: &str) -> String {
    if text.chars().count() <= 300 {
        return text.to_string();
    }
    let cut: String = text.chars().take(300).collect();
    format!("{cut}…")
}
