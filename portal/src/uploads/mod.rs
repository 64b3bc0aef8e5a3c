//! Attachment uploads: tus 1.0 (core protocol and the `creation`, `expiration` and
//! `termination` extensions), each upload owned by the citizen who created it.
//!
//! Until a dossier references it, an upload counts against its citizen's quotas
//! ([`UploadPolicy`]) and expires `expiry_secs` after its last progress; expiry and
//! termination are in `upload_cleanup`.
//!
//! Bytes go to `<data dir>/uploads/<id>.part`. A `PATCH` streams its body to the file at the
//! recorded offset as it arrives (`patch`: what arrived is kept when the body is cut), syncs
//! the file, and only then records the new offset in SQLite, so the recorded
//! offset never exceeds the bytes on disk: after a crash between the two the file is
//! longer than the offset, the client resumes from the offset (it asks with `HEAD`), and the
//! stale tail is cut off before the next write. When the last byte arrives the file is
//! hashed; if it matches the declared SHA-256 it is renamed to the content-addressed blob
//! `<data dir>/blobs/<first 2 hex>/<sha256>` (or dropped when that blob exists: the same
//! content twice is one blob) before the upload is recorded complete, in one update; a
//! mismatch marks the upload failed. A crash between the rename and the update leaves a
//! receiving upload without its part file: the next `PATCH` finds fewer bytes on disk than
//! recorded, rewinds the offset to them (0) and answers 409, so the client starts again
//! from `HEAD`. Blobs are never written in place. The id is random and checked to be 32 hex
//! digits before it is used in a path; the file name is display data only.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::store::sql::{Connection, OptionalExtension, params};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_protocol::api::ApiErrorCode;
use motcua_protocol::api::uploads::{
    ACCEPTED_MEDIA_TYPES, MAX_ATTACHMENT_BYTES, PATH_UPLOADS, TUS_VERSION, parse_upload_metadata,
};
use ring::rand::SecureRandom as _;

use crate::AppState;
use crate::db::now;
use crate::error::{ApiError, PortalError};
use crate::session::AuthenticatedCitizen;

mod patch;

pub(crate) use patch::patch;

// The tus headers (`HeaderName::from_static` wants them in lower case; a test checks them
// against the protocol's constants).
pub(crate) const TUS_RESUMABLE: HeaderName = HeaderName::from_static("tus-resumable");
const TUS_VERSION_HEADER: HeaderName = HeaderName::from_static("tus-version");
const TUS_MAX_SIZE: HeaderName = HeaderName::from_static("tus-max-size");
const TUS_EXTENSION: HeaderName = HeaderName::from_static("tus-extension");
const UPLOAD_LENGTH: HeaderName = HeaderName::from_static("upload-length");
const UPLOAD_OFFSET: HeaderName = HeaderName::from_static("upload-offset");
const UPLOAD_METADATA: HeaderName = HeaderName::from_static("upload-metadata");
const UPLOAD_DEFER_LENGTH: HeaderName = HeaderName::from_static("upload-defer-length");
const UPLOAD_EXPIRES: HeaderName = HeaderName::from_static("upload-expires");
/// The tus extensions served.
const EXTENSIONS: &str = "creation,expiration,termination";
/// Longest file name kept (characters).
pub(crate) const MAX_FILE_NAME_CHARS: usize = 255;

/// Limits on the uploads a citizen holds that no dossier references yet.
#[derive(Debug, Clone, Copy)]
pub(crate) struct UploadPolicy {
    /// Most such uploads per citizen, finished or not.
    pub quota_count: u64,
    /// Most bytes (declared lengths) of such uploads per citizen.
    pub quota_bytes: u64,
    /// Seconds after its last progress that such an upload expires (at least 1).
    pub expiry_secs: u64,
}

impl UploadPolicy {
    /// The expiry in seconds, as a database offset.
    pub(crate) fn expiry(&self) -> i64 {
        crate::db::secs(self.expiry_secs)
    }
}

/// Where upload bytes live, the limits, and which uploads a request is writing or
/// removing right now.
pub(crate) struct UploadStore {
    uploads_dir: PathBuf,
    pub(crate) blobs_dir: PathBuf,
    pub(crate) policy: UploadPolicy,
    busy: Mutex<HashSet<String>>,
}

impl UploadStore {
    /// The store under `data_dir` (creates `uploads/` and `blobs/`).
    pub(crate) fn open(data_dir: &Path, policy: UploadPolicy) -> Result<UploadStore, PortalError> {
        let uploads_dir = data_dir.join("uploads");
        let blobs_dir = data_dir.join("blobs");
        for dir in [&uploads_dir, &blobs_dir] {
            crate::private_files::create_dir_all(dir)?;
        }
        Ok(UploadStore {
            uploads_dir,
            blobs_dir,
            policy,
            busy: Mutex::new(HashSet::new()),
        })
    }

