#![doc = include_str!("../README.md")]

use std::path::PathBuf;
use std::sync::Arc;

use motcua_core::secure_store::{SecureStore, SecureStoreError};
use motcua_core::{CoreConfig, Lang, OpenError};

mod assist;
mod catalog;
mod dossier;
mod error;
mod form;
mod listener;
mod logging;
mod payments;
mod receipt;
mod runtime;
mod tracking;
mod wording;

pub use assist::{Assist, AssistedSession};
pub use catalog::Catalog;
pub use dossier::{Dossiers, UploadListener};
pub use error::{CoreException, ErrorReason, FieldProblem};
pub use listener::{ListenerError, ListenerHandle};
pub use logging::{LogLevel, LogRecord, LogSink, set_log_sink};
pub use payments::Payments;
pub use receipt::Receipts;
pub use tracking::{StatusListener, Tracking};
pub use wording::{DomainWording, domain_wording};

uniffi::setup_scaffolding!();

/// What the app supplies from the operating system.
#[uniffi::export(foreign)]
pub trait Platform: Send + Sync {
    /// The secret stored under `key` (Keystore / Keychain), if any.
    fn secure_get(&self, key: String) -> Result<Option<Vec<u8>>, PlatformError>;
    /// Stores a secret under `key`, replacing any previous one.
    fn secure_set(&self, key: String, value: Vec<u8>) -> Result<(), PlatformError>;
    /// Deletes the secret under `key`; a missing key is not an error.
    fn secure_delete(&self, key: String) -> Result<(), PlatformError>;
}

/// A failure reported by the platform.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum PlatformError {
    /// The platform could not do what was asked.
    #[error("{reason}")]
    Failed {
        /// Why, for logs.
        reason: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for PlatformError {
    // Without this, an exception thrown by Kotlin/Swift code would become a Rust panic.
    fn from(error: uniffi::UnexpectedUniFFICallbackError) -> Self {
        PlatformError::Failed {
            reason: error.reason,
        }
    }
}

/// The core's `SecureStore` over the app's `Platform`.
struct PlatformSecureStore(Arc<dyn Platform>);

impl SecureStore for PlatformSecureStore {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, SecureStoreError> {
        self.0
            .secure_get(key.to_owned())
            .map_err(|e| SecureStoreError(e.to_string()))
    }

    fn set(&self, key: &str, value: &[u8]) -> Result<(), SecureStoreError> {
        self.0
            .secure_set(key.to_owned(), value.to_vec())
            .map_err(|e| SecureStoreError(e.to_string()))
    }

    fn delete(&self, key: &str) -> Result<(), SecureStoreError> {
        self.0
            .secure_delete(key.to_owned())
            .map_err(|e| SecureStoreError(e.to_string()))
    }
}

/// The province app's configuration (its branding config supplies these).
#[derive(Debug, Clone, uniffi::Record)]
pub struct AppConfig {
    /// Directory for the app's database (the app's private files directory).
    pub data_dir: String,
    /// Base URL of the province portal.
    pub portal_url: String,
    /// OpenID issuer to log in with.
    pub issuer: String,
    /// The app's client id at the issuer.
    pub client_id: String,
    /// Redirect URI registered for the app; `None` for the default custom scheme.
    pub redirect_uri: Option<String>,
    /// Language of error messages: "vi" (default) or "en".
    pub language: Option<String>,
    /// The province root key that signs the receipt trust list (`ed25519:<base64url>`),
    /// from the app's branding, never fetched. `None`: receipts are shown but not
    /// verified.
    #[uniffi(default = None)]
    pub receipt_root_key: Option<String>,
}

/// What the app opens in the system browser to log in.
#[derive(Debug, Clone, uniffi::Record)]
pub struct LoginRequest {
    /// URL for Custom Tabs / ASWebAuthenticationSession.
    pub url: String,
    /// The redirect URI the browser returns to.
    pub redirect_uri: String,
}

/// VNeID identity level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum IdentityLevel {
    /// Level 1 (basic).
    Level1,
    /// Level 2 (verified in person).
    Level2,
}

