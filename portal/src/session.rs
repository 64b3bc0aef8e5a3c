//! Portal sessions: the exchange of a provider's ID token for opaque access and refresh
//! tokens, refresh with rotation and reuse detection, logout, `/me`, the
//! [`AuthenticatedCitizen`] extractor, and the keys of the trusted issuer.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::store::sql::{Connection, OptionalExtension, params};
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_protocol::api::{ApiErrorCode, RefreshRequest, SessionRequest, SessionResponse};
use motcua_protocol::identity::{CitizenProfile, IdentityLevel};
use motcua_protocol::jose::{
    Algorithm, IdTokenClaims, IdTokenError, IdTokenRules, JoseError, JwkSet, validate_id_token,
};
use motcua_protocol::oidc::{DISCOVERY_PATH, ProviderMetadata};
use tokio::sync::Mutex;
use url::Url;

use crate::AppState;
use crate::db::{now, secs};
use crate::error::{ApiError, ApiJson};
use crate::provider::keys;
use crate::provider::token::bearer_token;
use crate::secrets::{new_token, token_hash};

/// Allowed clock difference when validating ID tokens.
const CLOCK_SKEW_SECS: i64 = 120;
/// ID tokens older than this are refused: they are exchanged right after login.
const MAX_ID_TOKEN_AGE_SECS: i64 = 600;
/// An unknown `kid` triggers a refetch of the issuer's keys at most this often.
pub(crate) const JWKS_REFETCH_INTERVAL: Duration = Duration::from_secs(30);
/// Timeout of requests to an external issuer.
const ISSUER_TIMEOUT: Duration = Duration::from_secs(10);

/// A request made with a valid portal access token: who it is for.
///
/// Use it as an extractor in every handler that acts for a citizen; authorise per
/// `citizen_id`. Rejections are 401 [`ApiError`]s with `unauthenticated`,
/// `token_expired` or `session_revoked`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthenticatedCitizen {
    /// The citizen's row id in the portal database.
    pub citizen_id: i64,
    /// The session the access token belongs to.
    pub session_id: i64,
}

impl FromRequestParts<AppState> for AuthenticatedCitizen {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(token) = bearer_token(&parts.headers) else {
            return Err(ApiError::unauthorized(
                ApiErrorCode::Unauthenticated,
                "a bearer access token is required",
            ));
        };
        let hash = token_hash(token);
        let row = state
            .db
            .call(move |conn| {
                conn.prepare_cached(
                    "SELECT a.session_id, a.expires_at, a.superseded, s.revoked_at, s.citizen_id
                     FROM access_tokens a JOIN sessions s ON s.id = a.session_id
                     WHERE a.token_hash = ?1",
                )?
                .query_row([hash], |row| {
                    Ok((
                        row.get::<_, i64>(0)?,
                        row.get::<_, i64>(1)?,
                        row.get::<_, bool>(2)?,
                        row.get::<_, Option<i64>>(3)?,
                        row.get::<_, i64>(4)?,
                    ))
                })
                .optional()
            })
            .await??;
        let Some((session_id, expires_at, superseded, revoked_at, citizen_id)) = row else {
            return Err(ApiError::unauthorized(
                ApiErrorCode::Unauthenticated,
                "unknown access token",
            ));
        };
        if revoked_at.is_some() {
            return Err(ApiError::unauthorized(
                ApiErrorCode::SessionRevoked,
                "the session was ended",
            ));
        }
        if superseded {
            return Err(ApiError::unauthorized(
                ApiErrorCode::Unauthenticated,
                "the access token was replaced by a refresh",
            ));
        }
        if expires_at <= now() {
            return Err(ApiError::unauthorized(
                ApiErrorCode::TokenExpired,
                "the access token expired",
            ));
        }
        Ok(AuthenticatedCitizen {
            citizen_id,
            session_id,
        })
    }
}

/// Where the keys of the trusted issuer come from.
pub(crate) enum IssuerTrust {
    /// The built-in provider: its keys are read from the database.
    Builtin,
    /// An external provider found by discovery.
    External(Box<ExternalIssuer>),
}

/// Why the keys of an external issuer could not be obtained.
#[derive(Debug, thiserror::Error)]
pub(crate) enum FetchError {
    /// Network, status or body problem.
    #[error("{0}")]
    Http(String),
    /// The discovery document names another issuer.
    #[error("discovery names issuer {found:?}, expected {expected:?}")]
    IssuerMismatch { expected: String, found: String },
}

