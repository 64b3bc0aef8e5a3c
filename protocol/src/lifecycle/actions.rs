//! What can be done to a dossier: the actions with their details, the rule table (who
//! may take each, from which statuses, to which), and the checks of their free texts.

use serde::{Deserialize, Serialize};

use super::{
    ActorRole, MAX_MISSING_ITEM_CHARS, MAX_MISSING_ITEMS, MAX_NOTE_CHARS, MAX_REASON_CHARS,
    TransitionError, pick,
};
use crate::dossier::DossierStatus;
use crate::i18n::Lang;
use crate::validation::is_forbidden_in_free_text;

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
pub(super) struct Rule {
    /// Who may take the action.
    pub(super) roles: &'static [ActorRole],
    /// From which statuses.
    pub(super) from: &'static [DossierStatus],
    /// The status it leads to.
    pub(super) to: DossierStatus,
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

    pub(super) fn rule(self) -> Rule {
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
    pub(super) fn check_details(&self) -> Result<(), TransitionError> {
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
