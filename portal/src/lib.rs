#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod catalog;
mod citizens;
mod db;
mod deadline;
mod desk;
mod dossiers;
mod error;
mod identity_binding;
mod keystore;
mod payments;
mod plain_errors;
mod private_files;
mod provider;
mod ratelimit;
mod receipts;
mod representation;
mod secrets;
mod server;
mod session;
mod staff;
pub mod store;
mod tracking;
mod upload_cleanup;
mod uploads;
mod vn_time;
mod workflow;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, head, options, post};
use motcua_protocol::api::catalog::{
    PATH_CATALOG, PATH_CATALOG_PROCEDURE, PATH_CATALOG_SUMMARY, PATH_CATALOG_SUMMARY_GZ,
};
use motcua_protocol::api::desk::{
    PATH_DESK_ACTIONS, PATH_DESK_DOSSIER, PATH_DESK_DOSSIERS, PATH_DESK_ME, PATH_DESK_SESSION,
};
use motcua_protocol::api::dossiers::{MAX_SUBMISSION_BYTES, PATH_DOSSIER, PATH_DOSSIERS};
use motcua_protocol::api::receipts::PATH_RECEIPT_KEYS;
use motcua_protocol::api::tracking::{
    PATH_DOSSIER_SUPPLEMENT, PATH_DOSSIER_WITHDRAW, PATH_LOOKUP, PATH_SYNC,
};
use motcua_protocol::api::uploads::{MAX_PATCH_BYTES, PATH_UPLOAD, PATH_UPLOADS};
use motcua_protocol::api::{
    ApiErrorCode, BUILTIN_ISSUER_PATH, ClientConfig, PATH_CLIENT_CONFIG, PATH_HEALTH, PATH_ME,
    PATH_SESSION, PATH_SESSION_REFRESH,
};
use ring::rand::SystemRandom;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tracing::Instrument as _;
use url::Url;

pub use catalog::builtin_catalog;
pub use citizens::{DemoCitizen, demo_citizens};
pub use db::DB_FILE;
pub use error::{ApiBytes, ApiError, ApiJson, PortalError};
pub use keystore::KEYS_FILE;
pub use payments::{DEFAULT_PAYMENTS_DUE_DAYS, DEFAULT_PAYMENTS_SECRET, PaymentsArgs};
pub use private_files::PrivateFileError;
pub use receipts::{
    ROOT_KEY_FILE, ReceiptKeyInfo, Revocation, receipt_keys, revoke_receipt_key, rotate_receipt_key,
};
pub use session::AuthenticatedCitizen;
pub use staff::{
    AuthenticatedStaff, DEFAULT_DESK_DEMO_PASSWORD, DEFAULT_PASSWORD_ITERATIONS, DemoStaff,
    demo_staff,
};
pub use upload_cleanup::UploadSweep;

/// The scopes clients request.
const SCOPES: &str = "openid profile address";

/// Public lookups: a burst of 10 per client, then one every 6 s (10 a minute).
const LOOKUP_BURST: u32 = 10;
const LOOKUP_REFILL: Duration = Duration::from_secs(6);
/// Staff login attempts: a burst of 10 per client, then one every 6 s.
const LOGIN_BURST: u32 = 10;
const LOGIN_REFILL: Duration = Duration::from_secs(6);

/// Default grace for retrying a refresh whose answer was lost: a phone on a weak link
/// retries within seconds or at the user's next action, minutes later; a stolen copy of a
/// spent token is still refused once its replacement has been used.
pub const DEFAULT_REFRESH_RETRY_SECS: u64 = 600;

/// The agency code put in dossier codes unless configured: the QCVN 102:2016 shape with a
/// province code (`H00`) that no province has, so demo codes are never taken for real ones.
pub const DEMO_AGENCY_CODE: &str = "000.00.00.H00";

/// Default size of a process's PostgreSQL pool: the blocking threads that wait on it are
/// cheap, the server's connections are not (`max_connections` is 100 by default, shared
/// by every portal process).
pub const DEFAULT_DATABASE_CONNECTIONS: usize = 16;

