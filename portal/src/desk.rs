//! The desk API (officers): the queue, one dossier with its applicant, form values,
//! attachments and timeline, and the actions of the lifecycle. Every route takes
//! [`AuthenticatedStaff`]; a citizen's token is refused with 401.
//!
//! Every staff account sees every dossier of the portal (one receiving agency per portal).

use crate::store::sql::{Connection, params};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use motcua_protocol::api::desk::{
    Applicant, DeskActionRequest, DeskAttachment, DeskDossier, DeskQueueItem, StaffRole,
};
use motcua_protocol::api::dossiers::StoredAttachment;
use motcua_protocol::dossier::DossierStatus;
use motcua_protocol::identity::IdentityLevel;
use motcua_protocol::lifecycle::{ActionKind, TransitionError};
use motcua_protocol::validation::ValidationContext;
use serde::Deserialize;

use crate::AppState;
use crate::deadline::date_of;
use crate::dossiers::{json_answer, json_of};
use crate::error::{ApiError, ApiJson};
use crate::identity_binding;
use crate::receipts;
use crate::staff::AuthenticatedStaff;
use crate::vn_time::VnTime;
use crate::workflow::{
    self, Actor, DossierRow, ROW_COLUMN_COUNT, ROW_COLUMNS, apply, load_by_code, refusal,
};

/// Default and largest page of the queue.
const DEFAULT_QUEUE_LIMIT: u32 = 100;
const MAX_QUEUE_LIMIT: u32 = 500;

/// `?status=…&limit=…&offset=…`.
#[derive(Debug, Deserialize)]
pub(crate) struct QueueQuery {
    status: Option<String>,
    limit: Option<u32>,
    offset: Option<u32>,
}

fn dossier_code(path: Result<UrlPath<String>, PathRejection>) -> Result<String, ApiError> {
    path.ok()
        .map(|UrlPath(code)| code)
        .filter(|code| workflow::plausible_code(code))
        .ok_or_else(ApiError::not_found)
}

/// `GET /api/v1/desk/dossiers`: dossiers, oldest first, optionally of one status.
pub(crate) async fn queue(
    State(state): State<AppState>,
    _staff: AuthenticatedStaff,
    query: Result<Query<QueueQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|_| {
        ApiError::invalid_request("status must be a status name; limit and offset numbers")
    })?;
    let status = match query.status.as_deref() {
        None | Some("") => None,
        Some(name) => Some(
            DossierStatus::parse(name)
                .ok_or_else(|| ApiError::invalid_request("unknown status"))?,
        ),
    };
    let limit = query
        .limit
        .unwrap_or(DEFAULT_QUEUE_LIMIT)
        .clamp(1, MAX_QUEUE_LIMIT);
    let offset = query.offset.unwrap_or(0);
    let catalog_state = state.clone();
    let items = state
        .db
        .call(
            move |conn| -> crate::store::sql::Result<Vec<DeskQueueItem>> {
                let today = date_of(&VnTime::now());
                conn.prepare_cached(&format!(
                    "SELECT {ROW_COLUMNS}, c.full_name, d.on_behalf_of
                 FROM dossiers d JOIN citizens c ON c.id = d.citizen_id
                 WHERE (CAST(?1 AS TEXT) IS NULL OR d.status = ?1)
                 ORDER BY d.id LIMIT ?2 OFFSET ?3"
                ))?
                .query_map(
                    params![status.map(DossierStatus::as_str), limit, offset],
                    |row| {
                        let dossier = DossierRow::from_row(row)?;
                        let applicant_name: String = row.get(ROW_COLUMN_COUNT)?;
                        let on_behalf_of =
                            identity_binding::from_column(row.get(ROW_COLUMN_COUNT + 1)?)?;
                        let overdue = dossier.overdue(today);
                        let procedure_name_vi = catalog_state
                            .catalog
                            .procedure(&dossier.procedure_code)
                            .map(|procedure| procedure.name_vi.clone());
                        Ok(DeskQueueItem {
                            code: dossier.code,
                            procedure_code: dossier.procedure_code,
                            procedure_name_vi,
                            status: dossier.status,
                            submitted_at: dossier.submitted_at,
                            received_at: dossier.received_at,
                            appointment_date: dossier.appointment_date,
                            overdue,
                            supplement_requests: dossier.supplement_requests,
                            applicant_name,
                            on_behalf_of_name: on_behalf_of.map(|person| person.full_name),
                        })
                    },
                )?
                .collect()
            },
        )
        .await??;
    json_of(&items)
}

