//! The published procedure catalog: loaded at start (the repository's `data/catalog`
//! files, built in, or a directory given with `--catalog`), checked, versioned by content,
//! and served with an ETag so that clients download it only when it changed.

use std::collections::HashMap;
use std::path::Path;

use crate::store::sql::{Connection, OptionalExtension as _, params};
use axum::extract::{Path as AxumPath, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use motcua_protocol::catalog::{Alias, AliasesFile, Catalog, Procedure, ProceduresFile, assemble};
use motcua_protocol::catalog_delivery::{
    CatalogSummary, VersionManifest, delta, detail_version, short_digest,
};
use serde::Deserialize;

use crate::AppState;
use crate::error::{ApiError, PortalError};
use crate::representation::{Representation, names_version};

/// The repository's catalog, built into the binary.
const BUILTIN_PROCEDURES: &str = include_str!("../../data/catalog/procedures.json");
const BUILTIN_ALIASES: &str = include_str!("../../data/catalog/aliases.json");

/// The repository's procedures and aliases, built in (the synthetic benchmark catalog
/// starts from them). Checked by the portal's tests, so parsing cannot fail in a build
/// that passed them; an unparsable file yields an empty catalog rather than a panic.
pub fn builtin_catalog() -> (Vec<Procedure>, Vec<Alias>) {
    let procedures = serde_json::from_str::<ProceduresFile>(BUILTIN_PROCEDURES)
        .map(|f| f.procedures)
        .unwrap_or_default();
    let aliases = serde_json::from_str::<AliasesFile>(BUILTIN_ALIASES)
        .map(|f| f.aliases)
        .unwrap_or_default();
    (procedures, aliases)
}

/// How many earlier catalog versions the portal keeps deltas for; a phone further behind
/// gets the whole summary.
const DELTA_HISTORY: usize = 16;

/// The catalog as served: the whole catalog (the old endpoint), its summary, each
/// procedure's detail and the deltas from earlier versions, each with its tag and gzip
/// encoding; and the procedures by code (for checking submissions).
pub(crate) struct PublishedCatalog {
    catalog: Catalog,
    whole: Representation,
    summary: Representation,
    details: HashMap<String, Representation>,
    /// Deltas to the current version, by the version they start from.
    deltas: HashMap<String, Representation>,
    /// Position of each procedure in `catalog.procedures`, by code.
    index: HashMap<String, usize>,
    /// Number of procedures (for logs).
    pub(crate) procedures: usize,
}

impl PublishedCatalog {
    /// The built-in catalog, or the one in `dir` (`procedures.json`, optional `aliases.json`).
    pub(crate) fn load(dir: Option<&Path>) -> Result<PublishedCatalog, PortalError> {
        let (procedures, aliases) = match dir {
            None => (
                BUILTIN_PROCEDURES.to_owned(),
                Some(BUILTIN_ALIASES.to_owned()),
            ),
            Some(dir) => {
                let read = |name: &str| std::fs::read_to_string(dir.join(name));
                let procedures = read("procedures.json").map_err(|source| PortalError::Io {
                    context: "cannot read procedures.json of the catalog directory",
                    source,
                })?;
                (procedures, read("aliases.json").ok())
            }
        };
        let procedures: ProceduresFile = serde_json::from_str(&procedures)
            .map_err(|e| PortalError::Config(format!("catalog procedures: {e}")))?;
        let aliases: AliasesFile = match aliases {
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| PortalError::Config(format!("catalog aliases: {e}")))?,
            None => AliasesFile { aliases: vec![] },
        };
        let catalog = assemble(procedures.procedures, aliases.aliases)
            .map_err(|e| PortalError::Config(format!("catalog: {e}")))?;
        Self::publish(catalog)
    }

    fn publish(catalog: Catalog) -> Result<PublishedCatalog, PortalError> {
        let json = |value: &dyn erased::Json| {
            value
                .to_json()
                .map_err(|e| PortalError::Config(format!("catalog: {e}")))
        };
        let whole = Representation::new(&catalog.version, json(&catalog)?);
        let summary = Representation::new(&catalog.version, json(&CatalogSummary::of(&catalog))?);
        let mut details = HashMap::new();
        for procedure in &catalog.procedures {
            // `assemble` refused duplicate codes, so no procedure is lost here.
            details.insert(
                procedure.code.clone(),
                Representation::new(&detail_version(procedure), json(procedure)?),
            );
        }
        let (body, gzip) = summary.sizes();
        tracing::debug!(
            summary_bytes = body,
            summary_gzip_bytes = gzip,
            "catalog summary"
        );
        let index = catalog
            .procedures
            .iter()
            .enumerate()
            .map(|(i, p)| (p.code.clone(), i))
            .collect();
        Ok(PublishedCatalog {
            procedures: catalog.procedures.len(),
            index,
            catalog,
            whole,
            summary,
            details,
            deltas: HashMap::new(),
        })
    }

    /// Records this version in the portal's database (once) and prepares the deltas from
    /// the [`DELTA_HISTORY`] versions published before it, so that a phone holding one of
    /// them (or the catalog shipped in its app) downloads only what changed.
    pub(crate) fn with_history(mut self, conn: &mut Connection) -> Result<Self, PortalError> {
        let current = VersionManifest::of(&self.catalog);
        let tx = conn.transaction()?;
        let now = crate::db::now();
        let known: bool = tx
            .query_row(
                "SELECT 1 FROM catalog_versions WHERE version = ?1",
                params![self.catalog.version],
                |_| Ok(true),
            )
            .optional()?
            .unwrap_or(false);
        if known {
            tx.execute(
                "UPDATE catalog_versions SET last_published_at = ?2,
                     ordinal = (SELECT MAX(ordinal) + 1 FROM catalog_versions)
                 WHERE version = ?1",
                params![self.catalog.version, now],
            )?;
        } else {
            tx.execute(
                "INSERT INTO catalog_versions (version, aliases_digest, first_published_at,
                     last_published_at, ordinal)
                 VALUES (?1, ?2, ?3, ?3,
                         (SELECT COALESCE(MAX(ordinal), 0) + 1 FROM catalog_versions))",
                params![self.catalog.version, current.aliases, now],
            )?;
            let mut insert = tx.prepare(
                "INSERT INTO catalog_version_procedures (version, code, detail) VALUES (?1, ?2, ?3)",
            )?;
            for (code, detail) in &current.procedures {
                insert.execute(params![self.catalog.version, code, detail])?;
            }
        }
        let earlier: Vec<(String, String)> = {
            let mut statement = tx.prepare(
                "SELECT version, aliases_digest FROM catalog_versions WHERE version != ?1
                 ORDER BY last_published_at DESC, ordinal DESC LIMIT ?2",
            )?;
            let rows = statement
                .query_map(params![self.catalog.version, DELTA_HISTORY as i64], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })?;
            rows.collect::<Result<_, _>>()?
        };
        for (version, aliases) in earlier {
            let mut manifest = VersionManifest {
                aliases,
                ..VersionManifest::default()
            };
            let mut statement = tx.prepare_cached(
                "SELECT code, detail FROM catalog_version_procedures WHERE version = ?1",
            )?;
            let rows = statement.query_map(params![version], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })?;
            for row in rows {
                let (code, detail) = row?;
                manifest.procedures.insert(code, detail);
            }
            let delta = delta(&version, &manifest, &self.catalog);
            let body = serde_json::to_vec(&delta)
                .map_err(|e| PortalError::Config(format!("catalog delta: {e}")))?;
            self.deltas.insert(
                version,
                Representation::new(
                    &format!("{}-{}", self.catalog.version, short_digest(&body)),
                    body,
                ),
            );
        }
        tx.commit()?;
        Ok(self)
    }

    /// The published procedure with this national code.
    pub(crate) fn procedure(&self, code: &str) -> Option<&Procedure> {
        self.index.get(code).map(|&i| &self.catalog.procedures[i])
    }
}

