//! The processing clock of a transition and the timeline's events.

use serde::{Deserialize, Serialize};

use super::{ActionKind, ActorRole, DossierStatus};

/// What a transition does to the processing clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Clock {
    /// Accepted: the clock starts; the appointment date is set.
    Started,
    /// Waiting for the citizen's supplement: the clock is paused.
    Paused,
    /// The supplement arrived: the clock runs again; the appointment moves later by the
    /// working days it was paused.
    Resumed,
    /// Processing ended (result ready, rejected, stopped, withdrawal requested): the end of
    /// processing for the overdue rules.
    Stopped,
}

/// The clock change of a transition from `from` to `to`, if any.
pub fn clock_change(from: DossierStatus, to: DossierStatus) -> Option<Clock> {
    use DossierStatus::*;
    match (from, to) {
        (Submitted, Received) => Some(Clock::Started),
        (_, SupplementRequested) => Some(Clock::Paused),
        (SupplementRequested, Processing) => Some(Clock::Resumed),
        (_, ResultReady | Rejected | Stopped | WithdrawalRequested)
            if from.clock_running() || from == SupplementRequested =>
        {
            Some(Clock::Stopped)
        }
        _ => None,
    }
}

/// One status change of a dossier: an entry of its timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// When, RFC 3339 (the portal writes `+07:00`).
    pub at: String,
    /// The status after the change.
    pub status: DossierStatus,
    /// The status before (`None` for the submission).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<DossierStatus>,
    /// The action (`None` for the submission).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<ActionKind>,
    /// Who acted (a role; the officer's identity is in the portal's audit, not here).
    pub actor: ActorRole,
    /// The actor's note to the citizen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The reason of a refusal, rejection or stop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What a supplement request asks for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// What the change did to the processing clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<Clock>,
    /// For [`Clock::Resumed`]: the working days the clock was paused (the appointment
    /// moved later by as many).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused_working_days: Option<u32>,
    /// The appointment date after the change (`YYYY-MM-DD`), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appointment_date: Option<String>,
    /// On the submission of a dossier filed on behalf of someone else: that person and
    /// the basis, as recorded at intake.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<crate::on_behalf::OnBehalfOf>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use ActorRole::Specialist;
    use DossierStatus::*;

    #[test]
    fn old_summaries_still_parse_and_events_round_trip() {
        let old = r#"{"code":"X-250101-0001","procedure_code":"1.000001","status":"submitted",
            "submitted_at":"2025-01-01T08:00:00+07:00","attachments":[]}"#;
        let summary: crate::api::dossiers::DossierSummary = serde_json::from_str(old).unwrap();
        assert!(summary.timeline.is_empty());
        assert_eq!(summary.appointment_date, None);
        assert!(!summary.overdue);
        let event = Event {
            at: "2025-01-02T08:00:00+07:00".into(),
            status: SupplementRequested,
            from: Some(Processing),
            action: Some(ActionKind::RequestSupplement),
            actor: Specialist,
            note: Some("Bổ sung".into()),
            reason: None,
            missing: vec!["Giấy khai sinh".into()],
            clock: Some(Clock::Paused),
            paused_working_days: None,
            appointment_date: Some("2025-01-09".into()),
            on_behalf_of: None,
        };
        let json = serde_json::to_string(&event).unwrap();
        assert!(!json.contains("reason"));
        assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), event);
        let minimal: Event = serde_json::from_str(
            r#"{"at":"2025-01-01T08:00:00+07:00","status":"submitted","actor":"citizen"}"#,
        )
        .unwrap();
        assert_eq!(minimal.from, None);
        assert!(minimal.missing.is_empty());
    }
}
