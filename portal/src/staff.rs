//! Desk staff: accounts with a role, password login, staff sessions and the
//! [`AuthenticatedStaff`] extractor.
//!
//! Staff tokens and citizen tokens live in different tables: a citizen's token is unknown
//! to the desk endpoints and a staff token is unknown to the citizen endpoints (both get
//! 401). Passwords are stored as PBKDF2-HMAC-SHA256 with a per-account random salt; the
//! demo accounts ([`demo_staff`]) get the configured development password at start.

use std::num::NonZeroU32;
use std::time::Instant;

use crate::store::sql::{Connection, OptionalExtension, params};
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_protocol::api::ApiErrorCode;
use motcua_protocol::api::desk::{
    StaffProfile, StaffRole, StaffSessionRequest, StaffSessionResponse,
};
use ring::pbkdf2;
use ring::rand::{SecureRandom, SystemRandom};

use crate::AppState;
use crate::db::{now, secs};
use crate::error::{ApiError, ApiJson};
use crate::provider::token::bearer_token;
use crate::ratelimit::ClientIp;
use crate::secrets::{new_token, token_hash};

static PBKDF2: pbkdf2::Algorithm = pbkdf2::PBKDF2_HMAC_SHA256;
const SALT_LEN: usize = 16;
const HASH_LEN: usize = 32;
/// Longest user name and password accepted at login.
const MAX_USERNAME_LEN: usize = 64;
const MAX_PASSWORD_LEN: usize = 1024;

/// The development password of the demo staff unless configured (DEV ONLY).
pub const DEFAULT_DESK_DEMO_PASSWORD: &str = "motcua-dev";
/// PBKDF2-HMAC-SHA256 iterations for staff passwords (OWASP's figure for this hash).
pub const DEFAULT_PASSWORD_ITERATIONS: u32 = 600_000;

/// A demo staff account, seeded for development.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoStaff {
    /// The login name.
    pub username: &'static str,
    /// The officer's name.
    pub full_name: &'static str,
    /// The role.
    pub role: StaffRole,
}

/// The demo staff: a one-stop desk officer and a specialist.
pub fn demo_staff() -> &'static [DemoStaff] {
    &[
        DemoStaff {
            username: "tiepnhan",
            full_name: "Lê Thị Hoa",
            role: StaffRole::Reception,
        },
        DemoStaff {
            username: "chuyenvien",
            full_name: "Đỗ Văn Nam",
            role: StaffRole::Specialist,
        },
    ]
}

/// A stored password: salt, derived key, iterations.
struct PasswordHash {
    salt: Vec<u8>,
    hash: Vec<u8>,
    iterations: u32,
}

fn iterations(value: u32) -> NonZeroU32 {
    NonZeroU32::new(value).unwrap_or(NonZeroU32::MIN)
}

fn hash_password(
    rng: &SystemRandom,
    password: &str,
    rounds: u32,
) -> Result<PasswordHash, ring::error::Unspecified> {
    let mut salt = vec![0u8; SALT_LEN];
    rng.fill(&mut salt)?;
    let mut hash = vec![0u8; HASH_LEN];
    pbkdf2::derive(
        PBKDF2,
        iterations(rounds),
        &salt,
        password.as_bytes(),
        &mut hash,
    );
    Ok(PasswordHash {
        salt,
        hash,
        iterations: rounds.max(1),
    })
}

fn verify_password(stored: &PasswordHash, password: &str) -> bool {
    pbkdf2::verify(
        PBKDF2,
        iterations(stored.iterations),
        &stored.salt,
        password.as_bytes(),
        &stored.hash,
    )
    .is_ok()
}

fn role_from_db(text: &str) -> crate::store::sql::Result<StaffRole> {
    StaffRole::parse(text)
        .ok_or_else(|| crate::store::sql::Error::decode(format!("unknown staff role {text:?}")))
}