mod erased {
    /// Serialisation behind a trait object, so one closure makes every body.
    pub(super) trait Json {
        fn to_json(&self) -> serde_json::Result<Vec<u8>>;
    }
    impl<T: serde::Serialize> Json for T {
        fn to_json(&self) -> serde_json::Result<Vec<u8>> {
            serde_json::to_vec(self)
        }
    }
}

/// `GET /api/v1/catalog`: the whole catalog (procedures with their documents and forms),
/// or 304 when the client has this version. Phones use the summary and details instead.
pub(crate) async fn get_catalog(State(state): State<AppState>, headers: HeaderMap) -> Response {
    state.catalog.whole.serve(&headers)
}

/// `?since=` of the summary.
#[derive(Debug, Deserialize)]
pub(crate) struct SummaryQuery {
    since: Option<String>,
}

/// `GET /api/v1/catalog/summary[?since=V]`: the delta from `V` when the portal knows that
/// version, else the whole summary; 304 when `If-None-Match` names the current version.
pub(crate) async fn get_summary(
    State(state): State<AppState>,
    Query(query): Query<SummaryQuery>,
    headers: HeaderMap,
) -> Response {
    summary_answer(&state.catalog, &query, &headers, Representation::serve)
}

/// `GET /api/v1/catalog/summary.gz[?since=V]`: the same, as a gzip file.
pub(crate) async fn get_summary_gz(
    State(state): State<AppState>,
    Query(query): Query<SummaryQuery>,
    headers: HeaderMap,
) -> Response {
    summary_answer(
        &state.catalog,
        &query,
        &headers,
        Representation::serve_gzip_file,
    )
}

