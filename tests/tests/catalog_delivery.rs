//! The catalog on a weak link, end to end (decision record 0006): the catalog shipped with
//! the app installs offline and the first refresh is a 304; a phone one version behind
//! gets only what changed; a summary download cut halfway continues where it stopped.
//! Bytes are counted by the link emulator between the core and a real portal.

mod common;

use std::time::Duration;

use common::*;
use motcua_core::Localized as _;
use motcua_core::catalog::{BundleInstall, CatalogRefresh};
use motcua_protocol::catalog::{AliasesFile, Procedure, ProceduresFile};
use motcua_tests::link::{Link, LinkConfig, Way};

const SHIPPED_PROCEDURES: &str = include_str!("../../data/catalog/procedures.json");
const SHIPPED_ALIASES: &str = include_str!("../../data/catalog/aliases.json");
const BIRTH_REGISTRATION: &str = "1.001193";

fn write_catalog(dir: &std::path::Path, procedures: Vec<Procedure>) {
    let codes: std::collections::HashSet<String> =
        procedures.iter().map(|p| p.code.clone()).collect();
    let (_, aliases) = motcua_portal::builtin_catalog();
    let aliases = aliases
        .into_iter()
        .filter(|a| a.codes.iter().all(|c| codes.contains(c)))
        .collect();
    std::fs::write(
        dir.join("procedures.json"),
        serde_json::to_vec(&ProceduresFile { procedures }).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("aliases.json"),
        serde_json::to_vec(&AliasesFile { aliases }).unwrap(),
    )
    .unwrap();
}

#[tokio::test]
async fn the_shipped_catalog_installs_offline_and_the_first_refresh_is_a_304() {
    let offline = open_phone(
        &"http://127.0.0.1:9".parse().unwrap(),
        "http://127.0.0.1:9/oidc",
        motcua_core::APP_REDIRECT_URI,
    );
    let catalog = offline.core.catalog();
    let installed = catalog
        .install_bundled_catalog(SHIPPED_PROCEDURES, SHIPPED_ALIASES)
        .unwrap();
    let BundleInstall::Installed { version } = installed else {
        panic!("first install: {installed:?}");
    };
    assert_eq!(
        catalog
            .install_bundled_catalog(SHIPPED_PROCEDURES, SHIPPED_ALIASES)
            .unwrap(),
        BundleInstall::AlreadyInstalled {
            version: version.clone()
        }
    );
    // Search and every detail work with no network at all.
    let hits = catalog.search_procedures("dang ky khai sinh", 3).unwrap();
    assert_eq!(hits[0].code, BIRTH_REGISTRATION);
    let birth = catalog
        .open_procedure(BIRTH_REGISTRATION)
        .await
        .unwrap()
        .unwrap();
    assert!(!birth.form.is_empty());

    // Online through a 2G-class link: the portal publishes the same data, so the refresh
    // is one conditional request answered 304, and opening the procedure costs nothing.
    let portal = start_portal().await;
    let link = Link::start(portal.running.local_addr(), LinkConfig::rural_2g()).await;
    let online = open_phone_sharing(&offline, &link.url(), &portal.running.issuer());
    let before = link.counters();
    assert_eq!(
        online.catalog().refresh_catalog().await.unwrap(),
        CatalogRefresh::Unchanged { version }
    );
    online
        .catalog()
        .open_procedure(BIRTH_REGISTRATION)
        .await
        .unwrap();
    let step = link.counters().since(&before);
    assert!(
        step.total_sent() < 1_000,
        "a 304 and nothing else: {step:?}"
    );
}

