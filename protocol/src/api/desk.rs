//! The desk API (officers): staff sessions, queues, one dossier with everything the desk
//! needs, and the actions of the lifecycle (`crate::lifecycle`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::api::dossiers::StoredAttachment;
use crate::dossier::DossierStatus;
use crate::identity::IdentityLevel;
use crate::lifecycle::{Action, ActionKind, ActorRole, Event};

/// `POST` [`StaffSessionRequest`] → [`StaffSessionResponse`]; `DELETE` (staff bearer) logs
/// out.
pub const PATH_DESK_SESSION: &str = "/api/v1/desk/session";
/// `GET` (staff bearer) → [`StaffProfile`].
pub const PATH_DESK_ME: &str = "/api/v1/desk/me";
/// `GET ?status=…&limit=…&offset=…` (staff bearer) → `Vec<DeskQueueItem>`, oldest first.
pub const PATH_DESK_DOSSIERS: &str = "/api/v1/desk/dossiers";
/// `GET` (staff bearer) → [`DeskDossier`] with its timeline.
pub const PATH_DESK_DOSSIER: &str = "/api/v1/desk/dossiers/{code}";
/// `POST` (staff bearer) [`DeskActionRequest`] → [`DeskDossier`]: applies an action.
pub const PATH_DESK_ACTIONS: &str = "/api/v1/desk/dossiers/{code}/actions";

/// The role of a staff account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// One-stop desk officer.
    Reception,
    /// Specialist unit officer.
    Specialist,
}

impl StaffRole {
    /// The role staff of this kind act in.
    pub fn actor(self) -> ActorRole {
        match self {
            StaffRole::Reception => ActorRole::Reception,
            StaffRole::Specialist => ActorRole::Specialist,
        }
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Reception => "reception",
            StaffRole::Specialist => "specialist",
        }
    }

    /// The role of a wire name.
    pub fn parse(name: &str) -> Option<StaffRole> {
        [StaffRole::Reception, StaffRole::Specialist]
            .into_iter()
            .find(|role| role.as_str() == name)
    }
}

/// A staff login.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSessionRequest {
    /// The account name.
    pub username: String,
    /// The password.
    pub password: String,
}

impl std::fmt::Debug for StaffSessionRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffSessionRequest")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// A staff account as shown to its holder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffProfile {
    /// The account name.
    pub username: String,
    /// The officer's name.
    pub full_name: String,
    /// The role the officer acts in.
    pub role: StaffRole,
}

/// A staff session: one opaque bearer token, valid for a working day by default.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSessionResponse {
    /// Bearer token for the desk API (never valid on citizen endpoints).
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: u64,
    /// Who is logged in.
    pub staff: StaffProfile,
}

impl std::fmt::Debug for StaffSessionResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffSessionResponse")
            .field("expires_in", &self.expires_in)
            .field("staff", &self.staff.username)
            .finish_non_exhaustive()
    }
}

/// The body of a desk action: `{action, note?, reason?, missing?}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskActionRequest {
    /// The action.
    pub action: ActionKind,
    /// A note to the citizen (shown on the timeline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The reason, for `refuse_intake`, `reject` and `stop`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What is missing, for `request_supplement`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}

impl DeskActionRequest {
    /// The action with its details.
    pub fn to_action(&self) -> Action {
        Action::from_parts(self.action, self.reason.clone(), self.missing.clone())
    }
}

/// The applicant as the desk sees them (from the verified identity).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    /// Full name.
    pub full_name: String,
    /// 12-digit personal ID number, when the identity provider gave it.
    #[serde(default)]
    pub personal_id: Option<String>,
    /// Date of birth (`YYYY-MM-DD`).
    #[serde(default)]
    pub birth_date: Option<String>,
    /// Address.
    #[serde(default)]
    pub address: Option<String>,
    /// Identity level of the login.
    pub identity_level: IdentityLevel,
}

