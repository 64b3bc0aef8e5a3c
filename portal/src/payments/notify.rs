//! The payment intermediary's notifications of credited transfers: authenticated by an
//! HMAC over the timestamp and the body with the shared secret, inside a replay window;
//! idempotent by transaction id; matched by reference and amount. Exact → paid; a wrong
//! amount, an unknown reference or a second payment → held for the desk, never silently
//! accepted or lost.

use crate::store::sql::{Connection, OptionalExtension as _, Transaction, params};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use motcua_protocol::api::ApiErrorCode;
use motcua_protocol::api::payments::{
    HEADER_SIGNATURE, HEADER_TIMESTAMP, HoldReason, NotificationAck, NotificationOutcome,
    PaymentNotification, REPLAY_WINDOW_SECS, signature_matches,
};

use super::reference::references_in;
use super::requests::{RequestRow, request_by_reference};
use super::settle::settle;
use crate::AppState;
use crate::db::now;
use crate::dossiers::json_of;
use crate::error::ApiError;

/// Largest notification body.
pub(crate) const MAX_NOTIFICATION_BYTES: usize = 16 * 1024;
/// Longest transaction id and account.
const MAX_ID_LEN: usize = 64;
/// Longest description kept.
const MAX_DESCRIPTION_LEN: usize = 512;

fn unauthenticated(message: &'static str) -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        ApiErrorCode::Unauthenticated,
        message,
    )
}

/// Checks the timestamp window and the signature; answers the timestamp.
fn authenticate(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<i64, ApiError> {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let timestamp: i64 = header(HEADER_TIMESTAMP)
        .and_then(|text| text.trim().parse().ok())
        .ok_or_else(|| unauthenticated("a notification needs its timestamp and signature"))?;
    let signature = header(HEADER_SIGNATURE)
        .ok_or_else(|| unauthenticated("a notification needs its timestamp and signature"))?;
    if (now() - timestamp).abs() > REPLAY_WINDOW_SECS {
        tracing::warn!("payment notification outside the replay window refused");
        return Err(unauthenticated(
            "the notification's timestamp is outside the replay window",
        ));
    }
    if !signature_matches(&state.payments.secret, timestamp, body, signature) {
        tracing::warn!("payment notification with a bad signature refused");
        return Err(unauthenticated(
            "the notification's signature does not match",
        ));
    }
    Ok(timestamp)
}

fn id_ok(text: &str) -> bool {
    !text.is_empty() && text.len() <= MAX_ID_LEN && text.bytes().all(|b| (0x21..=0x7e).contains(&b))
}

/// The notification's fields checked; the Vietnam date of its crediting.
fn check(notification: &PaymentNotification) -> Result<String, ApiError> {
    if !id_ok(&notification.transaction_id) || !id_ok(&notification.account) {
        return Err(ApiError::invalid_request(
            "transaction_id and account must be 1 to 64 visible ASCII characters",
        ));
    }
    if notification.description.chars().count() > MAX_DESCRIPTION_LEN
        || notification.description.chars().any(char::is_control)
    {
        return Err(ApiError::invalid_request(
            "the description must be at most 512 characters without control characters",
        ));
    }
    if i64::try_from(notification.amount_vnd).is_err() {
        return Err(ApiError::invalid_request("the amount is too large"));
    }
    let credited = chrono::DateTime::parse_from_rfc3339(&notification.credited_at)
        .map_err(|_| ApiError::invalid_request("credited_at must be an RFC 3339 time"))?;
    Ok(motcua_protocol::time::vietnam_date_of(credited.timestamp())
        .format("%Y-%m-%d")
        .to_string())
}

/// The request the description names (the first of its references that one has).
fn matched_request(
    conn: &Connection,
    description: &str,
) -> crate::store::sql::Result<Option<RequestRow>> {
    for reference in references_in(description) {
        if let Some(request) = request_by_reference(conn, &reference)? {
            return Ok(Some(request));
        }
    }
    Ok(None)
}

fn dossier_code_of(
    conn: &Connection,
    dossier_id: i64,
) -> crate::store::sql::Result<Option<String>> {
    conn.prepare_cached("SELECT code FROM dossiers WHERE id = ?1")?
        .query_row([dossier_id], |row| row.get(0))
        .optional()
}

fn outcome_from_db(text: &str) -> NotificationOutcome {
    if text == "paid" {
        NotificationOutcome::Paid
    } else {
        NotificationOutcome::Held
    }
}

pub(crate) fn hold_reason_from_db(text: Option<&str>) -> Option<HoldReason> {
    match text? {
        "wrong_amount" => Some(HoldReason::WrongAmount),
        "unknown_reference" => Some(HoldReason::UnknownReference),
        "second_payment" => Some(HoldReason::SecondPayment),
        _ => None,
    }
}

pub(crate) fn hold_reason_name(reason: HoldReason) -> &'static str {
    match reason {
        HoldReason::WrongAmount => "wrong_amount",
        HoldReason::UnknownReference => "unknown_reference",
        HoldReason::SecondPayment => "second_payment",
    }
}

