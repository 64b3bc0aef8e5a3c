//! The local SQLite database of one profile: WAL, versioned migrations run at open, and
//! every personal column sealed under the profile's data key ([`policy`]).

pub(crate) mod assist;
pub(crate) mod catalog;
pub(crate) mod drafts;
pub(crate) mod on_behalf;
pub(crate) mod outbox;
pub(crate) mod payments;
pub mod policy;
pub(crate) mod provider_cache;
pub(crate) mod receipts;
pub(crate) mod seal;
pub(crate) mod tracking;
pub(crate) mod uploads;
pub(crate) mod withdrawals;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

use self::seal::Sealer;
use crate::dossier::SealError;
use crate::secure_store::SecureStore;

/// File name of the profile database inside the data directory.
pub const DATABASE_FILE: &str = "motcua.sqlite";

/// Directory of the profile, beside the database, where attachments live sealed.
pub const ATTACHMENTS_DIR: &str = "attachments";

/// Failure of the local database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The data directory could not be created.
    #[error("data directory {path}: {source}")]
    Directory {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// SQLite refused an operation.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A migration failed (or the file is from a newer app version).
    #[error("migration: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    /// A previous holder of the connection panicked.
    #[error("database lock poisoned")]
    Poisoned,
    /// A personal value could not be sealed or opened (see [`policy`]).
    #[error(transparent)]
    Seal(#[from] SealError),
    /// A store call on the blocking pool did not finish (it panicked, or the runtime
    /// shut down first).
    #[error("store call did not finish: {0}")]
    Task(String),
    /// A column holds a value this build never writes (a damaged file).
    #[error("{column} holds an unknown value {value:?}")]
    UnknownValue {
        /// The column.
        column: &'static str,
        /// What it holds.
        value: String,
    },
}

/// One numbered file of `core/migrations/`, compiled in (the library carries its schema).
macro_rules! migration {
    ($file:literal) => {
        ($file, include_str!(concat!("../migrations/", $file)))
    };
}

/// The schema, one file per version in `core/migrations/` (`NNNN_what.sql`, applied in
/// order; the file's number is the version it migrates to). Append only, never edit a
/// released one: a phone at any earlier version runs the files after its own.
const MIGRATIONS: &[(&str, &str)] = &[
    migration!("0001_provider_cache.sql"),
    migration!("0002_catalog.sql"),
    migration!("0003_drafts_outbox_dossiers.sql"),
    migration!("0004_tracking.sql"),
    migration!("0005_supplement_and_withdrawal.sql"),
    migration!("0006_assisted_sessions.sql"),
    migration!("0007_receipts.sql"),
    migration!("0008_abandoned_uploads.sql"),
    migration!("0009_on_behalf.sql"),
    migration!("0010_catalog_in_two_parts.sql"),
    migration!("0011_payments.sql"),
];

/// The schema version this build migrates to (the number of migrations).
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

/// [`MIGRATIONS`] for `rusqlite_migration`, which keeps the version in SQLite's
/// `user_version`.
fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|(_, sql)| M::up(sql)).collect())
}

/// Makes `dir` (created if missing) `0700` and the database file in it (created empty
/// if missing, with its `-wal` and `-shm` when present) `0600`, tightening wider ones.
/// On a phone the app's sandbox already keeps other apps out; on a desktop (the CLI) only
/// these modes keep other local users from the profile's data, whatever the umask. SQLite
/// keeps an existing database file's mode and gives `-wal` and `-shm` the same one.
fn make_private(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)?;
    let file = dir.join(DATABASE_FILE);
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    drop(options.open(&file)?);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let wal = dir.join(format!("{DATABASE_FILE}-wal"));
        let shm = dir.join(format!("{DATABASE_FILE}-shm"));
        for (path, mode) in [
            (dir, 0o700),
            (&*file, 0o600),
            (&*wal, 0o600),
            (&*shm, 0o600),
        ] {
            match std::fs::metadata(path) {
                Ok(metadata) if metadata.permissions().mode() & 0o7777 != mode => {
                    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
                }
                Ok(_) => {}
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => return Err(error),
            }
        }
    }
    Ok(())
}

