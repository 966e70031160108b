//! Staff: where monitoring starts: each municipality the person coordinates (every one for
//! admins) with its areas and indicators, and for admins the indicators of the whole instance.

use actix_web::HttpResponse;
use serde::Serialize;

use crate::{admin::service::all_municipalities, error::AppResult, web::context::Ctx};

#[derive(Serialize)]
struct PlaceLinks {
    name: String,
    areas_href: String,
    indicators_href: String,
    import_href: String,
}

#[derive(Serialize)]
struct OverviewPage {
    is_admin: bool,
    places: Vec<PlaceLinks>,
}

pub async fn overview(ctx: Ctx) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let places = all_municipalities(&ctx.state.db)
        .await?
        .into_iter()
        .filter(|m| user.coordinates(m.id))
        .map(|m| PlaceLinks {
            areas_href: format!("/manage/municipalities/{}/areas", m.id),
            indicators_href: format!("/manage/municipalities/{}/indicators", m.id),
            import_href: crate::monitoring::import::upload_href(m.id),
            name: m.name,
        })
        .collect();
    let page = OverviewPage {
        is_admin: user.is_admin(),
        places,
    };
    ctx.render("monitoring/overview", "monitoring-overview-title", page)
}
