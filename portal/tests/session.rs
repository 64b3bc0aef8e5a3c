//! The portal API: ID token → session, /me, refresh rotation and reuse detection, logout,
//! error bodies.

mod common;

use common::answers::error_of;
use common::{Harness, get_as, harness, harness_with};
use motcua_protocol::api::{
    ApiErrorCode, ClientConfig, PATH_CLIENT_CONFIG, PATH_HEALTH, PATH_ME, PATH_SESSION,
    SessionResponse,
};
use motcua_protocol::identity::{CitizenProfile, IdentityLevel};

async fn error_code(response: reqwest::Response, status: u16) -> (ApiErrorCode, String) {
    let body = error_of(response, status).await;
    (body.error.code, body.error.message)
}

async fn open_session(h: &Harness, subject: &str) -> SessionResponse {
    h.open_session(subject).await
}

async fn me(h: &Harness, access_token: &str) -> reqwest::Response {
    get_as(h, access_token, PATH_ME).await
}

#[tokio::test]
async fn health_and_client_config() {
    let h = harness().await;
    let health: serde_json::Value = h
        .http
        .get(h.url(PATH_HEALTH))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health, serde_json::json!({"status": "ok"}));
    let config: ClientConfig = h
        .http
        .get(h.url(PATH_CLIENT_CONFIG))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(config.issuer, h.issuer());
    assert_eq!(config.client_id, "motcua-app");
    assert_eq!(config.scopes, "openid profile address");
    h.portal.shutdown().await;
}

#[tokio::test]
async fn an_id_token_opens_a_session_and_me_returns_the_profile() {
    let h = harness().await;
    let citizen = &motcua_portal::demo_citizens()[0];
    let session = open_session(&h, citizen.subject).await;
    assert_eq!(session.token_type, "Bearer");
    assert_eq!(session.expires_in, 900);
    assert_eq!(session.refresh_expires_in, 30 * 24 * 3600);
    assert_eq!(session.access_token.len(), 43);
    assert_eq!(session.citizen.subject, citizen.subject);
    assert_eq!(session.citizen.issuer, h.issuer());

    let response = me(&h, &session.access_token).await;
    assert_eq!(response.status(), 200);
    let profile: CitizenProfile = response.json().await.unwrap();
    assert_eq!(profile, session.citizen);
    assert_eq!(profile.full_name, citizen.full_name);
    assert_eq!(profile.personal_id.as_deref(), Some(citizen.personal_id));
    assert_eq!(profile.identity_level, citizen.level);

    // Logging in again finds the same citizen.
    let again = open_session(&h, citizen.subject).await;
    assert_ne!(again.access_token, session.access_token);
    assert_eq!(again.citizen, session.citizen);

    let (code, _) = error_code(me(&h, "unknown-token").await, 401).await;
    assert_eq!(code, ApiErrorCode::Unauthenticated);
    let response = h.http.get(h.url(PATH_ME)).send().await.unwrap();
    assert!(response.headers().contains_key("www-authenticate"));
    let (code, _) = error_code(response, 401).await;
    assert_eq!(code, ApiErrorCode::Unauthenticated);
    h.portal.shutdown().await;
}

#[tokio::test]
async fn refresh_rotates_and_reuse_ends_the_session() {
    let h = harness().await;
    let first = open_session(&h, "demo-0004").await;
    let response = h.refresh(&first.refresh_token).await;
    assert_eq!(response.status(), 200);
    let second: SessionResponse = response.json().await.unwrap();
    assert_ne!(second.refresh_token, first.refresh_token);
    assert_ne!(second.access_token, first.access_token);
    assert_eq!(second.citizen.identity_level, IdentityLevel::Level1);

    // The old access token no longer works; the new one does.
    let (code, _) = error_code(me(&h, &first.access_token).await, 401).await;
    assert_eq!(code, ApiErrorCode::Unauthenticated);
    assert_eq!(me(&h, &second.access_token).await.status(), 200);

    // The second token is used in turn; presenting the first again now means two holders:
    // the whole session ends.
    let third: SessionResponse = h.refresh(&second.refresh_token).await.json().await.unwrap();
    let (code, _) = error_code(h.refresh(&first.refresh_token).await, 401).await;
    assert_eq!(code, ApiErrorCode::InvalidRefreshToken);
    let (code, _) = error_code(me(&h, &third.access_token).await, 401).await;
    assert_eq!(code, ApiErrorCode::SessionRevoked);
    let (code, _) = error_code(h.refresh(&third.refresh_token).await, 401).await;
    assert_eq!(code, ApiErrorCode::InvalidRefreshToken);

    let (code, _) = error_code(h.refresh("never-issued").await, 401).await;
    assert_eq!(code, ApiErrorCode::InvalidRefreshToken);
    h.portal.shutdown().await;
}

