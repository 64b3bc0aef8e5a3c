//! The payments area for Kotlin and Swift: a dossier's fee as a payment screen (amount,
//! beneficiary, reference, the VietQR code drawn and its PNG), and the fee's e-receipt,
//! verified offline. Conversions only; the rules and the sentences are
//! `motcua_core::payments`.

use std::sync::Arc;

use motcua_core::payments::{
    FeePayment as CoreFeePayment, FeeReceiptView as CoreFeeReceiptView,
    LabelledLine as CoreLabelledLine, PaymentChange as CorePaymentChange,
};
use motcua_core::receipt::FeeVerification as CoreFeeVerification;
use motcua_core::{Lang, Localized};
use motcua_protocol::api::payments::{
    Beneficiary as WireBeneficiary, PaymentStatus as WirePaymentStatus,
};
use motcua_protocol::receipt::fee::{FeeReceiptFields as WireFields, FeeVerdict as WireVerdict};
use tokio::runtime::Handle;

use crate::error::CoreException;
use crate::receipt::QrModules;
use crate::runtime::run;

/// Where a dossier's fee stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PaymentStatus {
    /// The procedure has no fee.
    NoFee,
    /// Known, not due yet (the desk requests it later).
    NotDue,
    /// Due: pay the amount to the beneficiary with the reference.
    Awaiting,
    /// Paid; the e-receipt is issued.
    Paid,
    /// The fee is settled at the desk (the catalog does not know the online fee).
    SettledAtDesk,
}

impl From<WirePaymentStatus> for PaymentStatus {
    fn from(status: WirePaymentStatus) -> Self {
        match status {
            WirePaymentStatus::NoFee => PaymentStatus::NoFee,
            WirePaymentStatus::NotDue => PaymentStatus::NotDue,
            WirePaymentStatus::Awaiting => PaymentStatus::Awaiting,
            WirePaymentStatus::Paid => PaymentStatus::Paid,
            WirePaymentStatus::SettledAtDesk => PaymentStatus::SettledAtDesk,
        }
    }
}

/// The account a fee is paid into.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Beneficiary {
    /// The agency's electronic code.
    pub agency_code: String,
    /// The bank's 6-digit BIN.
    pub bank_bin: String,
    /// The bank's name.
    pub bank_name: String,
    /// The account number (with a copy button).
    pub account: String,
    /// The account holder's name as the bank shows it.
    pub account_name: String,
}

impl From<WireBeneficiary> for Beneficiary {
    fn from(b: WireBeneficiary) -> Self {
        Beneficiary {
            agency_code: b.agency_code,
            bank_bin: b.bank_bin,
            bank_name: b.bank_name,
            account: b.account,
            account_name: b.account_name,
        }
    }
}

/// A QR code drawn: modules to draw crisply, an SVG, and a PNG to save or share.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DrawnQr {
    /// The text in the code.
    pub text: String,
    /// The modules.
    pub modules: QrModules,
    /// An SVG with the quiet zone.
    pub svg: String,
    /// A PNG (8-bit grey, with the quiet zone).
    pub png: Vec<u8>,
}

/// A payment screen, as the core decided it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FeePayment {
    /// The dossier code.
    pub code: String,
    /// Where the fee stands.
    pub status: PaymentStatus,
    /// The amount, in đồng.
    pub amount_vnd: Option<u64>,
    /// The amount as people write it (`7.000 đ`).
    pub amount_label: Option<String>,
    /// The transfer's description to type when not scanning (with a copy button).
    pub reference: Option<String>,
    /// Where to pay.
    pub beneficiary: Option<Beneficiary>,
    /// The VietQR code to scan, only while the fee awaits its payment.
    pub qr: Option<DrawnQr>,
    /// Pay by this date (`YYYY-MM-DD`).
    pub due_date: Option<String>,
    /// Where the fee stands, in one sentence.
    pub headline: String,
    /// What to do or know next.
    pub detail: Option<String>,
    /// A transfer is being checked by the desk: do not pay again.
    pub under_review: bool,
    /// The fee e-receipt can be opened (`Payments.feeReceipt`).
    pub has_fee_receipt: bool,
    /// When the portal last told the phone (Unix seconds).
    pub checked_at: i64,
    /// Shown from the device: the portal was not reached just now.
    pub offline: bool,
    /// The sentence saying so, when offline.
    pub offline_note: Option<String>,
}

