//! HTTP to the portal and the identity provider: one client, bounded timeouts, typed
//! failures. Bodies and URLs with secrets are never logged.

use std::time::Duration;

use motcua_protocol::api::{ApiErrorBody, ApiErrorCode};
use serde::de::DeserializeOwned;

/// Connect timeout: a weak rural link gets this long to open a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Whole-request timeout for the small JSON requests of this module.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Why an HTTP exchange failed.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// No answer: offline, DNS, refused, reset or timed out. Worth retrying later.
    #[error("network: {0}")]
    Network(String),
    /// The portal answered with one of its typed errors.
    #[error("portal error {code:?} (HTTP {status}): {message}")]
    Api {
        /// HTTP status.
        status: u16,
        /// The portal's machine code.
        code: ApiErrorCode,
        /// The portal's detail.
        message: String,
    },
    /// An answer that is not what the endpoint promises (wrong status or body).
    #[error("unexpected answer (HTTP {status}): {detail}")]
    Unexpected {
        /// HTTP status.
        status: u16,
        /// What was wrong.
        detail: String,
    },
}

/// The shared HTTP client.
#[derive(Clone)]
pub struct HttpClient {
    client: reqwest::Client,
}

impl HttpClient {
    /// A client with the core's timeouts; it never follows redirects (an OAuth endpoint
    /// that redirects is misconfigured, and following would leak bodies).
    pub fn new() -> Result<HttpClient, reqwest::Error> {
        let client = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("motcua-core/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(HttpClient { client })
    }

    /// The underlying client, to build requests.
    pub fn raw(&self) -> &reqwest::Client {
        &self.client
    }

    /// Sends a request and decodes a JSON answer; a non-2xx answer becomes
    /// [`HttpError::Api`] when it carries the portal's error body.
    pub async fn json<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, HttpError> {
        let response = self.send(request).await?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(network)?;
        serde_json::from_slice(&bytes).map_err(|e| HttpError::Unexpected {
            status,
            detail: format!("body is not the expected JSON: {e}"),
        })
    }

    /// Decodes the JSON body of an answer already received (and checked by the caller).
    pub async fn json_from<T: DeserializeOwned>(
        &self,
        response: reqwest::Response,
    ) -> Result<T, HttpError> {
        let status = response.status().as_u16();
        if !response.status().is_success() {
            return Err(HttpError::Unexpected {
                status,
                detail: "not a success".into(),
            });
        }
        let bytes = response.bytes().await.map_err(network)?;
        serde_json::from_slice(&bytes).map_err(|e| HttpError::Unexpected {
            status,
            detail: format!("body is not the expected JSON: {e}"),
        })
    }

    /// Sends a request and checks for a 2xx answer, returning it unread.
    pub async fn send(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, HttpError> {
        let response = request.send().await.map_err(network)?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let bytes = response.bytes().await.map_err(network)?;
        Err(match serde_json::from_slice::<ApiErrorBody>(&bytes) {
            Ok(body) => HttpError::Api {
                status: status.as_u16(),
                code: body.error.code,
                message: body.error.message,
            },
            Err(_) => HttpError::Unexpected {
                status: status.as_u16(),
                detail: String::from_utf8_lossy(&bytes).chars().take(200).collect(),
            },
        })
    }
}

fn network(error: reqwest::Error) -> HttpError {
    // reqwest's Display includes the URL, which may carry a code; keep only the kind.
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_body() || error.is_decode() {
        "connection broke while reading"
    } else {
        "request failed"
    };
    HttpError::Network(kind.to_owned())
}
