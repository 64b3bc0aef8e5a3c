//! A fault-injecting TCP proxy on loopback: between the core and the portal it drops
//! connections, resets them, delays them and cuts responses short, per connection, from a
//! seeded generator so that a failing run can be replayed.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

/// What happened to connections.
#[derive(Default, Debug)]
pub struct FaultCounts {
    /// Connections accepted.
    pub connections: AtomicU64,
    /// Closed at once, before reading anything.
    pub dropped: AtomicU64,
    /// Reset after the request started.
    pub reset: AtomicU64,
    /// Delayed before being served.
    pub delayed: AtomicU64,
    /// Responses cut short.
    pub truncated: AtomicU64,
}

/// The proxy; stops when dropped.
pub struct FaultProxy {
    address: SocketAddr,
    /// Counters of injected faults.
    pub counts: Arc<FaultCounts>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

enum Fault {
    Drop,
    ResetAfterRequest,
    /// Wait, then serve with a cut after this many response bytes.
    Delay(Duration, u64),
    /// Serve normally, but cut the connection after this many response bytes.
    CutAfter(u64),
}

impl FaultProxy {
    /// Starts a proxy to `upstream`; `fault_percent` of connections get a fault on top of
    /// the random cut every connection gets.
    pub async fn start(upstream: SocketAddr, seed: u64, fault_percent: u64) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let address = listener.local_addr().expect("proxy address");
        let counts = Arc::new(FaultCounts::default());
        let shared = counts.clone();
        let task = tokio::spawn(async move {
            let mut rng = Rng(seed.max(1));
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                shared.connections.fetch_add(1, Ordering::Relaxed);
                // Clients keep connections alive, so a fault per connection alone would
                // hit few requests: every served connection also dies after a random
                // number of response bytes, often in the middle of a response.
                let fault = if rng.below(100) >= fault_percent {
                    Fault::CutAfter(100 + rng.below(6_000))
                } else {
                    match rng.below(4) {
                        0 => Fault::Drop,
                        1 => Fault::ResetAfterRequest,
                        2 => Fault::Delay(
                            Duration::from_millis(50 + rng.below(400)),
                            100 + rng.below(6_000),
                        ),
                        _ => Fault::CutAfter(rng.below(600)),
                    }
                };
                let counts = shared.clone();
                tokio::spawn(serve(client, upstream, fault, counts));
            }
        });
        FaultProxy {
            address,
            counts,
            task,
        }
    }

    /// The proxy's URL.
    pub fn url(&self) -> url::Url {
        url::Url::parse(&format!("http://{}", self.address)).expect("url")
    }

    /// A one-line summary of the faults injected.
    pub fn summary(&self) -> String {
        let c = &self.counts;
        format!(
            "{} connections: {} dropped, {} reset, {} delayed, {} truncated",
            c.connections.load(Ordering::Relaxed),
            c.dropped.load(Ordering::Relaxed),
            c.reset.load(Ordering::Relaxed),
            c.delayed.load(Ordering::Relaxed),
            c.truncated.load(Ordering::Relaxed)
        )
    }
}

async fn serve(
    mut client: TcpStream,
    upstream: SocketAddr,
    fault: Fault,
    counts: Arc<FaultCounts>,
) {
    match fault {
        Fault::Drop => {
            counts.dropped.fetch_add(1, Ordering::Relaxed);
            drop(client);
            return;
        }
        Fault::ResetAfterRequest => {
            let mut buffer = [0u8; 512];
            let _ = tokio::time::timeout(Duration::from_secs(2), client.read(&mut buffer)).await;
            counts.reset.fetch_add(1, Ordering::Relaxed);
            // Linger 0: the close becomes a TCP reset.
            let _ = client.set_zero_linger();
            drop(client);
            return;
        }
        Fault::Delay(pause, _) => {
            counts.delayed.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(pause).await;
        }
        Fault::CutAfter(_) => {}
    }
    let Ok(server) = TcpStream::connect(upstream).await else {
        return;
    };
    let limit = match fault {
        Fault::CutAfter(bytes) | Fault::Delay(_, bytes) => bytes,
        Fault::Drop | Fault::ResetAfterRequest => 0,
    };
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let upstream_copy = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut client_read, &mut server_write).await;
        let _ = server_write.shutdown().await;
    });
    let mut forwarded = 0u64;
    let mut buffer = vec![0u8; 16 * 1024];
    while let Ok(read) = server_read.read(&mut buffer).await {
        if read == 0 {
            break;
        }
        let allowed = (limit.saturating_sub(forwarded) as usize).min(read);
        if client_write.write_all(&buffer[..allowed]).await.is_err() {
            break;
        }
        forwarded += allowed as u64;
        if allowed < read {
            counts.truncated.fetch_add(1, Ordering::Relaxed);
            break;
        }
    }
    upstream_copy.abort();
}
