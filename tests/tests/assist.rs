//! Assisted sessions end to end: a volunteer (logged in on their own phone) opens a session
//! for an elderly citizen, who logs in with their own identity and files a dossier; the
//! desk accepts it; the citizen leaves with the code and the appointment; the session ends
//! and a scan of the whole data directory — SQLite files, WAL, attachments and the
//! development keystore file — finds nothing of the citizen. The same after the app is
//! killed mid-session and started again. The volunteer's own profile stays intact.

mod common;

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;

use common::*;
use motcua_core::Localized as _;
use motcua_core::assist::{ASSISTED_DIR, CONSENT_STATEMENT_VERSION};
use motcua_core::desk::DeskClient;
use motcua_core::dossier::DeliveryOutcome;
use motcua_core::secure_store::{DevFileSecureStore, MemorySecureStore};
use motcua_core::{CoreConfig, Lang, MotCua};
use motcua_portal::DemoCitizen;
use motcua_protocol::api::desk::DeskActionRequest;
use motcua_protocol::lifecycle::ActionKind;
use motcua_protocol::receipt::RootKey;

const MARITAL_STATUS: &str = "1.004873";
/// What the assisted citizen types that the volunteer never does.
const CITIZEN_PHONE: &str = "0987654321";
const VOLUNTEER_PHONE: &str = "0911111111";

fn citizen(subject: &str) -> &'static DemoCitizen {
    motcua_portal::demo_citizens()
        .iter()
        .find(|c| c.subject == subject)
        .expect("demo citizen")
}

/// The volunteer: Lê Hoàng Minh, a young youth-union member.
fn volunteer() -> &'static DemoCitizen {
    citizen("demo-0003")
}

/// The person helped: Trần Văn Bình, born 1952.
fn elder() -> &'static DemoCitizen {
    citizen("demo-0002")
}

/// The volunteer's phone with its keystore as a file in the data directory, so that the
/// scan sees the secrets too.
fn open_volunteer(dir: &Path, portal: &Portal) -> MotCua {
    let mut config = CoreConfig::new(
        dir.to_owned(),
        portal.running.base_url(),
        portal.running.issuer(),
        "motcua-app".into(),
    );
    // The province's root key, as the app's branding carries it.
    config.receipt_root_key = RootKey::parse(&portal.running.receipt_root_key());
    MotCua::open(config, Arc::new(DevFileSecureStore::new(dir))).expect("core opens")
}

async fn log_in(core: &MotCua, subject: &str) {
    let request = core.identity().begin_login().await.unwrap();
    let callback = browser_login(&request.url, &request.redirect_uri, subject).await;
    core.identity().complete_login(&callback).await.unwrap();
}

/// Everything of the citizen that must not survive on the phone.
fn personal_needles() -> Vec<&'static str> {
    let elder = elder();
    vec![
        elder.full_name,
        elder.personal_id,
        elder.address,
        elder.birth_date,
        CITIZEN_PHONE,
    ]
}

fn assert_nothing_of_the_citizen(dir: &Path) {
    let files = files_under(dir);
    assert!(!files.is_empty());
    for needle in personal_needles() {
        assert!(
            !any_file_contains(dir, needle),
            "{needle:?} is still readable under {}: {:?}",
            dir.display(),
            files
        );
    }
    assert!(
        !dir.join(ASSISTED_DIR)
            .read_dir()
            .map(|mut entries| entries.next().is_some())
            .unwrap_or(false),
        "no assisted profile directory is left"
    );
    let keystore =
        std::fs::read_to_string(dir.join(DevFileSecureStore::FILE_NAME)).unwrap_or_default();
    assert!(
        !keystore.contains("motcua.assist."),
        "no scoped secret is left: {keystore}"
    );
}

async fn volunteer_with_own_draft(dir: &Path, portal: &Portal) -> (MotCua, String) {
    let core = open_volunteer(dir, portal);
    log_in(&core, volunteer().subject).await;
    core.catalog().refresh_catalog().await.unwrap();
    core.catalog()
        .open_procedure(MARITAL_STATUS)
        .await
        .expect("procedure detail");
    let own = core.dossier().create_draft(MARITAL_STATUS).unwrap();
    core.dossier()
        .set_field(&own.id, "phone", VOLUNTEER_PHONE)
        .unwrap();
    (core, own.id)
}

