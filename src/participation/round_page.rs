//! `/rounds/{slug}` and its preview for coordinators: everything a resident needs to take part in
//! a round, its surveys, idea boards and workshops included, and what a finished round left.
//! Read in one snapshot.

use actix_web::{HttpResponse, web};
use sea_orm::DatabaseTransaction;
use serde::Serialize;
use uuid::Uuid;

use crate::{
    db::read_snapshot,
    error::{AppError, AppResult},
    rounds::{
        model::{find_public, managed_round},
        round_view::{RoundView, round_view},
    },
    web::{context::Ctx, i18n},
    workshops::summaries::{DocumentedView, ModuleView},
};

#[derive(Serialize)]
struct Link {
    href: String,
    title: String,
}

#[derive(Serialize)]
struct RoundPage {
    #[serde(flatten)]
    round: RoundView,
    online: Vec<Link>,
    in_person: Vec<ModuleView>,
    outcomes: Vec<Link>,
    workshops_held: Vec<DocumentedView>,
}

/// `/rounds/{slug}`: everything a resident needs to take part. Drafts do not exist here.
pub async fn show(ctx: Ctx, slug: web::Path<String>) -> AppResult<HttpResponse> {
    let snap = read_snapshot(&ctx.state.db).await?;
    let round = find_public(&snap, &slug).await?.ok_or(AppError::NotFound)?;
    let page = round_page(&ctx, &snap, &round, false).await?;
    snap.commit().await?;
    ctx.render_title("rounds/show", &round.title, page)
}

/// The public page of any round, drafts included, as residents will see it.
pub async fn preview(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (_, round) = managed_round(&ctx, *id).await?;
    let snap = read_snapshot(&ctx.state.db).await?;
    let page = round_page(&ctx, &snap, &round, true).await?;
    snap.commit().await?;
    ctx.render_title("rounds/show", &round.title, page)
}

/// The page's parts, all read in `snap`.
async fn round_page(
    ctx: &Ctx,
    snap: &DatabaseTransaction,
    round: &entity::rounds::Model,
    preview: bool,
) -> AppResult<RoundPage> {
    let (online, outcomes) = online_and_outcomes(ctx, snap, round.id).await?;
    let (in_person, workshops_held) =
        crate::workshops::summaries::of_round(ctx, snap, round.id).await?;
    Ok(RoundPage {
        round: round_view(ctx, snap, round, preview).await?,
        online,
        in_person,
        outcomes,
        workshops_held,
    })
}

/// The ways to take part on the internet (the round's public surveys and idea boards), and what
/// a finished round left behind: the published results of its surveys and its idea boards with
/// the administration's answers (held workshops show their documentation on their own).
async fn online_and_outcomes(
    ctx: &Ctx,
    db: &DatabaseTransaction,
    round_id: Uuid,
) -> AppResult<(Vec<Link>, Vec<Link>)> {
    let surveys = crate::surveys::queries::public_surveys_of_round(db, round_id).await?;
    let boards = crate::ideas::summaries::boards_of_round(db, round_id).await?;
    let titled = |key: &str, title: &str| {
        i18n::t_args(ctx.lang, key, &[("title", title.to_string().into())])
    };
    let online = surveys
        .iter()
        .map(|s| Link {
            href: format!("/surveys/{}", s.id),
            title: s.title.clone(),
        })
        .chain(boards.iter().map(|b| Link {
            href: format!("/ideas/{}", b.id),
            title: b.title.clone(),
        }))
        .collect();
    let outcomes = surveys
        .iter()
        .filter(|s| s.results_published_at.is_some())
        .map(|s| Link {
            href: format!("/surveys/{}/results", s.id),
            title: titled("round-outcome-survey", &s.title),
        })
        .chain(boards.iter().map(|b| Link {
            href: format!("/ideas/{}", b.id),
            title: titled("round-outcome-board", &b.title),
        }))
        .collect();
    Ok((online, outcomes))
}
