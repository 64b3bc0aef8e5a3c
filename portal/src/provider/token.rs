//! The token endpoint (authorization code grant with PKCE, RFC 6749 §4.1.3, RFC 7636 §4.6),
//! the ID token, and the userinfo endpoint.

use std::collections::HashMap;

use crate::store::sql::{OptionalExtension, params};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_protocol::jose::AddressClaim;
use motcua_protocol::oidc::{
    OAuthError, TokenResponse, is_valid_pkce_verifier, pkce_challenge_s256,
};
use serde::Serialize;

use super::keys;
use crate::AppState;
use crate::citizens::{self, ProviderCitizen};
use crate::db::now;
use crate::error::ApiBytes;
use crate::secrets::{constant_time_eq, new_token, token_hash};

/// Lifetime of the provider's access tokens (userinfo only).
const ACCESS_TOKEN_TTL_SECS: i64 = 600;
/// Lifetime of ID tokens.
const ID_TOKEN_TTL_SECS: i64 = 600;

/// An OAuth error answer of the token endpoint.
#[derive(Debug, Clone)]
pub(crate) struct TokenError {
    status: StatusCode,
    error: &'static str,
    description: &'static str,
}

impl TokenError {
    fn new(error: &'static str, description: &'static str) -> TokenError {
        TokenError {
            status: StatusCode::BAD_REQUEST,
            error,
            description,
        }
    }

    fn server_error() -> TokenError {
        TokenError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            error: "server_error",
            description: "internal error",
        }
    }
}

impl From<crate::store::sql::Error> for TokenError {
    fn from(error: crate::store::sql::Error) -> TokenError {
        tracing::error!(%error, "database error at the token endpoint");
        TokenError::server_error()
    }
}

/// Adds `Cache-Control: no-store` and `Pragma: no-cache` (RFC 6749 §5.1).
pub(crate) fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

impl IntoResponse for TokenError {
    fn into_response(self) -> Response {
        let body = OAuthError {
            error: self.error.into(),
            error_description: Some(self.description.into()),
        };
        no_store((self.status, Json(body)).into_response())
    }
}

/// The claims of our ID tokens (a superset of `motcua_protocol::jose::IdTokenClaims`).
#[derive(Debug, Serialize)]
struct IdTokenPayload<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    azp: &'a str,
    exp: i64,
    iat: i64,
    auth_time: i64,
    nonce: &'a str,
    acr: &'a str,
    #[serde(flatten)]
    profile: ProfileClaims,
}

/// The profile claims released for a scope (ID token and userinfo).
#[derive(Debug, Serialize)]
struct ProfileClaims {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    birthdate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<AddressClaim>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vn_personal_id: Option<String>,
}

impl ProfileClaims {
    fn for_scope(citizen: &ProviderCitizen, scope: &str) -> ProfileClaims {
        let has = |wanted: &str| scope.split_ascii_whitespace().any(|s| s == wanted);
        let profile = has("profile");
        ProfileClaims {
            name: profile.then(|| citizen.full_name.clone()),
            birthdate: profile.then(|| citizen.birth_date.clone()),
            vn_personal_id: profile.then(|| citizen.personal_id.clone()),
            address: has("address").then(|| AddressClaim {
                formatted: Some(citizen.address.clone()),
                country: Some("VN".into()),
                ..AddressClaim::default()
            }),
        }
    }
}

/// A code that passed every check.
struct Redeemed {
    id_token: String,
    access_token: String,
    scope: String,
}

fn form_params(body: &[u8]) -> Result<HashMap<String, String>, TokenError> {
    let mut params = HashMap::new();
    for (name, value) in url::form_urlencoded::parse(body) {
        if params
            .insert(name.into_owned(), value.into_owned())
            .is_some()
        {
            return Err(TokenError::new(
                "invalid_request",
                "a parameter is repeated",
            ));
        }
    }
    Ok(params)
}

