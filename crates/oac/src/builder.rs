//! [`ClientBuilder`]: every profile setting in code, checked like a config file.

use std::path::PathBuf;
use std::time::Duration;

use oac_config::{
    AuthStyle, AzureSettings, EndpointMode, Environment, IncludeUsage, MaxTokensField, ModelInfo,
    ModelInfoOverrides, Profile, ProfileBuilder, ProviderChoice, ReasoningEffort, ResolvedProfile,
    SecretString, Warning,
};

use crate::client::Client;
use crate::error::Error;
use crate::record::UsageRecorder;

/// The caller's HTTP client, shown by `Debug` without its settings (its default
/// headers may hold credentials).
#[derive(Clone)]
struct SharedHttpClient(oac_provider::reqwest::Client);

impl std::fmt::Debug for SharedHttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("reqwest::Client { .. }")
    }
}

/// Builds a [`Client`] from settings given in code: the three that matter (base URL,
/// API key, model id), the model's info (context window, prices…) and everything a
/// config-file profile can say. [`build`](ClientBuilder::build) validates them all
/// together, exactly as a config file is validated.
///
/// ```
/// use oac::{Client, ModelInfo, parse_price};
///
/// let mut info = ModelInfo::compatible_default();
/// info.context_window = 131_072;
/// info.prices.input_price = Some(parse_price("0.88")?);
/// info.prices.output_price = Some(parse_price("0.88")?);
///
/// let client = Client::builder()
///     .base_url("https://api.together.xyz/v1")
///     .api_key("tg-example") // better: .api_key_env("TOGETHER_API_KEY")
///     .model("meta-llama/Llama-3.3-70B-Instruct-Turbo")
///     .model_info(info)
///     .build()?;
/// assert_eq!(
///     client.endpoints().chat.as_str(),
///     "https://api.together.xyz/v1/chat/completions"
/// );
/// assert!(!format!("{client:?}").contains("tg-example")); // the key never shows
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder {
    profile: ProfileBuilder,
    http_client: Option<SharedHttpClient>,
    recorder: Option<Recorder>,
}

/// The recorder to set on the client, shown by `Debug` without its contents.
struct Recorder(Box<dyn UsageRecorder>);

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UsageRecorder { .. }")
    }
}

impl UsageRecorder for Recorder {
    fn record(&self, record: &crate::RequestRecord) {
        self.0.record(record);
    }
}

impl ClientBuilder {
    /// Nothing set: provider `auto`, every setting at its default.
    pub fn new() -> Self {
        ClientBuilder::default()
    }

    /// Starts from a profile as written (e.g. one of a
    /// [`ConfigFile`](crate::config::ConfigFile)).
    pub fn from_profile(profile: Profile) -> Self {
        ClientBuilder {
            profile: ProfileBuilder::from_profile(profile),
            http_client: None,
            recorder: None,
        }
    }

    fn map(mut self, f: impl FnOnce(ProfileBuilder) -> ProfileBuilder) -> Self {
        self.profile = f(self.profile);
        self
    }

    /// Where [`api_key_env`](Self::api_key_env) variables are read (default: the
    /// process environment).
    pub fn env(self, env: impl Environment + 'static) -> Self {
        self.map(|p| p.env(env))
    }

    /// A name shown in diagnostics.
    pub fn name(self, name: impl Into<String>) -> Self {
        self.map(|p| p.name(name))
    }

    /// `auto` (default: native for `api.openai.com` or no base URL), `compatible` or
    /// `openai-native`.
    pub fn provider(self, provider: ProviderChoice) -> Self {
        self.map(|p| p.provider(provider))
    }

    /// The base URL (`https://api.provider.com/v1`) or a full chat endpoint
    /// (`…/chat/completions`); both work (see [`crate::url`]).
    pub fn base_url(self, url: impl Into<String>) -> Self {
        self.map(|p| p.base_url(url))
    }

