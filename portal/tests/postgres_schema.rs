//! The PostgreSQL engine's schema on a real server (a throw-away cluster, issue 20): two
//! portal processes migrating one database at once apply it once; it has every table,
//! column (of the matching type and nullability) and index of the SQLite file a portal
//! makes today, so the two engines' migrations cannot drift apart unnoticed; the
//! append-only tables refuse updates and deletes as on SQLite; a database migrated by a
//! newer portal is refused with a typed error.

mod common;

use std::collections::BTreeSet;

use common::postgres::Cluster;
use motcua_portal::store::postgres::{PostgresError, migrate, migrations, pool};

/// SQLite tables a PostgreSQL database never needs, with why.
const SQLITE_ONLY: &[&str] = &[
    // The one-time scrub of a file that held private keys before the key store.
    "private_keys_moved",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_portals_migrating_one_database_at_once_apply_each_migration_once() {
    let cluster = Cluster::start();
    let url = cluster.create_database("two_starts").await;
    let (first, second) = (pool(&url, 2).unwrap(), pool(&url, 2).unwrap());
    let (a, b) = tokio::join!(migrate(&first), migrate(&second));
    let mut applied = [a.unwrap(), b.unwrap()];
    applied.sort();
    let all: Vec<i64> = migrations().iter().map(|m| m.version).collect();
    assert_eq!(
        applied,
        [vec![], all.clone()],
        "one applied everything, the other nothing"
    );
    assert_eq!(
        migrate(&first).await.unwrap(),
        Vec::<i64>::new(),
        "a restart applies nothing"
    );
    let client = first.get().await.unwrap();
    let recorded: Vec<i64> = client
        .query(
            "SELECT version FROM schema_migrations ORDER BY version",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(recorded, all);
}

/// (table, column, type, not null) of the SQLite file, types as PostgreSQL names them.
fn sqlite_columns(conn: &rusqlite::Connection) -> BTreeSet<(String, String, String, bool)> {
    let mut statement = conn
        .prepare(
            "SELECT m.name, c.name, c.type, c.\"notnull\", c.pk FROM sqlite_master m
             JOIN pragma_table_info(m.name) c
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
        )
        .unwrap();
    statement
        .query_map([], |row| {
            let sqlite_type: String = row.get(2)?;
            let pg_type = match sqlite_type.as_str() {
                "INTEGER" => "bigint",
                "TEXT" => "text",
                "BLOB" => "bytea",
                "REAL" => "double precision",
                other => panic!("a column type the mapping does not know: {other}"),
            };
            // A primary key column is NOT NULL on PostgreSQL, as it is in effect on SQLite.
            let not_null = row.get::<_, bool>(3)? || row.get::<_, i64>(4)? > 0;
            Ok((row.get(0)?, row.get(1)?, pg_type.to_owned(), not_null))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_postgresql_schema_has_every_table_column_and_index_of_the_sqlite_file() {
    // A portal on SQLite whichever engine the rest of the suite runs on.
    let dir = tempfile::tempdir().unwrap();
    let portal = motcua_portal::start(motcua_portal::PortalConfig::for_tests(dir.path()))
        .await
        .unwrap();
    portal.shutdown().await;
    let sqlite = rusqlite::Connection::open(dir.path().join(motcua_portal::DB_FILE)).unwrap();
    let mut expected = sqlite_columns(&sqlite);
    expected.retain(|(table, ..)| !SQLITE_ONLY.contains(&table.as_str()));
    let expected_indexes: BTreeSet<String> = sqlite
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
             AND tbl_name NOT IN ('private_keys_moved')",
        )
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        expected.len() > 100 && expected_indexes.len() > 15,
        "{expected:?}"
    );

    let cluster = Cluster::start();
    let url = cluster.create_database("parity").await;
    let pool = pool(&url, 1).unwrap();
    migrate(&pool).await.unwrap();
    let client = pool.get().await.unwrap();
    let found: BTreeSet<(String, String, String, bool)> = client
        .query(
            "SELECT table_name::text, column_name::text, data_type::text, is_nullable = 'NO'
             FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name <> 'schema_migrations'",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| (row.get(0), row.get(1), row.get(2), row.get(3)))
        .collect();
    let missing: Vec<_> = expected.difference(&found).collect();
    let extra: Vec<_> = found.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "columns only on SQLite: {missing:?}\ncolumns only on PostgreSQL: {extra:?}"
    );
    let indexes: BTreeSet<String> = client
        .query(
            "SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public'",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    let missing: Vec<_> = expected_indexes.difference(&indexes).collect();
    assert!(missing.is_empty(), "indexes only on SQLite: {missing:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lifecycle_and_the_audit_log_are_append_only_and_a_newer_schema_is_refused() {
    let cluster = Cluster::start();
    let url = cluster.create_database("rules").await;
    let pool = pool(&url, 1).unwrap();
    migrate(&pool).await.unwrap();
    let client = pool.get().await.unwrap();
    client
        .batch_execute(
            "INSERT INTO citizens (issuer, subject, full_name, identity_level, created_at, updated_at)
                 VALUES ('https://id.example', 's1', 'Trần Văn Bình', 2, 1, 1);
             INSERT INTO dossiers (code, citizen_id, procedure_code, fields, status,
                                   submitted_at, created_at, updated_at)
                 VALUES ('000.00.14.H56-261204-0001', 1, '1.004194', '{}', 'submitted',
                         '2026-12-04T08:00:00+07:00', 1, 1);
             INSERT INTO dossier_events (dossier_id, citizen_id, at, status, actor_role)
                 VALUES (1, 1, '2026-12-04T08:00:00+07:00', 'submitted', 'citizen');",
        )
        .await
        .unwrap();
    for statement in [
        "UPDATE dossier_events SET status = 'received'",
        "DELETE FROM dossier_events",
    ] {
        let error = client.batch_execute(statement).await.unwrap_err();
        assert!(
            error.to_string().contains("append-only")
                || format!("{:?}", error.as_db_error()).contains("append-only"),
            "{statement}: {error:?}"
        );
    }
    // A status the lifecycle does not have is refused by the same CHECK as on SQLite.
    assert!(
        client
            .batch_execute("UPDATE dossiers SET status = 'lost'")
            .await
            .is_err()
    );

    client
        .execute(
            "INSERT INTO schema_migrations (version, name) VALUES (999, 'from a newer portal')",
            &[],
        )
        .await
        .unwrap();
    drop(client);
    match migrate(&pool).await {
        Err(PostgresError::NewerSchema { found: 999, known }) => {
            assert_eq!(known, migrations().last().unwrap().version)
        }
        other => panic!("a newer schema must be refused: {other:?}"),
    }
}
