//! Transport and request settings of a provider: how the key is sent, whether a
//! stream asks for usage, which field carries max tokens, timeouts.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use oac_url::{Endpoints, WireApi};
use secrecy::SecretString;

use crate::choice::{Choice, ParseChoiceError, parse_choice};
use crate::discover::{InfoSource, ModelInfoSources};
use crate::headers::Headers;
use crate::model::ModelInfo;

/// How the key is sent (`auth`): the url crate's type, which resolution fills with
/// what the URL's flavor expects. In configuration: `"bearer"`, `"api-key-header"`,
/// `"none"` or `{ header = "X-Name" }`.
pub use oac_url::AuthStyle;

impl Choice for AuthStyle {
    const WHAT: &'static str = "auth style";
    const NAMES: &'static [(&'static str, Self)] = &[
        ("bearer", AuthStyle::Bearer),
        ("api-key-header", AuthStyle::ApiKeyHeader),
        ("api-key", AuthStyle::ApiKeyHeader),
        ("none", AuthStyle::None),
    ];

    fn name(&self) -> &'static str {
        self.as_str()
    }
}

/// `include_usage`: whether streaming requests ask for a usage chunk.
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

impl IncludeUsage {
    /// The spelling used in configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            IncludeUsage::Auto => "auto",
            IncludeUsage::Always => "always",
            IncludeUsage::Never => "never",
        }
    }
}

impl Choice for IncludeUsage {
    const WHAT: &'static str = "include_usage value";
    const NAMES: &'static [(&'static str, Self)] = &[
        ("auto", IncludeUsage::Auto),
        ("always", IncludeUsage::Always),
        ("never", IncludeUsage::Never),
    ];

    fn name(&self) -> &'static str {
        self.as_str()
    }
}

impl fmt::Display for IncludeUsage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for IncludeUsage {
    type Err = ParseChoiceError;

    /// Accepts `auto`, `always` or `never`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_choice(s)
    }
}

/// Which field carries max output tokens (`max_tokens_field`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum MaxTokensField {
    /// `max_tokens`.
    #[default]
    MaxTokens,
    /// `max_completion_tokens`.
    MaxCompletionTokens,
}

impl MaxTokensField {
    /// The field name, as sent on the wire and written in configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            MaxTokensField::MaxTokens => "max_tokens",
            MaxTokensField::MaxCompletionTokens => "max_completion_tokens",
        }
    }
}

impl Choice for MaxTokensField {
    const WHAT: &'static str = "max_tokens_field value";
    const NAMES: &'static [(&'static str, Self)] = &[
        ("max_tokens", MaxTokensField::MaxTokens),
        ("max_completion_tokens", MaxTokensField::MaxCompletionTokens),
    ];

    fn name(&self) -> &'static str {
        self.as_str()
    }
}

impl fmt::Display for MaxTokensField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MaxTokensField {
    type Err = ParseChoiceError;

    /// Accepts `max_tokens` or `max_completion_tokens`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_choice(s)
    }
}

/// Timeouts: each names one wait, and the error of one that fires says which
/// ([`TimeoutKind`](crate::TimeoutKind)) and the setting that raises it.
///
/// ```
/// use std::time::Duration;
/// use oac_provider::Timeouts;
///
/// let timeouts = Timeouts::default()
///     .with_headers(Some(Duration::from_secs(30)))
///     .with_first_content(Some(Duration::from_secs(300)));
/// assert_eq!(timeouts.stream_idle, Duration::from_secs(120));
/// assert_eq!(timeouts.first_content, Some(Duration::from_secs(300)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Whole request (600 s).
    pub total: Duration,
    /// Connect (10 s).
    pub connect: Duration,
    /// Longest gap between data events of a stream (120 s). Before the first
    /// content (text, reasoning or a tool call) any bytes count, keep-alive comments
    /// included, so a server that keeps a thinking model's stream alive is not cut;
    /// from the first content on, only data events do (a server that only sends
    /// keep-alives is not producing anything).
    pub stream_idle: Duration,
    /// From sending the request to the response headers (off by default). A
    /// complete, non-streamed reply sends its headers only when the whole reply is
    /// ready, so this bounds its generation too.
    pub headers: Option<Duration>,
    /// From the response headers of a stream to its first content: text,
    /// reasoning or a tool call (off by default). Bounds how long a reasoning model
    /// may think before it says anything, keep-alives or not.
    pub first_content: Option<Duration>,
}