    /// Which API chat requests go through: `chat`, `responses`, or `auto` (the
    /// default: a full endpoint URL names its API, the catalogue says which a
    /// native model needs, else chat completions).
    pub fn api(self, api: oac_config::ApiChoice) -> Self {
        self.map(|p| p.api(api))
    }

    /// Force reading the URL as a base or as a full endpoint.
    pub fn endpoint_mode(self, mode: EndpointMode) -> Self {
        self.map(|p| p.endpoint_mode(mode))
    }

    /// An explicit models-list URL.
    pub fn models_url(self, url: impl Into<String>) -> Self {
        self.map(|p| p.models_url(url))
    }

    /// The API key itself, kept as a secret from here on (never shown by `Debug`,
    /// errors or logs). Prefer [`api_key_env`](Self::api_key_env) in programs whose
    /// source is shared.
    pub fn api_key(self, key: impl Into<String>) -> Self {
        let key = SecretString::from(key.into());
        self.map(|p| p.api_key(key))
    }

    /// The API key as a secret already.
    pub fn api_key_secret(self, key: SecretString) -> Self {
        self.map(|p| p.api_key(key))
    }

    /// The environment variable holding the key.
    pub fn api_key_env(self, var: impl Into<String>) -> Self {
        self.map(|p| p.api_key_env(var))
    }

    /// A file holding the key.
    pub fn api_key_file(self, path: impl Into<PathBuf>) -> Self {
        self.map(|p| p.api_key_file(path))
    }

    /// How the key is sent (bearer by default; `api-key` header for Azure OpenAI).
    pub fn auth(self, auth: AuthStyle) -> Self {
        self.map(|p| p.auth(auth))
    }

    /// The model id sent to the provider.
    pub fn model(self, model: impl Into<String>) -> Self {
        self.map(|p| p.model(model))
    }

    /// The model's whole description: context window, max output, images, prices…
    pub fn model_info(self, info: ModelInfo) -> Self {
        self.map(|p| p.model_info(info))
    }

    /// Only some fields of the model's description, over the defaults (or, for a
    /// native model, over the catalogue).
    pub fn model_info_overrides(self, overrides: ModelInfoOverrides) -> Self {
        self.map(|p| p.model_info_overrides(overrides))
    }

    /// A header sent with every request (chat and models).
    pub fn header(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.map(|p| p.header(name, value))
    }

    /// A query parameter sent with every request.
    pub fn query_param(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.map(|p| p.query_param(name, value))
    }

    /// Whether replies stream where the caller leaves it open (as `oac chat` does);
    /// [`Client::send`] and [`Client::stream`] are explicit either way.
    pub fn streaming(self, on: bool) -> Self {
        self.map(|p| p.streaming(on))
    }

    /// Whether streamed requests ask for usage (`stream_options.include_usage`).
    pub fn include_usage(self, include: IncludeUsage) -> Self {
        self.map(|p| p.include_usage(include))
    }

    /// `max_tokens` or `max_completion_tokens` on the wire.
    pub fn max_tokens_field(self, field: MaxTokensField) -> Self {
        self.map(|p| p.max_tokens_field(field))
    }

    /// Send the model's max output tokens when a request sets none.
    pub fn include_max_tokens(self, on: bool) -> Self {
        self.map(|p| p.include_max_tokens(on))
    }

    /// Max output tokens for requests that set none.
    pub fn max_tokens(self, tokens: u32) -> Self {
        self.map(|p| p.max_tokens(tokens))
    }

    /// Temperature for requests that set none (0 to 2).
    pub fn temperature(self, temperature: f64) -> Self {
        self.map(|p| p.temperature(temperature))
    }

    /// Reasoning effort for requests that set none.
    pub fn reasoning_effort(self, effort: ReasoningEffort) -> Self {
        self.map(|p| p.reasoning_effort(effort))
    }

    /// DeepSeek-R1 message format.
    pub fn r1_format(self, on: bool) -> Self {
        self.map(|p| p.r1_format(on))
    }

    /// Split `<think>…</think>` in content into reasoning (on by default).
    pub fn parse_think_tags(self, on: bool) -> Self {
        self.map(|p| p.parse_think_tags(on))
    }

