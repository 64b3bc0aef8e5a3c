//! The receipts' tables in the profile's SQLite: each dossier's receipt as the sync
//! brought it (sealed, [`RECEIPT_TEXT`]: it carries the applicant digest and the dossier's
//! details) and the province's trust list of signing keys (public, and verified again
//! against the root key whenever it is read). All of the receipt area's SQL is here;
//! `crate::receipt` holds the logic (reading, verifying, drawing).
//!
//! The functions are blocking and short: one row each.

use rusqlite::{OptionalExtension as _, Transaction, params};

use super::policy::RECEIPT_TEXT;
use super::seal::Sealer;
use super::{Database, StoreError};

/// Keeps dossier `code`'s receipt `text`, in the sync's transaction `tx`.
pub(crate) fn save_in(
    tx: &Transaction<'_>,
    sealer: &Sealer,
    code: &str,
    text: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO receipts (code, text) VALUES (?1, ?2)
         ON CONFLICT (code) DO UPDATE SET text = ?2",
        params![code, RECEIPT_TEXT.seal(sealer, code, text)?],
    )?;
    Ok(())
}

/// Dossier `code`'s receipt text, opened, if the device holds one.
pub(crate) fn load(database: &Database, code: &str) -> Result<Option<String>, StoreError> {
    let stored: Option<String> = database
        .connection()?
        .query_row(
            "SELECT text FROM receipts WHERE code = ?1",
            params![code],
            |r| r.get(0),
        )
        .optional()?;
    stored
        .map(|text| Ok(RECEIPT_TEXT.open(database.sealer(), code, &text)?))
        .transpose()
}

/// The trust list as last fetched: its signed bytes and when (Unix seconds).
pub(crate) fn trust_list(database: &Database) -> Result<Option<(Vec<u8>, i64)>, StoreError> {
    Ok(database
        .connection()?
        .query_row(
            "SELECT signed, fetched_at FROM receipt_trust_list WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Keeps a verified trust list (`signed`, of `sequence`) fetched at `fetched_at`.
pub(crate) fn save_trust_list(
    database: &Database,
    sequence: u64,
    signed: &[u8],
    fetched_at: i64,
) -> Result<(), StoreError> {
    database.connection()?.execute(
        "INSERT INTO receipt_trust_list (id, sequence, signed, fetched_at)
         VALUES (1, ?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET sequence = ?1, signed = ?2, fetched_at = ?3",
        params![
            i64::try_from(sequence).unwrap_or(i64::MAX),
            signed,
            fetched_at
        ],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::secure_store::MemorySecureStore;

    fn database(dir: &std::path::Path) -> Database {
        Database::open(dir, Arc::new(MemorySecureStore::new())).unwrap()
    }

    #[test]
    fn a_receipt_is_kept_sealed_and_read_back_opened() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        assert_eq!(load(&db, "D1").unwrap(), None);
        {
            let mut connection = db.connection().unwrap();
            let tx = connection.transaction().unwrap();
            save_in(&tx, db.sealer(), "D1", "MC1:FIRST").unwrap();
            save_in(&tx, db.sealer(), "D1", "MC1:SECOND").unwrap();
            tx.commit().unwrap();
        }
        assert_eq!(load(&db, "D1").unwrap().as_deref(), Some("MC1:SECOND"));
        let raw: String = db
            .connection()
            .unwrap()
            .query_row("SELECT text FROM receipts WHERE code = 'D1'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(!raw.contains("SECOND"), "sealed on disk: {raw}");
        // Sealed for its own row: copied under another code, it does not open.
        db.connection()
            .unwrap()
            .execute(
                "INSERT INTO receipts (code, text) VALUES ('D2', ?1)",
                params![raw],
            )
            .unwrap();
        assert!(load(&db, "D2").is_err());
    }

    #[test]
    fn the_trust_list_is_one_row_replaced_by_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        assert_eq!(trust_list(&db).unwrap(), None);
        save_trust_list(&db, 1, b"first", 100).unwrap();
        save_trust_list(&db, 2, b"second", 200).unwrap();
        assert_eq!(trust_list(&db).unwrap(), Some((b"second".to_vec(), 200)));
        save_trust_list(&db, u64::MAX, b"huge", 300).unwrap();
        assert_eq!(trust_list(&db).unwrap(), Some((b"huge".to_vec(), 300)));
    }
}
