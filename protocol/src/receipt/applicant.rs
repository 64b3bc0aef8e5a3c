//! The applicant's ID number on a receipt: never the number, only a short, salted, slow
//! digest of it, so that the desk can confirm the person in front of it holds the card
//! the dossier was filed with, and nobody else learns the number from the QR code.
//!
//! # Why slow, and why short
//!
//! A 12-digit ID number has little entropy: digits 1–3 are the province of birth
//! registration (63 codes), digit 4 the century and sex, 5–6 the birth year, and only
//! 7–12 are random (docs/domain.md). Anyone who scans a receipt could try every number: with a
//! fast hash (SHA-256) that is 10⁶ guesses for someone who knows the person's province,
//! sex and birth year, a fraction of a second. So the digest is PBKDF2-HMAC-SHA256 with
//! [`ITERATIONS`] iterations (29 ms p50 on the 2-core development machine, under load; see
//! `cargo bench -p motcua-core --bench receipt` and docs/benchmarks.md) under a random per-receipt salt, so every
//! receipt must be attacked on its own and no table can be precomputed.
//!
//! The digest is then cut to [`DIGEST_LEN`] bytes (24 bits). The desk check is a second
//! factor beside the officer looking at the card, and a wrong card passes with
//! probability 2⁻²⁴ (6·10⁻⁸). Cutting it also means a digest does not single out one
//! number among all plausible ones: of the ~4·10⁸ numbers of one province (4
//! century/sex codes × 100 years × 10⁶), about 24 match any given digest.
//!
//! # Residual risk
//!
//! Someone who knows the person's province of birth, sex and birth year has 10⁶
//! candidates, and on average about 1 wrong one survives besides the right number: PBKDF2
//! only makes that search cost ~10⁶ × 30 ms ≈ 8 CPU-hours on this machine, and far less
//! on GPUs (hashcat-class hardware runs PBKDF2-HMAC-SHA256 at roughly 10⁴–10⁵ guesses per
//! second at this iteration count: minutes). A receipt QR code therefore still counts as
//! personal data: the app shows it only to its owner, and the desk never stores scans.
//! The number itself is never on the receipt, in logs or in the QR code.

use ring::pbkdf2;
use ring::rand::SecureRandom;
use subtle::ConstantTimeEq as _;

/// PBKDF2-HMAC-SHA256 iterations of format version 1 (fixed by the version: a receipt
/// does not carry its own cost, so a forger cannot lower it).
pub const ITERATIONS: u32 = 100_000;
/// Bytes of random salt per receipt.
pub const SALT_LEN: usize = 8;
/// Bytes of the derived key kept (24 bits).
pub const DIGEST_LEN: usize = 3;
/// Domain separation: the same number and salt give unrelated values elsewhere.
const CONTEXT: &[u8] = b"motcua receipt applicant v1\0";

/// The 12-digit personal ID number, checked for shape only (spaces are ignored): the desk
/// types what is on the card.
#[derive(Clone, PartialEq, Eq)]
pub struct IdNumber([u8; 12]);

impl std::fmt::Debug for IdNumber {
    // Personal data: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdNumber(…)")
    }
}

/// The text is not a 12-digit ID number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an ID number has exactly 12 digits")]
pub struct NotAnIdNumber;

impl IdNumber {
    /// Reads 12 digits, ignoring spaces.
    pub fn parse(text: &str) -> Result<IdNumber, NotAnIdNumber> {
        let mut digits = [0u8; 12];
        let mut count = 0;
        for byte in text.bytes().filter(|b| !b.is_ascii_whitespace()) {
            if !byte.is_ascii_digit() || count == digits.len() {
                return Err(NotAnIdNumber);
            }
            digits[count] = byte;
            count += 1;
        }
        if count != digits.len() {
            return Err(NotAnIdNumber);
        }
        Ok(IdNumber(digits))
    }
}

/// The salted, slow, truncated digest of the applicant's ID number on a receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApplicantDigest {
    /// Random per receipt.
    pub salt: [u8; SALT_LEN],
    /// The first [`DIGEST_LEN`] bytes of PBKDF2.
    pub digest: [u8; DIGEST_LEN],
}

