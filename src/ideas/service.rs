//! Use cases of the ideas slice.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{idea_boards, idea_categories, idea_comments, idea_supports, ideas, rounds, users};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    JoinType, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, Statement,
    sea_query::{Expr, OnConflict},
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    audit::service::{self as audit, Entry},
    db::placeholders,
    error::AppError,
    identity::CurrentUser,
    moderation::model as moderation,
    notifications::service::{self as notifications, Email},
    secrets::Keys,
    state::AppState,
    web::{
        i18n::{self, Lang},
        signed_link,
    },
};

pub const UNCONFIRMED: &str = "unconfirmed";
pub const WITHDRAWN: &str = "withdrawn";
/// How long a visitor's idea waits for the confirmation of the address before it is deleted.
pub const UNCONFIRMED_TTL: chrono::Duration = chrono::Duration::days(7);

/// The official statuses an idea goes through, in order.
pub const OFFICIAL: [&str; 6] = [
    "new",
    "review",
    "adopted",
    "partly",
    "rejected",
    "implemented",
];
/// Statuses that say the idea went into the strategy.
pub const ADOPTED: [&str; 3] = ["adopted", "partly", "implemented"];

// ---- boards ----

pub struct BoardInput {
    pub round_id: Uuid,
    pub title: String,
    pub question: String,
    pub premoderated: bool,
    pub closed: bool,
    pub extra_categories: Vec<String>,
    pub districts: Vec<String>,
}

