//! Where secrets live: the platform's keystore behind a trait.
//!
//! The apps implement [`SecureStore`] over the Android Keystore (EncryptedSharedPreferences
//! or a Keystore-wrapped key) and the iOS Keychain. This module also has two
//! implementations for tests and the CLI; neither is for a phone.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A failure of the platform's secure storage.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("secure storage: {0}")]
pub struct SecureStoreError(pub String);

/// Small secrets (tokens, keys, personal data) by name, kept by the platform.
pub trait SecureStore: Send + Sync {
    /// The value under `key`, if any.
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, SecureStoreError>;
    /// Stores `value` under `key`, replacing any previous value.
    fn set(&self, key: &str, value: &[u8]) -> Result<(), SecureStoreError>;
    /// Removes `key`; removing a missing key is not an error.
    fn delete(&self, key: &str) -> Result<(), SecureStoreError>;
}

/// Keeps secrets in memory only: for tests and one-shot runs such as `motcua demo`.
#[derive(Default)]
pub struct MemorySecureStore {
    entries: Mutex<HashMap<String, Vec<u8>>>,
}

impl MemorySecureStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The keys present, sorted (tests check that nothing was stored).
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .entries
            .lock()
            .map(|e| e.keys().cloned().collect())
            .unwrap_or_default();
        keys.sort();
        keys
    }
}

impl SecureStore for MemorySecureStore {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, SecureStoreError> {
        let entries = self.entries.lock().map_err(|_| poisoned())?;
        Ok(entries.get(key).cloned())
    }

    fn set(&self, key: &str, value: &[u8]) -> Result<(), SecureStoreError> {
        let mut entries = self.entries.lock().map_err(|_| poisoned())?;
        entries.insert(key.to_owned(), value.to_vec());
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<(), SecureStoreError> {
        let mut entries = self.entries.lock().map_err(|_| poisoned())?;
        entries.remove(key);
        Ok(())
    }
}

fn poisoned() -> SecureStoreError {
    SecureStoreError("store lock poisoned".into())
}

/// **Development only.** Keeps "secrets" in a JSON file readable by the owner (mode 0600),
/// so that the `motcua` CLI stays logged in between commands on a developer's machine. It
/// is not encrypted: never use it in an app or on a shared machine. The file name says so.
pub struct DevFileSecureStore {
    path: PathBuf,
    lock: Mutex<()>,
}

impl DevFileSecureStore {
    /// File name inside the data directory.
    pub const FILE_NAME: &'static str = "DEV-ONLY-insecure-secrets.json";

    /// A store in `dir` (the file is created on the first write).
    pub fn new(dir: &Path) -> Self {
        DevFileSecureStore {
            path: dir.join(Self::FILE_NAME),
            lock: Mutex::new(()),
        }
    }

    fn read(&self) -> Result<HashMap<String, String>, SecureStoreError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| SecureStoreError(format!("unreadable dev store: {e}"))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(HashMap::new()),
            Err(e) => Err(SecureStoreError(e.to_string())),
        }
    }

    fn write(&self, entries: &HashMap<String, String>) -> Result<(), SecureStoreError> {
        let io = |e: std::io::Error| SecureStoreError(e.to_string());
        let dir = self.path.parent().unwrap_or_else(|| Path::new("."));
        std::fs::create_dir_all(dir).map_err(io)?;
        if !self.path.exists() {
            tracing::warn!("creating the development secret store: secrets are kept unencrypted");
        }
        let tmp = self.path.with_extension("json.tmp");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp).map_err(io)?;
        let json = serde_json::to_vec(entries).map_err(|e| SecureStoreError(e.to_string()))?;
        file.write_all(&json).map_err(io)?;
        file.sync_all().map_err(io)?;
        // Rename is atomic: a crash leaves the old or the new file, never half of one.
        std::fs::rename(&tmp, &self.path).map_err(io)
    }
}

impl SecureStore for DevFileSecureStore {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, SecureStoreError> {
        let _guard = self.lock.lock().map_err(|_| poisoned())?;
        Ok(self.read()?.remove(key).map(String::into_bytes))
    }

    fn set(&self, key: &str, value: &[u8]) -> Result<(), SecureStoreError> {
        let _guard = self.lock.lock().map_err(|_| poisoned())?;
        let text = String::from_utf8(value.to_vec())
            .map_err(|_| SecureStoreError("dev store keeps UTF-8 values only".into()))?;
        let mut entries = self.read()?;
        entries.insert(key.to_owned(), text);
        self.write(&entries)
    }

    fn delete(&self, key: &str) -> Result<(), SecureStoreError> {
        let _guard = self.lock.lock().map_err(|_| poisoned())?;
        let mut entries = self.read()?;
        if entries.remove(key).is_some() {
            self.write(&entries)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise(store: &dyn SecureStore) {
        assert_eq!(store.get("a").unwrap(), None);
        store.set("a", b"one").unwrap();
        store.set("a", b"two").unwrap();
        assert_eq!(store.get("a").unwrap(), Some(b"two".to_vec()));
        store.delete("a").unwrap();
        store.delete("a").unwrap();
        assert_eq!(store.get("a").unwrap(), None);
    }

    #[test]
    fn memory_store_round_trips() {
        exercise(&MemorySecureStore::new());
    }

    #[test]
    fn dev_file_store_round_trips_and_persists_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = DevFileSecureStore::new(dir.path());
        exercise(&store);
        store.set("kept", b"value").unwrap();
        let reopened = DevFileSecureStore::new(dir.path());
        assert_eq!(reopened.get("kept").unwrap(), Some(b"value".to_vec()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(dir.path().join(DevFileSecureStore::FILE_NAME))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "dev store must not be readable by others");
        }
    }
}
