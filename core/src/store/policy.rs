//! What the phone's database may keep readable: every column of every table is classified
//! here, once, as sealed or not personal, with the reason.
//!
//! A column is personal when it can hold a name, an ID number, an address, a date of birth
//! or free text written by a person (the citizen, the desk, a portal message that may echo
//! a value). Personal columns are sealed with AES-256-GCM under the profile's data key (the
//! one in the platform keystore, see [`crate::dossier::SealError`]); the additional data of
//! each seal names its table, column and row, so a sealed value moved elsewhere does not
//! open.
//!
//! **Adding a table or a column** (a new migration in `store.rs`): add one line per column
//! to [`COLUMN_POLICY`]. A personal text column is `sealed(&COLUMN, …)` with a
//! [`SealedColumn`] constant, written with [`SealedColumn::seal`] and read with
//! [`SealedColumn::open`]; a public or technical one is `not_personal(table, column, why)`.
//! The test `every_column_of_the_schema_is_classified` fails on a column missing here and
//! on an entry that names no column.
//!
//! Values sealed here are stored in the column's own TEXT type as [`SEALED_PREFIX`]
//! followed by the base64 of nonce ‖ ciphertext ‖ tag, so no table had to be rebuilt. A
//! database written before this policy holds plaintext in those columns: [`seal_existing`]
//! seals it once, when the store opens, in one transaction that also sets the marker
//! ([`SEALED_FORMAT`] in SQLite's `application_id`): a kill midway leaves the file as it
//! was, and the next open does it again.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rusqlite::{Connection, params};

use super::seal::Sealer;
use crate::dossier::SealError;

use super::StoreError;

/// Marks a sealed value in a TEXT column (followed by base64).
pub const SEALED_PREFIX: &str = "sealed.v1:";

/// SQLite `application_id` of a profile whose personal columns are all sealed (`MC`, 1).
/// Absent (0) on a file written before the policy: [`seal_existing`] then runs.
pub const SEALED_FORMAT: i32 = 0x4D43_0001;

/// A personal TEXT column, sealed per row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SealedColumn {
    /// The table.
    pub table: &'static str,
    /// The column.
    pub column: &'static str,
    /// The column naming the row (its primary key), part of each seal's additional data.
    pub row_key: &'static str,
}

impl SealedColumn {
    fn context(&self, row: &str) -> String {
        format!("column:{}.{}:{row}", self.table, self.column)
    }

    /// Seals `plain` for row `row` (the value of [`SealedColumn::row_key`]).
    pub(crate) fn seal(
        &self,
        sealer: &Sealer,
        row: &str,
        plain: &str,
    ) -> Result<String, SealError> {
        let sealed = sealer.seal(&self.context(row), plain.as_bytes())?;
        Ok(format!("{SEALED_PREFIX}{}", STANDARD.encode(sealed)))
    }

    /// [`SealedColumn::seal`] of an optional value.
    pub(crate) fn seal_opt(
        &self,
        sealer: &Sealer,
        row: &str,
        plain: Option<&str>,
    ) -> Result<Option<String>, SealError> {
        plain.map(|plain| self.seal(sealer, row, plain)).transpose()
    }

    /// Opens what [`SealedColumn::seal`] stored for the same row.
    pub(crate) fn open(
        &self,
        sealer: &Sealer,
        row: &str,
        stored: &str,
    ) -> Result<String, SealError> {
        let encoded = stored
            .strip_prefix(SEALED_PREFIX)
            .ok_or(SealError::Unreadable)?;
        let sealed = STANDARD
            .decode(encoded)
            .map_err(|_| SealError::Unreadable)?;
        sealer.open_string(&self.context(row), &sealed)
    }

    /// [`SealedColumn::open`] of an optional value.
    pub(crate) fn open_opt(
        &self,
        sealer: &Sealer,
        row: &str,
        stored: Option<&str>,
    ) -> Result<Option<String>, SealError> {
        stored
            .map(|stored| self.open(sealer, row, stored))
            .transpose()
    }
}

