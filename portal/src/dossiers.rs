//! Dossier submission, exactly once per idempotency key, and the citizen's own dossiers.
//!
//! `POST /api/v1/dossiers` checks the submission against the published catalog (the
//! procedure, its form rules with `motcua_protocol::validation`, its documents), then in
//! one SQLite `IMMEDIATE` transaction: looks up the (citizen, `Idempotency-Key`) pair,
//! checks the citizen's identity level and uploads, takes the next dossier number of the
//! day, stores the dossier with its attachments, and stores the answer with the SHA-256 of
//! the canonical request body. A retry with the same key and body gets the stored answer
//! (also after a restart); the same key with another body is refused. Only successful
//! answers are stored: a refused submission stores nothing, and may be corrected and sent
//! again under the same key.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::store::sql::{Connection, OptionalExtension, Transaction, params};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_protocol::api::dossiers::{
    AttachmentRef, DossierSubmission, DossierSummary, PATH_DOSSIERS, StoredAttachment,
};
use motcua_protocol::api::uploads::MAX_ATTACHMENT_BYTES;
use motcua_protocol::api::{ApiErrorCode, FieldProblem};
use motcua_protocol::catalog::Procedure;
use motcua_protocol::dossier::DossierStatus;
use motcua_protocol::i18n::{Lang, Localized};
use motcua_protocol::identity::IdentityLevel;
use motcua_protocol::on_behalf::OnBehalfOf;
use motcua_protocol::validation::{FieldError, ValidationContext, validate_and_normalize_form};

use crate::AppState;
use crate::db::now;
use crate::deadline::date_of;
use crate::error::{ApiError, ApiJson};
use crate::identity_binding::{self, StoredIdentity};
use crate::session::AuthenticatedCitizen;
use crate::uploads::{UploadId, UploadStatus, accepted_media_type, parse_sha256, valid_file_name};
use crate::vn_time::VnTime;
use crate::workflow::{self, DossierRow, ROW_COLUMN_COUNT, ROW_COLUMNS};

/// `Idempotency-Key`, as axum names headers.
const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
/// Set on an answer replayed from the idempotency store.
const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");
/// Longest idempotency key.
const MAX_IDEMPOTENCY_KEY_LEN: usize = 128;

/// A problem the portal finds in a submission beyond the form rules (those come from
/// `motcua_protocol::validation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Problem {
    /// The procedure code is not in the published catalog.
    UnknownProcedure,
    /// An attachment names a document the procedure does not have.
    UnknownDocument,
    /// An attachment's declared hash, size, type, name or upload id is malformed.
    AttachmentDeclaration,
    /// No such upload for this citizen.
    UploadUnknown,
    /// The upload has not received all its bytes.
    UploadIncomplete,
    /// The upload failed its hash check.
    UploadFailed,
    /// The upload's hash, size or type is not the declared one.
    AttachmentMismatch,
}

impl Localized for Problem {
    fn code(&self) -> &'static str {
        match self {
            Problem::UnknownProcedure => "unknown_procedure",
            Problem::UnknownDocument => "unknown_document",
            Problem::AttachmentDeclaration => "attachment_declaration_invalid",
            Problem::UploadUnknown => "upload_unknown",
            Problem::UploadIncomplete => "upload_incomplete",
            Problem::UploadFailed => "upload_failed",
            Problem::AttachmentMismatch => "attachment_mismatch",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (vi, en) = match self {
            Problem::UnknownProcedure => (
                "Thủ tục này không có trong danh mục đang được công bố.",
                "This procedure is not in the published catalog.",
            ),
            Problem::UnknownDocument => (
                "Thủ tục này không có thành phần hồ sơ này.",
                "This procedure has no such document.",
            ),
            Problem::AttachmentDeclaration => (
                "Thông tin tệp đính kèm không hợp lệ.",
                "The attachment's details are not valid.",
            ),
            Problem::UploadUnknown => (
                "Không tìm thấy tệp đã tải lên; hãy tải lại.",
                "The uploaded file was not found; upload it again.",
            ),
            Problem::UploadIncomplete => (
                "Tệp chưa được tải lên xong.",
                "The file has not finished uploading.",
            ),
            Problem::UploadFailed => (
                "Tệp tải lên bị lỗi khi kiểm tra; hãy tải lại.",
                "The upload failed its check; upload the file again.",
            ),
            Problem::AttachmentMismatch => (
                "Tệp đính kèm không khớp với tệp đã tải lên.",
                "The attachment does not match the uploaded file.",
            ),
        };
        match lang {
            Lang::Vi => vi.to_owned(),
            Lang::En => en.to_owned(),
        }
    }
}

