//! The tracking tables in the profile's SQLite: the dossiers the citizen follows (code,
//! procedure, status, appointment), their timeline of status changes (the desk's note,
//! reason and missing items sealed: [`DOSSIER_EVENT_NOTE`], [`DOSSIER_EVENT_REASON`],
//! [`DOSSIER_EVENT_MISSING`]) and the sync cursor. All of the tracking area's SQL is here;
//! `crate::tracking` holds the logic (what a dossier offers, when it is late).
//!
//! The functions are blocking: the sync calls them through [`Database::blocking`]; reading
//! one dossier is one short query, called directly.

use motcua_protocol::api::payments::PaymentStatus;
use motcua_protocol::api::tracking::{StatusChange, SyncResponse};
use motcua_protocol::dossier::DossierStatus;
use rusqlite::{Connection, OptionalExtension as _, params};

use super::payments::kept_status;
use super::policy::{DOSSIER_EVENT_MISSING, DOSSIER_EVENT_NOTE, DOSSIER_EVENT_REASON};
use super::seal::Sealer;
use super::{Database, StoreError};

/// A status as the phone's tables hold it (the protocol's wire name, written from
/// [`DossierStatus::as_str`]); anything else is a damaged database, never guessed.
pub(crate) fn status_of(text: &str) -> Result<DossierStatus, StoreError> {
    DossierStatus::parse(text).ok_or_else(|| StoreError::UnknownValue {
        column: "status",
        value: text.to_owned(),
    })
}

/// A followed dossier as the device holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StoredDossier {
    /// The procedure's code (empty until the phone knows it: a dossier first seen in a
    /// sync).
    pub procedure_code: String,
    /// Its latest status.
    pub status: DossierStatus,
    /// The appointment date, once set.
    pub appointment_date: Option<String>,
    /// Its status changes, oldest first (the desk's words opened).
    pub timeline: Vec<StatusChange>,
    /// The device holds its receipt.
    pub holds_receipt: bool,
    /// Where its fee request, kept on the device, stands (none: none kept).
    pub fee: Option<PaymentStatus>,
}

/// Where the last sync stopped (0 before the first).
pub(crate) fn sync_cursor(database: &Database) -> Result<i64, StoreError> {
    Ok(database
        .connection()?
        .query_row("SELECT cursor FROM sync_state WHERE id = 1", [], |r| {
            r.get(0)
        })
        .optional()?
        .unwrap_or(0))
}

/// Stores one page of the sync in one transaction with its cursor, so an interrupted sync
/// resumes where it stopped: each change (once: by its sequence number), the dossier's
/// latest status and appointment, a receipt that came with it (the caller drops one that
/// is not a receipt); the cursor never goes back.
pub(crate) fn save_page(database: &Database, page: &SyncResponse) -> Result<(), StoreError> {
    let sealer = database.sealer();
    let mut connection = database.connection()?;
    let tx = connection.transaction()?;
    for change in &page.changes {
        let status = change.status.as_str();
        let missing = if change.missing.is_empty() {
            None
        } else {
            serde_json::to_string(&change.missing).ok()
        };
        let row = change.seq.to_string();
        tx.execute(
            "INSERT OR IGNORE INTO dossier_events
                 (seq, code, status, at, note, appointment_date, reason, missing)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                change.seq as i64,
                change.code,
                status,
                change.at,
                DOSSIER_EVENT_NOTE.seal_opt(sealer, &row, change.note.as_deref())?,
                change.appointment_date,
                DOSSIER_EVENT_REASON.seal_opt(sealer, &row, change.reason.as_deref())?,
                DOSSIER_EVENT_MISSING.seal_opt(sealer, &row, missing.as_deref())?,
            ],
        )?;
        tx.execute(
            "INSERT INTO dossiers (code, procedure_code, status, submitted_at, appointment_date)
             VALUES (?1, '', ?2, ?3, ?4)
             ON CONFLICT(code) DO UPDATE SET status = ?2,
                 appointment_date = COALESCE(?4, appointment_date)",
            params![change.code, status, change.at, change.appointment_date],
        )?;
        if let Some(text) = &change.receipt {
            super::receipts::save_in(&tx, sealer, &change.code, text)?;
        }
    }
    tx.execute(
        "INSERT INTO sync_state (id, cursor) VALUES (1, ?1)
         ON CONFLICT(id) DO UPDATE SET cursor = max(cursor, ?1)",
        params![page.cursor as i64],
    )?;
    tx.commit()?;
    Ok(())
}

