//! Delivering a frozen draft: resumable uploads of its attachments (tus 1.0, the offset of
//! each persisted after every chunk), then the submission with the outbox entry's
//! idempotency key. Every step can be cut by a dropped link, a timeout or the app being
//! killed; the next attempt resumes from what the database says, and the portal answers
//! a repeated key with the same dossier.

use motcua_protocol::api::ApiErrorCode;
use motcua_protocol::api::dossiers::{
    AttachmentRef, DossierSubmission, DossierSummary, HEADER_IDEMPOTENCY_KEY, PATH_DOSSIERS,
};
use motcua_protocol::api::tracking::{
    PATH_DOSSIER_SUPPLEMENT, PATH_DOSSIER_WITHDRAW, SupplementAnswer, WithdrawalRequest,
};
use motcua_protocol::api::uploads::{HEADER_TUS_RESUMABLE, TUS_VERSION};

use super::progress::SubmissionTally;
use super::{DossierArea, DossierError, DraftState, unix_now};
use crate::CoreConfig;
use crate::http::{HttpClient, HttpError};
use crate::identity::IdentityError;
use crate::store::StoreError;
use crate::store::drafts::{self, StoredAttachment};
use crate::store::outbox::{self, OutboxEntry};
use crate::store::uploads;
use crate::store::withdrawals;

mod tus;

/// First retry delay; doubled per attempt up to [`MAX_BACKOFF_SECS`].
const BASE_BACKOFF_SECS: i64 = 2;
/// Longest delay between attempts.
const MAX_BACKOFF_SECS: i64 = 600;

/// What an attempt to deliver a submission achieved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// The portal has the dossier.
    Delivered {
        /// Its code.
        dossier_code: String,
    },
    /// Not yet: the entry stays in the outbox and is retried later.
    Pending {
        /// Why (network, portal unavailable, login needed).
        reason: String,
        /// Seconds until the next attempt is due.
        retry_in_secs: i64,
    },
    /// Refused for good; the draft is editable again with the reason.
    Refused {
        /// The portal's reason.
        reason: String,
    },
}

/// A failure during delivery, sorted by what to do about it.
enum Failure {
    /// Try again later (network, 5xx, 429, a session to renew).
    Transient(String),
    /// Will never work as it is (validation, attachment refused).
    Permanent(String),
    /// A local problem (database, sealed data).
    Local(DossierError),
    /// The portal no longer has an upload (it expired, or failed its check): the
    /// attachment's upload was reset and must be made again.
    UploadGone,
}

impl From<DossierError> for Failure {
    fn from(error: DossierError) -> Self {
        Failure::Local(error)
    }
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Self {
        Failure::Local(error.into())
    }
}

impl From<HttpError> for Failure {
    fn from(error: HttpError) -> Self {
        classify(error)
    }
}

fn classify(error: HttpError) -> Failure {
    match error {
        HttpError::Network(detail) => Failure::Transient(detail),
        HttpError::Api {
            status,
            code,
            message,
        } => match code {
            // Held uploads expire or get attached: room comes back (Retry-After says when).
            // An offset mismatch is a race with another PATCH (an abandoned one still
            // arriving): settled with HEAD at the next try, never a refusal of the dossier.
            ApiErrorCode::UploadQuotaExceeded | ApiErrorCode::UploadOffsetMismatch => {
                Failure::Transient(format!("{}: {message}", code.as_str()))
            }
            ApiErrorCode::ValidationFailed
            | ApiErrorCode::AttachmentInvalid
            | ApiErrorCode::UnsupportedMediaType
            | ApiErrorCode::PayloadTooLarge
            | ApiErrorCode::IdempotencyKeyReused => Failure::Permanent(message),
            _ if status >= 500 || status == 429 || status == 401 => {
                Failure::Transient(format!("{}: {message}", code.as_str()))
            }
            _ => Failure::Permanent(format!("{}: {message}", code.as_str())),
        },
        HttpError::Unexpected { status, detail } if status >= 500 || status == 0 => {
            Failure::Transient(format!("HTTP {status}: {detail}"))
        }
        // A proxy or a cut connection can produce anything: only a clear refusal is final.
        HttpError::Unexpected { status, detail } => {
            Failure::Transient(format!("HTTP {status}: {detail}"))
        }
    }
}

