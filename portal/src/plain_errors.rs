//! The last line of defence for "every error is our JSON error with a code": an answer
//! that leaves a handler or an extractor as an error without a body type we chose
//! (axum's rejections are `text/plain`; a bare status has no body at all) is replaced by
//! the [`ApiError`] of its status. Handlers and extractors already answer with
//! [`ApiError`]; this catches the ones a future route forgets.
//!
//! HTML pages of the built-in provider and its OAuth JSON errors (RFC 6749 §5.2) are
//! left alone: they are the body types their clients expect.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_protocol::api::ApiErrorCode;

use crate::error::ApiError;

/// `map_response` middleware: replaces a plain-text or body-less error answer with our
/// JSON error of the same status (headers such as `Retry-After` or `Allow` are kept).
pub(crate) async fn json_errors(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let plain = match response.headers().get(header::CONTENT_TYPE) {
        None => true,
        Some(value) => value
            .to_str()
            .map(|value| {
                value
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with("text/plain")
            })
            .unwrap_or(true),
    };
    if !plain {
        return response;
    }
    let (mut parts, _discarded) = response.into_parts();
    // The discarded text may quote the request; only the status survives.
    tracing::debug!(
        status = status.as_u16(),
        "plain error answer replaced by JSON"
    );
    let replacement = error_for(status).into_response();
    let (replacement_parts, body) = replacement.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    for (name, value) in &replacement_parts.headers {
        parts.headers.insert(name.clone(), value.clone());
    }
    Response::from_parts(parts, body)
}

/// Our error for a status that reached the client without one.
fn error_for(status: StatusCode) -> ApiError {
    let (code, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            ApiErrorCode::PayloadTooLarge,
            "the body is larger than allowed",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            ApiErrorCode::UnsupportedMediaType,
            "the body's media type is not accepted here",
        ),
        StatusCode::NOT_FOUND => (ApiErrorCode::NotFound, "no such resource"),
        StatusCode::METHOD_NOT_ALLOWED => (
            ApiErrorCode::InvalidRequest,
            "method not allowed on this path",
        ),
        StatusCode::UNAUTHORIZED => (ApiErrorCode::Unauthenticated, "authentication required"),
        StatusCode::FORBIDDEN => (ApiErrorCode::Forbidden, "not allowed"),
        StatusCode::TOO_MANY_REQUESTS => (ApiErrorCode::RateLimited, "too many requests"),
        StatusCode::REQUEST_TIMEOUT => (
            ApiErrorCode::InvalidRequest,
            "the request was not received in time",
        ),
        status if status.is_server_error() => (ApiErrorCode::Internal, "internal error"),
        _ => (ApiErrorCode::InvalidRequest, "the request was refused"),
    };
    ApiError::new(status, code, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;
    use motcua_protocol::api::ApiErrorBody;

    async fn body_of(response: Response) -> ApiErrorBody {
        let bytes = to_bytes(response.into_body(), 64 * 1024).await.unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn plain_text_rejections_become_json_errors_with_a_code() {
        let plain = (
            StatusCode::PAYLOAD_TOO_LARGE,
            "Failed to buffer the request body",
        )
            .into_response();
        let response = json_errors(plain).await;
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        assert_eq!(
            body_of(response).await.error.code,
            ApiErrorCode::PayloadTooLarge
        );

        let bare = StatusCode::BAD_GATEWAY.into_response();
        let response = json_errors(bare).await;
        assert_eq!(body_of(response).await.error.code, ApiErrorCode::Internal);
    }

    #[tokio::test]
    async fn chosen_bodies_and_successes_are_left_alone() {
        let html = (
            StatusCode::BAD_REQUEST,
            axum::response::Html("<p>Yêu cầu không hợp lệ</p>"),
        )
            .into_response();
        let response = json_errors(html).await;
        assert!(
            response.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let ok = (StatusCode::OK, "fine").into_response();
        let response = json_errors(ok).await;
        assert!(
            response.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/plain")
        );
    }
}