/// Configuration of the portal; also usable as clap arguments (`motcua portal serve`).
#[derive(clap::Args, Debug, Clone)]
pub struct PortalConfig {
    /// Directory of the portal's data: the attachments, the private keys (`keys.sqlite`),
    /// the receipt root key and, unless --database names PostgreSQL, the database
    /// `portal.sqlite`; made on first start. Every process of one portal shares it.
    #[arg(
        long,
        env = "MOTCUA_PORTAL_DATA_DIR",
        default_value = "./motcua-portal-data"
    )]
    pub data_dir: PathBuf,
    /// The database: none for the SQLite file in the data directory (the default, nothing
    /// to install), or a PostgreSQL connection string (`postgres://user@host:5432/motcua`)
    /// that several portal processes can share (see docs/deployment.md). Attachments and
    /// the private keys stay in the data directory, which those processes then share too.
    #[arg(long = "database", env = "MOTCUA_DATABASE_URL")]
    pub database: Option<String>,
    /// Most PostgreSQL connections this process opens (ignored on SQLite).
    #[arg(long, env = "MOTCUA_DATABASE_CONNECTIONS", default_value_t = DEFAULT_DATABASE_CONNECTIONS)]
    pub database_connections: usize,
    /// Address to listen on.
    #[arg(long, env = "MOTCUA_PORTAL_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Base URL clients use to reach the portal; default `http://<bound address>`.
    #[arg(long, env = "MOTCUA_PORTAL_PUBLIC_URL")]
    pub public_url: Option<Url>,
    /// External OpenID issuer whose ID tokens are accepted; default the built-in provider
    /// (`<public URL>/oidc`).
    #[arg(long, env = "MOTCUA_PORTAL_ISSUER")]
    pub issuer: Option<Url>,
    /// The native app's client id at the issuer (the required `aud` of ID tokens).
    #[arg(long, env = "MOTCUA_PORTAL_CLIENT_ID", default_value = "motcua-app")]
    pub client_id: String,
    /// Lifetime of portal access tokens, in seconds.
    #[arg(long, env = "MOTCUA_PORTAL_ACCESS_TTL_SECS", default_value_t = 900)]
    pub access_ttl_secs: u64,
    /// Lifetime of portal refresh tokens, in seconds (default 30 days).
    #[arg(long, env = "MOTCUA_PORTAL_REFRESH_TTL_SECS", default_value_t = 30 * 24 * 3600)]
    pub refresh_ttl_secs: u64,
    /// How long after a refresh the client may retry it with the same refresh token when
    /// the answer was lost on the network, as long as the token that answer carried was
    /// never used; any other second use of a refresh token ends the session.
    #[arg(long, env = "MOTCUA_PORTAL_REFRESH_RETRY_SECS", default_value_t = DEFAULT_REFRESH_RETRY_SECS)]
    pub refresh_retry_secs: u64,
    /// Directory with the procedure catalog to publish (`procedures.json`, `aliases.json`);
    /// default the repository's catalog built into the binary.
    #[arg(long, env = "MOTCUA_PORTAL_CATALOG")]
    pub catalog: Option<PathBuf>,
    /// Electronic code of the receiving agency (QCVN 102:2016, e.g. `000.00.14.H56`), the
    /// first part of dossier codes `<agency>-<YYMMDD>-<NNNN>`. The real one is assigned by
    /// the province; the default is a demo value that belongs to no agency.
    #[arg(long, env = "MOTCUA_PORTAL_AGENCY_CODE", default_value = DEMO_AGENCY_CODE)]
    pub agency_code: String,
    /// Accept submissions that lack a document the catalog marks as required (the desk then
    /// asks for it at intake). By default every required document must be attached, as the
    /// app itself checks before submitting.
    #[arg(long, env = "MOTCUA_PORTAL_ACCEPT_MISSING_DOCUMENTS")]
    pub accept_missing_documents: bool,
    /// DEV ONLY: the password of the demo desk staff (`tiepnhan`, one-stop desk officer;
    /// `chuyenvien`, specialist), set at every start. Never expose a portal with demo
    /// staff; use --no-demo-staff in production.
    #[arg(
        long,
        env = "MOTCUA_PORTAL_DESK_DEMO_PASSWORD",
        default_value = DEFAULT_DESK_DEMO_PASSWORD,
        hide_default_value = false
    )]
    pub desk_demo_password: String,
    /// Do not seed the demo desk staff (and disable them if an earlier start did).
    #[arg(long, env = "MOTCUA_PORTAL_NO_DEMO_STAFF")]
    pub no_demo_staff: bool,
    /// Lifetime of desk staff tokens, in seconds (default a working day, 8 hours).
    #[arg(long, env = "MOTCUA_PORTAL_DESK_SESSION_TTL_SECS", default_value_t = 8 * 3600)]
    pub desk_session_ttl_secs: u64,
    /// PBKDF2-HMAC-SHA256 iterations for staff passwords (accounts are rehashed at their
    /// next login when this changes).
    #[arg(long, env = "MOTCUA_PORTAL_STAFF_PASSWORD_ITERATIONS", default_value_t = DEFAULT_PASSWORD_ITERATIONS)]
    pub staff_password_iterations: u32,
    /// Seconds a client has to send a complete request head; also how long a kept-alive
    /// connection may wait idle for its next request.
    #[arg(long, env = "MOTCUA_PORTAL_HEADER_READ_TIMEOUT_SECS", default_value_t = DEFAULT_HEADER_READ_TIMEOUT_SECS)]
    pub header_read_timeout_secs: u64,
    /// Seconds a request body may go without sending a byte before the request fails and
    /// its connection is closed. Only stalls count: a slow upload that keeps moving (a 2G
    /// link) is never cut.
    #[arg(long, env = "MOTCUA_PORTAL_BODY_STALL_TIMEOUT_SECS", default_value_t = DEFAULT_BODY_STALL_TIMEOUT_SECS)]
    pub body_stall_timeout_secs: u64,
    /// Most connections open at once from one client address (IPv6: one /64); more are
    /// closed at once. 0: no limit (behind a reverse proxy every client has the proxy's
    /// address: limit there, and set this to 0 or above the proxy's pool).
    #[arg(long, env = "MOTCUA_PORTAL_MAX_CONNECTIONS_PER_CLIENT", default_value_t = DEFAULT_MAX_CONNECTIONS_PER_CLIENT)]
    pub max_connections_per_client: usize,
    /// Addresses of the reverse proxies in front of this portal (comma-separated). A request
    /// from one of them is counted by the rate limits (public lookup, desk login) as coming
    /// from the client its `X-Forwarded-For` names; a request from anyone else by its own
    /// address, whatever it sends (else a client could pick its own bucket).
    #[arg(long, env = "MOTCUA_PORTAL_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<IpAddr>,
    /// Most connections open at once; more wait in the listen backlog. Keep it well below
    /// the process's file-descriptor limit (`ulimit -n`), which the database, its WAL and
    /// the upload files share.
    #[arg(long, env = "MOTCUA_PORTAL_MAX_CONNECTIONS", default_value_t = DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,
    /// Seconds a shutdown waits for requests in flight before it closes the connections
    /// still open.
    #[arg(long, env = "MOTCUA_PORTAL_SHUTDOWN_DEADLINE_SECS", default_value_t = DEFAULT_SHUTDOWN_DEADLINE_SECS)]
    pub shutdown_deadline_secs: u64,
    /// Most uploads one citizen may hold that no dossier references yet, finished or not;
    /// one more is refused (429 `upload_quota_exceeded`, with `Retry-After`) until some are
    /// attached to a dossier, deleted (tus termination) or expire.
    #[arg(long, env = "MOTCUA_PORTAL_UPLOAD_QUOTA_COUNT", default_value_t = DEFAULT_UPLOAD_QUOTA_COUNT)]
    pub upload_quota_count: u64,
    /// Most bytes (declared lengths) of the uploads one citizen may hold that no dossier
    /// references yet, finished or not; an upload that would go over is refused (413
    /// `upload_quota_exceeded`).
    #[arg(long, env = "MOTCUA_PORTAL_UPLOAD_QUOTA_BYTES", default_value_t = DEFAULT_UPLOAD_QUOTA_BYTES)]
    pub upload_quota_bytes: u64,
    /// Seconds an upload that no dossier references is kept after its last progress
    /// (creation, a PATCH, its last byte): then it expires (tus `Upload-Expires`), is
    /// answered 410 and is removed with its bytes at the next sweep.
    #[arg(long, env = "MOTCUA_PORTAL_UPLOAD_EXPIRY_SECS", default_value_t = DEFAULT_UPLOAD_EXPIRY_SECS)]
    pub upload_expiry_secs: u64,
    /// Seconds between sweeps that remove expired uploads, their files, and blob or part
    /// files no upload owns (one sweep also runs at start).
    #[arg(long, env = "MOTCUA_PORTAL_UPLOAD_SWEEP_INTERVAL_SECS", default_value_t = DEFAULT_UPLOAD_SWEEP_INTERVAL_SECS)]
    pub upload_sweep_interval_secs: u64,
    /// Fee payments: the intermediary's shared secret, the beneficiary accounts, the days
    /// to pay.
    #[command(flatten)]
    pub payments: PaymentsArgs,
}

