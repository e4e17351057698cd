//! One profile as written in a config file (every setting optional), and the
//! small setting types it is made of.

use oac_provider::files::ShownPath;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use secrecy::{ExposeSecret, SecretString};

use crate::choice::{Choice, ParseChoiceError, parse_choice};
use crate::env::is_showable_var_name;
pub use oac_provider::{AuthStyle, IncludeUsage, MaxTokensField, Timeouts};

/// `provider`: which implementation talks to the endpoint (the provider crate's
/// type; resolution turns `auto` into one of the other two).
pub use oac_provider::{ProviderChoice, is_openai_host};

/// Which API a profile's chat requests go through (`api`).
///
/// ```
/// use oac_config::ApiChoice;
///
/// assert_eq!("Responses".parse::<ApiChoice>()?, ApiChoice::Responses);
/// assert_eq!(ApiChoice::Auto.to_string(), "auto");
/// # Ok::<(), oac_config::ParseChoiceError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiChoice {
    /// A full endpoint URL names its API; else the catalogue says which API a
    /// native model needs; else chat completions, which every compatible server
    /// serves.
    #[default]
    Auto,
    /// Chat completions (`…/chat/completions`).
    Chat,
    /// The Responses API (`…/responses`).
    Responses,
}

impl ApiChoice {
    /// The spelling used in configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiChoice::Auto => "auto",
            ApiChoice::Chat => "chat",
            ApiChoice::Responses => "responses",
        }
    }
}

impl Choice for ApiChoice {
    const WHAT: &'static str = "api";
    const NAMES: &'static [(&'static str, Self)] = &[
        ("auto", ApiChoice::Auto),
        ("chat", ApiChoice::Chat),
        ("chat-completions", ApiChoice::Chat),
        ("responses", ApiChoice::Responses),
    ];

    fn name(&self) -> &'static str {
        self.as_str()
    }
}

impl fmt::Display for ApiChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ApiChoice {
    type Err = ParseChoiceError;

    /// Accepts `auto`, `chat` (or `chat-completions`) and `responses`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_choice(s)
    }
}

/// Azure OpenAI settings (`azure = { api_version, deployment }`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AzureSettings {
    /// `api-version`.
    pub api_version: Option<String>,
    /// Deployment name (defaults to the model id).
    pub deployment: Option<String>,
}

impl AzureSettings {
    /// No version and no deployment: the endpoint is Azure OpenAI, the defaults apply.
    pub fn new() -> Self {
        AzureSettings::default()
    }

    /// Sets `api_version`.
    #[must_use]
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }

    /// Sets `deployment`.
    #[must_use]
    pub fn deployment(mut self, deployment: impl Into<String>) -> Self {
        self.deployment = Some(deployment.into());
        self
    }
}

/// Where a profile's API key comes from: `api_key`, `api_key_env` or `api_key_file`
/// (at most one per profile).
///
/// `Debug` never shows an inline key, nor an `api_key_env` value that looks like a
/// key rather than a variable name (anything but upper case, digits and `_`).
#[derive(Clone)]
#[non_exhaustive]
pub enum KeySource {
    /// `api_key`: the key itself.
    Inline(SecretString),
    /// `api_key_env`: the name of the environment variable holding the key.
    Env(String),
    /// `api_key_file`: a file holding the key (surrounding whitespace is trimmed;
    /// relative paths are relative to the config file, `~/` is the home directory).
    File(PathBuf),
}

impl KeySource {
    /// The configuration key of this source: `api_key`, `api_key_env` or `api_key_file`.
    pub fn field(&self) -> &'static str {
        match self {
            KeySource::Inline(_) => "api_key",
            KeySource::Env(_) => "api_key_env",
            KeySource::File(_) => "api_key_file",
        }
    }
}

impl fmt::Debug for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySource::Inline(_) => f.write_str("Inline([REDACTED])"),
            KeySource::Env(name) if is_showable_var_name(name) => {
                f.debug_tuple("Env").field(name).finish()
            }
            // The "variable name" may be a key pasted in the wrong place.
            KeySource::Env(_) => f.write_str("Env([NOT SHOWN: looks like a key])"),
            KeySource::File(path) => f.debug_tuple("File").field(&ShownPath(path)).finish(),
        }
    }
}

impl PartialEq for KeySource {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (KeySource::Inline(a), KeySource::Inline(b)) => a.expose_secret() == b.expose_secret(),
            (KeySource::Env(a), KeySource::Env(b)) => a == b,
            (KeySource::File(a), KeySource::File(b)) => a == b,
            _ => false,
        }
    }
}

pub use crate::schema::Profile;

impl Profile {
    /// A profile with nothing set.
    pub fn new() -> Self {
        Profile::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_key_is_redacted_in_debug() {
        let source = KeySource::Inline(SecretString::from("sk-very-secret"));
        let shown = format!("{source:?}");
        assert!(!shown.contains("sk-very-secret"));
        assert!(shown.contains("REDACTED"));
    }

    #[test]
    fn provider_choice_accepts_aliases_and_underscores() {
        assert_eq!(
            "OpenAI_Native".parse::<ProviderChoice>(),
            Ok(ProviderChoice::OpenAiNative)
        );
        assert_eq!("native".parse(), Ok(ProviderChoice::OpenAiNative));
    }

    #[test]
    fn choice_error_suggests_the_closest_word() {
        let err = "alway".parse::<IncludeUsage>().unwrap_err();
        assert_eq!(err.suggestion, Some("always"));
        assert_eq!(err.expected, vec!["auto", "always", "never"]);
    }

    #[test]
    fn auth_header_name() {
        assert_eq!(AuthStyle::ApiKeyHeader.header_name(), Some("api-key"));
        assert_eq!(
            AuthStyle::Header("X-Key".into()).header_name(),
            Some("X-Key")
        );
        assert_eq!(AuthStyle::None.header_name(), None);
    }
}
