//! Attachment uploads (tus) and dossier submission: the good path with a lost PATCH answer
//! and a crash tail, idempotent replays (also across a restart and under concurrency), and
//! hostile input, each refused with the right code and nothing stored.

mod common;

use std::path::{Path, PathBuf};

use common::answers::{expect_error, sha256_hex};
use common::tus::{Tus, content, pdf_attachment, permit_form, tus, upload_id};
use common::{Harness, count, db, harness, harness_with};
use motcua_portal::{PortalConfig, start};
use motcua_protocol::api::ApiErrorCode;
use motcua_protocol::api::dossiers::{DossierSummary, MAX_SUBMISSION_BYTES, PATH_DOSSIERS};
use motcua_protocol::api::uploads::{
    MAX_ATTACHMENT_BYTES, MAX_PATCH_BYTES, PATH_UPLOADS, format_upload_metadata,
};
use motcua_protocol::dossier::DossierStatus;
use reqwest::Method;
use serde_json::{Value, json};

/// A procedure with a short form: re-issue of a building permit (1.013228), level 2, one
/// required document `application`.
const PROCEDURE: &str = "1.013228";
const REQUIREMENT: &str = "application";
/// Level 2 citizens.
const LAN: &str = "demo-0001";
const BINH: &str = "demo-0002";
/// A level 1 citizen.
const MINH: &str = "demo-0003";

/// What these tests add to the shared [`Tus`]: creation with its checks, the offset.
impl Tus<'_> {
    /// Creates an upload; returns its path (the `Location`).
    async fn create(&self, len: usize, filename: &str, filetype: &str, sha256: &str) -> String {
        let metadata = format_upload_metadata(&[
            ("filename", filename),
            ("filetype", filetype),
            ("sha256", sha256),
        ]);
        let response = self.create_with(&len.to_string(), &metadata).await;
        assert_eq!(response.status(), 201);
        assert_eq!(response.headers()["tus-resumable"], "1.0.0");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with("/api/v1/uploads/"), "{location}");
        location
    }

    async fn offset(&self, location: &str) -> u64 {
        let response = self.head(location).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["cache-control"], "no-store");
        response.headers()["upload-offset"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap()
    }

    /// Uploads `bytes` in one PATCH; returns the upload id.
    async fn upload(&self, bytes: &[u8], filename: &str, filetype: &str) -> String {
        let location = self
            .create(bytes.len(), filename, filetype, &sha256_hex(bytes))
            .await;
        let response = self.patch(&location, 0, bytes).await;
        assert_eq!(response.status(), 204);
        upload_id(&location).to_owned()
    }
}

fn attachment(upload_id: &str, bytes: &[u8], file_name: &str) -> Value {
    pdf_attachment(REQUIREMENT, upload_id, bytes, file_name)
}

fn submission(attachments: Vec<Value>) -> Value {
    json!({
        "procedure_code": PROCEDURE,
        "fields": permit_form(),
        "attachments": attachments,
    })
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                stack.push(path);
            } else {
                found.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    found.sort();
    found
}

/// The files the upload store holds: `.part` files and blobs.
fn stored_files(h: &Harness) -> Vec<PathBuf> {
    files_under(h.dir.path())
        .into_iter()
        .filter(|path| !path.to_string_lossy().starts_with("portal.sqlite"))
        .filter(|path| !path.ends_with(motcua_portal::ROOT_KEY_FILE))
        // The key store (and its journal while a write is under way).
        .filter(|path| !path.to_string_lossy().starts_with(motcua_portal::KEYS_FILE))
        .collect()
}

fn blob(h: &Harness, sha256: &str) -> PathBuf {
    h.dir.path().join("blobs").join(&sha256[..2]).join(sha256)
}

fn check_code(code: &str, sequence: &str) {
    let parts: Vec<&str> = code.split('-').collect();
    assert_eq!(parts.len(), 3, "{code}");
    assert_eq!(parts[0], motcua_portal::DEMO_AGENCY_CODE);
    assert_eq!(parts[1].len(), 6);
    assert!(parts[1].bytes().all(|b| b.is_ascii_digit()), "{code}");
    assert_eq!(parts[2], sequence, "{code}");
}

