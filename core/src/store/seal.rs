//! Sealing personal data at rest: AES-256-GCM (ring) under one data key per profile, the
//! key kept in the platform's secure storage. Deleting the key makes every sealed value of
//! the profile unreadable (that is how an assisted session is erased).

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

use crate::secure_store::{SecureStore, SecureStoreError};

/// Secure-storage key of the profile's data key.
pub(crate) const KEY_DATA_KEY: &str = "motcua.data_key.v1";

/// Why sealing or opening failed.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// The secure storage failed.
    #[error(transparent)]
    SecureStorage(#[from] SecureStoreError),
    /// The sealed bytes are damaged, were sealed for another place, or under another key.
    #[error("sealed data cannot be opened")]
    Unreadable,
    /// The random generator or the cipher failed.
    #[error("cipher failure")]
    Cipher,
}

/// Seals and opens values with the profile's data key (created on first use).
pub(crate) struct Sealer {
    secure: Arc<dyn SecureStore>,
    key: std::sync::Mutex<Option<Arc<LessSafeKey>>>,
}

impl Sealer {
    pub(crate) fn new(secure: Arc<dyn SecureStore>) -> Sealer {
        Sealer {
            secure,
            key: std::sync::Mutex::new(None),
        }
    }

    fn key(&self) -> Result<Arc<LessSafeKey>, SealError> {
        let mut cached = self.key.lock().map_err(|_| SealError::Cipher)?;
        if let Some(key) = cached.as_ref() {
            return Ok(key.clone());
        }
        let bytes = match self.secure.get(KEY_DATA_KEY)? {
            Some(encoded) => STANDARD
                .decode(&encoded)
                .map_err(|_| SealError::Unreadable)?,
            None => {
                let fresh = crate::random::bytes::<32>()
                    .map_err(|_| SealError::Cipher)?
                    .to_vec();
                self.secure
                    .set(KEY_DATA_KEY, STANDARD.encode(&fresh).as_bytes())?;
                fresh
            }
        };
        let unbound = UnboundKey::new(&AES_256_GCM, &bytes).map_err(|_| SealError::Unreadable)?;
        let key = Arc::new(LessSafeKey::new(unbound));
        *cached = Some(key.clone());
        Ok(key)
    }

    /// Seals `plain` for `context` (e.g. `field:<draft>:<field>`): a sealed value moved to
    /// another place does not open. Output: nonce ‖ ciphertext ‖ tag.
    pub(crate) fn seal(&self, context: &str, plain: &[u8]) -> Result<Vec<u8>, SealError> {
        let key = self.key()?;
        let nonce = crate::random::bytes::<NONCE_LEN>().map_err(|_| SealError::Cipher)?;
        let mut buffer = plain.to_vec();
        key.seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(context.as_bytes()),
            &mut buffer,
        )
        .map_err(|_| SealError::Cipher)?;
        let mut sealed = Vec::with_capacity(NONCE_LEN + buffer.len());
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&buffer);
        Ok(sealed)
    }

    /// Opens what [`Sealer::seal`] sealed for the same `context`.
    pub(crate) fn open(&self, context: &str, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        if sealed.len() < NONCE_LEN + AES_256_GCM.tag_len() {
            return Err(SealError::Unreadable);
        }
        let key = self.key()?;
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| SealError::Unreadable)?;
        let mut buffer = body.to_vec();
        let plain = key
            .open_in_place(nonce, Aad::from(context.as_bytes()), &mut buffer)
            .map_err(|_| SealError::Unreadable)?;
        Ok(plain.to_vec())
    }

    /// Opens a sealed UTF-8 string.
    pub(crate) fn open_string(&self, context: &str, sealed: &[u8]) -> Result<String, SealError> {
        String::from_utf8(self.open(context, sealed)?).map_err(|_| SealError::Unreadable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secure_store::MemorySecureStore;

    #[test]
    fn seals_and_opens_only_in_its_context_and_under_its_key() {
        let store = Arc::new(MemorySecureStore::new());
        let sealer = Sealer::new(store.clone());
        let sealed = sealer
            .seal("field:d1:name", "Nguyễn Thị Lan".as_bytes())
            .unwrap();
        assert_eq!(
            sealer.open_string("field:d1:name", &sealed).unwrap(),
            "Nguyễn Thị Lan"
        );
        assert!(matches!(
            sealer.open("field:d2:name", &sealed),
            Err(SealError::Unreadable)
        ));
        let mut tampered = sealed.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(matches!(
            sealer.open("field:d1:name", &tampered),
            Err(SealError::Unreadable)
        ));
        assert!(matches!(
            sealer.open("field:d1:name", &[1, 2, 3]),
            Err(SealError::Unreadable)
        ));
        // The same key survives a restart (it lives in secure storage)…
        let again = Sealer::new(store.clone());
        assert!(again.open("field:d1:name", &sealed).is_ok());
        // …and once it is deleted nothing opens any more.
        store.delete(KEY_DATA_KEY).unwrap();
        let erased = Sealer::new(store);
        assert!(matches!(
            erased.open("field:d1:name", &sealed),
            Err(SealError::Unreadable)
        ));
    }

    #[test]
    fn the_plain_text_is_not_in_the_sealed_bytes() {
        let sealer = Sealer::new(Arc::new(MemorySecureStore::new()));
        let secret = b"046187000123";
        let sealed = sealer.seal("field:d:id", secret).unwrap();
        assert!(!sealed.windows(secret.len()).any(|w| w == secret));
        assert_ne!(
            sealer.seal("field:d:id", secret).unwrap(),
            sealed,
            "fresh nonce each time"
        );
    }
}
