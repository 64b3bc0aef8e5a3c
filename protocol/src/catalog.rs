//! The procedure catalog: what a province publishes about each administrative procedure
//! (thủ tục hành chính), its required documents and the typed form the citizen fills.
//!
//! The catalog is data (`data/catalog/*.json` in the repository), served by the portal and
//! cached by the core. Facts that could not be established are marked [`Fact::Unknown`] with
//! the reason, never invented.

use serde::{Deserialize, Serialize};

use crate::identity::IdentityLevel;

/// A fact that may not be established: the value, or why it is unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Fact<T> {
    /// The established value.
    Known(T),
    /// Not established; `unknown` says why (e.g. "set by each province's council").
    Unknown {
        /// Why the value is not known.
        unknown: String,
    },
}

impl<T> Fact<T> {
    /// The value, if known.
    pub fn known(&self) -> Option<&T> {
        match self {
            Fact::Known(value) => Some(value),
            Fact::Unknown { .. } => None,
        }
    }
}

/// Level of the agency that settles the procedure (two tiers since 1 July 2025).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyLevel {
    /// A ministry or central agency.
    Central,
    /// Province or centrally-run city (cấp tỉnh).
    Province,
    /// Commune, ward or special zone (cấp xã).
    Commune,
}

/// How much of the procedure can be done online.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceLevel {
    /// Toàn trình: filed, processed and returned online.
    FullyOnline,
    /// Một phần: the citizen still comes to the desk (originals, payment or collection).
    PartlyOnline,
}

/// The fee (phí, lệ phí) of a procedure, in đồng.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    /// Fee when filed at the desk; `Known(0)` when exempt.
    pub amount_vnd: Fact<u64>,
    /// Fee when filed online, when a discount applies; absent when it is the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_amount_vnd: Option<Fact<u64>>,
    /// Conditions, exemptions, legal basis of the fee (Vietnamese).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_vi: Option<String>,
    /// The same in English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_en: Option<String>,
}

/// One document of the dossier (thành phần hồ sơ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRequirement {
    /// Stable id within the procedure, `snake_case`.
    pub id: String,
    /// Name in Vietnamese.
    pub name_vi: String,
    /// Name in English.
    pub name_en: String,
    /// Whether every dossier must have it (otherwise only in some situations).
    pub required: bool,
    /// When it is needed or what form it takes (original, certified copy…), Vietnamese.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_vi: Option<String>,
    /// The same in English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_en: Option<String>,
}

/// The type of a form field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// Several lines of text.
    LongText,
    /// An integer.
    Number,
    /// A calendar date (`YYYY-MM-DD`).
    Date,
    /// One of `options`.
    Select,
    /// Yes / no.
    Checkbox,
    /// A Vietnamese mobile number.
    Phone,
    /// An e-mail address.
    Email,
    /// A 12-digit personal ID number.
    PersonalId,
    /// An administrative unit (province → commune), stored as its code.
    AdminUnit,
}

/// A validation rule on a field (checked identically by core and portal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum ValidationRule {
    /// Text length in characters.
    Length {
        /// Minimum.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<u32>,
        /// Maximum.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<u32>,
    },
    /// Numeric range.
    Range {
        /// Minimum.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<i64>,
        /// Maximum.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<i64>,
    },
    /// A date not after today (birth dates, past events).
    NotInFuture,
    /// A date not before today (appointments, planned events).
    NotInPast,
}

/// Where a field's value can be pre-filled from ("provide information once").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrefillSource {
    /// The logged-in citizen's full name.
    IdentityFullName,
    /// The logged-in citizen's personal ID number.
    IdentityPersonalId,
    /// The logged-in citizen's date of birth.
    IdentityBirthDate,
    /// The logged-in citizen's address.
    IdentityAddress,
    /// The same field in the citizen's earlier dossiers.
    EarlierDossier,
}

/// One choice of a `select` field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldOption {
    /// Stored value.
    pub value: String,
    /// Label in Vietnamese.
    pub label_vi: String,
    /// Label in English.
    pub label_en: String,
}

/// One field of a procedure's form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormField {
    /// Stable id within the procedure, `snake_case`.
    pub id: String,
    /// Its type.
    pub kind: FieldKind,
    /// Label in Vietnamese.
    pub label_vi: String,
    /// Label in English.
    pub label_en: String,
    /// Whether it must be filled.
    pub required: bool,
    /// Extra rules beyond those implied by `kind`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<ValidationRule>,
    /// Choices of a `select` field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<FieldOption>,
    /// Where the value can be pre-filled from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill: Option<PrefillSource>,
    /// A hint under the field, Vietnamese.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_vi: Option<String>,
    /// The same in English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_en: Option<String>,
}

