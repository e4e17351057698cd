//! The profile a provider uses: every layer applied, every default filled in, and
//! the one conversion into the provider crate's [`ProviderConfig`].

use oac_provider::files::ShownPath;
use oac_provider::{
    CompatibleRules, ModelRules, NativeModel, ProviderConfig, RequestDefaults, SystemRole,
};
use oac_url::Endpoints;
use secrecy::SecretString;

use crate::catalog::{CatalogEntry, SystemPrompt};
use crate::headers::Headers;
use crate::model_info::{ModelInfo, ReasoningEffort};
use crate::profile::{
    AuthStyle, AzureSettings, IncludeUsage, MaxTokensField, ProviderChoice, Timeouts,
};

/// Everything a provider needs to talk to one endpoint: a profile after
/// precedence (flags > env > file > defaults), key lookup, URL resolution,
/// the provider decision, the catalogue lookup and model-info merging. Debug never
/// shows the key.
///
/// Built only by [`Loader`](crate::Loader) (files, environment, flags) and
/// [`ProfileBuilder`](crate::ProfileBuilder) (code), which validate it the same
/// way; read it through its accessors. It converts into the provider crate's
/// [`ProviderConfig`] (`From`, or [`provider_config`](Self::provider_config)),
/// which is what providers are built from.
#[derive(Clone)]
pub struct ResolvedProfile {
    pub(crate) name: Option<String>,
    pub(crate) provider: ProviderChoice,
    pub(crate) provider_reason: String,
    pub(crate) api: oac_url::WireApi,
    pub(crate) api_reason: String,
    pub(crate) endpoints: Endpoints,
    pub(crate) api_key: Option<SecretString>,
    pub(crate) key_source: Option<String>,
    pub(crate) auth: AuthStyle,
    pub(crate) model: String,
    pub(crate) headers: Headers,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) streaming: bool,
    pub(crate) request_defaults: RequestDefaults,
    pub(crate) compat: CompatibleRules,
    pub(crate) parse_think_tags: bool,
    pub(crate) discover_model_info: bool,
    pub(crate) timeouts: Timeouts,
    pub(crate) max_retries: u32,
    pub(crate) proxy: Option<String>,
    pub(crate) ca_cert: Option<std::path::PathBuf>,
    pub(crate) azure: Option<AzureSettings>,
    pub(crate) model_info: ModelInfo,
    pub(crate) model_info_sources: oac_provider::ModelInfoSources,
    pub(crate) catalog_entry: Option<CatalogEntry>,
}

/// Never shows the key, sensitive header values, secret-named query values
/// ([`oac_url::is_secret_name`]) or the key's value anywhere in a URL.
impl std::fmt::Debug for ResolvedProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use secrecy::ExposeSecret;
        let secrets: Vec<&str> = self
            .api_key
            .as_ref()
            .map(ExposeSecret::expose_secret)
            .into_iter()
            .collect();
        let query: Vec<(&str, String)> = self
            .query
            .iter()
            .map(|(name, value)| {
                let shown = if oac_url::is_secret_name(name) {
                    oac_url::MASK.to_owned()
                } else {
                    oac_url::mask_values(value, &secrets)
                };
                (name.as_str(), shown)
            })
            .collect();
        let proxy = self
            .proxy
            .as_deref()
            .map(|proxy| match oac_url::Url::parse(proxy) {
                Ok(url) => oac_url::masked_url(&url, &secrets),
                Err(_) => oac_url::mask_values(proxy, &secrets),
            });
        f.debug_struct("ResolvedProfile")
            .field("name", &self.name)
            .field("provider", &self.provider)
            .field("provider_reason", &self.provider_reason)
            .field("api", &self.api)
            .field("api_reason", &self.api_reason)
            .field("endpoints", &self.endpoints.debug_masking(&secrets))
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .field("key_source", &self.key_source)
            .field("auth", &self.auth)
            .field("model", &self.model)
            .field("headers", &self.headers)
            .field("query", &query)
            .field("streaming", &self.streaming)
            .field("request_defaults", &self.request_defaults)
            .field("compat", &self.compat)
            .field("parse_think_tags", &self.parse_think_tags)
            .field("discover_model_info", &self.discover_model_info)
            .field("timeouts", &self.timeouts)
            .field("max_retries", &self.max_retries)
            .field("proxy", &proxy)
            .field("ca_cert", &self.ca_cert.as_deref().map(ShownPath))
            .field("azure", &self.azure)
            .field("model_info", &self.model_info)
            .field("model_info_sources", &self.model_info_sources)
            .field("catalog_entry", &self.catalog_entry)
            .finish()
    }
}

