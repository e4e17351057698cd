//! Rules 1–3: turn one typed URL string into a parsed http(s) URL, or say
//! exactly what to type instead.

use url::{ParseError, Url};

use crate::error::{UrlError, UrlSetting};
use crate::suggest;

/// Quotes and brackets that copy-paste from docs or chat brings along.
const QUOTES: [char; 9] = [
    '"', '\'', '`', '<', '>', '\u{201C}', '\u{201D}', '\u{2018}', '\u{2019}',
];

/// Characters that copy-paste brings along but that are invisible.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// Rule 1: drop surrounding whitespace (and invisible characters).
pub(crate) fn trim(raw: &str) -> &str {
    raw.trim_matches(|c: char| c.is_whitespace() || is_invisible(c))
}

/// Rules 2–3 for one trimmed, non-empty URL string.
pub(crate) fn parse(input: &str, setting: UrlSetting) -> Result<Url, UrlError> {
    // Credentials first (also inside quotes), so no later message can echo a password.
    let unquoted = input.trim_matches(QUOTES);
    if suggest::has_userinfo(unquoted) {
        return Err(credentials_error(
            &suggest::without_userinfo(unquoted),
            setting,
        ));
    }
    reject_whitespace(input, setting)?;
    if unquoted.len() != input.len() {
        return Err(UrlError::QuotesNotAllowed {
            setting,
            suggestion: unquoted.to_owned(),
        });
    }
    if let Some((scheme, rest)) = input.split_once("://")
        && rest.starts_with(['/', '\\'])
        && is_http(scheme)
    {
        // `http:///v1`: the parser would read `v1` as the host.
        return Err(UrlError::HostRequired {
            setting,
            input: input.to_owned(),
        });
    }
    let url = Url::parse(input).map_err(|source| parse_error(input, setting, source))?;
    if !is_http(url.scheme()) {
        return Err(scheme_error(input, &url, setting));
    }
    if !url.username().is_empty() || url.password().is_some() {
        let mut clean = url.clone();
        // Both setters only fail for URLs without a host, which http(s) URLs always have;
        // the cleaned URL is shown only if they succeed.
        let cleared = clean.set_username("").is_ok() && clean.set_password(None).is_ok();
        return Err(UrlError::CredentialsNotAllowed {
            setting,
            suggestion: cleared.then(|| clean.to_string()),
        });
    }
    if url.fragment().is_some() {
        let mut clean = url.clone();
        clean.set_fragment(None);
        return Err(UrlError::FragmentNotAllowed {
            setting,
            suggestion: clean.to_string(),
        });
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(UrlError::HostRequired {
            setting,
            input: input.to_owned(),
        });
    }
    Ok(url)
}

fn is_http(scheme: &str) -> bool {
    scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")
}

fn credentials_error(without_credentials: &str, setting: UrlSetting) -> UrlError {
    let suggestion = match Url::parse(without_credentials) {
        Ok(url) if is_http(url.scheme()) => url.to_string(),
        _ if without_credentials.contains("://") => without_credentials.to_owned(),
        _ => suggest::with_scheme(without_credentials),
    };
    UrlError::CredentialsNotAllowed {
        setting,
        suggestion: Some(suggestion),
    }
}

fn reject_whitespace(input: &str, setting: UrlSetting) -> Result<(), UrlError> {
    let found = input.chars().enumerate().find_map(|(index, c)| {
        let what = match c {
            ' ' => "a space".to_owned(),
            '\t' => "a tab".to_owned(),
            '\n' | '\r' => "a line break".to_owned(),
            c if c.is_whitespace() => format!("a whitespace character (U+{:04X})", u32::from(c)),
            c if c.is_control() => format!("a control character (U+{:04X})", u32::from(c)),
            c if is_invisible(c) => format!("an invisible character (U+{:04X})", u32::from(c)),
            _ => return None,
        };
        Some((index + 1, what))
    });
    match found {
        Some((position, found)) => Err(UrlError::WhitespaceNotAllowed {
            setting,
            input: input.to_owned(),
            found,
            position,
        }),
        None => Ok(()),
    }
}

/// Maps a parser failure to the error that says what to fix.
fn parse_error(input: &str, setting: UrlSetting, source: ParseError) -> UrlError {
    let input_owned = input.to_owned();
    match source {
        ParseError::RelativeUrlWithoutBase => UrlError::SchemeRequired {
            setting,
            suggestion: suggest::with_scheme(input),
            input: input_owned,
        },
        ParseError::EmptyHost => UrlError::HostRequired {
            setting,
            input: input_owned,
        },
        ParseError::InvalidPort => UrlError::InvalidPort {
            setting,
            input: input_owned,
        },
        ParseError::InvalidIpv4Address
        | ParseError::InvalidIpv6Address
        | ParseError::InvalidDomainCharacter
        | ParseError::IdnaError => UrlError::InvalidHost {
            setting,
            input: input_owned,
            source,
        },
        _ => UrlError::Unparsable {
            setting,
            input: input_owned,
            source,
        },
    }
}

