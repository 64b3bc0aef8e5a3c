//! The desk's held payments: listed, and resolved by a one-stop desk officer — applied to
//! a dossier's awaiting request (the officer checked it with the payer) or marked for
//! refund — with a note. A resolution is final and recorded with who made it.

use crate::store::sql::{Connection, OptionalExtension as _, Transaction, params};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use motcua_protocol::api::ApiErrorCode;
use motcua_protocol::api::desk::StaffRole;
use motcua_protocol::api::payments::{HeldPayment, Resolution, ResolveHeldRequest};
use motcua_protocol::lifecycle::MAX_NOTE_CHARS;
use serde::Deserialize;

use super::notify::hold_reason_from_db;
use super::requests::{RequestRow, ensure_request, request_by_reference};
use super::settle::settle;
use crate::AppState;
use crate::db::now;
use crate::dossiers::json_of;
use crate::error::{ApiError, ApiJson};
use crate::staff::AuthenticatedStaff;
use crate::workflow::load_by_code;

/// `?all=true`.
#[derive(Debug, Deserialize)]
pub(crate) struct HeldQuery {
    #[serde(default)]
    all: bool,
}

const HELD_COLUMNS: &str = "t.id, t.transaction_id, t.amount_vnd, t.description, t.account, \
     t.agency_code, t.credited_at, t.hold_reason, d.code, p.amount_vnd, t.resolution, \
     t.resolution_note, t.request_id";

const HELD_FROM: &str = "payment_transactions t
     LEFT JOIN payment_requests p ON p.id = t.request_id
     LEFT JOIN dossiers d ON d.id = p.dossier_id";

fn resolution_from_db(text: Option<String>) -> Option<Resolution> {
    match text.as_deref()? {
        "apply" => Some(Resolution::Apply),
        "refund" => Some(Resolution::Refund),
        _ => None,
    }
}

/// A held payment and the request its reference matched.
fn held_from_row(
    row: &crate::store::sql::Row<'_>,
) -> crate::store::sql::Result<(HeldPayment, Option<i64>)> {
    let reason: Option<String> = row.get(7)?;
    let reason = hold_reason_from_db(reason.as_deref())
        .ok_or_else(|| crate::store::sql::Error::decode("unknown hold reason"))?;
    Ok((
        HeldPayment {
            id: row.get(0)?,
            transaction_id: row.get(1)?,
            amount_vnd: u64::try_from(row.get::<_, i64>(2)?).unwrap_or(0),
            description: row.get(3)?,
            account: row.get(4)?,
            agency_code: row.get(5)?,
            credited_at: row.get(6)?,
            reason,
            dossier_code: row.get(8)?,
            expected_vnd: row
                .get::<_, Option<i64>>(9)?
                .and_then(|amount| u64::try_from(amount).ok()),
            resolution: resolution_from_db(row.get(10)?),
            resolution_note: row.get(11)?,
        },
        row.get(12)?,
    ))
}

fn held_by_id(
    conn: &Connection,
    id: i64,
) -> crate::store::sql::Result<Option<(HeldPayment, Option<i64>)>> {
    conn.prepare_cached(&format!(
        "SELECT {HELD_COLUMNS} FROM {HELD_FROM} WHERE t.id = ?1 AND t.outcome = 'held'"
    ))?
    .query_row([id], held_from_row)
    .optional()
}

/// `GET /api/v1/desk/payments/held`.
pub(crate) async fn list(
    State(state): State<AppState>,
    _staff: AuthenticatedStaff,
    query: Result<Query<HeldQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|_| ApiError::invalid_request("all must be true or false"))?;
    let held = state
        .db
        .call(move |conn| -> crate::store::sql::Result<Vec<HeldPayment>> {
            conn.prepare_cached(&format!(
                "SELECT {HELD_COLUMNS} FROM {HELD_FROM}
                 WHERE t.outcome = 'held' AND (?1 OR t.resolution IS NULL) ORDER BY t.id"
            ))?
            .query_map([query.all], held_from_row)?
            .map(|row| row.map(|(held, _)| held))
            .collect()
        })
        .await??;
    json_of(&held)
}

/// Why a resolution was refused.
enum Refused {
    NotFound,
    AlreadyResolved,
    NoRequest,
    AlreadyPaid,
}

