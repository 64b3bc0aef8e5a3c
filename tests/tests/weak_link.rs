//! The journey through the link emulator (issue 18, items 3 and 7) on a 2G-class link
//! (50 kbit/s and 250 ms each way), every step through the link, the portal's public URL
//! (its OpenID issuer) the link's: the catalog's first install with the link cut once
//! the phone held part of the summary, the procedure's detail with the link cut before any
//! of it reached the phone, and the attachment's upload with the link cut in its middle.
//! Each step is one call of the core's API, without a manual retry; the dossier exists
//! once; the bytes beyond each step's payload (heads, and what was sent again after the
//! cut) stay under 32 KiB.
//!
//! And the stall timeout: a download that stalls is abandoned after
//! `CoreConfig::stall_timeout` with a network error and its connection closed by the
//! phone, and a download slower than the stall timeout in total that keeps moving is not
//! cut.

mod common;

use std::time::{Duration, Instant};

use common::*;
use motcua_core::catalog::CatalogError;
use motcua_core::dossier::DeliveryOutcome;
use motcua_core::secure_store::MemorySecureStore;
use motcua_core::{CoreConfig, MotCua};
use motcua_protocol::api::catalog::{PATH_CATALOG_SUMMARY_GZ, procedure_gz_path};
use motcua_protocol::identity::IdentityLevel;
use motcua_tests::link::{Link, LinkConfig, LinkCounters, Way};

const MARITAL_STATUS: &str = "1.004873";
const OPTIONAL_DOCUMENT: &str = "residence_proof";
/// Bytes of the attachment uploaded across the cut.
const ATTACHMENT_BYTES: usize = 120_000;
/// What a step may send beyond its payload: heads, and what a cut made it send again.
const RESENT_BUDGET: u64 = 32 * 1024;
/// Far longer than anything the tests wait for; only a hang reaches it.
const GENEROUS: Duration = Duration::from_secs(120);

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

/// A phone whose core talks to `portal_url` (the link) with `stall` as its stall timeout.
fn phone_through(portal_url: &url::Url, issuer: &str, stall: Duration) -> Phone {
    let dir = tempfile::tempdir().expect("temp dir");
    let secrets = std::sync::Arc::new(MemorySecureStore::new());
    let mut config = CoreConfig::new(
        dir.path().join("profile"),
        portal_url.clone(),
        issuer.to_owned(),
        "motcua-app".to_owned(),
    );
    config.redirect_uri = motcua_core::APP_REDIRECT_URI.to_owned();
    config.stall_timeout = stall;
    let core = MotCua::open(config, secrets.clone()).expect("core opens");
    Phone { core, secrets, dir }
}

/// The size of `path` as the portal serves it without compression, asked over loopback.
async fn served_size(portal: &Portal, path: &str) -> u64 {
    motcua_tests::served_size(&portal.running.base_url(), path).await
}

