//! One SQL interface over the portal's two engines (decision 0009): [`Connection`],
//! [`Transaction`], [`Statement`] and [`Row`] run the same statements on SQLite (rusqlite,
//! the default) and on PostgreSQL (tokio-postgres from a deadpool pool), so that every
//! area's SQL is written once.
//!
//! The shape follows rusqlite's, which the portal was written against, so that its SQL and
//! its row mapping did not have to change: statements keep SQLite's numbered parameters
//! (`?1`, `?2`), which [`postgres_sql`] rewrites to PostgreSQL's `$1`, `$2`; values cross
//! as [`Value`] (SQLite's five storage classes plus PostgreSQL's booleans), so a column is
//! read the same way from either engine whatever integer width PostgreSQL gave it.
//!
//! Like everything on [`crate::db::Db`], this runs on blocking threads only: on
//! PostgreSQL each call waits for the async client through the runtime's handle.
//!
//! Transactions are where the engines' guarantees meet. SQLite has one writer per file:
//! `BEGIN IMMEDIATE` takes its write lock, and the intake's idempotency keys, the
//! dossier-code sequence, refresh-token rotation, upload offsets and payments are
//! exactly-once because their read-then-write runs under it. On PostgreSQL every
//! [`Transaction`] takes one transaction-scoped advisory lock, the same for every portal
//! process on the database ([`WRITE_LOCK`]): the same single-writer rule across
//! processes, held until commit, so every guarantee written for SQLite holds unchanged.
//! Reads outside a transaction take no lock on either engine.

use std::borrow::Cow;
use std::error::Error as StdError;
use std::ops::Deref;

use tokio_postgres::types::{self as pg, IsNull, Type};

/// What a statement returns, or why it failed.
pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a statement failed, on either engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// SQLite refused or failed the statement.
    #[error("SQLite: {0}")]
    Sqlite(rusqlite::Error),
    /// PostgreSQL refused or failed the statement, or the connection broke.
    #[error("PostgreSQL: {}", postgres_cause(.0))]
    Postgres(#[from] tokio_postgres::Error),
    /// A query that must return a row returned none.
    #[error("the query returned no row")]
    NoRows,
    /// A stored value is not what the code reads it as.
    #[error("a stored value cannot be read: {0}")]
    Decode(Box<dyn StdError + Send + Sync>),
    /// A value cannot be stored.
    #[error("a value cannot be stored: {0}")]
    Encode(Box<dyn StdError + Send + Sync>),
    /// A statement that must change one row changed another number.
    #[error("the statement changed {0} rows, not one")]
    ChangedRows(usize),
}

/// What went wrong, for the log: the server's SQLSTATE and message, or the client's cause
/// (a column it could not read). Never the server's DETAIL, which quotes the row's values
/// (personal data, in a unique violation).
fn postgres_cause(error: &tokio_postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        return format!("{} ({})", db.message(), db.code().code());
    }
    match StdError::source(error) {
        Some(source) => format!("{error}: {source}"),
        None => error.to_string(),
    }
}

impl From<rusqlite::Error> for Error {
    fn from(error: rusqlite::Error) -> Error {
        match error {
            rusqlite::Error::QueryReturnedNoRows => Error::NoRows,
            other => Error::Sqlite(other),
        }
    }
}

impl Error {
    /// A value read from the database that the code does not accept.
    pub(crate) fn decode(error: impl Into<Box<dyn StdError + Send + Sync>>) -> Error {
        Error::Decode(error.into())
    }

    /// A value the code cannot turn into a stored one.
    pub(crate) fn encode(error: impl Into<Box<dyn StdError + Send + Sync>>) -> Error {
        Error::Encode(error.into())
    }
}

/// Turns `Err(NoRows)` into `Ok(None)`, as rusqlite's extension of the same name does.
pub(crate) trait OptionalExtension<T> {
    /// The row, none when the query found none, or the error.
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExtension<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(value) => Ok(Some(value)),
            Err(Error::NoRows) => Ok(None),
            Err(error) => Err(error),
        }
    }
}

/// One stored value, as either engine hands it over.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// SQL NULL.
    Null,
    /// Any integer column (SQLite's INTEGER, PostgreSQL's BIGINT, INT and SMALLINT).
    Integer(i64),
    /// A floating-point column.
    Real(f64),
    /// Text.
    Text(String),
    /// Bytes (SQLite's BLOB, PostgreSQL's BYTEA).
    Blob(Vec<u8>),
    /// PostgreSQL's boolean (what `EXISTS` and comparisons give there; SQLite gives 0 or 1).
    Bool(bool),
}

