//! Shared set-up of the end-to-end tests: a real portal on 127.0.0.1:0 with its own
//! SQLite file, a real core with its own data directory, and the scripted browser.

#![allow(dead_code)]

pub mod fault_proxy;
pub mod lost_answers;
pub mod scripted_provider;

use std::path::Path;
use std::sync::Arc;

use motcua_cli::browser::{Browser, Landing};
use motcua_core::secure_store::MemorySecureStore;
use motcua_core::{CoreConfig, MotCua};
use motcua_portal::{PortalConfig, RunningPortal};
use motcua_protocol::identity::CitizenProfile;
use tempfile::TempDir;

/// Secure-storage key under which the core keeps the portal session (checked by tests).
pub const SESSION_KEY: &str = "motcua.identity.session.v1";
/// Secure-storage key of the digest naming whose data the profile holds (kept at logout).
pub const PROFILE_OWNER_KEY: &str = "motcua.identity.profile_owner.v1";
/// Secure-storage key of the login in progress.
pub const PENDING_KEY: &str = "motcua.identity.pending_login.v1";

/// A running portal, its data directory and, when the suite runs on PostgreSQL
/// (`MOTCUA_TEST_POSTGRES`, `scripts/with-postgres.sh`), its database there; else its
/// database is the SQLite file in the directory.
pub struct Portal {
    pub running: RunningPortal,
    pub dir: TempDir,
    pub database: Option<String>,
}

impl Portal {
    /// The test configuration of a portal on this one's data directory and database.
    pub fn config(&self) -> PortalConfig {
        let mut config = PortalConfig::for_tests(self.dir.path());
        config.database = self.database.clone();
        config
    }

    /// Where the portal's data lives (for the commands run beside it).
    pub fn location(&self) -> motcua_portal::DataLocation {
        self.config().location()
    }

    /// Stops the portal; the configuration to start it again on the same data and the
    /// data's directory, which must outlive the next portal.
    pub async fn stop(self) -> (PortalConfig, TempDir, Option<String>) {
        let config = self.config();
        self.running.shutdown().await;
        (config, self.dir, self.database)
    }
}

/// Starts a portal with `edit` applied to the test configuration.
pub async fn start_portal_with(edit: impl FnOnce(&mut PortalConfig)) -> Portal {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = motcua_portal::store::postgres::fresh_test_database().await;
    let mut config = PortalConfig::for_tests(dir.path());
    config.database = database.clone();
    edit(&mut config);
    let running = motcua_portal::start(config).await.expect("portal starts");
    Portal {
        running,
        dir,
        database,
    }
}

/// Starts a portal with its built-in provider.
pub async fn start_portal() -> Portal {
    start_portal_with(|_| {}).await
}

/// A phone: the core with its own data directory and an in-memory keystore.
pub struct Phone {
    pub core: MotCua,
    pub secrets: Arc<MemorySecureStore>,
    pub dir: TempDir,
}

/// Opens a core against `portal_url` logging in at `issuer`.
pub fn open_phone(portal_url: &url::Url, issuer: &str, redirect_uri: &str) -> Phone {
    let dir = tempfile::tempdir().expect("temp dir");
    let secrets = Arc::new(MemorySecureStore::new());
    let mut config = CoreConfig::new(
        dir.path().join("profile"),
        portal_url.clone(),
        issuer.to_owned(),
        "motcua-app".to_owned(),
    );
    config.redirect_uri = redirect_uri.to_owned();
    let core = MotCua::open(config, secrets.clone()).expect("core opens");
    Phone { core, secrets, dir }
}

/// A second core on `phone`'s profile (same data directory, same keystore) that talks to
/// the portal at `portal_url`, e.g. through a fault proxy or at an unreachable address.
pub fn open_phone_sharing(phone: &Phone, portal_url: &url::Url, issuer: &str) -> MotCua {
    let mut config = CoreConfig::new(
        phone.dir.path().join("profile"),
        portal_url.clone(),
        issuer.to_owned(),
        "motcua-app".to_owned(),
    );
    config.redirect_uri = motcua_core::APP_REDIRECT_URI.to_owned();
    MotCua::open(config, phone.secrets.clone()).expect("core opens")
}

