//! Every error the portal API answers is our JSON error with a code: bodies over the
//! route's limit, malformed JSON, a missing content type, unparseable query strings and
//! path segments, on every route (issue 16, item 5: withdraw and supplement bodies over
//! the limit used to get axum's `413 text/plain`).

mod common;

use std::time::Duration;

use common::Harness;
use common::raw::{self, RawResponse};
use common::staff::{RECEPTION, desk_harness, staff_session};
use motcua_protocol::api::desk::PATH_DESK_SESSION;
use motcua_protocol::api::dossiers::PATH_DOSSIERS;
use motcua_protocol::api::uploads::PATH_UPLOADS;
use motcua_protocol::api::{ApiErrorBody, ApiErrorCode, PATH_SESSION, PATH_SESSION_REFRESH};
use reqwest::{Method, Response};
use serde_json::json;

/// Larger than the body limit of every route (the largest is a PATCH's 1 MiB; axum's
/// default elsewhere is 2 MB).
const TOO_LARGE: usize = 3 * 1024 * 1024;
/// A plausible dossier code that names no dossier.
const CODE: &str = "000.00.00.H00-261202-0001";

#[derive(Clone, Copy, PartialEq)]
enum Auth {
    None,
    Citizen,
    Staff,
}

/// Every route that reads a body, with the credentials it needs to get as far as the body.
fn body_routes() -> Vec<(Method, String, Auth)> {
    vec![
        (Method::POST, PATH_SESSION.into(), Auth::None),
        (Method::POST, PATH_SESSION_REFRESH.into(), Auth::None),
        (Method::POST, PATH_DOSSIERS.into(), Auth::Citizen),
        (
            Method::POST,
            format!("/api/v1/dossiers/{CODE}/withdraw"),
            Auth::Citizen,
        ),
        (
            Method::POST,
            format!("/api/v1/dossiers/{CODE}/supplement"),
            Auth::Citizen,
        ),
        (
            Method::PATCH,
            format!("{PATH_UPLOADS}/0123456789abcdef0123456789abcdef"),
            Auth::Citizen,
        ),
        (Method::POST, PATH_DESK_SESSION.into(), Auth::None),
        (
            Method::POST,
            format!("/api/v1/desk/dossiers/{CODE}/actions"),
            Auth::Staff,
        ),
        (Method::POST, "/oidc/login".into(), Auth::None),
        (Method::POST, "/oidc/token".into(), Auth::None),
    ]
}

/// Every route of the API, with a path whose parameter cannot be what the route takes
/// where it has one.
fn all_routes() -> Vec<(Method, String, Auth)> {
    let mut routes = body_routes();
    routes.extend([
        (Method::GET, "/healthz".into(), Auth::None),
        (Method::GET, "/api/v1/client-config".into(), Auth::None),
        (Method::POST, PATH_UPLOADS.into(), Auth::Citizen),
        (Method::GET, "/api/v1/me".into(), Auth::Citizen),
        (Method::GET, "/api/v1/catalog".into(), Auth::None),
        (Method::GET, "/api/v1/catalog/summary".into(), Auth::None),
        (
            Method::GET,
            "/api/v1/catalog/procedures/%FF%FE".into(),
            Auth::None,
        ),
        (Method::OPTIONS, PATH_UPLOADS.into(), Auth::Citizen),
        (
            Method::HEAD,
            format!("{PATH_UPLOADS}/%FF%FE"),
            Auth::Citizen,
        ),
        (Method::GET, PATH_DOSSIERS.into(), Auth::Citizen),
        (Method::GET, "/api/v1/dossiers/%FF%FE".into(), Auth::Citizen),
        (Method::GET, "/api/v1/sync".into(), Auth::Citizen),
        (Method::GET, "/api/v1/lookup/%FF%FE".into(), Auth::None),
        (Method::GET, "/api/v1/receipt-keys".into(), Auth::None),
        (Method::GET, "/api/v1/desk/me".into(), Auth::Staff),
        (Method::GET, "/api/v1/desk/dossiers".into(), Auth::Staff),
        (
            Method::GET,
            "/api/v1/desk/dossiers/%FF%FE".into(),
            Auth::Staff,
        ),
        (Method::GET, "/oidc/userinfo".into(), Auth::None),
        (Method::GET, "/no/such/route".into(), Auth::None),
        (Method::PUT, "/healthz".into(), Auth::None),
        // Last: they end the sessions the other requests use.
        (Method::DELETE, PATH_SESSION.into(), Auth::Citizen),
        (Method::DELETE, PATH_DESK_SESSION.into(), Auth::Staff),
    ]);
    routes
}

