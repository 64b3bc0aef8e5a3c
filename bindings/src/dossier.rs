//! The dossier area for Kotlin and Swift: drafts pre-filled and autosaved field by field,
//! attachments, validation, exactly-once submission and its upload progress. Conversions
//! only; every rule lives in `motcua_core::dossier`.

use std::sync::Arc;

use motcua_core::Lang;
use motcua_core::dossier::{
    AttachmentView, DeliveryOutcome, DossierError, DraftState as CoreDraftState,
    DraftSummary as CoreDraftSummary, DraftView, FieldState as CoreFieldState,
    UploadListener as CoreUploadListener, UploadProgress as CoreUploadProgress,
};
use motcua_core::wording::Wording;
use motcua_protocol::on_behalf::{OnBehalfOf, RepresentationBasis as CoreBasis};
use tokio::runtime::Handle;

use crate::error::{CoreException, FieldProblem};
use crate::form::{DraftField, DraftForm};
use crate::listener::{ListenerError, ListenerHandle, report};
use crate::runtime::{run, run_blocking};

/// Where a draft is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum DraftState {
    /// Being filled in.
    Editing,
    /// Frozen and in the outbox: being delivered.
    Submitting,
    /// Delivered: the portal gave it a dossier code.
    Submitted,
}

impl From<CoreDraftState> for DraftState {
    fn from(state: CoreDraftState) -> Self {
        match state {
            CoreDraftState::Editing => DraftState::Editing,
            CoreDraftState::Submitting => DraftState::Submitting,
            CoreDraftState::Submitted => DraftState::Submitted,
        }
    }
}

/// A field as the form shows it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FieldState {
    /// Field id.
    pub field_id: String,
    /// The value (normalised when valid), if any.
    pub value: Option<String>,
    /// Filled in by the app (identity, earlier dossier), not typed.
    pub prefilled: bool,
    /// Bound to the verified identity (or, when filing on behalf, to the person filed
    /// for): show it read-only; `setField` refuses to change it (`field_locked`).
    pub locked: bool,
    /// What is wrong with the value, or that a required value is missing.
    pub error: Option<FieldProblem>,
}

impl FieldState {
    fn new(state: CoreFieldState, lang: Lang) -> Self {
        FieldState {
            error: state.error.as_ref().map(|e| FieldProblem::new(e, lang)),
            field_id: state.field_id,
            value: state.value,
            prefilled: state.prefilled,
            locked: state.locked,
        }
    }
}

/// An attachment of a draft.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Attachment {
    /// Local id (to remove it).
    pub id: i64,
    /// The document requirement it answers.
    pub requirement: String,
    /// The file name the person chose.
    pub file_name: String,
    /// Media type after preparation (`image/jpeg`, `image/png`, `application/pdf`).
    pub media_type: String,
    /// Size after preparation, in bytes.
    pub size: u64,
    /// Completely uploaded.
    pub uploaded: bool,
}

impl From<AttachmentView> for Attachment {
    fn from(a: AttachmentView) -> Self {
        Attachment {
            id: a.id,
            requirement: a.requirement,
            file_name: a.file_name,
            media_type: a.media_type,
            size: a.size,
            uploaded: a.uploaded,
        }
    }
}

/// A draft with every field of its form, in order.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Draft {
    /// Draft id.
    pub id: String,
    /// Procedure code.
    pub procedure_code: String,
    /// Procedure name (Vietnamese).
    pub procedure_name: String,
    /// State.
    pub state: DraftState,
    /// The form's fields.
    pub fields: Vec<FieldState>,
    /// Attachments.
    pub attachments: Vec<Attachment>,
    /// Why the last submission was refused, if it was.
    pub failure: Option<String>,
    /// The dossier code once submitted.
    pub dossier_code: Option<String>,
    /// For a supplement answer: the dossier it answers (its only field is the note,
    /// `supplement_note`; its attachments may answer any document of the procedure).
    pub answers_dossier: Option<String>,
    /// For a supplement answer: what the desk asked for, one item each.
    pub requested: Vec<String>,
    /// Set when the draft is filed on behalf of someone else (`setOnBehalf`).
    pub on_behalf_of: Option<OnBehalf>,
    /// Whether the form offers filing on behalf of someone else (the core's rule: a
    /// field bound to the verified identity, or already filed for another person; never a
    /// supplement answer).
    pub on_behalf_offered: bool,
}

/// What entitles the citizen to file for another person: the citizen's relation to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum RepresentationBasis {
    /// The citizen is the person's parent.
    Parent,
    /// The citizen is the person's child.
    Child,
    /// The citizen is the person's spouse.
    Spouse,
    /// The citizen is the person's sibling.
    Sibling,
    /// The citizen is the person's legal guardian.
    Guardian,
    /// The citizen holds a written authorisation (named in `detail`, required).
    Authorised,
}

