//! Keeping secrets out of errors, logs and Debug output.

use std::fmt;
use std::sync::Arc;

use oac_url::Url;
use secrecy::{ExposeSecret, SecretString};

/// Replaces every known secret in provider text with `[REDACTED]`.
///
/// Holds the API key and the values of sensitive profile headers. Debug shows
/// only how many secrets it holds.
#[derive(Clone, Default)]
pub(crate) struct Redactor {
    secrets: Arc<[SecretString]>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redactor({} secrets)", self.secrets.len())
    }
}

/// Secrets shorter than this are not searched for: replacing every `ab` in a
/// message would garble it, and such a short value is no credential.
const MIN_SECRET_LEN: usize = 4;

impl Redactor {
    pub(crate) fn new(secrets: Vec<SecretString>) -> Self {
        let secrets: Vec<SecretString> = secrets
            .into_iter()
            .filter(|s| s.expose_secret().len() >= MIN_SECRET_LEN)
            .collect();
        Redactor {
            secrets: secrets.into(),
        }
    }

    /// This redactor plus `more` secrets (per-request credentials).
    pub(crate) fn with_secrets(&self, more: Vec<SecretString>) -> Self {
        let mut secrets: Vec<SecretString> = self.secrets.to_vec();
        secrets.extend(more);
        Self::new(secrets)
    }

    /// The secret values, for masking them in URLs.
    pub(crate) fn values(&self) -> Vec<&str> {
        let mut values = Vec::with_capacity(self.secrets.len());
        for secret in self.secrets.iter() {
            let secret = secret.expose_secret();
            values.push(secret);
            if let Some(token) = secret.strip_prefix("Bearer ") {
                values.push(token);
            }
        }
        values
    }

    /// `text` with every secret replaced.
    pub(crate) fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in self.secrets.iter() {
            let secret = secret.expose_secret();
            if out.contains(secret) {
                out = out.replace(secret, "[REDACTED]");
            }
            // A bearer token may be echoed without its scheme prefix.
            if let Some(token) = secret.strip_prefix("Bearer ")
                && token.len() >= MIN_SECRET_LEN
                && out.contains(token)
            {
                out = out.replace(token, "[REDACTED]");
            }
        }
        out
    }
}

/// True for header names whose values are credentials (the config crate's rule,
/// so what `Debug` of a profile hides and what is marked sensitive on the wire agree).
pub(crate) fn is_sensitive_header(name: &str) -> bool {
    crate::headers::Headers::is_sensitive(name)
}

/// The URL for messages: query values whose names are secret
/// ([`oac_url::is_secret_name`]) and every known secret (the key, sensitive header
/// values) wherever it sits in the URL are masked ([`oac_url::masked_url`]).
pub(crate) fn display_url(url: &Url, redactor: &Redactor) -> String {
    redactor.redact(&oac_url::masked_url(url, &redactor.values()))
}

/// `host` or `host:port` when the port is explicit.
pub(crate) fn host_of(url: &Url) -> String {
    let host = url.host_str().unwrap_or("the provider");
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_the_key_wherever_it_appears() {
        let redactor = Redactor::new(vec![SecretString::from("sk-live-123456")]);
        assert_eq!(
            redactor.redact("Incorrect API key provided: sk-live-123456."),
            "Incorrect API key provided: [REDACTED]."
        );
    }

    #[test]
    fn added_secrets_are_redacted_too() {
        let redactor = Redactor::new(vec![SecretString::from("sk-live-123456")])
            .with_secrets(vec![SecretString::from("Bearer per-request-789")]);
        assert_eq!(
            redactor.redact("sk-live-123456 per-request-789"),
            "[REDACTED] [REDACTED]"
        );
    }

    #[test]
    fn very_short_secrets_are_not_searched() {
        let redactor = Redactor::new(vec![SecretString::from("ab")]);
        assert_eq!(redactor.redact("about"), "about");
    }

    #[test]
    fn debug_shows_no_secret() {
        let redactor = Redactor::new(vec![SecretString::from("sk-live-123456")]);
        assert_eq!(format!("{redactor:?}"), "Redactor(1 secrets)");
    }

    #[test]
    fn sensitive_header_names() {
        for name in [
            "Authorization",
            "api-key",
            "X-Api-Key",
            "X-Auth-Token",
            "Cookie",
            "X-Secret",
        ] {
            assert!(is_sensitive_header(name), "{name}");
        }
        for name in [
            "X-Title",
            "HTTP-Referer",
            "OpenAI-Organization",
            "Content-Type",
        ] {
            assert!(!is_sensitive_header(name), "{name}");
        }
    }

    #[test]
    fn display_url_hides_secret_query_values() {
        let url =
            Url::parse("https://gw.example.com/v1/chat/completions?api-version=1&key=abc&sig=xyz")
                .unwrap();
        assert_eq!(
            display_url(&url, &Redactor::default()),
            "https://gw.example.com/v1/chat/completions?api-version=1&key=***&sig=***"
        );
    }

    #[test]
    fn display_url_hides_the_key_anywhere() {
        let redactor = Redactor::new(vec![SecretString::from("sk-live-123456")]);
        let url = Url::parse("https://gw.example.com/sk-live-123456/v1?foo=sk-live-123456&api_token=t&auth_key=a&access_key=b").unwrap();
        assert_eq!(
            display_url(&url, &redactor),
            "https://gw.example.com/***/v1?foo=***&api_token=***&auth_key=***&access_key=***"
        );
    }

    #[test]
    fn host_shows_explicit_port_only() {
        assert_eq!(
            host_of(&Url::parse("http://127.0.0.1:8080/v1").unwrap()),
            "127.0.0.1:8080"
        );
        assert_eq!(
            host_of(&Url::parse("https://api.x.ai/v1").unwrap()),
            "api.x.ai"
        );
    }
}