/// The profile database. One connection behind a mutex: the phone is the only writer and
/// every statement is short.
pub struct Database {
    connection: Mutex<Connection>,
    /// The one sealer of the profile (its data key in `secure_store`), shared by the areas.
    sealer: Arc<Sealer>,
}

impl Database {
    /// Opens `dir/motcua.sqlite`, creating the directory and file, migrates it, and seals
    /// what an older build left in plaintext ([`policy::seal_existing`]). Both are private
    /// whatever the umask (see [`make_private`]). `secure_store` keeps the profile's data
    /// key (created when the first personal value is sealed).
    pub fn open(dir: &Path, secure_store: Arc<dyn SecureStore>) -> Result<Database, StoreError> {
        make_private(dir).map_err(|source| StoreError::Directory {
            path: dir.to_owned(),
            source,
        })?;
        let mut connection = Connection::open(dir.join(DATABASE_FILE))?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        connection.pragma_update(None, "foreign_keys", "ON")?;
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations().to_latest(&mut connection)?;
        let sealer = Arc::new(Sealer::new(secure_store));
        policy::seal_existing(&mut connection, &sealer)?;
        Ok(Database {
            connection: Mutex::new(connection),
            sealer,
        })
    }

    /// The profile's sealer, for the columns [`policy`] seals and the values sealed at
    /// their source.
    pub(crate) fn sealer(&self) -> &Arc<Sealer> {
        &self.sealer
    }

    /// Runs `work` (store calls) on tokio's blocking pool and waits for it, so that an
    /// async call of an area does not hold one of the runtime's few worker threads while
    /// SQLite reads, writes or waits for the connection (the FFI's runtime,
    /// `bindings/src/runtime.rs`, has two). The same choice as the portal's `Db::call`
    /// (`portal/src/db.rs`): the pool rather than one store thread, because the phone's
    /// statements are short and the connection's mutex already orders them. Blocking
    /// calls of the areas (the FFI runs those on the caller's thread) call the store
    /// directly.
    pub(crate) async fn blocking<T, E>(
        self: &Arc<Self>,
        work: impl FnOnce(&Database) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let database = Arc::clone(self);
        tokio::task::spawn_blocking(move || work(&database))
            .await
            .unwrap_or_else(|error| Err(StoreError::Task(error.to_string()).into()))
    }