/// A parameter's value, borrowed from the Rust value bound.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ParamValue<'a> {
    /// SQL NULL.
    Null,
    /// An integer (booleans bind as 0 and 1, as SQLite stores them).
    Integer(i64),
    /// A floating-point number.
    Real(f64),
    /// Text.
    Text(&'a str),
    /// Bytes.
    Blob(&'a [u8]),
}

/// A Rust value that can be bound as a parameter on both engines.
pub(crate) trait ToSql: Sync {
    /// The value to bind.
    fn to_value(&self) -> Result<ParamValue<'_>>;
}

/// A Rust value a column can be read as on both engines.
pub(crate) trait FromSql: Sized {
    /// The value of `value`, or why it is not one.
    fn from_value(value: Value) -> Result<Self>;
}

fn mismatch(wanted: &str, found: &Value) -> Error {
    Error::decode(format!("expected {wanted}, found {found:?}"))
}

macro_rules! integer_params {
    ($($t:ty),*) => {$(
        impl ToSql for $t {
            fn to_value(&self) -> Result<ParamValue<'_>> {
                i64::try_from(*self)
                    .map(ParamValue::Integer)
                    .map_err(Error::encode)
            }
        }
        impl FromSql for $t {
            fn from_value(value: Value) -> Result<Self> {
                let wide = i64::from_value(value)?;
                <$t>::try_from(wide).map_err(Error::decode)
            }
        }
    )*};
}
integer_params!(i32, u32, u64, usize, u8, u16, i16);

impl ToSql for i64 {
    fn to_value(&self) -> Result<ParamValue<'_>> {
        Ok(ParamValue::Integer(*self))
    }
}

impl FromSql for i64 {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Integer(number) => Ok(number),
            Value::Bool(flag) => Ok(i64::from(flag)),
            other => Err(mismatch("an integer", &other)),
        }
    }
}

impl ToSql for bool {
    fn to_value(&self) -> Result<ParamValue<'_>> {
        Ok(ParamValue::Integer(i64::from(*self)))
    }
}

impl FromSql for bool {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Integer(number) => Ok(number != 0),
            Value::Bool(flag) => Ok(flag),
            other => Err(mismatch("a boolean", &other)),
        }
    }
}

impl ToSql for f64 {
    fn to_value(&self) -> Result<ParamValue<'_>> {
        Ok(ParamValue::Real(*self))
    }
}

impl FromSql for f64 {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Real(number) => Ok(number),
            // Exact for every integer a column here holds (amounts, counts, times).
            #[allow(clippy::cast_precision_loss)]
            Value::Integer(number) => Ok(number as f64),
            other => Err(mismatch("a number", &other)),
        }
    }
}

impl ToSql for str {
    fn to_value(&self) -> Result<ParamValue<'_>> {
        Ok(ParamValue::Text(self))
    }
}

impl ToSql for String {
    fn to_value(&self) -> Result<ParamValue<'_>> {
        Ok(ParamValue::Text(self))
    }
}

impl FromSql for String {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Text(text) => Ok(text),
            other => Err(mismatch("text", &other)),
        }
    }
}

impl ToSql for [u8] {
    fn to_value(&self) -> Result<ParamValue<'_>> {
        Ok(ParamValue::Blob(self))
    }
}

impl ToSql for Vec<u8> {
    fn to_value(&self) -> Result<ParamValue<'_>> {
        Ok(ParamValue::Blob(self))
    }
}

impl<const N: usize> ToSql for [u8; N] {
    fn to_value(&self) -> Result<ParamValue<'_>> {
        Ok(ParamValue::Blob(self))
    }
}

impl FromSql for Vec<u8> {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Blob(bytes) => Ok(bytes),
            other => Err(mismatch("bytes", &other)),
        }
    }
}

impl<const N: usize> FromSql for [u8; N] {
    fn from_value(value: Value) -> Result<Self> {
        let bytes = Vec::<u8>::from_value(value)?;
        let length = bytes.len();
        bytes
            .try_into()
            .map_err(|_| Error::decode(format!("expected {N} bytes, found {length}")))
    }
}

impl<T: ToSql> ToSql for Option<T> {
    fn to_value(&self) -> Result<ParamValue<'_>> {
        match self {
            Some(value) => value.to_value(),
            None => Ok(ParamValue::Null),
        }
    }
}

