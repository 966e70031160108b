//! The e-mailed one-time tokens that verify addresses, sign people in without a password, set
//! passwords (reset and invitation) and confirm new addresses; only their hashes are stored.

use chrono::{DateTime, Duration, Utc};
use entity::login_tokens;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};
use uuid::Uuid;

use crate::secrets;

/// What one-time tokens are for, and how long each kind lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenPurpose {
    Verify,
    Magic,
    /// Setting a new password: after "forgot password" and for invited staff.
    Password,
    EmailChange,
}

impl TokenPurpose {
    fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::Verify => "verify",
            TokenPurpose::Magic => "magic",
            TokenPurpose::Password => "password",
            TokenPurpose::EmailChange => "email_change",
        }
    }
}

pub const VERIFY_TTL: Duration = Duration::hours(48);

pub const MAGIC_TTL: Duration = Duration::minutes(30);

pub const RESET_TTL: Duration = Duration::hours(1);

pub const INVITE_TTL: Duration = Duration::days(7);

pub const EMAIL_CHANGE_TTL: Duration = Duration::hours(24);

/// Creates a token for `user_id` and returns it; only its hash is stored. A new password or
/// e-mail-change link voids the earlier ones, so an old link found in a mailbox cannot take over
/// the account; verification and sign-in links stay valid until they expire, so whichever mail
/// someone opens first works.
pub async fn issue_token(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    purpose: TokenPurpose,
    ttl: Duration,
    new_email: Option<String>,
    now: DateTime<Utc>,
) -> Result<String, DbErr> {
    if matches!(purpose, TokenPurpose::Password | TokenPurpose::EmailChange) {
        login_tokens::Entity::update_many()
            .col_expr(login_tokens::Column::UsedAt, Some(now).into())
            .filter(login_tokens::Column::UserId.eq(user_id))
            .filter(login_tokens::Column::Purpose.eq(purpose.as_str()))
            .filter(login_tokens::Column::UsedAt.is_null())
            .exec(db)
            .await?;
    }
    let token = secrets::random_token(32);
    login_tokens::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        purpose: Set(purpose.as_str().into()),
        token_hash: Set(secrets::token_hash(&token)),
        new_email: Set(new_email),
        expires_at: Set(now + ttl),
        used_at: Set(None),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The unused, unexpired token, without using it up (for the page that asks to confirm).
pub async fn peek_token(
    db: &impl ConnectionTrait,
    token: &str,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> Result<Option<login_tokens::Model>, DbErr> {
    login_tokens::Entity::find()
        .filter(valid_token(token, purpose, now))
        .one(db)
        .await
}

/// Uses the token up. A single conditional UPDATE decides, so two concurrent requests with the
/// same token cannot both succeed.
pub async fn consume_token(
    db: &impl ConnectionTrait,
    token: &str,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> Result<Option<login_tokens::Model>, DbErr> {
    let Some(found) = peek_token(db, token, purpose, now).await? else {
        return Ok(None);
    };
    let updated = login_tokens::Entity::update_many()
        .col_expr(login_tokens::Column::UsedAt, Some(now).into())
        .filter(login_tokens::Column::Id.eq(found.id))
        .filter(login_tokens::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok((updated.rows_affected == 1).then_some(found))
}

fn valid_token(token: &str, purpose: TokenPurpose, now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(login_tokens::Column::TokenHash.eq(secrets::token_hash(token)))
        .add(login_tokens::Column::Purpose.eq(purpose.as_str()))
        .add(login_tokens::Column::UsedAt.is_null())
        .add(login_tokens::Column::ExpiresAt.gt(now))
}