impl From<CoreFeePayment> for FeePayment {
    fn from(p: CoreFeePayment) -> Self {
        let qr = match (p.qr_text, p.qr) {
            (Some(text), Some(qr)) => Some(DrawnQr {
                text,
                modules: QrModules {
                    size: qr.modules.size,
                    dark: qr.modules.dark,
                },
                svg: qr.svg,
                png: qr.png,
            }),
            _ => None,
        };
        FeePayment {
            code: p.code,
            status: p.status.into(),
            amount_vnd: p.amount_vnd,
            amount_label: p.amount_label,
            reference: p.reference,
            beneficiary: p.beneficiary.map(Beneficiary::from),
            qr,
            due_date: p.due_date,
            headline: p.headline,
            detail: p.detail,
            under_review: p.under_review,
            has_fee_receipt: p.has_fee_receipt,
            checked_at: p.checked_at,
            offline: p.offline,
            offline_note: p.offline_note,
        }
    }
}

/// A payment that changed status in a refresh.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PaymentChange {
    /// The dossier code.
    pub code: String,
    /// Where the fee stands now.
    pub status: PaymentStatus,
    /// Where it stood before (none: first fetched).
    pub before: Option<PaymentStatus>,
}

impl From<CorePaymentChange> for PaymentChange {
    fn from(c: CorePaymentChange) -> Self {
        PaymentChange {
            code: c.code,
            status: c.status.into(),
            before: c.before.map(PaymentStatus::from),
        }
    }
}

/// What a fee e-receipt says.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FeeReceiptFields {
    /// The agency paid.
    pub agency_code: String,
    /// The dossier it was paid for.
    pub dossier_code: String,
    /// Who paid.
    pub payer: String,
    /// The amount, in đồng.
    pub amount_vnd: u64,
    /// When the portal confirmed it (RFC 3339, UTC).
    pub paid_at: String,
    /// The payment intermediary's transaction id.
    pub transaction_id: String,
    /// The payment request's reference.
    pub reference: String,
}

impl From<WireFields> for FeeReceiptFields {
    fn from(f: WireFields) -> Self {
        FeeReceiptFields {
            agency_code: f.agency_code,
            dossier_code: f.dossier_code,
            payer: f.payer,
            amount_vnd: f.amount_vnd,
            paid_at: f.paid_at.to_rfc3339(),
            transaction_id: f.transaction_id,
            reference: f.reference,
        }
    }
}

/// The answer to a scanned fee e-receipt. Key ids are 8 hex digits.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum FeeVerdict {
    /// Signed by a trusted key in its signing period.
    Valid {
        /// The signing key.
        kid: String,
        /// What it says.
        fields: FeeReceiptFields,
    },
    /// Altered.
    Tampered {
        /// The key id it claims.
        kid: String,
    },
    /// A key the trust list does not have.
    UnknownKey {
        /// The key id it claims.
        kid: String,
    },
    /// A revoked key.
    RevokedKey {
        /// The key.
        kid: String,
    },
    /// Paid outside the key's signing period.
    ExpiredKey {
        /// The key.
        kid: String,
    },
    /// Not a fee e-receipt.
    Malformed {
        /// What is wrong, in English, for logs.
        detail: String,
    },
}

impl From<WireVerdict> for FeeVerdict {
    fn from(verdict: WireVerdict) -> Self {
        match verdict {
            WireVerdict::Valid { kid, fields } => FeeVerdict::Valid {
                kid: kid.to_string(),
                fields: fields.into(),
            },
            WireVerdict::Tampered { kid } => FeeVerdict::Tampered {
                kid: kid.to_string(),
            },
            WireVerdict::UnknownKey { kid } => FeeVerdict::UnknownKey {
                kid: kid.to_string(),
            },
            WireVerdict::RevokedKey { kid } => FeeVerdict::RevokedKey {
                kid: kid.to_string(),
            },
            WireVerdict::ExpiredKey { kid } => FeeVerdict::ExpiredKey {
                kid: kid.to_string(),
            },
            WireVerdict::Malformed(problem) => FeeVerdict::Malformed {
                detail: problem.to_string(),
            },
        }
    }
}

/// A fee verdict with what to show and how current the trust list behind it is.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FeeVerification {
    /// The verdict.
    pub verdict: FeeVerdict,
    /// Whether it can be trusted.
    pub valid: bool,
    /// Machine code of the verdict (`fee_receipt_valid`, …).
    pub code: String,
    /// The verdict in the configured language.
    pub user_message: String,
    /// The sequence of the trust list used.
    pub trust_list_sequence: u64,
    /// When that list was fetched (Unix seconds).
    pub trust_list_fetched_at: i64,
}

