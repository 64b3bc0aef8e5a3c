//! Electronic-identity levels and the citizen profile taken from an ID token.

use serde::{Deserialize, Serialize};

/// The assurance level of an electronic identity (Decree 69/2024): level 1 is a basic account,
/// level 2 was registered in person with the police and counts as showing the ID card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum IdentityLevel {
    /// VNeID level 1 (basic).
    #[serde(rename = "1")]
    Level1,
    /// VNeID level 2 (verified in person).
    #[serde(rename = "2")]
    Level2,
}

impl IdentityLevel {
    /// The `acr` value our provider puts in ID tokens for this level.
    pub fn acr(self) -> &'static str {
        match self {
            IdentityLevel::Level1 => ACR_LEVEL1,
            IdentityLevel::Level2 => ACR_LEVEL2,
        }
    }

    /// Maps an `acr` claim to a level. Unknown or missing values give level 1: a client must
    /// never assume more assurance than the provider stated.
    pub fn from_acr(acr: Option<&str>) -> IdentityLevel {
        match acr.map(|value| value.trim().to_ascii_lowercase()) {
            Some(value)
                if value == ACR_LEVEL2.to_ascii_lowercase()
                    || value == "2"
                    || value.ends_with(":loa2")
                    || value.ends_with("/loa2") =>
            {
                IdentityLevel::Level2
            }
            _ => IdentityLevel::Level1,
        }
    }

    /// The level as the number people know ("mức 1", "mức 2").
    pub fn number(self) -> u8 {
        match self {
            IdentityLevel::Level1 => 1,
            IdentityLevel::Level2 => 2,
        }
    }

    /// The level of a stored number; anything but 2 is level 1 (never assume more).
    pub fn from_number(number: i64) -> IdentityLevel {
        if number == 2 {
            IdentityLevel::Level2
        } else {
            IdentityLevel::Level1
        }
    }
}

/// `acr` value for a level-1 identity (the national portal asks VNeID with `acr_values=LoA1`).
pub const ACR_LEVEL1: &str = "LoA1";
/// `acr` value for a level-2 identity.
pub const ACR_LEVEL2: &str = "LoA2";

/// Name of the ID-token claim that carries the 12-digit personal ID number.
pub const CLAIM_PERSONAL_ID: &str = "vn_personal_id";

/// A citizen as the portal knows them after login. Personal data: never logged, never
/// written to a plain file on the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitizenProfile {
    /// The identity provider that vouched for this citizen.
    pub issuer: String,
    /// The provider's stable subject identifier.
    pub subject: String,
    /// Full name as registered, e.g. "Nguyễn Thị Lan".
    pub full_name: String,
    /// 12-digit personal ID number, when the provider released it.
    pub personal_id: Option<String>,
    /// Date of birth, ISO 8601 (`YYYY-MM-DD`), when released.
    pub birth_date: Option<String>,
    /// Permanent address in one line, when released.
    pub address: Option<String>,
    /// Assurance level of the login.
    pub identity_level: IdentityLevel,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acr_mapping_is_conservative() {
        assert_eq!(IdentityLevel::from_acr(Some("LoA2")), IdentityLevel::Level2);
        assert_eq!(IdentityLevel::from_acr(Some("loa2")), IdentityLevel::Level2);
        assert_eq!(
            IdentityLevel::from_acr(Some("urn:vneid:loa2")),
            IdentityLevel::Level2
        );
        assert_eq!(IdentityLevel::from_acr(Some("LoA1")), IdentityLevel::Level1);
        assert_eq!(IdentityLevel::from_acr(Some("gold")), IdentityLevel::Level1);
        assert_eq!(IdentityLevel::from_acr(None), IdentityLevel::Level1);
        assert_eq!(IdentityLevel::Level2.acr(), "LoA2");
        assert_eq!(IdentityLevel::from_number(2), IdentityLevel::Level2);
        assert_eq!(IdentityLevel::from_number(7), IdentityLevel::Level1);
    }

    #[test]
    fn level_serialises_as_its_number() {
        assert_eq!(
            serde_json::to_string(&IdentityLevel::Level2).unwrap(),
            "\"2\""
        );
        let level: IdentityLevel = serde_json::from_str("\"1\"").unwrap();
        assert_eq!(level, IdentityLevel::Level1);
    }
}