fn conflict(message: &'static str) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        ApiErrorCode::IllegalTransition,
        message,
    )
}

/// The awaiting request an `apply` pays: the named dossier's, else the one the reference
/// matched.
fn target_request(
    conn: &Transaction<'_>,
    state: &AppState,
    dossier_code: Option<&str>,
    matched: Option<i64>,
) -> crate::store::sql::Result<Option<RequestRow>> {
    if let Some(code) = dossier_code {
        // Made now if its fee is due and nobody looked at it yet.
        return match load_by_code(conn, code)? {
            Some(row) => ensure_request(conn, state, &row),
            None => Ok(None),
        };
    }
    let Some(id) = matched else {
        return Ok(None);
    };
    let reference: Option<String> = conn
        .prepare_cached("SELECT reference FROM payment_requests WHERE id = ?1")?
        .query_row([id], |row| row.get(0))
        .optional()?;
    match reference {
        Some(reference) => request_by_reference(conn, &reference),
        None => Ok(None),
    }
}

/// `POST /api/v1/desk/payments/held/{id}/resolve`: one-stop desk officers only.
pub(crate) async fn resolve(
    State(state): State<AppState>,
    staff: AuthenticatedStaff,
    path: Result<UrlPath<i64>, PathRejection>,
    body: Result<ApiJson<ResolveHeldRequest>, ApiError>,
) -> Result<Response, ApiError> {
    let UrlPath(id) = path.map_err(|_| ApiError::not_found())?;
    let ApiJson(request) = body?;
    if staff.role != StaffRole::Reception {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ApiErrorCode::Forbidden,
            "only the one-stop desk resolves held payments",
        ));
    }
    let note = request.note.trim().to_owned();
    if note.is_empty() || note.chars().count() > MAX_NOTE_CHARS {
        return Err(ApiError::invalid_request(
            "a resolution needs a note of 1 to 2000 characters",
        ));
    }
    let inner = state.clone();
    let outcome = state
        .db
        .call(
            move |conn| -> crate::store::sql::Result<Result<HeldPayment, Refused>> {
                let tx = conn
                    .transaction_with_behavior(crate::store::sql::TransactionBehavior::Immediate)?;
                let Some((held, matched)) = held_by_id(&tx, id)? else {
                    return Ok(Err(Refused::NotFound));
                };
                if held.resolution.is_some() {
                    return Ok(Err(Refused::AlreadyResolved));
                }
                let mut request_id = matched;
                if request.resolution == Resolution::Apply {
                    let Some(target) =
                        target_request(&tx, &inner, request.dossier_code.as_deref(), matched)?
                    else {
                        return Ok(Err(Refused::NoRequest));
                    };
                    if target.paid {
                        return Ok(Err(Refused::AlreadyPaid));
                    }
                    settle(
                        &tx,
                        &inner,
                        &target,
                        &held.transaction_id,
                        held.amount_vnd,
                        now(),
                    )?;
                    request_id = Some(target.id);
                }
                tx.prepare_cached(
                    "UPDATE payment_transactions SET resolution = ?2, resolution_note = ?3,
                        resolved_by = ?4, resolved_at = ?5, request_id = ?6
                 WHERE id = ?1 AND resolution IS NULL",
                )?
                .execute(params![
                    id,
                    match request.resolution {
                        Resolution::Apply => "apply",
                        Resolution::Refund => "refund",
                    },
                    note,
                    staff.staff_id,
                    now(),
                    request_id,
                ])?;
                let resolved = held_by_id(&tx, id)?.map(|(held, _)| held);
                tx.commit()?;
                Ok(resolved.ok_or(Refused::NotFound))
            },
        )
        .await??;
    match outcome {
        Ok(held) => {
            tracing::info!(resolution = ?held.resolution, "held payment resolved");
            json_of(&held)
        }
        Err(Refused::NotFound) => Err(ApiError::not_found()),
        Err(Refused::AlreadyResolved) => Err(conflict("this payment was resolved before")),
        Err(Refused::NoRequest) => Err(conflict(
            "no payment request to apply it to: name a dossier whose fee is awaited",
        )),
        Err(Refused::AlreadyPaid) => Err(conflict(
            "that request is paid already: refund this payment instead",
        )),
    }
}
