//! The drafts' tables in the profile's SQLite: drafts, their field values and attachments
//! (values, file names and blobs sealed, each under a context that names its place), and
//! the earlier values that pre-fill a new draft. `crate::dossier` holds the logic.

use rusqlite::{Connection, OptionalExtension as _, params};

use super::Database;
use super::seal::Sealer;
use crate::dossier::{AttachmentView, DossierError, DraftState};

/// A stored field value, opened.
pub(crate) struct StoredField {
    pub(crate) field_id: String,
    pub(crate) value: String,
    pub(crate) prefilled: bool,
}

/// A stored attachment (bytes not loaded).
pub(crate) struct StoredAttachment {
    pub(crate) id: i64,
    pub(crate) requirement: String,
    pub(crate) file_name: String,
    pub(crate) media_type: String,
    pub(crate) size: u64,
    pub(crate) sha256: String,
    pub(crate) blob: String,
    pub(crate) upload_url: Option<String>,
    pub(crate) uploaded: bool,
}

impl StoredAttachment {
    pub(crate) fn view(&self) -> AttachmentView {
        AttachmentView {
            id: self.id,
            requirement: self.requirement.clone(),
            file_name: self.file_name.clone(),
            media_type: self.media_type.clone(),
            size: self.size,
            uploaded: self.uploaded,
        }
    }
}

/// A draft's row.
pub(crate) struct DraftRow {
    pub(crate) id: String,
    pub(crate) procedure_code: String,
    pub(crate) state: DraftState,
    pub(crate) updated_at: i64,
    /// Sealed ([`crate::store::policy::DRAFT_FAILURE`]).
    pub(crate) failure: Option<String>,
    pub(crate) dossier_code: Option<String>,
    /// For a supplement answer: the dossier it answers.
    pub(crate) answers_dossier: Option<String>,
}

pub(crate) fn field_context(draft_id: &str, field_id: &str) -> String {
    format!("field:{draft_id}:{field_id}")
}

pub(crate) fn file_name_context(draft_id: &str, requirement: &str) -> String {
    format!("file-name:{draft_id}:{requirement}")
}

pub(crate) fn blob_context(blob: &str) -> String {
    format!("blob:{blob}")
}

fn state_of(text: &str) -> DraftState {
    match text {
        "submitting" => DraftState::Submitting,
        "submitted" => DraftState::Submitted,
        _ => DraftState::Editing,
    }
}

const DRAFT_COLUMNS: &str =
    "id, procedure_code, state, updated_at, failure, dossier_code, answers_dossier";

fn draft_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<DraftRow> {
    Ok(DraftRow {
        id: row.get(0)?,
        procedure_code: row.get(1)?,
        state: state_of(&row.get::<_, String>(2)?),
        updated_at: row.get(3)?,
        failure: row.get(4)?,
        dossier_code: row.get(5)?,
        answers_dossier: row.get(6)?,
    })
}

pub(crate) fn load_draft(conn: &Connection, draft_id: &str) -> Result<DraftRow, DossierError> {
    conn.query_row(
        &format!("SELECT {DRAFT_COLUMNS} FROM drafts WHERE id = ?1"),
        params![draft_id],
        draft_row,
    )
    .optional()?
    .ok_or_else(|| DossierError::UnknownDraft(draft_id.to_owned()))
}

pub(crate) fn list_drafts(conn: &Connection) -> Result<Vec<DraftRow>, DossierError> {
    let mut statement = conn.prepare(&format!(
        "SELECT {DRAFT_COLUMNS} FROM drafts ORDER BY updated_at DESC, id"
    ))?;
    let rows = statement.query_map([], draft_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The supplement answer of `dossier_code` not yet delivered, if one was started.
pub(crate) fn open_supplement_answer(
    conn: &Connection,
    dossier_code: &str,
) -> Result<Option<DraftRow>, DossierError> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {DRAFT_COLUMNS} FROM drafts
                 WHERE answers_dossier = ?1 AND state != 'submitted'
                 ORDER BY created_at DESC LIMIT 1"
            ),
            params![dossier_code],
            draft_row,
        )
        .optional()?)
}

