//! The assisted profile's view of the platform keystore: every key it stores is put under
//! the session's own prefix, and the names are listed under an index key, so that ending
//! the session (or erasing an abandoned one at the next start) can delete every secret
//! the session created — the platform keystores cannot list keys.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use crate::secure_store::{SecureStore, SecureStoreError};

/// Prefix of every key of an assisted session.
const PREFIX: &str = "motcua.assist.";

/// A keystore scoped to one assisted session.
pub(crate) struct ScopedSecureStore {
    inner: Arc<dyn SecureStore>,
    session_id: String,
    /// Serialises index updates within the process.
    index_lock: Mutex<()>,
}

impl ScopedSecureStore {
    pub(crate) fn new(inner: Arc<dyn SecureStore>, session_id: &str) -> ScopedSecureStore {
        ScopedSecureStore {
            inner,
            session_id: session_id.to_owned(),
            index_lock: Mutex::new(()),
        }
    }

    fn scoped(&self, key: &str) -> String {
        format!("{PREFIX}{}.{key}", self.session_id)
    }

    fn index_key(&self) -> String {
        format!("{PREFIX}{}.__keys", self.session_id)
    }

    fn index(&self) -> Result<BTreeSet<String>, SecureStoreError> {
        Ok(match self.inner.get(&self.index_key())? {
            Some(bytes) => serde_json::from_slice(&bytes).unwrap_or_default(),
            None => BTreeSet::new(),
        })
    }

    fn write_index(&self, index: &BTreeSet<String>) -> Result<(), SecureStoreError> {
        let bytes = serde_json::to_vec(index).map_err(|e| SecureStoreError(e.to_string()))?;
        self.inner.set(&self.index_key(), &bytes)
    }

    /// Deletes `key` first (the data key, so that what it sealed is unreadable at once),
    /// then every other key the session stored, then the index.
    pub(crate) fn erase_all(&self, first: &str) -> Result<(), SecureStoreError> {
        let _guard = self.index_lock.lock().map_err(|_| poisoned())?;
        self.inner.delete(&self.scoped(first))?;
        for key in self.index()? {
            self.inner.delete(&self.scoped(&key))?;
        }
        self.inner.delete(&self.index_key())
    }
}

fn poisoned() -> SecureStoreError {
    SecureStoreError("assisted keystore lock poisoned".into())
}

impl SecureStore for ScopedSecureStore {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, SecureStoreError> {
        self.inner.get(&self.scoped(key))
    }

    fn set(&self, key: &str, value: &[u8]) -> Result<(), SecureStoreError> {
        let _guard = self.index_lock.lock().map_err(|_| poisoned())?;
        // The name is indexed before the secret is written: a kill in between leaves a
        // name without a secret, never a secret nobody knows to delete.
        let mut index = self.index()?;
        if index.insert(key.to_owned()) {
            self.write_index(&index)?;
        }
        self.inner.set(&self.scoped(key), value)
    }

    fn delete(&self, key: &str) -> Result<(), SecureStoreError> {
        self.inner.delete(&self.scoped(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secure_store::MemorySecureStore;

    #[test]
    fn keys_are_scoped_indexed_and_erased_together() {
        let platform = Arc::new(MemorySecureStore::new());
        platform
            .set("motcua.identity.session.v1", b"volunteer")
            .unwrap();
        let scoped = ScopedSecureStore::new(platform.clone(), "s1");
        scoped
            .set("motcua.identity.session.v1", b"citizen")
            .unwrap();
        scoped.set("motcua.data_key.v1", b"key").unwrap();
        assert_eq!(
            scoped.get("motcua.identity.session.v1").unwrap().unwrap(),
            b"citizen"
        );
        assert_eq!(
            platform.get("motcua.identity.session.v1").unwrap().unwrap(),
            b"volunteer",
            "the volunteer's secret is another key"
        );
        let other = ScopedSecureStore::new(platform.clone(), "s2");
        other.set("motcua.data_key.v1", b"other").unwrap();

        // A fresh view of the same session (after a restart) finds every key to erase.
        ScopedSecureStore::new(platform.clone(), "s1")
            .erase_all("motcua.data_key.v1")
            .unwrap();
        let left = platform.keys();
        assert!(
            left.iter().all(|k| !k.starts_with("motcua.assist.s1.")),
            "{left:?}"
        );
        assert!(left.contains(&"motcua.assist.s2.motcua.data_key.v1".to_owned()));
        assert!(left.contains(&"motcua.identity.session.v1".to_owned()));
    }
}
