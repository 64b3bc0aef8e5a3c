//! Sync benchmark (issue: "1,000 dossiers synced in one pass"): the real core against the
//! real portal over loopback HTTP. One citizen files 1,000 dossiers; the desk accepts every
//! one; then each of several phones logged in as that citizen fetches the 1,000 changes
//! with one `sync()` — one page of the feed, stored in one SQLite transaction with the
//! new cursor. Prints the time of that pass (and of the first full sync of the 1,000
//! submissions) per phone, with median, min and max.
//!
//! Run: `cargo bench -p motcua-tests --bench sync`

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::*;
use motcua_core::desk::DeskClient;
use motcua_core::dossier::DeliveryOutcome;
use motcua_core::secure_store::MemorySecureStore;
use motcua_protocol::api::desk::DeskActionRequest;
use motcua_protocol::identity::IdentityLevel;
use motcua_protocol::lifecycle::ActionKind;

const DOSSIERS: usize = 1000;
const PHONES: usize = 5;
const PROCEDURE: &str = "1.004873";

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn summary(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{label}: median {}  min {}  max {}  ({} phones)",
        ms(samples[samples.len() / 2]),
        ms(samples[0]),
        ms(samples[samples.len() - 1]),
        samples.len()
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let portal = start_portal().await;
    let citizen = motcua_portal::demo_citizens()
        .iter()
        .find(|c| c.level == IdentityLevel::Level2)
        .expect("a level-2 demo citizen");

    let filer = phone_for(&portal);
    login(&filer, citizen.subject).await;
    filer
        .core
        .catalog()
        .refresh_catalog()
        .await
        .expect("catalog");
    filer
        .core
        .catalog()
        .open_procedure(PROCEDURE)
        .await
        .expect("procedure detail");
    let procedure = filer
        .core
        .catalog()
        .procedure(PROCEDURE)
        .expect("catalog")
        .expect("procedure");
    let started = Instant::now();
    let mut codes = Vec::with_capacity(DOSSIERS);
    for i in 0..DOSSIERS {
        let dossier = filer.core.dossier();
        let draft = dossier.create_draft(PROCEDURE).expect("draft");
        motcua_tests::complete_draft(dossier, &procedure, &draft.id, i as u64).expect("filled");
        match dossier.submit(&draft.id, None).await.expect("submit") {
            DeliveryOutcome::Delivered { dossier_code } => codes.push(dossier_code),
            other => panic!("not delivered: {other:?}"),
        }
    }
    println!(
        "filed {DOSSIERS} dossiers through the core in {}",
        ms(started.elapsed())
    );

    let mut phones = Vec::new();
    let mut first_sync = Vec::new();
    for _ in 0..PHONES {
        let phone = phone_for(&portal);
        login(&phone, citizen.subject).await;
        let started = Instant::now();
        let changes = phone.core.tracking().sync().await.expect("sync");
        first_sync.push(started.elapsed());
        assert_eq!(changes.len(), DOSSIERS);
        phones.push(phone);
    }

    let desk = DeskClient::new(
        portal.running.base_url(),
        std::sync::Arc::new(MemorySecureStore::new()),
    )
    .expect("desk client");
    desk.login("tiepnhan", "motcua-dev")
        .await
        .expect("staff login");
    let started = Instant::now();
    for code in &codes {
        let request = DeskActionRequest {
            action: ActionKind::Accept,
            note: None,
            reason: None,
            missing: Vec::new(),
        };
        desk.act(code, &request).await.expect("accepted");
    }
    println!(
        "the desk accepted {DOSSIERS} dossiers in {}",
        ms(started.elapsed())
    );

    let mut one_pass = Vec::new();
    for phone in &phones {
        let started = Instant::now();
        let changes = phone.core.tracking().sync().await.expect("sync");
        one_pass.push(started.elapsed());
        assert_eq!(changes.len(), DOSSIERS, "every acceptance in one pass");
        assert!(phone.core.tracking().sync().await.expect("sync").is_empty());
    }
    summary(
        "first sync, 1,000 submitted dossiers (one page, one transaction)",
        first_sync,
    );
    summary(
        "sync of 1,000 accepted dossiers in one pass (HTTP + JSON + SQLite)",
        one_pass,
    );
    portal.running.shutdown().await;
}
