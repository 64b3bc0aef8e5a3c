//! Electronic-identity login (OpenID Connect for native apps) and the portal session.
//!
//! The flow (RFC 8252, RFC 7636, OIDC Core §3.1): [`Identity::begin_login`] creates the
//! PKCE verifier, `state` and `nonce` from the CSPRNG, keeps them in secure storage and
//! returns the URL to open in the system browser. The browser comes back to the redirect
//! URI; [`Identity::complete_login`] checks `state` (and `iss`), exchanges the code with
//! the verifier, validates the ID token against the provider's keys, and exchanges it at
//! the portal for a portal session, which it stores in secure storage. Until that last
//! step nothing is stored, so any failure leaves the app logged out as it was.

mod error;
mod login;
mod provider;
mod session;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use motcua_protocol::api::{
    PATH_ME, PATH_SESSION, PATH_SESSION_REFRESH, RefreshRequest, SessionRequest, SessionResponse,
};
use motcua_protocol::identity::{CitizenProfile, IdentityLevel};
use motcua_protocol::jose::{self, Algorithm, IdTokenError, IdTokenRules, JoseError};
use motcua_protocol::oidc::{OAuthError, TokenResponse, secrets_equal};
use url::Url;

use crate::Lang;

pub use self::error::IdentityError;
pub use self::login::LoginRequest;
use self::login::{PendingLogin, parse_callback};
use self::provider::{Provider, unix_now};
use self::session::StoredSession;
use crate::CoreConfig;
use crate::http::{HttpClient, HttpError};
use crate::secure_store::SecureStore;
use crate::store::Database;

/// Secure-storage key of the login in progress.
const KEY_PENDING_LOGIN: &str = "motcua.identity.pending_login.v1";
/// Secure-storage key of the portal session.
const KEY_SESSION: &str = "motcua.identity.session.v1";
/// Secure-storage key of the citizen whose data the profile holds (a digest of issuer and
/// subject): it outlives a logout, so that the same citizen finds their drafts again and
/// another citizen finds none of them.
const KEY_PROFILE_OWNER: &str = "motcua.identity.profile_owner.v1";

/// Clock difference tolerated between the phone and the provider (cheap phones drift).
const CLOCK_SKEW_SECS: i64 = 120;
/// A login not completed within this time is abandoned (the provider's code is long dead).
const PENDING_LOGIN_MAX_AGE_SECS: i64 = 30 * 60;

/// What logging out achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogoutOutcome {
    /// The portal confirmed the session is revoked. When false (offline) the local tokens
    /// are erased anyway and the portal session simply expires.
    pub revoked_on_portal: bool,
}

/// The identity area of the core.
pub struct Identity {
    config: Arc<CoreConfig>,
    http: HttpClient,
    provider: Provider,
    secure: Arc<dyn SecureStore>,
    database: Arc<Database>,
    /// Serialises session changes: two concurrent refreshes with one refresh token would
    /// look like token theft to the portal and end the session.
    session_lock: Arc<tokio::sync::Mutex<()>>,
    /// The number of the newest [`LoginTicket`] handed out (or of the last logout). Held
    /// while the login in progress is stored or erased, so that the check "am I still the
    /// newest?" and the write are one step.
    newest_login: Mutex<u64>,
}

/// A place in the order of login starts, taken when a start is asked for.
///
/// A login start is abandoned more often than it finishes: a double tap, a screen closed
/// while the provider's metadata loads, a cancelled Kotlin coroutine whose task was already
/// running its last synchronous step (a task cannot be stopped between two `.await`s). Of
/// overlapping starts only the one asked for last may store its request: an older one
/// that reaches its write later is refused with [`IdentityError::LoginSuperseded`] and
/// changes nothing, so it can never replace the `state` of the login the person is
/// actually doing. Take the ticket where the caller's order is known (the bindings take
/// it in the app's call, before the work moves to another thread).
#[derive(Debug)]
pub struct LoginTicket(u64);

impl Identity {
    pub(crate) fn new(
        config: Arc<CoreConfig>,
        http: HttpClient,
        database: Arc<Database>,
        secure: Arc<dyn SecureStore>,
    ) -> Identity {
        let provider = Provider::new(config.issuer.clone(), http.clone(), database.clone());
        Identity {
            config,
            http,
            provider,
            secure,
            database,
            session_lock: Arc::new(tokio::sync::Mutex::new(())),
            newest_login: Mutex::new(0),
        }
    }