/// The logged-in citizen.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Profile {
    /// Full name.
    pub full_name: String,
    /// 12-digit personal ID number.
    pub personal_id: Option<String>,
    /// Date of birth, `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    /// Address in one line.
    pub address: Option<String>,
    /// Identity level.
    pub identity_level: IdentityLevel,
}

impl From<motcua_protocol::identity::CitizenProfile> for Profile {
    fn from(p: motcua_protocol::identity::CitizenProfile) -> Self {
        Profile {
            full_name: p.full_name,
            personal_id: p.personal_id,
            birth_date: p.birth_date,
            address: p.address,
            identity_level: level(p.identity_level),
        }
    }
}

fn level(level: motcua_protocol::identity::IdentityLevel) -> IdentityLevel {
    match level {
        motcua_protocol::identity::IdentityLevel::Level1 => IdentityLevel::Level1,
        motcua_protocol::identity::IdentityLevel::Level2 => IdentityLevel::Level2,
    }
}

/// The core, one per profile.
#[derive(uniffi::Object)]
pub struct MotCua {
    core: Arc<motcua_core::MotCua>,
    lang: Lang,
    runtime: tokio::runtime::Handle,
}

#[uniffi::export]
impl MotCua {
    /// Opens the core (creating its database on first use). Call off the main thread.
    #[uniffi::constructor]
    pub fn open(
        config: AppConfig,
        platform: Arc<dyn Platform>,
    ) -> Result<Arc<MotCua>, CoreException> {
        let lang = config
            .language
            .as_deref()
            .map(Lang::from_tag)
            .unwrap_or_default();
        let portal_url = url::Url::parse(&config.portal_url)
            .map_err(|_| CoreException::new(&OpenError::InvalidPortalUrl, lang))?;
        let mut core_config = CoreConfig::new(
            PathBuf::from(config.data_dir),
            portal_url,
            config.issuer,
            config.client_id,
        );
        if let Some(redirect_uri) = config.redirect_uri {
            core_config.redirect_uri = redirect_uri;
        }
        if let Some(root_key) = config.receipt_root_key {
            core_config.receipt_root_key = Some(
                motcua_protocol::receipt::RootKey::parse(&root_key)
                    .ok_or_else(|| CoreException::new(&OpenError::InvalidRootKey, lang))?,
            );
        }
        let runtime = runtime::handle()
            .map_err(|e| CoreException::new(&OpenError::Runtime(e.to_string()), lang))?;
        let store = Arc::new(PlatformSecureStore(platform));
        let core = motcua_core::MotCua::open(core_config, store)
            .map_err(|e| CoreException::new(&e, lang))?;
        Ok(Arc::new(MotCua {
            core: Arc::new(core),
            lang,
            runtime,
        }))
    }

    /// The procedure catalog: sync, search, procedures.
    pub fn catalog(&self) -> Arc<Catalog> {
        Arc::new(Catalog {
            core: self.core.clone(),
            lang: self.lang,
            runtime: self.runtime.clone(),
        })
    }

    /// The identity area: login, profile, logout.
    pub fn identity(&self) -> Arc<Identity> {
        Arc::new(Identity {
            core: self.core.clone(),
            lang: self.lang,
            runtime: self.runtime.clone(),
        })
    }

    /// The dossier area: drafts, attachments, submission, upload progress.
    pub fn dossier(&self) -> Arc<Dossiers> {
        Arc::new(Dossiers {
            core: self.core.clone(),
            lang: self.lang,
            runtime: self.runtime.clone(),
        })
    }

    /// The tracking area: sync, dossiers and timelines, public lookup, status changes.
    pub fn tracking(&self) -> Arc<Tracking> {
        Arc::new(Tracking {
            core: self.core.clone(),
            lang: self.lang,
            runtime: self.runtime.clone(),
        })
    }

    /// The receipt area: the citizen's receipts as QR codes; verification for the desk.
    pub fn receipts(&self) -> Arc<Receipts> {
        Arc::new(Receipts {
            core: self.core.clone(),
            lang: self.lang,
            runtime: self.runtime.clone(),
        })
    }

