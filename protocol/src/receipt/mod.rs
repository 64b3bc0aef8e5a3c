//! Receipts ("Giấy tiếp nhận hồ sơ và hẹn trả kết quả") as QR codes that a desk trusts
//! without a network (docs/ARCHITECTURE.md, "Receipts").
//!
//! The shape is the EU Digital COVID Certificate's, made smaller: a tagged COSE_Sign1
//! (EdDSA over Ed25519, a 4-byte key id in the protected header, nothing unprotected)
//! over a compact CBOR [`ReceiptFields`] payload, Base45-encoded behind [`PREFIX`] so the
//! whole text is in the QR alphanumeric set. No zlib: on ~140 bytes of mostly random
//! signature and digest it adds more than it saves (the receipt benchmark measures both).
//!
//! [`verify`] answers a [`Verdict`] against a [`TrustList`] (the portal's signing keys,
//! signed by the province root key the app carries), never a bare boolean, never a panic.
//! Nothing here does I/O or reads the clock.

pub mod applicant;
mod cose;
pub mod fee;
pub mod payload;
pub mod trust;

use ring::rand::SecureRandom;
use ring::signature::{Ed25519KeyPair, KeyPair as _};

pub use applicant::{ApplicantDigest, IdNumber, NotAnIdNumber};
pub use fee::{FeeReceiptFields, FeeReceiptProblem, FeeVerdict, verify_fee_receipt};
pub use payload::{FORMAT_VERSION, PayloadProblem, ReceiptFields};
pub use trust::{RootKey, TrustList, TrustListError, TrustedKey};

use crate::i18n::{Lang, Localized};

/// What every receipt text starts with ("MotCua, version 1"); `:` is in the QR
/// alphanumeric set.
pub const PREFIX: &str = "MC1:";
/// Longest text [`verify`] looks at (a receipt is ~210 characters): bounds the work a
/// hostile QR code can cause.
pub const MAX_TEXT_LEN: usize = 2048;

/// A key id: the first 4 bytes of the SHA-256 of the Ed25519 public key. Short because it
/// rides in every QR code; the portal refuses a new key whose id collides with one it has.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub [u8; 4]);

impl KeyId {
    /// The id of `public_key`.
    pub fn of_public_key(public_key: &[u8; 32]) -> KeyId {
        let digest = ring::digest::digest(&ring::digest::SHA256, public_key);
        let mut id = [0u8; 4];
        id.copy_from_slice(&digest.as_ref()[..4]);
        KeyId(id)
    }

    /// The id in `bytes`, when they are 4.
    pub fn from_slice(bytes: &[u8]) -> Option<KeyId> {
        Some(KeyId(bytes.try_into().ok()?))
    }

    /// Reads the hexadecimal form ([`std::fmt::Display`]).
    pub fn parse_hex(text: &str) -> Option<KeyId> {
        let text = text.trim();
        if text.len() != 8 || !text.is_ascii() {
            return None;
        }
        let mut id = [0u8; 4];
        for (i, byte) in id.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(KeyId(id))
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 4] {
        &self.0
    }
}

impl std::fmt::Display for KeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for KeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyId({self})")
    }
}

/// An Ed25519 private key that signs receipts (a portal signing key) or trust lists (the
/// province root key).
pub struct SigningKey {
    pair: Ed25519KeyPair,
    kid: KeyId,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// The bytes are not an Ed25519 PKCS#8 key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not an Ed25519 PKCS#8 private key")]
pub struct BadPrivateKey;

impl SigningKey {
    /// A new key as PKCS#8 (what the portal stores).
    pub fn generate_pkcs8(rng: &dyn SecureRandom) -> Result<Vec<u8>, ring::error::Unspecified> {
        Ok(Ed25519KeyPair::generate_pkcs8(rng)?.as_ref().to_vec())
    }

    /// A new key.
    pub fn generate(rng: &dyn SecureRandom) -> Result<SigningKey, ring::error::Unspecified> {
        let pkcs8 = SigningKey::generate_pkcs8(rng)?;
        SigningKey::from_pkcs8(&pkcs8).map_err(|_| ring::error::Unspecified)
    }

    /// The key stored as PKCS#8.
    pub fn from_pkcs8(pkcs8: &[u8]) -> Result<SigningKey, BadPrivateKey> {
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8).map_err(|_| BadPrivateKey)?;
        let kid = KeyId::of_public_key(&public_bytes(&pair));
        Ok(SigningKey { pair, kid })
    }

    /// Its key id.
    pub fn kid(&self) -> KeyId {
        self.kid
    }

    /// Its public key.
    pub fn public_key(&self) -> [u8; 32] {
        public_bytes(&self.pair)
    }

    /// Its public key as a trust anchor (for a root key).
    pub fn root_key(&self) -> RootKey {
        RootKey::from_bytes(self.public_key())
    }

    pub(crate) fn pair(&self) -> &Ed25519KeyPair {
        &self.pair
    }