/// A phone for the portal's built-in provider, with the app's custom-scheme redirect.
pub fn phone_for(portal: &Portal) -> Phone {
    open_phone(
        &portal.running.base_url(),
        &portal.running.issuer(),
        motcua_core::APP_REDIRECT_URI,
    )
}

/// Opens `url` in a fresh browser, picks `citizen` on the login page and returns the URL
/// the provider redirected back to.
pub async fn browser_login(url: &str, redirect_uri: &str, citizen: &str) -> String {
    let browser = Browser::new(redirect_uri).expect("browser");
    let Landing::Page(page) = browser.open(url).await.expect("login page loads") else {
        panic!("expected the provider's login page");
    };
    let form = page
        .form(&format!("form[data-citizen='{citizen}']"))
        .expect("citizen's form on the login page");
    match browser.submit(&form).await.expect("form submits") {
        Landing::Callback(callback) => callback,
        Landing::Page(page) => panic!("expected a redirect to the app, got a page at {}", page.url),
    }
}

/// Logs `citizen` in on `phone` through the browser; returns the profile.
pub async fn login(phone: &Phone, citizen: &str) -> CitizenProfile {
    let request = phone
        .core
        .identity()
        .begin_login()
        .await
        .expect("begin_login");
    let callback = browser_login(&request.url, &request.redirect_uri, citizen).await;
    phone
        .core
        .identity()
        .complete_login(&callback)
        .await
        .expect("complete_login")
}

/// A query parameter of a URL.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()?
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// `url` with parameter `name` set to `value`.
pub fn with_param(url: &str, name: &str, value: &str) -> String {
    let mut parsed = url::Url::parse(url).expect("url");
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .into_owned()
        .filter(|(k, _)| k != name)
        .collect();
    parsed
        .query_pairs_mut()
        .clear()
        .extend_pairs(pairs)
        .append_pair(name, value);
    parsed.into()
}

/// Whether the phone's keystore holds no session and no login in progress: nothing but the
/// digest naming whose data the profile holds (kept at logout).
pub fn holds_no_login_secrets(phone: &Phone) -> bool {
    phone
        .secrets
        .keys()
        .iter()
        .all(|key| key == PROFILE_OWNER_KEY)
}

/// The stored session's access token (tests compare tokens across refreshes).
pub fn stored_access_token(phone: &Phone) -> Option<String> {
    let bytes = motcua_core::secure_store::SecureStore::get(phone.secrets.as_ref(), SESSION_KEY)
        .expect("secure store")?;
    let json: serde_json::Value = serde_json::from_slice(&bytes).expect("session JSON");
    json["access_token"].as_str().map(str::to_owned)
}

