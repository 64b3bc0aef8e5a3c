//! The demo's second dossier: a procedure with a fee (temporary residence registration,
//! 1.004194: 15.000 đ at the desk, 7.000 đ online). The specialist requests the fee, the
//! phone's sync brings the payment screen with its VietQR code, the citizen's bank
//! transfers and the payment intermediary notifies the portal (signed, and sent twice as
//! intermediaries do: paid once), the next sync shows it paid and the dossier moved on,
//! and the fee's e-receipt verifies offline against the key list.

use motcua_core::desk::DeskClient;
use motcua_core::payments::view::money_label;
use motcua_core::{Localized as _, MotCua};
use motcua_protocol::api::desk::DeskActionRequest;
use motcua_protocol::api::payments::{NotificationOutcome, PaymentNotification};
use motcua_protocol::lifecycle::ActionKind;
use motcua_protocol::time::{unix_now, vietnam_date_of, vietnam_time_of};
use motcua_protocol::vietqr::VietQr;
use url::Url;

use super::{DEMO_PDF, Steps, synced_line};
use crate::error::CliError;
use crate::output::Output;
use crate::payments::send_notification;

/// Temporary residence registration: a fee with a lower online rate.
const FEE_PROCEDURE: &str = "1.004194";

/// The two officers of the demo.
pub(super) struct Officers<'a> {
    /// Reception (tiepnhan).
    pub reception: &'a DeskClient,
    /// The specialist (chuyenvien), who requests the fee.
    pub specialist: &'a DeskClient,
}

fn desk_request(action: ActionKind) -> DeskActionRequest {
    DeskActionRequest {
        action,
        note: None,
        reason: None,
        missing: Vec::new(),
    }
}