#[tokio::test]
async fn options_and_the_tus_version_are_checked() {
    let h = harness().await;
    let lan = tus(&h, LAN).await;
    let response = lan.options().await;
    assert_eq!(response.status(), 204);
    let headers = response.headers();
    assert_eq!(headers["tus-resumable"], "1.0.0");
    assert_eq!(headers["tus-version"], "1.0.0");
    assert_eq!(headers["tus-extension"], "creation,expiration,termination");
    assert_eq!(
        headers["tus-max-size"],
        MAX_ATTACHMENT_BYTES.to_string().as_str()
    );

    // Without a bearer token: 401 (with the tus header still).
    let response = h
        .http
        .request(Method::OPTIONS, h.url(PATH_UPLOADS))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["tus-resumable"], "1.0.0");
    expect_error(response, 401, ApiErrorCode::Unauthenticated).await;

    let metadata = format_upload_metadata(&[
        ("filename", "a.pdf"),
        ("filetype", "application/pdf"),
        ("sha256", &sha256_hex(b"x")),
    ]);
    for version in [None, Some("0.2.2"), Some("1.0"), Some("")] {
        let mut request = h
            .http
            .post(h.url(PATH_UPLOADS))
            .bearer_auth(&lan.token)
            .header("Upload-Length", "1")
            .header("Upload-Metadata", &metadata);
        if let Some(version) = version {
            request = request.header("Tus-Resumable", version);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.headers()["tus-version"], "1.0.0");
        expect_error(response, 412, ApiErrorCode::InvalidRequest).await;
    }
    assert_eq!(count(&h, "uploads").await, 0);
    h.portal.shutdown().await;
}

