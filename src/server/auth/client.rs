//! Who the client is on the network: the TCP peer, or, behind a trusted reverse proxy, the
//! address the proxies recorded in `X-Forwarded-For`. Throttles count per client network.

use std::{
    net::{IpAddr, Ipv6Addr, SocketAddr},
    str::FromStr,
};

use axum::{
    extract::{ConnectInfo, Request, State},
    http::{header::HeaderName, HeaderMap},
    middleware::Next,
    response::Response,
};
use ipnet::IpNet;

use crate::server::state::AppState;

const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// The client's address as Tick believes it, in the request's extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// A client network as throttles count it: an IPv4 address, or an IPv6 /64 (one household or
/// one machine usually holds a whole /64).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Network(IpAddr);

impl std::fmt::Display for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl Network {
    pub fn of(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(_) => Network(ip),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Network(IpAddr::V4(v4)),
                None => {
                    let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                    Network(IpAddr::V6(Ipv6Addr::from(prefix)))
                }
            },
        }
    }
}

/// The reverse proxies whose `X-Forwarded-For` is believed (`--trusted-proxies`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl FromStr for TrustedProxies {
    type Err = String;

    /// Comma-separated CIDRs or addresses: `10.0.0.0/8, 127.0.0.1, ::1`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(|part| {
                part.parse::<IpNet>()
                    .or_else(|_| part.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("'{part}' is not an address or a CIDR such as 10.0.0.0/8"))
            })
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }
}

impl TrustedProxies {
    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client of a request from `peer`: the peer itself unless it is a trusted proxy;
    /// then the rightmost address in `X-Forwarded-For` that is not a trusted proxy (the
    /// left part of that header is whatever the client chose to send).
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        let hops = headers
            .get_all(X_FORWARDED_FOR)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .collect::<Vec<_>>();
        for hop in hops.iter().rev() {
            let Ok(ip) = hop.trim().parse::<IpAddr>() else {
                // A garbled entry: believe nothing to its left.
                return client;
            };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

/// Puts [`ClientAddr`] in the request's extensions.
pub async fn resolve(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>() {
        let client = state
            .settings
            .trusted_proxies
            .client(peer.ip(), request.headers());
        request.extensions_mut().insert(ClientAddr(client));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(forwarded: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in forwarded {
            headers.append(X_FORWARDED_FOR, value.parse().unwrap());
        }
        headers
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("203.0.113.9"), &headers(&["198.51.100.1"])),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn behind_trusted_proxies_the_rightmost_untrusted_hop_is_the_client() {
        let trusted: TrustedProxies = "10.0.0.0/8, 127.0.0.1".parse().unwrap();
        // The client sent a forged first entry; the proxies appended the real one.
        let forwarded = headers(&["1.2.3.4, 198.51.100.7", "10.1.1.1"]);
        assert_eq!(
            trusted.client(ip("127.0.0.1"), &forwarded),
            ip("198.51.100.7")
        );
        // A peer that is not a proxy is not believed.
        assert_eq!(
            trusted.client(ip("203.0.113.9"), &forwarded),
            ip("203.0.113.9")
        );
        // No header: the proxy itself.
        assert_eq!(
            trusted.client(ip("10.2.2.2"), &HeaderMap::new()),
            ip("10.2.2.2")
        );
        // Garbage stops the walk at the last trusted hop.
        assert_eq!(
            trusted.client(ip("127.0.0.1"), &headers(&["1.2.3.4, nonsense"])),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn settings_take_cidrs_and_addresses() {
        assert!("10.0.0.0/8,::1, 192.168.1.1"
            .parse::<TrustedProxies>()
            .is_ok());
        assert!("10.0.0.0/33".parse::<TrustedProxies>().is_err());
        assert!("proxy.local".parse::<TrustedProxies>().is_err());
        assert_eq!("".parse::<TrustedProxies>(), Ok(TrustedProxies::default()));
    }

    #[test]
    fn ipv6_networks_are_64s_and_mapped_ipv4_is_ipv4() {
        assert_eq!(
            Network::of(ip("2001:db8::1")),
            Network::of(ip("2001:db8::ffff:1"))
        );
        assert_ne!(
            Network::of(ip("2001:db8:0:1::1")),
            Network::of(ip("2001:db8:0:2::1"))
        );
        assert_eq!(
            Network::of(ip("::ffff:192.0.2.1")),
            Network::of(ip("192.0.2.1"))
        );
    }
}
