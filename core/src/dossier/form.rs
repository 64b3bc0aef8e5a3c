//! The draft form as the apps show it (decision 0008): every field in order with its label,
//! help, choices, pre-fill mark and lock, the error it shows *now*, the documents with
//! what is attached to each, and what the form says above its one button. Both apps render
//! this and decide nothing: when an error shows, how a supplement answer is laid out and
//! which sentence a refusal gets are rules, so they live here once.
//!
//! When an error shows: before the person first asks to submit, only a value that is
//! wrong (typed, or no longer valid) shows its problem; an empty required field does not
//! nag while the form is being filled. Once they ask ([`DossierArea::check`]), every
//! problem shows, documents included, until the draft is submitted. That moment is kept
//! for the life of the core, not on disk: a form reopened after a restart starts quiet
//! again, and the next tap on "Nộp hồ sơ" shows everything.

use motcua_protocol::catalog::{FieldKind, Procedure};
use motcua_protocol::i18n::{Lang, Localized as _};
use motcua_protocol::on_behalf::OnBehalfOf;
use motcua_protocol::validation::{FieldError, document_field};

use super::view::{AttachmentView, DraftState, DraftView, FieldState};
use super::{DossierArea, DossierError, SUPPLEMENT_NOTE_FIELD};
use crate::wording::Wording;

/// A choice of a select field, in the person's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChoice {
    /// The value stored.
    pub value: String,
    /// What the person reads.
    pub label: String,
}

/// One field of the form, ready to render: its widget follows `kind`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftField {
    /// Field id (what [`DossierArea::set_field`] takes).
    pub id: String,
    /// Its widget.
    pub kind: FieldKind,
    /// The label, in the person's language.
    pub label: String,
    /// Help under the field, if any.
    pub help: Option<String>,
    /// Must be filled to submit.
    pub required: bool,
    /// The choices of a select field.
    pub choices: Vec<FieldChoice>,
    /// The value as stored (normalised when valid); empty when none.
    pub value: String,
    /// Filled in from the identity or an earlier dossier, not typed: marked as such.
    pub prefilled: bool,
    /// Bound to the verified identity (or the person filed for): shown read-only.
    pub locked: bool,
    /// The problem to show under the field now (see the module's rule), in the person's
    /// language.
    pub error: Option<String>,
}

/// A document the procedure asks for, with the files attached to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftDocument {
    /// The requirement's id (what [`DossierArea::add_attachment`] takes).
    pub requirement: String,
    /// Its name, in the person's language.
    pub name: String,
    /// When it is needed or in what form (original, certified copy…), if the catalog says.
    pub note: Option<String>,
    /// Must be attached to submit (never for a supplement answer: the request says which).
    pub required: bool,
    /// The files attached to it.
    pub attachments: Vec<AttachmentView>,
    /// The problem to show now ("missing"), once the person asked to submit.
    pub error: Option<String>,
}

/// Whether the form files a dossier or answers a supplement request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormMode {
    /// A new dossier of the procedure.
    Filing,
    /// The answer to the desk's supplement request of `dossier_code`: its only field is
    /// the note, any of the procedure's documents may be attached, none is required.
    SupplementAnswer {
        /// The dossier answered.
        dossier_code: String,
        /// What the desk asked for, one item each.
        requested: Vec<String>,
    },
}

/// Where the submission of the form stands, with its sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormSubmission {
    /// Still being filled in.
    Editing,
    /// Frozen in the outbox: sent by itself when there is a connection.
    Queued {
        /// "Hồ sơ đã được lưu trên máy và sẽ tự gửi khi có mạng."
        message: String,
    },
    /// Delivered.
    Submitted {
        /// The dossier's code (for an answer: the dossier answered).
        dossier_code: String,
        /// "Đã nộp hồ sơ. Mã hồ sơ: …" or "Đã gửi bổ sung hồ sơ …".
        message: String,
    },
}

