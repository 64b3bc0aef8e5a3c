//! What the dossier area shows: drafts, their fields and attachments, the list of drafts
//! and the dossiers kept on the device.

use motcua_protocol::dossier::DossierStatus;
use motcua_protocol::on_behalf::OnBehalfOf;
use motcua_protocol::validation::FieldError;

/// Where a draft is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftState {
    /// Being filled in.
    Editing,
    /// Frozen and in the outbox: being delivered.
    Submitting,
    /// Delivered: the portal gave it a dossier code.
    Submitted,
}

/// A field as the form shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldState {
    /// Field id.
    pub field_id: String,
    /// The value, if any.
    pub value: Option<String>,
    /// Filled in by the app (from the identity or an earlier dossier), not typed.
    pub prefilled: bool,
    /// Bound to the verified identity (or, when filing on behalf, to the person filed
    /// for): shown read-only, `set_field` refuses to change it.
    pub locked: bool,
    /// What is wrong with the value (or that a required value is missing).
    pub error: Option<FieldError>,
}

/// An attachment of a draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentView {
    /// Local id (to remove it).
    pub id: i64,
    /// The document requirement it answers.
    pub requirement: String,
    /// The file name the person chose.
    pub file_name: String,
    /// Media type after preparation.
    pub media_type: String,
    /// Size after preparation, in bytes.
    pub size: u64,
    /// Completely uploaded.
    pub uploaded: bool,
}

/// A draft with its fields in form order.
#[derive(Debug, Clone)]
pub struct DraftView {
    /// Draft id.
    pub id: String,
    /// Procedure code.
    pub procedure_code: String,
    /// Procedure name (Vietnamese).
    pub procedure_name: String,
    /// State.
    pub state: DraftState,
    /// Every field of the procedure's form, in order.
    pub fields: Vec<FieldState>,
    /// Attachments.
    pub attachments: Vec<AttachmentView>,
    /// Why the last submission was refused, if it was.
    pub failure: Option<String>,
    /// The dossier code once submitted (for a supplement answer: the dossier it answers).
    pub dossier_code: Option<String>,
    /// For a supplement answer: the dossier it answers. Its only field is
    /// [`SUPPLEMENT_NOTE_FIELD`]; its attachments may answer any document of the procedure.
    pub answers_dossier: Option<String>,
    /// For a supplement answer: what the desk asked for, one item per line.
    pub requested: Vec<String>,
    /// Set when the citizen files this draft on behalf of someone else
    /// ([`DossierArea::set_on_behalf`]).
    pub on_behalf_of: Option<OnBehalfOf>,
    /// Whether the form offers filing on behalf of someone else: some field is bound to
    /// the verified identity (or the draft already files for another person); never for
    /// a supplement answer.
    pub on_behalf_offered: bool,
}

/// A line of the drafts list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftSummary {
    /// Draft id.
    pub id: String,
    /// Procedure code.
    pub procedure_code: String,
    /// State.
    pub state: DraftState,
    /// Last change, seconds since the epoch.
    pub updated_at: i64,
    /// The dossier code once submitted.
    pub dossier_code: Option<String>,
    /// For a supplement answer: the dossier it answers.
    pub answers_dossier: Option<String>,
}

/// A dossier the citizen submitted from this device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalDossier {
    /// Dossier code.
    pub code: String,
    /// Procedure code.
    pub procedure_code: String,
    /// Status as last known.
    pub status: DossierStatus,
    /// When the portal received it (RFC 3339).
    pub submitted_at: String,
}
