//! Dossiers (hồ sơ) on the wire: resumable attachment uploads (tus 1.0), the submission
//! with its idempotency key, and what the portal answers.
//!
//! The flow: the core uploads each attachment with tus (`POST` [`PATH_UPLOADS`] to create,
//! `HEAD` for the offset, `PATCH` to append from that offset), then posts a
//! [`DossierSubmission`] to [`PATH_DOSSIERS`] with an [`HEADER_IDEMPOTENCY_KEY`] header. The
//! portal stores the key with its answer: the same key and body always get the same
//! [`DossierSummary`] (so a retry after a timeout never creates a second dossier); the same
//! key with another body is refused with `idempotency_key_reused`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::lifecycle::Event;

/// `POST` (tus creation, bearer): creates an upload; `OPTIONS` tells the tus capabilities.
pub const PATH_UPLOADS: &str = "/api/v1/uploads";
/// `HEAD` / `PATCH` on `PATH_UPLOADS/{id}`: offset, and appending bytes; `DELETE` (tus
/// termination) removes an upload no dossier references yet.
pub const PATH_UPLOAD: &str = "/api/v1/uploads/{id}";
/// `POST` [`DossierSubmission`] (bearer, idempotency key) → [`DossierSummary`];
/// `GET` → the citizen's own dossiers, `Vec<DossierSummary>`, newest first.
pub const PATH_DOSSIERS: &str = "/api/v1/dossiers";
/// `GET` one of the citizen's own dossiers by its code → [`DossierSummary`].
pub const PATH_DOSSIER: &str = "/api/v1/dossiers/{code}";

/// The header carrying the submission's idempotency key (a random value per submission,
/// chosen by the client when the citizen pressed "submit").
pub const HEADER_IDEMPOTENCY_KEY: &str = "Idempotency-Key";
/// tus protocol version header and its value.
pub const HEADER_TUS_RESUMABLE: &str = "Tus-Resumable";
/// The tus version we speak.
pub const TUS_VERSION: &str = "1.0.0";
/// tus: total size of an upload, sent at creation.
pub const HEADER_UPLOAD_LENGTH: &str = "Upload-Length";
/// tus: the offset of a `PATCH`, and the current offset in answers.
pub const HEADER_UPLOAD_OFFSET: &str = "Upload-Offset";
/// tus: metadata at creation: comma-separated `key base64(value)` pairs. Keys we send:
/// `filename`, `filetype` (media type), `sha256` (hex digest of the whole file).
pub const HEADER_UPLOAD_METADATA: &str = "Upload-Metadata";
/// tus expiration: when an upload not yet attached to a dossier expires (an RFC 9110
/// HTTP date), on the answers to creation, `HEAD` and `PATCH`.
pub const HEADER_UPLOAD_EXPIRES: &str = "Upload-Expires";
/// tus: the content type of a `PATCH` body.
pub const TUS_PATCH_CONTENT_TYPE: &str = "application/offset+octet-stream";

/// Largest attachment accepted (after the phone's image preparation a page is ≤ 300 KB;
/// PDFs may be larger).
pub const MAX_ATTACHMENT_BYTES: u64 = 10 * 1024 * 1024;
/// Largest body of one tus `PATCH`.
pub const MAX_PATCH_BYTES: usize = 1024 * 1024;
/// Largest JSON body of a submission.
pub const MAX_SUBMISSION_BYTES: usize = 256 * 1024;
/// Media types accepted as attachments.
pub const ACCEPTED_MEDIA_TYPES: [&str; 3] = ["image/jpeg", "image/png", "application/pdf"];

/// An uploaded file attached to a required document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentRef {
    /// The procedure's document requirement (`DocumentRequirement::id`).
    pub requirement: String,
    /// The upload id (last segment of the tus `Location`).
    pub upload_id: String,
    /// Hex SHA-256 of the file, checked by the portal against what it received.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// Media type (one of [`ACCEPTED_MEDIA_TYPES`]).
    pub media_type: String,
    /// File name shown to officers (no path; the portal never uses it to store anything).
    pub file_name: String,
}

/// A dossier as submitted by the citizen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierSubmission {
    /// National procedure code.
    pub procedure_code: String,
    /// Form values by field id; every value is text (dates `YYYY-MM-DD`, numbers in
    /// decimal, checkboxes `true`/`false`, selects the option value, admin units the
    /// commune code).
    pub fields: BTreeMap<String, String>,
    /// Attachments.
    pub attachments: Vec<AttachmentRef>,
    /// Set when the citizen deliberately files for another person
    /// ([`crate::on_behalf`]): the form's name and ID fields bound to the identity then
    /// name that person. Absent (not `null`) otherwise, so submissions without it hash as
    /// they did before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<crate::on_behalf::OnBehalfOf>,
}

