//! The portal's SQLite store: opening (pragmas), the numbered migrations, and [`Db`], the
//! shared connection used from blocking tasks only.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

use crate::error::PortalError;

/// Name of the database file inside the data directory.
pub const DB_FILE: &str = "portal.sqlite";

/// Every schema version, oldest first. Never edit an entry that has shipped: append one.
const MIGRATIONS: &[M<'static>] = &[
    M::up(
        r#"
    -- Built-in provider: ES256 signing keys (PKCS#8), one active at a time.
    CREATE TABLE signing_keys (
        kid        TEXT PRIMARY KEY,
        pkcs8      BLOB NOT NULL,
        public_key BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        status     TEXT NOT NULL CHECK (status IN ('active', 'retired', 'removed'))
    ) STRICT;
    CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (status) WHERE status = 'active';

    -- Built-in provider: the citizens one can log in as.
    CREATE TABLE demo_citizens (
        subject     TEXT PRIMARY KEY,
        full_name   TEXT NOT NULL,
        personal_id TEXT NOT NULL,
        birth_date  TEXT NOT NULL,
        address     TEXT NOT NULL,
        level       INTEGER NOT NULL CHECK (level IN (1, 2)),
        position    INTEGER NOT NULL
    ) STRICT;

    -- Built-in provider: authorization requests waiting for the login page.
    CREATE TABLE authorization_requests (
        id             TEXT PRIMARY KEY,
        client_id      TEXT NOT NULL,
        redirect_uri   TEXT NOT NULL,
        scope          TEXT NOT NULL,
        state          TEXT NOT NULL,
        nonce          TEXT NOT NULL,
        code_challenge TEXT NOT NULL,
        acr_values     TEXT,
        created_at     INTEGER NOT NULL,
        expires_at     INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX authorization_requests_expiry ON authorization_requests (expires_at);

    -- Built-in provider: authorization codes, by SHA-256 of the code.
    CREATE TABLE authorization_codes (
        code_hash      BLOB PRIMARY KEY,
        client_id      TEXT NOT NULL,
        redirect_uri   TEXT NOT NULL,
        scope          TEXT NOT NULL,
        code_challenge TEXT NOT NULL,
        nonce          TEXT NOT NULL,
        subject        TEXT NOT NULL,
        acr            TEXT NOT NULL,
        auth_time      INTEGER NOT NULL,
        expires_at     INTEGER NOT NULL,
        used_at        INTEGER
    ) STRICT;
    CREATE INDEX authorization_codes_expiry ON authorization_codes (expires_at);

    -- Built-in provider: access tokens for userinfo, by SHA-256.
    CREATE TABLE provider_access_tokens (
        token_hash BLOB PRIMARY KEY,
        code_hash  BLOB NOT NULL,
        subject    TEXT NOT NULL,
        scope      TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked    INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    CREATE INDEX provider_access_tokens_code ON provider_access_tokens (code_hash);

    -- Portal: citizens known by (issuer, subject).
    CREATE TABLE citizens (
        id             INTEGER PRIMARY KEY,
        issuer         TEXT NOT NULL,
        subject        TEXT NOT NULL,
        full_name      TEXT NOT NULL,
        personal_id    TEXT,
        birth_date     TEXT,
        address        TEXT,
        identity_level INTEGER NOT NULL CHECK (identity_level IN (1, 2)),
        created_at     INTEGER NOT NULL,
        updated_at     INTEGER NOT NULL,
        UNIQUE (issuer, subject)
    ) STRICT;

    -- Portal: sessions and their tokens, by SHA-256.
    CREATE TABLE sessions (
        id             INTEGER PRIMARY KEY,
        citizen_id     INTEGER NOT NULL REFERENCES citizens (id),
        created_at     INTEGER NOT NULL,
        revoked_at     INTEGER,
        revoked_reason TEXT
    ) STRICT;
    CREATE INDEX sessions_citizen ON sessions (citizen_id);

    CREATE TABLE access_tokens (
        token_hash BLOB PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions (id),
        expires_at INTEGER NOT NULL,
        superseded INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    CREATE INDEX access_tokens_session ON access_tokens (session_id);

    CREATE TABLE refresh_tokens (
        token_hash BLOB PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions (id),
        expires_at INTEGER NOT NULL,
        used_at    INTEGER
    ) STRICT;
    CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
    "#,
    ),
    M::up(
        r#"
    -- Attachment uploads (tus). `upload_offset` counts the bytes durably written to
    -- `uploads/<id>.part`; it never exceeds them (the file is synced before it moves).
    -- A complete upload's bytes are the blob `blobs/<sha256[..2]>/<sha256>`.
    CREATE TABLE uploads (
        id            TEXT PRIMARY KEY,
        citizen_id    INTEGER NOT NULL REFERENCES citizens (id),
        length        INTEGER NOT NULL CHECK (length > 0),
        upload_offset INTEGER NOT NULL DEFAULT 0,
        media_type    TEXT NOT NULL,
        file_name     TEXT NOT NULL,
        sha256        TEXT NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('receiving', 'complete', 'failed')),
        created_at    INTEGER NOT NULL,
        completed_at  INTEGER,
        CHECK (upload_offset BETWEEN 0 AND length),
        CHECK (status <> 'complete' OR upload_offset = length)
    ) STRICT;
    CREATE INDEX uploads_citizen ON uploads (citizen_id, status);

    -- Dossiers as submitted. `fields` is the JSON object of form values.
    CREATE TABLE dossiers (
        id             INTEGER PRIMARY KEY,
        code           TEXT NOT NULL UNIQUE,
        citizen_id     INTEGER NOT NULL REFERENCES citizens (id),
        procedure_code TEXT NOT NULL,
        fields         TEXT NOT NULL,
        status         TEXT NOT NULL CHECK (status IN ('submitted')),
        submitted_at   TEXT NOT NULL,
        created_at     INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX dossiers_citizen ON dossiers (citizen_id, id);

    CREATE TABLE dossier_attachments (
        dossier_id  INTEGER NOT NULL REFERENCES dossiers (id),
        position    INTEGER NOT NULL,
        requirement TEXT NOT NULL,
        upload_id   TEXT NOT NULL REFERENCES uploads (id),
        sha256      TEXT NOT NULL,
        size        INTEGER NOT NULL,
        media_type  TEXT NOT NULL,
        file_name   TEXT NOT NULL,
        PRIMARY KEY (dossier_id, position)
    ) STRICT;

    -- The last sequence number of dossier codes per agency and day (YYMMDD, UTC+7).
    CREATE TABLE dossier_sequences (
        agency_code TEXT NOT NULL,
        day         TEXT NOT NULL,
        last        INTEGER NOT NULL,
        PRIMARY KEY (agency_code, day)
    ) STRICT, WITHOUT ROWID;

    -- Answers of successful submissions by (citizen, Idempotency-Key), with the SHA-256 of
    -- the canonical request body they answered.
    CREATE TABLE idempotency_keys (
        citizen_id   INTEGER NOT NULL REFERENCES citizens (id),
        idem_key     TEXT NOT NULL,
        request_hash BLOB NOT NULL,
        status       INTEGER NOT NULL,
        response     TEXT NOT NULL,
        dossier_id   INTEGER NOT NULL REFERENCES dossiers (id),
        created_at   INTEGER NOT NULL,
        PRIMARY KEY (citizen_id, idem_key)
    ) STRICT, WITHOUT ROWID;
    "#,
    ),
];

/// The migration list.
pub(crate) fn migrations() -> Migrations<'static> {
    Migrations::from_slice(MIGRATIONS)
}

/// The database file of a data directory.
pub(crate) fn db_path(data_dir: &Path) -> PathBuf {
    data_dir.join(DB_FILE)
}

/// Opens (creating the directory and file if needed) and migrates the database.
pub(crate) fn open(data_dir: &Path) -> Result<Connection, PortalError> {
    std::fs::create_dir_all(data_dir).map_err(|source| PortalError::Io {
        context: "cannot create the data directory",
        source,
    })?;
    let mut conn = Connection::open(db_path(data_dir))?;
    conn.busy_timeout(Duration::from_secs(5))?;
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(mode, "the database did not switch to WAL mode");
    }
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrations().to_latest(&mut conn)?;
    Ok(conn)
}

/// A blocking task failed (panicked); the detail was logged.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TaskFailed;

/// The shared connection. All work happens in `spawn_blocking`, never on the executor.
#[derive(Clone)]
pub(crate) struct Db {
    conn: Arc<Mutex<Connection>>,
}

impl Db {
    /// Wraps an opened connection.
    pub(crate) fn new(conn: Connection) -> Db {
        Db {
            conn: Arc::new(Mutex::new(conn)),
        }
    }

    /// Runs `work` with the connection on a blocking thread.
    pub(crate) async fn call<R, F>(&self, work: F) -> Result<R, TaskFailed>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> R + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            // A panic elsewhere cannot leave a transaction open (it rolls back on drop), so a
            // poisoned lock still guards a usable connection.
            let mut guard = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            work(&mut guard)
        })
        .await
        .map_err(|error| {
            tracing::error!(%error, "database task failed");
            TaskFailed
        })
    }
}

