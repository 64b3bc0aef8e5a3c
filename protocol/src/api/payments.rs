//! Paying a dossier's fee on the wire (docs/ARCHITECTURE.md, "Payments"; decision record
//! 0007): the citizen's payment request and fee e-receipt, the payment intermediary's
//! signed notification of a credited transfer, and the desk's held payments and daily
//! reconciliation report.

use ring::hmac;
use serde::{Deserialize, Serialize};

/// `GET` (citizen bearer) → [`PaymentView`]: the payment request of one of the citizen's
/// own dossiers (another citizen's code is 404 `not_found`, as an unknown one).
pub const PATH_DOSSIER_PAYMENT: &str = "/api/v1/dossiers/{code}/payment";
/// `GET` (citizen bearer) → [`FeeReceiptResponse`]: the fee's e-receipt, once paid (404
/// before).
pub const PATH_DOSSIER_FEE_RECEIPT: &str = "/api/v1/dossiers/{code}/fee-receipt";
/// `POST` [`PaymentNotification`] with [`HEADER_TIMESTAMP`] and [`HEADER_SIGNATURE`] →
/// [`NotificationAck`]: the payment intermediary reports a credited transfer.
pub const PATH_PAYMENT_NOTIFICATIONS: &str = "/api/v1/payments/notifications";
/// `GET` (staff bearer) → [`PaymentView`]: a dossier's payment request as the desk sees it
/// (to print its VietQR code on the receipt slip).
pub const PATH_DESK_DOSSIER_PAYMENT: &str = "/api/v1/desk/dossiers/{code}/payment";
/// `GET ?all=true` (staff bearer) → `Vec<`[`HeldPayment`]`>`: payments held for
/// reconciliation (unresolved ones; `all` adds the resolved).
pub const PATH_DESK_HELD_PAYMENTS: &str = "/api/v1/desk/payments/held";
/// `POST` (staff bearer) [`ResolveHeldRequest`] → [`HeldPayment`]: resolves one.
pub const PATH_DESK_HELD_PAYMENT_RESOLVE: &str = "/api/v1/desk/payments/held/{id}/resolve";
/// `GET ?date=YYYY-MM-DD` (staff bearer) → `text/csv`: the day's reconciliation report,
/// per agency (Vietnam's day; default today).
pub const PATH_DESK_PAYMENT_REPORT: &str = "/api/v1/desk/payments/report";

/// The notification's Unix time in seconds, as the intermediary signed it.
pub const HEADER_TIMESTAMP: &str = "x-motcua-timestamp";
/// `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`.
pub const HEADER_SIGNATURE: &str = "x-motcua-signature";
/// How far a notification's timestamp may be from the portal's clock, either way.
pub const REPLAY_WINDOW_SECS: i64 = 300;

/// The signature header's value for `body` sent at `timestamp` (Unix seconds) under the
/// shared `secret`: `v1=` and the hexadecimal HMAC-SHA256 of `"<timestamp>.<body>"`.
pub fn notification_signature(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
    let mut context = hmac::Context::with_key(&key);
    context.update(timestamp.to_string().as_bytes());
    context.update(b".");
    context.update(body);
    let tag = context.sign();
    let mut text = String::with_capacity(3 + 64);
    text.push_str("v1=");
    for byte in tag.as_ref() {
        text.push_str(&format!("{byte:02x}"));
    }
    text
}

/// Whether `signature` is [`notification_signature`] of `body` at `timestamp`, compared in
/// constant time (by ring's HMAC verification).
pub fn signature_matches(secret: &[u8], timestamp: i64, body: &[u8], signature: &str) -> bool {
    let Some(hex) = signature.trim().strip_prefix("v1=") else {
        return false;
    };
    if hex.len() != 64 || !hex.is_ascii() {
        return false;
    }
    let mut tag = [0u8; 32];
    for (i, byte) in tag.iter_mut().enumerate() {
        match u8::from_str_radix(&hex[2 * i..2 * i + 2], 16) {
            Ok(value) => *byte = value,
            Err(_) => return false,
        }
    }
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
    let mut message = Vec::with_capacity(body.len() + 21);
    message.extend_from_slice(timestamp.to_string().as_bytes());
    message.push(b'.');
    message.extend_from_slice(body);
    hmac::verify(&key, &message, &tag).is_ok()
}

/// Where a dossier's fee stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// The procedure has no fee (or is exempt).
    NoFee,
    /// A fee is known but not due yet (the desk requests it later).
    NotDue,
    /// Due: pay the amount to the beneficiary with the reference.
    Awaiting,
    /// Paid; the e-receipt is issued.
    Paid,
    /// The catalog does not know the fee for an online filing: it is settled at the desk,
    /// never invented.
    SettledAtDesk,
}

/// The account a fee is paid into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Beneficiary {
    /// The agency's electronic code.
    pub agency_code: String,
    /// The bank's 6-digit BIN (NAPAS).
    pub bank_bin: String,
    /// The bank's name, for people.
    pub bank_name: String,
    /// The account number.
    pub account: String,
    /// The account holder's name as the bank shows it.
    pub account_name: String,
}