/// The parser accepted a scheme that is not http(s). Either a host was typed
/// without a scheme (`localhost:11434/v1` parses with scheme `localhost`), or the
/// scheme is really unsupported (`ftp://`).
fn scheme_error(input: &str, url: &Url, setting: UrlSetting) -> UrlError {
    let scheme = url.scheme();
    let after_colon = input.split_once(':').map_or("", |(_, rest)| rest);
    let host_like = !after_colon.starts_with(['/', '\\'])
        && (scheme == "localhost"
            || scheme.contains('.')
            || after_colon.starts_with(|c: char| c.is_ascii_digit()));
    if host_like {
        return UrlError::SchemeRequired {
            setting,
            input: input.to_owned(),
            suggestion: suggest::with_scheme(input),
        };
    }
    UrlError::UnsupportedScheme {
        setting,
        scheme: scheme.to_owned(),
        suggestion: suggest::with_http_scheme(input, scheme),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: UrlSetting = UrlSetting::BaseUrl;

    #[test]
    fn trim_drops_whitespace_and_invisible_characters() {
        assert_eq!(trim(" \t\u{FEFF}https://h/v1\u{200B}\n "), "https://h/v1");
    }

    #[test]
    fn accepts_http_and_https() {
        assert!(parse("http://h/v1", BASE).is_ok());
        assert!(parse("https://h/v1", BASE).is_ok());
    }

    #[test]
    fn upper_case_scheme_and_host_are_normalised() {
        let url = parse("HTTPS://API.Provider.com/V1", BASE).unwrap();
        assert_eq!(url.as_str(), "https://api.provider.com/V1");
    }

    #[test]
    fn missing_scheme_suggests_https() {
        assert_eq!(
            parse("api.provider.com/v1", BASE),
            Err(UrlError::SchemeRequired {
                setting: BASE,
                input: "api.provider.com/v1".into(),
                suggestion: "https://api.provider.com/v1".into(),
            })
        );
    }

    #[test]
    fn host_and_port_read_as_scheme_is_a_missing_scheme() {
        for (input, suggestion) in [
            ("localhost:11434/v1", "http://localhost:11434/v1"),
            ("localhost:abc", "http://localhost:abc"),
            (
                "api.provider.com:8443/v1",
                "https://api.provider.com:8443/v1",
            ),
            ("ollama:11434/v1", "http://ollama:11434/v1"),
        ] {
            assert_eq!(
                parse(input, BASE),
                Err(UrlError::SchemeRequired {
                    setting: BASE,
                    input: input.into(),
                    suggestion: suggestion.into(),
                }),
                "{input}"
            );
        }
    }

    #[test]
    fn other_schemes_are_rejected() {
        assert!(matches!(
            parse("ftp://api.provider.com/v1", BASE),
            Err(UrlError::UnsupportedScheme { scheme, .. }) if scheme == "ftp"
        ));
        assert!(matches!(
            parse("mailto:someone", BASE),
            Err(UrlError::UnsupportedScheme { scheme, suggestion: None, .. }) if scheme == "mailto"
        ));
    }

    #[test]
    fn credentials_in_backslash_form_are_rejected() {
        assert_eq!(
            parse(r"https:\\u:p@h/x", BASE),
            Err(UrlError::CredentialsNotAllowed {
                setting: BASE,
                suggestion: Some("https://h/x".into()),
            })
        );
    }

    #[test]
    fn empty_user_info_is_rejected() {
        assert!(matches!(
            parse("https://@h/x", BASE),
            Err(UrlError::CredentialsNotAllowed { .. })
        ));
    }

    #[test]
    fn empty_fragment_is_rejected() {
        assert!(matches!(
            parse("https://h/v1#", BASE),
            Err(UrlError::FragmentNotAllowed { .. })
        ));
    }

    #[test]
    fn triple_slash_is_a_missing_host() {
        assert!(matches!(
            parse("http:///v1", BASE),
            Err(UrlError::HostRequired { .. })
        ));
    }

    #[test]
    fn whitespace_position_is_counted_in_characters() {
        assert!(matches!(
            parse("https://h/ü v1", BASE),
            Err(UrlError::WhitespaceNotAllowed { position: 12, .. })
        ));
    }

    #[test]
    fn control_and_invisible_characters_are_rejected() {
        assert!(matches!(
            parse("https://h/v1\u{7}", BASE),
            Err(UrlError::WhitespaceNotAllowed { found, .. }) if found == "a control character (U+0007)"
        ));
        assert!(matches!(
            parse("https://h\u{200B}/v1", BASE),
            Err(UrlError::WhitespaceNotAllowed { found, .. }) if found == "an invisible character (U+200B)"
        ));
    }

    #[test]
    fn any_quote_style_is_rejected() {
        for input in [
            "\"https://h/v1\"",
            "'https://h/v1'",
            "<https://h/v1>",
            "`https://h/v1`",
            "\u{201C}https://h/v1\u{201D}",
            "\"https://h/v1",
        ] {
            assert_eq!(
                parse(input, BASE),
                Err(UrlError::QuotesNotAllowed {
                    setting: BASE,
                    suggestion: "https://h/v1".into()
                }),
                "{input}"
            );
        }
    }
}
