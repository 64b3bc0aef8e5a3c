//! Upload quotas, expiry (tus `expiration`), deletion (tus `termination`) and the sweep of
//! files no upload owns, over HTTP against a portal on a real SQLite file.
//!
//! Expiry is configured short (1 s) where a test needs it, and tests wait past it; they
//! never assert how long anything took.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::answers::{expect_error_headers, sha256_hex};
use common::tus::{Tus, content, pdf_attachment, pdf_metadata, permit_form, tus, upload_id};
use common::{Harness, harness, harness_with};
use motcua_portal::start;
use motcua_protocol::api::ApiErrorCode;
use motcua_protocol::api::dossiers::PATH_DOSSIERS;
use motcua_protocol::api::uploads::PATH_UPLOADS;
use reqwest::Response;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

/// Re-issue of a building permit (1.013228): level 2, one required document.
const PROCEDURE: &str = "1.013228";
const REQUIREMENT: &str = "application";
/// Level 2 citizens.
const LAN: &str = "demo-0001";
const BINH: &str = "demo-0002";

/// The expiry of the tests that wait for one: short, yet long enough that an upload made
/// and finished at once is never seen expired in between (the portal counts whole seconds:
/// 1 s would expire one created at 0.999 and finished at 1.001).
const SHORT_EXPIRY_SECS: u64 = 2;

/// Waits past [`SHORT_EXPIRY_SECS`] in whole seconds.
async fn wait_past_short_expiry() {
    tokio::time::sleep(Duration::from_millis(SHORT_EXPIRY_SECS * 1000 + 1_100)).await;
}

/// What these tests add to the shared [`Tus`]: creation of a PDF, an upload whose answers
/// carry the expiry, and a submission of the permit with one attachment.
impl Tus<'_> {
    async fn create_raw(&self, len: usize, sha256: &str) -> Response {
        self.create_with(&len.to_string(), &pdf_metadata("giấy tờ.pdf", sha256))
            .await
    }

    /// Creates an upload of `bytes`; returns its path.
    async fn create(&self, bytes: &[u8]) -> String {
        let response = self.create_raw(bytes.len(), &sha256_hex(bytes)).await;
        assert_eq!(response.status(), 201);
        expires_header(&response);
        response.headers()["location"].to_str().unwrap().to_owned()
    }

    /// Creates and finishes an upload; returns its path.
    async fn upload(&self, bytes: &[u8]) -> String {
        let location = self.create(bytes).await;
        let response = self.patch(&location, 0, bytes).await;
        assert_eq!(response.status(), 204);
        expires_header(&response);
        location
    }

    async fn submit_permit(&self, key: &str, location: &str, bytes: &[u8]) -> Response {
        let body = json!({
            "procedure_code": PROCEDURE,
            "fields": permit_form(),
            "attachments": [attachment(location, bytes)],
        });
        self.submit(Some(key), &body).await
    }
}

fn attachment(location: &str, bytes: &[u8]) -> Value {
    pdf_attachment(REQUIREMENT, upload_id(location), bytes, "giấy tờ.pdf")
}

/// The `Upload-Expires` of an answer: an RFC 9110 date (IMF-fixdate, GMT) in the future.
fn expires_header(response: &Response) -> chrono::DateTime<chrono::FixedOffset> {
    let text = response.headers()["upload-expires"].to_str().unwrap();
    assert!(text.ends_with(" GMT"), "{text}");
    let at = chrono::DateTime::parse_from_rfc2822(text).unwrap();
    assert_eq!(
        at.format("%a, %d %b %Y %H:%M:%S GMT").to_string(),
        text,
        "not IMF-fixdate"
    );
    assert!(
        at.timestamp() > chrono::Utc::now().timestamp() - 5,
        "{text}"
    );
    at
}

fn blob(dir: &Path, bytes: &[u8]) -> PathBuf {
    let digest = sha256_hex(bytes);
    dir.join("blobs").join(&digest[..2]).join(digest)
}

fn part(dir: &Path, location: &str) -> PathBuf {
    dir.join("uploads")
        .join(format!("{}.part", upload_id(location)))
}