/// A dossier's payment request, as the citizen (and the desk) see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentView {
    /// The dossier code.
    pub code: String,
    /// Where the fee stands.
    pub status: PaymentStatus,
    /// The amount due (the online fee where there is one), in đồng.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_vnd: Option<u64>,
    /// The reference to put in the transfer's description (the VietQR purpose).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Where to pay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beneficiary: Option<Beneficiary>,
    /// The VietQR text (`motcua_protocol::vietqr`) to show as a QR code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qr_text: Option<String>,
    /// Pay by this date (Vietnam, `YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<String>,
    /// When it was paid (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_at: Option<String>,
    /// The fee e-receipt (`MCF1:…`), once paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_receipt: Option<String>,
    /// A transfer with this reference is held for the desk's reconciliation (a wrong
    /// amount, or a second payment): the citizen is told it was received and is checked.
    #[serde(default)]
    pub under_review: bool,
    /// Why, in Vietnamese, when the status needs saying (settled at the desk: the catalog's
    /// reason).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_vi: Option<String>,
    /// The same in English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_en: Option<String>,
}

/// The fee e-receipt of a paid dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeReceiptResponse {
    /// The dossier code.
    pub code: String,
    /// The signed e-receipt (`MCF1:…`, `motcua_protocol::receipt::fee`).
    pub receipt: String,
}

/// A credited transfer, as the payment intermediary reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentNotification {
    /// The intermediary's transaction id: unique per transfer; a notification repeated
    /// with the same id changes nothing.
    pub transaction_id: String,
    /// The amount credited, in đồng.
    pub amount_vnd: u64,
    /// The transfer's description as the payer's bank sent it (the reference rides here).
    pub description: String,
    /// The beneficiary account credited.
    pub account: String,
    /// When the bank credited it (RFC 3339).
    pub credited_at: String,
    /// The payer's name as the bank reports it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer_name: Option<String>,
}

/// What the portal did with a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationOutcome {
    /// It paid a payment request exactly.
    Paid,
    /// Held for the desk's reconciliation.
    Held,
    /// This transaction id was notified before; nothing changed.
    Duplicate,
}

/// Why a payment is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldReason {
    /// The reference is known, the amount is not the one requested.
    WrongAmount,
    /// No payment request has a reference in the description.
    UnknownReference,
    /// The request was already paid (or settled).
    SecondPayment,
}

/// The portal's answer to a notification (200 for every authentic one, so that the
/// intermediary stops retrying; 401 for a bad signature or a timestamp out of the window).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationAck {
    /// The transaction id.
    pub transaction_id: String,
    /// What was done (for a duplicate: what was done the first time is in `first`).
    pub outcome: NotificationOutcome,
    /// For a duplicate: the first notification's outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<NotificationOutcome>,
    /// The dossier paid or matched, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dossier_code: Option<String>,
    /// Why it is held.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold_reason: Option<HoldReason>,
}

/// How the desk resolves a held payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// Count it as the payment of the dossier's awaiting request (the officer checked the
    /// amount with the payer): the request is paid, the e-receipt issued.
    Apply,
    /// Return it to the payer (outside the portal); recorded.
    Refund,
}

/// A desk officer's resolution of a held payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolveHeldRequest {
    /// What to do.
    pub resolution: Resolution,
    /// For [`Resolution::Apply`]: the dossier (default: the one its reference matched).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dossier_code: Option<String>,
    /// Why (required, kept in the record).
    pub note: String,
}

/// A payment held for reconciliation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldPayment {
    /// Its id at the desk.
    pub id: i64,
    /// The intermediary's transaction id.
    pub transaction_id: String,
    /// The amount credited.
    pub amount_vnd: u64,
    /// The transfer's description.
    pub description: String,
    /// The account credited.
    pub account: String,
    /// The agency of that account (empty when no configured account).
    pub agency_code: String,
    /// When the bank credited it.
    pub credited_at: String,
    /// Why it is held.
    pub reason: HoldReason,
    /// The dossier whose reference it carries, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dossier_code: Option<String>,
    /// The amount that request asks for, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_vnd: Option<u64>,
    /// How it was resolved, once it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
    /// The officer's note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution_note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_and_any_change_does_not() {
        let secret = b"shared secret";
        let body = br#"{"transaction_id":"T1","amount_vnd":7000}"#;
        let signature = notification_signature(secret, 1_771_212_345, body);
        assert!(signature.starts_with("v1="));
        assert_eq!(signature.len(), 67);
        assert!(signature_matches(secret, 1_771_212_345, body, &signature));
        assert!(!signature_matches(secret, 1_771_212_346, body, &signature));
        assert!(!signature_matches(
            b"other",
            1_771_212_345,
            body,
            &signature
        ));
        let mut changed = body.to_vec();
        changed[30] ^= 1;
        assert!(!signature_matches(
            secret,
            1_771_212_345,
            &changed,
            &signature
        ));
        assert!(!signature_matches(
            secret,
            1_771_212_345,
            body,
            &signature[3..]
        ));
        assert!(!signature_matches(secret, 1_771_212_345, body, "v1=zz"));
    }

    #[test]
    fn wire_names_are_snake_case() {
        assert_eq!(
            serde_json::to_string(&PaymentStatus::SettledAtDesk).unwrap(),
            "\"settled_at_desk\""
        );
        assert_eq!(
            serde_json::to_string(&HoldReason::UnknownReference).unwrap(),
            "\"unknown_reference\""
        );
    }
}