struct Tokens {
    citizen: String,
    staff: String,
}

async fn tokens(h: &Harness) -> Tokens {
    Tokens {
        citizen: h.citizen_token("demo-0001").await,
        staff: staff_session(h, RECEPTION).await.access_token,
    }
}

fn request(
    h: &Harness,
    tokens: &Tokens,
    method: &Method,
    path: &str,
    auth: Auth,
) -> reqwest::RequestBuilder {
    let url = format!(
        "{}{}",
        h.portal.base_url().as_str().trim_end_matches('/'),
        path
    );
    let builder = h
        .http
        .request(method.clone(), url)
        .header("Tus-Resumable", "1.0.0")
        .header("Idempotency-Key", "rejections-test-key-0001");
    match auth {
        Auth::None => builder,
        Auth::Citizen => builder.bearer_auth(&tokens.citizen),
        Auth::Staff => builder.bearer_auth(&tokens.staff),
    }
}

/// Asserts that an error answer is our JSON error; returns its code (`None` for a
/// success, or for an error of the built-in provider's own kinds, HTML pages and OAuth
/// errors, which `provider_body` allows).
async fn our_error(response: Response, what: &str, provider_body: bool) -> Option<ApiErrorCode> {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return None;
    }
    let content_type = response
        .headers()
        .get("content-type")
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    if provider_body && !content_type.starts_with("application/json") {
        assert!(
            content_type.starts_with("text/html"),
            "{what}: {status} with {content_type:?}"
        );
        return None;
    }
    assert!(
        content_type.starts_with("application/json"),
        "{what}: {status} answered with {content_type:?}"
    );
    let head = what.starts_with("HEAD ");
    let text = response.text().await.unwrap();
    if head {
        // A HEAD answer has no body; its type says what a GET would have carried.
        return None;
    }
    if provider_body && serde_json::from_str::<ApiErrorBody>(&text).is_err() {
        // An OAuth error of the token endpoint (RFC 6749 §5.2).
        let oauth: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(oauth["error"].is_string(), "{what}: {text}");
        return None;
    }
    let body: ApiErrorBody = serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{what}: {status} {text:?} is not our error: {error}"));
    Some(body.error.code)
}

fn is_provider(path: &str) -> bool {
    path.starts_with("/oidc/")
}

/// Sends `body` by hand (the portal may answer before reading it all) and parses the
/// answer.
async fn send_raw(
    h: &Harness,
    tokens: &Tokens,
    method: &Method,
    path: &str,
    auth: Auth,
    content_type: &str,
    body: Vec<u8>,
) -> RawResponse {
    let authorization = match auth {
        Auth::None => String::new(),
        Auth::Citizen => format!("authorization: Bearer {}\r\n", tokens.citizen),
        Auth::Staff => format!("authorization: Bearer {}\r\n", tokens.staff),
    };
    let head = format!(
        "{method} {path} HTTP/1.1\r\nhost: portal\r\ncontent-type: {content_type}\r\n\
         content-length: {}\r\ntus-resumable: 1.0.0\r\nupload-offset: 0\r\n\
         idempotency-key: rejections-test-key-0001\r\n{authorization}connection: close\r\n\r\n",
        body.len()
    );
    raw::exchange(h.portal.local_addr(), &head, body, Duration::from_secs(60)).await
}

