//! Extra HTTP headers in configuration: validation of names and values and
//! `--header 'Name: value'` parsing. The [`Headers`] type lives in the provider crate.

pub use oac_provider::Headers;

/// Why a header name cannot be used, as the end of a sentence; `None` when valid.
pub(crate) fn name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("the header name is empty: write it as 'Name: value'".to_owned());
    }
    if let Some(bad) = name.chars().find(|c| !is_token_char(*c)) {
        let what = match bad {
            ' ' => "a space".to_owned(),
            c if c.is_control() => format!("a control character (U+{:04X})", u32::from(c)),
            c => format!("`{c}`"),
        };
        return Some(format!(
            "the header name `{}` contains {what}; names are letters, digits and !#$%&'*+-.^_`|~",
            name.escape_debug()
        ));
    }
    None
}

/// Why a header value cannot be sent; `None` when valid. Never quotes the value
/// (it may be a credential).
pub(crate) fn value_problem(name: &str, value: &str) -> Option<String> {
    let bad = value.chars().find(|c| c.is_control() && *c != '\t')?;
    let what = match bad {
        '\n' | '\r' => "a line break".to_owned(),
        c => format!("a control character (U+{:04X})", u32::from(c)),
    };
    Some(format!(
        "the value of header `{name}` contains {what}, which cannot be sent; remove it"
    ))
}

/// RFC 9110 `tchar`.
fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// Reads `--header 'Name: value'`. The value is trimmed; an empty value is allowed.
/// The error never quotes the input, which may hold a credential.
pub(crate) fn parse_header_line(line: &str) -> Result<(String, String), String> {
    let Some((name, value)) = line.split_once(':') else {
        return Err(
            "a header has no `:`; write it as 'Name: value', e.g. --header 'X-Title: my app'"
                .to_owned(),
        );
    };
    let name = name.trim();
    let value = value.trim();
    if let Some(problem) = name_problem(name) {
        return Err(problem);
    }
    if let Some(problem) = value_problem(name, value) {
        return Err(problem);
    }
    Ok((name.to_owned(), value.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_line_is_split_at_the_first_colon() {
        assert_eq!(
            parse_header_line("X-Url: https://a.b/c"),
            Ok(("X-Url".to_owned(), "https://a.b/c".to_owned()))
        );
    }

    #[test]
    fn header_line_without_colon_does_not_quote_the_input() {
        let err = parse_header_line("Authorization Bearer sk-secret").unwrap_err();
        assert!(!err.contains("sk-secret"), "{err}");
    }

    #[test]
    fn header_value_with_line_break_is_rejected_without_quoting_it() {
        let err = parse_header_line("X-Api-Key: sk-secret\r\nEvil: 1").unwrap_err();
        assert!(err.contains("line break"));
        assert!(!err.contains("sk-secret"));
    }

    #[test]
    fn header_name_with_space_is_rejected() {
        let err = parse_header_line("X Title: a").unwrap_err();
        assert!(err.contains("a space"), "{err}");
    }

    #[test]
    fn empty_value_is_allowed() {
        assert_eq!(
            parse_header_line("X-Empty:"),
            Ok(("X-Empty".to_owned(), String::new()))
        );
    }

    #[test]
    fn sensitive_names() {
        for name in [
            "Authorization",
            "x-api-key",
            "api-key",
            "X-Auth-Token",
            "Cookie",
            "X-Client-Secret",
            "Proxy-Authorization",
        ] {
            assert!(Headers::is_sensitive(name), "{name}");
        }
        for name in [
            "X-Title",
            "HTTP-Referer",
            "User-Agent",
            "OpenAI-Organization",
        ] {
            assert!(!Headers::is_sensitive(name), "{name}");
        }
    }

    #[test]
    fn insert_replaces_same_name_in_any_case() {
        let mut headers = Headers::new();
        headers.insert("x-title", "a");
        headers.insert("X-Title", "b");
        assert_eq!(headers.len(), 1);
        assert_eq!(headers.get("X-TITLE"), Some("b"));
    }
}