impl<T: FromSql> FromSql for Option<T> {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Null => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

impl<T: ToSql + ?Sized> ToSql for &T {
    fn to_value(&self) -> Result<ParamValue<'_>> {
        (**self).to_value()
    }
}

/// A statement's parameters: `[]`, an array of values of one type, or [`params!`]'s list.
pub(crate) trait Params {
    /// The values, in order (`?1` first).
    fn values(&self) -> Result<Vec<ParamValue<'_>>>;
}

impl Params for [&dyn ToSql; 0] {
    fn values(&self) -> Result<Vec<ParamValue<'_>>> {
        Ok(Vec::new())
    }
}

impl Params for &[&dyn ToSql] {
    fn values(&self) -> Result<Vec<ParamValue<'_>>> {
        self.iter().map(|value| value.to_value()).collect()
    }
}

macro_rules! array_params {
    ($($n:literal)*) => {$(
        impl<T: ToSql> Params for [T; $n] {
            fn values(&self) -> Result<Vec<ParamValue<'_>>> {
                self.iter().map(ToSql::to_value).collect()
            }
        }
    )*};
}
array_params!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);

/// Parameters of different types, as rusqlite's macro of the same name.
macro_rules! params {
    () => {
        [] as [&dyn $crate::store::sql::ToSql; 0]
    };
    ($($value:expr),+ $(,)?) => {
        &[$(&$value as &dyn $crate::store::sql::ToSql),+] as &[&dyn $crate::store::sql::ToSql]
    };
}
pub(crate) use params;

/// A column position, as rusqlite's `row.get(0)`.
pub(crate) trait RowIndex {
    /// The position.
    fn position(&self) -> usize;
}

impl RowIndex for usize {
    fn position(&self) -> usize {
        *self
    }
}

/// One result row, of either engine.
pub(crate) struct Row<'r> {
    inner: RowInner<'r>,
}

enum RowInner<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
    Postgres(&'r tokio_postgres::Row),
}

impl Row<'_> {
    /// Column `index` as `T`.
    pub(crate) fn get<I: RowIndex, T: FromSql>(&self, index: I) -> Result<T> {
        let position = index.position();
        let value = match &self.inner {
            RowInner::Sqlite(row) => sqlite_value(row.get_ref(position)?),
            RowInner::Postgres(row) => row.try_get::<_, AnyValue>(position)?.0,
        };
        T::from_value(value)
    }
}

fn sqlite_value(value: rusqlite::types::ValueRef<'_>) -> Value {
    use rusqlite::types::ValueRef;
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(number) => Value::Integer(number),
        ValueRef::Real(number) => Value::Real(number),
        ValueRef::Text(bytes) => Value::Text(String::from_utf8_lossy(bytes).into_owned()),
        ValueRef::Blob(bytes) => Value::Blob(bytes.to_vec()),
    }
}

impl rusqlite::ToSql for ParamValue<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match *self {
            ParamValue::Null => ValueRef::Null,
            ParamValue::Integer(number) => ValueRef::Integer(number),
            ParamValue::Real(number) => ValueRef::Real(number),
            ParamValue::Text(text) => ValueRef::Text(text.as_bytes()),
            ParamValue::Blob(bytes) => ValueRef::Blob(bytes),
        }))
    }
}

/// A PostgreSQL column of any type this portal stores, read as a [`Value`].
struct AnyValue(Value);

impl<'a> pg::FromSql<'a> for AnyValue {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn StdError + Sync + Send>> {
        let value = if *ty == Type::INT8 {
            Value::Integer(i64::from_sql(ty, raw)?)
        } else if *ty == Type::INT4 {
            Value::Integer(i32::from_sql(ty, raw)?.into())
        } else if *ty == Type::INT2 {
            Value::Integer(i16::from_sql(ty, raw)?.into())
        } else if *ty == Type::BOOL {
            Value::Bool(bool::from_sql(ty, raw)?)
        } else if *ty == Type::FLOAT8 {
            Value::Real(f64::from_sql(ty, raw)?)
        } else if *ty == Type::FLOAT4 {
            Value::Real(f32::from_sql(ty, raw)?.into())
        } else if *ty == Type::BYTEA {
            Value::Blob(Vec::<u8>::from_sql(ty, raw)?)
        } else if <&str as pg::FromSql>::accepts(ty) {
            Value::Text(<&str as pg::FromSql>::from_sql(ty, raw)?.to_owned())
        } else {
            return Err(format!("column type {ty} is not one the portal reads").into());
        };
        Ok(AnyValue(value))
    }