#[tokio::test]
async fn bodies_over_the_limit_get_payload_too_large_as_json_on_every_route() {
    let h = desk_harness().await;
    let tokens = tokens(&h).await;
    for (method, path, auth) in body_routes() {
        let content_type = if path.contains("/uploads/") {
            "application/offset+octet-stream"
        } else if is_provider(&path) {
            "application/x-www-form-urlencoded"
        } else {
            "application/json"
        };
        let response = send_raw(
            &h,
            &tokens,
            &method,
            &path,
            auth,
            content_type,
            vec![b' '; TOO_LARGE],
        )
        .await;
        let what = format!("{method} {path}, {TOO_LARGE} bytes");
        assert_eq!(response.status, 413, "{what}");
        assert_eq!(
            raw::error_code(&response, &what),
            ApiErrorCode::PayloadTooLarge,
            "{what}"
        );
    }
    // The two of the audit, by name: a withdrawal and a supplement answer of 100 KiB
    // (over their 64 KiB limit, under axum's default).
    for action in ["withdraw", "supplement"] {
        let body = serde_json::to_vec(&json!({ "note": "x".repeat(100 * 1024) })).unwrap();
        let path = format!("/api/v1/dossiers/{CODE}/{action}");
        let response = send_raw(
            &h,
            &tokens,
            &Method::POST,
            &path,
            Auth::Citizen,
            "application/json",
            body,
        )
        .await;
        assert_eq!(response.status, 413, "{action}");
        assert_eq!(
            raw::error_code(&response, action),
            ApiErrorCode::PayloadTooLarge
        );
    }
}

#[tokio::test]
async fn malformed_bodies_and_missing_content_types_get_our_json_errors() {
    let h = desk_harness().await;
    let tokens = tokens(&h).await;
    for (method, path, auth) in body_routes() {
        let provider = is_provider(&path);
        let cases: [(&str, Option<&str>, &[u8]); 4] = [
            ("broken JSON", Some("application/json"), b"{\"note\": "),
            ("no content type", None, b"{}"),
            ("wrong content type", Some("text/plain"), b"{}"),
            ("not UTF-8", Some("application/json"), b"\xff\xfe{}"),
        ];
        for (case, content_type, body) in cases {
            let mut builder = request(&h, &tokens, &method, &path, auth).body(body.to_vec());
            if let Some(content_type) = content_type {
                builder = builder.header("content-type", content_type);
            }
            let response = builder.send().await.unwrap();
            let what = format!("{method} {path}: {case}");
            assert!(
                response.status().is_client_error(),
                "{what}: {}",
                response.status()
            );
            our_error(response, &what, provider).await;
        }
    }
}

#[tokio::test]
async fn unparseable_queries_and_paths_get_our_json_errors_on_every_route() {
    let h = desk_harness().await;
    let tokens = tokens(&h).await;
    let queries = [
        "",
        "?cursor=-1",
        "?cursor=99999999999999999999999",
        "?status=no_such_status&limit=abc&offset=-3",
        "?%zz=%zz&&=",
    ];
    // The two query extractors, by name: refused as invalid requests.
    for (path, auth) in [
        ("/api/v1/sync?cursor=-1", Auth::Citizen),
        ("/api/v1/desk/dossiers?limit=abc", Auth::Staff),
    ] {
        let response = request(&h, &tokens, &Method::GET, path, auth)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{path}");
        assert_eq!(
            our_error(response, path, false).await,
            Some(ApiErrorCode::InvalidRequest),
            "{path}"
        );
    }
    for (method, path, auth) in all_routes() {
        for query in queries {
            let target = format!("{path}{query}");
            let response = request(&h, &tokens, &method, &target, auth)
                .send()
                .await
                .unwrap();
            our_error(response, &format!("{method} {target}"), is_provider(&path)).await;
        }
    }
}
