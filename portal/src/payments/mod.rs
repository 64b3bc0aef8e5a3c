//! Paying fees (docs/ARCHITECTURE.md, "Payments"; decision record 0007): payment requests
//! with their VietQR codes ([`requests`]), the intermediary's signed notifications
//! ([`notify`]), settlement with the fee's e-receipt ([`settle`]), the desk's held
//! payments ([`held`]) and the daily reconciliation report ([`report`]).

mod config;
mod held;
mod notify;
mod reference;
mod report;
mod requests;
mod settle;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use motcua_protocol::api::payments::{
    PATH_DESK_DOSSIER_PAYMENT, PATH_DESK_HELD_PAYMENT_RESOLVE, PATH_DESK_HELD_PAYMENTS,
    PATH_DESK_PAYMENT_REPORT, PATH_DOSSIER_FEE_RECEIPT, PATH_DOSSIER_PAYMENT,
    PATH_PAYMENT_NOTIFICATIONS,
};

pub(crate) use config::PaymentsConfig;
pub use config::{DEFAULT_PAYMENTS_DUE_DAYS, DEFAULT_PAYMENTS_SECRET, PaymentsArgs};

use crate::AppState;

/// The payments' routes: the citizen's, the intermediary's and the desk's.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(PATH_DOSSIER_PAYMENT, get(requests::citizen_payment))
        .route(PATH_DOSSIER_FEE_RECEIPT, get(requests::citizen_fee_receipt))
        .route(
            PATH_PAYMENT_NOTIFICATIONS,
            post(notify::notify).layer(DefaultBodyLimit::max(notify::MAX_NOTIFICATION_BYTES)),
        )
        .route(PATH_DESK_DOSSIER_PAYMENT, get(requests::desk_payment))
        .route(PATH_DESK_HELD_PAYMENTS, get(held::list))
        .route(
            PATH_DESK_HELD_PAYMENT_RESOLVE,
            post(held::resolve).layer(DefaultBodyLimit::max(8 * 1024)),
        )
        .route(PATH_DESK_PAYMENT_REPORT, get(report::report))
}
