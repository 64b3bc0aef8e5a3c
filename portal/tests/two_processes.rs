//! Two portal processes on one PostgreSQL database (issue 20), as a deployment runs them:
//! the `motcua-portal` server started twice at the same instant on one database and one
//! shared data directory, behind a proxy that sends each connection to the next process in
//! turn (a reverse proxy's round robin). Clients open a new connection per request, so
//! every step of a journey lands on the other process than the one before, and retries are
//! aimed at both at once. Checked: both start (the migrations and the start-up's seeding
//! race), a login whose steps cross processes works, an upload begun on one process is
//! resumed on the other at the offset the first stored, every submission retried on both
//! processes makes exactly one dossier with one code, the codes have no duplicates and no
//! gaps, and a refresh token reused on the other process ends the session.
//!
//! The database is the suite's server when `MOTCUA_TEST_POSTGRES` names one
//! (`scripts/with-postgres.sh`), else a throw-away cluster this test makes itself.

mod common;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::answers::sha256_hex;
use common::database::Store;
use common::postgres::Cluster;
use common::process::{PortalProcess, login};
use common::tus::{content, pdf_attachment, pdf_metadata, permit_form, upload_id};
use motcua_protocol::api::dossiers::{DossierSummary, PATH_DOSSIERS};
use motcua_protocol::api::uploads::PATH_UPLOADS;
use motcua_protocol::api::{
    ApiErrorBody, ApiErrorCode, PATH_ME, PATH_SESSION_REFRESH, SessionResponse,
};
use reqwest::{Method, Response};
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use url::Url;

const PROCEDURE: &str = "1.013228";
const REQUIREMENT: &str = "application";
/// Three citizens with the identity level the procedure asks for.
const CITIZENS: [&str; 3] = ["demo-0001", "demo-0002", "demo-0005"];
const DOSSIERS_PER_CITIZEN: usize = 4;

/// The reverse proxy: each accepted connection goes to the next upstream in turn.
struct RoundRobin {
    address: SocketAddr,
    served: Arc<[AtomicUsize; 2]>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for RoundRobin {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl RoundRobin {
    async fn bind() -> (TcpListener, SocketAddr) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        (listener, address)
    }

    fn start(listener: TcpListener, upstreams: [SocketAddr; 2]) -> RoundRobin {
        let address = listener.local_addr().unwrap();
        let served = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
        let counts = served.clone();
        let task = tokio::spawn(async move {
            let mut next = 0usize;
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    continue;
                };
                let upstream = upstreams[next % 2];
                counts[next % 2].fetch_add(1, Ordering::Relaxed);
                next += 1;
                tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
            }
        });
        RoundRobin {
            address,
            served,
            task,
        }
    }

    fn url(&self, path: &str) -> Url {
        Url::parse(&format!("http://{}{path}", self.address)).unwrap()
    }
}

/// A new connection per request, so that the proxy alternates the processes.
fn fresh_connections() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(0)
        .build()
        .unwrap()
}

fn tus(http: &reqwest::Client, method: Method, url: Url, token: &str) -> reqwest::RequestBuilder {
    http.request(method, url)
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
}

