//! What every provider implementation does the same way: send a shaped body, read
//! a reply or a stream, list models. An implementation is an [`Engine`] plus its
//! [`ShapingRules`]; only the rules differ between the generic and the native
//! provider.

use std::collections::{BTreeSet, VecDeque};
use std::future::Future;
use std::sync::{Arc, Mutex};

use crate::discover::Discovery;
use crate::settings::{IncludeUsage, ProviderConfig};
use bytes::Bytes;
use oac_url::{Endpoints, Url, WireApi};
use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use serde_json::{Map, Value};

use crate::assemble::{StreamMetadata, events_of};
use crate::classify::{self, Exchange, Purpose};
use crate::error::Error;
use crate::fallback::Fallback;
use crate::models::{ListProblem, parse_models};
use crate::options::ServiceTier;
use crate::request::ChatRequest;
use crate::response::{ChatResponse, ModelEntry};
use crate::responses::shape::build_responses_body;
use crate::shaping::{ShapingRules, Streaming, build_body};
use crate::stream::{ChatStream, StreamSettings};
use crate::transport::{Delivered, Transport, TransportSettings, parse_headers};

/// The shared machinery of a provider. `Debug` masks the key (and secret-named
/// query values) in the URLs.
pub(crate) struct Engine {
    pub(crate) transport: Transport,
    pub(crate) endpoints: Endpoints,
    pub(crate) model: String,
    /// Which API chat requests go through, and the URL they go to.
    api: WireApi,
    chat_url: Url,
    /// The model info, rules and stream settings requests use: configured, then
    /// discovered on the first request (see [`crate::discover`]).
    pub(crate) discovery: Discovery,
    /// The request defaults filled into each request ([`RequestDefaults::fill`]).
    request_defaults: crate::RequestDefaults,
    /// Parameters this endpoint and model refused, and how they are sent instead
    /// (see [`crate::fallback`]).
    fallbacks: Mutex<BTreeSet<Fallback>>,
    /// Why the server refused tools, once it did.
    tools_refused: Mutex<Option<String>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secrets = self.transport.redactor.values();
        f.debug_struct("Engine")
            .field("transport", &self.transport)
            .field("endpoints", &self.endpoints.debug_masking(&secrets))
            .field("model", &self.model)
            .field("discovery", &self.discovery)
            .finish_non_exhaustive()
    }
}

/// `impl Provider for $provider`, a provider that is an [`Engine`] (its `engine`
/// field) plus shaping rules: every method but `kind` is the engine's, traced with
/// the spans of [`crate::spans`].
macro_rules! provider_via_engine {
    ($provider:ty, $kind:expr) => {
        #[async_trait::async_trait]
        impl $crate::provider::Provider for $provider {
            fn kind(&self) -> Option<$crate::ProviderChoice> {
                Some($kind)
            }

            fn model(&self) -> &str {
                &self.engine.model
            }

            fn model_info(&self) -> &$crate::model::ModelInfo {
                &self.engine.discovery.current().model.info
            }

            async fn known_model(&self) -> $crate::discover::KnownModel {
                self.engine.known_model().await
            }

            fn endpoints(&self) -> &oac_url::Endpoints {
                &self.engine.endpoints
            }

            fn api(&self) -> oac_url::WireApi {
                self.engine.api()
            }

            async fn chat(
                &self,
                request: $crate::request::ChatRequest,
            ) -> Result<$crate::response::ChatResponse, $crate::error::Error> {
                self.engine.traced_chat(request).await
            }

            async fn chat_stream(
                &self,
                request: $crate::request::ChatRequest,
            ) -> Result<$crate::stream::ChatStream, $crate::error::Error> {
                self.engine.traced_chat_stream(request).await
            }

            async fn list_models(
                &self,
            ) -> Result<Vec<$crate::response::ModelEntry>, $crate::error::Error> {
                self.engine.traced_list_models().await
            }

            async fn reach(&self) -> Result<$crate::provider::Reach, $crate::error::Error> {
                self.engine.reach().await
            }
        }
    };
}
pub(crate) use provider_via_engine;

