//! The portal's SQLite store: opening (pragmas), the numbered migrations, and [`Db`], the
//! shared connection used from blocking tasks only.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

use crate::DataLocation;
use crate::error::PortalError;
use crate::keystore::{KEYS_FILE, KeyStore, Purpose};
use crate::private_files;

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
    // Rebuilds `dossiers` (SQLite cannot change a CHECK), so it runs with foreign keys off
    // (see `open`) and checks them before committing.
    M::up(
        r#"
    -- The dossier lifecycle (motcua_protocol::lifecycle): every status, the desk's dates
    -- and the processing clock. Dates are `YYYY-MM-DD` in Vietnam, times RFC 3339 +07:00.
    CREATE TABLE dossiers_v3 (
        id                  INTEGER PRIMARY KEY,
        code                TEXT NOT NULL UNIQUE,
        citizen_id          INTEGER NOT NULL REFERENCES citizens (id),
        procedure_code      TEXT NOT NULL,
        fields              TEXT NOT NULL,
        status              TEXT NOT NULL CHECK (status IN ('submitted', 'received',
                                'not_accepted', 'processing', 'supplement_requested',
                                'payment_requested', 'withdrawal_requested', 'stopped',
                                'result_ready', 'returned', 'withdrawn', 'rejected')),
        submitted_at        TEXT NOT NULL,
        created_at          INTEGER NOT NULL,
        -- When the desk accepted it.
        received_at         TEXT,
        -- The date to come back; moved later by the working days the clock was paused.
        appointment_date    TEXT,
        supplement_requests INTEGER NOT NULL DEFAULT 0 CHECK (supplement_requests >= 0),
        -- The day the clock was paused, while waiting for the citizen's supplement.
        paused_since        TEXT,
        -- The end of processing for the overdue rules (result ready, rejected, stopped,
        -- withdrawal requested; the pause day if it ended while paused).
        ended_on            TEXT,
        updated_at          INTEGER NOT NULL
    ) STRICT;
    INSERT INTO dossiers_v3
        (id, code, citizen_id, procedure_code, fields, status, submitted_at, created_at, updated_at)
        SELECT id, code, citizen_id, procedure_code, fields, status, submitted_at, created_at,
               created_at
        FROM dossiers;
    DROP TABLE dossiers;
    ALTER TABLE dossiers_v3 RENAME TO dossiers;
    CREATE INDEX dossiers_citizen ON dossiers (citizen_id, id);
    CREATE INDEX dossiers_status ON dossiers (status, id);

    -- Every status change (the timeline). `seq` is the sync cursor: it only grows
    -- (AUTOINCREMENT never reuses a number). Append-only.
    CREATE TABLE dossier_events (
        seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
        dossier_id          INTEGER NOT NULL REFERENCES dossiers (id),
        citizen_id          INTEGER NOT NULL REFERENCES citizens (id),
        at                  TEXT NOT NULL,
        status              TEXT NOT NULL,
        from_status         TEXT,
        action              TEXT,
        actor_role          TEXT NOT NULL
                                CHECK (actor_role IN ('citizen', 'reception', 'specialist', 'system')),
        note                TEXT,
        reason              TEXT,
        -- JSON array of the items a supplement request asks for.
        missing             TEXT,
        clock               TEXT CHECK (clock IN ('started', 'paused', 'resumed', 'stopped')),
        paused_working_days INTEGER,
        appointment_date    TEXT
    ) STRICT;
    CREATE INDEX dossier_events_dossier ON dossier_events (dossier_id, seq);
    CREATE INDEX dossier_events_citizen ON dossier_events (citizen_id, seq);
    CREATE TRIGGER dossier_events_no_update BEFORE UPDATE ON dossier_events
        BEGIN SELECT RAISE(ABORT, 'dossier_events is append-only'); END;
    CREATE TRIGGER dossier_events_no_delete BEFORE DELETE ON dossier_events
        BEGIN SELECT RAISE(ABORT, 'dossier_events is append-only'); END;
    INSERT INTO dossier_events (dossier_id, citizen_id, at, status, actor_role)
        SELECT id, citizen_id, submitted_at, status, 'citizen' FROM dossiers ORDER BY id;

    -- Desk staff. Passwords: PBKDF2-HMAC-SHA256 with a per-account salt.
    CREATE TABLE staff (
        id                  INTEGER PRIMARY KEY,
        username            TEXT NOT NULL UNIQUE,
        full_name           TEXT NOT NULL,
        role                TEXT NOT NULL CHECK (role IN ('reception', 'specialist')),
        password_salt       BLOB NOT NULL,
        password_hash       BLOB NOT NULL,
        password_iterations INTEGER NOT NULL CHECK (password_iterations > 0),
        -- A demo account seeded for development (`--no-demo-staff` disables them).
        demo                INTEGER NOT NULL DEFAULT 0,
        created_at          INTEGER NOT NULL,
        disabled_at         INTEGER
    ) STRICT;

    -- Staff sessions: one bearer token each, by SHA-256.
    CREATE TABLE staff_sessions (
        id         INTEGER PRIMARY KEY,
        token_hash BLOB NOT NULL UNIQUE,
        staff_id   INTEGER NOT NULL REFERENCES staff (id),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER
    ) STRICT;
    CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id);

    -- Who did what to which dossier, applied or refused. Append-only.
    CREATE TABLE audit_log (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        at          TEXT NOT NULL,
        at_unix     INTEGER NOT NULL,
        actor_kind  TEXT NOT NULL CHECK (actor_kind IN ('staff', 'citizen', 'system')),
        -- staff.id or citizens.id (NULL for the system).
        actor_id    INTEGER,
        role        TEXT NOT NULL,
        dossier_id  INTEGER NOT NULL REFERENCES dossiers (id),
        -- An action of motcua_protocol::lifecycle::ActionKind, or `submit`.
        action      TEXT NOT NULL,
        from_status TEXT NOT NULL,
        -- NULL when refused.
        to_status   TEXT,
        -- `applied`, or the refusal's code (`illegal_transition`, `role_not_allowed`, …).
        outcome     TEXT NOT NULL,
        event_seq   INTEGER REFERENCES dossier_events (seq)
    ) STRICT;
    CREATE INDEX audit_log_dossier ON audit_log (dossier_id, id);
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

    -- Answers of the citizen's lifecycle actions (supplement, withdrawal) by
    -- (citizen, Idempotency-Key), like `idempotency_keys` for submissions.
    CREATE TABLE action_keys (
        citizen_id   INTEGER NOT NULL REFERENCES citizens (id),
        idem_key     TEXT NOT NULL,
        action       TEXT NOT NULL,
        dossier_id   INTEGER NOT NULL REFERENCES dossiers (id),
        request_hash BLOB NOT NULL,
        response     TEXT NOT NULL,
        created_at   INTEGER NOT NULL,
        PRIMARY KEY (citizen_id, idem_key)
    ) STRICT, WITHOUT ROWID;
    "#,
    )
    .foreign_key_check(),
    M::up(
        r#"
    -- Receipt-signing keys (Ed25519, PKCS#8; motcua_protocol::receipt). One active key
    -- signs; a rotation retires it (`not_after`), a revocation marks it (`revoked_at`).
    -- All of them are published in the trust list, signed by the province root key.
    CREATE TABLE receipt_keys (
        kid        TEXT PRIMARY KEY,
        pkcs8      BLOB NOT NULL,
        public_key BLOB NOT NULL CHECK (length(public_key) = 32),
        not_before INTEGER NOT NULL,
        not_after  INTEGER,
        revoked_at INTEGER,
        active     INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1))
    ) STRICT;
    CREATE UNIQUE INDEX receipt_keys_one_active ON receipt_keys (active) WHERE active = 1;

    -- The trust list's sequence: grows with every change of `receipt_keys`.
    CREATE TABLE receipt_trust_list (
        id       INTEGER PRIMARY KEY CHECK (id = 1),
        sequence INTEGER NOT NULL
    ) STRICT;

    -- The receipt issued when the desk accepted a dossier (the QR text, `MC1:`…).
    CREATE TABLE receipts (
        dossier_id INTEGER PRIMARY KEY REFERENCES dossiers (id),
        kid        TEXT NOT NULL REFERENCES receipt_keys (kid),
        text       TEXT NOT NULL,
        issued_at  INTEGER NOT NULL
    ) STRICT;
    "#,
    ),
    M::up(
        r#"
    -- The refresh token that replaced this one (its hash): a client whose answer to a
    -- refresh was lost still holds this one and may retry with it while the replacement
    -- was never used (session::refresh_session).
    ALTER TABLE refresh_tokens ADD COLUMN replaced_by BLOB;
    "#,
    ),
    M::up(
        r#"
    -- The ID tokens that opened a session (the SHA-256 of their signing input, the part
    -- the signature covers, so a re-encoded signature is the same token), kept until the
    -- token could no longer be accepted anyway: one session per ID token.
    CREATE TABLE used_id_tokens (
        digest     BLOB PRIMARY KEY CHECK (length(digest) = 32),
        expires_at INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX used_id_tokens_by_expiry ON used_id_tokens (expires_at);
    "#,
    ),
    M::up(
        r#"
    -- When an upload last made progress (creation, a PATCH, its last byte): one that no
    -- dossier references expires a configured time after it (uploads::UploadPolicy).
    ALTER TABLE uploads ADD COLUMN touched_at INTEGER NOT NULL DEFAULT 0;
    UPDATE uploads SET touched_at = COALESCE(completed_at, created_at);
    -- Blobs are shared by digest: one goes when no upload of its digest is left.
    CREATE INDEX uploads_sha256 ON uploads (sha256);
    -- Whether a dossier references an upload (quotas, expiry, termination).
    CREATE INDEX dossier_attachments_upload ON dossier_attachments (upload_id);
    "#,
    ),
    M::up(
        r#"
    -- The private halves of the signing keys live in the key store (keys.sqlite,
    -- keystore.rs) from now on: `open` copied the signing ones there before this ran.
    -- Retired keys only verify, so their private halves are gone for good.
    ALTER TABLE signing_keys DROP COLUMN pkcs8;
    ALTER TABLE receipt_keys DROP COLUMN pkcs8;
    -- Set once the file was rewritten without the removed key bytes (`scrub_moved_keys`);
    -- a crash between this migration and the rewrite leaves it unset, so the next start
    -- rewrites the file then.
    CREATE TABLE private_keys_moved (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        scrubbed_at INTEGER
    ) STRICT;
    INSERT INTO private_keys_moved (id) VALUES (1);
    "#,
    ),
    M::up(
        r#"
    -- Filing on behalf of someone else (motcua_protocol::on_behalf), recorded: the person
    -- and the basis as JSON on the dossier (the desk view) and on its submission event
    -- (the history). NULL for a dossier the citizen filed for themselves, and for every
    -- dossier filed before this existed.
    ALTER TABLE dossiers ADD COLUMN on_behalf_of TEXT;
    ALTER TABLE dossier_events ADD COLUMN on_behalf_of TEXT;
    "#,
    ),
    M::up(
        r#"
    -- Every catalog version published (decision record 0006): each procedure's detail
    -- version, so that a phone holding an earlier version (or the catalog shipped in its
    -- app) gets only what changed since (`GET /api/v1/catalog/summary?since=`).
    CREATE TABLE catalog_versions (
        version            TEXT PRIMARY KEY,
        aliases_digest     TEXT NOT NULL,
        first_published_at INTEGER NOT NULL,
        last_published_at  INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE catalog_version_procedures (
        version TEXT NOT NULL REFERENCES catalog_versions (version) ON DELETE CASCADE,
        code    TEXT NOT NULL,
        detail  TEXT NOT NULL,
        PRIMARY KEY (version, code)
    ) STRICT;
    "#,
    ),
    // Fee payments (decision record 0007): payment requests and the intermediary's
    // transactions, paid or held for the desk. Its own file, which never changes once
    // shipped, like every entry here.
    M::up(include_str!("payments/schema.sql")),
    // The order rows were made in, as a column both engines have (SQLite's implicit rowid
    // is not PostgreSQL's): the tie-breaker of keys made, and catalogs published, within
    // one second. Set by every insert to one more than the table's highest, inside the
    // writing transaction (decision record 0009); numbered here in rowid order.
    M::up(
        r#"
    ALTER TABLE signing_keys ADD COLUMN ordinal INTEGER NOT NULL DEFAULT 0;
    UPDATE signing_keys SET ordinal = rowid;
    ALTER TABLE receipt_keys ADD COLUMN ordinal INTEGER NOT NULL DEFAULT 0;
    UPDATE receipt_keys SET ordinal = rowid;
    ALTER TABLE catalog_versions ADD COLUMN ordinal INTEGER NOT NULL DEFAULT 0;
    UPDATE catalog_versions SET ordinal = rowid;
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

/// Opens (creating the directory and file if needed, both private: see
/// [`crate::private_files`]) and migrates the database. Before the migration that removes
/// the private keys from this file, copies the signing ones into the key store, and after
/// it rewrites the file so that their bytes are gone.
pub(crate) fn open(data_dir: &Path) -> Result<crate::store::sql::Connection, PortalError> {
    open_sqlite(data_dir).map(crate::store::sql::Connection::sqlite)
}

/// [`open`], as rusqlite's connection (for the migration tests and SQLite's own upkeep).
pub(crate) fn open_sqlite(data_dir: &Path) -> Result<Connection, PortalError> {
    private_files::prepare_data_dir(data_dir)?;
    let path = db_path(data_dir);
    // SQLite keeps an existing file's mode and gives `-wal` and `-shm` the main file's.
    private_files::create_empty(&path)?;
    for sidecar in ["-wal", "-shm"] {
        private_files::tighten(
            &data_dir.join(format!("{DB_FILE}{sidecar}")),
            private_files::FILE_MODE,
        )?;
    }
    let mut conn = Connection::open(&path)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(mode, "the database did not switch to WAL mode");
    }
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // Migrations that rebuild a table need foreign keys off (SQLite's "other kinds of
    // table schema changes"); each such migration checks them before it commits.
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    copy_private_keys(&conn, data_dir)?;
    migrations().to_latest(&mut conn)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    scrub_moved_keys(&conn)?;
    Ok(conn)
}

/// The tables that held private keys before the key store, with the key store's purpose
/// and the condition of the key that signs.
const KEY_TABLES: [(&str, Purpose, &str); 2] = [
    ("signing_keys", Purpose::IdToken, "status = 'active'"),
    ("receipt_keys", Purpose::Receipt, "active = 1"),
];

/// Copies the private halves of the signing keys of a database from before the key store
/// into it (retired keys only verify: theirs are dropped with the column). Committed
/// before the migration drops them here, so a crash in between loses nothing; copying
/// again is harmless.
fn copy_private_keys(conn: &Connection, data_dir: &Path) -> Result<(), PortalError> {
    let mut store = None;
    for (table, purpose, signing) in KEY_TABLES {
        let legacy: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM pragma_table_info(?1) WHERE name = 'pkcs8')",
            [table],
            |row| row.get(0),
        )?;
        if !legacy {
            continue;
        }
        let rows: Vec<(String, Vec<u8>)> = conn
            .prepare(&format!("SELECT kid, pkcs8 FROM {table} WHERE {signing}"))?
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if rows.is_empty() {
            continue;
        }
        let store = match &mut store {
            Some(store) => store,
            None => store.insert(KeyStore::open(data_dir)?),
        };
        for (kid, pkcs8) in &rows {
            store.put(purpose, kid, pkcs8)?;
        }
        tracing::info!(
            keys = rows.len(),
            table,
            file = KEYS_FILE,
            "moved private keys out of the main database into the key store"
        );
    }
    Ok(())
}

