//! The catalog for a weak link, over real HTTP: the summary and details with entity tags,
//! 304s, gzip, one byte range resumed with `If-Range`, and deltas from an earlier version
//! the portal published (decision record 0006).

mod common;

use std::io::Read as _;

use motcua_portal::builtin_catalog;
use motcua_protocol::api::catalog::{
    PATH_CATALOG_SUMMARY, PATH_CATALOG_SUMMARY_GZ, procedure_gz_path, procedure_path,
};
use motcua_protocol::catalog::{Procedure, ProceduresFile};
use motcua_protocol::catalog_delivery::CatalogSummary;
use reqwest::StatusCode;
use reqwest::header::{
    ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_RANGE, CONTENT_TYPE, ETAG, IF_NONE_MATCH, IF_RANGE,
    RANGE,
};

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[tokio::test]
async fn the_summary_is_small_tagged_compressed_and_revalidates_with_304() {
    let h = common::harness().await;
    let plain = h
        .http
        .get(h.url(PATH_CATALOG_SUMMARY))
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), StatusCode::OK);
    let tag = plain.headers()[ETAG].to_str().unwrap().to_owned();
    let json = plain.bytes().await.unwrap();
    let summary: CatalogSummary = serde_json::from_slice(&json).unwrap();
    let (procedures, _) = builtin_catalog();
    assert_eq!(summary.procedures.len(), procedures.len());
    assert!(summary.aliases.is_some() && summary.base.is_none());
    assert_eq!(tag, format!("\"{}\"", summary.version));

    let zipped = h
        .http
        .get(h.url(PATH_CATALOG_SUMMARY))
        .header(ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(zipped.headers()[CONTENT_ENCODING], "gzip");
    assert_eq!(
        zipped.headers()[ETAG].to_str().unwrap(),
        format!("\"{}.gz\"", summary.version)
    );
    let gz = zipped.bytes().await.unwrap();
    assert_eq!(gunzip(&gz), json);
    // What search needs, compressed, is a few kilobytes (the whole catalog is ~43 KB).
    assert!(gz.len() < 12_000, "summary {} bytes gzipped", gz.len());

    for validator in [tag.clone(), format!("\"{}.gz\"", summary.version)] {
        let again = h
            .http
            .get(h.url(&format!("{PATH_CATALOG_SUMMARY}?since={}", summary.version)))
            .header(IF_NONE_MATCH, validator)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert!(again.bytes().await.unwrap().is_empty());
    }
    // A version the portal never published: the whole summary.
    let unknown = h
        .http
        .get(h.url(&format!("{PATH_CATALOG_SUMMARY}?since=0123456789abcdef")))
        .send()
        .await
        .unwrap();
    let whole: CatalogSummary = serde_json::from_slice(&unknown.bytes().await.unwrap()).unwrap();
    assert_eq!(whole, summary);
}

