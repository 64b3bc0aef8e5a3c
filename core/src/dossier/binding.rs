//! Fields locked to the verified identity, and filing on behalf of someone else
//! ([`motcua_protocol::on_behalf`], the same rules the portal applies at intake).
//!
//! A field the form pre-fills from the identity is locked to it: `set_field` refuses to
//! change it ([`DossierError::FieldLocked`]) and the draft's view marks it `locked`. Filing
//! for another person is a deliberate choice, [`DossierArea::set_on_behalf`]: the name and
//! ID fields are then locked to that person, and their birth date and address are typed.
//! The record is sealed like the field values.

use motcua_protocol::catalog::{FormField, Procedure};
use motcua_protocol::identity::CitizenProfile;
use motcua_protocol::on_behalf::{
    OnBehalfOf, VerifiedIdentity, binding_problems, bound_value, matches_bound,
};
use motcua_protocol::validation::{FieldError, ValidationContext};
use rusqlite::{OptionalExtension as _, params};

use super::{DossierArea, DossierError, DraftState, DraftView, unix_now, validation_context};
use crate::store::drafts::{self, field_context};
use crate::store::seal::Sealer;

fn on_behalf_context(draft_id: &str) -> String {
    format!("on-behalf:{draft_id}")
}

/// The on-behalf record of a draft, opened.
pub(crate) fn load(
    conn: &rusqlite::Connection,
    sealer: &Sealer,
    draft_id: &str,
) -> Result<Option<OnBehalfOf>, DossierError> {
    let sealed: Option<Vec<u8>> = conn
        .query_row(
            "SELECT on_behalf_of FROM drafts WHERE id = ?1",
            params![draft_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    let Some(sealed) = sealed else {
        return Ok(None);
    };
    let json = sealer.open_string(&on_behalf_context(draft_id), &sealed)?;
    serde_json::from_str(&json)
        .map(Some)
        .map_err(|e| DossierError::File(format!("on-behalf record: {e}")))
}

/// An identity with nothing in it: when filing on behalf, the bound values are the
/// person's and the filer's are not consulted.
const NOBODY: VerifiedIdentity<'static> = VerifiedIdentity {
    full_name: "",
    personal_id: None,
    birth_date: None,
    address: None,
};

/// What a draft's identity-bound fields are locked to.
pub(crate) struct Locks<'a> {
    profile: Option<&'a CitizenProfile>,
    on_behalf: Option<&'a OnBehalfOf>,
    context: ValidationContext,
}

impl<'a> Locks<'a> {
    pub(crate) fn new(
        profile: Option<&'a CitizenProfile>,
        on_behalf: Option<&'a OnBehalfOf>,
    ) -> Self {
        Locks {
            profile,
            on_behalf,
            context: validation_context(),
        }
    }

    fn identity(&self) -> Option<VerifiedIdentity<'a>> {
        match (self.on_behalf, self.profile) {
            (Some(_), _) => Some(NOBODY),
            (None, Some(profile)) => Some(VerifiedIdentity::from(profile)),
            // Not logged in: nothing is verified, nothing is locked (the portal checks
            // at submission, which needs a login).
            (None, None) => None,
        }
    }

    /// The value `field` is locked to, if it is locked.
    pub(crate) fn value(&self, field: &FormField) -> Option<String> {
        bound_value(field, &self.identity()?, self.on_behalf, &self.context)
    }

    /// The binding problems of a draft's values (the portal's intake check).
    pub(crate) fn problems(
        &self,
        procedure: &Procedure,
        values: &std::collections::BTreeMap<String, String>,
    ) -> Vec<FieldError> {
        let Some(profile) = self.profile else {
            return Vec::new();
        };
        binding_problems(
            procedure,
            values,
            &VerifiedIdentity::from(profile),
            self.on_behalf,
            &self.context,
        )
    }
}

impl DossierArea {
    /// Refuses a change of a locked field (the same value is no change and passes).
    pub(crate) fn check_unlocked(
        &self,
        draft_id: &str,
        field: &FormField,
        value: &str,
    ) -> Result<(), DossierError> {
        let on_behalf = load(&*self.database.connection()?, &self.sealer, draft_id)?;
        let profile = self.identity.profile()?;
        let locks = Locks::new(profile.as_ref(), on_behalf.as_ref());
        match locks.value(field) {
            Some(bound) if !matches_bound(field, value, &bound, &locks.context) => {
                Err(DossierError::FieldLocked(field.id.clone()))
            }
            _ => Ok(()),
        }
    }