fn retry_after(headers: &HeaderMap) -> u64 {
    headers["retry-after"].to_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn the_tus_extensions_are_announced_and_answers_carry_the_expiry() {
    let h = harness().await;
    let lan = tus(&h, LAN).await;
    let response = lan.options().await;
    assert_eq!(response.status(), 204);
    let extensions = response.headers()["tus-extension"].to_str().unwrap();
    let extensions: Vec<&str> = extensions.split(',').map(str::trim).collect();
    for extension in ["creation", "expiration", "termination"] {
        assert!(extensions.contains(&extension), "{extensions:?}");
    }

    let bytes = content(3000, 1);
    let location = lan.create(&bytes).await;
    let response = lan.patch(&location, 0, &bytes[..1000]).await;
    assert_eq!(response.status(), 204);
    let after_patch = expires_header(&response);
    let response = lan.head(&location).await;
    assert_eq!(response.status(), 200);
    assert_eq!(expires_header(&response), after_patch);
    // The default expiry is a day after the last progress.
    let ahead = after_patch.timestamp() - chrono::Utc::now().timestamp();
    assert!((23 * 3600..=24 * 3600 + 5).contains(&ahead), "{ahead}");

    // Once a dossier references it, the upload no longer expires: no header.
    let response = lan.patch(&location, 1000, &bytes[1000..]).await;
    assert_eq!(response.status(), 204);
    let response = lan.submit_permit("expires-1", &location, &bytes).await;
    assert_eq!(response.status(), 201);
    let response = lan.head(&location).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("upload-expires").is_none());
}

#[tokio::test]
async fn the_quotas_refuse_with_a_typed_error_until_an_upload_is_deleted() {
    let h = harness_with(|config| {
        config.upload_quota_count = 3;
        config.upload_quota_bytes = 10_000;
    })
    .await;
    let lan = tus(&h, LAN).await;
    // One finished, two abandoned half-way: all three count.
    let finished = content(1000, 1);
    let finished_at = lan.upload(&finished).await;
    let mut abandoned = Vec::new();
    for seed in [2, 3] {
        let bytes = content(1000, seed);
        let location = lan.create(&bytes).await;
        assert_eq!(lan.patch(&location, 0, &bytes[..10]).await.status(), 204);
        abandoned.push(location);
    }
    let fourth = content(1000, 4);
    let response = lan.create_raw(fourth.len(), &sha256_hex(&fourth)).await;
    let headers = expect_error_headers(response, 429, ApiErrorCode::UploadQuotaExceeded).await;
    assert!(retry_after(&headers) >= 1);
    assert_eq!(headers["tus-resumable"], "1.0.0");

    // Another citizen has a quota of their own.
    let binh = tus(&h, BINH).await;
    binh.upload(&content(1000, 5)).await;

    // Deleting an abandoned one makes room.
    let response = lan.delete(&abandoned[0]).await;
    assert_eq!(response.status(), 204);
    assert_eq!(response.headers()["tus-resumable"], "1.0.0");
    assert!(!part(h.dir.path(), &abandoned[0]).exists());
    lan.create(&fourth).await;

    // An upload a dossier references no longer counts.
    assert_eq!(
        lan.create_raw(10, &sha256_hex(b"0123456789"))
            .await
            .status(),
        429
    );
    let response = lan.submit_permit("quota-1", &finished_at, &finished).await;
    assert_eq!(response.status(), 201);
    lan.create(&content(1000, 6)).await;

    // Bytes: 2 × 1000 held of 10 000 once the other abandoned one is deleted; 8 001 more
    // would go over (413), 8 000 fit.
    let response = lan.delete(&abandoned[1]).await;
    assert_eq!(response.status(), 204);
    let big = content(8001, 7);
    let response = lan.create_raw(big.len(), &sha256_hex(&big)).await;
    let headers = expect_error_headers(response, 413, ApiErrorCode::UploadQuotaExceeded).await;
    assert!(retry_after(&headers) >= 1);
    lan.create(&content(8000, 8)).await;
}