pub async fn find_board(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<idea_boards::Model>, DbErr> {
    idea_boards::Entity::find_by_id(id).one(db).await
}

/// A board with its round, if residents may see it (its round is not a draft).
pub async fn find_public_board(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<(idea_boards::Model, rounds::Model)>, DbErr> {
    let Some(board) = find_board(db, id).await? else {
        return Ok(None);
    };
    let round = crate::rounds::model::find(db, board.round_id).await?;
    Ok(round
        .filter(|r| crate::rounds::model::Status::PUBLIC.contains(&r.status.as_str()))
        .map(|r| (board, r)))
}

/// Residents can post while the round is open and the board was not closed early.
pub fn is_open(board: &idea_boards::Model, round: &rounds::Model) -> bool {
    round.status == "open" && board.closed_at.is_none()
}

/// The boards of a round, for its page.
pub async fn boards_of_round(
    db: &impl ConnectionTrait,
    round_id: Uuid,
) -> Result<Vec<idea_boards::Model>, DbErr> {
    idea_boards::Entity::find()
        .filter(idea_boards::Column::RoundId.eq(round_id))
        .order_by_asc(idea_boards::Column::CreatedAt)
        .all(db)
        .await
}

/// The boards staff manage (`None`: all, for admins), newest first.
pub async fn managed_boards(
    db: &impl ConnectionTrait,
    scope: Option<&[Uuid]>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<idea_boards::Model>, u64), DbErr> {
    let mut query = idea_boards::Entity::find();
    if let Some(ids) = scope {
        query = query.filter(idea_boards::Column::MunicipalityId.is_in(ids.iter().copied()));
    }
    let paginator = query
        .order_by_desc(idea_boards::Column::CreatedAt)
        .order_by_desc(idea_boards::Column::Id)
        .paginate(db, per_page);
    let pages = paginator.num_pages().await?;
    Ok((paginator.fetch_page(page).await?, pages))
}

pub async fn categories(
    db: &impl ConnectionTrait,
    board_id: Uuid,
) -> Result<Vec<idea_categories::Model>, DbErr> {
    idea_categories::Entity::find()
        .filter(idea_categories::Column::BoardId.eq(board_id))
        .order_by_asc(idea_categories::Column::Position)
        .all(db)
        .await
}

pub fn districts(board: &idea_boards::Model) -> Vec<String> {
    board
        .districts
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Creates a board whose categories are the round's goals plus the extra ones.
pub async fn create_board(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    round: &rounds::Model,
    input: &BoardInput,
    now: DateTime<Utc>,
) -> Result<idea_boards::Model, DbErr> {
    let board = idea_boards::ActiveModel {
        id: Set(Uuid::now_v7()),
        round_id: Set(round.id),
        municipality_id: Set(round.municipality_id),
        title: Set(input.title.clone()),
        question: Set(input.question.clone()),
        premoderated: Set(input.premoderated),
        districts: Set(input.districts.join("\n")),
        closed_at: Set(input.closed.then_some(now)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    let goal_ids = crate::rounds::model::goal_ids(db, round.id).await?;
    let goals = crate::strategy::picker::goals_by_ids(db, &goal_ids).await?;
    let mut position = 0;
    for goal in &goals {
        add_category(db, board.id, Some(goal.id), &goal.title, position).await?;
        position += 1;
    }
    for name in &input.extra_categories {
        add_category(db, board.id, None, name, position).await?;
        position += 1;
    }
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(user.id),
            municipality_id: Some(board.municipality_id),
            action: "board.create",
            target_type: "idea_board",
            target_id: Some(board.id.to_string()),
            summary: json!({ "title": board.title, "round": round.id, "premoderated": board.premoderated }),
        },
    )
    .await?;
    Ok(board)
}

async fn add_category(
    db: &impl ConnectionTrait,
    board_id: Uuid,
    goal_id: Option<Uuid>,
    name: &str,
    position: i32,
) -> Result<(), DbErr> {
    idea_categories::ActiveModel {
        id: Set(Uuid::now_v7()),
        board_id: Set(board_id),
        goal_id: Set(goal_id),
        name: Set(name.to_string()),
        position: Set(position),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Changes a board; extra categories not there yet are added (categories with ideas stay).
pub async fn update_board(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    board: &idea_boards::Model,
    input: &BoardInput,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let closed_at = match (input.closed, board.closed_at) {
        (true, Some(at)) => Some(at),
        (true, None) => Some(now),
        (false, _) => None,
    };
    idea_boards::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(board.id),
        title: Set(input.title.clone()),
        question: Set(input.question.clone()),
        premoderated: Set(input.premoderated),
        districts: Set(input.districts.join("\n")),
        closed_at: Set(closed_at),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await?;
    let existing = categories(db, board.id).await?;
    let mut position = existing.len() as i32;
    for name in &input.extra_categories {
        if !existing.iter().any(|c| c.name.eq_ignore_ascii_case(name)) {
            add_category(db, board.id, None, name, position).await?;
            position += 1;
        }
    }
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(user.id),
            municipality_id: Some(board.municipality_id),
            action: "board.update",
            target_type: "idea_board",
            target_id: Some(board.id.to_string()),
            summary: json!({
                "before": { "title": board.title, "premoderated": board.premoderated, "closed": board.closed_at.is_some() },
                "after": { "title": input.title, "premoderated": input.premoderated, "closed": input.closed },
            }),
        },
    )
    .await?;
    Ok(())
}

// ---- ideas ----

pub struct IdeaInput {
    pub title: String,
    pub body: String,
    pub category_id: Uuid,
    pub district: Option<String>,
    pub author_name: Option<String>,
    pub notify: bool,
}

/// Who posts: a signed-in person, or a visitor who confirms an address.
pub enum Author<'a> {
    User(&'a CurrentUser),
    Visitor {
        email: &'a str,
        lang: Lang,
    },
    /// A visitor who follows the idea by its receipt code only: nothing about them is stored,
    /// and the idea always waits for a moderator, whatever the board's mode.
    CodeOnly {
        lang: Lang,
    },
}

/// Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L).
pub fn new_receipt_code() -> String {
    const ALPHABET: &[u8; 31] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes)
        .unwrap_or_else(|e| panic!("the operating system has no randomness: {e}"));
    bytes
        .iter()
        .map(|b| ALPHABET[(*b % 31) as usize] as char)
        .collect()
}

/// How people type a receipt code: any case, with spaces or dashes.
pub fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Stores a new idea and sends its mail: the receipt to a signed-in author, or the confirmation
/// link to a visitor. Call inside a write transaction.
pub async fn post_idea(
    db: &impl ConnectionTrait,
    state: &AppState,
    board: &idea_boards::Model,
    author: Author<'_>,
    input: &IdeaInput,
    now: DateTime<Utc>,
) -> Result<ideas::Model, AppError> {
    let status = match &author {
        Author::Visitor { .. } => UNCONFIRMED,
        Author::CodeOnly { .. } => moderation::PENDING,
        Author::User(_) if board.premoderated => moderation::PENDING,
        Author::User(_) => moderation::PUBLISHED,
    };
    let (author_id, author_email, lang) = match &author {
        Author::User(u) => (Some(u.id), None, u.language),
        Author::Visitor { email, lang } => (None, Some(email.to_string()), *lang),
        Author::CodeOnly { lang } => (None, None, *lang),
    };
    let mut code = new_receipt_code();
    while ideas::Entity::find()
        .filter(ideas::Column::ReceiptCode.eq(code.as_str()))
        .count(db)
        .await?
        > 0
    {
        code = new_receipt_code();
    }
    let idea = ideas::ActiveModel {
        id: Set(Uuid::now_v7()),
        board_id: Set(board.id),
        municipality_id: Set(board.municipality_id),
        category_id: Set(input.category_id),
        district: Set(input.district.clone()),
        title: Set(input.title.clone()),
        body: Set(input.body.clone()),
        author_id: Set(author_id),
        author_email: Set(author_email.clone()),
        author_name: Set(input.author_name.clone()),
        language: Set(lang.code().to_string()),
        notify: Set(input.notify),
        status: Set(status.to_string()),
        listed: Set(status == moderation::PUBLISHED),
        hidden_reason: Set(None),
        hidden_note: Set(None),
        open_flags: Set(0),
        precheck: Set(crate::moderation::precheck::precheck(&format!(
            "{}\n{}",
            input.title, input.body
        ))),
        support_count: Set(0),
        comment_count: Set(0),
        official_status: Set("new".into()),
        official_answer: Set(None),
        official_goal_id: Set(None),
        official_measure_id: Set(None),
        answered_at: Set(None),
        receipt_code: Set(code.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        published_at: Set((status == moderation::PUBLISHED).then_some(now)),
        version: Set(0),
        reviewed_at: Set(None),
        code_only: Set(matches!(author, Author::CodeOnly { .. })),
    }
    .insert(db)
    .await?;
    let idea_url = state
        .settings
        .absolute_url(&format!("/ideas/{}/{}", board.id, idea.id));
    let receipt_url = state
        .settings
        .absolute_url(&format!("/receipt?code={code}"));
    let (to, kind, data) = match &author {
        // Nobody to write to: the code on the confirmation page is all the author has.
        Author::CodeOnly { .. } => return Ok(idea),
        Author::User(u) => (
            u.email.clone(),
            "idea_received",
            json!({ "title": idea.title, "code": code, "url": idea_url, "receipt_url": receipt_url,
                    "premoderated": status == moderation::PENDING,
                    "edit_url": state.settings.absolute_url(&link_path(&state.keys, EDIT, idea.id, now)) }),
        ),
        Author::Visitor { email, .. } => (
            email.to_string(),
            "idea_confirm",
            json!({
                "title": idea.title, "code": code, "receipt_url": receipt_url,
                "confirm_url": state.settings.absolute_url(&link_path(&state.keys, CONFIRM, idea.id, now)),
                "withdraw_url": state.settings.absolute_url(&link_path(&state.keys, WITHDRAW, idea.id, now)),
                "edit_url": state.settings.absolute_url(&link_path(&state.keys, EDIT, idea.id, now)),
            }),
        ),
    };
    notifications::enqueue(
        db,
        state,
        Email {
            to: &to,
            lang,
            kind,
            data,
        },
    )
    .await?;
    Ok(idea)
}

pub const CONFIRM: &str = "confirm";
pub const WITHDRAW: &str = "withdraw";
pub const EDIT: &str = "edit";

/// The path of a mailed link to act on idea `id` (`purpose`: confirm, withdraw or edit). It
/// works for `signed_link::LIFETIME_DAYS` from `now`; then its owner can ask for a new one.
pub fn link_path(keys: &Keys, purpose: &str, id: Uuid, now: DateTime<Utc>) -> String {
    let id = id.to_string();
    format!(
        "/idea-links/{id}/{purpose}/{}",
        signed_link::sign(keys, &["idea-link", purpose, &id], now)
    )
}

/// What the signature of a mailed link to idea `id` is worth at `now`.
pub fn link_check(
    keys: &Keys,
    purpose: &str,
    id: Uuid,
    given: &str,
    now: DateTime<Utc>,
) -> signed_link::Check {
    signed_link::check(keys, &["idea-link", purpose, &id.to_string()], given, now)
}

/// The visitor confirmed the address: the idea goes to moderation or straight online.
pub async fn confirm_idea(
    db: &impl ConnectionTrait,
    idea: &ideas::Model,
    board: &idea_boards::Model,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let publish = !board.premoderated;
    let next = if publish {
        moderation::PUBLISHED
    } else {
        moderation::PENDING
    };
    let mut update = ideas::Entity::update_many()
        .col_expr(ideas::Column::Status, Expr::value(next))
        .col_expr(ideas::Column::Listed, Expr::value(publish))
        .col_expr(ideas::Column::UpdatedAt, Expr::value(now));
    if publish {
        update = update.col_expr(ideas::Column::PublishedAt, Expr::value(now));
    }
    let done = update
        .filter(ideas::Column::Id.eq(idea.id))
        .filter(ideas::Column::Status.eq(UNCONFIRMED))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// The author takes the idea back: it leaves the board, and what it said, the shown name, the
/// district and a visitor's address are deleted. A tombstone (status, dates, receipt code) stays
/// so the receipt can say "withdrawn". Open flags on it and its comments are closed.
pub async fn withdraw(
    db: &impl ConnectionTrait,
    idea: &ideas::Model,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let backend = db.get_database_backend();
    let done = db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(
                backend,
                "UPDATE ideas SET status = 'withdrawn', listed = FALSE, author_email = NULL, \
                   notify = FALSE, title = '', body = '', author_name = NULL, district = NULL, \
                   precheck = '', open_flags = 0, version = version + 1, updated_at = $1 \
                 WHERE id = $2 AND status <> 'withdrawn'",
            ),
            [now.into(), idea.id.into()],
        ))
        .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    crate::moderation::decide::close_for_withdrawn(db, idea.id, now).await?;
    Ok(true)
}

/// Deletes visitors' ideas whose address was never confirmed, with the address, after
/// `UNCONFIRMED_TTL` (housekeeping; several workers may run it at once).
pub async fn purge_unconfirmed(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(ideas::Entity::delete_many()
        .filter(ideas::Column::Status.eq(UNCONFIRMED))
        .filter(ideas::Column::CreatedAt.lte(now - UNCONFIRMED_TTL))
        .exec(db)
        .await?
        .rows_affected)
}

/// Changes an idea, but only while nobody has supported or commented on it (decided in the same
/// statement, so a support arriving at the same moment cannot slip through). On a pre-moderated
/// board a published idea goes back to the moderators, in the same statement; the new version
/// number makes moderators' decisions on the old text fail.
pub async fn edit_idea(
    db: &impl ConnectionTrait,
    board: &idea_boards::Model,
    idea: &ideas::Model,
    input: &IdeaInput,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let backend = db.get_database_backend();
    let precheck =
        crate::moderation::precheck::precheck(&format!("{}\n{}", input.title, input.body));
    let done = db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(
                backend,
                "UPDATE ideas SET title = $1, body = $2, category_id = $3, district = $4, \
                   author_name = $5, precheck = $6, updated_at = $7, version = version + 1, \
                   reviewed_at = NULL, \
                   status = CASE WHEN $9 AND status = 'published' THEN 'pending' ELSE status END, \
                   listed = CASE WHEN $9 AND status = 'published' THEN FALSE ELSE listed END \
                 WHERE id = $8 AND support_count = 0 AND status IN ('unconfirmed', 'pending', 'published') \
                   AND NOT EXISTS (SELECT 1 FROM idea_comments c WHERE c.idea_id = $8)",
            ),
            [
                input.title.clone().into(),
                input.body.clone().into(),
                input.category_id.into(),
                input.district.clone().into(),
                input.author_name.clone().into(),
                precheck.into(),
                now.into(),
                idea.id.into(),
                board.premoderated.into(),
            ],
        ))
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether the idea can still be edited (the page shows or hides the edit link).
pub async fn editable(db: &impl ConnectionTrait, idea: &ideas::Model) -> Result<bool, DbErr> {
    Ok(idea.support_count == 0
        && matches!(
            idea.status.as_str(),
            UNCONFIRMED | moderation::PENDING | moderation::PUBLISHED
        )
        && idea_comments::Entity::find()
            .filter(idea_comments::Column::IdeaId.eq(idea.id))
            .count(db)
            .await?
            == 0)
}

pub async fn find_idea(
    db: &impl ConnectionTrait,
    board_id: Uuid,
    id: Uuid,
) -> Result<Option<ideas::Model>, DbErr> {
    ideas::Entity::find_by_id(id)
        .filter(ideas::Column::BoardId.eq(board_id))
        .one(db)
        .await
}

pub async fn find_idea_by_id(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<ideas::Model>, DbErr> {
    ideas::Entity::find_by_id(id).one(db).await
}

pub async fn find_by_receipt(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<ideas::Model>, DbErr> {
    ideas::Entity::find()
        .filter(ideas::Column::ReceiptCode.eq(code))
        .one(db)
        .await
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
    pub official_status: Option<String>,
}

/// One page of a board's list: published ideas, and hidden ones (shown as a placeholder).
pub async fn board_page(
    db: &impl ConnectionTrait,
    board_id: Uuid,
    filter: &ListFilter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<ideas::Model>, u64), DbErr> {
    // A category belongs to one board (the handler checks it), so filtering by the category
    // alone lets the database use the category's own index for both the page and the count.
    let mut query = match filter.category_id {
        Some(c) => ideas::Entity::find().filter(ideas::Column::CategoryId.eq(c)),
        None => ideas::Entity::find().filter(ideas::Column::BoardId.eq(board_id)),
    }
    .filter(ideas::Column::Listed.eq(true));
    if let Some(s) = &filter.official_status {
        query = query.filter(ideas::Column::OfficialStatus.eq(s.as_str()));
    }
    query = match filter.sort {
        Sort::Newest => query.order_by_desc(ideas::Column::CreatedAt),
        Sort::Supported => query.order_by_desc(ideas::Column::SupportCount),
        Sort::Discussed => query.order_by_desc(ideas::Column::CommentCount),
    };
    let paginator = query
        .order_by_desc(ideas::Column::Id)
        .paginate(db, per_page);
    let pages = paginator.num_pages().await?;
    Ok((paginator.fetch_page(page).await?, pages))
}

// ---- supports ----

#[derive(Debug, PartialEq, Eq)]
pub enum SupportOutcome {
    Added,
    Removed,
    Unchanged,
}

/// Adds or removes one person's support. The unique (idea, person) key and the counter update in
/// the same transaction keep the count equal to the rows, however many people click at once.
pub async fn set_support(
    db: &impl ConnectionTrait,
    idea: &ideas::Model,
    user_id: Uuid,
    on: bool,
    notify: bool,
    now: DateTime<Utc>,
) -> Result<SupportOutcome, DbErr> {
    let backend = db.get_database_backend();
    if on {
        let inserted = idea_supports::Entity::insert(idea_supports::ActiveModel {
            idea_id: Set(idea.id),
            user_id: Set(user_id),
            notify: Set(notify),
            created_at: Set(now),
        })
        .on_conflict(
            OnConflict::columns([idea_supports::Column::IdeaId, idea_supports::Column::UserId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
        if inserted == 0 {
            return Ok(SupportOutcome::Unchanged);
        }
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(
                backend,
                "UPDATE ideas SET support_count = support_count + 1 WHERE id = $1",
            ),
            [idea.id.into()],
        ))
        .await?;
        Ok(SupportOutcome::Added)
    } else {
        let deleted = idea_supports::Entity::delete_many()
            .filter(idea_supports::Column::IdeaId.eq(idea.id))
            .filter(idea_supports::Column::UserId.eq(user_id))
            .exec(db)
            .await?;
        if deleted.rows_affected == 0 {
            return Ok(SupportOutcome::Unchanged);
        }
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(
                backend,
                "UPDATE ideas SET support_count = support_count - 1 WHERE id = $1",
            ),
            [idea.id.into()],
        ))
        .await?;
        Ok(SupportOutcome::Removed)
    }
}

pub async fn supports(
    db: &impl ConnectionTrait,
    idea_id: Uuid,
    user_id: Uuid,
) -> Result<bool, DbErr> {
    Ok(idea_supports::Entity::find_by_id((idea_id, user_id))
        .one(db)
        .await?
        .is_some())
}

pub async fn support_rows(db: &impl ConnectionTrait, idea_id: Uuid) -> Result<u64, DbErr> {
    idea_supports::Entity::find()
        .filter(idea_supports::Column::IdeaId.eq(idea_id))
        .count(db)
        .await
}

// ---- comments ----

pub struct CommentInput {
    pub body: String,
    pub parent_id: Option<Uuid>,
    pub author_name: Option<String>,
}

/// Adds a comment (or a reply to a top-level comment); it waits for a moderator on a
/// pre-moderated board.
pub async fn add_comment(
    db: &impl ConnectionTrait,
    board: &idea_boards::Model,
    idea: &ideas::Model,
    user: &CurrentUser,
    input: &CommentInput,
    now: DateTime<Utc>,
) -> Result<idea_comments::Model, DbErr> {
    let status = if board.premoderated {
        moderation::PENDING
    } else {
        moderation::PUBLISHED
    };
    let comment = idea_comments::ActiveModel {
        id: Set(Uuid::now_v7()),
        idea_id: Set(idea.id),
        parent_id: Set(input.parent_id),
        municipality_id: Set(idea.municipality_id),
        author_id: Set(Some(user.id)),
        author_name: Set(input.author_name.clone()),
        body: Set(input.body.clone()),
        status: Set(status.to_string()),
        hidden_reason: Set(None),
        hidden_note: Set(None),
        open_flags: Set(0),
        precheck: Set(crate::moderation::precheck::precheck(&input.body)),
        created_at: Set(now),
        version: Set(0),
        reviewed_at: Set(None),
    }
    .insert(db)
    .await?;
    if status == moderation::PUBLISHED {
        let backend = db.get_database_backend();
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(
                backend,
                "UPDATE ideas SET comment_count = comment_count + 1 WHERE id = $1",
            ),
            [idea.id.into()],
        ))
        .await?;
    }
    Ok(comment)
}