#[tokio::test]
async fn a_phone_one_version_behind_gets_only_what_changed() {
    let (mut procedures, _) = motcua_portal::builtin_catalog();
    let data = tempfile::tempdir().unwrap();
    let portal_dir = data.path().join("portal");
    let mut config = motcua_portal::PortalConfig::for_tests(&portal_dir);
    config.database = motcua_portal::store::postgres::fresh_test_database().await;
    let database = config.database.clone();
    let first = motcua_portal::start(config).await.unwrap();
    let phone = open_phone(
        &first.base_url(),
        &first.issuer(),
        motcua_core::APP_REDIRECT_URI,
    );
    phone.core.catalog().refresh_catalog().await.unwrap();
    phone
        .core
        .catalog()
        .open_procedure(BIRTH_REGISTRATION)
        .await
        .unwrap();
    first.shutdown().await;

    // The province changes the birth registration and withdraws another procedure.
    let birth = procedures
        .iter_mut()
        .find(|p| p.code == BIRTH_REGISTRATION)
        .unwrap();
    birth.legal_basis.push("Quyết định mới".into());
    let changed = birth.clone();
    let removed = procedures.pop().unwrap();
    let catalog_dir = data.path().join("catalog");
    std::fs::create_dir_all(&catalog_dir).unwrap();
    write_catalog(&catalog_dir, procedures);
    let mut config = motcua_portal::PortalConfig::for_tests(&portal_dir);
    config.database = database;
    config.catalog = Some(catalog_dir);
    let second = motcua_portal::start(config).await.unwrap();
    let link = Link::start(second.local_addr(), LinkConfig::rural_2g()).await;
    let core = open_phone_sharing(&phone, &link.url(), &second.issuer());
    let catalog = core.catalog();

    let before = link.counters();
    let refreshed = catalog.refresh_catalog().await.unwrap();
    let CatalogRefresh::Updated { procedures, .. } = refreshed else {
        panic!("a delta: {refreshed:?}");
    };
    assert_eq!(procedures, 1, "only the changed procedure comes");
    let delta = link.counters().since(&before);
    assert!(delta.down_delivered < 4_000, "delta: {delta:?}");
    assert!(catalog.procedure_summary(&removed.code).unwrap().is_none());
    assert!(
        catalog
            .search_procedures(&removed.name_vi, 3)
            .unwrap()
            .iter()
            .all(|h| h.code != removed.code)
    );

    // The stored detail is stale now: opening fetches the new one.
    assert_ne!(
        catalog.procedure(BIRTH_REGISTRATION).unwrap().unwrap(),
        changed
    );
    let opened = catalog
        .open_procedure(BIRTH_REGISTRATION)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(opened, changed);
    assert_eq!(
        catalog.refresh_catalog().await.unwrap(),
        CatalogRefresh::Unchanged {
            version: catalog.catalog_version().unwrap().unwrap()
        }
    );
    second.shutdown().await;
}

#[tokio::test]
async fn a_cut_summary_download_continues_where_it_stopped() {
    // A catalog whose summary is large enough to be cut halfway.
    let (real, _) = motcua_portal::builtin_catalog();
    let procedures = motcua_protocol::synthetic::catalog(&real, 1_500);
    let catalog_dir = tempfile::tempdir().unwrap();
    write_catalog(catalog_dir.path(), procedures.clone());
    let portal =
        start_portal_with(|config| config.catalog = Some(catalog_dir.path().to_owned())).await;
    let whole = reqwest::Client::new()
        .get(format!(
            "{}api/v1/catalog/summary.gz",
            portal.running.base_url()
        ))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .len() as u64;
    // Well over the link's 16 KiB queue, so that half of it reaches the phone before the cut.
    assert!(whole > 64 * 1024, "summary of {whole} bytes");

    let link = Link::start(
        portal.running.local_addr(),
        LinkConfig::symmetric(1_000_000, Duration::from_millis(20)),
    )
    .await;
    let phone = open_phone(
        &link.url(),
        &portal.running.issuer(),
        motcua_core::APP_REDIRECT_URI,
    );
    let catalog = phone.core.catalog();
    // Cut once three quarters went towards the phone: what reached it by then is more
    // than 32 KiB, so a download that started again from byte 0 fails the check below.
    link.cut_after(Way::Down, whole * 3 / 4, Duration::from_millis(1_500));
    let refreshed = match catalog.refresh_catalog().await {
        Ok(refreshed) => refreshed,
        Err(error) => {
            // Gave up during the outage: the next call continues.
            assert_eq!(error.code(), "network_unavailable");
            tokio::time::sleep(Duration::from_millis(1_600)).await;
            catalog.refresh_catalog().await.unwrap()
        }
    };
    assert!(
        matches!(refreshed, CatalogRefresh::Updated { procedures: n, .. } if n == procedures.len())
    );
    let total = link.counters();
    assert_eq!(total.cuts, 1);
    assert!(total.connections >= 2, "{total:?}");
    let resent = total.down_delivered.saturating_sub(whole);
    assert!(
        resent <= 32 * 1024,
        "{resent} bytes beyond the summary's {whole}: {total:?}"
    );
    assert!(
        !catalog
            .search_procedures("khai sinh", 3)
            .unwrap()
            .is_empty()
    );
}