/// `POST <issuer>/token`.
pub(crate) async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiBytes(body): ApiBytes,
) -> Response {
    match redeem(&state, &headers, &body).await {
        Ok(redeemed) => {
            tracing::info!("tokens issued");
            let body = TokenResponse {
                access_token: redeemed.access_token,
                token_type: "Bearer".into(),
                expires_in: Some(ACCESS_TOKEN_TTL_SECS.unsigned_abs()),
                id_token: Some(redeemed.id_token),
                scope: Some(redeemed.scope),
            };
            no_store((StatusCode::OK, Json(body)).into_response())
        }
        Err(error) => {
            tracing::info!(error = error.error, "token request refused");
            error.into_response()
        }
    }
}

async fn redeem(
    state: &AppState,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Redeemed, TokenError> {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| {
            mime.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !is_form {
        return Err(TokenError::new(
            "invalid_request",
            "the body must be application/x-www-form-urlencoded",
        ));
    }
    let params = form_params(body)?;
    let get = |name: &str| params.get(name).filter(|v| !v.is_empty()).cloned();
    match get("grant_type").as_deref() {
        Some("authorization_code") => {}
        Some(_) => {
            return Err(TokenError::new(
                "unsupported_grant_type",
                "only authorization_code is supported",
            ));
        }
        None => return Err(TokenError::new("invalid_request", "grant_type is missing")),
    }
    let client_id = get("client_id")
        .ok_or_else(|| TokenError::new("invalid_request", "client_id is missing"))?;
    if client_id != state.settings.client_id {
        return Err(TokenError::new("invalid_client", "unknown client"));
    }
    let code = get("code").ok_or_else(|| TokenError::new("invalid_request", "code is missing"))?;
    let redirect_uri = get("redirect_uri")
        .ok_or_else(|| TokenError::new("invalid_request", "redirect_uri is missing"))?;
    let verifier = get("code_verifier")
        .ok_or_else(|| TokenError::new("invalid_request", "code_verifier is missing"))?;
    if !is_valid_pkce_verifier(&verifier) {
        return Err(TokenError::new(
            "invalid_grant",
            "code_verifier does not have the form RFC 7636 requires",
        ));
    }
    let access_token = new_token(&state.rng).map_err(|_| TokenError::server_error())?;
    let task_state = state.clone();
    let issuer = state.settings.provider_issuer.clone();
    let access = access_token.clone();
    let redeemed = state
        .db
        .call(move |conn| -> Result<(String, String), TokenError> {
            let now = now();
            let code_hash = token_hash(&code);
            let tx = conn.transaction_with_behavior(crate::store::sql::TransactionBehavior::Immediate)?;
            type Row = (String, String, String, String, String, String, String, i64, i64, Option<i64>);
            let row: Option<Row> = tx
                .query_row(
                    "SELECT client_id, redirect_uri, scope, code_challenge, nonce, subject, acr,
                            auth_time, expires_at, used_at
                     FROM authorization_codes WHERE code_hash = ?1",
                    [&code_hash],
                    |row| {
                        Ok((
                            row.get(0)?,
                            row.get(1)?,
                            row.get(2)?,
                            row.get(3)?,
                            row.get(4)?,
                            row.get(5)?,
                            row.get(6)?,
                            row.get(7)?,
                            row.get(8)?,
                            row.get(9)?,
                        ))
                    },
                )
                .optional()?;
            let Some((
                code_client,
                code_redirect,
                scope,
                challenge,
                nonce,
                subject,
                acr,
                auth_time,
                expires_at,
                used_at,
            )) = row
            else {
                return Err(TokenError::new("invalid_grant", "unknown authorization code"));
            };
            if used_at.is_some() {
                // A replayed code: whoever holds it may be an attacker; revoke what it gave.
                tx.execute(
                    "UPDATE provider_access_tokens SET revoked = 1 WHERE code_hash = ?1",
                    [&code_hash],
                )?;
                tx.commit()?;
                tracing::warn!("authorization code replayed; its tokens are revoked");
                return Err(TokenError::new(
                    "invalid_grant",
                    "the authorization code was already used",
                ));
            }
            if expires_at <= now {
                return Err(TokenError::new("invalid_grant", "the authorization code expired"));
            }
            if code_client != client_id {
                return Err(TokenError::new(
                    "invalid_grant",
                    "the code was issued to another client",
                ));
            }
            if code_redirect != redirect_uri {
                return Err(TokenError::new(
                    "invalid_grant",
                    "redirect_uri differs from the authorization request",
                ));
            }
            if !constant_time_eq(&pkce_challenge_s256(&verifier), &challenge) {
                return Err(TokenError::new(
                    "invalid_grant",
                    "code_verifier does not match the code challenge",
                ));
            }
            let citizen = citizens::find(&tx, &subject)?.ok_or_else(|| {
                tracing::error!("the code names a citizen the provider no longer has");
                TokenError::server_error()
            })?;
            tx.execute(
                "UPDATE authorization_codes SET used_at = ?1 WHERE code_hash = ?2",
                params![now, code_hash],
            )?;
            tx.execute(
                "INSERT INTO provider_access_tokens (token_hash, code_hash, subject, scope, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    token_hash(&access),
                    code_hash,
                    subject,
                    scope,
                    now + ACCESS_TOKEN_TTL_SECS
                ],
            )?;
            let key = keys::active(&tx, &task_state.keys, &task_state.rng).map_err(|error| {
                tracing::error!(%error, "cannot load the signing key");
                TokenError::server_error()
            })?;
            let payload = IdTokenPayload {
                iss: &issuer,
                sub: &subject,
                aud: &client_id,
                azp: &client_id,
                exp: now + ID_TOKEN_TTL_SECS,
                iat: now,
                auth_time,
                nonce: &nonce,
                acr: &acr,
                profile: ProfileClaims::for_scope(&citizen, &scope),
            };
            let id_token = key
                .sign_jwt(&payload, &task_state.rng)
                .map_err(|_| TokenError::server_error())?;
            tx.commit()?;
            Ok((id_token, scope))
        })
        .await
        .map_err(|_| TokenError::server_error())??;
    Ok(Redeemed {
        id_token: redeemed.0,
        access_token,
        scope: redeemed.1,
    })
}

/// The userinfo answer (OIDC Core §5.3.2).
#[derive(Debug, Serialize)]
struct UserInfo {
    sub: String,
    #[serde(flatten)]
    profile: ProfileClaims,
}

fn invalid_token() -> Response {
    let mut response = (
        StatusCode::UNAUTHORIZED,
        Json(OAuthError {
            error: "invalid_token".into(),
            error_description: Some(
                "the access token is missing, unknown, expired or revoked".into(),
            ),
        }),
    )
        .into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer error=\"invalid_token\""),
    );
    no_store(response)
}