/// The desk's note on a status change.
pub const DOSSIER_EVENT_NOTE: SealedColumn = column("dossier_events", "note", "seq");
/// The desk's reason for a refusal or a supplement request.
pub const DOSSIER_EVENT_REASON: SealedColumn = column("dossier_events", "reason", "seq");
/// The desk's list of missing items (JSON), free text.
pub const DOSSIER_EVENT_MISSING: SealedColumn = column("dossier_events", "missing", "seq");
/// The receipt text (`MC1:…`): it carries the applicant digest and the dossier's details.
pub const RECEIPT_TEXT: SealedColumn = column("receipts", "text", "code");
/// Why the portal refused a draft: its message may echo a value of the form.
pub const DRAFT_FAILURE: SealedColumn = column("drafts", "failure", "id");
/// Why the last delivery attempt failed (a portal message).
pub const OUTBOX_LAST_ERROR: SealedColumn = column("outbox", "last_error", "draft_id");
/// Why the last withdrawal attempt failed (a portal message).
pub const WITHDRAWAL_LAST_ERROR: SealedColumn =
    column("pending_withdrawals", "last_error", "dossier_code");
/// A dossier's payment request as the portal showed it (JSON): its fee e-receipt names
/// the payer.
pub const PAYMENT_VIEW: SealedColumn = column("payments", "view", "code");
/// The volunteer's identity (subject) on an assisted session.
pub const ASSISTED_BY: SealedColumn = column("assisted_sessions", "assisted_by", "id");

const fn column(table: &'static str, column: &'static str, row_key: &'static str) -> SealedColumn {
    SealedColumn {
        table,
        column,
        row_key,
    }
}

/// How a column is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protection {
    /// Personal, sealed through this module ([`SealedColumn`]).
    Sealed(SealedColumn),
    /// Personal, sealed where it is written since the column exists (draft values, file
    /// names, the person filed for, the withdrawal note), a BLOB under its own context.
    SealedAtSource,
    /// Holds nothing personal.
    NotPersonal,
}

/// The classification of one column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnPolicy {
    /// The table.
    pub table: &'static str,
    /// The column.
    pub column: &'static str,
    /// How it is protected.
    pub protection: Protection,
    /// Why: what it holds.
    pub reason: &'static str,
}

const fn sealed(column: &SealedColumn, reason: &'static str) -> ColumnPolicy {
    ColumnPolicy {
        table: column.table,
        column: column.column,
        protection: Protection::Sealed(*column),
        reason,
    }
}

const fn sealed_at_source(
    table: &'static str,
    column: &'static str,
    reason: &'static str,
) -> ColumnPolicy {
    ColumnPolicy {
        table,
        column,
        protection: Protection::SealedAtSource,
        reason,
    }
}

const fn not_personal(
    table: &'static str,
    column: &'static str,
    reason: &'static str,
) -> ColumnPolicy {
    ColumnPolicy {
        table,
        column,
        protection: Protection::NotPersonal,
        reason,
    }
}

