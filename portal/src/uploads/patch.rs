//! `PATCH /api/v1/uploads/{id}`: a body written to the part file as it arrives, and kept
//! when it is cut (issue 18; tus 1.0 allows a server to keep the bytes of an interrupted
//! `PATCH`).
//!
//! The body is streamed to `<data dir>/uploads/<id>.part` at the recorded offset. When it
//! ends, whole or not (the client went away, the link broke, the body stalled past the
//! server's stall timeout), what arrived is synced to disk and only then recorded as the new
//! offset, so the recorded offset never exceeds the bytes on disk; the client learns it with
//! `HEAD` and sends only the rest. A body over the `PATCH` limit or past `Upload-Length` is
//! refused whole (413) and nothing of it is kept. When the last byte arrives the file is
//! hashed and becomes its content-addressed blob (`finish`).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::store::sql::params;
use axum::body::{Body, Bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use http_body::Body as _;
use motcua_protocol::api::ApiErrorCode;
use motcua_protocol::api::uploads::{MAX_PATCH_BYTES, TUS_PATCH_CONTENT_TYPE};
use tokio::io::AsyncWriteExt as _;

use super::{
    Claim, UPLOAD_EXPIRES, UPLOAD_OFFSET, UploadId, UploadStatus, UploadStore, blob_path, expired,
    gone, header_value, hex, http_date, load, number, offset_mismatch, require_tus, single, to_i64,
    upload_id,
};
use crate::AppState;
use crate::db::now;
use crate::error::ApiError;
use crate::session::AuthenticatedCitizen;

/// Bytes gathered before they are handed to the file (a body arrives in small frames).
const WRITE_BUFFER_BYTES: usize = 64 * 1024;

/// 204 with the new offset and, while no dossier references the upload, its expiry.
fn patch_answer(offset: u64, expires_at: Option<i64>) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.insert(UPLOAD_OFFSET, header_value(offset));
    if let Some(at) = expires_at {
        headers.insert(UPLOAD_EXPIRES, http_date(at));
    }
    response
}

fn too_large_for_a_patch() -> ApiError {
    ApiError::too_large("a PATCH body may be at most 1 MiB")
}

fn past_the_length() -> ApiError {
    ApiError::too_large("the body goes beyond the declared Upload-Length")
}

/// `PATCH /api/v1/uploads/{id}`: appends the body at `Upload-Offset`.
pub(crate) async fn patch(
    State(state): State<AppState>,
    citizen: AuthenticatedCitizen,
    headers: HeaderMap,
    path: Result<UrlPath<String>, PathRejection>,
    body: Body,
) -> Result<Response, ApiError> {
    require_tus(&headers)?;
    let content_type = single(&headers, &header::CONTENT_TYPE).ok().flatten();
    if !content_type.is_some_and(|value| value.trim().eq_ignore_ascii_case(TUS_PATCH_CONTENT_TYPE))
    {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiErrorCode::UnsupportedMediaType,
            "a PATCH body must be Content-Type: application/offset+octet-stream",
        ));
    }
    let offset = match number(&headers, &UPLOAD_OFFSET) {
        Ok(Some(offset)) => offset,
        _ => {
            return Err(ApiError::invalid_request(
                "Upload-Offset is required: the offset this body starts at",
            ));
        }
    };
    let id = upload_id(path)?;
    // A declared length over the limit is refused before a byte is read.
    let announced = number(&headers, &header::CONTENT_LENGTH)
        .map_err(|()| ApiError::invalid_request("Content-Length is not a number"))?;
    if announced.is_some_and(|length| length > MAX_PATCH_BYTES as u64) {
        return Err(too_large_for_a_patch());
    }
    let claim = UploadStore::claim(&state, &id).ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            ApiErrorCode::UploadOffsetMismatch,
            "another PATCH of this upload is in progress; ask for the offset with HEAD",
        )
    })?;
    // The write runs to its end even if the client goes away (what arrived is kept): the
    // claim travels with it.
    tokio::spawn(append(state, claim, id, citizen, offset, announced, body))
        .await
        .map_err(|error| {
            tracing::error!(%error, "upload task failed");
            ApiError::internal()
        })?
}

/// The part file, ready for bytes at the recorded offset.
enum Prepared {
    Ready(File),
    /// The file is shorter than the recorded offset (it lost bytes): its length.
    Short(u64),
}

/// The verdict on a complete file.
enum Verdict {
    Stored,
    Mismatch,
}

