//! The HTTP server: accepts connections and serves the router on each, defended against
//! slow and greedy clients (issue 16, item 1).
//!
//! - a request head must arrive within the header read timeout; hyper's timer also runs
//!   while a kept-alive connection waits for its next request, so it is the idle timeout
//!   of kept-alive connections too;
//! - a request body must make progress: a read that waits longer than the body stall
//!   timeout for its next bytes fails (a slow but moving upload is never cut);
//! - connections are capped per peer (IPv6 by /64, as the rate limiter counts clients)
//!   and overall, so one client cannot take every file descriptor: past the per-peer cap
//!   a new connection is closed at once; at the overall cap the portal stops accepting
//!   until one ends (the kernel's backlog holds the rest);
//! - an answer must make progress too: a write the client does not take for the body
//!   stall timeout ends the connection (a client that stopped reading, or vanished);
//! - the kernel watches for dead peers (issue 18): TCP keepalive probes an idle
//!   connection after [`KEEPALIVE_IDLE`], and on Linux data left unacknowledged for the
//!   body stall timeout closes the connection (`TCP_USER_TIMEOUT`), so a phone that left
//!   its link does not hold a connection (and a shutdown) for the kernel's 15 minutes;
//! - a shutdown stops accepting, lets the requests in flight finish, and closes what is
//!   still open when the shutdown deadline passes.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::{Instant, Sleep};
use tower::ServiceExt as _;

use crate::ratelimit::bucket_key;

/// Idle time before the first keepalive probe.
pub(crate) const KEEPALIVE_IDLE: Duration = Duration::from_secs(30);
/// Between keepalive probes.
const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(10);
/// Probes unanswered before the kernel drops the connection.
const KEEPALIVE_RETRIES: u32 = 3;

/// How the server treats its connections.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConnectionLimits {
    /// Longest wait for a complete request head (and for the next one on a kept-alive
    /// connection).
    pub header_read_timeout: Duration,
    /// Longest wait for the next bytes of a request body.
    pub body_stall_timeout: Duration,
    /// Most open connections from one peer; 0: no limit.
    pub max_connections_per_peer: usize,
    /// Most open connections overall.
    pub max_connections: usize,
    /// How long a shutdown waits for open connections before closing them.
    pub shutdown_deadline: Duration,
}

/// Open connections per peer.
#[derive(Default)]
struct PeerCounts {
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One open connection of a peer; counted until dropped.
struct PeerSlot {
    counts: Arc<PeerCounts>,
    peer: IpAddr,
}

impl PeerCounts {
    /// A slot for `peer`, unless it already has `cap` connections open.
    fn take(self: &Arc<Self>, peer: IpAddr, cap: usize) -> Option<PeerSlot> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let count = open.entry(peer).or_insert(0);
        if cap != 0 && *count >= cap {
            return None;
        }
        *count += 1;
        Some(PeerSlot {
            counts: Arc::clone(self),
            peer,
        })
    }
}

impl Drop for PeerSlot {
    fn drop(&mut self) {
        let mut open = self.counts.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = open.get_mut(&self.peer) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.peer);
            }
        }
    }
}

/// Serves `app` on `listener` until `stop` resolves, then shuts down within the deadline.
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    stop: impl std::future::Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let capacity = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let peers = Arc::new(PeerCounts::default());
    let (shutting_down, shutdown_seen) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(stop);
    loop {
        let permit = tokio::select! {
            () = &mut stop => break,
            permit = Arc::clone(&capacity).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let accepted = tokio::select! {
            () = &mut stop => break,
            accepted = listener.accept() => accepted,
        };
        // Reap finished connection tasks so the set does not grow.
        while connections.try_join_next().is_some() {}
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(error) => {
                // Out of descriptors, or a connection reset before it was accepted: wait a
                // little, as axum::serve does, instead of spinning.
                tracing::warn!(%error, "accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Some(slot) = peers.take(bucket_key(peer.ip()), limits.max_connections_per_peer) else {
            // Dropping the stream closes it; the peer's other connections go on.
            tracing::debug!("connection refused: too many from one peer");
            continue;
        };
        connections.spawn(serve_connection(
            stream,
            peer,
            app.clone(),
            limits,
            (permit, slot),
            shutdown_seen.clone(),
        ));
    }
    drop(listener);
    let _ = shutting_down.send(true);
    let drained = tokio::time::timeout(limits.shutdown_deadline, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            open = connections.len(),
            "shutdown deadline passed: closing the connections still open"
        );
        connections.shutdown().await;
    }
    Ok(())
}

