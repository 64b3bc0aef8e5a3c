-- Cache of public identity-provider data (discovery document and JWKS), so that
-- a login does not start with two extra round trips on a weak network.

CREATE TABLE provider_cache (
    issuer TEXT PRIMARY KEY NOT NULL,
    metadata TEXT NOT NULL,
    jwks TEXT,
    fetched_at INTEGER NOT NULL
) STRICT;