    /// The number of the newest login ticket, locked. (A panic while it was held cannot
    /// have left the number half written.)
    fn newest_login(&self) -> MutexGuard<'_, u64> {
        self.newest_login
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The next place in the order of login starts: every ticket handed out earlier is
    /// superseded by this one.
    pub fn login_ticket(&self) -> LoginTicket {
        let mut newest = self.newest_login();
        *newest += 1;
        LoginTicket(*newest)
    }

    /// Starts a login with the app's configured redirect URI, after every start asked for
    /// before it.
    pub async fn begin_login(&self) -> Result<LoginRequest, IdentityError> {
        self.begin_login_in_turn(self.login_ticket(), None).await
    }

    /// Starts a login that returns to `redirect_uri` (the CLI's loopback listener,
    /// RFC 8252 §7.3). Replaces any login in progress.
    pub async fn begin_login_with_redirect(
        &self,
        redirect_uri: &str,
    ) -> Result<LoginRequest, IdentityError> {
        self.begin_login_in_turn(self.login_ticket(), Some(redirect_uri))
            .await
    }

    /// Starts the login of `ticket` (returning to `redirect_uri`, by default the app's
    /// configured one) and replaces any login in progress, unless a newer ticket was taken
    /// or a logout happened meanwhile: then it stores nothing and answers
    /// [`IdentityError::LoginSuperseded`].
    pub async fn begin_login_in_turn(
        &self,
        ticket: LoginTicket,
        redirect_uri: Option<&str>,
    ) -> Result<LoginRequest, IdentityError> {
        let redirect_uri = redirect_uri.unwrap_or(&self.config.redirect_uri);
        Url::parse(redirect_uri)
            .map_err(|_| IdentityError::MalformedCallback("redirect URI is not a URL".into()))?;
        let metadata = self.provider.metadata().await?;
        let pending = PendingLogin::generate(self.provider.issuer(), redirect_uri, unix_now())?;
        let url = pending.authorization_url(
            &metadata.authorization_endpoint,
            &self.config.client_id,
            &self.config.scopes,
        )?;
        {
            // No `.await` while this is held: the check and the write are one step.
            let newest = self.newest_login();
            if *newest != ticket.0 {
                tracing::info!("login start superseded by a newer one: nothing stored");
                return Err(IdentityError::LoginSuperseded);
            }
            self.put_json(KEY_PENDING_LOGIN, &pending)?;
        }
        tracing::info!("login started");
        Ok(LoginRequest {
            url: url.into(),
            redirect_uri: redirect_uri.to_owned(),
        })
    }