/// Rewrites the main file once after the private keys left it (VACUUM, with the
/// write-ahead log emptied before and after), so that their bytes are not left in free
/// pages or old log frames.
fn scrub_moved_keys(conn: &Connection) -> Result<(), PortalError> {
    let pending: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM private_keys_moved WHERE scrubbed_at IS NULL)",
        [],
        |row| row.get(0),
    )?;
    if !pending {
        return Ok(());
    }
    let checkpoint = |conn: &Connection| -> rusqlite::Result<bool> {
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
            Ok(row.get::<_, i64>(0)? == 0)
        })
    };
    checkpoint(conn)?;
    conn.execute_batch("VACUUM")?;
    conn.execute("UPDATE private_keys_moved SET scrubbed_at = ?1", [now()])?;
    if !checkpoint(conn)? {
        // Another connection reads: the log is emptied at a later checkpoint instead.
        tracing::warn!("the write-ahead log could not be emptied after removing the keys");
    }
    Ok(())
}

/// A blocking task failed (panicked); the detail was logged.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TaskFailed;

/// The portal's store, on either engine (decision 0009). All work happens in
/// `spawn_blocking`, never on the executor: on SQLite with the one shared connection, on
/// PostgreSQL with a connection from the pool (waited for on the executor first, so that
/// no blocking thread sits waiting for the pool).
#[derive(Clone)]
pub(crate) struct Db {
    engine: Engine,
}

