//! Paying fees over real HTTP with a real SQLite file: the payment request of a dossier
//! whose fee falls due (at the desk's request, or at filing), its VietQR code, the
//! intermediary's signed notifications — exact, duplicated (also at once), reordered,
//! forged, replayed, with wrong amounts and unknown references: each paid exactly once or
//! held, nothing lost — the fee e-receipt verified offline against the trust list, the
//! desk's held payments and the daily report whose sums add up. A fee the catalog does
//! not know is settled at the desk.
//!
//! Paths of other areas are written out: their constants are moving between modules.

mod common;

use chrono::{FixedOffset, Utc};
use common::staff::{act_raw, staff_token};
use common::{Harness, count, db, get_as, harness_with, trust_list};
use motcua_portal::{DEFAULT_PAYMENTS_SECRET, builtin_catalog};
use motcua_protocol::api::payments::{
    FeeReceiptResponse, HEADER_SIGNATURE, HEADER_TIMESTAMP, HeldPayment, HoldReason,
    NotificationAck, NotificationOutcome, PATH_DESK_HELD_PAYMENTS, PATH_DESK_PAYMENT_REPORT,
    PATH_PAYMENT_NOTIFICATIONS, PaymentStatus, PaymentView, notification_signature,
};
use motcua_protocol::catalog::{AliasesFile, Fact, ProceduresFile};
use motcua_protocol::receipt::fee::FeeVerdict;
use motcua_protocol::receipt::verify_fee_receipt;
use motcua_protocol::vietqr::VietQr;
use reqwest::Response;
use serde_json::{Value, json};
use tempfile::TempDir;

/// The building-permit re-issue's form and documents, with a known fee (15,000 đồng at
/// the desk, 7,000 online) or an unknown online fee.
const PAID: &str = "9.900001";
const UNKNOWN_FEE: &str = "9.900002";
const LAN: &str = "demo-0001";
const BINH: &str = "demo-0002";
const DEMO_ACCOUNT: &str = "MOTCUADEMO0001";

/// A catalog directory: the built-in catalog and two copies of 1.013228 with fees set.
fn catalog() -> TempDir {
    let (mut procedures, aliases) = builtin_catalog();
    let template = procedures
        .iter()
        .find(|procedure| procedure.code == "1.013228")
        .unwrap()
        .clone();
    let mut paid = template.clone();
    paid.code = PAID.into();
    paid.fee.amount_vnd = Fact::Known(15_000);
    paid.fee.online_amount_vnd = Some(Fact::Known(7_000));
    let mut unknown = template;
    unknown.code = UNKNOWN_FEE.into();
    unknown.fee.amount_vnd = Fact::Known(25_000);
    unknown.fee.online_amount_vnd = Some(Fact::Unknown {
        unknown: "the online reduction is not published".into(),
    });
    procedures.extend([paid, unknown]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("procedures.json"),
        serde_json::to_vec(&ProceduresFile { procedures }).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("aliases.json"),
        serde_json::to_vec(&AliasesFile { aliases }).unwrap(),
    )
    .unwrap();
    dir
}

struct Portal {
    h: Harness,
    _catalog: TempDir,
}

async fn portal_with(accounts: Option<Value>) -> Portal {
    let catalog = catalog();
    let accounts_file = accounts.map(|value| {
        let path = catalog.path().join("accounts.json");
        std::fs::write(&path, serde_json::to_vec(&value).unwrap()).unwrap();
        path
    });
    let h = harness_with(|config| {
        config.accept_missing_documents = true;
        config.catalog = Some(catalog.path().to_owned());
        config.payments.payments_accounts = accounts_file;
    })
    .await;
    Portal {
        h,
        _catalog: catalog,
    }
}

async fn citizen(h: &Harness, subject: &str) -> String {
    h.open_session(subject).await.access_token
}

