//! The built-in OpenID provider over real HTTP.

mod common;

use common::{CLIENT_ID, Harness, REDIRECT_URI, forms, harness, pkce};
use motcua_protocol::identity::IdentityLevel;
use motcua_protocol::jose::CompactJws;
use motcua_protocol::oidc::{OAuthError, ProviderMetadata};
use url::Url;

fn location(response: &reqwest::Response) -> Url {
    Url::parse(response.headers()["location"].to_str().unwrap()).unwrap()
}

fn query_param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn discovery_document_describes_a_pkce_only_code_flow_provider() {
    let h = harness().await;
    let issuer = h.issuer();
    assert_eq!(issuer, format!("{}oidc", h.portal.base_url()));
    assert!(!issuer.ends_with('/'));
    let response = h
        .http
        .get(format!("{issuer}/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let m: ProviderMetadata = response.json().await.unwrap();
    assert_eq!(m.issuer, issuer);
    assert_eq!(m.authorization_endpoint, format!("{issuer}/authorize"));
    assert_eq!(m.token_endpoint, format!("{issuer}/token"));
    assert_eq!(m.jwks_uri, format!("{issuer}/jwks"));
    assert_eq!(m.userinfo_endpoint, Some(format!("{issuer}/userinfo")));
    assert_eq!(m.response_types_supported, ["code"]);
    assert_eq!(m.code_challenge_methods_supported, ["S256"]);
    assert_eq!(m.id_token_signing_alg_values_supported, ["ES256"]);
    assert_eq!(m.token_endpoint_auth_methods_supported, ["none"]);
    assert_eq!(m.grant_types_supported, ["authorization_code"]);
    assert_eq!(m.acr_values_supported, ["LoA1", "LoA2"]);
    assert_eq!(m.subject_types_supported, ["public"]);
    assert!(m.scopes_supported.contains(&"openid".to_owned()));
    assert!(m.claims_supported.contains(&"vn_personal_id".to_owned()));
    assert!(m.authorization_response_iss_parameter_supported);
    h.portal.shutdown().await;
}

#[tokio::test]
async fn plain_pkce_is_refused_through_the_redirect() {
    let h = harness().await;
    let (_, challenge) = pkce();
    let mut params = Harness::standard_params(&challenge, "st-1", "n-1");
    params.retain(|(k, _)| *k != "code_challenge_method");
    params.push(("code_challenge_method", "plain".into()));
    let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = h.http.get(h.authorize_url(&pairs)).send().await.unwrap();
    assert_eq!(response.status(), 302);
    let to = location(&response);
    assert!(to.as_str().starts_with(REDIRECT_URI));
    assert_eq!(
        query_param(&to, "error").as_deref(),
        Some("invalid_request")
    );
    assert!(
        query_param(&to, "error_description")
            .unwrap()
            .contains("S256")
    );
    assert_eq!(query_param(&to, "state").as_deref(), Some("st-1"));
    assert_eq!(query_param(&to, "iss"), Some(h.issuer()));
    h.portal.shutdown().await;
}

#[tokio::test]
async fn unregistered_redirect_uris_and_clients_get_a_page_never_a_redirect() {
    let h = harness().await;
    let (_, challenge) = pkce();
    for (name, value) in [
        ("redirect_uri", "https://evil.example/cb"),
        ("redirect_uri", "http://localhost:53682/callback"),
        ("client_id", "someone-else"),
    ] {
        let mut params = Harness::standard_params(&challenge, "s", "n");
        params.retain(|(k, _)| *k != name);
        params.push((name, value.into()));
        let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = h.http.get(h.authorize_url(&pairs)).send().await.unwrap();
        assert_eq!(response.status(), 400, "{name}={value}");
        assert!(response.headers().get("location").is_none());
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let html = response.text().await.unwrap();
        assert!(html.contains("lang=\"vi\""));
    }
    h.portal.shutdown().await;
}

#[tokio::test]
async fn the_login_page_lists_demo_citizens_with_masked_ids() {
    let h = harness().await;
    let (_, challenge) = pkce();
    let html = h
        .login_page(&Harness::standard_params(&challenge, "s", "n"))
        .await;
    assert!(html.contains("<html lang=\"vi\">"));
    assert!(html.contains("Mức 2 / Level 2"));
    let found = forms(&html);
    for citizen in motcua_portal::demo_citizens() {
        let (_, form) = found
            .iter()
            .find(|(key, _)| key == citizen.subject)
            .expect("one form per citizen");
        assert_eq!(form.action, "/oidc/login");
        assert!(
            form.fields
                .iter()
                .any(|(k, v)| k == "citizen" && v == citizen.subject)
        );
        assert!(form.fields.iter().any(|(k, _)| k == "request_id"));
        assert!(html.contains(citizen.full_name));
        assert!(
            !html.contains(citizen.personal_id),
            "the full ID number is masked"
        );
        let masked = format!(
            "{}******{}",
            &citizen.personal_id[..4],
            &citizen.personal_id[10..]
        );
        assert!(html.contains(&masked));
    }
    assert!(found.iter().any(|(key, form)| {
        key == "cancel"
            && form
                .fields
                .iter()
                .any(|(k, v)| k == "action" && v == "cancel")
    }));
    h.portal.shutdown().await;
}

#[tokio::test]
async fn the_code_flow_yields_an_id_token_a_relying_party_accepts() {
    let h = harness().await;
    let elder = motcua_portal::demo_citizens()
        .iter()
        .find(|c| c.level == IdentityLevel::Level2)
        .unwrap();
    let (tokens, nonce) = h.tokens_for(elder.subject).await;
    assert_eq!(tokens.token_type, "Bearer");
    assert_eq!(tokens.scope.as_deref(), Some("openid profile address"));
    let id_token = tokens.id_token.clone().unwrap();
    let keys = h.fetch_jwks().await;
    let claims = h.validate(&id_token, &keys, &nonce);
    assert_eq!(claims.sub, elder.subject);
    assert_eq!(claims.aud, [CLIENT_ID]);
    assert_eq!(claims.acr.as_deref(), Some("LoA2"));
    let profile = claims.to_profile();
    assert_eq!(profile.full_name, elder.full_name);
    assert_eq!(profile.personal_id.as_deref(), Some(elder.personal_id));
    assert_eq!(profile.birth_date.as_deref(), Some(elder.birth_date));
    assert_eq!(profile.address.as_deref(), Some(elder.address));
    assert_eq!(profile.identity_level, IdentityLevel::Level2);
    let header = CompactJws::parse(&id_token).unwrap().header;
    assert_eq!(header.alg, "ES256");
    assert_eq!(header.typ.as_deref(), Some("JWT"));
    assert!(keys.contains_kid(header.kid.as_deref().unwrap()));

    // The provider's access token opens userinfo.
    let info: serde_json::Value = h
        .http
        .get(format!("{}/userinfo", h.issuer()))
        .bearer_auth(&tokens.access_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["sub"], elder.subject);
    assert_eq!(info["vn_personal_id"], elder.personal_id);
    assert_eq!(info["address"]["formatted"], elder.address);
    let refused = h
        .http
        .get(format!("{}/userinfo", h.issuer()))
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    assert!(
        refused.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("invalid_token")
    );
    h.portal.shutdown().await;
}

#[tokio::test]
async fn a_level1_citizen_gets_loa1_even_when_level2_is_requested() {
    let h = harness().await;
    let level1 = motcua_portal::demo_citizens()
        .iter()
        .find(|c| c.level == IdentityLevel::Level1)
        .unwrap();
    let (verifier, challenge) = pkce();
    let mut params = Harness::standard_params(&challenge, "s", "nonce-1");
    params.push(("acr_values", "LoA2".into()));
    let html = h.login_page(&params).await;
    let (_, form) = forms(&html)
        .into_iter()
        .find(|(k, _)| k == level1.subject)
        .unwrap();
    let response = h.submit(&form).await;
    let code = query_param(&location(&response), "code").unwrap();
    let tokens: motcua_protocol::oidc::TokenResponse = h
        .token_request(&code, &verifier, REDIRECT_URI)
        .await
        .json()
        .await
        .unwrap();
    let claims = h.validate(&tokens.id_token.unwrap(), &h.fetch_jwks().await, "nonce-1");
    assert_eq!(claims.acr.as_deref(), Some("LoA1"));
    h.portal.shutdown().await;
}

async fn oauth_error(response: reqwest::Response) -> String {
    assert_eq!(response.status(), 400);
    assert_eq!(response.headers()["cache-control"], "no-store");
    response.json::<OAuthError>().await.unwrap().error
}

#[tokio::test]
async fn a_wrong_verifier_or_redirect_uri_is_invalid_grant() {
    let h = harness().await;
    let login = h.login_as("demo-0001").await;
    let (other_verifier, _) = pkce();
    let response = h
        .token_request(&login.code, &other_verifier, REDIRECT_URI)
        .await;
    assert_eq!(oauth_error(response).await, "invalid_grant");
    let response = h
        .token_request(&login.code, &login.verifier, "http://127.0.0.1:1/other")
        .await;
    assert_eq!(oauth_error(response).await, "invalid_grant");
    let response = h.token_request(&login.code, "short", REDIRECT_URI).await;
    assert_eq!(oauth_error(response).await, "invalid_grant");
    h.portal.shutdown().await;
}

#[tokio::test]
async fn a_replayed_code_is_invalid_grant_and_revokes_its_access_token() {
    let h = harness().await;
    let login = h.login_as("demo-0003").await;
    let first = h
        .token_request(&login.code, &login.verifier, REDIRECT_URI)
        .await;
    assert_eq!(first.status(), 200);
    let tokens: motcua_protocol::oidc::TokenResponse = first.json().await.unwrap();
    let replay = h
        .token_request(&login.code, &login.verifier, REDIRECT_URI)
        .await;
    assert_eq!(oauth_error(replay).await, "invalid_grant");
    let userinfo = h
        .http
        .get(format!("{}/userinfo", h.issuer()))
        .bearer_auth(&tokens.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(userinfo.status(), 401);
    h.portal.shutdown().await;
}

#[tokio::test]
async fn token_endpoint_errors_are_oauth_json() {
    let h = harness().await;
    let token_url = format!("{}/token", h.issuer());
    let post = |form: Vec<(&'static str, &'static str)>| h.http.post(&token_url).form(&form).send();
    let r = post(vec![("grant_type", "password")]).await.unwrap();
    assert_eq!(oauth_error(r).await, "unsupported_grant_type");
    let r = post(vec![("grant_type", "authorization_code")])
        .await
        .unwrap();
    assert_eq!(oauth_error(r).await, "invalid_request");
    let r = post(vec![
        ("grant_type", "authorization_code"),
        ("client_id", "other"),
        ("code", "x"),
    ])
    .await
    .unwrap();
    assert_eq!(oauth_error(r).await, "invalid_client");
    let r = post(vec![
        ("grant_type", "authorization_code"),
        ("client_id", CLIENT_ID),
        ("code", "unknown"),
        ("redirect_uri", REDIRECT_URI),
        (
            "code_verifier",
            "a-verifier-that-is-long-enough-to-be-valid-0123456789",
        ),
    ])
    .await
    .unwrap();
    assert_eq!(oauth_error(r).await, "invalid_grant");
    let r = h
        .http
        .post(&token_url)
        .json(&serde_json::json!({"grant_type": "authorization_code"}))
        .send()
        .await
        .unwrap();
    assert_eq!(oauth_error(r).await, "invalid_request");
    h.portal.shutdown().await;
}

#[tokio::test]
async fn cancel_redirects_with_access_denied_and_the_request_is_gone() {
    let h = harness().await;
    let (_, challenge) = pkce();
    let html = h
        .login_page(&Harness::standard_params(&challenge, "st-9", "n"))
        .await;
    let all = forms(&html);
    let (_, cancel) = all.iter().find(|(k, _)| k == "cancel").unwrap();
    let response = h.submit(cancel).await;
    assert_eq!(response.status(), 302);
    let to = location(&response);
    assert_eq!(query_param(&to, "error").as_deref(), Some("access_denied"));
    assert_eq!(query_param(&to, "state").as_deref(), Some("st-9"));
    assert_eq!(query_param(&to, "iss"), Some(h.issuer()));
    // The same request cannot be used afterwards.
    let (_, citizen) = all.iter().find(|(k, _)| k == "demo-0001").unwrap();
    let again = h.submit(citizen).await;
    assert_eq!(again.status(), 400);
    assert!(again.headers().get("location").is_none());
    h.portal.shutdown().await;
}

#[tokio::test]
async fn an_unknown_login_request_gets_a_page() {
    let h = harness().await;
    let response = h
        .http
        .post(h.url("/oidc/login"))
        .form(&[("request_id", "nope"), ("citizen", "demo-0001")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.headers().get("location").is_none());
    h.portal.shutdown().await;
}

#[tokio::test]
async fn key_rotation_changes_the_kid_and_old_tokens_still_verify() {
    let h = harness().await;
    let (before, nonce_before) = h.tokens_for("demo-0002").await;
    let before = before.id_token.unwrap();
    let kid_before = CompactJws::parse(&before).unwrap().header.kid.unwrap();

    let new_kid = h.portal.rotate_signing_key().await.unwrap();
    assert_ne!(new_kid, kid_before);
    let (after, nonce_after) = h.tokens_for("demo-0002").await;
    let after = after.id_token.unwrap();
    let kid_after = CompactJws::parse(&after).unwrap().header.kid.unwrap();
    assert_eq!(kid_after, new_kid);

    let keys = h.fetch_jwks().await;
    assert_eq!(keys.keys.len(), 2);
    h.validate(&before, &keys, &nonce_before);
    h.validate(&after, &keys, &nonce_after);

    // Rotation through the data directory works on a running portal too.
    let third = motcua_portal::rotate_signing_key(&h.location())
        .await
        .unwrap();
    let (latest, _) = h.tokens_for("demo-0002").await;
    let kid = CompactJws::parse(&latest.id_token.unwrap())
        .unwrap()
        .header
        .kid;
    assert_eq!(kid.as_deref(), Some(third.as_str()));
    assert_eq!(h.fetch_jwks().await.keys.len(), 3);
    h.portal.shutdown().await;
}
