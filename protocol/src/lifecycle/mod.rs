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

mod overdue;
mod timeline;

pub use overdue::{is_civil_date, is_overdue, is_overdue_on};
pub use timeline::{Clock, Event, clock_change};

use serde::{Deserialize, Serialize};

use crate::dossier::DossierStatus;
use crate::i18n::{Lang, Localized};
use crate::validation::is_forbidden_in_free_text;

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

/// An action without its details: what the audit, the timeline and errors name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// See [`Action::Accept`].
    Accept,
    /// See [`Action::RefuseIntake`].
    RefuseIntake,
    /// See [`Action::StartProcessing`].
    StartProcessing,
    /// See [`Action::RequestSupplement`].
    RequestSupplement,
    /// See [`Action::AnswerSupplement`].
    AnswerSupplement,
    /// See [`Action::RequestPayment`].
    RequestPayment,
    /// See [`Action::ConfirmPayment`].
    ConfirmPayment,
    /// See [`Action::MarkResultReady`].
    MarkResultReady,
    /// See [`Action::HandBack`].
    HandBack,
    /// See [`Action::Reject`].
    Reject,
    /// See [`Action::Stop`].
    Stop,
    /// See [`Action::RequestWithdrawal`].
    RequestWithdrawal,
    /// See [`Action::ConfirmWithdrawal`].
    ConfirmWithdrawal,
}

/// The roles, source statuses and target status of an action: the machine, as data.
struct Rule {
    roles: &'static [ActorRole],
    from: &'static [DossierStatus],
    to: DossierStatus,
}

