//! The outbox's tables in the profile's SQLite: submissions waiting to be delivered (each
//! with its idempotency key and next attempt) and the dossiers this device filed (the
//! uploads' state is `uploads.rs`). `crate::dossier` holds the delivery
//! logic.
//!
//! The functions are blocking and short.

use motcua_protocol::api::dossiers::DossierSummary;
use motcua_protocol::dossier::DossierStatus;
use rusqlite::{OptionalExtension as _, Transaction, params};

use super::policy::{DRAFT_FAILURE, OUTBOX_LAST_ERROR};
use super::tracking::status_of;
use super::{Database, StoreError};

/// A submission's entry in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OutboxEntry {
    /// The idempotency key of every attempt.
    pub(crate) key: String,
    /// Attempts made so far.
    pub(crate) attempts: i64,
    /// When the next attempt is due (Unix seconds).
    pub(crate) next_attempt_at: i64,
}

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

/// Draft `draft_id`'s entry in the outbox, if it is there.
pub(crate) fn entry(
    database: &Database,
    draft_id: &str,
) -> Result<Option<OutboxEntry>, StoreError> {
    Ok(database
        .connection()?
        .query_row(
            "SELECT idempotency_key, attempts, next_attempt_at FROM outbox WHERE draft_id = ?1",
            params![draft_id],
            |r| {
                Ok(OutboxEntry {
                    key: r.get(0)?,
                    attempts: r.get(1)?,
                    next_attempt_at: r.get(2)?,
                })
            },
        )
        .optional()?)
}

/// The portal has draft `draft_id`'s dossier (`summary`), at `now`: the dossier is
/// recorded as filed (or, for a supplement answer, `answers_dossier`, the answered
/// dossier's status and appointment as the portal gave them; the sync brings the event
/// itself), the draft is submitted with the dossier's code, and its entry leaves the
/// outbox, in one transaction.
pub(crate) fn delivered(
    database: &Database,
    draft_id: &str,
    summary: &DossierSummary,
    answers_dossier: bool,
    now: i64,
) -> Result<(), StoreError> {
    let mut connection = database.connection()?;
    let tx = connection.transaction()?;
    if answers_dossier {
        record_summary(&tx, summary)?;
    } else {
        tx.execute(
            "INSERT OR IGNORE INTO dossiers (code, procedure_code, status, submitted_at, draft_id)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                summary.code,
                summary.procedure_code,
                "submitted",
                summary.submitted_at,
                draft_id
            ],
        )?;
    }
    tx.execute(
        "UPDATE drafts SET state = 'submitted', dossier_code = ?2, updated_at = ?3 WHERE id = ?1",
        params![draft_id, summary.code, now],
    )?;
    tx.execute("DELETE FROM outbox WHERE draft_id = ?1", params![draft_id])?;
    tx.commit()?;
    Ok(())
}

/// An attempt to deliver draft `draft_id` failed for now (`reason`, sealed): one more
/// attempt counted, the next due at `next_attempt_at`.
pub(crate) fn postpone(
    database: &Database,
    draft_id: &str,
    next_attempt_at: i64,
    reason: &str,
) -> Result<(), StoreError> {
    let sealed = OUTBOX_LAST_ERROR.seal(database.sealer(), draft_id, reason)?;
    database.connection()?.execute(
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2, last_error = ?3
         WHERE draft_id = ?1",
        params![draft_id, next_attempt_at, sealed],
    )?;
    Ok(())
}