#[tokio::test]
async fn upload_in_chunks_with_a_lost_answer_then_submit_replay_list_and_get() {
    let h = harness().await;
    let lan = tus(&h, LAN).await;
    let file = content(250_000, 1);
    let sha = sha256_hex(&file);
    let location = lan
        .create(file.len(), "đơn đề nghị.pdf", "application/pdf", &sha)
        .await;
    assert_eq!(lan.offset(&location).await, 0);

    // Chunk 1.
    let response = lan.patch(&location, 0, &file[..100_000]).await;
    assert_eq!(response.status(), 204);
    assert_eq!(response.headers()["upload-offset"], "100000");
    assert_eq!(response.headers()["tus-resumable"], "1.0.0");

    // Chunk 2: the portal stores it, but the answer is lost on the way back.
    let _lost = lan.patch(&location, 100_000, &file[100_000..200_000]).await;
    // A blind retry of the same chunk is refused: the upload moved on.
    expect_error(
        lan.patch(&location, 100_000, &file[100_000..200_000]).await,
        409,
        ApiErrorCode::UploadOffsetMismatch,
    )
    .await;
    // The client asks where to resume.
    assert_eq!(lan.offset(&location).await, 200_000);

    // A crash after the portal synced bytes but before it recorded their offset leaves a
    // tail past the recorded offset; resuming from the offset overwrites it.
    let part = h
        .dir
        .path()
        .join("uploads")
        .join(format!("{}.part", upload_id(&location)));
    {
        use std::io::Write as _;
        let mut tail = std::fs::OpenOptions::new()
            .append(true)
            .open(&part)
            .unwrap();
        tail.write_all(b"garbage from before the crash").unwrap();
    }
    assert_eq!(lan.offset(&location).await, 200_000);

    // Chunk 3 completes the upload.
    let response = lan.patch(&location, 200_000, &file[200_000..]).await;
    assert_eq!(response.status(), 204);
    assert_eq!(response.headers()["upload-offset"], "250000");
    let head = lan.head(&location).await;
    assert_eq!(head.headers()["upload-offset"], "250000");
    assert_eq!(head.headers()["upload-length"], "250000");
    // The bytes are a content-addressed blob; the part file is gone.
    assert_eq!(std::fs::read(blob(&h, &sha)).unwrap(), file);
    assert!(!part.exists());
    // An empty PATCH at the end is harmless; one more byte is not.
    assert_eq!(lan.patch(&location, 250_000, &[]).await.status(), 204);
    expect_error(
        lan.patch(&location, 250_000, &[1]).await,
        413,
        ApiErrorCode::PayloadTooLarge,
    )
    .await;

    // Submit.
    let id = upload_id(&location);
    let body = submission(vec![attachment(id, &file, "đơn đề nghị.pdf")]);
    let response = lan.submit(Some("key-0001"), &body).await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let location_header = response.headers()["location"].to_str().unwrap().to_owned();
    let first: DossierSummary = response.json().await.unwrap();
    check_code(&first.code, "0001");
    assert_eq!(location_header, format!("{PATH_DOSSIERS}/{}", first.code));
    assert_eq!(first.procedure_code, PROCEDURE);
    assert_eq!(first.status, DossierStatus::Submitted);
    assert!(
        first.submitted_at.ends_with("+07:00"),
        "{}",
        first.submitted_at
    );
    assert_eq!(first.attachments.len(), 1);
    assert_eq!(first.attachments[0].sha256, sha);
    assert_eq!(first.attachments[0].size, 250_000);
    assert_eq!(first.attachments[0].requirement, REQUIREMENT);
    // The stored values are the normalised ones.
    let stored: String = db(&h).value("SELECT fields FROM dossiers", &[]).await;
    let stored: Value = serde_json::from_str(&stored).unwrap();
    assert_eq!(stored["phone"], "0912345678");

    // The same request again (other spacing and member order): the same answer.
    let fields = permit_form();
    let raw = format!(
        r#"{{ "attachments": [{}],
              "fields": {fields},
              "procedure_code": "{PROCEDURE}" }}"#,
        attachment(id, &file, "đơn đề nghị.pdf")
    );
    let response = lan.submit_raw(Some("key-0001"), &raw).await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["idempotent-replayed"], "true");
    let again: DossierSummary = response.json().await.unwrap();
    assert_eq!(again, first);

    // The same key with another body.
    let mut other = body.clone();
    other["fields"]["reason"] = json!("damaged");
    expect_error(
        lan.submit(Some("key-0001"), &other).await,
        422,
        ApiErrorCode::IdempotencyKeyReused,
    )
    .await;

    // Another submission (the same upload may serve again): the next number of the day.
    let response = lan.submit(Some("key-0002"), &other).await;
    assert_eq!(response.status(), 201);
    let second: DossierSummary = response.json().await.unwrap();
    check_code(&second.code, "0002");
    assert_eq!(count(&h, "dossiers").await, 2);

    // Listed newest first, and one by one.
    let list: Vec<DossierSummary> = lan.get(PATH_DOSSIERS).await.json().await.unwrap();
    assert_eq!(list, vec![second.clone(), first.clone()]);
    let response = lan.get(&format!("{PATH_DOSSIERS}/{}", first.code)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let one: DossierSummary = response.json().await.unwrap();
    assert_eq!(one, first);

    // Another citizen sees none of it and cannot use the upload.
    let binh = tus(&h, BINH).await;
    let list: Vec<DossierSummary> = binh.get(PATH_DOSSIERS).await.json().await.unwrap();
    assert!(list.is_empty());
    expect_error(
        binh.get(&format!("{PATH_DOSSIERS}/{}", first.code)).await,
        404,
        ApiErrorCode::NotFound,
    )
    .await;
    expect_error(
        binh.get(&format!("{PATH_DOSSIERS}/000.00.00.H00-000000-9999"))
            .await,
        404,
        ApiErrorCode::NotFound,
    )
    .await;
    assert_eq!(binh.head(&location).await.status(), 404);
    expect_error(
        binh.patch(&location, 250_000, &[]).await,
        404,
        ApiErrorCode::NotFound,
    )
    .await;
    let body = expect_error(
        binh.submit(
            Some("key-0001"),
            &submission(vec![attachment(id, &file, "x.pdf")]),
        )
        .await,
        422,
        ApiErrorCode::AttachmentInvalid,
    )
    .await;
    assert_eq!(body.error.fields[0].field, "attachments.application");
    assert_eq!(body.error.fields[0].code, "upload_unknown");
    assert_eq!(count(&h, "dossiers").await, 2);
    h.portal.shutdown().await;
}

#[tokio::test]
async fn the_same_content_twice_is_one_blob() {
    let h = harness().await;
    let lan = tus(&h, LAN).await;
    let binh = tus(&h, BINH).await;
    let file = content(5_000, 2);
    lan.upload(&file, "a.png", "image/png").await;
    binh.upload(&file, "b.png", "image/png").await;
    let files = stored_files(&h);
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(std::fs::read(blob(&h, &sha256_hex(&file))).unwrap(), file);
    h.portal.shutdown().await;
}

