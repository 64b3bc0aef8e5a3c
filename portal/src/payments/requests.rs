//! Payment requests: which fee a dossier owes (the online fee where there is one; an
//! unknown one is never invented), when it falls due (at filing or at the desk's request,
//! as the agency is configured), and the request itself — made the first time anyone
//! looks once the fee is due, from the dossier's status and events, so that intake and the
//! desk's actions stay as they are.

use crate::store::sql::{Connection, OptionalExtension as _, Transaction, params};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path as UrlPath, State};
use axum::response::Response;
use motcua_protocol::api::payments::{FeeReceiptResponse, PaymentStatus, PaymentView};
use motcua_protocol::catalog::{Fact, Procedure};
use motcua_protocol::dossier::DossierStatus;
use motcua_protocol::lifecycle::ActionKind;
use motcua_protocol::vietqr::VietQr;

use super::config::{AgencyAccount, FeeDue, PaymentsConfig};
use super::reference;
use crate::AppState;
use crate::db::now;
use crate::deadline::{add_working_days, format, parse};
use crate::dossiers::json_of;
use crate::error::ApiError;
use crate::session::AuthenticatedCitizen;
use crate::staff::AuthenticatedStaff;
use crate::workflow::{self, DossierRow, load_by_code};

/// Attempts to draw a reference no request has.
const REFERENCE_ATTEMPTS: usize = 8;

/// What a dossier filed online owes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OnlineFee {
    /// Nothing (free or exempt).
    None,
    /// An amount in đồng.
    Amount(u64),
    /// The catalog does not know it: why (English, from the catalog).
    Unknown(String),
}

/// The fee of `procedure` for an online filing: the online amount where the catalog gives
/// one, else the amount; unknown either way is unknown.
pub(crate) fn online_fee(procedure: &Procedure) -> OnlineFee {
    let fee = &procedure.fee;
    match fee.online_amount_vnd.as_ref().unwrap_or(&fee.amount_vnd) {
        Fact::Known(0) => OnlineFee::None,
        Fact::Known(amount) => OnlineFee::Amount(*amount),
        Fact::Unknown { unknown } => OnlineFee::Unknown(unknown.clone()),
    }
}

/// The agency of a dossier: the first part of its code (`<agency>-<YYMMDD>-<NNNN>`).
pub(crate) fn agency_of_code(code: &str) -> &str {
    code.rsplitn(3, '-').last().unwrap_or(code)
}

/// A stored payment request.
#[derive(Debug, Clone)]
pub(crate) struct RequestRow {
    pub id: i64,
    pub dossier_id: i64,
    pub agency_code: String,
    pub reference: String,
    pub amount_vnd: u64,
    pub bank_bin: String,
    pub bank_name: String,
    pub account: String,
    pub account_name: String,
    pub due_date: String,
    pub paid: bool,
    pub paid_at: Option<String>,
    pub fee_receipt: Option<String>,
}

const REQUEST_COLUMNS: &str = "id, dossier_id, agency_code, reference, amount_vnd, bank_bin, \
     bank_name, account, account_name, due_date, status, paid_at, fee_receipt";

fn request_from_row(row: &crate::store::sql::Row<'_>) -> crate::store::sql::Result<RequestRow> {
    Ok(RequestRow {
        id: row.get(0)?,
        dossier_id: row.get(1)?,
        agency_code: row.get(2)?,
        reference: row.get(3)?,
        amount_vnd: u64::try_from(row.get::<_, i64>(4)?).unwrap_or(0),
        bank_bin: row.get(5)?,
        bank_name: row.get(6)?,
        account: row.get(7)?,
        account_name: row.get(8)?,
        due_date: row.get(9)?,
        paid: row.get::<_, String>(10)? == "paid",
        paid_at: row.get(11)?,
        fee_receipt: row.get(12)?,
    })
}

/// The request of a dossier, if made.
pub(crate) fn request_of_dossier(
    conn: &Connection,
    dossier_id: i64,
) -> crate::store::sql::Result<Option<RequestRow>> {
    conn.prepare_cached(&format!(
        "SELECT {REQUEST_COLUMNS} FROM payment_requests WHERE dossier_id = ?1"
    ))?
    .query_row([dossier_id], request_from_row)
    .optional()
}

/// The request with `reference`, if any.
pub(crate) fn request_by_reference(
    conn: &Connection,
    reference: &str,
) -> crate::store::sql::Result<Option<RequestRow>> {
    conn.prepare_cached(&format!(
        "SELECT {REQUEST_COLUMNS} FROM payment_requests WHERE reference = ?1"
    ))?
    .query_row([reference], request_from_row)
    .optional()
}

