//! The engine a test's portal stores on, and the test's own look into that store.
//!
//! By default every portal of the suite has its SQLite file in its temporary data directory.
//! With `MOTCUA_TEST_POSTGRES` set to a PostgreSQL server's URL (`scripts/with-postgres.sh`
//! starts a throw-away cluster and sets it; `scripts/test.sh` runs the suites both ways),
//! each portal gets a fresh database of its own on that server instead, so the same tests
//! check both engines.
//!
//! The checks that read or alter the store behind the portal's back go through [`Store`],
//! which speaks to whichever engine the portal runs on, with SQLite's `?N` placeholders.

use std::path::{Path, PathBuf};

use motcua_portal::{DB_FILE, PortalConfig};

/// A database of its own for one portal: `None` on SQLite (the file in the data directory),
/// a fresh PostgreSQL database's URL when the suite runs on PostgreSQL.
pub async fn fresh_database() -> Option<String> {
    motcua_portal::store::postgres::fresh_test_database().await
}

/// The test configuration of a portal storing in `data_dir` and, when set, `database`.
pub fn config(data_dir: &Path, database: Option<&str>) -> PortalConfig {
    let mut config = PortalConfig::for_tests(data_dir);
    config.database = database.map(str::to_owned);
    config
}

/// One value of a row or of a parameter, whatever the engine.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl From<&str> for Cell {
    fn from(value: &str) -> Cell {
        Cell::Text(value.to_owned())
    }
}

impl From<String> for Cell {
    fn from(value: String) -> Cell {
        Cell::Text(value)
    }
}

impl From<&String> for Cell {
    fn from(value: &String) -> Cell {
        Cell::Text(value.clone())
    }
}

impl From<i64> for Cell {
    fn from(value: i64) -> Cell {
        Cell::Int(value)
    }
}

/// A Rust value read from a [`Cell`].
pub trait FromCell: Sized {
    fn from_cell(cell: &Cell) -> Self;
}

impl FromCell for i64 {
    fn from_cell(cell: &Cell) -> i64 {
        match cell {
            Cell::Int(value) => *value,
            other => panic!("not an integer: {other:?}"),
        }
    }
}

impl FromCell for String {
    fn from_cell(cell: &Cell) -> String {
        match cell {
            Cell::Text(value) => value.clone(),
            other => panic!("not text: {other:?}"),
        }
    }
}

impl FromCell for Vec<u8> {
    fn from_cell(cell: &Cell) -> Vec<u8> {
        match cell {
            Cell::Blob(value) => value.clone(),
            other => panic!("not bytes: {other:?}"),
        }
    }
}

impl<T: FromCell> FromCell for Option<T> {
    fn from_cell(cell: &Cell) -> Option<T> {
        match cell {
            Cell::Null => None,
            other => Some(T::from_cell(other)),
        }
    }
}

/// One row of an answer.
#[derive(Debug, Clone)]
pub struct Row(pub Vec<Cell>);

impl Row {
    /// Column `index`, as a `T`.
    pub fn get<T: FromCell>(&self, index: usize) -> T {
        T::from_cell(&self.0[index])
    }
}

/// The store of one portal, as the test reaches it.
#[derive(Debug, Clone)]
pub enum Store {
    /// The SQLite file.
    Sqlite(PathBuf),
    /// The URL of the portal's PostgreSQL database.
    Postgres(String),
}

impl Store {
    /// The store of a portal with data directory `data_dir` and database `database`.
    pub fn of(data_dir: &Path, database: Option<&str>) -> Store {
        match database {
            Some(url) => Store::Postgres(url.to_owned()),
            None => Store::Sqlite(data_dir.join(DB_FILE)),
        }
    }

    /// Every row `sql` answers (`?1`, `?2`… bound to `params`).
    pub async fn rows(&self, sql: &str, params: &[Cell]) -> Vec<Row> {
        self.run(sql, params, true)
            .await
            .unwrap_or_else(|error| panic!("{sql}: {error}"))
            .1
    }

    /// The first column of the one row `sql` answers.
    pub async fn value<T: FromCell>(&self, sql: &str, params: &[Cell]) -> T {
        let rows = self.rows(sql, params).await;
        assert_eq!(rows.len(), 1, "one row of {sql}");
        rows[0].get(0)
    }

    /// The number of rows of `table`.
    pub async fn count(&self, table: &str) -> i64 {
        self.value(&format!("SELECT count(*) FROM {table}"), &[])
            .await
    }

    /// Runs a statement that answers no rows: the number of rows it changed, or the
    /// engine's refusal (an append-only table's trigger, a constraint).
    pub async fn execute(&self, sql: &str, params: &[Cell]) -> Result<u64, String> {
        self.run(sql, params, false)
            .await
            .map(|(changed, _)| changed)
    }

    async fn run(
        &self,
        sql: &str,
        params: &[Cell],
        query: bool,
    ) -> Result<(u64, Vec<Row>), String> {
        match self {
            Store::Sqlite(path) => sqlite(path, sql, params, query),
            Store::Postgres(url) => postgres(url, sql, params, query).await,
        }
    }
}