#[derive(Clone)]
enum Engine {
    Sqlite(Arc<Mutex<crate::store::sql::Connection>>),
    Postgres(deadpool_postgres::Pool),
}

impl Db {
    /// Wraps an opened SQLite connection.
    pub(crate) fn new(conn: crate::store::sql::Connection) -> Db {
        Db {
            engine: Engine::Sqlite(Arc::new(Mutex::new(conn))),
        }
    }

    /// A store on a PostgreSQL pool (migrated by [`crate::store::postgres::migrate`]).
    pub(crate) fn postgres(pool: deadpool_postgres::Pool) -> Db {
        Db {
            engine: Engine::Postgres(pool),
        }
    }

    /// Opens the store of `at` and brings its schema up to date: the SQLite file of the
    /// data directory, or the PostgreSQL database with a pool of at most `connections`.
    pub(crate) async fn connect(at: &DataLocation, connections: usize) -> Result<Db, PortalError> {
        match &at.database {
            None => {
                let data_dir = at.data_dir.clone();
                tokio::task::spawn_blocking(move || open(&data_dir).map(Db::new))
                    .await
                    .map_err(|error| PortalError::Task(error.to_string()))?
            }
            Some(url) => {
                // The data directory still holds the attachments and the keys.
                private_files::prepare_data_dir(&at.data_dir)?;
                let pool = crate::store::postgres::pool(url, connections)?;
                crate::store::postgres::migrate(&pool).await?;
                Ok(Db::postgres(pool))
            }
        }
    }

