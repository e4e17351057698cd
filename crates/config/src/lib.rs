//! Profiles, model info, secrets and validation.
//!
//! CONTRACT SKELETON — the types below are the public surface the provider crate
//! codes against; the implementation fills in loading, validation and import.
//! See `shared/specs/config.md`.

use std::time::Duration;

pub use openai_compat_pricing::ModelPrices;
pub use openai_compat_url::Endpoints;
pub use secrecy::{ExposeSecret, SecretString};

/// `provider` after `auto` was decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProviderChoice {
    /// Decide from the base URL: native for `api.openai.com` or no URL.
    Auto,
    /// Generic OpenAI-compatible.
    Compatible,
    /// OpenAI itself (model catalogue, reasoning-model rules).
    OpenAiNative,
}

/// A reasoning effort level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ReasoningEffort {
    /// `none`
    None,
    /// `minimal`
    Minimal,
    /// `low`
    Low,
    /// `medium`
    Medium,
    /// `high`
    High,
    /// `xhigh`
    XHigh,
}

/// Whether a model accepts `reasoning_effort`, and which levels.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum EffortSupport {
    /// Not supported: never sent.
    #[default]
    No,
    /// Supported, any level.
    Yes,
    /// Supported, only these levels.
    Levels(Vec<ReasoningEffort>),
}

/// What a model can do and what it costs ("Model Configuration").
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ModelInfo {
    /// Maximum output tokens, when known.
    pub max_output_tokens: Option<u32>,
    /// Context window in tokens.
    pub context_window: u32,
    /// Accepts image parts.
    pub supports_images: bool,
    /// Supports computer use.
    pub supports_computer_use: bool,
    /// Supports prompt caching.
    pub supports_prompt_cache: bool,
    /// Accepts `reasoning_effort`.
    pub supports_reasoning_effort: EffortSupport,
    /// Default effort.
    pub reasoning_effort: Option<ReasoningEffort>,
    /// Prices; unknown prices mean unknown cost.
    pub prices: ModelPrices,
}

/// How the key is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthStyle {
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// `api-key: <key>`.
    ApiKeyHeader,
    /// No key is sent.
    None,
    /// `<name>: <key>`.
    Header(String),
}

/// `include_usage`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum IncludeUsage {
    /// Send it; drop it once (remembered per endpoint) when the server rejects it.
    #[default]
    Auto,
    /// Always send it.
    Always,
    /// Never send it.
    Never,
}

/// Which field carries max output tokens.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum MaxTokensField {
    /// `max_tokens`.
    #[default]
    MaxTokens,
    /// `max_completion_tokens`.
    MaxCompletionTokens,
}

/// Timeouts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Whole request (600 s).
    pub total: Duration,
    /// Connect (10 s).
    pub connect: Duration,
    /// Longest silence inside a stream (120 s).
    pub stream_idle: Duration,
}

/// Azure OpenAI settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AzureSettings {
    /// `api-version`.
    pub api_version: Option<String>,
    /// Deployment name (defaults to the model id).
    pub deployment: Option<String>,
}

/// Extra headers; Debug redacts the values of sensitive names.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Headers(pub Vec<(String, String)>);

/// Everything a provider needs to talk to one endpoint: a profile after
/// precedence (flags > env > file > defaults), key lookup, URL resolution and
/// model-info merging. Debug never shows the key.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ResolvedProfile {
    /// Profile name, when one was used.
    pub name: Option<String>,
    /// Compatible or native (never `Auto` here).
    pub provider: ProviderChoice,
    /// One line: why this provider was chosen.
    pub provider_reason: String,
    /// The URLs to call.
    pub endpoints: Endpoints,
    /// The key, when any source supplied one.
    pub api_key: Option<SecretString>,
    /// How the key is sent.
    pub auth: AuthStyle,
    /// Model id sent to the provider.
    pub model: String,
    /// Extra headers on every request.
    pub headers: Headers,
    /// Extra query parameters (already merged into `endpoints`).
    pub query: Vec<(String, String)>,
    /// Stream responses.
    pub streaming: bool,
    /// `stream_options.include_usage`.
    pub include_usage: IncludeUsage,
    /// `max_tokens` or `max_completion_tokens`.
    pub max_tokens_field: MaxTokensField,
    /// Send the model's max output tokens when a request sets none.
    pub include_max_tokens: bool,
    /// Max output tokens to request.
    pub max_tokens: Option<u32>,
    /// Temperature, sent only when set.
    pub temperature: Option<f64>,
    /// Reasoning effort.
    pub reasoning_effort: Option<ReasoningEffort>,
    /// DeepSeek-R1 message format.
    pub r1_format: bool,
    /// Split `<think>…</think>` into reasoning.
    pub parse_think_tags: bool,
    /// Timeouts.
    pub timeouts: Timeouts,
    /// Retries before the first byte reaches the caller.
    pub max_retries: u32,
    /// HTTP(S) proxy.
    pub proxy: Option<String>,
    /// Extra PEM root certificate.
    pub ca_cert: Option<std::path::PathBuf>,
    /// Azure OpenAI settings.
    pub azure: Option<AzureSettings>,
    /// The model's info (catalogue for native, overridden by the profile).
    pub model_info: ModelInfo,
}

impl std::fmt::Debug for Headers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(name, _)| (name, "[REDACTED]")))
            .finish()
    }
}

impl ModelInfo {
    /// The info of a model nobody described: 128k context, images, prices unknown.
    pub fn compatible_default() -> Self {
        ModelInfo {
            max_output_tokens: None,
            context_window: 128_000,
            supports_images: true,
            supports_computer_use: false,
            supports_prompt_cache: false,
            supports_reasoning_effort: EffortSupport::No,
            reasoning_effort: None,
            prices: ModelPrices::default(),
        }
    }
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            total: Duration::from_secs(600),
            connect: Duration::from_secs(10),
            stream_idle: Duration::from_secs(120),
        }
    }
}

impl ResolvedProfile {
    /// A compatible profile for `endpoints` and `model` with every other setting at
    /// its default (no key, bearer auth, streaming, 2 retries). Fields are public:
    /// adjust them after construction.
    pub fn new(endpoints: Endpoints, model: impl Into<String>) -> Self {
        ResolvedProfile {
            name: None,
            provider: ProviderChoice::Compatible,
            provider_reason: "compatible (set explicitly)".into(),
            endpoints,
            api_key: None,
            auth: AuthStyle::Bearer,
            model: model.into(),
            headers: Headers::default(),
            query: Vec::new(),
            streaming: true,
            include_usage: IncludeUsage::Auto,
            max_tokens_field: MaxTokensField::MaxTokens,
            include_max_tokens: false,
            max_tokens: None,
            temperature: None,
            reasoning_effort: None,
            r1_format: false,
            parse_think_tags: true,
            timeouts: Timeouts::default(),
            max_retries: 2,
            proxy: None,
            ca_cert: None,
            azure: None,
            model_info: ModelInfo::compatible_default(),
        }
    }
}
