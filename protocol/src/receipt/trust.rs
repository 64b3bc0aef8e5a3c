//! The trust list: the portal's receipt-signing keys, with the period each may sign in and
//! whether it was revoked, signed by the province's root key. The root public key is part
//! of the app's branding; the list is fetched when there is a network and cached, so a
//! desk verifies with none.
//!
//! The list is a tagged COSE_Sign1 like a receipt (EdDSA, root key id in the protected
//! header) over a CBOR map:
//!
//! ```text
//! { 1: 1,                        format version
//!   2: 7,                        sequence: grows with every change; a client never goes back
//!   3: 1771212345,               issued at, Unix seconds
//!   4: [ { 1: h'kid', 2: h'public key (32)', 3: not before, ? 4: not after,
//!          ? 5: revoked at }, … ] }
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use ciborium::value::{Integer, Value};

use super::cose::{self, Envelope};
use super::{KeyId, SigningKey};
use crate::i18n::{Lang, Localized};

/// The trust list format this code writes and reads.
pub const TRUST_LIST_VERSION: u64 = 1;
/// Most keys in a list (a province rotates a few times a year).
pub const MAX_KEYS: usize = 256;
/// Largest signed list accepted, in bytes.
pub const MAX_TRUST_LIST_BYTES: usize = 64 * 1024;
/// How a root public key is written in configuration: this prefix, then the 32 bytes in
/// base64url without padding.
pub const ROOT_KEY_PREFIX: &str = "ed25519:";

/// The province's root public key (Ed25519), the trust anchor of receipts.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RootKey([u8; 32]);

impl RootKey {
    /// The root key with these public bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> RootKey {
        RootKey(bytes)
    }

    /// Reads `ed25519:<base64url>`.
    pub fn parse(text: &str) -> Option<RootKey> {
        let encoded = text.trim().strip_prefix(ROOT_KEY_PREFIX)?;
        let bytes = URL_SAFE_NO_PAD.decode(encoded).ok()?;
        Some(RootKey(bytes.try_into().ok()?))
    }

    /// The key id lists signed by this key carry.
    pub fn kid(&self) -> KeyId {
        KeyId::of_public_key(&self.0)
    }
}

impl std::fmt::Display for RootKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{ROOT_KEY_PREFIX}{}", URL_SAFE_NO_PAD.encode(self.0))
    }
}

impl std::fmt::Debug for RootKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RootKey({self})")
    }
}

/// One receipt-signing key of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedKey {
    /// Its key id ([`KeyId::of_public_key`] of the public key).
    pub kid: KeyId,
    /// The Ed25519 public key.
    pub public_key: [u8; 32],
    /// Receipts it signed are valid from this time of receiving on.
    pub not_before: DateTime<Utc>,
    /// When it stopped signing (rotation): receipts received later are not its. `None`
    /// while it is the active key.
    pub not_after: Option<DateTime<Utc>>,
    /// When it was revoked (compromise, loss): nothing it signed is trusted any more,
    /// whatever the date, because a thief can write any date.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl TrustedKey {
    /// Whether a receipt received at `at` falls in the key's signing period.
    pub fn covers(&self, at: DateTime<Utc>) -> bool {
        at >= self.not_before && self.not_after.is_none_or(|end| at <= end)
    }
}

/// The list of receipt-signing keys, as the root key signed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustList {
    /// Grows with every change; a client refuses a list older than the one it has, so a
    /// revocation cannot be undone by replaying an old list.
    pub sequence: u64,
    /// When the portal signed it.
    pub issued_at: DateTime<Utc>,
    /// The keys, revoked ones included (so their receipts are reported as revoked, not
    /// unknown).
    pub keys: Vec<TrustedKey>,
}