/// A request ready to send (and to send again on a retry).
struct Prepared {
    method: Method,
    url: Url,
    body: Option<Bytes>,
    headers: HeaderMap,
    stream: bool,
    exchange: Exchange,
}

/// True when a body that should be JSON is an event stream.
fn looks_like_sse(body: &[u8]) -> bool {
    let body = crate::sse::strip_bom(body);
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let rest = &body[start..];
    rest.starts_with(b"data:") || rest.starts_with(b"event:") || rest.starts_with(b":")
}

impl Engine {
    pub(crate) fn new(
        config: ProviderConfig,
        rules: ShapingRules,
        settings: &TransportSettings,
    ) -> Result<Self, Error> {
        let chat_url = config
            .endpoints()
            .url_for(config.api())
            .map_err(|reason| Error::InvalidConfig {
                field: "api".to_owned(),
                message: format!("api = \"responses\" needs a Responses URL: {reason}"),
                source: None,
            })?
            .clone();
        let transport = Transport::new(&config, settings)?;
        let timeouts = config.timeouts();
        let stream_settings = StreamSettings {
            api: config.api(),
            parse_think_tags: config.parse_think_tags(),
            prices: Arc::new(config.model_info().prices.clone()),
            max_event_bytes: settings.limits.max_event_bytes,
            max_reply_bytes: settings.limits.max_reply_bytes,
            max_tool_calls: settings.limits.max_tool_calls,
            idle_timeout: timeouts.stream_idle,
            first_content_timeout: timeouts.first_content,
            total_timeout: timeouts.total,
            connect_timeout: timeouts.connect,
        };
        Ok(Engine {
            transport,
            discovery: Discovery::new(&config, rules, stream_settings),
            request_defaults: config.request_defaults().clone(),
            endpoints: config.endpoints().clone(),
            model: config.model().to_owned(),
            api: config.api(),
            chat_url,
            fallbacks: Mutex::new(BTreeSet::new()),
            tools_refused: Mutex::new(None),
        })
    }

    /// Which API chat requests go through.
    pub(crate) fn api(&self) -> WireApi {
        self.api
    }

    fn request_headers(request: &ChatRequest) -> Result<HeaderMap, Error> {
        parse_headers(&request.extra_headers.0, "extra_headers")
            .map_err(|message| Error::InvalidRequest { message })
    }

    /// Ollama's OpenAI-compatible path ignores the context a request needs and cuts
    /// the prompt silently at the context the model was loaded with: warn before
    /// sending one that will not fit, naming the setting to change on Ollama's side.
    fn warn_if_ollama_cuts(&self, request: &ChatRequest) {
        let known = &self.discovery.current().model;
        if known.server != Some("Ollama") || crate::budget::surely_fits(request, &known.info) {
            return;
        }
        // Ollama's models are not OpenAI's: their tokenizers are none of tiktoken's.
        let budget = crate::budget::heuristic(request, &known.info);
        if !budget.fits() {
            tracing::warn!(
                model = %self.model,
                "the prompt is about {} tokens ({} estimate) and {} are reserved for the reply, more than the {}-token context Ollama gives `{}` ({}); Ollama cuts the prompt silently instead of refusing it: raise the model's context (`PARAMETER num_ctx 32768` in its Modelfile, or `OLLAMA_CONTEXT_LENGTH=32768 ollama serve`) or shorten the conversation",
                budget.prompt.tokens,
                budget.prompt.method,
                budget.reserved_output,
                budget.context_window,
                self.model,
                known.sources.context_window,
            );
        }
    }

    /// What is known of the model: discovered info, and the fallbacks learned.
    pub(crate) async fn known_model(&self) -> crate::discover::KnownModel {
        let mut known = self.discovered().await.model.clone();
        known.fallbacks = self.remembered().iter().map(ToString::to_string).collect();
        if let Some(reason) = self.tools_refused.lock().ok().and_then(|r| r.clone()) {
            known.fallbacks.push(format!(
                "requests with tools are refused before sending (the server refused them: {reason})"
            ));
        }
        known
    }

