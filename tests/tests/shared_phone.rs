//! A phone shared in a family: one citizen logs out, another logs in on the same profile.
//! The same citizen logging back in finds their drafts; another citizen finds nothing of
//! the first (no draft, no dossier, no receipt, nothing readable in any file), and is made
//! to wait while the first one's submissions are not delivered yet, so none is lost.

mod common;

use std::path::Path;
use std::sync::Arc;

use common::*;
use motcua_core::Localized as _;
use motcua_core::dossier::DeliveryOutcome;
use motcua_core::identity::IdentityError;
use motcua_core::secure_store::DevFileSecureStore;
use motcua_core::{CoreConfig, MotCua};
use motcua_portal::DemoCitizen;

const MARITAL_STATUS: &str = "1.004873";
/// What the first citizen types into a draft.
const FIRST_PHONE: &str = "0987654321";

fn citizen(subject: &str) -> &'static DemoCitizen {
    motcua_portal::demo_citizens()
        .iter()
        .find(|c| c.subject == subject)
        .expect("demo citizen")
}

/// The phone, its keystore a file in the data directory so that the scans see it too.
fn open_at(dir: &Path, portal_url: &url::Url, issuer: &str) -> MotCua {
    let config = CoreConfig::new(
        dir.to_owned(),
        portal_url.clone(),
        issuer.to_owned(),
        "motcua-app".into(),
    );
    MotCua::open(config, Arc::new(DevFileSecureStore::new(dir))).expect("core opens")
}

async fn log_in(core: &MotCua, subject: &str) -> Result<(), IdentityError> {
    let request = core.identity().begin_login().await?;
    let callback = browser_login(&request.url, &request.redirect_uri, subject).await;
    core.identity().complete_login(&callback).await.map(|_| ())
}

/// A complete draft of the marital-status certificate with the first citizen's phone.
fn complete_draft(core: &MotCua, seed: u64) -> String {
    let procedure = core.catalog().procedure(MARITAL_STATUS).unwrap().unwrap();
    let draft = core.dossier().create_draft(MARITAL_STATUS).unwrap();
    core.dossier()
        .set_field(&draft.id, "phone", FIRST_PHONE)
        .unwrap();
    motcua_tests::complete_draft(core.dossier(), &procedure, &draft.id, seed).unwrap();
    draft.id
}

