//! One login in progress: the PKCE verifier, `state` and `nonce` of the authorization
//! request, kept in secure storage between `begin_login` and `complete_login` (the app may
//! be killed while the browser is open), and the parsing of the callback.

use motcua_protocol::oidc::{PKCE_METHOD_S256, pkce_challenge_s256};
use serde::{Deserialize, Serialize};
use url::Url;

use super::IdentityError;

/// What the app opens in the system browser to log in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginRequest {
    /// The authorization URL to open (Custom Tabs, ASWebAuthenticationSession, a browser).
    pub url: String,
    /// Where the provider will send the browser back; the app gives the full callback URL
    /// it receives there to `complete_login`.
    pub redirect_uri: String,
}

/// The secrets of one authorization request.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct PendingLogin {
    pub(crate) issuer: String,
    pub(crate) redirect_uri: String,
    pub(crate) state: String,
    pub(crate) nonce: String,
    pub(crate) code_verifier: String,
    pub(crate) created_at: i64,
}

impl std::fmt::Debug for PendingLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PendingLogin { .. }")
    }
}

/// `n` random bytes, base64url without padding ([`crate::random::token`]).
pub(crate) fn random_token(n: usize) -> Result<String, IdentityError> {
    crate::random::token(n).map_err(|e| IdentityError::Unexpected(e.to_string()))
}

impl PendingLogin {
    /// Fresh secrets: a 256-bit PKCE verifier (43 characters, RFC 7636 §4.1), 128-bit
    /// `state` and `nonce`.
    pub(crate) fn generate(
        issuer: &str,
        redirect_uri: &str,
        now: i64,
    ) -> Result<PendingLogin, IdentityError> {
        Ok(PendingLogin {
            issuer: issuer.to_owned(),
            redirect_uri: redirect_uri.to_owned(),
            state: random_token(16)?,
            nonce: random_token(16)?,
            code_verifier: random_token(32)?,
            created_at: now,
        })
    }

    /// The authorization URL for this request.
    pub(crate) fn authorization_url(
        &self,
        authorization_endpoint: &str,
        client_id: &str,
        scopes: &str,
    ) -> Result<Url, IdentityError> {
        let mut url = Url::parse(authorization_endpoint).map_err(|e| {
            IdentityError::ProviderMisconfigured(format!("authorization endpoint: {e}"))
        })?;
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", &self.redirect_uri)
            .append_pair("scope", scopes)
            .append_pair("state", &self.state)
            .append_pair("nonce", &self.nonce)
            .append_pair("code_challenge", &pkce_challenge_s256(&self.code_verifier))
            .append_pair("code_challenge_method", PKCE_METHOD_S256);
        Ok(url)
    }
}

/// The parameters of a callback URL that matter.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Callback {
    pub(crate) code: Option<String>,
    pub(crate) state: Option<String>,
    pub(crate) iss: Option<String>,
    pub(crate) error: Option<String>,
    pub(crate) error_description: Option<String>,
}

/// Parses `callback_url` and checks that it is addressed to `redirect_uri` (same scheme,
/// host, port and path). Duplicate parameters are refused (RFC 6749 §3.1).
pub(crate) fn parse_callback(
    callback_url: &str,
    redirect_uri: &str,
) -> Result<Callback, IdentityError> {
    let malformed = |why: &str| IdentityError::MalformedCallback(why.to_owned());
    let callback = Url::parse(callback_url.trim()).map_err(|_| malformed("not a URL"))?;
    let expected = Url::parse(redirect_uri).map_err(|_| malformed("redirect URI is not a URL"))?;
    if callback.scheme() != expected.scheme()
        || callback.host_str() != expected.host_str()
        || callback.port_or_known_default() != expected.port_or_known_default()
        || callback.path() != expected.path()
    {
        return Err(malformed("not addressed to this app's redirect URI"));
    }
    let mut parsed = Callback::default();
    for (name, value) in callback.query_pairs() {
        let slot = match name.as_ref() {
            "code" => &mut parsed.code,
            "state" => &mut parsed.state,
            "iss" => &mut parsed.iss,
            "error" => &mut parsed.error,
            "error_description" => &mut parsed.error_description,
            _ => continue,
        };
        if slot.replace(value.into_owned()).is_some() {
            return Err(malformed("a parameter appears twice"));
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_fresh_and_well_formed() {
        let a = PendingLogin::generate("https://id", "http://127.0.0.1:1/cb", 0).unwrap();
        let b = PendingLogin::generate("https://id", "http://127.0.0.1:1/cb", 0).unwrap();
        assert_ne!(a.state, b.state);
        assert_ne!(a.nonce, b.nonce);
        assert_ne!(a.code_verifier, b.code_verifier);
        assert!(motcua_protocol::oidc::is_valid_pkce_verifier(
            &a.code_verifier
        ));
        assert_eq!(a.state.len(), 22);
    }

    #[test]
    fn authorization_url_carries_pkce_state_and_nonce() {
        let login = PendingLogin::generate("https://id", "http://127.0.0.1:9/cb", 0).unwrap();
        let url = login
            .authorization_url("https://id/authorize?x=1", "motcua-app", "openid profile")
            .unwrap();
        let pairs: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(pairs["x"], "1");
        assert_eq!(pairs["code_challenge_method"], "S256");
        assert_eq!(
            pairs["code_challenge"],
            pkce_challenge_s256(&login.code_verifier)
        );
        assert_eq!(pairs["state"], login.state);
        assert_eq!(pairs["nonce"], login.nonce);
        assert!(!url.as_str().contains(&login.code_verifier));
    }

    #[test]
    fn callbacks_are_parsed_strictly() {
        let redirect = "http://127.0.0.1:8123/callback";
        let ok = parse_callback(
            "http://127.0.0.1:8123/callback?code=c&state=s&iss=i",
            redirect,
        )
        .unwrap();
        assert_eq!(ok.code.as_deref(), Some("c"));
        assert_eq!(ok.iss.as_deref(), Some("i"));
        for bad in [
            "not a url",
            "http://127.0.0.1:8124/callback?code=c&state=s",
            "http://evil.example:8123/callback?code=c&state=s",
            "http://127.0.0.1:8123/other?code=c&state=s",
            "http://127.0.0.1:8123/callback?code=c&code=d&state=s",
        ] {
            assert!(
                matches!(
                    parse_callback(bad, redirect),
                    Err(IdentityError::MalformedCallback(_))
                ),
                "{bad}"
            );
        }
        let custom = parse_callback(
            "vn.motcua.app:/oauth2redirect?error=access_denied&state=s",
            "vn.motcua.app:/oauth2redirect",
        )
        .unwrap();
        assert_eq!(custom.error.as_deref(), Some("access_denied"));
    }
}