/// Default `--header-read-timeout-secs`: a phone on a poor link sends a head in far less.
pub const DEFAULT_HEADER_READ_TIMEOUT_SECS: u64 = 15;
/// Default `--body-stall-timeout-secs`: longer than a mobile link's usual hiccups.
pub const DEFAULT_BODY_STALL_TIMEOUT_SECS: u64 = 30;
/// Default `--max-connections-per-client`: a browser opens 6, a phone a few; a family or
/// an office behind one NAT address some more.
pub const DEFAULT_MAX_CONNECTIONS_PER_CLIENT: usize = 32;
/// Default `--max-connections`: below a 256-descriptor limit with room for the rest.
pub const DEFAULT_MAX_CONNECTIONS: usize = 200;
/// Default `--shutdown-deadline-secs`.
pub const DEFAULT_SHUTDOWN_DEADLINE_SECS: u64 = 10;
/// Default `--upload-quota-count`: the largest procedure of the catalog asks for 8
/// documents; several pages each, a few times over (a refused submission re-sent, a second
/// device) fit.
pub const DEFAULT_UPLOAD_QUOTA_COUNT: u64 = 50;
/// Default `--upload-quota-bytes` (256 MiB): the largest procedure's 8 documents at the
/// 10 MiB limit each, three times over; prepared photos are 300 KB.
pub const DEFAULT_UPLOAD_QUOTA_BYTES: u64 = 256 * 1024 * 1024;
/// Default `--upload-expiry-secs` (a day): a phone that lost its link resumes within that;
/// one that comes back later uploads again.
pub const DEFAULT_UPLOAD_EXPIRY_SECS: u64 = 24 * 3600;
/// Default `--upload-sweep-interval-secs`.
pub const DEFAULT_UPLOAD_SWEEP_INTERVAL_SECS: u64 = 600;