/// How the body ended.
enum Received {
    /// Whole.
    Whole,
    /// Cut: the client went away, the link broke, or the body stalled.
    Cut,
    /// Over the `PATCH` limit or past `Upload-Length`: refused whole.
    TooLarge(ApiError),
}

fn io_failure(error: &io::Error) -> ApiError {
    tracing::error!(%error, "upload storage failed");
    ApiError::internal()
}

async fn blocking<R: Send + 'static>(
    work: impl FnOnce() -> io::Result<R> + Send + 'static,
) -> Result<R, ApiError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(io_failure(&error)),
        Err(error) => {
            tracing::error!(%error, "upload storage task failed");
            Err(ApiError::internal())
        }
    }
}

async fn append(
    state: AppState,
    claim: Claim,
    id: UploadId,
    citizen: AuthenticatedCitizen,
    offset: u64,
    announced: Option<u64>,
    body: Body,
) -> Result<Response, ApiError> {
    let row = load(&state, &id, citizen)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if row.expired(now()) {
        return Err(expired());
    }
    if row.status == UploadStatus::Failed {
        return Err(gone());
    }
    if offset != row.offset {
        return Err(offset_mismatch(row.offset));
    }
    if announced.is_some_and(|length| offset.saturating_add(length) > row.length) {
        return Err(past_the_length());
    }
    if announced == Some(0) {
        return Ok(patch_answer(offset, row.expires_at));
    }
    let room = (row.length - offset).min(MAX_PATCH_BYTES as u64);
    if room == 0 {
        // The upload is complete: only an empty body is harmless.
        return if has_data(body).await {
            Err(past_the_length())
        } else {
            Ok(patch_answer(offset, row.expires_at))
        };
    }

    let part = state.uploads.part_path(&id);
    let target = part.clone();
    let file = match blocking(move || prepare_part(&target, offset)).await? {
        Prepared::Ready(file) => file,
        Prepared::Short(on_disk) => {
            // Never claim bytes the disk does not have: fall back to what it has.
            tracing::warn!("an upload's file is shorter than its recorded offset; rewinding");
            let upload = id.0.clone();
            state
                .db
                .call(move |conn| {
                    conn.execute(
                        "UPDATE uploads SET upload_offset = ?1
                         WHERE id = ?2 AND upload_offset = ?3 AND status = 'receiving'",
                        params![to_i64(on_disk), upload, to_i64(offset)],
                    )
                })
                .await??;
            return Err(offset_mismatch(on_disk));
        }
    };
    let mut file = tokio::fs::File::from_std(file);
    let (received, written) = receive(body, &mut file, room)
        .await
        .map_err(|e| io_failure(&e))?;
    if let Received::TooLarge(refusal) = received {
        // Nothing of a refused body is kept.
        let target = part.clone();
        drop(file);
        blocking(move || {
            OpenOptions::new()
                .write(true)
                .open(&target)?
                .set_len(offset)
        })
        .await?;
        return Err(refusal);
    }
    file.sync_all().await.map_err(|e| io_failure(&e))?;
    drop(file);
    let end = offset + written;
    if matches!(received, Received::Cut) {
        tracing::info!(
            kept = written,
            "a PATCH body was cut; the bytes that arrived are kept"
        );
    }
    if written == 0 {
        return match received {
            Received::Cut => Err(cut_answer()),
            _ => Ok(patch_answer(offset, row.expires_at)),
        };
    }
    let expiry = state.uploads.policy.expiry();

    if end < row.length {
        let upload = id.0.clone();
        let touched_at = now();
        // Progress moves the expiry on: a slow link that keeps sending never loses its upload.
        let changed = state
            .db
            .call(move |conn| {
                conn.prepare_cached(
                    "UPDATE uploads SET upload_offset = ?1, touched_at = ?5
                     WHERE id = ?2 AND citizen_id = ?3 AND upload_offset = ?4
                       AND status = 'receiving'",
                )?
                .execute(params![
                    to_i64(end),
                    upload,
                    citizen.citizen_id,
                    to_i64(offset),
                    touched_at
                ])
            })
            .await??;
        drop(claim);
        return match (changed, received) {
            (1, Received::Cut) => Err(cut_answer()),
            (1, _) => Ok(patch_answer(end, Some(touched_at.saturating_add(expiry)))),
            _ => Err(offset_mismatch(row.offset)),
        };
    }

    // The last byte arrived: verify, store the blob, then record the outcome in one update.
    let declared = row.sha256.clone();
    let blobs_dir = state.uploads.blobs_dir.clone();
    let source = part.clone();
    let verdict = blocking(move || finish(&source, &blobs_dir, &declared)).await?;
    let status = match verdict {
        Verdict::Stored => "complete",
        Verdict::Mismatch => "failed",
    };
    let upload = id.0.clone();
    let completed_at = now();
    state
        .db
        .call(move |conn| {
            conn.execute(
                "UPDATE uploads
                 SET upload_offset = length, status = ?1, completed_at = ?2, touched_at = ?2
                 WHERE id = ?3 AND citizen_id = ?4 AND upload_offset = ?5
                   AND status = 'receiving'",
                params![
                    status,
                    completed_at,
                    upload,
                    citizen.citizen_id,
                    to_i64(offset)
                ],
            )
        })
        .await??;
    // A part file left (a mismatch, or content that was already a blob) is no longer
    // needed; a crash before this leaves it for the sweep at the next start.
    match tokio::fs::remove_file(&part).await {
        Err(error) if error.kind() != io::ErrorKind::NotFound => {
            tracing::warn!(%error, "cannot remove a finished upload's part file");
        }
        _ => {}
    }
    drop(claim);
    match verdict {
        Verdict::Stored => Ok(patch_answer(end, Some(completed_at.saturating_add(expiry)))),
        Verdict::Mismatch => {
            tracing::info!("an upload did not match its declared SHA-256");
            Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ApiErrorCode::AttachmentInvalid,
                "the file's SHA-256 is not the declared one; upload it again",
            ))
        }
    }
}

