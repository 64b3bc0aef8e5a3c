//! The key store: the private halves of the portal's signing keys (the built-in provider's
//! ES256 ID-token keys, the receipt-signing Ed25519 keys), in `keys.sqlite` beside, not
//! inside, `portal.sqlite`.
//!
//! Why a separate file: the main database is read by every request and copied by every
//! backup, export and support session; a leak of it must not let anyone mint ID tokens or
//! forge receipts. Only the public halves and the keys' status (active, retired, revoked)
//! stay in `portal.sqlite`, where the JWKS and the trust list are built from them.
//!
//! Why one SQLite file rather than one file per key: a rotation (made by `motcua portal
//! ... rotate` while the portal runs) needs a new key written and an old one removed
//! without a reader ever seeing half a file, which SQLite's transactions and locks give
//! without a rename-and-fsync protocol of our own; `secure_delete` overwrites a removed
//! key's bytes in place, so a rotated-out key does not linger in free pages; and there is
//! one file to check, back up and restore. The file is `0600` and the portal refuses to
//! start when others can read it (see [`crate::private_files`]). It uses a rollback journal
//! (not WAL): the journal exists only during a write, so no second file keeps key bytes.
//!
//! Only the keys that sign hold a private half here: a key that is retired or revoked is
//! only verified against, so its private half is removed (see [`KeyStore::prune`]).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension as _, params};
use rusqlite_migration::{M, Migrations};

use crate::db::now;
use crate::error::PortalError;
use crate::private_files;

/// Name of the key store file inside the data directory.
pub const KEYS_FILE: &str = "keys.sqlite";

/// A private key left by a rotation that was interrupted before the main database knew
/// of it is removed after this long (a rotation running now finishes well within it).
const ORPHAN_GRACE_SECS: i64 = 3600;

const MIGRATIONS: &[M<'static>] = &[M::up(
    r#"
    -- The private halves (PKCS#8) of the keys that sign; the public halves and the status
    -- are in portal.sqlite (`signing_keys`, `receipt_keys`).
    CREATE TABLE private_keys (
        purpose    TEXT NOT NULL CHECK (purpose IN ('id_token', 'receipt')),
        kid        TEXT NOT NULL,
        pkcs8      BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (purpose, kid)
    ) STRICT, WITHOUT ROWID;
    "#,
)];

/// What a key signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// The built-in provider's ID tokens (`signing_keys`).
    IdToken,
    /// Receipts (`receipt_keys`).
    Receipt,
}

impl Purpose {
    fn name(self) -> &'static str {
        match self {
            Purpose::IdToken => "id_token",
            Purpose::Receipt => "receipt",
        }
    }
}

/// The key store file of a data directory.
pub(crate) fn keys_path(data_dir: &Path) -> PathBuf {
    data_dir.join(KEYS_FILE)
}

/// The opened key store; cloning shares the connection.
#[derive(Clone)]
pub(crate) struct KeyStore {
    conn: Arc<Mutex<Connection>>,
}

