//! The withdrawals' queue in the profile's SQLite: each withdrawal the citizen asked for,
//! with its idempotency key chosen once, its note (sealed at the source under
//! [`note_context`]) and when to try again (the last failure sealed,
//! [`WITHDRAWAL_LAST_ERROR`]). `crate::dossier` holds the logic (the lifecycle's check,
//! the delivery).
//!
//! The functions are blocking and short: the dossier area calls them through
//! [`Database::blocking`] from its async calls.

use motcua_protocol::api::dossiers::DossierSummary;
use rusqlite::{OptionalExtension as _, params};

use super::policy::WITHDRAWAL_LAST_ERROR;
use super::{Database, StoreError};

/// Sealing context of a withdrawal's note.
pub(crate) fn note_context(code: &str) -> String {
    format!("withdrawal-note:{code}")
}

/// A withdrawal waiting to be delivered, its note opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PendingWithdrawal {
    /// The dossier's code.
    pub(crate) code: String,
    /// The idempotency key of every attempt.
    pub(crate) key: String,
    /// Why the citizen withdraws, if they said.
    pub(crate) note: Option<String>,
    /// Attempts made so far.
    pub(crate) attempts: i64,
    /// When the next attempt is due (Unix seconds).
    pub(crate) next_attempt_at: i64,
}

/// Queues the withdrawal of dossier `code` with idempotency key `key` and `note` (sealed
/// here), due at `now`. A withdrawal already queued is left as it is, key and all.
pub(crate) fn queue(
    database: &Database,
    code: &str,
    key: &str,
    note: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    let sealed = note
        .map(|note| database.sealer().seal(&note_context(code), note.as_bytes()))
        .transpose()?;
    database.connection()?.execute(
        "INSERT OR IGNORE INTO pending_withdrawals
             (dossier_code, idempotency_key, note, next_attempt_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?4)",
        params![code, key, sealed, now],
    )?;
    Ok(())
}