/// When the fee of `row` fell due (RFC 3339), if it did: at submission for an agency that
/// takes the fee on filing (unless intake refused the dossier), else at the desk's first
/// payment request.
fn due_since(
    conn: &Connection,
    row: &DossierRow,
    fee_due: FeeDue,
) -> crate::store::sql::Result<Option<String>> {
    if fee_due == FeeDue::OnFiling && row.status != DossierStatus::NotAccepted {
        return Ok(Some(row.submitted_at.clone()));
    }
    conn.prepare_cached(
        "SELECT at FROM dossier_events WHERE dossier_id = ?1 AND action = ?2 ORDER BY seq LIMIT 1",
    )?
    .query_row(params![row.id, ActionKind::RequestPayment.as_str()], |r| {
        r.get(0)
    })
    .optional()
}

/// The dossier's request, making it now if its fee is due and it has none yet. `Ok(None)`
/// when nothing is requested (no fee, unknown fee, not due, no account).
pub(crate) fn ensure_request(
    tx: &Transaction<'_>,
    state: &AppState,
    row: &DossierRow,
) -> crate::store::sql::Result<Option<RequestRow>> {
    if let Some(existing) = request_of_dossier(tx, row.id)? {
        return Ok(Some(existing));
    }
    let Some(procedure) = state.catalog.procedure(&row.procedure_code) else {
        return Ok(None);
    };
    let OnlineFee::Amount(amount) = online_fee(procedure) else {
        return Ok(None);
    };
    let config: &PaymentsConfig = &state.payments;
    let Some(account) = config.account_of(agency_of_code(&row.code)) else {
        return Ok(None);
    };
    let Some(due_at) = due_since(tx, row, account.fee_due)? else {
        return Ok(None);
    };
    let due_day = due_at
        .get(..10)
        .and_then(parse)
        .unwrap_or_else(|| motcua_protocol::time::vietnam_date_of(now()));
    let due_date = format(add_working_days(due_day, config.due_days));
    insert_request(tx, state, row, account, amount, &due_at, &due_date)?;
    request_of_dossier(tx, row.id)
}

fn insert_request(
    tx: &Transaction<'_>,
    state: &AppState,
    row: &DossierRow,
    account: &AgencyAccount,
    amount: u64,
    due_at: &str,
    due_date: &str,
) -> crate::store::sql::Result<()> {
    for _ in 0..REFERENCE_ATTEMPTS {
        let reference = reference::new_reference(&state.rng)
            .map_err(|_| crate::store::sql::Error::encode("no randomness for a reference"))?;
        let inserted = tx
            .prepare_cached(
                "INSERT INTO payment_requests (dossier_id, agency_code, reference, amount_vnd,
                     bank_bin, bank_name, account, account_name, due_at, due_date, created_at,
                     status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'awaiting')
                 ON CONFLICT (reference) DO NOTHING",
            )?
            .execute(params![
                row.id,
                account.agency_code,
                reference,
                i64::try_from(amount).unwrap_or(i64::MAX),
                account.bank_bin,
                account.bank_name,
                account.account,
                account.account_name,
                due_at,
                due_date,
                now(),
            ])?;
        if inserted == 1 {
            tracing::info!("payment request made");
            return Ok(());
        }
    }
    Err(crate::store::sql::Error::encode(
        "no fresh payment reference",
    ))
}

/// Whether an unresolved held payment names this request.
fn under_review(conn: &Connection, request_id: i64) -> crate::store::sql::Result<bool> {
    conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM payment_transactions
                        WHERE request_id = ?1 AND outcome = 'held' AND resolution IS NULL)",
    )?
    .query_row([request_id], |r| r.get(0))
}

