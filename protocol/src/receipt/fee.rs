//! The fee's e-receipt (biên lai điện tử): what the portal signs when a fee is paid, read
//! and verified offline like a dossier receipt, against the same trust list
//! (docs/ARCHITECTURE.md, "Payments").
//!
//! The same envelope as a dossier receipt (a tagged COSE_Sign1, EdDSA, the 4-byte key id
//! protected), Base45 behind [`FEE_PREFIX`]. The payload is a CBOR map whose key 0 is the
//! text `"fee"`: a dossier receipt's reader refuses key 0 and this reader requires it, so
//! neither kind is ever taken for the other, even signed by the same key.
//!
//! ```text
//! { 0: "fee", 1: 1,            kind, format version
//!   2: "000.00.14.H56",        the agency paid (QCVN 102:2016 electronic code)
//!   3: "000.00.14.H56-…",      dossier code
//!   4: "Trần Văn Bình",        payer
//!   5: 7000,                   amount, đồng
//!   6: 1771212345,             paid at, Unix seconds (the portal's confirmation)
//!   7: "FT25337…",             the intermediary's transaction id
//!   8: "MCABCD12345" }         the payment reference of the request
//! ```

use chrono::{DateTime, Utc};
use ciborium::value::{Integer, Value};

use super::cose;
use super::{KeyId, MAX_FUTURE_SKEW, MAX_TEXT_LEN, SigningKey, TrustList};
use crate::i18n::{Lang, Localized};

/// What every fee receipt text starts with ("MotCua fee, version 1").
pub const FEE_PREFIX: &str = "MCF1:";
/// The payload's format version.
pub const FEE_FORMAT_VERSION: u64 = 1;
/// Longest text field carried, in bytes.
pub const MAX_FIELD_LEN: usize = 128;

const KIND: &str = "fee";

/// What a fee receipt says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeReceiptFields {
    /// The agency the fee was paid to (its electronic code).
    pub agency_code: String,
    /// The dossier it was paid for.
    pub dossier_code: String,
    /// Who paid (the applicant's name as the portal knows it).
    pub payer: String,
    /// The amount credited, in đồng.
    pub amount_vnd: u64,
    /// When the portal confirmed the payment (whole seconds).
    pub paid_at: DateTime<Utc>,
    /// The payment intermediary's transaction id.
    pub transaction_id: String,
    /// The payment request's reference (the transfer's purpose).
    pub reference: String,
}

/// Why a fee receipt cannot be written or read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FeeReceiptProblem {
    /// Nothing, or more than [`MAX_TEXT_LEN`] characters.
    #[error("empty or oversized text")]
    Size,
    /// Does not start with [`FEE_PREFIX`].
    #[error("does not start with {FEE_PREFIX}")]
    Prefix,
    /// Not canonical Base45.
    #[error("not Base45")]
    Base45,
    /// Not our COSE_Sign1 envelope.
    #[error("not a COSE_Sign1 of this format")]
    Envelope,
    /// The payload is not a fee receipt of this version.
    #[error("the payload is not a fee receipt: {0}")]
    Payload(&'static str),
}

fn int(value: u64) -> Value {
    Value::Integer(Integer::from(value))
}

fn text_ok(text: &str) -> bool {
    !text.is_empty() && text.len() <= MAX_FIELD_LEN && !text.chars().any(char::is_control)
}

impl FeeReceiptFields {
    /// The CBOR payload.
    pub fn to_cbor(&self) -> Result<Vec<u8>, FeeReceiptProblem> {
        for (field, text) in [
            ("agency_code", &self.agency_code),
            ("dossier_code", &self.dossier_code),
            ("payer", &self.payer),
            ("transaction_id", &self.transaction_id),
            ("reference", &self.reference),
        ] {
            if !text_ok(text) {
                return Err(FeeReceiptProblem::Payload(field));
            }
        }
        let paid_at = u64::try_from(self.paid_at.timestamp())
            .map_err(|_| FeeReceiptProblem::Payload("paid_at"))?;
        let map = vec![
            (int(0), Value::Text(KIND.into())),
            (int(1), int(FEE_FORMAT_VERSION)),
            (int(2), Value::Text(self.agency_code.clone())),
            (int(3), Value::Text(self.dossier_code.clone())),
            (int(4), Value::Text(self.payer.clone())),
            (int(5), int(self.amount_vnd)),
            (int(6), int(paid_at)),
            (int(7), Value::Text(self.transaction_id.clone())),
            (int(8), Value::Text(self.reference.clone())),
        ];
        let mut bytes = Vec::with_capacity(128);
        ciborium::into_writer(&Value::Map(map), &mut bytes)
            .map_err(|_| FeeReceiptProblem::Payload("cbor"))?;
        Ok(bytes)
    }