/// Why a signed trust list was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustListError {
    /// Not a signed list in this format (what is wrong).
    #[error("the trust list is malformed: {0}")]
    Malformed(&'static str),
    /// Signed by another root key than the app's (another province, or a forgery).
    #[error("the trust list is signed by another root key ({0})")]
    WrongRoot(KeyId),
    /// The signature does not verify.
    #[error("the trust list signature does not verify")]
    BadSignature,
    /// Older than the list already held (a replay).
    #[error("the trust list is older ({received}) than the one held ({held})")]
    Rollback {
        /// The sequence received.
        received: u64,
        /// The sequence held.
        held: u64,
    },
}

impl Localized for TrustListError {
    fn code(&self) -> &'static str {
        match self {
            TrustListError::Malformed(_) => "trust_list_malformed",
            TrustListError::WrongRoot(_) => "trust_list_wrong_root",
            TrustListError::BadSignature => "trust_list_bad_signature",
            TrustListError::Rollback { .. } => "trust_list_rollback",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (vi, en) = match self {
            TrustListError::Malformed(_) => (
                "Danh sách khóa ký giấy tiếp nhận không đúng định dạng.",
                "The list of receipt-signing keys is malformed.",
            ),
            TrustListError::WrongRoot(_) => (
                "Danh sách khóa ký không phải của tỉnh này.",
                "The list of signing keys is not this province's.",
            ),
            TrustListError::BadSignature => (
                "Chữ ký của danh sách khóa ký không hợp lệ.",
                "The signature of the list of signing keys is not valid.",
            ),
            TrustListError::Rollback { .. } => (
                "Danh sách khóa ký nhận được cũ hơn danh sách đang có; giữ danh sách hiện tại.",
                "The list of signing keys received is older than the one held; keeping it.",
            ),
        };
        match lang {
            Lang::Vi => vi.into(),
            Lang::En => en.into(),
        }
    }
}

fn int(value: u64) -> Value {
    Value::Integer(Integer::from(value))
}

fn seconds(at: DateTime<Utc>) -> Value {
    int(u64::try_from(at.timestamp()).unwrap_or(0))
}

fn entries(value: Value, what: &'static str) -> Result<Vec<(u64, Value)>, TrustListError> {
    let Value::Map(entries) = value else {
        return Err(TrustListError::Malformed(what));
    };
    let mut out: Vec<(u64, Value)> = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        let key = key
            .as_integer()
            .and_then(|k| u64::try_from(k).ok())
            .ok_or(TrustListError::Malformed(what))?;
        if out.iter().any(|(k, _)| *k == key) {
            return Err(TrustListError::Malformed(what));
        }
        out.push((key, value));
    }
    Ok(out)
}

fn take(entries: &mut Vec<(u64, Value)>, key: u64) -> Option<Value> {
    let index = entries.iter().position(|(k, _)| *k == key)?;
    Some(entries.swap_remove(index).1)
}

fn time_of(value: Option<Value>, what: &'static str) -> Result<DateTime<Utc>, TrustListError> {
    value
        .and_then(|v| v.as_integer())
        .and_then(|n| i64::try_from(n).ok())
        .filter(|secs| *secs >= 0)
        .and_then(|secs| DateTime::from_timestamp(secs, 0))
        .ok_or(TrustListError::Malformed(what))
}

fn key_of(value: Value) -> Result<TrustedKey, TrustListError> {
    const WHAT: &str = "key entry";
    let mut fields = entries(value, WHAT)?;
    let bytes = |value: Option<Value>| match value {
        Some(Value::Bytes(bytes)) => Ok(bytes),
        _ => Err(TrustListError::Malformed(WHAT)),
    };
    let kid = KeyId::from_slice(&bytes(take(&mut fields, 1))?)
        .ok_or(TrustListError::Malformed("key id"))?;
    let public_key: [u8; 32] = bytes(take(&mut fields, 2))?
        .try_into()
        .map_err(|_| TrustListError::Malformed("public key"))?;
    if KeyId::of_public_key(&public_key) != kid {
        return Err(TrustListError::Malformed("key id does not match its key"));
    }
    let not_before = time_of(take(&mut fields, 3), WHAT)?;
    let not_after = match take(&mut fields, 4) {
        None => None,
        value => Some(time_of(value, WHAT)?),
    };
    let revoked_at = match take(&mut fields, 5) {
        None => None,
        value => Some(time_of(value, WHAT)?),
    };
    if !fields.is_empty() {
        return Err(TrustListError::Malformed("unknown key entry field"));
    }
    Ok(TrustedKey {
        kid,
        public_key,
        not_before,
        not_after,
        revoked_at,
    })
}