#[tokio::test]
async fn a_refresh_whose_answer_was_lost_can_be_retried_once_per_answer() {
    let h = harness().await;
    let first = open_session(&h, "demo-0004").await;
    // The portal rotates, but the answer never reaches the phone, which still holds
    // `first`: it retries with it and gets a new pair.
    let lost: SessionResponse = h.refresh(&first.refresh_token).await.json().await.unwrap();
    let response = h.refresh(&first.refresh_token).await;
    assert_eq!(response.status(), 200);
    let retried: SessionResponse = response.json().await.unwrap();
    assert_ne!(retried.refresh_token, lost.refresh_token);
    assert_ne!(retried.access_token, lost.access_token);
    // Only the newest access token works.
    assert_eq!(me(&h, &retried.access_token).await.status(), 200);
    let (code, _) = error_code(me(&h, &lost.access_token).await, 401).await;
    assert_eq!(code, ApiErrorCode::Unauthenticated);

    // Lost again: the same token still serves, and the unused pair before is retired.
    let again: SessionResponse = h.refresh(&first.refresh_token).await.json().await.unwrap();
    assert_eq!(me(&h, &again.access_token).await.status(), 200);

    // The phone goes on normally with what it finally received.
    let next: SessionResponse = h.refresh(&again.refresh_token).await.json().await.unwrap();
    assert_eq!(me(&h, &next.access_token).await.status(), 200);

    // Whoever presents a retired token (the answer the phone never saw reached someone
    // else) is a second holder: the session ends for everyone.
    let (code, _) = error_code(h.refresh(&lost.refresh_token).await, 401).await;
    assert_eq!(code, ApiErrorCode::InvalidRefreshToken);
    let (code, _) = error_code(me(&h, &next.access_token).await, 401).await;
    assert_eq!(code, ApiErrorCode::SessionRevoked);
    h.portal.shutdown().await;
}

#[tokio::test]
async fn a_retry_after_the_grace_ends_the_session() {
    let h = harness_with(|config| config.refresh_retry_secs = 0).await;
    let first = open_session(&h, "demo-0004").await;
    let lost: SessionResponse = h.refresh(&first.refresh_token).await.json().await.unwrap();
    // Timestamps are whole seconds: a second later the grace of 0 s has passed.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let (code, _) = error_code(h.refresh(&first.refresh_token).await, 401).await;
    assert_eq!(code, ApiErrorCode::InvalidRefreshToken);
    let (code, _) = error_code(me(&h, &lost.access_token).await, 401).await;
    assert_eq!(code, ApiErrorCode::SessionRevoked);
    h.portal.shutdown().await;
}