    /// Reads a payload strictly: every key 0–8 once, nothing else, the right types.
    pub fn from_cbor(mut bytes: &[u8]) -> Result<FeeReceiptFields, FeeReceiptProblem> {
        let bad = FeeReceiptProblem::Payload;
        let value: Value = ciborium::from_reader(&mut bytes).map_err(|_| bad("cbor"))?;
        if !bytes.is_empty() {
            return Err(bad("cbor"));
        }
        let Value::Map(entries) = value else {
            return Err(bad("map"));
        };
        let mut slots: [Option<Value>; 9] = Default::default();
        for (key, value) in entries {
            let slot = key
                .as_integer()
                .and_then(|k| usize::try_from(k).ok())
                .filter(|k| *k < slots.len())
                .ok_or(bad("key"))?;
            if slots[slot].replace(value).is_some() {
                return Err(bad("key"));
            }
        }
        let mut take = |key: usize, field: &'static str| slots[key].take().ok_or(bad(field));
        let text = |value: Value, field: &'static str| match value {
            Value::Text(text) if text_ok(&text) => Ok(text),
            _ => Err(bad(field)),
        };
        let uint = |value: Value, field: &'static str| {
            value
                .as_integer()
                .and_then(|n| u64::try_from(n).ok())
                .ok_or(bad(field))
        };
        if text(take(0, "kind")?, "kind")? != KIND {
            return Err(bad("kind"));
        }
        if uint(take(1, "version")?, "version")? != FEE_FORMAT_VERSION {
            return Err(bad("version"));
        }
        Ok(FeeReceiptFields {
            agency_code: text(take(2, "agency_code")?, "agency_code")?,
            dossier_code: text(take(3, "dossier_code")?, "dossier_code")?,
            payer: text(take(4, "payer")?, "payer")?,
            amount_vnd: uint(take(5, "amount_vnd")?, "amount_vnd")?,
            paid_at: i64::try_from(uint(take(6, "paid_at")?, "paid_at")?)
                .ok()
                .and_then(|secs| DateTime::from_timestamp(secs, 0))
                .ok_or(bad("paid_at"))?,
            transaction_id: text(take(7, "transaction_id")?, "transaction_id")?,
            reference: text(take(8, "reference")?, "reference")?,
        })
    }
}

impl SigningKey {
    /// Signs a fee receipt: the text to show, share or put in a QR code (`MCF1:` + Base45).
    pub fn sign_fee_receipt(&self, fields: &FeeReceiptFields) -> Result<String, FeeReceiptProblem> {
        let payload = fields.to_cbor()?;
        let signed = cose::sign(payload, self.kid(), self.pair());
        Ok(format!("{FEE_PREFIX}{}", base45::encode(signed)))
    }
}

/// The answer of [`verify_fee_receipt`]: the same outcomes as a dossier receipt's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeeVerdict {
    /// Signed by a trusted key in its signing period.
    Valid {
        /// The signing key.
        kid: KeyId,
        /// What the receipt says.
        fields: FeeReceiptFields,
    },
    /// The signature does not match the content: altered.
    Tampered {
        /// The key id it claims.
        kid: KeyId,
    },
    /// A key the trust list does not have.
    UnknownKey {
        /// The key id it claims.
        kid: KeyId,
    },
    /// A revoked key.
    RevokedKey {
        /// The key.
        kid: KeyId,
    },
    /// Paid at a time outside the key's signing period (or ahead of the clock).
    ExpiredKey {
        /// The key.
        kid: KeyId,
    },
    /// Not a fee receipt.
    Malformed(FeeReceiptProblem),
}

impl FeeVerdict {
    /// Whether the receipt can be trusted.
    pub fn is_valid(&self) -> bool {
        matches!(self, FeeVerdict::Valid { .. })
    }
}

