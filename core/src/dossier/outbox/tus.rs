//! The tus client of the outbox: one attachment uploaded from wherever the portal says it
//! stands, in chunks sized to the link, patient with a link that cuts out.
//!
//! - **Chunk size follows the throughput.** Each chunk's bytes over its time give the
//!   link's throughput (a moving average kept for the process); the next chunk carries
//!   about [`TARGET_CHUNK_SECS`] of it, between [`MIN_CHUNK_BYTES`] and the portal's
//!   limit. The first chunk is [`FIRST_CHUNK_BYTES`]: small on a slow link, quickly larger
//!   on a fast one.
//! - **A cut chunk keeps what arrived.** The portal writes a `PATCH` body as it arrives and
//!   keeps the received part when the body is cut (tus allows it), so after a failed
//!   `PATCH` the client asks `HEAD` for the offset and goes on from there: only what was
//!   in flight is sent again.
//! - **An offset mismatch is settled with `HEAD`**, never taken as a refusal: a `409`
//!   means another `PATCH` (an abandoned one still arriving) moved the offset or still
//!   holds the upload. Asked again after a pause.
//! - **Patience within the attempt.** A chunk that fails, and the `HEAD` after it, are
//!   tried again after growing pauses, as long as the offset moves; after
//!   [`MAX_FRUITLESS_TRIES`] tries in a row without progress the attempt ends (the outbox
//!   retries later with its backoff).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;
use motcua_protocol::api::ApiErrorCode;
use motcua_protocol::api::uploads::{
    HEADER_TUS_RESUMABLE, HEADER_UPLOAD_LENGTH, HEADER_UPLOAD_METADATA, HEADER_UPLOAD_OFFSET,
    MAX_PATCH_BYTES, PATH_UPLOADS, TUS_PATCH_CONTENT_TYPE, TUS_VERSION, format_upload_metadata,
};

use super::super::DossierArea;
use super::super::progress::SubmissionTally;
use super::{DossierError, Failure, Outbox, forget_upload, header_u64, upload_gone};
use crate::http::HttpError;
use crate::store::drafts::{StoredAttachment, blob_context};
use crate::store::uploads;

/// Seconds of link time a chunk should take.
const TARGET_CHUNK_SECS: f64 = 10.0;
/// Smallest chunk (but the last).
const MIN_CHUNK_BYTES: usize = 16 * 1024;
/// The first chunk, before any throughput is known.
const FIRST_CHUNK_BYTES: usize = 32 * 1024;
/// The throughput assumed for the time a chunk is in flight before any is measured
/// (bytes/s: 16 kbit/s, below a 2G link's).
const ASSUMED_BYTES_PER_SEC: f64 = 2_000.0;
/// Tries in a row (a chunk or a `HEAD`) that may fail without the offset moving.
const MAX_FRUITLESS_TRIES: u32 = 5;
/// The first pause after a fruitless try; doubled after each.
const FIRST_PAUSE: Duration = Duration::from_secs(1);

/// The next chunk's size, from the throughput measured so far.
#[derive(Default)]
pub(super) struct ChunkSizer {
    /// Bytes per second, a moving average; `None` before the first measure.
    rate: Mutex<Option<f64>>,
}

