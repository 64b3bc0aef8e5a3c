//! Dossiers on the device: drafts (autosaved field by field, sealed), attachments prepared
//! for upload, and the submission outbox that delivers each dossier exactly once whatever
//! the network does.
//!
//! A field change is one small SQLite transaction: when `set_field` returns, the value is
//! in the database (WAL) and survives the app being killed. `submit` freezes the draft and
//! writes its outbox entry, with a random idempotency key, in one transaction; delivery
//! (resumable uploads, then the post with the key) can be interrupted anywhere and
//! resumed, and the portal answers a repeated key with the same dossier.

mod binding;
mod error;
mod form;
pub mod media;
mod outbox;
mod progress;
mod supplement;
mod view;
mod withdrawal;

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use motcua_protocol::catalog::{PrefillSource, Procedure};
use motcua_protocol::dossier::DossierStatus;
use motcua_protocol::identity::CitizenProfile;
use motcua_protocol::lifecycle::ActionKind;
use motcua_protocol::validation::{FieldError, ValidationContext, validate_form, validate_value};

pub use self::error::DossierError;
pub use self::form::{DraftDocument, DraftField, DraftForm, FieldChoice, FormMode, FormSubmission};
pub use self::outbox::DeliveryOutcome;
pub use self::progress::{UploadListener, UploadProgress};
pub use self::supplement::SUPPLEMENT_NOTE_FIELD;
pub use self::view::{
    AttachmentView, DraftState, DraftSummary, DraftView, FieldState, LocalDossier,
};
use crate::CoreConfig;
use crate::catalog::CatalogArea;
use crate::http::HttpClient;
use crate::identity::{Identity, IdentityError};
use crate::listeners::{ListenerId, Listeners};
use crate::store::Database;
use crate::store::drafts::{self, blob_context};
use crate::store::policy::DRAFT_FAILURE;
pub(crate) use crate::store::seal::KEY_DATA_KEY;
pub use crate::store::seal::SealError;
use crate::store::seal::Sealer;

/// The dossier area of the core.
pub struct DossierArea {
    database: Arc<Database>,
    sealer: Arc<Sealer>,
    identity: Arc<Identity>,
    catalog: Arc<CatalogArea>,
    attachments_dir: PathBuf,
    outbox: outbox::Outbox,
    /// Told about the uploads of every delivery, besides the listener of the call.
    upload_listeners: Listeners<dyn UploadListener>,
    /// Drafts whose person asked to submit: their forms show every problem
    /// ([`DossierArea::check`]).
    revealed: Mutex<HashSet<String>>,
}

/// The listener of one call and the registered ones, told together.
struct UploadFanOut {
    call: Option<Arc<dyn UploadListener>>,
    registered: Vec<Arc<dyn UploadListener>>,
}

impl UploadListener for UploadFanOut {
    fn on_upload_progress(&self, progress: &UploadProgress) {
        for listener in self.call.iter().chain(&self.registered) {
            listener.on_upload_progress(progress);
        }
    }
}

pub(crate) use motcua_protocol::time::unix_now;

/// Today in Vietnam (UTC+7), for date rules.
pub(crate) fn validation_context() -> ValidationContext {
    ValidationContext::vietnam_day_of(unix_now())
}

/// The letters of a draft id: digits and lowercase letters without i, l, o, u (Crockford's
/// base 32), so that an id never starts with `-` (a command line would read it as an
/// option), survives being read aloud or typed by a volunteer, and needs no escaping.
const DRAFT_ID_ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// Characters of a draft id: 80 random bits, far more than one phone's drafts need to
/// never collide.
const DRAFT_ID_LEN: usize = 16;

/// A new draft id (also of a supplement answer, which is a draft): see
/// [`DRAFT_ID_ALPHABET`]. Ids made before it (base64url, which may start with `-`) stay
/// valid.
fn new_draft_id() -> Result<String, DossierError> {
    let buffer = crate::random::bytes::<DRAFT_ID_LEN>()
        .map_err(|_| DossierError::Seal(SealError::Cipher))?;
    // 32 divides 256: every letter is equally likely.
    Ok(buffer
        .iter()
        .map(|byte| char::from(DRAFT_ID_ALPHABET[usize::from(byte % 32)]))
        .collect())
}