async fn submit(h: &Harness, token: &str, procedure: &str) -> String {
    let me: Value = get_as(h, token, "/api/v1/me").await.json().await.unwrap();
    let body = json!({
        "procedure_code": procedure,
        "fields": {
            "owner_name": me["full_name"],
            "reason": "lost",
            "permit_unit": "00004",
            "phone": "0912 345 678",
        },
        "attachments": [],
    });
    let response = h
        .http
        .post(h.url("/api/v1/dossiers"))
        .bearer_auth(token)
        .header("Idempotency-Key", common::random_b64(16))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let summary: Value = response.json().await.unwrap();
    summary["code"].as_str().unwrap().to_owned()
}

async fn act(h: &Harness, token: &str, code: &str, action: &str) -> Value {
    let response = act_raw(h, token, code, json!({ "action": action })).await;
    assert_eq!(response.status(), 200, "{action}");
    response.json().await.unwrap()
}

/// Submitted, accepted, processing, payment requested (status 6).
async fn awaiting_payment(h: &Harness, citizen: &str) -> String {
    let code = submit(h, citizen, PAID).await;
    let reception = staff_token(h, "tiepnhan").await;
    let specialist = staff_token(h, "chuyenvien").await;
    act(h, &reception, &code, "accept").await;
    act(h, &reception, &code, "start_processing").await;
    let dossier = act(h, &specialist, &code, "request_payment").await;
    assert_eq!(dossier["status"], "payment_requested");
    code
}