/// Status and error code of `GET /api/v1/me` with `token`.
pub async fn me_with_token(portal_url: &url::Url, token: &str) -> (u16, Option<String>) {
    let url = format!("{}/api/v1/me", portal_url.as_str().trim_end_matches('/'));
    let response = reqwest::Client::new()
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("portal answers");
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    (status, body["error"]["code"].as_str().map(str::to_owned))
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

/// Whether any file under `dir` contains `needle` (raw bytes: SQLite pages, WAL, journal).
pub fn any_file_contains(dir: &Path, needle: &str) -> bool {
    files_under(dir).iter().any(|file| {
        std::fs::read(file)
            .map(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
            .unwrap_or(false)
    })
}

/// A fresh phone with the first demo citizen of `level` logged in, the catalog downloaded
/// and `procedure`'s detail opened (what a draft of it needs).
pub async fn citizen_ready_to_file(
    portal: &Portal,
    level: motcua_protocol::identity::IdentityLevel,
    procedure: &str,
) -> Phone {
    ready_to_file(phone_for(portal), level, procedure).await
}

/// `phone` with the first demo citizen of `level` logged in, the catalog downloaded and
/// `procedure`'s detail opened (what a draft of it needs).
pub async fn ready_to_file(
    phone: Phone,
    level: motcua_protocol::identity::IdentityLevel,
    procedure: &str,
) -> Phone {
    login(&phone, demo_citizen(level).subject).await;
    phone
        .core
        .catalog()
        .refresh_catalog()
        .await
        .expect("catalog");
    phone
        .core
        .catalog()
        .open_procedure(procedure)
        .await
        .expect("procedure detail");
    phone
}

/// The first demo citizen of `level`.
pub fn demo_citizen(
    level: motcua_protocol::identity::IdentityLevel,
) -> &'static motcua_portal::DemoCitizen {
    motcua_portal::demo_citizens()
        .iter()
        .find(|c| c.level == level)
        .expect("a demo citizen of that level")
}

/// A phone for the portal's built-in provider whose branding carries the portal's receipt
/// root key (what verifying e-receipts offline needs).
pub fn branded_phone(portal: &Portal) -> Phone {
    let dir = tempfile::tempdir().expect("temp dir");
    let secrets = Arc::new(MemorySecureStore::new());
    let mut config = CoreConfig::new(
        dir.path().join("profile"),
        portal.running.base_url(),
        portal.running.issuer(),
        "motcua-app".to_owned(),
    );
    config.receipt_root_key =
        motcua_protocol::receipt::RootKey::parse(&portal.running.receipt_root_key());
    assert!(config.receipt_root_key.is_some());
    let core = MotCua::open(config, secrets.clone()).expect("core opens");
    Phone { core, secrets, dir }
}

/// Creates a draft of `procedure` on `phone` (its detail opened), fills it with the values
/// of `seed` and submits it; returns the code of the delivered dossier.
pub async fn submit_filled(phone: &Phone, procedure: &str, seed: u64) -> String {
    let dossier = phone.core.dossier();
    let detail = procedure_of(phone, procedure);
    let draft = dossier.create_draft(procedure).unwrap();
    motcua_tests::complete_draft(dossier, &detail, &draft.id, seed).unwrap();
    let motcua_core::dossier::DeliveryOutcome::Delivered { dossier_code } =
        dossier.submit(&draft.id, None).await.unwrap()
    else {
        panic!("delivered");
    };
    dossier_code
}

/// The citizen's dossiers as the portal lists them to `token`.
pub async fn portal_dossiers(
    portal_url: &url::Url,
    token: &str,
) -> Vec<motcua_protocol::api::dossiers::DossierSummary> {
    let url = format!("{}api/v1/dossiers", portal_url);
    reqwest::Client::new()
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("portal answers")
        .json()
        .await
        .expect("dossier list")
}

/// The password of every demo staff account.
pub const STAFF_PASSWORD: &str = "motcua-dev";

/// Logs the demo staff account `username` in at the desk; returns its access token.
pub async fn staff_token(portal: &url::Url, username: &str) -> String {
    let response: serde_json::Value = reqwest::Client::new()
        .post(format!("{portal}api/v1/desk/session"))
        .json(&serde_json::json!({"username": username, "password": STAFF_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    response["access_token"]
        .as_str()
        .expect("staff token")
        .to_owned()
}

/// The reception desk's token (`tiepnhan`), the account that accepts dossiers.
pub async fn desk_token(portal: &url::Url) -> String {
    staff_token(portal, "tiepnhan").await
}

/// Posts `body` (an action and what goes with it) on dossier `code` at the desk with
/// `token`; returns the answer as it is.
pub async fn desk_post_action(
    portal: &url::Url,
    token: &str,
    code: &str,
    body: serde_json::Value,
) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{portal}api/v1/desk/dossiers/{code}/actions"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Carries out `action` (with no note) on dossier `code` at the desk with `token`, which
/// must answer 200; returns the desk's view of the dossier.
pub async fn desk_act(
    portal: &url::Url,
    token: &str,
    code: &str,
    action: &str,
) -> serde_json::Value {
    let response =
        desk_post_action(portal, token, code, serde_json::json!({ "action": action })).await;
    assert_eq!(response.status().as_u16(), 200, "{action}");
    response.json().await.unwrap()
}

/// The dossier as the desk sees it (timeline included).
pub async fn desk_dossier(portal: &url::Url, token: &str, code: &str) -> serde_json::Value {
    reqwest::Client::new()
        .get(format!("{portal}api/v1/desk/dossiers/{code}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The procedure `code` as the phone's catalog holds it.
pub fn procedure_of(phone: &Phone, code: &str) -> motcua_protocol::catalog::Procedure {
    phone
        .core
        .catalog()
        .procedure(code)
        .expect("catalog readable")
        .expect("procedure in the catalog")
}