fn sqlite(path: &Path, sql: &str, params: &[Cell], query: bool) -> Result<(u64, Vec<Row>), String> {
    use rusqlite::types::{Value, ValueRef};
    let conn = rusqlite::Connection::open(path).map_err(|e| e.to_string())?;
    let values: Vec<Value> = params
        .iter()
        .map(|cell| match cell {
            Cell::Null => Value::Null,
            Cell::Int(v) => Value::Integer(*v),
            Cell::Real(v) => Value::Real(*v),
            Cell::Text(v) => Value::Text(v.clone()),
            Cell::Blob(v) => Value::Blob(v.clone()),
        })
        .collect();
    let params = rusqlite::params_from_iter(values);
    if !query {
        return conn
            .execute(sql, params)
            .map(|changed| (changed as u64, Vec::new()))
            .map_err(|e| e.to_string());
    }
    let mut statement = conn.prepare(sql).map_err(|e| e.to_string())?;
    let columns = statement.column_count();
    let rows = statement
        .query_map(params, |row| {
            (0..columns)
                .map(|i| {
                    Ok(match row.get_ref(i)? {
                        ValueRef::Null => Cell::Null,
                        ValueRef::Integer(v) => Cell::Int(v),
                        ValueRef::Real(v) => Cell::Real(v),
                        ValueRef::Text(v) => Cell::Text(String::from_utf8_lossy(v).into_owned()),
                        ValueRef::Blob(v) => Cell::Blob(v.to_vec()),
                    })
                })
                .collect::<rusqlite::Result<Vec<Cell>>>()
                .map(Row)
        })
        .map_err(|e| e.to_string())?
        .collect::<rusqlite::Result<Vec<Row>>>()
        .map_err(|e| e.to_string())?;
    Ok((0, rows))
}

async fn postgres(
    url: &str,
    sql: &str,
    params: &[Cell],
    query: bool,
) -> Result<(u64, Vec<Row>), String> {
    use tokio_postgres::types::{ToSql, Type};
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .map_err(|e| e.to_string())?;
    let driver = tokio::spawn(connection);
    let sql = motcua_portal::store::sql::postgres_sql(sql);
    let statement = client.prepare(&sql).await.map_err(|e| e.to_string())?;
    // Each parameter as the type the server inferred for its placeholder.
    let mut bound: Vec<Box<dyn ToSql + Sync + Send>> = Vec::new();
    for (cell, ty) in params.iter().zip(statement.params()) {
        bound.push(match (cell, ty) {
            (Cell::Null, _) => Box::new(Option::<String>::None),
            (Cell::Int(v), &Type::INT4) => Box::new(i32::try_from(*v).unwrap()),
            (Cell::Int(v), &Type::INT2) => Box::new(i16::try_from(*v).unwrap()),
            (Cell::Int(v), &Type::BOOL) => Box::new(*v != 0),
            (Cell::Int(v), _) => Box::new(*v),
            (Cell::Real(v), _) => Box::new(*v),
            (Cell::Text(v), _) => Box::new(v.clone()),
            (Cell::Blob(v), _) => Box::new(v.clone()),
        });
    }
    let refs: Vec<&(dyn ToSql + Sync)> = bound
        .iter()
        .map(|b| b.as_ref() as &(dyn ToSql + Sync))
        .collect();
    let result = if query {
        let rows = client
            .query(&statement, &refs)
            .await
            .map_err(|e| e.to_string())?;
        let rows = rows
            .iter()
            .map(|row| Row((0..row.len()).map(|i| pg_cell(row, i)).collect()))
            .collect();
        Ok((0, rows))
    } else {
        client
            .execute(&statement, &refs)
            .await
            .map(|changed| (changed, Vec::new()))
            .map_err(|e| e.to_string())
    };
    drop(client);
    let _ = driver.await;
    result
}

fn pg_cell(row: &tokio_postgres::Row, i: usize) -> Cell {
    use tokio_postgres::types::Type;
    let ty = row.columns()[i].type_().clone();
    let cell = match ty {
        Type::INT2 => row.get::<_, Option<i16>>(i).map(|v| Cell::Int(v.into())),
        Type::INT4 => row.get::<_, Option<i32>>(i).map(|v| Cell::Int(v.into())),
        Type::INT8 => row.get::<_, Option<i64>>(i).map(Cell::Int),
        Type::BOOL => row.get::<_, Option<bool>>(i).map(|v| Cell::Int(v.into())),
        Type::FLOAT4 => row.get::<_, Option<f32>>(i).map(|v| Cell::Real(v.into())),
        Type::FLOAT8 => row.get::<_, Option<f64>>(i).map(Cell::Real),
        Type::BYTEA => row.get::<_, Option<Vec<u8>>>(i).map(Cell::Blob),
        _ => row.get::<_, Option<String>>(i).map(Cell::Text),
    };
    cell.unwrap_or(Cell::Null)
}