/// A top-level comment of `idea` that replies may hang under.
pub async fn find_top_comment(
    db: &impl ConnectionTrait,
    idea_id: Uuid,
    id: Uuid,
) -> Result<Option<idea_comments::Model>, DbErr> {
    idea_comments::Entity::find_by_id(id)
        .filter(idea_comments::Column::IdeaId.eq(idea_id))
        .filter(idea_comments::Column::ParentId.is_null())
        .one(db)
        .await
}

/// One page of the comment threads under an idea: top-level comments (published, hidden ones as
/// placeholders, and the viewer's own pending ones), oldest first, and in one more query the
/// replies to exactly those. Returns the top-level comments, their replies and the page count.
pub async fn comment_threads(
    db: &impl ConnectionTrait,
    idea_id: Uuid,
    viewer: Option<Uuid>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<idea_comments::Model>, Vec<idea_comments::Model>, u64), DbErr> {
    let visible = || {
        let mut visible = Condition::any()
            .add(idea_comments::Column::Status.is_in([moderation::PUBLISHED, moderation::HIDDEN]));
        if let Some(viewer) = viewer {
            visible = visible.add(idea_comments::Column::AuthorId.eq(viewer));
        }
        visible
    };
    let paginator = idea_comments::Entity::find()
        .filter(idea_comments::Column::IdeaId.eq(idea_id))
        .filter(idea_comments::Column::ParentId.is_null())
        .filter(visible())
        .order_by_asc(idea_comments::Column::CreatedAt)
        .order_by_asc(idea_comments::Column::Id)
        .paginate(db, per_page);
    let pages = paginator.num_pages().await?;
    let top = paginator.fetch_page(page).await?;
    let replies = if top.is_empty() {
        Vec::new()
    } else {
        idea_comments::Entity::find()
            .filter(idea_comments::Column::ParentId.is_in(top.iter().map(|c| c.id)))
            .filter(visible())
            .order_by_asc(idea_comments::Column::CreatedAt)
            .order_by_asc(idea_comments::Column::Id)
            .all(db)
            .await?
    };
    Ok((top, replies, pages))
}

