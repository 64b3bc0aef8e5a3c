//! The fees' table in the profile's SQLite (migration 11): the last payment request the
//! portal showed for each dossier, so the payment screen and the fee's e-receipt open
//! offline. The view is sealed (its e-receipt names the payer, [`PAYMENT_VIEW`]); its
//! status stays readable so the tracking area can tell a fee is due without opening it.
//! All of the payments area's SQL is here; `crate::payments` holds the logic.
//!
//! The functions are blocking: the payments area calls them through
//! [`Database::blocking`](super::Database::blocking) from its async calls.

use motcua_protocol::api::payments::{PaymentStatus, PaymentView};
use motcua_protocol::dossier::DossierStatus;
use rusqlite::{Connection, OptionalExtension as _, params};

use super::policy::PAYMENT_VIEW;
use super::{Database, StoreError};

/// A payment request as the device keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StoredPayment {
    /// The portal's answer.
    pub view: PaymentView,
    /// When it was fetched (Unix seconds).
    pub fetched_at: i64,
}

/// The stored name of a status (the wire name, so a file stays readable across builds).
fn status_name(status: PaymentStatus) -> &'static str {
    match status {
        PaymentStatus::NoFee => "no_fee",
        PaymentStatus::NotDue => "not_due",
        PaymentStatus::Awaiting => "awaiting",
        PaymentStatus::Paid => "paid",
        PaymentStatus::SettledAtDesk => "settled_at_desk",
    }
}

/// Keeps `view` as the latest answer for its dossier (replacing the one before).
pub(crate) fn save(
    database: &Database,
    view: &PaymentView,
    fetched_at: i64,
) -> Result<(), StoreError> {
    let json = serde_json::to_string(view).map_err(|error| StoreError::UnknownValue {
        column: "payments.view",
        value: error.to_string(),
    })?;
    let sealed = PAYMENT_VIEW.seal(database.sealer(), &view.code, &json)?;
    database.connection()?.execute(
        "INSERT INTO payments (code, status, view, fetched_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (code) DO UPDATE SET status = ?2, view = ?3, fetched_at = ?4",
        params![view.code, status_name(view.status), sealed, fetched_at],
    )?;
    Ok(())
}

