//! One error model for every area of the core: beside its stable code and its message in
//! the person's language ([`Localized`]), each error has a [`ErrorKind`] (what a screen
//! does about it), at most one [`ErrorReason`] (the few cases a screen handles in its own
//! way), the field problems of invalid input, and a [`CoreError::detail`] for diagnostics
//! that holds no personal data. The FFI exports exactly this; the apps branch on kinds and
//! reasons, never on code strings.

use motcua_protocol::i18n::Localized;
use motcua_protocol::validation::FieldError;

use crate::OpenError;
use crate::assist::AssistError;
use crate::catalog::CatalogError;
use crate::dossier::DossierError;
use crate::dossier::media::MediaError;
use crate::identity::IdentityError;
use crate::payments::PaymentError;
use crate::receipt::ReceiptError;
use crate::tracking::TrackingError;

/// What kind of failure an error is: what a screen does about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The portal or the provider could not be reached; what is on the phone still works
    /// and queued actions are sent later.
    Network,
    /// No session, or it ended: the screen offers to log in.
    LoggedOut,
    /// What was asked for does not exist (here or on the portal).
    NotFound,
    /// What the person entered or chose is not acceptable; invalid drafts carry their
    /// field problems.
    InvalidInput,
    /// The rules do not allow it now (the lifecycle, a locked field, an identity level, a
    /// login answer that is not ours).
    NotAllowed,
    /// Too many requests: wait a moment.
    RateLimited,
    /// The phone's database, files or keystore failed.
    Storage,
    /// The person stopped it (a cancelled login): nothing to show as an error.
    Cancelled,
    /// Anything else: an answer that is not what the portal promises, an internal error.
    Unexpected,
}

/// The few failures a screen handles in a way of its own, beyond their kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorReason {
    /// No catalog was ever downloaded on this phone (and there is no network).
    CatalogNotDownloaded,
    /// Receipts cannot be verified before the trust list is fetched once.
    TrustListMissing,
    /// An assisted session cannot end: its submissions have not reached the portal.
    SubmissionsPending {
        /// How many wait.
        count: u32,
    },
    /// The procedure needs a stronger electronic identity.
    IdentityLevelTooLow {
        /// The level it needs (1 or 2).
        required: u8,
    },
    /// The person helped must consent to the current statement first.
    ConsentRequired {
        /// The statement's version.
        statement: String,
    },
    /// The previous citizen of this profile still has actions waiting to be delivered.
    PreviousCitizenUndelivered {
        /// How many wait.
        count: u32,
    },
}

/// An error of one of the core's areas, as the apps receive it.
pub trait CoreError: Localized + std::fmt::Display {
    /// What kind of failure it is.
    fn kind(&self) -> ErrorKind;

    /// The case a screen handles in its own way, if it is one.
    fn reason(&self) -> Option<ErrorReason> {
        None
    }

    /// Every problem of an invalid draft, each naming its field.
    fn field_problems(&self) -> &[FieldError] {
        &[]
    }

    /// A description for diagnostics (logs, bug reports): the code and the technical
    /// cause, with what could identify a person removed ([`redacted`]).
    fn detail(&self) -> String {
        let technical = redacted(&self.to_string());
        format!("{}: {technical}", self.code())
    }
}

/// `text` without what could identify a person or a case: URLs keep their scheme and
/// host only, runs of four or more digits (ID numbers, phone numbers, dossier codes) and
/// quoted text become `…`.
pub fn redacted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after_scheme) = url_start(rest) {
            // Keep `scheme://host`, drop the path, query and fragment.
            let (head, tail) = rest.split_at(after_scheme);
            out.push_str(head);
            let host_end = tail.find(['/', ' ', ')', '?', '#']).unwrap_or(tail.len());
            out.push_str(&tail[..host_end]);
            let url_end = tail
                .find(|c: char| c.is_whitespace() || c == ')')
                .unwrap_or(tail.len());
            if url_end > host_end {
                out.push('…');
            }
            rest = &tail[url_end.max(host_end)..];
            continue;
        }
        let mut chars = rest.chars();
        let Some(c) = chars.next() else { break };
        if c == '"'
            && let Some(close) = rest[1..].find('"')
        {
            out.push_str("\"…\"");
            rest = &rest[close + 2..];
            continue;
        }
        if c.is_ascii_digit() {
            let digits = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            if digits >= 4 {
                out.push('…');
            } else {
                out.push_str(&rest[..digits]);
            }
            rest = &rest[digits..];
            continue;
        }
        out.push(c);
        rest = chars.as_str();
    }
    out
}

/// Where the part after `scheme://` starts, when `text` starts with a URL.
fn url_start(text: &str) -> Option<usize> {
    let scheme_end = text.find("://")?;
    let scheme = &text[..scheme_end];
    (!scheme.is_empty() && scheme.len() <= 8 && scheme.chars().all(|c| c.is_ascii_alphabetic()))
        .then_some(scheme_end + 3)
}