/// `bytes` random bytes, base64url ([`crate::random::token`]): blob names, idempotency keys.
fn random_id(bytes: usize) -> Result<String, DossierError> {
    crate::random::token(bytes).map_err(|_| DossierError::Seal(SealError::Cipher))
}

impl DossierArea {
    pub(crate) fn new(
        config: Arc<CoreConfig>,
        http: HttpClient,
        database: Arc<Database>,
        identity: Arc<Identity>,
        catalog: Arc<CatalogArea>,
    ) -> DossierArea {
        let attachments_dir = config.data_dir.join(crate::store::ATTACHMENTS_DIR);
        DossierArea {
            outbox: outbox::Outbox::new(config, http),
            sealer: database.sealer().clone(),
            database,
            identity,
            catalog,
            attachments_dir,
            upload_listeners: Listeners::default(),
            revealed: Mutex::default(),
        }
    }

    /// Adds a listener told about the uploads of every delivery (a submission, or the
    /// outbox run in the background) until [`DossierArea::remove_upload_listener`].
    pub fn add_upload_listener(&self, listener: Arc<dyn UploadListener>) -> ListenerId {
        self.upload_listeners.add(listener)
    }

    /// Removes a listener added with [`DossierArea::add_upload_listener`]; false if it was
    /// not registered (any more).
    pub fn remove_upload_listener(&self, id: ListenerId) -> bool {
        self.upload_listeners.remove(id)
    }

    /// The call's listener together with the registered ones (checked at each delivery,
    /// so a registration made meanwhile is told from the next delivery on).
    fn upload_fan_out(&self, call: Option<Arc<dyn UploadListener>>) -> UploadFanOut {
        UploadFanOut {
            call,
            registered: self.upload_listeners.current(),
        }
    }

    fn procedure(&self, code: &str) -> Result<Procedure, DossierError> {
        self.catalog
            .procedure(code)?
            .ok_or_else(|| DossierError::UnknownProcedure(code.to_owned()))
    }

    /// Starts a draft of `procedure_code`, pre-filled from the logged-in citizen's identity
    /// and earlier dossiers ("provide information once"); pre-filled values are marked.
    pub fn create_draft(&self, procedure_code: &str) -> Result<DraftView, DossierError> {
        let procedure = self.procedure(procedure_code.trim())?;
        let profile = self.identity.profile()?;
        let id = new_draft_id()?;
        let now = unix_now();
        let context = validation_context();
        let mut prefilled = Vec::new();
        {
            let connection = self.database.connection()?;
            for field in &procedure.form {
                let value = match field.prefill {
                    Some(source) => prefill(
                        &connection,
                        &self.sealer,
                        source,
                        &field.id,
                        profile.as_ref(),
                    )?,
                    None => None,
                };
                // Only values that fit the field are offered; a bad earlier value is left
                // out.
                if let Some(value) = value.and_then(|v| validate_value(field, &v, &context).ok()) {
                    prefilled.push((field.id.clone(), value));
                }
            }
        }
        drafts::create(&self.database, &id, &procedure.code, now, &prefilled)?;
        tracing::info!(procedure = %procedure.code, "draft created");
        self.draft(&id)
    }

    /// Sets (or, with an empty value, clears) one field and saves it at once. Returns the
    /// field's state: an invalid value is kept (the person is still typing) and its error
    /// returned.
    pub fn set_field(
        &self,
        draft_id: &str,
        field_id: &str,
        value: &str,
    ) -> Result<FieldState, DossierError> {
        let row = drafts::load_draft(&*self.database.connection()?, draft_id)?;
        if row.state != DraftState::Editing {
            return Err(DossierError::NotEditable);
        }
        let (stored, error) = if row.answers_dossier.is_some() {
            supplement::check_note_field(field_id, value)?
        } else {
            // The catalog shares the database connection: look it up before taking it.
            let procedure = self.procedure(&row.procedure_code)?;
            let field = procedure
                .form
                .iter()
                .find(|f| f.id == field_id)
                .ok_or_else(|| DossierError::UnknownField(field_id.to_owned()))?;
            self.check_unlocked(draft_id, field, value)?;
            if value.trim().is_empty() {
                (None, field.required.then(|| FieldError::required(field_id)))
            } else {
                match validate_value(field, value, &validation_context()) {
                    Ok(normalised) => (Some(normalised), None),
                    Err(error) => (Some(value.to_owned()), Some(error)),
                }
            }
        };
        drafts::save_field(
            &self.database,
            draft_id,
            field_id,
            stored.as_deref(),
            unix_now(),
        )?;
        Ok(FieldState {
            field_id: field_id.to_owned(),
            value: stored,
            prefilled: false,
            // A locked field only gets here with its own value: it stays locked.
            locked: false,
            error,
        })
    }

