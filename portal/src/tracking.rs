//! The citizen's side of the lifecycle (withdrawal, answering a supplement request), the
//! sync feed of status changes, and the public lookup by dossier code.

use std::time::Instant;

use crate::store::sql::{Connection, OptionalExtension, Transaction, params};
use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use motcua_protocol::api::ApiErrorCode;
use motcua_protocol::api::dossiers::{AttachmentRef, DossierSummary};
use motcua_protocol::api::tracking::{
    PublicLookup, SYNC_PAGE_SIZE, StatusChange, SupplementAnswer, SyncResponse, WithdrawalRequest,
};
use motcua_protocol::dossier::DossierStatus;
use motcua_protocol::lifecycle::{Action, ActionKind, transition};
use serde::Deserialize;

use crate::AppState;
use crate::db::now;
use crate::dossiers::{
    Problem, Problems, attachment_field, attachment_invalid, check_uploads, idempotency_key,
    json_answer, json_of, summaries, well_formed,
};
use crate::error::{ApiBytes, ApiError};
use crate::ratelimit::ClientIp;
use crate::session::AuthenticatedCitizen;
use crate::uploads::{accepted_media_type, parse_sha256};
use crate::vn_time::VnTime;
use crate::workflow::{self, Actor, apply, load_by_code, refusal};

/// Largest body of a withdrawal or supplement answer.
pub(crate) const MAX_ACTION_BODY_BYTES: usize = 64 * 1024;
/// Most attachments added by one supplement answer.
const MAX_SUPPLEMENT_ATTACHMENTS: usize = 50;
/// Set on an answer replayed from the idempotency store.
const IDEMPOTENT_REPLAYED: &str = "idempotent-replayed";

fn dossier_code(path: Result<UrlPath<String>, PathRejection>) -> Result<String, ApiError> {
    path.ok()
        .map(|UrlPath(code)| code)
        .filter(|code| workflow::plausible_code(code))
        .ok_or_else(ApiError::not_found)
}

/// A JSON body that may be empty (then the default).
fn optional_json<T: serde::de::DeserializeOwned + Default>(body: &Bytes) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body)
        .map_err(|_| ApiError::invalid_request("the body is not the expected JSON"))
}

/// A citizen's lifecycle action, ready for the transaction.
struct CitizenAction {
    citizen_id: i64,
    code: String,
    key: Option<String>,
    request_hash: Vec<u8>,
    action: Action,
    note: Option<String>,
    attachments: Vec<AttachmentRef>,
}

enum Outcome {
    NotFound,
    Refused(ApiError),
    Answer { body: String, replayed: bool },
}

fn request_hash(kind: ActionKind, code: &str, body: &impl serde::Serialize) -> Vec<u8> {
    let canonical = serde_json::to_string(body).unwrap_or_default();
    let text = format!("{}\n{code}\n{canonical}", kind.as_str());
    ring::digest::digest(&ring::digest::SHA256, text.as_bytes())
        .as_ref()
        .to_vec()
}

/// The attachments of a supplement answer: documents of the procedure, well formed,
/// complete uploads of the citizen as declared. Nothing is written.
fn check_attachments(
    tx: &Transaction<'_>,
    state: &AppState,
    procedure_code: &str,
    citizen_id: i64,
    attachments: &[AttachmentRef],
) -> crate::store::sql::Result<Option<ApiError>> {
    if attachments.is_empty() {
        return Ok(None);
    }
    if attachments.len() > MAX_SUPPLEMENT_ATTACHMENTS {
        return Ok(Some(ApiError::invalid_request(
            "too many attachments in one answer",
        )));
    }
    let procedure = state.catalog.procedure(procedure_code);
    let mut problems = Problems::default();
    for attachment in attachments {
        let known = procedure.is_some_and(|procedure| {
            procedure
                .documents
                .iter()
                .any(|document| document.id == attachment.requirement)
        });
        if !known {
            problems.push(
                attachment_field(&attachment.requirement),
                &Problem::UnknownDocument,
            );
        }
    }
    if !problems.is_empty() {
        return Ok(Some(ApiError::validation(problems.list)));
    }
    for attachment in attachments {
        if !well_formed(attachment) {
            problems.push(
                attachment_field(&attachment.requirement),
                &Problem::AttachmentDeclaration,
            );
        }
    }
    if problems.is_empty() {
        problems = check_uploads(tx, citizen_id, attachments)?;
    }
    Ok((!problems.is_empty()).then(|| attachment_invalid(problems)))
}