#[tokio::test]
async fn termination_removes_only_ones_own_unattached_uploads() {
    let h = harness().await;
    let lan = tus(&h, LAN).await;
    let binh = tus(&h, BINH).await;

    // A finished upload: its row, and its blob (no other upload has these bytes).
    let bytes = content(2000, 11);
    let location = lan.upload(&bytes).await;
    assert!(blob(h.dir.path(), &bytes).exists());

    // Another citizen's id is answered like an unknown one, and nothing is removed.
    let unknown = format!("{PATH_UPLOADS}/{}", "0".repeat(32));
    for (who, target) in [(&binh, &location), (&lan, &unknown)] {
        let response = who.delete(target).await;
        expect_error_headers(response, 404, ApiErrorCode::NotFound).await;
    }
    assert_eq!(lan.head(&location).await.status(), 200);
    // Without the tus header: 412, like the other tus requests.
    let response = h
        .http
        .delete(h.url(&location))
        .bearer_auth(&lan.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 412);

    let response = lan.delete(&location).await;
    assert_eq!(response.status(), 204);
    assert!(!blob(h.dir.path(), &bytes).exists());
    assert_eq!(lan.head(&location).await.status(), 404);
    expect_error_headers(lan.delete(&location).await, 404, ApiErrorCode::NotFound).await;
    // A submission naming it now finds no upload.
    let response = lan.submit_permit("terminated-1", &location, &bytes).await;
    expect_error_headers(response, 422, ApiErrorCode::AttachmentInvalid).await;

    // An unfinished one: its part file goes too.
    let half = content(3000, 12);
    let location = lan.create(&half).await;
    assert_eq!(lan.patch(&location, 0, &half[..100]).await.status(), 204);
    assert!(part(h.dir.path(), &location).exists());
    assert_eq!(lan.delete(&location).await.status(), 204);
    assert!(!part(h.dir.path(), &location).exists());
    assert_eq!(lan.head(&location).await.status(), 404);

    // Attached to a dossier: kept.
    let kept = content(2000, 13);
    let location = lan.upload(&kept).await;
    assert_eq!(
        lan.submit_permit("terminated-2", &location, &kept)
            .await
            .status(),
        201
    );
    expect_error_headers(lan.delete(&location).await, 403, ApiErrorCode::Forbidden).await;
    assert!(blob(h.dir.path(), &kept).exists());

    // The same bytes uploaded again share the blob: deleting the second copy keeps it.
    let copy = lan.upload(&kept).await;
    assert_eq!(lan.delete(&copy).await.status(), 204);
    assert!(blob(h.dir.path(), &kept).exists());
}

#[tokio::test]
async fn stale_uploads_expire_answer_410_and_are_swept() {
    let h = harness_with(|config| {
        config.upload_expiry_secs = SHORT_EXPIRY_SECS;
        config.upload_quota_count = 1;
        // The test runs the sweep itself.
        config.upload_sweep_interval_secs = 3600;
    })
    .await;
    let lan = tus(&h, LAN).await;
    let bytes = content(3000, 21);
    let location = lan.create(&bytes).await;
    assert_eq!(lan.patch(&location, 0, &bytes[..1000]).await.status(), 204);
    assert!(part(h.dir.path(), &location).exists());
    wait_past_short_expiry().await;

    assert_eq!(lan.head(&location).await.status(), 410);
    let response = lan.patch(&location, 1000, &bytes[1000..]).await;
    expect_error_headers(response, 410, ApiErrorCode::UploadExpired).await;
    // An expired upload no longer counts against the quota, even before the sweep.
    let fresh = content(500, 22);
    let fresh_at = lan.create(&fresh).await;

    let sweep = h.portal.sweep_uploads().await.unwrap();
    assert_eq!(sweep.expired, 1, "{sweep:?}");
    assert!(!part(h.dir.path(), &location).exists());
    assert_eq!(lan.head(&location).await.status(), 404);
    // The fresh one is still there.
    assert_eq!(lan.head(&fresh_at).await.status(), 200);
}

