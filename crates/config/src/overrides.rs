//! Command-line flags: the top layer of precedence (flags > environment > profile
//! > defaults).

use oac_provider::files::ShownPath;
use std::fmt;
use std::path::PathBuf;

use oac_url::EndpointMode;

use crate::env::is_showable_var_name;
use crate::headers::{Headers, parse_header_line};
use crate::problem::{ConfigError, Problem, ProblemKind};
use crate::profile::ProviderChoice;

/// Values given as command-line flags; each one wins over the environment and the
/// profile. There is deliberately no API-key flag (it would leak into shell history
/// and process lists): `--api-key-env VAR` names a variable instead.
///
/// ```
/// use oac_config::{Overrides, ProviderChoice};
///
/// let flags = Overrides::new()
///     .profile("together")
///     .model("meta-llama/Llama-3.3-70B-Instruct-Turbo")
///     .provider(ProviderChoice::Compatible)
///     .header("X-Title: my app")
///     .api_key_env("TOGETHER_API_KEY");
/// assert_eq!(flags.profile.as_deref(), Some("together"));
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Overrides {
    /// `--config FILE`.
    pub config: Option<PathBuf>,
    /// `--profile NAME`.
    pub profile: Option<String>,
    /// `--base-url URL`.
    pub base_url: Option<String>,
    /// `--model ID`.
    pub model: Option<String>,
    /// `--provider auto|compatible|openai-native`.
    pub provider: Option<ProviderChoice>,
    /// `--endpoint-mode auto|base|full`.
    pub endpoint_mode: Option<EndpointMode>,
    /// `--api`.
    pub api: Option<crate::profile::ApiChoice>,
    /// `--header 'Name: value'`, as typed (validated when loading; see [`parse_header`]).
    pub headers: Vec<String>,
    /// `--api-key-env VAR`: the variable holding the key; wins over every other key source.
    pub api_key_env: Option<String>,
    /// `--catalog FILE`: a native-model catalogue file extending the built-in one;
    /// wins over `OAC_CATALOG` and the config file's `catalog`.
    pub catalog: Option<PathBuf>,
}

impl Overrides {
    /// No flags.
    pub fn new() -> Self {
        Overrides::default()
    }

    /// `--config FILE`.
    #[must_use]
    pub fn config(mut self, path: impl Into<PathBuf>) -> Self {
        self.config = Some(path.into());
        self
    }

    /// `--profile NAME`.
    #[must_use]
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// `--base-url URL`.
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// `--model ID`.
    #[must_use]
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.model = Some(model.into());
        self
    }

    /// `--provider`.
    #[must_use]
    pub fn provider(mut self, provider: ProviderChoice) -> Self {
        self.provider = Some(provider);
        self
    }

    /// `--endpoint-mode`.
    #[must_use]
    pub fn endpoint_mode(mut self, mode: EndpointMode) -> Self {
        self.endpoint_mode = Some(mode);
        self
    }

    /// `--api`: which API chat requests go through (wins over the profile's `api`).
    #[must_use]
    pub fn api(mut self, api: crate::profile::ApiChoice) -> Self {
        self.api = Some(api);
        self
    }

    /// One `--header 'Name: value'` (repeatable; a later one of the same name wins,
    /// and flags win over the profile's `headers`).
    #[must_use]
    pub fn header(mut self, line: impl Into<String>) -> Self {
        self.headers.push(line.into());
        self
    }

    /// `--api-key-env VAR`.
    #[must_use]
    pub fn api_key_env(mut self, var: impl Into<String>) -> Self {
        self.api_key_env = Some(var.into());
        self
    }

    /// `--catalog FILE`.
    #[must_use]
    pub fn catalog(mut self, path: impl Into<PathBuf>) -> Self {
        self.catalog = Some(path.into());
        self
    }
}

impl fmt::Debug for Overrides {
    /// Header values are left out: a `--header` may carry a credential.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self
            .headers
            .iter()
            .map(|line| {
                line.split_once(':')
                    .map_or("[unparsed]", |(name, _)| name.trim())
            })
            .collect();
        f.debug_struct("Overrides")
            .field("config", &self.config.as_deref().map(ShownPath))
            .field("profile", &self.profile)
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("provider", &self.provider)
            .field("endpoint_mode", &self.endpoint_mode)
            .field("api", &self.api)
            .field("headers", &header_names)
            .field(
                "api_key_env",
                &self.api_key_env.as_deref().map(|name| {
                    if is_showable_var_name(name) {
                        name
                    } else {
                        "[NOT SHOWN: looks like a key]"
                    }
                }),
            )
            .field("catalog", &self.catalog.as_deref().map(ShownPath))
            .finish()
    }
}

/// Reads one `--header 'Name: value'`: split at the first `:`, both sides trimmed,
/// the name a valid header name, the value free of line breaks. Use it as the
/// CLI's value parser to reject a bad flag early. The error never quotes the
/// input (it may hold a credential).
///
/// ```
/// use oac_config::parse_header;
///
/// assert_eq!(
///     parse_header("X-Title: my app")?,
///     ("X-Title".to_owned(), "my app".to_owned())
/// );
/// assert!(parse_header("no colon here").is_err());
/// # Ok::<(), oac_config::ConfigError>(())
/// ```
pub fn parse_header(line: &str) -> Result<(String, String), ConfigError> {
    parse_header_line(line).map_err(|message| ConfigError::Invalid {
        file: None,
        problems: vec![Problem::new(
            ProblemKind::InvalidHeader,
            "--header",
            message,
        )],
    })
}

/// The `--header` flags applied over `headers`; bad ones become problems.
pub(crate) fn apply_headers(
    lines: &[String],
    headers: &mut Headers,
    report: &mut crate::problem::Report,
) {
    for line in lines {
        match parse_header_line(line) {
            Ok((name, value)) => headers.insert(name, value),
            Err(message) => report.problem(ProblemKind::InvalidHeader, "--header", message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_header_values() {
        let flags = Overrides::new().header("Authorization: Bearer sk-secret");
        let shown = format!("{flags:?}");
        assert!(shown.contains("Authorization"));
        assert!(!shown.contains("sk-secret"));
    }

    #[test]
    fn debug_hides_unparsable_header_lines() {
        let flags = Overrides::new().header("Authorization Bearer sk-secret");
        assert!(!format!("{flags:?}").contains("sk-secret"));
    }
}
