use sea_orm::entity::prelude::*;

/// One sign-up for a workshop, for one or more people, with or without contact details. The
/// personal fields are emptied some days after the workshop; number, status and attendance stay.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workshop_signups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workshop_id: Uuid,
    /// Order of arrival within the workshop: the waitlist is served in this order.
    pub seq: i32,
    /// Short code for check-in and the phone (unambiguous letters and digits).
    pub code: String,
    /// SHA-256 of the private link's token; `None` once personal data was deleted.
    #[sea_orm(unique)]
    pub token_hash: Option<String>,
    /// `confirmed`, `waitlisted` or `cancelled`.
    pub status: String,
    pub people: i32,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Children who need childcare.
    pub children: i32,
    pub children_ages: Option<String>,
    pub interpreter_language: Option<String>,
    pub step_free: bool,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    /// Language for mails.
    pub lang: String,
    /// `online` or `staff` (added by hand after a call or at the door).
    pub source: String,
    pub checked_in_at: Option<DateTimeUtc>,
    pub promoted_at: Option<DateTimeUtc>,
    pub cancelled_at: Option<DateTimeUtc>,
    pub personal_data_deleted_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
