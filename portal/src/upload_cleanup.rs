//! Removing uploads: tus termination (`DELETE` of one's own upload), expiry of uploads no
//! dossier references, and removal of part and blob files no upload owns.
//!
//! Never a blob a dossier has just referenced: upload rows are removed only inside an
//! immediate transaction on the portal's one connection, under `NOT EXISTS` on
//! `dossier_attachments`; submissions and supplements check and reference their uploads in
//! their own immediate transaction on the same connection, so each sees the other's result
//! whole (and the foreign key from `dossier_attachments` would refuse the removal anyway).
//!
//! Blobs are content-addressed, shared by every upload of the same bytes, and an upload
//! that finds its blob already on disk skips writing it. So a blob file is removed only
//! when no upload row of its digest is left (whatever its status: a receiving one may be
//! about to find it), checked and removed while the connection is held, so that no upload
//! of that digest can be created in between. Uploads a request holds (a `PATCH` writing,
//! a `DELETE` removing) are left to that request.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::Path;
use std::time::Duration;

use crate::store::sql::{Connection, OptionalExtension, params};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use motcua_protocol::api::ApiErrorCode;

use crate::AppState;
use crate::db::now;
use crate::error::{ApiError, PortalError};
use crate::session::AuthenticatedCitizen;
use crate::uploads::{UploadId, UploadStore, blob_path, parse_sha256, require_tus, upload_id};

/// What one sweep of the uploads removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UploadSweep {
    /// Expired uploads (rows) removed.
    pub expired: usize,
    /// Blob files removed (of expired uploads, or owned by no upload).
    pub blobs_removed: usize,
    /// Part files removed (of expired uploads, or of no receiving upload).
    pub parts_removed: usize,
}

impl UploadSweep {
    /// Logs what was removed, if anything.
    pub(crate) fn log(&self) {
        if *self != UploadSweep::default() {
            tracing::info!(
                expired = self.expired,
                blobs_removed = self.blobs_removed,
                parts_removed = self.parts_removed,
                "upload sweep removed files"
            );
        }
    }
}

/// `DELETE /api/v1/uploads/{id}` (tus termination): 204 when the citizen's own upload is
/// gone. Someone else's id gets the same 404 as an unknown one; an upload a dossier
/// references is kept (403); one a `PATCH` is writing right now is answered 409.
pub(crate) async fn terminate(
    State(state): State<AppState>,
    citizen: AuthenticatedCitizen,
    headers: HeaderMap,
    path: Result<UrlPath<String>, PathRejection>,
) -> Result<Response, ApiError> {
    require_tus(&headers)?;
    let id = upload_id(path)?;
    let claim = UploadStore::claim(&state, &id).ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            ApiErrorCode::UploadOffsetMismatch,
            "a PATCH of this upload is in progress; try again when it has answered",
        )
    })?;
    let shared = state.clone();
    let outcome = state
        .db
        .call(move |conn| delete_own(conn, &shared.uploads, &id, citizen.citizen_id))
        .await??;
    drop(claim);
    match outcome {
        Terminated::Removed => Ok(StatusCode::NO_CONTENT.into_response()),
        Terminated::Unknown => Err(ApiError::not_found()),
        Terminated::Referenced => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ApiErrorCode::Forbidden,
            "the upload is attached to a dossier and cannot be deleted",
        )),
    }
}

enum Terminated {
    Removed,
    Unknown,
    Referenced,
}

fn delete_own(
    conn: &mut Connection,
    store: &UploadStore,
    id: &UploadId,
    citizen_id: i64,
) -> crate::store::sql::Result<Terminated> {
    let tx = conn.transaction_with_behavior(crate::store::sql::TransactionBehavior::Immediate)?;
    let found: Option<(String, bool)> = tx
        .prepare_cached(
            "SELECT sha256,
                    EXISTS (SELECT 1 FROM dossier_attachments a WHERE a.upload_id = u.id)
             FROM uploads u WHERE id = ?1 AND citizen_id = ?2",
        )?
        .query_row(params![id.0, citizen_id], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    let sha256 = match found {
        None => return Ok(Terminated::Unknown),
        Some((_, true)) => return Ok(Terminated::Referenced),
        Some((sha256, false)) => sha256,
    };
    tx.execute("DELETE FROM uploads WHERE id = ?1", [&id.0])?;
    tx.commit()?;
    remove_files(conn, store, &[(id.clone(), sha256)])?;
    Ok(Terminated::Removed)
}

/// How many files [`remove_files`] removed.
#[derive(Default)]
struct Removed {
    parts: usize,
    blobs: usize,
}

/// Removes the part files of uploads whose rows are gone, and their blobs when no upload
/// row of the digest is left. Runs with the connection held (see the module comment).
fn remove_files(
    conn: &Connection,
    store: &UploadStore,
    gone: &[(UploadId, String)],
) -> crate::store::sql::Result<Removed> {
    let mut removed = Removed::default();
    let mut digests = HashSet::new();
    for (id, sha256) in gone {
        if remove(&store.part_path(id)) {
            removed.parts += 1;
        }
        digests.insert(sha256.as_str());
    }
    for sha256 in digests {
        if !digest_in_use(conn, sha256)? && remove(&blob_path(&store.blobs_dir, sha256)) {
            removed.blobs += 1;
        }
    }
    Ok(removed)
}

fn digest_in_use(conn: &Connection, sha256: &str) -> crate::store::sql::Result<bool> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM uploads WHERE sha256 = ?1)")?
        .query_row([sha256], |row| row.get(0))
}