    /// The payments area: a dossier's fee with its VietQR code, and the fee's e-receipt.
    pub fn payments(&self) -> Arc<Payments> {
        Arc::new(Payments {
            core: self.core.clone(),
            lang: self.lang,
            runtime: self.runtime.clone(),
        })
    }

    /// The assist area: sessions in which a volunteer files for someone else, isolated
    /// from this profile, and the volunteer's summary.
    pub fn assist(&self) -> Arc<Assist> {
        Arc::new(Assist {
            core: self.core.clone(),
            lang: self.lang,
            runtime: self.runtime.clone(),
        })
    }
}

/// Login, session and profile.
#[derive(uniffi::Object)]
pub struct Identity {
    core: Arc<motcua_core::MotCua>,
    lang: Lang,
    runtime: tokio::runtime::Handle,
}

#[uniffi::export]
impl Identity {
    /// Starts a login; open the returned URL in the system browser.
    pub async fn begin_login(&self) -> Result<LoginRequest, CoreException> {
        // The place in the order of starts is taken here, in the app's call (uniffi polls
        // this first on the caller's thread), not when the task first runs on a worker: a
        // start the app cancelled before asking for a new one can then never store its
        // request over the new one's, however late its task runs its last step.
        let ticket = self.core.identity().login_ticket();
        let core = self.core.clone();
        let request = runtime::run(&self.runtime, async move {
            core.identity().begin_login_in_turn(ticket, None).await
        })
        .await
        .map_err(|e| CoreException::new(&e, self.lang))?;
        Ok(LoginRequest {
            url: request.url,
            redirect_uri: request.redirect_uri,
        })
    }

