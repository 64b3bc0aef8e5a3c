//! Settling a payment request: paid with one transaction, its fee e-receipt signed, and the
//! dossier moved on when it waits for the payment (status 6 → processing, by the system).
//! Called by an exact notification and by the desk applying a held payment.

use crate::store::sql::{OptionalExtension as _, Transaction, params};
use chrono::{DateTime, Utc};
use motcua_protocol::dossier::DossierStatus;
use motcua_protocol::lifecycle::Action;
use motcua_protocol::receipt::FeeReceiptFields;

use super::requests::RequestRow;
use crate::AppState;
use crate::receipts;
use crate::vn_time::VnTime;
use crate::workflow::{self, Actor, DossierRow, ROW_COLUMNS};

/// Marks `request` paid by `transaction_id` with `amount_vnd` credited, at Unix time
/// `unix`; signs the e-receipt; confirms the payment in the lifecycle when the dossier
/// waits for it. In the caller's transaction.
pub(crate) fn settle(
    tx: &Transaction<'_>,
    state: &AppState,
    request: &RequestRow,
    transaction_id: &str,
    amount_vnd: u64,
    unix: i64,
) -> crate::store::sql::Result<String> {
    let dossier: DossierRow = tx
        .prepare_cached(&format!(
            "SELECT {ROW_COLUMNS} FROM dossiers d WHERE d.id = ?1"
        ))?
        .query_row([request.dossier_id], DossierRow::from_row)?;
    let payer: String = tx
        .prepare_cached("SELECT full_name FROM citizens WHERE id = ?1")?
        .query_row([dossier.citizen_id], |row| row.get(0))
        .optional()?
        .unwrap_or_default();
    let at = VnTime::from_unix(unix);
    let fields = FeeReceiptFields {
        agency_code: request.agency_code.clone(),
        dossier_code: dossier.code.clone(),
        payer: if payer.trim().is_empty() {
            "-".into()
        } else {
            payer
        },
        amount_vnd,
        paid_at: DateTime::<Utc>::from_timestamp(unix, 0).unwrap_or_default(),
        transaction_id: transaction_id.to_owned(),
        reference: request.reference.clone(),
    };
    let (_, key) =
        receipts::active_signing_key(tx, &state.keys).map_err(receipts::IssueError::into_sqlite)?;
    let receipt = key
        .sign_fee_receipt(&fields)
        .map_err(|problem| crate::store::sql::Error::encode(Box::new(problem)))?;
    let changed = tx
        .prepare_cached(
            "UPDATE payment_requests SET status = 'paid', paid_at = ?2, transaction_id = ?3,
                    fee_receipt = ?4
             WHERE id = ?1 AND status = 'awaiting'",
        )?
        .execute(params![request.id, at.rfc3339(), transaction_id, receipt])?;
    if changed != 1 {
        // The caller checked the request awaits in this transaction.
        return Err(crate::store::sql::Error::ChangedRows(changed));
    }
    if dossier.status == DossierStatus::PaymentRequested {
        let note = format!("VietQR {}", request.reference);
        match workflow::apply(
            tx,
            &dossier,
            Actor::System,
            &Action::ConfirmPayment,
            Some(&note),
            &at,
            None,
        )? {
            Ok(_) => tracing::info!("payment confirmed in the lifecycle"),
            Err(error) => {
                use motcua_protocol::i18n::Localized as _;
                tracing::warn!(code = error.code(), "payment recorded; lifecycle refused");
            }
        }
    }
    Ok(receipt)
}
