//! The dossier lifecycle (docs/ARCHITECTURE.md, "The dossier lifecycle"): the status machine, who may do
//! what, the processing clock, overdue by the national scorecard rules, the timeline's
//! events. The wire types of the desk, tracking (sync) and public lookup are in
//! [`crate::api::desk`] and [`crate::api::tracking`] (re-exported here for older callers).
//!
//! [`transition`] is the only place where a transition is decided. The portal applies it
//! to every desk and citizen action; the core uses it to predict and display what may
//! happen next. Nothing here does I/O or reads the clock: callers pass dates.
//!
//! ```text
//! Submitted(1) ─accept─▶ Received(2) ─start_processing─▶ Processing(4) ─mark_result_ready─▶ ResultReady(9) ─hand_back─▶ Returned(10)
//!      │                     │                            ▲   │   ▲   │
//!  refuse_intake             │          answer_supplement │   │   │   │ request_payment
//!      ▼                     │                            │   ▼   │   ▼
//! NotAccepted(3)             │             SupplementRequested(5) PaymentRequested(6)
//!                            │                  (clock paused)     confirm_payment ─▶ Processing
//! side exits: request_withdrawal (1, 2, 4, 5, 6) ─▶ WithdrawalRequested(7) ─confirm_withdrawal─▶ Withdrawn
//!             stop (2, 4, 5, 6) ─▶ Stopped(8)      reject (4, 5, 6) ─▶ Rejected
//! ```

mod actions;
mod error;
mod overdue;
mod roles;
#[cfg(test)]
mod tests;
mod timeline;

pub use actions::{Action, ActionKind, check_note};
pub use error::TransitionError;
pub use overdue::{is_civil_date, is_overdue, is_overdue_on};
pub use roles::ActorRole;
pub use timeline::{Clock, Event, clock_change};

use crate::dossier::DossierStatus;
use crate::i18n::Lang;

/// Longest reason (refusal, rejection, stop), in characters.
pub const MAX_REASON_CHARS: usize = 2000;
/// Longest note of an action, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;
/// Most items of a supplement request.
pub const MAX_MISSING_ITEMS: usize = 50;
/// Longest item of a supplement request, in characters.
pub const MAX_MISSING_ITEM_CHARS: usize = 500;