    /// The fallbacks remembered so far.
    fn remembered(&self) -> Vec<Fallback> {
        self.fallbacks
            .lock()
            .map(|set| set.iter().copied().collect())
            .unwrap_or_default()
    }

    /// Remember `fallback` for every later request; logged once.
    fn remember(&self, fallback: Fallback) {
        let new = self
            .fallbacks
            .lock()
            .map(|mut set| set.insert(fallback))
            .unwrap_or(false);
        if new {
            tracing::warn!(
                model = %self.model,
                "{fallback}, for every later request to this endpoint and model"
            );
        }
    }

    /// The remembered refusal of tools, as the error a request with tools gets.
    fn tools_refusal(&self, request: &ChatRequest) -> Option<Error> {
        if request.tools.is_empty() {
            return None;
        }
        let reason = self.tools_refused.lock().ok()?.clone()?;
        Some(self.tools_error(reason))
    }

    fn tools_error(&self, reason: String) -> Error {
        Error::ToolsRefused {
            model: self.model.clone(),
            host: self
                .transport
                .exchange(&self.chat_url, Purpose::Chat)
                .host(),
            reason,
        }
    }

    /// Whether `fallback` may be used: usage is dropped only under
    /// `include_usage = "auto"` (`always` means always).
    fn allows(&self, fallback: Fallback) -> bool {
        fallback != Fallback::NoStreamOptions
            || self.discovery.current().rules.include_usage == IncludeUsage::Auto
    }