impl From<RepresentationBasis> for CoreBasis {
    fn from(basis: RepresentationBasis) -> Self {
        match basis {
            RepresentationBasis::Parent => CoreBasis::Parent,
            RepresentationBasis::Child => CoreBasis::Child,
            RepresentationBasis::Spouse => CoreBasis::Spouse,
            RepresentationBasis::Sibling => CoreBasis::Sibling,
            RepresentationBasis::Guardian => CoreBasis::Guardian,
            RepresentationBasis::Authorised => CoreBasis::Authorised,
        }
    }
}

impl From<CoreBasis> for RepresentationBasis {
    fn from(basis: CoreBasis) -> Self {
        match basis {
            CoreBasis::Parent => RepresentationBasis::Parent,
            CoreBasis::Child => RepresentationBasis::Child,
            CoreBasis::Spouse => RepresentationBasis::Spouse,
            CoreBasis::Sibling => RepresentationBasis::Sibling,
            CoreBasis::Guardian => RepresentationBasis::Guardian,
            CoreBasis::Authorised => RepresentationBasis::Authorised,
        }
    }
}

/// The person a draft is filed for, when it is not the logged-in citizen.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OnBehalf {
    /// The person's full name.
    pub full_name: String,
    /// The person's 12-digit personal ID number.
    pub personal_id: String,
    /// The citizen's relation to the person.
    pub basis: RepresentationBasis,
    /// The document behind it (required for `Authorised`).
    pub detail: Option<String>,
    /// The basis in words, in the app's language (e.g. "người được ủy quyền").
    pub basis_label: String,
}

impl OnBehalf {
    pub(crate) fn new(person: OnBehalfOf, lang: Lang) -> Self {
        OnBehalf {
            basis_label: person.basis.label(lang).to_owned(),
            full_name: person.full_name,
            personal_id: person.personal_id,
            basis: person.basis.into(),
            detail: person.detail,
        }
    }
}

impl From<OnBehalf> for OnBehalfOf {
    fn from(person: OnBehalf) -> Self {
        OnBehalfOf {
            full_name: person.full_name,
            personal_id: person.personal_id,
            basis: person.basis.into(),
            detail: person.detail,
        }
    }
}

impl Draft {
    fn new(view: DraftView, lang: Lang) -> Self {
        Draft {
            id: view.id,
            procedure_code: view.procedure_code,
            procedure_name: view.procedure_name,
            state: view.state.into(),
            fields: view
                .fields
                .into_iter()
                .map(|f| FieldState::new(f, lang))
                .collect(),
            attachments: view.attachments.into_iter().map(Attachment::from).collect(),
            failure: view.failure,
            dossier_code: view.dossier_code,
            answers_dossier: view.answers_dossier,
            requested: view.requested,
            on_behalf_of: view.on_behalf_of.map(|p| OnBehalf::new(p, lang)),
            on_behalf_offered: view.on_behalf_offered,
        }
    }
}

/// A line of the drafts list.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
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

impl From<CoreDraftSummary> for DraftSummary {
    fn from(s: CoreDraftSummary) -> Self {
        DraftSummary {
            id: s.id,
            procedure_code: s.procedure_code,
            state: s.state.into(),
            updated_at: s.updated_at,
            dossier_code: s.dossier_code,
            answers_dossier: s.answers_dossier,
        }
    }
}

/// What a submission (or an outbox run) achieved.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SubmitOutcome {
    /// The portal has the dossier.
    Delivered {
        /// Its code.
        dossier_code: String,
    },
    /// Not yet: it stays in the outbox and is retried (`runOutbox`), also after a restart.
    Pending {
        /// Why (network, portal unavailable, login needed), for logs.
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

impl From<DeliveryOutcome> for SubmitOutcome {
    fn from(outcome: DeliveryOutcome) -> Self {
        match outcome {
            DeliveryOutcome::Delivered { dossier_code } => {
                SubmitOutcome::Delivered { dossier_code }
            }
            DeliveryOutcome::Pending {
                reason,
                retry_in_secs,
            } => SubmitOutcome::Pending {
                reason,
                retry_in_secs,
            },
            DeliveryOutcome::Refused { reason } => SubmitOutcome::Refused { reason },
        }
    }
}

/// The outcome of one outbox entry.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OutboxDelivery {
    /// The draft delivered (a submission or a supplement answer), or the dossier code of
    /// a queued withdrawal.
    pub key: String,
    /// What happened.
    pub outcome: SubmitOutcome,
}

