//! A citizen's side of the dossier API as the tests drive it: tus uploads (create, `PATCH`,
//! `HEAD`, `DELETE`), attachment references, and submissions with an idempotency key. The
//! test files copied these, each with its own small differences.

use motcua_protocol::api::dossiers::PATH_DOSSIERS;
use motcua_protocol::api::uploads::{PATH_UPLOADS, format_upload_metadata};
use reqwest::{Method, RequestBuilder, Response};
use serde_json::{Value, json};

use super::Harness;
use super::answers::sha256_hex;

/// A citizen's session on a portal, for tus and the dossier routes.
pub struct Tus<'a> {
    pub h: &'a Harness,
    pub token: String,
}

/// Logs `subject` in and returns their [`Tus`].
pub async fn tus<'a>(h: &'a Harness, subject: &str) -> Tus<'a> {
    Tus::with_token(h, &h.citizen_token(subject).await)
}

impl<'a> Tus<'a> {
    /// The [`Tus`] of a session already open.
    pub fn with_token(h: &'a Harness, token: &str) -> Tus<'a> {
        Tus {
            h,
            token: token.to_owned(),
        }
    }

    /// A request with the bearer token and `Tus-Resumable`.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.h
            .http
            .request(method, self.h.url(path))
            .bearer_auth(&self.token)
            .header("Tus-Resumable", "1.0.0")
    }

    /// tus creation with these `Upload-Length` and `Upload-Metadata` headers.
    pub async fn create_with(&self, length: &str, metadata: &str) -> Response {
        self.request(Method::POST, PATH_UPLOADS)
            .header("Upload-Length", length)
            .header("Upload-Metadata", metadata)
            .send()
            .await
            .unwrap()
    }

    /// A `PATCH` of `bytes` at `offset`.
    pub async fn patch(&self, location: &str, offset: u64, bytes: &[u8]) -> Response {
        self.request(Method::PATCH, location)
            .header("Content-Type", "application/offset+octet-stream")
            .header("Upload-Offset", offset.to_string())
            .body(bytes.to_vec())
            .send()
            .await
            .unwrap()
    }

    /// `OPTIONS` on the uploads route: the tus capabilities.
    pub async fn options(&self) -> Response {
        self.request(Method::OPTIONS, PATH_UPLOADS)
            .send()
            .await
            .unwrap()
    }

    pub async fn head(&self, location: &str) -> Response {
        self.request(Method::HEAD, location).send().await.unwrap()
    }

    pub async fn delete(&self, location: &str) -> Response {
        self.request(Method::DELETE, location).send().await.unwrap()
    }

    /// A `GET` with the bearer token.
    pub async fn get(&self, path: &str) -> Response {
        super::get_as(self.h, &self.token, path).await
    }

    /// Uploads `bytes` as a PDF named `file_name` (creation, one `PATCH`); returns the
    /// upload's path (its `Location`).
    pub async fn upload_pdf(&self, bytes: &[u8], file_name: &str) -> String {
        let metadata = pdf_metadata(file_name, &sha256_hex(bytes));
        let response = self.create_with(&bytes.len().to_string(), &metadata).await;
        assert_eq!(response.status(), 201);
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let response = self.patch(&location, 0, bytes).await;
        assert_eq!(response.status(), 204);
        location
    }

    /// Posts a submission, with an `Idempotency-Key` when `key` is given.
    pub async fn submit(&self, key: Option<&str>, body: &Value) -> Response {
        self.submit_raw(key, &body.to_string()).await
    }

    /// Posts `body` as JSON text to the submissions route.
    pub async fn submit_raw(&self, key: Option<&str>, body: &str) -> Response {
        let mut request = self
            .h
            .http
            .post(self.h.url(PATH_DOSSIERS))
            .bearer_auth(&self.token)
            .header("Content-Type", "application/json")
            .body(body.to_owned());
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        request.send().await.unwrap()
    }
}

/// Deterministic, not very compressible test content, distinct per seed.
pub fn content(len: usize, seed: u8) -> Vec<u8> {
    let mut state = u32::from(seed).wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect()
}

/// The upload id of an upload's path (its last segment).
pub fn upload_id(location: &str) -> &str {
    location.rsplit('/').next().unwrap()
}

/// tus `Upload-Metadata` of a PDF.
pub fn pdf_metadata(file_name: &str, sha256: &str) -> String {
    format_upload_metadata(&[
        ("filename", file_name),
        ("filetype", "application/pdf"),
        ("sha256", sha256),
    ])
}

/// The reference to an uploaded PDF of `bytes`, for `requirement`.
pub fn pdf_attachment(requirement: &str, upload_id: &str, bytes: &[u8], file_name: &str) -> Value {
    json!({
        "requirement": requirement,
        "upload_id": upload_id,
        "sha256": sha256_hex(bytes),
        "size": bytes.len(),
        "media_type": "application/pdf",
        "file_name": file_name,
    })
}

/// The form of the re-issue of a building permit (1.013228, level 2, one required
/// document `application`), filled for Nguyễn Thị Lan (`demo-0001`).
pub fn permit_form() -> Value {
    json!({
        "owner_name": "Nguyễn Thị Lan",
        "reason": "lost",
        "permit_unit": "00004",
        "phone": "0912 345 678",
    })
}
