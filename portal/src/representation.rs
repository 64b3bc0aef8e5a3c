//! A public body served for a weak link: an entity tag, gzip when the client asks for it
//! (computed once, when the body is made), `If-None-Match` → 304, and one byte range
//! (`Range: bytes=…`, checked with `If-Range`), so a download cut halfway continues where
//! it stopped instead of starting again from byte 0 (decision record 0006).
//!
//! Ranges count bytes of the representation sent: of the gzip bytes when the answer is
//! `Content-Encoding: gzip` (its tag is `"<version>.gz"`), of the JSON otherwise (tag
//! `"<version>"`), as RFC 9110 §14 and §8.8.3 ask.

use std::io::Write as _;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// One body in its two encodings, with its version.
#[derive(Clone)]
pub(crate) struct Representation {
    version: String,
    identity: Bytes,
    gzip: Bytes,
}

impl Representation {
    /// `body` (JSON) at `version` (a content digest: letters and digits only).
    pub(crate) fn new(version: &str, body: Vec<u8>) -> Representation {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        // Writing to a Vec cannot fail.
        let gzip = encoder
            .write_all(&body)
            .and_then(|()| encoder.finish())
            .unwrap_or_default();
        Representation {
            version: version.to_owned(),
            identity: body.into(),
            gzip: gzip.into(),
        }
    }

    /// The version (the tag without quotes and encoding suffix).
    pub(crate) fn version(&self) -> &str {
        &self.version
    }

    /// Bytes of the JSON, and of its gzip encoding.
    pub(crate) fn sizes(&self) -> (usize, usize) {
        (self.identity.len(), self.gzip.len())
    }

    /// The JSON bytes (tests).
    #[cfg(test)]
    pub(crate) fn identity_bytes(&self) -> Bytes {
        self.identity.clone()
    }

    /// The answer to a `GET` with these request headers: the JSON, gzip-encoded
    /// (`Content-Encoding`) when the client accepts it.
    pub(crate) fn serve(&self, headers: &HeaderMap) -> Response {
        if accepts_gzip(headers) {
            let tag = format!("\"{}.gz\"", self.version);
            let mut response = self.serve_bytes(headers, &self.gzip, &tag, "application/json");
            if response.headers().contains_key(header::CONTENT_TYPE) {
                response
                    .headers_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            }
            response
        } else {
            let tag = format!("\"{}\"", self.version);
            self.serve_bytes(headers, &self.identity, &tag, "application/json")
        }
    }

    /// The gzip bytes as a file of their own (`application/gzip`, no `Content-Encoding`):
    /// an HTTP stack that decodes gzip by itself leaves them alone, so a client can keep
    /// the bytes of a cut download and ask for the rest by range.
    pub(crate) fn serve_gzip_file(&self, headers: &HeaderMap) -> Response {
        let tag = format!("\"{}.gz\"", self.version);
        self.serve_bytes(headers, &self.gzip, &tag, "application/gzip")
    }

    fn serve_bytes(
        &self,
        headers: &HeaderMap,
        bytes: &Bytes,
        tag: &str,
        content_type: &'static str,
    ) -> Response {
        let mut response = if headers
            .get_all(header::IF_NONE_MATCH)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|value| names_version(value, &self.version))
        {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            match requested_range(headers, tag, bytes.len()) {
                RangeAsked::Whole => full(bytes.clone(), content_type),
                RangeAsked::Part(start, end) => {
                    let mut response = full(bytes.slice(start..=end), content_type);
                    *response.status_mut() = StatusCode::PARTIAL_CONTENT;
                    insert(
                        &mut response,
                        header::CONTENT_RANGE,
                        &format!("bytes {start}-{end}/{}", bytes.len()),
                    );
                    response
                }
                RangeAsked::Unsatisfiable => {
                    let mut response = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
                    insert(
                        &mut response,
                        header::CONTENT_RANGE,
                        &format!("bytes */{}", bytes.len()),
                    );
                    response
                }
            }
        };
        insert(&mut response, header::ETAG, tag);
        let out = response.headers_mut();
        out.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        out.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
        // Clients must revalidate, which costs one small request thanks to the tag.
        out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        response
    }
}

fn full(bytes: Bytes, content_type: &'static str) -> Response {
    let mut response = Response::new(Body::from(bytes));
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn insert(response: &mut Response, name: header::HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().insert(name, value);
    }
}

