//! Drafting and exactly-once submission end to end: the real core against the real portal,
//! through a fault-injecting proxy, and in a process killed at random points.

mod common;

use std::collections::HashSet;
use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::fault_proxy::FaultProxy;
use common::*;
use motcua_core::dossier::{
    DeliveryOutcome, DossierError, DraftState, UploadListener, UploadProgress,
};
use motcua_core::secure_store::DevFileSecureStore;
use motcua_core::{CoreConfig, Localized as _, MotCua};
use motcua_protocol::identity::IdentityLevel;

const MARITAL_STATUS: &str = "1.004873";

/// Records upload progress: (requirement, sent, total).
#[derive(Default)]
struct Uploads(Mutex<Vec<(String, u64, u64)>>);

impl UploadListener for Uploads {
    fn on_upload_progress(&self, progress: &UploadProgress) {
        self.0.lock().unwrap().push((
            progress.requirement.clone(),
            progress.attachment_sent,
            progress.attachment_total,
        ));
    }
}

async fn logged_in_phone(portal: &Portal) -> Phone {
    citizen_ready_to_file(portal, IdentityLevel::Level2, MARITAL_STATUS).await
}

fn procedure(phone: &Phone) -> motcua_protocol::catalog::Procedure {
    procedure_of(phone, MARITAL_STATUS)
}

#[tokio::test]
async fn a_draft_is_prefilled_autosaved_validated_and_submitted_once() {
    let portal = start_portal().await;
    let phone = logged_in_phone(&portal).await;
    let citizen = demo_citizen(IdentityLevel::Level2);
    let dossier = phone.core.dossier();

    let draft = dossier.create_draft(MARITAL_STATUS).unwrap();
    let name = draft
        .fields
        .iter()
        .find(|f| f.field_id == "applicant_name")
        .unwrap();
    assert_eq!(name.value.as_deref(), Some(citizen.full_name));
    assert!(name.prefilled, "pre-filled values are marked");
    let id = draft
        .fields
        .iter()
        .find(|f| f.field_id == "applicant_personal_id")
        .unwrap();
    assert_eq!(id.value.as_deref(), Some(citizen.personal_id));

    // A bad value is kept (the person is typing) and explained in both languages.
    let state = dossier.set_field(&draft.id, "phone", "0212345678").unwrap();
    let error = state.error.expect("a landline is not a mobile number");
    assert_eq!(error.code(), "invalid_phone");
    assert!(!error.message(motcua_core::Lang::Vi).is_empty());
    let state = dossier
        .set_field(&draft.id, "phone", "+84 912 345 678")
        .unwrap();
    assert_eq!(state.value.as_deref(), Some("0912345678"), "normalised");
    assert!(state.error.is_none());
    assert!(matches!(
        dossier.set_field(&draft.id, "no_such_field", "x"),
        Err(DossierError::UnknownField(_))
    ));

    // Not complete yet: submit refuses with every problem, nothing is queued.
    match dossier.submit(&draft.id, None).await {
        Err(DossierError::Invalid(problems)) => {
            assert!(
                problems.iter().any(|p| p.code() == "document_required"),
                "{problems:?}"
            );
        }
        other => panic!("expected the draft to be refused: {other:?}"),
    }
    assert_eq!(dossier.pending_submissions().unwrap(), 0);

    motcua_tests::complete_draft(dossier, &procedure(&phone), &draft.id, 1).unwrap();
    assert!(dossier.validate(&draft.id).unwrap().is_empty());
    // A registered upload listener is told; a removed one is not.
    let uploads = Arc::new(Uploads::default());
    let removed = Arc::new(Uploads::default());
    let registration = dossier.add_upload_listener(uploads.clone());
    let removed_id = dossier.add_upload_listener(removed.clone());
    assert!(dossier.remove_upload_listener(removed_id));
    let code = match dossier.submit(&draft.id, None).await.unwrap() {
        DeliveryOutcome::Delivered { dossier_code } => dossier_code,
        other => panic!("expected delivery: {other:?}"),
    };
    assert!(dossier.remove_upload_listener(registration));
    let progress = uploads.0.lock().unwrap().clone();
    assert!(
        progress
            .iter()
            .any(|(_, sent, total)| sent == total && *total > 0),
        "every upload is reported to its end: {progress:?}"
    );
    assert!(removed.0.lock().unwrap().is_empty());
    let parts: Vec<&str> = code.rsplitn(3, '-').collect();
    assert_eq!(parts.len(), 3, "{code}");
    assert_eq!(parts[0].len(), 4, "4-digit sequence in {code}");
    assert_eq!(parts[1].len(), 6, "YYMMDD in {code}");

    // Submitting again is harmless and answers the same dossier.
    assert_eq!(
        dossier.submit(&draft.id, None).await.unwrap(),
        DeliveryOutcome::Delivered {
            dossier_code: code.clone()
        }
    );
    assert!(matches!(
        dossier.set_field(&draft.id, "phone", "0987654321"),
        Err(DossierError::NotEditable)
    ));
    assert_eq!(dossier.dossiers().unwrap()[0].code, code);
    let token = stored_access_token(&phone).unwrap();
    let remote = portal_dossiers(&portal.running.base_url(), &token).await;
    assert_eq!(remote.len(), 1);
    assert_eq!(remote[0].code, code);

    // "Provide information once": the next draft takes the phone from this dossier.
    let next = dossier.create_draft(MARITAL_STATUS).unwrap();
    let phone_field = next.fields.iter().find(|f| f.field_id == "phone").unwrap();
    assert_eq!(phone_field.value.as_deref(), Some("0912345678"));
    assert!(phone_field.prefilled);
}

