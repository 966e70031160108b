//! What becomes of the subscribers to new rounds outside the subscription pages: the "new round"
//! mail when a round opens, the housekeeping of unconfirmed subscriptions, and an account's
//! data download and deletion.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{municipalities, round_subscriptions};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    error::AppError,
    notifications::service::{self as notifications, Email},
    rounds::{
        forms::{first_day, last_day},
        model,
        subscriptions::{LinkPurpose, UNCONFIRMED_TTL, link_url, subscription_topic},
    },
    state::AppState,
    web::i18n::{self, Lang},
};

/// When an account is deleted: the subscriptions of its address go (mail waiting in the outbox
/// for the address goes with the account).
pub async fn forget_subscriber(db: &impl ConnectionTrait, email: &str) -> Result<u64, DbErr> {
    Ok(round_subscriptions::Entity::delete_many()
        .filter(round_subscriptions::Column::Email.eq(email))
        .exec(db)
        .await?
        .rows_affected)
}

/// The subscriptions of `email`, for the data download of the account with that address.
pub async fn subscriptions_of(db: &impl ConnectionTrait, email: &str) -> Result<Vec<Value>, DbErr> {
    let found = round_subscriptions::Entity::find()
        .filter(round_subscriptions::Column::Email.eq(email))
        .order_by_asc(round_subscriptions::Column::CreatedAt)
        .all(db)
        .await?;
    let names: HashMap<Uuid, String> = municipalities::Entity::find()
        .filter(municipalities::Column::Id.is_in(found.iter().map(|s| s.municipality_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect();
    Ok(found
        .iter()
        .map(|s| {
            json!({
                "municipality": names.get(&s.municipality_id),
                "email": s.email,
                "language": s.language,
                "confirmed_at": s.confirmed_at,
                "created_at": s.created_at,
            })
        })
        .collect())
}

/// Deletes subscriptions never confirmed within `UNCONFIRMED_TTL` (housekeeping job).
pub async fn purge_unconfirmed(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(round_subscriptions::Entity::delete_many()
        .filter(round_subscriptions::Column::ConfirmedAt.is_null())
        .filter(round_subscriptions::Column::CreatedAt.lte(now - UNCONFIRMED_TTL))
        .exec(db)
        .await?
        .rows_affected)
}

/// Queues the "new round" mail for every confirmed subscriber of the round's municipality, each
/// in the language they subscribed in.
pub(super) async fn notify_subscribers(
    db: &impl ConnectionTrait,
    state: &AppState,
    round_id: Uuid,
) -> Result<(), AppError> {
    let Some(round) = model::find(db, round_id).await? else {
        return Ok(());
    };
    let Some(municipality) = municipalities::Entity::find_by_id(round.municipality_id)
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let subscribers = round_subscriptions::Entity::find()
        .filter(round_subscriptions::Column::MunicipalityId.eq(round.municipality_id))
        .filter(round_subscriptions::Column::ConfirmedAt.is_not_null())
        .all(db)
        .await?;
    let tz = state.settings.time_zone;
    for subscriber in subscribers {
        let lang = Lang::parse(&subscriber.language).unwrap_or_default();
        let pattern = i18n::t(lang, "format-date");
        notifications::enqueue_about(
            db,
            state,
            Email {
                to: &subscriber.email,
                lang,
                kind: "round_opened",
                data: json!({
                    "municipality": municipality.name,
                    "title": round.title,
                    "summary": round.summary,
                    "starts_on": first_day(tz, round.starts_at).format(&pattern).to_string(),
                    "ends_on": last_day(tz, round.ends_at).format(&pattern).to_string(),
                    "url": state.settings.absolute_url(&format!("/rounds/{}", round.slug)),
                    "unsubscribe_url": link_url(state, LinkPurpose::Unsubscribe, subscriber.id),
                }),
            },
            &subscription_topic(subscriber.id),
        )
        .await?;
    }
    Ok(())
}
