//! The desk's side: an officer of the one-stop desk (reception) or the specialist unit
//! moves dossiers through the lifecycle with a staff session, separate from any citizen's.
//! Used by the desk PC (the `motcua desk` commands) and by the app's desk mode.
//!
//! Every action is checked here with the same rule the portal applies
//! ([`motcua_protocol::lifecycle::transition`]) before it is sent, so an officer learns at
//! once that an action does not apply; the portal decides again and audits.

use std::sync::Arc;

use motcua_protocol::api::desk::{
    DeskActionRequest, DeskDossier, DeskQueueItem, PATH_DESK_ACTIONS, PATH_DESK_DOSSIER,
    PATH_DESK_DOSSIERS, PATH_DESK_ME, PATH_DESK_SESSION, StaffProfile, StaffSessionRequest,
    StaffSessionResponse,
};
use motcua_protocol::dossier::DossierStatus;
use motcua_protocol::i18n::{Lang, Localized};
use motcua_protocol::lifecycle::{TransitionError, transition};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::http::{HttpClient, HttpError};
use crate::secure_store::{SecureStore, SecureStoreError};

/// Secure-storage key of the staff session (never the citizen's session key).
pub const DESK_SESSION_KEY: &str = "motcua.desk.session.v1";

/// Why a desk operation failed.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    /// No staff session on this device: log in first.
    #[error("no staff session")]
    NotLoggedIn,
    /// The user name or password is wrong (or the account is disabled).
    #[error("wrong user name or password")]
    WrongCredentials,
    /// The staff session expired or was revoked: log in again.
    #[error("the staff session has ended")]
    SessionEnded,
    /// The action does not apply (role or status), or its details are missing.
    #[error(transparent)]
    NotAllowed(#[from] TransitionError),
    /// No such dossier.
    #[error("no dossier {0}")]
    NotFound(String),
    /// Too many attempts: wait.
    #[error("rate limited")]
    RateLimited,
    /// The portal could not be reached.
    #[error("network: {0}")]
    Network(String),
    /// The platform's secure storage failed.
    #[error(transparent)]
    SecureStore(#[from] SecureStoreError),
    /// The portal answered something else.
    #[error("unexpected answer: {0}")]
    Unexpected(String),
}

impl From<HttpError> for DeskError {
    fn from(error: HttpError) -> Self {
        match error {
            HttpError::Network(detail) => DeskError::Network(detail),
            HttpError::Api { status: 401, .. } => DeskError::SessionEnded,
            HttpError::Api { status: 404, .. } => DeskError::NotFound(String::new()),
            HttpError::Api { status: 429, .. } => DeskError::RateLimited,
            other => DeskError::Unexpected(other.to_string()),
        }
    }
}

impl Localized for DeskError {
    fn code(&self) -> &'static str {
        match self {
            DeskError::NotLoggedIn => "staff_not_logged_in",
            DeskError::WrongCredentials => "wrong_credentials",
            DeskError::SessionEnded => "staff_session_ended",
            DeskError::NotAllowed(e) => e.code(),
            DeskError::NotFound(_) => "dossier_not_found",
            DeskError::RateLimited => "rate_limited",
            DeskError::Network(_) => "network_unavailable",
            DeskError::SecureStore(_) => "secure_storage_failed",
            DeskError::Unexpected(_) => "unexpected_answer",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (vi, en) = match self {
            DeskError::NotAllowed(e) => return e.message(lang),
            DeskError::NotFound(code) => {
                return match lang {
                    Lang::Vi => format!("Không tìm thấy hồ sơ {code}."),
                    Lang::En => format!("Dossier {code} was not found."),
                };
            }
            DeskError::NotLoggedIn => (
                "Cán bộ chưa đăng nhập. Hãy đăng nhập tài khoản một cửa.",
                "No officer is logged in. Log in with the desk account.",
            ),
            DeskError::WrongCredentials => (
                "Sai tên đăng nhập hoặc mật khẩu.",
                "Wrong user name or password.",
            ),
            DeskError::SessionEnded => (
                "Phiên làm việc đã hết hạn. Hãy đăng nhập lại.",
                "The session has ended. Log in again.",
            ),
            DeskError::RateLimited => (
                "Thử quá nhiều lần. Hãy đợi một lát rồi thử lại.",
                "Too many attempts. Wait a moment and try again.",
            ),
            DeskError::Network(_) => (
                "Không kết nối được cổng dịch vụ công. Hãy kiểm tra mạng.",
                "Could not reach the portal. Check the network.",
            ),
            DeskError::SecureStore(_) => (
                "Không đọc/ghi được kho khóa bảo mật của máy.",
                "The device's secure storage could not be used.",
            ),
            DeskError::Unexpected(_) => (
                "Cổng dịch vụ công trả lời không như mong đợi.",
                "The portal gave an unexpected answer.",
            ),
        };
        match lang {
            Lang::Vi => vi.to_owned(),
            Lang::En => en.to_owned(),
        }
    }
}

/// The stored staff session.
#[derive(Serialize, Deserialize)]
struct StoredStaffSession {
    access_token: String,
    staff: StaffProfile,
}

/// An officer's client of the desk API.
pub struct DeskClient {
    portal_url: Url,
    http: HttpClient,
    secure: Arc<dyn SecureStore>,
}

impl DeskClient {
    /// A desk client for the portal at `portal_url`, keeping its session in `secure`.
    pub fn new(portal_url: Url, secure: Arc<dyn SecureStore>) -> Result<DeskClient, DeskError> {
        let http = HttpClient::new().map_err(|e| DeskError::Unexpected(e.to_string()))?;
        Ok(DeskClient {
            portal_url,
            http,
            secure,
        })
    }

    fn endpoint(&self, path: &str) -> String {
        crate::portal_endpoint(&self.portal_url, path)
    }

    fn session(&self) -> Result<StoredStaffSession, DeskError> {
        let bytes = self
            .secure
            .get(DESK_SESSION_KEY)?
            .ok_or(DeskError::NotLoggedIn)?;
        serde_json::from_slice(&bytes).map_err(|_| DeskError::NotLoggedIn)
    }

    /// Logs an officer in; the session replaces any earlier one on this device.
    pub async fn login(&self, username: &str, password: &str) -> Result<StaffProfile, DeskError> {
        let request =
            self.http
                .raw()
                .post(self.endpoint(PATH_DESK_SESSION))
                .json(&StaffSessionRequest {
                    username: username.trim().to_owned(),
                    password: password.to_owned(),
                });
        let response: StaffSessionResponse =
            self.http.json(request).await.map_err(|e| match e {
                HttpError::Api { status: 401, .. } => DeskError::WrongCredentials,
                other => other.into(),
            })?;
        let stored = StoredStaffSession {
            access_token: response.access_token,
            staff: response.staff.clone(),
        };
        let bytes =
            serde_json::to_vec(&stored).map_err(|e| DeskError::Unexpected(e.to_string()))?;
        self.secure.set(DESK_SESSION_KEY, &bytes)?;
        tracing::info!(role = response.staff.role.as_str(), "staff logged in");
        Ok(response.staff)
    }

    /// The officer logged in on this device, as the portal knows them.
    pub async fn me(&self) -> Result<StaffProfile, DeskError> {
        let session = self.session()?;
        let request = self
            .http
            .raw()
            .get(self.endpoint(PATH_DESK_ME))
            .bearer_auth(&session.access_token);
        self.http.json(request).await.map_err(Into::into)
    }

    /// Ends the staff session at the portal and on the device. The local session is
    /// erased even when the portal cannot be reached.
    pub async fn logout(&self) -> Result<(), DeskError> {
        let session = match self.session() {
            Ok(session) => session,
            Err(DeskError::NotLoggedIn) => return Ok(()),
            Err(other) => return Err(other),
        };
        self.secure.delete(DESK_SESSION_KEY)?;
        let request = self
            .http
            .raw()
            .delete(self.endpoint(PATH_DESK_SESSION))
            .bearer_auth(&session.access_token);
        match self.http.send(request).await {
            Ok(_) | Err(HttpError::Api { status: 401, .. }) => Ok(()),
            Err(error) => Err(error.into()),
        }
    }

    /// The queue: dossiers in `status` (all when `None`), oldest first.
    pub async fn queue(
        &self,
        status: Option<DossierStatus>,
        limit: u32,
    ) -> Result<Vec<DeskQueueItem>, DeskError> {
        let session = self.session()?;
        let mut query = vec![("limit", limit.clamp(1, 500).to_string())];
        if let Some(status) = status {
            query.push(("status", status.as_str().to_owned()));
        }
        let request = self
            .http
            .raw()
            .get(self.endpoint(PATH_DESK_DOSSIERS))
            .query(&query)
            .bearer_auth(&session.access_token);
        self.http.json(request).await.map_err(Into::into)
    }

    /// One dossier with the applicant, form, attachments, timeline and the actions this
    /// officer may take.
    pub async fn dossier(&self, code: &str) -> Result<DeskDossier, DeskError> {
        let session = self.session()?;
        let request = self
            .http
            .raw()
            .get(self.endpoint(&PATH_DESK_DOSSIER.replace("{code}", code.trim())))
            .bearer_auth(&session.access_token);
        self.http.json(request).await.map_err(|e| match e.into() {
            DeskError::NotFound(_) => DeskError::NotFound(code.to_owned()),
            other => other,
        })
    }

    /// Takes `request` on dossier `code`: checked against the dossier's current status and
    /// the officer's role first, then applied by the portal. Returns the dossier after it.
    pub async fn act(
        &self,
        code: &str,
        request: &DeskActionRequest,
    ) -> Result<DeskDossier, DeskError> {
        let session = self.session()?;
        let current = self.dossier(code).await?;
        transition(
            current.status,
            &request.to_action(),
            session.staff.role.actor(),
        )?;
        let post = self
            .http
            .raw()
            .post(self.endpoint(&PATH_DESK_ACTIONS.replace("{code}", code.trim())))
            .bearer_auth(&session.access_token)
            .json(request);
        let after: DeskDossier = self.http.json(post).await.map_err(|e| match e {
            // Someone else moved the dossier between our read and our action.
            HttpError::Api { status: 409, .. } => DeskError::NotAllowed(TransitionError::Illegal {
                from: current.status,
                action: request.action,
            }),
            other => other.into(),
        })?;
        tracing::info!(action = request.action.as_str(), "desk action applied");
        Ok(after)
    }
}