/// The draft's form, everything a screen shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftForm {
    /// Draft id.
    pub draft_id: String,
    /// Procedure code.
    pub procedure_code: String,
    /// The screen's title: the procedure's name, or "Bổ sung hồ sơ …" for an answer.
    pub title: String,
    /// Filing or answering.
    pub mode: FormMode,
    /// The fields, in form order.
    pub fields: Vec<DraftField>,
    /// The documents, in the procedure's order.
    pub documents: Vec<DraftDocument>,
    /// Where the submission stands.
    pub submission: FormSubmission,
    /// Nothing stops a submission now (every problem is known to the phone; the portal
    /// may still refuse).
    pub ready: bool,
    /// Problems shown now, fields and documents.
    pub problems_shown: u32,
    /// What the form says above its button: the portal's refusal of the last submission,
    /// or, once the person asked to submit, what is left to fix.
    pub message: Option<String>,
    /// The person filed for, when not the logged-in citizen.
    pub on_behalf_of: Option<OnBehalfOf>,
    /// Whether the form offers filing on behalf of someone else.
    pub on_behalf_offered: bool,
}

impl DraftForm {
    /// The form of `draft` of `procedure`. `problems`: every problem that stops a
    /// submission now ([`DossierArea::validate`]); `revealed`: the person asked to submit,
    /// so all of them show.
    pub(super) fn build(
        draft: DraftView,
        procedure: &Procedure,
        problems: &[FieldError],
        revealed: bool,
        lang: Lang,
    ) -> DraftForm {
        let wording = Wording::new(lang);
        let pick = |vi: &str, en: &str| match lang {
            Lang::Vi => vi.to_owned(),
            Lang::En => en.to_owned(),
        };
        let problem_of = |id: &str| {
            problems
                .iter()
                .find(|p| p.field == id)
                .map(|p| p.message(lang))
        };
        let answering = draft.answers_dossier.clone();
        let shown_error = |state: &FieldState| {
            if revealed {
                problem_of(&state.field_id)
                    .or_else(|| state.error.as_ref().map(|e| e.message(lang)))
            } else {
                // A wrong value shows at once; an empty field waits for the first attempt.
                state
                    .value
                    .as_ref()
                    .and(state.error.as_ref())
                    .map(|e| e.message(lang))
            }
        };
        let fields: Vec<DraftField> = match &answering {
            Some(_) => draft
                .fields
                .iter()
                .filter(|f| f.field_id == SUPPLEMENT_NOTE_FIELD)
                .map(|state| DraftField {
                    id: state.field_id.clone(),
                    kind: FieldKind::LongText,
                    label: wording.supplement_note_label(),
                    help: Some(wording.supplement_note_help()),
                    required: false,
                    choices: Vec::new(),
                    value: state.value.clone().unwrap_or_default(),
                    prefilled: false,
                    locked: false,
                    error: shown_error(state),
                })
                .collect(),
            None => procedure
                .form
                .iter()
                .filter_map(|spec| {
                    let state = draft.fields.iter().find(|f| f.field_id == spec.id)?;
                    Some(DraftField {
                        id: spec.id.clone(),
                        kind: spec.kind,
                        label: pick(&spec.label_vi, &spec.label_en),
                        help: match lang {
                            Lang::Vi => spec.help_vi.clone(),
                            Lang::En => spec.help_en.clone(),
                        },
                        required: spec.required,
                        choices: spec
                            .options
                            .iter()
                            .map(|o| FieldChoice {
                                value: o.value.clone(),
                                label: pick(&o.label_vi, &o.label_en),
                            })
                            .collect(),
                        value: state.value.clone().unwrap_or_default(),
                        prefilled: state.prefilled,
                        locked: state.locked,
                        error: shown_error(state),
                    })
                })
                .collect(),
        };
        let documents: Vec<DraftDocument> = procedure
            .documents
            .iter()
            .map(|d| DraftDocument {
                requirement: d.id.clone(),
                name: pick(&d.name_vi, &d.name_en),
                note: match lang {
                    Lang::Vi => d.note_vi.clone(),
                    Lang::En => d.note_en.clone(),
                },
                required: d.required && answering.is_none(),
                attachments: draft
                    .attachments
                    .iter()
                    .filter(|a| a.requirement == d.id)
                    .cloned()
                    .collect(),
                error: if revealed {
                    problem_of(&document_field(&d.id))
                } else {
                    None
                },
            })
            .collect();
        let shown = fields.iter().filter(|f| f.error.is_some()).count()
            + documents.iter().filter(|d| d.error.is_some()).count();
        // A problem of no field or document shown (an empty supplement answer) is said
        // above the button in its own words.
        let unplaced: Vec<String> = problems
            .iter()
            .filter(|p| {
                !fields.iter().any(|f| f.id == p.field)
                    && !documents
                        .iter()
                        .any(|d| document_field(&d.requirement) == p.field)
            })
            .map(|p| p.message(lang))
            .collect();
        let message = if let Some(reason) = &draft.failure {
            Some(wording.refused(reason))
        } else if revealed && !unplaced.is_empty() {
            Some(unplaced.join(" "))
        } else if revealed && shown > 0 {
            Some(wording.problems_to_fix(shown))
        } else {
            None
        };
        let submission = match (draft.state, &answering, &draft.dossier_code) {
            (DraftState::Editing, _, _) => FormSubmission::Editing,
            (DraftState::Submitting, _, _) => FormSubmission::Queued {
                message: wording.offline_draft_queued(),
            },
            (DraftState::Submitted, Some(code), _) => FormSubmission::Submitted {
                dossier_code: code.clone(),
                message: wording.supplement_sent(code),
            },
            (DraftState::Submitted, None, Some(code)) => FormSubmission::Submitted {
                dossier_code: code.clone(),
                message: wording.submitted(code),
            },
            // Delivered without a code recorded cannot happen (the code is stored with the
            // state, in one transaction); shown as sent, without one.
            (DraftState::Submitted, None, None) => FormSubmission::Submitted {
                dossier_code: String::new(),
                message: wording.submitted(""),
            },
        };
        DraftForm {
            draft_id: draft.id,
            procedure_code: draft.procedure_code,
            title: match &answering {
                Some(code) => wording.supplement_for(code),
                None => pick(&procedure.name_vi, &procedure.name_en),
            },
            mode: match answering {
                Some(dossier_code) => FormMode::SupplementAnswer {
                    dossier_code,
                    requested: draft.requested,
                },
                None => FormMode::Filing,
            },
            fields,
            documents,
            submission,
            ready: problems.is_empty(),
            problems_shown: u32::try_from(shown).unwrap_or(u32::MAX),
            message,
            on_behalf_of: draft.on_behalf_of,
            on_behalf_offered: draft.on_behalf_offered,
        }
    }
}