/// Seeds the demo staff with `password` (or disables them when `enabled` is false). An
/// existing demo account whose password is not `password` gets it, so changing the
/// configured password takes effect at the next start.
pub(crate) fn seed(
    conn: &Connection,
    rng: &SystemRandom,
    enabled: bool,
    password: &str,
    rounds: u32,
) -> Result<(), crate::PortalError> {
    let at = now();
    if !enabled {
        let disabled = conn.execute(
            "UPDATE staff SET disabled_at = ?1 WHERE demo = 1 AND disabled_at IS NULL",
            [at],
        )?;
        if disabled > 0 {
            tracing::info!(disabled, "demo staff accounts disabled");
        }
        return Ok(());
    }
    let crypto = |_| crate::PortalError::Crypto("cannot hash a staff password");
    for demo in demo_staff() {
        let existing: Option<(Vec<u8>, Vec<u8>, u32)> = conn
            .query_row(
                "SELECT password_salt, password_hash, password_iterations FROM staff
                 WHERE username = ?1",
                [demo.username],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()?;
        let current = existing.is_some_and(|(salt, hash, iterations)| {
            verify_password(
                &PasswordHash {
                    salt,
                    hash,
                    iterations,
                },
                password,
            )
        });
        if current {
            conn.execute(
                "UPDATE staff SET full_name = ?2, role = ?3, demo = 1, disabled_at = NULL
                 WHERE username = ?1",
                params![demo.username, demo.full_name, demo.role.as_str()],
            )?;
            continue;
        }
        let stored = hash_password(rng, password, rounds).map_err(crypto)?;
        conn.execute(
            "INSERT INTO staff (username, full_name, role, password_salt, password_hash,
                                password_iterations, demo, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7)
             ON CONFLICT (username) DO UPDATE SET
                full_name = excluded.full_name, role = excluded.role,
                password_salt = excluded.password_salt, password_hash = excluded.password_hash,
                password_iterations = excluded.password_iterations, demo = 1,
                disabled_at = NULL",
            params![
                demo.username,
                demo.full_name,
                demo.role.as_str(),
                stored.salt,
                stored.hash,
                stored.iterations,
                at
            ],
        )?;
    }
    if password == DEFAULT_DESK_DEMO_PASSWORD {
        tracing::warn!(
            "demo staff accounts use the default development password; \
             never expose this portal (set --desk-demo-password or --no-demo-staff)"
        );
    }
    Ok(())
}

/// A request made with a valid staff token.
///
/// Rejections are 401 [`ApiError`]s: `unauthenticated` (no or unknown token, or a
/// disabled account), `token_expired`, `session_revoked`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthenticatedStaff {
    /// The staff account's row id.
    pub staff_id: i64,
    /// The staff session.
    pub session_id: i64,
    /// The role the officer acts in.
    pub role: StaffRole,
}

/// session id, staff id, expiry, revoked at, role, disabled at.
type StaffTokenRow = (i64, i64, i64, Option<i64>, String, Option<i64>);

impl FromRequestParts<AppState> for AuthenticatedStaff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(token) = bearer_token(&parts.headers) else {
            return Err(ApiError::unauthorized(
                ApiErrorCode::Unauthenticated,
                "a staff bearer token is required",
            ));
        };
        let hash = token_hash(token);
        let row: Option<StaffTokenRow> = state
            .db
            .call(move |conn| {
                conn.prepare_cached(
                    "SELECT s.id, s.staff_id, s.expires_at, s.revoked_at, t.role, t.disabled_at
                     FROM staff_sessions s JOIN staff t ON t.id = s.staff_id
                     WHERE s.token_hash = ?1",
                )?
                .query_row([hash], |row| {
                    Ok((
                        row.get(0)?,
                        row.get(1)?,
                        row.get(2)?,
                        row.get(3)?,
                        row.get(4)?,
                        row.get(5)?,
                    ))
                })
                .optional()
            })
            .await??;
        let Some((session_id, staff_id, expires_at, revoked_at, role, disabled_at)) = row else {
            return Err(ApiError::unauthorized(
                ApiErrorCode::Unauthenticated,
                "unknown staff token",
            ));
        };
        if revoked_at.is_some() {
            return Err(ApiError::unauthorized(
                ApiErrorCode::SessionRevoked,
                "the staff session was ended",
            ));
        }
        if disabled_at.is_some() {
            return Err(ApiError::unauthorized(
                ApiErrorCode::Unauthenticated,
                "the staff account is disabled",
            ));
        }
        if expires_at <= now() {
            return Err(ApiError::unauthorized(
                ApiErrorCode::TokenExpired,
                "the staff token expired: log in again",
            ));
        }
        Ok(AuthenticatedStaff {
            staff_id,
            session_id,
            role: role_from_db(&role)?,
        })
    }
}

