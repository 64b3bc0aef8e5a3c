//! The procedure catalog on the device: synced from the portal (versioned, conditional on
//! the ETag), stored whole in SQLite, and searchable offline.

pub mod search;

use std::sync::{Arc, RwLock};

use motcua_protocol::catalog::{Catalog, PATH_CATALOG, Procedure};
use motcua_protocol::i18n::{Lang, Localized};
use rusqlite::{OptionalExtension as _, params};

use self::search::{SearchDocument, SearchHit, SearchIndex};
use crate::CoreConfig;
use crate::http::{HttpClient, HttpError};
use crate::store::{Database, StoreError};

/// Why a catalog operation failed.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// The portal could not be reached; the cached catalog is still usable.
    #[error("network: {0}")]
    Network(String),
    /// No catalog was ever downloaded on this device.
    #[error("the catalog has not been downloaded yet")]
    NotDownloaded,
    /// The local database failed.
    #[error(transparent)]
    Storage(#[from] StoreError),
    /// The portal answered something unusable.
    #[error("unexpected answer: {0}")]
    Unexpected(String),
}

impl From<rusqlite::Error> for CatalogError {
    fn from(error: rusqlite::Error) -> Self {
        CatalogError::Storage(StoreError::from(error))
    }
}

impl From<HttpError> for CatalogError {
    fn from(error: HttpError) -> Self {
        match error {
            HttpError::Network(detail) => CatalogError::Network(detail),
            other => CatalogError::Unexpected(other.to_string()),
        }
    }
}

impl Localized for CatalogError {
    fn code(&self) -> &'static str {
        match self {
            CatalogError::Network(_) => "network_unavailable",
            CatalogError::NotDownloaded => "catalog_not_downloaded",
            CatalogError::Storage(_) => "storage_failed",
            CatalogError::Unexpected(_) => "unexpected_answer",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (vi, en) = match self {
            CatalogError::Network(_) => (
                "Không kết nối được để cập nhật danh mục thủ tục; vẫn dùng được danh mục đã lưu.",
                "Could not connect to update the list of procedures; the saved list still works.",
            ),
            CatalogError::NotDownloaded => (
                "Chưa tải danh mục thủ tục. Hãy kết nối mạng một lần để tải về.",
                "The list of procedures is not downloaded yet. Connect once to download it.",
            ),
            CatalogError::Storage(_) => (
                "Không đọc/ghi được dữ liệu trên máy. Hãy kiểm tra bộ nhớ còn trống.",
                "Data on this device could not be read or written. Check free storage.",
            ),
            CatalogError::Unexpected(_) => (
                "Cổng dịch vụ công trả lời không như mong đợi. Vui lòng thử lại sau.",
                "The portal gave an unexpected answer. Please try again later.",
            ),
        };
        match lang {
            Lang::Vi => vi.to_owned(),
            Lang::En => en.to_owned(),
        }
    }
}

/// What a refresh did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogRefresh {
    /// A new catalog was stored.
    Updated {
        /// Its version.
        version: String,
        /// Number of procedures.
        procedures: usize,
    },
    /// The portal said 304 Not Modified.
    Unchanged {
        /// The version kept.
        version: String,
    },
}

/// The catalog area of the core.
pub struct CatalogArea {
    config: Arc<CoreConfig>,
    http: HttpClient,
    database: Arc<Database>,
    /// Built on first search, replaced on update.
    index: RwLock<Option<Arc<SearchIndex>>>,
}

impl CatalogArea {
    pub(crate) fn new(config: Arc<CoreConfig>, http: HttpClient, database: Arc<Database>) -> Self {
        CatalogArea {
            config,
            http,
            database,
            index: RwLock::new(None),
        }
    }

