//! HTTP to the portal and the identity provider: one client, timeouts on lack of progress,
//! typed failures. Bodies and URLs with secrets are never logged.
//!
//! No exchange has a limit on its total duration: on a 2G-class link a catalog or a photo
//! takes minutes, and a transfer that keeps moving is never cut however slow it is
//! (issue 18, decision record 0005). What is limited is silence: connecting gets
//! [`CONNECT_TIMEOUT`]; after that, an exchange fails when nothing moves for the stall
//! timeout ([`DEFAULT_STALL_TIMEOUT`]): no byte of a request body taken by the connection,
//! no answer head, no byte of the answer's body. The exchange is then abandoned and its
//! connection closed (dropping a request closes its connection), so an abandoned transfer
//! does not compete with its retry for the link.
//!
//! Answers are asked for compressed (`Accept-Encoding: gzip`, decoded here); gzip only, as
//! brotli's decoder would add its dictionary to the shipped library for a few percent on
//! JSON.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use motcua_protocol::api::{ApiErrorBody, ApiErrorCode};
use serde::de::DeserializeOwned;

/// Connect timeout: a weak rural link gets this long to open a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default stall timeout: how long an exchange may go without any progress. Longer than a
/// mobile link's usual hiccups and the portal's work on a request.
pub const DEFAULT_STALL_TIMEOUT: Duration = Duration::from_secs(30);
/// Bytes of a request body handed to the connection at a time: each piece taken is
/// progress.
const BODY_PIECE_BYTES: usize = 4 * 1024;
/// The detail of [`HttpError::Network`] when an exchange was abandoned for its stall.
pub(crate) const STALLED: &str = "stalled: no progress";
/// The detail of [`HttpError::Network`] when no connection could be opened.
pub(crate) const COULD_NOT_CONNECT: &str = "could not connect";

/// Why an HTTP exchange failed.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// No answer: offline, DNS, refused, reset or stalled. Worth retrying later.
    #[error("network: {0}")]
    Network(String),
    /// The portal answered with one of its typed errors.
    #[error("portal error {code:?} (HTTP {status}): {message}")]
    Api {
        /// HTTP status.
        status: u16,
        /// The portal's machine code.
        code: ApiErrorCode,
        /// The portal's detail.
        message: String,
    },
    /// An answer that is not what the endpoint promises (wrong status or body).
    #[error("unexpected answer (HTTP {status}): {detail}")]
    Unexpected {
        /// HTTP status.
        status: u16,
        /// What was wrong.
        detail: String,
    },
}

/// The shared HTTP client.
#[derive(Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    stall: Duration,
}

/// When an exchange last moved.
#[derive(Clone)]
struct Progress {
    start: Instant,
    /// Milliseconds since `start` of the last progress.
    last: Arc<AtomicU64>,
}

impl Progress {
    fn new() -> Progress {
        Progress {
            start: Instant::now(),
            last: Arc::new(AtomicU64::new(0)),
        }
    }

    fn touch(&self) {
        let now = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.fetch_max(now, Ordering::Relaxed);
    }

    fn idle(&self) -> Duration {
        self.start
            .elapsed()
            .saturating_sub(Duration::from_millis(self.last.load(Ordering::Relaxed)))
    }
}

impl HttpClient {
    /// A client with the default stall timeout; it never follows redirects (an OAuth
    /// endpoint that redirects is misconfigured, and following would leak bodies).
    pub fn new() -> Result<HttpClient, reqwest::Error> {
        HttpClient::with_stall_timeout(DEFAULT_STALL_TIMEOUT)
    }

