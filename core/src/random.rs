//! Randomness, from the operating system's generator (ring's `SystemRandom`): the one way
//! the core makes login secrets (PKCE verifier, state, nonce), ids (drafts, blobs, assisted
//! sessions), idempotency keys, the data key, seal nonces and retry jitter.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::{SecureRandom as _, SystemRandom};

/// The system's generator gave nothing (it does not on supported platforms; the areas
/// still report it as a typed error rather than panic).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the system random generator failed")]
pub struct RandomUnavailable;

/// Fills `buffer` with random bytes.
pub(crate) fn fill(buffer: &mut [u8]) -> Result<(), RandomUnavailable> {
    SystemRandom::new()
        .fill(buffer)
        .map_err(|_| RandomUnavailable)
}

/// `N` random bytes.
pub(crate) fn bytes<const N: usize>() -> Result<[u8; N], RandomUnavailable> {
    let mut buffer = [0u8; N];
    fill(&mut buffer)?;
    Ok(buffer)
}

/// `n` random bytes, base64url without padding (a token of `8n` bits).
pub(crate) fn token(n: usize) -> Result<String, RandomUnavailable> {
    let mut buffer = vec![0u8; n];
    fill(&mut buffer)?;
    Ok(URL_SAFE_NO_PAD.encode(buffer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_the_asked_length_and_differ() {
        let a = token(32).unwrap();
        assert_eq!(a.len(), 43, "256 bits in base64url without padding");
        assert_ne!(a, token(32).unwrap());
        assert_ne!(bytes::<16>().unwrap(), bytes::<16>().unwrap());
    }
}
