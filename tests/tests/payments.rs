//! Paying a fee from the phone, end to end on the real portal: the desk requests the
//! payment, the phone's sync brings the payment screen (VietQR code, amount, reference),
//! the code's PNG read by ZXing (the `zxing-cpp` Python package, not written here) gives
//! the same text, the intermediary's signed notification (sent twice) pays it once, the
//! next sync shows it paid and moves the dossier on, and the fee's e-receipt verifies
//! offline against the trust list.

mod common;

use common::*;
use motcua_core::Lang;
use motcua_core::dossier::DeliveryOutcome;
use motcua_core::payments::PaymentError;
use motcua_core::tracking::CitizenAction;
use motcua_protocol::api::payments::{
    HEADER_SIGNATURE, HEADER_TIMESTAMP, NotificationAck, NotificationOutcome, PaymentStatus,
    notification_signature,
};
use motcua_protocol::dossier::DossierStatus;
use motcua_protocol::identity::IdentityLevel;
use motcua_protocol::time::unix_now;
use motcua_protocol::vietqr::VietQr;
use motcua_tests::decoders::zxing_decode;

/// Temporary residence registration: 15.000 đ at the desk, 7.000 đ online.
const TEMPORARY_RESIDENCE: &str = "1.004194";

/// A level-2 citizen logged in on a branded phone, ready to file a temporary residence.
async fn branded_citizen(portal: &Portal) -> Phone {
    ready_to_file(
        branded_phone(portal),
        IdentityLevel::Level2,
        TEMPORARY_RESIDENCE,
    )
    .await
}