#[tokio::test]
async fn hostile_uploads_are_refused_and_nothing_is_stored() {
    let h = harness().await;
    let lan = tus(&h, LAN).await;
    let sha = sha256_hex(b"x");
    let good = format_upload_metadata(&[
        ("filename", "a.pdf"),
        ("filetype", "application/pdf"),
        ("sha256", &sha),
    ]);

    // Lengths.
    let too_big = (MAX_ATTACHMENT_BYTES + 1).to_string();
    expect_error(
        lan.create_with(&too_big, &good).await,
        413,
        ApiErrorCode::PayloadTooLarge,
    )
    .await;
    for length in ["", "0", "-1", "abc", "1e3", "99999999999999999999999"] {
        expect_error(
            lan.create_with(length, &good).await,
            400,
            ApiErrorCode::InvalidRequest,
        )
        .await;
    }
    let response = lan
        .request(Method::POST, PATH_UPLOADS)
        .header("Upload-Metadata", &good)
        .send()
        .await
        .unwrap();
    expect_error(response, 400, ApiErrorCode::InvalidRequest).await;

    // Metadata.
    for (filetype, status, code) in [
        ("text/html", 415, ApiErrorCode::UnsupportedMediaType),
        ("image/svg+xml", 415, ApiErrorCode::UnsupportedMediaType),
        (
            "application/pdf; x=1",
            415,
            ApiErrorCode::UnsupportedMediaType,
        ),
    ] {
        let metadata = format_upload_metadata(&[
            ("filename", "a.pdf"),
            ("filetype", filetype),
            ("sha256", &sha),
        ]);
        expect_error(lan.create_with("1", &metadata).await, status, code).await;
    }
    let long_name = "x".repeat(256);
    for metadata in [
        String::new(),
        "filename !!!".into(),
        format_upload_metadata(&[("filename", "a.pdf"), ("filetype", "application/pdf")]),
        format_upload_metadata(&[("filetype", "application/pdf"), ("sha256", &sha)]),
        format_upload_metadata(&[
            ("filename", "a.pdf"),
            ("filetype", "application/pdf"),
            ("sha256", "abc"),
        ]),
        format_upload_metadata(&[
            ("filename", "a\u{0}.pdf"),
            ("filetype", "application/pdf"),
            ("sha256", &sha),
        ]),
        format_upload_metadata(&[
            ("filename", &long_name),
            ("filetype", "application/pdf"),
            ("sha256", &sha),
        ]),
    ] {
        expect_error(
            lan.create_with("1", &metadata).await,
            400,
            ApiErrorCode::InvalidRequest,
        )
        .await;
    }
    let response = lan
        .request(Method::POST, PATH_UPLOADS)
        .header("Upload-Length", "1")
        .header("Upload-Defer-Length", "1")
        .header("Upload-Metadata", &good)
        .send()
        .await
        .unwrap();
    expect_error(response, 400, ApiErrorCode::InvalidRequest).await;
    assert_eq!(count(&h, "uploads").await, 0);
    assert!(stored_files(&h).is_empty());

    // Path traversal and garbage in upload ids: 404, never a file outside the store.
    for path in [
        "/api/v1/uploads/..%2F..%2Fportal.sqlite",
        "/api/v1/uploads/..%2Fportal.sqlite",
        "/api/v1/uploads/%2E%2E",
        "/api/v1/uploads/portal.sqlite",
        "/api/v1/uploads/ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ",
        "/api/v1/uploads/0123456789ABCDEF0123456789ABCDEF",
        "/api/v1/uploads/0123456789abcdef0123456789abcdef",
        "/api/v1/uploads/%00",
    ] {
        assert_eq!(lan.head(path).await.status(), 404, "{path}");
        expect_error(lan.patch(path, 0, b"x").await, 404, ApiErrorCode::NotFound).await;
    }
    let long = format!("/api/v1/uploads/{}", "a".repeat(10_000));
    assert_eq!(lan.head(&long).await.status(), 404);

    // A file name that looks like a path is only a name.
    let file = content(1_000, 3);
    let location = lan
        .create(
            file.len(),
            "../../etc/passwd",
            "application/pdf",
            &sha256_hex(&file),
        )
        .await;
    let name: String = db(&h).value("SELECT file_name FROM uploads", &[]).await;
    assert_eq!(name, "../../etc/passwd");

    // PATCH problems.
    let part_of = |location: &str| format!("uploads/{}.part", upload_id(location));
    let response = lan
        .request(Method::PATCH, &location)
        .header("Content-Type", "application/octet-stream")
        .header("Upload-Offset", "0")
        .body(file.clone())
        .send()
        .await
        .unwrap();
    expect_error(response, 415, ApiErrorCode::UnsupportedMediaType).await;
    let response = lan
        .request(Method::PATCH, &location)
        .header("Content-Type", "application/offset+octet-stream")
        .body(file.clone())
        .send()
        .await
        .unwrap();
    expect_error(response, 400, ApiErrorCode::InvalidRequest).await;
    let response = lan
        .h
        .http
        .patch(h.url(&location))
        .bearer_auth(&lan.token)
        .header("Content-Type", "application/offset+octet-stream")
        .header("Upload-Offset", "0")
        .body(file.clone())
        .send()
        .await
        .unwrap();
    expect_error(response, 412, ApiErrorCode::InvalidRequest).await;
    expect_error(
        lan.patch(&location, 10, &file[10..]).await,
        409,
        ApiErrorCode::UploadOffsetMismatch,
    )
    .await;
    let mut longer = file.clone();
    longer.push(0);
    expect_error(
        lan.patch(&location, 0, &longer).await,
        413,
        ApiErrorCode::PayloadTooLarge,
    )
    .await;
    assert_eq!(lan.offset(&location).await, 0);
    assert!(stored_files(&h).is_empty());

    // A body over the PATCH limit.
    let big = content(MAX_PATCH_BYTES + 1, 4);
    let big_location = lan
        .create(
            big.len() + 10,
            "big.pdf",
            "application/pdf",
            &sha256_hex(&big),
        )
        .await;
    expect_error(
        lan.patch(&big_location, 0, &big).await,
        413,
        ApiErrorCode::PayloadTooLarge,
    )
    .await;
    assert_eq!(lan.offset(&big_location).await, 0);
    assert!(stored_files(&h).is_empty());

    // The path-like name: the upload works, and only the store's own files exist.
    assert_eq!(lan.patch(&location, 0, &file[..500]).await.status(), 204);
    assert_eq!(stored_files(&h), vec![PathBuf::from(part_of(&location))]);
    assert_eq!(lan.patch(&location, 500, &file[500..]).await.status(), 204);
    let sha = sha256_hex(&file);
    assert_eq!(
        stored_files(&h),
        vec![PathBuf::from(format!("blobs/{}/{sha}", &sha[..2]))]
    );

    // Bytes that are not the declared ones: the upload fails and nothing is kept.
    let declared = content(2_000, 5);
    let actual = content(2_000, 6);
    let failing = lan
        .create(2_000, "scan.jpg", "image/jpeg", &sha256_hex(&declared))
        .await;
    assert_eq!(lan.patch(&failing, 0, &actual[..1_000]).await.status(), 204);
    expect_error(
        lan.patch(&failing, 1_000, &actual[1_000..]).await,
        422,
        ApiErrorCode::AttachmentInvalid,
    )
    .await;
    assert_eq!(lan.head(&failing).await.status(), 410);
    expect_error(
        lan.patch(&failing, 2_000, &[]).await,
        410,
        ApiErrorCode::AttachmentInvalid,
    )
    .await;
    let status: String = db(&h)
        .value(
            "SELECT status FROM uploads WHERE id = ?1",
            &[upload_id(&failing).into()],
        )
        .await;
    assert_eq!(status, "failed");
    assert_eq!(stored_files(&h).len(), 1);
    assert!(!blob(&h, &sha256_hex(&declared)).exists());
    assert!(!blob(&h, &sha256_hex(&actual)).exists());

    // Nothing was written outside the data directory's store.
    assert!(!h.dir.path().join("etc").exists());
    assert!(
        !h.dir
            .path()
            .parent()
            .unwrap()
            .join("etc/passwd.part")
            .exists()
    );
    h.portal.shutdown().await;
}