#[tokio::test]
async fn files_no_dossier_needs_are_removed_and_referenced_blobs_survive() {
    let h = harness().await;
    let lan = tus(&h, LAN).await;
    let dir = h.dir.path().to_path_buf();

    let referenced = content(2000, 31);
    let referenced_at = lan.upload(&referenced).await;
    let response = lan
        .submit_permit("orphans-1", &referenced_at, &referenced)
        .await;
    assert_eq!(response.status(), 201);
    let dossier: Value = response.json().await.unwrap();
    let code = dossier["code"].as_str().unwrap().to_owned();
    // A second upload of the same bytes, never attached: it goes, the shared blob stays.
    let _copy = lan.upload(&referenced).await;
    let unattached = content(2000, 32);
    lan.upload(&unattached).await;
    let half = content(3000, 33);
    let half_at = lan.create(&half).await;
    assert_eq!(lan.patch(&half_at, 0, &half[..100]).await.status(), 204);
    // Files no upload owns (a crash, a removal that failed).
    let stray_blob = blob(&dir, b"nobody uploaded this");
    std::fs::create_dir_all(stray_blob.parent().unwrap()).unwrap();
    std::fs::write(&stray_blob, b"nobody uploaded this").unwrap();
    let stray_part = dir
        .join("uploads")
        .join(format!("{}.part", "ab".repeat(16)));
    std::fs::write(&stray_part, b"half").unwrap();
    // Not named as the portal names its files: left alone.
    let foreign = dir.join("blobs").join("README");
    std::fs::write(&foreign, b"x").unwrap();

    // A sweep while the portal runs: only the files nobody owns go.
    let sweep = h.portal.sweep_uploads().await.unwrap();
    assert_eq!(sweep.expired, 0, "{sweep:?}");
    assert!(!stray_blob.exists() && !stray_part.exists());
    assert!(blob(&dir, &unattached).exists() && part(&dir, &half_at).exists());
    assert!(foreign.exists());

    // Restarted with a short expiry after a while: the start's sweep removes the rest.
    // (The session outlives the restart; a new login would be another issuer's citizen,
    // the built-in provider's issuer being on another port.)
    let token = lan.token.clone();
    let Harness {
        portal,
        http,
        dir: temp,
        database,
    } = h;
    portal.shutdown().await;
    wait_past_short_expiry().await;
    let mut config = common::database::config(temp.path(), database.as_deref());
    config.upload_expiry_secs = SHORT_EXPIRY_SECS;
    let h = Harness {
        portal: start(config).await.unwrap(),
        http,
        dir: temp,
        database,
    };
    assert!(!blob(&dir, &unattached).exists());
    assert!(!part(&dir, &half_at).exists());
    assert!(blob(&dir, &referenced).exists());
    let lan = Tus { h: &h, token };
    assert_eq!(lan.head(&half_at).await.status(), 404);
    assert_eq!(lan.head(&referenced_at).await.status(), 200);
    let response = lan.get(&format!("{PATH_DOSSIERS}/{code}")).await;
    assert_eq!(response.status(), 200);
    // The referenced upload is never swept, however long it waits.
    wait_past_short_expiry().await;
    h.portal.sweep_uploads().await.unwrap();
    assert!(blob(&dir, &referenced).exists());
}

/// A submission that references an expired upload while a sweep runs: either the dossier
/// has the upload and its blob stays, or the sweep took it and the submission is refused.
#[tokio::test]
async fn a_sweep_never_removes_what_a_concurrent_submission_references() {
    let h = harness_with(|config| {
        config.upload_expiry_secs = SHORT_EXPIRY_SECS;
        config.upload_sweep_interval_secs = 3600;
    })
    .await;
    let lan = tus(&h, LAN).await;
    // One expired upload per round, so that every round is a race.
    for round in 0..3u8 {
        let bytes = content(1500, 40 + round);
        let location = lan.upload(&bytes).await;
        wait_past_short_expiry().await;
        let key = format!("race-{round}");
        let (submitted, swept) = tokio::join!(
            lan.submit_permit(&key, &location, &bytes),
            h.portal.sweep_uploads()
        );
        swept.unwrap();
        // A later sweep must not change the outcome either.
        h.portal.sweep_uploads().await.unwrap();
        match submitted.status().as_u16() {
            201 => assert!(blob(h.dir.path(), &bytes).exists(), "round {round}"),
            422 => assert!(!blob(h.dir.path(), &bytes).exists(), "round {round}"),
            other => panic!("round {round}: {other}"),
        }
    }
}