/// The portal refused draft `draft_id` for good (`reason`, sealed): it is editable again
/// with the reason, at `now`, and leaves the outbox, in one transaction.
pub(crate) fn return_to_draft(
    database: &Database,
    draft_id: &str,
    reason: &str,
    now: i64,
) -> Result<(), StoreError> {
    let sealed = DRAFT_FAILURE.seal(database.sealer(), draft_id, reason)?;
    let mut connection = database.connection()?;
    let tx = connection.transaction()?;
    tx.execute(
        "UPDATE drafts SET state = 'editing', failure = ?2, updated_at = ?3 WHERE id = ?1",
        params![draft_id, sealed, now],
    )?;
    tx.execute("DELETE FROM outbox WHERE draft_id = ?1", params![draft_id])?;
    tx.commit()?;
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

/// The procedure of filed dossier `code` (empty for a dossier first seen in a sync), if
/// the device knows the dossier.
pub(crate) fn filed_procedure(
    database: &Database,
    code: &str,
) -> Result<Option<String>, StoreError> {
    Ok(database
        .connection()?
        .query_row(
            "SELECT procedure_code FROM dossiers WHERE code = ?1",
            params![code],
            |r| r.get(0),
        )
        .optional()?)
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
    use crate::dossier::DraftState;
    use crate::secure_store::MemorySecureStore;
    use crate::store::drafts;

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

    /// Draft `id`, frozen into the outbox with key `key-<id>` at 100.
    fn queued(db: &Database, id: &str) {
        drafts::create(db, id, "1.004194", 50, &[]).unwrap();
        drafts::freeze_into_outbox(db, id, &format!("key-{id}"), 100).unwrap();
    }

    #[test]
    fn a_postponed_entry_counts_its_attempts_and_keeps_the_reason_sealed() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        assert_eq!(entry(&db, "d1").unwrap(), None);
        queued(&db, "d1");
        let first = OutboxEntry {
            key: "key-d1".into(),
            attempts: 0,
            next_attempt_at: 100,
        };
        assert_eq!(entry(&db, "d1").unwrap(), Some(first));
        postpone(&db, "d1", 160, "network: Nguyễn Văn A").unwrap();
        postpone(&db, "d1", 230, "portal unavailable").unwrap();
        let later = entry(&db, "d1").unwrap().unwrap();
        assert_eq!((later.key.as_str(), later.attempts), ("key-d1", 2));
        assert_eq!(later.next_attempt_at, 230);
        let stored: String = db
            .connection()
            .unwrap()
            .query_row(
                "SELECT last_error FROM outbox WHERE draft_id = 'd1'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            OUTBOX_LAST_ERROR.open(db.sealer(), "d1", &stored).unwrap(),
            "portal unavailable"
        );
        // A failing query is an error, not a missing entry.
        db.connection()
            .unwrap()
            .execute_batch("ALTER TABLE outbox RENAME TO outbox_gone")
            .unwrap();
        assert!(entry(&db, "d1").is_err());
    }

    #[test]
    fn a_delivered_submission_is_filed_and_leaves_the_outbox() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        queued(&db, "d1");
        queued(&db, "d2");
        delivered(&db, "d1", &summary("D1", "submitted", None), false, 300).unwrap();
        assert_eq!(entry(&db, "d1").unwrap(), None);
        assert_eq!(due(&db, true, 0).unwrap(), ["d2"]);
        let row = drafts::load_draft(&db.connection().unwrap(), "d1").unwrap();
        assert_eq!(row.state, DraftState::Submitted);
        assert_eq!(
            (row.dossier_code.as_deref(), row.updated_at),
            (Some("D1"), 300)
        );
        assert_eq!(
            local_status(&db, "D1").unwrap(),
            Some(DossierStatus::Submitted)
        );
        let draft: String = db
            .connection()
            .unwrap()
            .query_row("SELECT draft_id FROM dossiers WHERE code = 'D1'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(draft, "d1");
    }

    #[test]
    fn a_delivered_supplement_answer_moves_the_answered_dossier_on() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        db.connection()
            .unwrap()
            .execute(
                "INSERT INTO dossiers (code, procedure_code, status, submitted_at, appointment_date)
                 VALUES ('D1', '1.004194', 'supplement_requested', '2026-12-01T08:00:00+07:00',
                         '2026-12-10')",
                [],
            )
            .unwrap();
        queued(&db, "answer");
        let answered = summary("D1", "processing", Some("2026-12-14"));
        delivered(&db, "answer", &answered, true, 300).unwrap();
        assert_eq!(
            local_status(&db, "D1").unwrap(),
            Some(DossierStatus::Processing)
        );
        assert_eq!(filed(&db).unwrap().len(), 1, "no dossier of its own");
        let appointment: String = db
            .connection()
            .unwrap()
            .query_row(
                "SELECT appointment_date FROM dossiers WHERE code = 'D1'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(appointment, "2026-12-14");
        let row = drafts::load_draft(&db.connection().unwrap(), "answer").unwrap();
        assert_eq!(row.state, DraftState::Submitted);
        assert_eq!(pending(&db).unwrap(), 0);
    }

    #[test]
    fn a_refused_submission_is_a_draft_again_with_the_reason_sealed() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        queued(&db, "d1");
        return_to_draft(&db, "d1", "số định danh 001099012345 không khớp", 400).unwrap();
        assert_eq!(entry(&db, "d1").unwrap(), None);
        let row = drafts::load_draft(&db.connection().unwrap(), "d1").unwrap();
        assert_eq!((row.state, row.updated_at), (DraftState::Editing, 400));
        let stored = row.failure.unwrap();
        assert!(!stored.contains("001099012345"), "sealed on disk");
        assert_eq!(
            DRAFT_FAILURE.open(db.sealer(), "d1", &stored).unwrap(),
            "số định danh 001099012345 không khớp"
        );
        assert!(DRAFT_FAILURE.open(db.sealer(), "d2", &stored).is_err());
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