impl PortalConfig {
    /// A configuration for tests: the given data directory, an ephemeral port on
    /// 127.0.0.1, the built-in provider, default lifetimes.
    pub fn for_tests(data_dir: &Path) -> PortalConfig {
        PortalConfig {
            data_dir: data_dir.to_path_buf(),
            database: None,
            database_connections: DEFAULT_DATABASE_CONNECTIONS,
            listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            public_url: None,
            issuer: None,
            client_id: "motcua-app".into(),
            access_ttl_secs: 900,
            refresh_ttl_secs: 30 * 24 * 3600,
            refresh_retry_secs: DEFAULT_REFRESH_RETRY_SECS,
            catalog: None,
            agency_code: DEMO_AGENCY_CODE.into(),
            accept_missing_documents: false,
            desk_demo_password: DEFAULT_DESK_DEMO_PASSWORD.into(),
            no_demo_staff: false,
            desk_session_ttl_secs: 8 * 3600,
            // Fast for tests; never use so few outside them.
            staff_password_iterations: 1_000,
            header_read_timeout_secs: DEFAULT_HEADER_READ_TIMEOUT_SECS,
            body_stall_timeout_secs: DEFAULT_BODY_STALL_TIMEOUT_SECS,
            max_connections_per_client: DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
            trusted_proxies: Vec::new(),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            shutdown_deadline_secs: DEFAULT_SHUTDOWN_DEADLINE_SECS,
            upload_quota_count: DEFAULT_UPLOAD_QUOTA_COUNT,
            upload_quota_bytes: DEFAULT_UPLOAD_QUOTA_BYTES,
            upload_expiry_secs: DEFAULT_UPLOAD_EXPIRY_SECS,
            upload_sweep_interval_secs: DEFAULT_UPLOAD_SWEEP_INTERVAL_SECS,
            payments: PaymentsArgs::for_tests(),
        }
    }
}

/// Derived settings shared by the handlers.
pub(crate) struct Settings {
    /// The built-in provider's issuer, `<base>/oidc`.
    pub provider_issuer: String,
    /// Absolute path of the built-in provider's login form target.
    pub login_path: String,
    /// The issuer whose ID tokens the portal accepts.
    pub trusted_issuer: String,
    pub client_id: String,
    pub access_ttl_secs: u64,
    pub refresh_ttl_secs: u64,
    /// Grace for retrying a refresh whose answer was lost.
    pub refresh_retry_secs: u64,
    /// The agency code of dossier codes.
    pub agency_code: String,
    /// Whether every required document must be attached to a submission.
    pub require_documents: bool,
    /// Lifetime of staff tokens.
    pub desk_session_ttl_secs: u64,
    /// PBKDF2 iterations for staff passwords.
    pub staff_password_iterations: u32,
    /// The reverse proxies whose `X-Forwarded-For` is believed (`ratelimit::ClientIp`).
    pub trusted_proxies: Vec<IpAddr>,
}

