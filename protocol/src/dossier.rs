//! Dossiers (hồ sơ): where a dossier is in its life. What a dossier looks like on the wire
//! is in [`crate::api::dossiers`] (submission and answer) and [`crate::api::uploads`]
//! (attachments); its transitions in [`crate::lifecycle`].

use serde::{Deserialize, Serialize};

/// Where a dossier is in its life (docs/ARCHITECTURE.md, "The dossier lifecycle"). The numbers are the
/// status codes portals synchronise to the national portal ([`DossierStatus::national_code`]);
/// the transitions between them are decided by [`crate::lifecycle::transition`] only.
///
/// On the wire each status is its `snake_case` name (`"submitted"`, `"not_accepted"`, …);
/// the core stores the same strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DossierStatus {
    /// 1: the portal has it, awaiting intake at the desk.
    Submitted,
    /// 2: accepted at the desk; a receipt with an appointment date was issued.
    Received,
    /// 3: refused at intake, with the reason.
    NotAccepted,
    /// 4: being processed by the specialist unit.
    Processing,
    /// 5: back to the citizen to complete; the processing clock is paused.
    SupplementRequested,
    /// 6: a fee or tax is due.
    PaymentRequested,
    /// 7: the citizen asked to withdraw the dossier; the desk confirms.
    WithdrawalRequested,
    /// 8: processing was stopped, with the reason.
    Stopped,
    /// 9: the result is ready, waiting to be handed over.
    ResultReady,
    /// 10: the result was handed over.
    Returned,
    /// The withdrawal was confirmed (no national code of its own, see
    /// [`DossierStatus::national_code`]).
    Withdrawn,
    /// Processing refused the request, with the reason (no national code of its own).
    Rejected,
}
