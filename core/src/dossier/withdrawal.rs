//! Withdrawing a dossier. The request waits in a small queue of its own, with an
//! idempotency key chosen once, so that a request cut by the network is repeated with the
//! same key and counts once; the outbox round ([`DossierArea::run_outbox`]) retries it.

use motcua_protocol::lifecycle::{ActionKind, check_note};
use rusqlite::{OptionalExtension as _, params};

use super::outbox::DeliveryOutcome;
use super::{DossierArea, DossierError, random_id, unix_now};

/// Sealing context of a withdrawal's note.
pub(super) fn note_context(code: &str) -> String {
    format!("withdrawal-note:{code}")
}

/// A withdrawal waiting to be delivered.
pub(super) struct PendingWithdrawal {
    pub(super) code: String,
    pub(super) key: String,
    pub(super) note: Option<String>,
    pub(super) attempts: i64,
    pub(super) next_attempt_at: i64,
}

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
        let queued = self.pending_withdrawal(code)?.is_some();
        if !queued {
            self.check_citizen_action(code, ActionKind::RequestWithdrawal)?;
            let sealed = match note {
                Some(note) => Some(self.sealer.seal(&note_context(code), note.as_bytes())?),
                None => None,
            };
            let now = unix_now();
            self.database.connection()?.execute(
                "INSERT OR IGNORE INTO pending_withdrawals
                     (dossier_code, idempotency_key, note, next_attempt_at, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?4)",
                params![code, random_id(24)?, sealed, now],
            )?;
        }
        self.outbox.deliver_withdrawal(self, code, true).await
    }

    /// The queued withdrawal of `code`, opened.
    pub(super) fn pending_withdrawal(
        &self,
        code: &str,
    ) -> Result<Option<PendingWithdrawal>, DossierError> {
        let row: Option<(String, Option<Vec<u8>>, i64, i64)> = self
            .database
            .connection()?
            .query_row(
                "SELECT idempotency_key, note, attempts, next_attempt_at
                 FROM pending_withdrawals WHERE dossier_code = ?1",
                params![code],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((key, sealed, attempts, next_attempt_at)) = row else {
            return Ok(None);
        };
        let note = match sealed {
            Some(sealed) => Some(self.sealer.open_string(&note_context(code), &sealed)?),
            None => None,
        };
        Ok(Some(PendingWithdrawal {
            code: code.to_owned(),
            key,
            note,
            attempts,
            next_attempt_at,
        }))
    }

    /// Codes of the queued withdrawals.
    pub(super) fn queued_withdrawals(&self) -> Result<Vec<String>, DossierError> {
        let connection = self.database.connection()?;
        let mut statement = connection
            .prepare("SELECT dossier_code FROM pending_withdrawals ORDER BY created_at")?;
        let rows = statement.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
