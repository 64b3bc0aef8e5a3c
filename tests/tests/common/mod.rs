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

/// A running portal and the directory holding its database.
pub struct Portal {
    pub running: RunningPortal,
    pub dir: TempDir,
}

/// Starts a portal with `edit` applied to the test configuration.
pub async fn start_portal_with(edit: impl FnOnce(&mut PortalConfig)) -> Portal {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = PortalConfig::for_tests(dir.path());
    edit(&mut config);
    let running = motcua_portal::start(config).await.expect("portal starts");
    Portal { running, dir }
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
    let phone = phone_for(portal);
    let citizen = motcua_portal::demo_citizens()
        .iter()
        .find(|c| c.level == level)
        .expect("a demo citizen of that level");
    login(&phone, citizen.subject).await;
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

/// The procedure `code` as the phone's catalog holds it.
pub fn procedure_of(phone: &Phone, code: &str) -> motcua_protocol::catalog::Procedure {
    phone
        .core
        .catalog()
        .procedure(code)
        .expect("catalog readable")
        .expect("procedure in the catalog")
}