fn needles(first: &DemoCitizen, code: &str) -> Vec<String> {
    vec![
        first.full_name.to_owned(),
        first.personal_id.to_owned(),
        first.address.to_owned(),
        FIRST_PHONE.to_owned(),
        first.subject.to_owned(),
        code.to_owned(),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_citizen_finds_nothing_of_the_first_and_the_first_finds_their_drafts() {
    let portal = start_portal().await;
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (citizen("demo-0002"), citizen("demo-0005"));
    let code;
    {
        let core = open_at(
            dir.path(),
            &portal.running.base_url(),
            &portal.running.issuer(),
        );
        log_in(&core, first.subject).await.unwrap();
        core.catalog().refresh_catalog().await.unwrap();
        core.catalog()
            .open_procedure(MARITAL_STATUS)
            .await
            .expect("procedure detail");
        let filed = complete_draft(&core, 1);
        code = match core.dossier().submit(&filed, None).await.unwrap() {
            DeliveryOutcome::Delivered { dossier_code } => dossier_code,
            other => panic!("not delivered: {other:?}"),
        };
        core.tracking().sync().await.unwrap();
        let kept = complete_draft(&core, 2);
        core.identity().logout().await.unwrap();

        // The same citizen again: everything is there.
        log_in(&core, first.subject).await.unwrap();
        let drafts: Vec<String> = core
            .dossier()
            .drafts()
            .unwrap()
            .into_iter()
            .map(|d| d.id)
            .collect();
        assert!(
            drafts.contains(&kept) && drafts.contains(&filed),
            "{drafts:?}"
        );
        assert_eq!(
            core.dossier()
                .draft(&kept)
                .unwrap()
                .fields
                .iter()
                .find(|f| f.field_id == "phone")
                .and_then(|f| f.value.clone())
                .as_deref(),
            Some(FIRST_PHONE)
        );
        assert_eq!(core.dossier().dossiers().unwrap().len(), 1);
        core.identity().logout().await.unwrap();
    }
    // The scan can see the first citizen's dossier code while their data is there.
    assert!(
        any_file_contains(dir.path(), &code),
        "the scan would not see anything"
    );

    // Another citizen on the same phone (the app restarted in between).
    let core = open_at(
        dir.path(),
        &portal.running.base_url(),
        &portal.running.issuer(),
    );
    log_in(&core, second.subject).await.unwrap();
    assert!(core.dossier().drafts().unwrap().is_empty());
    assert!(core.dossier().dossiers().unwrap().is_empty());
    assert!(core.tracking().dossier(&code).unwrap().is_none());
    for needle in needles(first, &code) {
        assert!(
            !any_file_contains(dir.path(), &needle),
            "{needle:?} of the first citizen is still readable: {:?}",
            files_under(dir.path())
        );
    }
    // The second citizen's own work goes on as usual: pre-filled with their name, synced
    // from the start (the first citizen's cursor went with their data).
    let own = core.dossier().create_draft(MARITAL_STATUS).unwrap();
    let name = own
        .fields
        .iter()
        .find(|f| f.field_id == "applicant_name")
        .unwrap();
    assert_eq!(name.value.as_deref(), Some(second.full_name));
    let filed = complete_draft(&core, 3);
    let second_code = match core.dossier().submit(&filed, None).await.unwrap() {
        DeliveryOutcome::Delivered { dossier_code } => dossier_code,
        other => panic!("not delivered: {other:?}"),
    };
    let synced: Vec<String> = core
        .tracking()
        .sync()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.code)
        .collect();
    assert_eq!(synced, vec![second_code]);
    core.identity().logout().await.unwrap();

    // The first citizen comes back: their drafts went with the handover, but their
    // dossier is on the portal and the sync brings it back, with nothing of the second.
    log_in(&core, first.subject).await.unwrap();
    assert!(core.dossier().drafts().unwrap().is_empty());
    let synced: Vec<String> = core
        .tracking()
        .sync()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.code)
        .collect();
    assert_eq!(synced, vec![code]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_citizen_waits_while_the_first_ones_submission_is_undelivered() {
    let portal = start_portal().await;
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (citizen("demo-0002"), citizen("demo-0005"));
    let issuer = portal.running.issuer();
    let frozen;
    {
        let core = open_at(dir.path(), &portal.running.base_url(), &issuer);
        log_in(&core, first.subject).await.unwrap();
        core.catalog().refresh_catalog().await.unwrap();
        core.catalog()
            .open_procedure(MARITAL_STATUS)
            .await
            .expect("procedure detail");
        frozen = complete_draft(&core, 4);
    }
    {
        // Submitted with no network: frozen in the outbox; then logged out, still offline.
        let offline = open_at(dir.path(), &"http://127.0.0.1:9".parse().unwrap(), &issuer);
        let outcome = offline.dossier().submit(&frozen, None).await.unwrap();
        assert!(
            matches!(outcome, DeliveryOutcome::Pending { .. }),
            "{outcome:?}"
        );
        offline.identity().logout().await.unwrap();
    }
    let core = open_at(dir.path(), &portal.running.base_url(), &issuer);
    let refused = log_in(&core, second.subject).await.unwrap_err();
    assert!(
        matches!(
            refused,
            IdentityError::PreviousCitizenUndelivered { undelivered: 1 }
        ),
        "{refused:?}"
    );
    assert_eq!(refused.code(), "previous_citizen_undelivered");
    assert!(
        refused
            .message(motcua_core::Lang::Vi)
            .contains("chưa gửi được")
    );
    assert!(
        refused
            .message(motcua_core::Lang::En)
            .contains("not be sent yet")
    );
    // Nothing changed: no one is logged in, the submission still waits, whole.
    assert!(core.identity().profile().unwrap().is_none());
    assert_eq!(core.identity().undelivered_actions().unwrap(), 1);
    // What the settings screen would say before erasing it.
    let warning = core
        .identity()
        .erase_warning(motcua_core::Lang::Vi)
        .unwrap();
    assert!(
        warning
            .as_deref()
            .is_some_and(|w| w.starts_with("Còn 1 hồ sơ")),
        "{warning:?}"
    );
    assert_eq!(
        core.dossier().draft(&frozen).unwrap().state,
        motcua_core::dossier::DraftState::Submitting
    );

    // The first citizen logs in, the outbox delivers, they log out: now the second may.
    log_in(&core, first.subject).await.unwrap();
    let delivered = core.dossier().run_outbox(true, None).await.unwrap();
    assert_eq!(delivered.len(), 1);
    assert_eq!(core.identity().undelivered_actions().unwrap(), 0);
    assert_eq!(
        core.identity()
            .erase_warning(motcua_core::Lang::En)
            .unwrap(),
        None
    );
    core.identity().logout().await.unwrap();
    log_in(&core, second.subject).await.unwrap();
    assert!(core.dossier().drafts().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_and_erase_leaves_nothing_of_the_citizen() {
    let portal = start_portal().await;
    let dir = tempfile::tempdir().unwrap();
    let first = citizen("demo-0002");
    let core = open_at(
        dir.path(),
        &portal.running.base_url(),
        &portal.running.issuer(),
    );
    log_in(&core, first.subject).await.unwrap();
    core.catalog().refresh_catalog().await.unwrap();
    core.catalog()
        .open_procedure(MARITAL_STATUS)
        .await
        .expect("procedure detail");
    let filed = complete_draft(&core, 5);
    let code = match core.dossier().submit(&filed, None).await.unwrap() {
        DeliveryOutcome::Delivered { dossier_code } => dossier_code,
        other => panic!("not delivered: {other:?}"),
    };
    core.tracking().sync().await.unwrap();
    complete_draft(&core, 6);
    assert!(any_file_contains(dir.path(), &code));
    let outcome = core.identity().logout_and_erase().await.unwrap();
    assert!(outcome.revoked_on_portal);
    assert!(core.dossier().drafts().unwrap().is_empty());
    for needle in needles(first, &code) {
        assert!(
            !any_file_contains(dir.path(), &needle),
            "{needle:?} is still readable"
        );
    }
    // The catalog is no one's and stays: search still works offline.
    assert!(core.catalog().procedure(MARITAL_STATUS).unwrap().is_some());
}