/// What every handler shares.
pub(crate) struct Shared {
    pub db: db::Db,
    pub rng: SystemRandom,
    pub settings: Settings,
    pub trust: session::IssuerTrust,
    pub catalog: catalog::PublishedCatalog,
    pub uploads: uploads::UploadStore,
    /// The private halves of the signing keys (`keys.sqlite`).
    pub keys: keystore::KeyStore,
    /// Public lookups per client.
    pub lookup_limiter: ratelimit::RateLimiter,
    /// Staff login attempts per client.
    pub login_limiter: ratelimit::RateLimiter,
    /// The province root key that signs the receipt trust list (development stand-in).
    pub receipt_root: motcua_protocol::receipt::SigningKey,
    /// Fee payments: the secret, the accounts, the due days.
    pub payments: payments::PaymentsConfig,
}

/// The handlers' state (cheap to clone).
#[derive(Clone)]
pub(crate) struct AppState(Arc<Shared>);

impl Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// A started portal. Dropping it starts a graceful shutdown, like [`RunningPortal::shutdown`]
/// without waiting.
pub struct RunningPortal {
    base_url: Url,
    issuer: String,
    local_addr: SocketAddr,
    state: AppState,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl std::fmt::Debug for RunningPortal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningPortal")
            .field("base_url", &self.base_url.as_str())
            .field("local_addr", &self.local_addr)
            .finish_non_exhaustive()
    }
}

impl RunningPortal {
    /// The base URL clients use, e.g. `http://127.0.0.1:43123/`.
    pub fn base_url(&self) -> Url {
        self.base_url.clone()
    }

    /// The issuer the portal trusts (built-in: `<base>/oidc`, no trailing slash).
    pub fn issuer(&self) -> String {
        self.issuer.clone()
    }

    /// The address the server is bound to.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The root public key of the receipt trust list (`ed25519:…`), the trust anchor the
    /// apps carry.
    pub fn receipt_root_key(&self) -> String {
        self.state.receipt_root.root_key().to_string()
    }

    /// Rotates the built-in provider's signing key (see [`rotate_signing_key`]); returns
    /// the new key id.
    pub async fn rotate_signing_key(&self) -> Result<String, PortalError> {
        let rng = SystemRandom::new();
        let keys = self.state.keys.clone();
        self.state
            .db
            .run("key rotation", move |conn| {
                provider::keys::rotate(conn, &keys, &rng)
            })
            .await
    }

    /// Runs a sweep of the uploads now, as the periodic one does: removes expired uploads
    /// (their rows, part files and blobs no other upload shares) and files no upload owns.
    pub async fn sweep_uploads(&self) -> Result<UploadSweep, PortalError> {
        upload_cleanup::sweep(&self.state).await
    }

    /// Stops accepting connections, finishes the requests in flight, and returns.
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        if let Err(error) = join(self.task).await {
            tracing::warn!(%error, "the server stopped with an error");
        }
    }

    /// Waits until the server stops (it stops only on error, or when shut down elsewhere).
    pub async fn wait(self) -> Result<(), PortalError> {
        let RunningPortal { stop, task, .. } = self;
        let result = join(task).await;
        drop(stop);
        result
    }
}

async fn join(task: JoinHandle<std::io::Result<()>>) -> Result<(), PortalError> {
    match task.await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(PortalError::Serve(error)),
        Err(error) => Err(PortalError::Task(error.to_string())),
    }
}

/// Where a portal's data lives, for the commands run beside it (key rotation): the data
/// directory every process of the portal shares (attachments, the key store, the receipt
/// root key) and the database, when it is not the SQLite file in that directory.
#[derive(Debug, Clone, clap::Args)]
pub struct DataLocation {
    /// Directory of the portal's data (as `portal serve --data-dir`).
    #[arg(skip)]
    pub data_dir: PathBuf,
    /// The portal's PostgreSQL database, when it runs on one (as `portal serve --database`).
    #[arg(long = "database", env = "MOTCUA_DATABASE_URL")]
    pub database: Option<String>,
}

impl DataLocation {
    /// The SQLite file in `data_dir`.
    pub fn sqlite(data_dir: &Path) -> DataLocation {
        DataLocation {
            data_dir: data_dir.to_path_buf(),
            database: None,
        }
    }

    /// The store of a one-off command: one connection is enough.
    pub(crate) async fn open(&self) -> Result<db::Db, PortalError> {
        db::Db::connect(self, 1).await
    }
}

impl PortalConfig {
    /// Where this portal's data lives.
    pub fn location(&self) -> DataLocation {
        DataLocation {
            data_dir: self.data_dir.clone(),
            database: self.database.clone(),
        }
    }
}

