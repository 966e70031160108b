//! What moderation acts on: ideas and comments as one [`Target`], their statuses, the reasons
//! for hiding, and how to reach a target's author.

use entity::{idea_comments, ideas, users};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use uuid::Uuid;

use crate::web::i18n::Lang;

/// Why something is flagged or hidden, in the order the forms offer them.
pub const REASONS: [&str; 6] = [
    "insult",
    "discrimination",
    "personal_data",
    "spam",
    "off_topic",
    "other",
];
/// The reason of an automatic hide after too many flags.
pub const AUTO_HIDDEN: &str = "flagged";

/// Where an idea or a comment stands in moderation (`ideas.status`, `idea_comments.status`).
/// An idea also has states before and after moderation (unconfirmed, withdrawn), which the
/// ideas slice owns; `parse` answers `None` for those.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Waits for a moderator before it is shown.
    Pending,
    Published,
    Hidden,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Pending, Status::Published, Status::Hidden];

    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Published => "published",
            Status::Hidden => "hidden",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Whether `stored` (an `ideas.status` or `idea_comments.status` value) is this status.
    pub fn is(self, stored: &str) -> bool {
        stored == self.as_str()
    }
}

/// Where a flag stands (`moderation_flags.status`): open until a moderator hides the item
/// (upheld) or keeps it (dismissed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlagStatus {
    Open,
    Upheld,
    Dismissed,
}

impl FlagStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            FlagStatus::Open => "open",
            FlagStatus::Upheld => "upheld",
            FlagStatus::Dismissed => "dismissed",
        }
    }
}

/// Where an author's objection stands (`moderation_objections.status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectionStatus {
    Open,
    Resolved,
}

impl ObjectionStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            ObjectionStatus::Open => "open",
            ObjectionStatus::Resolved => "resolved",
        }
    }

    /// Whether `stored` (a `moderation_objections.status` value) is this status.
    pub fn is(self, stored: &str) -> bool {
        stored == self.as_str()
    }
}

/// An idea or a comment: everything moderation acts on.
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)] // one at a time, short-lived: boxing buys nothing here
pub enum Target {
    Idea(ideas::Model),
    Comment(idea_comments::Model),
}

impl Target {
    pub fn id(&self) -> Uuid {
        match self {
            Target::Idea(i) => i.id,
            Target::Comment(c) => c.id,
        }
    }
    pub fn municipality_id(&self) -> Uuid {
        match self {
            Target::Idea(i) => i.municipality_id,
            Target::Comment(c) => c.municipality_id,
        }
    }
    /// The stored status (`ideas.status` / `idea_comments.status`).
    pub fn status(&self) -> &str {
        match self {
            Target::Idea(i) => &i.status,
            Target::Comment(c) => &c.status,
        }
    }
    /// The moderation status; `None` for an idea not (or no longer) in moderation.
    pub fn moderation_status(&self) -> Option<Status> {
        Status::parse(self.status())
    }
    pub fn hidden_reason(&self) -> Option<&str> {
        match self {
            Target::Idea(i) => i.hidden_reason.as_deref(),
            Target::Comment(c) => c.hidden_reason.as_deref(),
        }
    }
    pub fn kind(&self) -> &'static str {
        match self {
            Target::Idea(_) => "idea",
            Target::Comment(_) => "comment",
        }
    }
    /// The version of the text, as a moderator saw it.
    pub fn version(&self) -> i32 {
        match self {
            Target::Idea(i) => i.version,
            Target::Comment(c) => c.version,
        }
    }
    pub fn precheck(&self) -> &str {
        match self {
            Target::Idea(i) => &i.precheck,
            Target::Comment(c) => &c.precheck,
        }
    }
    /// The pre-check marked the text and no moderator has looked at it since.
    pub fn unreviewed_marks(&self) -> bool {
        let reviewed = match self {
            Target::Idea(i) => i.reviewed_at.is_some(),
            Target::Comment(c) => c.reviewed_at.is_some(),
        };
        !self.precheck().is_empty() && !reviewed
    }
    pub fn idea_id(&self) -> Uuid {
        match self {
            Target::Idea(i) => i.id,
            Target::Comment(c) => c.idea_id,
        }
    }
    pub(crate) fn table(&self) -> &'static str {
        match self {
            Target::Idea(_) => "ideas",
            Target::Comment(_) => "idea_comments",
        }
    }
}

pub async fn find_target(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<Target>, DbErr> {
    if let Some(idea) = ideas::Entity::find_by_id(id).one(db).await? {
        return Ok(Some(Target::Idea(idea)));
    }
    Ok(idea_comments::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(Target::Comment))
}

/// The author's address and language, if we have an address for them.
pub async fn author_contact(
    db: &impl ConnectionTrait,
    target: &Target,
) -> Result<Option<(String, Lang)>, DbErr> {
    let (author_id, email, lang) = match target {
        Target::Idea(i) => (
            i.author_id,
            i.author_email.clone(),
            Lang::parse(&i.language),
        ),
        Target::Comment(c) => (c.author_id, None, None),
    };
    if let Some(email) = email {
        return Ok(Some((email, lang.unwrap_or_default())));
    }
    let Some(author_id) = author_id else {
        return Ok(None);
    };
    Ok(users::Entity::find_by_id(author_id)
        .one(db)
        .await?
        .map(|u| (u.email, Lang::parse(&u.language).unwrap_or_default())))
}

/// The start of a text, cut at `max` characters.
pub fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{}…", cut.trim_end())
}