impl ChunkSizer {
    fn rate(&self) -> Option<f64> {
        *self.rate.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Bytes for the next chunk.
    pub(super) fn next_chunk(&self) -> usize {
        let Some(rate) = self.rate() else {
            return FIRST_CHUNK_BYTES;
        };
        let bytes = (rate * TARGET_CHUNK_SECS) as usize;
        // Whole KiB, so that offsets stay readable in logs.
        (bytes / 1024 * 1024).clamp(MIN_CHUNK_BYTES, MAX_PATCH_BYTES)
    }

    /// How long the link may take to carry `bytes` (for the wait for an answer).
    pub(super) fn in_flight(&self, bytes: usize) -> Duration {
        let rate = self.rate().unwrap_or(ASSUMED_BYTES_PER_SEC).max(1.0);
        Duration::from_secs_f64((bytes as f64 / rate).min(600.0))
    }

    /// `bytes` reached the portal in `elapsed`.
    pub(super) fn record(&self, bytes: u64, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64().max(0.05);
        let measured = bytes as f64 / seconds;
        let mut rate = self.rate.lock().unwrap_or_else(|p| p.into_inner());
        *rate = Some(match *rate {
            None => measured,
            Some(previous) => 0.5 * previous + 0.5 * measured,
        });
    }
}

impl Outbox {
    /// Uploads one attachment from where the portal says it stands; returns its upload id.
    pub(super) async fn upload(
        &self,
        area: &DossierArea,
        attachment: &StoredAttachment,
        token: &str,
        tally: &SubmissionTally<'_>,
    ) -> Result<String, Failure> {
        let url = match &attachment.upload_url {
            Some(url) => url.clone(),
            None => self.create_upload(area, attachment, token).await?,
        };
        let upload_id = url
            .rsplit('/')
            .next()
            .filter(|id| !id.is_empty())
            .ok_or_else(|| Failure::Transient("upload URL without an id".into()))?
            .to_owned();
        if attachment.uploaded {
            return Ok(upload_id);
        }
        let sealed = std::fs::read(area.attachments_dir.join(&attachment.blob))
            .map_err(|e| Failure::Local(DossierError::File(e.to_string())))?;
        let bytes = Bytes::from(
            area.sealer
                .open(&blob_context(&attachment.blob), &sealed)
                .map_err(DossierError::from)?,
        );
        let total = bytes.len() as u64;
        let progress = |offset: u64| tally.attachment(attachment, offset, total);

        // Where the portal stands is asked first (the answer to our last PATCH may have
        // been lost), and again after any failed PATCH.
        let mut known: Option<u64> = None;
        let mut reached = 0u64;
        let mut fruitless = 0u32;
        // A chunk that failed: where it started and when, to measure what it delivered.
        let mut failed_chunk: Option<(u64, Instant)> = None;
        loop {
            let offset = match known {
                Some(offset) => offset,
                None => match self.head_offset(&url, token).await {
                    Ok(offset) => offset,
                    Err(error) if upload_gone(&error) => {
                        // The portal forgot the upload (expired): start a new one.
                        forget_upload(area, attachment.id).await?;
                        return Err(Failure::UploadGone);
                    }
                    Err(error) => {
                        self.pause_or_give_up(&mut fruitless, error).await?;
                        continue;
                    }
                },
            };
            if let Some((start, at)) = failed_chunk.take()
                && offset > start
            {
                self.chunks.record(offset - start, at.elapsed());
            }
            if offset > reached || known.is_none() {
                if offset > reached {
                    fruitless = 0;
                }
                reached = reached.max(offset);
                let id = attachment.id;
                area.database
                    .blocking(move |database| uploads::reached(database, id, offset))
                    .await?;
            }
            if offset >= total {
                break;
            }
            progress(offset);
            let start = offset as usize;
            let length = self.chunks.next_chunk().min(bytes.len() - start);
            let request = self
                .http
                .raw()
                .patch(&url)
                .bearer_auth(token)
                .header(HEADER_TUS_RESUMABLE, TUS_VERSION)
                .header(HEADER_UPLOAD_OFFSET, offset)
                .header(reqwest::header::CONTENT_TYPE, TUS_PATCH_CONTENT_TYPE);
            let started = Instant::now();
            let answer = self
                .http
                .upload(
                    request,
                    bytes.slice(start..start + length),
                    self.chunks.in_flight(length),
                )
                .await;
            match answer {
                Ok(response) => {
                    let new_offset = header_u64(&response, HEADER_UPLOAD_OFFSET)
                        .ok_or_else(|| Failure::Transient("PATCH without Upload-Offset".into()))?;
                    self.chunks
                        .record(new_offset.saturating_sub(offset), started.elapsed());
                    known = Some(new_offset);
                }
                Err(error) if upload_gone(&error) => {
                    forget_upload(area, attachment.id).await?;
                    return Err(Failure::UploadGone);
                }
                Err(error) if retry_after_head(&error) => {
                    tracing::info!(%error, offset, length, "a chunk did not go through; asking where the upload stands");
                    failed_chunk = Some((offset, started));
                    known = None;
                    self.pause_or_give_up(&mut fruitless, error).await?;
                }
                Err(error) => return Err(error.into()),
            }
        }
        let id = attachment.id;
        area.database
            .blocking(move |database| uploads::finished(database, id, total))
            .await?;
        progress(total);
        Ok(upload_id)
    }