#[tokio::test]
async fn personal_data_is_sealed_on_the_device() {
    let portal = start_portal().await;
    let phone = logged_in_phone(&portal).await;
    let dossier = phone.core.dossier();
    let draft = dossier.create_draft(MARITAL_STATUS).unwrap();
    dossier
        .set_field(&draft.id, "intended_spouse", "Hoàng Thị Bích Ngọc")
        .unwrap();
    dossier
        .add_attachment(
            &draft.id,
            "declaration_form",
            "to-khai-bich-ngoc.pdf",
            &motcua_tests::sample_pdf(77),
            None,
        )
        .unwrap();
    let citizen = demo_citizen(IdentityLevel::Level2);
    for secret in [
        "Hoàng Thị Bích Ngọc",
        citizen.personal_id,
        citizen.full_name,
        "to-khai-bich-ngoc",
        "MotCua test document",
    ] {
        assert!(
            !any_file_contains(phone.dir.path(), secret),
            "{secret:?} is readable in a file of the profile"
        );
    }
    assert_eq!(
        dossier
            .draft(&draft.id)
            .unwrap()
            .fields
            .iter()
            .find(|f| f.field_id == "intended_spouse")
            .unwrap()
            .value
            .as_deref(),
        Some("Hoàng Thị Bích Ngọc")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_dossiers_through_a_faulty_network_arrive_exactly_once() {
    let portal = start_portal().await;
    let proxy = FaultProxy::start(portal.running.local_addr(), 0x5eed, 40).await;
    // Log in directly, then use the same profile through the proxy.
    let dir = tempfile::tempdir().unwrap();
    let secrets = Arc::new(motcua_core::secure_store::MemorySecureStore::new());
    let open = |portal_url: &url::Url| {
        let mut config = CoreConfig::new(
            dir.path().join("profile"),
            portal_url.clone(),
            portal.running.issuer(),
            "motcua-app".into(),
        );
        config.redirect_uri = motcua_core::APP_REDIRECT_URI.into();
        MotCua::open(config, secrets.clone()).unwrap()
    };
    {
        let direct = open(&portal.running.base_url());
        let request = direct.identity().begin_login().await.unwrap();
        let callback = browser_login(
            &request.url,
            &request.redirect_uri,
            demo_citizen(IdentityLevel::Level2).subject,
        )
        .await;
        direct.identity().complete_login(&callback).await.unwrap();
        direct.catalog().refresh_catalog().await.unwrap();
        direct
            .catalog()
            .open_procedure(MARITAL_STATUS)
            .await
            .expect("procedure detail");
    }
    let core = open(&proxy.url());
    let dossier = core.dossier();
    let procedure = core.catalog().procedure(MARITAL_STATUS).unwrap().unwrap();
    const COUNT: usize = 200;
    let mut expected_hashes = HashSet::new();
    for i in 0..COUNT {
        let draft = dossier.create_draft(MARITAL_STATUS).unwrap();
        motcua_tests::complete_draft(dossier, &procedure, &draft.id, i as u64).unwrap();
        expected_hashes.insert(
            ring::digest::digest(
                &ring::digest::SHA256,
                &motcua_tests::sample_pdf(i as u64 * 100),
            )
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>(),
        );
        // One attempt each; what fails stays queued.
        let _ = dossier.submit(&draft.id, None).await.unwrap();
    }
    let postponed = dossier.pending_submissions().unwrap();
    let mut rounds = 0;
    while dossier.pending_submissions().unwrap() > 0 {
        rounds += 1;
        assert!(
            rounds <= 60,
            "the outbox does not drain: {}",
            proxy.summary()
        );
        dossier.run_outbox(true, None).await.unwrap();
    }
    eprintln!(
        "fault test: {COUNT} dossiers, {postponed} postponed at first, {rounds} extra outbox rounds; {}",
        proxy.summary()
    );
    assert!(
        proxy
            .counts
            .dropped
            .load(std::sync::atomic::Ordering::Relaxed)
            > 0
    );

    let local = dossier.dossiers().unwrap();
    assert_eq!(local.len(), COUNT);
    let token = {
        let bytes = motcua_core::secure_store::SecureStore::get(secrets.as_ref(), SESSION_KEY)
            .unwrap()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        json["access_token"].as_str().unwrap().to_owned()
    };
    let remote = portal_dossiers(&portal.running.base_url(), &token).await;
    assert_eq!(
        remote.len(),
        COUNT,
        "exactly {COUNT} dossiers on the portal"
    );
    let codes: HashSet<&str> = remote.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes.len(), COUNT);
    let local_codes: HashSet<&str> = local.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, local_codes);
    // Every attachment arrived intact: the portal's content address is the hash we sent,
    // and the stored blob hashes to it.
    let mut seen = HashSet::new();
    for summary in &remote {
        assert_eq!(summary.attachments.len(), 1);
        let attachment = &summary.attachments[0];
        assert!(expected_hashes.contains(&attachment.sha256));
        seen.insert(attachment.sha256.clone());
        let blob = portal
            .dir
            .path()
            .join("blobs")
            .join(&attachment.sha256[..2])
            .join(&attachment.sha256);
        let bytes = std::fs::read(&blob).expect("blob stored");
        let digest: String = ring::digest::digest(&ring::digest::SHA256, &bytes)
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(digest, attachment.sha256);
    }
    assert_eq!(seen.len(), COUNT);
}

