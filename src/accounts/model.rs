//! Accounts as the other use cases and slices see them: finding an account by address or id,
//! creating one without a password, confirming its address, storing and checking its password,
//! granting roles, and the housekeeping of never-confirmed accounts and old tokens. Every
//! function takes a connection so callers can run it inside their transaction.

use chrono::{DateTime, Duration, Utc};
use entity::{login_tokens, role_assignments, users};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, Set,
};
use uuid::Uuid;

use crate::{accounts::passwords, error::AppError, identity::Role, web::i18n::Lang};

/// How staff appear to each other in histories: the display name, else the address.
pub async fn names_of(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, String>, DbErr> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(users::Entity::find()
        .filter(users::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| {
            (
                u.id,
                u.display_name.filter(|n| !n.is_empty()).unwrap_or(u.email),
            )
        })
        .collect())
}

/// Addresses are compared and stored trimmed and lower-cased.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub async fn set_language(db: &impl ConnectionTrait, id: Uuid, lang: Lang) -> Result<(), DbErr> {
    users::Entity::update_many()
        .col_expr(users::Column::Language, lang.code().into())
        .filter(users::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<users::Model>, DbErr> {
    users::Entity::find()
        .filter(users::Column::Email.eq(normalize_email(email)))
        .one(db)
        .await
}

pub async fn email_of(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Option<String>, DbErr> {
    Ok(users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map(|u| u.email))
}

pub(crate) fn user_lang(user: &users::Model) -> Lang {
    Lang::parse(&user.language).unwrap_or_default()
}

/// The account for `email`, created without a password when there is none.
pub async fn ensure_user(
    db: &impl ConnectionTrait,
    email: &str,
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<users::Model, DbErr> {
    if let Some(user) = find_by_email(db, email).await? {
        return Ok(user);
    }
    users::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(normalize_email(email)),
        email_verified_at: Set(None),
        password_hash: Set(None),
        display_name: Set(None),
        language: Set(lang.code().into()),
        session_version: Set(1),
        created_at: Set(now),
        last_login_at: Set(None),
    }
    .insert(db)
    .await
}

pub async fn mark_verified(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    users::Entity::update_many()
        .col_expr(users::Column::EmailVerifiedAt, Some(now).into())
        .filter(users::Column::Id.eq(user_id))
        .filter(users::Column::EmailVerifiedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Stores a new password hash and bumps the session version, so every other session ends.
pub async fn store_password(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    password: &str,
) -> Result<users::Model, AppError> {
    let user = users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let version = user.session_version + 1;
    let mut active = user.into_active_model();
    active.password_hash = Set(Some(passwords::hash_off_thread(password).await?));
    active.session_version = Set(version);
    let updated = active.update(db).await?;
    crate::identity::sessions::end_others(db, user_id, None).await?;
    Ok(updated)
}

pub async fn verify_password(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    password: &str,
) -> Result<bool, DbErr> {
    let user = users::Entity::find_by_id(user_id).one(db).await?;
    Ok(passwords::verify_off_thread(
        password,
        user.as_ref().and_then(|u| u.password_hash.as_deref()),
    )
    .await)
}

pub async fn grant_role(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    role: Role,
    municipality_id: Option<Uuid>,
    granted_by: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<role_assignments::Model, DbErr> {
    role_assignments::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        role: Set(role.as_str().into()),
        municipality_id: Set(municipality_id),
        granted_by: Set(granted_by),
        created_at: Set(now),
    }
    .insert(db)
    .await
}

/// Housekeeping: used or expired tokens, and accounts never confirmed within 30 days that hold no
/// role (an unconfirmed address may belong to someone who never asked for the account).
pub async fn purge_stale(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<(), DbErr> {
    login_tokens::Entity::delete_many()
        .filter(
            Condition::any()
                .add(login_tokens::Column::ExpiresAt.lt(now))
                .add(login_tokens::Column::UsedAt.lt(now - Duration::days(1))),
        )
        .exec(db)
        .await?;
    users::Entity::delete_many()
        .filter(users::Column::EmailVerifiedAt.is_null())
        .filter(users::Column::CreatedAt.lt(now - Duration::days(30)))
        .filter(
            users::Column::Id.not_in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(role_assignments::Column::UserId)
                    .from(role_assignments::Entity)
                    .to_owned(),
            ),
        )
        .exec(db)
        .await?;
    Ok(())
}