impl ActionKind {
    /// Every action.
    pub const ALL: [ActionKind; 13] = [
        ActionKind::Accept,
        ActionKind::RefuseIntake,
        ActionKind::StartProcessing,
        ActionKind::RequestSupplement,
        ActionKind::AnswerSupplement,
        ActionKind::RequestPayment,
        ActionKind::ConfirmPayment,
        ActionKind::MarkResultReady,
        ActionKind::HandBack,
        ActionKind::Reject,
        ActionKind::Stop,
        ActionKind::RequestWithdrawal,
        ActionKind::ConfirmWithdrawal,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Accept => "accept",
            ActionKind::RefuseIntake => "refuse_intake",
            ActionKind::StartProcessing => "start_processing",
            ActionKind::RequestSupplement => "request_supplement",
            ActionKind::AnswerSupplement => "answer_supplement",
            ActionKind::RequestPayment => "request_payment",
            ActionKind::ConfirmPayment => "confirm_payment",
            ActionKind::MarkResultReady => "mark_result_ready",
            ActionKind::HandBack => "hand_back",
            ActionKind::Reject => "reject",
            ActionKind::Stop => "stop",
            ActionKind::RequestWithdrawal => "request_withdrawal",
            ActionKind::ConfirmWithdrawal => "confirm_withdrawal",
        }
    }

    /// The action of a wire name.
    pub fn parse(name: &str) -> Option<ActionKind> {
        ActionKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }

    fn rule(self) -> Rule {
        use ActorRole::{Citizen, Reception, Specialist, System};
        use DossierStatus::*;
        /// Accepted, not settled: where the processing unit may stop or withdraw happens.
        const OPEN: &[DossierStatus] =
            &[Received, Processing, SupplementRequested, PaymentRequested];
        let (roles, from, to): (&'static [ActorRole], &'static [DossierStatus], _) = match self {
            ActionKind::Accept => (&[Reception], &[Submitted], Received),
            ActionKind::RefuseIntake => (&[Reception], &[Submitted], NotAccepted),
            ActionKind::StartProcessing => (&[Reception, Specialist], &[Received], Processing),
            ActionKind::RequestSupplement => {
                (&[Reception, Specialist], &[Processing], SupplementRequested)
            }
            ActionKind::AnswerSupplement => {
                (&[Citizen, Reception], &[SupplementRequested], Processing)
            }
            ActionKind::RequestPayment => (&[Specialist], &[Processing], PaymentRequested),
            ActionKind::ConfirmPayment => (&[Reception, System], &[PaymentRequested], Processing),
            ActionKind::MarkResultReady => (&[Specialist], &[Processing], ResultReady),
            ActionKind::HandBack => (&[Reception, System], &[ResultReady], Returned),
            ActionKind::Reject => (
                &[Specialist],
                &[Processing, SupplementRequested, PaymentRequested],
                Rejected,
            ),
            ActionKind::Stop => (&[Specialist], OPEN, Stopped),
            ActionKind::RequestWithdrawal => (
                &[Citizen],
                &[
                    Submitted,
                    Received,
                    Processing,
                    SupplementRequested,
                    PaymentRequested,
                ],
                WithdrawalRequested,
            ),
            ActionKind::ConfirmWithdrawal => (&[Reception], &[WithdrawalRequested], Withdrawn),
        };
        Rule { roles, from, to }
    }

    /// The roles that may take this action (in any status it applies to).
    pub fn roles(self) -> &'static [ActorRole] {
        self.rule().roles
    }

    /// The statuses this action applies to.
    pub fn applies_from(self) -> &'static [DossierStatus] {
        self.rule().from
    }

    /// The status this action leads to.
    pub fn target(self) -> DossierStatus {
        self.rule().to
    }

    /// What `role` may do to a dossier in `status` (for showing buttons).
    pub fn available(status: DossierStatus, role: ActorRole) -> Vec<ActionKind> {
        ActionKind::ALL
            .into_iter()
            .filter(|kind| {
                let rule = kind.rule();
                rule.roles.contains(&role) && rule.from.contains(&status)
            })
            .collect()
    }

    /// A short description for people ("accept the dossier").
    pub fn label(self, lang: Lang) -> &'static str {
        let (vi, en) = match self {
            ActionKind::Accept => ("tiếp nhận hồ sơ", "accept the dossier"),
            ActionKind::RefuseIntake => ("từ chối tiếp nhận", "refuse the dossier at intake"),
            ActionKind::StartProcessing => ("chuyển xử lý", "start processing"),
            ActionKind::RequestSupplement => ("yêu cầu bổ sung hồ sơ", "request documents"),
            ActionKind::AnswerSupplement => ("nộp bổ sung hồ sơ", "supply the documents"),
            ActionKind::RequestPayment => ("yêu cầu nộp phí, lệ phí", "request payment"),
            ActionKind::ConfirmPayment => ("xác nhận đã nộp phí", "confirm the payment"),
            ActionKind::MarkResultReady => ("báo có kết quả", "mark the result ready"),
            ActionKind::HandBack => ("trả kết quả", "hand the result back"),
            ActionKind::Reject => ("từ chối giải quyết", "reject the request"),
            ActionKind::Stop => ("dừng xử lý", "stop processing"),
            ActionKind::RequestWithdrawal => ("xin rút hồ sơ", "ask to withdraw"),
            ActionKind::ConfirmWithdrawal => ("xác nhận rút hồ sơ", "confirm the withdrawal"),
        };
        pick(lang, vi, en)
    }
}