    /// Finishes the login from the full URL the browser was sent back to, and returns the
    /// citizen's profile. On any error nothing is stored.
    pub async fn complete_login(
        &self,
        callback_url: &str,
    ) -> Result<CitizenProfile, IdentityError> {
        let _guard = self.session_lock.lock().await;
        let pending: PendingLogin = self
            .get_json(KEY_PENDING_LOGIN)?
            .filter(|p: &PendingLogin| unix_now() - p.created_at <= PENDING_LOGIN_MAX_AGE_SECS)
            .ok_or(IdentityError::NoLoginInProgress)?;
        let callback = parse_callback(callback_url, &pending.redirect_uri)?;
        // `state` first: an answer without our state is not an answer to our request, even
        // an error one, and must not disturb the login in progress.
        match callback.state.as_deref() {
            Some(state) if secrets_equal(state, &pending.state) => {}
            _ => {
                tracing::warn!("login callback refused: state mismatch");
                return Err(IdentityError::StateMismatch);
            }
        }
        // The state is single-use from here on.
        self.secure.delete(KEY_PENDING_LOGIN)?;
        let metadata = self.provider.metadata().await?;
        match callback.iss.as_deref() {
            Some(iss) if iss != pending.issuer => return Err(IdentityError::IssuerMismatch),
            None if metadata.authorization_response_iss_parameter_supported => {
                return Err(IdentityError::IssuerMismatch);
            }
            _ => {}
        }
        if let Some(error) = callback.error {
            tracing::info!(error = %error, "provider answered the login with an error");
            return Err(if error == "access_denied" {
                IdentityError::Cancelled
            } else {
                IdentityError::ProviderRefused {
                    error,
                    description: callback.error_description,
                }
            });
        }
        let code = callback
            .code
            .ok_or_else(|| IdentityError::MalformedCallback("no code".into()))?;

        let tokens = self
            .exchange_code(&metadata.token_endpoint, &code, &pending)
            .await?;
        let id_token = tokens.id_token.ok_or_else(|| {
            IdentityError::ProviderMisconfigured("token response without id_token".into())
        })?;
        let claims = self.validate_id_token(&id_token, &pending.nonce).await?;
        // Before the portal opens a session: another citizen's undelivered work refuses
        // the login with nothing changed.
        let owner = ProfileOwner::of(&claims.iss, &claims.sub);
        let handover = self.handover_to(&owner)?;

        let response: SessionResponse = self
            .http
            .json(
                self.http
                    .raw()
                    .post(self.portal_endpoint(PATH_SESSION))
                    .json(&SessionRequest { id_token }),
            )
            .await?;
        if response.citizen.subject != claims.sub || response.citizen.issuer != claims.iss {
            return Err(IdentityError::Unexpected(
                "the portal opened a session for another identity".into(),
            ));
        }
        if handover == Handover::EraseFirst {
            self.erase_citizen_data()?;
            tracing::info!("another citizen logged in: the previous citizen's data was erased");
        }
        self.secure.set(KEY_PROFILE_OWNER, owner.0.as_bytes())?;
        let session = StoredSession::from_response(response, unix_now());
        self.put_json(KEY_SESSION, &session)?;
        tracing::info!(level = session.citizen.identity_level.number(), "logged in");
        Ok(session.citizen)
    }

    /// Whether the profile's data may pass to `owner`: kept for the same citizen, erased for
    /// another one, refused while another one's actions wait to be delivered. A profile
    /// with no recorded owner (made before owners were recorded) is taken to be the last
    /// session's citizen's, or adopted when there is none.
    fn handover_to(&self, owner: &ProfileOwner) -> Result<Handover, IdentityError> {
        let recorded = match self.secure.get(KEY_PROFILE_OWNER)? {
            Some(bytes) => Some(ProfileOwner(String::from_utf8_lossy(&bytes).into_owned())),
            None => self
                .get_json::<StoredSession>(KEY_SESSION)?
                .map(|session| ProfileOwner::of(&session.citizen.issuer, &session.citizen.subject)),
        };
        match recorded {
            None => Ok(Handover::Keep),
            Some(recorded) if secrets_equal(&recorded.0, &owner.0) => Ok(Handover::Keep),
            Some(_) => match self.database.undelivered_actions()? {
                0 => Ok(Handover::EraseFirst),
                undelivered => {
                    tracing::warn!(
                        undelivered,
                        "login of another citizen refused: the previous one's actions wait"
                    );
                    Err(IdentityError::PreviousCitizenUndelivered { undelivered })
                }
            },
        }
    }

    /// Erases the previous citizen's data: the database's rows (pages overwritten) and the
    /// sealed attachment files.
    fn erase_citizen_data(&self) -> Result<(), IdentityError> {
        self.database.erase_citizen_data()?;
        let attachments = self.config.data_dir.join(crate::store::ATTACHMENTS_DIR);
        match std::fs::remove_dir_all(&attachments) {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(error) => Err(IdentityError::Storage(
                crate::store::StoreError::Directory {
                    path: attachments,
                    source: error,
                },
            )),
        }
    }

    /// The logged-in citizen as last confirmed by the portal, without network.
    pub fn profile(&self) -> Result<Option<CitizenProfile>, IdentityError> {
        Ok(self
            .get_json::<StoredSession>(KEY_SESSION)?
            .map(|session| session.citizen))
    }

    /// The identity level of the logged-in citizen, if logged in.
    pub fn identity_level(&self) -> Result<Option<IdentityLevel>, IdentityError> {
        Ok(self.profile()?.map(|p| p.identity_level))
    }

