//! Resumable attachment uploads on the wire (tus 1.0): the paths, the tus headers, the
//! limits, and the `Upload-Metadata` codec.
//!
//! The core creates an upload (`POST` [`PATH_UPLOADS`]), asks for its offset (`HEAD`) and
//! appends from that offset (`PATCH`) until it is complete; the dossier then names it in an
//! [`AttachmentRef`](crate::api::dossiers::AttachmentRef).

use std::collections::BTreeMap;

/// `POST` (tus creation, bearer): creates an upload; `OPTIONS` tells the tus capabilities.
pub const PATH_UPLOADS: &str = "/api/v1/uploads";
/// `HEAD` / `PATCH` on `PATH_UPLOADS/{id}`: offset, and appending bytes; `DELETE` (tus
/// termination) removes an upload no dossier references yet.
pub const PATH_UPLOAD: &str = "/api/v1/uploads/{id}";

/// tus protocol version header and its value.
pub const HEADER_TUS_RESUMABLE: &str = "Tus-Resumable";
/// The tus version we speak.
pub const TUS_VERSION: &str = "1.0.0";
/// tus: total size of an upload, sent at creation.
pub const HEADER_UPLOAD_LENGTH: &str = "Upload-Length";
/// tus: the offset of a `PATCH`, and the current offset in answers.
pub const HEADER_UPLOAD_OFFSET: &str = "Upload-Offset";
/// tus: metadata at creation: comma-separated `key base64(value)` pairs. Keys we send:
/// `filename`, `filetype` (media type), `sha256` (hex digest of the whole file).
pub const HEADER_UPLOAD_METADATA: &str = "Upload-Metadata";
/// tus expiration: when an upload not yet attached to a dossier expires (an RFC 9110
/// HTTP date), on the answers to creation, `HEAD` and `PATCH`.
pub const HEADER_UPLOAD_EXPIRES: &str = "Upload-Expires";
/// tus: the content type of a `PATCH` body.
pub const TUS_PATCH_CONTENT_TYPE: &str = "application/offset+octet-stream";

/// Largest attachment accepted (after the phone's image preparation a page is ≤ 300 KB;
/// PDFs may be larger).
pub const MAX_ATTACHMENT_BYTES: u64 = 10 * 1024 * 1024;
/// Largest body of one tus `PATCH`.
pub const MAX_PATCH_BYTES: usize = 1024 * 1024;
/// Media types accepted as attachments.
pub const ACCEPTED_MEDIA_TYPES: [&str; 3] = ["image/jpeg", "image/png", "application/pdf"];

/// Parses tus `Upload-Metadata` (`key base64value,key2 base64value2`); a key may have no
/// value. Returns `None` when it is malformed.
pub fn parse_upload_metadata(header: &str) -> Option<BTreeMap<String, String>> {
    use base64::Engine as _;
    let mut map = BTreeMap::new();
    for pair in header.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let mut parts = pair.splitn(2, ' ');
        let key = parts.next()?.trim();
        if key.is_empty() || key.contains(|c: char| c.is_whitespace()) {
            return None;
        }
        let value = match parts.next() {
            Some(encoded) => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(encoded.trim())
                    .ok()?;
                String::from_utf8(bytes).ok()?
            }
            None => String::new(),
        };
        if map.insert(key.to_owned(), value).is_some() {
            return None;
        }
    }
    Some(map)
}

/// Formats tus `Upload-Metadata`.
pub fn format_upload_metadata(pairs: &[(&str, &str)]) -> String {
    use base64::Engine as _;
    pairs
        .iter()
        .map(|(key, value)| {
            format!(
                "{key} {}",
                base64::engine::general_purpose::STANDARD.encode(value)
            )
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_metadata_round_trips_and_refuses_garbage() {
        let header =
            format_upload_metadata(&[("filename", "giấy khai sinh.jpg"), ("sha256", "ab")]);
        let map = parse_upload_metadata(&header).unwrap();
        assert_eq!(map["filename"], "giấy khai sinh.jpg");
        assert_eq!(map["sha256"], "ab");
        assert_eq!(parse_upload_metadata("flag").unwrap()["flag"], "");
        assert!(parse_upload_metadata("k !!!notbase64").is_none());
        assert!(parse_upload_metadata("k YQ==,k YQ==").is_none());
        assert!(parse_upload_metadata("").unwrap().is_empty());
    }
}
