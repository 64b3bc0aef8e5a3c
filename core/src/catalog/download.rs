//! A catalog body downloaded patiently: conditional (`If-None-Match`), and when the link is
//! cut halfway the bytes that arrived are kept (in SQLite, every [`KEEP_EVERY`] bytes and
//! at the cut) and the rest is asked for with `Range` + `If-Range`, in the same call while
//! each attempt makes progress, or at the next call (decision record 0006). An exchange
//! that broke before any byte of the body came through (a cut loses what the link held)
//! is tried again after [`PAUSES`]; a stall (no progress for the stall timeout, decision
//! record 0005) or a connection that cannot be opened ends the call at once: the link is
//! down, and the kept bytes wait for the next call.
//!
//! What is downloaded is the portal's gzip file of the body (`….gz`, `application/gzip`,
//! no `Content-Encoding`), so the HTTP stack's own gzip decoding leaves it alone: the kept
//! prefix is of the bytes on the wire, a range asks for exactly the rest (still
//! compressed), and the whole is decompressed here once complete.

use reqwest::StatusCode;
use reqwest::header::{CONTENT_RANGE, ETAG, IF_NONE_MATCH, IF_RANGE, RANGE};

use super::CatalogError;
use crate::http::{COULD_NOT_CONNECT, HttpClient, STALLED};
use std::sync::Arc;

use crate::store::Database;
use crate::store::catalog as store;

/// Bytes received between two saves of a cut download's prefix: a process killed mid-body
/// loses at most this much.
pub(crate) const KEEP_EVERY: usize = 16 * 1024;

/// Attempts within one call, as long as each one receives more bytes (or broke before
/// any came, see [`PAUSES`]).
const ATTEMPTS: usize = 8;

/// Pauses before trying again after exchanges that broke without bringing a byte, one per
/// such failure in a row; when they are spent the call fails.
const PAUSES: [std::time::Duration; 3] = [
    std::time::Duration::from_secs(1),
    std::time::Duration::from_secs(2),
    std::time::Duration::from_secs(4),
];

/// What came back.
pub(crate) enum Download {
    /// 304: the version the phone has is current.
    NotModified,
    /// The whole body (put together from its parts when it was cut).
    Body(Vec<u8>),
}

/// Downloads `path` of the portal at `portal_url`, conditional on `if_none_match`, continuing a
/// download of the same path that was cut earlier.
pub(crate) async fn download(
    http: &HttpClient,
    database: &Arc<Database>,
    portal_url: &url::Url,
    path: &str,
    if_none_match: Option<&str>,
) -> Result<Download, CatalogError> {
    let url = crate::portal_endpoint(portal_url, path);
    let mut last_error = None;
    let mut fruitless = 0;
    for attempt in 0..ATTEMPTS {
        let before = kept(database, path).await?.map(|(_, bytes)| bytes.len());
        match attempt_once(http, database, &url, path, if_none_match).await {
            Ok(done) => return Ok(done),
            Err(CatalogError::Network(detail)) => {
                let after = kept(database, path).await?.map(|(_, bytes)| bytes.len());
                tracing::info!(attempt, ?before, ?after, %detail, "catalog download cut");
                let progressed = after.unwrap_or(0) > before.unwrap_or(0);
                if progressed {
                    fruitless = 0;
                } else if detail == STALLED || detail == COULD_NOT_CONNECT {
                    // The link is down or not moving; the kept bytes wait for the next call.
                    return Err(CatalogError::Network(detail));
                } else {
                    // Broke before a byte came through (a cut loses what the link held).
                    let Some(pause) = PAUSES.get(fruitless) else {
                        return Err(CatalogError::Network(detail));
                    };
                    fruitless += 1;
                    tokio::time::sleep(*pause).await;
                }
                last_error = Some(CatalogError::Network(detail));
            }
            Err(other) => return Err(other),
        }
    }
    Err(last_error.unwrap_or_else(|| CatalogError::Network("no progress".into())))
}

