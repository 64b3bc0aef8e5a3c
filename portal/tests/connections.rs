//! Slow and greedy clients over real TCP connections (issue 16, item 1; issue 18, item 5):
//! half a request head, an idle kept-alive connection, an announced body that never comes,
//! an answer the client stops reading, many connections from one address, stuck and idle
//! connections at shutdown. The portal runs with timeouts of 1–2 s; every assertion allows
//! many times that, so a loaded machine only makes the tests slower, never wrong.

mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use common::raw::{self, RawResponse};
use common::{Harness, harness_with};
use motcua_portal::PortalConfig;
use motcua_protocol::api::ApiErrorCode;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpSocket, TcpStream};

/// Far longer than any timeout the tests configure.
const GENEROUS: Duration = Duration::from_secs(20);
/// A plausible dossier code that names no dossier.
const CODE: &str = "000.00.00.H00-261202-0001";

fn short_timeouts(config: &mut PortalConfig) {
    config.header_read_timeout_secs = 1;
    config.body_stall_timeout_secs = 1;
}

/// A connection from `source` (any 127.x.y.z address is this machine on Linux).
async fn connect_from(source: Ipv4Addr, portal: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::new(IpAddr::V4(source), 0)).unwrap();
    socket.connect(portal).await.unwrap()
}

const HEALTH: &str = "GET /healthz HTTP/1.1\r\nhost: portal\r\n\r\n";

/// Sends a whole GET /healthz on `stream` and reads the answer.
async fn health_on(stream: &mut TcpStream) -> RawResponse {
    stream.write_all(HEALTH.as_bytes()).await.unwrap();
    raw::read_response_within(stream, GENEROUS).await
}