    pub(crate) fn part_path(&self, id: &UploadId) -> PathBuf {
        self.uploads_dir.join(format!("{}.part", id.0))
    }

    /// The directory of part files.
    pub(crate) fn uploads_dir(&self) -> &Path {
        &self.uploads_dir
    }

    /// The uploads a request holds right now (a `PATCH` writing, a `DELETE` removing).
    pub(crate) fn busy_ids(&self) -> HashSet<String> {
        self.busy
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Marks `id` as being written or removed; `None` when another request holds it.
    pub(crate) fn claim(state: &AppState, id: &UploadId) -> Option<Claim> {
        let mut busy = state
            .uploads
            .busy
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        busy.insert(id.0.clone()).then(|| Claim {
            state: state.clone(),
            id: id.0.clone(),
        })
    }
}

/// An upload being written by one `PATCH` (or removed by one `DELETE`); released when
/// dropped.
pub(crate) struct Claim {
    state: AppState,
    id: String,
}

impl Drop for Claim {
    fn drop(&mut self) {
        self.state
            .uploads
            .busy
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(&self.id);
    }
}

pub(crate) fn blob_path(blobs_dir: &Path, sha256: &str) -> PathBuf {
    blobs_dir.join(sha256.get(..2).unwrap_or("00")).join(sha256)
}

/// An upload id: 32 lower-case hex digits (128 random bits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UploadId(pub(crate) String);

impl UploadId {
    pub(crate) fn parse(text: &str) -> Option<UploadId> {
        (text.len() == 32 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| UploadId(text.to_owned()))
    }

    fn random(state: &AppState) -> Result<UploadId, ApiError> {
        let mut bytes = [0u8; 16];
        state.rng.fill(&mut bytes)?;
        Ok(UploadId(hex(&bytes)))
    }
}

/// Lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

/// A SHA-256 digest in hex (either case) → lower case; `None` if it is not 64 hex digits.
pub(crate) fn parse_sha256(text: &str) -> Option<String> {
    (text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| text.to_ascii_lowercase())
}

/// The accepted media type equal (ignoring case) to `text`.
pub(crate) fn accepted_media_type(text: &str) -> Option<&'static str> {
    ACCEPTED_MEDIA_TYPES
        .iter()
        .copied()
        .find(|accepted| accepted.eq_ignore_ascii_case(text.trim()))
}

/// Whether a file name is acceptable as display data: not blank, at most
/// [`MAX_FILE_NAME_CHARS`], no control characters. Path separators are allowed: the name
/// is never used as a path.
pub(crate) fn valid_file_name(name: &str) -> bool {
    !name.trim().is_empty()
        && name.chars().count() <= MAX_FILE_NAME_CHARS
        && !name.chars().any(char::is_control)
}

/// Where an upload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UploadStatus {
    Receiving,
    Complete,
    Failed,
}

impl UploadStatus {
    pub(crate) fn from_db(text: &str) -> UploadStatus {
        match text {
            "receiving" => UploadStatus::Receiving,
            "complete" => UploadStatus::Complete,
            _ => UploadStatus::Failed,
        }
    }
}

/// An upload row as the handlers need it.
#[derive(Debug, Clone)]
struct UploadRow {
    length: u64,
    offset: u64,
    status: UploadStatus,
    sha256: String,
    /// When it expires (Unix seconds); `None` once a dossier references it.
    expires_at: Option<i64>,
}

impl UploadRow {
    fn expired(&self, now: i64) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }
}