/// Starts draft `id`, at `now`, answering the supplement request of dossier
/// `dossier_code` (of `procedure_code`).
pub(crate) fn create_supplement_answer(
    database: &Database,
    id: &str,
    procedure_code: &str,
    dossier_code: &str,
    now: i64,
) -> Result<(), DossierError> {
    database.connection()?.execute(
        "INSERT INTO drafts (id, procedure_code, state, created_at, updated_at, answers_dossier)
         VALUES (?1, ?2, 'editing', ?3, ?3, ?4)",
        params![id, procedure_code, now, dossier_code],
    )?;
    Ok(())
}

/// The procedure of the draft that filed dossier `dossier_code` on this device, if one
/// did (a dossier first seen in a sync does not carry its procedure).
pub(crate) fn procedure_of_filed(
    database: &Database,
    dossier_code: &str,
) -> Result<Option<String>, DossierError> {
    Ok(database
        .connection()?
        .query_row(
            "SELECT procedure_code FROM drafts WHERE dossier_code = ?1 AND answers_dossier IS NULL",
            params![dossier_code],
            |r| r.get(0),
        )
        .optional()?)
}

pub(crate) fn load_fields(
    conn: &Connection,
    sealer: &Sealer,
    draft_id: &str,
) -> Result<Vec<StoredField>, DossierError> {
    let mut statement = conn.prepare_cached(
        "SELECT field_id, sealed, prefilled FROM draft_fields WHERE draft_id = ?1",
    )?;
    let rows = statement.query_map(params![draft_id], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, Vec<u8>>(1)?,
            row.get::<_, bool>(2)?,
        ))
    })?;
    let mut fields = Vec::new();
    for row in rows {
        let (field_id, sealed, prefilled) = row?;
        let value = sealer.open_string(&field_context(draft_id, &field_id), &sealed)?;
        fields.push(StoredField {
            field_id,
            value,
            prefilled,
        });
    }
    Ok(fields)
}

pub(crate) fn load_attachments(
    conn: &Connection,
    sealer: &Sealer,
    draft_id: &str,
) -> Result<Vec<StoredAttachment>, DossierError> {
    let mut statement = conn.prepare_cached(
        "SELECT id, requirement, file_name, media_type, size, sha256, blob, upload_url,
                uploaded
         FROM draft_attachments WHERE draft_id = ?1 ORDER BY id",
    )?;
    let rows = statement.query_map(params![draft_id], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Vec<u8>>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, i64>(4)?,
            row.get::<_, String>(5)?,
            row.get::<_, String>(6)?,
            row.get::<_, Option<String>>(7)?,
            row.get::<_, bool>(8)?,
        ))
    })?;
    let mut attachments = Vec::new();
    for row in rows {
        let (id, requirement, file_name, media_type, size, sha256, blob, upload_url, uploaded) =
            row?;
        let file_name =
            sealer.open_string(&file_name_context(draft_id, &requirement), &file_name)?;
        attachments.push(StoredAttachment {
            id,
            requirement,
            file_name,
            media_type,
            size: size.max(0) as u64,
            sha256,
            blob,
            upload_url,
            uploaded,
        });
    }
    Ok(attachments)
}

