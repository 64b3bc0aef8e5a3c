//! The draft form as view data for Kotlin and Swift (decision 0008): fields with their
//! labels, help, pre-fill marks and the error to show now, the documents with their files,
//! the supplement-answer mode and what the form says. Conversions only; the rules are
//! `motcua_core::dossier::DraftForm`'s.

use motcua_core::Lang;
use motcua_core::dossier::{
    DraftDocument as CoreDocument, DraftField as CoreFormField, DraftForm as CoreForm,
    FormMode as CoreMode, FormSubmission as CoreSubmission,
};

use crate::catalog::{FieldKind, kind};
use crate::dossier::{Attachment, OnBehalf};

/// A choice of a select field.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FieldChoice {
    /// The value stored.
    pub value: String,
    /// What the person reads.
    pub label: String,
}

/// One field of the form, ready to render: its widget follows `kind`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DraftField {
    /// Field id (what `setField` takes).
    pub id: String,
    /// Its widget.
    pub kind: FieldKind,
    /// The label, in the app's language.
    pub label: String,
    /// Help under the field.
    pub help: Option<String>,
    /// Must be filled to submit.
    pub required: bool,
    /// The choices of a select field.
    pub choices: Vec<FieldChoice>,
    /// The value as stored; empty when none.
    pub value: String,
    /// Filled in from the identity or an earlier dossier, not typed: mark it.
    pub prefilled: bool,
    /// Bound to the verified identity (or the person filed for): show it read-only.
    pub locked: bool,
    /// The problem to show under the field now (the core decides when: a wrong value at
    /// once, an empty required one after the person asked to submit).
    pub error: Option<String>,
}

impl From<CoreFormField> for DraftField {
    fn from(f: CoreFormField) -> Self {
        DraftField {
            id: f.id,
            kind: kind(f.kind),
            label: f.label,
            help: f.help,
            required: f.required,
            choices: f
                .choices
                .into_iter()
                .map(|c| FieldChoice {
                    value: c.value,
                    label: c.label,
                })
                .collect(),
            value: f.value,
            prefilled: f.prefilled,
            locked: f.locked,
            error: f.error,
        }
    }
}

/// A document the procedure asks for, with the files attached to it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DraftDocument {
    /// The requirement's id (what `addAttachment…` takes).
    pub requirement: String,
    /// Its name.
    pub name: String,
    /// When it is needed or in what form, if the catalog says.
    pub note: Option<String>,
    /// Must be attached to submit.
    pub required: bool,
    /// The files attached to it.
    pub attachments: Vec<Attachment>,
    /// The problem to show now.
    pub error: Option<String>,
}

impl From<CoreDocument> for DraftDocument {
    fn from(d: CoreDocument) -> Self {
        DraftDocument {
            requirement: d.requirement,
            name: d.name,
            note: d.note,
            required: d.required,
            attachments: d.attachments.into_iter().map(Attachment::from).collect(),
            error: d.error,
        }
    }
}

/// Whether the form files a dossier or answers a supplement request.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum FormMode {
    /// A new dossier.
    Filing,
    /// The answer to the desk's supplement request: the note is the only field, any
    /// document of the procedure may be attached, none is required.
    SupplementAnswer {
        /// The dossier answered.
        dossier_code: String,
        /// What the desk asked for, one item each.
        requested: Vec<String>,
    },
}

/// Where the form's submission stands, with its sentence.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum FormSubmission {
    /// Being filled in.
    Editing,
    /// Kept in the outbox, sent by itself when there is a connection.
    Queued {
        /// What to tell the person.
        message: String,
    },
    /// Delivered.
    Submitted {
        /// The dossier's code (for an answer: the dossier answered).
        dossier_code: String,
        /// What to tell the person.
        message: String,
    },
}

/// The draft's form: everything its screen shows.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DraftForm {
    /// Draft id.
    pub draft_id: String,
    /// Procedure code.
    pub procedure_code: String,
    /// The screen's title.
    pub title: String,
    /// Filing or answering a supplement request.
    pub mode: FormMode,
    /// The fields, in order.
    pub fields: Vec<DraftField>,
    /// The documents, in order.
    pub documents: Vec<DraftDocument>,
    /// Where the submission stands.
    pub submission: FormSubmission,
    /// Nothing the phone knows of stops a submission.
    pub ready: bool,
    /// Problems shown now.
    pub problems_shown: u32,
    /// What the form says above its button (a refusal, what is left to fix).
    pub message: Option<String>,
    /// The person filed for, when not the logged-in citizen.
    pub on_behalf_of: Option<OnBehalf>,
    /// Whether the form offers filing on behalf of someone else.
    pub on_behalf_offered: bool,
}

impl DraftForm {
    pub(crate) fn new(form: CoreForm, lang: Lang) -> Self {
        DraftForm {
            draft_id: form.draft_id,
            procedure_code: form.procedure_code,
            title: form.title,
            mode: match form.mode {
                CoreMode::Filing => FormMode::Filing,
                CoreMode::SupplementAnswer {
                    dossier_code,
                    requested,
                } => FormMode::SupplementAnswer {
                    dossier_code,
                    requested,
                },
            },
            fields: form.fields.into_iter().map(DraftField::from).collect(),
            documents: form
                .documents
                .into_iter()
                .map(DraftDocument::from)
                .collect(),
            submission: match form.submission {
                CoreSubmission::Editing => FormSubmission::Editing,
                CoreSubmission::Queued { message } => FormSubmission::Queued { message },
                CoreSubmission::Submitted {
                    dossier_code,
                    message,
                } => FormSubmission::Submitted {
                    dossier_code,
                    message,
                },
            },
            ready: form.ready,
            problems_shown: form.problems_shown,
            message: form.message,
            on_behalf_of: form.on_behalf_of.map(|p| OnBehalf::new(p, lang)),
            on_behalf_offered: form.on_behalf_offered,
        }
    }
}
