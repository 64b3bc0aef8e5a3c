//! Submission throughput (docs/benchmarks.md; budget ≥ 2,000 submissions/s on two cores,
//! on each engine). Every row is the `motcua-portal` server as a process of its own, as
//! deployed, measured in the same run on the same machine, the load generator (this test)
//! sharing its cores:
//!
//! - SQLite, one process (the file in the data directory, `synchronous=NORMAL`);
//! - PostgreSQL, one process, then two processes on one database and one shared data
//!   directory, the clients spread over both (as a reverse proxy would), on a cluster this
//!   test starts with PostgreSQL's durable defaults (every commit flushed before it is
//!   answered);
//! - PostgreSQL, two processes, with `synchronous_commit = off` on their database: the
//!   durability of SQLite's `synchronous=NORMAL` (a machine crash may lose the last commits,
//!   never corrupt), for a like-for-like comparison.
//!
//! Ignored by default; run in release mode:
//!
//! ```sh
//! cargo test --release -p motcua-portal --test throughput -- --ignored --nocapture
//! ```
//!
//! `MOTCUA_THROUGHPUT_SUBMISSIONS` (default 20,000 per row) and `MOTCUA_THROUGHPUT_CLIENTS`
//! (default 32) change the load.

mod common;

use std::time::{Duration, Instant};

use common::answers::sha256_hex;
use common::database::Store;
use common::postgres::Cluster;
use common::process::{PortalProcess, login};
use common::tus::{pdf_attachment, pdf_metadata, permit_form, upload_id};
use motcua_protocol::api::dossiers::PATH_DOSSIERS;
use motcua_protocol::api::uploads::PATH_UPLOADS;
use serde_json::json;
use url::Url;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// One row of the table.
struct Figures {
    seconds: f64,
    p50_ms: f64,
    p99_ms: f64,
}

/// Uploads a small PDF on the portal at `base` as the holder of `token`; the submission
/// body that attaches it (every submission of a run references the same upload).
async fn submission_body(http: &reqwest::Client, base: &Url, token: &str) -> String {
    let file = b"%PDF-1.4 application form".to_vec();
    let created = http
        .post(base.join(PATH_UPLOADS.trim_start_matches('/')).unwrap())
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", file.len().to_string())
        .header(
            "Upload-Metadata",
            pdf_metadata("application.pdf", &sha256_hex(&file)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let written = http
        .patch(base.join(location.trim_start_matches('/')).unwrap())
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .header("Content-Type", "application/offset+octet-stream")
        .header("Upload-Offset", "0")
        .body(file.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(written.status(), 204);
    json!({
        "procedure_code": "1.013228",
        "fields": permit_form(),
        "attachments": [pdf_attachment(
            "application",
            upload_id(&location),
            &file,
            "application.pdf",
        )],
    })
    .to_string()
}

/// `total` submissions by `clients` concurrent clients, client `i` on `targets[i % n]`,
/// each over kept-alive connections as behind a reverse proxy.
async fn measure(
    http: &reqwest::Client,
    targets: &[Url],
    token: &str,
    body: &str,
    total: usize,
    clients: usize,
) -> Figures {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..clients {
        let http = http.clone();
        let url = targets[client % targets.len()]
            .join(PATH_DOSSIERS.trim_start_matches('/'))
            .unwrap();
        let token = token.to_owned();
        let body = body.to_owned();
        let share = total / clients + usize::from(client < total % clients);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(share);
            for n in 0..share {
                let sent = Instant::now();
                let response = http
                    .post(url.clone())
                    .bearer_auth(&token)
                    .header("Idempotency-Key", format!("load-{client}-{n}"))
                    .header("Content-Type", "application/json")
                    .body(body.clone())
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 201);
                response.bytes().await.unwrap();
                latencies.push(sent.elapsed());
            }
            latencies
        }));
    }
    let mut latencies: Vec<Duration> = Vec::with_capacity(total);
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    let seconds = started.elapsed().as_secs_f64();
    latencies.sort();
    let percentile = |p: f64| {
        let index = ((latencies.len() as f64 - 1.0) * p).round() as usize;
        latencies[index].as_secs_f64() * 1000.0
    };
    Figures {
        seconds,
        p50_ms: percentile(0.5),
        p99_ms: percentile(0.99),
    }
}

/// Starts `processes` portal processes on one data directory and `database`, logs a
/// citizen in, runs the load over all of them; the figures and the dossiers stored.
async fn run(database: Option<&str>, processes: usize, total: usize, clients: usize) -> Figures {
    let engine = if database.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    eprintln!("measuring {engine} with {processes} process(es)");
    let data = tempfile::tempdir().unwrap();
    let http = common::client();
    let mut portals = Vec::new();
    let mut public: Option<Url> = None;
    for _ in 0..processes {
        // Every process advertises the first one's address, as all would a proxy's: the
        // built-in provider's issuer is then one for the whole deployment.
        // One load generator opens all the connections: as behind a proxy, no per-client cap.
        let mut portal = PortalProcess::spawn(
            data.path(),
            database,
            public.as_ref(),
            &["--max-connections-per-client", "0"],
        );
        portal.ready(&http).await;
        public.get_or_insert_with(|| portal.url("/"));
        portals.push(portal);
    }
    let targets: Vec<Url> = portals.iter().map(|portal| portal.url("/")).collect();
    let token = login(&http, &targets[0], "demo-0001").await.access_token;
    let body = submission_body(&http, &targets[0], &token).await;
    let figures = measure(&http, &targets, &token, &body, total, clients).await;
    let store = Store::of(data.path(), database);
    assert_eq!(
        store.count("dossiers").await,
        i64::try_from(total).unwrap(),
        "every submission stored once"
    );
    drop(portals);
    figures
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "throughput measurement; run in release mode with --ignored"]
async fn submissions_per_second() {
    let total = env_number("MOTCUA_THROUGHPUT_SUBMISSIONS", 20_000);
    let clients = env_number("MOTCUA_THROUGHPUT_CLIENTS", 32).max(1);
    let cluster = Cluster::start_durable();

    let mut rows = Vec::new();
    rows.push((
        "sqlite",
        "synchronous=NORMAL",
        1,
        run(None, 1, total, clients).await,
    ));
    for processes in [1, 2] {
        let url = cluster
            .create_database(&format!("throughput_{processes}"))
            .await;
        let figures = run(Some(&url), processes, total, clients).await;
        rows.push(("postgres", "synchronous_commit=on", processes, figures));
    }
    let relaxed = cluster.create_database("throughput_relaxed").await;
    Store::Postgres(relaxed.clone())
        .execute(
            "ALTER DATABASE throughput_relaxed SET synchronous_commit = off",
            &[],
        )
        .await
        .unwrap();
    let figures = run(Some(&relaxed), 2, total, clients).await;
    rows.push(("postgres", "synchronous_commit=off", 2, figures));

    println!(
        "{total} submissions per row by {clients} clients, the portal processes and the load \
         generator on the same {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "| engine | durability | processes | seconds | submissions/s | p50 ms | p99 ms |\n\
         |---|---|---:|---:|---:|---:|---:|"
    );
    for (engine, durability, processes, figures) in rows {
        println!(
            "| {engine} | {durability} | {processes} | {:.2} | {:.0} | {:.1} | {:.1} |",
            figures.seconds,
            total as f64 / figures.seconds,
            figures.p50_ms,
            figures.p99_ms,
        );
    }
}