#[derive(Default)]
struct KeyCache {
    /// The issuer string from discovery (authoritative for `iss`).
    issuer: Option<String>,
    jwks_uri: Option<Url>,
    keys: Option<Arc<JwkSet>>,
    /// When keys were last refetched because a token named an unknown key.
    refetched_at: Option<Instant>,
}

/// An external issuer: discovery, then its key set, cached; refetched on an unknown key.
pub(crate) struct ExternalIssuer {
    configured: String,
    http: reqwest::Client,
    refetch_interval: Duration,
    cache: Mutex<KeyCache>,
}

impl ExternalIssuer {
    /// An issuer whose configured identifier is `configured`.
    pub(crate) fn new(
        configured: String,
        refetch_interval: Duration,
    ) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(ISSUER_TIMEOUT)
            .connect_timeout(ISSUER_TIMEOUT)
            .build()?;
        Ok(ExternalIssuer {
            configured,
            http,
            refetch_interval,
            cache: Mutex::new(KeyCache::default()),
        })
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, FetchError> {
        let response = self
            .http
            .get(url)
            .header(header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|error| {
                FetchError::Http(format!("request failed: {}", error.without_url()))
            })?;
        if !response.status().is_success() {
            return Err(FetchError::Http(format!("status {}", response.status())));
        }
        response
            .json()
            .await
            .map_err(|error| FetchError::Http(format!("bad body: {}", error.without_url())))
    }

    async fn discover(&self, cache: &mut KeyCache) -> Result<(), FetchError> {
        let base = self.configured.trim_end_matches('/');
        let metadata: ProviderMetadata = self.get_json(&format!("{base}{DISCOVERY_PATH}")).await?;
        if metadata.issuer.trim_end_matches('/') != base {
            return Err(FetchError::IssuerMismatch {
                expected: self.configured.clone(),
                found: metadata.issuer,
            });
        }
        let jwks_uri = Url::parse(&metadata.jwks_uri)
            .map_err(|_| FetchError::Http("discovery has no valid jwks_uri".into()))?;
        cache.issuer = Some(metadata.issuer);
        cache.jwks_uri = Some(jwks_uri);
        Ok(())
    }

    async fn refresh(&self, cache: &mut KeyCache) -> Result<(), FetchError> {
        if cache.jwks_uri.is_none() {
            self.discover(cache).await?;
        }
        let uri = cache
            .jwks_uri
            .clone()
            .ok_or_else(|| FetchError::Http("no jwks_uri".into()))?;
        let set: JwkSet = self.get_json(uri.as_str()).await?;
        cache.keys = Some(Arc::new(set));
        tracing::info!("fetched the issuer's key set");
        Ok(())
    }

    /// The issuer string and the cached key set, fetching them the first time.
    async fn current(&self) -> Result<(String, Arc<JwkSet>), FetchError> {
        let mut cache = self.cache.lock().await;
        if cache.keys.is_none() {
            self.refresh(&mut cache).await?;
        }
        match (&cache.issuer, &cache.keys) {
            (Some(issuer), Some(keys)) => Ok((issuer.clone(), Arc::clone(keys))),
            _ => Err(FetchError::Http("no keys".into())),
        }
    }

    /// A newer key set after `seen` turned out not to have the token's key: someone else's
    /// newer fetch, or a refetch. Refetches for unknown keys happen at most once per
    /// refetch interval (the first fetch does not count), so tokens with made-up key ids
    /// cannot make the portal hammer the issuer.
    async fn newer_than(&self, seen: &Arc<JwkSet>) -> Result<Option<Arc<JwkSet>>, FetchError> {
        let mut cache = self.cache.lock().await;
        if let Some(keys) = &cache.keys
            && !Arc::ptr_eq(keys, seen)
        {
            return Ok(Some(Arc::clone(keys)));
        }
        let recent = cache
            .refetched_at
            .is_some_and(|at| at.elapsed() < self.refetch_interval);
        if recent {
            return Ok(None);
        }
        cache.refetched_at = Some(Instant::now());
        self.refresh(&mut cache).await?;
        Ok(cache.keys.clone())
    }

