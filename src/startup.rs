//! Builds the application: database, migrations, keys, templates, the HTTP server (bound, so tests
//! can use port 0) and the background worker, which starts and stops with the server.

use std::sync::Arc;

use actix_session::{
    SessionMiddleware, config::CookieContentSecurity, storage::CookieSessionStore,
};
use actix_web::{
    App, HttpServer,
    cookie::SameSite,
    dev::{Server, ServerHandle},
    error::{InternalError, JsonPayloadError, PathError, QueryPayloadError, UrlencodedError},
    middleware::{Compress, from_fn},
    web,
};
use tokio::sync::{Notify, watch};

use crate::{
    config::Settings,
    db,
    error::AppError,
    jobs,
    notifications::mailer::Mailer,
    routes,
    secrets::Keys,
    state::{AppState, Clock},
    storage::{Storage, lock::DataDirLock},
    web::{caching, context, csrf, errors, input, logging, render::Templates, security},
};

pub const SESSION_COOKIE: &str = "teilhabe_session";
/// Forms are small; larger bodies are refused.
const FORM_LIMIT: usize = 256 * 1024;

pub struct Application {
    server: Server,
    port: u16,
    state: AppState,
    shutdown: watch::Sender<bool>,
    worker: tokio::task::JoinHandle<()>,
    /// Held while serving: no second process uses the same SQLite data directory.
    _lock: Option<DataDirLock>,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_with_clock(settings, Clock::system()).await
    }

    /// As [`Application::build`], with the application's time read from `clock` (tests start it
    /// at a chosen instant; the worker sees the same time from its first round).
    pub async fn build_with_clock(settings: Settings, clock: Clock) -> anyhow::Result<Self> {
        // Before anything touches the database: a second server stops here.
        let lock = DataDirLock::acquire_for(&settings)?;
        let state = prepare_with_clock(settings, clock).await?;
        let mailer = Mailer::from_settings(&state.settings)?;
        let (shutdown, shutdown_rx) = watch::channel(false);
        let worker = jobs::spawn(state.clone(), mailer, shutdown_rx);

        let app_state = state.clone();
        let server = HttpServer::new(move || {
            let state = app_state.clone();
            let session = SessionMiddleware::builder(
                CookieSessionStore::default(),
                state.keys.cookie.clone(),
            )
            .cookie_name(SESSION_COOKIE.into())
            .cookie_http_only(true)
            .cookie_secure(state.settings.secure_cookies())
            .cookie_same_site(SameSite::Lax)
            .cookie_content_security(CookieContentSecurity::Private)
            .build();
            let https = state.settings.secure_cookies();
            // Listed innermost first: the CSRF check runs right before routing, after control
            // characters are refused (the refusal still gets a localized page); error pages see
            // the request context; the caching headers are chosen outside the session, seeing the
            // cookies a response sets, and tag the uncompressed body; every response gets the
            // security headers, is compressed when the browser accepts it, and gets a log line.
            App::new()
                .app_data(web::Data::new(state))
                .app_data(
                    web::FormConfig::default()
                        .limit(FORM_LIMIT)
                        .error_handler(form_error),
                )
                .app_data(web::QueryConfig::default().error_handler(query_error))
                .app_data(web::PathConfig::default().error_handler(path_error))
                .app_data(
                    web::JsonConfig::default()
                        .limit(FORM_LIMIT)
                        .error_handler(json_error),
                )
                .configure(routes::configure)
                .default_service(web::to(not_found))
                .wrap(from_fn(csrf::verify_csrf))
                .wrap(from_fn(input::refuse_control_characters))
                .wrap(errors::handlers())
                .wrap(from_fn(context::load_context))
                .wrap(session)
                .wrap(from_fn(|req, next| {
                    caching::cache_headers(SESSION_COOKIE, req, next)
                }))
                .wrap(security::headers(https))
                .wrap(Compress::default())
                .wrap(from_fn(logging::log_request))
        })
        .shutdown_timeout(15)
        .bind(state.settings.bind)?;
        let port = server.addrs().first().map(|a| a.port()).unwrap_or_default();
        let server = server.run();
        tracing::info!(url = %state.settings.base_url, port, "Teilhabe is listening");
        Ok(Self {
            server,
            port,
            state,
            shutdown,
            worker,
            _lock: lock,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until the server is stopped (SIGTERM, SIGINT or a handle), then lets running
    /// requests finish and stops the worker after its current mail.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        let _ = self.shutdown.send(true);
        if let Err(e) = self.worker.await {
            tracing::error!(error = %e, "background worker ended abnormally");
        }
        // Everything into the database file, an empty WAL, then the lock is released.
        if let Err(e) = crate::storage::checkpoint::truncate(&self.state.db).await {
            tracing::warn!(error = %e, "final WAL checkpoint failed");
        }
        let _ = self.state.db.clone().close().await;
        drop(self._lock);
        result
    }
}

/// Database, migrations, keys and templates: everything but the server. Also used by the CLI,
/// which first takes the data directory's lock ([`DataDirLock::acquire_for`]).
pub async fn prepare(settings: Settings) -> anyhow::Result<AppState> {
    prepare_with_clock(settings, Clock::system()).await
}

async fn prepare_with_clock(settings: Settings, clock: Clock) -> anyhow::Result<AppState> {
    let keys = Keys::load_or_create(&settings)?;
    let templates = Templates::load(settings.time_zone)?;
    let storage = Arc::new(Storage::default());
    let db = db::connect_with_faults(&settings, storage.faults.clone()).await?;
    db::migrate(&db).await?;
    // Texts waiting from before the screening's mark was stored get it now (the queue sorts by it).
    crate::surveys::free_text::mark_unscreened_texts(&db).await?;
    let writes = crate::group_commit::Writes::start(&db).await?;
    Ok(AppState {
        db,
        writes,
        settings: Arc::new(settings),
        keys,
        templates,
        clock,
        mail_wakeup: Arc::new(Notify::new()),
        storage,
    })
}

async fn not_found() -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound)
}

fn form_error(err: UrlencodedError, _: &actix_web::HttpRequest) -> actix_web::Error {
    let app_error = match err {
        UrlencodedError::Overflow { .. } => AppError::PayloadTooLarge,
        _ => AppError::BadRequest,
    };
    InternalError::from_response(err, actix_web::ResponseError::error_response(&app_error)).into()
}

fn query_error(err: QueryPayloadError, _: &actix_web::HttpRequest) -> actix_web::Error {
    InternalError::from_response(
        err,
        actix_web::ResponseError::error_response(&AppError::BadRequest),
    )
    .into()
}

fn path_error(err: PathError, _: &actix_web::HttpRequest) -> actix_web::Error {
    // A malformed id in a URL names nothing that exists.
    InternalError::from_response(
        err,
        actix_web::ResponseError::error_response(&AppError::NotFound),
    )
    .into()
}

fn json_error(err: JsonPayloadError, _: &actix_web::HttpRequest) -> actix_web::Error {
    InternalError::from_response(
        err,
        actix_web::ResponseError::error_response(&AppError::BadRequest),
    )
    .into()
}
