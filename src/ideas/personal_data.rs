//! Personal data in ideas: the data download of an account, anonymising when an account is
//! deleted, and deleting visitors' ideas whose address was never confirmed.

use chrono::{DateTime, Utc};
use entity::{idea_comments, idea_supports, ideas};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, Statement, sea_query::Expr,
};
use serde_json::json;
use uuid::Uuid;

use crate::db::placeholders;

use super::model::{Status, UNCONFIRMED_TTL};

/// Deletes visitors' ideas whose address was never confirmed, with the address, after
/// `UNCONFIRMED_TTL` (housekeeping; several workers may run it at once).
pub async fn purge_unconfirmed(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(ideas::Entity::delete_many()
        .filter(ideas::Column::Status.eq(Status::Unconfirmed.as_str()))
        .filter(ideas::Column::CreatedAt.lte(now - UNCONFIRMED_TTL))
        .exec(db)
        .await?
        .rows_affected)
}

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