// ---- official answers ----

pub struct AnswerInput {
    pub status: String,
    pub answer: String,
    pub goal_id: Option<Uuid>,
    pub measure_id: Option<Uuid>,
}

/// Sets the official status and answer, and tells the author and the supporters who asked for
/// it, in the same transaction. Decided on the idea as it is in this transaction; mail goes out
/// only when the status or the answer text changed, not on every save.
pub async fn answer(
    db: &impl ConnectionTrait,
    state: &AppState,
    user: &CurrentUser,
    idea_id: Uuid,
    input: &AnswerInput,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(idea) = find_idea_by_id(db, idea_id).await? else {
        return Err(AppError::NotFound);
    };
    let idea = &idea;
    let new_answer = Some(input.answer.clone()).filter(|a| !a.is_empty());
    let changed = idea.official_status != input.status || idea.official_answer != new_answer;
    ideas::Entity::update_many()
        .col_expr(
            ideas::Column::OfficialStatus,
            Expr::value(input.status.as_str()),
        )
        .col_expr(ideas::Column::OfficialAnswer, Expr::value(new_answer))
        .col_expr(ideas::Column::OfficialGoalId, Expr::value(input.goal_id))
        .col_expr(
            ideas::Column::OfficialMeasureId,
            Expr::value(input.measure_id),
        )
        .col_expr(ideas::Column::AnsweredAt, Expr::value(now))
        .col_expr(ideas::Column::UpdatedAt, Expr::value(now))
        .filter(ideas::Column::Id.eq(idea.id))
        .exec(db)
        .await?;
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(user.id),
            municipality_id: Some(idea.municipality_id),
            action: "idea.answer",
            target_type: "idea",
            target_id: Some(idea.id.to_string()),
            summary: json!({
                "before": { "status": idea.official_status },
                "after": { "status": input.status, "goal": input.goal_id, "measure": input.measure_id },
            }),
        },
    )
    .await?;
    if !changed {
        return Ok(());
    }
    // Who hears of it: the author if they asked to, and supporters who asked to.
    let mut recipients: Vec<(String, Lang)> = Vec::new();
    if idea.notify && idea.status != WITHDRAWN {
        if let Some(email) = &idea.author_email {
            recipients.push((
                email.clone(),
                Lang::parse(&idea.language).unwrap_or_default(),
            ));
        } else if let Some(author) = idea.author_id
            && let Some(u) = users::Entity::find_by_id(author).one(db).await?
        {
            recipients.push((u.email, Lang::parse(&u.language).unwrap_or_default()));
        }
    }
    let supporters: Vec<(String, String)> = users::Entity::find()
        .select_only()
        .columns([users::Column::Email, users::Column::Language])
        .join(
            JoinType::InnerJoin,
            users::Entity::belongs_to(idea_supports::Entity)
                .from(users::Column::Id)
                .to(idea_supports::Column::UserId)
                .into(),
        )
        .filter(idea_supports::Column::IdeaId.eq(idea.id))
        .filter(idea_supports::Column::Notify.eq(true))
        .into_tuple()
        .all(db)
        .await?;
    for (email, lang) in supporters {
        if !recipients.iter().any(|(e, _)| *e == email) {
            recipients.push((email, Lang::parse(&lang).unwrap_or_default()));
        }
    }
    let url = state
        .settings
        .absolute_url(&format!("/ideas/{}/{}", idea.board_id, idea.id));
    for (email, lang) in recipients {
        notifications::enqueue(
            db,
            state,
            Email {
                to: &email,
                lang,
                kind: "idea_answer",
                data: json!({
                    "title": idea.title,
                    "status": i18n::t(lang, &format!("idea-official-{}", input.status)),
                    "answer": input.answer,
                    "url": url,
                }),
            },
        )
        .await?;
    }
    Ok(())
}