fn field_problem(field: String, problem: &dyn Localized) -> FieldProblem {
    FieldProblem {
        field,
        code: problem.code().to_owned(),
        message_vi: problem.message(Lang::Vi),
        message_en: problem.message(Lang::En),
    }
}

pub(crate) fn attachment_field(requirement: &str) -> String {
    motcua_protocol::validation::document_field(requirement)
}

/// Field problems without repeats (two attachments of one requirement with the same fault
/// make one problem).
#[derive(Default)]
pub(crate) struct Problems {
    seen: BTreeSet<(String, &'static str)>,
    pub(crate) list: Vec<FieldProblem>,
}

impl Problems {
    pub(crate) fn push(&mut self, field: String, problem: &dyn Localized) {
        if self.seen.insert((field.clone(), problem.code())) {
            self.list.push(field_problem(field, problem));
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

pub(crate) fn attachment_invalid(problems: Problems) -> ApiError {
    ApiError::with_fields(
        StatusCode::UNPROCESSABLE_ENTITY,
        ApiErrorCode::AttachmentInvalid,
        "some attachments are not complete uploads of yours matching what was declared",
        problems.list,
    )
}

/// The `Idempotency-Key` header: exactly one, 1–128 visible ASCII characters.
pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
    let mut values = headers.get_all(IDEMPOTENCY_KEY).iter();
    let refused = || {
        ApiError::invalid_request(
            "one Idempotency-Key header is required: 1 to 128 visible ASCII characters",
        )
    };
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(refused());
    };
    let bytes = value.as_bytes();
    if bytes.is_empty()
        || bytes.len() > MAX_IDEMPOTENCY_KEY_LEN
        || !bytes.iter().all(|b| b.is_ascii_graphic())
    {
        return Err(refused());
    }
    value.to_str().map(str::to_owned).map_err(|_| refused())
}

/// What the checks without the database found acceptable.
#[derive(Debug)]
struct Checked {
    /// The identity level the procedure requires.
    required_level: IdentityLevel,
    /// The form values as `validation` normalises them (what is stored).
    fields: BTreeMap<String, String>,
    /// The person filed for, normalised, when the citizen files on behalf of someone.
    on_behalf: Option<OnBehalfOf>,
    /// The procedure, for the identity check in the transaction.
    procedure: Procedure,
    /// The day the checks are made on.
    context: ValidationContext,
}

/// The checks that need no database: the procedure, its form rules, its documents, and
/// the shape of each attachment.
fn check(
    procedure: Option<&Procedure>,
    submission: &DossierSubmission,
    (year, month, day): (i32, u32, u32),
    require_documents: bool,
) -> Result<Checked, ApiError> {
    let Some(procedure) = procedure else {
        let mut problems = Problems::default();
        problems.push("procedure_code".into(), &Problem::UnknownProcedure);
        return Err(ApiError::validation(problems.list));
    };
    let mut problems = Problems::default();
    let context = ValidationContext::new(year, month, day);
    let fields = match validate_and_normalize_form(procedure, &submission.fields, &context) {
        Ok(fields) => fields,
        Err(errors) => {
            for error in errors {
                problems.push(error.field.clone(), &error);
            }
            BTreeMap::new()
        }
    };
    let on_behalf = match submission
        .on_behalf_of
        .as_ref()
        .map(|p| p.normalized(&context))
    {
        None => None,
        Some(Ok(person)) => Some(person),
        Some(Err(errors)) => {
            for error in errors {
                problems.push(error.field.clone(), &error);
            }
            None
        }
    };
    for attachment in &submission.attachments {
        if !procedure
            .documents
            .iter()
            .any(|document| document.id == attachment.requirement)
        {
            problems.push(
                attachment_field(&attachment.requirement),
                &Problem::UnknownDocument,
            );
        }
    }
    if require_documents {
        for document in procedure.documents.iter().filter(|d| d.required) {
            if !submission
                .attachments
                .iter()
                .any(|attachment| attachment.requirement == document.id)
            {
                let error = FieldError::missing_document(
                    &document.id,
                    &document.name_vi,
                    &document.name_en,
                );
                problems.push(error.field.clone(), &error);
            }
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems.list));
    }
    let mut problems = Problems::default();
    for attachment in &submission.attachments {
        if !well_formed(attachment) {
            problems.push(
                attachment_field(&attachment.requirement),
                &Problem::AttachmentDeclaration,
            );
        }
    }
    if !problems.is_empty() {
        return Err(attachment_invalid(problems));
    }
    Ok(Checked {
        required_level: procedure.required_identity_level,
        fields,
        on_behalf,
        procedure: procedure.clone(),
        context,
    })
}

pub(crate) fn well_formed(attachment: &AttachmentRef) -> bool {
    UploadId::parse(&attachment.upload_id).is_some()
        && parse_sha256(&attachment.sha256).is_some()
        && (1..=MAX_ATTACHMENT_BYTES).contains(&attachment.size)
        && accepted_media_type(&attachment.media_type).is_some()
        && valid_file_name(&attachment.file_name)
}

/// What the transaction needs.
struct Submission {
    citizen_id: i64,
    key: String,
    request_hash: Vec<u8>,
    /// What the checks without the database found, or why the submission is refused.
    checked: Result<Checked, ApiError>,
    submission: DossierSubmission,
    agency_code: String,
    at: VnTime,
}

/// What the transaction decided.
enum Outcome {
    /// Stored now, or earlier under the same key and body: the answer.
    Answer {
        status: u16,
        body: String,
        replayed: bool,
    },
    /// Refused; nothing was stored.
    Refused(ApiError),
}

fn conversion(error: serde_json::Error) -> crate::store::sql::Error {
    crate::store::sql::Error::encode(Box::new(error))
}

/// The uploads behind the attachments: each a complete upload of this citizen with the
/// declared digest, size and media type.
pub(crate) fn check_uploads(
    tx: &Transaction<'_>,
    citizen_id: i64,
    attachments: &[AttachmentRef],
) -> crate::store::sql::Result<Problems> {
    let mut problems = Problems::default();
    let mut statement = tx.prepare_cached(
        "SELECT status, length, sha256, media_type FROM uploads
         WHERE id = ?1 AND citizen_id = ?2",
    )?;
    for attachment in attachments {
        let found = statement
            .query_row(params![attachment.upload_id, citizen_id], |row| {
                Ok((
                    UploadStatus::from_db(&row.get::<_, String>(0)?),
                    row.get::<_, i64>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                ))
            })
            .optional()?;
        let problem = match found {
            None => Some(Problem::UploadUnknown),
            Some((UploadStatus::Receiving, ..)) => Some(Problem::UploadIncomplete),
            Some((UploadStatus::Failed, ..)) => Some(Problem::UploadFailed),
            Some((UploadStatus::Complete, length, sha256, media_type)) => {
                let matches = u64::try_from(length).ok() == Some(attachment.size)
                    && parse_sha256(&attachment.sha256).as_deref() == Some(sha256.as_str())
                    && accepted_media_type(&attachment.media_type) == Some(media_type.as_str());
                (!matches).then_some(Problem::AttachmentMismatch)
            }
        };
        if let Some(problem) = problem {
            problems.push(attachment_field(&attachment.requirement), &problem);
        }
    }
    Ok(problems)
}

fn store(conn: &mut Connection, input: Submission) -> crate::store::sql::Result<Outcome> {
    let tx = conn.transaction_with_behavior(crate::store::sql::TransactionBehavior::Immediate)?;
    let previous: Option<(Vec<u8>, i64, String)> = tx
        .prepare_cached(
            "SELECT request_hash, status, response FROM idempotency_keys
             WHERE citizen_id = ?1 AND idem_key = ?2",
        )?
        .query_row(params![input.citizen_id, input.key], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .optional()?;
    if let Some((request_hash, status, body)) = previous {
        if request_hash != input.request_hash {
            return Ok(Outcome::Refused(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ApiErrorCode::IdempotencyKeyReused,
                "this Idempotency-Key was used with another request body",
            )));
        }
        return Ok(Outcome::Answer {
            status: u16::try_from(status).unwrap_or(201),
            body,
            replayed: true,
        });
    }
    let Checked {
        required_level,
        fields,
        on_behalf,
        procedure,
        context,
    } = match input.checked {
        Ok(checked) => checked,
        Err(error) => return Ok(Outcome::Refused(error)),
    };
    let level: i64 = tx
        .prepare_cached("SELECT identity_level FROM citizens WHERE id = ?1")?
        .query_row([input.citizen_id], |row| row.get(0))?;
    if level < i64::from(required_level.number()) {
        return Ok(Outcome::Refused(ApiError::new(
            StatusCode::FORBIDDEN,
            ApiErrorCode::Forbidden,
            format!(
                "this procedure is filed online with an identity of level {} or higher",
                required_level.number()
            ),
        )));
    }
    let submission = input.submission;
    let problems = check_uploads(&tx, input.citizen_id, &submission.attachments)?;
    if !problems.is_empty() {
        return Ok(Outcome::Refused(attachment_invalid(problems)));
    }
    // The fields filled from the identity are the token's citizen's, or the person they
    // deliberately file for.
    let identity = StoredIdentity::load(&tx, input.citizen_id)?;
    if let Some(identity) = identity
        && let Err(error) = identity.check(&procedure, &fields, on_behalf.as_ref(), &context)
    {
        return Ok(Outcome::Refused(error));
    }

    let day = input.at.yymmdd();
    let sequence: i64 = tx
        .prepare_cached(
            "INSERT INTO dossier_sequences (agency_code, day, last) VALUES (?1, ?2, 1)
             ON CONFLICT (agency_code, day) DO UPDATE SET last = dossier_sequences.last + 1
             RETURNING last",
        )?
        .query_row(params![input.agency_code, day], |row| row.get(0))?;
    // Four digits as observed in real codes; a 10,000th dossier of a day widens the number.
    let code = format!("{}-{day}-{sequence:04}", input.agency_code);
    let submitted_at = input.at.rfc3339();
    let status = DossierStatus::Submitted;
    let fields = serde_json::to_string(&fields).map_err(conversion)?;
    let on_behalf_column = identity_binding::to_column(on_behalf.as_ref())?;
    let created_at = now();
    let dossier_id: i64 = tx
        .prepare_cached(
            "INSERT INTO dossiers
             (code, citizen_id, procedure_code, fields, status, submitted_at, created_at,
              updated_at, on_behalf_of)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8) RETURNING id",
        )?
        .query_row(
            params![
                code,
                input.citizen_id,
                submission.procedure_code,
                fields,
                status.as_str(),
                submitted_at,
                created_at,
                on_behalf_column
            ],
            |row| row.get(0),
        )?;
    let mut attachments = Vec::with_capacity(submission.attachments.len());
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO dossier_attachments
             (dossier_id, position, requirement, upload_id, sha256, size, media_type, file_name)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for (position, attachment) in submission.attachments.iter().enumerate() {
            // Both were checked against the upload row above.
            let sha256 = parse_sha256(&attachment.sha256).unwrap_or_default();
            let media_type = accepted_media_type(&attachment.media_type).unwrap_or_default();
            insert.execute(params![
                dossier_id,
                i64::try_from(position).unwrap_or(i64::MAX),
                attachment.requirement,
                attachment.upload_id,
                sha256,
                i64::try_from(attachment.size).unwrap_or(i64::MAX),
                media_type,
                attachment.file_name
            ])?;
            attachments.push(StoredAttachment {
                requirement: attachment.requirement.clone(),
                sha256,
                size: attachment.size,
                media_type: media_type.to_owned(),
            });
        }
    }
    let event =
        workflow::record_submission(&tx, dossier_id, input.citizen_id, &input.at, on_behalf)?;
    let summary = DossierSummary {
        code,
        procedure_code: submission.procedure_code,
        status,
        submitted_at,
        attachments,
        received_at: None,
        appointment_date: None,
        overdue: false,
        timeline: vec![event],
        receipt: None,
    };
    let body = serde_json::to_string(&summary).map_err(conversion)?;
    let answer_status = StatusCode::CREATED.as_u16();
    tx.prepare_cached(
        "INSERT INTO idempotency_keys
         (citizen_id, idem_key, request_hash, status, response, dossier_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        input.citizen_id,
        input.key,
        input.request_hash,
        i64::from(answer_status),
        body,
        dossier_id,
        created_at
    ])?;
    tx.commit()?;
    Ok(Outcome::Answer {
        status: answer_status,
        body,
        replayed: false,
    })
}

