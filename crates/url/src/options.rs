//! What resolution needs besides the URL string: `endpoint_mode`, provider kind,
//! model, explicit models URL, Azure settings and configured query parameters.

use std::fmt;
use std::str::FromStr;

use crate::UrlError;

/// How to read the configured URL (`endpoint_mode`).
///
/// Parses from and displays as `auto`, `base` or `full`:
///
/// ```
/// use oac_url::EndpointMode;
///
/// let mode: EndpointMode = "full".parse()?;
/// assert_eq!(mode, EndpointMode::Full);
/// assert_eq!(mode.to_string(), "full");
/// # Ok::<(), oac_url::UrlError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EndpointMode {
    /// Decide from the path (rule 6).
    #[default]
    Auto,
    /// Always a base: endpoints are appended.
    Base,
    /// Always a complete chat endpoint: used as given.
    Full,
}

impl EndpointMode {
    /// The spelling used in configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Base => "base",
            Self::Full => "full",
        }
    }
}

impl fmt::Display for EndpointMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EndpointMode {
    type Err = UrlError;

    /// Accepts `auto`, `base` or `full`, ignoring case and surrounding whitespace.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(Self::Auto),
            "base" => Ok(Self::Base),
            "full" => Ok(Self::Full),
            _ => Err(UrlError::UnknownEndpointMode {
                value: s.to_owned(),
            }),
        }
    }
}

/// Azure settings from configuration.
///
/// Setting this on [`ResolveOptions`] (even empty) declares the endpoint Azure OpenAI.
///
/// ```
/// use oac_url::AzureOptions;
///
/// let azure = AzureOptions::new().api_version("2024-10-21").deployment("gpt4o-prod");
/// assert_eq!(azure.deployment.as_deref(), Some("gpt4o-prod"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AzureOptions {
    /// `api-version` to use when the URL carries none.
    pub api_version: Option<String>,
    /// Deployment name; defaults to the model id.
    pub deployment: Option<String>,
}

impl AzureOptions {
    /// No api-version and no deployment configured.
    pub fn new() -> Self {
        Self::default()
    }

    /// The `api-version` used when the URL carries none.
    #[must_use]
    pub fn api_version(mut self, api_version: impl Into<String>) -> Self {
        self.api_version = Some(api_version.into());
        self
    }

    /// The deployment name (otherwise the model id is the deployment).
    #[must_use]
    pub fn deployment(mut self, deployment: impl Into<String>) -> Self {
        self.deployment = Some(deployment.into());
        self
    }
}

/// Everything besides the URL string that resolution needs.
///
/// Build it with [`ResolveOptions::new`] and the setters:
///
/// ```
/// use oac_url::{AzureOptions, EndpointMode, ResolveOptions};
///
/// let options = ResolveOptions::new()
///     .mode(EndpointMode::Auto)
///     .openai_default(false)
///     .model("gpt4o-prod")
///     .azure(AzureOptions::new().api_version("2024-10-21"))
///     .query_param("tenant", "a");
/// assert_eq!(options.query, vec![("tenant".to_owned(), "a".to_owned())]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResolveOptions {
    /// `endpoint_mode`.
    pub mode: EndpointMode,
    /// An empty base URL means OpenAI's ([`OPENAI_DEFAULT_BASE_URL`](crate::OPENAI_DEFAULT_BASE_URL)),
    /// as it does for the OpenAI-native provider; otherwise a base URL is required.
    pub openai_default: bool,
    /// Explicit models-list URL; always wins.
    pub models_url: Option<String>,
    /// The model id (the Azure deployment unless one is configured).
    pub model: Option<String>,
    /// `Some` when the configuration says the endpoint is Azure OpenAI.
    pub azure: Option<AzureOptions>,
    /// Query parameters from configuration, merged into every endpoint (they win on a clash).
    pub query: Vec<(String, String)>,
}

impl ResolveOptions {
    /// Defaults: mode `auto`, a base URL required, nothing else set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `endpoint_mode`.
    #[must_use]
    pub fn mode(mut self, mode: EndpointMode) -> Self {
        self.mode = mode;
        self
    }

    /// Whether an empty base URL means OpenAI's (the OpenAI-native provider's rule).
    #[must_use]
    pub fn openai_default(mut self, yes: bool) -> Self {
        self.openai_default = yes;
        self
    }

    /// Sets the model id (also the Azure deployment unless one is configured).
    #[must_use]
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.model = Some(model.into());
        self
    }

    /// Sets an explicit models-list URL; it always wins over a derived one.
    /// A blank string counts as not set.
    #[must_use]
    pub fn models_url(mut self, models_url: impl Into<String>) -> Self {
        self.models_url = Some(models_url.into());
        self
    }

    /// Declares the endpoint Azure OpenAI, with its settings.
    #[must_use]
    pub fn azure(mut self, azure: AzureOptions) -> Self {
        self.azure = Some(azure);
        self
    }

    /// Replaces the configured query parameters (kept in the given order).
    #[must_use]
    pub fn query<K, V>(mut self, query: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        self.query = query
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        self
    }

    /// Adds one configured query parameter after those already set.
    #[must_use]
    pub fn query_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_mode_round_trips_through_strings() {
        for mode in [EndpointMode::Auto, EndpointMode::Base, EndpointMode::Full] {
            assert_eq!(mode.to_string().parse::<EndpointMode>(), Ok(mode));
        }
    }

    #[test]
    fn endpoint_mode_parse_ignores_case_and_whitespace() {
        assert_eq!(" FULL ".parse::<EndpointMode>(), Ok(EndpointMode::Full));
    }

    #[test]
    fn endpoint_mode_parse_error_lists_valid_values() {
        let err = "complete".parse::<EndpointMode>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown endpoint_mode `complete`: valid values are auto, base, full"
        );
    }

    #[test]
    fn builder_sets_every_field() {
        let options = ResolveOptions::new()
            .mode(EndpointMode::Base)
            .openai_default(true)
            .model("m")
            .models_url("https://h/models")
            .azure(AzureOptions::new().api_version("v").deployment("d"))
            .query([("a", "1")])
            .query_param("b", "2");
        assert_eq!(options.mode, EndpointMode::Base);
        assert!(options.openai_default);
        assert_eq!(options.model.as_deref(), Some("m"));
        assert_eq!(options.models_url.as_deref(), Some("https://h/models"));
        let azure = options.azure.unwrap();
        assert_eq!(azure.api_version.as_deref(), Some("v"));
        assert_eq!(azure.deployment.as_deref(), Some("d"));
        assert_eq!(
            options.query,
            vec![("a".into(), "1".into()), ("b".into(), "2".into())]
        );
    }

    #[test]
    fn query_replaces_earlier_parameters() {
        let options = ResolveOptions::new()
            .query_param("a", "1")
            .query([("b", "2")]);
        assert_eq!(options.query, vec![("b".into(), "2".into())]);
    }
}