/// Dossier `code` with its timeline, if the device follows it.
pub(crate) fn load(database: &Database, code: &str) -> Result<Option<StoredDossier>, StoreError> {
    let connection = database.connection()?;
    let row: Option<(String, String, Option<String>)> = connection
        .query_row(
            "SELECT procedure_code, status, appointment_date FROM dossiers WHERE code = ?1",
            params![code],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((procedure_code, status, appointment_date)) = row else {
        return Ok(None);
    };
    let mut statement = connection.prepare(
        "SELECT seq, status, at, note, appointment_date, reason, missing FROM dossier_events
         WHERE code = ?1 ORDER BY seq",
    )?;
    type EventRow = (i64, String, String, Option<String>, Option<String>);
    let rows = statement
        .query_map(params![code], |r| {
            let row: EventRow = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
            Ok((
                row,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let sealer = database.sealer();
    let mut timeline = Vec::with_capacity(rows.len());
    for ((seq, status, at, note, appointment_date), reason, missing) in rows {
        let row = seq.to_string();
        timeline.push(StatusChange {
            seq: seq.max(0) as u64,
            code: code.to_owned(),
            status: status_of(&status)?,
            at,
            note: DOSSIER_EVENT_NOTE.open_opt(sealer, &row, note.as_deref())?,
            appointment_date,
            reason: DOSSIER_EVENT_REASON.open_opt(sealer, &row, reason.as_deref())?,
            missing: DOSSIER_EVENT_MISSING
                .open_opt(sealer, &row, missing.as_deref())?
                .and_then(|text| serde_json::from_str(&text).ok())
                .unwrap_or_default(),
            receipt: None,
        });
    }
    let holds_receipt = connection
        .query_row(
            "SELECT 1 FROM receipts WHERE code = ?1",
            params![code],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    Ok(Some(StoredDossier {
        procedure_code,
        status: status_of(&status)?,
        appointment_date,
        timeline,
        holds_receipt,
        fee: kept_status(&connection, code)?,
    }))
}

/// What the desk asked for in its latest supplement request of dossier `code` (opened;
/// empty without a request, or when its list does not parse), on the caller's
/// connection.
pub(crate) fn requested_items(
    connection: &Connection,
    sealer: &Sealer,
    code: &str,
) -> Result<Vec<String>, StoreError> {
    let row: Option<(i64, Option<String>)> = connection
        .query_row(
            "SELECT seq, missing FROM dossier_events
             WHERE code = ?1 AND status = 'supplement_requested'
             ORDER BY seq DESC LIMIT 1",
            params![code],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let missing = match row {
        Some((seq, stored)) => {
            DOSSIER_EVENT_MISSING.open_opt(sealer, &seq.to_string(), stored.as_deref())?
        }
        None => None,
    };
    Ok(missing
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::secure_store::MemorySecureStore;

    fn database(dir: &std::path::Path) -> Database {
        Database::open(dir, Arc::new(MemorySecureStore::new())).unwrap()
    }

    fn change(seq: u64, code: &str, status: DossierStatus) -> StatusChange {
        StatusChange {
            seq,
            code: code.into(),
            status,
            at: format!("2026-12-0{seq}T08:00:00+07:00"),
            note: None,
            appointment_date: None,
            reason: None,
            missing: Vec::new(),
            receipt: None,
        }
    }

    fn page(cursor: u64, changes: Vec<StatusChange>) -> SyncResponse {
        SyncResponse {
            changes,
            cursor,
            more: false,
        }
    }

    #[test]
    fn a_page_is_stored_once_and_the_cursor_never_goes_back() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        assert_eq!(sync_cursor(&db).unwrap(), 0);
        assert_eq!(load(&db, "D1").unwrap(), None);
        let mut received = change(2, "D1", DossierStatus::Received);
        received.appointment_date = Some("2026-12-09".into());
        let first = page(
            2,
            vec![change(1, "D1", DossierStatus::Submitted), received.clone()],
        );
        save_page(&db, &first).unwrap();
        // The same page again (a sync whose answer was lost) adds nothing.
        save_page(&db, &first).unwrap();
        // A later change without an appointment keeps the one set.
        save_page(
            &db,
            &page(3, vec![change(3, "D1", DossierStatus::Processing)]),
        )
        .unwrap();
        save_page(&db, &page(1, Vec::new())).unwrap();
        assert_eq!(sync_cursor(&db).unwrap(), 3, "never back");
        let dossier = load(&db, "D1").unwrap().unwrap();
        assert_eq!(dossier.status, DossierStatus::Processing);
        assert_eq!(dossier.appointment_date.as_deref(), Some("2026-12-09"));
        assert_eq!(dossier.procedure_code, "", "not known from a sync");
        let statuses: Vec<_> = dossier.timeline.iter().map(|c| c.status).collect();
        assert_eq!(
            statuses,
            [
                DossierStatus::Submitted,
                DossierStatus::Received,
                DossierStatus::Processing
            ]
        );
        assert!(!dossier.holds_receipt);
        assert_eq!(dossier.fee, None);
    }

    #[test]
    fn the_desks_words_are_sealed_on_disk_and_opened_for_the_timeline() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        let mut asked = change(1, "D1", DossierStatus::SupplementRequested);
        asked.note = Some("Ghi chú NOTE-XYZ".into());
        asked.reason = Some("Lý do REASON-XYZ".into());
        asked.missing = vec!["Tờ khai MISSING-XYZ".into()];
        save_page(&db, &page(1, vec![asked.clone()])).unwrap();
        let raw: String = db
            .connection()
            .unwrap()
            .query_row(
                "SELECT note || reason || missing FROM dossier_events WHERE seq = 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        for word in ["NOTE-XYZ", "REASON-XYZ", "MISSING-XYZ"] {
            assert!(!raw.contains(word), "{word} in {raw}");
        }
        let timeline = load(&db, "D1").unwrap().unwrap().timeline;
        assert_eq!(timeline, vec![asked]);
    }

    #[test]
    fn a_status_this_build_does_not_know_is_a_storage_error_not_a_guess() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        save_page(
            &db,
            &page(1, vec![change(1, "D1", DossierStatus::Submitted)]),
        )
        .unwrap();
        db.connection()
            .unwrap()
            .execute("UPDATE dossiers SET status = 'teleported'", [])
            .unwrap();
        assert!(matches!(
            load(&db, "D1"),
            Err(StoreError::UnknownValue {
                column: "status",
                ..
            })
        ));
    }

    #[test]
    fn what_was_asked_for_is_the_latest_supplement_requests_list() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        let requested = |code: &str| requested_items(&db.connection().unwrap(), db.sealer(), code);
        assert!(requested("D1").unwrap().is_empty());
        let mut first = change(1, "D1", DossierStatus::SupplementRequested);
        first.missing = vec!["Tờ khai".into(), "Ảnh 4x6".into()];
        let mut second = change(3, "D1", DossierStatus::SupplementRequested);
        second.missing = vec!["Bản sao CCCD".into()];
        let mut other = change(4, "D2", DossierStatus::SupplementRequested);
        other.missing = vec!["Giấy ủy quyền".into()];
        save_page(
            &db,
            &page(
                4,
                vec![
                    first,
                    change(2, "D1", DossierStatus::Processing),
                    second,
                    other,
                ],
            ),
        )
        .unwrap();
        assert_eq!(requested("D1").unwrap(), ["Bản sao CCCD"]);
        assert_eq!(requested("D2").unwrap(), ["Giấy ủy quyền"]);
        // Sealed for its own event: moved to another, it does not open.
        db.connection()
            .unwrap()
            .execute(
                "UPDATE dossier_events SET missing = (SELECT missing FROM dossier_events WHERE seq = 1)
                 WHERE seq = 3",
                [],
            )
            .unwrap();
        assert!(requested("D1").is_err());
    }
}