    /// The connection, for one short unit of work.
    pub fn connection(&self) -> Result<MutexGuard<'_, Connection>, StoreError> {
        self.connection.lock().map_err(|_| StoreError::Poisoned)
    }

    /// The schema version (SQLite `user_version`).
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .connection()?
            .query_row("PRAGMA user_version", [], |row| row.get(0))?)
    }

    /// How many of the profile citizen's actions wait to reach the portal: frozen
    /// submissions and supplement answers in the outbox, and withdrawals.
    pub fn undelivered_actions(&self) -> Result<u32, StoreError> {
        let count: i64 = self.connection()?.query_row(
            "SELECT (SELECT count(*) FROM outbox) + (SELECT count(*) FROM pending_withdrawals)",
            [],
            |row| row.get(0),
        )?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }

    /// Erases everything the profile holds of its citizen: drafts and their fields, the
    /// outbox, the dossiers with their timelines and receipts, the sync cursor, and the
    /// volunteer's identity on past assisted sessions (their anonymous counts stay). The
    /// catalog, the provider cache and the receipt trust list are no one's and stay.
    ///
    /// With `secure_delete` the freed pages are overwritten, and the write-ahead log is
    /// truncated, so none of it stays readable in the file. Attachment files are the
    /// caller's (they live beside the database).
    pub fn erase_citizen_data(&self) -> Result<(), StoreError> {
        let mut connection = self.connection()?;
        connection.pragma_update(None, "secure_delete", "ON")?;
        let tx = connection.transaction()?;
        tx.execute_batch(
            "DELETE FROM outbox;
             DELETE FROM pending_withdrawals;
             DELETE FROM draft_attachments;
             DELETE FROM draft_fields;
             DELETE FROM drafts;
             DELETE FROM dossier_events;
             DELETE FROM dossiers;
             DELETE FROM receipts;
             DELETE FROM sync_state;
             DELETE FROM abandoned_uploads;
             UPDATE assisted_sessions SET assisted_by = NULL;",
        )?;
        tx.commit()?;
        connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secure_store::MemorySecureStore;

    fn open(dir: &Path) -> Result<Database, StoreError> {
        Database::open(dir, Arc::new(MemorySecureStore::new()))
    }

    #[test]
    fn migrations_are_valid_and_counted() {
        assert!(migrations().validate().is_ok());
        let dir = tempfile::tempdir().unwrap();
        let db = open(dir.path()).unwrap();
        assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION as i64);
    }

    #[test]
    fn every_file_of_the_migrations_directory_is_listed_in_order() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        files.sort();
        let listed: Vec<&str> = MIGRATIONS.iter().map(|(file, _)| *file).collect();
        assert_eq!(files, listed);
        for (index, file) in listed.iter().enumerate() {
            assert!(
                file.starts_with(&format!("{:04}_", index + 1)) && file.ends_with(".sql"),
                "{file} is number {}",
                index + 1
            );
        }
    }

    #[test]
    fn opens_fresh_and_reopens_at_the_latest_version() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("profile");
        let first = open(&nested).unwrap();
        let version = first.schema_version().unwrap();
        assert!(version >= 1);
        drop(first);
        let again = open(&nested).unwrap();
        assert_eq!(again.schema_version().unwrap(), version);
        let mode: String = again
            .connection()
            .unwrap()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn every_older_schema_upgrades_to_the_latest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DATABASE_FILE);
        let count = SCHEMA_VERSION;
        for version in 0..count {
            let _ = std::fs::remove_file(&path);
            let mut conn = Connection::open(&path).unwrap();
            migrations().to_version(&mut conn, version).unwrap();
            drop(conn);
            let db = open(dir.path()).unwrap();
            assert_eq!(db.schema_version().unwrap(), count as i64, "from {version}");
            assert!(
                db.connection()
                    .unwrap()
                    .prepare("SELECT code, summary FROM procedures")
                    .is_ok()
            );
        }
    }

    /// The schema as SQLite keeps it (every table, index and trigger with its SQL, and
    /// the version), one line each in a stable order.
    fn schema_of(conn: &Connection) -> String {
        let mut statement = conn
            .prepare(
                "SELECT type, name, tbl_name, sql FROM sqlite_master \
                 WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
            )
            .unwrap();
        let mut lines: Vec<String> = statement
            .query_map([], |row| {
                Ok(format!(
                    "{} {} on {}: {}",
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, Option<String>>(3)?.unwrap_or_default()
                ))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .unwrap();
        lines.push(format!("user_version {version}"));
        normalised(&lines.join("\n"))
    }

    /// `schema` with every run of white space made one space: the migrations moved from
    /// indented Rust strings to files, and SQLite keeps a statement's text as written.
    /// None of the schema's string literals holds two spaces or a line break.
    fn normalised(schema: &str) -> String {
        schema.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The schema of the last released version (10), as the migration list written inline
    /// in `store.rs` made it before the migrations moved to numbered files, so moving or
    /// reformatting a migration cannot change what a phone ends with.
    const RELEASED_VERSION: usize = 10;
    const RELEASED_SCHEMA: &str = include_str!("store/testdata/schema-10.txt");

    #[test]
    fn the_released_schema_is_unchanged_and_every_upgrade_ends_as_a_fresh_database() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
        migrations()
            .to_version(&mut conn, RELEASED_VERSION)
            .unwrap();
        let released = schema_of(&conn);
        drop(conn);
        assert_eq!(released, normalised(RELEASED_SCHEMA));

        let dir = tempfile::tempdir().unwrap();
        let fresh = schema_of(&open(dir.path()).unwrap().connection().unwrap());
        for version in 0..SCHEMA_VERSION {
            let dir = tempfile::tempdir().unwrap();
            let mut conn = Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
            migrations().to_version(&mut conn, version).unwrap();
            drop(conn);
            let upgraded = schema_of(&open(dir.path()).unwrap().connection().unwrap());
            assert_eq!(upgraded, fresh, "upgraded from version {version}");
        }
    }

    #[test]
    fn a_file_from_a_newer_app_is_refused_not_damaged() {
        let dir = tempfile::tempdir().unwrap();
        drop(open(dir.path()).unwrap());
        let conn = Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        assert!(matches!(open(dir.path()), Err(StoreError::Migration(_))));
    }
}