async fn assert_volunteer_intact(core: &MotCua, own_draft: &str) {
    let me = core
        .identity()
        .whoami()
        .await
        .expect("volunteer still logged in");
    assert_eq!(me.subject, volunteer().subject);
    let drafts = core.dossier().drafts().unwrap();
    assert_eq!(drafts.len(), 1, "only the volunteer's own draft");
    let phone = core
        .dossier()
        .draft(own_draft)
        .unwrap()
        .fields
        .into_iter()
        .find(|f| f.field_id == "phone")
        .and_then(|f| f.value);
    assert_eq!(phone.as_deref(), Some(VOLUNTEER_PHONE));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assisted_session_files_a_dossier_and_leaves_nothing_of_the_citizen() {
    let portal = start_portal().await;
    let dir = tempfile::tempdir().unwrap();
    let (volunteer_core, own_draft) = volunteer_with_own_draft(dir.path(), &portal).await;
    let assist = volunteer_core.assist();

    assert_eq!(
        assist
            .begin_assisted_session("old-text")
            .err()
            .unwrap()
            .code(),
        "consent_required"
    );
    let session = assist
        .begin_assisted_session(CONSENT_STATEMENT_VERSION)
        .unwrap();
    assert_eq!(
        assist
            .begin_assisted_session(CONSENT_STATEMENT_VERSION)
            .err()
            .unwrap()
            .code(),
        "assisted_session_open"
    );
    let citizen_core = session.core().clone();
    // The catalog came with the session: search works before any network call.
    assert!(
        !citizen_core
            .catalog()
            .search_procedures("giay doc than", 3)
            .unwrap()
            .is_empty()
    );
    assert!(citizen_core.identity().profile().unwrap().is_none());
    log_in(&citizen_core, elder().subject).await;
    let dossier = citizen_core.dossier();
    let draft = dossier.create_draft(MARITAL_STATUS).unwrap();
    assert!(
        draft
            .fields
            .iter()
            .any(|f| f.prefilled && f.value.as_deref() == Some(elder().full_name)),
        "pre-filled from the citizen's own identity"
    );
    let procedure = citizen_core
        .catalog()
        .procedure(MARITAL_STATUS)
        .unwrap()
        .unwrap();
    motcua_tests::complete_draft(dossier, &procedure, &draft.id, 31).unwrap();
    dossier
        .set_field(&draft.id, "phone", CITIZEN_PHONE)
        .unwrap();
    let DeliveryOutcome::Delivered { dossier_code: code } =
        dossier.submit(&draft.id, None).await.unwrap()
    else {
        panic!("delivered")
    };
    // A second draft left unfinished is counted as such.
    dossier.create_draft(MARITAL_STATUS).unwrap();

    // The volunteer's profile saw none of it.
    assert_volunteer_intact(&volunteer_core, &own_draft).await;

    let desk = DeskClient::new(
        portal.running.base_url(),
        Arc::new(MemorySecureStore::new()),
    )
    .unwrap();
    desk.login("tiepnhan", "motcua-dev").await.unwrap();
    desk.act(
        &code,
        &DeskActionRequest {
            action: ActionKind::Accept,
            note: None,
            reason: None,
            missing: Vec::new(),
        },
    )
    .await
    .unwrap();
    citizen_core.tracking().sync().await.unwrap();
    let handoff = session.handoff(&code, Lang::Vi).unwrap();
    let appointment = handoff.appointment_date.clone().expect("appointment set");
    assert!(handoff.instructions.contains(&code));
    let (year, rest) = appointment.split_at(4);
    let shown = format!("{}/{}/{year}", &rest[4..6], &rest[1..3]);
    assert!(
        handoff.instructions.contains(&shown),
        "{shown} in {}",
        handoff.instructions
    );
    assert!(handoff.instructions.contains("Tra cứu hồ sơ"));
    // The signed receipt goes with the person: as a QR text the desk verifies offline, and
    // as a PNG to print or send.
    let qr_text = handoff
        .receipt_qr_text
        .clone()
        .expect("receipt issued on accept");
    assert!(qr_text.starts_with("MC1:"));
    let png = handoff.receipt_png.clone().expect("receipt PNG");
    assert!(png.starts_with(b"\x89PNG"));
    // Checked as the desk would, offline, with the volunteer's own cached trust list.
    volunteer_core.receipt().refresh_trust_list().await.unwrap();
    let checked = volunteer_core.receipt().verify_receipt(&qr_text).unwrap();
    assert!(
        matches!(&checked.verdict, motcua_protocol::receipt::Verdict::Valid { fields, .. } if fields.dossier_code == code),
        "{checked:?}"
    );
    assert!(
        personal_needles()
            .iter()
            .all(|needle| !handoff.instructions.contains(needle)),
        "the hand-off text carries no personal data (it may be sent to a relative)"
    );

    drop(citizen_core);
    let outcome = assist.end_assisted_session(&session, false).await.unwrap();
    assert!(outcome.helped);
    assert!(session.is_ended());
    assert_eq!(
        session.handoff(&code, Lang::Vi).err().unwrap().code(),
        "no_assisted_session"
    );
    assert_eq!(
        assist
            .end_assisted_session(&session, false)
            .await
            .err()
            .unwrap()
            .code(),
        "no_assisted_session",
        "a session ends once"
    );
    assert_eq!(outcome.submitted, vec![MARITAL_STATUS.to_owned()]);
    assert_eq!(outcome.abandoned_drafts, vec![MARITAL_STATUS.to_owned()]);
    assert!(matches!(
        assist.resume_assisted_session().err().unwrap().code(),
        "no_assisted_session"
    ));

    assert_nothing_of_the_citizen(dir.path());
    assert_volunteer_intact(&volunteer_core, &own_draft).await;
    // The citizen's portal session was revoked: the dossier still exists on the portal.
    let lookup = volunteer_core
        .tracking()
        .public_lookup(&code)
        .await
        .unwrap();
    assert_eq!(lookup.code, code);

    let summary = assist.assist_summary().unwrap();
    assert_eq!(summary.len(), 1);
    assert_eq!(summary[0].people_helped, 1);
    assert_eq!(summary[0].procedures.len(), 1);
    assert_eq!(summary[0].procedures[0].submitted, 1);
    assert_eq!(summary[0].procedures[0].abandoned_drafts, 1);
    let csv = assist.assist_summary_csv().unwrap();
    assert!(
        csv.lines().nth(1).unwrap().contains(",1,0,1.004873,1,0,1"),
        "{csv}"
    );
    for needle in personal_needles() {
        assert!(!csv.contains(needle));
    }
    assert!(!csv.contains(&code), "no dossier code in the report");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_killed_mid_way_is_erased_at_the_next_start() {
    let portal = start_portal().await;
    let dir = tempfile::tempdir().unwrap();
    let own_draft = {
        let (core, own) = volunteer_with_own_draft(dir.path(), &portal).await;
        drop(core);
        own
    };

    let mut worker = Command::new(env!("CARGO_BIN_EXE_motcua-assist-worker"))
        .arg(dir.path())
        .arg(portal.running.base_url().as_str())
        .arg(portal.running.issuer())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(worker.stdout.take().unwrap()).lines();
    let login = lines.next().unwrap().unwrap();
    let mut parts = login.split(' ').skip(1);
    let (url, redirect) = (parts.next().unwrap(), parts.next().unwrap());
    let callback = browser_login(url, redirect, elder().subject).await;
    writeln!(worker.stdin.as_mut().unwrap(), "{callback}").unwrap();
    let mut acks = 0;
    for line in lines.by_ref() {
        if line.unwrap().starts_with("ack ") {
            acks += 1;
            if acks == 40 {
                break;
            }
        }
    }
    // Killed mid-session, with the citizen logged in and the form half saved.
    worker.kill().unwrap();
    worker.wait().unwrap();
    assert!(
        any_file_contains(&dir.path().join(ASSISTED_DIR), "marriage_vn")
            || files_under(&dir.path().join(ASSISTED_DIR)).len() > 1,
        "the killed session left its profile behind"
    );
    let keystore = std::fs::read_to_string(dir.path().join(DevFileSecureStore::FILE_NAME)).unwrap();
    assert!(keystore.contains("motcua.assist."), "and its secrets");

    // The app starts again.
    let core = open_volunteer(dir.path(), &portal);
    assert_nothing_of_the_citizen(dir.path());
    assert_volunteer_intact(&core, &own_draft).await;
    let summary = core.assist().assist_summary().unwrap();
    assert_eq!(summary[0].interrupted_sessions, 1);
    assert_eq!(
        summary[0].people_helped, 0,
        "not counted as helped: it never ended"
    );
}
