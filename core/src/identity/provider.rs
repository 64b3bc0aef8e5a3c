//! The identity provider as the client sees it: its discovery document and signing keys,
//! cached in the profile database, the keys refetched when a token names an unknown `kid`.

use std::sync::Arc;

use motcua_protocol::jose::JwkSet;
use motcua_protocol::oidc::{DISCOVERY_PATH, PKCE_METHOD_S256, ProviderMetadata};
use rusqlite::{OptionalExtension as _, params};

use super::IdentityError;
use crate::http::HttpClient;
use crate::store::Database;

/// How long a cached discovery document is trusted before it is fetched again.
const METADATA_MAX_AGE_SECS: i64 = 24 * 3600;

/// Discovery and keys of one issuer.
pub(crate) struct Provider {
    issuer: String,
    http: HttpClient,
    database: Arc<Database>,
}

impl Provider {
    pub(crate) fn new(issuer: String, http: HttpClient, database: Arc<Database>) -> Self {
        Provider {
            issuer,
            http,
            database,
        }
    }

    /// The issuer identifier this provider was configured with.
    pub(crate) fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The discovery document, from cache when fresh.
    pub(crate) async fn metadata(&self) -> Result<ProviderMetadata, IdentityError> {
        if let Some((metadata, _)) = self.cached(Some(METADATA_MAX_AGE_SECS))? {
            return Ok(metadata);
        }
        let url = format!("{}{DISCOVERY_PATH}", self.issuer.trim_end_matches('/'));
        let metadata: ProviderMetadata = self.http.json(self.http.raw().get(url)).await?;
        // OIDC Discovery §4.3: the issuer in the document must be the one we asked.
        if metadata.issuer != self.issuer {
            return Err(IdentityError::ProviderMisconfigured(format!(
                "discovery names issuer {:?}, expected {:?}",
                metadata.issuer, self.issuer
            )));
        }
        if !metadata.code_challenge_methods_supported.is_empty()
            && !metadata
                .code_challenge_methods_supported
                .iter()
                .any(|m| m == PKCE_METHOD_S256)
        {
            return Err(IdentityError::ProviderMisconfigured(
                "provider does not support PKCE S256".into(),
            ));
        }
        let json = serde_json::to_string(&metadata)
            .map_err(|e| IdentityError::Unexpected(e.to_string()))?;
        self.database
            .connection()?
            .execute(
                "INSERT INTO provider_cache (issuer, metadata, jwks, fetched_at)
             VALUES (?1, ?2, NULL, ?3)
             ON CONFLICT(issuer) DO UPDATE SET metadata = ?2, fetched_at = ?3",
                params![self.issuer, json, unix_now()],
            )
            .map_err(crate::store::StoreError::from)?;
        Ok(metadata)
    }

    /// The signing keys: the cached set, or fetched when none is cached or `refetch`.
    pub(crate) async fn keys(&self, refetch: bool) -> Result<JwkSet, IdentityError> {
        if !refetch && let Some((_, Some(keys))) = self.cached(None)? {
            return Ok(keys);
        }
        let metadata = self.metadata().await?;
        let keys: JwkSet = self
            .http
            .json(self.http.raw().get(&metadata.jwks_uri))
            .await?;
        let json =
            serde_json::to_string(&keys).map_err(|e| IdentityError::Unexpected(e.to_string()))?;
        self.database
            .connection()?
            .execute(
                "UPDATE provider_cache SET jwks = ?2 WHERE issuer = ?1",
                params![self.issuer, json],
            )
            .map_err(crate::store::StoreError::from)?;
        Ok(keys)
    }

    fn cached(
        &self,
        max_age_secs: Option<i64>,
    ) -> Result<Option<(ProviderMetadata, Option<JwkSet>)>, IdentityError> {
        let row: Option<(String, Option<String>, i64)> = self
            .database
            .connection()?
            .query_row(
                "SELECT metadata, jwks, fetched_at FROM provider_cache WHERE issuer = ?1",
                params![self.issuer],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()
            .map_err(crate::store::StoreError::from)?;
        let Some((metadata, jwks, fetched_at)) = row else {
            return Ok(None);
        };
        if max_age_secs.is_some_and(|max| unix_now() - fetched_at > max) {
            return Ok(None);
        }
        // A cache row that no longer parses (older app version) is simply refetched.
        let Ok(metadata) = serde_json::from_str(&metadata) else {
            return Ok(None);
        };
        let keys = jwks.and_then(|json| serde_json::from_str(&json).ok());
        Ok(Some((metadata, keys)))
    }
}

pub(crate) use motcua_protocol::time::unix_now;
