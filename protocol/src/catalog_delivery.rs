//! How the catalog reaches a phone on a weak link (decision record 0006): a small
//! **summary** first (what search and lists need), a procedure's **detail** (documents,
//! form, fee notes, legal basis) when it is opened or a draft is started, and afterwards
//! only what changed since the phone's version (a **delta**).
//!
//! Every part is versioned by content: a procedure's `detail` version is a digest of the
//! whole [`Procedure`], and the catalog's version is the one [`crate::catalog::assemble`]
//! computes, so a catalog shipped inside the app has the version the portal publishes for
//! the same data. The paths it is served at are in [`crate::api::catalog`].

use serde::{Deserialize, Serialize};

use crate::catalog::{AgencyLevel, Alias, Catalog, Fact, Procedure, ServiceLevel};
use crate::identity::IdentityLevel;

/// The fee as a list shows it: the amounts, without the notes (those are in the detail).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeSummary {
    /// Fee at the desk; `Known(0)` when exempt.
    pub amount_vnd: Fact<u64>,
    /// Fee online, when a discount applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_amount_vnd: Option<Fact<u64>>,
}

/// What search and lists need of one procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureSummary {
    /// National procedure code.
    pub code: String,
    /// Name in Vietnamese.
    pub name_vi: String,
    /// Name in English.
    pub name_en: String,
    /// Field of work, Vietnamese.
    pub field_vi: String,
    /// Field of work, English.
    pub field_en: String,
    /// Level of the settling agency.
    pub agency_level: AgencyLevel,
    /// The settling agency, Vietnamese.
    pub agency_vi: String,
    /// Fully or partly online.
    pub service_level: ServiceLevel,
    /// Statutory processing time in working days.
    pub processing_days: Fact<u32>,
    /// The amounts of the fee.
    pub fee: FeeSummary,
    /// The lowest identity level allowed to file it online.
    pub required_identity_level: IdentityLevel,
    /// Relative demand; breaks ranking ties.
    pub popularity: u32,
    /// True for generated benchmark entries.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub synthetic: bool,
    /// The version of the detail (a digest of the whole procedure): a cached detail with
    /// another version is stale.
    pub detail: String,
}

impl ProcedureSummary {
    /// The summary of a procedure, with its detail version.
    pub fn of(procedure: &Procedure) -> ProcedureSummary {
        ProcedureSummary {
            code: procedure.code.clone(),
            name_vi: procedure.name_vi.clone(),
            name_en: procedure.name_en.clone(),
            field_vi: procedure.field_vi.clone(),
            field_en: procedure.field_en.clone(),
            agency_level: procedure.agency_level,
            agency_vi: procedure.agency_vi.clone(),
            service_level: procedure.service_level,
            processing_days: procedure.processing_days.clone(),
            fee: FeeSummary {
                amount_vnd: procedure.fee.amount_vnd.clone(),
                online_amount_vnd: procedure.fee.online_amount_vnd.clone(),
            },
            required_identity_level: procedure.required_identity_level,
            popularity: procedure.popularity,
            synthetic: procedure.synthetic,
            detail: detail_version(procedure),
        }
    }
}

/// The version of a procedure's detail: the first 8 bytes of SHA-256 over its JSON, hex.
pub fn detail_version(procedure: &Procedure) -> String {
    // Serialising our own types cannot fail.
    let json = serde_json::to_vec(procedure).unwrap_or_default();
    short_digest(&json)
}

