//! The COSE_Sign1 envelope shared by receipts and the trust list: EdDSA over Ed25519, the
//! key id in the protected header, nothing in the unprotected one.

use coset::TaggedCborSerializable as _;
use coset::iana;
use coset::{CoseSign1, CoseSign1Builder, HeaderBuilder};
use ring::signature::{ED25519, Ed25519KeyPair, UnparsedPublicKey};

use super::KeyId;

/// The COSE algorithm of every signature here: EdDSA (-8), which with the Ed25519 keys
/// of the trust list is Ed25519 (RFC 9053 §2.2). RFC 9864's fully specified `Ed25519`
/// (-19) means the same; -8 is what the EU DCC verifiers this format follows know.
pub(crate) const ALGORITHM: iana::Algorithm = iana::Algorithm::EdDSA;

/// Signs `payload` with `pair` as a tagged COSE_Sign1 whose protected header is
/// `{1: EdDSA, 4: kid}`.
pub(crate) fn sign(payload: Vec<u8>, kid: KeyId, pair: &Ed25519KeyPair) -> Vec<u8> {
    let protected = HeaderBuilder::new()
        .algorithm(ALGORITHM)
        .key_id(kid.as_bytes().to_vec())
        .build();
    let sign1 = CoseSign1Builder::new()
        .protected(protected)
        .payload(payload)
        .create_signature(&[], |data| pair.sign(data).as_ref().to_vec())
        .build();
    // Serialising a structure we built cannot fail: it holds no value CBOR cannot carry.
    sign1.to_tagged_vec().unwrap_or_default()
}

/// What is wrong with an envelope, before any key is looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EnvelopeProblem {
    /// Not a tagged COSE_Sign1 (or bytes after it).
    NotCoseSign1,
    /// The algorithm is not EdDSA.
    Algorithm,
    /// No key id, or one of the wrong length.
    KeyId,
    /// Headers other than the algorithm and the key id (protected), or any unprotected
    /// header: nothing unsigned may ride along, and nothing we do not understand.
    Headers,
    /// The payload is detached (nil).
    NoPayload,
}

/// A parsed envelope, its signature not yet checked.
pub(crate) struct Envelope {
    sign1: CoseSign1,
    kid: KeyId,
}

impl Envelope {
    /// Parses `bytes` strictly.
    pub(crate) fn parse(bytes: &[u8]) -> Result<Envelope, EnvelopeProblem> {
        let sign1 =
            CoseSign1::from_tagged_slice(bytes).map_err(|_| EnvelopeProblem::NotCoseSign1)?;
        let header = &sign1.protected.header;
        match &header.alg {
            Some(coset::RegisteredLabelWithPrivate::Assigned(alg)) if *alg == ALGORITHM => {}
            _ => return Err(EnvelopeProblem::Algorithm),
        }
        let kid = KeyId::from_slice(&header.key_id).ok_or(EnvelopeProblem::KeyId)?;
        let expected = HeaderBuilder::new()
            .algorithm(ALGORITHM)
            .key_id(kid.as_bytes().to_vec())
            .build();
        if *header != expected || !sign1.unprotected.is_empty() {
            return Err(EnvelopeProblem::Headers);
        }
        if sign1.payload.is_none() {
            return Err(EnvelopeProblem::NoPayload);
        }
        Ok(Envelope { sign1, kid })
    }

    /// The key id of the protected header.
    pub(crate) fn kid(&self) -> KeyId {
        self.kid
    }

    /// Whether the signature is `public_key`'s over the protected header and payload, as
    /// they were received (the original protected bytes, not a re-encoding).
    pub(crate) fn signed_by(&self, public_key: &[u8; 32]) -> bool {
        self.sign1
            .verify_signature(&[], |signature, data| {
                UnparsedPublicKey::new(&ED25519, public_key).verify(data, signature)
            })
            .is_ok()
    }

    /// The payload (present: checked by [`Envelope::parse`]).
    pub(crate) fn payload(&self) -> &[u8] {
        self.sign1.payload.as_deref().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use coset::CborSerializable as _;
    use ring::rand::SystemRandom;
    use ring::signature::KeyPair as _;

    fn new_pair() -> Ed25519KeyPair {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
        Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap()
    }

    #[test]
    fn signs_and_verifies_with_the_protected_kid() {
        let pair = new_pair();
        let kid = KeyId::of_public_key(pair.public_key().as_ref().try_into().unwrap());
        let bytes = sign(b"hello".to_vec(), kid, &pair);
        // Tag 18, array of 4, protected bstr of {1: -8, 4: h'kid'}.
        assert_eq!(bytes[0], 0xD2);
        assert_eq!(bytes[1], 0x84);
        assert_eq!(coset::iana::EnumI64::to_i64(&ALGORITHM), -8);
        let envelope = Envelope::parse(&bytes).unwrap();
        assert_eq!(envelope.kid(), kid);
        assert_eq!(envelope.payload(), b"hello");
        let public: [u8; 32] = pair.public_key().as_ref().try_into().unwrap();
        assert!(envelope.signed_by(&public));
        let other = new_pair();
        assert!(!envelope.signed_by(&other.public_key().as_ref().try_into().unwrap()));
    }

    #[test]
    fn refuses_untagged_and_extra_headers() {
        let pair = new_pair();
        let kid = KeyId([1, 2, 3, 4]);
        let tagged = sign(b"x".to_vec(), kid, &pair);
        assert_eq!(
            Envelope::parse(&tagged[1..]).err(),
            Some(EnvelopeProblem::NotCoseSign1)
        );
        let mut trailing = tagged.clone();
        trailing.push(0);
        assert_eq!(
            Envelope::parse(&trailing).err(),
            Some(EnvelopeProblem::NotCoseSign1)
        );
        // An unprotected kid (as some DCCs carry) is refused: it is not signed.
        let sign1 = CoseSign1Builder::new()
            .protected(
                HeaderBuilder::new()
                    .algorithm(ALGORITHM)
                    .key_id(kid.as_bytes().to_vec())
                    .build(),
            )
            .unprotected(HeaderBuilder::new().key_id(vec![9; 4]).build())
            .payload(b"x".to_vec())
            .create_signature(&[], |data| pair.sign(data).as_ref().to_vec())
            .build();
        assert_eq!(
            Envelope::parse(&sign1.to_tagged_vec().unwrap()).err(),
            Some(EnvelopeProblem::Headers)
        );
        let es256 = CoseSign1Builder::new()
            .protected(
                HeaderBuilder::new()
                    .algorithm(iana::Algorithm::ES256)
                    .key_id(kid.as_bytes().to_vec())
                    .build(),
            )
            .payload(b"x".to_vec())
            .build();
        assert_eq!(
            Envelope::parse(&es256.to_tagged_vec().unwrap()).err(),
            Some(EnvelopeProblem::Algorithm)
        );
        let long_kid = sign_with_kid_bytes(&pair, vec![1; 8]);
        assert_eq!(
            Envelope::parse(&long_kid).err(),
            Some(EnvelopeProblem::KeyId)
        );
        assert!(CoseSign1::from_slice(&tagged).is_err());
    }

    fn sign_with_kid_bytes(pair: &Ed25519KeyPair, kid: Vec<u8>) -> Vec<u8> {
        CoseSign1Builder::new()
            .protected(
                HeaderBuilder::new()
                    .algorithm(ALGORITHM)
                    .key_id(kid)
                    .build(),
            )
            .payload(b"x".to_vec())
            .create_signature(&[], |data| pair.sign(data).as_ref().to_vec())
            .build()
            .to_tagged_vec()
            .unwrap()
    }
}