impl Timeouts {
    /// Whole-request, connect and stream-idle timeouts; the headers and
    /// first-content timeouts off.
    pub fn new(total: Duration, connect: Duration, stream_idle: Duration) -> Self {
        Timeouts {
            total,
            connect,
            stream_idle,
            headers: None,
            first_content: None,
        }
    }

    /// `self` with the headers timeout set (`None`: off).
    #[must_use]
    pub fn with_headers(mut self, timeout: Option<Duration>) -> Self {
        self.headers = timeout;
        self
    }

    /// `self` with the first-content timeout set (`None`: off).
    #[must_use]
    pub fn with_first_content(mut self, timeout: Option<Duration>) -> Self {
        self.first_content = timeout;
        self
    }
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts::new(
            Duration::from_secs(600),
            Duration::from_secs(10),
            Duration::from_secs(120),
        )
    }
}

/// The request rules of the generic OpenAI-compatible provider.
///
/// Which models need them is decided by whoever builds the
/// [`ProviderConfig`] (the config crate applies its model rules once, when a
/// profile is resolved); the provider only follows them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CompatibleRules {
    /// DeepSeek-R1 message format: the system prompt folded into a `user`
    /// message, consecutive messages of one role merged.
    pub r1_format: bool,
    /// Send assistant messages' `reasoning_content` back (DeepSeek reasoner tool
    /// loops want it; other providers reject unknown message fields).
    pub send_reasoning_content: bool,
}

impl CompatibleRules {
    /// Rules with the R1 format on or off; `reasoning_content` is sent back under
    /// the R1 format.
    pub fn r1_format(r1_format: bool) -> Self {
        CompatibleRules {
            r1_format,
            send_reasoning_content: r1_format,
        }
    }

    /// The same rules, sending `reasoning_content` back or not.
    #[must_use]
    pub fn with_reasoning_content(mut self, send: bool) -> Self {
        self.send_reasoning_content = send;
        self
    }
}

/// What the OpenAI-native request rules need to know of a model: the id sent on
/// the wire, how it takes the system prompt, whether it is a reasoning model,
/// an effort its id always sends, and whether a catalogue knows it.
///
/// The config crate makes one from its model catalogue; code that knows the model
/// builds it directly:
///
/// ```
/// use oac_provider::{NativeModel, ReasoningEffort, SystemRole};
///
/// let o3_mini_high = NativeModel::new("o3-mini")
///     .reasoning(true)
///     .system_role(SystemRole::Developer)
///     .alias_effort(Some(ReasoningEffort::High))
///     .known(true);
/// assert_eq!(o3_mini_high.wire_model, "o3-mini");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct NativeModel {
    /// The `model` field of the body (`o3-mini` for the id `o3-mini-high`).
    pub wire_model: String,
    /// Role of system (and developer) messages.
    pub system_role: crate::shaping::SystemRole,
    /// A reasoning model (o-series, gpt-5): never `temperature` or `top_p`.
    pub reasoning: bool,
    /// The effort this id always sends, whatever the request or profile says.
    pub alias_effort: Option<crate::model::ReasoningEffort>,
    /// True when a catalogue knows the model: its info (limits, efforts, prices)
    /// is known, so an effort it does not list is refused. For an unknown id any
    /// effort asked for is sent and the server decides.
    pub known: bool,
}

impl NativeModel {
    /// A non-reasoning model sent as `wire_model`, `system` role, unknown to any
    /// catalogue.
    pub fn new(wire_model: impl Into<String>) -> Self {
        NativeModel {
            wire_model: wire_model.into(),
            system_role: crate::shaping::SystemRole::System,
            reasoning: false,
            alias_effort: None,
            known: false,
        }
    }

    /// Whether it is a reasoning model.
    #[must_use]
    pub fn reasoning(mut self, reasoning: bool) -> Self {
        self.reasoning = reasoning;
        self
    }

