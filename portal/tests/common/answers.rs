//! Checks of the portal's answers and digests, shared by the test files (they were copied
//! into each).

use motcua_protocol::api::{ApiErrorBody, ApiErrorCode};
use reqwest::Response;
use reqwest::header::HeaderMap;

/// The lowercase hex SHA-256 of `bytes`, as the API names attachments.
pub fn sha256_hex(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The JSON error body of an answer that must have `status`.
pub async fn error_of(response: Response, status: u16) -> ApiErrorBody {
    assert_eq!(response.status(), status, "{:?}", response.headers());
    response.json().await.unwrap()
}

/// Checks a JSON error answer (`status` and `code`); returns its body.
pub async fn expect_error(response: Response, status: u16, code: ApiErrorCode) -> ApiErrorBody {
    let body = error_of(response, status).await;
    assert_eq!(body.error.code, code, "{:?}", body.error);
    body
}

/// Checks a JSON error answer (`status` and `code`); returns its headers (tus answers
/// carry their state there).
pub async fn expect_error_headers(
    response: Response,
    status: u16,
    code: ApiErrorCode,
) -> HeaderMap {
    let headers = response.headers().clone();
    expect_error(response, status, code).await;
    headers
}
