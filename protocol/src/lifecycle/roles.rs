//! Who acts on a dossier: the citizen, the desk's two units, the system.

use serde::{Deserialize, Serialize};

use super::pick;
use crate::i18n::Lang;

/// Who acts on a dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorRole {
    /// The applicant.
    Citizen,
    /// An officer of the one-stop desk (bộ phận một cửa): intake, hand-over, and the
    /// desk's side of supplements, payments and withdrawals.
    Reception,
    /// An officer of the specialist unit that settles the procedure.
    Specialist,
    /// The portal itself or an integrated system (payment intermediary, electronic
    /// delivery of results).
    System,
}

impl ActorRole {
    /// Every role.
    pub const ALL: [ActorRole; 4] = [
        ActorRole::Citizen,
        ActorRole::Reception,
        ActorRole::Specialist,
        ActorRole::System,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActorRole::Citizen => "citizen",
            ActorRole::Reception => "reception",
            ActorRole::Specialist => "specialist",
            ActorRole::System => "system",
        }
    }

    /// The role of a wire name.
    pub fn parse(name: &str) -> Option<ActorRole> {
        ActorRole::ALL
            .into_iter()
            .find(|role| role.as_str() == name)
    }

    /// A short name for people.
    pub fn label(self, lang: Lang) -> &'static str {
        let (vi, en) = match self {
            ActorRole::Citizen => ("Công dân", "Citizen"),
            ActorRole::Reception => ("Bộ phận một cửa", "One-stop desk"),
            ActorRole::Specialist => ("Cơ quan chuyên môn", "Specialist unit"),
            ActorRole::System => ("Hệ thống", "System"),
        };
        pick(lang, vi, en)
    }
}