#[tokio::test]
async fn hostile_submissions_are_refused_and_nothing_is_stored() {
    let h = harness().await;
    let lan = tus(&h, LAN).await;
    let file = content(3_000, 7);
    let id = lan.upload(&file, "a.pdf", "application/pdf").await;
    let good = submission(vec![attachment(&id, &file, "a.pdf")]);

    // The idempotency key.
    let long_key = "k".repeat(129);
    for key in [None, Some(""), Some("has space"), Some(long_key.as_str())] {
        expect_error(
            lan.submit(key, &good).await,
            400,
            ApiErrorCode::InvalidRequest,
        )
        .await;
    }
    let response = h
        .http
        .post(h.url(PATH_DOSSIERS))
        .bearer_auth(&lan.token)
        .header("Idempotency-Key", "a")
        .header("Idempotency-Key", "b")
        .json(&good)
        .send()
        .await
        .unwrap();
    expect_error(response, 400, ApiErrorCode::InvalidRequest).await;
    let response = h
        .http
        .post(h.url(PATH_DOSSIERS))
        .header("Idempotency-Key", "k")
        .json(&good)
        .send()
        .await
        .unwrap();
    expect_error(response, 401, ApiErrorCode::Unauthenticated).await;

    // Malformed bodies and wrong types.
    for raw in [
        "",
        "{",
        "null",
        "[]",
        r#"{"procedure_code": 1, "fields": {}, "attachments": []}"#,
        r#"{"procedure_code": "1.013228", "fields": [], "attachments": []}"#,
        r#"{"procedure_code": "1.013228", "fields": {"phone": 912345678}, "attachments": []}"#,
        r#"{"procedure_code": "1.013228", "fields": {}, "attachments": "x"}"#,
        r#"{"procedure_code": "1.013228", "fields": {}, "attachments": [{"requirement": "application"}]}"#,
        r#"{"procedure_code": "1.013228", "fields": {}, "attachments": [{"requirement": "application", "upload_id": "x", "sha256": "x", "size": -1, "media_type": "x", "file_name": "x"}]}"#,
        r#"{"fields": {}, "attachments": []}"#,
        "\u{feff}{}",
    ] {
        expect_error(
            lan.submit_raw(Some("key-bad"), raw).await,
            400,
            ApiErrorCode::InvalidRequest,
        )
        .await;
    }
    let response = h
        .http
        .post(h.url(PATH_DOSSIERS))
        .bearer_auth(&lan.token)
        .header("Idempotency-Key", "key-bad")
        .body(good.to_string())
        .send()
        .await
        .unwrap();
    expect_error(response, 400, ApiErrorCode::InvalidRequest).await;

    // Oversized.
    let mut huge = good.clone();
    huge["fields"]["owner_name"] = json!("x".repeat(MAX_SUBMISSION_BYTES));
    expect_error(
        lan.submit(Some("key-huge"), &huge).await,
        413,
        ApiErrorCode::PayloadTooLarge,
    )
    .await;

    // Unknown procedure.
    let mut unknown = good.clone();
    unknown["procedure_code"] = json!("9.999999");
    let body = expect_error(
        lan.submit(Some("key-1"), &unknown).await,
        422,
        ApiErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(body.error.fields.len(), 1);
    assert_eq!(body.error.fields[0].field, "procedure_code");
    assert_eq!(body.error.fields[0].code, "unknown_procedure");
    assert!(!body.error.fields[0].message_vi.is_empty());

    // Form values that break the rules, an unknown field.
    let mut bad_form = good.clone();
    bad_form["fields"]["phone"] = json!("not a phone");
    bad_form["fields"]["reason"] = json!("stolen");
    bad_form["fields"]["extra"] = json!("x");
    let body = expect_error(
        lan.submit(Some("key-1"), &bad_form).await,
        422,
        ApiErrorCode::ValidationFailed,
    )
    .await;
    let fields: Vec<&str> = body.error.fields.iter().map(|f| f.field.as_str()).collect();
    for field in ["phone", "reason", "extra"] {
        assert!(fields.contains(&field), "{fields:?}");
    }

    // Documents: a required one missing, an unknown one.
    let body = expect_error(
        lan.submit(Some("key-1"), &submission(vec![])).await,
        422,
        ApiErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(body.error.fields[0].field, "attachments.application");
    assert_eq!(body.error.fields[0].code, "document_required");
    let mut unknown_document = attachment(&id, &file, "a.pdf");
    unknown_document["requirement"] = json!("../../secret");
    let body = expect_error(
        lan.submit(
            Some("key-1"),
            &submission(vec![attachment(&id, &file, "a.pdf"), unknown_document]),
        )
        .await,
        422,
        ApiErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(body.error.fields[0].field, "attachments.../../secret");
    assert_eq!(body.error.fields[0].code, "unknown_document");

    // Attachments that are not what they claim.
    let incomplete = lan
        .create(10, "b.pdf", "application/pdf", &sha256_hex(&[0; 10]))
        .await;
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"sha256": sha256_hex(b"other")}),
            "attachment_mismatch",
        ),
        (json!({"size": 2_999}), "attachment_mismatch"),
        (json!({"media_type": "image/png"}), "attachment_mismatch"),
        (
            json!({"upload_id": upload_id(&incomplete)}),
            "upload_incomplete",
        ),
        (json!({"upload_id": "0".repeat(32)}), "upload_unknown"),
        (
            json!({"upload_id": "../../portal.sqlite"}),
            "attachment_declaration_invalid",
        ),
        (json!({"sha256": "zz"}), "attachment_declaration_invalid"),
        (
            json!({"media_type": "text/html"}),
            "attachment_declaration_invalid",
        ),
        (json!({"size": 0}), "attachment_declaration_invalid"),
        (json!({"file_name": ""}), "attachment_declaration_invalid"),
    ];
    for (change, code) in cases {
        let mut item = attachment(&id, &file, "a.pdf");
        for (key, value) in change.as_object().unwrap() {
            item[key] = value.clone();
        }
        let body = expect_error(
            lan.submit(Some("key-1"), &submission(vec![item])).await,
            422,
            ApiErrorCode::AttachmentInvalid,
        )
        .await;
        assert_eq!(body.error.fields.len(), 1, "{change}");
        assert_eq!(body.error.fields[0].field, "attachments.application");
        assert_eq!(body.error.fields[0].code, code, "{change}");
    }

    // Another citizen's upload.
    let binh = tus(&h, BINH).await;
    let theirs = binh.upload(&file, "a.pdf", "application/pdf").await;
    let body = expect_error(
        lan.submit(
            Some("key-1"),
            &submission(vec![attachment(&theirs, &file, "a.pdf")]),
        )
        .await,
        422,
        ApiErrorCode::AttachmentInvalid,
    )
    .await;
    assert_eq!(body.error.fields[0].code, "upload_unknown");

    // A level 1 identity may not file a level 2 procedure online.
    let minh = tus(&h, MINH).await;
    let mine = minh.upload(&file, "a.pdf", "application/pdf").await;
    expect_error(
        minh.submit(
            Some("key-1"),
            &submission(vec![attachment(&mine, &file, "a.pdf")]),
        )
        .await,
        403,
        ApiErrorCode::Forbidden,
    )
    .await;

    // Nothing of it was stored.
    for table in [
        "dossiers",
        "dossier_attachments",
        "idempotency_keys",
        "dossier_sequences",
    ] {
        assert_eq!(count(&h, table).await, 0, "{table}");
    }

    // A refused submission keeps no answer: the key serves the corrected one.
    let response = lan.submit(Some("key-1"), &good).await;
    assert_eq!(response.status(), 201);
    let summary: DossierSummary = response.json().await.unwrap();
    check_code(&summary.code, "0001");

    // Garbage dossier codes are simply not found.
    for path in [
        "/api/v1/dossiers/..%2F..%2Fportal.sqlite",
        "/api/v1/dossiers/%27%20OR%201%3D1%20--",
        "/api/v1/dossiers/%00",
    ] {
        expect_error(lan.get(path).await, 404, ApiErrorCode::NotFound).await;
    }
    h.portal.shutdown().await;
}

