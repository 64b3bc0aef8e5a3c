//! The built-in OpenID provider, mounted under [`BUILTIN_ISSUER_PATH`]: discovery, JWKS,
//! authorization with a demo-citizen login page, token and userinfo endpoints.
//!
//! It is a real provider (code flow, PKCE S256 only, ES256 ID tokens, rotating keys) for one
//! public native client, so that the whole journey runs on one machine. It logs anyone in
//! as a demo citizen: it is for development and demonstrations only.

pub(crate) mod authorize;
pub(crate) mod keys;
pub(crate) mod pages;
pub(crate) mod token;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use motcua_protocol::api::BUILTIN_ISSUER_PATH;
use motcua_protocol::identity::{ACR_LEVEL1, ACR_LEVEL2, CLAIM_PERSONAL_ID};
use motcua_protocol::jose::Algorithm;
use motcua_protocol::oidc::{DISCOVERY_PATH, PKCE_METHOD_S256, ProviderMetadata};
use url::Url;

use crate::AppState;
use crate::error::ApiError;

/// Path of the authorization endpoint below the issuer.
pub(crate) const AUTHORIZE_PATH: &str = "/authorize";
/// Path of the login form target below the issuer.
pub(crate) const LOGIN_PATH: &str = "/login";
/// Path of the token endpoint below the issuer.
pub(crate) const TOKEN_PATH: &str = "/token";
/// Path of the key set below the issuer.
pub(crate) const JWKS_PATH: &str = "/jwks";
/// Path of the userinfo endpoint below the issuer.
pub(crate) const USERINFO_PATH: &str = "/userinfo";

/// The provider's routes, at their absolute paths.
pub(crate) fn routes() -> Router<AppState> {
    let at = |path: &str| format!("{BUILTIN_ISSUER_PATH}{path}");
    Router::new()
        .route(&at(DISCOVERY_PATH), get(discovery))
        .route(&at(JWKS_PATH), get(jwks))
        .route(&at(AUTHORIZE_PATH), get(authorize::authorize))
        .route(&at(LOGIN_PATH), post(authorize::login))
        .route(&at(TOKEN_PATH), post(token::token))
        .route(&at(USERINFO_PATH), get(token::userinfo))
}

/// The discovery document of a provider whose issuer is `issuer` (no trailing slash).
pub(crate) fn metadata(issuer: &str) -> ProviderMetadata {
    let strings = |values: &[&str]| values.iter().map(|v| (*v).to_owned()).collect();
    ProviderMetadata {
        issuer: issuer.to_owned(),
        authorization_endpoint: format!("{issuer}{AUTHORIZE_PATH}"),
        token_endpoint: format!("{issuer}{TOKEN_PATH}"),
        jwks_uri: format!("{issuer}{JWKS_PATH}"),
        userinfo_endpoint: Some(format!("{issuer}{USERINFO_PATH}")),
        end_session_endpoint: None,
        response_types_supported: strings(&["code"]),
        subject_types_supported: strings(&["public"]),
        id_token_signing_alg_values_supported: strings(&[Algorithm::Es256.name()]),
        scopes_supported: strings(&["openid", "profile", "address"]),
        claims_supported: strings(&[
            "iss",
            "sub",
            "aud",
            "azp",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "acr",
            "name",
            "birthdate",
            "address",
            CLAIM_PERSONAL_ID,
        ]),
        code_challenge_methods_supported: strings(&[PKCE_METHOD_S256]),
        grant_types_supported: strings(&["authorization_code"]),
        token_endpoint_auth_methods_supported: strings(&["none"]),
        acr_values_supported: strings(&[ACR_LEVEL1, ACR_LEVEL2]),
        authorization_response_iss_parameter_supported: true,
    }
}

async fn discovery(State(state): State<AppState>) -> Response {
    let mut response = Json(metadata(&state.settings.provider_issuer)).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    response
}

async fn jwks(State(state): State<AppState>) -> Result<Response, ApiError> {
    let set = state.db.call(|conn| keys::published(conn)).await??;
    let mut response = Json(set).into_response();
    // Short: clients must see a rotated key soon.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    Ok(response)
}

/// A 302 to `target` with `params` appended to its query (existing parameters kept).
pub(crate) fn redirect_to(target: &Url, params: &[(&str, &str)]) -> Response {
    let mut url = target.clone();
    url.query_pairs_mut().extend_pairs(params);
    match HeaderValue::from_str(url.as_str()) {
        Ok(location) => {
            let mut response = StatusCode::FOUND.into_response();
            let headers = response.headers_mut();
            headers.insert(header::LOCATION, location);
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            headers.insert(
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            );
            response
        }
        Err(_) => pages::error_page(
            StatusCode::BAD_REQUEST,
            "Yêu cầu đăng nhập không hợp lệ",
            "Invalid sign-in request",
            "the redirect URI cannot be used",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_keep_the_existing_query() {
        let target = Url::parse("http://127.0.0.1:5000/cb?app=1").unwrap();
        let response = redirect_to(&target, &[("code", "a b&c"), ("state", "s")]);
        assert_eq!(response.status(), StatusCode::FOUND);
        let location = response.headers()[header::LOCATION].to_str().unwrap();
        assert_eq!(
            location,
            "http://127.0.0.1:5000/cb?app=1&code=a+b%26c&state=s"
        );
        let target = Url::parse("vn.motcua.app:/oauth2redirect").unwrap();
        let response = redirect_to(&target, &[("code", "x")]);
        let location = response.headers()[header::LOCATION].to_str().unwrap();
        assert_eq!(location, "vn.motcua.app:/oauth2redirect?code=x");
    }

    #[test]
    fn metadata_endpoints_hang_off_the_issuer() {
        let m = metadata("http://127.0.0.1:1/oidc");
        assert_eq!(
            m.authorization_endpoint,
            "http://127.0.0.1:1/oidc/authorize"
        );
        assert_eq!(m.jwks_uri, "http://127.0.0.1:1/oidc/jwks");
        assert_eq!(m.code_challenge_methods_supported, vec!["S256"]);
    }
}
