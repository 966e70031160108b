//! What ties an account to surveys: only its participation marks (one keyed hash per survey it
//! answered), never its answers. For the account's data download and its deletion.

use std::collections::HashMap;

use entity::{survey_participations, surveys};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use serde_json::json;
use uuid::Uuid;

use crate::{secrets::Keys, surveys::store::guard_hash};

/// The participation marks an account could have left: one keyed hash per survey. Answers never
/// point to them, so these marks are all that ties an account to surveys.
async fn account_marks(
    db: &impl ConnectionTrait,
    keys: &Keys,
    user_id: Uuid,
) -> Result<HashMap<String, (Uuid, String)>, DbErr> {
    let all: Vec<(Uuid, String)> = surveys::Entity::find()
        .select_only()
        .column(surveys::Column::Id)
        .column(surveys::Column::Title)
        .into_tuple()
        .all(db)
        .await?;
    Ok(all
        .into_iter()
        .map(|(id, title)| {
            (
                guard_hash(keys, id, "user", &user_id.to_string()),
                (id, title),
            )
        })
        .collect())
}

/// The surveys the account took part in (not its answers: nothing links them to anyone), for its
/// data download.
pub async fn participations_of(
    db: &impl ConnectionTrait,
    keys: &Keys,
    user_id: Uuid,
) -> Result<Vec<serde_json::Value>, DbErr> {
    let marks = account_marks(db, keys, user_id).await?;
    let taken: Vec<String> = survey_participations::Entity::find()
        .select_only()
        .column(survey_participations::Column::GuardHash)
        .filter(survey_participations::Column::GuardHash.is_in(marks.keys().cloned()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(taken
        .iter()
        .filter_map(|hash| marks.get(hash))
        .map(|(id, title)| json!({ "survey_id": id, "title": title }))
        .collect())
}

/// When an account is deleted: its participation marks go with it (the answers stay, unlinked
/// as they always were).
pub async fn forget_participant(
    db: &impl ConnectionTrait,
    keys: &Keys,
    user_id: Uuid,
) -> Result<u64, DbErr> {
    let marks = account_marks(db, keys, user_id).await?;
    Ok(survey_participations::Entity::delete_many()
        .filter(survey_participations::Column::GuardHash.is_in(marks.into_keys()))
        .exec(db)
        .await?
        .rows_affected)
}
