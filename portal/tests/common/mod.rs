//! Test harness: a started portal, an HTTP client that does not follow redirects, and a
//! "browser" that drives the built-in provider's login forms; requests with a bearer token
//! and the portal's store (SQLite or PostgreSQL: [`database`]). A citizen's uploads and submissions are in [`tus`], desk staff
//! in [`staff`], checks of answers in [`answers`], raw HTTP in [`raw`].
#![allow(dead_code)]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use motcua_portal::{PortalConfig, RunningPortal, start};
use motcua_protocol::jose::{Algorithm, IdTokenClaims, IdTokenRules, JwkSet, validate_id_token};
use motcua_protocol::oidc::{ProviderMetadata, TokenResponse, pkce_challenge_s256};
use ring::rand::{SecureRandom, SystemRandom};
use tempfile::TempDir;
use url::Url;

pub mod answers;
pub mod database;
pub mod postgres;
pub mod process;
pub mod raw;
pub mod staff;
pub mod tus;

pub const CLIENT_ID: &str = "motcua-app";
pub const REDIRECT_URI: &str = "http://127.0.0.1:53682/callback";

pub struct Harness {
    pub portal: RunningPortal,
    pub http: reqwest::Client,
    pub dir: TempDir,
    /// The portal's PostgreSQL database, when the suite runs on PostgreSQL.
    pub database: Option<String>,
}

/// A client that shows the wire as sent: no redirects followed and no automatic gzip
/// (the core turns on reqwest's `gzip` feature for the whole workspace; these tests ask
/// for encodings and check them themselves).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_gzip()
        .build()
        .unwrap()
}

pub async fn harness() -> Harness {
    harness_with(|_| {}).await
}

/// The portal's log on the test's output when `MOTCUA_TEST_LOG` holds a filter
/// (`MOTCUA_TEST_LOG=motcua_portal=debug cargo test …`): how a 500 shows its cause.
pub fn log_when_asked() {
    if let Ok(filter) = std::env::var("MOTCUA_TEST_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_test_writer()
            .try_init();
    }
}

pub async fn harness_with(edit: impl FnOnce(&mut PortalConfig)) -> Harness {
    log_when_asked();
    let dir = tempfile::tempdir().unwrap();
    let database = database::fresh_database().await;
    let mut config = database::config(dir.path(), database.as_deref());
    edit(&mut config);
    let portal = start(config).await.unwrap();
    Harness {
        portal,
        http: client(),
        dir,
        database,
    }
}

