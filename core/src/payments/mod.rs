//! Paying a dossier's fee from the phone (docs/ARCHITECTURE.md, "Payments"): the payment
//! request the portal opens when the fee falls due, shown as a screen (amount, beneficiary,
//! reference, the VietQR code any banking app scans and its PNG), kept on the device so it
//! opens offline, refreshed by each sync until it is paid; then the fee's e-receipt,
//! verified offline against the same trust list as the dossier receipts.
//!
//! The phone never pays anything itself: the citizen's bank transfers, the payment
//! intermediary tells the portal, and the phone learns the outcome by asking again. So
//! nothing here can pay twice; what it must get right is that the code scanned pays
//! exactly what the screen says, to the account it names, with the reference that lets
//! the portal match it ([`FeePayment::from_view`] refuses a request whose QR code
//! disagrees with its own fields).

mod error;
pub mod view;

use std::sync::Arc;

use motcua_protocol::api::payments::{PATH_DOSSIER_PAYMENT, PaymentView};
use motcua_protocol::i18n::Lang;
use motcua_protocol::receipt::fee::read_fee_receipt_unverified;
use motcua_protocol::time::unix_now;

use crate::CoreConfig;
use crate::http::{HttpClient, HttpError};
use crate::identity::{Identity, IdentityError};
use crate::receipt::{ReceiptArea, render};
use crate::store::{Database, payments as store};

pub use error::PaymentError;
pub use view::{FeePayment, FeeReceiptView, LabelledLine, PaymentChange};

/// The payments area of the core.
pub struct PaymentsArea {
    config: Arc<CoreConfig>,
    http: HttpClient,
    database: Arc<Database>,
    identity: Arc<Identity>,
    receipts: Arc<ReceiptArea>,
}

impl PaymentsArea {
    pub(crate) fn new(
        config: Arc<CoreConfig>,
        http: HttpClient,
        database: Arc<Database>,
        identity: Arc<Identity>,
        receipts: Arc<ReceiptArea>,
    ) -> PaymentsArea {
        PaymentsArea {
            config,
            http,
            database,
            identity,
            receipts,
        }
    }

    /// Asks the portal for dossier `code`'s payment request and keeps it. Offline (no
    /// answer from the portal), the one kept on the device is shown, marked as such; with
    /// none kept, [`PaymentError::Network`].
    pub async fn refresh(&self, code: &str, lang: Lang) -> Result<FeePayment, PaymentError> {
        match self.fetch(code).await {
            Ok(view) => {
                let fetched_at = unix_now();
                let shown = FeePayment::from_view(&view, fetched_at, false, lang)?;
                let database = self.database.clone();
                self.database
                    .blocking(move |_| store::save(&database, &view, fetched_at))
                    .await?;
                Ok(shown)
            }
            Err(PaymentError::Network(detail)) => match self.kept(code, lang, true).await? {
                Some(kept) => Ok(kept),
                None => Err(PaymentError::Network(detail)),
            },
            Err(error) => Err(error),
        }
    }

    /// Dossier `code`'s payment request as kept on the device (no network), or
    /// [`PaymentError::NotFetched`] when it was never fetched.
    pub async fn payment(&self, code: &str, lang: Lang) -> Result<FeePayment, PaymentError> {
        self.kept(code, lang, false)
            .await?
            .ok_or_else(|| PaymentError::NotFetched(code.to_owned()))
    }

    /// Refreshes every payment that may have moved: requests awaiting their payment and
    /// dossiers the desk moved to "payment requested". Called by each tracking sync, so a
    /// payment screen goes from waiting to paid as the sync reports it. Returns what changed
    /// status. A dossier the portal cannot answer for now is left for the next sync.
    pub async fn refresh_due(&self) -> Result<Vec<PaymentChange>, PaymentError> {
        let database = self.database.clone();
        let codes = self
            .database
            .blocking(move |_| store::due_codes(&database))
            .await?;
        let mut changes = Vec::new();
        for code in codes {
            let before = {
                let database = self.database.clone();
                let code = code.clone();
                self.database
                    .blocking(move |_| store::load(&database, &code))
                    .await?
                    .map(|kept| kept.view.status)
            };
            let view = match self.fetch(&code).await {
                Ok(view) => view,
                Err(PaymentError::Network(detail)) => {
                    tracing::info!(%detail, "payments: portal not reached; next sync");
                    break;
                }
                Err(error) => {
                    tracing::warn!(code = %error, "payments: request not refreshed");
                    continue;
                }
            };
            let status = view.status;
            let fetched_at = unix_now();
            let database = self.database.clone();
            self.database
                .blocking(move |_| store::save(&database, &view, fetched_at))
                .await?;
            if before != Some(status) {
                changes.push(PaymentChange {
                    code,
                    status,
                    before,
                });
            }
        }
        Ok(changes)
    }

    /// The fee's e-receipt of dossier `code`, from the device (no network): drawn as a QR
    /// code and verified against the cached trust list when there is one.
    pub async fn fee_receipt(
        &self,
        code: &str,
        lang: Lang,
    ) -> Result<FeeReceiptView, PaymentError> {
        let database = self.database.clone();
        let owned = code.to_owned();
        let kept = self
            .database
            .blocking(move |_| store::load(&database, &owned))
            .await?;
        let text = kept
            .and_then(|kept| kept.view.fee_receipt)
            .ok_or_else(|| PaymentError::NoFeeReceipt(code.to_owned()))?;
        let (kid, fields) = read_fee_receipt_unverified(&text)
            .map_err(|_| PaymentError::NoFeeReceipt(code.to_owned()))?;
        let verification = self.receipts.verify_fee_receipt(&text).ok();
        Ok(FeeReceiptView::new(
            text.clone(),
            render::render(&text)?,
            kid,
            fields,
            verification,
            lang,
        ))
    }

    async fn kept(
        &self,
        code: &str,
        lang: Lang,
        offline: bool,
    ) -> Result<Option<FeePayment>, PaymentError> {
        let database = self.database.clone();
        let owned = code.to_owned();
        let kept = self
            .database
            .blocking(move |_| store::load(&database, &owned))
            .await?;
        kept.map(|kept| FeePayment::from_view(&kept.view, kept.fetched_at, offline, lang))
            .transpose()
    }

    async fn fetch(&self, code: &str) -> Result<PaymentView, PaymentError> {
        if code.is_empty() || code.len() > 64 || !code.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(PaymentError::NotFound(code.to_owned()));
        }
        let url = self
            .config
            .endpoint(&PATH_DOSSIER_PAYMENT.replace("{code}", code));
        let view: PaymentView = self
            .identity
            .authorised_json(&self.http, |token| {
                self.http.raw().get(url.clone()).bearer_auth(token)
            })
            .await?
            .map_err(|error| match error {
                HttpError::Network(detail) => PaymentError::Network(detail),
                HttpError::Api { status: 404, .. } => PaymentError::NotFound(code.to_owned()),
                HttpError::Api { status: 401, .. } => {
                    PaymentError::Identity(IdentityError::SessionEnded)
                }
                other => PaymentError::Portal(other.to_string()),
            })?;
        if view.code != code {
            return Err(PaymentError::Inconsistent(
                "the answer is for another dossier",
            ));
        }
        Ok(view)
    }
}