    /// The role of system messages.
    #[must_use]
    pub fn system_role(mut self, role: crate::shaping::SystemRole) -> Self {
        self.system_role = role;
        self
    }

    /// The effort the id always sends.
    #[must_use]
    pub fn alias_effort(mut self, effort: Option<crate::model::ReasoningEffort>) -> Self {
        self.alias_effort = effort;
        self
    }

    /// Whether a catalogue knows the model.
    #[must_use]
    pub fn known(mut self, known: bool) -> Self {
        self.known = known;
        self
    }
}

/// Which request rules a provider follows, and so which implementation serves it
/// ([`provider_for`](crate::provider_for)).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ModelRules {
    /// The generic provider ([`OpenAiCompatible`](crate::OpenAiCompatible)).
    Compatible(CompatibleRules),
    /// The OpenAI-native provider ([`OpenAiNative`](crate::OpenAiNative)).
    Native(NativeModel),
}

impl Default for ModelRules {
    fn default() -> Self {
        ModelRules::Compatible(CompatibleRules::default())
    }
}

/// Whether `<think>…</think>` at the start of the content is read as reasoning
/// when nothing says otherwise (the one home of this default: profiles and
/// [`ProviderConfig::new`] use it).
pub const DEFAULT_PARSE_THINK_TAGS: bool = true;

/// Whether the server is asked for the model info a configuration leaves unset
/// when nothing says otherwise (the one home of this default: profiles and
/// [`ProviderConfig::new`] use it).
pub const DEFAULT_DISCOVER_MODEL_INFO: bool = true;

/// What a request carries when the caller sets nothing: the profile's defaults.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct RequestDefaults {
    /// `stream_options.include_usage` policy.
    pub include_usage: IncludeUsage,
    /// Which field carries max output tokens (the native rules always use
    /// `max_completion_tokens`).
    pub max_tokens_field: MaxTokensField,
    /// Max output tokens to request.
    pub max_tokens: Option<u32>,
    /// Send the model's `max_output_tokens` when neither the request nor
    /// `max_tokens` sets a limit.
    pub include_max_tokens: bool,
    /// Temperature, sent only when set.
    pub temperature: Option<f64>,
    /// Reasoning effort (before the model's default).
    pub reasoning_effort: Option<crate::model::ReasoningEffort>,
    /// Processing tier (`service_tier`) of a request that sets none.
    pub service_tier: Option<crate::ServiceTier>,
}

impl RequestDefaults {
    /// `request` with the defaults that are sent as they are filled in where it
    /// sets nothing (its own values win): the service tier.
    pub fn fill(&self, mut request: crate::ChatRequest) -> crate::ChatRequest {
        request.service_tier = request.service_tier.or(self.service_tier);
        request
    }
}

/// Everything a provider needs to talk to one model at one endpoint: the URLs,
/// how the key is sent, headers, timeouts, retries, the model's info (limits,
/// capabilities, prices) and the request rules. Built from code alone, or by the
/// config crate from a profile (`oac_config::ResolvedProfile` converts into it).
/// `Debug` never shows the key.
///
/// Settings are checked when a provider is built from it: a header, proxy, key or
/// certificate that cannot be used is an [`Error::InvalidConfig`](crate::Error)
/// naming the setting.
///
/// ```
/// use oac_provider::{ModelInfo, OpenAiCompatible, Provider, ProviderConfig, SecretString};
/// use oac_url::{ResolveOptions, resolve};
///
/// let endpoints = resolve("http://localhost:11434/v1", &ResolveOptions::default())?;
/// let mut info = ModelInfo::compatible_default();
/// info.context_window = 32_768;
/// let config = ProviderConfig::new(endpoints, "qwen2.5-coder:7b")
///     .with_api_key(SecretString::from("sk-local"))
///     .with_max_retries(0)
///     .with_model_info(info);
/// let provider = OpenAiCompatible::new(config)?;
/// assert_eq!(provider.model_info().context_window, 32_768);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct ProviderConfig {
    endpoints: Endpoints,
    model: String,
    api_key: Option<SecretString>,
    auth: AuthStyle,
    headers: Headers,
    timeouts: Timeouts,
    max_retries: u32,
    proxy: Option<String>,
    ca_cert: Option<PathBuf>,
    parse_think_tags: bool,
    model_info: ModelInfo,
    model_info_sources: ModelInfoSources,
    discover_model_info: bool,
    defaults: RequestDefaults,
    rules: ModelRules,
    api: WireApi,
}

