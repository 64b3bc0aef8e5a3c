//! The authorization endpoint and the login form behind it (OAuth 2.0 §4.1.1, RFC 7636,
//! RFC 8252 redirect URIs, RFC 9207 `iss` in the response).

use std::collections::HashMap;

use crate::store::sql::{OptionalExtension, params};
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use motcua_protocol::identity::ACR_LEVEL2;
use motcua_protocol::oidc::PKCE_METHOD_S256;
use url::Url;

use super::pages::{error_page, login_page};
use super::redirect_to;
use crate::AppState;
use crate::citizens;
use crate::db::now;
use crate::error::ApiBytes;
use crate::secrets::{new_token, random_b64, token_hash};

/// The private-use URI scheme of the native apps (RFC 8252 §7.1).
pub(crate) const APP_SCHEME: &str = "vn.motcua.app";
/// The path of the apps' private-use redirect URI.
pub(crate) const APP_REDIRECT_PATH: &str = "/oauth2redirect";

/// How long a login page stays usable.
const REQUEST_TTL_SECS: i64 = 600;
/// How long an authorization code stays redeemable.
const CODE_TTL_SECS: i64 = 60;
/// Upper bound on `state`, `nonce` and other free-text parameters.
const MAX_PARAM_LEN: usize = 1024;
/// The scopes the provider grants, in the order they are echoed.
const SUPPORTED_SCOPES: [&str; 3] = ["openid", "profile", "address"];

/// Whether `raw` is a redirect URI registered for the native client, and its parsed form:
/// a loopback IP literal over http with any port and path (RFC 8252 §7.3; `localhost` is
/// refused, §8.3), or exactly `vn.motcua.app:/oauth2redirect` (§7.1). No fragment, no
/// user info.
pub(crate) fn registered_redirect_uri(raw: &str) -> Option<Url> {
    let url = Url::parse(raw).ok()?;
    if url.fragment().is_some() || !url.username().is_empty() || url.password().is_some() {
        return None;
    }
    match url.scheme() {
        "http" => {
            // The literal text must be an IP literal: the parser would also turn `127.1` or
            // `0x7f.0.0.1` into 127.0.0.1, which no app registers.
            let rest = raw.get("http://".len()..)?;
            let literal = ["127.0.0.1", "[::1]"].into_iter().find(|host| {
                rest.get(..host.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(host))
                    && matches!(
                        rest.as_bytes().get(host.len()),
                        None | Some(b':' | b'/' | b'?')
                    )
            });
            let loopback = match url.host() {
                Some(url::Host::Ipv4(ip)) => ip.is_loopback() && ip.octets() == [127, 0, 0, 1],
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                _ => false,
            };
            (literal.is_some() && loopback).then_some(url)
        }
        APP_SCHEME => (url.host().is_none() && url.path() == APP_REDIRECT_PATH).then_some(url),
        _ => None,
    }
}

/// A validated authorization request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AuthorizationRequest {
    /// The redirect URI exactly as sent (compared as a string at the token endpoint).
    pub redirect_uri: String,
    /// The granted scopes, space-separated.
    pub scope: String,
    pub state: String,
    pub nonce: String,
    pub code_challenge: String,
    pub acr_values: Option<String>,
}

/// Why an authorization request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AuthorizeError {
    /// The client or its redirect URI cannot be trusted: show a page, never redirect.
    Page(&'static str),
    /// Tell the client through its redirect URI (OAuth 2.0 §4.1.2.1).
    Redirect {
        redirect_uri: Box<Url>,
        error: &'static str,
        description: &'static str,
        state: Option<String>,
    },
}