    /// [`Db::call`] for work that returns the portal's errors, a failed task among them.
    pub(crate) async fn run<R, F>(&self, what: &'static str, work: F) -> Result<R, PortalError>
    where
        R: Send + 'static,
        F: FnOnce(&mut crate::store::sql::Connection) -> Result<R, PortalError> + Send + 'static,
    {
        self.call(work)
            .await
            .map_err(|_| PortalError::Task(format!("{what} failed")))?
    }

    /// Which engine, for the log and the status page: `sqlite` or `postgres`.
    pub(crate) fn engine_name(&self) -> &'static str {
        match self.engine {
            Engine::Sqlite(_) => "sqlite",
            Engine::Postgres(_) => "postgres",
        }
    }

    /// Runs `work` with a connection on a blocking thread.
    pub(crate) async fn call<R, F>(&self, work: F) -> Result<R, TaskFailed>
    where
        R: Send + 'static,
        F: FnOnce(&mut crate::store::sql::Connection) -> R + Send + 'static,
    {
        let joined = match &self.engine {
            Engine::Sqlite(conn) => {
                let conn = Arc::clone(conn);
                tokio::task::spawn_blocking(move || {
                    // A panic elsewhere cannot leave a transaction open (it rolls back on
                    // drop), so a poisoned lock still guards a usable connection.
                    let mut guard = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                    work(&mut guard)
                })
                .await
            }
            Engine::Postgres(pool) => {
                let client = pool.get().await.map_err(|error| {
                    tracing::error!(%error, "no PostgreSQL connection");
                    TaskFailed
                })?;
                let runtime = tokio::runtime::Handle::current();
                tokio::task::spawn_blocking(move || {
                    let mut conn = crate::store::sql::Connection::postgres(client, runtime);
                    work(&mut conn)
                })
                .await
            }
        };
        joined.map_err(|error| {
            tracing::error!(%error, "database task failed");
            TaskFailed
        })
    }
}