pub(crate) struct Outbox {
    config: std::sync::Arc<CoreConfig>,
    http: HttpClient,
    /// One delivery at a time: two concurrent ones would create two uploads of a file.
    lock: tokio::sync::Mutex<()>,
    /// The size of the next tus chunk, from the throughput measured so far.
    chunks: tus::ChunkSizer,
}

impl Outbox {
    pub(crate) fn new(config: std::sync::Arc<CoreConfig>, http: HttpClient) -> Outbox {
        Outbox {
            config,
            http,
            lock: tokio::sync::Mutex::new(()),
            chunks: tus::ChunkSizer::default(),
        }
    }

    fn endpoint(&self, path: &str) -> String {
        self.config.endpoint(path)
    }

    /// One delivery attempt of `draft_id` (if it is due, or `force`).
    pub(crate) async fn deliver(
        &self,
        area: &DossierArea,
        draft_id: &str,
        listener: Option<&dyn super::progress::UploadListener>,
        force: bool,
    ) -> Result<DeliveryOutcome, DossierError> {
        let _guard = self.lock.lock().await;
        let id = draft_id.to_owned();
        let state = area
            .database
            .blocking(move |database| {
                let row = drafts::load_draft(&*database.connection()?, &id)?;
                if row.state == DraftState::Submitted {
                    return Ok(Err(row.dossier_code.unwrap_or_default()));
                }
                let entry = outbox::entry(database, &id)?;
                Ok::<_, DossierError>(Ok((entry, row.answers_dossier)))
            })
            .await?;
        let (entry, answers_dossier) = match state {
            Ok(state) => state,
            Err(dossier_code) => return Ok(DeliveryOutcome::Delivered { dossier_code }),
        };
        let Some(OutboxEntry {
            key,
            attempts,
            next_attempt_at,
        }) = entry
        else {
            return Err(DossierError::UnknownDraft(draft_id.to_owned()));
        };
        if !force && next_attempt_at > unix_now() {
            return Ok(DeliveryOutcome::Pending {
                reason: "waiting before the next attempt".into(),
                retry_in_secs: next_attempt_at - unix_now(),
            });
        }
        match self.attempt(area, draft_id, &key, listener).await {
            Ok(summary) => {
                // A supplement answer moved its dossier on (processing, clock resumed,
                // maybe a later appointment); a submission filed a new one.
                let (id, answers, now) =
                    (draft_id.to_owned(), answers_dossier.is_some(), unix_now());
                let summary = area
                    .database
                    .blocking(move |database| {
                        outbox::delivered(database, &id, &summary, answers, now).map(|()| summary)
                    })
                    .await?;
                tracing::info!(attempts = attempts + 1, "dossier delivered");
                Ok(DeliveryOutcome::Delivered {
                    dossier_code: summary.code,
                })
            }
            Err(Failure::Transient(reason)) => {
                let outcome = self
                    .postpone(area, draft_id, attempts, reason.clone())
                    .await?;
                tracing::warn!(attempts = attempts + 1, reason = %reason, "delivery postponed");
                Ok(outcome)
            }
            Err(Failure::Permanent(reason)) => {
                let (id, stored, now) = (draft_id.to_owned(), reason.clone(), unix_now());
                area.database
                    .blocking(move |database| outbox::return_to_draft(database, &id, &stored, now))
                    .await?;
                tracing::warn!("dossier refused by the portal; back to the draft");
                Err(DossierError::Refused(reason))
            }
            Err(Failure::Local(error)) => Err(error),
            // `attempt` retries a gone upload itself; twice in one attempt is a portal
            // that keeps forgetting: try again later.
            Err(Failure::UploadGone) => {
                self.postpone(
                    area,
                    draft_id,
                    attempts,
                    "an upload expired on the portal".into(),
                )
                .await
            }
        }
    }

