//! Withdrawing a dossier. The request waits in a small queue of its own, with an
//! idempotency key chosen once, so that a request cut by the network is repeated with the
//! same key and counts once; the outbox round ([`DossierArea::run_outbox`]) retries it.
//! The queue's SQL is the store's (`store/withdrawals.rs`).

use motcua_protocol::lifecycle::{ActionKind, check_note};

use super::outbox::DeliveryOutcome;
use super::{DossierArea, DossierError, random_id, unix_now};
use crate::store::withdrawals;

impl DossierArea {
    /// Asks the portal to withdraw dossier `code` (allowed until a result is ready), with
    /// an optional note saying why. Checked against the lifecycle first; then queued with
    /// its idempotency key and sent once now. `Pending` means it stays queued and is
    /// retried by [`DossierArea::run_outbox`]; a refusal comes back as
    /// [`DossierError::Refused`].
    pub async fn withdraw(
        &self,
        code: &str,
        note: Option<&str>,
    ) -> Result<DeliveryOutcome, DossierError> {
        let code = code.trim();
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        check_note(note)?;
        let queued = self.pending_withdrawal(code).await?.is_some();
        if !queued {
            self.check_citizen_action_async(code, ActionKind::RequestWithdrawal)
                .await?;
            let (owned, key, note) = (code.to_owned(), random_id(24)?, note.map(str::to_owned));
            let now = unix_now();
            self.database
                .blocking(move |database| {
                    withdrawals::queue(database, &owned, &key, note.as_deref(), now)
                })
                .await?;
        }
        self.outbox.deliver_withdrawal(self, code, true).await
    }

    /// The queued withdrawal of `code`, opened.
    pub(super) async fn pending_withdrawal(
        &self,
        code: &str,
    ) -> Result<Option<withdrawals::PendingWithdrawal>, DossierError> {
        let code = code.to_owned();
        Ok(self
            .database
            .blocking(move |database| withdrawals::load(database, &code))
            .await?)
    }

    /// Codes of the queued withdrawals.
    pub(super) async fn queued_withdrawals(&self) -> Result<Vec<String>, DossierError> {
        Ok(self.database.blocking(withdrawals::queued).await?)
    }
}