/// Everything the desk sees of one dossier, for an officer of `role`.
fn desk_dossier(
    conn: &Connection,
    state: &AppState,
    row: DossierRow,
    role: StaffRole,
) -> crate::store::sql::Result<DeskDossier> {
    let (applicant, fields, on_behalf_of): (Applicant, String, Option<String>) = conn
        .prepare_cached(
            "SELECT c.full_name, c.personal_id, c.birth_date, c.address, c.identity_level,
                    d.fields, d.on_behalf_of
             FROM dossiers d JOIN citizens c ON c.id = d.citizen_id WHERE d.id = ?1",
        )?
        .query_row([row.id], |r| {
            Ok((
                Applicant {
                    full_name: r.get(0)?,
                    personal_id: r.get(1)?,
                    birth_date: r.get(2)?,
                    address: r.get(3)?,
                    identity_level: IdentityLevel::from_number(r.get(4)?),
                },
                r.get(5)?,
                r.get(6)?,
            ))
        })?;
    let fields = serde_json::from_str(&fields)
        .map_err(|error| crate::store::sql::Error::decode(Box::new(error)))?;
    let on_behalf_of = identity_binding::from_column(on_behalf_of)?;
    let (filing_notice_vi, filing_notice_en) = on_behalf_of
        .as_ref()
        .map(|person| identity_binding::notices(&applicant.full_name, person))
        .unzip();
    let attachments = conn
        .prepare_cached(
            "SELECT requirement, sha256, size, media_type, file_name FROM dossier_attachments
             WHERE dossier_id = ?1 ORDER BY position",
        )?
        .query_map([row.id], |r| {
            Ok(DeskAttachment {
                stored: StoredAttachment {
                    requirement: r.get(0)?,
                    sha256: r.get(1)?,
                    size: u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                    media_type: r.get(3)?,
                },
                file_name: r.get(4)?,
            })
        })?
        .collect::<crate::store::sql::Result<_>>()?;
    let timeline = workflow::timeline(conn, row.id)?;
    let receipt = receipts::text_of(conn, row.id)?;
    let procedure = state.catalog.procedure(&row.procedure_code);
    let now = VnTime::now();
    let overdue = row.overdue(date_of(&now));
    // Intake checks the binding since it exists; an older dossier may name someone else
    // without saying so, and the officer is told.
    let identity_mismatches = match (
        procedure,
        identity_binding::StoredIdentity::load(conn, row.citizen_id)?,
    ) {
        (Some(procedure), Some(identity)) => {
            let (year, month, day) = now.date();
            identity.mismatches(
                procedure,
                &fields,
                on_behalf_of.as_ref(),
                &ValidationContext::new(year, month, day),
            )
        }
        _ => Vec::new(),
    };
    Ok(DeskDossier {
        procedure_name_vi: procedure.map(|p| p.name_vi.clone()),
        procedure_name_en: procedure.map(|p| p.name_en.clone()),
        available_actions: ActionKind::available(row.status, role.actor()),
        code: row.code,
        procedure_code: row.procedure_code,
        status: row.status,
        submitted_at: row.submitted_at,
        received_at: row.received_at,
        appointment_date: row.appointment_date,
        overdue,
        supplement_requests: row.supplement_requests,
        clock_paused_since: row.paused_since,
        applicant,
        on_behalf_of,
        filing_notice_vi,
        filing_notice_en,
        identity_mismatches,
        fields,
        attachments,
        timeline,
        receipt,
    })
}

/// `GET /api/v1/desk/dossiers/{code}`.
pub(crate) async fn get_one(
    State(state): State<AppState>,
    staff: AuthenticatedStaff,
    path: Result<UrlPath<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let code = dossier_code(path)?;
    let inner = state.clone();
    let found = state
        .db
        .call(
            move |conn| -> crate::store::sql::Result<Option<DeskDossier>> {
                match load_by_code(conn, &code)? {
                    Some(row) => desk_dossier(conn, &inner, row, staff.role).map(Some),
                    None => Ok(None),
                }
            },
        )
        .await??
        .ok_or_else(ApiError::not_found)?;
    json_of(&found)
}

/// `POST /api/v1/desk/dossiers/{code}/actions`: applies the action in the officer's role;
/// answers the dossier after it.
pub(crate) async fn act(
    State(state): State<AppState>,
    staff: AuthenticatedStaff,
    path: Result<UrlPath<String>, PathRejection>,
    body: Result<ApiJson<DeskActionRequest>, ApiError>,
) -> Result<Response, ApiError> {
    let code = dossier_code(path)?;
    let ApiJson(request) = body?;
    let action = request.to_action();
    // Accepting issues the receipt; its applicant digest is slow on purpose, so it is
    // made before the transaction.
    let applicant = match request.action {
        ActionKind::Accept => receipts::applicant_digest(&state, code.clone()).await?,
        _ => None,
    };
    let at = VnTime::now();
    let inner = state.clone();
    let outcome = state
        .db
        .call(
            move |conn| -> crate::store::sql::Result<Option<Result<DeskDossier, TransitionError>>> {
                let tx = conn
                    .transaction_with_behavior(crate::store::sql::TransactionBehavior::Immediate)?;
                let Some(row) = load_by_code(&tx, &code)? else {
                    return Ok(None);
                };
                let processing_days = inner
                    .catalog
                    .procedure(&row.procedure_code)
                    .and_then(|procedure| procedure.processing_days.known().copied());
                let actor = Actor::Staff {
                    id: staff.staff_id,
                    role: staff.role,
                };
                let applied = apply(
                    &tx,
                    &row,
                    actor,
                    &action,
                    request.note.as_deref(),
                    &at,
                    processing_days,
                )?;
                let answer = match applied {
                    Ok(next) => {
                        if action.kind() == ActionKind::Accept {
                            receipts::issue(
                                &tx,
                                &inner.keys,
                                &next,
                                &inner.settings.agency_code,
                                applicant,
                            )
                            .map_err(receipts::IssueError::into_sqlite)?;
                        }
                        Ok(desk_dossier(&tx, &inner, next, staff.role)?)
                    }
                    Err(error) => Err(error),
                };
                tx.commit()?;
                Ok(Some(answer))
            },
        )
        .await??;
    match outcome {
        None => Err(ApiError::not_found()),
        Some(Err(error)) => {
            tracing::info!(code = error_code(&error), "desk action refused");
            Err(refusal(&error))
        }
        Some(Ok(dossier)) => {
            tracing::info!(status = dossier.status.as_str(), "desk action applied");
            let body = serde_json::to_string(&dossier).map_err(|error| {
                tracing::error!(%error, "cannot serialise an answer");
                ApiError::internal()
            })?;
            Ok(json_answer(StatusCode::OK, body))
        }
    }
}

fn error_code(error: &TransitionError) -> &'static str {
    use motcua_protocol::i18n::Localized as _;
    error.code()
}
