//! Why an action cannot be applied, in Vietnamese and English.

use super::{ActionKind, ActorRole};
use crate::dossier::DossierStatus;
use crate::i18n::{Lang, Localized};

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