    /// Asks the portal who the session belongs to (refreshing the session if needed) and
    /// updates the cached profile.
    pub async fn whoami(&self) -> Result<CitizenProfile, IdentityError> {
        let url = self.portal_endpoint(PATH_ME);
        let profile: CitizenProfile = self
            .authorised(|token| self.http.raw().get(url.clone()).bearer_auth(token))
            .await?;
        let _guard = self.session_lock.lock().await;
        if let Some(mut session) = self.get_json::<StoredSession>(KEY_SESSION)? {
            session.citizen = profile.clone();
            self.put_json(KEY_SESSION, &session)?;
        }
        Ok(profile)
    }

    /// A valid access token for the portal, refreshed first when it is about to expire.
    /// Other areas of the core call the portal with it.
    pub async fn access_token(&self) -> Result<String, IdentityError> {
        let guard = self.session_lock.clone().lock_owned().await;
        let session = self.session()?;
        if !session.needs_refresh(unix_now()) {
            return Ok(session.access_token);
        }
        Ok(self.refresh_detached(guard, session).await?.access_token)
    }

    /// Refreshes the session now, whatever its expiry.
    pub async fn refresh(&self) -> Result<(), IdentityError> {
        let guard = self.session_lock.clone().lock_owned().await;
        let session = self.session()?;
        self.refresh_detached(guard, session).await.map(|_| ())
    }

    /// Runs the refresh on its own task, which owns the session lock. Once the portal has
    /// rotated the refresh token, the new one must be stored even if the caller gives up
    /// (a cancelled Kotlin coroutine drops this future): otherwise the phone would keep a
    /// spent token and the next refresh would end the session.
    async fn refresh_detached(
        &self,
        guard: tokio::sync::OwnedMutexGuard<()>,
        session: StoredSession,
    ) -> Result<StoredSession, IdentityError> {
        let http = self.http.clone();
        let secure = self.secure.clone();
        let url = self.portal_endpoint(PATH_SESSION_REFRESH);
        let task = tokio::spawn(async move {
            let _guard = guard;
            refresh_session(&http, secure.as_ref(), &url, session).await
        });
        task.await
            .map_err(|e| IdentityError::Unexpected(format!("refresh task: {e}")))?
    }

    /// Ends the session: revokes it at the portal when reachable, and always erases the
    /// local tokens and any login in progress.
    pub async fn logout(&self) -> Result<LogoutOutcome, IdentityError> {
        let _guard = self.session_lock.lock().await;
        let session: Option<StoredSession> = self.get_json(KEY_SESSION)?;
        let revoked_on_portal = match session {
            Some(session) => {
                let request = self
                    .http
                    .raw()
                    .delete(self.portal_endpoint(PATH_SESSION))
                    .bearer_auth(&session.access_token);
                match self.http.send(request).await {
                    Ok(_) => true,
                    // Already ended on the portal: that is what we wanted.
                    Err(HttpError::Api { status: 401, .. }) => true,
                    Err(error) => {
                        tracing::warn!(error = %error, "logout: portal not reached, erasing locally");
                        false
                    }
                }
            }
            None => false,
        };
        self.secure.delete(KEY_SESSION)?;
        {
            // A login start still on its way is superseded by the logout: it must not
            // store its request after this erased the one in progress.
            let mut newest = self.newest_login();
            *newest += 1;
            self.secure.delete(KEY_PENDING_LOGIN)?;
        }
        tracing::info!(revoked_on_portal, "logged out");
        Ok(LogoutOutcome { revoked_on_portal })
    }

    /// Logs out and erases the citizen's data from the phone (drafts, attachments, the
    /// dossiers' local copies and receipts), for a citizen leaving a shared phone. Actions
    /// not yet delivered are erased too: the app asks before calling this when
    /// [`Identity::undelivered_actions`] is not zero. The dossiers themselves stay on the
    /// portal and come back with the next login's sync.
    pub async fn logout_and_erase(&self) -> Result<LogoutOutcome, IdentityError> {
        let outcome = self.logout().await?;
        let _guard = self.session_lock.lock().await;
        self.erase_citizen_data()?;
        self.secure.delete(KEY_PROFILE_OWNER)?;
        tracing::info!("the citizen's data was erased from the phone");
        Ok(outcome)
    }

    /// How many of the citizen's actions (submissions, supplement answers, withdrawals)
    /// still wait to reach the portal; what a logout with erasure would lose.
    pub fn undelivered_actions(&self) -> Result<u32, IdentityError> {
        Ok(self.database.undelivered_actions()?)
    }

