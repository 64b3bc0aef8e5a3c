//! The outbox's tables in the profile's SQLite: submissions waiting to be delivered (each
//! with its idempotency key and next attempt) and the dossiers this device filed (the
//! uploads' state is `uploads.rs`). `crate::dossier` holds the delivery
//! logic.
//!
//! The functions are blocking and short.

use motcua_protocol::api::dossiers::DossierSummary;
use motcua_protocol::dossier::DossierStatus;
use rusqlite::{OptionalExtension as _, Transaction, params};

use super::tracking::status_of;
use super::{Database, StoreError};

/// A dossier this device filed, as it last learned of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FiledDossier {
    /// The dossier code.
    pub code: String,
    /// The procedure's code.
    pub procedure_code: String,
    /// Its latest status.
    pub status: DossierStatus,
    /// When it was submitted (RFC 3339).
    pub submitted_at: String,
}

/// Records, in `tx`, what the portal answered about a filed dossier after a citizen's
/// action (a supplement answer, a withdrawal): its status, and its appointment when the
/// answer has one.
pub(crate) fn record_summary(
    tx: &Transaction<'_>,
    summary: &DossierSummary,
) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE dossiers SET status = ?2, appointment_date = COALESCE(?3, appointment_date)
         WHERE code = ?1",
        params![
            summary.code,
            summary.status.as_str(),
            summary.appointment_date
        ],
    )?;
    Ok(())
}

/// The drafts whose delivery is due at `now` (all of them with `force`), oldest first.
pub(crate) fn due(database: &Database, force: bool, now: i64) -> Result<Vec<String>, StoreError> {
    let connection = database.connection()?;
    let mut statement = connection.prepare(
        "SELECT draft_id FROM outbox WHERE ?1 OR next_attempt_at <= ?2 ORDER BY created_at",
    )?;
    let rows = statement.query_map(params![force, now], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many submissions wait in the outbox.
pub(crate) fn pending(database: &Database) -> Result<usize, StoreError> {
    let count: i64 = database
        .connection()?
        .query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?;
    Ok(usize::try_from(count.max(0)).unwrap_or(usize::MAX))
}

/// The dossiers filed from this device, newest first.
pub(crate) fn filed(database: &Database) -> Result<Vec<FiledDossier>, StoreError> {
    let connection = database.connection()?;
    let mut statement = connection.prepare(
        "SELECT code, procedure_code, status, submitted_at FROM dossiers
         ORDER BY submitted_at DESC, code DESC",
    )?;
    let rows = statement
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, String>(2)?, r.get(3)?))
        })?
        .collect::<Result<Vec<(String, String, String, String)>, _>>()?;
    rows.into_iter()
        .map(|(code, procedure_code, status, submitted_at)| {
            Ok(FiledDossier {
                status: status_of(&status)?,
                code,
                procedure_code,
                submitted_at,
            })
        })
        .collect()
}

/// Dossier `code`'s status as this device last learned it, if it knows the dossier.
pub(crate) fn local_status(
    database: &Database,
    code: &str,
) -> Result<Option<DossierStatus>, StoreError> {
    let status: Option<String> = database
        .connection()?
        .query_row(
            "SELECT status FROM dossiers WHERE code = ?1",
            params![code],
            |r| r.get(0),
        )
        .optional()?;
    status.as_deref().map(status_of).transpose()
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
    fn due_entries_are_those_whose_time_came_oldest_first() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        assert_eq!(pending(&db).unwrap(), 0);
        let connection = db.connection().unwrap();
        for (draft, next, created) in [("late", 500, 2), ("first", 100, 1), ("now", 300, 3)] {
            connection
                .execute(
                    "INSERT INTO drafts (id, procedure_code, state, created_at, updated_at)
                     VALUES (?1, '1.004194', 'submitting', 0, 0)",
                    params![draft],
                )
                .unwrap();
            connection
                .execute(
                    "INSERT INTO outbox (draft_id, idempotency_key, next_attempt_at, created_at)
                     VALUES (?1, ?1, ?2, ?3)",
                    params![draft, next, created],
                )
                .unwrap();
        }
        drop(connection);
        assert_eq!(pending(&db).unwrap(), 3);
        assert_eq!(due(&db, false, 300).unwrap(), ["first", "now"]);
        assert_eq!(due(&db, true, 0).unwrap(), ["first", "late", "now"]);
    }

    #[test]
    fn filed_dossiers_and_their_status_are_read_and_an_unknown_status_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        assert_eq!(local_status(&db, "D1").unwrap(), None);
        let connection = db.connection().unwrap();
        for (code, status, at) in [
            ("D1", "received", "2026-12-01T08:00:00+07:00"),
            ("D2", "submitted", "2026-12-02T08:00:00+07:00"),
        ] {
            connection
                .execute(
                    "INSERT INTO dossiers (code, procedure_code, status, submitted_at)
                     VALUES (?1, '1.004194', ?2, ?3)",
                    params![code, status, at],
                )
                .unwrap();
        }
        drop(connection);
        let codes: Vec<_> = filed(&db).unwrap().into_iter().map(|d| d.code).collect();
        assert_eq!(codes, ["D2", "D1"], "newest first");
        assert_eq!(
            local_status(&db, "D1").unwrap(),
            Some(DossierStatus::Received)
        );
        db.connection()
            .unwrap()
            .execute("UPDATE dossiers SET status = 'lost' WHERE code = 'D1'", [])
            .unwrap();
        assert!(local_status(&db, "D1").is_err());
        assert!(filed(&db).is_err());
    }
}
