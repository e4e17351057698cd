//! Which hosts are this machine (or the local network, for scheme suggestions).

use std::net::{Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

/// True when the URL's host is a loopback address or `localhost` (keys may be
/// absent, plain http is fine).
///
/// Loopback means `localhost` and its subdomains (`*.localhost`), `127.0.0.0/8`,
/// `::1`, and IPv4-mapped loopback (`::ffff:127.0.0.1`).
///
/// ```
/// use oac_url::{is_loopback, Url};
///
/// assert!(is_loopback(&Url::parse("http://localhost:11434/v1")?));
/// assert!(is_loopback(&Url::parse("http://[::1]:8080/v1")?));
/// assert!(!is_loopback(&Url::parse("https://api.provider.com/v1")?));
/// # Ok::<(), url::ParseError>(())
/// ```
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(domain)) => {
            let domain = domain.trim_end_matches('.').to_ascii_lowercase();
            domain == "localhost" || domain.ends_with(".localhost")
        }
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ipv6_is_loopback(ip),
        None => false,
    }
}

fn ipv6_is_loopback(ip: Ipv6Addr) -> bool {
    ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
}

/// True for hosts that usually serve plain http: loopback, private and link-local
/// addresses, and single-label names (`ollama`, a container or LAN machine).
/// Used only to choose between `http://` and `https://` in a suggestion.
pub(crate) fn is_probably_local(url: &Url) -> bool {
    if is_loopback(url) {
        return true;
    }
    match url.host() {
        Some(Host::Domain(domain)) => !domain.trim_end_matches('.').contains('.'),
        Some(Host::Ipv4(ip)) => ipv4_is_local(ip),
        Some(Host::Ipv6(ip)) => ipv6_is_local(ip),
        None => false,
    }
}

fn ipv4_is_local(ip: Ipv4Addr) -> bool {
    ip.is_private() || ip.is_link_local()
}

fn ipv6_is_local(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    // fc00::/7 unique local, fe80::/10 link local.
    (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || ip.to_ipv4_mapped().is_some_and(ipv4_is_local)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn localhost_is_loopback() {
        assert!(is_loopback(&url("http://localhost:11434/v1")));
    }

    #[test]
    fn localhost_with_trailing_dot_and_upper_case_is_loopback() {
        assert!(is_loopback(&url("http://LOCALHOST.:8080/v1")));
    }

    #[test]
    fn localhost_subdomain_is_loopback() {
        assert!(is_loopback(&url("http://api.localhost/v1")));
    }

    #[test]
    fn ipv4_loopback_range_is_loopback() {
        assert!(is_loopback(&url("http://127.0.0.1:8080/v1")));
        assert!(is_loopback(&url("http://127.1.2.3/v1")));
    }

    #[test]
    fn ipv6_loopback_is_loopback() {
        assert!(is_loopback(&url("http://[::1]:8080/v1")));
    }

    #[test]
    fn ipv4_mapped_loopback_is_loopback() {
        assert!(is_loopback(&url("http://[::ffff:127.0.0.1]/v1")));
    }

    #[test]
    fn remote_hosts_are_not_loopback() {
        for s in [
            "https://api.provider.com/v1",
            "http://192.168.1.20:8000/v1",
            "http://0.0.0.0:8000/v1",
            "http://notlocalhost/v1",
            "http://localhost.example.com/v1",
        ] {
            assert!(!is_loopback(&url(s)), "{s}");
        }
    }

    #[test]
    fn private_networks_and_single_labels_are_probably_local() {
        for s in [
            "http://192.168.1.20:8000/v1",
            "http://10.0.0.5/v1",
            "http://172.16.0.1/v1",
            "http://169.254.1.1/v1",
            "http://[fd00::1]/v1",
            "http://[fe80::1]/v1",
            "http://ollama:11434/v1",
        ] {
            assert!(is_probably_local(&url(s)), "{s}");
        }
    }

    #[test]
    fn public_hosts_are_not_probably_local() {
        for s in [
            "https://api.provider.com/v1",
            "http://8.8.8.8/v1",
            "http://[2001:db8::1]/v1",
        ] {
            assert!(!is_probably_local(&url(s)), "{s}");
        }
    }
}
