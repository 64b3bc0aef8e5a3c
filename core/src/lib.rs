#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod assist;
pub mod catalog;
pub mod desk;
pub mod dossier;
pub mod error;
pub mod http;
pub mod identity;
pub mod listeners;
pub mod payments;
pub(crate) mod random;
pub mod receipt;
pub mod secure_store;
pub mod store;
pub mod tracking;
pub mod wording;

use std::path::PathBuf;
use std::sync::Arc;

pub use motcua_protocol::i18n::{Lang, Localized};
use url::Url;

use crate::assist::AssistArea;
use crate::catalog::CatalogArea;
use crate::dossier::DossierArea;
use crate::identity::Identity;
use crate::payments::PaymentsArea;
use crate::receipt::ReceiptArea;
use crate::secure_store::SecureStore;
use crate::store::{Database, StoreError};
use crate::tracking::TrackingArea;

/// Scopes the apps request: identity, profile (name, date of birth, ID number) and address.
pub const DEFAULT_SCOPES: &str = "openid profile address";

/// Redirect URI of the mobile apps: a private-use URI scheme (RFC 8252 §7.1) derived from
/// the app id, which the apps register for the login callback.
pub const APP_REDIRECT_URI: &str = "vn.motcua.app:/oauth2redirect";

/// How one province's app is set up: where its portal and identity provider are.
#[derive(Debug, Clone)]
pub struct CoreConfig {
    /// Directory for the local database (one profile).
    pub data_dir: PathBuf,
    /// Base URL of the province portal API.
    pub portal_url: Url,
    /// OpenID issuer the app logs in with (VNeID through the national portal, or the
    /// reference portal's built-in provider).
    pub issuer: String,
    /// The app's client id at that issuer.
    pub client_id: String,
    /// Where the provider sends the browser back to.
    pub redirect_uri: String,
    /// Scopes to request.
    pub scopes: String,
    /// Keep an assisted session that is open when the core opens. The apps leave this
    /// `false`: a session that outlived its process was abandoned (the app was killed) and
    /// is erased at open. A tool whose session spans processes (the CLI) sets it.
    pub resume_assisted_session: bool,
    /// The province root key that signs the receipt trust list: branding, built into the
    /// app (never fetched from the portal it is meant to check). `None`: receipts are
    /// shown but not verified.
    pub receipt_root_key: Option<motcua_protocol::receipt::RootKey>,
    /// How long an exchange with the portal or the provider may go without progress (no
    /// byte moving either way) before it is abandoned; slow transfers that keep moving are
    /// never cut ([`http::DEFAULT_STALL_TIMEOUT`]; tests on an emulated link use less).
    pub stall_timeout: std::time::Duration,
}

/// The URL of the portal's API path `path` (which starts with `/`, e.g.
/// `/api/v1/dossiers`) on the portal at `portal_url`, whether or not that URL ends with `/`.
pub fn portal_endpoint(portal_url: &Url, path: &str) -> String {
    format!("{}{path}", portal_url.as_str().trim_end_matches('/'))
}

impl CoreConfig {
    /// [`portal_endpoint`] on this configuration's portal.
    pub(crate) fn endpoint(&self, path: &str) -> String {
        portal_endpoint(&self.portal_url, path)
    }

    /// A configuration with the app's default redirect URI and scopes.
    pub fn new(data_dir: PathBuf, portal_url: Url, issuer: String, client_id: String) -> Self {
        CoreConfig {
            data_dir,
            portal_url,
            issuer,
            client_id,
            redirect_uri: APP_REDIRECT_URI.to_owned(),
            scopes: DEFAULT_SCOPES.to_owned(),
            resume_assisted_session: false,
            receipt_root_key: None,
            stall_timeout: http::DEFAULT_STALL_TIMEOUT,
        }
    }
}

/// Why the core could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The local database could not be opened or migrated.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The HTTP client could not be built (TLS set-up).
    #[error("HTTP client: {0}")]
    Http(String),
    /// An abandoned assisted session could not be erased.
    #[error("erasing an abandoned assisted session: {0}")]
    Assist(String),
    /// The app's configuration has a portal address that is not a URL.
    #[error("the configured portal address is not a URL")]
    InvalidPortalUrl,
    /// The app's configuration has a receipt root key that is not a key.
    #[error("the configured receipt root key is not a key")]
    InvalidRootKey,
    /// The runtime that runs the core's work could not start.
    #[error("runtime: {0}")]
    Runtime(String),
}