pub(crate) fn json_answer(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `POST /api/v1/dossiers`: 201 with the [`DossierSummary`], or the answer stored for this
/// idempotency key.
pub(crate) async fn submit(
    State(state): State<AppState>,
    citizen: AuthenticatedCitizen,
    headers: HeaderMap,
    body: Result<ApiJson<DossierSubmission>, ApiError>,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let ApiJson(submission) = body?;
    // The canonical body: the parsed submission serialised again (fields in key order,
    // unknown members dropped), so spacing and member order do not make another request.
    let canonical = serde_json::to_vec(&submission).map_err(|error| {
        tracing::error!(%error, "cannot serialise a submission");
        ApiError::internal()
    })?;
    let request_hash = ring::digest::digest(&ring::digest::SHA256, &canonical)
        .as_ref()
        .to_vec();
    let at = VnTime::now();
    let checked = check(
        state.catalog.procedure(&submission.procedure_code),
        &submission,
        at.date(),
        state.settings.require_documents,
    );
    let input = Submission {
        citizen_id: citizen.citizen_id,
        key,
        request_hash,
        checked,
        submission,
        agency_code: state.settings.agency_code.clone(),
        at,
    };
    match state.db.call(move |conn| store(conn, input)).await?? {
        Outcome::Refused(error) => Err(error),
        Outcome::Answer {
            status,
            body,
            replayed,
        } => {
            let location = serde_json::from_str::<DossierSummary>(&body)
                .ok()
                .and_then(|summary| {
                    HeaderValue::from_str(&format!("{PATH_DOSSIERS}/{}", summary.code)).ok()
                });
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::CREATED);
            let mut response = json_answer(status, body);
            let headers = response.headers_mut();
            if let Some(location) = location {
                headers.insert(header::LOCATION, location);
            }
            if replayed {
                headers.insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
            } else {
                tracing::info!("dossier submitted");
            }
            Ok(response)
        }
    }
}

