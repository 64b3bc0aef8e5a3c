//! The citizen's journey on a 2G-class link (issue 18, item 8): the real core and a real
//! portal with the link emulator between them (`motcua_tests::link`, 50 kbit/s and 250 ms
//! each way; the portal's public URL, its OpenID issuer, is the link's, so the login pages
//! the browser loads cross it too). Prints, per step, the bytes the phone put on the link
//! and received, and the time the step took on it; then the totals with and without the
//! attachment's own bytes, against the budgets of docs/ARCHITECTURE.md (first catalog
//! install <= 60 KB; the journey without the attachment <= 100 KB). It asserts nothing
//! about time: the figures are for docs/benchmarks.md.
//!
//! The journey: the catalog (a phone without the catalog shipped in the app downloads the
//! summary; one with it installs offline and gets a 304), a search, the login, the
//! procedure opened (its detail), the draft filled and submitted with its attachments,
//! and the status synced. Then the same first install with the link cut halfway through
//! the summary, for the bytes sent again.
//!
//! Run: `cargo bench -p motcua-tests --bench journey`

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::*;
use motcua_core::dossier::DeliveryOutcome;
use motcua_protocol::identity::IdentityLevel;
use motcua_tests::link::{Link, LinkConfig, LinkCounters, Way};

const PROCEDURE: &str = "1.004873";
const SHIPPED_PROCEDURES: &str = include_str!("../../data/catalog/procedures.json");
const SHIPPED_ALIASES: &str = include_str!("../../data/catalog/aliases.json");

/// One measured step.
struct Step {
    name: &'static str,
    bytes: LinkCounters,
    time: Duration,
}

/// Measures `run` on `link`.
async fn step<T>(
    steps: &mut Vec<Step>,
    link: &Link,
    name: &'static str,
    run: impl std::future::Future<Output = T>,
) -> T {
    let before = link.counters();
    let started = Instant::now();
    let value = run.await;
    steps.push(Step {
        name,
        bytes: link.counters().since(&before),
        time: started.elapsed(),
    });
    value
}

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

fn print(title: &str, steps: &[Step]) {
    println!("\n{title}");
    println!(
        "{:<52} {:>10} {:>10} {:>10} {:>8} {:>6}",
        "step", "phone→", "→phone", "total", "time", "conns"
    );
    for s in steps {
        println!(
            "{:<52} {:>10} {:>10} {:>10} {:>7.1}s {:>6}",
            s.name,
            kb(s.bytes.up_sent),
            kb(s.bytes.down_delivered),
            kb(s.bytes.up_sent + s.bytes.down_delivered),
            s.time.as_secs_f64(),
            s.bytes.connections
        );
    }
}

