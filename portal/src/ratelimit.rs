//! Per-client rate limits: a token bucket per client address, in memory.
//!
//! The client is the TCP peer (IPv6 clients by their /64, which one host usually owns).
//! Behind a reverse proxy every request comes from the proxy, so for a peer listed in
//! `--trusted-proxies` the client is the address its `X-Forwarded-For` names: the
//! rightmost one that is not itself a trusted proxy (each proxy appends the address it
//! saw; what is left of that, the client wrote itself). From any other peer the header is
//! ignored: trusting it from anyone would let a client pick its own bucket.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use crate::AppState;

/// Buckets kept before full ones are forgotten.
const MAX_TRACKED: usize = 10_000;

/// The client's address as the limiter keys it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V6(Ipv6Addr::UNSPECIFIED), |info| info.0.ip());
        let forwarded = parts.headers.get_all("x-forwarded-for");
        let ip = client_address(
            peer,
            forwarded.iter().filter_map(|value| value.to_str().ok()),
            &state.settings.trusted_proxies,
        );
        Ok(ClientIp(bucket_key(ip)))
    }
}

/// The client of a request from `peer` with the `X-Forwarded-For` values `forwarded`.
fn client_address<'a>(
    peer: IpAddr,
    forwarded: impl DoubleEndedIterator<Item = &'a str>,
    trusted: &[IpAddr],
) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|t| bucket_key(*t) == bucket_key(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let mut client = peer;
    // Later header lines, and later entries in a line, were appended by later proxies.
    for entry in forwarded
        .rev()
        .flat_map(|line| line.rsplit(','))
        .map(str::trim)
    {
        match entry.parse::<IpAddr>() {
            Ok(ip) if is_trusted(ip) => client = ip,
            Ok(ip) => return ip,
            // A malformed entry: nothing left of it can be believed.
            Err(_) => return client,
        }
    }
    client
}

/// IPv4 (also IPv4-mapped IPv6) as is; other IPv6 by its /64.
pub(crate) fn bucket_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// A token bucket per client: `capacity` requests at once, refilled at one token per
/// `refill` interval.
pub(crate) struct RateLimiter {
    capacity: f64,
    per_sec: f64,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

impl RateLimiter {
    /// A limiter allowing bursts of `capacity` and one more request per `refill`.
    pub(crate) fn new(capacity: u32, refill: Duration) -> RateLimiter {
        RateLimiter {
            capacity: f64::from(capacity.max(1)),
            per_sec: 1.0 / refill.as_secs_f64().max(1e-3),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for `client`; when none is left, how long until one is.
    pub(crate) fn check(&self, client: ClientIp, now: Instant) -> Result<(), Duration> {
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() >= MAX_TRACKED && !buckets.contains_key(&client.0) {
            // Forget the clients whose bucket has refilled: they lose nothing.
            let (capacity, per_sec) = (self.capacity, self.per_sec);
            buckets.retain(|_, bucket| {
                let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
                bucket.tokens + elapsed * per_sec < capacity
            });
            // Still full: someone with thousands of addresses. Starting over bounds memory
            // and keeps this pruning rare; such a client could bypass the limit anyway.
            if buckets.len() >= MAX_TRACKED {
                buckets.clear();
            }
        }
        let bucket = buckets.entry(client.0).or_insert(Bucket {
            tokens: self.capacity,
            at: now,
        });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.per_sec).min(self.capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) / self.per_sec;
            Err(Duration::from_secs_f64(wait.max(0.0)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn the_forwarded_client_is_believed_only_from_a_trusted_proxy() {
        let proxy = ip("10.0.0.5");
        let trusted = [proxy];
        // From the proxy: the address it appended.
        assert_eq!(
            client_address(proxy, ["203.0.113.7"].into_iter(), &trusted),
            ip("203.0.113.7")
        );
        // What the client wrote itself, left of that, is not believed.
        assert_eq!(
            client_address(proxy, ["1.2.3.4, 203.0.113.7"].into_iter(), &trusted),
            ip("203.0.113.7")
        );
        // Two trusted proxies in a row: the first untrusted from the right.
        let chain = [proxy, ip("10.0.0.6")];
        assert_eq!(
            client_address(
                proxy,
                ["1.2.3.4", "203.0.113.7, 10.0.0.6"].into_iter(),
                &chain
            ),
            ip("203.0.113.7")
        );
        // No header, or a malformed one: the proxy itself.
        assert_eq!(client_address(proxy, std::iter::empty(), &trusted), proxy);
        assert_eq!(
            client_address(proxy, ["not-an-address"].into_iter(), &trusted),
            proxy
        );
        // From anyone else the header is ignored.
        let other = ip("198.51.100.9");
        assert_eq!(
            client_address(other, ["203.0.113.7"].into_iter(), &trusted),
            other
        );
        assert_eq!(
            client_address(other, ["203.0.113.7"].into_iter(), &[]),
            other
        );
    }

    #[test]
    fn bursts_then_refills() {
        let limiter = RateLimiter::new(3, Duration::from_secs(2));
        let client = ClientIp(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)));
        let other = ClientIp(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2)));
        let start = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check(client, start).is_ok());
        }
        let wait = limiter.check(client, start).unwrap_err();
        assert!(wait > Duration::from_millis(1900) && wait <= Duration::from_secs(2));
        // Another client has its own bucket.
        assert!(limiter.check(other, start).is_ok());
        // One token back after the refill interval, not two.
        let later = start + Duration::from_secs(2);
        assert!(limiter.check(client, later).is_ok());
        assert!(limiter.check(client, later).is_err());
        // Never more than the capacity.
        let much_later = start + Duration::from_secs(3600);
        for _ in 0..3 {
            assert!(limiter.check(client, much_later).is_ok());
        }
        assert!(limiter.check(client, much_later).is_err());
    }

    #[test]
    fn ipv6_hosts_share_their_64_and_mapped_v4_is_v4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(bucket_key(a), bucket_key(b));
        assert_ne!(bucket_key(a), bucket_key(c));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(bucket_key(mapped), "192.0.2.7".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn the_table_stays_bounded() {
        let limiter = RateLimiter::new(2, Duration::from_millis(10));
        let start = Instant::now();
        for i in 0..(MAX_TRACKED as u32 + 10) {
            let ip = IpAddr::V4(Ipv4Addr::from(i));
            assert!(limiter.check(ClientIp(ip), start).is_ok());
        }
        assert!(limiter.buckets.lock().unwrap().len() <= MAX_TRACKED);
        let later = start + Duration::from_secs(1);
        let fresh = ClientIp(IpAddr::V4(Ipv4Addr::new(203, 0, 113, 9)));
        assert!(limiter.check(fresh, later).is_ok());
        assert!(limiter.buckets.lock().unwrap().len() < 100);
    }
}
