//! [`ClientBuilder`]: every profile setting in code, checked like a config file.

use oac_config::{Profile, ProfileBuilder, ResolvedProfile, SecretString, Warning};

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
/// API key, model id) here, and everything else a config-file profile can say (the
/// model's info, timeouts, headers, …) through [`profile`](ClientBuilder::profile).
/// [`build`](ClientBuilder::build) validates them all together, exactly as a
/// config file is validated.
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
///     .profile(|p| p.model_info(info))
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

    /// Sets any profile setting on the [`ProfileBuilder`] the client is built
    /// from: every setting a config-file profile has (one setter per key, named
    /// like it: `temperature`, `timeout` for `timeout_secs`, …), the model's info,
    /// headers, the environment `api_key_env` reads, a catalogue. This builder
    /// keeps only the everyday four (base URL, key, key variable, model).
    ///
    /// ```
    /// use std::time::Duration;
    /// use oac::{Client, ModelInfo, parse_price};
    ///
    /// let mut info = ModelInfo::compatible_default();
    /// info.prices.input_price = Some(parse_price("0.88")?);
    /// let client = Client::builder()
    ///     .base_url("http://localhost:8000/v1")
    ///     .model("qwen2.5-coder:7b")
    ///     .profile(|p| {
    ///         p.temperature(0.2)
    ///             .timeout(Duration::from_secs(30))
    ///             .header("X-Title", "my app")
    ///             .model_info(info)
    ///     })
    ///     .build()?;
    /// assert_eq!(client.profile().unwrap().temperature(), Some(0.2));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn profile(mut self, edit: impl FnOnce(ProfileBuilder) -> ProfileBuilder) -> Self {
        self.profile = edit(self.profile);
        self
    }

    /// The base URL (`https://api.provider.com/v1`) or a full chat endpoint
    /// (`…/chat/completions`); both work (see [`crate::url`]).
    pub fn base_url(self, url: impl Into<String>) -> Self {
        self.profile(|p| p.base_url(url))
    }

    /// The API key itself, kept as a secret from here on (never shown by `Debug`,
    /// errors or logs). Prefer [`api_key_env`](Self::api_key_env) in programs whose
    /// source is shared.
    pub fn api_key(self, key: impl Into<String>) -> Self {
        let key = SecretString::from(key.into());
        self.profile(|p| p.api_key(key))
    }

    /// The environment variable holding the key.
    pub fn api_key_env(self, var: impl Into<String>) -> Self {
        self.profile(|p| p.api_key_env(var))
    }

    /// The model id sent to the provider.
    pub fn model(self, model: impl Into<String>) -> Self {
        self.profile(|p| p.model(model))
    }

    /// The profile the settings describe, validated and resolved, without a client.
    pub fn build_profile(self) -> Result<(ResolvedProfile, Vec<Warning>), Error> {
        Ok(self.profile.build_with_warnings()?)
    }

    /// Send every request through `client` (a [`reqwest::Client`](oac_provider::reqwest::Client)
    /// of the version [`oac::provider::reqwest`](oac_provider::reqwest) re-exports),
    /// so several clients share one connection pool. See
    /// [`Client::from_profile_with_http_client`] for what stays per request and
    /// what becomes the HTTP client's; with one, the profile's
    /// [`proxy`](ProfileBuilder::proxy) and [`ca_cert`](ProfileBuilder::ca_cert)
    /// are refused by [`build`](Self::build) (set them on the HTTP client).
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
