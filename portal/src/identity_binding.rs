//! Intake's identity check: the form fields pre-filled from the identity must carry the
//! verified identity of the token's citizen, unless the dossier is deliberately filed on
//! behalf of someone else ([`motcua_protocol::on_behalf`]), whose record is then stored
//! with the dossier and its submission event and shown at the desk.

use std::collections::BTreeMap;

use crate::store::sql::{Connection, OptionalExtension as _};
use axum::http::StatusCode;
use motcua_protocol::api::ApiErrorCode;
use motcua_protocol::catalog::Procedure;
use motcua_protocol::i18n::Lang;
use motcua_protocol::on_behalf::{OnBehalfOf, VerifiedIdentity, binding_problems};
use motcua_protocol::validation::ValidationContext;

use crate::error::ApiError;

/// The verified identity of a citizen as the portal stored it at login.
pub(crate) struct StoredIdentity {
    full_name: String,
    personal_id: Option<String>,
    birth_date: Option<String>,
    address: Option<String>,
}

impl StoredIdentity {
    /// The citizen's identity, if the row exists.
    pub(crate) fn load(
        conn: &Connection,
        citizen_id: i64,
    ) -> crate::store::sql::Result<Option<Self>> {
        conn.prepare_cached(
            "SELECT full_name, personal_id, birth_date, address FROM citizens WHERE id = ?1",
        )?
        .query_row([citizen_id], |row| {
            Ok(StoredIdentity {
                full_name: row.get(0)?,
                personal_id: row.get(1)?,
                birth_date: row.get(2)?,
                address: row.get(3)?,
            })
        })
        .optional()
    }

    fn verified(&self) -> VerifiedIdentity<'_> {
        VerifiedIdentity {
            full_name: &self.full_name,
            personal_id: self.personal_id.as_deref(),
            birth_date: self.birth_date.as_deref(),
            address: self.address.as_deref(),
        }
    }

    /// The identity-bound fields of `fields` that name someone else, and the on-behalf
    /// record's problems (naming the filer), as the 422 `identity_mismatch` refusal.
    pub(crate) fn check(
        &self,
        procedure: &Procedure,
        fields: &BTreeMap<String, String>,
        on_behalf: Option<&OnBehalfOf>,
        ctx: &ValidationContext,
    ) -> Result<(), ApiError> {
        let problems = binding_problems(procedure, fields, &self.verified(), on_behalf, ctx);
        if problems.is_empty() {
            return Ok(());
        }
        Err(ApiError::with_fields(
            StatusCode::UNPROCESSABLE_ENTITY,
            ApiErrorCode::IdentityMismatch,
            "fields filled from the identity must be the verified identity's, or the dossier \
             must be filed on behalf of the person they name (on_behalf_of)",
            problems.iter().map(|p| p.to_problem()).collect(),
        ))
    }

    /// The fields of a stored dossier that do not carry what they are bound to: empty for
    /// every dossier intake checked; dossiers from before the check may have some.
    pub(crate) fn mismatches(
        &self,
        procedure: &Procedure,
        fields: &BTreeMap<String, String>,
        on_behalf: Option<&OnBehalfOf>,
        ctx: &ValidationContext,
    ) -> Vec<String> {
        binding_problems(procedure, fields, &self.verified(), on_behalf, ctx)
            .into_iter()
            .map(|p| p.field)
            .collect()
    }
}

/// The record as stored (JSON text), or `None`.
pub(crate) fn to_column(
    on_behalf: Option<&OnBehalfOf>,
) -> crate::store::sql::Result<Option<String>> {
    on_behalf
        .map(serde_json::to_string)
        .transpose()
        .map_err(|error| crate::store::sql::Error::encode(Box::new(error)))
}

/// The record of a stored column.
pub(crate) fn from_column(text: Option<String>) -> crate::store::sql::Result<Option<OnBehalfOf>> {
    text.as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(|error| crate::store::sql::Error::decode(Box::new(error)))
}

/// The desk's "filed by X on behalf of Y" in Vietnamese and English.
pub(crate) fn notices(filer_name: &str, on_behalf: &OnBehalfOf) -> (String, String) {
    (
        on_behalf.filing_notice(filer_name, Lang::Vi),
        on_behalf.filing_notice(filer_name, Lang::En),
    )
}
