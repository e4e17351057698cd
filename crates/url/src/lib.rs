//! Resolve the base URL a user typed into the URLs to call.
//!
//! CONTRACT SKELETON — the types below are the public surface other crates code
//! against; the implementation fills in `resolve`. See `shared/specs/url-resolution.md`.

pub use url::Url;

/// The default base of the OpenAI-native provider.
pub const OPENAI_DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";

/// How to read the configured URL (`endpoint_mode`).
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

/// Which provider implementation the URL is resolved for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProviderKind {
    /// Generic OpenAI-compatible: a base URL is required.
    #[default]
    Compatible,
    /// OpenAI-native: an empty base URL means [`OPENAI_DEFAULT_BASE_URL`].
    Native,
}

/// Whether the URL was read as a base or as a full endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EndpointKind {
    /// A base: `/chat/completions` and `/models` were appended.
    Base,
    /// A complete chat endpoint, used as given.
    Full,
}

/// The family of API the URL belongs to.
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

/// How the flavor expects the key to be sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthHint {
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// `api-key: <key>` (Azure OpenAI).
    ApiKeyHeader,
}

/// Azure settings from configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AzureOptions {
    /// `api-version` to use when the URL carries none.
    pub api_version: Option<String>,
    /// Deployment name; defaults to the model id.
    pub deployment: Option<String>,
}

/// Everything besides the URL string that resolution needs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResolveOptions {
    /// `endpoint_mode`.
    pub mode: EndpointMode,
    /// Native or compatible (changes what an empty URL means).
    pub provider: ProviderKind,
    /// Explicit models-list URL; always wins.
    pub models_url: Option<String>,
    /// The model id (the Azure deployment unless one is configured).
    pub model: Option<String>,
    /// `Some` when the configuration says the endpoint is Azure OpenAI.
    pub azure: Option<AzureOptions>,
    /// Query parameters from configuration, merged into every endpoint (they win on a clash).
    pub query: Vec<(String, String)>,
}

/// The URLs to call, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Endpoints {
    /// The chat-completions URL.
    pub chat: Url,
    /// The models-list URL, when one can be derived or was configured.
    pub models: Option<Url>,
    /// Why `models` is `None` (e.g. "set `models_url`: a full endpoint not ending in /chat/completions").
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

/// Why a URL cannot be used. `Display` says what to type instead.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UrlError {
    /// Placeholder until the implementation lands.
    #[error("not implemented yet")]
    Unimplemented,
}

/// Resolve `input` (the configured base URL, or a full endpoint) into [`Endpoints`].
pub fn resolve(input: &str, options: &ResolveOptions) -> Result<Endpoints, UrlError> {
    let _ = (input, options);
    Err(UrlError::Unimplemented)
}

/// True when the URL's host is a loopback address or `localhost` (keys may be absent, plain http is fine).
pub fn is_loopback(url: &Url) -> bool {
    let _ = url;
    false
}