    /// Signs a receipt: the text to put in the QR code (`MC1:` + Base45).
    pub fn sign_receipt(&self, fields: &ReceiptFields) -> Result<String, PayloadProblem> {
        let payload = fields.to_cbor()?;
        let signed = cose::sign(payload, self.kid, &self.pair);
        Ok(format!("{PREFIX}{}", base45::encode(signed)))
    }
}

fn public_bytes(pair: &Ed25519KeyPair) -> [u8; 32] {
    let mut bytes = [0u8; 32];
    bytes.copy_from_slice(pair.public_key().as_ref());
    bytes
}

/// What is malformed in a text that is not a receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    /// Nothing was scanned.
    Empty,
    /// Longer than [`MAX_TEXT_LEN`].
    TooLong,
    /// Does not start with [`PREFIX`] (another kind of QR code).
    Prefix,
    /// Not canonical Base45 after the prefix.
    Base45,
    /// Not a tagged COSE_Sign1 with an embedded payload.
    Envelope,
    /// A signature algorithm other than EdDSA.
    Algorithm,
    /// No 4-byte key id in the protected header.
    KeyId,
    /// Headers other than the algorithm and key id, or unprotected headers.
    Headers,
    /// The signed payload is not a receipt of a version this app reads.
    Payload(PayloadProblem),
}

impl Malformed {
    /// What is malformed, for people who read English logs and `--json` output.
    pub fn detail(self) -> String {
        match self {
            Malformed::Empty => "empty".into(),
            Malformed::TooLong => format!("longer than {MAX_TEXT_LEN} characters"),
            Malformed::Prefix => format!("does not start with {PREFIX}"),
            Malformed::Base45 => "not Base45".into(),
            Malformed::Envelope => "not a COSE_Sign1".into(),
            Malformed::Algorithm => "not signed with EdDSA".into(),
            Malformed::KeyId => "no key id".into(),
            Malformed::Headers => "unexpected COSE headers".into(),
            Malformed::Payload(problem) => match problem {
                PayloadProblem::NotCbor => "payload is not CBOR".into(),
                PayloadProblem::NotAMap => "payload is not a map of integer keys".into(),
                PayloadProblem::UnknownKey => "payload has an unknown field".into(),
                PayloadProblem::DuplicateKey => "payload has a field twice".into(),
                PayloadProblem::Version => "unsupported receipt version".into(),
                PayloadProblem::Missing(field) => format!("payload lacks {field}"),
                PayloadProblem::Invalid(field) => format!("payload has an invalid {field}"),
            },
        }
    }
}

/// The answer of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Signed by a trusted key in its signing period: the fields are the portal's.
    Valid {
        /// The signing key.
        kid: KeyId,
        /// What the receipt says.
        fields: ReceiptFields,
    },
    /// A trusted key's id, but the signature does not match the content: altered.
    Tampered {
        /// The key id it claims.
        kid: KeyId,
    },
    /// Signed with a key the trust list does not have (another province, a forgery, or
    /// a list not refreshed since a new key).
    UnknownKey {
        /// The key id it claims.
        kid: KeyId,
    },
    /// Signed by a revoked key: not trusted, whatever its date.
    RevokedKey {
        /// The key.
        kid: KeyId,
    },
    /// Signed by a trusted key outside its signing period (the receipt's receiving time is
    /// before the key existed or after it was retired).
    ExpiredKey {
        /// The key.
        kid: KeyId,
    },
    /// Not a receipt.
    Malformed(Malformed),
}

impl Verdict {
    /// Whether the receipt can be trusted.
    pub fn is_valid(&self) -> bool {
        matches!(self, Verdict::Valid { .. })
    }

    /// The key id the receipt names, when it got that far.
    pub fn kid(&self) -> Option<KeyId> {
        match self {
            Verdict::Valid { kid, .. }
            | Verdict::Tampered { kid }
            | Verdict::UnknownKey { kid }
            | Verdict::RevokedKey { kid }
            | Verdict::ExpiredKey { kid } => Some(*kid),
            Verdict::Malformed(_) => None,
        }
    }
}