/// The summary of a dossier row (the timeline is added by the caller when wanted).
pub(crate) fn summary_of(
    row: DossierRow,
    attachments: Vec<StoredAttachment>,
    today: chrono::NaiveDate,
) -> DossierSummary {
    let overdue = row.overdue(today);
    DossierSummary {
        code: row.code,
        procedure_code: row.procedure_code,
        status: row.status,
        submitted_at: row.submitted_at,
        attachments,
        received_at: row.received_at,
        appointment_date: row.appointment_date,
        overdue,
        timeline: Vec::new(),
        receipt: None,
    }
}

/// The citizen's dossiers with their timelines, newest first; only the one with `code`
/// when given.
pub(crate) fn summaries(
    conn: &Connection,
    citizen_id: i64,
    code: Option<&str>,
) -> crate::store::sql::Result<Vec<DossierSummary>> {
    let today = date_of(&VnTime::now());
    let mut dossiers: Vec<(i64, DossierSummary)> = conn
        .prepare_cached(&format!(
            "SELECT {ROW_COLUMNS}, r.text FROM dossiers d
             LEFT JOIN receipts r ON r.dossier_id = d.id
             WHERE d.citizen_id = ?1 AND (CAST(?2 AS TEXT) IS NULL OR d.code = ?2)
             ORDER BY d.id DESC"
        ))?
        .query_map(params![citizen_id, code], |row| {
            let receipt = row.get(ROW_COLUMN_COUNT)?;
            let row = DossierRow::from_row(row)?;
            let id = row.id;
            let mut summary = summary_of(row, Vec::new(), today);
            summary.receipt = receipt;
            Ok((id, summary))
        })?
        .collect::<crate::store::sql::Result<_>>()?;
    if dossiers.is_empty() {
        return Ok(Vec::new());
    }
    let index: HashMap<i64, usize> = dossiers
        .iter()
        .enumerate()
        .map(|(position, (id, _))| (*id, position))
        .collect();
    let mut statement = conn.prepare_cached(
        "SELECT a.dossier_id, a.requirement, a.sha256, a.size, a.media_type
         FROM dossier_attachments a JOIN dossiers d ON d.id = a.dossier_id
         WHERE d.citizen_id = ?1 AND (CAST(?2 AS TEXT) IS NULL OR d.code = ?2)
         ORDER BY a.dossier_id, a.position",
    )?;
    let rows = statement.query_map(params![citizen_id, code], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            StoredAttachment {
                requirement: row.get(1)?,
                sha256: row.get(2)?,
                size: u64::try_from(row.get::<_, i64>(3)?).unwrap_or(0),
                media_type: row.get(4)?,
            },
        ))
    })?;
    for row in rows {
        let (dossier_id, attachment) = row?;
        if let Some(&position) = index.get(&dossier_id) {
            dossiers[position].1.attachments.push(attachment);
        }
    }
    for (dossier_id, event) in workflow::citizen_events(conn, citizen_id, code)? {
        if let Some(&position) = index.get(&dossier_id) {
            dossiers[position].1.timeline.push(event);
        }
    }
    Ok(dossiers.into_iter().map(|(_, summary)| summary).collect())
}

