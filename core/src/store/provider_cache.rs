//! The identity provider's cache in the profile's SQLite (migration 1): per issuer, its
//! discovery document and signing keys as JSON and when the document was fetched. Public
//! data, not sealed (`NotPersonal` in the store's column policy). All of the identity
//! area's SQL is here; `crate::identity::provider` holds the logic (freshness, parsing).
//!
//! The functions are blocking: the identity area calls them through
//! [`Database::blocking`] from its async calls.

use rusqlite::{OptionalExtension as _, params};

use super::{Database, StoreError};

/// One issuer's cache row, as stored (the area parses the JSON: a row an older build
/// wrote may no longer parse, and is then refetched).
pub(crate) struct CachedProvider {
    /// The discovery document, JSON.
    pub(crate) metadata: String,
    /// The signing keys, JSON, once fetched.
    pub(crate) jwks: Option<String>,
    /// When the discovery document was fetched (Unix seconds).
    pub(crate) fetched_at: i64,
}

/// The cache row of `issuer`, if any.
pub(crate) fn cached(
    database: &Database,
    issuer: &str,
) -> Result<Option<CachedProvider>, StoreError> {
    Ok(database
        .connection()?
        .query_row(
            "SELECT metadata, jwks, fetched_at FROM provider_cache WHERE issuer = ?1",
            params![issuer],
            |row| {
                Ok(CachedProvider {
                    metadata: row.get(0)?,
                    jwks: row.get(1)?,
                    fetched_at: row.get(2)?,
                })
            },
        )
        .optional()?)
}

/// Stores a freshly fetched discovery document of `issuer`. A new row has no keys yet;
/// an existing one keeps the keys it has (they are refetched when a token names an
/// unknown one).
pub(crate) fn save_metadata(
    database: &Database,
    issuer: &str,
    metadata_json: &str,
    fetched_at: i64,
) -> Result<(), StoreError> {
    database.connection()?.execute(
        "INSERT INTO provider_cache (issuer, metadata, jwks, fetched_at)
         VALUES (?1, ?2, NULL, ?3)
         ON CONFLICT(issuer) DO UPDATE SET metadata = ?2, fetched_at = ?3",
        params![issuer, metadata_json, fetched_at],
    )?;
    Ok(())
}

/// Stores the signing keys of `issuer` (whose discovery document is stored already).
pub(crate) fn save_keys(
    database: &Database,
    issuer: &str,
    jwks_json: &str,
) -> Result<(), StoreError> {
    database.connection()?.execute(
        "UPDATE provider_cache SET jwks = ?2 WHERE issuer = ?1",
        params![issuer, jwks_json],
    )?;
    Ok(())
}
