//! Dossiers (hồ sơ) on the wire: the submission with its idempotency key, and what the
//! portal answers.
//!
//! The flow: the core uploads each attachment with tus ([`crate::api::uploads`]), then
//! posts a [`DossierSubmission`] to [`PATH_DOSSIERS`] with an [`HEADER_IDEMPOTENCY_KEY`]
//! header. The portal stores the key with its answer: the same key and body always get the
//! same [`DossierSummary`] (so a retry after a timeout never creates a second dossier); the
//! same key with another body is refused with `idempotency_key_reused`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::dossier::DossierStatus;
use crate::lifecycle::Event;

/// `POST` [`DossierSubmission`] (bearer, idempotency key) → [`DossierSummary`];
/// `GET` → the citizen's own dossiers, `Vec<DossierSummary>`, newest first.
pub const PATH_DOSSIERS: &str = "/api/v1/dossiers";
/// `GET` one of the citizen's own dossiers by its code → [`DossierSummary`].
pub const PATH_DOSSIER: &str = "/api/v1/dossiers/{code}";

/// The header carrying the submission's idempotency key (a random value per submission,
/// chosen by the client when the citizen pressed "submit").
pub const HEADER_IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// Largest JSON body of a submission.
pub const MAX_SUBMISSION_BYTES: usize = 256 * 1024;

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
    /// Media type (one of
    /// [`ACCEPTED_MEDIA_TYPES`](crate::api::uploads::ACCEPTED_MEDIA_TYPES)).
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