/// Appends the attachments after the dossier's existing ones.
fn add_attachments(
    tx: &Transaction<'_>,
    dossier_id: i64,
    attachments: &[AttachmentRef],
) -> crate::store::sql::Result<()> {
    let first: i64 = tx.query_row(
        "SELECT COALESCE(MAX(position) + 1, 0) FROM dossier_attachments WHERE dossier_id = ?1",
        [dossier_id],
        |row| row.get(0),
    )?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO dossier_attachments
         (dossier_id, position, requirement, upload_id, sha256, size, media_type, file_name)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (offset, attachment) in (0_i64..).zip(attachments) {
        insert.execute(params![
            dossier_id,
            first + offset,
            attachment.requirement,
            attachment.upload_id,
            parse_sha256(&attachment.sha256).unwrap_or_default(),
            i64::try_from(attachment.size).unwrap_or(i64::MAX),
            accepted_media_type(&attachment.media_type).unwrap_or_default(),
            attachment.file_name
        ])?;
    }
    Ok(())
}

fn run(
    conn: &mut Connection,
    state: &AppState,
    input: CitizenAction,
    at: &VnTime,
) -> crate::store::sql::Result<Outcome> {
    let tx = conn.transaction_with_behavior(crate::store::sql::TransactionBehavior::Immediate)?;
    if let Some(key) = &input.key {
        let previous: Option<(Vec<u8>, String)> = tx
            .prepare_cached(
                "SELECT request_hash, response FROM action_keys
                 WHERE citizen_id = ?1 AND idem_key = ?2",
            )?
            .query_row(params![input.citizen_id, key], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()?;
        if let Some((hash, body)) = previous {
            if hash != input.request_hash {
                return Ok(Outcome::Refused(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    ApiErrorCode::IdempotencyKeyReused,
                    "this Idempotency-Key was used with another request",
                )));
            }
            return Ok(Outcome::Answer {
                body,
                replayed: true,
            });
        }
    }
    let Some(row) =
        load_by_code(&tx, &input.code)?.filter(|row| row.citizen_id == input.citizen_id)
    else {
        return Ok(Outcome::NotFound);
    };
    let actor = Actor::Citizen(input.citizen_id);
    // The status and role first (a refusal is audited by `apply`), then the attachments.
    if transition(row.status, &input.action, actor.role()).is_ok()
        && let Some(error) = check_attachments(
            &tx,
            state,
            &row.procedure_code,
            input.citizen_id,
            &input.attachments,
        )?
    {
        return Ok(Outcome::Refused(error));
    }
    let applied = apply(
        &tx,
        &row,
        actor,
        &input.action,
        input.note.as_deref(),
        at,
        None,
    )?;
    if let Err(error) = applied {
        tx.commit()?;
        return Ok(Outcome::Refused(refusal(&error)));
    }
    add_attachments(&tx, row.id, &input.attachments)?;
    let summary: DossierSummary = summaries(&tx, input.citizen_id, Some(&input.code))?
        .into_iter()
        .next()
        .ok_or(crate::store::sql::Error::NoRows)?;
    let body = serde_json::to_string(&summary)
        .map_err(|error| crate::store::sql::Error::encode(Box::new(error)))?;
    if let Some(key) = &input.key {
        tx.prepare_cached(
            "INSERT INTO action_keys
             (citizen_id, idem_key, action, dossier_id, request_hash, response, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            input.citizen_id,
            key,
            input.action.kind().as_str(),
            row.id,
            input.request_hash,
            body,
            now()
        ])?;
    }
    tx.commit()?;
    Ok(Outcome::Answer {
        body,
        replayed: false,
    })
}

async fn perform(state: AppState, input: CitizenAction) -> Result<Response, ApiError> {
    let kind = input.action.kind();
    let at = VnTime::now();
    let inner = state.clone();
    match state
        .db
        .call(move |conn| run(conn, &inner, input, &at))
        .await??
    {
        Outcome::NotFound => Err(ApiError::not_found()),
        Outcome::Refused(error) => Err(error),
        Outcome::Answer { body, replayed } => {
            let mut response = json_answer(StatusCode::OK, body);
            if replayed {
                response
                    .headers_mut()
                    .insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
            } else {
                tracing::info!(action = kind.as_str(), "citizen action applied");
            }
            Ok(response)
        }
    }
}

/// The `Idempotency-Key` if one was sent (then it must be valid).
fn optional_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    if headers.contains_key("idempotency-key") {
        idempotency_key(headers).map(Some)
    } else {
        Ok(None)
    }
}

/// `POST /api/v1/dossiers/{code}/withdraw`: the citizen asks to withdraw (before a
/// result). Body `WithdrawalRequest` or empty; `Idempotency-Key` optional.
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    citizen: AuthenticatedCitizen,
    path: Result<UrlPath<String>, PathRejection>,
    headers: HeaderMap,
    ApiBytes(body): ApiBytes,
) -> Result<Response, ApiError> {
    let code = dossier_code(path)?;
    let key = optional_key(&headers)?;
    let request: WithdrawalRequest = optional_json(&body)?;
    let input = CitizenAction {
        citizen_id: citizen.citizen_id,
        request_hash: request_hash(ActionKind::RequestWithdrawal, &code, &request),
        code,
        key,
        action: Action::RequestWithdrawal,
        note: request.note,
        attachments: Vec::new(),
    };
    perform(state, input).await
}