async fn notify(
    portal: &url::Url,
    transaction_id: &str,
    amount: u64,
    reference: &str,
) -> NotificationAck {
    let body = serde_json::to_vec(&serde_json::json!({
        "transaction_id": transaction_id,
        "amount_vnd": amount,
        "description": format!("CT {reference} chuyen tien"),
        "account": "MOTCUADEMO0001",
        "credited_at": motcua_protocol::time::vietnam_time_of(unix_now()).unwrap().to_rfc3339(),
    }))
    .unwrap();
    let timestamp = unix_now();
    let signature = notification_signature(
        motcua_portal::DEFAULT_PAYMENTS_SECRET.as_bytes(),
        timestamp,
        &body,
    );
    let response = reqwest::Client::new()
        .post(format!("{portal}api/v1/payments/notifications"))
        .header(HEADER_TIMESTAMP, timestamp.to_string())
        .header(HEADER_SIGNATURE, signature)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_requested_fee_is_shown_scanned_paid_once_and_its_e_receipt_verifies_offline() {
    let portal = start_portal().await;
    let url = portal.running.base_url();
    let phone = branded_citizen(&portal).await;
    let procedure = procedure_of(&phone, TEMPORARY_RESIDENCE);
    let dossier = phone.core.dossier();
    let draft = dossier.create_draft(TEMPORARY_RESIDENCE).unwrap();
    motcua_tests::complete_draft(dossier, &procedure, &draft.id, 3).unwrap();
    // The filler writes one past date into every date field; this one must be ahead.
    let next_year = motcua_protocol::time::vietnam_date_of(unix_now() + 365 * 86_400);
    dossier
        .set_field(&draft.id, "stay_until", &next_year.to_string())
        .unwrap();
    let DeliveryOutcome::Delivered { dossier_code: code } =
        dossier.submit(&draft.id, None).await.unwrap()
    else {
        panic!("delivered");
    };
    let payments = phone.core.payments();
    assert!(matches!(
        payments.payment(&code, Lang::Vi).await,
        Err(PaymentError::NotFetched(_))
    ));
    let not_due = payments.refresh(&code, Lang::Vi).await.unwrap();
    assert_eq!(not_due.status, PaymentStatus::NotDue);
    assert_eq!(not_due.qr, None);

    let reception = staff_token(&url, "tiepnhan").await;
    let specialist = staff_token(&url, "chuyenvien").await;
    desk_act(&url, &reception, &code, "accept").await;
    desk_act(&url, &reception, &code, "start_processing").await;
    desk_act(&url, &specialist, &code, "request_payment").await;

    // The sync brings the request: the dossier offers paying first, the screen opens
    // offline from what the sync kept.
    phone.core.tracking().sync().await.unwrap();
    let tracked = phone.core.tracking().dossier(&code).unwrap().unwrap();
    assert_eq!(tracked.status, DossierStatus::PaymentRequested);
    assert_eq!(tracked.actions.primary, Some(CitizenAction::PayFee));
    let screen = payments.payment(&code, Lang::Vi).await.unwrap();
    assert_eq!(screen.status, PaymentStatus::Awaiting);
    assert_eq!(screen.amount_vnd, Some(7_000), "the online fee");
    assert_eq!(screen.amount_label.as_deref(), Some("7.000 đ"));
    assert!(
        screen.headline.starts_with("Cần nộp 7.000 đ"),
        "{}",
        screen.headline
    );
    let reference = screen.reference.clone().unwrap();
    let qr_text = screen.qr_text.clone().unwrap();
    let parsed = VietQr::parse(&qr_text).unwrap();
    assert_eq!(parsed.amount_vnd, Some(7_000));
    assert_eq!(parsed.purpose.as_deref(), Some(reference.as_str()));
    let png = phone.dir.path().join("vietqr.png");
    std::fs::write(&png, &screen.qr.as_ref().unwrap().png).unwrap();
    assert_eq!(
        zxing_decode(&png),
        qr_text,
        "ZXing reads our PNG as our text"
    );

    // The bank's transfer, notified twice: paid once.
    let first = notify(&url, "FT-PHONE-1", 7_000, &reference).await;
    assert_eq!(first.outcome, NotificationOutcome::Paid);
    let again = notify(&url, "FT-PHONE-1", 7_000, &reference).await;
    assert_eq!(again.outcome, NotificationOutcome::Duplicate);

    let before_sync = payments.payment(&code, Lang::En).await.unwrap();
    assert_eq!(
        before_sync.status,
        PaymentStatus::Awaiting,
        "the phone learns by sync"
    );
    phone.core.tracking().sync().await.unwrap();
    let paid = payments.payment(&code, Lang::En).await.unwrap();
    assert_eq!(paid.status, PaymentStatus::Paid);
    assert_eq!(paid.qr, None, "nothing left to scan");
    assert!(paid.has_fee_receipt);
    let tracked = phone.core.tracking().dossier(&code).unwrap().unwrap();
    assert_ne!(tracked.status, DossierStatus::PaymentRequested);
    assert!(!tracked.actions.available.contains(&CitizenAction::PayFee));
    assert!(
        tracked
            .actions
            .available
            .contains(&CitizenAction::ShowFeeReceipt),
        "the dossier leads to the fee's e-receipt once paid"
    );

    // The e-receipt: unverified without a trust list, valid with one, and it opens with
    // the portal gone.
    let unchecked = payments.fee_receipt(&code, Lang::En).await.unwrap();
    assert_eq!(unchecked.verdict, None);
    assert_eq!(unchecked.fields.amount_vnd, 7_000);
    assert_eq!(unchecked.fields.reference, reference);
    phone.core.receipt().refresh_trust_list().await.unwrap();
    portal.running.shutdown().await;
    let checked = payments.fee_receipt(&code, Lang::Vi).await.unwrap();
    assert!(checked.verdict.as_ref().unwrap().is_valid());
    assert_eq!(checked.amount_label, "7.000 đ");
    assert!(
        checked
            .lines
            .iter()
            .any(|line| line.label == "Số tiền" && line.value == "7.000 đ")
    );
    let offline = payments.refresh(&code, Lang::Vi).await.unwrap();
    assert!(offline.offline);
    assert!(offline.offline_note.is_some());
    assert_eq!(offline.status, PaymentStatus::Paid);
    assert!(
        !any_file_contains(phone.dir.path(), &reference),
        "the kept request is sealed on the phone's disk"
    );
}