/// An action on a dossier, with what it needs. On the wire: `{"action": "<kind>", …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Reception: accept at intake (Submitted → Received); the receipt and the appointment
    /// date are issued.
    Accept,
    /// Reception: refuse at intake (Submitted → NotAccepted), with the reason.
    RefuseIntake {
        /// Why (shown to the citizen).
        reason: String,
    },
    /// Reception or specialist: hand the dossier to processing (Received → Processing).
    StartProcessing,
    /// Reception or specialist: ask the citizen for documents (Processing →
    /// SupplementRequested); the clock pauses; who asked is the actor's role.
    RequestSupplement {
        /// What is missing, one item per document or correction (at least one).
        missing: Vec<String>,
    },
    /// Citizen (online) or reception (brought to the desk): the documents were supplied
    /// (SupplementRequested → Processing); the clock runs again.
    AnswerSupplement,
    /// Specialist: a fee or tax is due (Processing → PaymentRequested).
    RequestPayment,
    /// Reception (paid at the counter) or system (payment intermediary): paid
    /// (PaymentRequested → Processing).
    ConfirmPayment,
    /// Specialist: the result is ready (Processing → ResultReady).
    MarkResultReady,
    /// Reception (at the counter) or system (electronic delivery): the result was handed
    /// over (ResultReady → Returned).
    HandBack,
    /// Specialist: the request is refused after examination (→ Rejected), with the reason.
    Reject {
        /// Why (shown to the citizen).
        reason: String,
    },
    /// Specialist: processing is stopped (→ Stopped), with the reason.
    Stop {
        /// Why (shown to the citizen).
        reason: String,
    },
    /// Citizen: ask to withdraw before a result (→ WithdrawalRequested).
    RequestWithdrawal,
    /// Reception: the withdrawal is confirmed (WithdrawalRequested → Withdrawn).
    ConfirmWithdrawal,
}

impl Action {
    /// The kind of this action.
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Accept => ActionKind::Accept,
            Action::RefuseIntake { .. } => ActionKind::RefuseIntake,
            Action::StartProcessing => ActionKind::StartProcessing,
            Action::RequestSupplement { .. } => ActionKind::RequestSupplement,
            Action::AnswerSupplement => ActionKind::AnswerSupplement,
            Action::RequestPayment => ActionKind::RequestPayment,
            Action::ConfirmPayment => ActionKind::ConfirmPayment,
            Action::MarkResultReady => ActionKind::MarkResultReady,
            Action::HandBack => ActionKind::HandBack,
            Action::Reject { .. } => ActionKind::Reject,
            Action::Stop { .. } => ActionKind::Stop,
            Action::RequestWithdrawal => ActionKind::RequestWithdrawal,
            Action::ConfirmWithdrawal => ActionKind::ConfirmWithdrawal,
        }
    }

    /// The reason, for the actions that carry one.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Action::RefuseIntake { reason }
            | Action::Reject { reason }
            | Action::Stop { reason } => Some(reason),
            _ => None,
        }
    }

    /// The missing items of a supplement request (empty for other actions).
    pub fn missing(&self) -> &[String] {
        match self {
            Action::RequestSupplement { missing } => missing,
            _ => &[],
        }
    }

    /// The action of a kind with its details (a reason or missing items where the kind
    /// takes them; ignored otherwise). Details are checked by [`transition`].
    pub fn from_parts(kind: ActionKind, reason: Option<String>, missing: Vec<String>) -> Action {
        let reason = || reason.clone().unwrap_or_default();
        match kind {
            ActionKind::Accept => Action::Accept,
            ActionKind::RefuseIntake => Action::RefuseIntake { reason: reason() },
            ActionKind::StartProcessing => Action::StartProcessing,
            ActionKind::RequestSupplement => Action::RequestSupplement { missing },
            ActionKind::AnswerSupplement => Action::AnswerSupplement,
            ActionKind::RequestPayment => Action::RequestPayment,
            ActionKind::ConfirmPayment => Action::ConfirmPayment,
            ActionKind::MarkResultReady => Action::MarkResultReady,
            ActionKind::HandBack => Action::HandBack,
            ActionKind::Reject => Action::Reject { reason: reason() },
            ActionKind::Stop => Action::Stop { reason: reason() },
            ActionKind::RequestWithdrawal => Action::RequestWithdrawal,
            ActionKind::ConfirmWithdrawal => Action::ConfirmWithdrawal,
        }
    }

    /// The details' own rules: a reason is not blank and not too long; a supplement
    /// request lists 1–50 non-blank items.
    fn check_details(&self) -> Result<(), TransitionError> {
        if let Some(reason) = self.reason() {
            if reason.trim().is_empty() {
                return Err(TransitionError::ReasonRequired {
                    action: self.kind(),
                });
            }
            check_text("reason", reason, MAX_REASON_CHARS)?;
        }
        if let Action::RequestSupplement { missing } = self {
            if missing.is_empty() || missing.iter().any(|item| item.trim().is_empty()) {
                return Err(TransitionError::MissingItemsRequired);
            }
            if missing.len() > MAX_MISSING_ITEMS {
                return Err(TransitionError::TooLong {
                    field: "missing",
                    max: MAX_MISSING_ITEMS,
                });
            }
            for item in missing {
                check_text("missing", item, MAX_MISSING_ITEM_CHARS)?;
            }
        }
        Ok(())
    }
}

