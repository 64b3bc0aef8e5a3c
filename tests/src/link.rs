//! A link emulator: a user-space TCP proxy on loopback that behaves like a weak mobile link
//! between the phone (the core) and the portal. It limits the bandwidth of each direction,
//! delays every packet, and can stall the link (nothing moves, connections stay open) or
//! cut it (every open connection is reset) at a chosen instant or after a chosen number of
//! bytes. It counts the bytes that entered and left the link in each direction, so tests
//! and benchmarks can say what a step cost on the wire.
//!
//! The kernel has no `netem` here, so everything is emulated in user space with tokio.
//! Packet loss is not emulated as such: TCP turns it into extra delay, which a stall
//! stands for. Only loopback addresses are used.
//!
//! # Use
//!
//! ```no_run
//! # async fn example(portal_address: std::net::SocketAddr) {
//! use motcua_tests::link::{Link, LinkConfig, Way};
//! use std::time::Duration;
//!
//! // 50 kbit/s and 250 ms each way, in front of a portal already listening.
//! let link = Link::start(portal_address, LinkConfig::rural_2g()).await;
//! let url = link.url(); // give this to the core instead of the portal's URL
//!
//! let before = link.counters();
//! // ... run a step of the journey through `url` ...
//! let step = link.counters().since(&before);
//! println!("phone sent {} bytes, received {}", step.up_sent, step.down_delivered);
//!
//! // Cut every connection once 20,000 more bytes went towards the phone, and keep the
//! // link down for two seconds.
//! link.cut_after(Way::Down, 20_000, Duration::from_secs(2));
//! // Cut once 5,000 more bytes reached the phone (it holds part of an answer).
//! link.cut_after_delivered(Way::Down, 5_000, Duration::from_secs(2));
//! // Let nothing through for 10 s once 30,000 more bytes went towards the portal
//! // (connections stay open: the core's stall timeout has to notice).
//! link.stall_after(Way::Up, 30_000, Duration::from_secs(10));
//! # }
//! ```
//!
//! When the portal must know the link's URL before it starts (its public URL, which is
//! also its OpenID issuer), bind the link first with [`Link::bind`], start the portal with
//! `public_url = link.url()`, then point the link at it with [`Link::connect_to`].

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

/// Largest piece the link carries at once (an Ethernet-sized TCP segment).
const PACKET_BYTES: usize = 1_460;

/// One direction of the link.
#[derive(Debug, Clone, Copy)]
pub struct Direction {
    /// Bandwidth, shared by every connection going this way.
    pub bits_per_second: u64,
    /// One-way delay added to every packet.
    pub delay: Duration,
}

/// The link's shape.
#[derive(Debug, Clone, Copy)]
pub struct LinkConfig {
    /// From the phone to the portal.
    pub up: Direction,
    /// From the portal to the phone.
    pub down: Direction,
    /// Bytes a direction of one connection holds inside the link (the modem's queue);
    /// they are lost when the link is cut.
    pub queue_bytes: usize,
}

impl LinkConfig {
    /// The same bandwidth and delay each way, a 16 KiB queue.
    pub fn symmetric(bits_per_second: u64, delay: Duration) -> LinkConfig {
        let direction = Direction {
            bits_per_second,
            delay,
        };
        LinkConfig {
            up: direction,
            down: direction,
            queue_bytes: 16 * 1024,
        }
    }

    /// A remote commune's 2G-class link: 50 kbit/s and 250 ms each way.
    pub fn rural_2g() -> LinkConfig {
        LinkConfig::symmetric(50_000, Duration::from_millis(250))
    }

    fn direction(&self, way: Way) -> Direction {
        match way {
            Way::Up => self.up,
            Way::Down => self.down,
        }
    }
}

/// A direction of traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    /// From the phone to the portal.
    Up,
    /// From the portal to the phone.
    Down,
}

impl Way {
    fn index(self) -> usize {
        match self {
            Way::Up => 0,
            Way::Down => 1,
        }
    }
}

