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
use rusqlite::{OptionalExtension as _, params};

use super::CatalogError;
use crate::http::{COULD_NOT_CONNECT, HttpClient, STALLED};
use crate::store::Database;

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
    database: &Database,
    portal_url: &url::Url,
    path: &str,
    if_none_match: Option<&str>,
) -> Result<Download, CatalogError> {
    let url = crate::portal_endpoint(portal_url, path);
    let mut last_error = None;
    let mut fruitless = 0;
    for attempt in 0..ATTEMPTS {
        let before = kept(database, path)?.map(|(_, bytes)| bytes.len());
        match attempt_once(http, database, &url, path, if_none_match).await {
            Ok(done) => return Ok(done),
            Err(CatalogError::Network(detail)) => {
                let after = kept(database, path)?.map(|(_, bytes)| bytes.len());
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
    database: &Database,
    url: &str,
    path: &str,
    if_none_match: Option<&str>,
) -> Result<Download, CatalogError> {
    let partial = kept(database, path)?;
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
        forget(database, path)?;
        return Ok(Download::NotModified);
    }
    if status == StatusCode::RANGE_NOT_SATISFIABLE {
        // What was kept is no prefix of the current body: start again.
        forget(database, path)?;
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
                forget(database, path)?;
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
                    keep(database, path, validator, &body)?;
                    saved = body.len();
                }
            }
            Ok(None) => break,
            Err(error) => {
                if let Some(validator) = &validator
                    && body.len() > saved
                {
                    keep(database, path, validator, &body)?;
                }
                return Err(error.into());
            }
        }
    }
    forget(database, path)?;
    let mut json = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&body[..]), &mut json)
        .map_err(|e| CatalogError::Unexpected(format!("not a gzip body: {e}")))?;
    Ok(Download::Body(json))
}

/// The kept prefix of a cut download of `path`, with its validator.
pub(crate) fn kept(
    database: &Database,
    path: &str,
) -> Result<Option<(String, Vec<u8>)>, CatalogError> {
    Ok(database
        .connection()?
        .query_row(
            "SELECT validator, received FROM catalog_downloads WHERE path = ?1",
            params![path],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?)
}

fn keep(
    database: &Database,
    path: &str,
    validator: &str,
    bytes: &[u8],
) -> Result<(), CatalogError> {
    database.connection()?.execute(
        "INSERT INTO catalog_downloads (path, validator, received, updated_at)
         VALUES (?1, ?2, ?3, strftime('%s','now'))
         ON CONFLICT(path) DO UPDATE SET validator = ?2, received = ?3,
             updated_at = strftime('%s','now')",
        params![path, validator, bytes],
    )?;
    Ok(())
}

/// Drops a kept prefix (the download finished, or what was kept is of no use).
pub(crate) fn forget(database: &Database, path: &str) -> Result<(), CatalogError> {
    database.connection()?.execute(
        "DELETE FROM catalog_downloads WHERE path = ?1",
        params![path],
    )?;
    Ok(())
}