/// Whether `value` is an S256 code challenge: 43 base64url characters (32 bytes).
fn is_s256_challenge(value: &str) -> bool {
    value.len() == 43
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Validates the query of an authorization request for the client `client_id`.
pub(crate) fn validate(
    query: Option<&str>,
    client_id: &str,
) -> Result<AuthorizationRequest, AuthorizeError> {
    let mut params: HashMap<String, String> = HashMap::new();
    let mut repeated: Vec<String> = Vec::new();
    for (name, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        if params.contains_key(name.as_ref()) {
            repeated.push(name.into_owned());
        } else {
            params.insert(name.into_owned(), value.into_owned());
        }
    }
    let is_repeated = |name: &str| repeated.iter().any(|r| r == name);

    // First what decides whether redirecting is safe.
    match params.get("client_id") {
        Some(id) if id == client_id && !is_repeated("client_id") => {}
        Some(_) => return Err(AuthorizeError::Page("unknown client_id")),
        None => return Err(AuthorizeError::Page("client_id is missing")),
    }
    let raw_redirect = match params.get("redirect_uri") {
        Some(raw) if !is_repeated("redirect_uri") => raw.clone(),
        Some(_) => return Err(AuthorizeError::Page("redirect_uri is repeated")),
        None => return Err(AuthorizeError::Page("redirect_uri is missing")),
    };
    let redirect_uri = registered_redirect_uri(&raw_redirect).ok_or(AuthorizeError::Page(
        "redirect_uri is not registered for this client",
    ))?;

    let state = params.get("state").cloned();
    let fail = |error: &'static str, description: &'static str| AuthorizeError::Redirect {
        redirect_uri: Box::new(redirect_uri.clone()),
        error,
        description,
        state: state.clone(),
    };

    if !repeated.is_empty() {
        return Err(fail("invalid_request", "a parameter is repeated"));
    }
    if params.values().any(|value| value.len() > MAX_PARAM_LEN) {
        return Err(fail("invalid_request", "a parameter is too long"));
    }
    match params.get("response_type").map(String::as_str) {
        Some("code") => {}
        Some(_) => {
            return Err(fail(
                "unsupported_response_type",
                "only response_type=code is supported",
            ));
        }
        None => return Err(fail("invalid_request", "response_type is missing")),
    }
    let requested: Vec<&str> = params
        .get("scope")
        .map(|scope| scope.split_ascii_whitespace().collect())
        .unwrap_or_default();
    if !requested.contains(&"openid") {
        return Err(fail("invalid_scope", "the scope must include openid"));
    }
    let scope = SUPPORTED_SCOPES
        .iter()
        .filter(|s| requested.contains(s))
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    let Some(state_value) = state.clone().filter(|s| !s.is_empty()) else {
        return Err(fail("invalid_request", "state is required"));
    };
    let Some(nonce) = params.get("nonce").filter(|n| !n.is_empty()).cloned() else {
        return Err(fail("invalid_request", "nonce is required"));
    };
    let Some(code_challenge) = params.get("code_challenge").cloned() else {
        return Err(fail(
            "invalid_request",
            "PKCE S256 is required: code_challenge is missing",
        ));
    };
    if params.get("code_challenge_method").map(String::as_str) != Some(PKCE_METHOD_S256) {
        return Err(fail(
            "invalid_request",
            "PKCE S256 is required: code_challenge_method must be S256",
        ));
    }
    if !is_s256_challenge(&code_challenge) {
        return Err(fail(
            "invalid_request",
            "PKCE S256 is required: code_challenge must be 43 base64url characters",
        ));
    }
    if params
        .get("prompt")
        .is_some_and(|prompt| prompt.split_ascii_whitespace().any(|p| p == "none"))
    {
        return Err(fail(
            "login_required",
            "this provider keeps no login session: prompt=none cannot succeed",
        ));
    }
    Ok(AuthorizationRequest {
        redirect_uri: raw_redirect,
        scope,
        state: state_value,
        nonce,
        code_challenge,
        acr_values: params.get("acr_values").cloned(),
    })
}

fn invalid_client_page(detail: &str) -> Response {
    error_page(
        StatusCode::BAD_REQUEST,
        "Yêu cầu đăng nhập không hợp lệ",
        "Invalid sign-in request",
        detail,
    )
}

fn internal_page() -> Response {
    error_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Đã có lỗi, vui lòng thử lại sau",
        "Something went wrong, please try again later",
        "internal error",
    )
}

fn expired_page() -> Response {
    error_page(
        StatusCode::BAD_REQUEST,
        "Phiên đăng nhập đã hết hạn",
        "This sign-in has expired",
        "Vui lòng quay lại ứng dụng và đăng nhập lại. / Please go back to the app and sign in again.",
    )
}