async fn payment(h: &Harness, token: &str, code: &str) -> PaymentView {
    let response = get_as(h, token, &format!("/api/v1/dossiers/{code}/payment")).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn notification(transaction_id: &str, amount_vnd: u64, description: &str) -> Value {
    let credited_at = Utc::now()
        .with_timezone(&FixedOffset::east_opt(7 * 3600).unwrap())
        .to_rfc3339();
    json!({
        "transaction_id": transaction_id,
        "amount_vnd": amount_vnd,
        "description": description,
        "account": DEMO_ACCOUNT,
        "credited_at": credited_at,
        "payer_name": "NGUYEN THI LAN",
    })
}

/// Sends `body` signed with `secret` at `timestamp` (now when `None`).
async fn notify_raw(h: &Harness, body: &[u8], secret: &str, timestamp: Option<i64>) -> Response {
    let timestamp = timestamp.unwrap_or_else(|| Utc::now().timestamp());
    h.http
        .post(h.url(PATH_PAYMENT_NOTIFICATIONS))
        .header("content-type", "application/json")
        .header(HEADER_TIMESTAMP, timestamp.to_string())
        .header(
            HEADER_SIGNATURE,
            notification_signature(secret.as_bytes(), timestamp, body),
        )
        .body(body.to_vec())
        .send()
        .await
        .unwrap()
}

async fn notify(h: &Harness, body: &Value) -> NotificationAck {
    let bytes = serde_json::to_vec(body).unwrap();
    let response = notify_raw(h, &bytes, DEFAULT_PAYMENTS_SECRET, None).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn transactions(h: &Harness) -> i64 {
    count(h, "payment_transactions").await
}

#[tokio::test]
async fn a_requested_fee_is_paid_once_by_vietqr_and_its_e_receipt_verifies_offline() {
    let Portal { h, _catalog } = portal_with(None).await;
    let lan = citizen(&h, LAN).await;
    let code = awaiting_payment(&h, &lan).await;

    let view = payment(&h, &lan, &code).await;
    assert_eq!(view.status, PaymentStatus::Awaiting);
    assert_eq!(view.amount_vnd, Some(7_000), "the online fee");
    let reference = view.reference.clone().unwrap();
    assert_eq!(reference.len(), 11);
    let beneficiary = view.beneficiary.clone().unwrap();
    assert_eq!(beneficiary.account, DEMO_ACCOUNT);
    let qr = VietQr::parse(view.qr_text.as_deref().unwrap()).unwrap();
    assert_eq!(qr.amount_vnd, Some(7_000));
    assert_eq!(qr.purpose.as_deref(), Some(reference.as_str()));
    assert_eq!(qr.account, DEMO_ACCOUNT);
    assert_eq!(qr.bank_bin, beneficiary.bank_bin);
    assert!(view.due_date.is_some());
    // Asking again gives the same request, not a second one.
    assert_eq!(payment(&h, &lan, &code).await, view);
    assert_eq!(count(&h, "payment_requests").await, 1);

    // Another citizen's code is not found, as an unknown one; so is the receipt.
    let binh = citizen(&h, BINH).await;
    let other = get_as(&h, &binh, &format!("/api/v1/dossiers/{code}/payment")).await;
    assert_eq!(other.status(), 404);
    let unpaid = get_as(&h, &lan, &format!("/api/v1/dossiers/{code}/fee-receipt")).await;
    assert_eq!(unpaid.status(), 404);

    // The bank mangles the description; the reference is still found.
    let description = format!("IBFT {} CT TU 0011", reference.to_lowercase());
    let ack = notify(&h, &notification("FT001", 7_000, &description)).await;
    assert_eq!(ack.outcome, NotificationOutcome::Paid);
    assert_eq!(ack.dossier_code.as_deref(), Some(code.as_str()));

    let paid = payment(&h, &lan, &code).await;
    assert_eq!(paid.status, PaymentStatus::Paid);
    assert!(paid.qr_text.is_none(), "nothing left to scan");
    let reception = staff_token(&h, "tiepnhan").await;
    let dossier: Value = get_as(&h, &reception, &format!("/api/v1/desk/dossiers/{code}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(dossier["status"], "processing", "paid moves the dossier on");

    // The phone learns it by sync: the change to processing, by the system.
    let sync: Value = get_as(&h, &lan, "/api/v1/sync?cursor=0")
        .await
        .json()
        .await
        .unwrap();
    let last = sync["changes"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["status"], "processing");
    let actor: String = db(&h)
        .value(
            "SELECT actor_role FROM dossier_events ORDER BY seq DESC LIMIT 1",
            &[],
        )
        .await;
    assert_eq!(actor, "system");

    let receipt: FeeReceiptResponse =
        get_as(&h, &lan, &format!("/api/v1/dossiers/{code}/fee-receipt"))
            .await
            .json()
            .await
            .unwrap();
    assert_eq!(Some(receipt.receipt.clone()), paid.fee_receipt);
    let FeeVerdict::Valid { fields, .. } =
        verify_fee_receipt(&receipt.receipt, &trust_list(&h).await, Utc::now())
    else {
        panic!("the e-receipt does not verify");
    };
    assert_eq!(fields.dossier_code, code);
    assert_eq!(fields.amount_vnd, 7_000);
    assert_eq!(fields.transaction_id, "FT001");
    assert_eq!(fields.reference, reference);
    assert_eq!(fields.payer, "Nguyễn Thị Lan");
    assert_eq!(fields.agency_code, code.rsplitn(3, '-').last().unwrap());
    let mut altered = receipt.receipt.clone();
    altered.pop();
    assert!(!verify_fee_receipt(&altered, &trust_list(&h).await, Utc::now()).is_valid());
}

#[tokio::test]
async fn duplicated_reordered_forged_replayed_and_wrong_notifications_are_paid_once_or_held() {
    let Portal { h, _catalog } = portal_with(None).await;
    let lan = citizen(&h, LAN).await;
    let first = awaiting_payment(&h, &lan).await;
    let second = awaiting_payment(&h, &lan).await;
    let first_ref = payment(&h, &lan, &first).await.reference.unwrap();
    let second_ref = payment(&h, &lan, &second).await.reference.unwrap();

    // Forged (another secret), tampered (the body changed under a good signature), and
    // replayed outside the window: refused, and nothing recorded.
    let body = serde_json::to_vec(&notification("FT100", 7_000, &first_ref)).unwrap();
    let forged = notify_raw(&h, &body, "not-the-shared-secret", None).await;
    assert_eq!(forged.status(), 401);
    let now = Utc::now().timestamp();
    let signature = notification_signature(DEFAULT_PAYMENTS_SECRET.as_bytes(), now, &body);
    let tampered = serde_json::to_vec(&notification("FT100", 70, &first_ref)).unwrap();
    let response = h
        .http
        .post(h.url(PATH_PAYMENT_NOTIFICATIONS))
        .header(HEADER_TIMESTAMP, now.to_string())
        .header(HEADER_SIGNATURE, signature)
        .body(tampered)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let stale = notify_raw(&h, &body, DEFAULT_PAYMENTS_SECRET, Some(now - 301)).await;
    assert_eq!(stale.status(), 401);
    let early = notify_raw(&h, &body, DEFAULT_PAYMENTS_SECRET, Some(now + 301)).await;
    assert_eq!(early.status(), 401);
    let unsigned = h
        .http
        .post(h.url(PATH_PAYMENT_NOTIFICATIONS))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 401);
    assert_eq!(transactions(&h).await, 0);

    // Reordered: the wrong amount for the second dossier arrives before anything else.
    let wrong = notify(&h, &notification("FT200", 5_000, &second_ref)).await;
    assert_eq!(wrong.outcome, NotificationOutcome::Held);
    assert_eq!(wrong.hold_reason, Some(HoldReason::WrongAmount));
    assert_eq!(
        payment(&h, &lan, &second).await.status,
        PaymentStatus::Awaiting
    );
    assert!(payment(&h, &lan, &second).await.under_review);

    // The same notification eight times at once: paid exactly once.
    let mut sends = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let url = h.url(PATH_PAYMENT_NOTIFICATIONS);
        let http = h.http.clone();
        let body = body.clone();
        sends.spawn(async move {
            let timestamp = Utc::now().timestamp();
            let response = http
                .post(url)
                .header(HEADER_TIMESTAMP, timestamp.to_string())
                .header(
                    HEADER_SIGNATURE,
                    notification_signature(DEFAULT_PAYMENTS_SECRET.as_bytes(), timestamp, &body),
                )
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            response.json::<NotificationAck>().await.unwrap()
        });
    }
    let mut outcomes = Vec::new();
    while let Some(ack) = sends.join_next().await {
        outcomes.push(ack.unwrap().outcome);
    }
    assert_eq!(
        outcomes
            .iter()
            .filter(|outcome| **outcome == NotificationOutcome::Paid)
            .count(),
        1,
        "{outcomes:?}"
    );
    assert_eq!(
        outcomes
            .iter()
            .filter(|outcome| **outcome == NotificationOutcome::Duplicate)
            .count(),
        7
    );
    // A replay inside the window is a duplicate too: it changes nothing.
    let replay = notify(&h, &notification("FT100", 7_000, &first_ref)).await;
    assert_eq!(replay.outcome, NotificationOutcome::Duplicate);
    assert_eq!(replay.first, Some(NotificationOutcome::Paid));

    // A second payment of a paid request, and a transfer nobody asked for: held.
    let again = notify(&h, &notification("FT300", 7_000, &first_ref)).await;
    assert_eq!(again.hold_reason, Some(HoldReason::SecondPayment));
    let stranger = notify(&h, &notification("FT400", 12_345, "chuyen tien an trua")).await;
    assert_eq!(stranger.hold_reason, Some(HoldReason::UnknownReference));
    // Then the right amount for the second dossier: paid.
    let right = notify(&h, &notification("FT500", 7_000, &second_ref)).await;
    assert_eq!(right.outcome, NotificationOutcome::Paid);
    assert_eq!(
        transactions(&h).await,
        5,
        "every authentic transfer is recorded once"
    );
    let paid_requests: i64 = db(&h)
        .value(
            "SELECT count(*) FROM payment_requests WHERE status = 'paid'",
            &[],
        )
        .await;
    assert_eq!(paid_requests, 2);
    let confirmations: i64 = db(&h)
        .value(
            "SELECT count(*) FROM dossier_events WHERE action = 'confirm_payment'",
            &[],
        )
        .await;
    assert_eq!(confirmations, 2, "each dossier moved on once");

    // The desk lists what is held and resolves it; a specialist may not.
    let reception = staff_token(&h, "tiepnhan").await;
    let held: Vec<HeldPayment> = get_as(&h, &reception, PATH_DESK_HELD_PAYMENTS)
        .await
        .json()
        .await
        .unwrap();
    let reasons: Vec<HoldReason> = held.iter().map(|held| held.reason).collect();
    assert_eq!(
        reasons,
        vec![
            HoldReason::WrongAmount,
            HoldReason::SecondPayment,
            HoldReason::UnknownReference
        ]
    );
    assert_eq!(held[0].dossier_code.as_deref(), Some(second.as_str()));
    assert_eq!(held[0].expected_vnd, Some(7_000));
    let resolve = |id: i64, body: Value, token: String| {
        let http = h.http.clone();
        let url = h.url(&format!("/api/v1/desk/payments/held/{id}/resolve"));
        async move {
            http.post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let specialist = staff_token(&h, "chuyenvien").await;
    let refused = resolve(
        held[1].id,
        json!({"resolution": "refund", "note": "x"}),
        specialist,
    )
    .await;
    assert_eq!(refused.status(), 403);
    // The wrong amount's dossier is paid already (FT500): applying it is refused.
    let late = resolve(
        held[0].id,
        json!({"resolution": "apply", "note": "checked"}),
        reception.clone(),
    )
    .await;
    assert_eq!(late.status(), 409);
    for held in &held[..2] {
        let response = resolve(
            held.id,
            json!({"resolution": "refund", "note": "trả lại người nộp"}),
            reception.clone(),
        )
        .await;
        assert_eq!(response.status(), 200);
    }
    let twice = resolve(
        held[0].id,
        json!({"resolution": "refund", "note": "again"}),
        reception.clone(),
    )
    .await;
    assert_eq!(twice.status(), 409);
    let open: Vec<HeldPayment> = get_as(&h, &reception, PATH_DESK_HELD_PAYMENTS)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(open.len(), 1, "the unknown transfer waits");
    let all: Vec<HeldPayment> = get_as(
        &h,
        &reception,
        &format!("{PATH_DESK_HELD_PAYMENTS}?all=true"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(all.len(), 3);

    // The day's report: every transaction once, and the sums add up per agency.
    let report = get_as(&h, &reception, PATH_DESK_PAYMENT_REPORT).await;
    assert_eq!(report.status(), 200);
    assert!(
        report.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = report.text().await.unwrap();
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|line| line.split(',').collect())
        .collect();
    let total = |status: &str| -> u64 {
        rows.iter()
            .find(|row| row[2] == "total" && row[7] == status)
            .map(|row| row[8].parse().unwrap())
            .unwrap()
    };
    let listed: u64 = rows
        .iter()
        .filter(|row| row[2] == "transaction")
        .map(|row| row[8].parse::<u64>().unwrap())
        .sum();
    assert_eq!(
        rows.iter().filter(|row| row[2] == "transaction").count(),
        5,
        "{csv}"
    );
    assert_eq!(listed, 7_000 + 5_000 + 7_000 + 12_345 + 7_000);
    assert_eq!(total("received"), listed);
    assert_eq!(total("paid"), 14_000);
    assert_eq!(total("held"), 12_345);
    assert_eq!(total("refunded"), 12_000);
    assert_eq!(
        total("paid") + total("held") + total("refunded"),
        total("received")
    );
}

#[tokio::test]
async fn the_desk_applies_a_held_transfer_to_the_dossier_it_was_meant_for() {
    let Portal { h, _catalog } = portal_with(None).await;
    let lan = citizen(&h, LAN).await;
    let code = awaiting_payment(&h, &lan).await;
    // The payer forgot the reference.
    let ack = notify(
        &h,
        &notification("FT900", 7_000, "nop le phi cap lai giay phep"),
    )
    .await;
    assert_eq!(ack.hold_reason, Some(HoldReason::UnknownReference));
    let reception = staff_token(&h, "tiepnhan").await;
    let held: Vec<HeldPayment> = get_as(&h, &reception, PATH_DESK_HELD_PAYMENTS)
        .await
        .json()
        .await
        .unwrap();
    let url = h.url(&format!(
        "/api/v1/desk/payments/held/{}/resolve",
        held[0].id
    ));
    let no_dossier = h
        .http
        .post(url.clone())
        .bearer_auth(&reception)
        .json(&json!({"resolution": "apply", "note": "người nộp xác nhận"}))
        .send()
        .await
        .unwrap();
    assert_eq!(no_dossier.status(), 409, "no reference: name the dossier");
    let applied: HeldPayment = h
        .http
        .post(url)
        .bearer_auth(&reception)
        .json(&json!({"resolution": "apply", "dossier_code": code, "note": "người nộp xác nhận"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(applied.dossier_code.as_deref(), Some(code.as_str()));
    let view = payment(&h, &lan, &code).await;
    assert_eq!(view.status, PaymentStatus::Paid);
    assert!(!view.under_review);
    let dossier: Value = get_as(&h, &reception, &format!("/api/v1/desk/dossiers/{code}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(dossier["status"], "processing");
}

#[tokio::test]
async fn an_unknown_online_fee_is_settled_at_the_desk_and_never_requested() {
    let Portal { h, _catalog } = portal_with(None).await;
    let lan = citizen(&h, LAN).await;
    let code = submit(&h, &lan, UNKNOWN_FEE).await;
    let reception = staff_token(&h, "tiepnhan").await;
    let specialist = staff_token(&h, "chuyenvien").await;
    act(&h, &reception, &code, "accept").await;
    act(&h, &reception, &code, "start_processing").await;
    act(&h, &specialist, &code, "request_payment").await;
    let view = payment(&h, &lan, &code).await;
    assert_eq!(view.status, PaymentStatus::SettledAtDesk);
    assert!(view.amount_vnd.is_none(), "never invented");
    assert!(view.qr_text.is_none() && view.reference.is_none());
    assert!(view.note_vi.unwrap().contains("bộ phận một cửa"));
    assert!(view.note_en.unwrap().contains("not published"));
    assert_eq!(count(&h, "payment_requests").await, 0);

    // A fee that is known but not yet requested is not due.
    let waiting = submit(&h, &lan, PAID).await;
    assert_eq!(
        payment(&h, &lan, &waiting).await.status,
        PaymentStatus::NotDue
    );
    // A procedure without a fee.
    let free = submit(&h, &lan, "1.013228").await;
    let view = payment(&h, &lan, &free).await;
    assert_eq!(
        view.status,
        PaymentStatus::SettledAtDesk,
        "1.013228's fee is unknown"
    );
}

#[tokio::test]
async fn an_agency_that_takes_the_fee_on_filing_requests_it_at_submission() {
    let accounts = json!({"agencies": [{
        "agency_code": motcua_portal::DEMO_AGENCY_CODE,
        "bank_bin": "970436",
        "bank_name": "Vietcombank",
        "account": "0071000123456",
        "account_name": "UBND PHUONG DEMO",
        "fee_due": "on_filing",
    }]});
    let Portal { h, _catalog } = portal_with(Some(accounts)).await;
    let lan = citizen(&h, LAN).await;
    let code = submit(&h, &lan, PAID).await;
    let view = payment(&h, &lan, &code).await;
    assert_eq!(view.status, PaymentStatus::Awaiting);
    let qr = VietQr::parse(view.qr_text.as_deref().unwrap()).unwrap();
    assert_eq!(
        (qr.bank_bin.as_str(), qr.account.as_str()),
        ("970436", "0071000123456")
    );
    let mut body = notification("FT777", 7_000, view.reference.as_deref().unwrap());
    body["account"] = json!("0071000123456");
    assert_eq!(notify(&h, &body).await.outcome, NotificationOutcome::Paid);
    let paid = payment(&h, &lan, &code).await;
    assert_eq!(paid.status, PaymentStatus::Paid);
    let reception = staff_token(&h, "tiepnhan").await;
    let dossier: Value = get_as(&h, &reception, &format!("/api/v1/desk/dossiers/{code}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        dossier["status"], "submitted",
        "paid on filing: intake comes next"
    );
}
