//! [`Headers`]: extra HTTP headers, and the one rule of which header names carry a
//! credential (redacted in `Debug`, marked sensitive on the wire).

use std::fmt;

/// Extra headers sent on every request (chat and models).
///
/// Names compare case-insensitively; [`Headers::insert`] replaces a header of the
/// same name. `Debug` shows the values of ordinary headers and redacts those whose
/// name suggests a credential (see [`Headers::is_sensitive`]).
///
/// ```
/// use oac_provider::Headers;
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
    /// is never shown and is marked sensitive on the wire: the one rule of
    /// [`oac_url::is_secret_name`] (names containing `auth`, `cookie`, `key`,
    /// `token`, `secret`, `passw`, `session`, …, in any case).
    pub fn is_sensitive(name: &str) -> bool {
        oac_url::is_secret_name(name)
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