/// Progress of a submission's upload: the attachment that moved on and the whole
/// submission (the core adds the attachments up; show `percent` and `message`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UploadProgress {
    /// The draft being delivered.
    pub draft_id: String,
    /// The attachment that moved on (its id).
    pub attachment_id: i64,
    /// The document requirement of the attachment.
    pub requirement: String,
    /// Bytes of this attachment the portal has.
    pub attachment_sent: u64,
    /// Bytes of this attachment.
    pub attachment_total: u64,
    /// Bytes of the whole submission the portal has.
    pub sent: u64,
    /// Bytes of the whole submission.
    pub total: u64,
    /// The whole submission, 0 to 100.
    pub percent: u8,
    /// "Đang gửi giấy tờ: 40%", in the app's language.
    pub message: String,
}

/// Told how uploads progress. Called on the core's threads: hand over to the UI thread
/// (e.g. `trySend` to a channel) and return quickly.
#[uniffi::export(foreign)]
pub trait UploadListener: Send + Sync {
    /// An attachment's upload moved on.
    fn on_upload_progress(&self, progress: UploadProgress) -> Result<(), ListenerError>;
}

/// The app's listener as the core's.
struct UploadAdapter {
    listener: Arc<dyn UploadListener>,
    lang: Lang,
}

impl CoreUploadListener for UploadAdapter {
    fn on_upload_progress(&self, progress: &CoreUploadProgress) {
        let percent = progress.percent();
        report(
            "upload",
            self.listener.on_upload_progress(UploadProgress {
                draft_id: progress.draft_id.clone(),
                attachment_id: progress.attachment_id,
                requirement: progress.requirement.clone(),
                attachment_sent: progress.attachment_sent,
                attachment_total: progress.attachment_total,
                sent: progress.sent,
                total: progress.total,
                percent,
                message: Wording::new(self.lang).uploading(percent),
            }),
        );
    }
}

/// Drafts, attachments and submission.
#[derive(uniffi::Object)]
pub struct Dossiers {
    pub(crate) core: Arc<motcua_core::MotCua>,
    pub(crate) lang: Lang,
    pub(crate) runtime: Handle,
}