impl Localized for OpenError {
    fn code(&self) -> &'static str {
        match self {
            OpenError::Store(_) => "storage_failed",
            OpenError::Http(_) | OpenError::Runtime(_) => "internal",
            OpenError::Assist(_) => "storage_failed",
            OpenError::InvalidPortalUrl | OpenError::InvalidRootKey => "invalid_config",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (OpenError::Store(_), Lang::Vi) => {
                "Không mở được dữ liệu trên máy. Hãy kiểm tra bộ nhớ còn trống rồi thử lại.".into()
            }
            (OpenError::Store(_), Lang::En) => {
                "The data on this device could not be opened. Check free storage and try again."
                    .into()
            }
            (OpenError::Assist(_), Lang::Vi) => {
                "Không xóa được dữ liệu của phiên hỗ trợ trước. Hãy kiểm tra bộ nhớ rồi mở lại.".into()
            }
            (OpenError::Assist(_), Lang::En) => {
                "The data of an earlier assisted session could not be erased. Check storage and open again.".into()
            }
            (OpenError::InvalidPortalUrl, Lang::Vi) => {
                "Cấu hình ứng dụng có địa chỉ cổng không hợp lệ.".into()
            }
            (OpenError::InvalidPortalUrl, Lang::En) => {
                "The app configuration has an invalid portal address.".into()
            }
            (OpenError::InvalidRootKey, Lang::Vi) => {
                "Cấu hình ứng dụng có khóa gốc không hợp lệ.".into()
            }
            (OpenError::InvalidRootKey, Lang::En) => {
                "The app configuration has an invalid root key.".into()
            }
            (OpenError::Http(_) | OpenError::Runtime(_), Lang::Vi) => {
                "Lỗi nội bộ của ứng dụng.".into()
            }
            (OpenError::Http(_) | OpenError::Runtime(_), Lang::En) => {
                "Internal error in the app.".into()
            }
        }
    }
}

/// The core: one per profile. Hands out the areas (`identity()`, and later catalog,
/// dossier, tracking, receipt, assist).
pub struct MotCua {
    identity: Arc<Identity>,
    catalog: Arc<CatalogArea>,
    dossier: DossierArea,
    tracking: TrackingArea,
    assist: AssistArea,
    receipt: Arc<ReceiptArea>,
    payments: Arc<PaymentsArea>,
}

impl MotCua {
    /// Opens (creating on first use) the profile in `config.data_dir`, running the local
    /// database's migrations. `secure_store` is the platform's keystore.
    pub fn open(config: CoreConfig, secure_store: Arc<dyn SecureStore>) -> Result<Self, OpenError> {
        MotCua::open_with_client(config, secure_store, None)
    }

    /// [`MotCua::open`] with the process's HTTP client (one connection pool for every
    /// request of the process: a tool that asks the portal something before it opens the
    /// core gives its client here, so a weak link pays for one connection, not two).
    /// `None`: a client of the core's own.
    pub fn open_with_client(
        config: CoreConfig,
        secure_store: Arc<dyn SecureStore>,
        http: Option<http::HttpClient>,
    ) -> Result<Self, OpenError> {
        let resume = config.resume_assisted_session;
        let core = MotCua::open_isolated_with(config, secure_store, http)?;
        if !resume {
            core.assist
                .erase_abandoned()
                .map_err(|e| OpenError::Assist(e.to_string()))?;
        }
        Ok(core)
    }

    /// Opens a profile without looking for abandoned assisted sessions (an assisted
    /// profile itself).
    pub(crate) fn open_isolated(
        config: CoreConfig,
        secure_store: Arc<dyn SecureStore>,
    ) -> Result<Self, OpenError> {
        MotCua::open_isolated_with(config, secure_store, None)
    }

    fn open_isolated_with(
        config: CoreConfig,
        secure_store: Arc<dyn SecureStore>,
        http: Option<http::HttpClient>,
    ) -> Result<Self, OpenError> {
        let database = Arc::new(Database::open(&config.data_dir, secure_store.clone())?);
        let http = match http {
            Some(http) => http,
            None => http::HttpClient::with_stall_timeout(config.stall_timeout)
                .map_err(|e| OpenError::Http(e.to_string()))?,
        };
        let config = Arc::new(config);
        let catalog = Arc::new(CatalogArea::new(
            config.clone(),
            http.clone(),
            database.clone(),
        ));
        let identity = Arc::new(Identity::new(
            config.clone(),
            http.clone(),
            database.clone(),
            secure_store.clone(),
        ));
        let receipt = Arc::new(ReceiptArea::new(
            config.clone(),
            http.clone(),
            database.clone(),
        ));
        let payments = Arc::new(PaymentsArea::new(
            config.clone(),
            http.clone(),
            database.clone(),
            identity.clone(),
            receipt.clone(),
        ));
        let tracking = TrackingArea::new(
            config.clone(),
            http.clone(),
            database.clone(),
            identity.clone(),
            payments.clone(),
        );
        let assist = AssistArea::new(
            config.clone(),
            secure_store.clone(),
            database.clone(),
            identity.clone(),
        );
        let dossier = DossierArea::new(config, http, database, identity.clone(), catalog.clone());
        Ok(MotCua {
            identity,
            catalog,
            dossier,
            tracking,
            assist,
            receipt,
            payments,
        })
    }

    /// Login, session and profile.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// The procedure catalog: sync, lookup, search.
    pub fn catalog(&self) -> &CatalogArea {
        &self.catalog
    }

    /// Drafts, attachments and exactly-once submission.
    pub fn dossier(&self) -> &DossierArea {
        &self.dossier
    }

    /// Status tracking: sync, timelines, public lookup.
    pub fn tracking(&self) -> &TrackingArea {
        &self.tracking
    }

    /// Assisted sessions: a volunteer files for someone else in an isolated profile.
    pub fn assist(&self) -> &AssistArea {
        &self.assist
    }

    /// Receipts: the citizen's QR code, offline verification at the desk.
    pub fn receipt(&self) -> &ReceiptArea {
        &self.receipt
    }

    /// Fees: the payment request with its VietQR code, and the fee's e-receipt.
    pub fn payments(&self) -> &PaymentsArea {
        &self.payments
    }
}