/// A portal whose public URL (and issuer) is the link's, and the link in front of it.
async fn portal_behind(
    config: LinkConfig,
) -> (motcua_portal::RunningPortal, Link, tempfile::TempDir) {
    let link = Link::bind(config).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut portal_config = motcua_portal::PortalConfig::for_tests(dir.path());
    portal_config.public_url = Some(link.url());
    let portal = motcua_portal::start(portal_config).await.expect("portal");
    link.connect_to(portal.local_addr());
    (portal, link, dir)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let (portal, link, _portal_dir) = portal_behind(LinkConfig::rural_2g()).await;
    let citizen = motcua_portal::demo_citizens()
        .iter()
        .find(|c| c.level == IdentityLevel::Level2)
        .expect("a level-2 demo citizen");
    let phone = open_phone(&link.url(), &portal.issuer(), motcua_core::APP_REDIRECT_URI);
    let core = &phone.core;
    let mut steps = Vec::new();

    step(
        &mut steps,
        &link,
        "catalog: first install (summary)",
        async { core.catalog().refresh_catalog().await.expect("catalog") },
    )
    .await;
    step(&mut steps, &link, "catalog: refresh (304)", async {
        core.catalog().refresh_catalog().await.expect("catalog")
    })
    .await;
    step(
        &mut steps,
        &link,
        "search \"giay doc than\" (offline)",
        async {
            core.catalog()
                .search_procedures("giay doc than", 5)
                .expect("search")
        },
    )
    .await;
    let request = step(&mut steps, &link, "login: begin (discovery)", async {
        core.identity().begin_login().await.expect("begin_login")
    })
    .await;
    let callback = step(
        &mut steps,
        &link,
        "login: the provider's pages (browser)",
        async { browser_login(&request.url, &request.redirect_uri, citizen.subject).await },
    )
    .await;
    step(
        &mut steps,
        &link,
        "login: code exchange, ID token, session",
        async {
            core.identity()
                .complete_login(&callback)
                .await
                .expect("complete_login")
        },
    )
    .await;
    let procedure = step(&mut steps, &link, "procedure opened (its detail)", async {
        core.catalog()
            .open_procedure(PROCEDURE)
            .await
            .expect("detail")
            .expect("the procedure")
    })
    .await;
    let dossier = core.dossier();
    let draft = step(&mut steps, &link, "draft filled (offline)", async {
        let draft = dossier.create_draft(PROCEDURE).expect("draft");
        motcua_tests::complete_draft(dossier, &procedure, &draft.id, 7).expect("filled");
        dossier.draft(&draft.id).expect("draft")
    })
    .await;
    let attachment_bytes: u64 = draft.attachments.iter().map(|a| a.size).sum();
    let code = step(
        &mut steps,
        &link,
        "submit (attachments uploaded, dossier posted)",
        async {
            match dossier.submit(&draft.id, None).await.expect("submit") {
                DeliveryOutcome::Delivered { dossier_code } => dossier_code,
                other => panic!("not delivered: {other:?}"),
            }
        },
    )
    .await;
    step(&mut steps, &link, "status synced", async {
        core.tracking().sync().await.expect("sync")
    })
    .await;
    print(
        "Journey at 50 kbit/s, 250 ms each way (bytes on the link)",
        &steps,
    );
    let total: u64 = steps
        .iter()
        .map(|s| s.bytes.up_sent + s.bytes.down_delivered)
        .sum();
    let time: Duration = steps.iter().map(|s| s.time).sum();
    let first_install = steps[0].bytes.up_sent + steps[0].bytes.down_delivered;
    println!(
        "dossier {code}; attachments {} ({} files)",
        kb(attachment_bytes),
        draft.attachments.len()
    );
    println!(
        "first catalog install: {} (budget 60 KB)",
        kb(first_install)
    );
    println!(
        "whole journey: {} on the link, {:.1} s; without the attachments' bytes: {} (budget 100 KB)",
        kb(total),
        time.as_secs_f64(),
        kb(total.saturating_sub(attachment_bytes))
    );

    // A phone with the catalog shipped in the app.
    let shipped = open_phone(&link.url(), &portal.issuer(), motcua_core::APP_REDIRECT_URI);
    let mut shipped_steps = Vec::new();
    step(
        &mut shipped_steps,
        &link,
        "catalog: shipped copy installed (offline)",
        async {
            shipped
                .core
                .catalog()
                .install_bundled_catalog(SHIPPED_PROCEDURES, SHIPPED_ALIASES)
                .expect("install")
        },
    )
    .await;
    step(
        &mut shipped_steps,
        &link,
        "catalog: first refresh (304)",
        async {
            shipped
                .core
                .catalog()
                .refresh_catalog()
                .await
                .expect("refresh")
        },
    )
    .await;
    step(
        &mut shipped_steps,
        &link,
        "procedure opened (shipped detail)",
        async {
            shipped
                .core
                .catalog()
                .open_procedure(PROCEDURE)
                .await
                .expect("detail")
        },
    )
    .await;
    print(
        "A phone with the catalog shipped in the app",
        &shipped_steps,
    );

    // The first install again, the link cut when half the summary went towards the phone.
    let cut = open_phone(&link.url(), &portal.issuer(), motcua_core::APP_REDIRECT_URI);
    let whole = steps[0].bytes.down_delivered;
    let mut cut_steps = Vec::new();
    link.cut_after(Way::Down, whole / 2, Duration::from_secs(3));
    step(
        &mut cut_steps,
        &link,
        "catalog: first install, cut halfway",
        // One call: the core tries again by itself (decision 0005).
        async { cut.core.catalog().refresh_catalog().await.expect("catalog") },
    )
    .await;
    print(
        "The first install with the link cut halfway (3 s outage)",
        &cut_steps,
    );
    let again = cut_steps[0].bytes.down_delivered;
    println!(
        "received {} for a summary of {}: {} beyond it (budget: re-sent <= 32 KiB)",
        kb(again),
        kb(whole),
        kb(again.saturating_sub(whole))
    );
    portal.shutdown().await;
    large_catalog().await;
}

/// The sizes of the 2,000-procedure synthetic catalog as the portal serves it (over
/// loopback, no link: only the byte counts matter here), and the time they take at
/// 50 kbit/s.
async fn large_catalog() {
    let (real, aliases) = motcua_portal::builtin_catalog();
    let procedures = motcua_protocol::synthetic::catalog(&real, 2_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let catalog_dir = dir.path().join("catalog");
    std::fs::create_dir_all(&catalog_dir).expect("dir");
    let write = |name: &str, json: Vec<u8>| std::fs::write(catalog_dir.join(name), json);
    write(
        "procedures.json",
        serde_json::to_vec(&motcua_protocol::catalog::ProceduresFile {
            procedures: procedures.clone(),
        })
        .expect("json"),
    )
    .expect("write");
    write(
        "aliases.json",
        serde_json::to_vec(&motcua_protocol::catalog::AliasesFile { aliases }).expect("json"),
    )
    .expect("write");
    let mut config = motcua_portal::PortalConfig::for_tests(&dir.path().join("portal"));
    config.catalog = Some(catalog_dir);
    let portal = motcua_portal::start(config).await.expect("portal");
    let base = portal.base_url();
    let size = |path: String| {
        let base = base.clone();
        async move { motcua_tests::served_size(&base, &path).await }
    };
    let whole_json = size("/api/v1/catalog".into()).await;
    let summary_json = size("/api/v1/catalog/summary".into()).await;
    let summary_gz = size("/api/v1/catalog/summary.gz".into()).await;
    let mut details = 0;
    for procedure in procedures.iter().take(50) {
        details += size(motcua_protocol::api::catalog::procedure_gz_path(
            &procedure.code,
        ))
        .await;
    }
    let at_50k = |bytes: u64| bytes as f64 * 8.0 / 50_000.0;
    println!("\nThe 2,000-procedure synthetic catalog (sizes as served)");
    println!(
        "whole catalog JSON {} ({:.0} s at 50 kbit/s); summary JSON {}, gzip file {} ({:.0} s); a detail {} gzip on average",
        kb(whole_json),
        at_50k(whole_json),
        kb(summary_json),
        kb(summary_gz),
        at_50k(summary_gz),
        kb(details / 50)
    );
    portal.shutdown().await;
}