    /// Counts a failed attempt (`attempts` made before it) and sets when the next is due.
    async fn postpone(
        &self,
        area: &DossierArea,
        draft_id: &str,
        attempts: i64,
        reason: String,
    ) -> Result<DeliveryOutcome, DossierError> {
        let delay = backoff(attempts + 1);
        let (id, next_attempt_at) = (draft_id.to_owned(), unix_now() + delay);
        let reason = area
            .database
            .blocking(move |database| {
                outbox::postpone(database, &id, next_attempt_at, &reason).map(|()| reason)
            })
            .await?;
        Ok(DeliveryOutcome::Pending {
            reason,
            retry_in_secs: delay,
        })
    }

    /// Uploads what is missing and posts the submission (or supplement answer). An upload
    /// the portal no longer has (expired before it was finished, or before the submission
    /// referenced it) is made again once within the attempt, with the same idempotency
    /// key: a refused submission left nothing on the portal, so exactly-once holds.
    async fn attempt(
        &self,
        area: &DossierArea,
        draft_id: &str,
        key: &str,
        listener: Option<&dyn super::progress::UploadListener>,
    ) -> Result<DossierSummary, Failure> {
        match self.attempt_once(area, draft_id, key, listener).await {
            Err(Failure::UploadGone) => {
                tracing::info!("an upload expired on the portal; uploading it again");
                self.attempt_once(area, draft_id, key, listener).await
            }
            other => other,
        }
    }

