//! The result of resolution: the URLs to call, and why.

use std::fmt;

use url::Url;

/// Whether the URL was read as a base or as a full endpoint.
///
/// Displays as `base` or `full`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EndpointKind {
    /// A base: `/chat/completions` and `/models` were appended.
    Base,
    /// A complete chat endpoint, used as given.
    Full,
}

impl EndpointKind {
    /// `base` or `full`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Base => "base",
            Self::Full => "full",
        }
    }
}

impl fmt::Display for EndpointKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The family of API the URL belongs to.
///
/// Displays as `standard`, `azure-openai` or `azure-ai-inference`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Flavor {
    /// Any OpenAI-compatible endpoint.
    Standard,
    /// Azure OpenAI (`*.openai.azure.com`, `*.cognitiveservices.azure.com`, or configured).
    AzureOpenAi,
    /// Azure AI Inference (`*.services.ai.azure.com`).
    AzureAiInference,
}

impl Flavor {
    /// `standard`, `azure-openai` or `azure-ai-inference`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::AzureOpenAi => "azure-openai",
            Self::AzureAiInference => "azure-ai-inference",
        }
    }
}

impl fmt::Display for Flavor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the flavor expects the key to be sent.
///
/// Displays as `bearer` or `api-key-header`, the spellings of the configuration's `auth`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthHint {
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// `api-key: <key>` (Azure OpenAI).
    ApiKeyHeader,
}

impl AuthHint {
    /// `bearer` or `api-key-header`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bearer => "bearer",
            Self::ApiKeyHeader => "api-key-header",
        }
    }
}

impl fmt::Display for AuthHint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The URLs to call, and why.
///
/// `Display` prints one `label: value` line each for chat, models, kind, flavor,
/// auth and rule (what `oac resolve` shows):
///
/// ```
/// use oac_url::{resolve, ResolveOptions};
///
/// let endpoints = resolve("https://api.provider.com/v1/", &ResolveOptions::new())?;
/// assert_eq!(
///     endpoints.to_string(),
///     "chat:   https://api.provider.com/v1/chat/completions\n\
///      models: https://api.provider.com/v1/models\n\
///      kind:   base\n\
///      flavor: standard\n\
///      auth:   bearer\n\
///      rule:   base URL: appended /chat/completions and /models"
/// );
/// # Ok::<(), oac_url::UrlError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Endpoints {
    /// The chat-completions URL.
    pub chat: Url,
    /// The models-list URL, when one can be derived or was configured.
    pub models: Option<Url>,
    /// Why `models` is `None`; always set then, and always starts with "set `models_url`"
    /// (e.g. for a full endpoint not ending in /chat/completions, or Azure AI Inference).
    pub models_missing_reason: Option<String>,
    /// Base or full.
    pub kind: EndpointKind,
    /// Standard or an Azure flavor.
    pub flavor: Flavor,
    /// How the flavor sends the key.
    pub auth: AuthHint,
    /// One line: which rule applied.
    pub rule: String,
}

impl Endpoints {
    /// The one-line explanation of which rule applied (same as [`Endpoints::rule`]).
    pub fn explain(&self) -> &str {
        &self.rule
    }
}

impl fmt::Display for Endpoints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "chat:   {}", self.chat)?;
        match (&self.models, &self.models_missing_reason) {
            (Some(models), _) => writeln!(f, "models: {models}")?,
            (None, Some(reason)) => writeln!(f, "models: none ({reason})")?,
            (None, None) => writeln!(f, "models: none")?,
        }
        writeln!(f, "kind:   {}", self.kind)?;
        writeln!(f, "flavor: {}", self.flavor)?;
        writeln!(f, "auth:   {}", self.auth)?;
        write!(f, "rule:   {}", self.rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_display_in_config_spelling() {
        assert_eq!(EndpointKind::Base.to_string(), "base");
        assert_eq!(EndpointKind::Full.to_string(), "full");
    }

    #[test]
    fn flavors_display_in_config_spelling() {
        assert_eq!(Flavor::Standard.to_string(), "standard");
        assert_eq!(Flavor::AzureOpenAi.to_string(), "azure-openai");
        assert_eq!(Flavor::AzureAiInference.to_string(), "azure-ai-inference");
    }

    #[test]
    fn auth_hints_display_in_config_spelling() {
        assert_eq!(AuthHint::Bearer.to_string(), "bearer");
        assert_eq!(AuthHint::ApiKeyHeader.to_string(), "api-key-header");
    }
}
