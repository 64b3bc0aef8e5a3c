//! Drafts in the profile database: one small transaction per change, values sealed.

use rusqlite::{Connection, OptionalExtension as _, params};

use super::seal::Sealer;
use super::{AttachmentView, DossierError, DraftState};

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