fn to_u64(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

async fn load(
    state: &AppState,
    id: &UploadId,
    citizen: AuthenticatedCitizen,
) -> Result<Option<UploadRow>, ApiError> {
    let id = id.0.clone();
    let expiry = state.uploads.policy.expiry();
    let row = state
        .db
        .call(move |conn| {
            conn.prepare_cached(
                "SELECT length, upload_offset, status, sha256, touched_at,
                        EXISTS (SELECT 1 FROM dossier_attachments a WHERE a.upload_id = u.id)
                 FROM uploads u WHERE id = ?1 AND citizen_id = ?2",
            )?
            .query_row(params![id, citizen.citizen_id], |row| {
                let touched_at: i64 = row.get(4)?;
                let referenced: bool = row.get(5)?;
                Ok(UploadRow {
                    length: to_u64(row.get(0)?),
                    offset: to_u64(row.get(1)?),
                    status: UploadStatus::from_db(&row.get::<_, String>(2)?),
                    sha256: row.get(3)?,
                    expires_at: (!referenced).then(|| touched_at.saturating_add(expiry)),
                })
            })
            .optional()
        })
        .await??;
    Ok(row)
}

/// Adds `Tus-Resumable` to every answer of the upload routes, and `Tus-Version` to 412s.
pub(crate) async fn tus_headers(mut response: Response) -> Response {
    let precondition_failed = response.status() == StatusCode::PRECONDITION_FAILED;
    let headers = response.headers_mut();
    headers.insert(TUS_RESUMABLE, HeaderValue::from_static(TUS_VERSION));
    if precondition_failed {
        headers.insert(TUS_VERSION_HEADER, HeaderValue::from_static(TUS_VERSION));
    }
    response
}

pub(crate) fn require_tus(headers: &HeaderMap) -> Result<(), ApiError> {
    match headers.get(TUS_RESUMABLE) {
        Some(value) if value.as_bytes() == TUS_VERSION.as_bytes() => Ok(()),
        _ => Err(ApiError::new(
            StatusCode::PRECONDITION_FAILED,
            ApiErrorCode::InvalidRequest,
            "this server speaks tus 1.0.0: send Tus-Resumable: 1.0.0",
        )),
    }
}

/// The single value of a header, as text; `Err` when repeated or not visible ASCII.
fn single<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Result<Option<&'a str>, ()> {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(());
    }
    first.to_str().map(Some).map_err(|_| ())
}

/// A non-negative decimal header value (digits only).
fn number(headers: &HeaderMap, name: &HeaderName) -> Result<Option<u64>, ()> {
    match single(headers, name)? {
        None => Ok(None),
        Some(text) => {
            let text = text.trim();
            if text.is_empty() || text.len() > 19 || !text.bytes().all(|b| b.is_ascii_digit()) {
                return Err(());
            }
            text.parse().map(Some).map_err(|_| ())
        }
    }
}

pub(crate) fn upload_id(
    path: Result<UrlPath<String>, PathRejection>,
) -> Result<UploadId, ApiError> {
    path.ok()
        .and_then(|UrlPath(id)| UploadId::parse(&id))
        .ok_or_else(ApiError::not_found)
}

/// 410 `upload_expired`: the upload expired but the sweep has not removed it yet (after
/// that it is unknown: 404).
fn expired() -> ApiError {
    ApiError::new(
        StatusCode::GONE,
        ApiErrorCode::UploadExpired,
        "the upload expired; create a new one",
    )
}

/// An RFC 9110 HTTP date (IMF-fixdate), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
pub(crate) fn http_date(unix: i64) -> HeaderValue {
    let text = chrono::DateTime::from_timestamp(unix, 0)
        .unwrap_or_default()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn gone() -> ApiError {
    ApiError::new(
        StatusCode::GONE,
        ApiErrorCode::AttachmentInvalid,
        "the upload failed its check; upload the file again",
    )
}

fn offset_mismatch(current: u64) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        ApiErrorCode::UploadOffsetMismatch,
        format!("the upload is at offset {current}"),
    )
}

fn header_value(value: u64) -> HeaderValue {
    HeaderValue::from(value)
}

/// `OPTIONS /api/v1/uploads`: the tus capabilities.
pub(crate) async fn options(_citizen: AuthenticatedCitizen) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.insert(TUS_VERSION_HEADER, HeaderValue::from_static(TUS_VERSION));
    headers.insert(TUS_MAX_SIZE, header_value(MAX_ATTACHMENT_BYTES));
    headers.insert(TUS_EXTENSION, HeaderValue::from_static(EXTENSIONS));
    response
}

/// What a creation request declared.
struct Declared {
    length: u64,
    file_name: String,
    media_type: &'static str,
    sha256: String,
}

