//! The portal API: paths, request and response bodies, and the stable error codes. This
//! module holds sessions and errors; one module per area holds the rest: [`catalog`],
//! [`uploads`] (tus), [`dossiers`] (submission and answer), [`tracking`] (sync, withdrawal,
//! supplement, lookup), [`receipts`] (the trust list) and [`desk`] (officers). Every path
//! the portal serves is a `PATH_*` constant here or in one of them.
//!
//! Every error the portal answers is `{"error": {"code": "...", "message": "..."}}` where
//! `code` is one of [`ApiErrorCode`]; clients branch on the code, never on the message.

pub mod catalog;
pub mod desk;
pub mod dossiers;
pub mod payments;
pub mod receipts;
pub mod tracking;
pub mod uploads;

use serde::{Deserialize, Serialize};

use crate::identity::CitizenProfile;

/// `GET`: liveness and readiness (the database answers).
pub const PATH_HEALTH: &str = "/healthz";
/// `GET`: what a client needs to log in ([`ClientConfig`]).
pub const PATH_CLIENT_CONFIG: &str = "/api/v1/client-config";
/// `POST` [`SessionRequest`] → [`SessionResponse`]; `DELETE` (bearer) logs out.
pub const PATH_SESSION: &str = "/api/v1/session";
/// `POST` [`RefreshRequest`] → [`SessionResponse`].
pub const PATH_SESSION_REFRESH: &str = "/api/v1/session/refresh";
/// `GET` (bearer) → [`CitizenProfile`].
pub const PATH_ME: &str = "/api/v1/me";

/// Path prefix of the portal's built-in OpenID provider; its issuer is
/// `<portal base URL>/oidc`.
pub const BUILTIN_ISSUER_PATH: &str = "/oidc";

/// What the portal tells clients about logging in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientConfig {
    /// The OpenID issuer whose ID tokens the portal accepts.
    pub issuer: String,
    /// The client id of the native apps at that issuer.
    pub client_id: String,
    /// The scopes to request.
    pub scopes: String,
    /// The province root key that signs the receipt trust list (`ed25519:…`,
    /// `motcua_protocol::receipt::RootKey`). Apps carry it in their branding and must not
    /// take it from here; only the development CLI does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt_root_key: Option<String>,
}

/// Exchange of a provider's ID token for a portal session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRequest {
    /// The ID token just received from the issuer; the portal validates it itself.
    pub id_token: String,
}

/// A portal session: opaque bearer tokens, the access one short-lived.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionResponse {
    /// Bearer token for the API.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Single-use token that yields a new session; rotated on every refresh.
    pub refresh_token: String,
    /// Seconds until the refresh token expires.
    pub refresh_expires_in: u64,
    /// The citizen the session belongs to.
    pub citizen: CitizenProfile,
}

impl std::fmt::Debug for SessionResponse {
    // Tokens must never reach a log through a stray `{:?}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionResponse")
            .field("expires_in", &self.expires_in)
            .field("refresh_expires_in", &self.refresh_expires_in)
            .finish_non_exhaustive()
    }
}

/// Request for a new session from a refresh token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshRequest {
    /// The refresh token of the current session.
    pub refresh_token: String,
}

impl std::fmt::Debug for RefreshRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RefreshRequest { .. }")
    }
}

/// Stable machine codes of the portal's errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiErrorCode {
    /// The request body or parameters are not what the endpoint takes.
    InvalidRequest,
    /// No bearer token, or one the portal does not know.
    Unauthenticated,
    /// The access token expired: refresh and retry.
    TokenExpired,
    /// The session was ended (logout or refresh-token reuse).
    SessionRevoked,
    /// The refresh token is unknown, used or expired: log in again.
    InvalidRefreshToken,
    /// The ID token was refused (signature, issuer, audience, time…).
    IdTokenRejected,
    /// The identity provider could not be reached to fetch its keys.
    IssuerUnavailable,
    /// Authenticated, but not allowed to do this.
    Forbidden,
    /// No such resource (or not yours).
    NotFound,
    /// Too many requests; retry later.
    RateLimited,
    /// Form values break the procedure's rules; `fields` says which and why.
    ValidationFailed,
    /// The idempotency key was already used with a different request body.
    IdempotencyKeyReused,
    /// The body or the file is larger than allowed.
    PayloadTooLarge,
    /// A tus `PATCH` did not start at the upload's current offset.
    UploadOffsetMismatch,
    /// An attachment is not complete, not the citizen's, or not what was declared.
    AttachmentInvalid,
    /// The media type is not accepted.
    UnsupportedMediaType,
    /// A fault on the portal's side.
    Internal,
    /// Form fields bound to the verified identity name someone else, and the dossier is
    /// not filed on behalf of another person (`motcua_protocol::on_behalf`); `fields`
    /// names them.
    IdentityMismatch,
    /// The action does not apply to the dossier in its current status
    /// (`motcua_protocol::lifecycle::transition`); the dossier was not changed.
    IllegalTransition,
    /// The citizen's uploads that no dossier references yet are at their count or byte
    /// quota: attach them to a dossier, delete abandoned ones (tus termination), or wait
    /// for stale ones to expire (`Retry-After`).
    UploadQuotaExceeded,
    /// The upload expired before it was finished or attached to a dossier (tus
    /// expiration): create a new one.
    UploadExpired,
    /// A code this build does not know (a newer portal's): read as unknown rather than
    /// making the whole answer unreadable; clients act on the HTTP status. The portal
    /// never sends it.
    #[serde(other)]
    Unknown,
}