/// The bearer token of an `Authorization` header, if well formed.
pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// `GET <issuer>/userinfo` with the provider's access token.
pub(crate) async fn userinfo(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = bearer_token(&headers) else {
        return invalid_token();
    };
    let hash = token_hash(token);
    let result = state
        .db
        .call(
            move |conn| -> crate::store::sql::Result<Option<(ProviderCitizen, String)>> {
                let row: Option<(String, String)> = conn
                    .query_row(
                        "SELECT subject, scope FROM provider_access_tokens
                     WHERE token_hash = ?1 AND revoked = 0 AND expires_at > ?2",
                        params![hash, now()],
                        |row| Ok((row.get(0)?, row.get(1)?)),
                    )
                    .optional()?;
                let Some((subject, scope)) = row else {
                    return Ok(None);
                };
                Ok(citizens::find(conn, &subject)?.map(|citizen| (citizen, scope)))
            },
        )
        .await;
    match result {
        Ok(Ok(Some((citizen, scope)))) => {
            let body = UserInfo {
                sub: citizen.subject.clone(),
                profile: ProfileClaims::for_scope(&citizen, &scope),
            };
            no_store((StatusCode::OK, Json(body)).into_response())
        }
        Ok(Ok(None)) => invalid_token(),
        Ok(Err(error)) => {
            tracing::error!(%error, "database error at userinfo");
            TokenError::server_error().into_response()
        }
        Err(_) => TokenError::server_error().into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_are_parsed_strictly() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer_token(&headers), None);
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        assert_eq!(bearer_token(&headers), Some("abc"));
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer  abc "),
        );
        assert_eq!(bearer_token(&headers), Some("abc"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer_token(&headers), None);
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer "));
        assert_eq!(bearer_token(&headers), None);
    }

    #[test]
    fn repeated_form_parameters_are_refused() {
        assert!(form_params(b"a=1&b=2").is_ok());
        assert!(form_params(b"a=1&a=2").is_err());
    }
}