#[tokio::test]
async fn a_cut_detail_download_continues_with_a_range_and_a_changed_one_restarts() {
    let h = common::harness().await;
    let (procedures, _) = builtin_catalog();
    let code = &procedures[0].code;
    let url = h.url(&procedure_path(code));
    let whole = h
        .http
        .get(url.clone())
        .header(ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    let tag = whole.headers()[ETAG].to_str().unwrap().to_owned();
    let gz = whole.bytes().await.unwrap();
    let procedure: Procedure = serde_json::from_slice(&gunzip(&gz)).unwrap();
    assert_eq!(&procedure, &procedures[0]);

    // The link broke after `cut` bytes: the rest, and only the rest, comes back.
    let cut = gz.len() / 3;
    let rest = h
        .http
        .get(url.clone())
        .header(ACCEPT_ENCODING, "gzip")
        .header(RANGE, format!("bytes={cut}-"))
        .header(IF_RANGE, &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(rest.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        rest.headers()[CONTENT_RANGE].to_str().unwrap(),
        format!("bytes {cut}-{}/{}", gz.len() - 1, gz.len())
    );
    let tail = rest.bytes().await.unwrap();
    assert_eq!(tail.len(), gz.len() - cut);
    assert_eq!([&gz[..cut], &tail[..]].concat(), gz.to_vec());

    // The tag changed meanwhile: If-Range fails and the whole body comes.
    let stale = h
        .http
        .get(url.clone())
        .header(ACCEPT_ENCODING, "gzip")
        .header(RANGE, format!("bytes={cut}-"))
        .header(IF_RANGE, "\"0000000000000000.gz\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::OK);
    assert_eq!(stale.bytes().await.unwrap(), gz);

    let past = h
        .http
        .get(url.clone())
        .header(RANGE, "bytes=99999999-")
        .send()
        .await
        .unwrap();
    assert_eq!(past.status(), StatusCode::RANGE_NOT_SATISFIABLE);

    let cached = h
        .http
        .get(url)
        .header(IF_NONE_MATCH, tag)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);
    let missing = h
        .http
        .get(h.url(&procedure_path("9.999999")))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_phone_on_an_earlier_version_gets_only_what_changed() {
    // First the portal publishes the repository's catalog, then, on the same data
    // directory, one where a procedure changed and another was removed.
    let dir = tempfile::tempdir().unwrap();
    let (mut procedures, aliases) = builtin_catalog();
    let database = common::database::fresh_database().await;
    let first = motcua_portal::start(common::database::config(dir.path(), database.as_deref()))
        .await
        .unwrap();
    let http = common::client();
    let url = |portal: &motcua_portal::RunningPortal, path: &str| {
        format!("{}{path}", portal.base_url().as_str().trim_end_matches('/'))
    };
    let old: CatalogSummary = serde_json::from_slice(
        &http
            .get(url(&first, PATH_CATALOG_SUMMARY))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    )
    .unwrap();
    first.shutdown().await;

    procedures[0].popularity += 7;
    let removed = procedures.pop().unwrap();
    let catalog_dir = tempfile::tempdir().unwrap();
    std::fs::write(
        catalog_dir.path().join("procedures.json"),
        serde_json::to_vec(&ProceduresFile {
            procedures: procedures.clone(),
        })
        .unwrap(),
    )
    .unwrap();
    let kept: Vec<_> = aliases
        .into_iter()
        .filter(|a| !a.codes.contains(&removed.code))
        .collect();
    std::fs::write(
        catalog_dir.path().join("aliases.json"),
        serde_json::to_vec(&motcua_protocol::catalog::AliasesFile { aliases: kept }).unwrap(),
    )
    .unwrap();
    let mut config = common::database::config(dir.path(), database.as_deref());
    config.catalog = Some(catalog_dir.path().to_owned());
    let second = motcua_portal::start(config).await.unwrap();
    let answer = http
        .get(url(
            &second,
            &format!("{PATH_CATALOG_SUMMARY}?since={}", old.version),
        ))
        .header(IF_NONE_MATCH, format!("\"{}\"", old.version))
        .header(ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    let gz = answer.bytes().await.unwrap();
    let delta: CatalogSummary = serde_json::from_slice(&gunzip(&gz)).unwrap();
    assert_eq!(delta.base.as_deref(), Some(old.version.as_str()));
    assert_ne!(delta.version, old.version);
    let codes: Vec<&str> = delta.procedures.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, [procedures[0].code.as_str()]);
    assert_eq!(delta.removed, std::slice::from_ref(&removed.code));
    assert!(
        delta.aliases.is_some(),
        "the alias list changed with the removal"
    );
    // One procedure and the alias list (sent whole when it changed): a small part of the
    // summary.
    assert!(gz.len() < 4_000, "delta {} bytes", gz.len());
    second.shutdown().await;
}

#[tokio::test]
async fn the_gzip_files_are_served_as_they_are_and_by_range() {
    let h = common::harness().await;
    let json = h
        .http
        .get(h.url(PATH_CATALOG_SUMMARY))
        .send()
        .await
        .unwrap();
    let json = json.bytes().await.unwrap();
    let file = h
        .http
        .get(h.url(PATH_CATALOG_SUMMARY_GZ))
        .send()
        .await
        .unwrap();
    assert_eq!(file.headers()[CONTENT_TYPE], "application/gzip");
    assert!(file.headers().get(CONTENT_ENCODING).is_none());
    let tag = file.headers()[ETAG].to_str().unwrap().to_owned();
    let gz = file.bytes().await.unwrap();
    assert_eq!(gunzip(&gz), json);
    let rest = h
        .http
        .get(h.url(PATH_CATALOG_SUMMARY_GZ))
        .header(RANGE, "bytes=100-")
        .header(IF_RANGE, &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(rest.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(rest.bytes().await.unwrap(), gz.slice(100..));

    let (procedures, _) = builtin_catalog();
    let detail = h
        .http
        .get(h.url(&procedure_gz_path(&procedures[1].code)))
        .send()
        .await
        .unwrap();
    assert_eq!(detail.headers()[CONTENT_TYPE], "application/gzip");
    let procedure: Procedure =
        serde_json::from_slice(&gunzip(&detail.bytes().await.unwrap())).unwrap();
    assert_eq!(procedure, procedures[1]);
}

#[tokio::test]
async fn the_client_configuration_has_a_tag_and_answers_304() {
    let h = common::harness().await;
    let first = h
        .http
        .get(h.url("/api/v1/client-config"))
        .send()
        .await
        .unwrap();
    let tag = first.headers()[ETAG].to_str().unwrap().to_owned();
    let again = h
        .http
        .get(h.url("/api/v1/client-config"))
        .header(IF_NONE_MATCH, tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
}