#[uniffi::export]
impl Dossiers {
    /// Starts a draft of the procedure, pre-filled from the identity and earlier dossiers.
    pub fn create_draft(&self, procedure_code: String) -> Result<Draft, CoreException> {
        // A procedure not opened before: its detail first (see `Catalog::procedure`).
        crate::catalog::ensure_detail(&self.core, &self.runtime, &procedure_code)
            .map_err(|e| CoreException::new(&DossierError::from(e), self.lang))?;
        self.core
            .dossier()
            .create_draft(&procedure_code)
            .map(|view| Draft::new(view, self.lang))
            .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// Sets (an empty value clears) one field and saves it at once. Returns the field as
    /// the form shows it now: an invalid value is kept, as typed, with the error to show.
    pub fn set_field(
        &self,
        draft_id: String,
        field_id: String,
        value: String,
    ) -> Result<DraftField, CoreException> {
        self.core
            .dossier()
            .set_form_field(&draft_id, &field_id, &value, self.lang)
            .map(DraftField::from)
            .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// The draft's form as its screen shows it: fields with labels and the errors to show
    /// now, documents, the supplement-answer mode, the submission's state and sentence.
    pub fn form(&self, draft_id: String) -> Result<DraftForm, CoreException> {
        self.core
            .dossier()
            .form(&draft_id, self.lang)
            .map(|form| DraftForm::new(form, self.lang))
            .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// The person tapped "submit": every problem shows from now on. Returns the form;
    /// `submit` it when `ready`, else show it (its `message` says how much is left).
    pub fn check(&self, draft_id: String) -> Result<DraftForm, CoreException> {
        self.core
            .dossier()
            .check(&draft_id, self.lang)
            .map(|form| DraftForm::new(form, self.lang))
            .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// Files the draft on behalf of another person (`onBehalf`), or for the logged-in
    /// citizen again (`null`): the name and ID fields are then locked to that person (or
    /// back to the identity's), birth date and address typed. Returns the draft; a
    /// record that is not valid is `Invalid` with its problems (`on_behalf_of.*`).
    pub fn set_on_behalf(
        &self,
        draft_id: String,
        on_behalf: Option<OnBehalf>,
    ) -> Result<Draft, CoreException> {
        self.core
            .dossier()
            .set_on_behalf(&draft_id, on_behalf.map(OnBehalfOf::from))
            .map(|view| Draft::new(view, self.lang))
            .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// Attaches a file's bytes to a document requirement: images are straightened,
    /// shrunk and re-encoded (up to a second for a 12 MP photo), PDFs checked.
    pub async fn add_attachment_bytes(
        &self,
        draft_id: String,
        requirement: String,
        file_name: String,
        bytes: Vec<u8>,
    ) -> Result<Attachment, CoreException> {
        let core = self.core.clone();
        run_blocking(&self.runtime, move || {
            core.dossier()
                .add_attachment(&draft_id, &requirement, &file_name, &bytes, None)
        })
        .await
        .map(Attachment::from)
        .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// Attaches the file at `path` (e.g. a photo the camera wrote to the app's cache); its
    /// name is shown as the attachment's name.
    pub async fn add_attachment_file(
        &self,
        draft_id: String,
        requirement: String,
        path: String,
    ) -> Result<Attachment, CoreException> {
        let core = self.core.clone();
        run_blocking(&self.runtime, move || {
            let bytes = std::fs::read(&path).map_err(|e| DossierError::File(e.to_string()))?;
            // The core keeps only the last component of the name.
            core.dossier()
                .add_attachment(&draft_id, &requirement, &path, &bytes, None)
        })
        .await
        .map(Attachment::from)
        .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// Removes an attachment from a draft being edited.
    pub fn remove_attachment(
        &self,
        draft_id: String,
        attachment_id: i64,
    ) -> Result<(), CoreException> {
        self.core
            .dossier()
            .remove_attachment(&draft_id, attachment_id)
            .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// The draft with every field of its form.
    pub fn draft(&self, draft_id: String) -> Result<Draft, CoreException> {
        self.core
            .dossier()
            .draft(&draft_id)
            .map(|view| Draft::new(view, self.lang))
            .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// The drafts, most recently changed first.
    pub fn drafts(&self) -> Result<Vec<DraftSummary>, CoreException> {
        self.core
            .dossier()
            .drafts()
            .map(|list| list.into_iter().map(DraftSummary::from).collect())
            .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// Deletes a draft that is not being submitted, with its attachments.
    pub fn delete_draft(&self, draft_id: String) -> Result<(), CoreException> {
        self.core
            .dossier()
            .delete_draft(&draft_id)
            .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// Every problem that would stop the draft from being submitted (empty: ready).
    pub fn validate(&self, draft_id: String) -> Result<Vec<FieldProblem>, CoreException> {
        self.core
            .dossier()
            .validate(&draft_id)
            .map(|problems| {
                problems
                    .iter()
                    .map(|p| FieldProblem::new(p, self.lang))
                    .collect()
            })
            .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// Submits the draft exactly once: freezes it into the outbox, then tries to deliver
    /// it. Cancelling the call after the freeze leaves it in the outbox (`runOutbox`).
    pub async fn submit(&self, draft_id: String) -> Result<SubmitOutcome, CoreException> {
        let core = self.core.clone();
        run(&self.runtime, async move {
            core.dossier().submit(&draft_id, None).await
        })
        .await
        .map(SubmitOutcome::from)
        .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// Delivers the outbox entries that are due (all with `force`): at start, when the
    /// network comes back, in a background job.
    pub async fn run_outbox(&self, force: bool) -> Result<Vec<OutboxDelivery>, CoreException> {
        let core = self.core.clone();
        run(&self.runtime, async move {
            core.dossier().run_outbox(force, None).await
        })
        .await
        .map(|outcomes| {
            outcomes
                .into_iter()
                .map(|(key, outcome)| OutboxDelivery {
                    key,
                    outcome: outcome.into(),
                })
                .collect()
        })
        .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// Asks the portal to withdraw dossier `code` (until a result is ready), with an
    /// optional note. Checked against the lifecycle on the device first, then queued with
    /// its idempotency key: `Pending` means `runOutbox` retries it.
    pub async fn withdraw(
        &self,
        code: String,
        note: Option<String>,
    ) -> Result<SubmitOutcome, CoreException> {
        let core = self.core.clone();
        run(&self.runtime, async move {
            core.dossier().withdraw(&code, note.as_deref()).await
        })
        .await
        .map(SubmitOutcome::from)
        .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// Starts (or reopens) the answer to dossier `code`'s supplement request: a draft whose
    /// note is the field `supplement_note` and whose attachments answer the request.
    /// Submit it with `submit`.
    pub fn answer_supplement(&self, code: String) -> Result<Draft, CoreException> {
        self.core
            .dossier()
            .answer_supplement(&code)
            .map(|view| Draft::new(view, self.lang))
            .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// Number of submissions waiting in the outbox.
    pub fn pending_submissions(&self) -> Result<u32, CoreException> {
        self.core
            .dossier()
            .pending_submissions()
            .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
            .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// Listens to the upload progress of every delivery until the handle is cancelled.
    pub fn add_upload_listener(&self, listener: Arc<dyn UploadListener>) -> Arc<ListenerHandle> {
        let id = self
            .core
            .dossier()
            .add_upload_listener(Arc::new(UploadAdapter {
                listener,
                lang: self.lang,
            }));
        let core = self.core.clone();
        Arc::new(ListenerHandle::new(move || {
            core.dossier().remove_upload_listener(id);
        }))
    }
}