async fn serve_connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    app: Router,
    limits: ConnectionLimits,
    held: (OwnedSemaphorePermit, PeerSlot),
    mut shutting_down: watch::Receiver<bool>,
) {
    let _held = held;
    let _ = stream.set_nodelay(true);
    watch_for_a_dead_peer(&stream, limits.body_stall_timeout);
    let stream = WriteStallTimeout::new(stream, limits.body_stall_timeout);
    let body_stall = limits.body_stall_timeout;
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        let request = request.map(|body| Body::new(StallTimeout::new(body, body_stall)));
        app.clone().oneshot(request)
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let connection = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    let mut shutdown_started = *shutting_down.borrow();
    if shutdown_started {
        connection.as_mut().graceful_shutdown();
    }
    loop {
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(error) = result {
                    // Timeouts and resets are the client's doing; nothing personal is in
                    // hyper's error text.
                    tracing::debug!(%error, "connection ended with an error");
                }
                return;
            }
            changed = shutting_down.changed(), if !shutdown_started => {
                if changed.is_err() || *shutting_down.borrow() {
                    shutdown_started = true;
                    // Finishes the request in flight, then closes; an idle connection
                    // closes now.
                    connection.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// Keepalive probes, and (Linux, Android) a limit on unacknowledged data; best effort.
fn watch_for_a_dead_peer(stream: &tokio::net::TcpStream, unacknowledged: Duration) {
    let socket = socket2::SockRef::from(stream);
    let keepalive = socket2::TcpKeepalive::new()
        .with_time(KEEPALIVE_IDLE)
        .with_interval(KEEPALIVE_INTERVAL);
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let keepalive = keepalive.with_retries(KEEPALIVE_RETRIES);
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let _ = KEEPALIVE_RETRIES;
    if let Err(error) = socket.set_tcp_keepalive(&keepalive) {
        tracing::debug!(%error, "cannot set TCP keepalive");
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if let Err(error) = socket.set_tcp_user_timeout(Some(unacknowledged)) {
        tracing::debug!(%error, "cannot set TCP_USER_TIMEOUT");
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let _ = unacknowledged;
}

/// A connection whose writes fail when the peer takes nothing for `limit`: an answer to a
/// client that stopped reading (or vanished) does not hold the connection.
struct WriteStallTimeout<S> {
    inner: S,
    limit: Duration,
    deadline: Pin<Box<Sleep>>,
    /// Whether `deadline` belongs to the current wait.
    waiting: bool,
}

impl<S> WriteStallTimeout<S> {
    fn new(inner: S, limit: Duration) -> WriteStallTimeout<S> {
        WriteStallTimeout {
            inner,
            limit,
            deadline: Box::pin(tokio::time::sleep(limit)),
            waiting: false,
        }
    }

    /// Turns a write that is still pending after the limit into an error.
    fn watch<T>(
        &mut self,
        cx: &mut Context<'_>,
        poll: Poll<std::io::Result<T>>,
    ) -> Poll<std::io::Result<T>> {
        match poll {
            Poll::Ready(result) => {
                self.waiting = false;
                Poll::Ready(result)
            }
            Poll::Pending => {
                if !self.waiting {
                    self.waiting = true;
                    let deadline = Instant::now() + self.limit;
                    self.deadline.as_mut().reset(deadline);
                }
                match self.deadline.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "the client stopped taking the answer",
                    ))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }
}

impl<S: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for WriteStallTimeout<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: tokio::io::AsyncWrite + Unpin> tokio::io::AsyncWrite for WriteStallTimeout<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = &mut *self;
        let poll = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.watch(cx, poll)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let this = &mut *self;
        let poll = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.watch(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = &mut *self;
        let poll = Pin::new(&mut this.inner).poll_flush(cx);
        this.watch(cx, poll)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A request body whose read fails when its next bytes take longer than `limit`: a
/// stalled upload ends, a slow one that keeps moving does not.
pub(crate) struct StallTimeout<B> {
    inner: B,
    limit: Duration,
    /// When the current wait for bytes ends the body.
    deadline: Pin<Box<Sleep>>,
    /// Whether `deadline` belongs to the current wait (a handler that reads the body late
    /// is not charged for the time before it started reading).
    waiting: bool,
}

impl<B> StallTimeout<B> {
    pub(crate) fn new(inner: B, limit: Duration) -> StallTimeout<B> {
        StallTimeout {
            inner,
            limit,
            deadline: Box::pin(tokio::time::sleep(limit)),
            waiting: false,
        }
    }
}

/// The error of a body that stopped arriving.
#[derive(Debug, thiserror::Error)]
#[error("the request body stopped arriving")]
pub(crate) struct BodyStalled;

impl<B> http_body::Body for StallTimeout<B>
where
    B: http_body::Body<Data = Bytes> + Unpin,
    B::Error: Into<axum::BoxError>,
{
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                this.waiting = false;
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(error))) => Poll::Ready(Some(Err(error.into()))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => {
                if !this.waiting {
                    this.waiting = true;
                    let deadline = Instant::now() + this.limit;
                    this.deadline.as_mut().reset(deadline);
                }
                match this.deadline.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyStalled)))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