    fn from_sql_null(_: &Type) -> Result<Self, Box<dyn StdError + Sync + Send>> {
        Ok(AnyValue(Value::Null))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

impl pg::ToSql for ParamValue<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut pg::private::BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        // PostgreSQL typed the parameter from the statement; the value is written in that
        // type, as SQLite would have stored it in a column of that affinity.
        match *self {
            ParamValue::Null => Ok(IsNull::Yes),
            ParamValue::Integer(number) => {
                if *ty == Type::INT8 {
                    number.to_sql(ty, out)
                } else if *ty == Type::INT4 {
                    i32::try_from(number)?.to_sql(ty, out)
                } else if *ty == Type::INT2 {
                    i16::try_from(number)?.to_sql(ty, out)
                } else if *ty == Type::BOOL {
                    (number != 0).to_sql(ty, out)
                } else if *ty == Type::FLOAT8 {
                    #[allow(clippy::cast_precision_loss)]
                    (number as f64).to_sql(ty, out)
                } else {
                    Err(format!("an integer cannot be bound as {ty}").into())
                }
            }
            ParamValue::Real(number) => number.to_sql(ty, out),
            ParamValue::Text(text) => text.to_sql(ty, out),
            ParamValue::Blob(bytes) => bytes.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    pg::to_sql_checked!();
}

/// SQLite's numbered parameters (`?1`) as PostgreSQL's (`$1`); a bare `?` takes the next
/// number. Quoted text and identifiers are left alone.
pub fn postgres_sql(sql: &str) -> Cow<'_, str> {
    if !sql.contains('?') {
        return Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len() + 8);
    let mut quote: Option<char> = None;
    let mut next = 1;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(open), _) if c == open => {
                quote = None;
                out.push(c);
            }
            (Some(_), _) => out.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                out.push(c);
            }
            (None, '?') => {
                out.push('$');
                let mut digits = String::new();
                while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                    digits.push(d);
                    chars.next();
                }
                if digits.is_empty() {
                    out.push_str(&next.to_string());
                    next += 1;
                } else {
                    out.push_str(&digits);
                }
            }
            (None, _) => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The advisory lock every PostgreSQL write transaction takes (see the module's
/// documentation): any fixed number, distinct from the migrations'; "mcwr" in ASCII.
pub(crate) const WRITE_LOCK: i64 = 0x6d63_7772;

/// A PostgreSQL connection taken from the pool for one [`crate::db::Db::call`].
pub(crate) struct PgConnection {
    client: deadpool_postgres::Object,
    runtime: tokio::runtime::Handle,
}

impl PgConnection {
    fn wait<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    fn prepare(&self, sql: &str) -> Result<tokio_postgres::Statement> {
        let sql = postgres_sql(sql);
        Ok(self.wait(self.client.prepare_cached(&sql))?)
    }

    fn query(
        &self,
        statement: &tokio_postgres::Statement,
        values: &[ParamValue<'_>],
    ) -> Result<Vec<tokio_postgres::Row>> {
        let refs: Vec<&(dyn pg::ToSql + Sync)> = values
            .iter()
            .map(|value| value as &(dyn pg::ToSql + Sync))
            .collect();
        Ok(self.wait(self.client.query(statement, &refs))?)
    }

    fn execute(
        &self,
        statement: &tokio_postgres::Statement,
        values: &[ParamValue<'_>],
    ) -> Result<usize> {
        let refs: Vec<&(dyn pg::ToSql + Sync)> = values
            .iter()
            .map(|value| value as &(dyn pg::ToSql + Sync))
            .collect();
        let changed = self.wait(self.client.execute(statement, &refs))?;
        usize::try_from(changed).map_err(Error::decode)
    }
}

/// A connection of either engine, lent to one [`crate::db::Db::call`].
pub(crate) struct Connection {
    inner: ConnectionInner,
}

enum ConnectionInner {
    Sqlite(rusqlite::Connection),
    Postgres(PgConnection),
}

/// How a transaction begins, as rusqlite's enum of the same name. On SQLite, `Immediate`
/// takes the write lock at `BEGIN`; on PostgreSQL both take [`WRITE_LOCK`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TransactionBehavior {
    /// SQLite's default: the write lock is taken at the first write.
    Deferred,
    /// The write lock is taken at `BEGIN`.
    Immediate,
}

impl Connection {
    /// A SQLite connection (opened and migrated by [`crate::db::open`]).
    pub(crate) fn sqlite(connection: rusqlite::Connection) -> Connection {
        Connection {
            inner: ConnectionInner::Sqlite(connection),
        }
    }

    /// A PostgreSQL connection from the pool; its calls wait on `runtime`.
    pub(crate) fn postgres(
        client: deadpool_postgres::Object,
        runtime: tokio::runtime::Handle,
    ) -> Connection {
        Connection {
            inner: ConnectionInner::Postgres(PgConnection { client, runtime }),
        }
    }

    /// A statement, kept prepared for the next call with the same text.
    pub(crate) fn prepare_cached(&self, sql: &str) -> Result<Statement<'_>> {
        let inner = match &self.inner {
            ConnectionInner::Sqlite(connection) => {
                StatementInner::Sqlite(connection.prepare_cached(sql)?)
            }
            ConnectionInner::Postgres(connection) => StatementInner::Postgres {
                statement: connection.prepare(sql)?,
                connection,
            },
        };
        Ok(Statement { inner })
    }

    /// The same as [`Connection::prepare_cached`]: both engines keep statements prepared.
    pub(crate) fn prepare(&self, sql: &str) -> Result<Statement<'_>> {
        self.prepare_cached(sql)
    }

    /// Runs one statement; the number of rows it changed.
    pub(crate) fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }

    /// The first row of a query, mapped; [`Error::NoRows`] when there is none.
    pub(crate) fn query_row<T, P, F>(&self, sql: &str, params: P, map: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        self.prepare_cached(sql)?.query_row(params, map)
    }

    /// Statements without parameters, separated by semicolons.
    pub(crate) fn execute_batch(&self, sql: &str) -> Result<()> {
        match &self.inner {
            ConnectionInner::Sqlite(connection) => Ok(connection.execute_batch(sql)?),
            ConnectionInner::Postgres(connection) => {
                Ok(connection.wait(connection.client.batch_execute(sql))?)
            }
        }
    }

    /// A transaction with SQLite's default behaviour (see [`TransactionBehavior`]).
    pub(crate) fn transaction(&mut self) -> Result<Transaction<'_>> {
        self.transaction_with_behavior(TransactionBehavior::Deferred)
    }

    /// A transaction, rolled back unless committed.
    pub(crate) fn transaction_with_behavior(
        &mut self,
        behavior: TransactionBehavior,
    ) -> Result<Transaction<'_>> {
        let begin = match (&self.inner, behavior) {
            (ConnectionInner::Sqlite(_), TransactionBehavior::Deferred) => "BEGIN DEFERRED",
            (ConnectionInner::Sqlite(_), TransactionBehavior::Immediate) => "BEGIN IMMEDIATE",
            (ConnectionInner::Postgres(_), _) => {
                // One round trip: the transaction and the lock together.
                const BEGIN: &str = "BEGIN; SELECT pg_advisory_xact_lock(1835235186)";
                const _: () = assert!(WRITE_LOCK == 1_835_235_186);
                BEGIN
            }
        };
        self.execute_batch(begin)?;
        Ok(Transaction {
            connection: self,
            open: true,
        })
    }
}

