//! The journey through the link emulator (issue 18, item 7): a 2G-class link (50 kbit/s
//! and 250 ms each way) cut in the middle of an upload. The delivery completes in one call without a manual retry, the dossier exists
//! once, and the bytes sent again after the cut stay under 32 KiB.

mod common;

use std::time::Duration;

use common::*;
use motcua_core::dossier::DeliveryOutcome;
use motcua_core::{CoreConfig, MotCua};
use motcua_protocol::identity::IdentityLevel;
use motcua_tests::link::{Link, LinkConfig, Way};

const MARITAL_STATUS: &str = "1.004873";
const OPTIONAL_DOCUMENT: &str = "residence_proof";
/// Bytes of the attachment uploaded across the cut.
const ATTACHMENT_BYTES: usize = 120_000;

/// A valid PDF of about `size` bytes (a comment of pseudo-random text pads it).
fn large_pdf(size: usize) -> Vec<u8> {
    let mut pdf = motcua_tests::sample_pdf(77);
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut padding = Vec::with_capacity(size);
    padding.extend_from_slice(b"%");
    while padding.len() < size.saturating_sub(pdf.len()) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        padding.push(b'a' + (state % 26) as u8);
        if padding.len() % 80 == 0 {
            padding.extend_from_slice(b"\n%");
        }
    }
    padding.push(b'\n');
    // After the header line, before the objects.
    let at = pdf.iter().position(|&b| b == b'\n').unwrap() + 1;
    pdf.splice(at..at, padding);
    pdf
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_cut_in_the_middle_completes_in_one_delivery_and_files_once() {
    let portal = start_portal().await;
    let phone = phone_for(&portal);
    let citizen = motcua_portal::demo_citizens()
        .iter()
        .find(|c| c.level == IdentityLevel::Level2)
        .expect("a level-2 demo citizen");
    login(&phone, citizen.subject).await;
    phone
        .core
        .catalog()
        .refresh_catalog()
        .await
        .expect("catalog");

    let link = Link::start(portal.running.local_addr(), LinkConfig::rural_2g()).await;
    let mut config = CoreConfig::new(
        phone.dir.path().join("profile"),
        link.url(),
        portal.running.issuer(),
        "motcua-app".to_owned(),
    );
    config.stall_timeout = Duration::from_secs(10);
    let weak = MotCua::open(config, phone.secrets.clone()).expect("core opens");

    let dossier = weak.dossier();
    let procedure = weak
        .catalog()
        .open_procedure(MARITAL_STATUS)
        .await
        .unwrap()
        .expect("procedure");
    let draft = dossier.create_draft(MARITAL_STATUS).unwrap();
    motcua_tests::complete_draft(dossier, &procedure, &draft.id, 5).unwrap();
    let pdf = large_pdf(ATTACHMENT_BYTES);
    dossier
        .add_attachment(&draft.id, OPTIONAL_DOCUMENT, "tam-tru.pdf", &pdf, None)
        .expect("attachment");
    let view = dossier.draft(&draft.id).unwrap();
    let attachment_bytes: u64 = view.attachments.iter().map(|a| a.size).sum();

    // Cut every connection once 60 KB went up (in the middle of the large upload), with
    // the link down for 2 s.
    link.cut_after(Way::Up, 60_000, Duration::from_secs(2));
    let before = link.counters();
    let outcome = dossier.submit(&draft.id, None).await.expect("submit");
    let spent = link.counters().since(&before);
    assert!(
        matches!(outcome, DeliveryOutcome::Delivered { .. }),
        "{outcome:?} ({spent:?})"
    );
    assert_eq!(spent.cuts, 1, "the cut happened: {spent:?}");

    // Everything that went up beyond the attachments' bytes: requests' heads, the
    // submission, and what the cut lost.
    let overhead = spent.up_sent - attachment_bytes;
    println!(
        "attachments {attachment_bytes} B; up {} B, down {} B, {} connections; overhead {overhead} B",
        spent.up_sent, spent.down_sent, spent.connections
    );
    assert!(overhead <= 32 * 1024, "re-sent and overhead {overhead} B");

    // Filed once.
    let token = stored_access_token(&phone).expect("token");
    let url = portal.running.base_url().join("api/v1/dossiers").unwrap();
    let listed: Vec<serde_json::Value> = reqwest::Client::new()
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
}
