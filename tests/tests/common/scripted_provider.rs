//! An OpenID provider whose ID tokens the test writes: discovery, JWKS and a token endpoint
//! on loopback, answering the code exchange with whatever token the test set. It plays the
//! hostile or broken provider (forged signatures, `alg: none`, wrong audience, …) and the
//! one that rotates its keys; it is a peer of the core, not a stand-in for our own code.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::State;
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use motcua_protocol::jose::{Header, Jwk, JwkSet, encode_compact};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde_json::{Value, json};

struct Inner {
    issuer: String,
    keys: BTreeMap<String, EcdsaKeyPair>,
    published: Vec<String>,
    id_token: Option<String>,
}

/// The scripted provider, running until dropped.
#[derive(Clone)]
pub struct ScriptedProvider {
    inner: Arc<Mutex<Inner>>,
    server: Arc<tokio::task::JoinHandle<()>>,
}

impl ScriptedProvider {
    /// Starts on 127.0.0.1:0 with one published key, `k1`.
    pub async fn start() -> ScriptedProvider {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let issuer = format!("http://{}", listener.local_addr().expect("addr"));
        let inner = Arc::new(Mutex::new(Inner {
            issuer,
            keys: BTreeMap::new(),
            published: Vec::new(),
            id_token: None,
        }));
        let app = axum::Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/token", post(token))
            .with_state(inner.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let provider = ScriptedProvider {
            inner,
            server: Arc::new(server),
        };
        provider.add_key("k1", true);
        provider
    }

    /// The issuer identifier.
    pub fn issuer(&self) -> String {
        self.inner.lock().unwrap().issuer.clone()
    }

    /// Generates key `kid`; `publish` puts it in the JWKS.
    pub fn add_key(&self, kid: &str, publish: bool) {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
            .unwrap();
        let mut inner = self.inner.lock().unwrap();
        inner.keys.insert(kid.to_owned(), pair);
        if publish {
            inner.published.push(kid.to_owned());
        }
    }

    /// Removes `kid` from the JWKS (the provider retired it).
    pub fn unpublish(&self, kid: &str) {
        self.inner.lock().unwrap().published.retain(|k| k != kid);
    }

    /// Claims of a valid ID token for `nonce`, issued now, for `motcua-app`.
    pub fn claims(&self, nonce: &str) -> Value {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        json!({
            "iss": self.issuer(), "sub": "scripted-citizen-7", "aud": "motcua-app",
            "iat": now, "exp": now + 600, "auth_time": now, "nonce": nonce, "acr": "LoA2",
            "name": "Đặng Thị Thu", "birthdate": "1979-08-15",
            "address": {"formatted": "Số 3 Nguyễn Huệ, Phường Sài Gòn, Thành phố Hồ Chí Minh"},
            "vn_personal_id": "079179004567"
        })
    }

    /// An ES256 token over `claims`, with header `alg` and `kid`, signed with key `sign_with`.
    pub fn sign(&self, alg: &str, kid: &str, sign_with: &str, claims: &Value) -> String {
        let inner = self.inner.lock().unwrap();
        let pair = inner.keys.get(sign_with).expect("known signing key");
        let header = Header {
            alg: alg.to_owned(),
            kid: Some(kid.to_owned()),
            typ: Some("JWT".into()),
            crit: None,
        };
        encode_compact(&header, claims, |input| {
            pair.sign(&SystemRandom::new(), input)
                .map(|s| s.as_ref().to_vec())
        })
        .unwrap()
    }

    /// An unsigned token (`alg: none`, empty signature).
    pub fn unsigned(&self, claims: &Value) -> String {
        let header = URL_SAFE_NO_PAD.encode(json!({"alg": "none", "kid": "k1"}).to_string());
        let body = URL_SAFE_NO_PAD.encode(claims.to_string());
        format!("{header}.{body}.")
    }

    /// The ID token the token endpoint will answer with.
    pub fn set_id_token(&self, token: String) {
        self.inner.lock().unwrap().id_token = Some(token);
    }

    /// The callback a browser would bring back after this provider's login.
    pub fn callback(&self, redirect_uri: &str, state: &str) -> String {
        let mut url = url::Url::parse(redirect_uri).unwrap();
        url.query_pairs_mut()
            .append_pair("code", "scripted-code")
            .append_pair("state", state)
            .append_pair("iss", &self.issuer());
        url.into()
    }
}

impl Drop for ScriptedProvider {
    fn drop(&mut self) {
        if Arc::strong_count(&self.server) == 1 {
            self.server.abort();
        }
    }
}

async fn discovery(State(inner): State<Arc<Mutex<Inner>>>) -> Json<Value> {
    let issuer = inner.lock().unwrap().issuer.clone();
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": true
    }))
}

async fn jwks(State(inner): State<Arc<Mutex<Inner>>>) -> Json<JwkSet> {
    let inner = inner.lock().unwrap();
    let keys = inner
        .published
        .iter()
        .filter_map(|kid| Jwk::p256(kid, inner.keys.get(kid)?.public_key().as_ref()))
        .collect();
    Json(JwkSet { keys })
}

async fn token(State(inner): State<Arc<Mutex<Inner>>>) -> Json<Value> {
    let id_token = inner.lock().unwrap().id_token.clone();
    Json(json!({
        "access_token": "scripted-access", "token_type": "Bearer", "expires_in": 600,
        "id_token": id_token
    }))
}
