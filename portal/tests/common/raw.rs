//! HTTP/1.1 by hand over a TCP socket, for what reqwest cannot do: announce a body and
//! not send it, send half a header, keep a connection idle, or send a body the server
//! refuses before reading it (reqwest may then report the reset, not the answer).

use std::net::SocketAddr;
use std::time::Duration;

use motcua_protocol::api::{ApiErrorBody, ApiErrorCode};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// A parsed answer.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Sends `head` (request line and headers, ending in an empty line), then `body` from a
/// separate task (its write errors are ignored: the server may refuse before reading),
/// and reads one answer within `limit`.
pub async fn exchange(addr: SocketAddr, head: &str, body: Vec<u8>, limit: Duration) -> RawResponse {
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    writer.write_all(head.as_bytes()).await.unwrap();
    let sending = tokio::spawn(async move {
        let _ = writer.write_all(&body).await;
        // Keep the write half open until the answer is read.
        writer
    });
    let response = read_response_within(&mut reader, limit).await;
    sending.abort();
    response
}

/// Reads one answer ([`read_response`]) within `limit`.
pub async fn read_response_within(
    reader: &mut (impl tokio::io::AsyncRead + Unpin),
    limit: Duration,
) -> RawResponse {
    tokio::time::timeout(limit, read_response(reader))
        .await
        .expect("an answer in time")
}

/// The code of an answer that must be our JSON error (`what` names the request in a
/// failure).
pub fn error_code(response: &RawResponse, what: &str) -> ApiErrorCode {
    assert_eq!(
        response.header("content-type"),
        Some("application/json"),
        "{what}: {} {:?}",
        response.status,
        String::from_utf8_lossy(&response.body)
    );
    let body: ApiErrorBody = serde_json::from_slice(&response.body)
        .unwrap_or_else(|error| panic!("{what}: not our error: {error}"));
    body.error.code
}

/// Reads one HTTP/1.1 answer with a `Content-Length` (or none: up to the end).
pub async fn read_response(reader: &mut (impl tokio::io::AsyncRead + Unpin)) -> RawResponse {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let header_end = loop {
        if let Some(end) = find(&buffer, b"\r\n\r\n") {
            break end;
        }
        let read = reader.read(&mut chunk).await.unwrap();
        assert!(read > 0, "the connection closed before an answer");
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..header_end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .expect("a status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    let length = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.parse::<usize>().ok());
    let mut body = buffer[header_end + 4..].to_vec();
    match length {
        Some(length) => {
            while body.len() < length {
                let read = reader.read(&mut chunk).await.unwrap();
                assert!(read > 0, "the connection closed inside the body");
                body.extend_from_slice(&chunk[..read]);
            }
            body.truncate(length);
        }
        None => {
            while let Ok(read) = reader.read(&mut chunk).await {
                if read == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..read]);
            }
        }
    }
    RawResponse {
        status,
        headers,
        body,
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Waits until the peer closes `stream` (a read of 0 bytes or a reset), reading and
/// discarding whatever the server sends first; `false` if it is still open after `limit`.
pub async fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let mut chunk = [0u8; 4096];
    tokio::time::timeout(limit, async {
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok()
}
