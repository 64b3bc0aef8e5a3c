//! The procedure catalog on the device, in two parts (decision record 0006): the summary
//! of every procedure (what search and lists need), refreshed with a conditional request
//! and afterwards only as a delta of what changed; and each procedure's detail (documents,
//! form), fetched when the procedure is opened or a draft of it is started, then kept.
//! A catalog shipped with the app installs offline. Cut downloads continue with `Range`.

mod download;
pub mod search;

use std::sync::{Arc, RwLock};

use motcua_protocol::api::catalog::{PATH_CATALOG_SUMMARY_GZ, procedure_gz_path};
use motcua_protocol::catalog::{AliasesFile, Catalog, Procedure, ProceduresFile, assemble};
use motcua_protocol::catalog_delivery::{CatalogSummary, ProcedureSummary, detail_version};
use motcua_protocol::i18n::{Lang, Localized};

use self::download::Download;
use self::search::{SearchHit, SearchIndex};
use crate::CoreConfig;
use crate::http::{HttpClient, HttpError};
use crate::store::catalog as cache;
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
    /// A new catalog summary was stored (whole, or a delta applied).
    Updated {
        /// Its version.
        version: String,
        /// Number of procedures the answer carried (all of them, or those that changed).
        procedures: usize,
    },
    /// The portal said 304 Not Modified.
    Unchanged {
        /// The version kept.
        version: String,
    },
}

