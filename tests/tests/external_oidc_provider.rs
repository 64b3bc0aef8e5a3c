//! Login against an OpenID provider nobody here wrote: `oidc-provider` (panva, certified),
//! from the npm registry, started on loopback by this test. The core logs in through it
//! (RS256 ID tokens, its own login pages and cookies) and the portal, configured with it as
//! the external issuer, accepts its ID token. `npm ci --prefix tests/oidc-provider` must
//! have run first (the README's test command does it).

mod common;

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use common::*;
use motcua_protocol::identity::IdentityLevel;

/// The provider process; killed when dropped.
struct NodeProvider {
    child: Child,
    issuer: String,
}

impl Drop for NodeProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_node_provider() -> NodeProvider {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("oidc-provider");
    assert!(
        dir.join("node_modules/oidc-provider").is_dir(),
        "oidc-provider is not installed: run `npm ci --prefix tests/oidc-provider` (the README's test command does)"
    );
    let mut child = Command::new("node")
        .arg(dir.join("provider.mjs"))
        .arg("--port")
        .arg("0")
        // Piped and kept open: the provider exits when its stdin closes.
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node is installed");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("provider prints its issuer");
    let announced: serde_json::Value =
        serde_json::from_str(line.trim()).expect("provider's first line is JSON");
    let issuer = announced["issuer"].as_str().expect("issuer").to_owned();
    NodeProvider { child, issuer }
}

#[tokio::test]
async fn logs_in_with_oidc_provider_and_the_portal_accepts_its_id_token() {
    let provider = start_node_provider();
    let issuer = provider.issuer.clone();
    let portal = start_portal_with(|c| c.issuer = Some(url::Url::parse(&issuer).unwrap())).await;

    // The portal tells apps which issuer it trusts.
    let config = motcua_cli::client::fetch_client_config(&portal.running.base_url())
        .await
        .expect("client config");
    assert_eq!(config.issuer, issuer);

    // A loopback redirect with a port that oidc-provider never saw registered (RFC 8252 §7.3).
    let redirect = "http://127.0.0.1:45678/callback";
    let phone = open_phone(&portal.running.base_url(), &issuer, redirect);
    let identity = phone.core.identity();

    let request = identity
        .begin_login()
        .await
        .expect("discovery at oidc-provider");
    let callback = browser_login(&request.url, redirect, "external-citizen-1").await;
    let profile = identity
        .complete_login(&callback)
        .await
        .expect("login completes");
    assert_eq!(profile.issuer, issuer);
    assert_eq!(profile.subject, "external-citizen-1");
    assert_eq!(profile.full_name, "Lê Văn Hùng");
    assert_eq!(profile.personal_id.as_deref(), Some("048062001234"));
    assert_eq!(profile.birth_date.as_deref(), Some("1962-05-20"));
    assert_eq!(profile.identity_level, IdentityLevel::Level2);

    let me = identity.whoami().await.expect("portal session works");
    assert_eq!(me.subject, "external-citizen-1");
    assert!(identity.logout().await.unwrap().revoked_on_portal);

    // The second citizen is level 1 at this provider.
    let phone = open_phone(&portal.running.base_url(), &issuer, redirect);
    let request = phone.core.identity().begin_login().await.unwrap();
    let callback = browser_login(&request.url, redirect, "external-citizen-2").await;
    let profile = phone
        .core
        .identity()
        .complete_login(&callback)
        .await
        .unwrap();
    assert_eq!(profile.identity_level, IdentityLevel::Level1);
}

#[tokio::test]
async fn the_portal_refuses_an_oidc_provider_token_replayed_by_a_wrong_nonce_login() {
    // A genuine oidc-provider login whose nonce differs from ours: the core must refuse it.
    let provider = start_node_provider();
    let issuer = provider.issuer.clone();
    let portal = start_portal_with(|c| c.issuer = Some(url::Url::parse(&issuer).unwrap())).await;
    let redirect = "http://127.0.0.1:45679/callback";
    let phone = open_phone(&portal.running.base_url(), &issuer, redirect);
    let identity = phone.core.identity();

    let request = identity.begin_login().await.unwrap();
    let tampered = with_param(&request.url, "nonce", "a-nonce-the-app-never-sent");
    let callback = browser_login(&tampered, redirect, "external-citizen-1").await;
    let err = identity.complete_login(&callback).await.unwrap_err();
    assert_eq!(
        motcua_core::Localized::code(&err),
        "id_token_nonce_mismatch"
    );
    assert!(holds_no_login_secrets(&phone));
}
