//! The catalog's tables in the profile's SQLite (migration 10): the summary of every
//! procedure, the details opened so far, the aliases, and the kept prefix of a cut
//! download. Public data, not sealed (every column is `NotPersonal` in the store's column
//! policy). All of the catalog area's SQL is here; `crate::catalog` holds the logic.
//!
//! The functions are blocking: the catalog area calls them through
//! [`Database::blocking`] from its async calls.

use std::collections::HashMap;

use motcua_protocol::catalog::{Alias, Procedure};
use motcua_protocol::catalog_delivery::{CatalogSummary, ProcedureSummary, detail_version};
use rusqlite::{OptionalExtension as _, Transaction, params};

use super::Database;
use crate::catalog::CatalogError;
use crate::catalog::search::SearchDocument;

fn json<T: serde::Serialize>(value: &T) -> Result<String, CatalogError> {
    serde_json::to_string(value).map_err(|e| CatalogError::Unexpected(e.to_string()))
}

/// The stored version and whether it is synthetic.
pub(crate) fn meta(database: &Database) -> Result<Option<String>, CatalogError> {
    Ok(database
        .connection()?
        .query_row("SELECT version FROM catalog_meta WHERE id = 1", [], |row| {
            row.get(0)
        })
        .optional()?)
}

fn upsert_summary(tx: &Transaction<'_>, summary: &ProcedureSummary) -> Result<(), CatalogError> {
    tx.execute(
        "INSERT INTO procedures (code, name_vi, name_en, field_vi, popularity, summary,
             detail_version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(code) DO UPDATE SET name_vi = ?2, name_en = ?3, field_vi = ?4,
             popularity = ?5, summary = ?6, detail_version = ?7",
        params![
            summary.code,
            summary.name_vi,
            summary.name_en,
            summary.field_vi,
            summary.popularity,
            json(summary)?,
            summary.detail
        ],
    )?;
    Ok(())
}

fn replace_aliases(tx: &Transaction<'_>, aliases: &[Alias]) -> Result<(), CatalogError> {
    tx.execute("DELETE FROM procedure_aliases", [])?;
    let mut insert = tx.prepare(
        "INSERT INTO procedure_aliases (phrase, code)
         SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM procedures WHERE code = ?2)",
    )?;
    for entry in aliases {
        for code in &entry.codes {
            insert.execute(params![entry.phrase, code])?;
        }
    }
    Ok(())
}

fn set_meta(tx: &Transaction<'_>, version: &str, synthetic: bool) -> Result<(), CatalogError> {
    tx.execute(
        "INSERT INTO catalog_meta (id, version, synthetic, fetched_at)
         VALUES (1, ?1, ?2, strftime('%s','now'))
         ON CONFLICT(id) DO UPDATE SET version = ?1, synthetic = ?2,
             fetched_at = strftime('%s','now')",
        params![version, synthetic],
    )?;
    Ok(())
}

/// Applies a summary from the portal: a whole one replaces the stored summary, a delta
/// changes, adds and removes procedures. Details whose version the summary no longer
/// names stay until replaced (an offline phone can still show them) and are refetched
/// when opened. Refuses a delta from another version than the stored one.
pub(crate) fn apply_summary(
    database: &Database,
    summary: &CatalogSummary,
) -> Result<(), CatalogError> {
    let mut connection = database.connection()?;
    let tx = connection.transaction()?;
    match &summary.base {
        None => {
            tx.execute("DELETE FROM procedure_aliases", [])?;
            tx.execute("DELETE FROM procedures", [])?;
        }
        Some(base) => {
            let stored: Option<String> = tx
                .query_row("SELECT version FROM catalog_meta WHERE id = 1", [], |row| {
                    row.get(0)
                })
                .optional()?;
            if stored.as_deref() != Some(base.as_str()) {
                return Err(CatalogError::Unexpected(format!(
                    "a delta from {base}, the phone has {stored:?}"
                )));
            }
        }
    }
    for code in &summary.removed {
        tx.execute("DELETE FROM procedures WHERE code = ?1", params![code])?;
        tx.execute(
            "DELETE FROM procedure_details WHERE code = ?1",
            params![code],
        )?;
    }
    for procedure in &summary.procedures {
        upsert_summary(&tx, procedure)?;
    }
    if let Some(aliases) = &summary.aliases {
        replace_aliases(&tx, aliases)?;
    }
    if summary.base.is_none() {
        // Details of procedures the whole summary no longer has.
        tx.execute(
            "DELETE FROM procedure_details WHERE code NOT IN (SELECT code FROM procedures)",
            [],
        )?;
    }
    set_meta(&tx, &summary.version, summary.synthetic)?;
    tx.commit()?;
    Ok(())
}

