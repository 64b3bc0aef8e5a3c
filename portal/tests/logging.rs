//! The portal's logs carry routes, statuses and latencies, never tokens, codes, query
//! strings or personal data. (Own test binary: it installs a global subscriber.)

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::tus::{Tus, pdf_attachment, permit_form, upload_id};
use common::{REDIRECT_URI, get_as, harness};
use motcua_protocol::api::{PATH_ME, SessionResponse};

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
    let session: SessionResponse = h.post_session(&id_token).await.json().await.unwrap();
    get_as(&h, &session.access_token, PATH_ME).await;
    let refreshed: SessionResponse = h
        .refresh(&session.refresh_token)
        .await
        .json()
        .await
        .unwrap();
    h.refresh(&session.refresh_token).await;
    h.http
        .get(h.url("/api/v1/me?secret=query-value"))
        .send()
        .await
        .unwrap();

    // An upload and a submission whose file name, values and key must stay out of the logs
    // (in a new session: the refresh-token reuse above ended the first one).
    let second_id_token = h.id_token_for("demo-0001").await;
    let second: SessionResponse = h.post_session(&second_id_token).await.json().await.unwrap();
    let file = b"%PDF-1.4 scanned application".to_vec();
    let citizen = Tus::with_token(&h, &second.access_token);
    let location = citizen.upload_pdf(&file, "don-cua-ba-Lan.pdf").await;
    // The owner's name is filled from the identity: the form's is the citizen's own. The
    // phone number is one the logs are searched for below.
    let mut fields = permit_form();
    fields["phone"] = "0912345678".into();
    let body = serde_json::json!({
        "procedure_code": "1.013228",
        "fields": fields,
        "attachments": [pdf_attachment(
            "application",
            upload_id(&location),
            &file,
            "don-cua-ba-Lan.pdf",
        )],
    });
    let submitted = citizen.submit(Some("idem-key-in-logs?"), &body).await;
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