/// Seconds since the Unix epoch.
pub(crate) use motcua_protocol::time::unix_now as now;

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
            let conn = open_sqlite(&data_dir).unwrap();
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
        let conn = open_sqlite(&data_dir).unwrap();
        let count: i64 = conn
            .query_row("SELECT count(*) FROM citizens", [], |row| row.get(0))
            .unwrap();
        assert_eq!(count, 1);
    }

    /// A database of every earlier version, with a dossier, upgrades to the latest: the
    /// dossier keeps its rows and gets its submission event.
    #[test]
    fn every_old_version_upgrades_with_its_data() {
        for version in 2..MIGRATIONS.len() {
            let dir = tempfile::tempdir().unwrap();
            {
                let mut conn = Connection::open(db_path(dir.path())).unwrap();
                migrations().to_version(&mut conn, version).unwrap();
                // Version 3 rebuilt `dossiers` with a required `updated_at`.
                let (updated_column, updated_value) = if version >= 3 {
                    (", updated_at", ", 0")
                } else {
                    ("", "")
                };
                conn.execute_batch(&format!(
                    "INSERT INTO citizens (id, issuer, subject, full_name, identity_level,
                                           created_at, updated_at)
                     VALUES (1, 'i', 's', 'n', 2, 0, 0);
                     INSERT INTO uploads (id, citizen_id, length, upload_offset, media_type,
                                          file_name, sha256, status, created_at)
                     VALUES ('u1', 1, 3, 3, 'application/pdf', 'a.pdf', 'ab', 'complete', 0);
                     INSERT INTO dossiers (id, code, citizen_id, procedure_code, fields, status,
                                           submitted_at, created_at{updated_column})
                     VALUES (7, 'X-250101-0001', 1, '1.000001', '{{}}', 'submitted',
                             '2025-01-01T08:00:00+07:00', 0{updated_value});
                     INSERT INTO dossier_attachments (dossier_id, position, requirement,
                         upload_id, sha256, size, media_type, file_name)
                     VALUES (7, 0, 'r', 'u1', 'ab', 3, 'application/pdf', 'a.pdf');
                     INSERT INTO idempotency_keys (citizen_id, idem_key, request_hash, status,
                         response, dossier_id, created_at)
                     VALUES (1, 'k', x'00', 201, '{{}}', 7, 0);"
                ))
                .unwrap();
                if version >= 3 {
                    // The rebuild wrote the submission event; version 3 has its own.
                    conn.execute(
                        "INSERT INTO dossier_events (dossier_id, citizen_id, at, status, actor_role)
                         VALUES (7, 1, '2025-01-01T08:00:00+07:00', 'submitted', 'citizen')",
                        [],
                    )
                    .unwrap();
                }
            }
            let conn = open_sqlite(dir.path()).unwrap();
            let (status, updated_at): (String, i64) = conn
                .query_row(
                    "SELECT status, updated_at FROM dossiers WHERE id = 7",
                    [],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .unwrap();
            assert_eq!((status.as_str(), updated_at), ("submitted", 0));
            let (seq, at, actor): (i64, String, String) = conn
                .query_row(
                    "SELECT seq, at, actor_role FROM dossier_events WHERE dossier_id = 7",
                    [],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
                )
                .unwrap();
            assert_eq!(
                (seq, at.as_str(), actor.as_str()),
                (1, "2025-01-01T08:00:00+07:00", "citizen")
            );
            let attachments: i64 = conn
                .query_row("SELECT count(*) FROM dossier_attachments", [], |row| {
                    row.get(0)
                })
                .unwrap();
            assert_eq!(attachments, 1);
            // The rebuilt table is still referenced, and foreign keys are on again.
            assert!(
                conn.execute(
                    "INSERT INTO dossier_attachments (dossier_id, position, requirement,
                         upload_id, sha256, size, media_type, file_name)
                     VALUES (99, 0, 'r', 'u1', 'ab', 3, 'application/pdf', 'a.pdf')",
                    [],
                )
                .is_err()
            );
            assert!(
                conn.execute("UPDATE dossiers SET status = 'bogus' WHERE id = 7", [])
                    .is_err()
            );
        }
    }

    /// A database from before the key store, with an active and a retired key of each
    /// kind: the active ones move to the key store, the retired ones are dropped, and no
    /// key byte stays in the main file or its log.
    #[test]
    fn private_keys_move_to_the_key_store_and_leave_no_bytes_behind() {
        let before = MIGRATIONS
            .iter()
            .position(|m| format!("{m:?}").contains("DROP COLUMN pkcs8"))
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let secrets: Vec<Vec<u8>> = (0xa1..=0xa4u8).map(|b| vec![b; 64]).collect();
        {
            let mut conn = Connection::open(db_path(dir.path())).unwrap();
            conn.pragma_update(None, "journal_mode", "WAL").unwrap();
            migrations().to_version(&mut conn, before).unwrap();
            conn.execute(
                "INSERT INTO signing_keys (kid, pkcs8, public_key, created_at, status)
                 VALUES ('s1', ?1, x'04', 1, 'retired'), ('s2', ?2, x'04', 2, 'active')",
                [&secrets[0], &secrets[1]],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO receipt_keys (kid, pkcs8, public_key, not_before, active)
                 VALUES ('r1', ?1, zeroblob(32), 1, 0), ('r2', ?2, zeroblob(32), 2, 1)",
                [&secrets[2], &secrets[3]],
            )
            .unwrap();
        }
        drop(open_sqlite(dir.path()).unwrap());
        let keys = KeyStore::open(dir.path()).unwrap();
        assert_eq!(
            keys.get(Purpose::IdToken, "s2").unwrap(),
            Some(secrets[1].clone())
        );
        assert_eq!(
            keys.get(Purpose::Receipt, "r2").unwrap(),
            Some(secrets[3].clone())
        );
        assert_eq!(keys.get(Purpose::IdToken, "s1").unwrap(), None);
        assert_eq!(keys.get(Purpose::Receipt, "r1").unwrap(), None);
        for file in [DB_FILE.to_owned(), format!("{DB_FILE}-wal")] {
            let bytes = std::fs::read(dir.path().join(&file)).unwrap_or_default();
            for secret in &secrets {
                assert!(
                    !bytes.windows(secret.len()).any(|w| w == &secret[..]),
                    "{file} still holds {:02x}",
                    secret[0]
                );
            }
        }
    }

    #[test]
    fn events_and_audit_rows_cannot_be_changed() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open_sqlite(dir.path()).unwrap();
        conn.execute_batch(
            "INSERT INTO citizens (id, issuer, subject, full_name, identity_level, created_at,
                                   updated_at)
             VALUES (1, 'i', 's', 'n', 2, 0, 0);
             INSERT INTO dossiers (id, code, citizen_id, procedure_code, fields, status,
                                   submitted_at, created_at, updated_at)
             VALUES (1, 'X', 1, 'p', '{}', 'submitted', 't', 0, 0);
             INSERT INTO dossier_events (dossier_id, citizen_id, at, status, actor_role)
             VALUES (1, 1, 't', 'submitted', 'citizen');
             INSERT INTO audit_log (at, at_unix, actor_kind, actor_id, role, dossier_id, action,
                                    from_status, to_status, outcome, event_seq)
             VALUES ('t', 0, 'citizen', 1, 'citizen', 1, 'submit', 'submitted', 'submitted',
                     'applied', 1);",
        )
        .unwrap();
        for statement in [
            "UPDATE dossier_events SET status = 'returned'",
            "DELETE FROM dossier_events",
            "UPDATE audit_log SET outcome = 'x'",
            "DELETE FROM audit_log",
        ] {
            let error = conn.execute(statement, []).unwrap_err();
            assert!(
                error.to_string().contains("append-only"),
                "{statement}: {error}"
            );
        }
    }

    #[test]
    fn foreign_keys_are_enforced() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open_sqlite(dir.path()).unwrap();
        let result = conn.execute(
            "INSERT INTO sessions (citizen_id, created_at) VALUES (999, 0)",
            [],
        );
        assert!(result.is_err());
    }
}
