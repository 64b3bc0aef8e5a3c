//! Fields locked to the verified identity, and filing on behalf of someone else
//! ([`motcua_protocol::on_behalf`], the same rules the portal applies at intake).
//!
//! A field the form pre-fills from the identity is locked to it: `set_field` refuses to
//! change it ([`DossierError::FieldLocked`]) and the draft's view marks it `locked`. Filing
//! for another person is a deliberate choice, [`DossierArea::set_on_behalf`]: the name and
//! ID fields are then locked to that person, and their birth date and address are typed.
//! The record is sealed like the field values; its SQL is the store's
//! (`store/on_behalf.rs`).

use motcua_protocol::catalog::{FormField, Procedure};
use motcua_protocol::identity::CitizenProfile;
use motcua_protocol::on_behalf::{
    OnBehalfOf, VerifiedIdentity, binding_problems, bound_value, matches_bound,
};
use motcua_protocol::validation::{FieldError, ValidationContext};

use super::{DossierArea, DossierError, DraftState, DraftView, unix_now, validation_context};
use crate::store::drafts;
use crate::store::on_behalf::{self as store, BoundField};

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
        let on_behalf = store::load(&*self.database.connection()?, &self.sealer, draft_id)?;
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
        let bound: Vec<(String, Option<String>)> = procedure
            .form
            .iter()
            .filter(|f| {
                f.prefill
                    .is_some_and(motcua_protocol::on_behalf::is_identity_source)
            })
            .map(|field| (field.id.clone(), locks.value(field)))
            .collect();
        let fields: Vec<BoundField<'_>> = bound
            .iter()
            .filter_map(|(field_id, value)| match value {
                Some(value) => Some(BoundField::Set { field_id, value }),
                // The filer's birth date or address is not the person's: typed anew.
                None if on_behalf.is_some() => Some(BoundField::Clear { field_id }),
                // Back to the filer, a value the identity does not release stays as typed.
                None => None,
            })
            .collect();
        store::save(
            &self.database,
            draft_id,
            on_behalf.as_ref(),
            &fields,
            unix_now(),
        )?;
        tracing::info!(on_behalf = on_behalf.is_some(), "draft filer changed");
        self.draft(draft_id)
    }
}