impl TrustList {
    /// The key with `kid`.
    pub fn key(&self, kid: KeyId) -> Option<&TrustedKey> {
        self.keys.iter().find(|key| key.kid == kid)
    }

    /// The list as the root key signs it: a tagged COSE_Sign1.
    pub fn sign(&self, root: &SigningKey) -> Vec<u8> {
        let keys = self
            .keys
            .iter()
            .map(|key| {
                let mut map = vec![
                    (int(1), Value::Bytes(key.kid.as_bytes().to_vec())),
                    (int(2), Value::Bytes(key.public_key.to_vec())),
                    (int(3), seconds(key.not_before)),
                ];
                if let Some(end) = key.not_after {
                    map.push((int(4), seconds(end)));
                }
                if let Some(revoked) = key.revoked_at {
                    map.push((int(5), seconds(revoked)));
                }
                Value::Map(map)
            })
            .collect();
        let payload = Value::Map(vec![
            (int(1), int(TRUST_LIST_VERSION)),
            (int(2), int(self.sequence)),
            (int(3), seconds(self.issued_at)),
            (int(4), Value::Array(keys)),
        ]);
        let mut bytes = Vec::new();
        // Writing a `Value` into a `Vec` cannot fail.
        let _ = ciborium::into_writer(&payload, &mut bytes);
        cose::sign(bytes, root.kid(), root.pair())
    }

    /// Verifies a signed list against the app's root key and reads it.
    pub fn open(bytes: &[u8], root: &RootKey) -> Result<TrustList, TrustListError> {
        if bytes.len() > MAX_TRUST_LIST_BYTES {
            return Err(TrustListError::Malformed("too large"));
        }
        let envelope =
            Envelope::parse(bytes).map_err(|_| TrustListError::Malformed("not a COSE_Sign1"))?;
        if envelope.kid() != root.kid() {
            return Err(TrustListError::WrongRoot(envelope.kid()));
        }
        if !envelope.signed_by(&root.0) {
            return Err(TrustListError::BadSignature);
        }
        let mut payload = envelope.payload();
        let value: Value = ciborium::from_reader(&mut payload)
            .map_err(|_| TrustListError::Malformed("payload is not CBOR"))?;
        if !payload.is_empty() {
            return Err(TrustListError::Malformed("bytes after the payload"));
        }
        let mut fields = entries(value, "payload")?;
        let version = take(&mut fields, 1).and_then(|v| v.as_integer());
        if version.and_then(|v| u64::try_from(v).ok()) != Some(TRUST_LIST_VERSION) {
            return Err(TrustListError::Malformed("version"));
        }
        let sequence = take(&mut fields, 2)
            .and_then(|v| v.as_integer())
            .and_then(|v| u64::try_from(v).ok())
            .ok_or(TrustListError::Malformed("sequence"))?;
        let issued_at = time_of(take(&mut fields, 3), "issued at")?;
        let Some(Value::Array(list)) = take(&mut fields, 4) else {
            return Err(TrustListError::Malformed("keys"));
        };
        if !fields.is_empty() {
            return Err(TrustListError::Malformed("unknown field"));
        }
        if list.len() > MAX_KEYS {
            return Err(TrustListError::Malformed("too many keys"));
        }
        let mut keys: Vec<TrustedKey> = Vec::with_capacity(list.len());
        for value in list {
            let key = key_of(value)?;
            if keys.iter().any(|k| k.kid == key.kid) {
                return Err(TrustListError::Malformed("a key id twice"));
            }
            keys.push(key);
        }
        Ok(TrustList {
            sequence,
            issued_at,
            keys,
        })
    }

