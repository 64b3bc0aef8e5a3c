//! The catalog's paths: the whole catalog, and its delivery on a weak link (decision record
//! 0006) as a summary, deltas and each procedure's detail. The bodies are the catalog's own
//! types: [`Catalog`](crate::catalog::Catalog),
//! [`CatalogSummary`](crate::catalog_delivery::CatalogSummary) and
//! [`Procedure`](crate::catalog::Procedure).

/// `GET`: the whole catalog; conditional with `If-None-Match` (answers 304 when unchanged).
pub const PATH_CATALOG: &str = "/api/v1/catalog";

/// `GET`: the catalog summary
/// ([`CatalogSummary`](crate::catalog_delivery::CatalogSummary)). `?since=<version>` asks
/// for a delta from that version; `If-None-Match: "<version>"` answers 304 when nothing
/// changed. Answers carry `ETag`, honour `Range` / `If-Range` (one range) and come
/// gzip-encoded when asked.
pub const PATH_CATALOG_SUMMARY: &str = "/api/v1/catalog/summary";

/// `GET`: the summary's gzip bytes as a file (`application/gzip`, tag `"<version>.gz"`),
/// same query and conditions: what the core downloads, so that the bytes of a cut download
/// are kept as they came and the rest is asked for by range.
pub const PATH_CATALOG_SUMMARY_GZ: &str = "/api/v1/catalog/summary.gz";

/// `GET`: one procedure's detail (a [`Procedure`](crate::catalog::Procedure)), `{code}` its
/// national code. `ETag` is `"<detail version>"`; `If-None-Match`, `Range` and gzip as for
/// the summary.
pub const PATH_CATALOG_PROCEDURE: &str = "/api/v1/catalog/procedures/{code}";

/// The path of one procedure's detail as a gzip file (`{code}.gz`), as the summary's.
pub fn procedure_gz_path(code: &str) -> String {
    format!("{}.gz", procedure_path(code))
}

/// The path of one procedure's detail.
pub fn procedure_path(code: &str) -> String {
    // National codes are digits and dots; anything else is escaped, never spliced raw.
    let escaped: String = code
        .bytes()
        .map(|b| match b {
            b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'.' | b'-' | b'_' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect();
    PATH_CATALOG_PROCEDURE.replace("{code}", &escaped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn procedure_paths_are_escaped() {
        assert_eq!(
            procedure_path("1.001193"),
            "/api/v1/catalog/procedures/1.001193"
        );
        assert_eq!(procedure_path("a/b"), "/api/v1/catalog/procedures/a%2Fb");
        assert_eq!(
            procedure_gz_path("1.001193"),
            "/api/v1/catalog/procedures/1.001193.gz"
        );
    }
}