/// Uploads `bytes`: made and half written on `first`, asked for its offset and finished on
/// `second`. The upload's id.
async fn upload_across(
    http: &reqwest::Client,
    first: &PortalProcess,
    second: &PortalProcess,
    token: &str,
    bytes: &[u8],
) -> String {
    let created = tus(http, Method::POST, first.url(PATH_UPLOADS), token)
        .header("Upload-Length", bytes.len().to_string())
        .header(
            "Upload-Metadata",
            pdf_metadata("giấy tờ.pdf", &sha256_hex(bytes)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let half = bytes.len() / 2;
    let patch = |process: &PortalProcess, offset: usize, part: &[u8]| {
        tus(http, Method::PATCH, process.url(&location), token)
            .header("Content-Type", "application/offset+octet-stream")
            .header("Upload-Offset", offset.to_string())
            .body(part.to_vec())
            .send()
    };
    assert_eq!(patch(first, 0, &bytes[..half]).await.unwrap().status(), 204);
    let head = tus(http, Method::HEAD, second.url(&location), token)
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(
        head.headers()["upload-offset"].to_str().unwrap(),
        half.to_string(),
        "the other process reads the offset the first stored"
    );
    let resumed = patch(second, half, &bytes[half..]).await.unwrap();
    assert_eq!(resumed.status(), 204);
    upload_id(&location).to_owned()
}

async fn submit(http: &reqwest::Client, url: Url, token: &str, key: &str, body: &str) -> Response {
    http.post(url)
        .bearer_auth(token)
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", key)
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

async fn error_code(response: Response) -> ApiErrorCode {
    assert_eq!(response.status(), 401);
    response.json::<ApiErrorBody>().await.unwrap().error.code
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_database_file_every_submission_once() {
    common::log_when_asked();
    let _own_cluster;
    let database = match motcua_portal::store::postgres::fresh_test_database().await {
        Some(url) => url,
        None => {
            let cluster = Cluster::start();
            let url = cluster.create_database("two_processes").await;
            _own_cluster = cluster;
            url
        }
    };
    let data = tempfile::tempdir().unwrap();
    let http = fresh_connections();

    // Both processes start at the same instant on an empty database and an empty shared
    // directory; both advertise the proxy's address, as behind a reverse proxy.
    let (listener, proxy_address) = RoundRobin::bind().await;
    let public = Url::parse(&format!("http://{proxy_address}/")).unwrap();
    let mut a = PortalProcess::spawn(data.path(), Some(&database), Some(&public), &[]);
    let mut b = PortalProcess::spawn(data.path(), Some(&database), Some(&public), &[]);
    a.ready(&http).await;
    b.ready(&http).await;
    let proxy = RoundRobin::start(listener, [a.address, b.address]);

    // Every citizen logs in, each step on the other process than the last.
    let mut sessions = Vec::new();
    for subject in CITIZENS {
        sessions.push(login(&http, &proxy.url("/"), subject).await);
    }

    // Every citizen files their dossiers at once; each submission goes to both processes
    // at the same instant with one key (a retry racing the original), then once more
    // through the proxy (a retry after a lost answer).
    let (a, b) = (Arc::new(a), Arc::new(b));
    let through_proxy = proxy.url(PATH_DOSSIERS);
    let mut journeys = tokio::task::JoinSet::new();
    for (citizen, session) in sessions.iter().enumerate() {
        let (http, a, b) = (http.clone(), a.clone(), b.clone());
        let (token, through_proxy) = (session.access_token.clone(), through_proxy.clone());
        let mut form = permit_form();
        form["owner_name"] = json!(session.citizen.full_name);
        journeys.spawn(async move {
            let mut filed = Vec::new();
            for n in 0..DOSSIERS_PER_CITIZEN {
                let bytes = content(3_000 + n * 100, (citizen * 10 + n) as u8);
                let (first, second) = if n % 2 == 0 { (&a, &b) } else { (&b, &a) };
                let id = upload_across(&http, first, second, &token, &bytes).await;
                let body = json!({
                    "procedure_code": PROCEDURE,
                    "fields": form,
                    "attachments": [pdf_attachment(REQUIREMENT, &id, &bytes, "giấy tờ.pdf")],
                })
                .to_string();
                let key = format!("citizen-{citizen}-dossier-{n}");
                let (on_a, on_b) = tokio::join!(
                    submit(&http, a.url(PATH_DOSSIERS), &token, &key, &body),
                    submit(&http, b.url(PATH_DOSSIERS), &token, &key, &body),
                );
                let again = submit(&http, through_proxy.clone(), &token, &key, &body).await;
                let mut answers = Vec::new();
                for response in [on_a, on_b, again] {
                    let status = response.status();
                    let text = response.text().await.unwrap();
                    assert_eq!(status, 201, "{key}: {text}");
                    answers.push(serde_json::from_str::<DossierSummary>(&text).unwrap());
                }
                assert!(
                    answers.iter().all(|s| s.code == answers[0].code),
                    "{key}: one dossier whichever process answered: {answers:?}"
                );
                filed.push(answers.remove(0).code);
            }
            filed
        });
    }
    let codes: Vec<String> = journeys.join_all().await.concat();

    let total = CITIZENS.len() * DOSSIERS_PER_CITIZEN;
    let unique: BTreeSet<&String> = codes.iter().collect();
    assert_eq!(unique.len(), total, "{codes:?}");
    let store = Store::Postgres(database.clone());
    assert_eq!(store.count("dossiers").await, total as i64);
    assert_eq!(store.count("idempotency_keys").await, total as i64);
    // One day, one agency: the sequence numbers are 1..=total, none twice, none skipped.
    let mut sequences: Vec<usize> = codes
        .iter()
        .map(|code| code.rsplit('-').next().unwrap().parse().unwrap())
        .collect();
    sequences.sort_unstable();
    assert_eq!(sequences, (1..=total).collect::<Vec<_>>());

    // Refresh-token rotation and reuse detection hold across the processes.
    let session = &sessions[0];
    let refresh = |process: &PortalProcess, token: &str| {
        http.post(process.url(PATH_SESSION_REFRESH))
            .json(&json!({ "refresh_token": token }))
            .send()
    };
    let second: SessionResponse = refresh(&a, &session.refresh_token)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let third: SessionResponse = refresh(&b, &second.refresh_token)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let reused = refresh(&a, &session.refresh_token).await.unwrap();
    assert_eq!(error_code(reused).await, ApiErrorCode::InvalidRefreshToken);
    let me = http
        .get(b.url(PATH_ME))
        .bearer_auth(&third.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(me).await, ApiErrorCode::SessionRevoked);

    // The proxy did spread the journey over both processes.
    let served = [
        proxy.served[0].load(Ordering::Relaxed),
        proxy.served[1].load(Ordering::Relaxed),
    ];
    assert!(served[0] > 5 && served[1] > 5, "{served:?}");
}