impl std::fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let key = self
            .api_key
            .as_ref()
            .map(secrecy::ExposeSecret::expose_secret);
        let secrets: Vec<&str> = key.into_iter().collect();
        f.debug_struct("ProviderConfig")
            .field("endpoints", &self.endpoints.debug_masking(&secrets))
            .field("model", &self.model)
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .field("auth", &self.auth)
            .field("headers", &self.headers)
            .field("timeouts", &self.timeouts)
            .field("max_retries", &self.max_retries)
            .field(
                "proxy",
                &self
                    .proxy
                    .as_deref()
                    .map(|proxy| oac_url::masked_text(proxy, &secrets)),
            )
            .field(
                "ca_cert",
                &self.ca_cert.as_deref().map(crate::files::ShownPath),
            )
            .field("parse_think_tags", &self.parse_think_tags)
            .field("model_info", &self.model_info)
            .field("model_info_sources", &self.model_info_sources)
            .field("discover_model_info", &self.discover_model_info)
            .field("defaults", &self.defaults)
            .field("rules", &self.rules)
            .finish()
    }
}

impl ProviderConfig {
    /// A configuration for `model` at `endpoints`, every other setting at its
    /// default: no key, the auth style the endpoints' flavor expects, no extra
    /// headers, default timeouts, [`DEFAULT_MAX_RETRIES`](crate::retry::DEFAULT_MAX_RETRIES)
    /// retries, `<think>` tags split into reasoning, the compatible model info
    /// ([`ModelInfo::compatible_default`]) and the generic request rules.
    pub fn new(endpoints: Endpoints, model: impl Into<String>) -> Self {
        ProviderConfig {
            auth: endpoints.auth.clone(),
            endpoints,
            model: model.into(),
            api_key: None,
            headers: Headers::default(),
            timeouts: Timeouts::default(),
            max_retries: crate::retry::DEFAULT_MAX_RETRIES,
            proxy: None,
            ca_cert: None,
            parse_think_tags: DEFAULT_PARSE_THINK_TAGS,
            model_info: ModelInfo::compatible_default(),
            model_info_sources: ModelInfoSources::all(InfoSource::Default),
            discover_model_info: DEFAULT_DISCOVER_MODEL_INFO,
            defaults: RequestDefaults::default(),
            rules: ModelRules::default(),
            api: WireApi::Chat,
        }
    }

    /// The key (sent as [`with_auth`](Self::with_auth) says).
    #[must_use]
    pub fn with_api_key(mut self, key: SecretString) -> Self {
        self.api_key = Some(key);
        self
    }

    /// How the key is sent.
    #[must_use]
    pub fn with_auth(mut self, auth: AuthStyle) -> Self {
        self.auth = auth;
        self
    }

    /// Extra headers on every request.
    #[must_use]
    pub fn with_headers(mut self, headers: Headers) -> Self {
        self.headers = headers;
        self
    }

    /// Timeouts.
    #[must_use]
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Retries before the first byte reaches the caller.
    #[must_use]
    pub fn with_max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// An HTTP(S) proxy for every request.
    #[must_use]
    pub fn with_proxy(mut self, proxy: impl Into<String>) -> Self {
        self.proxy = Some(proxy.into());
        self
    }

    /// An extra PEM root certificate bundle.
    #[must_use]
    pub fn with_ca_cert(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_cert = Some(path.into());
        self
    }

    /// Split `<think>…</think>` in text into reasoning (default on).
    #[must_use]
    pub fn with_parse_think_tags(mut self, on: bool) -> Self {
        self.parse_think_tags = on;
        self
    }