/// Runs `step` and returns its value with what it cost on `link`.
async fn measured<T>(link: &Link, step: impl std::future::Future<Output = T>) -> (T, LinkCounters) {
    let before = link.counters();
    let value = step.await;
    (value, link.counters().since(&before))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_journey_cut_in_the_catalog_and_in_an_upload_completes_without_a_manual_retry() {
    let link = Link::bind(LinkConfig::rural_2g()).await;
    let public = link.url();
    let portal = start_portal_with(|config| config.public_url = Some(public)).await;
    link.connect_to(portal.running.local_addr());
    let phone = phone_through(
        &link.url(),
        &portal.running.issuer(),
        Duration::from_secs(10),
    );
    let core = &phone.core;
    let started = Instant::now();

    // The catalog's first install, the link cut once 5,000 bytes reached the phone (part
    // of the summary's gzip file), down for 2 s.
    let summary_bytes = served_size(&portal, PATH_CATALOG_SUMMARY_GZ).await;
    link.cut_after_delivered(Way::Down, 5_000, Duration::from_secs(2));
    let (refreshed, summary_step) = measured(&link, core.catalog().refresh_catalog()).await;
    refreshed.expect("the first install, in one call");
    assert_eq!(summary_step.cuts, 1, "the cut happened: {summary_step:?}");
    let summary_overhead = summary_step.down_sent - summary_bytes;
    println!(
        "catalog summary {summary_bytes} B: down {} B sent, {} B delivered, up {} B, {} connections; beyond the summary {summary_overhead} B",
        summary_step.down_sent,
        summary_step.down_delivered,
        summary_step.up_sent,
        summary_step.connections
    );
    assert!(
        summary_overhead <= RESENT_BUDGET,
        "re-sent and overhead {summary_overhead} B"
    );
    assert!(
        !core
            .catalog()
            .search_procedures("hon nhan", 5)
            .expect("search offline")
            .is_empty()
    );

    // The login, through the link too (the provider's pages, the code exchange).
    let citizen = motcua_portal::demo_citizens()
        .iter()
        .find(|c| c.level == IdentityLevel::Level2)
        .expect("a level-2 demo citizen");
    let request = core.identity().begin_login().await.expect("begin_login");
    let callback = browser_login(&request.url, &request.redirect_uri, citizen.subject).await;
    core.identity()
        .complete_login(&callback)
        .await
        .expect("complete_login");

    // The procedure's detail, the link cut once 1,500 bytes of the answer entered it:
    // none of them reached the phone (the link holds them), so the core tries again
    // without any progress to show.
    let detail_bytes = served_size(&portal, &procedure_gz_path(MARITAL_STATUS)).await;
    link.cut_after(Way::Down, 1_500, Duration::from_secs(2));
    let (opened, detail_step) =
        measured(&link, core.catalog().open_procedure(MARITAL_STATUS)).await;
    let procedure = opened
        .expect("the detail, in one call")
        .expect("the procedure");
    assert_eq!(detail_step.cuts, 1, "the cut happened: {detail_step:?}");
    let detail_overhead = detail_step.down_sent - detail_bytes;
    println!(
        "procedure detail {detail_bytes} B: down {} B sent, {} B delivered, up {} B, {} connections; beyond the detail {detail_overhead} B",
        detail_step.down_sent,
        detail_step.down_delivered,
        detail_step.up_sent,
        detail_step.connections
    );
    assert!(
        detail_overhead <= RESENT_BUDGET,
        "re-sent and overhead {detail_overhead} B"
    );

    let dossier = core.dossier();
    let draft = dossier.create_draft(MARITAL_STATUS).unwrap();
    motcua_tests::complete_draft(dossier, &procedure, &draft.id, 5).unwrap();
    let pdf = large_pdf(ATTACHMENT_BYTES);
    dossier
        .add_attachment(&draft.id, OPTIONAL_DOCUMENT, "tam-tru.pdf", &pdf, None)
        .expect("attachment");
    let view = dossier.draft(&draft.id).unwrap();
    let attachment_bytes: u64 = view.attachments.iter().map(|a| a.size).sum();

    // The submission, the link cut once 60 KB went up (in the middle of the large
    // upload), down for 2 s.
    link.cut_after(Way::Up, 60_000, Duration::from_secs(2));
    let (outcome, spent) = measured(&link, dossier.submit(&draft.id, None)).await;
    let outcome = outcome.expect("submit");
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
    assert!(
        overhead <= RESENT_BUDGET,
        "re-sent and overhead {overhead} B"
    );

    core.tracking().sync().await.expect("status synced");
    let total = link.counters();
    println!(
        "whole journey: up {} B, down {} B delivered, {} connections, {} cuts, {:.1} s",
        total.up_sent,
        total.down_delivered,
        total.connections,
        total.cuts,
        started.elapsed().as_secs_f64()
    );

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

/// Short, so that the test is short; the link's packets come every quarter second.
const STALL: Duration = Duration::from_secs(2);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_download_is_abandoned_and_a_slow_one_that_moves_is_not_cut() {
    // The portal never ends these connections itself: whatever closes them is the phone.
    let portal = start_portal_with(|config| {
        config.header_read_timeout_secs = 3600;
        config.body_stall_timeout_secs = 3600;
    })
    .await;
    let summary_bytes = served_size(&portal, PATH_CATALOG_SUMMARY_GZ).await;

    // 16 kbit/s: the summary takes several stall timeouts, a packet every 0.7 s.
    let slow_link = Link::start(
        portal.running.local_addr(),
        LinkConfig::symmetric(16_000, Duration::from_millis(250)),
    )
    .await;
    let slow = phone_through(&slow_link.url(), &portal.running.issuer(), STALL);
    let started = Instant::now();
    let refreshed = tokio::time::timeout(GENEROUS, slow.core.catalog().refresh_catalog())
        .await
        .expect("the download ends");
    let took = started.elapsed();
    let spent = slow_link.counters();
    println!(
        "slow: summary {summary_bytes} B in {:.1} s against a {} s stall timeout; {spent:?}",
        took.as_secs_f64(),
        STALL.as_secs()
    );
    refreshed.expect("a slow download that keeps moving completes");
    assert!(
        took > STALL,
        "the download was not longer than the stall timeout: the test proves nothing"
    );
    assert_eq!(
        spent.connections, 1,
        "not abandoned and tried again: {spent:?}"
    );
    assert_eq!(spent.closed_by_phone, 0, "{spent:?}");

    // 50 kbit/s, and nothing moves once 3,000 bytes of the answer entered the link.
    let link = Link::start(portal.running.local_addr(), LinkConfig::rural_2g()).await;
    let stalled = phone_through(&link.url(), &portal.running.issuer(), STALL);
    link.stall_after(Way::Down, 3_000, Duration::from_secs(3600));
    let started = Instant::now();
    let refreshed = tokio::time::timeout(GENEROUS, stalled.core.catalog().refresh_catalog())
        .await
        .expect("the core gave up on its own");
    let took = started.elapsed();
    println!(
        "stalled: gave up after {:.1} s with {refreshed:?}; {:?}",
        took.as_secs_f64(),
        link.counters()
    );
    match refreshed {
        Err(CatalogError::Network(detail)) => {
            assert!(
                detail.contains("stall"),
                "abandoned for its stall: {detail}"
            )
        }
        other => panic!("expected a network error, got {other:?}"),
    }
    assert_eq!(
        link.counters().connections,
        1,
        "a stalled link is not tried again within the call"
    );
    // Once the link moves again, the connection turns out closed by the phone (the
    // portal holds its end open for an hour).
    link.resume();
    let closed = tokio::time::timeout(GENEROUS, async {
        while link.counters().closed_by_phone == 0 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(
        closed.is_ok(),
        "the phone kept the connection: {:?}",
        link.counters()
    );
    assert_eq!(link.counters().closed_by_portal, 0);
}
