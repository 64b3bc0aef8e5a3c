//! Receipts end to end: the desk accepts on the real portal, the phone syncs the receipt,
//! the desk verifies it with no network (the portal shut down), key rotation and
//! revocation through the trust list, and our PNG read by QR decoders nobody here wrote:
//! ZXing (the `zxing-cpp` Python package) and zbar (`zbarimg`), which scripts/test.sh
//! installs. A missing decoder fails the test: it never skips.

mod common;

use common::*;
use motcua_core::receipt::{ApplicantCheck, ReceiptError};
use motcua_core::{CoreConfig, Localized as _, MotCua};
use motcua_protocol::dossier::DossierStatus;
use motcua_protocol::identity::IdentityLevel;
use motcua_protocol::receipt::{RootKey, Verdict};
use motcua_tests::decoders::{zbar_decode, zxing_decode};

const MARITAL_STATUS: &str = "1.004873";

async fn submit(phone: &Phone) -> String {
    submit_filled(phone, MARITAL_STATUS, 9).await
}

/// Accepts at the desk; returns the desk's view of the dossier.
async fn accept(portal: &url::Url, token: &str, code: &str) -> serde_json::Value {
    desk_act(portal, token, code, "accept").await
}

async fn logged_in_phone(portal: &Portal) -> Phone {
    ready_to_file(branded_phone(portal), IdentityLevel::Level2, MARITAL_STATUS).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accepted_synced_shown_and_verified_offline_by_the_desk() {
    let portal = start_portal().await;
    let phone = logged_in_phone(&portal).await;
    let code = submit(&phone).await;
    let receipts = phone.core.receipt();
    assert!(matches!(
        receipts.receipt(&code),
        Err(ReceiptError::NotIssued(_))
    ));

    let base = portal.running.base_url();
    let staff = desk_token(&base).await;
    let desk_view = accept(&base, &staff, &code).await;
    let desk_receipt = desk_view["receipt"]
        .as_str()
        .expect("the desk sees the receipt");

    // The citizen's sync brings it with the acceptance.
    let changes = phone.core.tracking().sync().await.unwrap();
    let received = changes
        .iter()
        .find(|c| c.status == DossierStatus::Received)
        .expect("acceptance synced");
    assert_eq!(received.receipt.as_deref(), Some(desk_receipt));
    let view = receipts.receipt(&code).expect("receipt on the phone");
    assert_eq!(view.qr_text, desk_receipt);
    assert_eq!(view.fields.dossier_code, code);
    assert_eq!(view.fields.procedure_code, MARITAL_STATUS);
    assert_eq!(view.fields.agency_code, motcua_portal::DEMO_AGENCY_CODE);
    assert_eq!(
        view.fields.appointment_date.map(|d| d.to_string()),
        received.appointment_date
    );
    assert!(view.fields.applicant.is_some());
    assert_eq!(view.qr.ec_level, 'M');
    assert!(view.qr.version <= 8, "QR version {}", view.qr.version);
    assert_eq!(view.verdict, None, "no trust list cached yet");

    // Only the owner gets it: another citizen's sync and dossier list do not carry it.
    let other = branded_phone(&portal);
    let other_citizen = motcua_portal::demo_citizens()
        .iter()
        .find(|c| c.subject != demo_citizen(IdentityLevel::Level2).subject)
        .unwrap();
    login(&other, other_citizen.subject).await;
    let theirs = other.core.tracking().sync().await.unwrap();
    assert!(theirs.iter().all(|c| c.code != code && c.receipt.is_none()));
    let other_token = stored_access_token(&other).unwrap();
    let answer = reqwest::Client::new()
        .get(format!("{base}api/v1/dossiers/{code}"))
        .bearer_auth(&other_token)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 404);
    let own_token = stored_access_token(&phone).unwrap();
    let own: serde_json::Value = reqwest::Client::new()
        .get(format!("{base}api/v1/dossiers/{code}"))
        .bearer_auth(&own_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(own["receipt"].as_str(), Some(desk_receipt));

    // The desk: a device with the province branding fetches the key list once…
    let desk = branded_phone(&portal);
    assert!(matches!(
        desk.core.receipt().verify_receipt(&view.qr_text),
        Err(ReceiptError::NoTrustList)
    ));
    let list = desk.core.receipt().refresh_trust_list().await.unwrap();
    assert_eq!(list.keys, 1);
    // …and then the portal is gone: verification needs no network.
    let root_key = portal.running.receipt_root_key();
    portal.running.shutdown().await;
    let verification = desk.core.receipt().verify_receipt(&view.qr_text).unwrap();
    let Verdict::Valid { fields, .. } = &verification.verdict else {
        panic!("valid, got {:?}", verification.verdict);
    };
    assert_eq!(fields, &view.fields);
    assert_eq!(verification.trust_list_sequence, list.sequence);
    assert!(matches!(
        desk.core.receipt().refresh_trust_list().await,
        Err(ReceiptError::Network(_))
    ));
    assert!(
        desk.core
            .receipt()
            .verify_receipt(&view.qr_text)
            .unwrap()
            .verdict
            .is_valid()
    );

    // The person at the desk: the applicant's card matches, another does not.
    let own_id = demo_citizen(IdentityLevel::Level2).personal_id;
    assert_eq!(
        desk.core
            .receipt()
            .check_applicant(&view.qr_text, own_id)
            .await
            .unwrap(),
        ApplicantCheck::Matches
    );
    assert_eq!(
        desk.core
            .receipt()
            .check_applicant(&view.qr_text, other_citizen.personal_id)
            .await
            .unwrap(),
        ApplicantCheck::DoesNotMatch
    );
    let not_an_id = desk
        .core
        .receipt()
        .check_applicant(&view.qr_text, "12345")
        .await
        .unwrap_err();
    assert_eq!(not_an_id.code(), "not_an_id_number");
    // The ID number is nowhere in the QR text, nor in the phone's files.
    assert!(!view.qr_text.contains(own_id));
    assert!(!any_file_contains(phone.dir.path(), own_id));

    // A forged or altered receipt at the desk.
    let mut altered = view.qr_text.clone().into_bytes();
    let last = altered.len() - 1;
    altered[last] = if altered[last] == b'0' { b'1' } else { b'0' };
    let altered = String::from_utf8(altered).unwrap();
    assert!(
        !desk
            .core
            .receipt()
            .verify_receipt(&altered)
            .unwrap()
            .verdict
            .is_valid()
    );
    let not_a_receipt = desk
        .core
        .receipt()
        .verify_receipt("https://example.vn")
        .unwrap();
    assert_eq!(not_a_receipt.verdict.code(), "receipt_malformed");
    // A restarted app reads the cached list from its database, verified again.
    drop(desk.core);
    let reopened = MotCua::open(
        {
            let mut config = CoreConfig::new(
                desk.dir.path().join("profile"),
                "http://127.0.0.1:9".parse().unwrap(),
                "http://127.0.0.1:9/oidc".into(),
                "motcua-app".into(),
            );
            config.receipt_root_key = RootKey::parse(&root_key);
            config
        },
        desk.secrets.clone(),
    )
    .unwrap();
    assert!(
        reopened
            .receipt()
            .verify_receipt(&view.qr_text)
            .unwrap()
            .verdict
            .is_valid()
    );

    // Our PNG, read by decoders nobody here wrote, and by rqrr for `motcua verify`.
    let png = phone.dir.path().join("receipt.png");
    std::fs::write(&png, &view.qr.png).unwrap();
    assert_eq!(zxing_decode(&png), view.qr_text, "ZXing (zxing-cpp)");
    assert_eq!(zbar_decode(&png), view.qr_text, "zbar (zbarimg)");
    assert_eq!(
        motcua_cli::receipt::decode_image(&png).unwrap(),
        view.qr_text,
        "rqrr (motcua verify image.png)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotation_keeps_old_receipts_valid_and_revocation_ends_them() {
    let portal = start_portal().await;
    let phone = logged_in_phone(&portal).await;
    let first = submit(&phone).await;
    let second = submit(&phone).await;
    let base = portal.running.base_url();
    let staff = desk_token(&base).await;

    accept(&base, &staff, &first).await;
    // Rotation on the running portal's data (as `motcua portal receipt-keys rotate`).
    let new_kid = motcua_portal::rotate_receipt_key(&portal.location())
        .await
        .unwrap();
    accept(&base, &staff, &second).await;
    phone.core.tracking().sync().await.unwrap();
    let old_receipt = phone.core.receipt().receipt(&first).unwrap();
    let new_receipt = phone.core.receipt().receipt(&second).unwrap();
    assert_eq!(new_receipt.kid.to_string(), new_kid);
    assert_ne!(old_receipt.kid, new_receipt.kid);

    let desk = branded_phone(&portal);
    let rotated = desk.core.receipt().refresh_trust_list().await.unwrap();
    assert_eq!(rotated.keys, 2);
    let verify = |text: &str| desk.core.receipt().verify_receipt(text).unwrap().verdict;
    assert!(
        verify(&old_receipt.qr_text).is_valid(),
        "old, still-trusted key"
    );
    assert!(verify(&new_receipt.qr_text).is_valid());

    // Revocation of the old key: its receipt stops verifying once the list is refreshed.
    let revoked =
        motcua_portal::revoke_receipt_key(&portal.location(), &old_receipt.kid.to_string())
            .await
            .unwrap();
    assert_eq!(
        revoked,
        motcua_portal::Revocation::Revoked { replaced_by: None }
    );
    assert!(
        verify(&old_receipt.qr_text).is_valid(),
        "until the list is refreshed"
    );
    let after = desk.core.receipt().refresh_trust_list().await.unwrap();
    assert!(after.sequence > rotated.sequence);
    assert_eq!(
        verify(&old_receipt.qr_text),
        Verdict::RevokedKey {
            kid: old_receipt.kid
        }
    );
    assert!(verify(&new_receipt.qr_text).is_valid());
    // The phone's own view says the same once it has the list.
    phone.core.receipt().refresh_trust_list().await.unwrap();
    assert_eq!(
        phone
            .core
            .receipt()
            .receipt(&first)
            .unwrap()
            .verdict
            .map(|v| v.code()),
        Some("receipt_key_revoked")
    );

    // A device of another province (another root key) refuses this portal's list.
    let mut foreign = CoreConfig::new(
        desk.dir.path().join("foreign"),
        base.clone(),
        portal.running.issuer(),
        "motcua-app".into(),
    );
    foreign.receipt_root_key = Some(RootKey::from_bytes([9; 32]));
    let foreign = MotCua::open(foreign, desk.secrets.clone()).unwrap();
    let refused = foreign.receipt().refresh_trust_list().await.unwrap_err();
    assert_eq!(refused.code(), "trust_list_wrong_root");
    portal.running.shutdown().await;
}