/// Read-only accessors, one per setting.
impl ResolvedProfile {
    /// Profile name, when one was used.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Compatible or native (never `Auto`: the decision was made at load).
    pub fn provider(&self) -> ProviderChoice {
        self.provider
    }

    /// One line: why this provider was chosen.
    pub fn provider_reason(&self) -> &str {
        &self.provider_reason
    }

    /// The URLs to call (the profile's `query` already merged in).
    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// The key, when any source supplied one.
    pub fn api_key(&self) -> Option<&SecretString> {
        self.api_key.as_ref()
    }

    /// Where the key came from (`OPENAI_API_KEY`, `profiles.x.api_key_file`, …),
    /// never the key itself.
    pub fn key_source(&self) -> Option<&str> {
        self.key_source.as_deref()
    }

    /// How the key is sent.
    pub fn auth(&self) -> &AuthStyle {
        &self.auth
    }

    /// Model id sent to the provider (before a catalogue alias is mapped).
    pub fn model(&self) -> &str {
        &self.model
    }

    /// Extra headers on every request.
    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// The profile's extra query parameters (already merged into
    /// [`endpoints`](Self::endpoints)).
    pub fn query(&self) -> &[(String, String)] {
        &self.query
    }

    /// Stream responses.
    pub fn streaming(&self) -> bool {
        self.streaming
    }

    /// What a request carries when it sets nothing itself: every request default
    /// of the profile (include usage, max tokens, temperature, effort, …), its
    /// defaults filled in.
    pub fn request_defaults(&self) -> &RequestDefaults {
        &self.request_defaults
    }

    /// `stream_options.include_usage`.
    pub fn include_usage(&self) -> IncludeUsage {
        self.request_defaults.include_usage
    }

    /// `max_tokens` or `max_completion_tokens`.
    pub fn max_tokens_field(&self) -> MaxTokensField {
        self.request_defaults.max_tokens_field
    }

    /// Send the model's max output tokens when a request sets none.
    pub fn include_max_tokens(&self) -> bool {
        self.request_defaults.include_max_tokens
    }

    /// Max output tokens to request.
    pub fn max_tokens(&self) -> Option<u32> {
        self.request_defaults.max_tokens
    }

    /// Temperature, sent only when set.
    pub fn temperature(&self) -> Option<f64> {
        self.request_defaults.temperature
    }

    /// Reasoning effort.
    pub fn reasoning_effort(&self) -> Option<ReasoningEffort> {
        self.request_defaults.reasoning_effort
    }

    /// DeepSeek-R1 message format (set, or implied by a DeepSeek reasoner id).
    pub fn r1_format(&self) -> bool {
        self.compat.r1_format
    }

    /// Which API chat requests go through.
    pub fn api(&self) -> oac_url::WireApi {
        self.api
    }

    /// Why that API: `api = responses`, `api is auto and the URL is a full
    /// …/responses endpoint`, ….
    pub fn api_reason(&self) -> &str {
        &self.api_reason
    }

    /// Split `<think>…</think>` into reasoning.
    pub fn parse_think_tags(&self) -> bool {
        self.parse_think_tags
    }

