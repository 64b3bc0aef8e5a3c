//! The identity area's errors: one variant per way login can fail that a caller (or a
//! person) handles differently, each with a stable code and vi/en messages.

use motcua_protocol::api::ApiErrorCode;
use motcua_protocol::i18n::{Lang, Localized};
use motcua_protocol::jose::{IdTokenError, JoseError};

use crate::http::HttpError;
use crate::secure_store::SecureStoreError;
use crate::store::StoreError;

/// Why a login, refresh or logout failed. Nothing is stored when one of these is returned.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// The provider or the portal could not be reached.
    #[error("network: {0}")]
    Network(String),
    /// The provider's discovery document or keys are unusable.
    #[error("identity provider misconfigured: {0}")]
    ProviderMisconfigured(String),
    /// `complete_login` without a `begin_login` (or after it completed).
    #[error("no login in progress")]
    NoLoginInProgress,
    /// A login start that a newer one (or a logout) overtook: it stored nothing, and its
    /// URL must not be opened. See [`super::LoginTicket`].
    #[error("login start superseded by a newer one")]
    LoginSuperseded,
    /// The callback is not for our redirect URI, or has no code.
    #[error("callback URL is not a login answer for this app: {0}")]
    MalformedCallback(String),
    /// The callback's `state` is missing or not the one we sent (CSRF or a stale tab).
    #[error("state does not match the login in progress")]
    StateMismatch,
    /// The callback names another issuer (RFC 9207 mix-up defence).
    #[error("callback comes from another issuer")]
    IssuerMismatch,
    /// The person cancelled at the provider.
    #[error("login cancelled at the provider")]
    Cancelled,
    /// The provider answered the login with an error.
    #[error("provider refused the login: {error}")]
    ProviderRefused {
        /// OAuth error code (`invalid_request`, `login_required`, …).
        error: String,
        /// The provider's description.
        description: Option<String>,
    },
    /// The token endpoint refused the code: replayed, expired, or a PKCE mismatch.
    #[error("authorization code refused: {error}")]
    CodeRejected {
        /// OAuth error code, usually `invalid_grant`.
        error: String,
    },
    /// The ID token failed validation.
    #[error("ID token rejected: {0}")]
    IdTokenRejected(#[from] IdTokenError),
    /// The portal refused to open a session for this identity.
    #[error("portal refused the identity: {0}")]
    PortalRefused(String),
    /// No session: log in first.
    #[error("not logged in")]
    NotLoggedIn,
    /// The session ended (expired, revoked, or refused on refresh): log in again.
    #[error("session ended: log in again")]
    SessionEnded,
    /// The platform's secure storage failed.
    #[error(transparent)]
    SecureStorage(#[from] SecureStoreError),
    /// Another citizen logs in on this profile while the previous one's submissions,
    /// supplement answers or withdrawals still wait to reach the portal: erasing the
    /// previous citizen's data would lose them. The previous citizen logs in to send them
    /// (or the app erases them explicitly).
    #[error("{undelivered} actions of the previous citizen are not delivered yet")]
    PreviousCitizenUndelivered {
        /// How many actions wait.
        undelivered: u32,
    },
    /// The local database failed.
    #[error(transparent)]
    Storage(#[from] StoreError),
    /// Answer we could not understand.
    #[error("unexpected answer: {0}")]
    Unexpected(String),
}

impl From<HttpError> for IdentityError {
    fn from(error: HttpError) -> Self {
        match error {
            HttpError::Network(detail) => IdentityError::Network(detail),
            HttpError::Api {
                code: ApiErrorCode::TokenExpired | ApiErrorCode::SessionRevoked,
                ..
            }
            | HttpError::Api {
                code: ApiErrorCode::InvalidRefreshToken | ApiErrorCode::Unauthenticated,
                ..
            } => IdentityError::SessionEnded,
            HttpError::Api {
                code: ApiErrorCode::IdTokenRejected,
                message,
                ..
            } => IdentityError::PortalRefused(message),
            HttpError::Api {
                code: ApiErrorCode::IssuerUnavailable,
                message,
                ..
            } => IdentityError::Network(message),
            HttpError::Api { code, message, .. } => {
                IdentityError::Unexpected(format!("{}: {message}", code.as_str()))
            }
            HttpError::Unexpected { status, detail } => {
                IdentityError::Unexpected(format!("HTTP {status}: {detail}"))
            }
        }
    }
}

impl Localized for IdentityError {
    fn code(&self) -> &'static str {
        match self {
            IdentityError::Network(_) => "network_unavailable",
            IdentityError::ProviderMisconfigured(_) => "provider_misconfigured",
            IdentityError::NoLoginInProgress => "no_login_in_progress",
            IdentityError::LoginSuperseded => "login_superseded",
            IdentityError::MalformedCallback(_) => "malformed_callback",
            IdentityError::StateMismatch => "state_mismatch",
            IdentityError::IssuerMismatch => "issuer_mismatch",
            IdentityError::Cancelled => "login_cancelled",
            IdentityError::ProviderRefused { .. } => "provider_refused",
            IdentityError::CodeRejected { .. } => "code_rejected",
            IdentityError::IdTokenRejected(reason) => match reason {
                IdTokenError::Jose(JoseError::AlgorithmNotAllowed(_)) => {
                    "id_token_algorithm_not_allowed"
                }
                IdTokenError::Jose(JoseError::UnknownKey { .. }) => "id_token_unknown_key",
                IdTokenError::Jose(JoseError::BadSignature) => "id_token_bad_signature",
                IdTokenError::Jose(_) | IdTokenError::MalformedClaims(_) => "id_token_malformed",
                IdTokenError::WrongIssuer { .. } => "id_token_wrong_issuer",
                IdTokenError::WrongAudience => "id_token_wrong_audience",
                IdTokenError::Expired | IdTokenError::TooOld => "id_token_expired",
                IdTokenError::NotYetValid => "id_token_not_yet_valid",
                IdTokenError::NonceMismatch => "id_token_nonce_mismatch",
            },
            IdentityError::PortalRefused(_) => "portal_refused_identity",
            IdentityError::NotLoggedIn => "not_logged_in",
            IdentityError::SessionEnded => "session_ended",
            IdentityError::SecureStorage(_) => "secure_storage_failed",
            IdentityError::Storage(_) => "storage_failed",
            IdentityError::PreviousCitizenUndelivered { .. } => "previous_citizen_undelivered",
            IdentityError::Unexpected(_) => "unexpected_answer",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (vi, en) = match self {
            IdentityError::PreviousCitizenUndelivered { undelivered } => {
                // The count is part of the sentence in both languages.
                return match lang {
                    Lang::Vi => format!(
                        "Điện thoại này còn {undelivered} hồ sơ hoặc yêu cầu của người dùng trước chưa gửi được. Để không mất chúng, người đó cần đăng nhập lại khi có mạng để gửi đi, rồi đăng xuất."
                    ),
                    Lang::En => format!(
                        "This phone still holds {undelivered} dossiers or requests of the previous user that could not be sent yet. So that they are not lost, that person needs to log in again with a network connection to send them, then log out."
                    ),
                };
            }
            IdentityError::Network(_) => (
                "Không kết nối được. Hãy kiểm tra mạng rồi thử lại.",
                "Could not connect. Check the network and try again.",
            ),
            IdentityError::ProviderMisconfigured(_) => (
                "Hệ thống định danh đang gặp sự cố. Vui lòng thử lại sau.",
                "The identity service has a problem. Please try again later.",
            ),
            IdentityError::NoLoginInProgress => (
                "Chưa bắt đầu đăng nhập, hoặc lần đăng nhập này đã xong. Hãy bấm Đăng nhập lại.",
                "No login is in progress, or it already finished. Tap Log in again.",
            ),
            IdentityError::LoginSuperseded => (
                "Lần đăng nhập này đã được thay bằng một lần mới hơn. Hãy dùng lần đăng nhập mới nhất.",
                "This login was replaced by a newer one. Use the newest login.",
            ),
            IdentityError::MalformedCallback(_) => (
                "Địa chỉ trả về không phải kết quả đăng nhập của ứng dụng này.",
                "This address is not a login answer for this app.",
            ),
            IdentityError::StateMismatch | IdentityError::IssuerMismatch => (
                "Kết quả đăng nhập không khớp với yêu cầu của bạn nên đã bị từ chối để bảo vệ tài khoản. Hãy đăng nhập lại.",
                "The login answer does not match your request, so it was refused to protect your account. Please log in again.",
            ),
            IdentityError::Cancelled => ("Bạn đã hủy đăng nhập.", "You cancelled the login."),
            IdentityError::ProviderRefused { .. } => (
                "Hệ thống định danh từ chối đăng nhập. Hãy thử lại.",
                "The identity service refused the login. Please try again.",
            ),
            IdentityError::CodeRejected { .. } => (
                "Phiên đăng nhập đã hết hạn hoặc đã được dùng. Hãy đăng nhập lại.",
                "The login has expired or was already used. Please log in again.",
            ),
            IdentityError::IdTokenRejected(_) => (
                "Không xác minh được danh tính từ hệ thống định danh nên đã từ chối đăng nhập. Hãy thử lại; nếu lặp lại, hãy kiểm tra ngày giờ của điện thoại.",
                "The identity could not be verified, so the login was refused. Try again; if it repeats, check the phone's date and time.",
            ),
            IdentityError::PortalRefused(_) => (
                "Cổng dịch vụ công không chấp nhận danh tính này.",
                "The public-service portal did not accept this identity.",
            ),
            IdentityError::NotLoggedIn => ("Bạn chưa đăng nhập.", "You are not logged in."),
            IdentityError::SessionEnded => (
                "Phiên làm việc đã kết thúc. Hãy đăng nhập lại.",
                "Your session has ended. Please log in again.",
            ),
            IdentityError::SecureStorage(_) => (
                "Không truy cập được kho bảo mật của điện thoại.",
                "The phone's secure storage could not be used.",
            ),
            IdentityError::Storage(_) => (
                "Không lưu được dữ liệu trên máy. Hãy kiểm tra bộ nhớ còn trống.",
                "Data could not be saved on this device. Check free storage.",
            ),
            IdentityError::Unexpected(_) => (
                "Hệ thống trả lời không như mong đợi. Vui lòng thử lại sau.",
                "The service gave an unexpected answer. Please try again later.",
            ),
        };
        match lang {
            Lang::Vi => vi.to_owned(),
            Lang::En => en.to_owned(),
        }
    }
}
