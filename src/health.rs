//! `/healthz` for load balancers and monitoring: the process answers, the database can be read
//! and written (a small write, at most every 10 seconds), and how much space is left in the data
//! directory. 503 when the database cannot be read or written.

use actix_web::{HttpResponse, web};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

use crate::{
    state::AppState,
    storage::{self, probe::Writable},
    web::render::RenderedPage,
};

pub async fn check(state: web::Data<AppState>) -> HttpResponse {
    let backend = state.db.get_database_backend();
    let readable = match state
        .db
        .query_one_raw(Statement::from_string(backend, "SELECT 1"))
        .await
    {
        Ok(_) => true,
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            false
        }
    };
    let writable = if readable {
        state
            .storage
            .probe
            .check(&state.db, state.clock.now())
            .await
    } else {
        Writable::Unknown
    };
    let free = storage::free_bytes(&state.settings.data_dir);
    let (status, database, write_error) = match (readable, writable) {
        (true, Writable::Yes) => ("ok", "ok", None),
        (true, Writable::No(kind)) => ("error", "not writable", Some(kind.as_str())),
        (true, Writable::Unknown) => ("error", "not writable", Some("write failed")),
        (false, _) => ("error", "unreachable", None),
    };
    let body = json!({
        "status": status,
        "database": database,
        "writable": status == "ok",
        "write_error": write_error,
        "data_dir_free_bytes": free,
    });
    let mut res = if status == "ok" {
        HttpResponse::Ok()
    } else {
        HttpResponse::ServiceUnavailable()
    }
    .insert_header(("Cache-Control", "no-store"))
    .json(body);
    // Monitoring reads this JSON; it is not to be replaced by the HTML error page.
    res.extensions_mut().insert(RenderedPage);
    res
}