fn declared(headers: &HeaderMap) -> Result<Declared, ApiError> {
    if headers.contains_key(UPLOAD_DEFER_LENGTH) {
        return Err(ApiError::invalid_request(
            "Upload-Defer-Length is not supported: send Upload-Length",
        ));
    }
    let length = match number(headers, &UPLOAD_LENGTH) {
        Ok(Some(length)) => length,
        _ => {
            return Err(ApiError::invalid_request(
                "Upload-Length is required: the size of the file in bytes",
            ));
        }
    };
    if length == 0 {
        return Err(ApiError::invalid_request("empty files are not accepted"));
    }
    if length > MAX_ATTACHMENT_BYTES {
        return Err(ApiError::too_large(format!(
            "files are accepted up to {MAX_ATTACHMENT_BYTES} bytes"
        )));
    }
    let metadata = single(headers, &UPLOAD_METADATA)
        .ok()
        .flatten()
        .and_then(parse_upload_metadata)
        .ok_or_else(|| {
            ApiError::invalid_request(
                "Upload-Metadata with filename, filetype and sha256 is required",
            )
        })?;
    let file_name = metadata
        .get("filename")
        .filter(|name| valid_file_name(name))
        .ok_or_else(|| {
            ApiError::invalid_request(
                "metadata filename is required: 1 to 255 characters, no control characters",
            )
        })?;
    let media_type = metadata
        .get("filetype")
        .ok_or_else(|| ApiError::invalid_request("metadata filetype is required"))?;
    let media_type = accepted_media_type(media_type).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiErrorCode::UnsupportedMediaType,
            format!("accepted file types: {}", ACCEPTED_MEDIA_TYPES.join(", ")),
        )
    })?;
    let sha256 = metadata
        .get("sha256")
        .and_then(|digest| parse_sha256(digest))
        .ok_or_else(|| ApiError::invalid_request("metadata sha256 is required: 64 hex digits"))?;
    Ok(Declared {
        length,
        file_name: file_name.clone(),
        media_type,
        sha256,
    })
}

/// `POST /api/v1/uploads` (tus creation): 201 with the new upload's `Location`.
pub(crate) async fn create(
    State(state): State<AppState>,
    citizen: AuthenticatedCitizen,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    require_tus(&headers)?;
    let declared = declared(&headers)?;
    let id = UploadId::random(&state)?;
    let row_id = id.0.clone();
    let policy = state.uploads.policy;
    let created_at = now();
    let outcome = state
        .db
        .call(
            move |conn| -> crate::store::sql::Result<Result<(), QuotaReached>> {
                // Immediate: two creations of one citizen at once cannot both pass the check.
                let tx = conn
                    .transaction_with_behavior(crate::store::sql::TransactionBehavior::Immediate)?;
                let held = held(&tx, citizen.citizen_id, created_at, policy.expiry())?;
                let retry_after = held
                    .oldest_touched_at
                    .map(|at| to_u64(at.saturating_add(policy.expiry()) - created_at).max(1));
                if held.count.saturating_add(1) > policy.quota_count {
                    return Ok(Err(QuotaReached::Count { retry_after }));
                }
                if held.bytes.saturating_add(declared.length) > policy.quota_bytes {
                    return Ok(Err(QuotaReached::Bytes { retry_after }));
                }
                tx.execute(
                    "INSERT INTO uploads
                 (id, citizen_id, length, media_type, file_name, sha256, status, created_at,
                  touched_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'receiving', ?7, ?7)",
                    params![
                        row_id,
                        citizen.citizen_id,
                        to_i64(declared.length),
                        declared.media_type,
                        declared.file_name,
                        declared.sha256,
                        created_at
                    ],
                )?;
                tx.commit()?;
                Ok(Ok(()))
            },
        )
        .await??;
    if let Err(reached) = outcome {
        tracing::info!(
            quota = reached.kind(),
            "an upload was refused: quota reached"
        );
        return Err(reached.into_error(&policy));
    }
    let location = HeaderValue::from_str(&format!("{PATH_UPLOADS}/{}", id.0))
        .map_err(|_| ApiError::internal())?;
    let mut response = StatusCode::CREATED.into_response();
    let headers = response.headers_mut();
    headers.insert(header::LOCATION, location);
    headers.insert(
        UPLOAD_EXPIRES,
        http_date(created_at.saturating_add(policy.expiry())),
    );
    Ok(response)
}

/// What a citizen holds that no dossier references and has not expired.
struct Held {
    count: u64,
    bytes: u64,
    /// The last progress of the one that expires first.
    oldest_touched_at: Option<i64>,
}

fn held(
    tx: &Connection,
    citizen_id: i64,
    now: i64,
    expiry: i64,
) -> crate::store::sql::Result<Held> {
    tx.prepare_cached(
        "SELECT count(*), CAST(COALESCE(sum(length), 0) AS BIGINT), min(touched_at) FROM uploads u
         WHERE citizen_id = ?1 AND touched_at > ?2
           AND NOT EXISTS (SELECT 1 FROM dossier_attachments a WHERE a.upload_id = u.id)",
    )?
    .query_row(params![citizen_id, now.saturating_sub(expiry)], |row| {
        Ok(Held {
            count: to_u64(row.get(0)?),
            bytes: to_u64(row.get(1)?),
            oldest_touched_at: row.get(2)?,
        })
    })
}