/// Makes a new active signing key for the built-in provider of the portal whose data is
/// `at`; the previous key stays published in the JWKS so tokens it signed still verify.
/// Returns the new key id. Safe while the portal runs, all its processes (they read keys
/// per token).
pub async fn rotate_signing_key(at: &DataLocation) -> Result<String, PortalError> {
    let keys = keystore::KeyStore::open(&at.data_dir)?;
    at.open()
        .await?
        .run("key rotation", move |conn| {
            provider::keys::rotate(conn, &keys, &SystemRandom::new())
        })
        .await
}

fn base_url_for(config: &PortalConfig, local_addr: SocketAddr) -> Result<Url, PortalError> {
    if let Some(url) = &config.public_url {
        if url.cannot_be_a_base() || !matches!(url.scheme(), "http" | "https") {
            return Err(PortalError::Config(
                "the public URL must be an http(s) base URL".into(),
            ));
        }
        return Ok(url.clone());
    }
    // A wildcard bind is reached through loopback on this machine.
    let ip = match local_addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    let address = SocketAddr::new(ip, local_addr.port());
    Url::parse(&format!("http://{address}/"))
        .map_err(|error| PortalError::Config(format!("cannot form the base URL: {error}")))
}

/// Binds, opens and migrates the database, seeds the demo citizens, makes sure a signing
/// key exists, and spawns the server task.
pub async fn start(config: PortalConfig) -> Result<RunningPortal, PortalError> {
    if !dossiers::valid_agency_code(&config.agency_code) {
        return Err(PortalError::Config(
            "the agency code must be 1 to 32 letters, digits and inner dots, like 000.00.14.H56"
                .into(),
        ));
    }
    let payments = payments::PaymentsConfig::load(&config.payments, &config.agency_code)?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| PortalError::Io {
            context: "cannot listen on the configured address",
            source,
        })?;
    let local_addr = listener.local_addr().map_err(|source| PortalError::Io {
        context: "cannot read the bound address",
        source,
    })?;
    let base_url = base_url_for(&config, local_addr)?;
    let provider_issuer = format!(
        "{}{BUILTIN_ISSUER_PATH}",
        base_url.as_str().trim_end_matches('/')
    );
    let provider_path = Url::parse(&provider_issuer)
        .map(|url| url.path().trim_end_matches('/').to_owned())
        .map_err(|error| PortalError::Config(format!("cannot form the issuer: {error}")))?;

    let (trusted_issuer, trust) = match &config.issuer {
        None => (provider_issuer.clone(), session::IssuerTrust::Builtin),
        Some(issuer) => {
            let configured = issuer.as_str().trim_end_matches('/').to_owned();
            let external =
                session::ExternalIssuer::new(configured.clone(), session::JWKS_REFETCH_INTERVAL)
                    .map_err(|error| PortalError::Config(format!("HTTP client: {error}")))?;
            (
                configured,
                session::IssuerTrust::External(Box::new(external)),
            )
        }
    };

    let catalog_dir = config.catalog.clone();
    let catalog = tokio::task::spawn_blocking(move || {
        catalog::PublishedCatalog::load(catalog_dir.as_deref())
    })
    .await
    .map_err(|error| PortalError::Task(error.to_string()))??;
    tracing::info!(procedures = catalog.procedures, "catalog loaded");

    let data_dir = config.data_dir.clone();
    let demo_staff_off = config.no_demo_staff;
    let demo_password = config.desk_demo_password.clone();
    let iterations = config.staff_password_iterations;
    let upload_policy = uploads::UploadPolicy {
        quota_count: config.upload_quota_count,
        quota_bytes: config.upload_quota_bytes,
        expiry_secs: config.upload_expiry_secs.max(1),
    };
    let setup = move |conn: &mut store::sql::Connection| -> Result<_, PortalError> {
        let keys = keystore::KeyStore::open(&data_dir)?;
        provider::keys::ensure_active(conn, &keys, &SystemRandom::new())?;
        let receipt_root = receipts::load_or_create_root(&data_dir)?;
        receipts::ensure_active(conn, &keys)?;
        citizens::seed(conn)?;
        staff::seed(
            conn,
            &SystemRandom::new(),
            !demo_staff_off,
            &demo_password,
            iterations,
        )?;
        let uploads = uploads::UploadStore::open(&data_dir, upload_policy)?;
        upload_cleanup::sweep_now(conn, &uploads)?.log();
        let catalog = catalog.with_history(conn)?;
        Ok((keys, uploads, receipt_root, catalog))
    };
    let db = db::Db::connect(&config.location(), config.database_connections).await?;
    let (keys, uploads, receipt_root, catalog) =
        db.run("the start-up's database work", setup).await?;
    tracing::info!(engine = db.engine_name(), "database ready");

    let state = AppState(Arc::new(Shared {
        db,
        rng: SystemRandom::new(),
        settings: Settings {
            provider_issuer: provider_issuer.clone(),
            login_path: format!("{provider_path}{}", provider::LOGIN_PATH),
            trusted_issuer: trusted_issuer.clone(),
            client_id: config.client_id.clone(),
            access_ttl_secs: config.access_ttl_secs,
            refresh_ttl_secs: config.refresh_ttl_secs,
            refresh_retry_secs: config.refresh_retry_secs,
            agency_code: config.agency_code.clone(),
            require_documents: !config.accept_missing_documents,
            desk_session_ttl_secs: config.desk_session_ttl_secs,
            staff_password_iterations: config.staff_password_iterations,
            trusted_proxies: config.trusted_proxies.clone(),
        },
        trust,
        catalog,
        uploads,
        keys,
        lookup_limiter: ratelimit::RateLimiter::new(LOOKUP_BURST, LOOKUP_REFILL),
        login_limiter: ratelimit::RateLimiter::new(LOGIN_BURST, LOGIN_REFILL),
        receipt_root,
        payments,
    }));

    let app = router(state.clone());
    let (stop, stopped) = oneshot::channel::<()>();
    // The sweeper runs until the server begins to shut down (this sender is dropped then).
    let (sweeper_alive, sweeper_stop) = tokio::sync::watch::channel(());
    tokio::spawn(upload_cleanup::sweep_periodically(
        state.clone(),
        Duration::from_secs(config.upload_sweep_interval_secs.max(1)),
        sweeper_stop,
    ));
    let limits = server::ConnectionLimits {
        header_read_timeout: Duration::from_secs(config.header_read_timeout_secs.max(1)),
        body_stall_timeout: Duration::from_secs(config.body_stall_timeout_secs.max(1)),
        max_connections_per_peer: config.max_connections_per_client,
        max_connections: config.max_connections,
        shutdown_deadline: Duration::from_secs(config.shutdown_deadline_secs),
    };
    let task = tokio::spawn(server::serve(listener, app, limits, async move {
        let _sweeper_alive = sweeper_alive;
        // A send or a dropped sender both mean: stop.
        let _ = stopped.await;
    }));
    Ok(RunningPortal {
        base_url,
        issuer: trusted_issuer,
        local_addr,
        state,
        stop,
        task,
    })
}

