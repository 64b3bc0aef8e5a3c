//! The receipt area for Kotlin and Swift: the citizen's receipt drawn as a QR code, and for
//! the desk, offline verification against the cached trust list and the applicant check.
//! Conversions only; the codec and the verdicts are `motcua_protocol::receipt`, the rules
//! `motcua_core::receipt`.

use std::sync::Arc;

use motcua_core::receipt::{
    ApplicantCheck as CoreApplicantCheck, ReceiptView as CoreReceiptView,
    TrustListInfo as CoreTrustListInfo, Verification as CoreVerification,
};
use motcua_core::{Lang, Localized};
use motcua_protocol::receipt::{ReceiptFields as WireReceiptFields, Verdict as WireVerdict};
use tokio::runtime::Handle;

use crate::error::CoreException;
use crate::runtime::run;

/// What a receipt says.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReceiptFields {
    /// Dossier code.
    pub dossier_code: String,
    /// National procedure code.
    pub procedure_code: String,
    /// Electronic code of the receiving agency.
    pub agency_code: String,
    /// When the desk accepted the dossier (RFC 3339, UTC).
    pub received_at: String,
    /// The date to come back for the result (`YYYY-MM-DD`), when known.
    pub appointment_date: Option<String>,
    /// Whether the receipt carries the applicant's ID-number digest (`checkApplicant`).
    pub has_applicant_digest: bool,
}

impl From<WireReceiptFields> for ReceiptFields {
    fn from(f: WireReceiptFields) -> Self {
        ReceiptFields {
            dossier_code: f.dossier_code,
            procedure_code: f.procedure_code,
            agency_code: f.agency_code,
            received_at: f.received_at.to_rfc3339(),
            appointment_date: f.appointment_date.map(|d| d.to_string()),
            has_applicant_digest: f.applicant.is_some(),
        }
    }
}

/// The answer to a scan. Key ids are 8 hex digits.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Verdict {
    /// Signed by a trusted key in its signing period: the fields are the portal's.
    Valid {
        /// The signing key.
        kid: String,
        /// What the receipt says.
        fields: ReceiptFields,
    },
    /// A trusted key's id, but the signature does not match the content: altered.
    Tampered {
        /// The key id it claims.
        kid: String,
    },
    /// Signed with a key the trust list does not have.
    UnknownKey {
        /// The key id it claims.
        kid: String,
    },
    /// Signed by a revoked key.
    RevokedKey {
        /// The key.
        kid: String,
    },
    /// Signed by a trusted key outside its signing period.
    ExpiredKey {
        /// The key.
        kid: String,
    },
    /// Not a receipt (another QR code, a damaged scan).
    Malformed {
        /// What is wrong, in English, for logs.
        detail: String,
    },
}

impl From<WireVerdict> for Verdict {
    fn from(verdict: WireVerdict) -> Self {
        match verdict {
            WireVerdict::Valid { kid, fields } => Verdict::Valid {
                kid: kid.to_string(),
                fields: fields.into(),
            },
            WireVerdict::Tampered { kid } => Verdict::Tampered {
                kid: kid.to_string(),
            },
            WireVerdict::UnknownKey { kid } => Verdict::UnknownKey {
                kid: kid.to_string(),
            },
            WireVerdict::RevokedKey { kid } => Verdict::RevokedKey {
                kid: kid.to_string(),
            },
            WireVerdict::ExpiredKey { kid } => Verdict::ExpiredKey {
                kid: kid.to_string(),
            },
            WireVerdict::Malformed(problem) => Verdict::Malformed {
                detail: problem.detail(),
            },
        }
    }
}

/// A verdict with what to show and how current the trust list behind it is.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Verification {
    /// The verdict.
    pub verdict: Verdict,
    /// Machine code of the verdict (`receipt_valid`, `receipt_tampered`...).
    pub code: String,
    /// The verdict in the configured language, to show.
    pub user_message: String,
    /// The sequence of the trust list used.
    pub trust_list_sequence: u64,
    /// When that list was fetched (Unix seconds): show it, a desk long offline may miss a
    /// revocation.
    pub trust_list_fetched_at: i64,
}

impl Verification {
    fn new(v: CoreVerification, lang: Lang) -> Self {
        Verification {
            code: v.verdict.code().to_owned(),
            user_message: v.verdict.message(lang),
            verdict: v.verdict.into(),
            trust_list_sequence: v.trust_list_sequence,
            trust_list_fetched_at: v.trust_list_fetched_at,
        }
    }
}

/// The QR code's modules, for a UI that draws them itself.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct QrModules {
    /// Modules per side.
    pub size: u32,
    /// `size × size` entries, row-major; `true` is dark.
    pub dark: Vec<bool>,
}