    /// What to tell the citizen before [`Identity::logout_and_erase`]: `None` when nothing
    /// waits to be sent (erase at once), otherwise the warning to confirm, in plain words.
    pub fn erase_warning(&self, lang: Lang) -> Result<Option<String>, IdentityError> {
        let waiting = self.undelivered_actions()?;
        if waiting == 0 {
            return Ok(None);
        }
        Ok(Some(match lang {
            Lang::Vi => format!(
                "Còn {waiting} hồ sơ hoặc yêu cầu chưa gửi được. Nếu xóa bây giờ, chúng sẽ mất và không được gửi đi. Hãy chờ có mạng để gửi xong rồi hãy xóa."
            ),
            Lang::En => format!(
                "{waiting} dossiers or requests have not been sent yet. If you erase now they are lost and never sent. Wait for a connection so they are sent, then erase."
            ),
        }))
    }

    /// Runs an authorised portal request; on `token_expired` refreshes once and retries.
    async fn authorised<T: serde::de::DeserializeOwned>(
        &self,
        request: impl Fn(&str) -> reqwest::RequestBuilder,
    ) -> Result<T, IdentityError> {
        Ok(self.authorised_json(&self.http, request).await??)
    }

    /// Runs a portal request with the session's access token (refreshed first when about
    /// to expire), and once more with the current token when the portal refuses the one
    /// sent because it is no longer current: it expired on the way, or another call
    /// refreshed the session while this one was in flight (a refresh replaces the access
    /// token at once, so concurrent calls near expiry would otherwise fail at random).
    /// The outer error is the session's (no token, refresh refused); the inner one is the
    /// request's, for the caller to translate.
    pub(crate) async fn authorised_json<T: serde::de::DeserializeOwned>(
        &self,
        http: &HttpClient,
        request: impl Fn(&str) -> reqwest::RequestBuilder,
    ) -> Result<Result<T, HttpError>, IdentityError> {
        let token = self.access_token().await?;
        let refused = match http.json(request(&token)).await {
            Err(error @ HttpError::Api { status: 401, .. }) => error,
            other => return Ok(other),
        };
        let expired = matches!(
            refused,
            HttpError::Api {
                code: motcua_protocol::api::ApiErrorCode::TokenExpired,
                ..
            }
        );
        if expired {
            self.refresh().await?;
        } else {
            // Under the lock: a refresh still on its way has stored its token by then.
            let current = {
                let _guard = self.session_lock.lock().await;
                self.session()?.access_token
            };
            if current == token {
                return Ok(Err(refused));
            }
            tracing::debug!("access token replaced by a concurrent refresh: retried");
        }
        let token = self.access_token().await?;
        Ok(http.json(request(&token)).await)
    }

    async fn exchange_code(
        &self,
        token_endpoint: &str,
        code: &str,
        pending: &PendingLogin,
    ) -> Result<TokenResponse, IdentityError> {
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", pending.redirect_uri.as_str()),
            ("client_id", self.config.client_id.as_str()),
            ("code_verifier", pending.code_verifier.as_str()),
        ];
        let request = self
            .http
            .raw()
            .post(token_endpoint)
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&form);
        let response = self.http.send_any(request).await.map_err(|error| {
            IdentityError::Network(format!("token endpoint not reached ({error})"))
        })?;
        let status = response.status();
        let body = self
            .http
            .bytes(response)
            .await
            .map_err(|_| IdentityError::Network("connection broke while reading".into()))?;
        if status.is_success() {
            return serde_json::from_slice(&body).map_err(|_| {
                IdentityError::ProviderMisconfigured(
                    "token response is not the expected JSON".into(),
                )
            });
        }
        match serde_json::from_slice::<OAuthError>(&body) {
            Ok(error) => {
                tracing::warn!(error = %error.error, "token endpoint refused the code");
                Err(IdentityError::CodeRejected { error: error.error })
            }
            Err(_) => Err(IdentityError::Unexpected(format!(
                "token endpoint answered HTTP {}",
                status.as_u16()
            ))),
        }
    }

    async fn validate_id_token(
        &self,
        id_token: &str,
        nonce: &str,
    ) -> Result<jose::IdTokenClaims, IdentityError> {
        let rules = |now| IdTokenRules {
            issuer: self.provider.issuer(),
            client_id: &self.config.client_id,
            nonce: Some(nonce),
            now,
            clock_skew_secs: CLOCK_SKEW_SECS,
            max_age_secs: None,
            algorithms: &Algorithm::ALL,
        };
        let keys = self.provider.keys(false).await?;
        match jose::validate_id_token(id_token, &keys, &rules(unix_now())) {
            Err(IdTokenError::Jose(JoseError::UnknownKey { .. })) => {
                // The provider may have rotated its keys since we cached them.
                let keys = self.provider.keys(true).await?;
                Ok(jose::validate_id_token(
                    id_token,
                    &keys,
                    &rules(unix_now()),
                )?)
            }
            other => {
                if let Err(error) = &other {
                    tracing::warn!(error = %error, "ID token rejected");
                }
                Ok(other?)
            }
        }
    }

    fn session(&self) -> Result<StoredSession, IdentityError> {
        self.get_json(KEY_SESSION)?
            .ok_or(IdentityError::NotLoggedIn)
    }

    fn portal_endpoint(&self, path: &str) -> String {
        self.config.endpoint(path)
    }

    fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
    ) -> Result<Option<T>, IdentityError> {
        get_json(self.secure.as_ref(), key)
    }

    fn put_json<T: serde::Serialize>(&self, key: &str, value: &T) -> Result<(), IdentityError> {
        put_json(self.secure.as_ref(), key, value)
    }
}