/// One administrative procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Procedure {
    /// National procedure code, e.g. `1.001193` (birth registration).
    pub code: String,
    /// Name in Vietnamese, as published.
    pub name_vi: String,
    /// Name in English.
    pub name_en: String,
    /// Field of work (lĩnh vực), Vietnamese, e.g. "Hộ tịch".
    pub field_vi: String,
    /// Field of work, English.
    pub field_en: String,
    /// Level of the settling agency.
    pub agency_level: AgencyLevel,
    /// The settling agency, Vietnamese (e.g. "Ủy ban nhân dân cấp xã").
    pub agency_vi: String,
    /// Fully or partly online.
    pub service_level: ServiceLevel,
    /// Statutory processing time in working days.
    pub processing_days: Fact<u32>,
    /// Fee and the online discount.
    pub fee: Fee,
    /// Required documents.
    pub documents: Vec<DocumentRequirement>,
    /// The lowest identity level allowed to file it online.
    pub required_identity_level: IdentityLevel,
    /// The form.
    pub form: Vec<FormField>,
    /// Relative demand (dossiers per year, or an estimate); breaks ranking ties.
    pub popularity: u32,
    /// Legal basis (decrees, circulars, decisions publishing the procedure).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal_basis: Vec<String>,
    /// True for generated benchmark entries: never shown to citizens as real.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub synthetic: bool,
}

/// A phrase people use for a procedure ("giấy độc thân" for the marital status
/// certificate). Matched like a name, so it is folded and typo-tolerant too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alias {
    /// The phrase, as people say it (with or without diacritics).
    pub phrase: String,
    /// The procedures it means.
    pub codes: Vec<String>,
}

/// The catalog as served by the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    /// Content version (a digest of the catalog); the HTTP ETag carries it too.
    pub version: String,
    /// True when the catalog is the synthetic benchmark catalog.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub synthetic: bool,
    /// The procedures.
    pub procedures: Vec<Procedure>,
    /// Colloquial phrases.
    #[serde(default)]
    pub aliases: Vec<Alias>,
}

/// The file `data/catalog/procedures.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProceduresFile {
    /// The procedures.
    pub procedures: Vec<Procedure>,
}

/// The file `data/catalog/aliases.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AliasesFile {
    /// The phrases.
    pub aliases: Vec<Alias>,
}

/// A labelled query of `data/catalog/queries.json`: what a person types and the procedures
/// that answer it (for recall measurements).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelledQuery {
    /// What is typed.
    pub query: String,
    /// Codes of the procedures a good search returns (first is the best answer).
    pub relevant: Vec<String>,
}

/// The file `data/catalog/queries.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueriesFile {
    /// The labelled queries.
    pub queries: Vec<LabelledQuery>,
}

/// Why catalog data was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogDataError {
    /// Two procedures share a code.
    #[error("procedure code {0} appears twice")]
    DuplicateCode(String),
    /// An alias names a procedure that is not in the catalog.
    #[error("alias {phrase:?} names unknown procedure {code}")]
    UnknownAliasTarget {
        /// The alias phrase.
        phrase: String,
        /// The missing code.
        code: String,
    },
    /// A procedure's form or documents are inconsistent.
    #[error("procedure {code}: {problem}")]
    Invalid {
        /// The procedure.
        code: String,
        /// What is wrong.
        problem: String,
    },
}

/// Checks the procedures and aliases and puts them together as a versioned catalog; the
/// version is a digest of the content, so the same data always has the same version.
pub fn assemble(
    procedures: Vec<Procedure>,
    aliases: Vec<Alias>,
) -> Result<Catalog, CatalogDataError> {
    let mut codes = std::collections::HashSet::new();
    for procedure in &procedures {
        if !codes.insert(procedure.code.as_str()) {
            return Err(CatalogDataError::DuplicateCode(procedure.code.clone()));
        }
        check_procedure(procedure)?;
    }
    for alias in &aliases {
        if let Some(code) = alias.codes.iter().find(|c| !codes.contains(c.as_str())) {
            return Err(CatalogDataError::UnknownAliasTarget {
                phrase: alias.phrase.clone(),
                code: code.clone(),
            });
        }
    }
    let synthetic = !procedures.is_empty() && procedures.iter().any(|p| p.synthetic);
    // Serialising our own types cannot fail.
    let content = serde_json::to_vec(&(&procedures, &aliases)).unwrap_or_default();
    let digest = ring::digest::digest(&ring::digest::SHA256, &content);
    let version: String = digest.as_ref()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(Catalog {
        version,
        synthetic,
        procedures,
        aliases,
    })
}

