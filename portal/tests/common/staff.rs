//! Desk staff as the tests log them in, and the portal the desk tests run.

use motcua_portal::DEFAULT_DESK_DEMO_PASSWORD;
use motcua_protocol::api::desk::{PATH_DESK_DOSSIERS, PATH_DESK_SESSION, StaffSessionResponse};
use reqwest::Response;
use serde_json::{Value, json};

use super::{Harness, harness_with};

/// The demo reception officer.
pub const RECEPTION: &str = "tiepnhan";
/// The demo specialist.
pub const SPECIALIST: &str = "chuyenvien";

/// A portal that takes submissions without attachments: the desk asks for paper documents
/// at intake.
pub async fn desk_harness() -> Harness {
    harness_with(|config| config.accept_missing_documents = true).await
}

/// Posts a staff login.
pub async fn staff_login_with(h: &Harness, username: &str, password: &str) -> Response {
    h.http
        .post(h.url(PATH_DESK_SESSION))
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap()
}

/// Logs `username` in with the demo password (asserting it succeeds).
pub async fn staff_session(h: &Harness, username: &str) -> StaffSessionResponse {
    let response = staff_login_with(h, username, DEFAULT_DESK_DEMO_PASSWORD).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// Logs `username` in with the demo password (asserting it succeeds); its access token.
pub async fn staff_token(h: &Harness, username: &str) -> String {
    staff_session(h, username).await.access_token
}

/// The desk's actions route of dossier `code`.
pub fn actions_path(code: &str) -> String {
    format!("{PATH_DESK_DOSSIERS}/{code}/actions")
}

/// Posts `body` (an action and what goes with it) on dossier `code` with a staff `token`;
/// the answer as it is.
pub async fn act_raw(h: &Harness, token: &str, code: &str, body: Value) -> Response {
    h.http
        .post(h.url(&actions_path(code)))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}