/// The answer to a cut body (the client rarely sees it: it went away).
fn cut_answer() -> ApiError {
    ApiError::invalid_request(
        "the body stopped before its end; the bytes that arrived are kept: ask HEAD for the offset",
    )
}

/// Whether `body` carries any byte (read until the first one, or its end).
async fn has_data(mut body: Body) -> bool {
    loop {
        match std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await {
            None | Some(Err(_)) => return false,
            Some(Ok(frame)) => {
                if frame.data_ref().is_some_and(|data| !data.is_empty()) {
                    return true;
                }
            }
        }
    }
}

/// Streams `body` into `file`, at most `room` bytes; returns how it ended and how many
/// bytes were written (all of them handed to the file, not yet synced).
async fn receive(
    mut body: Body,
    file: &mut tokio::fs::File,
    room: u64,
) -> io::Result<(Received, u64)> {
    let mut pending: Vec<u8> = Vec::with_capacity(WRITE_BUFFER_BYTES);
    let mut written = 0u64;
    let received = loop {
        let frame = std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await;
        let data: Bytes = match frame {
            None => break Received::Whole,
            Some(Err(error)) => {
                tracing::debug!(%error, "a PATCH body ended early");
                break Received::Cut;
            }
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) => data,
                // Trailers: nothing to store.
                Err(_) => continue,
            },
        };
        let after = written + pending.len() as u64 + data.len() as u64;
        if after > room {
            break Received::TooLarge(if room < MAX_PATCH_BYTES as u64 {
                past_the_length()
            } else {
                too_large_for_a_patch()
            });
        }
        pending.extend_from_slice(&data);
        if pending.len() >= WRITE_BUFFER_BYTES {
            file.write_all(&pending).await?;
            written += pending.len() as u64;
            pending.clear();
        }
    };
    if matches!(received, Received::TooLarge(_)) {
        return Ok((received, written));
    }
    file.write_all(&pending).await?;
    file.flush().await?;
    written += pending.len() as u64;
    Ok((received, written))
}

/// Opens the part file for bytes at `offset`. Bytes past `offset` (written before a crash
/// that lost their offset update) are cut off first; a file shorter than `offset` is
/// reported.
fn prepare_part(path: &Path, offset: u64) -> io::Result<Prepared> {
    let created = !path.exists();
    let mut file = crate::private_files::open(
        path,
        OpenOptions::new().write(true).create(true).truncate(false),
    )?;
    let on_disk = file.metadata()?.len();
    if on_disk < offset {
        return Ok(Prepared::Short(on_disk));
    }
    if on_disk > offset {
        file.set_len(offset)?;
    }
    file.seek(SeekFrom::Start(offset))?;
    if created && let Some(dir) = path.parent() {
        sync_dir(dir)?;
    }
    Ok(Prepared::Ready(file))
}

