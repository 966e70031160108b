//! The ideas slice's shared domain: an idea's states and official statuses, the limits of its
//! texts, and the lookups of boards, categories and ideas that several use cases need.

use entity::{idea_boards, idea_categories, idea_comments, ideas, rounds};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use crate::moderation::model as moderation;

/// The states the ideas slice itself gives an idea (`ideas.status`). The moderation states of
/// the same column (pending, published, hidden) are `moderation::model`'s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// A visitor's idea waiting for the confirmation of the address.
    Unconfirmed,
    /// Taken back by its author.
    Withdrawn,
}

impl Status {
    pub const ALL: [Status; 2] = [Status::Unconfirmed, Status::Withdrawn];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Unconfirmed => "unconfirmed",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Whether `stored` (an `ideas.status` value) is this status.
    pub fn is(self, stored: &str) -> bool {
        stored == self.as_str()
    }
}

/// How long a visitor's idea waits for the confirmation of the address before it is deleted.
pub const UNCONFIRMED_TTL: chrono::Duration = chrono::Duration::days(7);

/// The official status of an idea (`ideas.official_status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfficialStatus {
    New,
    Review,
    Adopted,
    Partly,
    Rejected,
    Implemented,
}

impl OfficialStatus {
    /// The official statuses an idea goes through, in order.
    pub const ALL: [OfficialStatus; 6] = [
        OfficialStatus::New,
        OfficialStatus::Review,
        OfficialStatus::Adopted,
        OfficialStatus::Partly,
        OfficialStatus::Rejected,
        OfficialStatus::Implemented,
    ];
    /// Statuses that say the idea went into the strategy, as stored.
    pub const ADOPTED: [&'static str; 3] = ["adopted", "partly", "implemented"];

    pub fn as_str(self) -> &'static str {
        match self {
            OfficialStatus::New => "new",
            OfficialStatus::Review => "review",
            OfficialStatus::Adopted => "adopted",
            OfficialStatus::Partly => "partly",
            OfficialStatus::Rejected => "rejected",
            OfficialStatus::Implemented => "implemented",
        }
    }

    pub fn parse(s: &str) -> Option<OfficialStatus> {
        OfficialStatus::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Whether `stored` (an `ideas.official_status` value) is this status.
    pub fn is(self, stored: &str) -> bool {
        stored == self.as_str()
    }

    /// Whether the idea went into the strategy (adopted, partly or implemented).
    pub fn is_adopted(self) -> bool {
        OfficialStatus::ADOPTED.contains(&self.as_str())
    }

    /// Whether an answer needs a text (every status past "new" and "in review").
    pub fn needs_answer(self) -> bool {
        !matches!(self, OfficialStatus::New | OfficialStatus::Review)
    }
}

pub const TITLE_MAX: usize = 120;
pub const BODY_MAX: usize = 4000;
pub const COMMENT_MAX: usize = 2000;
pub const NAME_MAX: usize = 80;

pub(super) fn chars(s: &str) -> usize {
    s.chars().count()
}

pub(super) fn name_of(raw: &str) -> Option<String> {
    Some(raw.trim().to_string()).filter(|n| !n.is_empty())
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
    round.status == crate::rounds::model::Status::Open.as_str() && board.closed_at.is_none()
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

/// How people type a receipt code: any case, with spaces or dashes.
pub fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Whether the idea can still be edited (the page shows or hides the edit link).
pub async fn editable(db: &impl ConnectionTrait, idea: &ideas::Model) -> Result<bool, DbErr> {
    Ok(idea.support_count == 0
        && (Status::Unconfirmed.is(&idea.status)
            || matches!(
                moderation::Status::parse(&idea.status),
                Some(moderation::Status::Pending | moderation::Status::Published)
            ))
        && idea_comments::Entity::find()
            .filter(idea_comments::Column::IdeaId.eq(idea.id))
            .count(db)
            .await?
            == 0)
}