    /// Fetches the catalog if it changed since the stored version (`If-None-Match`), and
    /// stores it in one transaction. Public data: no login needed.
    pub async fn refresh_catalog(&self) -> Result<CatalogRefresh, CatalogError> {
        let stored = self.stored_meta()?;
        let url = format!(
            "{}{PATH_CATALOG}",
            self.config.portal_url.as_str().trim_end_matches('/')
        );
        let mut request = self.http.raw().get(url);
        if let Some((_, Some(etag))) = &stored {
            request = request.header(reqwest::header::IF_NONE_MATCH, etag);
        }
        let response = request.send().await.map_err(|e| {
            CatalogError::Network(
                if e.is_timeout() {
                    "timed out"
                } else {
                    "could not connect"
                }
                .into(),
            )
        })?;
        if response.status() == reqwest::StatusCode::NOT_MODIFIED {
            let version = stored.map(|(v, _)| v).ok_or_else(|| {
                CatalogError::Unexpected("304 Not Modified without a stored catalog".into())
            })?;
            tracing::debug!("catalog unchanged");
            return Ok(CatalogRefresh::Unchanged { version });
        }
        let etag = response
            .headers()
            .get(reqwest::header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let catalog: Catalog = self.http.json_from(response).await?;
        let count = catalog.procedures.len();
        let version = catalog.version.clone();
        let database = self.database.clone();
        // Storing a few thousand rows takes tens of milliseconds: off the async threads.
        tokio::task::spawn_blocking(move || store_catalog(&database, &catalog, etag.as_deref()))
            .await
            .map_err(|e| CatalogError::Unexpected(e.to_string()))??;
        *self.index.write().map_err(|_| StoreError::Poisoned)? = None;
        tracing::info!(procedures = count, "catalog updated");
        Ok(CatalogRefresh::Updated {
            version,
            procedures: count,
        })
    }

    /// Stores a catalog the app already has (e.g. one shipped inside the app, so that
    /// search works on the very first start without network), as a refresh would.
    pub fn install_catalog(&self, catalog: &Catalog) -> Result<(), CatalogError> {
        store_catalog(&self.database, catalog, None)?;
        *self.index.write().map_err(|_| StoreError::Poisoned)? = None;
        Ok(())
    }

    /// The stored catalog's version, if any.
    pub fn catalog_version(&self) -> Result<Option<String>, CatalogError> {
        Ok(self.stored_meta()?.map(|(version, _)| version))
    }

    /// One procedure from the stored catalog.
    pub fn procedure(&self, code: &str) -> Result<Option<Procedure>, CatalogError> {
        let body: Option<String> = self
            .database
            .connection()?
            .query_row(
                "SELECT body FROM procedures WHERE code = ?1",
                params![code.trim()],
                |row| row.get(0),
            )
            .optional()?;
        body.map(|json| {
            serde_json::from_str(&json)
                .map_err(|e| CatalogError::Unexpected(format!("stored procedure: {e}")))
        })
        .transpose()
    }

    /// Searches the stored catalog, offline. Any text is accepted.
    pub fn search_procedures(
        &self,
        query: &str,
        limit: usize,
    ) -> Result<Vec<SearchHit>, CatalogError> {
        Ok(self.index()?.search(query, limit))
    }

    fn index(&self) -> Result<Arc<SearchIndex>, CatalogError> {
        if let Some(index) = self
            .index
            .read()
            .map_err(|_| StoreError::Poisoned)?
            .as_ref()
        {
            return Ok(index.clone());
        }
        if self.stored_meta()?.is_none() {
            return Err(CatalogError::NotDownloaded);
        }
        let index = Arc::new(SearchIndex::build(load_documents(&self.database)?));
        *self.index.write().map_err(|_| StoreError::Poisoned)? = Some(index.clone());
        Ok(index)
    }

    fn stored_meta(&self) -> Result<Option<(String, Option<String>)>, CatalogError> {
        Ok(self
            .database
            .connection()?
            .query_row(
                "SELECT version, etag FROM catalog_meta WHERE id = 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?)
    }
}

fn store_catalog(
    database: &Database,
    catalog: &Catalog,
    etag: Option<&str>,
) -> Result<(), CatalogError> {
    let mut connection = database.connection()?;
    let tx = connection.transaction()?;
    tx.execute("DELETE FROM procedure_aliases", [])?;
    tx.execute("DELETE FROM procedures", [])?;
    {
        let mut insert = tx.prepare(
            "INSERT INTO procedures (code, name_vi, name_en, field_vi, popularity, body)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for procedure in &catalog.procedures {
            let body = serde_json::to_string(procedure)
                .map_err(|e| CatalogError::Unexpected(e.to_string()))?;
            insert.execute(params![
                procedure.code,
                procedure.name_vi,
                procedure.name_en,
                procedure.field_vi,
                procedure.popularity,
                body
            ])?;
        }
        let mut alias =
            tx.prepare("INSERT INTO procedure_aliases (phrase, code) VALUES (?1, ?2)")?;
        for entry in &catalog.aliases {
            for code in &entry.codes {
                alias.execute(params![entry.phrase, code])?;
            }
        }
    }
    tx.execute(
        "INSERT INTO catalog_meta (id, version, etag, synthetic, fetched_at)
         VALUES (1, ?1, ?2, ?3, strftime('%s','now'))
         ON CONFLICT(id) DO UPDATE SET version = ?1, etag = ?2, synthetic = ?3,
             fetched_at = strftime('%s','now')",
        params![catalog.version, etag, catalog.synthetic],
    )?;
    tx.commit()?;
    Ok(())
}

fn load_documents(database: &Database) -> Result<Vec<SearchDocument>, CatalogError> {
    let connection = database.connection()?;
    let mut aliases: std::collections::HashMap<String, Vec<String>> = Default::default();
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
