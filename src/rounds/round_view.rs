//! What the rounds slice knows of a round's page: its text, period, contact, goals and target
//! groups. The page itself, with the surveys, idea boards and workshops of the round, is
//! assembled by the read model above (`participation::round_page`).

use entity::rounds;
use sea_orm::ConnectionTrait;
use serde::Serialize;

use crate::{
    admin::service as admin,
    error::{AppError, AppResult},
    rounds::model::{self, PeriodView, Status, period, status_key},
    strategy::picker::goals_by_ids,
    web::context::Ctx,
};

#[derive(Serialize)]
pub struct PlaceView {
    pub name: String,
    pub slug: String,
}

#[derive(Serialize)]
pub struct Contact {
    pub name: String,
    pub phone: String,
    pub phone_href: String,
    pub email: String,
    pub address: String,
}

#[derive(Serialize)]
pub struct GoalLink {
    pub href: String,
    pub title: String,
    pub field: String,
}

/// The round's own part of its page.
#[derive(Serialize)]
pub struct RoundView {
    pub preview: bool,
    pub edit_href: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub status: String,
    pub status_key: &'static str,
    pub is_open: bool,
    pub period: PeriodView,
    pub target_groups: Vec<String>,
    pub municipality: PlaceView,
    pub legal_municipality: String,
    pub contact: Contact,
    pub goals: Vec<GoalLink>,
    pub evaluation_summary: String,
    pub evaluated: bool,
    pub finished: bool,
}

/// The round's part of its page; `preview` when a coordinator looks at it before residents do.
pub async fn round_view(
    ctx: &Ctx,
    db: &impl ConnectionTrait,
    round: &rounds::Model,
    preview: bool,
) -> AppResult<RoundView> {
    let municipality = admin::find_municipality(db, round.municipality_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let goal_ids = model::goal_ids(db, round.id).await?;
    let goals = goals_by_ids(db, &goal_ids).await?;
    let status = Status::of(round);
    Ok(RoundView {
        preview,
        edit_href: format!("/manage/rounds/{}", round.id),
        title: round.title.clone(),
        summary: round.summary.clone(),
        description: round.description.clone(),
        status: round.status.clone(),
        status_key: status_key(round),
        is_open: status == Some(Status::Open),
        period: period(ctx, round),
        target_groups: model::target_groups_of(db, round.id).await?,
        legal_municipality: municipality.slug.clone(),
        municipality: PlaceView {
            name: municipality.name,
            slug: municipality.slug,
        },
        contact: Contact {
            name: round.contact_name.clone(),
            phone: round.contact_phone.clone(),
            phone_href: format!(
                "tel:{}",
                round.contact_phone.replace([' ', '/', '(', ')', '-'], "")
            ),
            email: round.contact_email.clone(),
            address: round.contact_address.clone(),
        },
        goals: goals
            .into_iter()
            .map(|g| GoalLink {
                href: format!("/goals/{}", g.id),
                title: g.title,
                field: g.field_title,
            })
            .collect(),
        evaluation_summary: round.evaluation_summary.clone().unwrap_or_default(),
        evaluated: status == Some(Status::Evaluated),
        finished: matches!(status, Some(Status::Closed | Status::Evaluated)),
    })
}
