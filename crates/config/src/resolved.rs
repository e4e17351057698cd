//! The profile a provider uses: every layer applied, every default filled in.

use oac_url::{AuthHint, Endpoints};
use secrecy::SecretString;

use crate::catalog::CatalogEntry;
use crate::headers::Headers;
use crate::model_info::{ModelInfo, ReasoningEffort};
use crate::profile::{
    AuthStyle, AzureSettings, IncludeUsage, MaxTokensField, ProviderChoice, Timeouts,
};

/// Everything a provider needs to talk to one endpoint: a profile after
/// precedence (flags > env > file > defaults), key lookup, URL resolution and
/// model-info merging. Debug never shows the key.
///
/// Built by [`Loader`](crate::Loader) (files, environment, flags) or
/// [`ProfileBuilder`](crate::ProfileBuilder) (code); both validate it the same way.
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
    /// Where the key came from (`OPENAI_API_KEY`, `profiles.x.api_key_file`, …),
    /// never the key itself.
    pub key_source: Option<String>,
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
    /// The native catalogue's entry for `model` (wire model, alias effort, family,
    /// system-prompt rule, and the catalogue's own info before the profile's
    /// `model_info`), when the provider is native and the catalogue knows the id.
    /// `None` for compatible providers and unknown ids (see
    /// [`CatalogEntry::inferred`] for what is known of those).
    pub catalog_entry: Option<CatalogEntry>,
    /// True when the loader (or [`ProfileBuilder`](crate::ProfileBuilder)) looked
    /// `model` up in the native catalogue: `catalog_entry` and `model_info` are
    /// final, and an unknown id was already warned about. False for compatible
    /// profiles and for profiles assembled by hand ([`ResolvedProfile::new`]),
    /// which the native provider looks up in the built-in catalogue itself.
    pub catalog_checked: bool,
}

impl ResolvedProfile {
    /// A compatible profile for `endpoints` and `model` with every other setting at
    /// its default (no key, streaming, 2 retries). The key is sent the way the
    /// endpoints' flavor expects (`api-key` header for Azure OpenAI, else bearer).
    /// Fields are public: adjust them after construction.
    ///
    /// This skips validation; [`ProfileBuilder`](crate::ProfileBuilder) validates.
    pub fn new(endpoints: Endpoints, model: impl Into<String>) -> Self {
        let auth = AuthStyle::for_endpoints(&endpoints);
        ResolvedProfile {
            name: None,
            provider: ProviderChoice::Compatible,
            provider_reason: "compatible (set explicitly)".into(),
            endpoints,
            api_key: None,
            key_source: None,
            auth,
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
            catalog_entry: None,
            catalog_checked: false,
        }
    }
}

impl AuthStyle {
    /// The style the endpoints' flavor expects when `auth` is not set: `api-key`
    /// header for Azure OpenAI, bearer otherwise.
    pub fn for_endpoints(endpoints: &Endpoints) -> AuthStyle {
        match endpoints.auth {
            AuthHint::ApiKeyHeader => AuthStyle::ApiKeyHeader,
            _ => AuthStyle::Bearer,
        }
    }
}