#[tokio::test]
async fn a_restart_keeps_the_answer_of_a_key() {
    let h = harness().await;
    let lan = tus(&h, LAN).await;
    let file = content(4_000, 9);
    let id = lan.upload(&file, "a.pdf", "application/pdf").await;
    let body = submission(vec![attachment(&id, &file, "a.pdf")]);
    let response = lan.submit(Some("restart-key"), &body).await;
    assert_eq!(response.status(), 201);
    let first: DossierSummary = response.json().await.unwrap();
    let token = lan.token.clone();

    let h = h.restart_with(|_| {}).await;
    let lan = Tus { h: &h, token };

    let response = lan.submit(Some("restart-key"), &body).await;
    assert_eq!(response.status(), 201);
    let again: DossierSummary = response.json().await.unwrap();
    assert_eq!(again, first);
    assert_eq!(count(&h, "dossiers").await, 1);
    // The upload is still complete after the restart, and the next code follows on.
    let response = lan.submit(Some("restart-key-2"), &body).await;
    assert_eq!(response.status(), 201);
    let next: DossierSummary = response.json().await.unwrap();
    check_code(&next.code, "0002");
    h.portal.shutdown().await;
}

#[tokio::test]
async fn concurrent_submissions_with_one_key_make_one_dossier() {
    let h = harness().await;
    let lan = tus(&h, LAN).await;
    let file = content(4_000, 10);
    let id = lan.upload(&file, "a.pdf", "application/pdf").await;
    let body = submission(vec![attachment(&id, &file, "a.pdf")]);
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let http = h.http.clone();
        let url = h.url(PATH_DOSSIERS);
        let token = lan.token.clone();
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            let response = http
                .post(url)
                .bearer_auth(token)
                .header("Idempotency-Key", "same-key")
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 201);
            response.json::<DossierSummary>().await.unwrap()
        }));
    }
    let mut codes = Vec::new();
    for task in tasks {
        codes.push(task.await.unwrap().code);
    }
    codes.dedup();
    assert_eq!(codes.len(), 1, "{codes:?}");
    assert_eq!(count(&h, "dossiers").await, 1);
    assert_eq!(count(&h, "idempotency_keys").await, 1);
    h.portal.shutdown().await;
}