/// What installing the catalog shipped with the app did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BundleInstall {
    /// Nothing was stored: the shipped catalog now is, details included.
    Installed {
        /// Its version.
        version: String,
    },
    /// A catalog was already stored (installed or downloaded earlier): kept; refreshes
    /// bring only what changed since.
    AlreadyInstalled {
        /// The stored version.
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

    /// Brings the summary up to date: one conditional request (`?since=<stored version>`,
    /// `If-None-Match`) answered by 304, a delta of what changed, or the whole summary
    /// when nothing is stored or the portal no longer knows the stored version. A cut
    /// answer continues where it stopped. Public data: no login needed.
    pub async fn refresh_catalog(&self) -> Result<CatalogRefresh, CatalogError> {
        let stored = self.database.blocking(cache::meta).await?;
        let (path, tag) = match &stored {
            Some(version) => (
                format!("{PATH_CATALOG_SUMMARY_GZ}?since={version}"),
                Some(format!("\"{version}\"")),
            ),
            None => (PATH_CATALOG_SUMMARY_GZ.to_owned(), None),
        };
        let body = match download::download(
            &self.http,
            &self.database,
            &self.config.portal_url,
            &path,
            tag.as_deref(),
        )
        .await?
        {
            Download::NotModified => {
                let version = stored.ok_or_else(|| {
                    CatalogError::Unexpected("304 Not Modified without a stored catalog".into())
                })?;
                tracing::debug!("catalog unchanged");
                return Ok(CatalogRefresh::Unchanged { version });
            }
            Download::Body(body) => body,
        };
        let summary: CatalogSummary = serde_json::from_slice(&body)
            .map_err(|e| CatalogError::Unexpected(format!("catalog summary: {e}")))?;
        let count = summary.procedures.len();
        let version = summary.version.clone();
        let delta = summary.base.is_some();
        // Storing a few thousand rows takes tens of milliseconds: off the async threads.
        self.database
            .blocking(move |database| cache::apply_summary(database, &summary))
            .await?;
        *self.index.write().map_err(|_| StoreError::Poisoned)? = None;
        tracing::info!(procedures = count, delta, "catalog updated");
        Ok(CatalogRefresh::Updated {
            version,
            procedures: count,
        })
    }

    /// Stores a whole catalog (summary and every detail), replacing what is stored.
    pub fn install_catalog(&self, catalog: &Catalog) -> Result<(), CatalogError> {
        cache::store_whole(&self.database, catalog)?;
        *self.index.write().map_err(|_| StoreError::Poisoned)? = None;
        Ok(())
    }

    /// Installs the catalog shipped with the app (`procedures.json` and `aliases.json` of
    /// `data/catalog`), offline, when no catalog is stored yet: search and drafts work on
    /// the very first start, and the first refresh asks only for what changed since. Its
    /// version is the one the portal publishes for the same data.
    pub fn install_bundled_catalog(
        &self,
        procedures_json: &str,
        aliases_json: &str,
    ) -> Result<BundleInstall, CatalogError> {
        if let Some(version) = cache::meta(&self.database)? {
            return Ok(BundleInstall::AlreadyInstalled { version });
        }
        let procedures: ProceduresFile = serde_json::from_str(procedures_json)
            .map_err(|e| CatalogError::Unexpected(format!("shipped procedures: {e}")))?;
        let aliases: AliasesFile = serde_json::from_str(aliases_json)
            .map_err(|e| CatalogError::Unexpected(format!("shipped aliases: {e}")))?;
        let catalog = assemble(procedures.procedures, aliases.aliases)
            .map_err(|e| CatalogError::Unexpected(format!("shipped catalog: {e}")))?;
        self.install_catalog(&catalog)?;
        tracing::info!(
            procedures = catalog.procedures.len(),
            "shipped catalog installed"
        );
        Ok(BundleInstall::Installed {
            version: catalog.version,
        })
    }

    /// The stored catalog's version, if any.
    pub fn catalog_version(&self) -> Result<Option<String>, CatalogError> {
        cache::meta(&self.database)
    }

    /// One procedure's summary from the stored catalog.
    pub fn procedure_summary(&self, code: &str) -> Result<Option<ProcedureSummary>, CatalogError> {
        cache::summary(&self.database, code.trim())
    }

    /// One procedure's detail as stored, without network: `None` when it was never
    /// opened (see [`CatalogArea::open_procedure`]). It may be older than the summary says
    /// when a refresh changed it and it was not opened since.
    pub fn procedure(&self, code: &str) -> Result<Option<Procedure>, CatalogError> {
        Ok(cache::detail(&self.database, code.trim())?.map(|(procedure, _)| procedure))
    }

    /// A procedure opened (its screen shown, a draft about to start): its detail, fetched
    /// when the stored one is missing or not the version the summary names (a cut
    /// download continues), and kept. Offline, a stored older detail is returned; with
    /// none, the network error. `Ok(None)`: the catalog has no such procedure.
    pub async fn open_procedure(&self, code: &str) -> Result<Option<Procedure>, CatalogError> {
        let code = code.trim();
        let key = code.to_owned();
        let (summary, catalog_stored, stored) = self
            .database
            .blocking(move |database| {
                let summary = cache::summary(database, &key)?;
                let catalog_stored = summary.is_some() || cache::meta(database)?.is_some();
                let stored = match summary {
                    Some(_) => cache::detail(database, &key)?,
                    None => None,
                };
                Ok::<_, CatalogError>((summary, catalog_stored, stored))
            })
            .await?;
        let Some(summary) = summary else {
            if !catalog_stored {
                return Err(CatalogError::NotDownloaded);
            }
            return Ok(None);
        };
        if let Some((procedure, version)) = &stored
            && *version == summary.detail
        {
            return Ok(Some(procedure.clone()));
        }
        let tag = stored.as_ref().map(|(_, version)| format!("\"{version}\""));
        let fetched = download::download(
            &self.http,
            &self.database,
            &self.config.portal_url,
            &procedure_gz_path(code),
            tag.as_deref(),
        )
        .await;
        let body = match fetched {
            Ok(Download::Body(body)) => body,
            Ok(Download::NotModified) => return Ok(stored.map(|(procedure, _)| procedure)),
            Err(CatalogError::Network(detail)) => {
                return match stored {
                    Some((procedure, _)) => {
                        tracing::info!(%detail, "offline: an older detail of the procedure");
                        Ok(Some(procedure))
                    }
                    None => Err(CatalogError::Network(detail)),
                };
            }
            Err(other) => return Err(other),
        };
        let procedure: Procedure = serde_json::from_slice(&body)
            .map_err(|e| CatalogError::Unexpected(format!("procedure detail: {e}")))?;
        if procedure.code != code {
            return Err(CatalogError::Unexpected(format!(
                "asked for {code}, got {}",
                procedure.code
            )));
        }
        if detail_version(&procedure) != summary.detail {
            // Newer than the stored summary (the catalog changed since the last refresh):
            // kept; the next refresh names it.
            tracing::debug!(code, "detail newer than the stored summary");
        }
        self.database
            .blocking(move |database| {
                cache::put_detail(database, &procedure)?;
                Ok::<_, CatalogError>(procedure)
            })
            .await
            .map(Some)
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
        if cache::meta(&self.database)?.is_none() {
            return Err(CatalogError::NotDownloaded);
        }
        let index = Arc::new(SearchIndex::build(cache::search_documents(&self.database)?));
        *self.index.write().map_err(|_| StoreError::Poisoned)? = Some(index.clone());
        Ok(index)
    }
}
