//! The procedure catalog end to end: the portal publishes the repository's catalog, the
//! core syncs its summary conditionally (ETag / 304), fetches a procedure's detail when it
//! is opened, stores both, and searches offline.

mod common;

use common::*;
use motcua_core::Localized as _;
use motcua_core::catalog::{CatalogError, CatalogRefresh};
use motcua_protocol::catalog::QueriesFile;

const BIRTH_REGISTRATION: &str = "1.001193";

fn code_whose_name_contains(phone: &Phone, needle: &str) -> String {
    // Looked up by name so that the test does not hard-code codes it cannot vouch for.
    let (procedures, _) = motcua_portal::builtin_catalog();
    let code = procedures
        .iter()
        .filter(|p| p.name_vi.to_lowercase().contains(needle))
        .min_by_key(|p| p.name_vi.len())
        .map(|p| p.code.clone())
        .unwrap_or_else(|| panic!("a procedure named with {needle:?}"));
    assert!(
        phone
            .core
            .catalog()
            .procedure_summary(&code)
            .unwrap()
            .is_some()
    );
    code
}

fn first_hit(phone: &Phone, query: &str) -> String {
    let hits = phone.core.catalog().search_procedures(query, 5).unwrap();
    hits.first()
        .map(|h| h.code.clone())
        .unwrap_or_else(|| panic!("no result for {query:?}"))
}

#[tokio::test]
async fn sync_is_conditional_and_search_works_offline() {
    let portal = start_portal().await;
    let phone = phone_for(&portal);
    let catalog = phone.core.catalog();

    let err = catalog.search_procedures("khai sinh", 5).unwrap_err();
    assert!(matches!(err, CatalogError::NotDownloaded));
    assert_eq!(err.code(), "catalog_not_downloaded");

    let version = match catalog.refresh_catalog().await.unwrap() {
        CatalogRefresh::Updated {
            version,
            procedures,
        } => {
            assert!(procedures >= 60, "{procedures} procedures");
            version
        }
        other => panic!("first refresh downloads: {other:?}"),
    };
    assert_eq!(
        catalog.refresh_catalog().await.unwrap(),
        CatalogRefresh::Unchanged {
            version: version.clone()
        },
        "the second refresh is a 304"
    );

    // The same on the wire.
    let url = format!("{}api/v1/catalog/summary", portal.running.base_url());
    let client = reqwest::Client::new();
    let full = client.get(&url).send().await.unwrap();
    let etag = full.headers()["etag"].to_str().unwrap().to_owned();
    // The tag names the version (with `.gz` when the client took it gzip-encoded).
    assert!(
        [format!("\"{version}\""), format!("\"{version}.gz\"")].contains(&etag),
        "{etag}"
    );
    let again = client
        .get(&url)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 304);
    assert!(again.bytes().await.unwrap().is_empty());

    // The summary has no details: a procedure's comes when it is opened, then stays.
    assert!(catalog.procedure(BIRTH_REGISTRATION).unwrap().is_none());
    let birth = catalog
        .open_procedure(BIRTH_REGISTRATION)
        .await
        .unwrap()
        .expect("birth registration");
    assert!(!birth.form.is_empty() && !birth.documents.is_empty());
    assert_eq!(
        catalog.procedure(BIRTH_REGISTRATION).unwrap(),
        Some(birth.clone())
    );
    assert!(
        birth.name_vi.to_lowercase().contains("đăng ký khai sinh"),
        "{}",
        birth.name_vi
    );
    assert!(catalog.open_procedure("9.999999").await.unwrap().is_none());

    assert_eq!(first_hit(&phone, "dang ky khai sinh"), BIRTH_REGISTRATION);
    assert_eq!(
        first_hit(&phone, "làm giấy khai sinh cho con"),
        BIRTH_REGISTRATION
    );
    let marital = code_whose_name_contains(&phone, "tình trạng hôn nhân");
    assert_eq!(first_hit(&phone, "giay doc than"), marital);
    let residence = first_hit(&phone, "hộ khẩu");
    let residence_name = catalog
        .procedure_summary(&residence)
        .unwrap()
        .unwrap()
        .name_vi;
    assert!(residence_name.contains("thường trú"), "{residence_name}");

    // The portal goes away: search and lookup keep working, refresh says so.
    portal.running.shutdown().await;
    let err = catalog.refresh_catalog().await.unwrap_err();
    assert_eq!(err.code(), "network_unavailable");
    assert_eq!(first_hit(&phone, "dang ky khai sinh"), BIRTH_REGISTRATION);
    assert_eq!(first_hit(&phone, "giấy độc thân"), marital);
    assert_eq!(
        catalog.open_procedure(BIRTH_REGISTRATION).await.unwrap(),
        Some(birth),
        "an opened procedure opens offline"
    );
    let never_opened = catalog.open_procedure(&marital).await.unwrap_err();
    assert_eq!(never_opened.code(), "network_unavailable");

    // And after the app restarts, offline.
    let reopened = motcua_core::MotCua::open(
        motcua_core::CoreConfig::new(
            phone.dir.path().join("profile"),
            url::Url::parse("http://127.0.0.1:9").unwrap(),
            "http://127.0.0.1:9/oidc".into(),
            "motcua-app".into(),
        ),
        std::sync::Arc::new(motcua_core::secure_store::MemorySecureStore::new()),
    )
    .unwrap();
    let hits = reopened
        .catalog()
        .search_procedures("dang ky k", 5)
        .unwrap();
    assert_eq!(hits[0].code, BIRTH_REGISTRATION);
    assert_eq!(reopened.catalog().catalog_version().unwrap(), Some(version));
}

#[tokio::test]
async fn any_query_is_answered_without_error() {
    let portal = start_portal().await;
    let phone = phone_for(&portal);
    phone.core.catalog().refresh_catalog().await.unwrap();
    let huge = "đăng ký khai sinh cho con ".repeat(400);
    assert!(huge.len() > 10_000);
    let controls: String = (0u8..32).map(char::from).collect();
    for query in [
        "",
        " ",
        huge.as_str(),
        controls.as_str(),
        "😀👶🏽📄",
        "khai😀sinh",
        "\u{202E}\u{200B}\u{FEFF}",
        "' OR 1=1; DROP TABLE procedures; --",
        "%_*\"\\",
        &"a".repeat(10_000),
    ] {
        let hits = phone.core.catalog().search_procedures(query, 10);
        assert!(hits.is_ok(), "{query:?}");
    }
    // A query with an emoji in the middle still finds the words around it.
    assert_eq!(first_hit(&phone, "khai😀sinh"), BIRTH_REGISTRATION);
}

#[tokio::test]
async fn labelled_queries_find_their_procedure_in_the_top_five() {
    let portal = start_portal().await;
    let phone = phone_for(&portal);
    phone.core.catalog().refresh_catalog().await.unwrap();
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/catalog/queries.json");
    let file: QueriesFile = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    assert!(file.queries.len() >= 80);
    let mut found = 0;
    let mut missed = Vec::new();
    for labelled in &file.queries {
        let hits = phone
            .core
            .catalog()
            .search_procedures(&labelled.query, 5)
            .unwrap();
        if hits.iter().any(|h| labelled.relevant.contains(&h.code)) {
            found += 1;
        } else {
            missed.push(labelled.query.clone());
        }
    }
    let recall = found as f64 / file.queries.len() as f64;
    // A quality floor: a change that makes search worse at what people type fails here.
    assert!(recall >= 0.9, "recall@5 {recall:.3}; missed: {missed:?}");
}