fn summary_answer(
    catalog: &PublishedCatalog,
    query: &SummaryQuery,
    headers: &HeaderMap,
    serve: fn(&Representation, &HeaderMap) -> Response,
) -> Response {
    let representation = query
        .since
        .as_deref()
        .filter(|since| *since != catalog.summary.version())
        .and_then(|since| catalog.deltas.get(since))
        .unwrap_or(&catalog.summary);
    if representation.version() != catalog.summary.version()
        && headers
            .get_all(header::IF_NONE_MATCH)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|value| names_version(value, catalog.summary.version()))
    {
        // The phone is already at the current version: same answer as for the summary.
        return serve(&catalog.summary, headers);
    }
    serve(representation, headers)
}

/// `GET /api/v1/catalog/procedures/{code}`: one procedure's detail; `{code}.gz`: the
/// same as a gzip file.
pub(crate) async fn get_procedure(
    State(state): State<AppState>,
    AxumPath(code): AxumPath<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let details = &state.catalog.details;
    if let Some(detail) = details.get(&code) {
        return Ok(detail.serve(&headers));
    }
    code.strip_suffix(".gz")
        .and_then(|code| details.get(code))
        .map(|detail| detail.serve_gzip_file(&headers))
        .ok_or_else(ApiError::not_found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_catalog_is_valid_and_rich_enough() {
        let catalog = PublishedCatalog::load(None).expect("built-in catalog loads");
        assert!(
            catalog.procedures >= 60,
            "{} procedures",
            catalog.procedures
        );
    }

    #[test]
    fn history_gives_deltas_from_earlier_versions() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::db::open(dir.path()).unwrap();
        let (mut procedures, aliases) = builtin_catalog();
        let first =
            PublishedCatalog::publish(assemble(procedures.clone(), aliases.clone()).unwrap())
                .unwrap()
                .with_history(&mut conn)
                .unwrap();
        assert!(first.deltas.is_empty());
        let old_version = first.catalog.version.clone();
        procedures[0].popularity += 1;
        let removed = procedures.pop().unwrap();
        let aliases: Vec<Alias> = aliases
            .into_iter()
            .filter(|a| !a.codes.contains(&removed.code))
            .collect();
        let second = PublishedCatalog::publish(assemble(procedures, aliases).unwrap())
            .unwrap()
            .with_history(&mut conn)
            .unwrap();
        let delta = second
            .deltas
            .get(&old_version)
            .expect("a delta from the first version");
        let (json, gzip) = delta.sizes();
        assert!(gzip < json);
        let parsed: CatalogSummary = serde_json::from_slice(&delta.identity_bytes()).unwrap();
        assert_eq!(parsed.procedures.len(), 1);
        assert_eq!(parsed.removed, [removed.code]);
        assert_eq!(parsed.base.as_deref(), Some(old_version.as_str()));
    }
}