fn worker(
    data_dir: &Path,
    portal: &url::Url,
    issuer: &str,
    draft: &str,
    start: u64,
    finish: bool,
) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_motcua-kill-worker"));
    command
        .arg(data_dir)
        .arg(portal.as_str())
        .arg(issuer)
        .arg(draft)
        .arg(start.to_string());
    if finish {
        command.arg("finish");
    }
    command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .env("MOTCUA_LOG", "off");
    command
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_killed_at_random_points_loses_no_saved_field_and_files_each_dossier_once() {
    let portal = start_portal().await;
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().join("profile");
    let issuer = portal.running.issuer();
    let portal_url = portal.running.base_url();
    let open = || {
        let mut config = CoreConfig::new(
            data_dir.clone(),
            portal_url.clone(),
            issuer.clone(),
            "motcua-app".into(),
        );
        config.redirect_uri = motcua_core::APP_REDIRECT_URI.into();
        MotCua::open(config, Arc::new(DevFileSecureStore::new(&data_dir))).unwrap()
    };
    let draft_id = {
        let core = open();
        let request = core.identity().begin_login().await.unwrap();
        let callback = browser_login(
            &request.url,
            &request.redirect_uri,
            demo_citizen(IdentityLevel::Level2).subject,
        )
        .await;
        core.identity().complete_login(&callback).await.unwrap();
        core.catalog().refresh_catalog().await.unwrap();
        core.catalog()
            .open_procedure(MARITAL_STATUS)
            .await
            .expect("procedure detail");
        core.dossier().create_draft(MARITAL_STATUS).unwrap().id
    };

    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next_value = 0u64;
    let mut last_acked: Option<u64> = None;
    const KILLS: usize = 25;
    for _ in 0..KILLS {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let lifetime = Duration::from_millis(30 + seed % 400);
        let mut child = worker(
            &data_dir,
            &portal_url,
            &issuer,
            &draft_id,
            next_value,
            false,
        )
        .spawn()
        .expect("worker starts");
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut acked = None;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(n) = line
                    .strip_prefix("ack ")
                    .and_then(|n| n.parse::<u64>().ok())
                {
                    acked = Some(n);
                }
            }
            acked
        });
        tokio::time::sleep(lifetime).await;
        // SIGKILL: no destructor, no flush, no goodbye.
        child.kill().unwrap();
        child.wait().unwrap();
        let acked = reader.join().unwrap();
        if let Some(n) = acked {
            last_acked = Some(n);
            next_value = n + 1;
        }
        // Every acknowledged value survived: the stored one is it or a later one.
        if let Some(n) = last_acked {
            let core = open();
            let view = core.dossier().draft(&draft_id).unwrap();
            let stored = view
                .fields
                .iter()
                .find(|f| f.field_id == "intended_spouse")
                .and_then(|f| f.value.clone())
                .expect("the field survived the kill");
            let stored: u64 = stored.trim_start_matches('v').parse().unwrap();
            assert!(stored >= n, "acknowledged v{n} lost: v{stored} stored");
            next_value = next_value.max(stored + 1);
        }
    }
    assert!(
        last_acked.is_some_and(|n| n > 10),
        "the worker made progress: {last_acked:?}"
    );

    let status = worker(&data_dir, &portal_url, &issuer, &draft_id, next_value, true)
        .status()
        .unwrap();
    assert!(status.success(), "the outbox drains after the kills");

    let core = open();
    let drafts = core.dossier().drafts().unwrap();
    assert!(drafts.iter().all(|d| d.state != DraftState::Submitting));
    let submitted = drafts
        .iter()
        .filter(|d| d.state == DraftState::Submitted)
        .count();
    assert!(submitted > 0, "some dossiers were submitted");
    let token = core.identity().access_token().await.unwrap();
    let remote = portal_dossiers(&portal_url, &token).await;
    assert_eq!(
        remote.len(),
        submitted,
        "each submitted dossier exactly once on the portal"
    );
    let local: HashSet<String> = core
        .dossier()
        .dossiers()
        .unwrap()
        .into_iter()
        .map(|d| d.code)
        .collect();
    let remote_codes: HashSet<String> = remote.into_iter().map(|d| d.code).collect();
    assert_eq!(local, remote_codes);
}

