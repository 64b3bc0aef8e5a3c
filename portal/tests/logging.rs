//! The portal's logs carry routes, statuses and latencies, never tokens, codes, query
//! strings or personal data. (Own test binary: it installs a global subscriber.)

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{REDIRECT_URI, harness};
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
    h.portal.shutdown().await;

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    if std::env::var_os("SHOW_LOGS").is_some() {
        eprintln!("{logs}");
    }
    assert!(logs.contains("route=/oidc/authorize"), "{logs}");
    assert!(logs.contains("route=/api/v1/session/refresh"), "{logs}");
    assert!(logs.contains("status=401"), "{logs}");
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
    ] {
        assert!(!logs.contains(secret), "the logs leak {secret:?}");
    }
}
