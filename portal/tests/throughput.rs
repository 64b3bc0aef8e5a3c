//! Submission throughput (docs/ARCHITECTURE.md budget: 2,000 submissions/s sustained on SQLite, two
//! cores). Ignored by default; run in release mode, the load generator shares the machine:
//!
//! ```sh
//! cargo test --release -p motcua-portal --test throughput -- --ignored --nocapture
//! ```
//!
//! `MOTCUA_THROUGHPUT_SUBMISSIONS` (default 20,000) and `MOTCUA_THROUGHPUT_CLIENTS`
//! (default 32) change the load.

mod common;

use std::time::Instant;

use common::tus::{Tus, pdf_attachment, permit_form, upload_id};
use common::{count, harness};
use motcua_protocol::api::dossiers::PATH_DOSSIERS;
use serde_json::json;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "throughput measurement; run in release mode with --ignored"]
async fn submissions_per_second() {
    let total = env_number("MOTCUA_THROUGHPUT_SUBMISSIONS", 20_000);
    let clients = env_number("MOTCUA_THROUGHPUT_CLIENTS", 32).max(1);
    let h = harness().await;
    let token = h.open_session("demo-0001").await.access_token;

    let file = b"%PDF-1.4 application form".to_vec();
    let location = Tus::with_token(&h, &token)
        .upload_pdf(&file, "application.pdf")
        .await;
    let body = json!({
        "procedure_code": "1.013228",
        "fields": permit_form(),
        "attachments": [pdf_attachment(
            "application",
            upload_id(&location),
            &file,
            "application.pdf",
        )],
    })
    .to_string();

    let url = h.url(PATH_DOSSIERS);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..clients {
        let http = h.http.clone();
        let url = url.clone();
        let token = token.clone();
        let body = body.clone();
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
    let mut latencies = Vec::with_capacity(total);
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let percentile = |p: f64| {
        let index = ((latencies.len() as f64 - 1.0) * p).round() as usize;
        latencies[index].as_secs_f64() * 1000.0
    };
    println!(
        "{total} submissions by {clients} clients in {:.2} s: {:.0} submissions/s; latency p50 {:.2} ms, p99 {:.2} ms",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        percentile(0.5),
        percentile(0.99),
    );
    assert_eq!(count(&h, "dossiers"), i64::try_from(total).unwrap());
    h.portal.shutdown().await;
}
