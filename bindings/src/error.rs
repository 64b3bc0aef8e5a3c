//! The one error of every call, for Kotlin and Swift: the core's error model
//! (`motcua_core::error`) translated, nothing decided here. The variant is the error's
//! kind; each carries the stable code (for logs and tests), the message to show in the
//! configured language, a diagnostic detail without personal data, and the reason a
//! screen handles in its own way, if any.
//!
//! The message field is not called `message`: in Kotlin every error variant is a
//! `Throwable`, whose own `message` property the generated class would redeclare
//! (uniffi-rs#1434, "Conflicting declarations").

use motcua_core::error::{CoreError, ErrorKind, ErrorReason as CoreReason};
use motcua_core::{Lang, Localized};
use motcua_protocol::validation::FieldError;

/// Failure of a call into the core. The variant says what kind of failure it is (what the
/// screen does about it); `reason` names the few cases a screen handles on its own.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum CoreException {
    /// The portal or the provider could not be reached: what is on the phone still works,
    /// queued actions are sent later.
    #[error("{code}: {user_message}")]
    Network {
        /// Machine code (`network_unavailable`, `catalog_not_downloaded`…).
        code: String,
        /// Localised message to show.
        user_message: String,
        /// For diagnostics; no personal data.
        detail: String,
        /// The case a screen handles on its own, if it is one.
        reason: Option<ErrorReason>,
    },
    /// Not logged in, or the session ended: the screen offers to log in.
    #[error("{code}: {user_message}")]
    LoggedOut {
        /// Machine code (`not_logged_in`, `session_ended`).
        code: String,
        /// Localised message to show.
        user_message: String,
        /// For diagnostics; no personal data.
        detail: String,
        /// The case a screen handles on its own, if it is one.
        reason: Option<ErrorReason>,
    },
    /// No such draft, dossier, procedure, field, receipt or trust list.
    #[error("{code}: {user_message}")]
    NotFound {
        /// Machine code.
        code: String,
        /// Localised message to show.
        user_message: String,
        /// For diagnostics; no personal data.
        detail: String,
        /// The case a screen handles on its own, if it is one.
        reason: Option<ErrorReason>,
    },
    /// What the person entered is not acceptable: each problem names its field (a draft),
    /// or the message says what (an attachment, an ID number).
    #[error("{code}: {user_message}")]
    InvalidInput {
        /// Machine code (`draft_invalid`, `attachment_*`, `not_an_id_number`…).
        code: String,
        /// Localised message to show.
        user_message: String,
        /// For diagnostics; no personal data.
        detail: String,
        /// The case a screen handles on its own, if it is one.
        reason: Option<ErrorReason>,
        /// Every problem of an invalid draft, to show next to its field.
        problems: Vec<FieldProblem>,
    },
    /// The rules do not allow it now (the lifecycle, a locked field, an identity level, a
    /// refused login answer, an assisted session's state).
    #[error("{code}: {user_message}")]
    NotAllowed {
        /// Machine code.
        code: String,
        /// Localised message to show.
        user_message: String,
        /// For diagnostics; no personal data.
        detail: String,
        /// The case a screen handles on its own, if it is one.
        reason: Option<ErrorReason>,
    },
    /// Too many requests: wait a moment.
    #[error("{code}: {user_message}")]
    RateLimited {
        /// Machine code.
        code: String,
        /// Localised message to show.
        user_message: String,
        /// For diagnostics; no personal data.
        detail: String,
        /// The case a screen handles on its own, if it is one.
        reason: Option<ErrorReason>,
    },
    /// The phone's database, files or keystore failed.
    #[error("{code}: {user_message}")]
    Storage {
        /// Machine code.
        code: String,
        /// Localised message to show.
        user_message: String,
        /// For diagnostics; no personal data.
        detail: String,
        /// The case a screen handles on its own, if it is one.
        reason: Option<ErrorReason>,
    },
    /// The person stopped it (a cancelled or superseded login): not an error to show.
    #[error("{code}: {user_message}")]
    Cancelled {
        /// Machine code (`login_cancelled`, `login_superseded`).
        code: String,
        /// Localised message to show.
        user_message: String,
        /// For diagnostics; no personal data.
        detail: String,
        /// The case a screen handles on its own, if it is one.
        reason: Option<ErrorReason>,
    },
    /// Anything else: an answer the portal does not promise, an internal error.
    #[error("{code}: {user_message}")]
    Unexpected {
        /// Machine code.
        code: String,
        /// Localised message to show.
        user_message: String,
        /// For diagnostics; no personal data.
        detail: String,
        /// The case a screen handles on its own, if it is one.
        reason: Option<ErrorReason>,
    },
}