impl FeeVerification {
    fn new(v: CoreFeeVerification, lang: Lang) -> Self {
        FeeVerification {
            valid: v.verdict.is_valid(),
            code: v.verdict.code().to_owned(),
            user_message: v.verdict.message(lang),
            verdict: v.verdict.into(),
            trust_list_sequence: v.trust_list_sequence,
            trust_list_fetched_at: v.trust_list_fetched_at,
        }
    }
}

/// One line of a slip: what it is, and its value as people write it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LabelledLine {
    /// What the line is, in the configured language (`Số tiền`).
    pub label: String,
    /// Its value (`7.000 đ`).
    pub value: String,
}

impl From<CoreLabelledLine> for LabelledLine {
    fn from(line: CoreLabelledLine) -> Self {
        LabelledLine {
            label: line.label,
            value: line.value,
        }
    }
}

/// The fee's e-receipt, to show and share.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FeeReceiptView {
    /// The receipt drawn (its text is what to share).
    pub qr: DrawnQr,
    /// The signing key.
    pub kid: String,
    /// What it says.
    pub fields: FeeReceiptFields,
    /// The amount as people write it.
    pub amount_label: String,
    /// When it was paid, as people write it.
    pub paid_at_label: String,
    /// Whether the cached trust list says it is valid (none: no list yet).
    pub valid: Option<bool>,
    /// The verdict's sentence, or that it is not checked yet.
    pub verdict_line: String,
    /// What it says, line by line, labelled, in the order to list them.
    pub lines: Vec<LabelledLine>,
}

impl From<CoreFeeReceiptView> for FeeReceiptView {
    fn from(v: CoreFeeReceiptView) -> Self {
        FeeReceiptView {
            qr: DrawnQr {
                text: v.text,
                modules: QrModules {
                    size: v.qr.modules.size,
                    dark: v.qr.modules.dark,
                },
                svg: v.qr.svg,
                png: v.qr.png,
            },
            kid: v.kid.to_string(),
            fields: v.fields.into(),
            amount_label: v.amount_label,
            paid_at_label: v.paid_at_label,
            valid: v.verdict.as_ref().map(WireVerdict::is_valid),
            verdict_line: v.verdict_line,
            lines: v.lines.into_iter().map(LabelledLine::from).collect(),
        }
    }
}

/// Fees: the payment screen of a dossier, refreshes, and the fee's e-receipt.
#[derive(uniffi::Object)]
pub struct Payments {
    pub(crate) core: Arc<motcua_core::MotCua>,
    pub(crate) lang: Lang,
    pub(crate) runtime: Handle,
}

#[uniffi::export]
impl Payments {
    /// Asks the portal for the dossier's payment request; offline, the one kept on the
    /// device (marked `offline`).
    pub async fn refresh(&self, code: String) -> Result<FeePayment, CoreException> {
        let core = self.core.clone();
        let lang = self.lang;
        run(&self.runtime, async move {
            core.payments().refresh(&code, lang).await
        })
        .await
        .map(FeePayment::from)
        .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// The dossier's payment request as kept on the device (no network).
    pub async fn payment(&self, code: String) -> Result<FeePayment, CoreException> {
        let core = self.core.clone();
        let lang = self.lang;
        run(&self.runtime, async move {
            core.payments().payment(&code, lang).await
        })
        .await
        .map(FeePayment::from)
        .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// Refreshes every fee that may have moved (each tracking sync does it too).
    pub async fn refresh_due(&self) -> Result<Vec<PaymentChange>, CoreException> {
        let core = self.core.clone();
        run(
            &self.runtime,
            async move { core.payments().refresh_due().await },
        )
        .await
        .map(|changes| changes.into_iter().map(PaymentChange::from).collect())
        .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// The fee's e-receipt of a paid dossier, from the device, drawn and verified.
    pub async fn fee_receipt(&self, code: String) -> Result<FeeReceiptView, CoreException> {
        let core = self.core.clone();
        let lang = self.lang;
        run(&self.runtime, async move {
            core.payments().fee_receipt(&code, lang).await
        })
        .await
        .map(FeeReceiptView::from)
        .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// Verifies a scanned fee e-receipt with the cached trust list, without network (the
    /// desk). A forged or altered text is a verdict, not an exception.
    pub fn verify_fee_receipt(&self, text: String) -> Result<FeeVerification, CoreException> {
        self.core
            .receipt()
            .verify_fee_receipt(&text)
            .map(|v| FeeVerification::new(v, self.lang))
            .map_err(|e| CoreException::new(&e, self.lang))
    }
}