impl ApiErrorCode {
    /// The code as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiErrorCode::InvalidRequest => "invalid_request",
            ApiErrorCode::Unauthenticated => "unauthenticated",
            ApiErrorCode::TokenExpired => "token_expired",
            ApiErrorCode::SessionRevoked => "session_revoked",
            ApiErrorCode::InvalidRefreshToken => "invalid_refresh_token",
            ApiErrorCode::IdTokenRejected => "id_token_rejected",
            ApiErrorCode::IssuerUnavailable => "issuer_unavailable",
            ApiErrorCode::Forbidden => "forbidden",
            ApiErrorCode::NotFound => "not_found",
            ApiErrorCode::RateLimited => "rate_limited",
            ApiErrorCode::ValidationFailed => "validation_failed",
            ApiErrorCode::IdempotencyKeyReused => "idempotency_key_reused",
            ApiErrorCode::PayloadTooLarge => "payload_too_large",
            ApiErrorCode::UploadOffsetMismatch => "upload_offset_mismatch",
            ApiErrorCode::AttachmentInvalid => "attachment_invalid",
            ApiErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ApiErrorCode::Internal => "internal",
            ApiErrorCode::IdentityMismatch => "identity_mismatch",
            ApiErrorCode::IllegalTransition => "illegal_transition",
            ApiErrorCode::UploadQuotaExceeded => "upload_quota_exceeded",
            ApiErrorCode::UploadExpired => "upload_expired",
            ApiErrorCode::Unknown => "unknown",
        }
    }
}

/// Body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorBody {
    /// The error.
    pub error: ApiErrorDetail,
}

/// The error inside [`ApiErrorBody`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorDetail {
    /// Stable machine code.
    pub code: ApiErrorCode,
    /// English detail for developers; apps show their own localised text for the code.
    pub message: String,
    /// For `validation_failed`: the problem of each field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldProblem>,
}

/// One field's validation problem, as the portal reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    /// The field id (or `attachments.<requirement>`).
    pub field: String,
    /// The rule's machine code (see `validation`).
    pub code: String,
    /// Vietnamese message.
    pub message_vi: String,
    /// English message.
    pub message_en: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_are_snake_case_on_the_wire() {
        for code in [
            ApiErrorCode::InvalidRequest,
            ApiErrorCode::TokenExpired,
            ApiErrorCode::IdTokenRejected,
            ApiErrorCode::InvalidRefreshToken,
            ApiErrorCode::IdentityMismatch,
            ApiErrorCode::IllegalTransition,
            ApiErrorCode::UploadQuotaExceeded,
            ApiErrorCode::UploadExpired,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn session_debug_output_hides_tokens() {
        let session = SessionResponse {
            access_token: "secret-access".into(),
            token_type: "Bearer".into(),
            expires_in: 900,
            refresh_token: "secret-refresh".into(),
            refresh_expires_in: 3600,
            citizen: CitizenProfile {
                issuer: "i".into(),
                subject: "s".into(),
                full_name: "Trần Văn Bình".into(),
                personal_id: None,
                birth_date: None,
                address: None,
                identity_level: crate::identity::IdentityLevel::Level1,
            },
        };
        let text = format!("{session:?}");
        assert!(!text.contains("secret"));
        assert!(!text.contains("Bình"));
    }

    #[test]
    fn a_code_this_build_does_not_know_is_read_as_unknown_with_the_rest_of_the_answer() {
        let body: ApiErrorBody = serde_json::from_str(
            r#"{"error":{"code":"fee_not_paid","message":"pay first","fields":[]}}"#,
        )
        .unwrap();
        assert_eq!(body.error.code, ApiErrorCode::Unknown);
        assert_eq!(body.error.message, "pay first");
        let known: ApiErrorBody =
            serde_json::from_str(r#"{"error":{"code":"not_found","message":"m"}}"#).unwrap();
        assert_eq!(known.error.code, ApiErrorCode::NotFound);
        assert_eq!(ApiErrorCode::Unknown.as_str(), "unknown");
    }
}