/// Whether `Accept-Encoding` lists gzip with a non-zero weight.
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let coding = parts.next().unwrap_or_default();
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
        })
}

/// Whether an `If-None-Match` value names `version` (strong, weak, either encoding, `*`).
pub(crate) fn names_version(if_none_match: &str, version: &str) -> bool {
    if_none_match.split(',').map(str::trim).any(|candidate| {
        let tag = candidate.strip_prefix("W/").unwrap_or(candidate);
        let inner = tag.trim_matches('"');
        candidate == "*" || inner == version || inner.strip_suffix(".gz") == Some(version)
    })
}

enum RangeAsked {
    Whole,
    Part(usize, usize),
    Unsatisfiable,
}

/// One `bytes=` range, honoured only when `If-Range` (if sent) is our exact tag; several
/// ranges, other units or a malformed header get the whole body, as RFC 9110 allows.
fn requested_range(headers: &HeaderMap, tag: &str, len: usize) -> RangeAsked {
    let Some(range) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return RangeAsked::Whole;
    };
    if let Some(if_range) = headers.get(header::IF_RANGE)
        && if_range.to_str().ok().map(str::trim) != Some(tag)
    {
        return RangeAsked::Whole;
    }
    let Some(spec) = range.trim().strip_prefix("bytes=") else {
        return RangeAsked::Whole;
    };
    if spec.contains(',') {
        return RangeAsked::Whole;
    }
    let Some((first, last)) = spec.split_once('-') else {
        return RangeAsked::Whole;
    };
    let (first, last) = (first.trim(), last.trim());
    let parsed = match (first.is_empty(), last.is_empty()) {
        // bytes=-N: the last N bytes.
        (true, false) => match last.parse::<usize>() {
            Ok(0) => return RangeAsked::Unsatisfiable,
            Ok(n) => Some((len.saturating_sub(n), len.saturating_sub(1))),
            Err(_) => None,
        },
        (false, true) => first
            .parse::<usize>()
            .ok()
            .map(|s| (s, len.saturating_sub(1))),
        (false, false) => match (first.parse::<usize>(), last.parse::<usize>()) {
            (Ok(s), Ok(e)) if s <= e => Some((s, e.min(len.saturating_sub(1)))),
            _ => None,
        },
        (true, true) => None,
    };
    match parsed {
        None => RangeAsked::Whole,
        Some((start, _)) if start >= len => RangeAsked::Unsatisfiable,
        Some((start, end)) => RangeAsked::Part(start, end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn ranges_single_suffix_open_and_refused() {
        let tag = "\"v\"";
        let ask = |range: &str| requested_range(&headers(&[(header::RANGE, range)]), tag, 10);
        assert!(matches!(ask("bytes=2-4"), RangeAsked::Part(2, 4)));
        assert!(matches!(ask("bytes=7-"), RangeAsked::Part(7, 9)));
        assert!(matches!(ask("bytes=-3"), RangeAsked::Part(7, 9)));
        assert!(matches!(ask("bytes=5-100"), RangeAsked::Part(5, 9)));
        assert!(matches!(ask("bytes=10-"), RangeAsked::Unsatisfiable));
        assert!(matches!(ask("bytes=1-2,4-5"), RangeAsked::Whole));
        assert!(matches!(ask("items=1-2"), RangeAsked::Whole));
        let stale = headers(&[(header::RANGE, "bytes=2-"), (header::IF_RANGE, "\"old\"")]);
        assert!(matches!(
            requested_range(&stale, tag, 10),
            RangeAsked::Whole
        ));
    }

    #[test]
    fn gzip_is_sent_when_asked_and_tags_name_the_version() {
        assert!(accepts_gzip(&headers(&[(
            header::ACCEPT_ENCODING,
            "br, gzip"
        )])));
        assert!(!accepts_gzip(&headers(&[(
            header::ACCEPT_ENCODING,
            "gzip;q=0"
        )])));
        assert!(!accepts_gzip(&HeaderMap::new()));
        assert!(names_version("\"v1.gz\"", "v1"));
        assert!(names_version("W/\"v1\", \"x\"", "v1"));
        assert!(names_version("*", "v1"));
        assert!(!names_version("\"v2\"", "v1"));
    }
}
