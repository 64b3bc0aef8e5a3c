//! Status tracking end to end: the desk moves a dossier on the portal, the phone syncs the
//! change with its cursor, keeps the timeline for offline viewing, and anyone can look the
//! code up without login.

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use motcua_core::Localized as _;
use motcua_core::dossier::DeliveryOutcome;
use motcua_core::tracking::StatusListener;
use motcua_protocol::dossier::DossierStatus;
use motcua_protocol::identity::IdentityLevel;
use motcua_protocol::lifecycle::StatusChange;

const MARITAL_STATUS: &str = "1.004873";

#[derive(Default)]
struct Recorder(Mutex<Vec<StatusChange>>);

impl StatusListener for Recorder {
    fn on_status_change(&self, change: &StatusChange) {
        self.0.lock().unwrap().push(change.clone());
    }
}

async fn desk_token(portal: &url::Url) -> String {
    let response: serde_json::Value = reqwest::Client::new()
        .post(format!("{portal}api/v1/desk/session"))
        .json(&serde_json::json!({"username": "tiepnhan", "password": "motcua-dev"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    response["access_token"]
        .as_str()
        .expect("staff token")
        .to_owned()
}

async fn desk_action(portal: &url::Url, token: &str, code: &str, action: &str) -> u16 {
    reqwest::Client::new()
        .post(format!("{portal}api/v1/desk/dossiers/{code}/actions"))
        .bearer_auth(token)
        .json(&serde_json::json!({"action": action, "note": "Đã tiếp nhận"}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
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
