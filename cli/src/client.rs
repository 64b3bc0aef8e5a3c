//! The client side of the CLI: the profile opened as a [`ClientContext`], the portal's
//! client configuration kept with it, and the process's one HTTP client.
//!
//! On a weak link every connection costs seconds (issue 18, item 6), so: the client
//! configuration (issuer, client id, receipt root key) is fetched once and kept in the
//! profile (`client-config.json`, one per portal URL, with its entity tag); commands that log in or check
//! receipts revalidate it with `If-None-Match` (a 304 when unchanged); every other command
//! uses the kept copy, and commands that need no network ([`ConfigUse::Offline`]) open no
//! connection at all. Every request of the process goes through one client, so one
//! connection pool: the configuration's request and the core's share a connection.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use motcua_core::http::HttpClient;
use motcua_core::secure_store::DevFileSecureStore;
use motcua_core::{CoreConfig, MotCua};
use motcua_protocol::api::{ClientConfig, PATH_CLIENT_CONFIG};
use motcua_protocol::receipt::RootKey;
use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_NONE_MATCH};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::CliError;

/// File in the data directory with the last client configuration (public data).
pub const CLIENT_CONFIG_CACHE: &str = "client-config.json";

/// How a command gets the portal's client configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigUse {
    /// The kept copy; fetched only when the profile has none for this portal.
    Kept,
    /// Revalidated with the portal (a conditional request; the kept copy when the portal
    /// cannot be reached): commands whose outcome depends on it (login, receipts).
    Revalidate,
    /// No network at all: the kept copy, or none (commands that need neither the issuer
    /// nor the portal: offline verification, the status stored on the device).
    Offline,
}

/// The process's HTTP client: one connection pool for the configuration's request and
/// the core's (the CLI runs one tokio runtime, so sharing its pool is safe).
pub fn http_client() -> Result<HttpClient, CliError> {
    static CLIENT: OnceLock<HttpClient> = OnceLock::new();
    if let Some(client) = CLIENT.get() {
        return Ok(client.clone());
    }
    let client = HttpClient::new().map_err(|e| CliError::Portal(e.to_string()))?;
    Ok(CLIENT.get_or_init(|| client).clone())
}

/// The client core opened for the CLI: the profile in the data directory, tokens in the
/// development secret store (a desk PC or a developer's machine, not a phone).
pub struct ClientContext {
    /// The opened core: the volunteer's (or user's) own profile, or with `--assisted` the
    /// open assisted session's profile.
    pub core: Arc<MotCua>,
}

impl ClientContext {
    /// Opens the profile in `data_dir` for `portal` with the kept client configuration
    /// ([`ConfigUse::Kept`]).
    pub async fn new(
        portal: &Url,
        data_dir: Option<PathBuf>,
        assisted: bool,
    ) -> Result<ClientContext, CliError> {
        ClientContext::open(portal, data_dir, assisted, None, ConfigUse::Kept).await
    }

    /// Opens the profile with the configuration got as `config_use` says, and the receipt
    /// trust anchor: `root_key` (`ed25519:…`) when given, else the one the portal's
    /// client configuration announces. Taking the anchor from the server whose receipts it
    /// checks is acceptable only for this development CLI; the apps carry it in their
    /// branding.
    pub async fn open(
        portal: &Url,
        data_dir: Option<PathBuf>,
        assisted: bool,
        root_key: Option<&str>,
        config_use: ConfigUse,
    ) -> Result<ClientContext, CliError> {
        let data_dir = crate::files::data_dir_or_default(data_dir);
        let kept = read_kept(&data_dir, portal);
        let (config, http) = match (config_use, kept) {
            (ConfigUse::Offline, kept) => (
                kept.map(|k| k.config).unwrap_or_else(|| ClientConfig {
                    // Never used: an offline command logs nobody in.
                    issuer: String::new(),
                    client_id: String::new(),
                    scopes: motcua_core::DEFAULT_SCOPES.into(),
                    receipt_root_key: None,
                }),
                None,
            ),
            (ConfigUse::Kept, Some(kept)) => (kept.config, None),
            (_, kept) => {
                let http = http_client()?;
                let config = revalidate(&http, &data_dir, portal, kept).await?;
                (config, Some(http))
            }
        };
        let root_key = match root_key.or(config.receipt_root_key.as_deref()) {
            Some(text) => Some(RootKey::parse(text).ok_or_else(|| {
                CliError::InvalidArgument(format!("{text:?} is not an ed25519:… root key"))
            })?),
            None => None,
        };
        let mut core_config = CoreConfig::new(
            data_dir.clone(),
            portal.clone(),
            config.issuer,
            config.client_id,
        );
        core_config.receipt_root_key = root_key;
        // A session spans several commands here (begin, login, draft…, end): it is kept
        // until `motcua assist end`, not erased as an app erases a killed session.
        core_config.resume_assisted_session = true;
        let secrets = Arc::new(DevFileSecureStore::new(&data_dir));
        // The process's client in every case: a command that did not need it for the
        // configuration may still use the network, through the same pool.
        let http = match http {
            Some(http) => http,
            None => http_client()?,
        };
        let core = MotCua::open_with_client(core_config, secrets, Some(http))?;
        let core = if assisted {
            core.assist()
                .resume_assisted_session()
                .map_err(CliError::Assist)?
                .core()
                .clone()
        } else {
            Arc::new(core)
        };
        Ok(ClientContext { core })
    }
}

