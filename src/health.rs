//! `/healthz` for load balancers and monitoring: the process answers and the database too.

use actix_web::{HttpResponse, web};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

use crate::{state::AppState, web::render::RenderedPage};

pub async fn check(state: web::Data<AppState>) -> HttpResponse {
    let backend = state.db.get_database_backend();
    match state
        .db
        .query_one_raw(Statement::from_string(backend, "SELECT 1"))
        .await
    {
        Ok(_) => HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .json(json!({ "status": "ok", "database": "ok" })),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            let mut res = HttpResponse::ServiceUnavailable()
                .insert_header(("Cache-Control", "no-store"))
                .json(json!({ "status": "error", "database": "unreachable" }));
            // Monitoring reads this JSON; it is not to be replaced by the HTML error page.
            res.extensions_mut().insert(RenderedPage);
            res
        }
    }
}