/// Hashes the complete part file; when it matches, makes it the blob of its digest (a
/// rename, unless that blob exists already: then the part file stays for the caller to
/// remove).
fn finish(part: &Path, blobs_dir: &Path, declared: &str) -> io::Result<Verdict> {
    let mut file = File::open(part)?;
    let mut context = ring::digest::Context::new(&ring::digest::SHA256);
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        context.update(&buffer[..read]);
    }
    drop(file);
    if hex(context.finish().as_ref()) != declared {
        return Ok(Verdict::Mismatch);
    }
    let blob: PathBuf = blob_path(blobs_dir, declared);
    let Some(dir) = blob.parent() else {
        return Err(io::Error::other("blob path without a directory"));
    };
    if !dir.exists() {
        crate::private_files::create_dir_all(dir)?;
        sync_dir(blobs_dir)?;
    }
    // Blobs appear only by renaming a complete, synced, verified file, so an existing one
    // holds exactly these bytes.
    if !blob.exists() {
        fs::rename(part, &blob)?;
        sync_dir(dir)?;
    }
    Ok(Verdict::Stored)
}

/// Makes a directory's entries durable (a created or linked file survives a crash).
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    fn write_at(path: &Path, offset: u64, bytes: &[u8]) -> io::Result<Option<u64>> {
        match prepare_part(path, offset)? {
            Prepared::Ready(mut file) => {
                file.write_all(bytes)?;
                Ok(None)
            }
            Prepared::Short(on_disk) => Ok(Some(on_disk)),
        }
    }

    #[test]
    fn a_stale_tail_is_cut_and_a_short_file_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let part = dir.path().join("x.part");
        assert_eq!(write_at(&part, 0, b"hello").unwrap(), None);
        // A crash left bytes past the recorded offset 5.
        std::fs::write(&part, b"helloSTALE").unwrap();
        assert_eq!(write_at(&part, 5, b" world").unwrap(), None);
        assert_eq!(std::fs::read(&part).unwrap(), b"hello world");
        assert_eq!(write_at(&part, 20, b"!").unwrap(), Some(11));
    }

    #[tokio::test]
    async fn a_cut_body_keeps_what_arrived_and_an_oversized_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("y.part");
        // Two frames, then the body breaks.
        let frames: Vec<Result<Bytes, io::Error>> = vec![
            Ok(Bytes::from_static(b"first ")),
            Ok(Bytes::from_static(b"second")),
            Err(io::Error::other("connection reset")),
        ];
        let body = Body::new(Frames(frames.into()));
        let mut file = tokio::fs::File::create(&path).await.unwrap();
        let (received, written) = receive(body, &mut file, 1000).await.unwrap();
        assert!(matches!(received, Received::Cut));
        assert_eq!(written, 12);
        drop(file);
        assert_eq!(std::fs::read(&path).unwrap(), b"first second");

        let body = Body::from(vec![0u8; 20]);
        let mut file = tokio::fs::File::create(&path).await.unwrap();
        let (received, _) = receive(body, &mut file, 10).await.unwrap();
        assert!(matches!(received, Received::TooLarge(_)));
    }

    /// A body of `items`, one frame each.
    struct Frames(std::collections::VecDeque<Result<Bytes, io::Error>>);

    impl http_body::Body for Frames {
        type Data = Bytes;
        type Error = io::Error;

        fn poll_frame(
            mut self: std::pin::Pin<&mut Self>,
            _cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, io::Error>>> {
            std::task::Poll::Ready(
                self.0
                    .pop_front()
                    .map(|item| item.map(http_body::Frame::data)),
            )
        }
    }

    #[test]
    fn finishing_verifies_and_deduplicates() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = dir.path().join("blobs");
        std::fs::create_dir_all(&blobs).unwrap();
        let content = b"the same bytes";
        let digest = hex(ring::digest::digest(&ring::digest::SHA256, content).as_ref());
        let first = dir.path().join("a.part");
        let second = dir.path().join("b.part");
        for part in [&first, &second] {
            std::fs::write(part, content).unwrap();
            assert!(matches!(
                finish(part, &blobs, &digest).unwrap(),
                Verdict::Stored
            ));
        }
        // The first became the blob; the second was not needed.
        assert!(!first.exists());
        assert!(second.exists());
        let blob = blob_path(&blobs, &digest);
        assert_eq!(std::fs::read(&blob).unwrap(), content);
        assert_eq!(
            std::fs::read_dir(blob.parent().unwrap()).unwrap().count(),
            1
        );
        let part = dir.path().join("c.part");
        std::fs::write(&part, b"other bytes").unwrap();
        assert!(matches!(
            finish(&part, &blobs, &digest).unwrap(),
            Verdict::Mismatch
        ));
        assert_eq!(std::fs::read(&blob).unwrap(), content);
    }
}