    /// Ask the server for the model info fields the profile leaves unset.
    pub fn discover_model_info(&self) -> bool {
        self.discover_model_info
    }

    /// Timeouts.
    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// Retries before the first byte reaches the caller.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// HTTP(S) proxy.
    pub fn proxy(&self) -> Option<&str> {
        self.proxy.as_deref()
    }

    /// Extra PEM root certificate.
    pub fn ca_cert(&self) -> Option<&std::path::Path> {
        self.ca_cert.as_deref()
    }

    /// Azure OpenAI settings.
    pub fn azure(&self) -> Option<&AzureSettings> {
        self.azure.as_ref()
    }

    /// The model's info: the catalogue entry's for a native model, the profile's
    /// `model_info` laid over it field by field.
    pub fn model_info(&self) -> &ModelInfo {
        &self.model_info
    }

    /// Where each field of [`model_info`](Self::model_info) came from: the
    /// profile's `model_info`, the catalogue, or the defaults. The provider fills
    /// the fields that are not the profile's own from what the server reports
    /// (see [`oac_provider::discover`]).
    pub fn model_info_sources(&self) -> oac_provider::ModelInfoSources {
        self.model_info_sources
    }

    /// The native catalogue's entry for `model` (wire model, alias effort, family,
    /// system-prompt rule, and the catalogue's own info before the profile's
    /// `model_info`), when the provider is native and the catalogue knows the id.
    /// `None` for compatible providers and unknown ids (see
    /// [`CatalogEntry::inferred`] for what is known of those).
    pub fn catalog_entry(&self) -> Option<&CatalogEntry> {
        self.catalog_entry.as_ref()
    }

    /// The provider crate's input for this profile: what [`From`] gives.
    pub fn provider_config(&self) -> ProviderConfig {
        ProviderConfig::from(self.clone())
    }

    /// The request rules: the native model's (from its catalogue entry, or what
    /// its id implies when the catalogue does not know it) for a native profile,
    /// the generic rules otherwise.
    fn rules(&self) -> ModelRules {
        if self.provider != ProviderChoice::OpenAiNative {
            return ModelRules::Compatible(self.compat.clone());
        }
        let (entry, known) = match &self.catalog_entry {
            Some(entry) => (entry.clone(), true),
            None => (CatalogEntry::inferred(&self.model), false),
        };
        let system_role = match entry.system_prompt {
            SystemPrompt::Developer => SystemRole::Developer,
            SystemPrompt::FirstUserMessage => SystemRole::User,
            _ => SystemRole::System,
        };
        ModelRules::Native(
            NativeModel::new(entry.wire_model)
                .reasoning(entry.family.is_reasoning())
                .system_role(system_role)
                .alias_effort(entry.alias_effort)
                .known(known),
        )
    }
}

impl From<ResolvedProfile> for ProviderConfig {
    /// The profile as the provider crate's input: URLs, key, auth, headers,
    /// timeouts, retries, proxy, certificate, model info, request defaults and
    /// the request rules (native from the catalogue entry, or generic).
    fn from(profile: ResolvedProfile) -> Self {
        let rules = profile.rules();
        let mut config = ProviderConfig::new(profile.endpoints, profile.model)
            .with_auth(profile.auth)
            .with_headers(profile.headers)
            .with_timeouts(profile.timeouts)
            .with_max_retries(profile.max_retries)
            .with_parse_think_tags(profile.parse_think_tags)
            .with_model_info_discovery(profile.discover_model_info)
            .with_model_info(profile.model_info)
            .with_model_info_sources(profile.model_info_sources)
            .with_request_defaults(profile.request_defaults)
            .with_rules(rules)
            .with_api(profile.api);
        if let Some(key) = profile.api_key {
            config = config.with_api_key(key);
        }
        if let Some(proxy) = profile.proxy {
            config = config.with_proxy(proxy);
        }
        if let Some(path) = profile.ca_cert {
            config = config.with_ca_cert(path);
        }
        config
    }
}