    /// A client whose exchanges fail after `stall` without progress.
    pub fn with_stall_timeout(stall: Duration) -> Result<HttpClient, reqwest::Error> {
        let client = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            // The kernel's own watch on a dead peer: probes on an idle connection, and
            // unacknowledged data abandoned (Linux, Android) after the stall timeout.
            .tcp_keepalive(Duration::from_secs(15))
            .tcp_user_timeout(stall.max(Duration::from_secs(1)))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("motcua-core/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(HttpClient {
            client,
            stall: stall.max(Duration::from_millis(100)),
        })
    }

    /// The underlying client, to build requests. Send them with the methods below, which
    /// watch their progress.
    pub fn raw(&self) -> &reqwest::Client {
        &self.client
    }

    /// The stall timeout.
    pub fn stall_timeout(&self) -> Duration {
        self.stall
    }

    /// Runs `work` until it ends or `progress` shows nothing moved for the stall timeout;
    /// then `work` is dropped (closing its connection).
    async fn watched<T>(
        &self,
        progress: &Progress,
        work: impl Future<Output = T>,
    ) -> Result<T, HttpError> {
        tokio::pin!(work);
        loop {
            let left = self.stall.saturating_sub(progress.idle());
            if left.is_zero() {
                tracing::debug!(stall_secs = self.stall.as_secs(), "exchange stalled");
                return Err(HttpError::Network(STALLED.into()));
            }
            tokio::select! {
                output = &mut work => return Ok(output),
                () = tokio::time::sleep(left) => {}
            }
        }
    }

    /// Sends a request and decodes a JSON answer; a non-2xx answer becomes
    /// [`HttpError::Api`] when it carries the portal's error body.
    pub async fn json<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, HttpError> {
        let response = self.send(request).await?;
        let status = response.status().as_u16();
        let bytes = self.bytes(response).await?;
        serde_json::from_slice(&bytes).map_err(|e| HttpError::Unexpected {
            status,
            detail: format!("body is not the expected JSON: {e}"),
        })
    }

    /// Decodes the JSON body of an answer already received (and checked by the caller).
    pub async fn json_from<T: DeserializeOwned>(
        &self,
        response: reqwest::Response,
    ) -> Result<T, HttpError> {
        let status = response.status().as_u16();
        if !response.status().is_success() {
            return Err(HttpError::Unexpected {
                status,
                detail: "not a success".into(),
            });
        }
        let bytes = self.bytes(response).await?;
        serde_json::from_slice(&bytes).map_err(|e| HttpError::Unexpected {
            status,
            detail: format!("body is not the expected JSON: {e}"),
        })
    }

    /// Sends a request and returns its answer, whatever the status, once the head arrived
    /// (it must within the stall timeout).
    pub async fn send_any(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, HttpError> {
        let progress = Progress::new();
        self.watched(&progress, request.send())
            .await?
            .map_err(network)
    }

    /// Reads an answer's body (decoded), failing when it stops arriving for the stall
    /// timeout; a slow body that keeps arriving is read to its end.
    pub async fn bytes(&self, mut response: reqwest::Response) -> Result<Bytes, HttpError> {
        let mut body = Vec::new();
        while let Some(chunk) = self.chunk(&mut response).await? {
            body.extend_from_slice(&chunk);
        }
        Ok(Bytes::from(body))
    }

    /// The next piece of an answer's body (decoded), or `None` at its end; fails when
    /// nothing arrives for the stall timeout (the answer is then dropped by the caller,
    /// which closes its connection).
    pub async fn chunk(
        &self,
        response: &mut reqwest::Response,
    ) -> Result<Option<Bytes>, HttpError> {
        let progress = Progress::new();
        self.watched(&progress, response.chunk())
            .await?
            .map_err(network)
    }

    /// Sends a request and checks for a 2xx answer, returning it unread.
    pub async fn send(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, HttpError> {
        let response = self.send_any(request).await?;
        self.checked(response).await
    }

    /// Sends `request` with `body`, handed to the connection piece by piece: the upload
    /// fails only when the connection takes nothing for the stall timeout, never for being
    /// slow. The kernel takes a body into its buffers faster than the link carries it, so
    /// the answer may come `in_flight` (the caller's estimate of how long the link takes
    /// to carry the body) after the last piece was taken: the wait for it is the stall
    /// timeout plus that. Checks for a 2xx answer, as [`HttpClient::send`].
    pub async fn upload(
        &self,
        request: reqwest::RequestBuilder,
        body: Bytes,
        in_flight: Duration,
    ) -> Result<reqwest::Response, HttpError> {
        let progress = Progress::new();
        let length = body.len();
        let request = request
            .header(reqwest::header::CONTENT_LENGTH, length)
            .body(reqwest::Body::wrap(PiecewiseBody {
                data: body,
                progress: progress.clone(),
            }));
        let patient = HttpClient {
            client: self.client.clone(),
            stall: self.stall + in_flight,
        };
        let response = patient
            .watched(&progress, request.send())
            .await?
            .map_err(network)?;
        self.checked(response).await
    }

    /// A 2xx answer as it is; anything else as a typed error.
    async fn checked(&self, response: reqwest::Response) -> Result<reqwest::Response, HttpError> {
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let bytes = self.bytes(response).await?;
        Err(match serde_json::from_slice::<ApiErrorBody>(&bytes) {
            Ok(body) => HttpError::Api {
                status: status.as_u16(),
                code: body.error.code,
                message: body.error.message,
            },
            Err(_) => HttpError::Unexpected {
                status: status.as_u16(),
                detail: String::from_utf8_lossy(&bytes).chars().take(200).collect(),
            },
        })
    }
}

/// A request body given to the connection [`BODY_PIECE_BYTES`] at a time; each piece the
/// connection takes is progress (it takes the next only once it has room).
struct PiecewiseBody {
    data: Bytes,
    progress: Progress,
}

impl http_body::Body for PiecewiseBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        if self.data.is_empty() {
            return Poll::Ready(None);
        }
        self.progress.touch();
        let take = self.data.len().min(BODY_PIECE_BYTES);
        let piece = self.data.split_to(take);
        Poll::Ready(Some(Ok(http_body::Frame::data(piece))))
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_empty()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.data.len() as u64)
    }
}

