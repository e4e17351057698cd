//! The one error type of this crate.

use std::fmt;

use crate::input::is_invisible;
use crate::secret::masked_text;

/// Which setting a bad URL came from, named in every URL error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UrlSetting {
    /// The configured base URL (or full endpoint), `base_url`.
    BaseUrl,
    /// The explicit models-list URL, `models_url`.
    ModelsUrl,
}

impl fmt::Display for UrlSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::BaseUrl => "base URL",
            Self::ModelsUrl => "models URL",
        })
    }
}

/// Why a URL cannot be used. `Display` says what to type instead.
///
/// No variant ever holds a user name or password found in a URL: suggestions are
/// built from the URL with the credentials removed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UrlError {
    /// The base URL is empty and the provider has no default.
    #[error(
        "a base URL is required: set `base_url` to your provider's API base, for example https://api.provider.com/v1"
    )]
    BaseUrlRequired,

    /// The URL has no `http://` or `https://` in front.
    #[error(
        "the {setting} `{}` has no scheme: write `{}`",
        masked_text(input, &[]), masked_text(suggestion, &[])
    )]
    SchemeRequired {
        /// Which setting.
        setting: UrlSetting,
        /// What was typed (trimmed).
        input: String,
        /// The same address with a scheme.
        suggestion: String,
    },

    /// The scheme is neither http nor https.
    #[error(
        "the {setting} uses the `{scheme}` scheme, but the scheme must be http or https{}",
        write_clause(suggestion.as_deref().map(|s| masked_text(s, &[])).as_deref())
    )]
    UnsupportedScheme {
        /// Which setting.
        setting: UrlSetting,
        /// The scheme found, lower-case.
        scheme: String,
        /// The same address with `https://` (or `http://` for `ws://`), when it has a host.
        suggestion: Option<String>,
    },

    /// The URL carries a user name or password.
    #[error(
        "the {setting} contains a user name or password; remove them from the URL{} and put the credential in the API key or a header, where it is kept secret",
        as_clause(suggestion.as_deref().map(|s| masked_text(s, &[])).as_deref())
    )]
    CredentialsNotAllowed {
        /// Which setting.
        setting: UrlSetting,
        /// The URL without its credentials.
        suggestion: Option<String>,
    },

    /// The URL ends in a `#fragment`.
    #[error(
        "the {setting} contains a `#fragment`, which is never sent to the server; remove it: `{}`",
        masked_text(suggestion, &[])
    )]
    FragmentNotAllowed {
        /// Which setting.
        setting: UrlSetting,
        /// The URL without the fragment.
        suggestion: String,
    },

    /// The URL contains whitespace or an invisible character inside it.
    #[error(
        "the {setting} `{}` contains {found} at character {position}; remove it (a URL cannot contain spaces or invisible characters; write %20 if a path really needs a space)",
        visible(&masked_text(input, &[]))
    )]
    WhitespaceNotAllowed {
        /// Which setting.
        setting: UrlSetting,
        /// What was typed (trimmed).
        input: String,
        /// What was found, e.g. "a space" or "an invisible character (U+200B)".
        found: String,
        /// 1-based character position in `input`.
        position: usize,
    },

    /// The URL is wrapped in quotes or angle brackets.
    #[error(
        "the {setting} is wrapped in quotes; remove them: `{}`",
        masked_text(suggestion, &[])
    )]
    QuotesNotAllowed {
        /// Which setting.
        setting: UrlSetting,
        /// The URL without the quotes.
        suggestion: String,
    },

    /// The URL names no host.
    #[error(
        "the {setting} `{}` has no host; write the server's address, for example https://api.provider.com/v1",
        masked_text(input, &[])
    )]
    HostRequired {
        /// Which setting.
        setting: UrlSetting,
        /// What was typed (trimmed).
        input: String,
    },

    /// The port is not a number up to 65535.
    #[error(
        "the {setting} `{}` has an invalid port; a port is a number up to 65535, as in http://localhost:11434/v1",
        masked_text(input, &[])
    )]
    InvalidPort {
        /// Which setting.
        setting: UrlSetting,
        /// What was typed (trimmed).
        input: String,
    },

    /// The host is neither a valid domain name nor an IP address.
    #[error(
        "the host in the {setting} `{}` is not a valid domain name or IP address; check it for typos",
        masked_text(input, &[])
    )]
    InvalidHost {
        /// Which setting.
        setting: UrlSetting,
        /// What was typed (trimmed).
        input: String,
        /// What the URL parser found.
        #[source]
        source: url::ParseError,
    },

    /// The URL cannot be parsed for another reason.
    #[error(
        "the {setting} `{}` is not a valid URL; write it like https://api.provider.com/v1",
        masked_text(input, &[])
    )]
    Unparsable {
        /// Which setting.
        setting: UrlSetting,
        /// What was typed (trimmed).
        input: String,
        /// What the URL parser found.
        #[source]
        source: url::ParseError,
    },

    /// Azure OpenAI resource URL, but no deployment and no model configured.
    #[error(
        "Azure OpenAI needs a deployment name to build the chat URL from the resource URL: set `azure.deployment`, or set `model` to the deployment name"
    )]
    DeploymentRequired,

    /// A configured query parameter has an empty name.
    #[error("a parameter in `query` has an empty name; give it a name or remove it")]
    QueryNameRequired,

    /// `endpoint_mode` is not one of the valid values.
    #[error("unknown endpoint_mode `{value}`: valid values are auto, base, full")]
    UnknownEndpointMode {
        /// What was given.
        value: String,
    },

    /// `auth` is not one of the valid words.
    #[error(
        "unknown auth `{value}`: valid values are bearer, api-key-header, none, or a header name"
    )]
    UnknownAuthStyle {
        /// What was given.
        value: String,
    },
}

/// The input on one line, with line breaks, tabs and invisible characters
/// written as escapes so the reader sees where they are.
fn visible(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            ' ' => " ".to_owned(),
            '\t' => "\\t".to_owned(),
            '\n' => "\\n".to_owned(),
            '\r' => "\\r".to_owned(),
            c if c.is_whitespace() || c.is_control() || is_invisible(c) => {
                format!("\\u{{{:04X}}}", u32::from(c))
            }
            c => c.to_string(),
        })
        .collect()
}

fn write_clause(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |s| format!(": write `{s}`"))
}

fn as_clause(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |s| format!(" (`{s}`)"))
}