async fn served(h: &Harness) {
    let response = tokio::time::timeout(GENEROUS, h.http.get(h.url("/healthz")).send())
        .await
        .expect("an answer in time")
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn half_a_request_head_is_closed_after_the_header_timeout_while_others_are_served() {
    let h = harness_with(short_timeouts).await;
    let mut halves = Vec::new();
    for _ in 0..20 {
        let mut stream = TcpStream::connect(h.portal.local_addr()).await.unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nhost: portal\r\nx-slow: ")
            .await
            .unwrap();
        halves.push(stream);
    }
    // While they hang, a normal client is served.
    served(&h).await;
    for stream in &mut halves {
        assert!(
            raw::closed_within(stream, GENEROUS).await,
            "a half-sent head was still open long after the header timeout"
        );
    }
    // An idle kept-alive connection is closed too, after answering.
    let mut idle = TcpStream::connect(h.portal.local_addr()).await.unwrap();
    assert_eq!(health_on(&mut idle).await.status, 200);
    assert!(raw::closed_within(&mut idle, GENEROUS).await);
    served(&h).await;
}

#[tokio::test]
async fn connections_from_one_client_are_capped_and_others_are_still_served() {
    let h = harness_with(|config| config.max_connections_per_client = 4).await;
    let greedy = Ipv4Addr::new(127, 0, 0, 2);
    let addr = h.portal.local_addr();
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut stream = connect_from(greedy, addr).await;
        // Each is served: the portal accepted it.
        assert_eq!(health_on(&mut stream).await.status, 200);
        held.push(stream);
    }
    // The fifth is closed without an answer…
    let mut fifth = connect_from(greedy, addr).await;
    let _ = fifth.write_all(HEALTH.as_bytes()).await;
    assert!(raw::closed_within(&mut fifth, GENEROUS).await);
    // …while the four go on, and other clients are served.
    assert_eq!(health_on(&mut held[0]).await.status, 200);
    served(&h).await;
    let mut neighbour = connect_from(Ipv4Addr::new(127, 0, 0, 3), addr).await;
    assert_eq!(health_on(&mut neighbour).await.status, 200);

    // Once one of the four is closed, the client may open another.
    drop(held.pop());
    let reopened = tokio::time::timeout(GENEROUS, async {
        loop {
            let mut stream = connect_from(greedy, addr).await;
            if stream.write_all(HEALTH.as_bytes()).await.is_ok()
                && let Ok(Ok(response)) = tokio::time::timeout(
                    Duration::from_secs(2),
                    tokio::spawn(async move { raw::read_response(&mut stream).await }),
                )
                .await
            {
                return response.status;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("a slot freed by a closed connection");
    assert_eq!(reopened, 200);
}

#[tokio::test]
async fn the_overall_cap_holds_new_connections_until_one_closes() {
    let h = harness_with(|config| {
        config.max_connections = 3;
        config.max_connections_per_client = 0;
    })
    .await;
    let addr = h.portal.local_addr();
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        assert_eq!(health_on(&mut stream).await.status, 200);
        held.push(stream);
    }
    // The kernel completes the handshake; the portal does not take the connection yet.
    let waiting = tokio::spawn(async move {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        health_on(&mut stream).await.status
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!waiting.is_finished(), "served past the overall cap");
    drop(held.pop());
    let status = tokio::time::timeout(GENEROUS, waiting)
        .await
        .expect("served once a connection closed")
        .unwrap();
    assert_eq!(status, 200);
}

fn withdraw_head(token: &str, length: u64) -> String {
    format!(
        "POST /api/v1/dossiers/{CODE}/withdraw HTTP/1.1\r\nhost: portal\r\n\
         authorization: Bearer {token}\r\ncontent-type: application/json\r\n\
         content-length: {length}\r\n\r\n"
    )
}

#[tokio::test]
async fn an_announced_body_that_never_comes_is_refused_and_closed() {
    let h = harness_with(short_timeouts).await;
    let token = h.citizen_token("demo-0001").await;
    let addr = h.portal.local_addr();

    // Under the route's limit: the portal waits for it, then gives up. 100 GB announced
    // and nothing sent: the same, whatever the announced length.
    for length in [1000, 100_000_000_000] {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(withdraw_head(&token, length).as_bytes())
            .await
            .unwrap();
        let response = raw::read_response_within(&mut stream, GENEROUS).await;
        let what = format!("{length} bytes announced");
        assert_eq!(response.status, 400, "{what}");
        assert_eq!(
            raw::error_code(&response, &what),
            ApiErrorCode::InvalidRequest
        );
        assert!(raw::closed_within(&mut stream, GENEROUS).await, "{what}");
    }

    // A route that never reads its body does not wait for 100 GB either.
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(
            b"POST /healthz HTTP/1.1\r\nhost: portal\r\ncontent-length: 100000000000\r\n\r\n",
        )
        .await
        .unwrap();
    assert!(raw::closed_within(&mut stream, GENEROUS).await);
    served(&h).await;
}

#[tokio::test]
async fn a_slow_body_that_keeps_moving_is_not_cut() {
    // Bytes every 100 ms against a 2 s stall limit, for longer than the limit in total:
    // 2G at 50 kbit/s sends a TCP segment every quarter second.
    let h = harness_with(|config| config.body_stall_timeout_secs = 2).await;
    let token = h.citizen_token("demo-0001").await;
    let body = serde_json::to_vec(&serde_json::json!({ "note": "x".repeat(3000) })).unwrap();
    let mut stream = TcpStream::connect(h.portal.local_addr()).await.unwrap();
    stream
        .write_all(withdraw_head(&token, body.len() as u64).as_bytes())
        .await
        .unwrap();
    let pieces: Vec<&[u8]> = body.chunks(body.len().div_ceil(40)).collect();
    for piece in pieces {
        stream.write_all(piece).await.unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let response = raw::read_response_within(&mut stream, GENEROUS).await;
    // The whole body arrived: the portal looked the dossier up (no such dossier).
    assert_eq!(
        response.status,
        404,
        "{:?}",
        String::from_utf8_lossy(&response.body)
    );
}

/// A connection that can hold little of an answer: a 4 KiB receive buffer, and small
/// segments (a loopback connection's 64 KiB segments would let the portal's kernel take
/// megabytes into its send buffer, so that nothing is left for the portal to write).
fn narrow_connection(portal: SocketAddr) -> TcpStream {
    let socket = socket2::Socket::new(
        socket2::Domain::IPV4,
        socket2::Type::STREAM,
        Some(socket2::Protocol::TCP),
    )
    .unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    socket.set_tcp_mss(536).unwrap();
    socket.connect(&portal.into()).unwrap();
    socket.set_nonblocking(true).unwrap();
    TcpStream::from_std(socket.into()).unwrap()
}

#[tokio::test]
async fn an_answer_the_client_stops_reading_ends_the_connection_after_the_stall_timeout() {
    // Only the write stall timeout (or the kernel's TCP_USER_TIMEOUT, set to the same
    // limit) can end this connection: the header (and idle) timeout is an hour.
    let h = harness_with(|config| {
        config.header_read_timeout_secs = 3600;
        config.body_stall_timeout_secs = 1;
    })
    .await;
    // The whole catalog, uncompressed (no Accept-Encoding): hundreds of KB.
    let mut stream = narrow_connection(h.portal.local_addr());
    stream
        .write_all(b"GET /api/v1/catalog HTTP/1.1\r\nhost: portal\r\n\r\n")
        .await
        .unwrap();
    // The client takes nothing for several times the limit (a phone that left its link)…
    tokio::time::sleep(Duration::from_secs(5)).await;
    // …then reads what there is: part of the answer, and the end of the connection.
    let mut received = Vec::new();
    let ended = tokio::time::timeout(GENEROUS, async {
        let mut chunk = [0u8; 16 * 1024];
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(read) => received.extend_from_slice(&chunk[..read]),
            }
        }
    })
    .await;
    assert!(
        ended.is_ok(),
        "the connection was still open long after the write stall timeout"
    );
    let head_end = received
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("the answer's head came");
    let head = String::from_utf8_lossy(&received[..head_end]).to_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse().ok())
        .expect("a content length");
    let body = received.len() - head_end - 4;
    println!("answer of {length} B: {body} B taken before the portal gave up");
    assert!(
        body < length,
        "the whole answer fitted in the buffers: the test proves nothing"
    );
    served(&h).await;
}

#[tokio::test]
async fn shutdown_finishes_within_its_deadline_with_stuck_connections_open() {
    let h = harness_with(|config| {
        // Nothing ends these connections but the shutdown deadline.
        config.header_read_timeout_secs = 3600;
        config.body_stall_timeout_secs = 3600;
        config.shutdown_deadline_secs = 1;
    })
    .await;
    let token = h.citizen_token("demo-0001").await;
    let addr = h.portal.local_addr();
    let mut half_head = TcpStream::connect(addr).await.unwrap();
    half_head
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: por")
        .await
        .unwrap();
    let mut no_body = TcpStream::connect(addr).await.unwrap();
    no_body
        .write_all(withdraw_head(&token, 1000).as_bytes())
        .await
        .unwrap();
    // A kept-alive connection, answered and idle (its idle timeout is an hour).
    let mut idle = TcpStream::connect(addr).await.unwrap();
    assert_eq!(health_on(&mut idle).await.status, 200);
    // All are being served (the portal accepted them) before the shutdown begins.
    served(&h).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    tokio::time::timeout(GENEROUS, h.portal.shutdown())
        .await
        .expect("the shutdown finished within its deadline");
    assert!(raw::closed_within(&mut half_head, GENEROUS).await);
    assert!(raw::closed_within(&mut no_body, GENEROUS).await);
    assert!(raw::closed_within(&mut idle, GENEROUS).await);
}