/// A dossier in a desk queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskQueueItem {
    /// Dossier code.
    pub code: String,
    /// National procedure code.
    pub procedure_code: String,
    /// The procedure's name, when it is in the published catalog.
    #[serde(default)]
    pub procedure_name_vi: Option<String>,
    /// Status.
    pub status: DossierStatus,
    /// When it was submitted (RFC 3339).
    pub submitted_at: String,
    /// When it was accepted (RFC 3339).
    #[serde(default)]
    pub received_at: Option<String>,
    /// Appointment date (`YYYY-MM-DD`).
    #[serde(default)]
    pub appointment_date: Option<String>,
    /// Late by the scorecard rules.
    #[serde(default)]
    pub overdue: bool,
    /// Supplement requests so far.
    #[serde(default)]
    pub supplement_requests: u32,
    /// The applicant's name.
    pub applicant_name: String,
    /// When filed on behalf of someone else: that person's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of_name: Option<String>,
}

/// An attachment as the desk sees it (with the file name the citizen gave).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskAttachment {
    /// The stored attachment.
    #[serde(flatten)]
    pub stored: StoredAttachment,
    /// The file name shown to officers.
    pub file_name: String,
}

/// One dossier with everything the desk needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskDossier {
    /// Dossier code.
    pub code: String,
    /// National procedure code.
    pub procedure_code: String,
    /// The procedure's Vietnamese name, when it is in the published catalog.
    #[serde(default)]
    pub procedure_name_vi: Option<String>,
    /// The procedure's English name.
    #[serde(default)]
    pub procedure_name_en: Option<String>,
    /// Status.
    pub status: DossierStatus,
    /// When it was submitted (RFC 3339).
    pub submitted_at: String,
    /// When it was accepted (RFC 3339).
    #[serde(default)]
    pub received_at: Option<String>,
    /// Appointment date (`YYYY-MM-DD`).
    #[serde(default)]
    pub appointment_date: Option<String>,
    /// Late by the scorecard rules.
    #[serde(default)]
    pub overdue: bool,
    /// Supplement requests so far.
    #[serde(default)]
    pub supplement_requests: u32,
    /// The day the clock was paused, while waiting for a supplement.
    #[serde(default)]
    pub clock_paused_since: Option<String>,
    /// What the role asking may do next.
    #[serde(default)]
    pub available_actions: Vec<ActionKind>,
    /// The applicant: the verified identity that filed.
    pub applicant: Applicant,
    /// When the applicant filed on behalf of someone else: that person and the basis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<crate::on_behalf::OnBehalfOf>,
    /// "Nộp bởi X (…) thay cho Y, …", when filed on behalf of someone else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filing_notice_vi: Option<String>,
    /// "Filed by X (…) on behalf of Y, …", when filed on behalf of someone else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filing_notice_en: Option<String>,
    /// Fields bound to the identity whose values are not the verified (or on-behalf)
    /// person's: only dossiers filed before the portal checked this can have any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identity_mismatches: Vec<String>,
    /// The form values, by field id.
    pub fields: BTreeMap<String, String>,
    /// The attachments.
    pub attachments: Vec<DeskAttachment>,
    /// Every status change, oldest first.
    pub timeline: Vec<Event>,
    /// The receipt issued at intake (QR text `MC1:…`, `motcua_protocol::receipt`), to
    /// print on the slip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn desk_action_bodies_parse_flat() {
        let body: DeskActionRequest = serde_json::from_str(
            r#"{"action":"request_supplement","note":"Mang bản chính","missing":["Giấy khai sinh"]}"#,
        )
        .unwrap();
        assert_eq!(
            body.to_action(),
            Action::RequestSupplement {
                missing: vec!["Giấy khai sinh".into()]
            }
        );
        let body: DeskActionRequest =
            serde_json::from_str(r#"{"action":"reject","reason":"Không đủ điều kiện"}"#).unwrap();
        assert_eq!(body.to_action().reason(), Some("Không đủ điều kiện"));
        assert!(serde_json::from_str::<DeskActionRequest>(r#"{"action":"fly"}"#).is_err());
        let accept: DeskActionRequest = serde_json::from_str(r#"{"action":"accept"}"#).unwrap();
        assert_eq!(accept.to_action(), Action::Accept);
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let request = StaffSessionRequest {
            username: "tiepnhan".into(),
            password: "hunter2-secret".into(),
        };
        assert!(!format!("{request:?}").contains("secret"));
        let response = StaffSessionResponse {
            access_token: "token-secret".into(),
            token_type: "Bearer".into(),
            expires_in: 10,
            staff: StaffProfile {
                username: "tiepnhan".into(),
                full_name: "Lê Thị Thu".into(),
                role: StaffRole::Reception,
            },
        };
        assert!(!format!("{response:?}").contains("secret"));
    }
}