/// The queued withdrawal of dossier `code`, if there is one.
pub(crate) fn load(
    database: &Database,
    code: &str,
) -> Result<Option<PendingWithdrawal>, StoreError> {
    let row: Option<(String, Option<Vec<u8>>, i64, i64)> = database
        .connection()?
        .query_row(
            "SELECT idempotency_key, note, attempts, next_attempt_at
             FROM pending_withdrawals WHERE dossier_code = ?1",
            params![code],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((key, sealed, attempts, next_attempt_at)) = row else {
        return Ok(None);
    };
    let note = sealed
        .map(|sealed| database.sealer().open_string(&note_context(code), &sealed))
        .transpose()?;
    Ok(Some(PendingWithdrawal {
        code: code.to_owned(),
        key,
        note,
        attempts,
        next_attempt_at,
    }))
}

/// The codes of the queued withdrawals, oldest first.
pub(crate) fn queued(database: &Database) -> Result<Vec<String>, StoreError> {
    let connection = database.connection()?;
    let mut statement =
        connection.prepare("SELECT dossier_code FROM pending_withdrawals ORDER BY created_at")?;
    let rows = statement.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The portal withdrew dossier `code`: what it answered is recorded and the withdrawal
/// leaves the queue, in one transaction.
pub(crate) fn delivered(
    database: &Database,
    code: &str,
    summary: &DossierSummary,
) -> Result<(), StoreError> {
    let mut connection = database.connection()?;
    let tx = connection.transaction()?;
    super::outbox::record_summary(&tx, summary)?;
    tx.execute(
        "DELETE FROM pending_withdrawals WHERE dossier_code = ?1",
        params![code],
    )?;
    tx.commit()?;
    Ok(())
}

/// An attempt to withdraw dossier `code` failed for now (`reason`, sealed): one more
/// attempt counted, the next due at `next_attempt_at`.
pub(crate) fn postpone(
    database: &Database,
    code: &str,
    next_attempt_at: i64,
    reason: &str,
) -> Result<(), StoreError> {
    let sealed = WITHDRAWAL_LAST_ERROR.seal(database.sealer(), code, reason)?;
    database.connection()?.execute(
        "UPDATE pending_withdrawals
         SET attempts = attempts + 1, next_attempt_at = ?2, last_error = ?3
         WHERE dossier_code = ?1",
        params![code, next_attempt_at, sealed],
    )?;
    Ok(())
}

/// The portal refused to withdraw dossier `code`: the withdrawal leaves the queue.
pub(crate) fn refused(database: &Database, code: &str) -> Result<(), StoreError> {
    database.connection()?.execute(
        "DELETE FROM pending_withdrawals WHERE dossier_code = ?1",
        params![code],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use motcua_protocol::dossier::DossierStatus;

    use super::*;
    use crate::secure_store::MemorySecureStore;

    fn database(dir: &std::path::Path) -> Database {
        Database::open(dir, Arc::new(MemorySecureStore::new())).unwrap()
    }

    fn summary(code: &str, status: &str, appointment: Option<&str>) -> DossierSummary {
        serde_json::from_value(serde_json::json!({
            "code": code,
            "procedure_code": "1.004194",
            "status": status,
            "submitted_at": "2026-12-01T08:00:00+07:00",
            "attachments": [],
            "appointment_date": appointment,
        }))
        .unwrap()
    }

    #[test]
    fn a_withdrawal_is_queued_once_with_its_note_sealed() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        assert_eq!(load(&db, "D1").unwrap(), None);
        queue(&db, "D1", "key-1", Some("Tôi đã nộp nhầm"), 100).unwrap();
        queue(&db, "D1", "key-2", None, 200).unwrap();
        queue(&db, "D0", "key-0", None, 50).unwrap();
        assert_eq!(
            load(&db, "D1").unwrap(),
            Some(PendingWithdrawal {
                code: "D1".into(),
                key: "key-1".into(),
                note: Some("Tôi đã nộp nhầm".into()),
                attempts: 0,
                next_attempt_at: 100,
            }),
            "the first queuing stays, key and note"
        );
        assert_eq!(load(&db, "D0").unwrap().unwrap().note, None);
        assert_eq!(queued(&db).unwrap(), ["D0", "D1"], "oldest first");
        let raw: Vec<u8> = db
            .connection()
            .unwrap()
            .query_row(
                "SELECT note FROM pending_withdrawals WHERE dossier_code = 'D1'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            !String::from_utf8_lossy(&raw).contains("nhầm"),
            "sealed on disk"
        );
        // Sealed for its own dossier: moved to another, it does not open.
        db.connection()
            .unwrap()
            .execute(
                "UPDATE pending_withdrawals SET note = ?1 WHERE dossier_code = 'D0'",
                params![raw],
            )
            .unwrap();
        assert!(load(&db, "D0").is_err());
    }

    #[test]
    fn a_postponed_withdrawal_counts_its_attempt_and_keeps_the_reason_sealed() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        queue(&db, "D1", "key-1", None, 100).unwrap();
        postpone(&db, "D1", 160, "portal unavailable: Nguyễn Văn A").unwrap();
        postpone(&db, "D1", 230, "portal unavailable again").unwrap();
        let pending = load(&db, "D1").unwrap().unwrap();
        assert_eq!((pending.attempts, pending.next_attempt_at), (2, 230));
        let stored: String = db
            .connection()
            .unwrap()
            .query_row(
                "SELECT last_error FROM pending_withdrawals WHERE dossier_code = 'D1'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            WITHDRAWAL_LAST_ERROR
                .open(db.sealer(), "D1", &stored)
                .unwrap(),
            "portal unavailable again"
        );
        refused(&db, "D1").unwrap();
        assert_eq!(load(&db, "D1").unwrap(), None);
        assert!(queued(&db).unwrap().is_empty());
    }

    #[test]
    fn a_delivered_withdrawal_records_the_portals_answer_and_leaves_the_queue() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        db.connection()
            .unwrap()
            .execute(
                "INSERT INTO dossiers (code, procedure_code, status, submitted_at, appointment_date)
                 VALUES ('D1', '1.004194', 'received', '2026-12-01T08:00:00+07:00', '2026-12-10')",
                [],
            )
            .unwrap();
        queue(&db, "D1", "key-1", None, 100).unwrap();
        queue(&db, "D2", "key-2", None, 100).unwrap();
        delivered(&db, "D1", &summary("D1", "withdrawn", None)).unwrap();
        assert_eq!(queued(&db).unwrap(), ["D2"]);
        let (status, appointment): (String, Option<String>) = db
            .connection()
            .unwrap()
            .query_row(
                "SELECT status, appointment_date FROM dossiers WHERE code = 'D1'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(status, DossierStatus::Withdrawn.as_str());
        assert_eq!(
            appointment.as_deref(),
            Some("2026-12-10"),
            "kept without one"
        );
    }
}
