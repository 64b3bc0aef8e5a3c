//! The phone and the portal's upload limits end to end: an upload that expired on the
//! portal is made again and the dossier is still filed once; an attachment given up after
//! its upload is deleted on the portal (tus termination), so it stops counting against
//! the citizen's quota.

mod common;

use std::time::Duration;

use common::*;
use motcua_core::dossier::{DeliveryOutcome, DossierError, DraftState};
use motcua_protocol::api::uploads::format_upload_metadata;
use motcua_protocol::identity::IdentityLevel;

const MARITAL_STATUS: &str = "1.004873";
/// An optional document of the procedure, to have a second attachment.
const OPTIONAL_DOCUMENT: &str = "residence_proof";

async fn logged_in_phone(portal: &Portal) -> Phone {
    citizen_ready_to_file(portal, IdentityLevel::Level2, MARITAL_STATUS).await
}

/// A complete draft with two attachments.
fn two_attachment_draft(phone: &Phone) -> String {
    let dossier = phone.core.dossier();
    let procedure = phone
        .core
        .catalog()
        .procedure(MARITAL_STATUS)
        .unwrap()
        .expect("procedure");
    let draft = dossier.create_draft(MARITAL_STATUS).unwrap();
    motcua_tests::complete_draft(dossier, &procedure, &draft.id, 7).unwrap();
    let pdf = motcua_tests::sample_pdf(991);
    dossier
        .add_attachment(&draft.id, OPTIONAL_DOCUMENT, "tam-tru.pdf", &pdf, None)
        .unwrap();
    draft.id
}

/// Restarts the portal on the same port and data (sessions survive; the built-in issuer
/// stays the same) with `edit` applied to the test configuration.
async fn restart(portal: Portal, edit: impl FnOnce(&mut motcua_portal::PortalConfig)) -> Portal {
    let address = portal.running.local_addr();
    let (mut config, dir, database) = portal.stop().await;
    config.listen = address;
    edit(&mut config);
    let running = motcua_portal::start(config)
        .await
        .expect("portal restarts on the same port");
    Portal {
        running,
        dir,
        database,
    }
}

/// Status of a tus creation of a small upload with `token`.
async fn create_upload(portal: &Portal, token: &str) -> u16 {
    let bytes = motcua_tests::sample_pdf(4242);
    let digest: String = ring::digest::digest(&ring::digest::SHA256, &bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let url = portal.running.base_url().join("api/v1/uploads").unwrap();
    reqwest::Client::new()
        .post(url)
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", bytes.len().to_string())
        .header(
            "Upload-Metadata",
            format_upload_metadata(&[
                ("filename", "a.pdf"),
                ("filetype", "application/pdf"),
                ("sha256", &digest),
            ]),
        )
        .send()
        .await
        .expect("portal answers")
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_that_expired_on_the_portal_is_made_again_and_filed_once() {
    // One upload at a time: the first attachment is uploaded, the second is refused
    // (quota, retried later), and the delivery waits in the outbox.
    let portal = start_portal_with(|config| {
        config.upload_quota_count = 1;
        // Long enough that an upload made and finished at once is not seen expired in
        // between (the portal counts whole seconds), short enough to wait for.
        config.upload_expiry_secs = 2;
        config.upload_sweep_interval_secs = 3600;
    })
    .await;
    let phone = logged_in_phone(&portal).await;
    let draft_id = two_attachment_draft(&phone);
    let dossier = phone.core.dossier();
    let outcome = dossier.submit(&draft_id, None).await.unwrap();
    assert!(
        matches!(outcome, DeliveryOutcome::Pending { ref reason, .. } if reason.contains("upload_quota_exceeded")),
        "{outcome:?}"
    );
    let view = dossier.draft(&draft_id).unwrap();
    assert_eq!(view.attachments.iter().filter(|a| a.uploaded).count(), 1);

    // The finished upload expires before the submission references it, and is swept.
    tokio::time::sleep(Duration::from_millis(3_100)).await;
    let swept = portal.running.sweep_uploads().await.unwrap();
    assert_eq!(swept.expired, 1, "{swept:?}");
    let portal = restart(portal, |_| {}).await;

    // The phone's upload is gone: the submission is refused for it, the phone uploads it
    // again and files the dossier, once.
    let outcomes = dossier.run_outbox(true, None).await.unwrap();
    assert!(
        matches!(outcomes.as_slice(), [(id, DeliveryOutcome::Delivered { .. })] if *id == draft_id),
        "{outcomes:?}"
    );
    let token = stored_access_token(&phone).expect("session");
    let filed = portal_dossiers(&portal.running.base_url(), &token).await;
    assert_eq!(filed.len(), 1);
    assert_eq!(filed[0].attachments.len(), 2);
    assert_eq!(
        dossier.draft(&draft_id).unwrap().state,
        DraftState::Submitted
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attachment_removed_after_its_upload_is_deleted_on_the_portal() {
    // The portal refuses the submission for good after the uploads (its catalog no longer
    // has the procedure): the draft is editable again, its uploads still on the portal.
    let portal = start_portal().await;
    let phone = logged_in_phone(&portal).await;
    let draft_id = two_attachment_draft(&phone);
    let (procedures, _) = motcua_portal::builtin_catalog();
    let reduced = tempfile::tempdir().unwrap();
    std::fs::write(
        reduced.path().join("procedures.json"),
        serde_json::to_vec(&motcua_protocol::catalog::ProceduresFile {
            procedures: procedures
                .into_iter()
                .filter(|p| p.code != MARITAL_STATUS)
                .collect(),
        })
        .unwrap(),
    )
    .unwrap();
    let catalog = reduced.path().to_path_buf();
    let portal = restart(portal, |config| {
        config.catalog = Some(catalog);
        // Exactly the two uploads the phone makes.
        config.upload_quota_count = 2;
    })
    .await;
    let dossier = phone.core.dossier();
    let error = dossier.submit(&draft_id, None).await.unwrap_err();
    assert!(matches!(error, DossierError::Refused(_)), "{error:?}");
    let view = dossier.draft(&draft_id).unwrap();
    assert_eq!(view.state, DraftState::Editing);
    assert!(view.attachments.iter().all(|a| a.uploaded));
    let token = stored_access_token(&phone).expect("session");
    assert_eq!(create_upload(&portal, &token).await, 429, "quota held");

    // The citizen removes one attachment: the next outbox run deletes its upload.
    let removed = view
        .attachments
        .iter()
        .find(|a| a.requirement == OPTIONAL_DOCUMENT)
        .unwrap();
    dossier.remove_attachment(&draft_id, removed.id).unwrap();
    dossier.run_outbox(false, None).await.unwrap();
    assert_eq!(create_upload(&portal, &token).await, 201, "room again");

    // Deleting the draft gives up the other one.
    dossier.delete_draft(&draft_id).unwrap();
    dossier.run_outbox(false, None).await.unwrap();
    assert_eq!(create_upload(&portal, &token).await, 201, "room again");
}