/// What went through the link (cumulative since it started; [`LinkCounters::since`] for a
/// step).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkCounters {
    /// Bytes the phone put on the link.
    pub up_sent: u64,
    /// Of those, bytes that reached the portal (the rest was lost in a cut).
    pub up_delivered: u64,
    /// Bytes the portal put on the link.
    pub down_sent: u64,
    /// Of those, bytes that reached the phone.
    pub down_delivered: u64,
    /// Connections opened through the link.
    pub connections: u64,
    /// Cuts so far.
    pub cuts: u64,
    /// Connections the phone closed (or reset) first, the portal's end still open (a cut
    /// is counted in `cuts`, not here). While the link is stalled nothing is read, so a
    /// close is seen once the link moves again.
    pub closed_by_phone: u64,
    /// Connections the portal closed (or reset) first.
    pub closed_by_portal: u64,
}

impl LinkCounters {
    /// What happened between `earlier` and these counters.
    pub fn since(&self, earlier: &LinkCounters) -> LinkCounters {
        LinkCounters {
            up_sent: self.up_sent - earlier.up_sent,
            up_delivered: self.up_delivered - earlier.up_delivered,
            down_sent: self.down_sent - earlier.down_sent,
            down_delivered: self.down_delivered - earlier.down_delivered,
            connections: self.connections - earlier.connections,
            cuts: self.cuts - earlier.cuts,
            closed_by_phone: self.closed_by_phone - earlier.closed_by_phone,
            closed_by_portal: self.closed_by_portal - earlier.closed_by_portal,
        }
    }

    /// Bytes both ways that entered the link.
    pub fn total_sent(&self) -> u64 {
        self.up_sent + self.down_sent
    }
}

/// What happens when an armed trigger fires.
#[derive(Debug, Clone, Copy)]
enum Event {
    /// Reset every open connection, then keep the link down this long.
    Cut(Duration),
    /// Let nothing through for this long; connections stay open.
    Stall(Duration),
}

/// Which counter of a direction a trigger watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Counter {
    /// Bytes that entered the link.
    Sent,
    /// Bytes that reached the far end.
    Delivered,
}

#[derive(Debug, Clone, Copy)]
struct Trigger {
    way: Way,
    counter: Counter,
    /// When the direction's counter reaches this.
    at: u64,
    event: Event,
}

struct Shared {
    config: LinkConfig,
    upstream: Mutex<Option<SocketAddr>>,
    sent: [AtomicU64; 2],
    delivered: [AtomicU64; 2],
    connections: AtomicU64,
    cuts: AtomicU64,
    closed_by_phone: AtomicU64,
    closed_by_portal: AtomicU64,
    /// When each direction is free to carry the next packet.
    next_free: [Mutex<Instant>; 2],
    /// Bumped at every cut; connections watch it.
    cut: watch::Sender<u64>,
    /// Nothing moves before this instant.
    stalled_until: watch::Sender<Instant>,
    triggers: Mutex<Vec<Trigger>>,
}

impl Shared {
    /// Books `bytes` on `way`: returns when they arrive at the far end.
    fn book(&self, way: Way, bytes: usize) -> Instant {
        let direction = self.config.direction(way);
        let serialise =
            Duration::from_secs_f64(bytes as f64 * 8.0 / direction.bits_per_second.max(1) as f64);
        let mut next_free = self.next_free[way.index()]
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let start = (*next_free).max(Instant::now());
        *next_free = start + serialise;
        *next_free + direction.delay
    }

    fn count_sent(&self, way: Way, bytes: usize) {
        let total = self.sent[way.index()].fetch_add(bytes as u64, Ordering::SeqCst) + bytes as u64;
        self.check_triggers(way, Counter::Sent, total);
    }

    fn count_delivered(&self, way: Way, bytes: usize) {
        let total =
            self.delivered[way.index()].fetch_add(bytes as u64, Ordering::SeqCst) + bytes as u64;
        self.check_triggers(way, Counter::Delivered, total);
    }

    fn check_triggers(&self, way: Way, counter: Counter, total: u64) {
        let fired: Vec<Trigger> = {
            let mut triggers = self.triggers.lock().unwrap_or_else(|p| p.into_inner());
            let (fired, kept) = triggers
                .drain(..)
                .partition(|t| t.way == way && t.counter == counter && total >= t.at);
            *triggers = kept;
            fired
        };
        for trigger in fired {
            self.fire(trigger.event);
        }
    }

    fn fire(&self, event: Event) {
        match event {
            Event::Cut(outage) => {
                self.cuts.fetch_add(1, Ordering::SeqCst);
                self.stall_for(outage);
                self.cut.send_modify(|generation| *generation += 1);
            }
            Event::Stall(duration) => self.stall_for(duration),
        }
    }