    async fn attempt_once(
        &self,
        area: &DossierArea,
        draft_id: &str,
        key: &str,
        listener: Option<&dyn super::progress::UploadListener>,
    ) -> Result<DossierSummary, Failure> {
        let token = match area.identity.access_token().await {
            Ok(token) => token,
            Err(IdentityError::Network(detail)) => return Err(Failure::Transient(detail)),
            Err(error) => return Err(Failure::Local(error.into())),
        };
        let id = draft_id.to_owned();
        let (row, fields, attachments, on_behalf_of) = area
            .database
            .blocking(move |database| {
                let connection = database.connection()?;
                let sealer = database.sealer();
                let row = drafts::load_draft(&connection, &id)?;
                let fields = drafts::load_fields(&connection, sealer, &id)?;
                let attachments = drafts::load_attachments(&connection, sealer, &id)?;
                let on_behalf_of = crate::store::on_behalf::load(&connection, sealer, &id)?;
                Ok::<_, DossierError>((row, fields, attachments, on_behalf_of))
            })
            .await?;
        let mut references = Vec::with_capacity(attachments.len());
        let tally = SubmissionTally::new(draft_id, &attachments, listener);
        for attachment in &attachments {
            let upload_id = self.upload(area, attachment, &token, &tally).await?;
            references.push(AttachmentRef {
                requirement: attachment.requirement.clone(),
                upload_id,
                sha256: attachment.sha256.clone(),
                size: attachment.size,
                media_type: attachment.media_type.clone(),
                file_name: attachment.file_name.clone(),
            });
        }
        let request = match &row.answers_dossier {
            Some(code) => {
                let answer = SupplementAnswer {
                    note: fields
                        .into_iter()
                        .find(|f| f.field_id == super::SUPPLEMENT_NOTE_FIELD)
                        .map(|f| f.value),
                    attachments: references,
                };
                self.http
                    .raw()
                    .post(self.endpoint(&PATH_DOSSIER_SUPPLEMENT.replace("{code}", code)))
                    .json(&answer)
            }
            None => {
                let submission = DossierSubmission {
                    procedure_code: row.procedure_code,
                    fields: fields.into_iter().map(|f| (f.field_id, f.value)).collect(),
                    attachments: references,
                    on_behalf_of,
                };
                self.http
                    .raw()
                    .post(self.endpoint(PATH_DOSSIERS))
                    .json(&submission)
            }
        };
        let request = request
            .bearer_auth(&token)
            .header(HEADER_IDEMPOTENCY_KEY, key);
        match self.http.json(request).await {
            Ok(summary) => Ok(summary),
            // Perhaps a finished upload expired before this submission referenced it: the
            // answer does not say which, so ask the portal about each.
            Err(
                error @ HttpError::Api {
                    code: ApiErrorCode::AttachmentInvalid,
                    ..
                },
            ) => {
                let mut gone = false;
                for attachment in &attachments {
                    gone |= self.forget_if_gone(area, attachment, &token).await?;
                }
                Err(if gone {
                    Failure::UploadGone
                } else {
                    error.into()
                })
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Whether the portal no longer has the attachment's upload; if so, the attachment is
    /// marked to be uploaded again.
    async fn forget_if_gone(
        &self,
        area: &DossierArea,
        attachment: &StoredAttachment,
        token: &str,
    ) -> Result<bool, Failure> {
        let Some(url) = &attachment.upload_url else {
            return Ok(false);
        };
        let head = self
            .http
            .raw()
            .head(url)
            .bearer_auth(token)
            .header(HEADER_TUS_RESUMABLE, TUS_VERSION);
        match self.http.send(head).await {
            Ok(_) => Ok(false),
            Err(error) if upload_gone(&error) => {
                forget_upload(area, attachment.id).await?;
                Ok(true)
            }
            Err(error) => Err(error.into()),
        }
    }

    /// One delivery attempt of the queued withdrawal of dossier `code` (if it is due, or
    /// `force`).
    pub(crate) async fn deliver_withdrawal(
        &self,
        area: &DossierArea,
        code: &str,
        force: bool,
    ) -> Result<DeliveryOutcome, DossierError> {
        let _guard = self.lock.lock().await;
        let Some(pending) = area.pending_withdrawal(code).await? else {
            return Err(DossierError::UnknownDossier(code.to_owned()));
        };
        if !force && pending.next_attempt_at > unix_now() {
            return Ok(DeliveryOutcome::Pending {
                reason: "waiting before the next attempt".into(),
                retry_in_secs: pending.next_attempt_at - unix_now(),
            });
        }
        let outcome: Result<DossierSummary, Failure> = async {
            let token = match area.identity.access_token().await {
                Ok(token) => token,
                Err(IdentityError::Network(detail)) => return Err(Failure::Transient(detail)),
                Err(error) => return Err(Failure::Local(error.into())),
            };
            let request = self
                .http
                .raw()
                .post(self.endpoint(&PATH_DOSSIER_WITHDRAW.replace("{code}", &pending.code)))
                .bearer_auth(&token)
                .header(HEADER_IDEMPOTENCY_KEY, &pending.key)
                .json(&WithdrawalRequest {
                    note: pending.note.clone(),
                });
            Ok(self.http.json(request).await?)
        }
        .await;
        match outcome {
            Ok(summary) => {
                let code = code.to_owned();
                let summary = area
                    .database
                    .blocking(move |database| {
                        withdrawals::delivered(database, &code, &summary).map(|()| summary)
                    })
                    .await?;
                tracing::info!(attempts = pending.attempts + 1, "withdrawal delivered");
                Ok(DeliveryOutcome::Delivered {
                    dossier_code: summary.code,
                })
            }
            // (A withdrawal uploads nothing: no upload can be gone.)
            Err(failure @ (Failure::Transient(_) | Failure::UploadGone)) => {
                let reason = match failure {
                    Failure::Transient(reason) => reason,
                    _ => "an upload expired on the portal".to_owned(),
                };
                let delay = backoff(pending.attempts + 1);
                let (code, next_attempt_at, stored) =
                    (code.to_owned(), unix_now() + delay, reason.clone());
                area.database
                    .blocking(move |database| {
                        withdrawals::postpone(database, &code, next_attempt_at, &stored)
                    })
                    .await?;
                tracing::warn!(attempts = pending.attempts + 1, reason = %reason, "withdrawal postponed");
                Ok(DeliveryOutcome::Pending {
                    reason,
                    retry_in_secs: delay,
                })
            }
            Err(Failure::Permanent(reason)) => {
                let code = code.to_owned();
                area.database
                    .blocking(move |database| withdrawals::refused(database, &code))
                    .await?;
                tracing::warn!("withdrawal refused by the portal");
                Err(DossierError::Refused(reason))
            }
            Err(Failure::Local(error)) => Err(error),
        }
    }

    /// Asks the portal to delete the uploads the phone gave up (tus termination), so they
    /// stop counting against the citizen's quota. Best-effort: what cannot be deleted now
    /// (offline, not logged in) is tried at the next run, and forgotten once the portal
    /// has expired it anyway.
    pub(crate) async fn delete_abandoned_uploads(&self, area: &DossierArea) {
        let pending = match area.database.blocking(uploads::abandoned).await {
            Ok(pending) => pending,
            Err(error) => {
                tracing::warn!(%error, "cannot list abandoned uploads");
                return;
            }
        };
        if pending.is_empty() {
            return;
        }
        let Ok(token) = area.identity.access_token().await else {
            return;
        };
        for uploads::AbandonedUpload { url, abandoned_at } in pending {
            let done = if unix_now() - abandoned_at > ABANDONED_UPLOAD_MAX_AGE_SECS {
                true
            } else {
                let request = self
                    .http
                    .raw()
                    .delete(&url)
                    .bearer_auth(&token)
                    .header(HEADER_TUS_RESUMABLE, TUS_VERSION);
                match self.http.send(request).await {
                    Ok(_) => true,
                    // Gone already, or attached to a dossier after all: nothing to do.
                    Err(HttpError::Api {
                        status: 403 | 404 | 410,
                        ..
                    }) => true,
                    Err(HttpError::Network(_)) => break,
                    Err(error) => {
                        tracing::debug!(%error, "an abandoned upload was not deleted yet");
                        false
                    }
                }
            };
            if done
                && let Err(error) = area
                    .database
                    .blocking(move |database| uploads::forget_abandoned(database, &url))
                    .await
            {
                tracing::warn!(%error, "cannot forget an abandoned upload");
            }
        }
    }
}

/// How long an abandoned upload is worth deleting: the portal expires it by itself after
/// a day by default.
const ABANDONED_UPLOAD_MAX_AGE_SECS: i64 = 2 * 24 * 3600;

/// Whether an answer about an upload says the portal no longer has it: 404 (unknown:
/// expired and removed) or 410 (expired, or failed its check: either way, upload again).
/// An answer to `HEAD` has no body, so it is not one of the portal's typed errors.
fn upload_gone(error: &HttpError) -> bool {
    matches!(
        error,
        HttpError::Api {
            status: 404 | 410,
            ..
        } | HttpError::Unexpected {
            status: 404 | 410,
            ..
        }
    )
}

/// Marks an attachment to be uploaded from scratch.
async fn forget_upload(area: &DossierArea, attachment_id: i64) -> Result<(), Failure> {
    area.database
        .blocking(move |database| uploads::forget(database, attachment_id))
        .await?;
    Ok(())
}

fn header_u64(response: &reqwest::Response, name: &str) -> Option<u64> {
    response
        .headers()
        .get(name)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Delay before attempt `attempt` (1-based): exponential with full jitter in [½, 1] of the
/// step, so that many phones coming back online do not retry in lockstep.
fn backoff(attempt: i64) -> i64 {
    let step = BASE_BACKOFF_SECS
        .saturating_mul(1i64 << attempt.clamp(0, 20))
        .min(MAX_BACKOFF_SECS);
    // Without randomness (never on supported platforms) the full step.
    let byte = crate::random::bytes::<1>().unwrap_or([255]);
    let jitter = f64::from(byte[0]) / 255.0;
    (step as f64 * (0.5 + 0.5 * jitter)).round().max(1.0) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        for attempt in 1..30 {
            let delay = backoff(attempt);
            let step = (BASE_BACKOFF_SECS << attempt.min(20)).min(MAX_BACKOFF_SECS);
            assert!(delay >= step / 2 && delay <= step, "{attempt}: {delay}");
        }
        assert!(backoff(100) <= MAX_BACKOFF_SECS);
    }
}