/// The view of a dossier's fee, making its request if due.
pub(crate) fn view(
    tx: &Transaction<'_>,
    state: &AppState,
    row: &DossierRow,
) -> crate::store::sql::Result<PaymentView> {
    let mut view = PaymentView {
        code: row.code.clone(),
        status: PaymentStatus::NoFee,
        amount_vnd: None,
        reference: None,
        beneficiary: None,
        qr_text: None,
        due_date: None,
        paid_at: None,
        fee_receipt: None,
        under_review: false,
        note_vi: None,
        note_en: None,
    };
    if let Some(request) = ensure_request(tx, state, row)? {
        let qr = VietQr::transfer(
            &request.bank_bin,
            &request.account,
            request.amount_vnd,
            &request.reference,
        )
        .encode()
        .map_err(|error| crate::store::sql::Error::encode(Box::new(error)))?;
        view.status = if request.paid {
            PaymentStatus::Paid
        } else {
            PaymentStatus::Awaiting
        };
        view.amount_vnd = Some(request.amount_vnd);
        view.beneficiary = Some(motcua_protocol::api::payments::Beneficiary {
            agency_code: request.agency_code.clone(),
            bank_bin: request.bank_bin.clone(),
            bank_name: request.bank_name.clone(),
            account: request.account.clone(),
            account_name: request.account_name.clone(),
        });
        view.qr_text = (!request.paid).then_some(qr);
        view.reference = Some(request.reference.clone());
        view.due_date = Some(request.due_date.clone());
        view.paid_at = request.paid_at.clone();
        view.fee_receipt = request.fee_receipt.clone();
        view.under_review = under_review(tx, request.id)?;
        return Ok(view);
    }
    match state.catalog.procedure(&row.procedure_code).map(online_fee) {
        None | Some(OnlineFee::None) => {}
        Some(OnlineFee::Unknown(why)) => {
            view.status = PaymentStatus::SettledAtDesk;
            view.note_vi = Some(
                "Danh mục chưa xác định mức phí, lệ phí khi nộp trực tuyến cho thủ tục này; \
                 phí được thu tại bộ phận một cửa, không thanh toán qua ứng dụng."
                    .into(),
            );
            view.note_en = Some(format!(
                "The catalog does not establish this procedure's fee for an online filing \
                 ({why}); it is settled at the one-stop desk, not paid in the app."
            ));
        }
        Some(OnlineFee::Amount(amount)) => {
            view.amount_vnd = Some(amount);
            if state
                .payments
                .account_of(agency_of_code(&row.code))
                .is_none()
            {
                view.status = PaymentStatus::SettledAtDesk;
                view.note_vi = Some(
                    "Cơ quan chưa công bố tài khoản nhận phí trực tuyến; phí được thu tại bộ phận một cửa."
                        .into(),
                );
                view.note_en = Some(
                    "The agency has no account for online payment; the fee is settled at the one-stop desk."
                        .into(),
                );
            } else {
                view.status = PaymentStatus::NotDue;
            }
        }
    }
    Ok(view)
}

fn dossier_code(path: Result<UrlPath<String>, PathRejection>) -> Result<String, ApiError> {
    path.ok()
        .map(|UrlPath(code)| code)
        .filter(|code| workflow::plausible_code(code))
        .ok_or_else(ApiError::not_found)
}

/// The payment view of dossier `code`, when `owner` (a citizen id) owns it or the caller is
/// staff (`None`).
async fn load_view(
    state: AppState,
    code: String,
    owner: Option<i64>,
) -> Result<PaymentView, ApiError> {
    let inner = state.clone();
    state
        .db
        .call(
            move |conn| -> crate::store::sql::Result<Option<PaymentView>> {
                let tx = conn
                    .transaction_with_behavior(crate::store::sql::TransactionBehavior::Immediate)?;
                let Some(row) = load_by_code(&tx, &code)? else {
                    return Ok(None);
                };
                if owner.is_some_and(|citizen| citizen != row.citizen_id) {
                    return Ok(None);
                }
                let view = view(&tx, &inner, &row)?;
                tx.commit()?;
                Ok(Some(view))
            },
        )
        .await??
        .ok_or_else(ApiError::not_found)
}

/// `GET /api/v1/dossiers/{code}/payment`: the citizen's own dossier's payment request.
pub(crate) async fn citizen_payment(
    State(state): State<AppState>,
    citizen: AuthenticatedCitizen,
    path: Result<UrlPath<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let code = dossier_code(path)?;
    json_of(&load_view(state, code, Some(citizen.citizen_id)).await?)
}

/// `GET /api/v1/desk/dossiers/{code}/payment`: any dossier's, for the desk.
pub(crate) async fn desk_payment(
    State(state): State<AppState>,
    _staff: AuthenticatedStaff,
    path: Result<UrlPath<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let code = dossier_code(path)?;
    json_of(&load_view(state, code, None).await?)
}

/// `GET /api/v1/dossiers/{code}/fee-receipt`: the citizen's fee e-receipt, once paid.
pub(crate) async fn citizen_fee_receipt(
    State(state): State<AppState>,
    citizen: AuthenticatedCitizen,
    path: Result<UrlPath<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let code = dossier_code(path)?;
    let citizen_id = citizen.citizen_id;
    let wanted = code.clone();
    let receipt = state
        .db
        .call(move |conn| -> crate::store::sql::Result<Option<String>> {
            conn.prepare_cached(
                "SELECT p.fee_receipt FROM payment_requests p JOIN dossiers d ON d.id = p.dossier_id
                 WHERE d.code = ?1 AND d.citizen_id = ?2",
            )?
            .query_row(params![wanted, citizen_id], |r| r.get(0))
            .optional()
            .map(Option::flatten)
        })
        .await??
        .ok_or_else(ApiError::not_found)?;
    json_of(&FeeReceiptResponse { code, receipt })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_agency_is_the_first_part_of_the_code() {
        assert_eq!(agency_of_code("000.00.00.H00-251203-0001"), "000.00.00.H00");
        assert_eq!(agency_of_code("A-B-251203-0001"), "A-B");
        assert_eq!(agency_of_code("plain"), "plain");
    }
}