impl KeyStore {
    /// Opens (creating it `0600` if needed) the key store of `data_dir`, which the caller
    /// prepared ([`private_files::prepare_data_dir`]). Refuses a file other users can read
    /// or write, or that another user owns.
    pub(crate) fn open(data_dir: &Path) -> Result<KeyStore, PortalError> {
        let path = keys_path(data_dir);
        private_files::check_key_file(&path)?;
        // A journal left by a crash holds key bytes too.
        let journal = data_dir.join(format!("{KEYS_FILE}-journal"));
        private_files::check_key_file(&journal)?;
        private_files::create_empty(&path)?;
        let mut conn = Connection::open(&path)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "DELETE")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "secure_delete", "ON")?;
        // The migration reads the schema version before it writes: two processes opening
        // one shared data directory at once would both apply it. An exclusive lock on the
        // file (flock, which SQLite's own fcntl locks do not see) makes them take turns.
        let turn = std::fs::File::open(&path).map_err(|source| PortalError::Io {
            context: "cannot open the key store",
            source,
        })?;
        turn.lock().map_err(|source| PortalError::Io {
            context: "cannot lock the key store",
            source,
        })?;
        Migrations::from_slice(MIGRATIONS).to_latest(&mut conn)?;
        drop(turn);
        Ok(KeyStore {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // Every statement here is one autocommit statement: a panic cannot leave one half
        // done, so a poisoned lock still guards a usable connection.
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The private half of `kid`, if the store has it.
    pub(crate) fn get(
        &self,
        purpose: Purpose,
        kid: &str,
    ) -> crate::store::sql::Result<Option<Vec<u8>>> {
        Ok(self
            .lock()
            .prepare_cached("SELECT pkcs8 FROM private_keys WHERE purpose = ?1 AND kid = ?2")?
            .query_row(params![purpose.name(), kid], |row| row.get(0))
            .optional()?)
    }

    /// Stores the private half of `kid` (durably: `synchronous = FULL`), replacing one
    /// stored under the same id.
    pub(crate) fn put(
        &self,
        purpose: Purpose,
        kid: &str,
        pkcs8: &[u8],
    ) -> crate::store::sql::Result<()> {
        self.lock()
            .prepare_cached(
                "INSERT INTO private_keys (purpose, kid, pkcs8, created_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (purpose, kid) DO UPDATE SET pkcs8 = ?3, created_at = ?4",
            )?
            .execute(params![purpose.name(), kid, pkcs8, now()])?;
        Ok(())
    }

    /// Removes the private half of `kid` (its bytes overwritten: `secure_delete`).
    pub(crate) fn remove(&self, purpose: Purpose, kid: &str) -> crate::store::sql::Result<bool> {
        let removed = self
            .lock()
            .prepare_cached("DELETE FROM private_keys WHERE purpose = ?1 AND kid = ?2")?
            .execute(params![purpose.name(), kid])?;
        Ok(removed > 0)
    }

    /// Removes every private half of `purpose` that no longer signs: those of the keys the
    /// main database lists but not as signing (`known` says whether it lists `kid`,
    /// `signing` whether it is the one that signs), and, after a grace period, those it
    /// does not list at all (left by a rotation interrupted between the two files).
    /// Returns how many were removed.
    pub(crate) fn prune(
        &self,
        purpose: Purpose,
        signing: &str,
        mut known: impl FnMut(&str) -> crate::store::sql::Result<bool>,
    ) -> crate::store::sql::Result<usize> {
        let stored: Vec<(String, i64)> = self
            .lock()
            .prepare_cached("SELECT kid, created_at FROM private_keys WHERE purpose = ?1")?
            .query_map([purpose.name()], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut removed = 0;
        for (kid, created_at) in stored {
            if kid == signing {
                continue;
            }
            if (known(&kid)? || created_at < now() - ORPHAN_GRACE_SECS)
                && self.remove(purpose, &kid)?
            {
                removed += 1;
            }
        }
        Ok(removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stored_replaced_and_removed_without_leaving_their_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let store = KeyStore::open(dir.path()).unwrap();
        let secret = [0x5au8; 48];
        store.put(Purpose::Receipt, "k1", &secret).unwrap();
        store.put(Purpose::IdToken, "k1", b"other").unwrap();
        assert_eq!(
            store.get(Purpose::Receipt, "k1").unwrap().as_deref(),
            Some(&secret[..])
        );
        assert!(store.get(Purpose::Receipt, "k2").unwrap().is_none());
        let file = std::fs::read(keys_path(dir.path())).unwrap();
        assert!(file.windows(secret.len()).any(|w| w == secret));

        assert!(store.remove(Purpose::Receipt, "k1").unwrap());
        assert!(!store.remove(Purpose::Receipt, "k1").unwrap());
        let file = std::fs::read(keys_path(dir.path())).unwrap();
        assert!(
            !file.windows(secret.len()).any(|w| w == secret),
            "secure_delete overwrote the removed key"
        );
        assert!(store.get(Purpose::IdToken, "k1").unwrap().is_some());
    }

    #[test]
    fn prune_keeps_the_signing_key_and_recent_unknown_ones() {
        let dir = tempfile::tempdir().unwrap();
        let store = KeyStore::open(dir.path()).unwrap();
        for kid in ["active", "retired", "fresh-orphan"] {
            store.put(Purpose::IdToken, kid, kid.as_bytes()).unwrap();
        }
        let removed = store
            .prune(Purpose::IdToken, "active", |kid| Ok(kid != "fresh-orphan"))
            .unwrap();
        assert_eq!(removed, 1);
        assert!(store.get(Purpose::IdToken, "active").unwrap().is_some());
        assert!(store.get(Purpose::IdToken, "retired").unwrap().is_none());
        assert!(
            store
                .get(Purpose::IdToken, "fresh-orphan")
                .unwrap()
                .is_some()
        );
    }
}