#[tokio::test]
async fn logout_revokes_the_session() {
    let h = harness().await;
    let session = open_session(&h, "demo-0002").await;
    let response = h
        .http
        .delete(h.url(PATH_SESSION))
        .bearer_auth(&session.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let (code, _) = error_code(me(&h, &session.access_token).await, 401).await;
    assert_eq!(code, ApiErrorCode::SessionRevoked);
    let (code, _) = error_code(h.refresh(&session.refresh_token).await, 401).await;
    assert_eq!(code, ApiErrorCode::InvalidRefreshToken);
    h.portal.shutdown().await;
}

#[tokio::test]
async fn an_expired_access_token_says_so() {
    let h = harness_with(|config| config.access_ttl_secs = 0).await;
    let session = open_session(&h, "demo-0001").await;
    let (code, _) = error_code(me(&h, &session.access_token).await, 401).await;
    assert_eq!(code, ApiErrorCode::TokenExpired);
    // Refreshing still works.
    assert_eq!(h.refresh(&session.refresh_token).await.status(), 200);
    h.portal.shutdown().await;
}

#[tokio::test]
async fn bad_bodies_and_routes_are_json_errors() {
    let h = harness().await;
    let post = |body: &'static str, content_type: &'static str| {
        h.http
            .post(h.url(PATH_SESSION))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    for (body, content_type) in [
        ("{not json", "application/json"),
        ("{\"idtoken\": 1}", "application/json"),
        ("[]", "application/json"),
        ("id_token=x", "application/x-www-form-urlencoded"),
        ("", "application/json"),
    ] {
        let (code, _) = error_code(post(body, content_type).await.unwrap(), 400).await;
        assert_eq!(code, ApiErrorCode::InvalidRequest, "{body}");
    }
    let (code, _) = error_code(
        h.http.get(h.url("/api/v1/nothing")).send().await.unwrap(),
        404,
    )
    .await;
    assert_eq!(code, ApiErrorCode::NotFound);
    let (code, _) = error_code(h.http.put(h.url(PATH_ME)).send().await.unwrap(), 405).await;
    assert_eq!(code, ApiErrorCode::InvalidRequest);
    let response = h.post_session("a.b.c").await;
    let (code, message) = error_code(response, 401).await;
    assert_eq!(code, ApiErrorCode::IdTokenRejected);
    assert!(message.contains("malformed"));
    h.portal.shutdown().await;
}

/// A portal trusting another portal's provider (an external issuer, found by discovery).
#[tokio::test]
async fn an_external_issuer_is_trusted_by_discovery_and_audience_is_checked() {
    let provider = harness().await;
    let issuer: url::Url = provider.issuer().parse().unwrap();
    let portal = harness_with(|config| config.issuer = Some(issuer.clone())).await;
    assert_eq!(portal.issuer(), provider.issuer());

    let id_token = provider.id_token_for("demo-0005").await;
    let response = portal.post_session(&id_token).await;
    assert_eq!(response.status(), 200);
    let session: SessionResponse = response.json().await.unwrap();
    assert_eq!(session.citizen.issuer, provider.issuer());
    assert_eq!(session.citizen.identity_level, IdentityLevel::Level2);

    // A provider whose app has another client id: its tokens are for another audience.
    let other = harness_with(|config| config.client_id = "other-app".into()).await;
    let picky = harness_with(|config| config.issuer = Some(other.issuer().parse().unwrap())).await;
    let (verifier, challenge) = common::pkce();
    let mut params = Harness::standard_params(&challenge, "s", "n");
    for (name, value) in params.iter_mut() {
        if *name == "client_id" {
            *value = "other-app".into();
        }
    }
    let html = other.login_page(&params).await;
    let (_, form) = common::forms(&html)
        .into_iter()
        .find(|(k, _)| k == "demo-0001")
        .unwrap();
    let redirect = other.submit(&form).await;
    let location = url::Url::parse(redirect.headers()["location"].to_str().unwrap()).unwrap();
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let tokens: serde_json::Value = other
        .http
        .post(format!("{}/token", other.issuer()))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", common::REDIRECT_URI),
            ("client_id", "other-app"),
            ("code_verifier", &verifier),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let foreign = tokens["id_token"].as_str().unwrap();
    let response = picky.post_session(foreign).await;
    let (code, message) = error_code(response, 401).await;
    assert_eq!(code, ApiErrorCode::IdTokenRejected);
    assert!(message.contains("wrong audience"), "{message}");

    // And the built-in portal refuses a token of another issuer.
    let response = provider.post_session(foreign).await;
    let (code, message) = error_code(response, 401).await;
    assert_eq!(code, ApiErrorCode::IdTokenRejected);
    assert!(message.contains("unknown signing key") || message.contains("wrong issuer"));

    for h in [provider, portal, other, picky] {
        h.portal.shutdown().await;
    }
}

#[tokio::test]
async fn an_unreachable_issuer_is_issuer_unavailable() {
    // A port that was just free: nothing listens there.
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port();
    drop(free);
    let issuer: url::Url = format!("http://127.0.0.1:{port}/oidc").parse().unwrap();
    let portal = harness_with(|config| config.issuer = Some(issuer)).await;
    let provider = harness().await;
    let id_token = provider.id_token_for("demo-0001").await;
    let response = portal.post_session(&id_token).await;
    let (code, _) = error_code(response, 503).await;
    assert_eq!(code, ApiErrorCode::IssuerUnavailable);
    portal.portal.shutdown().await;
    provider.portal.shutdown().await;
}

#[tokio::test]
async fn an_id_token_opens_one_session_only_even_concurrently_and_across_a_restart() {
    let h = harness().await;
    let id_token = h.id_token_for("demo-0001").await;
    let first = h.post_session(&id_token).await;
    assert_eq!(first.status(), 200);
    let (code, message) = error_code(h.post_session(&id_token).await, 401).await;
    assert_eq!(code, ApiErrorCode::IdTokenRejected);
    assert!(message.contains("already used"), "{message}");

    // Racing copies of one fresh token: exactly one session.
    let racing = h.id_token_for("demo-0002").await;
    let statuses = racing_statuses(&h, &racing, 8).await;
    assert_eq!(
        statuses.iter().filter(|status| **status == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|status| *status == 200 || *status == 401),
        "{statuses:?}"
    );

    // A new login of the same citizen is a new ID token: it opens a session.
    let fresh = h.id_token_for("demo-0001").await;
    assert_eq!(h.post_session(&fresh).await.status(), 200);

    // Remembered in the database, not in memory.
    let restarted = h.restart_with(|_| {}).await;
    let (code, _) = error_code(restarted.post_session(&id_token).await, 401).await;
    assert_eq!(code, ApiErrorCode::IdTokenRejected);
    restarted.portal.shutdown().await;
}

/// Sends `copies` sessions requests with one ID token at once; their statuses.
async fn racing_statuses(h: &Harness, id_token: &str, copies: usize) -> Vec<u16> {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..copies {
        let request = h
            .http
            .post(h.url(PATH_SESSION))
            .json(&serde_json::json!({ "id_token": id_token }));
        tasks.spawn(async move { request.send().await.unwrap().status().as_u16() });
    }
    tasks.join_all().await
}