/// A receipt ready to show.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReceiptView {
    /// The text in the QR code (`MC1:…`), to share as text.
    pub qr_text: String,
    /// QR version (1–40).
    pub qr_version: u8,
    /// The modules.
    pub modules: QrModules,
    /// An SVG with the quiet zone, scalable.
    pub svg: String,
    /// A PNG (8-bit grey, with the quiet zone), to share or print.
    pub png: Vec<u8>,
    /// What the receipt says.
    pub fields: ReceiptFields,
    /// The signing key (8 hex digits).
    pub kid: String,
    /// The verdict against the cached trust list, when one is cached.
    pub verdict: Option<Verdict>,
}

impl From<CoreReceiptView> for ReceiptView {
    fn from(v: CoreReceiptView) -> Self {
        ReceiptView {
            qr_text: v.qr_text,
            qr_version: v.qr.version,
            modules: QrModules {
                size: v.qr.modules.size,
                dark: v.qr.modules.dark,
            },
            svg: v.qr.svg,
            png: v.qr.png,
            fields: v.fields.into(),
            kid: v.kid.to_string(),
            verdict: v.verdict.map(Verdict::from),
        }
    }
}

/// The trust list cached on the device.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TrustListInfo {
    /// Its sequence.
    pub sequence: u64,
    /// Keys on it (revoked ones included).
    pub keys: u32,
    /// When it was fetched (Unix seconds).
    pub fetched_at: i64,
}

impl From<CoreTrustListInfo> for TrustListInfo {
    fn from(t: CoreTrustListInfo) -> Self {
        TrustListInfo {
            sequence: t.sequence,
            keys: u32::try_from(t.keys).unwrap_or(u32::MAX),
            fetched_at: t.fetched_at,
        }
    }
}

/// Whether the person at the desk is the applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ApplicantCheck {
    /// The ID number matches the receipt's digest.
    Matches,
    /// It does not.
    DoesNotMatch,
    /// The receipt carries no digest.
    NoDigest,
}

impl From<CoreApplicantCheck> for ApplicantCheck {
    fn from(c: CoreApplicantCheck) -> Self {
        match c {
            CoreApplicantCheck::Matches => ApplicantCheck::Matches,
            CoreApplicantCheck::DoesNotMatch => ApplicantCheck::DoesNotMatch,
            CoreApplicantCheck::NoDigest => ApplicantCheck::NoDigest,
        }
    }
}

/// Receipts: the citizen's, drawn; verification and the applicant check for the desk.
#[derive(uniffi::Object)]
pub struct Receipts {
    pub(crate) core: Arc<motcua_core::MotCua>,
    pub(crate) lang: Lang,
    pub(crate) runtime: Handle,
}

#[uniffi::export]
impl Receipts {
    /// The receipt of one of the citizen's dossiers, from the device (no network), drawn.
    pub fn receipt(&self, dossier_code: String) -> Result<ReceiptView, CoreException> {
        self.core
            .receipt()
            .receipt(&dossier_code)
            .map(ReceiptView::from)
            .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// Verifies a scanned text with the cached trust list, without network. A forged,
    /// altered or unreadable text is a verdict, not an exception.
    pub fn verify_receipt(&self, text: String) -> Result<Verification, CoreException> {
        self.core
            .receipt()
            .verify_receipt(&text)
            .map(|v| Verification::new(v, self.lang))
            .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// Whether `id_number` (typed from the card) is the applicant's; the receipt must
    /// verify first. Deliberately slow (tens of milliseconds), off the caller's thread.
    pub async fn check_applicant(
        &self,
        receipt_text: String,
        id_number: String,
    ) -> Result<ApplicantCheck, CoreException> {
        let core = self.core.clone();
        run(&self.runtime, async move {
            core.receipt()
                .check_applicant(&receipt_text, &id_number)
                .await
        })
        .await
        .map(ApplicantCheck::from)
        .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// Fetches the trust list, verifies it against the root key, refuses one older than
    /// the cached list, and caches it.
    pub async fn refresh_trust_list(&self) -> Result<TrustListInfo, CoreException> {
        let core = self.core.clone();
        run(&self.runtime, async move {
            core.receipt().refresh_trust_list().await
        })
        .await
        .map(TrustListInfo::from)
        .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// The trust list cached, if any.
    pub fn trust_list(&self) -> Result<Option<TrustListInfo>, CoreException> {
        self.core
            .receipt()
            .trust_list()
            .map(|t| t.map(TrustListInfo::from))
            .map_err(|e| CoreException::new(&e, self.lang))
    }
}