#[tokio::test]
async fn concurrent_patches_of_one_upload_do_not_interleave() {
    let h = harness().await;
    let lan = tus(&h, LAN).await;
    let file = content(200_000, 11);
    let location = lan
        .create(file.len(), "a.pdf", "application/pdf", &sha256_hex(&file))
        .await;
    // Eight clients race to write the first half: exactly one wins.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let http = h.http.clone();
        let url = h.url(&location);
        let token = lan.token.clone();
        let half = file[..100_000].to_vec();
        tasks.push(tokio::spawn(async move {
            http.patch(url)
                .bearer_auth(token)
                .header("Tus-Resumable", "1.0.0")
                .header("Content-Type", "application/offset+octet-stream")
                .header("Upload-Offset", "0")
                .body(half)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|&&s| s == 204).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|&s| s == 204 || s == 409),
        "{statuses:?}"
    );
    assert_eq!(lan.offset(&location).await, 100_000);
    assert_eq!(
        lan.patch(&location, 100_000, &file[100_000..])
            .await
            .status(),
        204
    );
    assert_eq!(std::fs::read(blob(&h, &sha256_hex(&file))).unwrap(), file);
    h.portal.shutdown().await;
}

#[tokio::test]
async fn missing_documents_may_be_accepted_by_configuration() {
    let h = harness_with(|config| {
        config.accept_missing_documents = true;
        config.agency_code = "000.00.14.H56".into();
    })
    .await;
    let lan = tus(&h, LAN).await;
    let response = lan.submit(Some("k"), &submission(vec![])).await;
    assert_eq!(response.status(), 201);
    let summary: DossierSummary = response.json().await.unwrap();
    assert!(
        summary.code.starts_with("000.00.14.H56-"),
        "{}",
        summary.code
    );
    h.portal.shutdown().await;

    let dir = tempfile::tempdir().unwrap();
    let mut config = PortalConfig::for_tests(dir.path());
    config.agency_code = "../x".into();
    assert!(start(config).await.is_err());
}