/// The first 8 bytes of SHA-256, as 16 hex digits (the form of every catalog version).
pub fn short_digest(bytes: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    digest.as_ref()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The catalog summary, whole or as a delta.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogSummary {
    /// The catalog version this brings the phone to.
    pub version: String,
    /// Present on a delta: the version it applies to (the `since` asked for). Absent: the
    /// whole summary, which replaces what the phone has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// True when the catalog is the synthetic benchmark catalog.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub synthetic: bool,
    /// Whole: every procedure. Delta: those added or changed since `base`.
    pub procedures: Vec<ProcedureSummary>,
    /// Delta only: codes of procedures removed since `base`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<String>,
    /// Whole: every phrase. Delta: the whole new list when it changed, absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aliases: Option<Vec<Alias>>,
}

impl CatalogSummary {
    /// The whole summary of a catalog.
    pub fn of(catalog: &Catalog) -> CatalogSummary {
        CatalogSummary {
            version: catalog.version.clone(),
            base: None,
            synthetic: catalog.synthetic,
            procedures: catalog
                .procedures
                .iter()
                .map(ProcedureSummary::of)
                .collect(),
            removed: Vec::new(),
            aliases: Some(catalog.aliases.clone()),
        }
    }
}

/// What a catalog version was, for computing deltas from it: each procedure's detail
/// version and a digest of the alias list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VersionManifest {
    /// `(code, detail version)` of every procedure.
    pub procedures: std::collections::BTreeMap<String, String>,
    /// Digest of the alias list.
    pub aliases: String,
}

impl VersionManifest {
    /// The manifest of a catalog.
    pub fn of(catalog: &Catalog) -> VersionManifest {
        VersionManifest {
            procedures: catalog
                .procedures
                .iter()
                .map(|p| (p.code.clone(), detail_version(p)))
                .collect(),
            aliases: aliases_digest(&catalog.aliases),
        }
    }
}

/// The digest of an alias list.
pub fn aliases_digest(aliases: &[Alias]) -> String {
    short_digest(&serde_json::to_vec(aliases).unwrap_or_default())
}

/// The delta that brings a phone holding `base` (described by its manifest) to `current`.
pub fn delta(base_version: &str, base: &VersionManifest, current: &Catalog) -> CatalogSummary {
    let procedures: Vec<ProcedureSummary> = current
        .procedures
        .iter()
        .map(ProcedureSummary::of)
        .filter(|summary| base.procedures.get(&summary.code) != Some(&summary.detail))
        .collect();
    let present: std::collections::HashSet<&str> =
        current.procedures.iter().map(|p| p.code.as_str()).collect();
    let removed = base
        .procedures
        .keys()
        .filter(|code| !present.contains(code.as_str()))
        .cloned()
        .collect();
    let aliases =
        (aliases_digest(&current.aliases) != base.aliases).then(|| current.aliases.clone());
    CatalogSummary {
        version: current.version.clone(),
        base: Some(base_version.to_owned()),
        synthetic: current.synthetic,
        procedures,
        removed,
        aliases,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::assemble;
    use crate::catalog::tests::sample;

    #[test]
    fn a_delta_lists_changed_added_and_removed_procedures_and_new_aliases() {
        let alias = Alias {
            phrase: "giấy khai sinh".into(),
            codes: vec!["1".into()],
        };
        let old = assemble(vec![sample("1"), sample("2"), sample("3")], vec![alias]).unwrap();
        let manifest = VersionManifest::of(&old);
        let mut changed = sample("2");
        changed.popularity = 99;
        let new = assemble(vec![sample("1"), changed, sample("4")], vec![]).unwrap();
        let delta = delta(&old.version, &manifest, &new);
        let codes: Vec<&str> = delta.procedures.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, ["2", "4"]);
        assert_eq!(delta.removed, ["3"]);
        assert_eq!(delta.aliases, Some(vec![]));
        assert_eq!(delta.base.as_deref(), Some(old.version.as_str()));
        let none = super::delta(&new.version, &VersionManifest::of(&new), &new);
        assert!(none.procedures.is_empty() && none.removed.is_empty() && none.aliases.is_none());
    }

    #[test]
    fn the_detail_version_follows_any_change() {
        let mut procedure = sample("1.001193");
        let before = ProcedureSummary::of(&procedure).detail;
        procedure.legal_basis.push("Luật Hộ tịch 2014".into());
        assert_ne!(ProcedureSummary::of(&procedure).detail, before);
    }
}