/// The latest value of `field_id` in the citizen's earlier submitted dossiers.
pub(crate) fn earlier_value(
    conn: &Connection,
    sealer: &Sealer,
    field_id: &str,
) -> Result<Option<String>, DossierError> {
    let row: Option<(String, Vec<u8>)> = conn
        .query_row(
            "SELECT f.draft_id, f.sealed FROM draft_fields f JOIN drafts d ON d.id = f.draft_id
             WHERE d.state = 'submitted' AND f.field_id = ?1
             ORDER BY d.updated_at DESC LIMIT 1",
            params![field_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    match row {
        Some((draft_id, sealed)) => Ok(Some(
            sealer.open_string(&field_context(&draft_id, field_id), &sealed)?,
        )),
        None => Ok(None),
    }
}

/// Creates draft `id` of `procedure_code` at `now` with its pre-filled values (marked
/// so), in one transaction.
pub(crate) fn create(
    database: &Database,
    id: &str,
    procedure_code: &str,
    now: i64,
    prefilled: &[(String, String)],
) -> Result<(), DossierError> {
    let sealer = database.sealer();
    let mut connection = database.connection()?;
    let tx = connection.transaction()?;
    tx.execute(
        "INSERT INTO drafts (id, procedure_code, state, created_at, updated_at)
         VALUES (?1, ?2, 'editing', ?3, ?3)",
        params![id, procedure_code, now],
    )?;
    for (field_id, value) in prefilled {
        let sealed = sealer.seal(&field_context(id, field_id), value.as_bytes())?;
        tx.execute(
            "INSERT INTO draft_fields (draft_id, field_id, sealed, prefilled, updated_at)
             VALUES (?1, ?2, ?3, 1, ?4)",
            params![id, field_id, sealed, now],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// Saves (with a value) or clears (without) one field of a draft being edited, at `now`;
/// [`DossierError::NotEditable`] when the draft was frozen meanwhile (checked inside the
/// transaction: a submit may have frozen it since the caller looked).
pub(crate) fn save_field(
    database: &Database,
    draft_id: &str,
    field_id: &str,
    value: Option<&str>,
    now: i64,
) -> Result<(), DossierError> {
    let sealer = database.sealer();
    let mut connection = database.connection()?;
    let tx = connection.transaction()?;
    let editing: bool = tx.query_row(
        "SELECT state = 'editing' FROM drafts WHERE id = ?1",
        params![draft_id],
        |r| r.get(0),
    )?;
    if !editing {
        return Err(DossierError::NotEditable);
    }
    match value {
        Some(text) => {
            let sealed = sealer.seal(&field_context(draft_id, field_id), text.as_bytes())?;
            tx.execute(
                "INSERT INTO draft_fields (draft_id, field_id, sealed, prefilled, updated_at)
                 VALUES (?1, ?2, ?3, 0, ?4)
                 ON CONFLICT(draft_id, field_id) DO UPDATE
                 SET sealed = ?3, prefilled = 0, updated_at = ?4",
                params![draft_id, field_id, sealed, now],
            )?;
        }
        None => {
            tx.execute(
                "DELETE FROM draft_fields WHERE draft_id = ?1 AND field_id = ?2",
                params![draft_id, field_id],
            )?;
        }
    }
    tx.execute(
        "UPDATE drafts SET updated_at = ?2, failure = NULL WHERE id = ?1",
        params![draft_id, now],
    )?;
    tx.commit()?;
    Ok(())
}

/// An attachment about to be recorded: its blob is already on disk, sealed.
pub(crate) struct NewAttachment<'a> {
    /// The document requirement.
    pub requirement: &'a str,
    /// The name shown (sealed here).
    pub file_name: &'a str,
    /// The prepared file's media type.
    pub media_type: &'a str,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256, hexadecimal.
    pub sha256: &'a str,
    /// The blob's name in the attachments directory.
    pub blob: &'a str,
}

/// Records an attachment of draft `draft_id` at `now`; its row id.
pub(crate) fn insert_attachment(
    database: &Database,
    draft_id: &str,
    attachment: &NewAttachment<'_>,
    now: i64,
) -> Result<i64, DossierError> {
    let sealed_name = database.sealer().seal(
        &file_name_context(draft_id, attachment.requirement),
        attachment.file_name.as_bytes(),
    )?;
    let mut connection = database.connection()?;
    let tx = connection.transaction()?;
    tx.execute(
        "INSERT INTO draft_attachments (draft_id, requirement, file_name, media_type, size, sha256, blob)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            draft_id,
            attachment.requirement,
            sealed_name,
            attachment.media_type,
            i64::try_from(attachment.size).unwrap_or(i64::MAX),
            attachment.sha256,
            attachment.blob
        ],
    )?;
    let id = tx.last_insert_rowid();
    tx.execute(
        "UPDATE drafts SET updated_at = ?2 WHERE id = ?1",
        params![draft_id, now],
    )?;
    tx.commit()?;
    Ok(id)
}

/// Removes attachment `attachment_id` of a draft being edited; the blob to delete, if
/// there was such an attachment. Its upload, if one was made, is recorded as abandoned
/// (the portal is asked to delete it), in the same transaction.
pub(crate) fn remove_attachment(
    database: &Database,
    draft_id: &str,
    attachment_id: i64,
) -> Result<Option<String>, DossierError> {
    let mut connection = database.connection()?;
    let row = load_draft(&connection, draft_id)?;
    if row.state != DraftState::Editing {
        return Err(DossierError::NotEditable);
    }
    let tx = connection.transaction()?;
    let removed: Option<(String, Option<String>)> = tx
        .query_row(
            "DELETE FROM draft_attachments WHERE id = ?1 AND draft_id = ?2
             RETURNING blob, upload_url",
            params![attachment_id, draft_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((_, url)) = &removed {
        super::uploads::abandon(&tx, url.as_slice())?;
    }
    tx.commit()?;
    Ok(removed.map(|(blob, _)| blob))
}

/// Deletes a draft that is not being submitted, with its rows; the blobs to delete. An
/// unsent draft's uploads are recorded as abandoned; a submitted one's belong to its
/// dossier now.
pub(crate) fn delete(database: &Database, draft_id: &str) -> Result<Vec<String>, DossierError> {
    let mut connection = database.connection()?;
    let row = load_draft(&connection, draft_id)?;
    if row.state == DraftState::Submitting {
        return Err(DossierError::NotEditable);
    }
    let tx = connection.transaction()?;
    let attachments: Vec<(String, Option<String>)> = {
        let mut statement =
            tx.prepare("SELECT blob, upload_url FROM draft_attachments WHERE draft_id = ?1")?;
        let rows = statement.query_map(params![draft_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    let (blobs, urls): (Vec<String>, Vec<Option<String>>) = attachments.into_iter().unzip();
    if row.state == DraftState::Editing {
        super::uploads::abandon(&tx, &urls.into_iter().flatten().collect::<Vec<_>>())?;
    }
    tx.execute("DELETE FROM drafts WHERE id = ?1", params![draft_id])?;
    tx.commit()?;
    Ok(blobs)
}

/// Freezes a draft being edited and puts it in the outbox with idempotency key `key`, in
/// one transaction (a draft already frozen is left as it is).
pub(crate) fn freeze_into_outbox(
    database: &Database,
    draft_id: &str,
    key: &str,
    now: i64,
) -> Result<(), DossierError> {
    let mut connection = database.connection()?;
    let tx = connection.transaction()?;
    let changed = tx.execute(
        "UPDATE drafts SET state = 'submitting', failure = NULL, updated_at = ?2
         WHERE id = ?1 AND state = 'editing'",
        params![draft_id, now],
    )?;
    if changed == 1 {
        tx.execute(
            "INSERT INTO outbox (draft_id, idempotency_key, next_attempt_at, created_at)
             VALUES (?1, ?2, ?3, ?3)",
            params![draft_id, key, now],
        )?;
    }
    tx.commit()?;
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

    fn summary(code: &str) -> motcua_protocol::api::dossiers::DossierSummary {
        serde_json::from_value(serde_json::json!({
            "code": code,
            "procedure_code": "1.004194",
            "status": "processing",
            "submitted_at": "2026-12-01T08:00:00+07:00",
            "attachments": [],
        }))
        .unwrap()
    }

    #[test]
    fn a_supplement_answer_is_a_draft_answering_its_dossier() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        assert!(
            open_supplement_answer(&db.connection().unwrap(), "D1")
                .unwrap()
                .is_none()
        );
        create_supplement_answer(&db, "a1", "1.004194", "D1", 100).unwrap();
        let open = open_supplement_answer(&db.connection().unwrap(), "D1")
            .unwrap()
            .unwrap();
        assert_eq!(open.id, "a1");
        assert_eq!(open.answers_dossier.as_deref(), Some("D1"));
        assert_eq!((open.state, open.updated_at), (DraftState::Editing, 100));
        assert!(
            open_supplement_answer(&db.connection().unwrap(), "D2")
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn the_procedure_of_a_filed_dossier_is_its_submissions_not_its_answers() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        create(&db, "d1", "1.004194", 100, &[]).unwrap();
        freeze_into_outbox(&db, "d1", "key-1", 100).unwrap();
        assert_eq!(
            procedure_of_filed(&db, "D1").unwrap(),
            None,
            "not delivered yet"
        );
        super::super::outbox::delivered(&db, "d1", &summary("D1"), false, 200).unwrap();
        create_supplement_answer(&db, "a1", "2.000001", "D1", 300).unwrap();
        freeze_into_outbox(&db, "a1", "key-2", 300).unwrap();
        super::super::outbox::delivered(&db, "a1", &summary("D1"), true, 400).unwrap();
        assert_eq!(
            procedure_of_filed(&db, "D1").unwrap().as_deref(),
            Some("1.004194")
        );
        assert_eq!(procedure_of_filed(&db, "D9").unwrap(), None);
    }
}