    /// Attaches a file (its bytes) to a document requirement: images are straightened,
    /// downscaled and re-encoded, PDFs checked; the result is sealed on the device.
    pub fn add_attachment(
        &self,
        draft_id: &str,
        requirement: &str,
        file_name: &str,
        bytes: &[u8],
        listener: Option<&dyn media::ProgressListener>,
    ) -> Result<AttachmentView, DossierError> {
        let row = drafts::load_draft(&*self.database.connection()?, draft_id)?;
        if row.state != DraftState::Editing {
            return Err(DossierError::NotEditable);
        }
        let procedure = self.procedure(&row.procedure_code)?;
        if !procedure.documents.iter().any(|d| d.id == requirement) {
            return Err(DossierError::UnknownRequirement(requirement.to_owned()));
        }
        let prepared = media::prepare_attachment(bytes, listener)?;
        // Only the last path component is kept: it is display data.
        let display_name: String = file_name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(file_name)
            .chars()
            .filter(|c| !c.is_control())
            .take(120)
            .collect();
        let blob = random_id(16)?;
        let sealed = self.sealer.seal(&blob_context(&blob), &prepared.bytes)?;
        std::fs::create_dir_all(&self.attachments_dir)
            .map_err(|e| DossierError::File(e.to_string()))?;
        let path = self.attachments_dir.join(&blob);
        write_durably(&path, &sealed)?;
        let id = drafts::insert_attachment(
            &self.database,
            draft_id,
            &drafts::NewAttachment {
                requirement,
                file_name: &display_name,
                media_type: prepared.media_type,
                size: prepared.bytes.len() as u64,
                sha256: &prepared.sha256,
                blob: &blob,
            },
            unix_now(),
        )?;
        Ok(AttachmentView {
            id,
            requirement: requirement.to_owned(),
            file_name: display_name,
            media_type: prepared.media_type.to_owned(),
            size: prepared.bytes.len() as u64,
            uploaded: false,
        })
    }

    /// Removes an attachment from a draft being edited.
    pub fn remove_attachment(
        &self,
        draft_id: &str,
        attachment_id: i64,
    ) -> Result<(), DossierError> {
        // Its upload, if it was made, is given up: the portal is asked to delete it.
        let blob = drafts::remove_attachment(&self.database, draft_id, attachment_id)?;
        if let Some(blob) = blob {
            let _ = std::fs::remove_file(self.attachments_dir.join(blob));
        }
        Ok(())
    }

    /// The draft with every field of its form.
    pub fn draft(&self, draft_id: &str) -> Result<DraftView, DossierError> {
        let connection = self.database.connection()?;
        let row = drafts::load_draft(&connection, draft_id)?;
        let failure = DRAFT_FAILURE.open_opt(&self.sealer, &row.id, row.failure.as_deref())?;
        let stored = drafts::load_fields(&connection, &self.sealer, draft_id)?;
        let attachments = drafts::load_attachments(&connection, &self.sealer, draft_id)?;
        let requested = match &row.answers_dossier {
            Some(code) => crate::store::tracking::requested_items(&connection, &self.sealer, code)?,
            None => Vec::new(),
        };
        let on_behalf_of = crate::store::on_behalf::load(&connection, &self.sealer, draft_id)?;
        drop(connection);
        let procedure = self.procedure(&row.procedure_code)?;
        if row.answers_dossier.is_some() {
            return Ok(DraftView {
                id: row.id,
                procedure_code: row.procedure_code,
                procedure_name: procedure.name_vi,
                state: row.state,
                fields: vec![supplement::note_field_state(&stored)],
                attachments: attachments.iter().map(|a| a.view()).collect(),
                failure,
                dossier_code: row.dossier_code,
                answers_dossier: row.answers_dossier,
                requested,
                on_behalf_of: None,
                on_behalf_offered: false,
            });
        }
        let context = validation_context();
        let profile = self.identity.profile()?;
        let locks = binding::Locks::new(profile.as_ref(), on_behalf_of.as_ref());
        let values: BTreeMap<String, String> = stored
            .iter()
            .map(|f| (f.field_id.clone(), f.value.clone()))
            .collect();
        let mismatches = locks.problems(&procedure, &values);
        let fields: Vec<FieldState> = procedure
            .form
            .iter()
            .map(|field| {
                let value = stored.iter().find(|s| s.field_id == field.id);
                let error = match value {
                    Some(v) => validate_value(field, &v.value, &context)
                        .err()
                        .or_else(|| mismatches.iter().find(|m| m.field == field.id).cloned()),
                    None if field.required => Some(FieldError::required(&field.id)),
                    None => None,
                };
                FieldState {
                    field_id: field.id.clone(),
                    value: value.map(|v| v.value.clone()),
                    prefilled: value.is_some_and(|v| v.prefilled),
                    locked: locks.value(field).is_some(),
                    error,
                }
            })
            .collect();
        let on_behalf_offered = on_behalf_of.is_some() || fields.iter().any(|f| f.locked);
        Ok(DraftView {
            id: row.id,
            procedure_code: row.procedure_code,
            procedure_name: procedure.name_vi,
            state: row.state,
            fields,
            attachments: attachments.iter().map(|a| a.view()).collect(),
            failure,
            dossier_code: row.dossier_code,
            answers_dossier: None,
            requested,
            on_behalf_offered,
            on_behalf_of,
        })
    }