/// The kept configuration of one portal and its entity tag.
#[derive(Clone, Serialize, Deserialize)]
struct KeptConfig {
    config: ClientConfig,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    etag: Option<String>,
}

/// The file: one configuration per portal URL (a desk PC may talk to more than one).
#[derive(Default, Serialize, Deserialize)]
struct KeptConfigs {
    portals: BTreeMap<String, KeptConfig>,
}

/// The file as an earlier CLI wrote it: one portal.
#[derive(Deserialize)]
struct SingleKeptConfig {
    portal: String,
    config: ClientConfig,
}

fn read_all(data_dir: &Path) -> KeptConfigs {
    let Ok(bytes) = std::fs::read(data_dir.join(CLIENT_CONFIG_CACHE)) else {
        return KeptConfigs::default();
    };
    if let Ok(all) = serde_json::from_slice::<KeptConfigs>(&bytes) {
        return all;
    }
    let mut all = KeptConfigs::default();
    if let Ok(single) = serde_json::from_slice::<SingleKeptConfig>(&bytes) {
        all.portals.insert(
            single.portal,
            KeptConfig {
                config: single.config,
                etag: None,
            },
        );
    }
    all
}

fn read_kept(data_dir: &Path, portal: &Url) -> Option<KeptConfig> {
    read_all(data_dir).portals.remove(portal.as_str())
}

fn keep(data_dir: &Path, portal: &Url, kept: KeptConfig) -> Result<(), CliError> {
    let mut all = read_all(data_dir);
    all.portals.insert(portal.to_string(), kept);
    if let Ok(json) = serde_json::to_vec(&all) {
        let file = data_dir.join(CLIENT_CONFIG_CACHE);
        crate::files::write_private(data_dir, &file, &json)?;
    }
    Ok(())
}

/// Asks the portal for its configuration, conditional on the kept copy's tag; keeps a new
/// one. Unreachable: the kept copy if there is one.
async fn revalidate(
    http: &HttpClient,
    data_dir: &Path,
    portal: &Url,
    kept: Option<KeptConfig>,
) -> Result<ClientConfig, CliError> {
    let tag = kept.as_ref().and_then(|k| k.etag.as_deref());
    match (fetch(http, portal, tag).await, kept) {
        (Ok(None), Some(kept)) => {
            tracing::debug!("client configuration unchanged");
            Ok(kept.config)
        }
        (Ok(None), None) => Err(CliError::Portal(
            "304 Not Modified without a kept configuration".into(),
        )),
        (Ok(Some((config, etag))), _) => {
            let kept = KeptConfig {
                config: config.clone(),
                etag,
            };
            keep(data_dir, portal, kept)?;
            Ok(config)
        }
        (Err(CliError::PortalUnreachable(_)), Some(kept)) => Ok(kept.config),
        (Err(error), _) => Err(error),
    }
}

/// `GET /api/v1/client-config`, conditional on `tag`: `None` for a 304.
async fn fetch(
    http: &HttpClient,
    portal: &Url,
    tag: Option<&str>,
) -> Result<Option<(ClientConfig, Option<String>)>, CliError> {
    let url = motcua_core::portal_endpoint(portal, PATH_CLIENT_CONFIG);
    let mut request = http.raw().get(url);
    if let Some(tag) = tag {
        request = request.header(IF_NONE_MATCH, tag);
    }
    let unreachable = |e: reqwest::Error| {
        CliError::PortalUnreachable(if e.is_connect() {
            format!("{} {}", portal.as_str(), "refused the connection")
        } else {
            e.without_url().to_string()
        })
    };
    let response = request.send().await.map_err(unreachable)?;
    if response.status() == StatusCode::NOT_MODIFIED {
        return Ok(None);
    }
    let response = response.error_for_status().map_err(unreachable)?;
    let etag = response
        .headers()
        .get(ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let config: ClientConfig = response.json().await.map_err(unreachable)?;
    Ok(Some((config, etag)))
}

/// Asks the portal which issuer and client id to log in with (through the process's
/// client), without keeping it.
pub async fn fetch_client_config(portal: &Url) -> Result<ClientConfig, CliError> {
    fetch(&http_client()?, portal, None)
        .await?
        .map(|(config, _)| config)
        .ok_or_else(|| CliError::Portal("304 Not Modified to an unconditional request".into()))
}