#[tokio::test]
async fn a_level_one_identity_cannot_submit_a_level_two_procedure() {
    let portal = start_portal().await;
    let phone = citizen_ready_to_file(&portal, IdentityLevel::Level1, MARITAL_STATUS).await;
    let dossier = phone.core.dossier();
    let draft = dossier.create_draft(MARITAL_STATUS).unwrap();
    motcua_tests::complete_draft(dossier, &procedure(&phone), &draft.id, 3).unwrap();
    let err = dossier.submit(&draft.id, None).await.unwrap_err();
    assert_eq!(err.code(), "identity_level_too_low");
    assert!(err.message(motcua_core::Lang::Vi).contains("mức 2"));
    assert_eq!(dossier.pending_submissions().unwrap(), 0);
    assert_eq!(dossier.draft(&draft.id).unwrap().state, DraftState::Editing);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_permanent_refusal_returns_the_draft_with_the_reason() {
    // The phone's catalog says the procedure exists; the portal, restarted with a catalog
    // that no longer has it, refuses for good. The draft comes back editable.
    let portal = start_portal().await;
    let phone = logged_in_phone(&portal).await;
    let dossier = phone.core.dossier();
    let draft = dossier.create_draft(MARITAL_STATUS).unwrap();
    motcua_tests::complete_draft(dossier, &procedure(&phone), &draft.id, 4).unwrap();

    let address = portal.running.local_addr();
    let (mut config, _dir, _database) = portal.stop().await;
    let reduced = tempfile::tempdir().unwrap();
    let (procedures, _) = motcua_portal::builtin_catalog();
    let remaining: Vec<_> = procedures
        .into_iter()
        .filter(|p| p.code != MARITAL_STATUS)
        .collect();
    std::fs::write(
        reduced.path().join("procedures.json"),
        serde_json::to_vec(&motcua_protocol::catalog::ProceduresFile {
            procedures: remaining,
        })
        .unwrap(),
    )
    .unwrap();
    config.listen = address;
    config.catalog = Some(reduced.path().to_path_buf());
    let _restarted = motcua_portal::start(config)
        .await
        .expect("portal restarts on the same port");

    let err = dossier.submit(&draft.id, None).await.unwrap_err();
    assert!(matches!(err, DossierError::Refused(_)), "{err:?}");
    assert_eq!(err.code(), "dossier_refused");
    let view = dossier.draft(&draft.id).unwrap();
    assert_eq!(view.state, DraftState::Editing, "back to the citizen");
    assert!(view.failure.is_some_and(|f| !f.is_empty()));
    assert_eq!(dossier.pending_submissions().unwrap(), 0);
    assert!(dossier.dossiers().unwrap().is_empty());
}