    /// Every problem that would stop the draft from being submitted.
    pub fn validate(&self, draft_id: &str) -> Result<Vec<FieldError>, DossierError> {
        Self::validate_in(
            &self.database,
            &self.sealer,
            &self.identity,
            &self.catalog,
            draft_id,
        )
    }

    /// [`DossierArea::validate`] with the parts it reads, so that [`DossierArea::submit`]
    /// can run it on the blocking pool (store, catalog and identity reads are blocking).
    fn validate_in(
        database: &Database,
        sealer: &Sealer,
        identity: &Identity,
        catalog: &CatalogArea,
        draft_id: &str,
    ) -> Result<Vec<FieldError>, DossierError> {
        let connection = database.connection()?;
        let row = drafts::load_draft(&connection, draft_id)?;
        let stored = drafts::load_fields(&connection, sealer, draft_id)?;
        let attachments = drafts::load_attachments(&connection, sealer, draft_id)?;
        let on_behalf_of = crate::store::on_behalf::load(&connection, sealer, draft_id)?;
        drop(connection);
        if row.answers_dossier.is_some() {
            return Ok(supplement::problems(&stored, &attachments));
        }
        let procedure = catalog
            .procedure(&row.procedure_code)?
            .ok_or_else(|| DossierError::UnknownProcedure(row.procedure_code.clone()))?;
        let values: BTreeMap<String, String> =
            stored.into_iter().map(|f| (f.field_id, f.value)).collect();
        let mut problems = validate_form(&procedure, &values, &validation_context());
        // What the portal would refuse at intake, found before the network is needed.
        let profile = identity.profile()?;
        problems.extend(
            binding::Locks::new(profile.as_ref(), on_behalf_of.as_ref())
                .problems(&procedure, &values),
        );
        for document in procedure.documents.iter().filter(|d| d.required) {
            if !attachments.iter().any(|a| a.requirement == document.id) {
                problems.push(FieldError::missing_document(
                    &document.id,
                    &document.name_vi,
                    &document.name_en,
                ));
            }
        }
        Ok(problems)
    }

    /// The drafts, most recently changed first.
    pub fn drafts(&self) -> Result<Vec<DraftSummary>, DossierError> {
        let connection = self.database.connection()?;
        Ok(drafts::list_drafts(&connection)?
            .into_iter()
            .map(|row| DraftSummary {
                id: row.id,
                procedure_code: row.procedure_code,
                state: row.state,
                updated_at: row.updated_at,
                dossier_code: row.dossier_code,
                answers_dossier: row.answers_dossier,
            })
            .collect())
    }

    /// Deletes a draft that is not being submitted, with its attachments.
    pub fn delete_draft(&self, draft_id: &str) -> Result<(), DossierError> {
        let blobs = drafts::delete(&self.database, draft_id)?;
        for blob in blobs {
            let _ = std::fs::remove_file(self.attachments_dir.join(blob));
        }
        Ok(())
    }

