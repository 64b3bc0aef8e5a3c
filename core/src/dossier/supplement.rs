//! Answering a supplement request: the citizen adds the documents (and a note) the desk
//! asked for. The answer is a draft of its own that answers the dossier, so it is saved
//! field by field, sealed, and delivered by the same outbox as a submission: uploads
//! resume, and the idempotency key makes a retried answer count once.

use motcua_protocol::lifecycle::{ActionKind, MAX_NOTE_CHARS};
use motcua_protocol::validation::{FieldError, FieldErrorKind, is_forbidden_in_free_text};

use super::{DossierArea, DossierError, DraftView, FieldState, new_draft_id, unix_now};
use crate::store::drafts::{self, StoredAttachment, StoredField};

/// The one field of a supplement answer: the citizen's note to the desk (optional, at
/// most [`MAX_NOTE_CHARS`] characters).
pub const SUPPLEMENT_NOTE_FIELD: &str = "supplement_note";

/// The pseudo-field an empty answer is reported on.
const ANSWER_FIELD: &str = "supplement";

impl DossierArea {
    /// Starts (or reopens) the answer to the supplement request of dossier `code`: a
    /// draft whose attachments may answer any document of the procedure and whose note
    /// is [`SUPPLEMENT_NOTE_FIELD`]. Submit it with [`DossierArea::submit`]. Refused
    /// unless the dossier, as last synced, is waiting for a supplement.
    pub fn answer_supplement(&self, code: &str) -> Result<DraftView, DossierError> {
        let code = code.trim();
        {
            let connection = self.database.connection()?;
            if let Some(open) = drafts::open_supplement_answer(&connection, code)? {
                drop(connection);
                return self.draft(&open.id);
            }
        }
        self.check_citizen_action(code, ActionKind::AnswerSupplement)?;
        let procedure_code = crate::store::outbox::filed_procedure(&self.database, code)?
            .ok_or_else(|| DossierError::UnknownDossier(code.to_owned()))?;
        // The catalog must know the procedure: the answer's documents are checked against
        // it. A dossier first seen through sync has no procedure code stored yet.
        let procedure_code = if procedure_code.is_empty() {
            self.procedure_of_dossier(code)?
        } else {
            procedure_code
        };
        self.procedure(&procedure_code)?;
        let id = new_draft_id()?;
        let now = unix_now();
        drafts::create_supplement_answer(&self.database, &id, &procedure_code, code, now)?;
        tracing::info!("supplement answer started");
        self.draft(&id)
    }

    /// The procedure of a dossier the device learned of through sync only: the dossier
    /// code does not carry it, the submitting draft does.
    fn procedure_of_dossier(&self, code: &str) -> Result<String, DossierError> {
        drafts::procedure_of_filed(&self.database, code)?
            .ok_or_else(|| DossierError::UnknownDossier(code.to_owned()))
    }
}

/// Checks a change of the answer's note: returns what to store and the field's error.
pub(super) fn check_note_field(
    field_id: &str,
    value: &str,
) -> Result<(Option<String>, Option<FieldError>), DossierError> {
    if field_id != SUPPLEMENT_NOTE_FIELD {
        return Err(DossierError::UnknownField(field_id.to_owned()));
    }
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Ok((None, None));
    }
    // The portal's rule for a note (`lifecycle::check_note`), as a field error shown
    // while typing rather than a refusal at sending.
    let kind = if trimmed.chars().any(is_forbidden_in_free_text) {
        Some(FieldErrorKind::ControlCharacters)
    } else if trimmed.chars().count() > MAX_NOTE_CHARS {
        Some(FieldErrorKind::TooLong {
            max: MAX_NOTE_CHARS as u32,
        })
    } else {
        None
    };
    let error = kind.map(|kind| FieldError::new(SUPPLEMENT_NOTE_FIELD, kind));
    Ok((Some(trimmed.to_owned()), error))
}

/// The note as the answer's form shows it.
pub(super) fn note_field_state(stored: &[StoredField]) -> FieldState {
    let value = stored
        .iter()
        .find(|f| f.field_id == SUPPLEMENT_NOTE_FIELD)
        .map(|f| f.value.clone());
    let error = value
        .as_deref()
        .and_then(|v| check_note_field(SUPPLEMENT_NOTE_FIELD, v).ok())
        .and_then(|(_, error)| error);
    FieldState {
        field_id: SUPPLEMENT_NOTE_FIELD.to_owned(),
        value,
        prefilled: false,
        locked: false,
        error,
    }
}

/// What stops the answer from being sent: it must add a document or say something.
pub(super) fn problems(
    stored: &[StoredField],
    attachments: &[StoredAttachment],
) -> Vec<FieldError> {
    let note = note_field_state(stored);
    let mut problems: Vec<FieldError> = note.error.into_iter().collect();
    if attachments.is_empty() && note.value.is_none() {
        problems.push(FieldError {
            field: ANSWER_FIELD.to_owned(),
            kind: FieldErrorKind::Required,
            label_vi: Some("Giấy tờ hoặc ghi chú bổ sung".to_owned()),
            label_en: Some("Added documents or a note".to_owned()),
        });
    }
    problems
}