    /// Ask the server, on the first request, for the model info fields the
    /// profile leaves unset (on by default; see [`oac_provider::discover`]).
    pub fn discover_model_info(self, on: bool) -> Self {
        self.map(|p| p.discover_model_info(on))
    }

    /// Limit on a whole request (600 s by default).
    pub fn timeout(self, timeout: Duration) -> Self {
        self.map(|p| p.timeout(timeout))
    }

    /// Limit on connecting (10 s by default).
    pub fn connect_timeout(self, timeout: Duration) -> Self {
        self.map(|p| p.connect_timeout(timeout))
    }

    /// Longest gap between data events of a stream (120 s by default; before the
    /// first content, keep-alives count too).
    pub fn stream_idle_timeout(self, timeout: Duration) -> Self {
        self.map(|p| p.stream_idle_timeout(timeout))
    }

    /// Limit from sending a request to its response headers (off by default).
    pub fn headers_timeout(self, timeout: Duration) -> Self {
        self.map(|p| p.headers_timeout(timeout))
    }

    /// Limit from a stream's headers to its first text, reasoning or tool call
    /// (off by default).
    pub fn first_content_timeout(self, timeout: Duration) -> Self {
        self.map(|p| p.first_content_timeout(timeout))
    }

    /// Retries before the first byte of a reply reaches the caller (2 by default).
    pub fn max_retries(self, retries: u32) -> Self {
        self.map(|p| p.max_retries(retries))
    }

    /// An HTTP(S) proxy.
    pub fn proxy(self, url: impl Into<String>) -> Self {
        self.map(|p| p.proxy(url))
    }

    /// An extra PEM root certificate (enterprise gateways).
    pub fn ca_cert(self, path: impl Into<PathBuf>) -> Self {
        self.map(|p| p.ca_cert(path))
    }

    /// Azure OpenAI settings (`api-version`, deployment).
    pub fn azure(self, azure: AzureSettings) -> Self {
        self.map(|p| p.azure(azure))
    }

    /// The profile the settings describe, validated and resolved, without a client.
    pub fn build_profile(self) -> Result<(ResolvedProfile, Vec<Warning>), Error> {
        Ok(self.profile.build_with_warnings()?)
    }

    /// Send every request through `client` (a [`reqwest::Client`](oac_provider::reqwest::Client)
    /// of the version [`oac::provider::reqwest`](oac_provider::reqwest) re-exports),
    /// so several clients share one connection pool. See
    /// [`Client::from_profile_with_http_client`] for what stays per request and
    /// what becomes the HTTP client's; with one, [`proxy`](Self::proxy) and
    /// [`ca_cert`](Self::ca_cert) are refused by [`build`](Self::build) (set them on
    /// the HTTP client).
    pub fn http_client(mut self, client: oac_provider::reqwest::Client) -> Self {
        self.http_client = Some(SharedHttpClient(client));
        self
    }

    /// Tells `recorder` about every request the client completes, once each, with
    /// its [`RequestRecord`](crate::RequestRecord) (time, host, model, usage, exact
    /// cost, outcome; never the key, prompt or answer): to keep your own spending
    /// ledger. See [`UsageRecorder`] for when it is called and an example.
    pub fn usage_recorder(mut self, recorder: impl UsageRecorder + 'static) -> Self {
        self.recorder = Some(Recorder(Box::new(recorder)));
        self
    }

    /// Validates every setting (all problems are reported together) and builds the
    /// client. Warnings (e.g. no key for a remote host) are logged with `tracing`.
    pub fn build(self) -> Result<Client, Error> {
        let profile = self.profile.build()?;
        let client = match self.http_client {
            Some(SharedHttpClient(http)) => Client::from_profile_with_http_client(profile, http)?,
            None => Client::from_profile(profile)?,
        };
        Ok(match self.recorder {
            Some(recorder) => client.with_usage_recorder(recorder),
            None => client,
        })
    }
}