    /// Submits the draft: checks it, freezes it and puts it in the outbox with a fresh
    /// idempotency key (one transaction), then tries to deliver it once. A delivery that
    /// cannot finish now stays in the outbox ([`DossierArea::run_outbox`] retries it, also
    /// after a restart).
    pub async fn submit(
        &self,
        draft_id: &str,
        listener: Option<Arc<dyn UploadListener>>,
    ) -> Result<DeliveryOutcome, DossierError> {
        {
            let id = draft_id.to_owned();
            let row = self
                .database
                .blocking(move |database| drafts::load_draft(&*database.connection()?, &id))
                .await?;
            match row.state {
                DraftState::Submitted => {
                    return Ok(DeliveryOutcome::Delivered {
                        dossier_code: row.dossier_code.unwrap_or_default(),
                    });
                }
                DraftState::Submitting => {}
                DraftState::Editing => {
                    // The identity's, the catalog's and the draft's reads are blocking:
                    // on the blocking pool, in the order the checks are made.
                    let identity = Arc::clone(&self.identity);
                    let level = self
                        .database
                        .blocking(move |_| {
                            identity
                                .identity_level()?
                                .ok_or(DossierError::Identity(IdentityError::NotLoggedIn))
                        })
                        .await?;
                    match &row.answers_dossier {
                        // The dossier was filed at the procedure's level already; what
                        // matters now is that the desk is still waiting for the answer.
                        Some(code) => {
                            self.check_citizen_action_async(code, ActionKind::AnswerSupplement)
                                .await?;
                        }
                        None => {
                            let (catalog, code) =
                                (Arc::clone(&self.catalog), row.procedure_code.clone());
                            let procedure = self
                                .database
                                .blocking(move |_| {
                                    catalog
                                        .procedure(&code)?
                                        .ok_or(DossierError::UnknownProcedure(code))
                                })
                                .await?;
                            if level < procedure.required_identity_level {
                                return Err(DossierError::IdentityLevelTooLow {
                                    required: procedure.required_identity_level.number(),
                                });
                            }
                        }
                    }
                    let (sealer, identity, catalog, id) = (
                        Arc::clone(&self.sealer),
                        Arc::clone(&self.identity),
                        Arc::clone(&self.catalog),
                        draft_id.to_owned(),
                    );
                    let problems = self
                        .database
                        .blocking(move |database| {
                            Self::validate_in(database, &sealer, &identity, &catalog, &id)
                        })
                        .await?;
                    if !problems.is_empty() {
                        return Err(DossierError::Invalid(problems));
                    }
                    let key = random_id(24)?;
                    let (id, now) = (draft_id.to_owned(), unix_now());
                    self.database
                        .blocking(move |database| {
                            drafts::freeze_into_outbox(database, &id, &key, now)
                        })
                        .await?;
                }
            }
        }
        let listener = self.upload_fan_out(listener);
        self.outbox
            .deliver(self, draft_id, Some(&listener), true)
            .await
    }

    /// Delivers every outbox entry that is due (all of them with `force`), e.g. at start,
    /// when the network comes back, or in a background job: queued withdrawals (keyed by
    /// dossier code) first, then submissions and supplement answers (keyed by draft id).
    pub async fn run_outbox(
        &self,
        force: bool,
        listener: Option<Arc<dyn UploadListener>>,
    ) -> Result<Vec<(String, DeliveryOutcome)>, DossierError> {
        let now = unix_now();
        let due = self
            .database
            .blocking(move |database| crate::store::outbox::due(database, force, now))
            .await?;
        let listener = self.upload_fan_out(listener);
        // Best-effort: the portal expires what it is not told about.
        self.outbox.delete_abandoned_uploads(self).await;
        let mut outcomes = Vec::new();
        for code in self.queued_withdrawals().await? {
            match self.outbox.deliver_withdrawal(self, &code, force).await {
                Ok(outcome) => outcomes.push((code, outcome)),
                Err(DossierError::Refused(reason)) => {
                    outcomes.push((code, DeliveryOutcome::Refused { reason }))
                }
                Err(error) => return Err(error),
            }
        }
        for draft_id in due {
            match self
                .outbox
                .deliver(self, &draft_id, Some(&listener), force)
                .await
            {
                Ok(outcome) => outcomes.push((draft_id, outcome)),
                Err(DossierError::Refused(reason)) => {
                    outcomes.push((draft_id, DeliveryOutcome::Refused { reason }))
                }
                Err(error) => return Err(error),
            }
        }
        Ok(outcomes)
    }