/// A `GET` of `path` with a bearer token.
pub async fn get_as(h: &Harness, token: &str, path: &str) -> reqwest::Response {
    h.http
        .get(h.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// A `GET` of `path` with a bearer token that must answer 200; its JSON body.
pub async fn get_json<T: serde::de::DeserializeOwned>(h: &Harness, token: &str, path: &str) -> T {
    let response = get_as(h, token, path).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// The portal's receipt trust list, opened with its receipt root key.
pub async fn trust_list(h: &Harness) -> motcua_protocol::receipt::TrustList {
    let root = motcua_protocol::receipt::RootKey::parse(&h.portal.receipt_root_key()).unwrap();
    let bytes = h
        .http
        .get(h.url(motcua_protocol::api::receipts::PATH_RECEIPT_KEYS))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    motcua_protocol::receipt::TrustList::open(&bytes, &root).unwrap()
}

/// The portal's store, as the test reads it behind the portal's back.
pub fn db(h: &Harness) -> database::Store {
    database::Store::of(h.dir.path(), h.database.as_deref())
}

/// The number of rows of `table`.
pub async fn count(h: &Harness, table: &str) -> i64 {
    db(h).count(table).await
}

pub fn random_b64(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    SystemRandom::new().fill(&mut buffer).unwrap();
    URL_SAFE_NO_PAD.encode(buffer)
}

/// A PKCE verifier and its S256 challenge.
pub fn pkce() -> (String, String) {
    let verifier = random_b64(32);
    let challenge = pkce_challenge_s256(&verifier);
    (verifier, challenge)
}

/// What a login leaves the test with.
pub struct Login {
    pub code: String,
    pub verifier: String,
    pub nonce: String,
    pub state: String,
}

/// A submittable form parsed from a page.
pub struct Form {
    pub action: String,
    pub fields: Vec<(String, String)>,
}

/// The forms of a page, keyed by `data-citizen` or `data-action`.
pub fn forms(html: &str) -> Vec<(String, Form)> {
    let document = scraper::Html::parse_document(html);
    let form_selector = scraper::Selector::parse("form").unwrap();
    let input_selector = scraper::Selector::parse("input").unwrap();
    document
        .select(&form_selector)
        .map(|form| {
            let element = form.value();
            let key = element
                .attr("data-citizen")
                .or_else(|| element.attr("data-action"))
                .unwrap_or_default()
                .to_owned();
            assert_eq!(element.attr("method"), Some("post"));
            let fields = form
                .select(&input_selector)
                .filter_map(|input| {
                    let input = input.value();
                    Some((
                        input.attr("name")?.to_owned(),
                        input.attr("value")?.to_owned(),
                    ))
                })
                .collect();
            (
                key,
                Form {
                    action: element.attr("action").unwrap_or_default().to_owned(),
                    fields,
                },
            )
        })
        .collect()
}

/// The built-in provider's issuer of the portal at `base`.
pub fn builtin_issuer(base: &Url) -> String {
    format!(
        "{}{}",
        base.as_str().trim_end_matches('/'),
        motcua_protocol::api::BUILTIN_ISSUER_PATH
    )
}

/// Logs in as `subject` through the built-in provider of the portal at `base` (the
/// authorization page, then its login form, each a request of its own) and returns the
/// code from the redirect, checked against the state and issuer sent.
pub async fn login_at(http: &reqwest::Client, base: &Url, subject: &str) -> Login {
    let issuer = builtin_issuer(base);
    let (verifier, challenge) = pkce();
    let state = random_b64(16);
    let nonce = random_b64(16);
    let mut authorize = Url::parse(&format!("{issuer}/authorize")).unwrap();
    authorize
        .query_pairs_mut()
        .extend_pairs(Harness::standard_params(&challenge, &state, &nonce));
    let page = http.get(authorize).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let (_, form) = forms(&html)
        .into_iter()
        .find(|(key, _)| key == subject)
        .expect("a form for the citizen");
    assert!(
        form.action.starts_with('/'),
        "absolute path: {}",
        form.action
    );
    let response = http
        .post(base.join(&form.action).unwrap())
        .form(&form.fields)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    let location = Url::parse(response.headers()["location"].to_str().unwrap()).unwrap();
    assert!(location.as_str().starts_with(REDIRECT_URI));
    let param = |name: &str| {
        location
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    assert_eq!(param("state").as_deref(), Some(state.as_str()));
    assert_eq!(param("iss").as_deref(), Some(issuer.as_str()));
    Login {
        code: param("code").expect("a code"),
        verifier,
        nonce,
        state,
    }
}

/// Posts a code to the token endpoint of the built-in provider of the portal at `base`.
pub async fn token_request_at(
    http: &reqwest::Client,
    base: &Url,
    code: &str,
    verifier: &str,
    redirect_uri: &str,
) -> reqwest::Response {
    http.post(format!("{}/token", builtin_issuer(base)))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("client_id", CLIENT_ID),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .unwrap()
}

impl Harness {
    /// The test configuration of a portal on this harness's data directory and database.
    pub fn config(&self) -> PortalConfig {
        database::config(self.dir.path(), self.database.as_deref())
    }

    /// Where the portal's data lives (for the commands run beside it).
    pub fn location(&self) -> motcua_portal::DataLocation {
        self.config().location()
    }

    /// Stops the portal and starts it again on the same store, with `edit` applied to
    /// the test configuration.
    pub async fn restart_with(self, edit: impl FnOnce(&mut PortalConfig)) -> Harness {
        let mut config = self.config();
        edit(&mut config);
        let Harness {
            portal,
            http,
            dir,
            database,
        } = self;
        portal.shutdown().await;
        Harness {
            portal: start(config).await.unwrap(),
            http,
            dir,
            database,
        }
    }

    pub fn url(&self, path: &str) -> Url {
        self.portal.base_url().join(path).unwrap()
    }

    pub fn issuer(&self) -> String {
        self.portal.issuer()
    }

    pub fn authorize_url(&self, pairs: &[(&str, &str)]) -> Url {
        let mut url = Url::parse(&format!("{}/authorize", self.issuer())).unwrap();
        url.query_pairs_mut().extend_pairs(pairs);
        url
    }

    /// The standard authorization parameters, with `edit` applied.
    pub fn standard_params(
        challenge: &str,
        state: &str,
        nonce: &str,
    ) -> Vec<(&'static str, String)> {
        vec![
            ("response_type", "code".into()),
            ("client_id", CLIENT_ID.into()),
            ("redirect_uri", REDIRECT_URI.into()),
            ("scope", "openid profile address".into()),
            ("state", state.into()),
            ("nonce", nonce.into()),
            ("code_challenge", challenge.into()),
            ("code_challenge_method", "S256".into()),
        ]
    }

    /// Opens the login page of a fresh authorization request.
    pub async fn login_page(&self, params: &[(&'static str, String)]) -> String {
        let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = self
            .http
            .get(self.authorize_url(&pairs))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.text().await.unwrap()
    }

    /// Submits a form of the page; returns the response (a 302 on success).
    pub async fn submit(&self, form: &Form) -> reqwest::Response {
        assert!(
            form.action.starts_with('/'),
            "absolute path: {}",
            form.action
        );
        self.http
            .post(self.url(&form.action))
            .form(&form.fields)
            .send()
            .await
            .unwrap()
    }

    /// Logs in as `subject` and returns the code from the redirect.
    pub async fn login_as(&self, subject: &str) -> Login {
        login_at(&self.http, &self.portal.base_url(), subject).await
    }

    /// Posts to the token endpoint.
    pub async fn token_request(
        &self,
        code: &str,
        verifier: &str,
        redirect_uri: &str,
    ) -> reqwest::Response {
        token_request_at(
            &self.http,
            &self.portal.base_url(),
            code,
            verifier,
            redirect_uri,
        )
        .await
    }

    /// Logs in as `subject` and exchanges the code: the token response and the nonce sent.
    pub async fn tokens_for(&self, subject: &str) -> (TokenResponse, String) {
        let login = self.login_as(subject).await;
        let response = self
            .token_request(&login.code, &login.verifier, REDIRECT_URI)
            .await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["cache-control"], "no-store");
        (response.json().await.unwrap(), login.nonce)
    }

    /// An ID token for `subject`.
    pub async fn id_token_for(&self, subject: &str) -> String {
        self.tokens_for(subject).await.0.id_token.unwrap()
    }

    /// Logs `subject` in through the built-in provider and exchanges the ID token for a
    /// portal session (asserting the exchange succeeds).
    pub async fn open_session(&self, subject: &str) -> motcua_protocol::api::SessionResponse {
        let id_token = self.id_token_for(subject).await;
        let response = self.post_session(&id_token).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["cache-control"], "no-store");
        response.json().await.unwrap()
    }

    /// Exchanges an ID token for a portal session.
    pub async fn post_session(&self, id_token: &str) -> reqwest::Response {
        self.http
            .post(self.url(motcua_protocol::api::PATH_SESSION))
            .json(&serde_json::json!({ "id_token": id_token }))
            .send()
            .await
            .unwrap()
    }

    /// Asks for a new session with a refresh token.
    pub async fn refresh(&self, refresh_token: &str) -> reqwest::Response {
        self.http
            .post(self.url(motcua_protocol::api::PATH_SESSION_REFRESH))
            .json(&serde_json::json!({ "refresh_token": refresh_token }))
            .send()
            .await
            .unwrap()
    }

    /// The access token of a new session of `subject` ([`Harness::open_session`]).
    pub async fn citizen_token(&self, subject: &str) -> String {
        self.open_session(subject).await.access_token
    }

    /// Discovery, then the JWKS, over HTTP.
    pub async fn fetch_jwks(&self) -> JwkSet {
        let metadata: ProviderMetadata = self
            .http
            .get(format!(
                "{}/.well-known/openid-configuration",
                self.issuer()
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        self.http
            .get(&metadata.jwks_uri)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Validates an ID token as a relying party would.
    pub fn validate(&self, id_token: &str, keys: &JwkSet, nonce: &str) -> IdTokenClaims {
        let issuer = self.issuer();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let rules = IdTokenRules {
            issuer: &issuer,
            client_id: CLIENT_ID,
            nonce: Some(nonce),
            now,
            clock_skew_secs: 60,
            max_age_secs: Some(600),
            algorithms: &Algorithm::ALL,
        };
        validate_id_token(id_token, keys, &rules).unwrap()
    }
}