/// Files a dossier of [`FEE_PROCEDURE`] and pays its fee from the phone.
pub(super) async fn pay_a_fee(
    out: &Output,
    steps: &mut Steps<'_>,
    core: &MotCua,
    portal: &Url,
    officers: Officers<'_>,
) -> Result<(), CliError> {
    let dossier = core.dossier();
    let procedure = core
        .catalog()
        .open_procedure(FEE_PROCEDURE)
        .await?
        .ok_or_else(|| CliError::NotFound(FEE_PROCEDURE.to_owned()))?;
    let draft = dossier.create_draft(FEE_PROCEDURE)?;
    let commune = motcua_protocol::admin_units::search_communes("phuong thuan hoa", 1)
        .first()
        .map(|c| c.code.clone())
        .unwrap_or_default();
    let stay_until = vietnam_date_of(unix_now() + 365 * 86_400).to_string();
    for (field, value) in [
        ("temporary_address", "Số 12 đường Lê Lợi"),
        ("residence_unit", commune.as_str()),
        ("dwelling_type", "rented"),
        ("owner_name", "Trần Thị Lan"),
        ("stay_until", stay_until.as_str()),
        ("purpose", "work"),
        ("phone", "0912 345 678"),
    ] {
        dossier.set_field(&draft.id, field, value)?;
    }
    for (requirement, file) in [
        ("form_ct01", "to-khai-ct01.pdf"),
        ("legal_dwelling_proof", "hop-dong-thue-nha.pdf"),
    ] {
        dossier.add_attachment(&draft.id, requirement, file, DEMO_PDF, None)?;
    }
    let code = match dossier.submit(&draft.id, None).await? {
        motcua_core::dossier::DeliveryOutcome::Delivered { dossier_code } => dossier_code,
        other => return Err(CliError::Portal(format!("not delivered: {other:?}"))),
    };
    steps.print(
        "Hồ sơ thứ hai, có lệ phí: đăng ký tạm trú",
        "A second dossier, with a fee: temporary residence registration",
        format!(
            "{} · {} {code}",
            procedure.name_vi,
            out.t("mã hồ sơ", "dossier code")
        ),
    );

    officers
        .reception
        .act(&code, &desk_request(ActionKind::Accept))
        .await?;
    officers
        .reception
        .act(&code, &desk_request(ActionKind::StartProcessing))
        .await?;
    officers
        .specialist
        .act(&code, &desk_request(ActionKind::RequestPayment))
        .await?;
    let changes = core.tracking().sync().await?;
    let payments = core.payments();
    let screen = payments.payment(&code, out.lang).await?;
    let qr_text = screen.qr_text.clone().unwrap_or_default();
    // What a banking app reads from the code: the same amount and reference.
    let scanned =
        VietQr::parse(&qr_text).map_err(|error| CliError::Portal(format!("VietQR: {error}")))?;
    let beneficiary = screen
        .beneficiary
        .clone()
        .ok_or_else(|| CliError::Portal("no beneficiary".into()))?;
    let reference = screen.reference.clone().unwrap_or_default();
    steps.print(
        "Chuyên viên yêu cầu nộp phí; điện thoại đồng bộ và hiện mã VietQR",
        "The specialist requests the fee; the phone syncs and shows the VietQR code",
        format!(
            "{}\n{}\n{}: {} — {} ({})\n{}: {reference}\nVietQR: {qr_text}\n{}: {}, {} {}",
            synced_line(out, &changes),
            screen.headline,
            out.t("Người thụ hưởng", "Beneficiary"),
            beneficiary.account_name,
            beneficiary.account,
            beneficiary.bank_name,
            out.t("Nội dung chuyển khoản", "Transfer description"),
            out.t("ứng dụng ngân hàng đọc được", "a banking app reads"),
            money_label(scanned.amount_vnd.unwrap_or_default(), out.lang),
            out.t("nội dung", "reference"),
            scanned.purpose.as_deref().unwrap_or_default(),
        ),
    );

    // The citizen's bank credits the agency's account; the intermediary tells the portal,
    // and (as intermediaries do) tells it again.
    let notification = PaymentNotification {
        transaction_id: format!("FT{}", unix_now()),
        amount_vnd: scanned.amount_vnd.unwrap_or_default(),
        description: format!("{reference} chuyen tien"),
        account: beneficiary.account.clone(),
        credited_at: vietnam_time_of(unix_now())
            .map(|t| t.to_rfc3339())
            .unwrap_or_default(),
        payer_name: None,
    };
    let secret = motcua_portal::DEFAULT_PAYMENTS_SECRET.as_bytes();
    let first = send_notification(portal, &notification, secret, unix_now()).await?;
    let again = send_notification(portal, &notification, secret, unix_now()).await?;
    let outcome = |outcome: NotificationOutcome| match outcome {
        NotificationOutcome::Paid => out.t("đã thanh toán", "paid"),
        NotificationOutcome::Held => out.t("giữ lại chờ đối soát", "held for reconciliation"),
        NotificationOutcome::Duplicate => out.t("trùng, bỏ qua", "duplicate, ignored"),
    };
    steps.print(
        "Ngân hàng báo có; trung gian thanh toán báo cổng (ký HMAC), gửi hai lần",
        "The bank credits the transfer; the intermediary tells the portal (HMAC), twice",
        format!(
            "{}: {} · {}: {}",
            out.t("lần 1", "first"),
            outcome(first.outcome),
            out.t("lần 2", "second"),
            outcome(again.outcome)
        ),
    );

    let changes = core.tracking().sync().await?;
    let paid = payments.payment(&code, out.lang).await?;
    let receipt = payments.fee_receipt(&code, out.lang).await?;
    steps.print(
        "Điện thoại đồng bộ: đã nộp phí, hồ sơ tiếp tục; biên lai điện tử kiểm tra không cần mạng",
        "The phone syncs: fee paid, the dossier goes on; the e-receipt verifies offline",
        format!(
            "{}\n{}\n{} · {} · {}\n{}",
            synced_line(out, &changes),
            paid.headline,
            receipt.amount_label,
            receipt.paid_at_label,
            receipt.verdict_line,
            receipt.text
        ),
    );
    if !receipt.verdict.as_ref().is_some_and(|v| v.is_valid()) {
        return Err(CliError::Portal(format!(
            "fee e-receipt: {}",
            receipt.verdict.map(|v| v.code()).unwrap_or("unchecked")
        )));
    }
    Ok(())
}
