//! The PostgreSQL engine: a connection pool (deadpool-postgres over tokio-postgres) and the
//! numbered migrations of `portal/migrations/postgres/`, applied in one transaction under
//! an advisory lock, so that two portal processes starting at once on one database apply
//! each migration exactly once and neither serves before the schema is whole.

use deadpool_postgres::{Config, Pool, PoolConfig, Runtime};
use tokio_postgres::NoTls;

/// Every PostgreSQL migration, oldest first: its number, name and SQL. Never edit one that
/// has shipped: append one.
const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "schema",
        sql: include_str!("../../migrations/postgres/0001_schema.sql"),
    },
    Migration {
        version: 2,
        name: "ordinal",
        sql: include_str!("../../migrations/postgres/0002_ordinal.sql"),
    },
];

/// One numbered migration.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// Its number (`0001_…` is 1).
    pub version: i64,
    /// Its name, recorded with it.
    pub name: &'static str,
    /// The statements.
    pub sql: &'static str,
}

/// The key of the advisory lock the migrations run under: any fixed number; this one is
/// "motcua" in ASCII, so that an operator reading `pg_locks` can tell whose it is.
const MIGRATION_LOCK: i64 = 0x6d6f_7463_7561;

/// Why the PostgreSQL store could not be opened or migrated.
#[derive(Debug, thiserror::Error)]
pub enum PostgresError {
    /// The `--database` URL is not one PostgreSQL's client understands.
    #[error("the database URL is not a PostgreSQL connection string: {0}")]
    BadUrl(String),
    /// No connection could be taken from the pool (the server is down, refused the login).
    #[error("no connection to PostgreSQL: {0}")]
    Unavailable(String),
    /// A statement failed.
    #[error("PostgreSQL: {0}")]
    Query(#[from] tokio_postgres::Error),
    /// The database was migrated by a newer portal: this one would not know its tables.
    #[error("the database has schema version {found}; this portal knows up to {known}")]
    NewerSchema {
        /// The highest version recorded in the database.
        found: i64,
        /// The highest version this build has.
        known: i64,
    },
}

/// A pool of at most `max_connections` connections to the database at `url`
/// (`postgres://user@host:port/db`); no connection is made until one is needed.
pub fn pool(url: &str, max_connections: usize) -> Result<Pool, PostgresError> {
    // Parsed here, so that a typo is a clear error at start instead of at the first query.
    url.parse::<tokio_postgres::Config>()
        .map_err(|error| PostgresError::BadUrl(error.to_string()))?;
    let mut config = Config::new();
    config.url = Some(url.to_owned());
    config.pool = Some(PoolConfig::new(max_connections.max(1)));
    config
        .create_pool(Some(Runtime::Tokio1), NoTls)
        .map_err(|error| PostgresError::BadUrl(error.to_string()))
}

/// Brings the database to the latest schema; the versions this call applied (none when
/// another process, or an earlier start, already had). All in one transaction: a crash
/// half-way leaves the database as it was.
pub async fn migrate(pool: &Pool) -> Result<Vec<i64>, PostgresError> {
    let mut client = pool
        .get()
        .await
        .map_err(|error| PostgresError::Unavailable(error.to_string()))?;
    let transaction = client.transaction().await?;
    // Held until commit: a second process waits here, then finds everything applied.
    transaction
        .execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    transaction
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version    BIGINT PRIMARY KEY,
                 name       TEXT NOT NULL,
                 applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
             )",
        )
        .await?;
    let current: i64 = transaction
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )
        .await?
        .get(0);
    let known = MIGRATIONS.last().map_or(0, |m| m.version);
    if current > known {
        return Err(PostgresError::NewerSchema {
            found: current,
            known,
        });
    }
    let mut applied = Vec::new();
    for migration in MIGRATIONS.iter().filter(|m| m.version > current) {
        transaction.batch_execute(migration.sql).await?;
        transaction
            .execute(
                "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                &[&migration.version, &migration.name],
            )
            .await?;
        tracing::info!(
            version = migration.version,
            name = migration.name,
            "PostgreSQL migration applied"
        );
        applied.push(migration.version);
    }
    transaction.commit().await?;
    Ok(applied)
}

/// Makes the empty database `name` on the server `server_url` names and returns the URL of
/// the new database (`server_url` with its path replaced). How one throw-away cluster gives
/// each portal of a test suite a database of its own; an operator makes theirs with
/// `createdb` (docs/deployment.md). `name` is lowercase ASCII letters, digits and `_`,
/// starting with a letter: it is spliced into `CREATE DATABASE`, which takes no parameters.
pub async fn create_database(server_url: &str, name: &str) -> Result<String, PostgresError> {
    let well_formed = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !well_formed || name.len() > 63 {
        return Err(PostgresError::BadUrl(format!(
            "{name:?} is not a plain database name"
        )));
    }
    let mut url =
        url::Url::parse(server_url).map_err(|error| PostgresError::BadUrl(error.to_string()))?;
    let (client, connection) = tokio_postgres::connect(server_url, NoTls).await?;
    let driver = tokio::spawn(connection);
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await?;
    drop(client);
    let _ = driver.await;
    url.set_path(name);
    Ok(url.into())
}

/// The variable the test suites read: the URL of a PostgreSQL server to run every portal
/// they start on (`scripts/with-postgres.sh` starts a throw-away one and sets it).
pub const TEST_SERVER_ENV: &str = "MOTCUA_TEST_POSTGRES";

/// For the test harnesses: a fresh database of its own for one portal on the server
/// [`TEST_SERVER_ENV`] names, or `None` (the portal stores in its SQLite file) when the
/// variable is unset. Panics when the server cannot make one: a suite asked to run on
/// PostgreSQL never falls back to SQLite unseen.
pub async fn fresh_test_database() -> Option<String> {
    let server = std::env::var(TEST_SERVER_ENV)
        .ok()
        .filter(|url| !url.is_empty())?;
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    // Unique across the test binaries sharing one server: the process id, then a counter.
    let name = format!(
        "portal_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    match create_database(&server, &name).await {
        Ok(url) => Some(url),
        Err(error) => panic!("a database on {server} ({TEST_SERVER_ENV}): {error}"),
    }
}

/// The migrations this build knows, oldest first.
pub fn migrations() -> &'static [Migration] {
    MIGRATIONS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_from_one_without_gaps() {
        for (position, migration) in MIGRATIONS.iter().enumerate() {
            assert_eq!(migration.version, position as i64 + 1, "{}", migration.name);
            assert!(!migration.sql.trim().is_empty());
        }
    }

    #[test]
    fn a_url_that_is_not_postgresql_is_refused_before_any_connection() {
        assert!(matches!(
            pool("mysql://nobody@127.0.0.1/x", 2),
            Err(PostgresError::BadUrl(_))
        ));
        assert!(pool("postgres://motcua@127.0.0.1:9/motcua", 2).is_ok());
    }
}
