//! The running server: [`Simulator`] and its [`SimulatorBuilder`].

use std::collections::VecDeque;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

use crate::conn::{ConnHandle, Registry, SimListener};
use crate::error::SimulatorError;
use crate::recording::RecordedRequest;
use crate::reply::Reply;
use crate::server;

/// Builds the reply for a chat or Responses request when the queue is empty.
pub(crate) type ReplyFn = dyn Fn(&RecordedRequest) -> Reply + Send + Sync;

/// What the simulator answers when no reply is queued.
#[derive(Clone)]
pub(crate) enum DefaultReply {
    /// Echo of the last user message, with usage (see [`crate::echo_reply`]).
    Echo,
    /// This reply, for every request.
    Fixed(Box<Reply>),
    /// Built from the request.
    With(Arc<ReplyFn>),
}

impl fmt::Debug for DefaultReply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Echo => f.write_str("Echo"),
            Self::Fixed(reply) => f.debug_tuple("Fixed").field(reply).finish(),
            Self::With(_) => f.write_str("With(<fn>)"),
        }
    }
}

/// Settings fixed at start.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) api_key: Option<String>,
    pub(crate) models: Vec<String>,
    pub(crate) models_body: Option<Value>,
    /// Fixed answers for other endpoints: (method, path, status, body).
    pub(crate) routes: Vec<(String, String, u16, Value)>,
    pub(crate) strict_models: bool,
    pub(crate) reject_stream_options: bool,
    /// Chat and Responses requests whose body has this top-level field are refused: (field,
    /// status, body).
    pub(crate) refused_fields: Vec<(String, u16, String)>,
    /// Status and body of the refusal of `stream_options` (OpenAI-shaped 400 when `None`).
    pub(crate) stream_options_refusal: Option<(u16, String)>,
    pub(crate) default_reply: DefaultReply,
    pub(crate) first_byte_delay: Duration,
    pub(crate) port: u16,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            api_key: None,
            models: vec![crate::DEFAULT_MODEL.to_owned()],
            models_body: None,
            routes: Vec::new(),
            strict_models: false,
            reject_stream_options: false,
            refused_fields: Vec::new(),
            stream_options_refusal: None,
            default_reply: DefaultReply::Echo,
            first_byte_delay: Duration::ZERO,
            port: 0,
        }
    }
}

/// State shared by the server task and the [`Simulator`] handle.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: Config,
    replies: Mutex<VecDeque<Reply>>,
    model_replies: Mutex<VecDeque<Reply>>,
    requests: Mutex<Vec<RecordedRequest>>,
    request_count: watch::Sender<usize>,
    disconnects: watch::Sender<usize>,
    active_streams: AtomicUsize,
    chat_requests: AtomicU64,
    responses_requests: AtomicU64,
    pub(crate) registry: Arc<Registry>,
}

impl Shared {
    fn new(config: Config) -> Self {
        Self {
            config,
            replies: Mutex::default(),
            model_replies: Mutex::default(),
            requests: Mutex::default(),
            request_count: watch::Sender::new(0),
            disconnects: watch::Sender::new(0),
            active_streams: AtomicUsize::new(0),
            chat_requests: AtomicU64::new(0),
            responses_requests: AtomicU64::new(0),
            registry: Arc::default(),
        }
    }

    pub(crate) fn record(&self, request: RecordedRequest) {
        let count = {
            let mut requests = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
            requests.push(request);
            requests.len()
        };
        self.request_count.send_replace(count);
    }

    /// The next queued chat or Responses reply, if any.
    pub(crate) fn next_reply(&self) -> Option<Reply> {
        self.replies
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop_front()
    }

    /// The next queued models reply, if any.
    pub(crate) fn next_models_reply(&self) -> Option<Reply> {
        self.model_replies
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop_front()
    }