impl Localized for FeeVerdict {
    fn code(&self) -> &'static str {
        match self {
            FeeVerdict::Valid { .. } => "fee_receipt_valid",
            FeeVerdict::Tampered { .. } => "fee_receipt_tampered",
            FeeVerdict::UnknownKey { .. } => "fee_receipt_unknown_key",
            FeeVerdict::RevokedKey { .. } => "fee_receipt_key_revoked",
            FeeVerdict::ExpiredKey { .. } => "fee_receipt_key_expired",
            FeeVerdict::Malformed(_) => "fee_receipt_malformed",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (vi, en) = match self {
            FeeVerdict::Valid { .. } => (
                "Biên lai điện tử hợp lệ, do cổng dịch vụ công của tỉnh cấp.",
                "Valid e-receipt, issued by the province's public-service portal.",
            ),
            FeeVerdict::Tampered { .. } => (
                "Biên lai đã bị sửa đổi: nội dung không khớp chữ ký. Không chấp nhận.",
                "The e-receipt was altered: its content does not match its signature. Do not accept it.",
            ),
            FeeVerdict::UnknownKey { .. } => (
                "Biên lai được ký bằng khóa không có trong danh sách tin cậy. Hãy cập nhật danh sách khóa khi có mạng rồi kiểm tra lại.",
                "The e-receipt is signed with a key that is not on the trust list. Update the key list when online and check again.",
            ),
            FeeVerdict::RevokedKey { .. } => (
                "Khóa ký biên lai này đã bị thu hồi. Không chấp nhận.",
                "The key that signed this e-receipt was revoked. Do not accept it.",
            ),
            FeeVerdict::ExpiredKey { .. } => (
                "Biên lai được ký bằng khóa ngoài thời hạn sử dụng. Không chấp nhận.",
                "The e-receipt is signed with a key outside its period of use. Do not accept it.",
            ),
            FeeVerdict::Malformed(FeeReceiptProblem::Prefix) => (
                "Đây không phải biên lai điện tử nộp phí, lệ phí.",
                "This is not a fee e-receipt.",
            ),
            FeeVerdict::Malformed(_) => (
                "Biên lai điện tử bị hỏng hoặc không đọc được.",
                "The e-receipt is damaged or cannot be read.",
            ),
        };
        match lang {
            Lang::Vi => vi.into(),
            Lang::En => en.into(),
        }
    }
}

fn envelope_of(text: &str) -> Result<cose::Envelope, FeeReceiptProblem> {
    let text = text.trim();
    if text.is_empty() || text.len() > MAX_TEXT_LEN {
        return Err(FeeReceiptProblem::Size);
    }
    let encoded = text
        .strip_prefix(FEE_PREFIX)
        .ok_or(FeeReceiptProblem::Prefix)?;
    let bytes = base45::decode(encoded).map_err(|_| FeeReceiptProblem::Base45)?;
    if base45::encode(&bytes) != encoded {
        return Err(FeeReceiptProblem::Base45);
    }
    cose::Envelope::parse(&bytes).map_err(|_| FeeReceiptProblem::Envelope)
}

/// Reads a fee receipt WITHOUT checking its signature: for showing the citizen's own,
/// received from the portal over an authenticated channel. To trust one, [`verify_fee_receipt`].
pub fn read_fee_receipt_unverified(
    text: &str,
) -> Result<(KeyId, FeeReceiptFields), FeeReceiptProblem> {
    let envelope = envelope_of(text)?;
    Ok((
        envelope.kid(),
        FeeReceiptFields::from_cbor(envelope.payload())?,
    ))
}