    /// What the model can do and what it costs. Every field counts as the
    /// caller's own ([`InfoSource::Profile`]), so discovery changes none of them;
    /// say where each came from with
    /// [`with_model_info_sources`](Self::with_model_info_sources) to let the server
    /// fill the ones that are only defaults.
    #[must_use]
    pub fn with_model_info(mut self, info: ModelInfo) -> Self {
        self.model_info = info;
        self.model_info_sources = ModelInfoSources::all(InfoSource::Profile);
        self
    }

    /// Where each field of the model info came from. Fields from the catalogue or
    /// the defaults may be replaced by what the server reports (see
    /// [`discover`](crate::discover)); the profile's own never are.
    #[must_use]
    pub fn with_model_info_sources(mut self, sources: ModelInfoSources) -> Self {
        self.model_info_sources = sources;
        self
    }

    /// Whether the first request asks the server what it knows of the model
    /// (context window, max output, images, tools, prices) to fill the fields the
    /// profile leaves unset. On by default; see [`discover`](crate::discover).
    #[must_use]
    pub fn with_model_info_discovery(mut self, on: bool) -> Self {
        self.discover_model_info = on;
        self
    }

    /// What requests carry when the caller sets nothing.
    #[must_use]
    pub fn with_request_defaults(mut self, defaults: RequestDefaults) -> Self {
        self.defaults = defaults;
        self
    }

    /// The request rules (and so the implementation, see
    /// [`provider_for`](crate::provider_for)).
    #[must_use]
    pub fn with_rules(mut self, rules: ModelRules) -> Self {
        self.rules = rules;
        self
    }

    /// Which API chat requests go through (default [`WireApi::Chat`]):
    /// `Responses` sends them to the endpoints' Responses URL
    /// ([`Endpoints::responses`]) in the Responses API's form, and reads its
    /// replies into the same types.
    #[must_use]
    pub fn with_api(mut self, api: WireApi) -> Self {
        self.api = api;
        self
    }

    /// The extra headers, to change in place.
    pub fn headers_mut(&mut self) -> &mut Headers {
        &mut self.headers
    }

    /// The model's info, to change in place. Like
    /// [`with_model_info`](Self::with_model_info), every field then counts as the
    /// caller's own.
    pub fn model_info_mut(&mut self) -> &mut ModelInfo {
        self.model_info_sources = ModelInfoSources::all(InfoSource::Profile);
        &mut self.model_info
    }

    /// The timeouts, to change in place.
    pub fn timeouts_mut(&mut self) -> &mut Timeouts {
        &mut self.timeouts
    }

    /// The request defaults, to change in place.
    pub fn request_defaults_mut(&mut self) -> &mut RequestDefaults {
        &mut self.defaults
    }

    /// The URLs to call.
    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// The model id.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// The key, when one is set.
    pub fn api_key(&self) -> Option<&SecretString> {
        self.api_key.as_ref()
    }

    /// How the key is sent.
    pub fn auth(&self) -> &AuthStyle {
        &self.auth
    }

    /// Extra headers.
    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// Timeouts.
    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// Retries.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The proxy, when set.
    pub fn proxy(&self) -> Option<&str> {
        self.proxy.as_deref()
    }

    /// The extra root certificate bundle, when set.
    pub fn ca_cert(&self) -> Option<&std::path::Path> {
        self.ca_cert.as_deref()
    }

    /// Whether `<think>` tags become reasoning.
    pub fn parse_think_tags(&self) -> bool {
        self.parse_think_tags
    }

    /// The model's info.
    pub fn model_info(&self) -> &ModelInfo {
        &self.model_info
    }

    /// Where each field of [`model_info`](Self::model_info) came from.
    pub fn model_info_sources(&self) -> ModelInfoSources {
        self.model_info_sources
    }

    /// Whether discovery is on ([`with_model_info_discovery`](Self::with_model_info_discovery)).
    pub fn discovers_model_info(&self) -> bool {
        self.discover_model_info
    }

    /// The request defaults.
    pub fn request_defaults(&self) -> &RequestDefaults {
        &self.defaults
    }

    /// The request rules.
    pub fn rules(&self) -> &ModelRules {
        &self.rules
    }

    /// Which API chat requests go through.
    pub fn api(&self) -> WireApi {
        self.api
    }
}
