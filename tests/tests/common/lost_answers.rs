//! A loopback proxy that forwards everything faithfully, except that the answers to chosen
//! requests never come back: the request reaches the portal and is carried out, then the
//! connection dies before the response, as on a phone that loses its signal at that moment.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

/// The proxy; stops when dropped.
pub struct AnswerLosingProxy {
    address: SocketAddr,
    /// Answers lost so far.
    pub lost: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for AnswerLosingProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl AnswerLosingProxy {
    /// Proxies to `upstream`, losing the answers to the first `times` requests whose bytes
    /// contain `marker` (e.g. `"POST /api/v1/session/refresh "`).
    pub async fn start(upstream: SocketAddr, marker: &'static str, times: u64) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let address = listener.local_addr().expect("proxy address");
        let lost = Arc::new(AtomicU64::new(0));
        let budget = Arc::new(AtomicU64::new(times));
        let counter = lost.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                tokio::spawn(serve(
                    client,
                    upstream,
                    marker.as_bytes(),
                    budget.clone(),
                    counter.clone(),
                ));
            }
        });
        AnswerLosingProxy {
            address,
            lost,
            task,
        }
    }

    /// The proxy's URL.
    pub fn url(&self) -> url::Url {
        url::Url::parse(&format!("http://{}", self.address)).expect("url")
    }
}

async fn serve(
    client: TcpStream,
    upstream: SocketAddr,
    marker: &'static [u8],
    budget: Arc<AtomicU64>,
    lost: Arc<AtomicU64>,
) {
    let Ok(server) = TcpStream::connect(upstream).await else {
        return;
    };
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    // Set before the marked request is forwarded, so before its answer can exist.
    let losing = Arc::new(AtomicBool::new(false));
    let flag = losing.clone();
    let upstream_copy = tokio::spawn(async move {
        let mut buffer = vec![0u8; 16 * 1024];
        while let Ok(read) = client_read.read(&mut buffer).await {
            if read == 0 {
                break;
            }
            let chunk = &buffer[..read];
            if chunk.windows(marker.len()).any(|window| window == marker)
                && budget
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                        left.checked_sub(1)
                    })
                    .is_ok()
            {
                flag.store(true, Ordering::SeqCst);
            }
            if server_write.write_all(chunk).await.is_err() {
                break;
            }
        }
        let _ = server_write.shutdown().await;
    });
    let mut buffer = vec![0u8; 16 * 1024];
    while let Ok(read) = server_read.read(&mut buffer).await {
        if read == 0 {
            break;
        }
        if losing.load(Ordering::SeqCst) {
            // The portal answered; the phone never hears it.
            lost.fetch_add(1, Ordering::SeqCst);
            let _ = client_write.shutdown().await;
            break;
        }
        if client_write.write_all(&buffer[..read]).await.is_err() {
            break;
        }
    }
    upstream_copy.abort();
}