/// An idea adopted into a goal, as the goal page lists it.
#[derive(Clone, Debug, FromQueryResult)]
pub struct AdoptedIdea {
    pub id: Uuid,
    pub board_id: Uuid,
    pub title: String,
    pub official_status: String,
}

/// Published ideas adopted into `goal_id`, most supported first.
pub async fn adopted_into_goal(
    db: &impl ConnectionTrait,
    goal_id: Uuid,
) -> Result<Vec<AdoptedIdea>, DbErr> {
    ideas::Entity::find()
        .select_only()
        .columns([
            ideas::Column::Id,
            ideas::Column::BoardId,
            ideas::Column::Title,
            ideas::Column::OfficialStatus,
        ])
        .filter(ideas::Column::OfficialGoalId.eq(goal_id))
        .filter(ideas::Column::OfficialStatus.is_in(ADOPTED))
        .filter(ideas::Column::Status.eq(moderation::PUBLISHED))
        .order_by_desc(ideas::Column::SupportCount)
        .limit(100)
        .into_model::<AdoptedIdea>()
        .all(db)
        .await
}

/// For each of `goal_ids`, how many published ideas were adopted into it or posted under its
/// category (counted in SQL).
pub async fn counts_per_goal(
    db: &impl ConnectionTrait,
    goal_ids: &[Uuid],
) -> Result<HashMap<Uuid, i64>, DbErr> {
    if goal_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let backend = db.get_database_backend();
    let marks: Vec<String> = (1..=goal_ids.len()).map(|i| format!("${i}")).collect();
    let list = marks.join(", ");
    let sql = format!(
        "SELECT g AS goal_id, COUNT(DISTINCT id) AS n FROM ( \
           SELECT i.id AS id, c.goal_id AS g FROM ideas i JOIN idea_categories c ON c.id = i.category_id \
             WHERE i.status = 'published' AND c.goal_id IN ({list}) \
           UNION ALL \
           SELECT i.id AS id, i.official_goal_id AS g FROM ideas i \
             WHERE i.status = 'published' AND i.official_goal_id IN ({list}) \
         ) x GROUP BY g"
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            placeholders(backend, &sql),
            goal_ids
                .iter()
                .map(|id| (*id).into())
                .collect::<Vec<sea_orm::Value>>(),
        ))
        .await?;
    let mut out = HashMap::new();
    for row in rows {
        let goal: Uuid = row.try_get("", "goal_id")?;
        let n: i64 = row.try_get("", "n")?;
        out.insert(goal, n);
    }
    Ok(out)
}