fn network(error: reqwest::Error) -> HttpError {
    // reqwest's Display includes the URL, which may carry a code; keep only the kind.
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        COULD_NOT_CONNECT
    } else if error.is_body() || error.is_decode() {
        "connection broke while reading"
    } else {
        "request failed"
    };
    HttpError::Network(kind.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    /// A server that sends an answer head, then `pieces` of its body with `pause` between
    /// them, or nothing more when `pieces` is 0 (it stalls).
    async fn trickling_server(pieces: usize, pause: Duration) -> std::net::SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut head = [0u8; 1024];
            let _ = stream.read(&mut head).await;
            let length = pieces.max(1) * 10;
            let _ = stream
                .write_all(
                    format!("HTTP/1.1 200 OK\r\ncontent-length: {length}\r\n\r\n").as_bytes(),
                )
                .await;
            for _ in 0..pieces {
                tokio::time::sleep(pause).await;
                let _ = stream.write_all(b"0123456789").await;
            }
            tokio::time::sleep(Duration::from_secs(3600)).await;
        });
        address
    }

    #[tokio::test]
    async fn a_slow_body_that_keeps_moving_is_read_to_its_end() {
        // Each pause is shorter than the stall timeout, all of them together far longer.
        let address = trickling_server(8, Duration::from_millis(150)).await;
        let http = HttpClient::with_stall_timeout(Duration::from_millis(400)).unwrap();
        let response = http
            .send(http.raw().get(format!("http://{address}/")))
            .await
            .unwrap();
        let body = http.bytes(response).await.unwrap();
        assert_eq!(body.len(), 80);
    }

    #[tokio::test]
    async fn a_body_that_stops_arriving_fails_as_a_network_error() {
        let address = trickling_server(0, Duration::ZERO).await;
        let http = HttpClient::with_stall_timeout(Duration::from_millis(300)).unwrap();
        let response = http
            .send(http.raw().get(format!("http://{address}/")))
            .await
            .unwrap();
        let error = http.bytes(response).await.unwrap_err();
        assert!(matches!(error, HttpError::Network(_)), "{error:?}");
    }

    #[tokio::test]
    async fn an_upload_slower_than_the_stall_timeout_in_total_is_not_cut() {
        // A server with a small receive buffer that reads 2 KiB every 50 ms: 100 KB take
        // 2.5 s, longer than the stall timeout, but something moves all the time (on
        // loopback the kernel takes the whole body at once: the caller's estimate of the
        // time in flight covers the wait for the answer).
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listener = socket.listen(1).unwrap();
        let address = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut received = Vec::new();
            let mut buffer = vec![0u8; 2 * 1024];
            loop {
                if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n")
                    && received.len() >= end + 4 + 100_000
                {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
                let read = stream.read(&mut buffer).await.unwrap();
                if read == 0 {
                    break;
                }
                received.extend_from_slice(&buffer[..read]);
            }
            stream
                .write_all(b"HTTP/1.1 204 No Content\r\n\r\n")
                .await
                .unwrap();
            received
        });
        let http = HttpClient::with_stall_timeout(Duration::from_millis(1500)).unwrap();
        let body = Bytes::from(vec![5u8; 100_000]);
        let answer = http
            .upload(
                http.raw().patch(format!("http://{address}/")),
                body,
                Duration::from_secs(3),
            )
            .await;
        assert!(answer.is_ok(), "{answer:?}");
        let received = server.await.unwrap();
        let text = String::from_utf8_lossy(&received).to_lowercase();
        assert!(text.contains("content-length: 100000"), "{text:.200}");
    }
}