/// What a login found for the user name.
struct Account {
    id: i64,
    profile: StaffProfile,
    password: PasswordHash,
    disabled: bool,
}

fn load_account(conn: &Connection, username: &str) -> crate::store::sql::Result<Option<Account>> {
    conn.prepare_cached(
        "SELECT id, username, full_name, role, password_salt, password_hash,
                password_iterations, disabled_at
         FROM staff WHERE username = ?1",
    )?
    .query_row([username], |row| {
        Ok(Account {
            id: row.get(0)?,
            profile: StaffProfile {
                username: row.get(1)?,
                full_name: row.get(2)?,
                role: role_from_db(&row.get::<_, String>(3)?)?,
            },
            password: PasswordHash {
                salt: row.get(4)?,
                hash: row.get(5)?,
                iterations: row.get(6)?,
            },
            disabled: row.get::<_, Option<i64>>(7)?.is_some(),
        })
    })
    .optional()
}

fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `POST /api/v1/desk/session`: user name and password for a staff token.
pub(crate) async fn create_session(
    State(state): State<AppState>,
    client: ClientIp,
    body: Result<ApiJson<StaffSessionRequest>, ApiError>,
) -> Result<Response, ApiError> {
    if let Err(wait) = state.login_limiter.check(client, Instant::now()) {
        return Err(ApiError::rate_limited(wait, "too many login attempts"));
    }
    let ApiJson(request) = body?;
    if request.username.is_empty()
        || request.username.len() > MAX_USERNAME_LEN
        || request.password.len() > MAX_PASSWORD_LEN
    {
        return Err(wrong_credentials());
    }
    let username = request.username.clone();
    let account = state
        .db
        .call(move |conn| load_account(conn, &username))
        .await??;
    let rounds = state.settings.staff_password_iterations;
    let rng = state.rng.clone();
    let password = request.password;
    // PBKDF2 is slow on purpose: off the executor, and not holding the database.
    let (verified, account, rehashed) = tokio::task::spawn_blocking(move || {
        let Some(account) = account else {
            // Spend the same time for an unknown name.
            let mut sink = [0u8; HASH_LEN];
            pbkdf2::derive(
                PBKDF2,
                iterations(rounds),
                &[0u8; SALT_LEN],
                password.as_bytes(),
                &mut sink,
            );
            return (false, None, None);
        };
        let verified = verify_password(&account.password, &password);
        let rehashed = (verified && account.password.iterations != rounds)
            .then(|| hash_password(&rng, &password, rounds).ok())
            .flatten();
        (verified, Some(account), rehashed)
    })
    .await
    .map_err(|error| {
        tracing::error!(%error, "password check failed");
        ApiError::internal()
    })?;
    let Some(account) = account.filter(|account| verified && !account.disabled) else {
        tracing::info!("staff login refused");
        return Err(wrong_credentials());
    };
    let token = new_token(&state.rng)?;
    let hash = token_hash(&token);
    let ttl = secs(state.settings.desk_session_ttl_secs);
    let staff_id = account.id;
    state
        .db
        .call(move |conn| -> crate::store::sql::Result<()> {
            let at = now();
            let tx = conn.transaction()?;
            tx.execute(
                "INSERT INTO staff_sessions (token_hash, staff_id, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![hash, staff_id, at, at.saturating_add(ttl)],
            )?;
            if let Some(stored) = rehashed {
                tx.execute(
                    "UPDATE staff SET password_salt = ?2, password_hash = ?3,
                                      password_iterations = ?4 WHERE id = ?1",
                    params![staff_id, stored.salt, stored.hash, stored.iterations],
                )?;
            }
            tx.commit()
        })
        .await??;
    tracing::info!(
        role = account.profile.role.as_str(),
        "staff session created"
    );
    Ok(no_store(
        Json(StaffSessionResponse {
            access_token: token,
            token_type: "Bearer".into(),
            expires_in: state.settings.desk_session_ttl_secs,
            staff: account.profile,
        })
        .into_response(),
    ))
}