fn derive(id: &IdNumber, salt: &[u8; SALT_LEN]) -> [u8; DIGEST_LEN] {
    let mut salted = Vec::with_capacity(CONTEXT.len() + SALT_LEN);
    salted.extend_from_slice(CONTEXT);
    salted.extend_from_slice(salt);
    let mut out = [0u8; DIGEST_LEN];
    let iterations = std::num::NonZeroU32::new(ITERATIONS).unwrap_or(std::num::NonZeroU32::MIN);
    pbkdf2::derive(
        pbkdf2::PBKDF2_HMAC_SHA256,
        iterations,
        &salted,
        &id.0,
        &mut out,
    );
    out
}

impl ApplicantDigest {
    /// A digest of `id` under a fresh random salt.
    pub fn new(
        id: &IdNumber,
        rng: &dyn SecureRandom,
    ) -> Result<ApplicantDigest, ring::error::Unspecified> {
        let mut salt = [0u8; SALT_LEN];
        rng.fill(&mut salt)?;
        Ok(ApplicantDigest::with_salt(id, salt))
    }

    /// A digest of `id` under `salt` (tests and vectors).
    pub fn with_salt(id: &IdNumber, salt: [u8; SALT_LEN]) -> ApplicantDigest {
        ApplicantDigest {
            digest: derive(id, &salt),
            salt,
        }
    }

    /// Whether `id` is the number this digest was made from (up to the 2⁻²⁴ chance of a
    /// wrong number matching). Takes [`ITERATIONS`] rounds of PBKDF2; compares in
    /// constant time.
    pub fn matches(&self, id: &IdNumber) -> bool {
        bool::from(derive(id, &self.salt).ct_eq(&self.digest))
    }

    /// Salt then digest, as the payload carries them.
    pub(crate) fn to_bytes(self) -> [u8; SALT_LEN + DIGEST_LEN] {
        let mut bytes = [0u8; SALT_LEN + DIGEST_LEN];
        bytes[..SALT_LEN].copy_from_slice(&self.salt);
        bytes[SALT_LEN..].copy_from_slice(&self.digest);
        bytes
    }

    /// The inverse of [`ApplicantDigest::to_bytes`].
    pub(crate) fn from_bytes(bytes: &[u8]) -> Option<ApplicantDigest> {
        if bytes.len() != SALT_LEN + DIGEST_LEN {
            return None;
        }
        let (salt, digest) = bytes.split_at(SALT_LEN);
        Some(ApplicantDigest {
            salt: salt.try_into().ok()?,
            digest: digest.try_into().ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;

    #[test]
    fn reads_twelve_digits_only() {
        assert!(IdNumber::parse("001 099 012 345").is_ok());
        assert!(IdNumber::parse("001099012345").is_ok());
        for bad in ["", "00109901234", "0010990123456", "00109901234a", "００１"] {
            assert_eq!(IdNumber::parse(bad), Err(NotAnIdNumber), "{bad:?}");
        }
        assert_eq!(
            format!("{:?}", IdNumber::parse("001099012345").unwrap()),
            "IdNumber(…)"
        );
    }

    #[test]
    fn matches_the_number_it_was_made_from_only() {
        let id = IdNumber::parse("001099012345").unwrap();
        let digest = ApplicantDigest::new(&id, &SystemRandom::new()).unwrap();
        assert!(digest.matches(&id));
        assert!(!digest.matches(&IdNumber::parse("001099012346").unwrap()));
        let again = ApplicantDigest::new(&id, &SystemRandom::new()).unwrap();
        assert_ne!(digest.salt, again.salt, "a fresh salt per receipt");
        assert_eq!(
            ApplicantDigest::from_bytes(&digest.to_bytes()),
            Some(digest)
        );
        assert_eq!(ApplicantDigest::from_bytes(&[0; 10]), None);
    }

    #[test]
    fn the_derivation_matches_an_independent_pbkdf2() {
        // Computed with Python's hashlib (OpenSSL):
        // pbkdf2_hmac('sha256', b'079203000001', b'motcua receipt applicant v1\0' + b'\x07' * 8,
        //             100000, 3).hex() == 'c864f5'
        let id = IdNumber::parse("079203000001").unwrap();
        let digest = ApplicantDigest::with_salt(&id, [7u8; SALT_LEN]);
        assert_eq!(digest.digest, [0xc8, 0x64, 0xf5]);
    }
}
