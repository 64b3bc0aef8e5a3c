//! `motcua pay <code> [--png FILE]` and `motcua fee-receipt <code> [--png FILE]`: the
//! citizen's side of a fee, on the core's payments area (the one the apps use), so the
//! terminal shows exactly what the payment screen shows.

use std::path::Path;

use motcua_core::Localized as _;
use motcua_core::payments::{FeePayment, FeeReceiptView, PaymentError};
use motcua_core::receipt::ReceiptError;
use serde_json::json;

use crate::client::ClientContext;
use crate::error::CliError;
use crate::output::Output;
use crate::receipt::terminal_qr;

/// `motcua pay <code>`: the dossier's payment request as the portal has it now (the copy
/// kept on this device when the portal cannot be reached, and said so), with the VietQR
/// code to scan with any banking app; `--png` writes it for a banking app on the same
/// machine or phone.
pub async fn pay(
    out: &Output,
    client: &ClientContext,
    code: &str,
    png: Option<&Path>,
) -> Result<(), CliError> {
    let payment = client.core.payments().refresh(code, out.lang).await?;
    let written = match (png, &payment.qr) {
        (Some(path), Some(qr)) => {
            std::fs::write(path, &qr.png)?;
            Some(path.display().to_string())
        }
        (Some(_), None) => {
            return Err(CliError::InvalidArgument(format!(
                "--png: {} {}",
                payment.headline,
                out.t("(không có mã QR để lưu)", "(there is no QR code to save)")
            )));
        }
        (None, _) => None,
    };
    out.result(&payment_json(&payment, written.as_deref()), || {
        payment_text(out, &payment, written.as_deref())
    });
    Ok(())
}

/// The JSON of `motcua pay`: `amount_vnd`, `reference`, `status` and `qr_text` (the VietQR
/// string) first, then what the screen shows.
fn payment_json(payment: &FeePayment, png: Option<&str>) -> serde_json::Value {
    json!({
        "code": payment.code,
        "status": payment.status,
        "amount_vnd": payment.amount_vnd,
        "reference": payment.reference,
        "qr_text": payment.qr_text,
        "amount_label": payment.amount_label,
        "beneficiary": payment.beneficiary,
        "due_date": payment.due_date,
        "headline": payment.headline,
        "detail": payment.detail,
        "under_review": payment.under_review,
        "has_fee_receipt": payment.has_fee_receipt,
        "checked_at": payment.checked_at,
        "offline": payment.offline,
        "offline_note": payment.offline_note,
        "png": png,
    })
}

fn payment_text(out: &Output, payment: &FeePayment, png: Option<&str>) -> String {
    let mut lines = vec![format!("{}: {}", payment.code, payment.headline)];
    if let Some(note) = &payment.offline_note {
        lines.push(format!("({note})"));
    }
    if let Some(amount) = &payment.amount_label {
        lines.push(format!("{}: {amount}", out.t("Số tiền", "Amount")));
    }
    if let Some(beneficiary) = &payment.beneficiary {
        lines.push(format!(
            "{}: {}",
            out.t("Người thụ hưởng", "Beneficiary"),
            beneficiary.account_name
        ));
        lines.push(format!(
            "{}: {}",
            out.t("Số tài khoản", "Account number"),
            beneficiary.account
        ));
        lines.push(format!(
            "{}: {}",
            out.t("Ngân hàng", "Bank"),
            beneficiary.bank_name
        ));
    }
    if let Some(reference) = &payment.reference {
        lines.push(format!(
            "{}: {reference}",
            out.t("Nội dung chuyển khoản", "Transfer description")
        ));
    }
    if let Some(detail) = &payment.detail {
        lines.push(detail.clone());
    }
    let mut text = lines.join("\n");
    if let Some(qr) = &payment.qr {
        text.push('\n');
        text.push_str(&terminal_qr(&qr.modules));
        if let Some(qr_text) = &payment.qr_text {
            text.push_str(&format!("{}: {qr_text}", out.t("Mã VietQR", "VietQR text")));
        }
    }
    if payment.has_fee_receipt {
        text.push_str(&format!(
            "\n{} motcua fee-receipt {}",
            out.t("Biên lai điện tử:", "E-receipt:"),
            payment.code
        ));
    }
    if let Some(path) = png {
        text.push_str(&format!("\nPNG: {path}"));
    }
    text
}

/// `motcua fee-receipt <code>`: the fee's e-receipt (biên lai điện tử) of one of your
/// dossiers, as a QR code to show or share, with its verdict against the key list. Read
/// from the device; when it is not there yet, the payment is asked for again first; the
/// key list is refreshed when one can be (a failure keeps the cached one).
pub async fn fee_receipt(
    out: &Output,
    client: &ClientContext,
    code: &str,
    png: Option<&Path>,
) -> Result<(), CliError> {
    let payments = client.core.payments();
    let view = match payments.fee_receipt(code, out.lang).await {
        Err(PaymentError::NoFeeReceipt(_)) => {
            payments.refresh(code, out.lang).await?;
            payments.fee_receipt(code, out.lang).await?
        }
        other => other?,
    };
    let view = match client.core.receipt().refresh_trust_list().await {
        Ok(_) => payments.fee_receipt(code, out.lang).await?,
        Err(error @ ReceiptError::NoTrustAnchor) => return Err(error.into()),
        Err(error) => {
            tracing::warn!(
                code = error.code(),
                "trust list not refreshed: using the cached one"
            );
            view
        }
    };
    if let Some(path) = png {
        std::fs::write(path, &view.qr.png)?;
    }
    let written = png.map(|p| p.display().to_string());
    out.result(&fee_receipt_json(&view, written.as_deref()), || {
        fee_receipt_text(out, &view, written.as_deref())
    });
    Ok(())
}

fn fee_receipt_json(view: &FeeReceiptView, png: Option<&str>) -> serde_json::Value {
    json!({
        "text": view.text,
        "kid": view.kid.to_string(),
        "fields": {
            "agency_code": view.fields.agency_code,
            "dossier_code": view.fields.dossier_code,
            "payer": view.fields.payer,
            "amount_vnd": view.fields.amount_vnd,
            "paid_at": view.fields.paid_at.to_rfc3339(),
            "transaction_id": view.fields.transaction_id,
            "reference": view.fields.reference,
        },
        "amount_label": view.amount_label,
        "paid_at_label": view.paid_at_label,
        "verdict": view.verdict.as_ref().map(|v| v.code()),
        "verdict_line": view.verdict_line,
        "png": png,
    })
}

fn fee_receipt_text(out: &Output, view: &FeeReceiptView, png: Option<&str>) -> String {
    let mut text = terminal_qr(&view.qr.modules);
    for line in &view.lines {
        text.push_str(&format!("{}: {}\n", line.label, line.value));
    }
    text.push_str(&view.verdict_line);
    text.push_str(&format!(
        "\n{}: {}",
        out.t("Mã biên lai", "E-receipt text"),
        view.text
    ));
    if let Some(path) = png {
        text.push_str(&format!("\nPNG: {path}"));
    }
    text
}