impl CoreError for IdentityError {
    fn kind(&self) -> ErrorKind {
        match self {
            IdentityError::Network(_) => ErrorKind::Network,
            IdentityError::Cancelled | IdentityError::LoginSuperseded => ErrorKind::Cancelled,
            IdentityError::NoLoginInProgress
            | IdentityError::MalformedCallback(_)
            | IdentityError::StateMismatch
            | IdentityError::IssuerMismatch
            | IdentityError::ProviderRefused { .. }
            | IdentityError::CodeRejected { .. }
            | IdentityError::IdTokenRejected(_)
            | IdentityError::PortalRefused(_)
            | IdentityError::PreviousCitizenUndelivered { .. } => ErrorKind::NotAllowed,
            IdentityError::NotLoggedIn | IdentityError::SessionEnded => ErrorKind::LoggedOut,
            IdentityError::SecureStorage(_) | IdentityError::Storage(_) => ErrorKind::Storage,
            IdentityError::ProviderMisconfigured(_) | IdentityError::Unexpected(_) => {
                ErrorKind::Unexpected
            }
        }
    }

    fn reason(&self) -> Option<ErrorReason> {
        match self {
            IdentityError::PreviousCitizenUndelivered { undelivered } => {
                Some(ErrorReason::PreviousCitizenUndelivered {
                    count: *undelivered,
                })
            }
            _ => None,
        }
    }
}

impl CoreError for CatalogError {
    fn kind(&self) -> ErrorKind {
        match self {
            CatalogError::Network(_) | CatalogError::NotDownloaded => ErrorKind::Network,
            CatalogError::Storage(_) => ErrorKind::Storage,
            CatalogError::Unexpected(_) => ErrorKind::Unexpected,
        }
    }

    fn reason(&self) -> Option<ErrorReason> {
        matches!(self, CatalogError::NotDownloaded).then_some(ErrorReason::CatalogNotDownloaded)
    }
}

impl CoreError for MediaError {
    fn kind(&self) -> ErrorKind {
        match self {
            MediaError::Internal(_) => ErrorKind::Unexpected,
            _ => ErrorKind::InvalidInput,
        }
    }
}

impl CoreError for DossierError {
    fn kind(&self) -> ErrorKind {
        match self {
            DossierError::UnknownDraft(_)
            | DossierError::UnknownDossier(_)
            | DossierError::UnknownProcedure(_)
            | DossierError::UnknownField(_)
            | DossierError::UnknownRequirement(_) => ErrorKind::NotFound,
            DossierError::NotEditable
            | DossierError::FieldLocked(_)
            | DossierError::NotAllowed(_)
            | DossierError::IdentityLevelTooLow { .. }
            | DossierError::Refused(_) => ErrorKind::NotAllowed,
            DossierError::Invalid(_) => ErrorKind::InvalidInput,
            DossierError::Attachment(error) => error.kind(),
            DossierError::Identity(error) => error.kind(),
            DossierError::Catalog(error) => error.kind(),
            DossierError::Storage(_) | DossierError::Seal(_) | DossierError::File(_) => {
                ErrorKind::Storage
            }
        }
    }

    fn reason(&self) -> Option<ErrorReason> {
        match self {
            DossierError::IdentityLevelTooLow { required } => {
                Some(ErrorReason::IdentityLevelTooLow {
                    required: *required,
                })
            }
            DossierError::Identity(error) => error.reason(),
            DossierError::Catalog(error) => error.reason(),
            _ => None,
        }
    }

    fn field_problems(&self) -> &[FieldError] {
        match self {
            DossierError::Invalid(problems) => problems,
            _ => &[],
        }
    }

    fn detail(&self) -> String {
        match self {
            // The portal's refusal is in its own words, which may quote what was filed.
            DossierError::Refused(_) => format!("{}: refused by the portal", self.code()),
            DossierError::Invalid(problems) => {
                let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
                format!("{}: {}", self.code(), fields.join(", "))
            }
            _ => format!("{}: {}", self.code(), redacted(&self.to_string())),
        }
    }
}

impl CoreError for PaymentError {
    fn kind(&self) -> ErrorKind {
        match self {
            PaymentError::Network(_) => ErrorKind::Network,
            PaymentError::Identity(error) => error.kind(),
            PaymentError::NotFound(_)
            | PaymentError::NotFetched(_)
            | PaymentError::NoFeeReceipt(_) => ErrorKind::NotFound,
            PaymentError::Storage(_) => ErrorKind::Storage,
            PaymentError::Inconsistent(_) | PaymentError::Portal(_) | PaymentError::Render(_) => {
                ErrorKind::Unexpected
            }
        }
    }