/// A free text of an action: no control characters but line breaks and tabs (see
/// [`is_forbidden_in_free_text`]), at most `max` characters.
fn check_text(field: &'static str, text: &str, max: usize) -> Result<(), TransitionError> {
    if text.chars().any(is_forbidden_in_free_text) {
        return Err(TransitionError::ControlCharacters { field });
    }
    if text.chars().count() > max {
        return Err(TransitionError::TooLong { field, max });
    }
    Ok(())
}

/// Checks the note that goes with an action (at most [`MAX_NOTE_CHARS`] characters, no
/// control characters but line breaks and tabs).
pub fn check_note(note: Option<&str>) -> Result<(), TransitionError> {
    match note {
        Some(note) => check_text("note", note, MAX_NOTE_CHARS),
        None => Ok(()),
    }
}

/// Why an action cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// This role never takes this action (code `role_not_allowed`).
    #[error("the {} role may not {}", role.as_str(), action.as_str())]
    RoleNotAllowed {
        /// Who tried.
        role: ActorRole,
        /// What.
        action: ActionKind,
    },
    /// The action does not apply to a dossier in this status (code `illegal_transition`).
    #[error("{} does not apply to a dossier that is {}", action.as_str(), from.as_str())]
    Illegal {
        /// The dossier's status.
        from: DossierStatus,
        /// What was tried.
        action: ActionKind,
    },
    /// A refusal, rejection or stop needs a reason (code `reason_required`).
    #[error("{} needs a reason", action.as_str())]
    ReasonRequired {
        /// What was tried.
        action: ActionKind,
    },
    /// A supplement request must list what is missing (code `missing_items_required`).
    #[error("a supplement request must list what is missing")]
    MissingItemsRequired,
    /// A text holds control characters (an escape sequence, a carriage return) or
    /// bidirectional controls (code `control_characters`).
    #[error("{field} contains control characters")]
    ControlCharacters {
        /// `reason`, `note` or `missing`.
        field: &'static str,
    },
    /// A text or list is too long (code `too_long`).
    #[error("{field} is longer than {max}")]
    TooLong {
        /// `reason`, `note` or `missing`.
        field: &'static str,
        /// The limit (characters, or items for `missing`).
        max: usize,
    },
}

impl TransitionError {
    /// The request member at fault, for the errors about an action's details.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            TransitionError::ReasonRequired { .. } => Some("reason"),
            TransitionError::MissingItemsRequired => Some("missing"),
            TransitionError::TooLong { field, .. }
            | TransitionError::ControlCharacters { field } => Some(field),
            TransitionError::RoleNotAllowed { .. } | TransitionError::Illegal { .. } => None,
        }
    }
}