/// Public names of staff or authors are not needed here; comment authors' display names come
/// with the comment. The names shown for `ids` of categories.
pub fn category_names(list: &[idea_categories::Model]) -> HashMap<Uuid, String> {
    list.iter().map(|c| (c.id, c.name.clone())).collect()
}

// ---- accounts ----

/// Before an account is deleted: the person's supports go, and the counts they were in go down
/// with them (one statement, so concurrent supports of others are not lost). Their ideas and
/// comments stay, because others have supported and answered them, but anonymised: the shown
/// name is blanked (they show "anonym"), no more mail goes out about them, and the link to the
/// account is cut when the account row goes (`author_id` is set to NULL by the database).
pub async fn forget_user(db: &impl ConnectionTrait, user_id: Uuid) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    for sql in [
        "UPDATE ideas SET support_count = support_count - 1 \
         WHERE id IN (SELECT s.idea_id FROM idea_supports s WHERE s.user_id = $1)",
        "DELETE FROM idea_supports WHERE user_id = $1",
        "UPDATE ideas SET author_name = NULL, notify = FALSE WHERE author_id = $1",
        "UPDATE idea_comments SET author_name = NULL WHERE author_id = $1",
    ] {
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(backend, sql),
            [user_id.into()],
        ))
        .await?;
    }
    Ok(())
}