/// Removes a file; whether it was there. A failure is logged: the next sweep tries again.
fn remove(path: &Path) -> bool {
    match fs::remove_file(path) {
        Ok(()) => true,
        Err(error) if error.kind() == io::ErrorKind::NotFound => false,
        Err(error) => {
            tracing::warn!(%error, "cannot remove an upload file");
            false
        }
    }
}

/// Files found on disk that may belong to no upload; checked against the database later.
#[derive(Default)]
struct Found {
    /// Part files and the upload id they are named after.
    parts: Vec<UploadId>,
    /// Blob files by digest.
    blobs: Vec<String>,
}

/// Lists the part and blob files (without holding the connection: it is only a listing).
/// Files not named as the portal names them are left alone.
fn scan(store: &UploadStore) -> io::Result<Found> {
    let mut found = Found::default();
    for entry in fs::read_dir(store.uploads_dir())? {
        let name = entry?.file_name();
        if let Some(id) = name
            .to_str()
            .and_then(|name| name.strip_suffix(".part"))
            .and_then(UploadId::parse)
        {
            found.parts.push(id);
        }
    }
    for dir in fs::read_dir(&store.blobs_dir)? {
        let dir = dir?;
        if !dir.file_type()?.is_dir() {
            continue;
        }
        let prefix = dir.file_name();
        for entry in fs::read_dir(dir.path())? {
            let name = entry?.file_name();
            let digest = name.to_str().and_then(parse_sha256);
            // Only a lower-case digest in its own prefix directory is a blob the portal wrote.
            if let Some(digest) = digest
                && name.to_str() == Some(digest.as_str())
                && prefix.to_str() == digest.get(..2)
            {
                found.blobs.push(digest);
            }
        }
    }
    Ok(found)
}

/// Removes expired uploads, then the files of `found` that no upload owns.
fn expire_and_clean(
    conn: &mut Connection,
    store: &UploadStore,
    now: i64,
    found: &Found,
) -> crate::store::sql::Result<UploadSweep> {
    // Read while the connection is held: a PATCH claims its upload before it loads the
    // row, so one that has loaded it is in this set, and one that has not will find the
    // row gone.
    let busy = store.busy_ids();
    let tx = conn.transaction_with_behavior(crate::store::sql::TransactionBehavior::Immediate)?;
    let stale: Vec<(UploadId, String)> = {
        let mut statement = tx.prepare_cached(
            "SELECT id, sha256 FROM uploads u
             WHERE touched_at <= ?1
               AND NOT EXISTS (SELECT 1 FROM dossier_attachments a WHERE a.upload_id = u.id)",
        )?;
        let rows = statement.query_map([now.saturating_sub(store.policy.expiry())], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })?;
        let mut stale = Vec::new();
        for row in rows {
            let (id, sha256) = row?;
            if let Some(id) = UploadId::parse(&id)
                && !busy.contains(&id.0)
            {
                stale.push((id, sha256));
            }
        }
        stale
    };
    for (id, _) in &stale {
        tx.execute("DELETE FROM uploads WHERE id = ?1", [&id.0])?;
    }
    tx.commit()?;
    let removed = remove_files(conn, store, &stale)?;
    let mut sweep = UploadSweep {
        expired: stale.len(),
        blobs_removed: removed.blobs,
        parts_removed: removed.parts,
    };

    // A part file is needed only while its upload is receiving (a crash after completion
    // can leave one behind); a blob only while an upload of its digest exists (a crash
    // between a rename and the row's update, or a removal that failed, leaves one).
    for id in &found.parts {
        if busy.contains(&id.0) {
            continue;
        }
        let receiving: bool = conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM uploads WHERE id = ?1 AND status = 'receiving')",
            )?
            .query_row([&id.0], |row| row.get(0))?;
        if !receiving && remove(&store.part_path(id)) {
            sweep.parts_removed += 1;
        }
    }
    for digest in &found.blobs {
        if !digest_in_use(conn, digest)? && remove(&blob_path(&store.blobs_dir, digest)) {
            sweep.blobs_removed += 1;
        }
    }
    Ok(sweep)
}

fn scan_error(source: io::Error) -> PortalError {
    PortalError::Io {
        context: "cannot list the upload files",
        source,
    }
}

/// A sweep with the connection in hand (at start, before the server runs).
pub(crate) fn sweep_now(
    conn: &mut Connection,
    store: &UploadStore,
) -> Result<UploadSweep, PortalError> {
    let found = scan(store).map_err(scan_error)?;
    Ok(expire_and_clean(conn, store, now(), &found)?)
}

/// A sweep while the portal runs: the listing on a blocking thread, then the removals with
/// the shared connection.
pub(crate) async fn sweep(state: &AppState) -> Result<UploadSweep, PortalError> {
    let scanning = state.clone();
    let found = tokio::task::spawn_blocking(move || scan(&scanning.uploads))
        .await
        .map_err(|error| PortalError::Task(error.to_string()))?
        .map_err(scan_error)?;
    let shared = state.clone();
    state
        .db
        .call(move |conn| expire_and_clean(conn, &shared.uploads, now(), &found))
        .await
        .map_err(|_| PortalError::Task("the upload sweep failed".into()))?
        .map_err(PortalError::from)
}

/// Sweeps every `interval` until `stop` changes or its sender is dropped.
pub(crate) async fn sweep_periodically(
    state: AppState,
    interval: Duration,
    mut stop: tokio::sync::watch::Receiver<()>,
) {
    loop {
        tokio::select! {
            () = tokio::time::sleep(interval) => {}
            _ = stop.changed() => return,
        }
        match sweep(&state).await {
            Ok(sweep) => sweep.log(),
            Err(error) => tracing::warn!(%error, "upload sweep failed"),
        }
    }
}