    /// Files the draft on behalf of another person (`Some`), or for the citizen
    /// themselves again (`None`): a deliberate choice, recorded (sealed) with the draft
    /// and sent with the submission. The fields bound to the name and ID number are set
    /// to the person's (with `None`: back to the verified identity's, also repairing a
    /// draft typed before fields were locked); birth date and address fields bound to the
    /// identity are cleared for typing when filing on behalf. The record is checked
    /// first ([`OnBehalfOf::normalized`]), and may not name the filer.
    pub fn set_on_behalf(
        &self,
        draft_id: &str,
        on_behalf: Option<OnBehalfOf>,
    ) -> Result<DraftView, DossierError> {
        let row = drafts::load_draft(&*self.database.connection()?, draft_id)?;
        if row.state != DraftState::Editing || row.answers_dossier.is_some() {
            return Err(DossierError::NotEditable);
        }
        let context = validation_context();
        let profile = self.identity.profile()?;
        let on_behalf = match on_behalf.map(|p| p.normalized(&context)) {
            None => None,
            Some(Err(problems)) => return Err(DossierError::Invalid(problems)),
            Some(Ok(person)) => {
                let filer_id = profile.as_ref().and_then(|p| p.personal_id.as_deref());
                if filer_id == Some(person.personal_id.as_str()) {
                    return Err(DossierError::Invalid(vec![FieldError {
                        field: "on_behalf_of.personal_id".into(),
                        kind: motcua_protocol::validation::FieldErrorKind::OnBehalfOfSelf,
                        label_vi: None,
                        label_en: None,
                    }]));
                }
                Some(person)
            }
        };
        let procedure = self.procedure(&row.procedure_code)?;
        let locks = Locks::new(profile.as_ref(), on_behalf.as_ref());
        let sealed = on_behalf
            .as_ref()
            .map(|person| {
                let json = serde_json::to_string(person)
                    .map_err(|e| DossierError::File(format!("on-behalf record: {e}")))?;
                Ok::<_, DossierError>(
                    self.sealer
                        .seal(&on_behalf_context(draft_id), json.as_bytes())?,
                )
            })
            .transpose()?;
        let now = unix_now();
        let mut connection = self.database.connection()?;
        let tx = connection.transaction()?;
        let changed = tx.execute(
            "UPDATE drafts SET on_behalf_of = ?2, updated_at = ?3, failure = NULL
             WHERE id = ?1 AND state = 'editing'",
            params![draft_id, sealed, now],
        )?;
        if changed != 1 {
            return Err(DossierError::NotEditable);
        }
        for field in procedure.form.iter().filter(|f| {
            f.prefill
                .is_some_and(motcua_protocol::on_behalf::is_identity_source)
        }) {
            match locks.value(field) {
                Some(value) => {
                    let sealed = self
                        .sealer
                        .seal(&field_context(draft_id, &field.id), value.as_bytes())?;
                    tx.execute(
                        "INSERT INTO draft_fields (draft_id, field_id, sealed, prefilled, updated_at)
                         VALUES (?1, ?2, ?3, 1, ?4)
                         ON CONFLICT(draft_id, field_id) DO UPDATE
                         SET sealed = ?3, prefilled = 1, updated_at = ?4",
                        params![draft_id, field.id, sealed, now],
                    )?;
                }
                // The filer's birth date or address is not the person's: typed anew.
                None if on_behalf.is_some() => {
                    tx.execute(
                        "DELETE FROM draft_fields WHERE draft_id = ?1 AND field_id = ?2",
                        params![draft_id, field.id],
                    )?;
                }
                // Back to the filer, a value the identity does not release stays as typed.
                None => {}
            }
        }
        tx.commit()?;
        drop(connection);
        tracing::info!(on_behalf = on_behalf.is_some(), "draft filer changed");
        self.draft(draft_id)
    }
}