    /// Validates `token` against the issuer's keys, refetching them once on an unknown key.
    pub(crate) async fn validate(
        &self,
        token: &str,
        client_id: &str,
    ) -> Result<IdTokenClaims, Rejection> {
        let (issuer, keys) = self.current().await.map_err(Rejection::Unavailable)?;
        let token_rules = rules(&issuer, client_id);
        match validate_id_token(token, &keys, &token_rules) {
            Err(IdTokenError::Jose(JoseError::UnknownKey { .. })) => {
                match self
                    .newer_than(&keys)
                    .await
                    .map_err(Rejection::Unavailable)?
                {
                    Some(newer) => {
                        validate_id_token(token, &newer, &token_rules).map_err(Rejection::Invalid)
                    }
                    None => Err(Rejection::Invalid(IdTokenError::Jose(
                        JoseError::UnknownKey { kid: None },
                    ))),
                }
            }
            other => other.map_err(Rejection::Invalid),
        }
    }
}

/// Why an ID token was not accepted.
#[derive(Debug)]
pub(crate) enum Rejection {
    /// The issuer's keys could not be fetched.
    Unavailable(FetchError),
    /// The token is invalid.
    Invalid(IdTokenError),
}

fn rules<'a>(issuer: &'a str, client_id: &'a str) -> IdTokenRules<'a> {
    IdTokenRules {
        issuer,
        client_id,
        nonce: None,
        now: now(),
        clock_skew_secs: CLOCK_SKEW_SECS,
        max_age_secs: Some(MAX_ID_TOKEN_AGE_SECS),
        algorithms: &Algorithm::ALL,
    }
}

/// A short reason for a refused ID token; never quotes the token or its claims.
fn reason(error: &IdTokenError) -> &'static str {
    match error {
        IdTokenError::Jose(JoseError::Malformed(_)) => "malformed token",
        IdTokenError::Jose(JoseError::AlgorithmNotAllowed(_)) => "algorithm not allowed",
        IdTokenError::Jose(JoseError::CriticalHeader) => "unsupported critical header",
        IdTokenError::Jose(JoseError::UnknownKey { .. }) => "unknown signing key",
        IdTokenError::Jose(JoseError::KeyUnusable(_)) => "unusable signing key",
        IdTokenError::Jose(JoseError::BadSignature) => "bad signature",
        IdTokenError::MalformedClaims(_) => "malformed claims",
        IdTokenError::WrongIssuer { .. } => "wrong issuer",
        IdTokenError::WrongAudience => "wrong audience",
        IdTokenError::Expired => "expired",
        IdTokenError::NotYetValid => "issued in the future",
        IdTokenError::TooOld => "too old",
        IdTokenError::NonceMismatch => "nonce mismatch",
    }
}

async fn validate(state: &AppState, token: String) -> Result<IdTokenClaims, ApiError> {
    let outcome = match &state.trust {
        IssuerTrust::Builtin => {
            let keys = state.db.call(|conn| keys::published(conn)).await??;
            let issuer = state.settings.trusted_issuer.as_str();
            validate_id_token(&token, &keys, &rules(issuer, &state.settings.client_id))
                .map_err(Rejection::Invalid)
        }
        IssuerTrust::External(external) => {
            external.validate(&token, &state.settings.client_id).await
        }
    };
    outcome.map_err(|rejection| match rejection {
        Rejection::Unavailable(error) => {
            tracing::warn!(%error, "the identity provider is unavailable");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                ApiErrorCode::IssuerUnavailable,
                "the identity provider's keys could not be fetched",
            )
        }
        Rejection::Invalid(error) => {
            let reason = reason(&error);
            tracing::info!(reason, "ID token rejected");
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                ApiErrorCode::IdTokenRejected,
                format!("ID token rejected: {reason}"),
            )
        }
    })
}

/// The profile of a citizen row.
pub(crate) fn load_profile(
    conn: &Connection,
    citizen_id: i64,
) -> crate::store::sql::Result<Option<CitizenProfile>> {
    conn.prepare_cached(
        "SELECT issuer, subject, full_name, personal_id, birth_date, address, identity_level
         FROM citizens WHERE id = ?1",
    )?
    .query_row([citizen_id], |row| {
        Ok(CitizenProfile {
            issuer: row.get(0)?,
            subject: row.get(1)?,
            full_name: row.get(2)?,
            personal_id: row.get(3)?,
            birth_date: row.get(4)?,
            address: row.get(5)?,
            identity_level: IdentityLevel::from_number(row.get(6)?),
        })
    })
    .optional()
}