/// Verifies a fee receipt against a trust list at the verifier's time `now`.
pub fn verify_fee_receipt(text: &str, trust: &TrustList, now: DateTime<Utc>) -> FeeVerdict {
    let envelope = match envelope_of(text) {
        Ok(envelope) => envelope,
        Err(problem) => return FeeVerdict::Malformed(problem),
    };
    let kid = envelope.kid();
    let Some(key) = trust.key(kid) else {
        return FeeVerdict::UnknownKey { kid };
    };
    if !envelope.signed_by(&key.public_key) {
        return FeeVerdict::Tampered { kid };
    }
    if key.revoked_at.is_some() {
        return FeeVerdict::RevokedKey { kid };
    }
    let fields = match FeeReceiptFields::from_cbor(envelope.payload()) {
        Ok(fields) => fields,
        Err(problem) => return FeeVerdict::Malformed(problem),
    };
    if !key.covers(fields.paid_at) || fields.paid_at > now + MAX_FUTURE_SKEW {
        return FeeVerdict::ExpiredKey { kid };
    }
    FeeVerdict::Valid { kid, fields }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receipt::{ReceiptFields, TrustedKey, Verdict, verify_at};
    use ring::rand::SystemRandom;

    fn fields() -> FeeReceiptFields {
        FeeReceiptFields {
            agency_code: "000.00.14.H56".into(),
            dossier_code: "000.00.14.H56-260216-0001".into(),
            payer: "Trần Văn Bình".into(),
            amount_vnd: 7_000,
            paid_at: DateTime::from_timestamp(1_771_212_345, 0).unwrap(),
            transaction_id: "FT26047123456".into(),
            reference: "MCABCD2345X".into(),
        }
    }

    fn trust_of(key: &SigningKey, revoked_at: Option<DateTime<Utc>>) -> TrustList {
        TrustList {
            sequence: 1,
            issued_at: DateTime::from_timestamp(1_771_000_000, 0).unwrap(),
            keys: vec![TrustedKey {
                kid: key.kid(),
                public_key: key.public_key(),
                not_before: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
                not_after: None,
                revoked_at,
            }],
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_771_300_000, 0).unwrap()
    }

    #[test]
    fn a_signed_fee_receipt_verifies_offline_and_reads_back() {
        let key = SigningKey::generate(&SystemRandom::new()).unwrap();
        let text = key.sign_fee_receipt(&fields()).unwrap();
        assert!(text.starts_with(FEE_PREFIX));
        let verdict = verify_fee_receipt(&text, &trust_of(&key, None), now());
        assert_eq!(
            verdict,
            FeeVerdict::Valid {
                kid: key.kid(),
                fields: fields()
            }
        );
        assert_eq!(read_fee_receipt_unverified(&text).unwrap().1, fields());
        assert_eq!(verdict.code(), "fee_receipt_valid");
    }

    #[test]
    fn altered_unknown_revoked_and_future_receipts_are_refused() {
        let key = SigningKey::generate(&SystemRandom::new()).unwrap();
        let text = key.sign_fee_receipt(&fields()).unwrap();
        let mut altered_fields = fields();
        altered_fields.amount_vnd = 70_000;
        let other = SigningKey::generate(&SystemRandom::new()).unwrap();
        // The same kid, another key's signature: a forgery that names a trusted key.
        let forged = {
            let payload = altered_fields.to_cbor().unwrap();
            let signed = cose::sign(payload, key.kid(), other.pair());
            format!("{FEE_PREFIX}{}", base45::encode(signed))
        };
        let trust = trust_of(&key, None);
        assert_eq!(
            verify_fee_receipt(&forged, &trust, now()),
            FeeVerdict::Tampered { kid: key.kid() }
        );
        let stranger = other.sign_fee_receipt(&fields()).unwrap();
        assert_eq!(
            verify_fee_receipt(&stranger, &trust, now()),
            FeeVerdict::UnknownKey { kid: other.kid() }
        );
        let revoked = trust_of(&key, Some(now()));
        assert_eq!(
            verify_fee_receipt(&text, &revoked, now()),
            FeeVerdict::RevokedKey { kid: key.kid() }
        );
        let early = DateTime::from_timestamp(1_771_000_000, 0).unwrap();
        assert_eq!(
            verify_fee_receipt(&text, &trust, early),
            FeeVerdict::ExpiredKey { kid: key.kid() }
        );
        assert_eq!(
            verify_fee_receipt("hello", &trust, now()),
            FeeVerdict::Malformed(FeeReceiptProblem::Prefix)
        );
    }

    #[test]
    fn a_fee_receipt_is_never_a_dossier_receipt_and_the_other_way_round() {
        let key = SigningKey::generate(&SystemRandom::new()).unwrap();
        let trust = trust_of(&key, None);
        let fee = key.sign_fee_receipt(&fields()).unwrap();
        let as_dossier = fee.replacen(FEE_PREFIX, crate::receipt::PREFIX, 1);
        assert!(matches!(
            verify_at(&as_dossier, &trust, now()),
            Verdict::Malformed(_)
        ));
        let dossier = key
            .sign_receipt(&ReceiptFields {
                dossier_code: "000.00.14.H56-260216-0001".into(),
                procedure_code: "1.004194".into(),
                agency_code: "000.00.14.H56".into(),
                received_at: DateTime::from_timestamp(1_771_212_345, 0).unwrap(),
                appointment_date: None,
                applicant: None,
            })
            .unwrap();
        let as_fee = dossier.replacen(crate::receipt::PREFIX, FEE_PREFIX, 1);
        assert_eq!(
            verify_fee_receipt(&as_fee, &trust, now()),
            FeeVerdict::Malformed(FeeReceiptProblem::Payload("kind"))
        );
    }
}