    /// Number of submissions waiting in the outbox.
    pub fn pending_submissions(&self) -> Result<usize, DossierError> {
        Ok(crate::store::outbox::pending(&self.database)?)
    }

    /// The dossiers submitted from this device, newest first.
    pub fn dossiers(&self) -> Result<Vec<LocalDossier>, DossierError> {
        Ok(crate::store::outbox::filed(&self.database)?
            .into_iter()
            .map(|filed| LocalDossier {
                code: filed.code,
                procedure_code: filed.procedure_code,
                status: filed.status,
                submitted_at: filed.submitted_at,
            })
            .collect())
    }
}

impl DossierArea {
    /// The status of a dossier as this device last learned it (from the submission or a
    /// sync).
    pub fn local_status(&self, code: &str) -> Result<DossierStatus, DossierError> {
        crate::store::outbox::local_status(&self.database, code)?
            .ok_or_else(|| DossierError::UnknownDossier(code.to_owned()))
    }

    /// Checks, by the lifecycle's rules, that the citizen may take `kind` on the dossier
    /// as this device knows it. The portal decides again; this spares a round trip and
    /// tells the person at once.
    fn check_citizen_action(&self, code: &str, kind: ActionKind) -> Result<(), DossierError> {
        citizen_may(self.local_status(code)?, kind)
    }

    /// [`DossierArea::check_citizen_action`] for an async call: the status is read on the
    /// blocking pool.
    async fn check_citizen_action_async(
        &self,
        code: &str,
        kind: ActionKind,
    ) -> Result<(), DossierError> {
        let owned = code.to_owned();
        let status = self
            .database
            .blocking(move |database| crate::store::outbox::local_status(database, &owned))
            .await?
            .ok_or_else(|| DossierError::UnknownDossier(code.to_owned()))?;
        citizen_may(status, kind)
    }
}

/// Whether the lifecycle lets the citizen take `kind` on a dossier at `status`.
fn citizen_may(status: DossierStatus, kind: ActionKind) -> Result<(), DossierError> {
    let action = motcua_protocol::lifecycle::Action::from_parts(kind, None, Vec::new());
    motcua_protocol::lifecycle::transition(
        status,
        &action,
        motcua_protocol::lifecycle::ActorRole::Citizen,
    )?;
    Ok(())
}

fn prefill(
    conn: &rusqlite::Connection,
    sealer: &Sealer,
    source: PrefillSource,
    field_id: &str,
    profile: Option<&CitizenProfile>,
) -> Result<Option<String>, DossierError> {
    Ok(match source {
        PrefillSource::IdentityFullName => profile.map(|p| p.full_name.clone()),
        PrefillSource::IdentityPersonalId => profile.and_then(|p| p.personal_id.clone()),
        PrefillSource::IdentityBirthDate => profile.and_then(|p| p.birth_date.clone()),
        PrefillSource::IdentityAddress => profile.and_then(|p| p.address.clone()),
        PrefillSource::EarlierDossier => drafts::earlier_value(conn, sealer, field_id)?,
    })
}

/// Writes a file so that it is complete on disk before it is referenced: temporary file,
/// fsync, rename.
fn write_durably(path: &std::path::Path, bytes: &[u8]) -> Result<(), DossierError> {
    use std::io::Write as _;
    let io = |e: std::io::Error| DossierError::File(e.to_string());
    let tmp = path.with_extension("tmp");
    let mut file = std::fs::File::create(&tmp).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.sync_all().map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The old ids (base64url) started with `-` about once in 64 and the CLI took them for
    /// options; 4,096 new ones are all of the alphabet, the same length, and distinct.
    #[test]
    fn draft_ids_cannot_look_like_options() {
        let ids: std::collections::HashSet<String> =
            (0..4096).map(|_| new_draft_id().unwrap()).collect();
        assert_eq!(ids.len(), 4096);
        for id in &ids {
            assert_eq!(id.len(), DRAFT_ID_LEN);
            assert!(id.bytes().all(|b| DRAFT_ID_ALPHABET.contains(&b)), "{id}");
        }
        // Every letter of the alphabet appears (16 × 4,096 draws of 32 letters).
        let used: std::collections::HashSet<u8> = ids.iter().flat_map(|id| id.bytes()).collect();
        assert_eq!(used.len(), DRAFT_ID_ALPHABET.len());
    }
}