    fn stall_for(&self, duration: Duration) {
        let until = Instant::now() + duration;
        self.stalled_until.send_modify(|current| {
            if *current < until {
                *current = until;
            }
        });
    }

    /// Waits while the link is stalled.
    async fn wait_while_stalled(&self) {
        let mut stalled = self.stalled_until.subscribe();
        loop {
            let until = *stalled.borrow_and_update();
            if until <= Instant::now() {
                return;
            }
            tokio::select! {
                () = tokio::time::sleep_until(until) => {}
                _ = stalled.changed() => {}
            }
        }
    }
}

/// The emulated link; stops accepting when dropped (connections already open end with
/// their peers).
pub struct Link {
    address: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Link {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Link {
    /// A link to `upstream` on a free loopback port.
    pub async fn start(upstream: SocketAddr, config: LinkConfig) -> Link {
        let link = Link::bind(config).await;
        link.connect_to(upstream);
        link
    }

    /// A link on a free loopback port that goes nowhere yet: connections are closed until
    /// [`Link::connect_to`] names the far end.
    pub async fn bind(config: LinkConfig) -> Link {
        let socket = TcpSocket::new_v4().expect("socket");
        // A small receive buffer, so that the phone's writes wait for the link instead
        // of filling a loopback-sized kernel buffer.
        let _ = socket.set_recv_buffer_size(config.queue_bytes.max(4096) as u32);
        socket
            .bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .expect("bind the link");
        let listener = socket.listen(64).expect("listen");
        let address = listener.local_addr().expect("link address");
        let now = Instant::now();
        let shared = Arc::new(Shared {
            config,
            upstream: Mutex::new(None),
            sent: [AtomicU64::new(0), AtomicU64::new(0)],
            delivered: [AtomicU64::new(0), AtomicU64::new(0)],
            connections: AtomicU64::new(0),
            cuts: AtomicU64::new(0),
            closed_by_phone: AtomicU64::new(0),
            closed_by_portal: AtomicU64::new(0),
            next_free: [Mutex::new(now), Mutex::new(now)],
            cut: watch::channel(0).0,
            stalled_until: watch::channel(now).0,
            triggers: Mutex::new(Vec::new()),
        });
        let task = tokio::spawn(accept(listener, Arc::clone(&shared)));
        Link {
            address,
            shared,
            task,
        }
    }

    /// Where the link leads (the portal's address).
    pub fn connect_to(&self, upstream: SocketAddr) {
        *self
            .shared
            .upstream
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(upstream);
    }

    /// The link's address.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The link's URL (`http://127.0.0.1:<port>/`).
    pub fn url(&self) -> url::Url {
        url::Url::parse(&format!("http://{}/", self.address)).expect("link URL")
    }

    /// The counters now.
    pub fn counters(&self) -> LinkCounters {
        let s = &self.shared;
        LinkCounters {
            up_sent: s.sent[0].load(Ordering::SeqCst),
            up_delivered: s.delivered[0].load(Ordering::SeqCst),
            down_sent: s.sent[1].load(Ordering::SeqCst),
            down_delivered: s.delivered[1].load(Ordering::SeqCst),
            connections: s.connections.load(Ordering::SeqCst),
            cuts: s.cuts.load(Ordering::SeqCst),
            closed_by_phone: s.closed_by_phone.load(Ordering::SeqCst),
            closed_by_portal: s.closed_by_portal.load(Ordering::SeqCst),
        }
    }

    /// Resets every open connection now (what is queued inside the link is lost), then
    /// keeps the link down for `outage` (new connections wait).
    pub fn cut(&self, outage: Duration) {
        self.shared.fire(Event::Cut(outage));
    }

    /// Cuts as [`Link::cut`] does once `bytes` more bytes entered the link going `way`.
    pub fn cut_after(&self, way: Way, bytes: u64, outage: Duration) {
        self.arm(way, Counter::Sent, bytes, Event::Cut(outage));
    }

    /// Cuts as [`Link::cut`] does once `bytes` more bytes reached the far end going `way`
    /// (with [`Way::Down`], the phone holds that much of what was sent to it; what is
    /// still inside the link is lost).
    pub fn cut_after_delivered(&self, way: Way, bytes: u64, outage: Duration) {
        self.arm(way, Counter::Delivered, bytes, Event::Cut(outage));
    }

    /// Lets nothing through for `duration`, starting now; connections stay open.
    pub fn stall(&self, duration: Duration) {
        self.shared.fire(Event::Stall(duration));
    }

    /// Stalls as [`Link::stall`] does once `bytes` more bytes entered the link going
    /// `way`.
    pub fn stall_after(&self, way: Way, bytes: u64, duration: Duration) {
        self.arm(way, Counter::Sent, bytes, Event::Stall(duration));
    }

    /// Ends a stall or an outage now.
    pub fn resume(&self) {
        self.shared.stalled_until.send_replace(Instant::now());
    }

    /// Whether a cut or stall is armed and has not fired yet.
    pub fn armed(&self) -> bool {
        !self
            .shared
            .triggers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_empty()
    }

    fn arm(&self, way: Way, counter: Counter, bytes: u64, event: Event) {
        let counters = match counter {
            Counter::Sent => &self.shared.sent,
            Counter::Delivered => &self.shared.delivered,
        };
        let at = counters[way.index()].load(Ordering::SeqCst) + bytes;
        self.shared
            .triggers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Trigger {
                way,
                counter,
                at,
                event,
            });
    }
}

async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((client, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        shared.connections.fetch_add(1, Ordering::SeqCst);
        tokio::spawn(connection(client, Arc::clone(&shared)));
    }
}

async fn connection(client: TcpStream, shared: Arc<Shared>) {
    // Opening a connection crosses the link too (SYN, SYN-ACK): one round trip, and none
    // while the link is down.
    shared.wait_while_stalled().await;
    let round_trip = shared.config.up.delay + shared.config.down.delay;
    tokio::time::sleep(round_trip).await;
    let upstream = *shared.upstream.lock().unwrap_or_else(|p| p.into_inner());
    let Some(upstream) = upstream else {
        return;
    };
    let Ok(socket) = TcpSocket::new_v4() else {
        return;
    };
    let _ = socket.set_recv_buffer_size(shared.config.queue_bytes.max(4096) as u32);
    let Ok(server) = socket.connect(upstream).await else {
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let mut cut = shared.cut.subscribe();
    cut.borrow_and_update();
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let ended = AtomicU64::new(NOT_ENDED);
    let cut_now = tokio::select! {
        () = async {
            tokio::join!(
                pump(&shared, Way::Up, &mut client_read, &mut server_write, &ended),
                pump(&shared, Way::Down, &mut server_read, &mut client_write, &ended),
            );
        } => false,
        changed = cut.changed() => changed.is_ok(),
    };
    if cut_now {
        // Linger 0: closing sends a reset and drops what the kernel still holds.
        let _ = client_read.as_ref().set_zero_linger();
        let _ = server_read.as_ref().set_zero_linger();
    }
}

/// Which end of a connection closed first (`ended` of [`pump`]).
const NOT_ENDED: u64 = 0;
const ENDED_BY_PHONE: u64 = 1;
const ENDED_BY_PORTAL: u64 = 2;

/// Records that `end` closed its side, and counts it when it was the first of the two.
fn ended_at(shared: &Shared, ended: &AtomicU64, end: u64) {
    if ended
        .compare_exchange(NOT_ENDED, end, Ordering::SeqCst, Ordering::SeqCst)
        .is_ok()
    {
        let counter = if end == ENDED_BY_PHONE {
            &shared.closed_by_phone
        } else {
            &shared.closed_by_portal
        };
        counter.fetch_add(1, Ordering::SeqCst);
    }
}

struct Packet {
    arrival: Instant,
    data: Vec<u8>,
}

/// Carries one direction of a connection until its sender closes it or a write fails;
/// records in `ended` which end went first.
async fn pump(
    shared: &Shared,
    way: Way,
    from: &mut OwnedReadHalf,
    to: &mut OwnedWriteHalf,
    ended: &AtomicU64,
) {
    let (sender, receiver) = match way {
        Way::Up => (ENDED_BY_PHONE, ENDED_BY_PORTAL),
        Way::Down => (ENDED_BY_PORTAL, ENDED_BY_PHONE),
    };
    let capacity = (shared.config.queue_bytes / PACKET_BYTES).max(1);
    let (queue, mut arriving) = mpsc::channel::<Packet>(capacity);
    let reader = async move {
        let mut buffer = vec![0u8; PACKET_BYTES];
        loop {
            shared.wait_while_stalled().await;
            let read = match from.read(&mut buffer).await {
                Ok(0) | Err(_) => {
                    ended_at(shared, ended, sender);
                    break;
                }
                Ok(read) => read,
            };
            let arrival = shared.book(way, read);
            shared.count_sent(way, read);
            let packet = Packet {
                arrival,
                data: buffer[..read].to_vec(),
            };
            if queue.send(packet).await.is_err() {
                break;
            }
        }
    };
    let writer = async move {
        while let Some(packet) = arriving.recv().await {
            tokio::time::sleep_until(packet.arrival).await;
            shared.wait_while_stalled().await;
            if to.write_all(&packet.data).await.is_err() {
                ended_at(shared, ended, receiver);
                break;
            }
            shared.count_delivered(way, packet.data.len());
        }
        let _ = to.shutdown().await;
    };
    tokio::join!(reader, writer);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An echo server on loopback.
    async fn echo() -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let (mut read, mut write) = stream.split();
                    let _ = tokio::io::copy(&mut read, &mut write).await;
                });
            }
        });
        address
    }

    #[tokio::test]
    async fn carries_bytes_at_the_configured_rate_and_counts_them() {
        let link = Link::start(
            echo().await,
            LinkConfig::symmetric(400_000, Duration::from_millis(20)),
        )
        .await;
        let mut stream = TcpStream::connect(link.address()).await.unwrap();
        let data = vec![7u8; 20_000];
        let started = Instant::now();
        stream.write_all(&data).await.unwrap();
        let mut back = vec![0u8; data.len()];
        stream.read_exact(&mut back).await.unwrap();
        assert_eq!(back, data);
        // 20,000 bytes at 400 kbit/s take 0.4 s one way; the two ways overlap.
        assert!(started.elapsed() >= Duration::from_millis(400));
        let counters = link.counters();
        assert_eq!(counters.up_sent, 20_000);
        assert_eq!(counters.up_delivered, 20_000);
        assert_eq!(counters.down_delivered, 20_000);
        assert_eq!(counters.connections, 1);
    }

    #[tokio::test]
    async fn a_cut_resets_the_connections_and_loses_what_was_in_the_link() {
        let link = Link::start(
            echo().await,
            LinkConfig::symmetric(100_000, Duration::from_millis(50)),
        )
        .await;
        link.cut_after(Way::Up, 5_000, Duration::ZERO);
        let mut stream = TcpStream::connect(link.address()).await.unwrap();
        let data = vec![1u8; 50_000];
        let _ = stream.write_all(&data).await;
        let mut back = Vec::new();
        let result = stream.read_to_end(&mut back).await;
        assert!(
            result.is_err() || back.len() < data.len(),
            "the connection ends early"
        );
        let counters = link.counters();
        assert_eq!(counters.cuts, 1);
        assert!(counters.up_delivered < 10_000, "{counters:?}");
        assert!(!link.armed());
        // The link works again for a new connection.
        let mut stream = TcpStream::connect(link.address()).await.unwrap();
        stream.write_all(b"hello").await.unwrap();
        let mut back = [0u8; 5];
        stream.read_exact(&mut back).await.unwrap();
        assert_eq!(&back, b"hello");
    }

    #[tokio::test]
    async fn a_stall_holds_the_bytes_until_it_ends() {
        let link = Link::start(
            echo().await,
            LinkConfig::symmetric(1_000_000, Duration::from_millis(5)),
        )
        .await;
        let mut stream = TcpStream::connect(link.address()).await.unwrap();
        stream.write_all(b"one").await.unwrap();
        let mut back = [0u8; 3];
        stream.read_exact(&mut back).await.unwrap();
        link.stall(Duration::from_secs(3600));
        stream.write_all(b"two").await.unwrap();
        let waited =
            tokio::time::timeout(Duration::from_millis(300), stream.read_exact(&mut back)).await;
        assert!(waited.is_err(), "nothing moves during a stall");
        link.resume();
        stream.read_exact(&mut back).await.unwrap();
        assert_eq!(&back, b"two");
    }
}
