//! OpenID Connect and OAuth 2.0 wire types shared by the client (core) and the development
//! provider (portal), and PKCE (RFC 7636).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

/// Path of the discovery document below an issuer URL (OpenID Connect Discovery 1.0, §4).
pub const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";

/// The only PKCE method we send or accept; `plain` offers no protection against a stolen code.
pub const PKCE_METHOD_S256: &str = "S256";

/// The discovery document: where the provider's endpoints are and what it supports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderMetadata {
    /// Issuer identifier; must equal, character for character, the URL it was fetched from.
    pub issuer: String,
    /// Where the browser is sent to log in.
    pub authorization_endpoint: String,
    /// Where the code is exchanged for tokens.
    pub token_endpoint: String,
    /// The provider's public signing keys.
    pub jwks_uri: String,
    /// OpenID userinfo endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userinfo_endpoint: Option<String>,
    /// RP-initiated logout endpoint, when offered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_session_endpoint: Option<String>,
    /// Response types (`code` is the only one we use).
    #[serde(default)]
    pub response_types_supported: Vec<String>,
    /// Subject identifier types.
    #[serde(default)]
    pub subject_types_supported: Vec<String>,
    /// Algorithms the provider signs ID tokens with.
    #[serde(default)]
    pub id_token_signing_alg_values_supported: Vec<String>,
    /// Scopes the provider knows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes_supported: Vec<String>,
    /// Claims the provider may release.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims_supported: Vec<String>,
    /// PKCE methods; absent means the provider did not say.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code_challenge_methods_supported: Vec<String>,
    /// Grant types.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grant_types_supported: Vec<String>,
    /// Client authentication methods at the token endpoint (`none` for public native apps).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub token_endpoint_auth_methods_supported: Vec<String>,
    /// `acr` values the provider can assert.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acr_values_supported: Vec<String>,
    /// RFC 9207: the provider adds `iss` to the authorization response.
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
}

/// Successful answer of the token endpoint (RFC 6749 §5.1, OIDC Core §3.1.3.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    /// The provider's access token (for userinfo).
    pub access_token: String,
    /// Always `Bearer` here.
    pub token_type: String,
    /// Lifetime of the access token in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u64>,
    /// The ID token (absent would not be OpenID Connect).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// Granted scopes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// Error answer of an OAuth endpoint (RFC 6749 §5.2), also used in redirects (§4.1.2.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthError {
    /// Registered error code, e.g. `invalid_grant`, `access_denied`.
    pub error: String,
    /// Human-readable detail for developers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
}

/// The S256 code challenge of a PKCE verifier: `BASE64URL(SHA-256(verifier))`.
pub fn pkce_challenge_s256(verifier: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
    URL_SAFE_NO_PAD.encode(digest.as_ref())
}

/// Compares two secrets (state, nonce, PKCE challenge) in constant time, so that the time
/// taken does not tell an attacker how much of a guess was right.
pub fn secrets_equal(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq as _;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Whether a PKCE verifier has the form RFC 7636 §4.1 requires: 43–128 characters of
/// `[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"`.
pub fn is_valid_pkce_verifier(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_matches_rfc7636_appendix_b() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(
            pkce_challenge_s256(verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert!(is_valid_pkce_verifier(verifier));
    }

    #[test]
    fn secrets_compare_by_value_and_length() {
        assert!(secrets_equal("abc", "abc"));
        assert!(!secrets_equal("abc", "abd"));
        assert!(!secrets_equal("abc", "abcd"));
        assert!(!secrets_equal("abc", ""));
    }

    #[test]
    fn pkce_verifier_form_is_checked() {
        assert!(!is_valid_pkce_verifier("short"));
        assert!(!is_valid_pkce_verifier(&"a".repeat(129)));
        assert!(!is_valid_pkce_verifier(&format!("{}!", "a".repeat(50))));
        assert!(is_valid_pkce_verifier(&"a~.-_".repeat(9)));
    }

    #[test]
    fn metadata_tolerates_unknown_and_missing_fields() {
        let json = r#"{"issuer":"https://id.example","authorization_endpoint":"https://id.example/a",
            "token_endpoint":"https://id.example/t","jwks_uri":"https://id.example/k",
            "something_new":true}"#;
        let metadata: ProviderMetadata = serde_json::from_str(json).unwrap();
        assert_eq!(metadata.issuer, "https://id.example");
        assert!(metadata.code_challenge_methods_supported.is_empty());
    }
}