/// A transaction: rolled back when dropped without [`Transaction::commit`].
pub(crate) struct Transaction<'c> {
    connection: &'c mut Connection,
    open: bool,
}

impl Transaction<'_> {
    /// Makes the changes durable.
    pub(crate) fn commit(mut self) -> Result<()> {
        self.open = false;
        self.connection.execute_batch("COMMIT")
    }
}

impl Deref for Transaction<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.connection
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if self.open
            && let Err(error) = self.connection.execute_batch("ROLLBACK")
        {
            tracing::warn!(%error, "a transaction could not be rolled back");
        }
    }
}

/// A prepared statement of either engine.
pub(crate) struct Statement<'c> {
    inner: StatementInner<'c>,
}

enum StatementInner<'c> {
    Sqlite(rusqlite::CachedStatement<'c>),
    Postgres {
        connection: &'c PgConnection,
        statement: tokio_postgres::Statement,
    },
}

impl Statement<'_> {
    /// Runs it; the number of rows it changed.
    pub(crate) fn execute<P: Params>(&mut self, params: P) -> Result<usize> {
        let values = params.values()?;
        match &mut self.inner {
            StatementInner::Sqlite(statement) => Ok(statement
                .execute(rusqlite::params_from_iter(values.iter()))
                .map_err(Error::from)?),
            StatementInner::Postgres {
                connection,
                statement,
            } => connection.execute(statement, &values),
        }
    }

    /// Every row, mapped, in the order the query gives them.
    pub(crate) fn query_map<T, P, F>(
        &mut self,
        params: P,
        mut map: F,
    ) -> Result<std::vec::IntoIter<Result<T>>>
    where
        P: Params,
        F: FnMut(&Row<'_>) -> Result<T>,
    {
        let values = params.values()?;
        let mut mapped = Vec::new();
        match &mut self.inner {
            StatementInner::Sqlite(statement) => {
                let mut rows = statement.query(rusqlite::params_from_iter(values.iter()))?;
                while let Some(row) = rows.next()? {
                    mapped.push(map(&Row {
                        inner: RowInner::Sqlite(row),
                    }));
                }
            }
            StatementInner::Postgres {
                connection,
                statement,
            } => {
                for row in connection.query(statement, &values)? {
                    mapped.push(map(&Row {
                        inner: RowInner::Postgres(&row),
                    }));
                }
            }
        }
        Ok(mapped.into_iter())
    }

    /// The first row, mapped; [`Error::NoRows`] when there is none.
    pub(crate) fn query_row<T, P, F>(&mut self, params: P, map: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        let values = params.values()?;
        match &mut self.inner {
            StatementInner::Sqlite(statement) => {
                let mut rows = statement.query(rusqlite::params_from_iter(values.iter()))?;
                let row = rows.next()?.ok_or(Error::NoRows)?;
                map(&Row {
                    inner: RowInner::Sqlite(row),
                })
            }
            StatementInner::Postgres {
                connection,
                statement,
            } => {
                let rows = connection.query(statement, &values)?;
                let row = rows.first().ok_or(Error::NoRows)?;
                map(&Row {
                    inner: RowInner::Postgres(row),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_parameters_become_dollars_outside_quotes() {
        assert_eq!(
            postgres_sql("SELECT a FROM t WHERE b = ?1 AND c = '?2' AND d = ?12 OR e = ?"),
            "SELECT a FROM t WHERE b = $1 AND c = '?2' AND d = $12 OR e = $1"
        );
        assert!(matches!(postgres_sql("SELECT 1"), Cow::Borrowed(_)));
        assert_eq!(postgres_sql(r#"SELECT "?x", ?2"#), r#"SELECT "?x", $2"#);
    }

    #[test]
    fn values_read_the_same_whatever_the_engine_gave() {
        assert_eq!(i64::from_value(Value::Bool(true)).unwrap(), 1);
        assert!(bool::from_value(Value::Integer(1)).unwrap());
        assert_eq!(Option::<String>::from_value(Value::Null).unwrap(), None);
        assert!(String::from_value(Value::Integer(1)).is_err());
        assert!(u8::from_value(Value::Integer(300)).is_err());
        assert_eq!(
            <[u8; 2]>::from_value(Value::Blob(vec![1, 2])).unwrap(),
            [1, 2]
        );
    }

    #[test]
    fn sqlite_statements_run_through_the_interface() {
        let mut connection = Connection::sqlite(rusqlite::Connection::open_in_memory().unwrap());
        connection
            .execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, data BLOB)")
            .unwrap();
        {
            let tx = connection
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .unwrap();
            tx.execute(
                "INSERT INTO t (id, name, data) VALUES (?1, ?2, ?3)",
                params![1_i64, "một", vec![1_u8, 2]],
            )
            .unwrap();
            tx.execute("INSERT INTO t (id, name) VALUES (?1, NULL)", [2_i64])
                .unwrap();
            tx.commit().unwrap();
        }
        {
            let tx = connection.transaction().unwrap();
            tx.execute("DELETE FROM t", []).unwrap();
            // Dropped without commit: rolled back.
        }
        let names: Vec<Option<String>> = connection
            .prepare_cached("SELECT name FROM t ORDER BY id")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_>>()
            .unwrap();
        assert_eq!(names, [Some("một".to_owned()), None]);
        let missing = connection
            .query_row("SELECT id FROM t WHERE id = ?1", [9_i64], |row| {
                row.get::<_, i64>(0)
            })
            .optional()
            .unwrap();
        assert_eq!(missing, None);
        assert!(
            connection
                .execute("INSERT INTO t (id) VALUES (?1)", [1_i64])
                .is_err()
        );
    }
}