    /// Numbers chat requests from 1 (for `chatcmpl-sim-N`).
    pub(crate) fn next_chat_number(&self) -> u64 {
        self.chat_requests.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Numbers Responses requests from 1 (for `resp_sim_N`).
    pub(crate) fn next_responses_number(&self) -> u64 {
        self.responses_requests.fetch_add(1, Ordering::SeqCst) + 1
    }

    pub(crate) fn stream_started(&self) {
        self.active_streams.fetch_add(1, Ordering::SeqCst);
    }

    pub(crate) fn stream_ended(&self, client_left: bool) {
        self.active_streams.fetch_sub(1, Ordering::SeqCst);
        if client_left {
            self.disconnects.send_modify(|count| *count += 1);
        }
    }
}

/// An OpenAI-compatible chat-completions and Responses server on `127.0.0.1`, running
/// on the current tokio runtime until it is dropped or [shut down](Simulator::shutdown).
///
/// See the [crate docs](crate) for routing, the default reply and an example.
#[must_use = "dropping the Simulator stops its server"]
pub struct Simulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for Simulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Simulator")
            .field("addr", &self.addr)
            .field("requests", &self.request_count())
            .finish_non_exhaustive()
    }
}

impl Simulator {
    /// Starts a simulator with default settings on a free loopback port.
    ///
    /// # Panics
    /// When no loopback port can be bound (see [`SimulatorBuilder::try_start`] for the
    /// fallible form), or when called outside a tokio runtime.
    pub async fn start() -> Self {
        Self::builder().start().await
    }

    /// A builder for a simulator with non-default settings.
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder::default()
    }

    /// The base URL to configure a client with: `http://127.0.0.1:PORT/v1`.
    #[must_use]
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// The URL of `path` on this server (`sim.url("/v1/models")`).
    #[must_use]
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// The socket address the server listens on.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Queues a reply for the next chat or Responses request (one queue for both, first
    /// in, first out): the same [`Reply`] is rendered in the shape of the API the
    /// request goes to.
    pub fn push(&self, reply: Reply) {
        self.shared
            .replies
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push_back(reply);
    }

    /// Queues `n` copies of a reply (repeated faults for retry tests).
    pub fn push_n(&self, reply: Reply, n: usize) {
        let mut replies = self
            .shared
            .replies
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        replies.extend(std::iter::repeat_n(reply, n));
    }

    /// Queues a reply for the next models request (`GET …/models`); when this queue is
    /// empty the configured models list is served. Stream settings do not apply.
    pub fn push_models(&self, reply: Reply) {
        self.shared
            .model_replies
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push_back(reply);
    }

    /// How many chat or Responses replies are still queued.
    #[must_use]
    pub fn pending_replies(&self) -> usize {
        self.shared
            .replies
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Empties both reply queues.
    pub fn clear_replies(&self) {
        self.shared
            .replies
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        self.shared
            .model_replies
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// Every request received so far, in arrival order.
    #[must_use]
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The requests whose path ends with `path_suffix` (`"/chat/completions"`).
    #[must_use]
    pub fn requests_to(&self, path_suffix: &str) -> Vec<RecordedRequest> {
        self.shared
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|request| request.path.ends_with(path_suffix))
            .cloned()
            .collect()
    }

    /// The chat requests (`POST …/chat/completions`), in arrival order: what a
    /// test of request shaping or retries looks at, leaving out the metadata
    /// requests a client makes on its own (the models list and the server's
    /// model-info endpoints that model-info discovery asks once per client).
    /// Responses API requests are not chat requests: see
    /// [`responses_requests`](Self::responses_requests).
    #[must_use]
    pub fn chat_requests(&self) -> Vec<RecordedRequest> {
        self.requests_where(RecordedRequest::is_chat)
    }

    /// How many chat requests were received (see [`chat_requests`](Self::chat_requests)).
    #[must_use]
    pub fn chat_request_count(&self) -> usize {
        self.chat_requests().len()
    }

    /// The Responses API requests (`POST …/responses`), in arrival order, refused
    /// ones included (like [`chat_requests`](Self::chat_requests) for chat).
    #[must_use]
    pub fn responses_requests(&self) -> Vec<RecordedRequest> {
        self.requests_where(RecordedRequest::is_responses)
    }

    /// How many Responses API requests were received (see
    /// [`responses_requests`](Self::responses_requests)).
    #[must_use]
    pub fn responses_request_count(&self) -> usize {
        self.responses_requests().len()
    }

    fn requests_where(&self, keep: fn(&RecordedRequest) -> bool) -> Vec<RecordedRequest> {
        self.shared
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|request| keep(request))
            .cloned()
            .collect()
    }

    /// The most recent request.
    #[must_use]
    pub fn last_request(&self) -> Option<RecordedRequest> {
        self.shared
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .last()
            .cloned()
    }

    /// How many requests were received (all paths).
    #[must_use]
    pub fn request_count(&self) -> usize {
        *self.shared.request_count.borrow()
    }

    /// Forgets the recorded requests (counters of disconnects and connections stay).
    pub fn clear_requests(&self) {
        self.shared
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        self.shared.request_count.send_replace(0);
    }

    /// Waits until at least `n` requests were recorded; `false` on timeout.
    pub async fn wait_for_requests(&self, n: usize, timeout: Duration) -> bool {
        let mut receiver = self.shared.request_count.subscribe();
        tokio::time::timeout(timeout, receiver.wait_for(|count| *count >= n))
            .await
            .is_ok_and(|result| result.is_ok())
    }

    /// How many responses lost their client before the server finished writing them
    /// (a stream dropped mid-way, or a request abandoned while its reply was delayed).
    #[must_use]
    pub fn disconnects(&self) -> usize {
        *self.shared.disconnects.borrow()
    }

    /// Waits until at least `n` disconnects were seen; `false` on timeout.
    pub async fn wait_for_disconnects(&self, n: usize, timeout: Duration) -> bool {
        let mut receiver = self.shared.disconnects.subscribe();
        tokio::time::timeout(timeout, receiver.wait_for(|count| *count >= n))
            .await
            .is_ok_and(|result| result.is_ok())
    }

    /// How many responses are being written right now.
    #[must_use]
    pub fn active_streams(&self) -> usize {
        self.shared.active_streams.load(Ordering::SeqCst)
    }

    /// How many TCP connections were accepted (tells connection reuse apart from
    /// reconnects).
    #[must_use]
    pub fn connection_count(&self) -> usize {
        self.shared.registry.accepted()
    }

    /// Stops the server: closes every connection (in-flight responses are cut), frees
    /// the port, and returns once every server task has ended.
    pub async fn shutdown(mut self) {
        self.stop_now();
        if let Some(task) = self.task.take() {
            // The task only ends by itself; a JoinError means it panicked, which the
            // panic hook already reported.
            let _ = task.await;
        }
    }

    fn stop_now(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.shared.registry.kill_all();
    }
}