    /// Refuses `received` when it is older than `self` (the list held); an equal sequence
    /// is accepted (the same list fetched again).
    pub fn check_newer(&self, received: &TrustList) -> Result<(), TrustListError> {
        if received.sequence < self.sequence {
            return Err(TrustListError::Rollback {
                received: received.sequence,
                held: self.sequence,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(secs, 0).unwrap()
    }

    fn key(signer: &SigningKey) -> TrustedKey {
        TrustedKey {
            kid: signer.kid(),
            public_key: signer.public_key(),
            not_before: at(1_000),
            not_after: Some(at(2_000)),
            revoked_at: Some(at(3_000)),
        }
    }

    #[test]
    fn a_list_round_trips_under_its_root_only() {
        let rng = SystemRandom::new();
        let root = SigningKey::generate(&rng).unwrap();
        let signer = SigningKey::generate(&rng).unwrap();
        let mut active = key(&SigningKey::generate(&rng).unwrap());
        active.not_after = None;
        active.revoked_at = None;
        let list = TrustList {
            sequence: 3,
            issued_at: at(5_000),
            keys: vec![key(&signer), active],
        };
        let bytes = list.sign(&root);
        let root_key = root.root_key();
        assert_eq!(TrustList::open(&bytes, &root_key).unwrap(), list);
        assert_eq!(RootKey::parse(&root_key.to_string()), Some(root_key));

        let stranger = SigningKey::generate(&rng).unwrap().root_key();
        assert_eq!(
            TrustList::open(&bytes, &stranger),
            Err(TrustListError::WrongRoot(root.kid()))
        );
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert_eq!(
            TrustList::open(&flipped, &root_key),
            Err(TrustListError::BadSignature)
        );
        assert!(matches!(
            TrustList::open(b"junk", &root_key),
            Err(TrustListError::Malformed(_))
        ));
    }

    #[test]
    fn an_older_list_is_a_rollback() {
        let held = TrustList {
            sequence: 5,
            issued_at: at(0),
            keys: vec![],
        };
        let mut older = held.clone();
        older.sequence = 4;
        assert_eq!(
            held.check_newer(&older),
            Err(TrustListError::Rollback {
                received: 4,
                held: 5
            })
        );
        assert!(held.check_newer(&held).is_ok());
    }

    #[test]
    fn a_key_whose_id_is_not_its_own_is_refused() {
        let rng = SystemRandom::new();
        let root = SigningKey::generate(&rng).unwrap();
        let mut wrong = key(&SigningKey::generate(&rng).unwrap());
        wrong.kid = KeyId([0; 4]);
        let bytes = TrustList {
            sequence: 1,
            issued_at: at(0),
            keys: vec![wrong],
        }
        .sign(&root);
        assert_eq!(
            TrustList::open(&bytes, &root.root_key()),
            Err(TrustListError::Malformed("key id does not match its key"))
        );
    }

    #[test]
    fn root_keys_parse_strictly() {
        assert_eq!(RootKey::parse("ed25519:"), None);
        assert_eq!(RootKey::parse("x25519:AAAA"), None);
        assert_eq!(RootKey::parse(&format!("ed25519:{}", "A".repeat(42))), None);
        let key = RootKey::from_bytes([7; 32]);
        assert_eq!(RootKey::parse(&format!(" {key} \n")), Some(key));
    }

    #[test]
    fn signing_periods_are_inclusive() {
        let mut k = key(&SigningKey::generate(&SystemRandom::new()).unwrap());
        assert!(!k.covers(at(999)));
        assert!(k.covers(at(1_000)));
        assert!(k.covers(at(2_000)));
        assert!(!k.covers(at(2_001)));
        k.not_after = None;
        assert!(k.covers(at(i64::from(u32::MAX))));
    }
}
