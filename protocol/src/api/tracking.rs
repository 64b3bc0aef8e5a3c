//! The citizen's side of the lifecycle on the wire: withdrawal and supplement bodies, the
//! status-change sync, and the public lookup by dossier code.

use serde::{Deserialize, Serialize};

use crate::api::dossiers::AttachmentRef;
use crate::dossier::DossierStatus;

/// `POST` (citizen bearer) [`WithdrawalRequest`] → `DossierSummary`: asks to withdraw one
/// of the citizen's dossiers (before a result).
pub const PATH_DOSSIER_WITHDRAW: &str = "/api/v1/dossiers/{code}/withdraw";
/// `POST` (citizen bearer, `Idempotency-Key`) [`SupplementAnswer`] → `DossierSummary`:
/// answers a supplement request.
pub const PATH_DOSSIER_SUPPLEMENT: &str = "/api/v1/dossiers/{code}/supplement";
/// `GET ?cursor=N` (citizen bearer) → [`SyncResponse`]: the status changes of the citizen's
/// dossiers after `N`.
pub const PATH_SYNC: &str = "/api/v1/sync";
/// `GET` (no login, rate-limited) → [`PublicLookup`].
pub const PATH_LOOKUP: &str = "/api/v1/lookup/{code}";

/// Most changes in one [`SyncResponse`].
pub const SYNC_PAGE_SIZE: usize = 1000;

/// The body of a withdrawal request (may be empty: `{}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawalRequest {
    /// The citizen's note (why).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The citizen's answer to a supplement request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplementAnswer {
    /// The citizen's note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Documents added (complete uploads of the citizen, checked as at submission).
    #[serde(default)]
    pub attachments: Vec<AttachmentRef>,
}

/// One status change, as the citizen's sync receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    /// The portal's sequence number of the change (increasing, per portal).
    pub seq: u64,
    /// Dossier code.
    pub code: String,
    /// The status after the change.
    pub status: DossierStatus,
    /// When (RFC 3339).
    pub at: String,
    /// The actor's note.
    #[serde(default)]
    pub note: Option<String>,
    /// The appointment date after the change.
    #[serde(default)]
    pub appointment_date: Option<String>,
    /// The reason of a refusal, rejection or stop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What a supplement request asks for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// On the acceptance (`received`): the receipt the desk issued (QR text `MC1:…`,
    /// `motcua_protocol::receipt`). Only the dossier's owner syncs it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
}

/// A page of status changes: those with `seq` greater than the cursor sent, oldest
/// first, at most [`SYNC_PAGE_SIZE`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncResponse {
    /// The changes.
    pub changes: Vec<StatusChange>,
    /// The cursor for the next call: the last `seq` of this page (the cursor sent when
    /// there is nothing new).
    pub cursor: u64,
    /// More changes wait: call again with `cursor`.
    #[serde(default)]
    pub more: bool,
}

/// What anyone may learn about a dossier from its code: no personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicLookup {
    /// Dossier code.
    pub code: String,
    /// Status.
    pub status: DossierStatus,
    /// The national status code (1–10), when the status has one.
    #[serde(default)]
    pub national_code: Option<u8>,
    /// National procedure code.
    pub procedure_code: String,
    /// The procedure's Vietnamese name, when it is in the published catalog.
    #[serde(default)]
    pub procedure_name_vi: Option<String>,
    /// The procedure's English name.
    #[serde(default)]
    pub procedure_name_en: Option<String>,
    /// Appointment date (`YYYY-MM-DD`).
    #[serde(default)]
    pub appointment_date: Option<String>,
}
