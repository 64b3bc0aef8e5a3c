//! The portal's logs carry routes, statuses and latencies, never tokens, codes, query
//! strings or personal data. (Own test binary: it installs a global subscriber.)

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{REDIRECT_URI, harness};
use motcua_protocol::api::dossiers::PATH_DOSSIERS;
use motcua_protocol::api::uploads::{PATH_UPLOADS, format_upload_metadata};
use motcua_protocol::api::{PATH_ME, PATH_SESSION, PATH_SESSION_REFRESH, SessionResponse};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn logs_have_routes_but_no_secrets_or_personal_data() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("motcua_portal=trace"))
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let h = harness().await;
    let login = h.login_as("demo-0001").await;
    let tokens: motcua_protocol::oidc::TokenResponse = h
        .token_request(&login.code, &login.verifier, REDIRECT_URI)
        .await
        .json()
        .await
        .unwrap();
    let id_token = tokens.id_token.clone().unwrap();
    let session: SessionResponse = h
        .http
        .post(h.url(PATH_SESSION))
        .json(&serde_json::json!({ "id_token": id_token }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    h.http
        .get(h.url(PATH_ME))
        .bearer_auth(&session.access_token)
        .send()
        .await
        .unwrap();
    let refreshed: SessionResponse = h
        .http
        .post(h.url(PATH_SESSION_REFRESH))
        .json(&serde_json::json!({ "refresh_token": session.refresh_token }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    h.http
        .post(h.url(PATH_SESSION_REFRESH))
        .json(&serde_json::json!({ "refresh_token": session.refresh_token }))
        .send()
        .await
        .unwrap();
    h.http
        .get(h.url("/api/v1/me?secret=query-value"))
        .send()
        .await
        .unwrap();

    // An upload and a submission whose file name, values and key must stay out of the logs
    // (in a new session: the refresh-token reuse above ended the first one).
    let second_id_token = h.id_token_for("demo-0001").await;
    let second: SessionResponse = h
        .http
        .post(h.url(PATH_SESSION))
        .json(&serde_json::json!({ "id_token": second_id_token }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let file = b"%PDF-1.4 scanned application".to_vec();
    let digest: String = ring::digest::digest(&ring::digest::SHA256, &file)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let created = h
        .http
        .post(h.url(PATH_UPLOADS))
        .bearer_auth(&second.access_token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", file.len().to_string())
        .header(
            "Upload-Metadata",
            format_upload_metadata(&[
                ("filename", "don-cua-ba-Lan.pdf"),
                ("filetype", "application/pdf"),
                ("sha256", &digest),
            ]),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let upload_id = location.rsplit('/').next().unwrap().to_owned();
    let patched = h
        .http
        .patch(h.url(&location))
        .bearer_auth(&second.access_token)
        .header("Tus-Resumable", "1.0.0")
        .header("Content-Type", "application/offset+octet-stream")
        .header("Upload-Offset", "0")
        .body(file.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 204);
    let submitted = h
        .http
        .post(h.url(PATH_DOSSIERS))
        .bearer_auth(&second.access_token)
        .header("Idempotency-Key", "idem-key-in-logs?")
        .json(&serde_json::json!({
            "procedure_code": "1.013228",
            "fields": {
                // Filled from the identity: it must be the citizen's own name.
                "owner_name": "Nguyễn Thị Lan",
                "reason": "lost",
                "permit_unit": "00004",
                "phone": "0912345678",
            },
            "attachments": [{
                "requirement": "application",
                "upload_id": upload_id,
                "sha256": digest,
                "size": file.len(),
                "media_type": "application/pdf",
                "file_name": "don-cua-ba-Lan.pdf",
            }],
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(submitted.status(), 201);
    h.portal.shutdown().await;

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    if std::env::var_os("SHOW_LOGS").is_some() {
        eprintln!("{logs}");
    }
    assert!(logs.contains("route=/oidc/authorize"), "{logs}");
    assert!(logs.contains("route=/api/v1/session/refresh"), "{logs}");
    assert!(logs.contains("status=401"), "{logs}");
    assert!(logs.contains("route=/api/v1/dossiers"), "{logs}");
    assert!(logs.contains("route=/api/v1/uploads/{id}"), "{logs}");
    let citizen = &motcua_portal::demo_citizens()[0];
    for secret in [
        login.code.as_str(),
        login.verifier.as_str(),
        login.nonce.as_str(),
        login.state.as_str(),
        tokens.access_token.as_str(),
        id_token.as_str(),
        session.access_token.as_str(),
        session.refresh_token.as_str(),
        refreshed.access_token.as_str(),
        refreshed.refresh_token.as_str(),
        citizen.full_name,
        citizen.personal_id,
        citizen.address,
        citizen.birth_date,
        "query-value",
        "don-cua-ba-Lan",
        "0912345678",
        "idem-key-in-logs",
        second_id_token.as_str(),
        second.access_token.as_str(),
    ] {
        assert!(!logs.contains(secret), "the logs leak {secret:?}");
    }
}