impl CoreException {
    /// The core's error in the language `lang`.
    pub(crate) fn new<E: CoreError>(error: &E, lang: Lang) -> Self {
        let code = error.code().to_owned();
        let user_message = error.message(lang);
        let detail = error.detail();
        let reason = error.reason().map(ErrorReason::from);
        match error.kind() {
            ErrorKind::Network => CoreException::Network {
                code,
                user_message,
                detail,
                reason,
            },
            ErrorKind::LoggedOut => CoreException::LoggedOut {
                code,
                user_message,
                detail,
                reason,
            },
            ErrorKind::NotFound => CoreException::NotFound {
                code,
                user_message,
                detail,
                reason,
            },
            ErrorKind::InvalidInput => CoreException::InvalidInput {
                problems: error
                    .field_problems()
                    .iter()
                    .map(|p| FieldProblem::new(p, lang))
                    .collect(),
                code,
                user_message,
                detail,
                reason,
            },
            ErrorKind::NotAllowed => CoreException::NotAllowed {
                code,
                user_message,
                detail,
                reason,
            },
            ErrorKind::RateLimited => CoreException::RateLimited {
                code,
                user_message,
                detail,
                reason,
            },
            ErrorKind::Storage => CoreException::Storage {
                code,
                user_message,
                detail,
                reason,
            },
            ErrorKind::Cancelled => CoreException::Cancelled {
                code,
                user_message,
                detail,
                reason,
            },
            ErrorKind::Unexpected => CoreException::Unexpected {
                code,
                user_message,
                detail,
                reason,
            },
        }
    }
}

/// A case a screen handles in its own way, beyond the error's kind.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ErrorReason {
    /// No catalog was ever downloaded on this phone: the search screen says so.
    CatalogNotDownloaded,
    /// Receipts cannot be verified before the trust list is fetched once: the screen
    /// offers to fetch it.
    TrustListMissing,
    /// An assisted session cannot end: its submissions have not reached the portal. The
    /// screen asks whether to give them up (end with `force`).
    SubmissionsPending {
        /// How many wait.
        count: u32,
    },
    /// The procedure needs a stronger electronic identity.
    IdentityLevelTooLow {
        /// The level it needs (1 or 2).
        required: u8,
    },
    /// The person helped must consent to the current statement first: show it again.
    ConsentRequired {
        /// The statement version the person must accept.
        statement: String,
    },
    /// The previous citizen of this profile still has actions waiting to be delivered.
    PreviousCitizenUndelivered {
        /// How many wait.
        count: u32,
    },
}

impl From<CoreReason> for ErrorReason {
    fn from(reason: CoreReason) -> Self {
        match reason {
            CoreReason::CatalogNotDownloaded => ErrorReason::CatalogNotDownloaded,
            CoreReason::TrustListMissing => ErrorReason::TrustListMissing,
            CoreReason::SubmissionsPending { count } => ErrorReason::SubmissionsPending { count },
            CoreReason::IdentityLevelTooLow { required } => {
                ErrorReason::IdentityLevelTooLow { required }
            }
            CoreReason::ConsentRequired { statement } => ErrorReason::ConsentRequired { statement },
            CoreReason::PreviousCitizenUndelivered { count } => {
                ErrorReason::PreviousCitizenUndelivered { count }
            }
        }
    }
}

/// One problem with one field (or, on `attachments.<requirement>`, a missing document).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FieldProblem {
    /// The field id.
    pub field: String,
    /// Machine code (`required`, `invalid_phone`, `document_required`...).
    pub code: String,
    /// Localised message to show next to the field.
    pub user_message: String,
}

impl FieldProblem {
    pub(crate) fn new(error: &FieldError, lang: Lang) -> Self {
        FieldProblem {
            field: error.field.clone(),
            code: error.code().to_owned(),
            user_message: error.message(lang),
        }
    }
}
