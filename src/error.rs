//! One error type for handlers. Its response carries only the status: the error-page handler in
//! `web::errors` turns it into a localized page (or JSON under `/api`).

use actix_web::{HttpResponse, ResponseError, http::StatusCode};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum AppError {
    #[error("bad request")]
    BadRequest,
    #[error("forbidden")]
    Forbidden,
    #[error("the form's security token is missing or wrong")]
    CsrfRejected,
    #[error("not found")]
    NotFound,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("too many requests")]
    TooManyRequests { retry_after_seconds: u64 },
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("template: {0}")]
    Render(#[from] handlebars::RenderError),
    #[error("session: {0}")]
    Session(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// The database error behind this one, if any.
    fn db_err(&self) -> Option<&sea_orm::DbErr> {
        match self {
            AppError::Database(e) => Some(e),
            AppError::Internal(e) => e.downcast_ref::<sea_orm::DbErr>(),
            _ => None,
        }
    }

    /// Set when the write failed because of the storage (full, read-only, I/O, busy): nothing
    /// was saved and trying again later may work.
    pub fn storage_error(&self) -> Option<crate::storage::StorageError> {
        self.db_err().and_then(crate::storage::classify)
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        if self.storage_error().is_some() {
            return StatusCode::SERVICE_UNAVAILABLE;
        }
        match self {
            AppError::BadRequest => StatusCode::BAD_REQUEST,
            AppError::Forbidden | AppError::CsrfRejected => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Database(_)
            | AppError::Render(_)
            | AppError::Session(_)
            | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if let (Some(kind), Some(e)) = (self.storage_error(), self.db_err()) {
            // Once with its cause, then counted: a full disk must not also fill the log.
            crate::storage::report(kind, e);
            let mut res = HttpResponse::build(status);
            res.insert_header(("Retry-After", "10"));
            let mut res = res.finish();
            res.extensions_mut()
                .insert(crate::web::errors::ErrorText(crate::web::errors::UNSAVED));
            return res;
        }
        if status.is_server_error() {
            // The message names the failing part (SQL, template), never request data.
            tracing::error!(error = %self, "request failed");
        }
        let mut res = HttpResponse::build(status);
        if let AppError::TooManyRequests {
            retry_after_seconds,
        } = self
        {
            res.insert_header(("Retry-After", retry_after_seconds.to_string()));
        }
        let mut res = res.finish();
        if matches!(self, AppError::CsrfRejected) {
            res.extensions_mut().insert(crate::web::errors::ErrorText(
                crate::web::errors::FORM_EXPIRED,
            ));
        }
        res
    }
}

impl From<actix_session::SessionInsertError> for AppError {
    fn from(e: actix_session::SessionInsertError) -> Self {
        AppError::Session(e.to_string())
    }
}

impl From<actix_session::SessionGetError> for AppError {
    fn from(e: actix_session::SessionGetError) -> Self {
        AppError::Session(e.to_string())
    }
}

pub type AppResult<T> = Result<T, AppError>;
