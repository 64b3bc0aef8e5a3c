//! The identity provider as the client sees it: its discovery document and signing keys,
//! cached in the profile database, the keys refetched when a token names an unknown `kid`.

use std::sync::Arc;

use motcua_protocol::jose::JwkSet;
use motcua_protocol::oidc::{DISCOVERY_PATH, PKCE_METHOD_S256, ProviderMetadata};

use super::IdentityError;
use crate::http::HttpClient;
use crate::store::{Database, provider_cache};

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
        if let Some((metadata, _)) = self.cached(Some(METADATA_MAX_AGE_SECS)).await? {
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
        let (issuer, fetched_at) = (self.issuer.clone(), unix_now());
        self.database
            .blocking(move |database| {
                provider_cache::save_metadata(database, &issuer, &json, fetched_at)
            })
            .await?;
        Ok(metadata)
    }

    /// The signing keys: the cached set, or fetched when none is cached or `refetch`.
    pub(crate) async fn keys(&self, refetch: bool) -> Result<JwkSet, IdentityError> {
        if !refetch && let Some((_, Some(keys))) = self.cached(None).await? {
            return Ok(keys);
        }
        let metadata = self.metadata().await?;
        let keys: JwkSet = self
            .http
            .json(self.http.raw().get(&metadata.jwks_uri))
            .await?;
        let json =
            serde_json::to_string(&keys).map_err(|e| IdentityError::Unexpected(e.to_string()))?;
        let issuer = self.issuer.clone();
        self.database
            .blocking(move |database| provider_cache::save_keys(database, &issuer, &json))
            .await?;
        Ok(keys)
    }

    /// The cached document and keys of the issuer; `None` when none is cached, when the
    /// document is older than `max_age_secs`, or when it no longer parses.
    async fn cached(
        &self,
        max_age_secs: Option<i64>,
    ) -> Result<Option<(ProviderMetadata, Option<JwkSet>)>, IdentityError> {
        let issuer = self.issuer.clone();
        let row = self
            .database
            .blocking(move |database| provider_cache::cached(database, &issuer))
            .await?;
        let Some(provider_cache::CachedProvider {
            metadata,
            jwks,
            fetched_at,
        }) = row
        else {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secure_store::MemorySecureStore;

    const ISSUER: &str = "http://127.0.0.1:9/idp";

    /// A provider over a temporary store whose issuer nothing answers at: whatever it
    /// returns came from the cache.
    fn provider(dir: &std::path::Path) -> Provider {
        let database = Database::open(dir, Arc::new(MemorySecureStore::new())).unwrap();
        Provider::new(
            ISSUER.into(),
            HttpClient::new().unwrap(),
            Arc::new(database),
        )
    }

    fn metadata_json() -> String {
        serde_json::json!({
            "issuer": ISSUER,
            "authorization_endpoint": format!("{ISSUER}/authorize"),
            "token_endpoint": format!("{ISSUER}/token"),
            "jwks_uri": format!("{ISSUER}/jwks"),
        })
        .to_string()
    }

    #[tokio::test]
    async fn a_fresh_cached_document_and_its_keys_are_served_without_the_network() {
        let dir = tempfile::tempdir().unwrap();
        let provider = provider(dir.path());
        assert!(matches!(
            provider.metadata().await,
            Err(IdentityError::Network(_))
        ));
        provider_cache::save_metadata(&provider.database, ISSUER, &metadata_json(), unix_now())
            .unwrap();
        provider_cache::save_keys(&provider.database, ISSUER, r#"{"keys":[]}"#).unwrap();
        assert_eq!(provider.metadata().await.unwrap().issuer, ISSUER);
        assert!(provider.keys(false).await.unwrap().keys.is_empty());
        // A key set is refetched on demand, even when one is cached.
        assert!(provider.keys(true).await.is_err());
    }

    #[tokio::test]
    async fn a_stale_document_is_fetched_again_but_its_keys_stay_usable() {
        let dir = tempfile::tempdir().unwrap();
        let provider = provider(dir.path());
        let two_days_ago = unix_now() - 2 * 24 * 3600;
        provider_cache::save_metadata(&provider.database, ISSUER, &metadata_json(), two_days_ago)
            .unwrap();
        provider_cache::save_keys(&provider.database, ISSUER, r#"{"keys":[]}"#).unwrap();
        assert!(
            provider
                .cached(Some(METADATA_MAX_AGE_SECS))
                .await
                .unwrap()
                .is_none()
        );
        assert!(matches!(
            provider.metadata().await,
            Err(IdentityError::Network(_))
        ));
        assert!(provider.keys(false).await.is_ok());
    }

    #[tokio::test]
    async fn a_row_that_no_longer_parses_counts_as_none() {
        let dir = tempfile::tempdir().unwrap();
        let provider = provider(dir.path());
        provider_cache::save_metadata(&provider.database, ISSUER, "{\"old\":1}", unix_now())
            .unwrap();
        assert!(provider.cached(None).await.unwrap().is_none());
        // Keys that no longer parse are dropped, the document is kept.
        provider_cache::save_metadata(&provider.database, ISSUER, &metadata_json(), unix_now())
            .unwrap();
        provider_cache::save_keys(&provider.database, ISSUER, "[1]").unwrap();
        let (_, keys) = provider.cached(None).await.unwrap().unwrap();
        assert!(keys.is_none());
    }

    #[test]
    fn storing_a_new_document_keeps_the_cached_keys() {
        let dir = tempfile::tempdir().unwrap();
        let provider = provider(dir.path());
        let database = &provider.database;
        provider_cache::save_metadata(database, ISSUER, "{}", 1).unwrap();
        provider_cache::save_keys(database, ISSUER, "keys").unwrap();
        provider_cache::save_metadata(database, ISSUER, "{\"new\":1}", 2).unwrap();
        let row = provider_cache::cached(database, ISSUER).unwrap().unwrap();
        assert_eq!(
            (row.metadata.as_str(), row.jwks.as_deref(), row.fetched_at),
            ("{\"new\":1}", Some("keys"), 2)
        );
        assert!(provider_cache::cached(database, "other").unwrap().is_none());
    }
}
