//! Only at this machine's own address: the guard against DNS rebinding,
//! for the mock's control routes and for the stages' lab pages (which use
//! it too, so that the rule has one home).
//!
//! A page at `http://evil.example:5001` can point its own name at
//! 127.0.0.1 once the browser has loaded it. Its scripts then reach the
//! mock on this machine as "same origin": the browser says
//! `Sec-Fetch-Site: same-origin`, and may read the answers. Only the
//! `Host` header still tells: it names `evil.example`. So these routes
//! answer only a `Host` that no attacker can point anywhere: an IP address
//! (`127.0.0.1`, `[::1]`), or `localhost`, which browsers resolve
//! themselves; and with this server's own port.

use std::net::IpAddr;

/// Does this `Host` header name this server on this machine: an IP
/// address or `localhost`, and `port`?
pub fn is_local_host(host: &str, port: u16) -> bool {
    let (name, given_port) = match host.rsplit_once(':') {
        // `[::1]:5001`, or `127.0.0.1:5001`, or `localhost:5001`.
        Some((name, given)) if !given.contains(']') => (name, given.parse::<u16>().ok()),
        // No port: HTTP's default.
        _ => (host, Some(80)),
    };
    let name = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(name);
    given_port == Some(port)
        && (name.eq_ignore_ascii_case("localhost") || name.parse::<IpAddr>().is_ok())
}

/// The origin a browser sends from a page served at `host`: what an
/// `Origin` header must say to be this server's own.
pub fn origin_of(host: &str) -> String {
    format!("http://{host}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_with_our_port_only() {
        for ours in [
            "127.0.0.1:5001",
            "localhost:5001",
            "LOCALHOST:5001",
            "[::1]:5001",
        ] {
            assert!(is_local_host(ours, 5001), "{ours}");
        }
        for foreign in [
            "evil.example:5001",
            "127.0.0.1:5000",
            "127.0.0.1",
            "localhost.evil.example:5001",
            "127.0.0.1.nip.io:5001",
            "",
            ":5001",
            "[::1]",
        ] {
            assert!(!is_local_host(foreign, 5001), "{foreign}");
        }
        assert!(is_local_host("127.0.0.1", 80));
    }
}