    /// Completes the login with the URL the browser returned to.
    pub async fn complete_login(&self, callback_url: String) -> Result<Profile, CoreException> {
        let core = self.core.clone();
        runtime::run(&self.runtime, async move {
            core.identity().complete_login(&callback_url).await
        })
        .await
        .map(Profile::from)
        .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// The logged-in citizen, from the device (no network); `None` when logged out.
    pub fn profile(&self) -> Result<Option<Profile>, CoreException> {
        self.core
            .identity()
            .profile()
            .map(|p| p.map(Profile::from))
            .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// The identity level of the logged-in citizen, if any.
    pub fn identity_level(&self) -> Result<Option<IdentityLevel>, CoreException> {
        self.core
            .identity()
            .identity_level()
            .map(|l| l.map(level))
            .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// Asks the portal who is logged in.
    pub async fn whoami(&self) -> Result<Profile, CoreException> {
        let core = self.core.clone();
        runtime::run(&self.runtime, async move { core.identity().whoami().await })
            .await
            .map(Profile::from)
            .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// Refreshes the session now.
    pub async fn refresh(&self) -> Result<(), CoreException> {
        let core = self.core.clone();
        runtime::run(
            &self.runtime,
            async move { core.identity().refresh().await },
        )
        .await
        .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// Logs out; returns whether the portal confirmed the revocation.
    pub async fn logout(&self) -> Result<bool, CoreException> {
        let core = self.core.clone();
        runtime::run(&self.runtime, async move { core.identity().logout().await })
            .await
            .map(|o| o.revoked_on_portal)
            .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// Logs out and erases the citizen's data from this phone (a shared phone); returns
    /// whether the portal confirmed the revocation. Undelivered actions are lost: ask first
    /// when [`Identity::undelivered_actions`] is not zero.
    pub async fn logout_and_erase(&self) -> Result<bool, CoreException> {
        let core = self.core.clone();
        runtime::run(&self.runtime, async move {
            core.identity().logout_and_erase().await
        })
        .await
        .map(|o| o.revoked_on_portal)
        .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// The warning to confirm before [`Identity::logout_and_erase`] (what would be lost), in
    /// the app's language; `None` when nothing waits and erasing may go ahead at once.
    pub fn erase_warning(&self) -> Result<Option<String>, CoreException> {
        self.core
            .identity()
            .erase_warning(self.lang)
            .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// How many of the citizen's submissions, supplement answers and withdrawals still
    /// wait to reach the portal.
    pub fn undelivered_actions(&self) -> Result<u32, CoreException> {
        self.core
            .identity()
            .undelivered_actions()
            .map_err(|e| CoreException::new(&e, self.lang))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::sync::Mutex;

    /// An in-memory keystore, or one that always fails (`broken`).
    #[derive(Default)]
    pub(crate) struct TestPlatform {
        pub(crate) secrets: Mutex<HashMap<String, Vec<u8>>>,
        pub(crate) broken: bool,
    }

    impl Platform for TestPlatform {
        fn secure_get(&self, key: String) -> Result<Option<Vec<u8>>, PlatformError> {
            if self.broken {
                return Err(PlatformError::Failed {
                    reason: "keystore locked".into(),
                });
            }
            Ok(self.secrets.lock().unwrap().get(&key).cloned())
        }
        fn secure_set(&self, key: String, value: Vec<u8>) -> Result<(), PlatformError> {
            self.secrets.lock().unwrap().insert(key, value);
            Ok(())
        }
        fn secure_delete(&self, key: String) -> Result<(), PlatformError> {
            self.secrets.lock().unwrap().remove(&key);
            Ok(())
        }
    }

    /// A configuration whose portal refuses every connection.
    pub(crate) fn config(dir: &std::path::Path) -> AppConfig {
        AppConfig {
            data_dir: dir.to_string_lossy().into_owned(),
            // Nothing listens on port 9 of loopback: every request is refused at once.
            portal_url: "http://127.0.0.1:9".into(),
            issuer: "http://127.0.0.1:9/oidc".into(),
            client_id: "motcua-app".into(),
            redirect_uri: None,
            language: Some("en".into()),
            receipt_root_key: None,
        }
    }

    #[tokio::test]
    async fn errors_cross_as_typed_exceptions_with_code_and_message() {
        let dir = tempfile::tempdir().unwrap();
        let core = MotCua::open(config(dir.path()), Arc::new(TestPlatform::default())).unwrap();
        let identity = core.identity();
        assert!(identity.profile().unwrap().is_none());
        match identity.begin_login().await {
            Err(CoreException::Network {
                code,
                user_message,
                detail,
                reason,
                ..
            }) => {
                assert_eq!(code, "network_unavailable");
                assert!(user_message.contains("connect"), "{user_message}");
                // The diagnostic names the cause but not the portal's paths.
                assert!(detail.starts_with("network_unavailable: "), "{detail}");
                assert!(
                    !detail.contains("well-known") && !detail.contains("/oidc"),
                    "{detail}"
                );
                assert_eq!(reason, None);
            }
            other => panic!("expected a network error, got {other:?}"),
        }
        match identity.whoami().await {
            Err(CoreException::LoggedOut { code, .. }) => assert_eq!(code, "not_logged_in"),
            other => panic!("expected logged out, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_failing_keystore_is_a_storage_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let platform = TestPlatform {
            broken: true,
            ..TestPlatform::default()
        };
        let core = MotCua::open(config(dir.path()), Arc::new(platform)).unwrap();
        match core.identity().profile() {
            Err(CoreException::Storage { code, .. }) => {
                assert_eq!(code, "secure_storage_failed")
            }
            other => panic!("expected a storage error, got {other:?}"),
        }
    }

    #[test]
    fn a_bad_root_key_is_a_typed_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut bad = config(dir.path());
        bad.receipt_root_key = Some("ed25519:not-a-key".into());
        assert!(matches!(
            MotCua::open(bad, Arc::new(TestPlatform::default())),
            Err(CoreException::InvalidInput { code, .. }) if code == "invalid_config"
        ));
    }

    #[test]
    fn a_bad_portal_url_is_a_typed_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut bad = config(dir.path());
        bad.portal_url = "not a url".into();
        assert!(matches!(
            MotCua::open(bad, Arc::new(TestPlatform::default())),
            Err(CoreException::InvalidInput { code, .. }) if code == "invalid_config"
        ));
    }
}