/// `POST /api/v1/dossiers/{code}/supplement`: the citizen answers a supplement request,
/// with added documents. `Idempotency-Key` required.
pub(crate) async fn supplement(
    State(state): State<AppState>,
    citizen: AuthenticatedCitizen,
    path: Result<UrlPath<String>, PathRejection>,
    headers: HeaderMap,
    ApiBytes(body): ApiBytes,
) -> Result<Response, ApiError> {
    let code = dossier_code(path)?;
    let key = idempotency_key(&headers)?;
    let answer: SupplementAnswer = optional_json(&body)?;
    let input = CitizenAction {
        citizen_id: citizen.citizen_id,
        request_hash: request_hash(ActionKind::AnswerSupplement, &code, &answer),
        code,
        key: Some(key),
        action: Action::AnswerSupplement,
        note: answer.note,
        attachments: answer.attachments,
    };
    perform(state, input).await
}

/// `?cursor=N`.
#[derive(Debug, Deserialize)]
pub(crate) struct SyncQuery {
    #[serde(default)]
    cursor: u64,
}

fn changes(
    conn: &Connection,
    citizen_id: i64,
    cursor: u64,
) -> crate::store::sql::Result<SyncResponse> {
    let after = i64::try_from(cursor).unwrap_or(i64::MAX);
    let page = i64::try_from(SYNC_PAGE_SIZE).unwrap_or(1000);
    let mut changes = conn
        .prepare_cached(
            "SELECT e.seq, d.code, e.status, e.at, e.note, e.appointment_date, e.reason,
                    e.missing, r.text
             FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id
             LEFT JOIN receipts r ON r.dossier_id = e.dossier_id AND e.action = 'accept'
             WHERE e.citizen_id = ?1 AND e.seq > ?2
             ORDER BY e.seq LIMIT ?3",
        )?
        .query_map(params![citizen_id, after, page + 1], |row| {
            let missing: Option<String> = row.get(7)?;
            Ok(StatusChange {
                seq: u64::try_from(row.get::<_, i64>(0)?).unwrap_or(0),
                code: row.get(1)?,
                status: workflow::status_from_db(&row.get::<_, String>(2)?)?,
                at: row.get(3)?,
                note: row.get(4)?,
                appointment_date: row.get(5)?,
                reason: row.get(6)?,
                missing: missing
                    .and_then(|text| serde_json::from_str(&text).ok())
                    .unwrap_or_default(),
                receipt: row.get(8)?,
            })
        })?
        .collect::<crate::store::sql::Result<Vec<_>>>()?;
    let more = changes.len() > SYNC_PAGE_SIZE;
    changes.truncate(SYNC_PAGE_SIZE);
    let cursor = changes.last().map_or(cursor, |change| change.seq);
    Ok(SyncResponse {
        changes,
        cursor,
        more,
    })
}

/// `GET /api/v1/sync?cursor=N`: the citizen's status changes after `N`.
pub(crate) async fn sync(
    State(state): State<AppState>,
    citizen: AuthenticatedCitizen,
    query: Result<Query<SyncQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) =
        query.map_err(|_| ApiError::invalid_request("cursor must be a non-negative integer"))?;
    let citizen_id = citizen.citizen_id;
    let page = state
        .db
        .call(move |conn| changes(conn, citizen_id, query.cursor))
        .await??;
    json_of(&page)
}

/// Code, status, procedure code, appointment date.
type LookupRow = (String, String, String, Option<String>);

/// `GET /api/v1/lookup/{code}`: status, procedure and appointment of a dossier, for
/// anyone holding its code; rate-limited per client.
pub(crate) async fn lookup(
    State(state): State<AppState>,
    client: ClientIp,
    path: Result<UrlPath<String>, PathRejection>,
) -> Result<Response, ApiError> {
    // Before anything else, so that probing unknown codes costs as much as known ones.
    if let Err(wait) = state.lookup_limiter.check(client, Instant::now()) {
        return Err(ApiError::rate_limited(
            wait,
            "too many lookups; retry later",
        ));
    }
    let code = dossier_code(path)?;
    let found = state
        .db
        .call(
            move |conn| -> crate::store::sql::Result<Option<LookupRow>> {
                conn.prepare_cached(
                    "SELECT code, status, procedure_code, appointment_date FROM dossiers
                     WHERE code = ?1",
                )?
                .query_row([code], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
                })
                .optional()
            },
        )
        .await??;
    let Some((code, status, procedure_code, appointment_date)) = found else {
        return Err(ApiError::not_found());
    };
    let status: DossierStatus = workflow::status_from_db(&status)?;
    let procedure = state.catalog.procedure(&procedure_code);
    let mut response = json_of(&PublicLookup {
        code,
        status,
        national_code: status.national_code(),
        procedure_name_vi: procedure.map(|p| p.name_vi.clone()),
        procedure_name_en: procedure.map(|p| p.name_en.clone()),
        procedure_code,
        appointment_date,
    })?;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