/// Every column of the phone's schema, one line each.
pub const COLUMN_POLICY: &[ColumnPolicy] = &[
    // Public caches.
    not_personal(
        "provider_cache",
        "issuer",
        "the identity provider's public URL",
    ),
    not_personal("provider_cache", "metadata", "public discovery document"),
    not_personal("provider_cache", "jwks", "public signing keys"),
    not_personal("provider_cache", "fetched_at", "time of the fetch"),
    not_personal("catalog_meta", "id", "single-row key"),
    not_personal("catalog_meta", "version", "public catalog version"),
    not_personal(
        "catalog_meta",
        "synthetic",
        "whether the shipped catalog is used",
    ),
    not_personal("catalog_meta", "fetched_at", "time of the fetch"),
    not_personal("procedures", "code", "public procedure code"),
    not_personal("procedures", "name_vi", "public procedure name"),
    not_personal("procedures", "name_en", "public procedure name"),
    not_personal("procedures", "field_vi", "public field of the procedure"),
    not_personal("procedures", "popularity", "public ranking"),
    not_personal("procedures", "summary", "public catalog summary"),
    not_personal("procedures", "detail_version", "public catalog version"),
    not_personal("procedure_aliases", "phrase", "public search phrase"),
    not_personal("procedure_aliases", "code", "public procedure code"),
    not_personal("procedure_details", "code", "public procedure code"),
    not_personal("procedure_details", "version", "public catalog version"),
    not_personal("procedure_details", "body", "public procedure detail"),
    not_personal("procedure_details", "fetched_at", "time of the fetch"),
    not_personal("catalog_downloads", "path", "public catalog endpoint"),
    not_personal(
        "catalog_downloads",
        "validator",
        "ETag of a public download",
    ),
    not_personal(
        "catalog_downloads",
        "received",
        "bytes of a public download",
    ),
    not_personal("catalog_downloads", "updated_at", "time of the last byte"),
    not_personal("receipt_trust_list", "id", "single-row key"),
    not_personal("receipt_trust_list", "sequence", "public list sequence"),
    not_personal("receipt_trust_list", "signed", "public signed key list"),
    not_personal("receipt_trust_list", "fetched_at", "time of the fetch"),
    // Drafts and the outbox.
    not_personal("drafts", "id", "random id"),
    not_personal("drafts", "procedure_code", "public procedure code"),
    not_personal("drafts", "state", "editing, submitting or submitted"),
    not_personal("drafts", "created_at", "time"),
    not_personal("drafts", "updated_at", "time"),
    sealed(
        &DRAFT_FAILURE,
        "the portal's refusal, may echo a form value",
    ),
    not_personal("drafts", "dossier_code", "the portal's reference"),
    not_personal("drafts", "answers_dossier", "the portal's reference"),
    sealed_at_source(
        "drafts",
        "on_behalf_of",
        "the person filed for (binding.rs)",
    ),
    not_personal("draft_fields", "draft_id", "random id"),
    not_personal("draft_fields", "field_id", "the form's field id"),
    sealed_at_source(
        "draft_fields",
        "sealed",
        "the field value (field:<draft>:<field>)",
    ),
    not_personal("draft_fields", "prefilled", "flag"),
    not_personal("draft_fields", "updated_at", "time"),
    not_personal("draft_attachments", "id", "row id"),
    not_personal("draft_attachments", "draft_id", "random id"),
    not_personal(
        "draft_attachments",
        "requirement",
        "the procedure's document id",
    ),
    sealed_at_source(
        "draft_attachments",
        "file_name",
        "file-name:<draft>:<requirement>",
    ),
    not_personal("draft_attachments", "media_type", "e.g. image/jpeg"),
    not_personal("draft_attachments", "size", "byte count"),
    not_personal(
        "draft_attachments",
        "sha256",
        "digest the portal checks; bytes sealed",
    ),
    not_personal(
        "draft_attachments",
        "blob",
        "random file name of the sealed bytes",
    ),
    not_personal(
        "draft_attachments",
        "upload_url",
        "tus URL with a random id",
    ),
    not_personal("draft_attachments", "upload_offset", "byte count"),
    not_personal("draft_attachments", "uploaded", "flag"),
    not_personal("abandoned_uploads", "url", "tus URL with a random id"),
    not_personal("abandoned_uploads", "abandoned_at", "time"),
    not_personal("outbox", "draft_id", "random id"),
    not_personal("outbox", "idempotency_key", "random key"),
    not_personal("outbox", "attempts", "count"),
    not_personal("outbox", "next_attempt_at", "time"),
    sealed(&OUTBOX_LAST_ERROR, "a portal message, may echo a value"),
    not_personal("outbox", "created_at", "time"),
    not_personal(
        "pending_withdrawals",
        "dossier_code",
        "the portal's reference",
    ),
    not_personal("pending_withdrawals", "idempotency_key", "random key"),
    sealed_at_source(
        "pending_withdrawals",
        "note",
        "the citizen's note (withdrawal.rs)",
    ),
    not_personal("pending_withdrawals", "attempts", "count"),
    not_personal("pending_withdrawals", "next_attempt_at", "time"),
    sealed(&WITHDRAWAL_LAST_ERROR, "a portal message, may echo a value"),
    not_personal("pending_withdrawals", "created_at", "time"),
    // Tracking and receipts.
    not_personal("dossiers", "code", "the portal's reference"),
    not_personal("dossiers", "procedure_code", "public procedure code"),
    not_personal("dossiers", "status", "lifecycle status"),
    not_personal("dossiers", "submitted_at", "time"),
    not_personal("dossiers", "draft_id", "random id"),
    not_personal("dossiers", "appointment_date", "date set by the desk"),
    not_personal("dossier_events", "seq", "the portal's sequence number"),
    not_personal("dossier_events", "code", "the portal's reference"),
    not_personal("dossier_events", "status", "lifecycle status"),
    not_personal("dossier_events", "at", "time"),
    sealed(&DOSSIER_EVENT_NOTE, "free text from the desk"),
    not_personal("dossier_events", "appointment_date", "date set by the desk"),
    sealed(&DOSSIER_EVENT_REASON, "free text from the desk"),
    sealed(&DOSSIER_EVENT_MISSING, "free text from the desk"),
    not_personal("sync_state", "id", "single-row key"),
    not_personal("sync_state", "cursor", "the portal's sequence number"),
    sealed(&RECEIPT_TEXT, "applicant digest and the dossier's details"),
    not_personal("receipts", "code", "the portal's reference"),
    // Fees.
    not_personal("payments", "code", "the portal's reference"),
    not_personal("payments", "status", "where the fee stands"),
    sealed(&PAYMENT_VIEW, "the fee e-receipt names the payer"),
    not_personal("payments", "fetched_at", "time of the fetch"),
    // Assisted sessions (anonymous counts; decision 0003).
    not_personal("assisted_sessions", "id", "random id"),
    not_personal("assisted_sessions", "started_at", "time"),
    not_personal("assisted_sessions", "day", "date"),
    not_personal(
        "assisted_sessions",
        "consent_version",
        "version of the consent text",
    ),
    not_personal("assisted_sessions", "consent_at", "time"),
    sealed(&ASSISTED_BY, "the volunteer's identity"),
    not_personal("assisted_sessions", "ended_at", "time"),
    not_personal("assisted_sessions", "end_kind", "ended or abandoned"),
    not_personal("assisted_sessions", "helped", "flag"),
    not_personal("assisted_outcomes", "session_id", "random id"),
    not_personal(
        "assisted_outcomes",
        "procedure_code",
        "public procedure code",
    ),
    not_personal("assisted_outcomes", "outcome", "anonymous outcome"),
];