/// When an account is deleted: ideas posted without signing in but with the account's address
/// keep their text like the account's own ideas, without the address and the shown name, and
/// no more mail goes out about them.
pub async fn forget_visitor_address(db: &impl ConnectionTrait, email: &str) -> Result<u64, DbErr> {
    Ok(ideas::Entity::update_many()
        .col_expr(
            ideas::Column::AuthorEmail,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            ideas::Column::AuthorName,
            Expr::value(Option::<String>::None),
        )
        .col_expr(ideas::Column::Notify, Expr::value(false))
        .filter(ideas::Column::AuthorEmail.eq(email))
        .exec(db)
        .await?
        .rows_affected)
}

/// Ideas posted without signing in but with `email`, for the data download of the account with
/// that address.
pub async fn visitor_ideas_of(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Vec<serde_json::Value>, DbErr> {
    let found = ideas::Entity::find()
        .filter(ideas::Column::AuthorEmail.eq(email))
        .order_by_asc(ideas::Column::CreatedAt)
        .all(db)
        .await?;
    Ok(found
        .iter()
        .map(|i| {
            json!({
                "id": i.id,
                "board_id": i.board_id,
                "title": i.title,
                "body": i.body,
                "district": i.district,
                "email": i.author_email,
                "shown_name": i.author_name,
                "notify": i.notify,
                "status": i.status,
                "official_status": i.official_status,
                "receipt_code": i.receipt_code,
                "created_at": i.created_at,
            })
        })
        .collect())
}

/// The person's ideas, comments and supports, for the data export of their account.
pub async fn export_of(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<serde_json::Value, DbErr> {
    let own = ideas::Entity::find()
        .filter(ideas::Column::AuthorId.eq(user_id))
        .order_by_asc(ideas::Column::CreatedAt)
        .all(db)
        .await?;
    let comments = idea_comments::Entity::find()
        .filter(idea_comments::Column::AuthorId.eq(user_id))
        .order_by_asc(idea_comments::Column::CreatedAt)
        .all(db)
        .await?;
    let supported: Vec<(Uuid, String, DateTime<Utc>)> = idea_supports::Entity::find()
        .select_only()
        .column(idea_supports::Column::IdeaId)
        .column(ideas::Column::Title)
        .column(idea_supports::Column::CreatedAt)
        .join(
            JoinType::InnerJoin,
            idea_supports::Entity::belongs_to(ideas::Entity)
                .from(idea_supports::Column::IdeaId)
                .to(ideas::Column::Id)
                .into(),
        )
        .filter(idea_supports::Column::UserId.eq(user_id))
        .order_by_asc(idea_supports::Column::CreatedAt)
        .into_tuple()
        .all(db)
        .await?;
    Ok(json!({
        "ideas": own.iter().map(|i| json!({
            "id": i.id,
            "board_id": i.board_id,
            "title": i.title,
            "body": i.body,
            "district": i.district,
            "shown_name": i.author_name,
            "status": i.status,
            "official_status": i.official_status,
            "receipt_code": i.receipt_code,
            "created_at": i.created_at,
        })).collect::<Vec<_>>(),
        "comments": comments.iter().map(|c| json!({
            "idea_id": c.idea_id,
            "body": c.body,
            "shown_name": c.author_name,
            "status": c.status,
            "created_at": c.created_at,
        })).collect::<Vec<_>>(),
        "supports": supported.iter().map(|(id, title, at)| json!({
            "idea_id": id, "title": title, "created_at": at,
        })).collect::<Vec<_>>(),
    }))
}