    /// tus creation; the new upload's URL is persisted at once, so that a retry resumes it
    /// instead of starting another.
    async fn create_upload(
        &self,
        area: &DossierArea,
        attachment: &StoredAttachment,
        token: &str,
    ) -> Result<String, Failure> {
        let metadata = format_upload_metadata(&[
            ("filename", &attachment.file_name),
            ("filetype", &attachment.media_type),
            ("sha256", &attachment.sha256),
        ]);
        let request = self
            .http
            .raw()
            .post(self.endpoint(PATH_UPLOADS))
            .bearer_auth(token)
            .header(HEADER_TUS_RESUMABLE, TUS_VERSION)
            .header(HEADER_UPLOAD_LENGTH, attachment.size)
            .header(HEADER_UPLOAD_METADATA, metadata);
        let response = self.http.send(request).await?;
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| Failure::Transient("upload created without a Location".into()))?;
        let url = response
            .url()
            .join(location)
            .map_err(|_| Failure::Transient("upload Location is not a URL".into()))?
            .to_string();
        let id = attachment.id;
        area.database
            .blocking(move |database| uploads::created(database, id, &url).map(|()| url))
            .await
            .map_err(Failure::from)
    }

    /// The upload's offset on the portal.
    async fn head_offset(&self, url: &str, token: &str) -> Result<u64, HttpError> {
        let head = self
            .http
            .raw()
            .head(url)
            .bearer_auth(token)
            .header(HEADER_TUS_RESUMABLE, TUS_VERSION);
        let response = self.http.send(head).await?;
        header_u64(&response, HEADER_UPLOAD_OFFSET).ok_or_else(|| HttpError::Unexpected {
            status: response.status().as_u16(),
            detail: "HEAD without Upload-Offset".into(),
        })
    }

    /// After a try that moved nothing: pauses (longer each time) when another is worth
    /// it, or ends the attempt with `error`.
    async fn pause_or_give_up(&self, fruitless: &mut u32, error: HttpError) -> Result<(), Failure> {
        *fruitless += 1;
        if *fruitless > MAX_FRUITLESS_TRIES || !retry_after_head(&error) {
            return Err(error.into());
        }
        let pause = FIRST_PAUSE * 2u32.pow(*fruitless - 1);
        tracing::debug!(
            tries = *fruitless,
            pause_secs = pause.as_secs(),
            "upload waiting before the next try"
        );
        tokio::time::sleep(pause).await;
        Ok(())
    }
}

/// Whether a failed `PATCH` (or `HEAD`) is worth settling with `HEAD` and going on: the
/// link broke or stalled, the portal was briefly unavailable, or the offset was not the
/// one the portal has (another `PATCH` moved it, or still holds the upload).
fn retry_after_head(error: &HttpError) -> bool {
    match error {
        HttpError::Network(_) => true,
        HttpError::Api { code, status, .. } => {
            *code == ApiErrorCode::UploadOffsetMismatch || *status >= 500
        }
        HttpError::Unexpected { status, .. } => *status == 409 || *status >= 500 || *status == 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_follow_the_measured_throughput_within_bounds() {
        let sizer = ChunkSizer::default();
        assert_eq!(sizer.next_chunk(), FIRST_CHUNK_BYTES);
        // 50 kbit/s: about 6 KB/s, so about 60 KB a chunk.
        sizer.record(62_500, Duration::from_secs(10));
        let chunk = sizer.next_chunk();
        assert!((60 * 1024..=62 * 1024).contains(&chunk), "{chunk}");
        assert!(sizer.in_flight(chunk) >= Duration::from_secs(9));
        // A crawl: the smallest chunk.
        for _ in 0..10 {
            sizer.record(100, Duration::from_secs(10));
        }
        assert_eq!(sizer.next_chunk(), MIN_CHUNK_BYTES);
        // A fast link: the portal's limit.
        for _ in 0..10 {
            sizer.record(10_000_000, Duration::from_secs(1));
        }
        assert_eq!(sizer.next_chunk(), MAX_PATCH_BYTES);
    }

    #[test]
    fn an_offset_mismatch_or_a_broken_link_is_settled_with_head() {
        let mismatch = HttpError::Api {
            status: 409,
            code: ApiErrorCode::UploadOffsetMismatch,
            message: String::new(),
        };
        assert!(retry_after_head(&mismatch));
        assert!(retry_after_head(&HttpError::Network("reset".into())));
        let refused = HttpError::Api {
            status: 415,
            code: ApiErrorCode::UnsupportedMediaType,
            message: String::new(),
        };
        assert!(!retry_after_head(&refused));
    }
}