pub(crate) fn json_of<T: serde::Serialize>(value: &T) -> Result<Response, ApiError> {
    let body = serde_json::to_string(value).map_err(|error| {
        tracing::error!(%error, "cannot serialise an answer");
        ApiError::internal()
    })?;
    Ok(json_answer(StatusCode::OK, body))
}

/// `GET /api/v1/dossiers`: the citizen's own dossiers, newest first.
pub(crate) async fn list(
    State(state): State<AppState>,
    citizen: AuthenticatedCitizen,
) -> Result<Response, ApiError> {
    let found = state
        .db
        .call(move |conn| summaries(conn, citizen.citizen_id, None))
        .await??;
    json_of(&found)
}

/// `GET /api/v1/dossiers/{code}`: one of the citizen's own dossiers; 404 for any other
/// code, whether it exists or not.
pub(crate) async fn get_one(
    State(state): State<AppState>,
    citizen: AuthenticatedCitizen,
    path: Result<UrlPath<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let code = path
        .ok()
        .map(|UrlPath(code)| code)
        .filter(|code| workflow::plausible_code(code))
        .ok_or_else(ApiError::not_found)?;
    let found = state
        .db
        .call(move |conn| summaries(conn, citizen.citizen_id, Some(&code)))
        .await??;
    let summary = found.into_iter().next().ok_or_else(ApiError::not_found)?;
    json_of(&summary)
}