/// The payment request kept for dossier `code`, if any.
pub(crate) fn load(database: &Database, code: &str) -> Result<Option<StoredPayment>, StoreError> {
    let row: Option<(String, i64)> = database
        .connection()?
        .query_row(
            "SELECT view, fetched_at FROM payments WHERE code = ?1",
            params![code],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let Some((sealed, fetched_at)) = row else {
        return Ok(None);
    };
    let json = PAYMENT_VIEW.open(database.sealer(), code, &sealed)?;
    let view = serde_json::from_str(&json).map_err(|_| StoreError::UnknownValue {
        column: "payments.view",
        value: "not a payment view".into(),
    })?;
    Ok(Some(StoredPayment { view, fetched_at }))
}

/// The dossiers whose fee may be due now: a kept request that awaits its payment, or a
/// dossier the desk moved to "payment requested" (whose request may not be fetched yet).
pub(crate) fn due_codes(database: &Database) -> Result<Vec<String>, StoreError> {
    let connection = database.connection()?;
    let mut statement = connection.prepare(
        "SELECT code FROM payments WHERE status = 'awaiting'
         UNION
         SELECT d.code FROM dossiers d
         WHERE d.status = ?1
           AND NOT EXISTS (SELECT 1 FROM payments p
                           WHERE p.code = d.code AND p.status IN ('paid', 'settled_at_desk'))
         ORDER BY code",
    )?;
    let codes = statement
        .query_map(params![DossierStatus::PaymentRequested.as_str()], |row| {
            row.get(0)
        })?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(codes)
}

/// Where the kept request of dossier `code` stands, if one is kept (in the caller's
/// connection: the tracking area asks while it reads the dossier, to tell whether a fee
/// awaits its payment or its e-receipt is on the device).
pub(crate) fn kept_status(
    connection: &Connection,
    code: &str,
) -> Result<Option<PaymentStatus>, StoreError> {
    let name: Option<String> = connection
        .query_row(
            "SELECT status FROM payments WHERE code = ?1",
            params![code],
            |row| row.get(0),
        )
        .optional()?;
    name.map(|name| {
        [
            PaymentStatus::NoFee,
            PaymentStatus::NotDue,
            PaymentStatus::Awaiting,
            PaymentStatus::Paid,
            PaymentStatus::SettledAtDesk,
        ]
        .into_iter()
        .find(|status| status_name(*status) == name)
        .ok_or(StoreError::UnknownValue {
            column: "payments.status",
            value: name,
        })
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secure_store::MemorySecureStore;
    use std::sync::Arc;

    fn view(code: &str, status: PaymentStatus) -> PaymentView {
        PaymentView {
            code: code.into(),
            status,
            amount_vnd: Some(7_000),
            reference: Some("MCABCD1234".into()),
            beneficiary: None,
            qr_text: None,
            due_date: None,
            paid_at: None,
            fee_receipt: Some("MCF1:PAYER-NAME-INSIDE".into()),
            under_review: false,
            note_vi: None,
            note_en: None,
        }
    }

    fn database() -> (tempfile::TempDir, Database) {
        let dir = tempfile::tempdir().unwrap();
        let database = Database::open(dir.path(), Arc::new(MemorySecureStore::default())).unwrap();
        (dir, database)
    }

    #[test]
    fn a_kept_view_reads_back_and_is_sealed_on_disk() {
        let (_dir, database) = database();
        assert_eq!(load(&database, "D1").unwrap(), None);
        save(&database, &view("D1", PaymentStatus::Awaiting), 100).unwrap();
        save(&database, &view("D1", PaymentStatus::Paid), 200).unwrap();
        let kept = load(&database, "D1").unwrap().unwrap();
        assert_eq!(kept.view, view("D1", PaymentStatus::Paid));
        assert_eq!(kept.fetched_at, 200);
        let raw: String = database
            .connection()
            .unwrap()
            .query_row("SELECT view FROM payments WHERE code = 'D1'", [], |row| {
                row.get(0)
            })
            .unwrap();
        assert!(!raw.contains("PAYER-NAME-INSIDE"), "{raw}");
    }

    #[test]
    fn due_means_awaiting_or_requested_by_the_desk_and_not_yet_paid() {
        let (_dir, database) = database();
        let connection = database.connection().unwrap();
        for (code, status) in [
            ("A", "payment_requested"),
            ("B", "payment_requested"),
            ("C", "processing"),
            ("E", "submitted"),
        ] {
            connection
                .execute(
                    "INSERT INTO dossiers (code, procedure_code, status, submitted_at)
                     VALUES (?1, '1.004194', ?2, '2026-12-01T08:00:00+07:00')",
                    params![code, status],
                )
                .unwrap();
        }
        drop(connection);
        save(&database, &view("B", PaymentStatus::Paid), 1).unwrap();
        save(&database, &view("E", PaymentStatus::Awaiting), 1).unwrap();
        save(&database, &view("C", PaymentStatus::NotDue), 1).unwrap();
        assert_eq!(due_codes(&database).unwrap(), vec!["A", "E"]);
        let connection = database.connection().unwrap();
        assert_eq!(
            kept_status(&connection, "E").unwrap(),
            Some(PaymentStatus::Awaiting)
        );
        assert_eq!(
            kept_status(&connection, "B").unwrap(),
            Some(PaymentStatus::Paid)
        );
        assert_eq!(kept_status(&connection, "A").unwrap(), None);
        connection
            .execute(
                "UPDATE payments SET status = 'refunded' WHERE code = 'C'",
                [],
            )
            .unwrap();
        assert!(matches!(
            kept_status(&connection, "C"),
            Err(StoreError::UnknownValue { .. })
        ));
    }
}