    fn reason(&self) -> Option<ErrorReason> {
        match self {
            PaymentError::Identity(error) => error.reason(),
            _ => None,
        }
    }
}

impl CoreError for TrackingError {
    fn kind(&self) -> ErrorKind {
        match self {
            TrackingError::Network(_) => ErrorKind::Network,
            TrackingError::Identity(error) => error.kind(),
            TrackingError::NotFound(_) => ErrorKind::NotFound,
            TrackingError::RateLimited => ErrorKind::RateLimited,
            TrackingError::Storage(_) => ErrorKind::Storage,
            TrackingError::Unexpected(_) => ErrorKind::Unexpected,
        }
    }

    fn reason(&self) -> Option<ErrorReason> {
        match self {
            TrackingError::Identity(error) => error.reason(),
            _ => None,
        }
    }
}

impl CoreError for ReceiptError {
    fn kind(&self) -> ErrorKind {
        match self {
            ReceiptError::Network(_) => ErrorKind::Network,
            ReceiptError::NoTrustList | ReceiptError::NotIssued(_) => ErrorKind::NotFound,
            ReceiptError::NotAnIdNumber => ErrorKind::InvalidInput,
            ReceiptError::NotValid(_) => ErrorKind::NotAllowed,
            ReceiptError::Storage(_) => ErrorKind::Storage,
            ReceiptError::NoTrustAnchor | ReceiptError::TrustList(_) | ReceiptError::Render(_) => {
                ErrorKind::Unexpected
            }
        }
    }

    fn reason(&self) -> Option<ErrorReason> {
        matches!(self, ReceiptError::NoTrustList).then_some(ErrorReason::TrustListMissing)
    }
}

impl CoreError for AssistError {
    fn kind(&self) -> ErrorKind {
        match self {
            AssistError::ConsentRequired { .. }
            | AssistError::SessionOpen
            | AssistError::NoSession
            | AssistError::SubmissionsPending { .. } => ErrorKind::NotAllowed,
            AssistError::Open(error) => error.kind(),
            AssistError::Storage(_) | AssistError::SecureStore(_) | AssistError::File(_) => {
                ErrorKind::Storage
            }
            AssistError::Dossier(error) => error.kind(),
        }
    }

    fn reason(&self) -> Option<ErrorReason> {
        match self {
            AssistError::ConsentRequired { expected } => Some(ErrorReason::ConsentRequired {
                statement: (*expected).to_owned(),
            }),
            AssistError::SubmissionsPending { count } => Some(ErrorReason::SubmissionsPending {
                count: u32::try_from(*count).unwrap_or(u32::MAX),
            }),
            AssistError::Dossier(error) => error.reason(),
            _ => None,
        }
    }
}

impl CoreError for OpenError {
    fn kind(&self) -> ErrorKind {
        match self {
            OpenError::Store(_) | OpenError::Assist(_) => ErrorKind::Storage,
            OpenError::InvalidPortalUrl | OpenError::InvalidRootKey => ErrorKind::InvalidInput,
            OpenError::Http(_) | OpenError::Runtime(_) => ErrorKind::Unexpected,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_could_identify_a_person_is_taken_out_of_details() {
        assert_eq!(
            redacted(
                "error sending request for url (http://127.0.0.1:8080/api/v1/dossiers/H01.22-260302-0007/withdraw)"
            ),
            "error sending request for url (http://127.0.0.1:8080…)"
        );
        assert_eq!(
            redacted("no dossier H01.22-260302-0007 on this device"),
            "no dossier H01.22-…-… on this device"
        );
        assert_eq!(
            redacted("field \"Nguyễn Văn An\" is locked"),
            "field \"…\" is locked"
        );
        assert_eq!(redacted("HTTP 503: busy"), "HTTP 503: busy");
        assert_eq!(redacted("id 012345678901"), "id …");
    }

    #[test]
    fn a_wrapped_error_keeps_the_kind_and_reason_of_its_cause() {
        let error = DossierError::Catalog(CatalogError::NotDownloaded);
        assert_eq!(error.kind(), ErrorKind::Network);
        assert_eq!(error.reason(), Some(ErrorReason::CatalogNotDownloaded));
        let ended = TrackingError::Identity(IdentityError::SessionEnded);
        assert_eq!(ended.kind(), ErrorKind::LoggedOut);
        let pending = AssistError::SubmissionsPending { count: 2 };
        assert_eq!(
            pending.reason(),
            Some(ErrorReason::SubmissionsPending { count: 2 })
        );
    }

    #[test]
    fn a_refusal_in_the_portals_words_is_not_in_the_detail() {
        let error = DossierError::Refused("Nguyễn Văn An, 012345678901".into());
        assert_eq!(error.detail(), "dossier_refused: refused by the portal");
    }
}
