//! Status tracking end to end: the desk moves a dossier on the portal, the phone syncs the
//! change with its cursor, keeps the timeline for offline viewing, and anyone can look the
//! code up without login.

mod common;

use std::sync::{Arc, Mutex};

use common::fault_proxy::FaultProxy;
use common::*;
use motcua_core::Localized as _;
use motcua_core::dossier::{DeliveryOutcome, SUPPLEMENT_NOTE_FIELD};
use motcua_core::tracking::StatusListener;
use motcua_protocol::api::tracking::StatusChange;
use motcua_protocol::dossier::DossierStatus;
use motcua_protocol::identity::IdentityLevel;

const MARITAL_STATUS: &str = "1.004873";

#[derive(Default)]
struct Recorder(Mutex<Vec<StatusChange>>);

impl StatusListener for Recorder {
    fn on_status_change(&self, change: &StatusChange) {
        self.0.lock().unwrap().push(change.clone());
    }
}

async fn desk_action(portal: &url::Url, token: &str, code: &str, action: &str) -> u16 {
    desk_action_with(
        portal,
        token,
        code,
        serde_json::json!({"action": action, "note": "Đã tiếp nhận"}),
    )
    .await
}

async fn desk_action_with(
    portal: &url::Url,
    token: &str,
    code: &str,
    body: serde_json::Value,
) -> u16 {
    desk_post_action(portal, token, code, body)
        .await
        .status()
        .as_u16()
}