fn wants_level2(acr_values: Option<&str>) -> bool {
    acr_values.is_some_and(|values| {
        values
            .split_ascii_whitespace()
            .any(|v| v.eq_ignore_ascii_case(ACR_LEVEL2))
    })
}

/// `GET <issuer>/authorize`.
pub(crate) async fn authorize(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Response {
    let request = match validate(query.as_deref(), &state.settings.client_id) {
        Ok(request) => request,
        Err(AuthorizeError::Page(detail)) => {
            tracing::info!(reason = detail, "authorization request refused");
            return invalid_client_page(detail);
        }
        Err(AuthorizeError::Redirect {
            redirect_uri,
            error,
            description,
            state: client_state,
        }) => {
            tracing::info!(error, "authorization request refused");
            let mut params = vec![("error", error), ("error_description", description)];
            if let Some(client_state) = client_state.as_deref() {
                params.push(("state", client_state));
            }
            params.push(("iss", &state.settings.provider_issuer));
            return redirect_to(&redirect_uri, &params);
        }
    };
    let Ok(request_id) = random_b64(&state.rng, 16) else {
        return internal_page();
    };
    let client_id = state.settings.client_id.clone();
    let id = request_id.clone();
    let stored = request.clone();
    let result = state
        .db
        .call(move |conn| {
            let now = now();
            conn.execute(
                "DELETE FROM authorization_requests WHERE expires_at <= ?1",
                [now],
            )?;
            conn.execute(
                "INSERT INTO authorization_requests
                 (id, client_id, redirect_uri, scope, state, nonce, code_challenge, acr_values, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    id,
                    client_id,
                    stored.redirect_uri,
                    stored.scope,
                    stored.state,
                    stored.nonce,
                    stored.code_challenge,
                    stored.acr_values,
                    now,
                    now + REQUEST_TTL_SECS
                ],
            )?;
            citizens::list(conn)
        })
        .await;
    match result {
        Ok(Ok(citizens)) => login_page(
            &state.settings.login_path,
            &request_id,
            &citizens,
            wants_level2(request.acr_values.as_deref()),
        ),
        Ok(Err(error)) => {
            tracing::error!(%error, "cannot store the authorization request");
            internal_page()
        }
        Err(_) => internal_page(),
    }
}

/// What happened to a submitted login form.
enum LoginOutcome {
    Unknown,
    UnknownCitizen,
    Cancelled { redirect_uri: String, state: String },
    Code { redirect_uri: String, state: String },
}

/// `POST <issuer>/login` (form: `request_id`, and `citizen` or `action=cancel`).
pub(crate) async fn login(State(state): State<AppState>, ApiBytes(body): ApiBytes) -> Response {
    let mut request_id = None;
    let mut citizen = None;
    let mut action = None;
    for (name, value) in url::form_urlencoded::parse(&body) {
        match name.as_ref() {
            "request_id" => request_id = Some(value.into_owned()),
            "citizen" => citizen = Some(value.into_owned()),
            "action" => action = Some(value.into_owned()),
            _ => {}
        }
    }
    let Some(request_id) = request_id else {
        return expired_page();
    };
    let cancel = action.as_deref() == Some("cancel");
    if !cancel && citizen.is_none() {
        return invalid_client_page("no citizen was chosen");
    }
    let Ok(code) = new_token(&state.rng) else {
        return internal_page();
    };
    let code_hash = token_hash(&code);
    let result = state
        .db
        .call(move |conn| -> crate::store::sql::Result<LoginOutcome> {
            let now = now();
            let tx = conn.transaction_with_behavior(crate::store::sql::TransactionBehavior::Immediate)?;
            let pending: Option<(String, String, String, String, String, String)> = tx
                .query_row(
                    "SELECT client_id, redirect_uri, scope, state, nonce, code_challenge
                     FROM authorization_requests WHERE id = ?1 AND expires_at > ?2",
                    params![request_id, now],
                    |row| {
                        Ok((
                            row.get(0)?,
                            row.get(1)?,
                            row.get(2)?,
                            row.get(3)?,
                            row.get(4)?,
                            row.get(5)?,
                        ))
                    },
                )
                .optional()?;
            let Some((client_id, redirect_uri, scope, client_state, nonce, challenge)) = pending
            else {
                return Ok(LoginOutcome::Unknown);
            };
            if cancel {
                tx.execute("DELETE FROM authorization_requests WHERE id = ?1", [&request_id])?;
                tx.commit()?;
                return Ok(LoginOutcome::Cancelled {
                    redirect_uri,
                    state: client_state,
                });
            }
            let Some(chosen) = citizens::find(&tx, citizen.as_deref().unwrap_or_default())? else {
                return Ok(LoginOutcome::UnknownCitizen);
            };
            tx.execute(
                "DELETE FROM authorization_codes WHERE expires_at <= ?1",
                [now - 86_400],
            )?;
            tx.execute(
                "INSERT INTO authorization_codes
                 (code_hash, client_id, redirect_uri, scope, code_challenge, nonce, subject, acr, auth_time, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    code_hash,
                    client_id,
                    redirect_uri,
                    scope,
                    challenge,
                    nonce,
                    chosen.subject,
                    chosen.level.acr(),
                    now,
                    now + CODE_TTL_SECS
                ],
            )?;
            tx.execute("DELETE FROM authorization_requests WHERE id = ?1", [&request_id])?;
            tx.commit()?;
            Ok(LoginOutcome::Code {
                redirect_uri,
                state: client_state,
            })
        })
        .await;
    let issuer = state.settings.provider_issuer.as_str();
    let outcome = match result {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(error)) => {
            tracing::error!(%error, "cannot complete the login");
            return internal_page();
        }
        Err(_) => return internal_page(),
    };
    let (redirect_uri, params) = match &outcome {
        LoginOutcome::Unknown => {
            tracing::info!("login form for an unknown or expired request");
            return expired_page();
        }
        LoginOutcome::UnknownCitizen => return invalid_client_page("unknown citizen"),
        LoginOutcome::Cancelled {
            redirect_uri,
            state,
        } => {
            tracing::info!("login cancelled");
            (
                redirect_uri,
                vec![
                    ("error", "access_denied"),
                    ("error_description", "the citizen cancelled the sign-in"),
                    ("state", state.as_str()),
                    ("iss", issuer),
                ],
            )
        }
        LoginOutcome::Code {
            redirect_uri,
            state,
        } => {
            tracing::info!("authorization code issued");
            (
                redirect_uri,
                vec![
                    ("code", code.as_str()),
                    ("state", state.as_str()),
                    ("iss", issuer),
                ],
            )
        }
    };
    match registered_redirect_uri(redirect_uri) {
        Some(url) => redirect_to(&url, &params),
        None => internal_page(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn loopback_ip_literals_with_any_port_and_path_are_registered() {
        for uri in [
            "http://127.0.0.1:51234/callback",
            "http://127.0.0.1/",
            "http://127.0.0.1:8080",
            "http://[::1]:4000/oauth/cb",
            "http://127.0.0.1:9/cb?x=1",
        ] {
            assert!(registered_redirect_uri(uri).is_some(), "{uri}");
        }
    }

    #[test]
    fn localhost_other_hosts_and_tricks_are_refused() {
        for uri in [
            "http://localhost:8080/cb",
            "https://127.0.0.1:8080/cb",
            "http://127.0.0.2/cb",
            "http://127.1/cb",
            "http://0x7f.0.0.1/cb",
            "http://127.0.0.1.evil.example/cb",
            "http://user@127.0.0.1/cb",
            "http://127.0.0.1:8080/cb#frag",
            "http://example.com/cb",
            "https://evil.example/127.0.0.1",
            "vn.motcua.app:/other",
            "vn.motcua.app://oauth2redirect",
            "com.example.app:/oauth2redirect",
            "javascript:alert(1)",
            "not a url",
            "",
        ] {
            assert!(registered_redirect_uri(uri).is_none(), "{uri}");
        }
    }

    #[test]
    fn the_private_use_scheme_is_registered() {
        assert!(registered_redirect_uri("vn.motcua.app:/oauth2redirect").is_some());
    }

    fn query(pairs: &[(&str, &str)]) -> String {
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    }

    fn good() -> Vec<(&'static str, &'static str)> {
        vec![
            ("response_type", "code"),
            ("client_id", "motcua-app"),
            ("redirect_uri", "http://127.0.0.1:5000/cb"),
            ("scope", "openid profile address phone"),
            ("state", "s-1"),
            ("nonce", "n-1"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ]
    }

    fn with(edit: &[(&'static str, Option<&'static str>)]) -> String {
        let mut pairs = good();
        for (name, value) in edit {
            pairs.retain(|(n, _)| n != name);
            if let Some(value) = value {
                pairs.push((name, value));
            }
        }
        query(&pairs)
    }

    fn redirect_error(
        result: Result<AuthorizationRequest, AuthorizeError>,
    ) -> (&'static str, &'static str) {
        match result {
            Err(AuthorizeError::Redirect {
                error, description, ..
            }) => (error, description),
            other => panic!("expected a redirect error, got {other:?}"),
        }
    }

    #[test]
    fn a_good_request_validates_and_narrows_the_scope() {
        let request = validate(Some(&query(&good())), "motcua-app").unwrap();
        assert_eq!(request.scope, "openid profile address");
        assert_eq!(request.state, "s-1");
        assert_eq!(request.redirect_uri, "http://127.0.0.1:5000/cb");
    }

    #[test]
    fn client_and_redirect_problems_never_redirect() {
        for q in [
            with(&[("client_id", Some("other"))]),
            with(&[("client_id", None)]),
            with(&[("redirect_uri", Some("https://evil.example/cb"))]),
            with(&[("redirect_uri", Some("http://localhost:5000/cb"))]),
            with(&[("redirect_uri", None)]),
            format!(
                "{}&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Fx",
                query(&good())
            ),
        ] {
            assert!(
                matches!(
                    validate(Some(&q), "motcua-app"),
                    Err(AuthorizeError::Page(_))
                ),
                "{q}"
            );
        }
        assert!(matches!(
            validate(None, "motcua-app"),
            Err(AuthorizeError::Page(_))
        ));
    }

    #[test]
    fn other_problems_redirect_with_the_right_error() {
        let v = |q: String| validate(Some(&q), "motcua-app");
        assert_eq!(
            redirect_error(v(with(&[("response_type", Some("token"))]))).0,
            "unsupported_response_type"
        );
        assert_eq!(
            redirect_error(v(with(&[("scope", Some("profile"))]))).0,
            "invalid_scope"
        );
        assert_eq!(
            redirect_error(v(with(&[("state", None)]))).0,
            "invalid_request"
        );
        assert_eq!(
            redirect_error(v(with(&[("nonce", None)]))).0,
            "invalid_request"
        );
        for edit in [
            ("code_challenge", None),
            ("code_challenge_method", Some("plain")),
            ("code_challenge_method", None),
            ("code_challenge", Some("too-short")),
            (
                "code_challenge",
                Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM"),
            ),
        ] {
            let (error, description) = redirect_error(v(with(&[edit])));
            assert_eq!(error, "invalid_request", "{edit:?}");
            assert!(description.contains("PKCE S256 is required"), "{edit:?}");
        }
        assert_eq!(
            redirect_error(v(with(&[("prompt", Some("none"))]))).0,
            "login_required"
        );
        let repeated = format!("{}&state=again", query(&good()));
        assert_eq!(redirect_error(v(repeated)).0, "invalid_request");
    }

    #[test]
    fn the_redirect_error_carries_the_state() {
        match validate(Some(&with(&[("nonce", None)])), "motcua-app") {
            Err(AuthorizeError::Redirect { state, .. }) => {
                assert_eq!(state.as_deref(), Some("s-1"))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn level2_request_is_detected() {
        assert!(wants_level2(Some("LoA2")));
        assert!(wants_level2(Some("LoA1 loa2")));
        assert!(!wants_level2(Some("LoA1")));
        assert!(!wants_level2(None));
    }
}