#[tokio::test]
async fn a_part_file_lost_in_a_crash_rewinds_the_upload() {
    let h = harness().await;
    let lan = tus(&h, LAN).await;
    let file = content(3_000, 12);
    let location = lan
        .create(file.len(), "a.pdf", "application/pdf", &sha256_hex(&file))
        .await;
    assert_eq!(lan.patch(&location, 0, &file[..1_000]).await.status(), 204);
    // The bytes on disk are gone (a crash after the final rename, before the upload was
    // recorded complete, looks the same): the offset never claims bytes the disk lacks.
    let part = h
        .dir
        .path()
        .join("uploads")
        .join(format!("{}.part", upload_id(&location)));
    std::fs::remove_file(&part).unwrap();
    expect_error(
        lan.patch(&location, 1_000, &file[1_000..]).await,
        409,
        ApiErrorCode::UploadOffsetMismatch,
    )
    .await;
    assert_eq!(lan.offset(&location).await, 0);
    assert_eq!(lan.patch(&location, 0, &file).await.status(), 204);
    assert_eq!(std::fs::read(blob(&h, &sha256_hex(&file))).unwrap(), file);
    h.portal.shutdown().await;
}

#[tokio::test]
async fn part_files_of_finished_uploads_are_swept_at_start() {
    let h = harness().await;
    let lan = tus(&h, LAN).await;
    let file = content(1_000, 13);
    let id = lan.upload(&file, "a.pdf", "application/pdf").await;
    let receiving = lan
        .create(10, "b.pdf", "application/pdf", &sha256_hex(&[0; 10]))
        .await;
    assert_eq!(lan.patch(&receiving, 0, &[0; 5]).await.status(), 204);
    // A crash after completion, before the part file was removed, leaves one behind.
    let uploads = h.dir.path().join("uploads");
    std::fs::write(uploads.join(format!("{id}.part")), &file).unwrap();
    std::fs::write(uploads.join("notes.txt"), b"not ours").unwrap();

    let h = h.restart_with(|_| {}).await;
    let uploads = h.dir.path().join("uploads");
    assert!(!uploads.join(format!("{id}.part")).exists());
    assert!(
        uploads
            .join(format!("{}.part", upload_id(&receiving)))
            .exists()
    );
    assert!(uploads.join("notes.txt").exists());
    h.portal.shutdown().await;
}
