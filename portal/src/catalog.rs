//! The published procedure catalog: loaded at start (the repository's `data/catalog`
//! files, built in, or a directory given with `--catalog`), checked, versioned by content,
//! and served with an ETag so that clients download it only when it changed.

use std::collections::HashMap;
use std::path::Path;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_protocol::catalog::{Alias, AliasesFile, Catalog, Procedure, ProceduresFile, assemble};

use crate::AppState;
use crate::error::PortalError;

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

/// The catalog as served: its JSON and its entity tag, and its procedures by code (for
/// checking submissions).
pub(crate) struct PublishedCatalog {
    body: axum::body::Bytes,
    etag: HeaderValue,
    /// Number of procedures (for logs).
    pub(crate) procedures: usize,
    by_code: HashMap<String, Procedure>,
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
        let body = serde_json::to_vec(&catalog)
            .map_err(|e| PortalError::Config(format!("catalog: {e}")))?;
        let etag = HeaderValue::from_str(&format!("\"{}\"", catalog.version))
            .map_err(|e| PortalError::Config(format!("catalog version: {e}")))?;
        let procedures = catalog.procedures.len();
        // `assemble` refused duplicate codes, so no procedure is lost here.
        let by_code = catalog
            .procedures
            .into_iter()
            .map(|procedure| (procedure.code.clone(), procedure))
            .collect();
        Ok(PublishedCatalog {
            body: body.into(),
            etag,
            procedures,
            by_code,
        })
    }

    /// The published procedure with this national code.
    pub(crate) fn procedure(&self, code: &str) -> Option<&Procedure> {
        self.by_code.get(code)
    }

    /// Whether an `If-None-Match` header value names our current entity tag.
    fn matches(&self, if_none_match: &str) -> bool {
        let ours = self.etag.to_str().unwrap_or_default();
        if_none_match.split(',').map(str::trim).any(|candidate| {
            candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == ours
        })
    }
}

/// `GET /api/v1/catalog`: 200 with the catalog, or 304 when the client has this version.
pub(crate) async fn get_catalog(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let catalog = &state.catalog;
    let cached = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|value| catalog.matches(value));
    let mut response = if cached {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = Response::new(Body::from(catalog.body.clone()));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    };
    let headers = response.headers_mut();
    headers.insert(header::ETAG, catalog.etag.clone());
    // Clients must revalidate, which costs one small request thanks to the ETag.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
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
    fn entity_tags_match_strong_weak_lists_and_star() {
        let catalog = PublishedCatalog::load(None).unwrap();
        let ours = catalog.etag.to_str().unwrap().to_owned();
        assert!(catalog.matches(&ours));
        assert!(catalog.matches(&format!("W/{ours}")));
        assert!(catalog.matches(&format!("\"other\", {ours}")));
        assert!(catalog.matches("*"));
        assert!(!catalog.matches("\"other\""));
        assert!(!catalog.matches(""));
    }
}
