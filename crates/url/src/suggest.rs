//! Corrected forms of a mistyped URL, shown in error messages. Nothing here
//! decides whether a URL is valid; `input` does.

use url::Url;

use crate::loopback::is_probably_local;

/// Where the authority (`user:pw@host:port`) of a raw URL string sits, tolerating
/// a missing scheme and backslashes, which the URL parser treats as slashes.
fn authority_range(raw: &str) -> (usize, usize) {
    let start = match raw.find(':') {
        Some(colon) if looks_like_scheme(&raw[..colon]) => {
            let after = &raw[colon + 1..];
            let slashes = after.len() - after.trim_start_matches(['/', '\\']).len();
            if slashes > 0 { colon + 1 + slashes } else { 0 }
        }
        _ => 0,
    };
    let end = raw[start..]
        .find(['/', '\\', '?', '#'])
        .map_or(raw.len(), |offset| start + offset);
    (start, end)
}

fn looks_like_scheme(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// True when the raw string has a user-info part (`user:pw@` before the host).
pub(crate) fn has_userinfo(raw: &str) -> bool {
    let (start, end) = authority_range(raw);
    raw[start..end].contains('@')
}

/// The raw string with any user-info removed, so it can be shown safely.
pub(crate) fn without_userinfo(raw: &str) -> String {
    let (start, end) = authority_range(raw);
    match raw[start..end].rfind('@') {
        Some(at) => format!("{}{}", &raw[..start], &raw[start + at + 1..]),
        None => raw.to_owned(),
    }
}

/// The address with a scheme in front: `http://` for local servers (they rarely
/// have TLS), `https://` otherwise. A scheme typed without its colon
/// (`https//host`) or a scheme-relative `//host` is repaired rather than doubled.
pub(crate) fn with_scheme(raw: &str) -> String {
    let lower = raw.to_ascii_lowercase();
    let (typed_scheme, rest) = if lower.starts_with("https//") {
        (Some("https"), &raw["https//".len()..])
    } else if lower.starts_with("http//") {
        (Some("http"), &raw["http//".len()..])
    } else {
        (None, raw.trim_start_matches('/'))
    };
    let scheme = typed_scheme.unwrap_or(if host_is_local(rest) { "http" } else { "https" });
    format!("{scheme}://{rest}")
}

/// Judges only the host, so a bad port or path does not change the suggestion.
fn host_is_local(rest: &str) -> bool {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match authority.find(']') {
        Some(end) if authority.starts_with('[') => &authority[..=end],
        _ => authority.split(':').next().unwrap_or_default(),
    };
    Url::parse(&format!("http://{host}/")).is_ok_and(|url| is_probably_local(&url))
}

/// For a URL with an unsupported scheme: the same address over http(s), when
/// it has one (`ftp://host/v1` → `https://host/v1`, `ws://` → `http://`).
pub(crate) fn with_http_scheme(raw: &str, scheme: &str) -> Option<String> {
    let rest = &raw[raw.find("://")? + 3..];
    if rest.is_empty() || rest.starts_with('/') {
        return None;
    }
    let replacement = if scheme == "ws" { "http" } else { "https" };
    Some(format!("{replacement}://{rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_found_after_scheme() {
        assert!(has_userinfo("https://user:pw@api.provider.com/v1"));
        assert_eq!(
            without_userinfo("https://user:pw@api.provider.com/v1"),
            "https://api.provider.com/v1"
        );
    }

    #[test]
    fn userinfo_found_without_scheme() {
        assert!(has_userinfo("user:pw@api.provider.com/v1"));
        assert_eq!(
            without_userinfo("user:pw@api.provider.com/v1"),
            "api.provider.com/v1"
        );
    }

    #[test]
    fn userinfo_found_after_backslashes() {
        assert_eq!(without_userinfo(r"https:\\u:p@h/x"), r"https:\\h/x");
    }

    #[test]
    fn password_containing_at_sign_is_removed_whole() {
        assert_eq!(without_userinfo("https://u:p@ss@h/x"), "https://h/x");
    }

    #[test]
    fn at_sign_in_path_is_not_userinfo() {
        assert!(!has_userinfo("https://h/models/@cf/meta"));
        assert!(!has_userinfo("localhost:11434/v1"));
    }

    #[test]
    fn suggests_https_for_public_hosts() {
        assert_eq!(
            with_scheme("api.provider.com/v1"),
            "https://api.provider.com/v1"
        );
    }

    #[test]
    fn suggests_http_for_loopback() {
        assert_eq!(
            with_scheme("localhost:11434/v1"),
            "http://localhost:11434/v1"
        );
        assert_eq!(with_scheme("127.0.0.1:8080/v1"), "http://127.0.0.1:8080/v1");
        assert_eq!(with_scheme("[::1]:8080/v1"), "http://[::1]:8080/v1");
    }

    #[test]
    fn suggests_http_for_private_network() {
        assert_eq!(
            with_scheme("192.168.1.20:8000/v1"),
            "http://192.168.1.20:8000/v1"
        );
    }

    #[test]
    fn repairs_scheme_without_colon() {
        assert_eq!(
            with_scheme("https//api.provider.com/v1"),
            "https://api.provider.com/v1"
        );
        assert_eq!(with_scheme("HTTP//localhost/v1"), "http://localhost/v1");
    }

    #[test]
    fn repairs_scheme_relative_url() {
        assert_eq!(
            with_scheme("//api.provider.com/v1"),
            "https://api.provider.com/v1"
        );
    }

    #[test]
    fn unsupported_scheme_suggestion_keeps_address() {
        assert_eq!(
            with_http_scheme("ftp://api.provider.com/v1", "ftp").as_deref(),
            Some("https://api.provider.com/v1")
        );
        assert_eq!(
            with_http_scheme("ws://localhost:8080/v1", "ws").as_deref(),
            Some("http://localhost:8080/v1")
        );
        assert_eq!(with_http_scheme("file:///etc/passwd", "file"), None);
    }
}