impl Localized for TransitionError {
    fn code(&self) -> &'static str {
        match self {
            TransitionError::RoleNotAllowed { .. } => "role_not_allowed",
            TransitionError::Illegal { .. } => "illegal_transition",
            TransitionError::ReasonRequired { .. } => "reason_required",
            TransitionError::MissingItemsRequired => "missing_items_required",
            TransitionError::TooLong { .. } => "too_long",
            TransitionError::ControlCharacters { .. } => "control_characters",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (TransitionError::RoleNotAllowed { role, action }, Lang::Vi) => format!(
                "{} không có quyền {}.",
                role.label(Lang::Vi),
                action.label(Lang::Vi)
            ),
            (TransitionError::RoleNotAllowed { role, action }, Lang::En) => format!(
                "The {} may not {}.",
                role.label(Lang::En).to_lowercase(),
                action.label(Lang::En)
            ),
            (TransitionError::Illegal { from, action }, Lang::Vi) => format!(
                "Không thể {} khi hồ sơ đang ở trạng thái “{}”.",
                action.label(Lang::Vi),
                from.label(Lang::Vi)
            ),
            (TransitionError::Illegal { from, action }, Lang::En) => format!(
                "Cannot {} while the dossier is “{}”.",
                action.label(Lang::En),
                from.label(Lang::En)
            ),
            (TransitionError::ReasonRequired { .. }, Lang::Vi) => "Cần ghi rõ lý do.".into(),
            (TransitionError::ReasonRequired { .. }, Lang::En) => "A reason is required.".into(),
            (TransitionError::MissingItemsRequired, Lang::Vi) => {
                "Cần liệt kê các giấy tờ, nội dung cần bổ sung.".into()
            }
            (TransitionError::MissingItemsRequired, Lang::En) => {
                "List the documents or corrections that are needed.".into()
            }
            (TransitionError::TooLong { max, .. }, Lang::Vi) => {
                format!("Nội dung quá dài (tối đa {max}).")
            }
            (TransitionError::TooLong { max, .. }, Lang::En) => {
                format!("The text is too long (at most {max}).")
            }
            (TransitionError::ControlCharacters { .. }, Lang::Vi) => {
                "Nội dung có ký tự điều khiển không được phép. Hãy gõ lại bằng chữ thường.".into()
            }
            (TransitionError::ControlCharacters { .. }, Lang::En) => {
                "The text contains control characters, which are not allowed. Type it again as plain text.".into()
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::desk::StaffRole;
    use ActorRole::{Citizen, Reception, Specialist, System};
    use DossierStatus::*;

    /// Every legal (from, action, role) triple and where it leads, written out by hand
    /// from docs/ARCHITECTURE.md, independently of the rule table.
    const LEGAL: &[(DossierStatus, ActionKind, ActorRole, DossierStatus)] = &[
        (Submitted, ActionKind::Accept, Reception, Received),
        (Submitted, ActionKind::RefuseIntake, Reception, NotAccepted),
        (Received, ActionKind::StartProcessing, Reception, Processing),
        (
            Received,
            ActionKind::StartProcessing,
            Specialist,
            Processing,
        ),
        (
            Processing,
            ActionKind::RequestSupplement,
            Reception,
            SupplementRequested,
        ),
        (
            Processing,
            ActionKind::RequestSupplement,
            Specialist,
            SupplementRequested,
        ),
        (
            SupplementRequested,
            ActionKind::AnswerSupplement,
            Citizen,
            Processing,
        ),
        (
            SupplementRequested,
            ActionKind::AnswerSupplement,
            Reception,
            Processing,
        ),
        (
            Processing,
            ActionKind::RequestPayment,
            Specialist,
            PaymentRequested,
        ),
        (
            PaymentRequested,
            ActionKind::ConfirmPayment,
            Reception,
            Processing,
        ),
        (
            PaymentRequested,
            ActionKind::ConfirmPayment,
            System,
            Processing,
        ),
        (
            Processing,
            ActionKind::MarkResultReady,
            Specialist,
            ResultReady,
        ),
        (ResultReady, ActionKind::HandBack, Reception, Returned),
        (ResultReady, ActionKind::HandBack, System, Returned),
        (Processing, ActionKind::Reject, Specialist, Rejected),
        (
            SupplementRequested,
            ActionKind::Reject,
            Specialist,
            Rejected,
        ),
        (PaymentRequested, ActionKind::Reject, Specialist, Rejected),
        (Received, ActionKind::Stop, Specialist, Stopped),
        (Processing, ActionKind::Stop, Specialist, Stopped),
        (SupplementRequested, ActionKind::Stop, Specialist, Stopped),
        (PaymentRequested, ActionKind::Stop, Specialist, Stopped),
        (
            Submitted,
            ActionKind::RequestWithdrawal,
            Citizen,
            WithdrawalRequested,
        ),
        (
            Received,
            ActionKind::RequestWithdrawal,
            Citizen,
            WithdrawalRequested,
        ),
        (
            Processing,
            ActionKind::RequestWithdrawal,
            Citizen,
            WithdrawalRequested,
        ),
        (
            SupplementRequested,
            ActionKind::RequestWithdrawal,
            Citizen,
            WithdrawalRequested,
        ),
        (
            PaymentRequested,
            ActionKind::RequestWithdrawal,
            Citizen,
            WithdrawalRequested,
        ),
        (
            WithdrawalRequested,
            ActionKind::ConfirmWithdrawal,
            Reception,
            Withdrawn,
        ),
    ];

    /// An action of the kind with valid details.
    fn valid(kind: ActionKind) -> Action {
        Action::from_parts(
            kind,
            Some("Thiếu bản chính".into()),
            vec!["Bản sao giấy khai sinh".into()],
        )
    }

    #[test]
    fn every_triple_is_decided_as_the_design_draws_it() {
        let mut legal = 0;
        for from in DossierStatus::ALL {
            for kind in ActionKind::ALL {
                for role in ActorRole::ALL {
                    let expected = LEGAL
                        .iter()
                        .find(|(f, k, r, _)| *f == from && *k == kind && *r == role)
                        .map(|(_, _, _, to)| *to);
                    let got = transition(from, &valid(kind), role);
                    match expected {
                        Some(to) => {
                            legal += 1;
                            assert_eq!(got, Ok(to), "{from:?} {kind:?} {role:?}");
                        }
                        None => {
                            let error = got.expect_err(&format!("{from:?} {kind:?} {role:?}"));
                            let role_ever_allowed =
                                LEGAL.iter().any(|(_, k, r, _)| *k == kind && *r == role);
                            if role_ever_allowed {
                                assert_eq!(error, TransitionError::Illegal { from, action: kind });
                                assert_eq!(error.code(), "illegal_transition");
                            } else {
                                assert_eq!(
                                    error,
                                    TransitionError::RoleNotAllowed { role, action: kind }
                                );
                                assert_eq!(error.code(), "role_not_allowed");
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(legal, LEGAL.len());
    }

    #[test]
    fn final_statuses_accept_nothing() {
        for from in DossierStatus::ALL.into_iter().filter(|s| s.is_final()) {
            for role in ActorRole::ALL {
                assert!(ActionKind::available(from, role).is_empty(), "{from:?}");
            }
        }
        // And every status that is not final leads somewhere.
        for from in DossierStatus::ALL.into_iter().filter(|s| !s.is_final()) {
            assert!(
                ActorRole::ALL
                    .into_iter()
                    .any(|role| !ActionKind::available(from, role).is_empty()),
                "{from:?}"
            );
        }
    }

    #[test]
    fn available_actions_are_the_legal_ones() {
        for from in DossierStatus::ALL {
            for role in ActorRole::ALL {
                let mut expected: Vec<ActionKind> = LEGAL
                    .iter()
                    .filter(|(f, _, r, _)| *f == from && *r == role)
                    .map(|(_, k, _, _)| *k)
                    .collect();
                expected.sort();
                let mut got = ActionKind::available(from, role);
                got.sort();
                assert_eq!(got, expected, "{from:?} {role:?}");
            }
        }
    }

    #[test]
    fn details_are_checked_after_the_status() {
        let blank = Action::RefuseIntake {
            reason: "  \n".into(),
        };
        assert_eq!(
            transition(Submitted, &blank, Reception),
            Err(TransitionError::ReasonRequired {
                action: ActionKind::RefuseIntake
            })
        );
        // The wrong status wins over the blank reason.
        assert!(matches!(
            transition(Processing, &blank, Reception),
            Err(TransitionError::Illegal { .. })
        ));
        for reason_kind in [ActionKind::Reject, ActionKind::Stop] {
            let action = Action::from_parts(reason_kind, None, vec![]);
            let error = transition(Processing, &action, Specialist).unwrap_err();
            assert_eq!(error.code(), "reason_required");
            assert_eq!(error.field(), Some("reason"));
        }
        let nothing = Action::RequestSupplement { missing: vec![] };
        assert_eq!(
            transition(Processing, &nothing, Specialist),
            Err(TransitionError::MissingItemsRequired)
        );
        let blank_item = Action::RequestSupplement {
            missing: vec!["ok".into(), " ".into()],
        };
        assert_eq!(
            transition(Processing, &blank_item, Specialist),
            Err(TransitionError::MissingItemsRequired)
        );
        let many = Action::RequestSupplement {
            missing: vec!["x".into(); MAX_MISSING_ITEMS + 1],
        };
        assert_eq!(
            transition(Processing, &many, Specialist)
                .unwrap_err()
                .field(),
            Some("missing")
        );
        let long = Action::Stop {
            reason: "đ".repeat(MAX_REASON_CHARS + 1),
        };
        assert_eq!(
            transition(Processing, &long, Specialist),
            Err(TransitionError::TooLong {
                field: "reason",
                max: MAX_REASON_CHARS
            })
        );
        let just = Action::Stop {
            reason: "đ".repeat(MAX_REASON_CHARS),
        };
        assert_eq!(transition(Processing, &just, Specialist), Ok(Stopped));
        assert!(check_note(Some(&"a".repeat(MAX_NOTE_CHARS))).is_ok());
        assert_eq!(
            check_note(Some(&"a".repeat(MAX_NOTE_CHARS + 1)))
                .unwrap_err()
                .field(),
            Some("note")
        );
        assert!(check_note(None).is_ok());
    }

    /// Audit item 6 of issue 16: a withdrawal note with an escape sequence cleared the desk
    /// officer's terminal and printed "ĐÃ DUYỆT". Control characters other than line
    /// breaks and tabs, and bidirectional controls, are refused in every free text.
    #[test]
    fn free_texts_refuse_control_characters() {
        let forged = "nộp nhầm\u{1b}[2J\u{1b}[H\u{1b}[1;32mĐÃ DUYỆT";
        for bad in [
            forged,
            "a\rb",
            "a\u{7f}",
            "a\u{9b}2J",
            "a\u{202e}b",
            "a\u{0}",
        ] {
            let error = check_note(Some(bad)).unwrap_err();
            assert_eq!(error, TransitionError::ControlCharacters { field: "note" });
            assert_eq!(error.code(), "control_characters");
            let stop = Action::Stop { reason: bad.into() };
            assert_eq!(
                transition(Processing, &stop, Specialist)
                    .unwrap_err()
                    .field(),
                Some("reason")
            );
            let ask = Action::RequestSupplement {
                missing: vec!["CCCD".into(), bad.into()],
            };
            assert_eq!(
                transition(Processing, &ask, Specialist).unwrap_err().code(),
                "control_characters"
            );
        }
        // Line breaks and tabs are text.
        assert!(check_note(Some("dòng một\ndòng hai\tcột")).is_ok());
    }

    #[test]
    fn errors_speak_both_languages() {
        let errors = [
            TransitionError::RoleNotAllowed {
                role: Citizen,
                action: ActionKind::Accept,
            },
            TransitionError::Illegal {
                from: Returned,
                action: ActionKind::HandBack,
            },
            TransitionError::ReasonRequired {
                action: ActionKind::Stop,
            },
            TransitionError::MissingItemsRequired,
            TransitionError::TooLong {
                field: "note",
                max: 10,
            },
            TransitionError::ControlCharacters { field: "note" },
        ];
        for error in errors {
            let vi = error.message(Lang::Vi);
            let en = error.message(Lang::En);
            assert!(!vi.is_empty() && !en.is_empty());
            assert_ne!(vi, en, "{error:?}");
            assert!(!error.to_string().is_empty());
        }
        let illegal = TransitionError::Illegal {
            from: Returned,
            action: ActionKind::HandBack,
        };
        assert_eq!(
            illegal.message(Lang::Vi),
            "Không thể trả kết quả khi hồ sơ đang ở trạng thái “Đã trả kết quả”."
        );
        assert_eq!(
            illegal.message(Lang::En),
            "Cannot hand the result back while the dossier is “Result handed over”."
        );
    }

    #[test]
    fn national_codes_map_one_to_one() {
        let codes: Vec<Option<u8>> = DossierStatus::ALL
            .iter()
            .map(|s| s.national_code())
            .collect();
        assert_eq!(
            codes,
            vec![
                Some(1),
                Some(2),
                Some(3),
                Some(4),
                Some(5),
                Some(6),
                Some(7),
                Some(8),
                Some(9),
                Some(10),
                None,
                None
            ]
        );
        for code in 1..=10 {
            let status = DossierStatus::from_national_code(code).unwrap();
            assert_eq!(status.national_code(), Some(code));
        }
        assert_eq!(DossierStatus::from_national_code(0), None);
        assert_eq!(DossierStatus::from_national_code(11), None);
    }

    #[test]
    fn wire_names_match_serde_and_submitted_stays_submitted() {
        for status in DossierStatus::ALL {
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
            assert_eq!(DossierStatus::parse(status.as_str()), Some(status));
            assert!(!status.label(Lang::Vi).is_empty());
        }
        assert_eq!(DossierStatus::Submitted.as_str(), "submitted");
        for kind in ActionKind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(ActionKind::parse(kind.as_str()), Some(kind));
            // The tagged action carries the same name.
            let tagged = serde_json::to_value(valid(kind)).unwrap();
            assert_eq!(tagged["action"], kind.as_str());
            let back: Action = serde_json::from_value(tagged).unwrap();
            assert_eq!(back.kind(), kind);
        }
        for role in ActorRole::ALL {
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
            assert_eq!(ActorRole::parse(role.as_str()), Some(role));
        }
        for role in [StaffRole::Reception, StaffRole::Specialist] {
            assert_eq!(StaffRole::parse(role.as_str()), Some(role));
            assert_eq!(role.actor().as_str(), role.as_str());
        }
    }

    #[test]
    fn the_clock_starts_pauses_resumes_and_stops() {
        assert_eq!(clock_change(Submitted, Received), Some(Clock::Started));
        assert_eq!(
            clock_change(Processing, SupplementRequested),
            Some(Clock::Paused)
        );
        assert_eq!(
            clock_change(SupplementRequested, Processing),
            Some(Clock::Resumed)
        );
        assert_eq!(clock_change(Processing, ResultReady), Some(Clock::Stopped));
        assert_eq!(
            clock_change(SupplementRequested, Stopped),
            Some(Clock::Stopped)
        );
        assert_eq!(clock_change(Received, Stopped), Some(Clock::Stopped));
        assert_eq!(
            clock_change(PaymentRequested, WithdrawalRequested),
            Some(Clock::Stopped)
        );
        // Before intake the clock never ran.
        assert_eq!(clock_change(Submitted, WithdrawalRequested), None);
        assert_eq!(clock_change(Submitted, NotAccepted), None);
        // Payment does not pause it (only the supplement wait is subtracted).
        assert_eq!(clock_change(Processing, PaymentRequested), None);
        assert_eq!(clock_change(PaymentRequested, Processing), None);
        assert_eq!(clock_change(ResultReady, Returned), None);
        assert_eq!(clock_change(WithdrawalRequested, Withdrawn), None);
        assert_eq!(clock_change(Received, Processing), None);
        // Every legal transition is consistent with the clock rules.
        for (from, _, _, to) in LEGAL {
            if let Some(Clock::Stopped) = clock_change(*from, *to) {
                assert!(!to.clock_running());
            }
        }
    }
}