/// The columns sealed through this module.
pub fn sealed_columns() -> impl Iterator<Item = SealedColumn> {
    COLUMN_POLICY
        .iter()
        .filter_map(|policy| match policy.protection {
            Protection::Sealed(column) => Some(column),
            _ => None,
        })
}

/// Seals, once, what a database written before this policy keeps in plaintext in the
/// [`Protection::Sealed`] columns, then sets the marker, all in one transaction. Fast when
/// the marker is set; opens the data key only when there is something to seal.
pub(crate) fn seal_existing(
    connection: &mut Connection,
    sealer: &Sealer,
) -> Result<(), StoreError> {
    let format: i32 = connection.query_row("PRAGMA application_id", [], |row| row.get(0))?;
    if format == SEALED_FORMAT {
        return Ok(());
    }
    let tx = connection.transaction()?;
    let mut sealed = 0usize;
    for column in sealed_columns() {
        let SealedColumn {
            table,
            column: name,
            row_key,
        } = column;
        let rows: Vec<(String, String)> = {
            let mut statement = tx.prepare(&format!(
                "SELECT CAST({row_key} AS TEXT), {name} FROM {table} WHERE {name} IS NOT NULL"
            ))?;
            let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        for (row, value) in rows {
            // A value that already opens was sealed (a pass cut short cannot leave one, a
            // plaintext that only looks sealed does not open).
            if value.starts_with(SEALED_PREFIX) && column.open(sealer, &row, &value).is_ok() {
                continue;
            }
            let value = column.seal(sealer, &row, &value)?;
            tx.execute(
                &format!("UPDATE {table} SET {name} = ?2 WHERE CAST({row_key} AS TEXT) = ?1"),
                params![row, value],
            )?;
            sealed += 1;
        }
    }
    tx.pragma_update(None, "application_id", SEALED_FORMAT)?;
    tx.commit()?;
    if sealed > 0 {
        // Counts only: never a value.
        tracing::info!(
            values = sealed,
            "sealed the personal data of an older database"
        );
        connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::Arc;

    use super::*;
    use crate::secure_store::MemorySecureStore;
    use crate::store::{DATABASE_FILE, Database};

    fn open(dir: &std::path::Path) -> Database {
        Database::open(dir, Arc::new(MemorySecureStore::new())).unwrap()
    }

    #[test]
    fn every_column_of_the_schema_is_classified() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(dir.path());
        let connection = db.connection().unwrap();
        let mut statement = connection
            .prepare(
                "SELECT m.name, p.name FROM sqlite_master AS m, pragma_table_info(m.name) AS p
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
            )
            .unwrap();
        let schema: BTreeSet<(String, String)> = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(schema.len() > 50, "the schema was read: {schema:?}");
        let mut policy = BTreeSet::new();
        for entry in COLUMN_POLICY {
            assert!(!entry.reason.is_empty(), "{}.{}", entry.table, entry.column);
            assert!(
                policy.insert((entry.table.to_owned(), entry.column.to_owned())),
                "{}.{} classified twice",
                entry.table,
                entry.column
            );
        }
        let unclassified: Vec<_> = schema.difference(&policy).collect();
        assert!(
            unclassified.is_empty(),
            "columns not in store::policy::COLUMN_POLICY (classify each as sealed or not \
             personal): {unclassified:?}"
        );
        let stale: Vec<_> = policy.difference(&schema).collect();
        assert!(
            stale.is_empty(),
            "COLUMN_POLICY names columns the schema does not have: {stale:?}"
        );
        for column in sealed_columns() {
            assert!(
                schema.contains(&(column.table.to_owned(), column.row_key.to_owned())),
                "{column:?}: no row key column"
            );
        }
    }

    #[test]
    fn a_sealed_value_opens_only_in_its_row_and_column() {
        let sealer = Sealer::new(Arc::new(MemorySecureStore::new()));
        let stored = DOSSIER_EVENT_NOTE
            .seal(&sealer, "7", "Nguyễn Văn An")
            .unwrap();
        assert!(stored.starts_with(SEALED_PREFIX));
        assert!(!stored.contains("Nguyễn"));
        assert_eq!(
            DOSSIER_EVENT_NOTE.open(&sealer, "7", &stored).unwrap(),
            "Nguyễn Văn An"
        );
        assert!(DOSSIER_EVENT_NOTE.open(&sealer, "8", &stored).is_err());
        assert!(DOSSIER_EVENT_REASON.open(&sealer, "7", &stored).is_err());
        assert!(DOSSIER_EVENT_NOTE.open(&sealer, "7", "plain").is_err());
    }

    /// Writes plaintext rows as a build before the policy did.
    fn legacy_rows(connection: &Connection) {
        connection
            .execute_batch(
                "PRAGMA application_id = 0;
                 INSERT INTO dossier_events (seq, code, status, at, note, reason, missing)
                     VALUES (1, 'D1', 'rejected', 't', 'ghi chú LEGACY-NOTE',
                             'lý do LEGACY-REASON', '[\"LEGACY-MISSING\"]');
                 INSERT INTO receipts (code, text) VALUES ('D1', 'MC1:LEGACY-RECEIPT');
                 INSERT INTO drafts (id, procedure_code, state, created_at, updated_at, failure)
                     VALUES ('d', 'p', 'editing', 0, 0, 'LEGACY-FAILURE');
                 INSERT INTO outbox (draft_id, idempotency_key, next_attempt_at, last_error,
                     created_at) VALUES ('d', 'k', 0, 'LEGACY-OUTBOX', 0);
                 INSERT INTO pending_withdrawals (dossier_code, idempotency_key, next_attempt_at,
                     last_error, created_at) VALUES ('D1', 'k', 0, 'LEGACY-WITHDRAWAL', 0);
                 INSERT INTO assisted_sessions (id, started_at, day, consent_version, consent_at,
                     assisted_by) VALUES ('s', 0, 'd', 'v', 0, 'LEGACY-VOLUNTEER');",
            )
            .unwrap();
    }

    fn file_bytes(dir: &std::path::Path) -> Vec<u8> {
        let mut bytes = std::fs::read(dir.join(DATABASE_FILE)).unwrap();
        if let Ok(wal) = std::fs::read(dir.join(format!("{DATABASE_FILE}-wal"))) {
            bytes.extend(wal);
        }
        bytes
    }

    fn contains(haystack: &[u8], needle: &str) -> bool {
        haystack
            .windows(needle.len())
            .any(|window| window == needle.as_bytes())
    }

    #[test]
    fn an_older_database_is_sealed_once_at_open_and_reads_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let secure = Arc::new(MemorySecureStore::new());
        let db = Database::open(dir.path(), secure.clone()).unwrap();
        assert!(
            secure.keys().is_empty(),
            "an empty profile needs no data key"
        );
        legacy_rows(&db.connection().unwrap());
        drop(db);

        let db = Database::open(dir.path(), secure.clone()).unwrap();
        let bytes = file_bytes(dir.path());
        for legacy in [
            "LEGACY-NOTE",
            "LEGACY-REASON",
            "LEGACY-MISSING",
            "LEGACY-RECEIPT",
            "LEGACY-FAILURE",
            "LEGACY-OUTBOX",
            "LEGACY-WITHDRAWAL",
            "LEGACY-VOLUNTEER",
        ] {
            assert!(!contains(&bytes, legacy), "{legacy} still in the file");
        }
        let read = |db: &Database, column: &SealedColumn, row: &str| -> String {
            let stored: String = db
                .connection()
                .unwrap()
                .query_row(
                    &format!(
                        "SELECT {} FROM {} WHERE CAST({} AS TEXT) = ?1",
                        column.column, column.table, column.row_key
                    ),
                    params![row],
                    |r| r.get(0),
                )
                .unwrap();
            column.open(db.sealer(), row, &stored).unwrap()
        };
        assert_eq!(read(&db, &DOSSIER_EVENT_NOTE, "1"), "ghi chú LEGACY-NOTE");
        assert_eq!(
            read(&db, &DOSSIER_EVENT_MISSING, "1"),
            "[\"LEGACY-MISSING\"]"
        );
        assert_eq!(read(&db, &RECEIPT_TEXT, "D1"), "MC1:LEGACY-RECEIPT");
        assert_eq!(read(&db, &ASSISTED_BY, "s"), "LEGACY-VOLUNTEER");
        let before: String = db
            .connection()
            .unwrap()
            .query_row("SELECT note FROM dossier_events", [], |r| r.get(0))
            .unwrap();
        drop(db);

        // Idempotent: a second open (marker set) and a pass run again (marker lost) both
        // leave the sealed values as they are.
        let db = Database::open(dir.path(), secure.clone()).unwrap();
        {
            let mut connection = db.connection().unwrap();
            connection.pragma_update(None, "application_id", 0).unwrap();
            seal_existing(&mut connection, db.sealer()).unwrap();
            let after: String = connection
                .query_row("SELECT note FROM dossier_events", [], |r| r.get(0))
                .unwrap();
            assert_eq!(after, before);
        }
        assert_eq!(read(&db, &DOSSIER_EVENT_NOTE, "1"), "ghi chú LEGACY-NOTE");
    }

    #[test]
    fn a_pass_cut_short_leaves_the_file_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let secure = Arc::new(MemorySecureStore::new());
        let db = Database::open(dir.path(), secure.clone()).unwrap();
        legacy_rows(&db.connection().unwrap());
        {
            // A kill midway is a transaction that never commits.
            let mut connection = db.connection().unwrap();
            let tx = connection.transaction().unwrap();
            tx.execute("UPDATE dossier_events SET note = 'half'", [])
                .unwrap();
            tx.pragma_update(None, "application_id", SEALED_FORMAT)
                .unwrap();
            drop(tx);
            let format: i32 = connection
                .query_row("PRAGMA application_id", [], |r| r.get(0))
                .unwrap();
            assert_eq!(format, 0, "the marker is part of the transaction");
        }
        drop(db);
        let db = Database::open(dir.path(), secure).unwrap();
        let stored: String = db
            .connection()
            .unwrap()
            .query_row("SELECT note FROM dossier_events", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            DOSSIER_EVENT_NOTE.open(db.sealer(), "1", &stored).unwrap(),
            "ghi chú LEGACY-NOTE"
        );
    }
}
