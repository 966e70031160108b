//! The reminder mail the day before a workshop (a job of the worker).

use entity::{workshop_signups, workshops};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, sea_query::Expr};
use uuid::Uuid;

use super::mail::notify;
use super::model::{SignupStatus, Status, find};
use crate::{
    error::AppError,
    notifications::service::{self as notifications},
    state::AppState,
};

/// Queues the reminders for workshops that start within the next day. Each workshop is claimed
/// with a conditional UPDATE on `reminded_at`, in the transaction that queues its mails, so
/// every reminder goes out once even with several instances.
pub async fn send_reminders(state: &AppState) -> Result<usize, AppError> {
    let now = state.clock.now();
    let due: Vec<Uuid> = workshops::Entity::find()
        .select_only()
        .column(workshops::Column::Id)
        .filter(workshops::Column::Status.eq(Status::Published.as_str()))
        .filter(workshops::Column::RemindedAt.is_null())
        .filter(workshops::Column::StartsAt.gt(now))
        .filter(workshops::Column::StartsAt.lte(now + chrono::Duration::days(1)))
        .into_tuple()
        .all(&state.db)
        .await?;
    let mut sent = 0;
    for id in due {
        let txn = crate::db::begin_write(&state.db).await?;
        let claimed = workshops::Entity::update_many()
            .col_expr(workshops::Column::RemindedAt, Expr::value(now))
            .filter(workshops::Column::Id.eq(id))
            .filter(workshops::Column::Status.eq(Status::Published.as_str()))
            .filter(workshops::Column::RemindedAt.is_null())
            .exec(&txn)
            .await?;
        if claimed.rows_affected != 1 {
            txn.rollback().await?;
            continue;
        }
        let workshop = find(&txn, id).await?.ok_or(AppError::NotFound)?;
        let recipients = workshop_signups::Entity::find()
            .filter(workshop_signups::Column::WorkshopId.eq(id))
            .filter(workshop_signups::Column::Status.eq(SignupStatus::Confirmed.as_str()))
            .filter(workshop_signups::Column::Email.is_not_null())
            .all(&txn)
            .await?;
        for signup in &recipients {
            notify(&txn, state, &workshop, signup, "workshop_reminder", None).await?;
            sent += 1;
        }
        txn.commit().await?;
        tracing::info!(workshop = %id, mails = recipients.len(), "workshop reminders queued");
    }
    if sent > 0 {
        notifications::wake(state);
    }
    Ok(sent)
}