/// Stores a whole catalog with every detail (the one shipped with the app).
pub(crate) fn store_whole(
    database: &Database,
    catalog: &motcua_protocol::catalog::Catalog,
) -> Result<(), CatalogError> {
    apply_summary(database, &CatalogSummary::of(catalog))?;
    let mut connection = database.connection()?;
    let tx = connection.transaction()?;
    for procedure in &catalog.procedures {
        put_detail_in(&tx, procedure)?;
    }
    tx.commit()?;
    Ok(())
}

fn put_detail_in(tx: &Transaction<'_>, procedure: &Procedure) -> Result<(), CatalogError> {
    tx.execute(
        "INSERT INTO procedure_details (code, version, body, fetched_at)
         VALUES (?1, ?2, ?3, strftime('%s','now'))
         ON CONFLICT(code) DO UPDATE SET version = ?2, body = ?3,
             fetched_at = strftime('%s','now')",
        params![procedure.code, detail_version(procedure), json(procedure)?],
    )?;
    Ok(())
}

/// Stores one procedure's detail.
pub(crate) fn put_detail(database: &Database, procedure: &Procedure) -> Result<(), CatalogError> {
    let mut connection = database.connection()?;
    let tx = connection.transaction()?;
    put_detail_in(&tx, procedure)?;
    tx.commit()?;
    Ok(())
}

/// The stored detail of `code` and its version.
pub(crate) fn detail(
    database: &Database,
    code: &str,
) -> Result<Option<(Procedure, String)>, CatalogError> {
    let row: Option<(String, String)> = database
        .connection()?
        .query_row(
            "SELECT body, version FROM procedure_details WHERE code = ?1",
            params![code],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    row.map(|(body, version)| {
        serde_json::from_str(&body)
            .map(|procedure| (procedure, version))
            .map_err(|e| CatalogError::Unexpected(format!("stored procedure: {e}")))
    })
    .transpose()
}

/// The stored summary of `code`.
pub(crate) fn summary(
    database: &Database,
    code: &str,
) -> Result<Option<ProcedureSummary>, CatalogError> {
    let body: Option<String> = database
        .connection()?
        .query_row(
            "SELECT summary FROM procedures WHERE code = ?1",
            params![code],
            |row| row.get(0),
        )
        .optional()?;
    body.map(|json| {
        serde_json::from_str(&json)
            .map_err(|e| CatalogError::Unexpected(format!("stored summary: {e}")))
    })
    .transpose()
}

/// Everything search needs, from the summary.
pub(crate) fn search_documents(database: &Database) -> Result<Vec<SearchDocument>, CatalogError> {
    let connection = database.connection()?;
    let mut aliases: HashMap<String, Vec<String>> = HashMap::new();
    let mut statement =
        connection.prepare("SELECT code, phrase FROM procedure_aliases ORDER BY rowid")?;
    let rows = statement.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (code, phrase) = row?;
        aliases.entry(code).or_default().push(phrase);
    }
    let mut statement = connection.prepare(
        "SELECT code, name_vi, name_en, field_vi, popularity FROM procedures ORDER BY code",
    )?;
    let rows = statement.query_map([], |row| {
        Ok(SearchDocument {
            code: row.get(0)?,
            name_vi: row.get(1)?,
            name_en: row.get(2)?,
            field_vi: row.get(3)?,
            aliases: Vec::new(),
            popularity: row.get(4)?,
        })
    })?;
    let mut documents = Vec::new();
    for row in rows {
        let mut document = row?;
        document.aliases = aliases.remove(&document.code).unwrap_or_default();
        documents.push(document);
    }
    Ok(documents)
}

/// The kept prefix of a cut download of `path`, with its validator.
pub(crate) fn kept(
    database: &Database,
    path: &str,
) -> Result<Option<(String, Vec<u8>)>, CatalogError> {
    Ok(database
        .connection()?
        .query_row(
            "SELECT validator, received FROM catalog_downloads WHERE path = ?1",
            params![path],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?)
}

/// Keeps the prefix `bytes` of a cut download of `path` with its strong `validator`.
pub(crate) fn keep(
    database: &Database,
    path: &str,
    validator: &str,
    bytes: &[u8],
) -> Result<(), CatalogError> {
    database.connection()?.execute(
        "INSERT INTO catalog_downloads (path, validator, received, updated_at)
         VALUES (?1, ?2, ?3, strftime('%s','now'))
         ON CONFLICT(path) DO UPDATE SET validator = ?2, received = ?3,
             updated_at = strftime('%s','now')",
        params![path, validator, bytes],
    )?;
    Ok(())
}

/// Drops a kept prefix (the download finished, or what was kept is of no use).
pub(crate) fn forget(database: &Database, path: &str) -> Result<(), CatalogError> {
    database.connection()?.execute(
        "DELETE FROM catalog_downloads WHERE path = ?1",
        params![path],
    )?;
    Ok(())
}