/// Whether an agency code can go into dossier codes: 1–32 of `A-Z a-z 0-9 .`, not starting
/// or ending with a dot (QCVN 102:2016 codes look like `000.00.14.H56`).
pub(crate) fn valid_agency_code(code: &str) -> bool {
    (1..=32).contains(&code.len())
        && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.')
        && !code.starts_with('.')
        && !code.ends_with('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_keys_are_checked() {
        let mut headers = HeaderMap::new();
        assert!(idempotency_key(&headers).is_err());
        headers.insert(IDEMPOTENCY_KEY, HeaderValue::from_static("abc-123_XYZ"));
        assert_eq!(idempotency_key(&headers).unwrap(), "abc-123_XYZ");
        for bad in ["", "has space", &"k".repeat(129)] {
            let mut headers = HeaderMap::new();
            headers.insert(IDEMPOTENCY_KEY, HeaderValue::from_str(bad).unwrap());
            assert!(idempotency_key(&headers).is_err(), "{bad:?}");
        }
        let mut twice = HeaderMap::new();
        twice.append(IDEMPOTENCY_KEY, HeaderValue::from_static("a"));
        twice.append(IDEMPOTENCY_KEY, HeaderValue::from_static("b"));
        assert!(idempotency_key(&twice).is_err());
        let mut utf8 = HeaderMap::new();
        utf8.insert(
            IDEMPOTENCY_KEY,
            HeaderValue::from_bytes("khóa".as_bytes()).unwrap(),
        );
        assert!(idempotency_key(&utf8).is_err());
    }

    #[test]
    fn agency_codes_are_checked() {
        assert!(valid_agency_code("000.00.14.H56"));
        assert!(valid_agency_code("000.00.00.H00"));
        for bad in ["", ".H56", "H56.", "000 00", "000/00", &"1".repeat(33)] {
            assert!(!valid_agency_code(bad), "{bad:?}");
        }
    }

    #[test]
    fn problems_are_localised_and_not_repeated() {
        let mut problems = Problems::default();
        problems.push("attachments.x".into(), &Problem::UploadUnknown);
        problems.push("attachments.x".into(), &Problem::UploadUnknown);
        problems.push("attachments.x".into(), &Problem::AttachmentMismatch);
        assert_eq!(problems.list.len(), 2);
        assert_eq!(problems.list[0].code, "upload_unknown");
        assert!(problems.list[0].message_vi.contains("tải"));
        assert!(problems.list[0].message_en.contains("upload"));
    }

    #[test]
    fn an_unknown_procedure_is_a_validation_problem() {
        let submission = DossierSubmission {
            procedure_code: "9.999999".into(),
            fields: Default::default(),
            attachments: vec![],
            on_behalf_of: None,
        };
        let error = check(None, &submission, (2025, 1, 1), true).unwrap_err();
        assert_eq!(error.code(), ApiErrorCode::ValidationFailed);
    }
}