impl Localized for Verdict {
    fn code(&self) -> &'static str {
        match self {
            Verdict::Valid { .. } => "receipt_valid",
            Verdict::Tampered { .. } => "receipt_tampered",
            Verdict::UnknownKey { .. } => "receipt_unknown_key",
            Verdict::RevokedKey { .. } => "receipt_key_revoked",
            Verdict::ExpiredKey { .. } => "receipt_key_expired",
            Verdict::Malformed(_) => "receipt_malformed",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (vi, en) = match self {
            Verdict::Valid { .. } => (
                "Giấy tiếp nhận hợp lệ, do cổng dịch vụ công của tỉnh cấp.",
                "Valid receipt, issued by the province's public-service portal.",
            ),
            Verdict::Tampered { .. } => (
                "Giấy tiếp nhận đã bị sửa đổi: nội dung không khớp chữ ký. Không chấp nhận.",
                "The receipt was altered: its content does not match its signature. Do not accept it.",
            ),
            Verdict::UnknownKey { .. } => (
                "Giấy tiếp nhận được ký bằng khóa không có trong danh sách tin cậy. Hãy cập nhật danh sách khóa khi có mạng rồi quét lại.",
                "The receipt is signed with a key that is not on the trust list. Update the key list when online and scan again.",
            ),
            Verdict::RevokedKey { .. } => (
                "Khóa ký giấy tiếp nhận này đã bị thu hồi. Không chấp nhận; hãy tra cứu hồ sơ trên cổng.",
                "The key that signed this receipt was revoked. Do not accept it; look the dossier up on the portal.",
            ),
            Verdict::ExpiredKey { .. } => (
                "Giấy tiếp nhận được ký bằng khóa ngoài thời hạn sử dụng. Không chấp nhận.",
                "The receipt is signed with a key outside its period of use. Do not accept it.",
            ),
            Verdict::Malformed(Malformed::Prefix) => (
                "Mã QR này không phải giấy tiếp nhận hồ sơ.",
                "This QR code is not a dossier receipt.",
            ),
            Verdict::Malformed(Malformed::Empty) => (
                "Không có nội dung để kiểm tra.",
                "There is nothing to verify.",
            ),
            Verdict::Malformed(_) => (
                "Mã QR giấy tiếp nhận bị hỏng hoặc không đọc được.",
                "The receipt QR code is damaged or cannot be read.",
            ),
        };
        match lang {
            Lang::Vi => vi.into(),
            Lang::En => en.into(),
        }
    }
}

/// Reads a receipt WITHOUT checking its signature: for showing the citizen's own receipt,
/// which came from the portal over an authenticated channel, before any trust list is
/// cached. Never use it to decide whether to trust a scanned receipt: that is [`verify`].
pub fn read_unverified(text: &str) -> Result<(KeyId, ReceiptFields), Malformed> {
    let envelope = envelope_of(text)?;
    let fields = ReceiptFields::from_cbor(envelope.payload()).map_err(Malformed::Payload)?;
    Ok((envelope.kid(), fields))
}

fn envelope_of(text: &str) -> Result<cose::Envelope, Malformed> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Malformed::Empty);
    }
    if text.len() > MAX_TEXT_LEN {
        return Err(Malformed::TooLong);
    }
    let encoded = text.strip_prefix(PREFIX).ok_or(Malformed::Prefix)?;
    let bytes = base45::decode(encoded).map_err(|_| Malformed::Base45)?;
    // The decoder accepts some non-canonical texts (a final pair above 255 wraps); one
    // receipt has exactly one text.
    if base45::encode(&bytes) != encoded {
        return Err(Malformed::Base45);
    }
    cose::Envelope::parse(&bytes).map_err(|problem| match problem {
        cose::EnvelopeProblem::NotCoseSign1 | cose::EnvelopeProblem::NoPayload => {
            Malformed::Envelope
        }
        cose::EnvelopeProblem::Algorithm => Malformed::Algorithm,
        cose::EnvelopeProblem::KeyId => Malformed::KeyId,
        cose::EnvelopeProblem::Headers => Malformed::Headers,
    })
}

/// How far ahead of the verifier's clock a receipt's receiving time may be: clocks of
/// desk PCs and portals drift, but no key can have signed a receipt at a time that has
/// not come yet. A receipt from beyond it is outside any key's period of use so far
/// ([`Verdict::ExpiredKey`]): a signing key in the wrong hands, or a portal whose clock
/// is wrong.
pub const MAX_FUTURE_SKEW: chrono::Duration = chrono::Duration::hours(1);

/// Verifies a scanned receipt text against a trust list, now. Surrounding whitespace is
/// ignored (scanners add line ends); everything else must be exact.
pub fn verify(text: &str, trust: &TrustList) -> Verdict {
    verify_at(text, trust, chrono::Utc::now())
}

/// [`verify`] at the time `now` (of the verifier's clock).
pub fn verify_at(text: &str, trust: &TrustList, now: chrono::DateTime<chrono::Utc>) -> Verdict {
    match open(text, trust, now) {
        Ok(verdict) | Err(verdict) => verdict,
    }
}

fn open(
    text: &str,
    trust: &TrustList,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Verdict, Verdict> {
    let envelope = envelope_of(text).map_err(Verdict::Malformed)?;
    let kid = envelope.kid();
    let key = trust.key(kid).ok_or(Verdict::UnknownKey { kid })?;
    if !envelope.signed_by(&key.public_key) {
        return Err(Verdict::Tampered { kid });
    }
    if key.revoked_at.is_some() {
        return Err(Verdict::RevokedKey { kid });
    }
    let fields = ReceiptFields::from_cbor(envelope.payload())
        .map_err(|problem| Verdict::Malformed(Malformed::Payload(problem)))?;
    if !key.covers(fields.received_at) || fields.received_at > now + MAX_FUTURE_SKEW {
        return Err(Verdict::ExpiredKey { kid });
    }
    Ok(Verdict::Valid { kid, fields })
}

#[cfg(test)]
mod tests;
