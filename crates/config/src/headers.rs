//! Extra HTTP headers: validation of names and values, `--header 'Name: value'`
//! parsing, and redaction of credentials in `Debug`.

use std::fmt;

/// Extra headers sent on every request (chat and models).
///
/// Names compare case-insensitively; [`Headers::insert`] replaces a header of the
/// same name. `Debug` shows the values of ordinary headers and redacts those whose
/// name suggests a credential (see [`Headers::is_sensitive`]).
///
/// ```
/// use oac_config::Headers;
///
/// let mut headers = Headers::default();
/// headers.insert("X-Title", "my app");
/// headers.insert("Authorization", "Bearer sk-secret");
/// let shown = format!("{headers:?}");
/// assert!(shown.contains("my app"));
/// assert!(!shown.contains("sk-secret"));
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Headers(pub Vec<(String, String)>);

impl Headers {
    /// No headers.
    pub fn new() -> Self {
        Headers::default()
    }

    /// Sets `name` to `value`, replacing a header of the same name (any case).
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) {
        let name = name.into();
        let value = value.into();
        match self
            .0
            .iter_mut()
            .find(|(existing, _)| existing.eq_ignore_ascii_case(&name))
        {
            Some(slot) => *slot = (name, value),
            None => self.0.push((name, value)),
        }
    }

    /// The value of `name` (any case).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(existing, _)| existing.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// True when a header named `name` (any case) is set.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The headers in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// Number of headers.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no headers.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// True when a header of this name usually carries a credential, so its value
    /// is never shown: any name containing `auth` (`Authorization`,
    /// `Proxy-Authorization`), `cookie`, `key`, `token`, `secret`, `password` or
    /// `session`, in any case.
    pub fn is_sensitive(name: &str) -> bool {
        const PARTS: [&str; 7] = [
            "auth", "cookie", "key", "token", "secret", "password", "session",
        ];
        let name = name.to_ascii_lowercase();
        PARTS.iter().any(|part| name.contains(part))
    }
}

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(name, value)| {
                let shown = if Headers::is_sensitive(name) {
                    "[REDACTED]"
                } else {
                    value.as_str()
                };
                (name, shown)
            }))
            .finish()
    }
}

impl<N: Into<String>, V: Into<String>> FromIterator<(N, V)> for Headers {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Self {
        let mut headers = Headers::new();
        for (name, value) in iter {
            headers.insert(name, value);
        }
        headers
    }
}

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