/// Where a dossier is in its life (docs/ARCHITECTURE.md, "The dossier lifecycle"). The numbers are the
/// status codes portals synchronise to the national portal ([`DossierStatus::national_code`]);
/// the transitions between them are decided by [`crate::lifecycle::transition`] only.
///
/// On the wire each status is its `snake_case` name (`"submitted"`, `"not_accepted"`, …);
/// the core stores the same strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DossierStatus {
    /// 1: the portal has it, awaiting intake at the desk.
    Submitted,
    /// 2: accepted at the desk; a receipt with an appointment date was issued.
    Received,
    /// 3: refused at intake, with the reason.
    NotAccepted,
    /// 4: being processed by the specialist unit.
    Processing,
    /// 5: back to the citizen to complete; the processing clock is paused.
    SupplementRequested,
    /// 6: a fee or tax is due.
    PaymentRequested,
    /// 7: the citizen asked to withdraw the dossier; the desk confirms.
    WithdrawalRequested,
    /// 8: processing was stopped, with the reason.
    Stopped,
    /// 9: the result is ready, waiting to be handed over.
    ResultReady,
    /// 10: the result was handed over.
    Returned,
    /// The withdrawal was confirmed (no national code of its own, see
    /// [`DossierStatus::national_code`]).
    Withdrawn,
    /// Processing refused the request, with the reason (no national code of its own).
    Rejected,
}

/// An attachment as the portal stored it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredAttachment {
    /// The document requirement.
    pub requirement: String,
    /// Hex SHA-256 (content address).
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// Media type.
    pub media_type: String,
}

/// The portal's view of a dossier.
///
/// The lifecycle members (`received_at`, `appointment_date`, `overdue`, `timeline`) have
/// serde defaults, so answers of older portals (and older stored answers) still parse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierSummary {
    /// Dossier code: `<agency code>-<YYMMDD>-<4-digit sequence>`.
    pub code: String,
    /// National procedure code.
    pub procedure_code: String,
    /// Status.
    pub status: DossierStatus,
    /// When the portal received it, RFC 3339.
    pub submitted_at: String,
    /// The stored attachments.
    pub attachments: Vec<StoredAttachment>,
    /// When the desk accepted it (RFC 3339, `+07:00`); `None` before intake.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<String>,
    /// The date to come back for the result (`YYYY-MM-DD`, Vietnam), moved later by the
    /// time the clock was paused for a supplement; `None` before intake, or when the
    /// procedure's processing time is not known.
    #[serde(default)]
    pub appointment_date: Option<String>,
    /// Whether the dossier is late by the national scorecard rules
    /// ([`crate::lifecycle::is_overdue`]), computed when the answer was made.
    #[serde(default)]
    pub overdue: bool,
    /// Every status change, oldest first.
    #[serde(default)]
    pub timeline: Vec<Event>,
    /// The receipt issued at intake (QR text `MC1:…`, `motcua_protocol::receipt`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
}

/// Parses tus `Upload-Metadata` (`key base64value,key2 base64value2`); a key may have no
/// value. Returns `None` when it is malformed.
pub fn parse_upload_metadata(header: &str) -> Option<BTreeMap<String, String>> {
    use base64::Engine as _;
    let mut map = BTreeMap::new();
    for pair in header.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let mut parts = pair.splitn(2, ' ');
        let key = parts.next()?.trim();
        if key.is_empty() || key.contains(|c: char| c.is_whitespace()) {
            return None;
        }
        let value = match parts.next() {
            Some(encoded) => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(encoded.trim())
                    .ok()?;
                String::from_utf8(bytes).ok()?
            }
            None => String::new(),
        };
        if map.insert(key.to_owned(), value).is_some() {
            return None;
        }
    }
    Some(map)
}

/// Formats tus `Upload-Metadata`.
pub fn format_upload_metadata(pairs: &[(&str, &str)]) -> String {
    use base64::Engine as _;
    pairs
        .iter()
        .map(|(key, value)| {
            format!(
                "{key} {}",
                base64::engine::general_purpose::STANDARD.encode(value)
            )
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_metadata_round_trips_and_refuses_garbage() {
        let header =
            format_upload_metadata(&[("filename", "giấy khai sinh.jpg"), ("sha256", "ab")]);
        let map = parse_upload_metadata(&header).unwrap();
        assert_eq!(map["filename"], "giấy khai sinh.jpg");
        assert_eq!(map["sha256"], "ab");
        assert_eq!(parse_upload_metadata("flag").unwrap()["flag"], "");
        assert!(parse_upload_metadata("k !!!notbase64").is_none());
        assert!(parse_upload_metadata("k YQ==,k YQ==").is_none());
        assert!(parse_upload_metadata("").unwrap().is_empty());
    }
}