fn check_procedure(procedure: &Procedure) -> Result<(), CatalogDataError> {
    let invalid = |problem: String| CatalogDataError::Invalid {
        code: procedure.code.clone(),
        problem,
    };
    let mut ids = std::collections::HashSet::new();
    for field in &procedure.form {
        if !ids.insert(field.id.as_str()) {
            return Err(invalid(format!("form field {} appears twice", field.id)));
        }
        if field.kind == FieldKind::Select && field.options.is_empty() {
            return Err(invalid(format!("select field {} has no options", field.id)));
        }
    }
    let mut documents = std::collections::HashSet::new();
    for document in &procedure.documents {
        if !documents.insert(document.id.as_str()) {
            return Err(invalid(format!("document {} appears twice", document.id)));
        }
    }
    if procedure.name_vi.trim().is_empty() {
        return Err(invalid("empty name".into()));
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample(code: &str) -> Procedure {
        Procedure {
            code: code.into(),
            name_vi: "Đăng ký khai sinh".into(),
            name_en: "Birth registration".into(),
            field_vi: "Hộ tịch".into(),
            field_en: "Civil status".into(),
            agency_level: AgencyLevel::Commune,
            agency_vi: "Ủy ban nhân dân cấp xã".into(),
            service_level: ServiceLevel::FullyOnline,
            processing_days: Fact::Known(1),
            fee: Fee {
                amount_vnd: Fact::Known(0),
                online_amount_vnd: None,
                note_vi: None,
                note_en: None,
            },
            documents: vec![],
            required_identity_level: IdentityLevel::Level2,
            form: vec![],
            popularity: 10,
            legal_basis: vec![],
            synthetic: false,
        }
    }

    #[test]
    fn assembling_checks_codes_and_aliases_and_versions_by_content() {
        let alias = Alias {
            phrase: "giấy khai sinh".into(),
            codes: vec!["1.001193".into()],
        };
        let catalog = assemble(vec![sample("1.001193")], vec![alias.clone()]).unwrap();
        let again = assemble(vec![sample("1.001193")], vec![alias.clone()]).unwrap();
        assert_eq!(catalog.version, again.version);
        assert_eq!(catalog.version.len(), 16);
        let mut changed = sample("1.001193");
        changed.popularity = 11;
        assert_ne!(
            assemble(vec![changed], vec![alias.clone()])
                .unwrap()
                .version,
            catalog.version
        );
        assert_eq!(
            assemble(vec![sample("1"), sample("1")], vec![]),
            Err(CatalogDataError::DuplicateCode("1".into()))
        );
        assert!(matches!(
            assemble(vec![sample("2")], vec![alias]),
            Err(CatalogDataError::UnknownAliasTarget { .. })
        ));
    }

    #[test]
    fn facts_are_a_value_or_a_reason() {
        let known: Fact<u32> = serde_json::from_str("5").unwrap();
        assert_eq!(known.known(), Some(&5));
        let unknown: Fact<u32> =
            serde_json::from_str(r#"{"unknown": "set by each province"}"#).unwrap();
        assert_eq!(unknown.known(), None);
    }

    #[test]
    fn a_field_round_trips_with_tagged_rules() {
        let json = r#"{"id":"child_birth_date","kind":"date","label_vi":"Ngày sinh",
            "label_en":"Date of birth","required":true,"rules":[{"rule":"not_in_future"},
            {"rule":"length","max":10}]}"#;
        let field: FormField = serde_json::from_str(json).unwrap();
        assert_eq!(field.rules.len(), 2);
        assert_eq!(field.kind, FieldKind::Date);
        let again: FormField =
            serde_json::from_str(&serde_json::to_string(&field).unwrap()).unwrap();
        assert_eq!(again, field);
    }

    /// "Provide once": in every procedure of the shipped catalog, when a party's name is
    /// the verified identity's, so are that party's ID number and birth date.
    #[test]
    fn every_field_the_identity_can_fill_is_prefilled() {
        let file: ProceduresFile =
            serde_json::from_str(include_str!("../../data/catalog/procedures.json")).unwrap();
        let mut checked = 0;
        for procedure in &file.procedures {
            for name in procedure
                .form
                .iter()
                .filter(|f| f.prefill == Some(PrefillSource::IdentityFullName))
            {
                let Some(party) = name.id.strip_suffix("_name") else {
                    continue;
                };
                for (suffix, source) in [
                    ("_birth_date", PrefillSource::IdentityBirthDate),
                    ("_personal_id", PrefillSource::IdentityPersonalId),
                ] {
                    let id = format!("{party}{suffix}");
                    if let Some(field) = procedure.form.iter().find(|f| f.id == id) {
                        assert_eq!(field.prefill, Some(source), "{} {id}", procedure.code);
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked >= 60, "{checked}");
    }
}