/// Fresh tokens for a session.
struct NewTokens {
    access: String,
    refresh: String,
}

impl NewTokens {
    fn generate(state: &AppState) -> Result<NewTokens, ApiError> {
        Ok(NewTokens {
            access: new_token(&state.rng)?,
            refresh: new_token(&state.rng)?,
        })
    }
}

fn insert_tokens(
    conn: &Connection,
    session_id: i64,
    tokens: &NewTokens,
    now: i64,
    access_ttl: i64,
    refresh_ttl: i64,
) -> crate::store::sql::Result<()> {
    conn.execute(
        "INSERT INTO access_tokens (token_hash, session_id, expires_at) VALUES (?1, ?2, ?3)",
        params![
            token_hash(&tokens.access),
            session_id,
            now.saturating_add(access_ttl)
        ],
    )?;
    conn.execute(
        "INSERT INTO refresh_tokens (token_hash, session_id, expires_at) VALUES (?1, ?2, ?3)",
        params![
            token_hash(&tokens.refresh),
            session_id,
            now.saturating_add(refresh_ttl)
        ],
    )?;
    Ok(())
}

fn session_response(state: &AppState, tokens: NewTokens, citizen: CitizenProfile) -> Response {
    let body = SessionResponse {
        access_token: tokens.access,
        token_type: "Bearer".into(),
        expires_in: state.settings.access_ttl_secs,
        refresh_token: tokens.refresh,
        refresh_expires_in: state.settings.refresh_ttl_secs,
        citizen,
    };
    let mut response = (StatusCode::OK, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `POST /api/v1/session`: a provider's ID token for a portal session.
pub(crate) async fn create_session(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<SessionRequest>,
) -> Result<Response, ApiError> {
    let digest = id_token_digest(&request.id_token);
    let claims = validate(&state, request.id_token).await?;
    // Accepted up to `exp` plus the skew: remembered as long as that.
    let remembered_until = claims.exp.saturating_add(CLOCK_SKEW_SECS);
    let profile = claims.to_profile();
    let tokens = NewTokens::generate(&state)?;
    let access_ttl = secs(state.settings.access_ttl_secs);
    let refresh_ttl = secs(state.settings.refresh_ttl_secs);
    let (tokens, profile) = state
        .db
        .call(move |conn| -> crate::store::sql::Result<Option<(NewTokens, CitizenProfile)>> {
            let now = now();
            let tx = conn.transaction_with_behavior(crate::store::sql::TransactionBehavior::Immediate)?;
            if !first_use(&tx, &digest, remembered_until, now)? {
                return Ok(None);
            }
            let citizen_id: i64 = tx.query_row(
                "INSERT INTO citizens
                 (issuer, subject, full_name, personal_id, birth_date, address, identity_level, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)
                 ON CONFLICT (issuer, subject) DO UPDATE SET
                    full_name = excluded.full_name, personal_id = excluded.personal_id,
                    birth_date = excluded.birth_date, address = excluded.address,
                    identity_level = excluded.identity_level, updated_at = excluded.updated_at
                 RETURNING id",
                params![
                    profile.issuer,
                    profile.subject,
                    profile.full_name,
                    profile.personal_id,
                    profile.birth_date,
                    profile.address,
                    i64::from(profile.identity_level.number()),
                    now
                ],
                |row| row.get(0),
            )?;
            let session_id: i64 = tx.query_row(
                "INSERT INTO sessions (citizen_id, created_at) VALUES (?1, ?2) RETURNING id",
                params![citizen_id, now],
                |row| row.get(0),
            )?;
            insert_tokens(&tx, session_id, &tokens, now, access_ttl, refresh_ttl)?;
            tx.commit()?;
            Ok(Some((tokens, profile)))
        })
        .await??
        .ok_or_else(|| {
            tracing::info!(reason = "already used", "ID token rejected");
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                ApiErrorCode::IdTokenRejected,
                "ID token rejected: already used to open a session; log in again",
            )
        })?;
    tracing::info!("session created");
    Ok(session_response(&state, tokens, profile))
}

/// The digest under which a used ID token is remembered: SHA-256 of its signing input
/// (`header.payload`). ECDSA signatures can be re-encoded into another valid one, so the
/// whole compact token would not name the token; what the signature covers does.
fn id_token_digest(token: &str) -> Vec<u8> {
    let signing_input = token.rsplit_once('.').map_or(token, |(input, _)| input);
    token_hash(signing_input)
}

/// Records the use of an ID token; `false` when it was used before. Forgets the tokens
/// that can no longer be accepted.
fn first_use(
    tx: &crate::store::sql::Transaction<'_>,
    digest: &[u8],
    remembered_until: i64,
    now: i64,
) -> crate::store::sql::Result<bool> {
    tx.prepare_cached("DELETE FROM used_id_tokens WHERE expires_at < ?1")?
        .execute([now])?;
    let inserted = tx
        .prepare_cached(
            "INSERT INTO used_id_tokens (digest, expires_at) VALUES (?1, ?2)
             ON CONFLICT (digest) DO NOTHING",
        )?
        .execute(params![digest, remembered_until])?;
    Ok(inserted == 1)
}

/// session id, expiry, used at, replaced by, session revoked at, citizen id.
type RefreshRow = (i64, i64, Option<i64>, Option<Vec<u8>>, Option<i64>, i64);

/// What a refresh attempt found.
enum RefreshOutcome {
    Refused(&'static str),
    Reused,
    /// New tokens; `retried` when the token had been used before but its answer was lost.
    Rotated {
        tokens: NewTokens,
        profile: CitizenProfile,
        retried: bool,
    },
}

/// `POST /api/v1/session/refresh`: rotate the refresh token, replace the access token.
///
/// A refresh token is good for one use. A second use ends the session (someone holds a
/// copy), except for a client whose answer was lost on the network: it retries with the
/// token it still holds. That retry is told apart by the replacement: it was never used, and
/// the retry comes within `refresh_retry_secs` of the first use. It rotates again and retires
/// the unused replacement, so that if a thief made the first use, the phone's next refresh
/// (or the thief's) is the reuse that ends the session.
pub(crate) async fn refresh_session(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<RefreshRequest>,
) -> Result<Response, ApiError> {
    let hash = token_hash(&request.refresh_token);
    let tokens = NewTokens::generate(&state)?;
    let access_ttl = secs(state.settings.access_ttl_secs);
    let refresh_ttl = secs(state.settings.refresh_ttl_secs);
    let retry_grace = secs(state.settings.refresh_retry_secs);
    let outcome = state
        .db
        .call(move |conn| -> crate::store::sql::Result<RefreshOutcome> {
            let now = now();
            let tx =
                conn.transaction_with_behavior(crate::store::sql::TransactionBehavior::Immediate)?;
            let row: Option<RefreshRow> = tx
                .query_row(
                    "SELECT r.session_id, r.expires_at, r.used_at, r.replaced_by, s.revoked_at,
                            s.citizen_id
                     FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id
                     WHERE r.token_hash = ?1",
                    [&hash],
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
            let Some((session_id, expires_at, used_at, replaced_by, revoked_at, citizen_id)) = row
            else {
                return Ok(RefreshOutcome::Refused("unknown refresh token"));
            };
            if revoked_at.is_some() {
                return Ok(RefreshOutcome::Refused("the session was ended"));
            }
            let retried = match used_at {
                None => false,
                Some(used_at) => {
                    let unused_replacement = match &replaced_by {
                        Some(replacement) => tx
                            .query_row(
                                "SELECT used_at IS NULL FROM refresh_tokens WHERE token_hash = ?1",
                                [replacement],
                                |row| row.get::<_, bool>(0),
                            )
                            .optional()?
                            .unwrap_or(false),
                        None => false,
                    };
                    if !unused_replacement || now.saturating_sub(used_at) > retry_grace {
                        // Someone holds a copy of an old refresh token: end the session for
                        // both.
                        tx.execute(
                            "UPDATE sessions SET revoked_at = ?1, revoked_reason = 'refresh_reuse'
                             WHERE id = ?2",
                            params![now, session_id],
                        )?;
                        tx.commit()?;
                        return Ok(RefreshOutcome::Reused);
                    }
                    tx.execute(
                        "UPDATE refresh_tokens SET used_at = ?1 WHERE token_hash = ?2",
                        params![now, replaced_by],
                    )?;
                    true
                }
            };
            if expires_at <= now {
                return Ok(RefreshOutcome::Refused("the refresh token expired"));
            }
            // The first use's time is kept: retries do not stretch the grace.
            tx.execute(
                "UPDATE refresh_tokens SET used_at = COALESCE(used_at, ?1), replaced_by = ?3
                 WHERE token_hash = ?2",
                params![now, hash, token_hash(&tokens.refresh)],
            )?;
            tx.execute(
                "UPDATE access_tokens SET superseded = 1 WHERE session_id = ?1 AND superseded = 0",
                [session_id],
            )?;
            insert_tokens(&tx, session_id, &tokens, now, access_ttl, refresh_ttl)?;
            let Some(profile) = load_profile(&tx, citizen_id)? else {
                return Ok(RefreshOutcome::Refused("unknown citizen"));
            };
            tx.commit()?;
            Ok(RefreshOutcome::Rotated {
                tokens,
                profile,
                retried,
            })
        })
        .await??;
    match outcome {
        RefreshOutcome::Rotated {
            tokens,
            profile,
            retried,
        } => {
            if retried {
                tracing::info!("session refreshed again: the first answer was lost");
            } else {
                tracing::info!("session refreshed");
            }
            Ok(session_response(&state, tokens, profile))
        }
        RefreshOutcome::Reused => {
            tracing::warn!("refresh token reused; session revoked");
            Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                ApiErrorCode::InvalidRefreshToken,
                "the refresh token was already used; the session is ended",
            ))
        }
        RefreshOutcome::Refused(message) => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            ApiErrorCode::InvalidRefreshToken,
            message,
        )),
    }
}