    /// Send `request` with the remembered fallbacks; a clear refusal of a parameter
    /// is retried once per parameter with its fallback, remembered when the retry
    /// goes through. A refusal of tools becomes [`Error::ToolsRefused`], remembered.
    async fn with_fallbacks<T, F, Fut>(
        &self,
        request: &ChatRequest,
        stream: bool,
        run: F,
    ) -> Result<T, Error>
    where
        F: Fn(Prepared) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        if let Some(error) = self.tools_refusal(request) {
            return Err(error);
        }
        let mut pending: Vec<Fallback> = Vec::new();
        loop {
            let mut active = self.remembered();
            active.extend(pending.iter().copied());
            let (prepared, sent) = self.prepare(request, stream, &active)?;
            match run(prepared).await {
                Ok(value) => {
                    for fallback in pending {
                        self.remember(fallback);
                    }
                    return Ok(value);
                }
                Err(error) if crate::fallback::refuses_tools(&error, &sent) => {
                    let reason = error
                        .details()
                        .and_then(|d| d.message.clone())
                        .unwrap_or_else(|| error.to_string());
                    if let Ok(mut refused) = self.tools_refused.lock() {
                        *refused = Some(reason.clone());
                    }
                    return Err(self.tools_error(reason));
                }
                Err(error) => match crate::fallback::for_refusal(&error, &sent, &active) {
                    Some(fallback) if self.allows(fallback) => {
                        tracing::info!(model = %self.model, "the server refused a parameter; retrying: {fallback}");
                        pending.push(fallback);
                    }
                    _ => return Err(error),
                },
            }
        }
    }

    /// The request to send, and its body as shaped (to read a refusal against what
    /// was sent).
    fn prepare(
        &self,
        request: &ChatRequest,
        stream: bool,
        fallbacks: &[Fallback],
    ) -> Result<(Prepared, Map<String, Value>), Error> {
        let rules = &self.discovery.current().rules;
        let streaming = if stream {
            Streaming::On {
                include_usage: match rules.include_usage {
                    IncludeUsage::Never => false,
                    IncludeUsage::Auto => !fallbacks.contains(&Fallback::NoStreamOptions),
                    _ => true,
                },
            }
        } else {
            Streaming::Off
        };
        let mut body = match self.api {
            WireApi::Responses => {
                let model = self
                    .endpoints
                    .responses_model
                    .as_deref()
                    .unwrap_or(&rules.wire_model);
                build_responses_body(rules, request, model, stream)?
            }
            _ => build_body(rules, request, streaming)?,
        };
        for fallback in fallbacks {
            if *fallback != Fallback::NoStreamOptions {
                fallback.apply(&mut body);
            }
        }
        let bytes = serde_json::to_vec(&body).map_err(|e| Error::InvalidRequest {
            message: format!("the request body could not be serialized: {e}"),
        })?;
        let headers = Self::request_headers(request)?;
        let url = self
            .transport
            .url_with(&self.chat_url, &request.extra_query);
        let mut exchange = self.transport.exchange_for(&url, Purpose::Chat, &headers);
        exchange.service_tier = request.service_tier.map(ServiceTier::as_str);
        let prepared = Prepared {
            method: Method::POST,
            url,
            body: Some(Bytes::from(bytes)),
            headers,
            stream,
            exchange,
        };
        Ok((prepared, body))
    }

    /// Send `prepared` and hand the success response to `read`; a failure of
    /// either is retried as the retry policy allows (nothing reached the caller).
    async fn send<T, F, Fut>(&self, prepared: &Prepared, read: F) -> Result<T, Error>
    where
        F: Fn(Delivered) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let read = &read;
        self.transport
            .with_retries(move || async move {
                let delivered = self
                    .transport
                    .attempt(
                        prepared.method.clone(),
                        &prepared.url,
                        prepared.body.clone(),
                        prepared.stream,
                        &prepared.headers,
                        &prepared.exchange,
                    )
                    .await?;
                read(delivered).await
            })
            .await
    }

    /// What every chat does first: the profile's request defaults filled in, the
    /// model's description discovered (once), a warning when Ollama would cut the
    /// context.
    async fn ready(&self, request: ChatRequest) -> ChatRequest {
        let request = self.request_defaults.fill(request);
        self.discovered().await;
        self.warn_if_ollama_cuts(&request);
        request
    }

    /// A complete reply. An error object in a success body (`{"error":{"code":503}}`)
    /// is retried like the status it names: nothing reached the caller yet.
    pub(crate) async fn chat(&self, request: ChatRequest) -> Result<ChatResponse, Error> {
        let request = self.ready(request).await;
        self.with_fallbacks(&request, false, |prepared| async move {
            self.send(&prepared, |delivered| self.read_complete(delivered))
                .await
        })
        .await
    }

    async fn read_complete(&self, delivered: Delivered) -> Result<ChatResponse, Error> {
        let Delivered {
            response,
            deadline,
            exchange,
        } = delivered;
        let (status, headers, body) = self
            .transport
            .read_body(response, deadline, &exchange)
            .await?;
        if looks_like_sse(&body) {
            // The server streamed although no stream was asked for.
            let stream = self.stream_of_bytes(body, status, headers, exchange, deadline);
            return stream.collect_response().await;
        }
        let mut response = self.parse_complete(&body, &headers, &exchange, status)?;
        response.request_id = classify::request_id(&headers);
        response.headers = headers;
        Ok(response)
    }

    fn parse_complete(
        &self,
        body: &[u8],
        headers: &HeaderMap,
        exchange: &Exchange,
        status: u16,
    ) -> Result<ChatResponse, Error> {
        let settings = &self.discovery.current().stream;
        let response = crate::body::parse_complete(
            body,
            &crate::body::Reply {
                headers,
                exchange,
                status,
                parse_think_tags: settings.parse_think_tags,
                prices: &settings.prices,
                max_tool_calls: settings.max_tool_calls,
                api: settings.api,
            },
        )?;
        let has_content = !response.content.is_empty()
            || response.reasoning.as_deref().is_some_and(|r| !r.is_empty())
            || !response.tool_calls.is_empty();
        if classify::is_empty_reply(has_content, response.finish_reason.as_ref()) {
            // Retried like a server error (nothing reached the caller yet).
            return Err(exchange
                .empty_reply(response.finish_reason.as_ref())
                .with_response(status, headers));
        }
        Ok(response)
    }

    fn stream_of_bytes(
        &self,
        body: Bytes,
        status: u16,
        headers: HeaderMap,
        exchange: Exchange,
        deadline: tokio::time::Instant,
    ) -> ChatStream {
        let once = futures_util::stream::once(async move { Ok::<Bytes, reqwest::Error>(body) });
        ChatStream::from_body(
            Box::pin(once),
            status,
            headers,
            exchange,
            deadline,
            &self.discovery.current().stream,
        )
    }

    /// A streamed reply.
    pub(crate) async fn chat_stream(&self, request: ChatRequest) -> Result<ChatStream, Error> {
        let request = self.ready(request).await;
        self.with_fallbacks(&request, true, |prepared| async move {
            self.send(&prepared, |delivered| self.stream_of(delivered))
                .await
        })
        .await
    }

    /// The stream of a success response. A server that ignored `stream: true` and
    /// sent one JSON body has it read here, before anything reaches the caller (so an
    /// error object in it can still be retried), and replayed as events.
    async fn stream_of(&self, delivered: Delivered) -> Result<ChatStream, Error> {
        let Delivered {
            response,
            deadline,
            exchange,
        } = delivered;
        let is_json = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.to_ascii_lowercase().contains("application/json"));
        if is_json {
            let (status, headers, body) = self
                .transport
                .read_body(response, deadline, &exchange)
                .await?;
            if looks_like_sse(&body) {
                return Ok(self.stream_of_bytes(body, status, headers, exchange, deadline));
            }
            let complete = self.parse_complete(&body, &headers, &exchange, status)?;
            let events: VecDeque<_> = events_of(&complete);
            let meta = StreamMetadata {
                id: complete.id,
                model: complete.model,
                created: complete.created,
                extra: complete.extra,
            };
            return Ok(ChatStream::from_events(
                events,
                meta,
                status,
                headers,
                exchange,
                &self.discovery.current().stream,
            ));
        }
        let status = response.status().as_u16();
        let headers = crate::transport::detached_headers(response.headers());
        Ok(ChatStream::from_body(
            Box::pin(response.bytes_stream()),
            status,
            headers,
            exchange,
            deadline,
            &self.discovery.current().stream,
        ))
    }

    /// The provider's models.
    pub(crate) async fn list_models(&self) -> Result<Vec<ModelEntry>, Error> {
        let Some(models) = &self.endpoints.models else {
            return Err(Error::ModelsUrlMissing {
                reason: self
                    .endpoints
                    .models_missing_reason
                    .clone()
                    .unwrap_or_else(|| {
                        "no models URL could be derived from the base URL".to_owned()
                    }),
            });
        };
        let url = self.transport.url_with(models, &[]);
        let exchange = self.transport.exchange(&url, Purpose::Models);
        let prepared = Prepared {
            method: Method::GET,
            url,
            body: None,
            headers: HeaderMap::new(),
            stream: false,
            exchange,
        };
        self.send(&prepared, |delivered| self.read_models(delivered))
            .await
    }

    /// [`Provider::reach`](crate::Provider::reach): one `HEAD` of the chat URL, no
    /// retries; any HTTP status means the server is there.
    pub(crate) async fn reach(&self) -> Result<crate::provider::Reach, Error> {
        let url = self.transport.url_with(&self.chat_url, &[]);
        let exchange = self.transport.exchange(&url, Purpose::Chat);
        let answered = self
            .transport
            .attempt(
                Method::HEAD,
                &url,
                None,
                false,
                &HeaderMap::new(),
                &exchange,
            )
            .await;
        let status = match answered {
            Ok(delivered) => delivered.response.status().as_u16(),
            Err(error) => match error.status() {
                Some(status) => status,
                None => return Err(error),
            },
        };
        Ok(crate::provider::Reach::Answered { status })
    }

    async fn read_models(&self, delivered: Delivered) -> Result<Vec<ModelEntry>, Error> {
        let Delivered {
            response,
            deadline,
            exchange,
        } = delivered;
        let (status, headers, body) = self
            .transport
            .read_body(response, deadline, &exchange)
            .await?;
        parse_models(&body).map_err(|problem| {
            let text = String::from_utf8_lossy(&body);
            match problem {
                ListProblem::NotJson(e) => exchange.decode_error(
                    "models list",
                    format!("it is not JSON ({e})"),
                    &text,
                    Some(Box::new(e)),
                ),
                ListProblem::NoList => {
                    exchange.decode_error("models list", "it has no `data` array", &text, None)
                }
            }
            .with_response(status, &headers)
        })
    }
}