impl Drop for Simulator {
    /// Stops the server as [`Simulator::shutdown`] does, without waiting: the server
    /// tasks end on their own moments later.
    fn drop(&mut self) {
        self.stop_now();
    }
}

/// Settings for a [`Simulator`]; finish with [`start`](SimulatorBuilder::start).
#[derive(Debug, Default)]
#[must_use = "a SimulatorBuilder does nothing until started"]
pub struct SimulatorBuilder {
    config: Config,
}

impl SimulatorBuilder {
    /// Requires this API key, as `Authorization: Bearer KEY` or `api-key: KEY`, on every
    /// request; others get a 401 OpenAI-shaped error (which never repeats the key).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.config.api_key = Some(key.into());
        self
    }

    /// The model ids `GET …/models` lists (default `["sim-model"]`).
    pub fn models<I, S>(mut self, models: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.config.models = models.into_iter().map(Into::into).collect();
        self
    }

    /// Serves this exact JSON for `GET …/models` (entries with `context_length`,
    /// `pricing`…); the ids of its `data[].id` also count for
    /// [`strict_models`](Self::strict_models).
    pub fn models_json(mut self, body: Value) -> Self {
        self.config.models_body = Some(body);
        self
    }

    /// Answers `METHOD path` (the exact path, e.g. `GET /props` or
    /// `POST /api/show`) with `status` and this JSON, whatever the request says: a
    /// server's metadata endpoint, recorded from the real server. Paths the
    /// simulator does not answer get a 404.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use oac_testkit::Simulator;
    /// use serde_json::json;
    ///
    /// let sim = Simulator::builder()
    ///     .route("GET", "/props", 200, json!({"default_generation_settings": {"n_ctx": 2048}}))
    ///     .start()
    ///     .await;
    /// assert!(sim.url("/props").ends_with("/props"));
    /// # }
    /// ```
    pub fn route(mut self, method: &str, path: &str, status: u16, body: Value) -> Self {
        self.config
            .routes
            .push((method.to_ascii_uppercase(), path.to_owned(), status, body));
        self
    }

    /// Answers a chat or Responses request whose `model` is not listed with 404
    /// `{"error":{"code":"model_not_found",…}}`.
    pub fn strict_models(mut self, yes: bool) -> Self {
        self.config.strict_models = yes;
        self
    }

    /// Refuses every chat or Responses request whose body has the top-level `field` with
    /// `status` and `body` (a real server's refusal of a parameter it does not
    /// know, e.g. vLLM's 400 for `parallel_tool_calls`). Several may be set; the
    /// first that matches answers.
    pub fn refuse_field(mut self, field: &str, status: u16, body: impl Into<String>) -> Self {
        self.config
            .refused_fields
            .push((field.to_owned(), status, body.into()));
        self
    }

    /// Answers a chat or Responses request whose body has `stream_options` with 400
    /// "Unrecognized request argument supplied: stream_options" (as some servers do).
    pub fn reject_stream_options(mut self, yes: bool) -> Self {
        self.config.reject_stream_options = yes;
        self
    }

    /// Answers a chat or Responses request whose body has `stream_options` with this status and
    /// body, as a given server does (a FastAPI 422 `{"detail":[{"loc":["body",
    /// "stream_options"],…}]}`, a llama.cpp-style 400 text…); see [`crate::bodies`].
    pub fn reject_stream_options_with(mut self, status: u16, body: impl Into<String>) -> Self {
        self.config.reject_stream_options = true;
        self.config.stream_options_refusal = Some((status, body.into()));
        self
    }

    /// The reply used when the queue is empty, for every such chat or Responses
    /// request (default: an echo of the last user message with usage; see
    /// [`crate::echo_reply`]).
    pub fn default_reply(mut self, reply: Reply) -> Self {
        self.config.default_reply = DefaultReply::Fixed(Box::new(reply));
        self
    }

    /// Builds the reply for each chat or Responses request that finds the queue empty
    /// ([`RecordedRequest::is_responses`] tells which API it went to).
    pub fn default_reply_with<F>(mut self, build: F) -> Self
    where
        F: Fn(&RecordedRequest) -> Reply + Send + Sync + 'static,
    {
        self.config.default_reply = DefaultReply::With(Arc::new(build));
        self
    }

    /// Pause before the response headers of every chat, Responses and models request (a
    /// [`Reply::first_byte_delay`] overrides it).
    pub fn first_byte_delay(mut self, delay: Duration) -> Self {
        self.config.first_byte_delay = delay;
        self
    }

    /// Listens on this loopback port instead of a free one.
    pub fn port(mut self, port: u16) -> Self {
        self.config.port = port;
        self
    }

    /// Starts the simulator.
    ///
    /// # Panics
    /// When the port cannot be bound (use [`try_start`](Self::try_start) to handle
    /// that), or when called outside a tokio runtime.
    pub async fn start(self) -> Simulator {
        match self.try_start().await {
            Ok(simulator) => simulator,
            Err(error) => panic!("{error}"),
        }
    }

    /// Starts the simulator, or says why the port could not be bound.
    ///
    /// # Errors
    /// [`SimulatorError::BindLoopback`] when the loopback port cannot be bound.
    ///
    /// # Panics
    /// When called outside a tokio runtime.
    pub async fn try_start(self) -> Result<Simulator, SimulatorError> {
        let port = self.config.port;
        let bind_error = |source| SimulatorError::BindLoopback { port, source };
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))
            .await
            .map_err(bind_error)?;
        let addr = listener.local_addr().map_err(bind_error)?;
        let shared = Arc::new(Shared::new(self.config));
        let listener = SimListener {
            listener,
            registry: Arc::clone(&shared.registry),
        };
        let app =
            server::router(Arc::clone(&shared)).into_make_service_with_connect_info::<ConnHandle>();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                // A dropped sender means the Simulator is gone: stop as well.
                let _ = stopped.await;
            });
            if let Err(error) = serve.await {
                tracing::debug!(%error, "simulator server ended with an error");
            }
        });
        tracing::debug!(%addr, "simulator listening");
        Ok(Simulator {
            shared,
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_can_be_shared_across_tasks() {
        fn shareable<T: Send + Sync + 'static>() {}
        shareable::<Simulator>();
        shareable::<Reply>();
        shareable::<RecordedRequest>();
    }
}
