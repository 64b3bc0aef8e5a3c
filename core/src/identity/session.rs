//! The portal session as kept in secure storage.

use motcua_protocol::api::SessionResponse;
use motcua_protocol::identity::CitizenProfile;
use serde::{Deserialize, Serialize};

/// Refresh this long before the access token expires, so that a request started now does
/// not arrive with an expired token on a slow network.
pub(crate) const REFRESH_MARGIN_SECS: i64 = 60;

/// Tokens and profile of the logged-in citizen. Kept only in [`crate::secure_store`].
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct StoredSession {
    pub(crate) access_token: String,
    pub(crate) access_expires_at: i64,
    pub(crate) refresh_token: String,
    pub(crate) refresh_expires_at: i64,
    pub(crate) citizen: CitizenProfile,
}

impl std::fmt::Debug for StoredSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredSession")
            .field("access_expires_at", &self.access_expires_at)
            .field("refresh_expires_at", &self.refresh_expires_at)
            .finish_non_exhaustive()
    }
}

impl StoredSession {
    pub(crate) fn from_response(response: SessionResponse, now: i64) -> StoredSession {
        StoredSession {
            access_expires_at: now + response.expires_in as i64,
            refresh_expires_at: now + response.refresh_expires_in as i64,
            access_token: response.access_token,
            refresh_token: response.refresh_token,
            citizen: response.citizen,
        }
    }

    /// Whether the access token should be refreshed before use.
    pub(crate) fn needs_refresh(&self, now: i64) -> bool {
        self.access_expires_at - now <= REFRESH_MARGIN_SECS
    }
}