/// A level-2 citizen logged in on a fresh phone, the catalog downloaded, one marital-status
/// dossier submitted: returns the phone and the dossier code.
async fn phone_with_dossier(portal: &Portal, seed: u64) -> (Phone, String) {
    let phone = citizen_ready_to_file(portal, IdentityLevel::Level2, MARITAL_STATUS).await;
    let code = submit_filled(&phone, MARITAL_STATUS, seed).await;
    (phone, code)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_accepts_and_the_phone_syncs_the_change_and_keeps_it_offline() {
    let portal = start_portal().await;
    let phone = phone_for(&portal);
    let citizen = motcua_portal::demo_citizens()
        .iter()
        .find(|c| c.level == IdentityLevel::Level2)
        .unwrap();
    login(&phone, citizen.subject).await;
    phone.core.catalog().refresh_catalog().await.unwrap();
    phone
        .core
        .catalog()
        .open_procedure(MARITAL_STATUS)
        .await
        .expect("procedure detail");
    let dossier = phone.core.dossier();
    let procedure = phone
        .core
        .catalog()
        .procedure(MARITAL_STATUS)
        .unwrap()
        .unwrap();
    let draft = dossier.create_draft(MARITAL_STATUS).unwrap();
    motcua_tests::complete_draft(dossier, &procedure, &draft.id, 9).unwrap();
    let DeliveryOutcome::Delivered { dossier_code: code } =
        dossier.submit(&draft.id, None).await.unwrap()
    else {
        panic!("delivered");
    };

    let tracking = phone.core.tracking();
    let recorder = Arc::new(Recorder::default());
    tracking.set_listener(Some(recorder.clone()));
    // Registered listeners are told too, until removed.
    let registered = Arc::new(Recorder::default());
    let removed = Arc::new(Recorder::default());
    tracking.add_listener(registered.clone());
    let removed_id = tracking.add_listener(removed.clone());
    assert!(tracking.remove_listener(removed_id));
    let first = tracking.sync().await.unwrap();
    assert!(first.iter().all(|c| c.code == code));

    let base = portal.running.base_url();
    let staff = desk_token(&base).await;
    assert_eq!(desk_action(&base, &staff, &code, "accept").await, 200);
    // The citizen's token is not a desk token.
    let citizen_token = stored_access_token(&phone).unwrap();
    assert!(desk_action(&base, &citizen_token, &code, "start_processing").await >= 400);

    let changes = tracking.sync().await.unwrap();
    let received = changes
        .iter()
        .find(|c| c.status == DossierStatus::Received)
        .expect("the acceptance is synced");
    assert!(
        received.appointment_date.is_some(),
        "an appointment date is set"
    );
    assert!(
        tracking.sync().await.unwrap().is_empty(),
        "nothing new after the cursor"
    );
    assert!(
        recorder
            .0
            .lock()
            .unwrap()
            .iter()
            .any(|c| c.status == DossierStatus::Received)
    );

    assert_eq!(*registered.0.lock().unwrap(), *recorder.0.lock().unwrap());
    assert!(removed.0.lock().unwrap().is_empty());

    let lookup = tracking.public_lookup(&code).await.unwrap();
    assert_eq!(lookup.status, DossierStatus::Received);
    assert_eq!(lookup.procedure_code, MARITAL_STATUS);
    let unknown = tracking
        .public_lookup("000.00.00.H00-000000-9999")
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), "dossier_not_found");

    // The portal goes down: sync says so, the dossier and its timeline stay on the phone.
    portal.running.shutdown().await;
    let err = tracking.sync().await.unwrap_err();
    assert_eq!(err.code(), "network_unavailable");
    let offline = tracking
        .dossier(&code)
        .unwrap()
        .expect("kept on the device");
    assert_eq!(offline.status, DossierStatus::Received);
    assert_eq!(offline.appointment_date, received.appointment_date);
    assert!(
        offline
            .timeline
            .iter()
            .any(|c| c.status == DossierStatus::Received)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supplement_answer_goes_through_the_outbox_once_even_when_the_link_fails() {
    let portal = start_portal().await;
    let base = portal.running.base_url();
    let (phone, code) = phone_with_dossier(&portal, 21).await;
    let dossier = phone.core.dossier();
    let tracking = phone.core.tracking();

    // Before any supplement request, the core refuses to start an answer (lifecycle rule),
    // without asking the portal.
    tracking.sync().await.unwrap();
    let early = dossier.answer_supplement(&code).unwrap_err();
    assert_eq!(early.code(), "illegal_transition");

    let reception = desk_token(&base).await;
    let specialist = staff_token(&base, "chuyenvien").await;
    assert_eq!(desk_action(&base, &reception, &code, "accept").await, 200);
    assert_eq!(
        desk_action(&base, &specialist, &code, "start_processing").await,
        200
    );
    let missing = ["Bản sao giấy khai sinh có chứng thực", "Ảnh chân dung 4x6"];
    assert_eq!(
        desk_action_with(
            &base,
            &specialist,
            &code,
            serde_json::json!({"action": "request_supplement", "missing": missing}),
        )
        .await,
        200
    );
    tracking.sync().await.unwrap();
    assert_eq!(
        dossier.local_status(&code).unwrap(),
        DossierStatus::SupplementRequested
    );

    let answer = dossier.answer_supplement(&code).unwrap();
    assert_eq!(answer.answers_dossier.as_deref(), Some(code.as_str()));
    assert_eq!(answer.requested, missing);
    assert_eq!(answer.fields.len(), 1);
    assert_eq!(answer.fields[0].field_id, SUPPLEMENT_NOTE_FIELD);
    // Its form, as the apps show it: the note is the only field, every document of the
    // procedure may be attached and none is required; an empty answer is said as a whole.
    let form = dossier.check(&answer.id, motcua_core::Lang::Vi).unwrap();
    assert_eq!(form.title, format!("Bổ sung hồ sơ {code}"));
    assert_eq!(
        form.mode,
        motcua_core::dossier::FormMode::SupplementAnswer {
            dossier_code: code.clone(),
            requested: missing.iter().map(|m| m.to_string()).collect(),
        }
    );
    assert_eq!(form.fields.len(), 1);
    assert_eq!(form.fields[0].label, "Lời nhắn cho cán bộ (không bắt buộc)");
    assert!(form.documents.iter().all(|d| !d.required));
    assert!(!form.ready);
    assert_eq!(
        form.message.as_deref(),
        Some("Giấy tờ hoặc ghi chú bổ sung: cần nhập thông tin này.")
    );
    // Asking again reopens the same answer instead of starting a second one.
    assert_eq!(dossier.answer_supplement(&code).unwrap().id, answer.id);
    // An empty answer is not sent; an unknown field is refused.
    assert!(!dossier.validate(&answer.id).unwrap().is_empty());
    assert_eq!(
        dossier
            .set_field(&answer.id, "full_name", "x")
            .unwrap_err()
            .code(),
        "unknown_field"
    );
    let too_long = "a".repeat(2001);
    let state = dossier
        .set_field(&answer.id, SUPPLEMENT_NOTE_FIELD, &too_long)
        .unwrap();
    assert!(
        state.error.is_some(),
        "a note over 2,000 characters is flagged"
    );
    dossier
        .set_field(
            &answer.id,
            SUPPLEMENT_NOTE_FIELD,
            "Tôi gửi bổ sung bản sao giấy khai sinh.",
        )
        .unwrap();
    let procedure = phone
        .core
        .catalog()
        .procedure(MARITAL_STATUS)
        .unwrap()
        .unwrap();
    let requirement = &procedure.documents[0].id;
    dossier
        .add_attachment(
            &answer.id,
            requirement,
            "khai-sinh.pdf",
            &motcua_tests::sample_pdf(77),
            None,
        )
        .unwrap();
    assert!(dossier.validate(&answer.id).unwrap().is_empty());

    // Deliver through a proxy that drops, resets and cuts most connections: retried
    // until delivered, the answer must reach the desk exactly once.
    let upstream = portal.running.local_addr();
    let proxy = FaultProxy::start(upstream, 5, 60).await;
    let flaky = open_phone_sharing(&phone, &proxy.url(), &portal.running.issuer());
    let flaky_dossier = flaky.dossier();
    let mut outcome = flaky_dossier.submit(&answer.id, None).await;
    for _ in 0..60 {
        if matches!(outcome, Ok(DeliveryOutcome::Delivered { .. })) {
            break;
        }
        let rounds = flaky_dossier.run_outbox(true, None).await.unwrap();
        outcome = Ok(rounds
            .into_iter()
            .find(|(id, _)| *id == answer.id)
            .map(|(_, outcome)| outcome)
            .unwrap_or(DeliveryOutcome::Delivered {
                dossier_code: code.clone(),
            }));
    }
    assert!(
        matches!(outcome, Ok(DeliveryOutcome::Delivered { .. })),
        "{outcome:?} after {}",
        proxy.summary()
    );
    eprintln!(
        "supplement answer through the fault proxy: {}",
        proxy.summary()
    );
    let faults: u64 = [
        &proxy.counts.dropped,
        &proxy.counts.reset,
        &proxy.counts.truncated,
    ]
    .iter()
    .map(|count| count.load(std::sync::atomic::Ordering::Relaxed))
    .sum();
    assert!(
        faults > 0,
        "the link failed at least once: {}",
        proxy.summary()
    );
    // The same draft submitted again is already delivered: no second answer.
    assert!(matches!(
        dossier.submit(&answer.id, None).await.unwrap(),
        DeliveryOutcome::Delivered { .. }
    ));
    let desk_view = desk_dossier(&base, &reception, &code).await;
    let answers = desk_view["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| event["action"] == "answer_supplement")
        .count();
    assert_eq!(answers, 1, "exactly one answer on the portal");
    assert_eq!(desk_view["status"], "processing");
    let files: Vec<_> = desk_view["attachments"].as_array().unwrap().to_vec();
    assert_eq!(
        files.len(),
        2,
        "the submission's document and the answer's: {files:?}"
    );
    assert!(files.iter().any(|a| a["file_name"] == "khai-sinh.pdf"));
    tracking.sync().await.unwrap();
    let synced = tracking.dossier(&code).unwrap().unwrap();
    assert_eq!(synced.status, DossierStatus::Processing);
    let request = synced
        .timeline
        .iter()
        .find(|c| c.status == DossierStatus::SupplementRequested)
        .unwrap();
    assert_eq!(request.missing, missing, "kept for offline viewing");
    // A new answer cannot start while the desk is not asking.
    assert_eq!(
        dossier.answer_supplement(&code).unwrap_err().code(),
        "illegal_transition"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn withdrawal_is_checked_on_the_phone_sent_once_and_confirmed_by_the_desk() {
    let portal = start_portal().await;
    let base = portal.running.base_url();
    let (phone, code) = phone_with_dossier(&portal, 22).await;
    let dossier = phone.core.dossier();
    let tracking = phone.core.tracking();
    assert_eq!(
        dossier
            .withdraw("000.00.00.H00-000000-0000", None)
            .await
            .unwrap_err()
            .code(),
        "unknown_dossier"
    );
    let too_long = "x".repeat(2001);
    assert_eq!(
        dossier
            .withdraw(&code, Some(&too_long))
            .await
            .unwrap_err()
            .code(),
        "too_long"
    );

    // The portal is unreachable: the withdrawal is queued with its key and sent later.
    let stopped = open_phone_sharing(
        &phone,
        &url::Url::parse("http://127.0.0.1:9/").unwrap(),
        &portal.running.issuer(),
    );
    let queued = stopped
        .dossier()
        .withdraw(&code, Some("Tôi nộp nhầm thủ tục"))
        .await
        .unwrap();
    assert!(
        matches!(queued, DeliveryOutcome::Pending { .. }),
        "{queued:?}"
    );
    drop(stopped);
    let delivered = dossier.run_outbox(true, None).await.unwrap();
    assert_eq!(
        delivered,
        vec![(
            code.clone(),
            DeliveryOutcome::Delivered {
                dossier_code: code.clone()
            }
        )]
    );
    assert_eq!(
        dossier.local_status(&code).unwrap(),
        DossierStatus::WithdrawalRequested
    );
    // Nothing left in the queue; a second request is refused on the phone.
    assert!(dossier.run_outbox(true, None).await.unwrap().is_empty());
    assert_eq!(
        dossier.withdraw(&code, None).await.unwrap_err().code(),
        "illegal_transition"
    );

    let reception = desk_token(&base).await;
    assert_eq!(
        desk_action(&base, &reception, &code, "confirm_withdrawal").await,
        200
    );
    tracking.sync().await.unwrap();
    let synced = tracking.dossier(&code).unwrap().unwrap();
    assert_eq!(synced.status, DossierStatus::Withdrawn);
    let requests = synced
        .timeline
        .iter()
        .filter(|c| c.status == DossierStatus::WithdrawalRequested)
        .count();
    assert_eq!(requests, 1, "the withdrawal counted once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_resumes_after_the_portal_was_down_and_came_back() {
    let portal = start_portal().await;
    let base = portal.running.base_url();
    let addr = portal.running.local_addr();
    let (phone, code) = phone_with_dossier(&portal, 23).await;
    let tracking = phone.core.tracking();
    let first = tracking.sync().await.unwrap();
    assert_eq!(first.len(), 1, "the submission");

    let reception = desk_token(&base).await;
    assert_eq!(desk_action(&base, &reception, &code, "accept").await, 200);
    // The portal goes down before the phone syncs.
    let (mut config, dir, database) = portal.stop().await;
    assert_eq!(
        tracking.sync().await.unwrap_err().code(),
        "network_unavailable"
    );
    let offline = tracking.dossier(&code).unwrap().unwrap();
    assert_eq!(offline.status, DossierStatus::Submitted, "what was known");

    // Back on the same address with the same database: the phone picks up exactly the
    // change it missed, once.
    config.listen = addr;
    let running = motcua_portal::start(config).await.expect("portal restarts");
    let back = Portal {
        running,
        dir,
        database,
    };
    let specialist = staff_token(&back.running.base_url(), "chuyenvien").await;
    assert_eq!(
        desk_action(
            &back.running.base_url(),
            &specialist,
            &code,
            "start_processing"
        )
        .await,
        200
    );
    let changes = tracking.sync().await.unwrap();
    let statuses: Vec<_> = changes.iter().map(|c| c.status).collect();
    assert_eq!(
        statuses,
        vec![DossierStatus::Received, DossierStatus::Processing]
    );
    assert!(tracking.sync().await.unwrap().is_empty());
    let synced = tracking.dossier(&code).unwrap().unwrap();
    assert_eq!(synced.timeline.len(), 3);
    assert_eq!(synced.status, DossierStatus::Processing);
}

/// Every byte of every file under `dir` (the database, its WAL, attachments, anything).
fn all_file_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            pending.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if let Ok(content) = std::fs::read(&path) {
            bytes.extend(content);
        }
    }
    bytes
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_desk_writes_and_the_receipt_are_sealed_on_the_phone_yet_shown_offline() {
    let portal = start_portal().await;
    let base = portal.running.base_url();
    let (phone, code) = phone_with_dossier(&portal, 31).await;
    let tracking = phone.core.tracking();
    let reception = desk_token(&base).await;
    let specialist = staff_token(&base, "chuyenvien").await;
    let note = "Ghi chú cho ông Trần Văn NOTE-7431";
    assert_eq!(
        desk_action_with(
            &base,
            &reception,
            &code,
            serde_json::json!({"action": "accept", "note": note}),
        )
        .await,
        200
    );
    assert_eq!(
        desk_action(&base, &specialist, &code, "start_processing").await,
        200
    );
    let missing = "Bản sao sổ hộ khẩu MISSING-5519";
    assert_eq!(
        desk_action_with(
            &base,
            &specialist,
            &code,
            serde_json::json!({"action": "request_supplement", "missing": [missing]}),
        )
        .await,
        200
    );
    tracking.sync().await.unwrap();
    let receipt = phone.core.receipt().receipt(&code).unwrap();
    portal.running.shutdown().await;

    // Shown from the device, portal down.
    let offline = tracking
        .dossier(&code)
        .unwrap()
        .expect("kept on the device");
    assert!(
        offline
            .timeline
            .iter()
            .any(|c| c.note.as_deref() == Some(note))
    );
    assert!(
        offline
            .timeline
            .iter()
            .any(|c| c.missing.iter().any(|m| m == missing))
    );
    assert_eq!(
        phone.core.receipt().receipt(&code).unwrap().qr_text,
        receipt.qr_text
    );

    // Not readable in any file the phone keeps.
    let bytes = all_file_bytes(phone.dir.path());
    for secret in ["NOTE-7431", "MISSING-5519", receipt.qr_text.as_str()] {
        assert!(
            !holds(&bytes, secret),
            "{secret:?} readable on the phone's disk"
        );
    }
    // The check can fail: the desk's code (not personal) is there in plain text.
    assert!(holds(&bytes, &code));
}
