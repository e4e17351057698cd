//! [`Client`]: one model at one provider, with a usage and cost tracker.

use std::fmt;
use std::sync::Arc;

use oac_config::{Loader, ModelInfo, Overrides, ResolvedProfile, Warning};
use oac_pricing::Tracker;
use oac_provider::{ChatRequest, ChatResponse, KnownModel, ModelEntry, Provider};
use oac_url::Endpoints;

use crate::builder::ClientBuilder;
use crate::chat::ChatBuilder;
use crate::error::Error;
use crate::record::{Recording, Seen, UsageRecorder};
use crate::select::{provider_for, provider_with_http_client};
use crate::stream::ReplyStream;
use crate::tracking::SharedTracker;

/// A client for one model at one OpenAI-compatible provider.
///
/// Cheap to clone: clones share the connection pool and the usage tracker. Every
/// reply — complete or streamed — adds its usage and exact cost to the tracker
/// ([`tracker`](Client::tracker)); requests whose usage was not reported are
/// counted apart, never as zero.
///
/// Build one from a resolved profile ([`from_profile`](Client::from_profile)), a
/// named profile of the config file ([`from_named_profile`](Client::from_named_profile)),
/// the environment ([`from_env`](Client::from_env)), a [`Loader`]
/// ([`from_loader`](Client::from_loader)), in code ([`builder`](Client::builder)), or
/// around any [`Provider`] ([`from_provider`](Client::from_provider)).
///
/// ```
/// use oac::Client;
/// # use oac_testkit::{Reply, Simulator};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), oac::Error> {
/// # let sim = Simulator::start().await;
/// # sim.push(Reply::text("Paris.").usage_tokens(20, 2));
/// # let base_url = sim.base_url();
/// let client = Client::builder()
///     .base_url(base_url) // e.g. "https://api.together.xyz/v1"
///     .model("sim-model")
///     .build()?;
/// let reply = client.chat().user("Capital of France?").send().await?;
/// assert_eq!(reply.text(), "Paris.");
/// assert_eq!(client.tracker().usage().input_total, 20);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    provider: Arc<dyn Provider>,
    tracker: SharedTracker,
    /// The profile the client was built from (`None` around a bare provider).
    profile: Option<Arc<ResolvedProfile>>,
    /// Where each completed request is recorded, when a recorder is set.
    recording: Option<Arc<Recording>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("provider", &self.provider)
            .field("tracker", &self.tracker.snapshot())
            .field("recording", &self.recording)
            .finish()
    }
}

impl Client {
    /// A builder: base URL, key, model, model info and every other profile setting
    /// in code.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client for a resolved profile; the implementation (OpenAI-compatible or
    /// OpenAI-native) follows `profile.provider`.
    pub fn from_profile(profile: ResolvedProfile) -> Result<Client, Error> {
        let kept = Arc::new(profile.clone());
        let mut client = Client::from_arc(provider_for(profile)?);
        client.profile = Some(kept);
        Ok(client)
    }

