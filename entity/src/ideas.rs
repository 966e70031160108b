use sea_orm::entity::prelude::*;

/// A resident's idea on a board. The platform knows the author (an account, or a confirmed
/// e-mail address kept only while the idea exists); the public sees the chosen name or "anonym".
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ideas")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub board_id: Uuid,
    pub municipality_id: Uuid,
    pub category_id: Uuid,
    /// The district as text: the name of the area chosen when it was posted, or what was typed
    /// before districts were areas (kept readable where no area matched).
    pub district: Option<String>,
    /// The municipality's area (district) the idea is about; emptied if the area is deleted.
    pub area_id: Option<Uuid>,
    pub title: String,
    pub body: String,
    pub author_id: Option<Uuid>,
    /// Only for authors without an account; deleted when the idea is withdrawn.
    pub author_email: Option<String>,
    /// The name shown publicly; `None` shows "anonym".
    pub author_name: Option<String>,
    pub language: String,
    /// The author wants to hear of the official answer by e-mail.
    pub notify: bool,
    /// `unconfirmed`, `pending`, `published`, `hidden` or `withdrawn`.
    pub status: String,
    /// Shown in the board list: published or hidden (hidden ones as a placeholder).
    pub listed: bool,
    pub hidden_reason: Option<String>,
    pub hidden_note: Option<String>,
    pub open_flags: i32,
    /// Marks of the automatic pre-check (`email,phone,iban`), empty when none.
    pub precheck: String,
    pub support_count: i32,
    pub comment_count: i32,
    /// `new`, `review`, `adopted`, `partly`, `rejected` or `implemented`.
    pub official_status: String,
    pub official_answer: Option<String>,
    pub official_goal_id: Option<Uuid>,
    pub official_measure_id: Option<Uuid>,
    pub answered_at: Option<DateTimeUtc>,
    #[sea_orm(unique)]
    pub receipt_code: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub published_at: Option<DateTimeUtc>,
    /// Goes up with every change of the text; moderators act only on the version they saw.
    pub version: i32,
    /// When a moderator last looked at a text the pre-check marked.
    pub reviewed_at: Option<DateTimeUtc>,
    /// Posted without an account or an address: the receipt code is the author's only key, and
    /// withdraws the idea.
    pub code_only: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