impl DossierStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [DossierStatus; 12] = [
        DossierStatus::Submitted,
        DossierStatus::Received,
        DossierStatus::NotAccepted,
        DossierStatus::Processing,
        DossierStatus::SupplementRequested,
        DossierStatus::PaymentRequested,
        DossierStatus::WithdrawalRequested,
        DossierStatus::Stopped,
        DossierStatus::ResultReady,
        DossierStatus::Returned,
        DossierStatus::Withdrawn,
        DossierStatus::Rejected,
    ];

    /// The status code synchronised to the national portal (docs/domain.md): 1 submitted online,
    /// awaiting intake; 2 accepted; 3 refused at intake; 4 processing; 5 additional
    /// documents requested; 6 fee or tax payment requested; 7 withdrawal requested; 8
    /// processing stopped; 9 result ready; 10 result handed over.
    ///
    /// `Withdrawn` and `Rejected` have no code of their own in that list: the national
    /// portal's code for them is not established here (a withdrawn dossier was last
    /// reported as 7; a rejected one ends with a refusal instead of a result). Callers
    /// that must send a number decide for these two explicitly.
    pub fn national_code(self) -> Option<u8> {
        match self {
            DossierStatus::Submitted => Some(1),
            DossierStatus::Received => Some(2),
            DossierStatus::NotAccepted => Some(3),
            DossierStatus::Processing => Some(4),
            DossierStatus::SupplementRequested => Some(5),
            DossierStatus::PaymentRequested => Some(6),
            DossierStatus::WithdrawalRequested => Some(7),
            DossierStatus::Stopped => Some(8),
            DossierStatus::ResultReady => Some(9),
            DossierStatus::Returned => Some(10),
            DossierStatus::Withdrawn | DossierStatus::Rejected => None,
        }
    }

    /// The status of a national code (1–10).
    pub fn from_national_code(code: u8) -> Option<DossierStatus> {
        DossierStatus::ALL
            .into_iter()
            .find(|status| status.national_code() == Some(code))
    }

    /// The wire name (`snake_case`), as serde writes it and the core stores it.
    pub fn as_str(self) -> &'static str {
        match self {
            DossierStatus::Submitted => "submitted",
            DossierStatus::Received => "received",
            DossierStatus::NotAccepted => "not_accepted",
            DossierStatus::Processing => "processing",
            DossierStatus::SupplementRequested => "supplement_requested",
            DossierStatus::PaymentRequested => "payment_requested",
            DossierStatus::WithdrawalRequested => "withdrawal_requested",
            DossierStatus::Stopped => "stopped",
            DossierStatus::ResultReady => "result_ready",
            DossierStatus::Returned => "returned",
            DossierStatus::Withdrawn => "withdrawn",
            DossierStatus::Rejected => "rejected",
        }
    }

    /// The status of a wire name.
    pub fn parse(name: &str) -> Option<DossierStatus> {
        DossierStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == name)
    }

    /// No action leads anywhere from here.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            DossierStatus::NotAccepted
                | DossierStatus::Stopped
                | DossierStatus::Returned
                | DossierStatus::Withdrawn
                | DossierStatus::Rejected
        )
    }

    /// The processing clock runs (accepted, no result yet, not waiting for the citizen).
    pub fn clock_running(self) -> bool {
        matches!(
            self,
            DossierStatus::Received | DossierStatus::Processing | DossierStatus::PaymentRequested
        )
    }

    /// A short name for people.
    pub fn label(self, lang: Lang) -> &'static str {
        let (vi, en) = match self {
            DossierStatus::Submitted => ("Đã nộp, chờ tiếp nhận", "Submitted, awaiting intake"),
            DossierStatus::Received => ("Đã tiếp nhận", "Received"),
            DossierStatus::NotAccepted => ("Không tiếp nhận", "Not accepted"),
            DossierStatus::Processing => ("Đang xử lý", "Processing"),
            DossierStatus::SupplementRequested => {
                ("Yêu cầu bổ sung hồ sơ", "Additional documents requested")
            }
            DossierStatus::PaymentRequested => {
                ("Chờ thực hiện nghĩa vụ tài chính", "Payment requested")
            }
            DossierStatus::WithdrawalRequested => ("Xin rút hồ sơ", "Withdrawal requested"),
            DossierStatus::Stopped => ("Dừng xử lý", "Processing stopped"),
            DossierStatus::ResultReady => ("Có kết quả, chờ trả", "Result ready"),
            DossierStatus::Returned => ("Đã trả kết quả", "Result handed over"),
            DossierStatus::Withdrawn => ("Đã rút hồ sơ", "Withdrawn"),
            DossierStatus::Rejected => ("Từ chối giải quyết", "Rejected"),
        };
        pick(lang, vi, en)
    }
}

fn pick(lang: Lang, vi: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

/// Decides a transition: the status a dossier in `status` moves to when `role` takes
/// `action`, or why it does not. The role is checked first (a role that never takes the
/// action gets [`TransitionError::RoleNotAllowed`] in every status), then the status
/// ([`TransitionError::Illegal`]), then the action's details.
pub fn transition(
    status: DossierStatus,
    action: &Action,
    role: ActorRole,
) -> Result<DossierStatus, TransitionError> {
    let kind = action.kind();
    let rule = kind.rule();
    if !rule.roles.contains(&role) {
        return Err(TransitionError::RoleNotAllowed { role, action: kind });
    }
    if !rule.from.contains(&status) {
        return Err(TransitionError::Illegal {
            from: status,
            action: kind,
        });
    }
    action.check_details()?;
    Ok(rule.to)
}