fn wrong_credentials() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        ApiErrorCode::Unauthenticated,
        "wrong user name or password",
    )
}

/// `DELETE /api/v1/desk/session`: log out.
pub(crate) async fn delete_session(
    State(state): State<AppState>,
    staff: AuthenticatedStaff,
) -> Result<StatusCode, ApiError> {
    let session_id = staff.session_id;
    state
        .db
        .call(move |conn| {
            conn.execute(
                "UPDATE staff_sessions SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL",
                params![now(), session_id],
            )
        })
        .await??;
    tracing::info!("staff session ended");
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/desk/me`: the logged-in officer.
pub(crate) async fn me(
    State(state): State<AppState>,
    staff: AuthenticatedStaff,
) -> Result<Response, ApiError> {
    let staff_id = staff.staff_id;
    let profile = state
        .db
        .call(move |conn| {
            conn.query_row(
                "SELECT username, full_name, role FROM staff WHERE id = ?1",
                [staff_id],
                |row| {
                    Ok(StaffProfile {
                        username: row.get(0)?,
                        full_name: row.get(1)?,
                        role: role_from_db(&row.get::<_, String>(2)?)?,
                    })
                },
            )
            .optional()
        })
        .await??
        .ok_or_else(ApiError::not_found)?;
    Ok(no_store(Json(profile).into_response()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_salted_and_verify() {
        let rng = SystemRandom::new();
        let a = hash_password(&rng, "mật khẩu", 1000).unwrap();
        let b = hash_password(&rng, "mật khẩu", 1000).unwrap();
        assert_ne!(a.salt, b.salt);
        assert_ne!(a.hash, b.hash);
        assert!(verify_password(&a, "mật khẩu"));
        assert!(!verify_password(&a, "mat khau"));
        assert!(!verify_password(&a, ""));
        assert_eq!(hash_password(&rng, "x", 0).unwrap().iterations, 1);
    }

    #[test]
    fn demo_staff_are_seeded_reseeded_and_disabled() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::db::open(dir.path()).unwrap();
        let rng = SystemRandom::new();
        seed(&conn, &rng, true, "first", 1000).unwrap();
        let account = load_account(&conn, "tiepnhan").unwrap().unwrap();
        assert!(verify_password(&account.password, "first"));
        assert_eq!(account.profile.role, StaffRole::Reception);
        // Same password: untouched. Another one: replaced.
        seed(&conn, &rng, true, "first", 1000).unwrap();
        assert_eq!(
            load_account(&conn, "tiepnhan")
                .unwrap()
                .unwrap()
                .password
                .salt,
            account.password.salt
        );
        seed(&conn, &rng, true, "second", 1000).unwrap();
        let account = load_account(&conn, "chuyenvien").unwrap().unwrap();
        assert!(verify_password(&account.password, "second"));
        assert!(!verify_password(&account.password, "first"));
        seed(&conn, &rng, false, "second", 1000).unwrap();
        assert!(load_account(&conn, "chuyenvien").unwrap().unwrap().disabled);
        seed(&conn, &rng, true, "second", 1000).unwrap();
        assert!(!load_account(&conn, "chuyenvien").unwrap().unwrap().disabled);
        let stored: Vec<u8> = conn
            .query_row(
                "SELECT password_hash FROM staff WHERE username = 'tiepnhan'",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(stored.len(), HASH_LEN);
        assert!(!String::from_utf8_lossy(&stored).contains("second"));
    }
}