fn get_json<T: serde::de::DeserializeOwned>(
    secure: &dyn SecureStore,
    key: &str,
) -> Result<Option<T>, IdentityError> {
    match secure.get(key)? {
        None => Ok(None),
        Some(bytes) => match serde_json::from_slice(&bytes) {
            Ok(value) => Ok(Some(value)),
            Err(_) => {
                // Written by another app version: unusable, so treat as absent.
                tracing::warn!(key, "discarding unreadable secure-storage entry");
                secure.delete(key)?;
                Ok(None)
            }
        },
    }
}

fn put_json<T: serde::Serialize>(
    secure: &dyn SecureStore,
    key: &str,
    value: &T,
) -> Result<(), IdentityError> {
    let bytes = serde_json::to_vec(value).map_err(|e| IdentityError::Unexpected(e.to_string()))?;
    Ok(secure.set(key, &bytes)?)
}

/// Exchanges the session's refresh token for a new session and stores it.
async fn refresh_session(
    http: &HttpClient,
    secure: &dyn SecureStore,
    url: &str,
    session: StoredSession,
) -> Result<StoredSession, IdentityError> {
    if session.refresh_expires_at <= unix_now() {
        secure.delete(KEY_SESSION)?;
        return Err(IdentityError::SessionEnded);
    }
    let request = http.raw().post(url).json(&RefreshRequest {
        refresh_token: session.refresh_token.clone(),
    });
    let response: SessionResponse = match http.json(request).await {
        Ok(response) => response,
        Err(HttpError::Network(detail)) => return Err(IdentityError::Network(detail)),
        Err(error) => {
            // The portal refused the refresh token: this session is over.
            let error = IdentityError::from(error);
            if matches!(error, IdentityError::SessionEnded) {
                secure.delete(KEY_SESSION)?;
            }
            return Err(error);
        }
    };
    let renewed = StoredSession::from_response(response, unix_now());
    put_json(secure, KEY_SESSION, &renewed)?;
    tracing::debug!("session refreshed");
    Ok(renewed)
}

/// Who the profile's data belongs to: a digest of issuer and subject, so the keystore
/// holds no identifier in the clear.
struct ProfileOwner(String);

impl ProfileOwner {
    fn of(issuer: &str, subject: &str) -> ProfileOwner {
        let digest = ring::digest::digest(
            &ring::digest::SHA256,
            format!("{issuer}\n{subject}").as_bytes(),
        );
        ProfileOwner(
            digest
                .as_ref()
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect(),
        )
    }
}

/// What a login does with the data the profile holds.
#[derive(Debug, PartialEq, Eq)]
enum Handover {
    /// The same citizen (or no one before): keep everything.
    Keep,
    /// Another citizen, nothing of the previous one waiting: erase before storing.
    EraseFirst,
}