/// The acknowledgement of a transaction id seen before.
fn duplicate(
    tx: &Transaction<'_>,
    transaction_id: &str,
) -> crate::store::sql::Result<Option<NotificationAck>> {
    let found: Option<(String, Option<String>, Option<i64>)> = tx
        .prepare_cached(
            "SELECT t.outcome, t.hold_reason, p.dossier_id FROM payment_transactions t
             LEFT JOIN payment_requests p ON p.id = t.request_id WHERE t.transaction_id = ?1",
        )?
        .query_row([transaction_id], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .optional()?;
    let Some((outcome, reason, dossier_id)) = found else {
        return Ok(None);
    };
    Ok(Some(NotificationAck {
        transaction_id: transaction_id.to_owned(),
        outcome: NotificationOutcome::Duplicate,
        first: Some(outcome_from_db(&outcome)),
        dossier_code: match dossier_id {
            Some(id) => dossier_code_of(tx, id)?,
            None => None,
        },
        hold_reason: hold_reason_from_db(reason.as_deref()),
    }))
}

/// Records one notification in `tx` and answers what was done.
fn record(
    tx: &Transaction<'_>,
    state: &AppState,
    notification: &PaymentNotification,
    report_day: &str,
) -> crate::store::sql::Result<NotificationAck> {
    if let Some(ack) = duplicate(tx, &notification.transaction_id)? {
        return Ok(ack);
    }
    let request = matched_request(tx, &notification.description)?;
    let hold = match &request {
        None => Some(HoldReason::UnknownReference),
        Some(request) if request.paid => Some(HoldReason::SecondPayment),
        Some(request) if request.amount_vnd != notification.amount_vnd => {
            Some(HoldReason::WrongAmount)
        }
        Some(_) => None,
    };
    let agency = match &request {
        Some(request) if request.account == notification.account => request.agency_code.clone(),
        _ => state.payments.agency_of_account(&notification.account),
    };
    let received = now();
    tx.prepare_cached(
        "INSERT INTO payment_transactions (transaction_id, amount_vnd, description, account,
             agency_code, credited_at, report_day, payer_name, received_at, request_id,
             outcome, hold_reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        notification.transaction_id,
        i64::try_from(notification.amount_vnd).unwrap_or(i64::MAX),
        notification.description,
        notification.account,
        agency,
        notification.credited_at,
        report_day,
        notification.payer_name,
        received,
        request.as_ref().map(|request| request.id),
        if hold.is_some() { "held" } else { "paid" },
        hold.map(hold_reason_name),
    ])?;
    if let (Some(request), None) = (&request, hold) {
        settle(
            tx,
            state,
            request,
            &notification.transaction_id,
            notification.amount_vnd,
            received,
        )?;
    }
    let dossier_code = match &request {
        Some(request) => dossier_code_of(tx, request.dossier_id)?,
        None => None,
    };
    Ok(NotificationAck {
        transaction_id: notification.transaction_id.clone(),
        outcome: if hold.is_some() {
            NotificationOutcome::Held
        } else {
            NotificationOutcome::Paid
        },
        first: None,
        dossier_code,
        hold_reason: hold,
    })
}

/// `POST /api/v1/payments/notifications`.
pub(crate) async fn notify(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    authenticate(&state, &headers, &body)?;
    let notification: PaymentNotification = serde_json::from_slice(&body)
        .map_err(|_| ApiError::invalid_request("the body is not a payment notification"))?;
    let report_day = check(&notification)?;
    let inner = state.clone();
    let ack = state
        .db
        .call(move |conn| -> crate::store::sql::Result<NotificationAck> {
            let tx =
                conn.transaction_with_behavior(crate::store::sql::TransactionBehavior::Immediate)?;
            let ack = record(&tx, &inner, &notification, &report_day)?;
            tx.commit()?;
            Ok(ack)
        })
        .await??;
    tracing::info!(
        outcome = ?ack.outcome,
        hold_reason = ?ack.hold_reason,
        "payment notification recorded"
    );
    json_of(&ack)
}
