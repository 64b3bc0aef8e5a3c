//! Random tokens and their hashes. Tokens and codes are stored only as SHA-256 digests.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::{SecureRandom, SystemRandom};

/// `bytes` random bytes from the system generator, base64url without padding.
pub(crate) fn random_b64(
    rng: &SystemRandom,
    bytes: usize,
) -> Result<String, ring::error::Unspecified> {
    let mut buffer = vec![0u8; bytes];
    rng.fill(&mut buffer)?;
    Ok(URL_SAFE_NO_PAD.encode(buffer))
}

/// A fresh 256-bit bearer token (access, refresh, authorization code).
pub(crate) fn new_token(rng: &SystemRandom) -> Result<String, ring::error::Unspecified> {
    random_b64(rng, 32)
}

/// The SHA-256 digest under which a token is stored.
pub(crate) fn token_hash(token: &str) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA256, token.as_bytes())
        .as_ref()
        .to_vec()
}

/// String equality whose time does not depend on where the strings differ (lengths are
/// not secret here: both sides are fixed-length encodings).
pub(crate) fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(difference) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_43_base64url_chars_and_differ() {
        let rng = SystemRandom::new();
        let a = new_token(&rng).unwrap();
        let b = new_token(&rng).unwrap();
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 32);
        assert!(constant_time_eq(&a, &a.clone()));
        assert!(!constant_time_eq(&a, &b));
    }
}
