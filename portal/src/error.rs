//! Errors: [`PortalError`] for starting and running the portal, [`ApiError`] for the JSON
//! answers of the portal API, and the [`ApiJson`] extractor that turns malformed bodies into
//! `invalid_request` instead of axum's plain-text rejections.

use std::borrow::Cow;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_protocol::api::{ApiErrorBody, ApiErrorCode, ApiErrorDetail, FieldProblem};
use serde::de::DeserializeOwned;

/// Why the portal could not start, run, or perform an administrative action.
#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    /// A file-system or socket operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What the portal was doing.
        context: &'static str,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The database refused an operation.
    #[error("database error: {0}")]
    Database(#[from] crate::store::sql::Error),
    /// The PostgreSQL database could not be reached or migrated.
    #[error("{0}")]
    Postgres(#[from] crate::store::postgres::PostgresError),
    /// The schema could not be migrated to the current version.
    #[error("database migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    /// Key generation, parsing or randomness failed.
    #[error("cryptographic failure: {0}")]
    Crypto(&'static str),
    /// The configuration cannot work (e.g. a public URL that cannot be a base).
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The HTTP server stopped with an error.
    #[error("server error: {0}")]
    Serve(#[source] std::io::Error),
    /// A background task panicked or was cancelled.
    #[error("background task failed: {0}")]
    Task(String),
    /// A private file or directory is not private (or cannot be made so): the portal will
    /// not use it. The message names the file and the fix.
    #[error(transparent)]
    Files(#[from] crate::private_files::PrivateFileError),
}

/// An error answer of the portal API: an HTTP status and an [`ApiErrorBody`].
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    code: ApiErrorCode,
    message: Cow<'static, str>,
    bearer_challenge: bool,
    fields: Vec<FieldProblem>,
    /// Seconds for a `Retry-After` header.
    retry_after: Option<u64>,
}

impl ApiError {
    /// An error with an explicit status.
    pub fn new(
        status: StatusCode,
        code: ApiErrorCode,
        message: impl Into<Cow<'static, str>>,
    ) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            bearer_challenge: false,
            fields: Vec::new(),
            retry_after: None,
        }
    }

    /// 429 `rate_limited` with `Retry-After` (whole seconds, at least 1).
    pub fn rate_limited(
        wait: std::time::Duration,
        message: impl Into<Cow<'static, str>>,
    ) -> ApiError {
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        ApiError {
            retry_after: Some(seconds.max(1)),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                ApiErrorCode::RateLimited,
                message,
            )
        }
    }

    /// The same error with a `Retry-After` header (whole seconds, at least 1).
    pub fn with_retry_after(self, seconds: u64) -> ApiError {
        ApiError {
            retry_after: Some(seconds.max(1)),
            ..self
        }
    }

    /// 422 `validation_failed` with each field's problem.
    pub fn validation(fields: Vec<FieldProblem>) -> ApiError {
        ApiError {
            fields,
            ..ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ApiErrorCode::ValidationFailed,
                "some values break the procedure's rules",
            )
        }
    }

    /// An error with an explicit status and each field's problem (e.g. 422
    /// `attachment_invalid` on `attachments.<requirement>`).
    pub fn with_fields(
        status: StatusCode,
        code: ApiErrorCode,
        message: impl Into<Cow<'static, str>>,
        fields: Vec<FieldProblem>,
    ) -> ApiError {
        ApiError {
            fields,
            ..ApiError::new(status, code, message)
        }
    }

    /// 413 `payload_too_large`.
    pub fn too_large(message: impl Into<Cow<'static, str>>) -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ApiErrorCode::PayloadTooLarge,
            message,
        )
    }

    /// 400 `invalid_request`.
    pub fn invalid_request(message: impl Into<Cow<'static, str>>) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            ApiErrorCode::InvalidRequest,
            message,
        )
    }

    /// 401 with the given code and a `WWW-Authenticate: Bearer` challenge (RFC 6750 §3).
    pub fn unauthorized(code: ApiErrorCode, message: impl Into<Cow<'static, str>>) -> ApiError {
        ApiError {
            bearer_challenge: true,
            ..ApiError::new(StatusCode::UNAUTHORIZED, code, message)
        }
    }

    /// 404 `not_found`.
    pub fn not_found() -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            ApiErrorCode::NotFound,
            "no such resource",
        )
    }

    /// 500 `internal`; the detail stays in the log, never in the answer.
    pub fn internal() -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ApiErrorCode::Internal,
            "internal error",
        )
    }

    /// The machine code.
    pub fn code(&self) -> ApiErrorCode {
        self.code
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ApiErrorBody {
            error: ApiErrorDetail {
                code: self.code,
                message: self.message.into_owned(),
                fields: self.fields,
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.bearer_challenge {
            let challenge = if self.code == ApiErrorCode::Unauthenticated {
                "Bearer realm=\"motcua\""
            } else {
                "Bearer realm=\"motcua\", error=\"invalid_token\""
            };
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            );
        }
        response
    }
}

impl From<rusqlite::Error> for PortalError {
    fn from(error: rusqlite::Error) -> PortalError {
        PortalError::Database(error.into())
    }
}

impl From<crate::store::sql::Error> for ApiError {
    fn from(error: crate::store::sql::Error) -> ApiError {
        tracing::error!(%error, "database error");
        ApiError::internal()
    }
}

impl From<crate::db::TaskFailed> for ApiError {
    fn from(_: crate::db::TaskFailed) -> ApiError {
        ApiError::internal()
    }
}

impl From<ring::error::Unspecified> for ApiError {
    fn from(_: ring::error::Unspecified) -> ApiError {
        tracing::error!("system randomness failed");
        ApiError::internal()
    }
}

/// A JSON body extractor whose rejections are [`ApiError`]s (400 `invalid_request`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_rejection(&rejection)),
        }
    }
}

fn json_rejection(rejection: &JsonRejection) -> ApiError {
    // A body over the route's `DefaultBodyLimit`.
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::too_large("the body is larger than allowed");
    }
    // The rejection's own text may quote the body; keep only its category.
    let message = match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            "expected a body with Content-Type: application/json"
        }
        JsonRejection::JsonSyntaxError(_) => "the body is not valid JSON",
        JsonRejection::JsonDataError(_) => "the JSON body does not have the expected fields",
        JsonRejection::BytesRejection(_) => "the body could not be read",
        _ => "the body was refused",
    };
    ApiError::invalid_request(message)
}

/// A raw body extractor whose rejections are [`ApiError`]s: 413 `payload_too_large` over
/// the route's `DefaultBodyLimit`, 400 `invalid_request` when the body cannot be read
/// (the client went away, or stalled past the body read timeout).
#[derive(Debug, Clone, Default)]
pub struct ApiBytes(pub axum::body::Bytes);

impl<S> FromRequest<S> for ApiBytes
where
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::body::Bytes::from_request(req, state).await {
            Ok(bytes) => Ok(ApiBytes(bytes)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::too_large("the body is larger than allowed"))
            }
            Err(_) => Err(ApiError::invalid_request("the body could not be read")),
        }
    }
}