/// Starts the portal and serves until Ctrl-C or SIGTERM, then shuts down gracefully.
pub async fn serve_until_signal(config: PortalConfig) -> Result<(), PortalError> {
    let portal = start(config).await?;
    let address = portal.local_addr();
    tracing::info!(%address, "listening on {address}");
    let RunningPortal { stop, mut task, .. } = portal;
    let finished = tokio::select! {
        () = shutdown_signal() => None,
        result = &mut task => Some(result),
    };
    match finished {
        Some(result) => {
            drop(stop);
            match result {
                Ok(Ok(())) => Ok(()),
                Ok(Err(error)) => Err(PortalError::Serve(error)),
                Err(error) => Err(PortalError::Task(error.to_string())),
            }
        }
        None => {
            tracing::info!("shutting down");
            let _ = stop.send(());
            join(task).await
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

/// The whole application.
fn router(state: AppState) -> Router {
    Router::new()
        .route(PATH_HEALTH, get(health))
        .route(PATH_CLIENT_CONFIG, get(client_config))
        .route(
            PATH_SESSION,
            post(session::create_session).delete(session::delete_session),
        )
        .route(PATH_SESSION_REFRESH, post(session::refresh_session))
        .route(PATH_ME, get(session::me))
        .route(PATH_CATALOG, get(catalog::get_catalog))
        .route(PATH_CATALOG_SUMMARY, get(catalog::get_summary))
        .route(PATH_CATALOG_SUMMARY_GZ, get(catalog::get_summary_gz))
        .route(PATH_CATALOG_PROCEDURE, get(catalog::get_procedure))
        .merge(upload_routes())
        .route(
            PATH_DOSSIERS,
            post(dossiers::submit)
                .layer(DefaultBodyLimit::max(MAX_SUBMISSION_BYTES))
                .get(dossiers::list),
        )
        .route(PATH_DOSSIER, get(dossiers::get_one))
        .route(
            PATH_DOSSIER_WITHDRAW,
            post(tracking::withdraw).layer(DefaultBodyLimit::max(tracking::MAX_ACTION_BODY_BYTES)),
        )
        .route(
            PATH_DOSSIER_SUPPLEMENT,
            post(tracking::supplement)
                .layer(DefaultBodyLimit::max(tracking::MAX_ACTION_BODY_BYTES)),
        )
        .route(PATH_SYNC, get(tracking::sync))
        .route(PATH_LOOKUP, get(tracking::lookup))
        .route(PATH_RECEIPT_KEYS, get(receipts::get_trust_list))
        .merge(desk_routes())
        .merge(payments::routes())
        .merge(provider::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::map_response(plain_errors::json_errors))
        // Outside the error mapping, so that error bodies are compressed too; bodies
        // already encoded (a precomputed gzip) or partial (Range) are left alone.
        .layer(compression())
        .layer(middleware::from_fn(trace_request))
        .with_state(state)
}

/// Compression of answers: gzip or br as the client asks (`Accept-Encoding`), for bodies
/// of 256 bytes or more (smaller ones gain nothing over the headers it adds), never for
/// images and PDFs (already compressed).
fn compression()
-> tower_http::compression::CompressionLayer<impl tower_http::compression::Predicate> {
    use tower_http::compression::predicate::{NotForContentType, Predicate as _, SizeAbove};
    tower_http::compression::CompressionLayer::new()
        .gzip(true)
        .br(true)
        .compress_when(
            SizeAbove::new(256)
                .and(NotForContentType::IMAGES)
                .and(NotForContentType::const_new("application/pdf"))
                .and(NotForContentType::GRPC)
                .and(NotForContentType::SSE),
        )
}

/// The desk (officers') endpoints; staff tokens only.
fn desk_routes() -> Router<AppState> {
    Router::new()
        .route(
            PATH_DESK_SESSION,
            post(staff::create_session).delete(staff::delete_session),
        )
        .route(PATH_DESK_ME, get(staff::me))
        .route(PATH_DESK_DOSSIERS, get(desk::queue))
        .route(PATH_DESK_DOSSIER, get(desk::get_one))
        .route(
            PATH_DESK_ACTIONS,
            post(desk::act).layer(DefaultBodyLimit::max(tracking::MAX_ACTION_BODY_BYTES)),
        )
}

/// The tus endpoints; every answer carries `Tus-Resumable`.
fn upload_routes() -> Router<AppState> {
    Router::new()
        .route(
            PATH_UPLOADS,
            options(uploads::options).post(uploads::create),
        )
        .route(
            PATH_UPLOAD,
            head(uploads::head)
                .patch(uploads::patch)
                .delete(upload_cleanup::terminate)
                .layer(DefaultBodyLimit::max(MAX_PATCH_BYTES)),
        )
        .layer(middleware::map_response(uploads::tus_headers))
}

/// One span per request: method, matched route (never the raw URI or its query), status,
/// latency.
async fn trace_request(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "<unmatched>".to_owned(), |path| path.as_str().to_owned());
    let span = tracing::info_span!(
        "request",
        method = %request.method(),
        route = %route,
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    let started = Instant::now();
    let response = next.run(request).instrument(span.clone()).await;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.record("status", response.status().as_u16());
    span.record(
        "latency_ms",
        tracing::field::display(format_args!("{latency_ms:.3}")),
    );
    span.in_scope(|| tracing::info!("request handled"));
    response
}

async fn health(State(state): State<AppState>) -> Result<Response, ApiError> {
    state
        .db
        .call(|conn| conn.query_row("SELECT 1", [], |row| row.get::<_, i64>(0)))
        .await??;
    Ok(Json(serde_json::json!({ "status": "ok" })).into_response())
}

/// `GET /api/v1/client-config`, with an entity tag (a digest of the body) so that a client
/// that keeps it revalidates with `If-None-Match` and a 304.
async fn client_config(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let config = ClientConfig {
        issuer: state.settings.trusted_issuer.clone(),
        client_id: state.settings.client_id.clone(),
        scopes: SCOPES.into(),
        // Development: the CLI takes the trust anchor from the server it trusts anyway.
        receipt_root_key: Some(state.receipt_root.root_key().to_string()),
    };
    // Serialising our own type cannot fail.
    let body = serde_json::to_vec(&config).unwrap_or_default();
    let version = motcua_protocol::catalog_delivery::short_digest(&body);
    representation::Representation::new(&version, body).serve(&headers)
}

async fn not_found() -> ApiError {
    ApiError::not_found()
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        ApiErrorCode::InvalidRequest,
        "method not allowed on this path",
    )
}