/// Seconds since the Unix epoch.
pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A duration in seconds as a database offset, saturating.
pub(crate) fn secs(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX / 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(migrations().validate().is_ok());
    }

    #[test]
    fn a_fresh_file_is_created_migrated_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().join("nested").join("data");
        {
            let conn = open(&data_dir).unwrap();
            let version: i64 = conn
                .pragma_query_value(None, "user_version", |row| row.get(0))
                .unwrap();
            assert_eq!(version, MIGRATIONS.len() as i64);
            let fk: i64 = conn
                .pragma_query_value(None, "foreign_keys", |row| row.get(0))
                .unwrap();
            assert_eq!(fk, 1);
            let mode: String = conn
                .pragma_query_value(None, "journal_mode", |row| row.get(0))
                .unwrap();
            assert_eq!(mode.to_ascii_lowercase(), "wal");
            conn.execute(
                "INSERT INTO citizens (issuer, subject, full_name, identity_level, created_at, updated_at)
                 VALUES ('i', 's', 'n', 1, 0, 0)",
                [],
            )
            .unwrap();
        }
        assert!(db_path(&data_dir).is_file());
        let conn = open(&data_dir).unwrap();
        let count: i64 = conn
            .query_row("SELECT count(*) FROM citizens", [], |row| row.get(0))
            .unwrap();
        assert_eq!(count, 1);
    }

    #[test]
    fn foreign_keys_are_enforced() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(dir.path()).unwrap();
        let result = conn.execute(
            "INSERT INTO sessions (citizen_id, created_at) VALUES (999, 0)",
            [],
        );
        assert!(result.is_err());
    }
}