    /// Like [`from_profile`](Client::from_profile), sending every request through
    /// `http_client`, so several clients (profiles, providers) share one connection
    /// pool. The provider still sets the key, headers, query and timeouts on each
    /// request; redirects, proxies, root certificates, the connect timeout and pool
    /// settings become `http_client`'s, and a profile that sets `proxy` or `ca_cert`
    /// is refused ([`ErrorKind::Config`](crate::ErrorKind::Config), naming the
    /// setting). The whole list is in [`oac_provider::client`]; the README's "Sharing
    /// one HTTP client" shows it in use.
    ///
    /// ```
    /// use oac::provider::{reqwest, same_origin_redirects};
    /// use oac::Client;
    ///
    /// let http = reqwest::Client::builder().redirect(same_origin_redirects()).build()?;
    /// let (profile, _warnings) = Client::builder()
    ///     .base_url("http://localhost:11434/v1")
    ///     .model("qwen2.5-coder:7b")
    ///     .build_profile()?;
    /// let client = Client::from_profile_with_http_client(profile, http.clone())?;
    /// # let _ = client;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_profile_with_http_client(
        profile: ResolvedProfile,
        http_client: oac_provider::reqwest::Client,
    ) -> Result<Client, Error> {
        let kept = Arc::new(profile.clone());
        let mut client = Client::from_arc(provider_with_http_client(profile, http_client)?);
        client.profile = Some(kept);
        Ok(client)
    }

    /// A client for the profile named `name` in the config file (`$OAC_CONFIG`, else
    /// the platform default location), with the environment applied over it as
    /// [`Loader`] describes.
    pub fn from_named_profile(name: &str) -> Result<Client, Error> {
        Client::from_loader(Loader::new().overrides(Overrides::new().profile(name)))
    }

    /// A client from the environment (`OPENAI_BASE_URL`, `OPENAI_API_KEY`,
    /// `OPENAI_MODEL`, `OAC_PROFILE`, `OAC_CONFIG`) and the config file when there is
    /// one, as [`Loader`] describes.
    ///
    /// ```no_run
    /// // OPENAI_BASE_URL=https://api.together.xyz/v1 OPENAI_API_KEY=… OPENAI_MODEL=…
    /// let client = oac::Client::from_env()?;
    /// # Ok::<(), oac::Error>(())
    /// ```
    pub fn from_env() -> Result<Client, Error> {
        Client::from_loader(Loader::new())
    }

    /// A client for the profile `loader` loads. Each configuration warning is logged
    /// once with `tracing` at `warn` level (target `oac_config`, by the
    /// loader itself); use
    /// [`from_loader_with_warnings`](Client::from_loader_with_warnings) to show them
    /// yourself.
    pub fn from_loader(loader: Loader) -> Result<Client, Error> {
        Ok(Client::from_loader_with_warnings(loader)?.0)
    }

    /// Like [`from_loader`](Client::from_loader), also returning the configuration's
    /// warnings (a missing key for a remote host, settings that have no effect…).
    pub fn from_loader_with_warnings(loader: Loader) -> Result<(Client, Vec<Warning>), Error> {
        let loaded = loader.load()?;
        Ok((Client::from_profile(loaded.profile)?, loaded.warnings))
    }

    /// A client around any provider implementation.
    pub fn from_provider(provider: impl Provider + 'static) -> Client {
        Client::from_arc(Arc::new(provider))
    }

    /// A client around a shared provider.
    pub fn from_arc(provider: Arc<dyn Provider>) -> Client {
        let tracker = SharedTracker::new(provider.model_info().context_window);
        Client {
            provider,
            tracker,
            profile: None,
            recording: None,
        }
    }

    /// This client with `recorder` told about every request it (and its clones)
    /// completes, once each: see [`UsageRecorder`] for when, and
    /// [`ClientBuilder::usage_recorder`] for the builder's way. It replaces a
    /// recorder set before.
    #[must_use]
    pub fn with_usage_recorder(mut self, recorder: impl UsageRecorder + 'static) -> Client {
        let recording =
            Recording::new(Arc::new(recorder), &*self.provider, self.profile.as_deref());
        self.recording = Some(Arc::new(recording));
        self
    }

    /// A fluent chat request for this client: add messages and options, then
    /// [`send`](ChatBuilder::send) or [`stream`](ChatBuilder::stream).
    pub fn chat(&self) -> ChatBuilder<'_> {
        ChatBuilder::new(self)
    }

    /// Sends `request` and waits for the complete reply (non-streaming).
    pub async fn send(&self, request: ChatRequest) -> Result<ChatResponse, Error> {
        // Recorded once: here, or as cut if this future is dropped first.
        let pending = self.recording.as_ref().map(|r| r.start(false));
        let result = self.provider.chat(request).await;
        self.follow_discovery();
        match result {
            Ok(response) => {
                match &response.usage {
                    Some(report) => self.tracker.record(&report.usage, &report.cost),
                    None => self.tracker.record_unreported(),
                }
                if let Some(pending) = pending {
                    let seen = Seen {
                        served_model: response.model.as_deref(),
                        request_id: response.request_id.as_deref(),
                    };
                    pending.succeeded(response.usage.as_ref(), seen);
                }
                Ok(response)
            }
            Err(error) => {
                if let Some(pending) = pending {
                    pending.failed(&error, Seen::default());
                }
                Err(error.into())
            }
        }
    }

    /// Sends `request` and returns its events as they stream. Errors before the first
    /// byte (a refused key, an unknown model, an unreachable host) come back here,
    /// after retries; errors inside the stream come as items of the stream.
    pub async fn stream(&self, request: ChatRequest) -> Result<ReplyStream, Error> {
        let pending = self.recording.as_ref().map(|r| r.start(true));
        let inner = self.provider.chat_stream(request).await;
        self.follow_discovery();
        match inner {
            Ok(inner) => Ok(ReplyStream::new(inner, self.tracker.clone(), pending)),
            Err(error) => {
                if let Some(pending) = pending {
                    pending.failed(&error, Seen::default());
                }
                Err(error.into())
            }
        }
    }

    /// The tracker measures context use against the window the model info has now
    /// (the server's, once the first request has discovered it).
    fn follow_discovery(&self) {
        self.tracker
            .set_context_window(self.provider.model_info().context_window);
    }

    /// The provider's models (GET the models URL with the same auth, headers and
    /// query as chat).
    pub async fn models(&self) -> Result<Vec<ModelEntry>, Error> {
        Ok(self.provider.list_models().await?)
    }

    /// Whether the provider's server answers at all: one `HEAD` of the chat URL
    /// through the same HTTP client as a chat (proxy and `NO_PROXY` rules, TLS,
    /// connect timeout), never retried and not recorded as a request. Any HTTP
    /// status, an error status included, is [`Reach::Answered`](crate::Reach);
    /// a name that does not resolve, a refused connection or a timeout is the
    /// error a chat would get.
    ///
    /// ```
    /// # use oac_testkit::Simulator;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), oac::Error> {
    /// # let sim = Simulator::start().await;
    /// let client = oac::Client::builder().base_url(sim.base_url()).model("m").build()?;
    /// assert!(matches!(client.reach().await?, oac::Reach::Answered { .. }));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn reach(&self) -> Result<crate::Reach, Error> {
        Ok(self.provider.reach().await?)
    }

    /// A copy of the usage and cost summed over every reply so far (by this client
    /// and its clones), with the context-window use of the last request.
    ///
    /// ```
    /// # let client = oac::Client::builder()
    /// #     .base_url("http://localhost:11434/v1").model("m").build().unwrap();
    /// let tracker = client.tracker();
    /// println!("{} requests, {}", tracker.requests(), tracker.cost()); // "$0.005615"
    /// ```
    pub fn tracker(&self) -> Tracker {
        self.tracker.snapshot()
    }

    /// Forgets every tracked request (for this client and its clones).
    pub fn reset_tracker(&self) {
        self.tracker.reset();
    }

    /// This client with a tracker of its own (same provider and connections), e.g. one
    /// per conversation.
    #[must_use]
    pub fn with_new_tracker(&self) -> Client {
        Client {
            provider: Arc::clone(&self.provider),
            tracker: self.tracker.fresh(),
            profile: self.profile.clone(),
            recording: self.recording.clone(),
        }
    }

    /// The provider behind this client.
    pub fn provider(&self) -> &dyn Provider {
        &*self.provider
    }

    /// The model id requests are sent for.
    pub fn model(&self) -> &str {
        self.provider.model()
    }

    /// What the model can do and what it costs: the profile's and the catalogue's
    /// values until the first request, with what the server reported from then on
    /// (see [`known_model`](Client::known_model)).
    pub fn model_info(&self) -> &ModelInfo {
        self.provider.model_info()
    }

    /// What is known of the model, with where each field came from (profile,
    /// server, catalogue, default) and what discovery asked the server. Runs
    /// discovery when no request has yet (at most once per client, within a few
    /// seconds; a server that says nothing leaves the configured info).
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), oac::Error> {
    /// let client = oac::Client::builder()
    ///     .base_url("http://127.0.0.1:8080/v1") // llama.cpp started with -c 2048
    ///     .model("qwen2.5-0.5b-instruct")
    ///     .build()?;
    /// let known = client.known_model().await;
    /// println!("context {} ({})", known.info.context_window, known.sources.context_window);
    /// // context 2048 (server: llama.cpp /props)
    /// # Ok(()) }
    /// ```
    pub async fn known_model(&self) -> KnownModel {
        let known = self.provider.known_model().await;
        self.follow_discovery();
        known
    }

    /// The URLs this client calls.
    pub fn endpoints(&self) -> &Endpoints {
        self.provider.endpoints()
    }

    /// The resolved profile this client was built from (every setting after
    /// flags, environment and defaults; `Debug` never shows the key), or `None` for
    /// a client around a bare provider ([`from_provider`](Client::from_provider),
    /// [`from_arc`](Client::from_arc)).
    pub fn profile(&self) -> Option<&ResolvedProfile> {
        self.profile.as_deref()
    }

    /// One line saying why this implementation serves the profile, e.g.
    /// `openai-native: provider is auto and the host is api.openai.com`;
    /// [`Provider::kind`] says which one it is. `None` for a client around a bare
    /// provider.
    ///
    /// ```
    /// use oac::{Client, ProviderChoice};
    ///
    /// let client = Client::builder()
    ///     .base_url("http://localhost:11434/v1")
    ///     .model("qwen2.5-coder:7b")
    ///     .build()?;
    /// assert_eq!(client.provider().kind(), Some(ProviderChoice::Compatible));
    /// assert_eq!(
    ///     client.provider_reason(),
    ///     Some("compatible: provider is auto and the host `localhost` is not api.openai.com")
    /// );
    /// # Ok::<(), oac::Error>(())
    /// ```
    pub fn provider_reason(&self) -> Option<&str> {
        self.profile
            .as_deref()
            .map(ResolvedProfile::provider_reason)
    }
}