/// `DELETE /api/v1/session`: log out (revoke the session).
pub(crate) async fn delete_session(
    State(state): State<AppState>,
    citizen: AuthenticatedCitizen,
) -> Result<StatusCode, ApiError> {
    let session_id = citizen.session_id;
    state
        .db
        .call(move |conn| {
            conn.execute(
                "UPDATE sessions SET revoked_at = ?1, revoked_reason = 'logout'
                 WHERE id = ?2 AND revoked_at IS NULL",
                params![now(), session_id],
            )
        })
        .await??;
    tracing::info!("session ended");
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/me`: the profile of the session's citizen.
pub(crate) async fn me(
    State(state): State<AppState>,
    citizen: AuthenticatedCitizen,
) -> Result<Response, ApiError> {
    let citizen_id = citizen.citizen_id;
    let profile = state
        .db
        .call(move |conn| load_profile(conn, citizen_id))
        .await??
        .ok_or_else(ApiError::not_found)?;
    let mut response = Json(profile).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PortalConfig, start};

    #[test]
    fn reasons_name_the_problem() {
        assert_eq!(reason(&IdTokenError::WrongAudience), "wrong audience");
        assert_eq!(
            reason(&IdTokenError::MalformedClaims("secret".into())),
            "malformed claims"
        );
    }

    /// An external issuer (another portal's built-in provider): discovery, key fetch, an
    /// unknown key after rotation triggers one refetch.
    #[tokio::test]
    async fn external_keys_are_refetched_after_rotation() {
        let dir = tempfile::tempdir().unwrap();
        let provider = start(PortalConfig::for_tests(dir.path())).await.unwrap();
        let issuer = ExternalIssuer::new(provider.issuer(), Duration::ZERO).unwrap();
        let (found, keys) = issuer.current().await.unwrap();
        assert_eq!(found, provider.issuer());
        assert_eq!(keys.keys.len(), 1);

        provider.rotate_signing_key().await.unwrap();
        let newer = issuer.newer_than(&keys).await.unwrap().unwrap();
        assert_eq!(newer.keys.len(), 2);

        // Right after the first fetch one refetch is allowed, then not again for a while.
        let slow = ExternalIssuer::new(provider.issuer(), Duration::from_secs(3600)).unwrap();
        let (_, keys) = slow.current().await.unwrap();
        provider.rotate_signing_key().await.unwrap();
        let refetched = slow.newer_than(&keys).await.unwrap().unwrap();
        assert_eq!(refetched.keys.len(), 3);
        assert!(slow.newer_than(&refetched).await.unwrap().is_none());

        let wrong = ExternalIssuer::new(format!("{}x", provider.issuer()), Duration::ZERO).unwrap();
        assert!(wrong.current().await.is_err());
        provider.shutdown().await;
    }
}