async fn attempt_once(
    http: &HttpClient,
    database: &Arc<Database>,
    url: &str,
    path: &str,
    if_none_match: Option<&str>,
) -> Result<Download, CatalogError> {
    let partial = kept(database, path).await?;
    // The file is compressed already: nothing to gain from another encoding on top.
    let mut request = http
        .raw()
        .get(url)
        .header(reqwest::header::ACCEPT_ENCODING, "identity");
    if let Some(tag) = if_none_match {
        request = request.header(IF_NONE_MATCH, tag);
    }
    if let Some((validator, bytes)) = &partial {
        request = request
            .header(RANGE, format!("bytes={}-", bytes.len()))
            .header(IF_RANGE, validator.as_str());
    }
    let mut response = http.send_any(request).await?;
    let status = response.status();
    if status == StatusCode::NOT_MODIFIED {
        forget(database, path).await?;
        return Ok(Download::NotModified);
    }
    if status == StatusCode::RANGE_NOT_SATISFIABLE {
        // What was kept is no prefix of the current body: start again.
        forget(database, path).await?;
        return Err(CatalogError::Network("range refused".into()));
    }
    if !status.is_success() {
        return Err(CatalogError::Unexpected(format!(
            "HTTP {}",
            status.as_u16()
        )));
    }
    // A strong tag, for If-Range.
    let validator = response
        .headers()
        .get(ETAG)
        .and_then(|v| v.to_str().ok())
        .filter(|tag| !tag.starts_with("W/"))
        .map(str::to_owned);
    let mut body = match (&partial, status) {
        (Some((_, bytes)), StatusCode::PARTIAL_CONTENT) => {
            let start = response
                .headers()
                .get(CONTENT_RANGE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("bytes "))
                .and_then(|v| v.split('-').next())
                .and_then(|v| v.parse::<usize>().ok());
            if start != Some(bytes.len()) {
                forget(database, path).await?;
                return Err(CatalogError::Unexpected("range not where asked".into()));
            }
            tracing::debug!(kept = bytes.len(), "catalog download continues");
            bytes.clone()
        }
        (None, StatusCode::PARTIAL_CONTENT) => {
            return Err(CatalogError::Unexpected(
                "a range that was not asked for".into(),
            ));
        }
        _ => Vec::new(),
    };
    let mut saved = body.len();
    loop {
        match http.chunk(&mut response).await {
            Ok(Some(chunk)) => {
                body.extend_from_slice(&chunk);
                if body.len() - saved >= KEEP_EVERY
                    && let Some(validator) = &validator
                {
                    keep(database, path, validator, &body).await?;
                    saved = body.len();
                }
            }
            Ok(None) => break,
            Err(error) => {
                if let Some(validator) = &validator
                    && body.len() > saved
                {
                    keep(database, path, validator, &body).await?;
                }
                return Err(error.into());
            }
        }
    }
    forget(database, path).await?;
    let mut json = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&body[..]), &mut json)
        .map_err(|e| CatalogError::Unexpected(format!("not a gzip body: {e}")))?;
    Ok(Download::Body(json))
}

// The store's calls for the kept prefix, on the blocking pool (see
// [`Database::blocking`]): this loop runs on the async threads.

async fn kept(
    database: &Arc<Database>,
    path: &str,
) -> Result<Option<(String, Vec<u8>)>, CatalogError> {
    let path = path.to_owned();
    database
        .blocking(move |database| store::kept(database, &path))
        .await
}

async fn keep(
    database: &Arc<Database>,
    path: &str,
    validator: &str,
    bytes: &[u8],
) -> Result<(), CatalogError> {
    let (path, validator, bytes) = (path.to_owned(), validator.to_owned(), bytes.to_vec());
    database
        .blocking(move |database| store::keep(database, &path, &validator, &bytes))
        .await
}

async fn forget(database: &Arc<Database>, path: &str) -> Result<(), CatalogError> {
    let path = path.to_owned();
    database
        .blocking(move |database| store::forget(database, &path))
        .await
}