/// Which quota a creation would break; `retry_after`: seconds until the first held upload
/// expires (none when nothing is held: the upload alone is over the quota).
enum QuotaReached {
    Count { retry_after: Option<u64> },
    Bytes { retry_after: Option<u64> },
}

impl QuotaReached {
    fn kind(&self) -> &'static str {
        match self {
            QuotaReached::Count { .. } => "count",
            QuotaReached::Bytes { .. } => "bytes",
        }
    }

    /// Count: 429, like tus servers' other "not now" answers; bytes: 413, the status tus
    /// gives a creation whose length is over what the server takes. Both `Retry-After`.
    fn into_error(self, policy: &UploadPolicy) -> ApiError {
        let (status, message, retry_after) = match self {
            QuotaReached::Count { retry_after } => (
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "at most {} uploads not yet attached to a dossier may be held at once; \
                     delete abandoned ones or wait for them to expire",
                    policy.quota_count
                ),
                retry_after,
            ),
            QuotaReached::Bytes { retry_after } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "at most {} bytes of uploads not yet attached to a dossier may be held \
                     at once; delete abandoned ones or wait for them to expire",
                    policy.quota_bytes
                ),
                retry_after,
            ),
        };
        let error = ApiError::new(status, ApiErrorCode::UploadQuotaExceeded, message);
        match retry_after {
            Some(seconds) => error.with_retry_after(seconds),
            None => error,
        }
    }
}

/// `HEAD /api/v1/uploads/{id}`: the offset to resume from.
pub(crate) async fn head(
    State(state): State<AppState>,
    citizen: AuthenticatedCitizen,
    headers: HeaderMap,
    path: Result<UrlPath<String>, PathRejection>,
) -> Result<Response, ApiError> {
    require_tus(&headers)?;
    let id = upload_id(path)?;
    let row = load(&state, &id, citizen)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if row.expired(now()) {
        return Err(expired());
    }
    if row.status == UploadStatus::Failed {
        return Err(gone());
    }
    let mut response = StatusCode::OK.into_response();
    let headers = response.headers_mut();
    headers.insert(UPLOAD_OFFSET, header_value(row.offset));
    headers.insert(UPLOAD_LENGTH, header_value(row.length));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(at) = row.expires_at {
        headers.insert(UPLOAD_EXPIRES, http_date(at));
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_protocol::api::uploads::{
        HEADER_TUS_RESUMABLE, HEADER_UPLOAD_LENGTH, HEADER_UPLOAD_METADATA, HEADER_UPLOAD_OFFSET,
    };

    #[test]
    fn header_names_are_the_protocol_ones() {
        assert_eq!(
            TUS_RESUMABLE.as_str(),
            HEADER_TUS_RESUMABLE.to_ascii_lowercase()
        );
        assert_eq!(
            UPLOAD_LENGTH.as_str(),
            HEADER_UPLOAD_LENGTH.to_ascii_lowercase()
        );
        assert_eq!(
            UPLOAD_OFFSET.as_str(),
            HEADER_UPLOAD_OFFSET.to_ascii_lowercase()
        );
        assert_eq!(
            UPLOAD_METADATA.as_str(),
            HEADER_UPLOAD_METADATA.to_ascii_lowercase()
        );
    }

    #[test]
    fn ids_digests_and_names_are_checked() {
        assert!(UploadId::parse("0123456789abcdef0123456789abcdef").is_some());
        for bad in [
            "",
            "../../portal.sqlite",
            "0123456789ABCDEF0123456789abcdef",
            "0123456789abcdef0123456789abcde",
            "0123456789abcdef0123456789abcdef0",
            "0123456789abcdef/123456789abcdef",
        ] {
            assert!(UploadId::parse(bad).is_none(), "{bad}");
        }
        let digest = "A".repeat(64);
        assert_eq!(parse_sha256(&digest), Some("a".repeat(64)));
        assert!(parse_sha256(&"g".repeat(64)).is_none());
        assert!(parse_sha256("ab").is_none());
        assert_eq!(accepted_media_type("Image/JPEG"), Some("image/jpeg"));
        assert!(accepted_media_type("text/html").is_none());
        assert!(valid_file_name("../../etc/passwd"));
        assert!(valid_file_name("giấy khai sinh.jpg"));
        assert!(!valid_file_name("  "));
        assert!(!valid_file_name("a\nb"));
        assert!(!valid_file_name(&"x".repeat(256)));
        assert_eq!(hex(&[0x00, 0xab, 0xff]), "00abff");
    }
}