impl DossierArea {
    /// The draft's form as a screen shows it, in `lang`.
    pub fn form(&self, draft_id: &str, lang: Lang) -> Result<DraftForm, DossierError> {
        let draft = self.draft(draft_id)?;
        let procedure = self.procedure(&draft.procedure_code)?;
        let problems = if draft.state == DraftState::Editing {
            self.validate(draft_id)?
        } else {
            Vec::new()
        };
        let revealed = draft.state == DraftState::Editing && self.is_revealed(draft_id);
        Ok(DraftForm::build(
            draft, &procedure, &problems, revealed, lang,
        ))
    }

    /// The person asked to submit: from now on every problem of the draft shows. Returns
    /// the form; submit it ([`DossierArea::submit`]) when [`DraftForm::ready`].
    pub fn check(&self, draft_id: &str, lang: Lang) -> Result<DraftForm, DossierError> {
        // Known first: a draft that does not exist is not remembered.
        self.draft(draft_id)?;
        self.revealed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(draft_id.to_owned());
        self.form(draft_id, lang)
    }

    /// Sets one field ([`DossierArea::set_field`]) and returns it as the form shows it now.
    pub fn set_form_field(
        &self,
        draft_id: &str,
        field_id: &str,
        value: &str,
        lang: Lang,
    ) -> Result<DraftField, DossierError> {
        self.set_field(draft_id, field_id, value)?;
        self.form(draft_id, lang)?
            .fields
            .into_iter()
            .find(|f| f.id == field_id)
            .ok_or_else(|| DossierError::UnknownField(field_id.to_owned()))
    }

    fn is_revealed(&self, draft_id: &str) -> bool {
        self.revealed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(draft_id)
    }
}
