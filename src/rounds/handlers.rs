use actix_web::HttpResponse;
use serde_json::json;

use crate::{error::AppResult, web::context::Ctx};

pub async fn home(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.render("rounds/home", "home-title", json!({ "rounds": [] }))
}
