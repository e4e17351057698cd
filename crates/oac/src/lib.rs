//! Talk to any OpenAI-compatible chat-completions provider — OpenAI, Azure, Together,
//! Perplexity, DeepSeek, Groq, OpenRouter, Ollama, LM Studio, vLLM, llama.cpp — from
//! three settings (base URL, API key, model id), with URLs, usage and cost exactly right.
//!
//! ```
//! use oac::{Client, StreamEvent};
//! # use oac_testkit::{Reply, Simulator};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), oac::Error> {
//! # let sim = Simulator::start().await; // a local OpenAI-compatible server
//! # sim.push(Reply::text("Hello there!").usage_tokens(12, 3));
//! # let base_url = sim.base_url();
//! let client = Client::builder()
//!     .base_url(base_url) // "https://api.together.xyz/v1", "http://localhost:11434/v1", …
//!     .api_key("sk-…")    // or .api_key_env("TOGETHER_API_KEY"); Client::from_env() reads OPENAI_*
//!     .model("sim-model")
//!     .build()?;
//!
//! let mut stream = client.chat().system("Be brief.").user("Say hello").stream().await?;
//! let mut answer = String::new();
//! while let Some(event) = stream.next().await {
//!     match event? {
//!         StreamEvent::TextDelta(text) => answer.push_str(&text),
//!         StreamEvent::Usage(report) => println!("{} · {}", report.usage, report.cost),
//!         _ => {}
//!     }
//! }
//! assert_eq!(answer, "Hello there!");
//!
//! let tracker = client.tracker(); // summed over every call of this client
//! assert_eq!(tracker.usage().input_total, 12);
//! assert_eq!(tracker.cost().to_string(), "unknown (1 request without prices)");
//! # Ok(())
//! # }
//! ```
//!
//! # Where to start
//! - [`Client`]: build it from a profile, the environment or a [`ClientBuilder`];
//!   [`Client::chat`] builds a request fluently ([`ChatBuilder`]) and sends it whole
//!   ([`ChatResponse`]) or streamed ([`ReplyStream`] of [`StreamEvent`]s);
//!   [`Client::models`] lists models; [`Client::tracker`] sums usage and exact cost;
//!   a [`UsageRecorder`] ([`ClientBuilder::usage_recorder`]) is told about each
//!   request with its [`RequestRecord`], to keep a spending ledger.
//! - [`Conversation`]: a multi-turn chat as a value — history, model, usage and
//!   exact cost per reply and in total, the context budget ([`FitPolicy`]), replies
//!   sent whole or streamed ([`TurnStream`]) and kept even when cut short
//!   ([`Cut`]), and a versioned JSON form for saving it.
//! - [`Error`]: every failure, with [`Error::kind`] for programs and a `Display` that
//!   says what to fix.
//!
//! # Reading a stream: which runtime
//! A [`ReplyStream`] is polled by whatever task reads it; the HTTP connection runs
//! as a task of its own on the same runtime. Read it either on a current-thread
//! runtime (`#[tokio::main(flavor = "current_thread")]`), or, on a multi-thread
//! runtime, in a spawned task (`tokio::spawn(async move { … })`). Do not read it in
//! the body of a multi-thread `#[tokio::main]` (that body runs in `block_on` on the
//! main thread, which is not a worker): there every chunk is handed from a worker to
//! the main thread and back, and a stream costs several times the CPU per chunk
//! (`cargo xtask bench` measures 5–15× for this crate, and as much for a plain
//! reqwest client; see ARCHITECTURE.md, "Performance").
//!
//! # Many concurrent streams
//! Run each stream as a task on one [`Client`] (or its clones: they share one
//! connection pool). What decides how that scales:
//! - **Connections.** Over HTTP/1.1 (plain `http://`, or a server without HTTP/2)
//!   every open stream holds a connection of its own, and reqwest sets no limit on
//!   connections per host: 1,000 concurrent streams open 1,000 connections. Over
//!   HTTP/2 (`https://` servers that offer it) streams share a connection, up to the
//!   number of concurrent streams the server allows (often 100–250); requests beyond
//!   it wait for a free stream. To cap concurrency yourself, hold a
//!   `tokio::sync::Semaphore` permit per request.
//! - **The pool.** Finished connections are kept for reuse: this crate's own client
//!   keeps any number of idle connections per host for 90 s (`pool_idle_timeout`;
//!   reqwest's `pool_max_idle_per_host` defaults to no limit). To change either, or
//!   the connect timeout, build a `reqwest::Client` and pass it with
//!   [`ClientBuilder::http_client`]; for N concurrent streams keep
//!   `pool_max_idle_per_host` at N or more, so bursts reuse connections instead of
//!   reconnecting. A stream read to its end reads its body to the end and gives
//!   the runtime a few turns before it ends, so a request sent right after it
//!   finds the connection back in the pool (on a multi-thread runtime this is
//!   likely, not certain: the pool is refilled by a task of its own).
//! - **File descriptors.** One per connection: raise the open-file limit
//!   (`ulimit -n`, or `RLIMIT_NOFILE`) above the number of concurrent streams plus
//!   what the program opens besides.
//! - **Memory.** An open stream keeps about 40 KiB (its decoder, the HTTP
//!   connection's state and buffers; measured by `cargo xtask bench` with 1,000
//!   streams), plus the kernel's socket buffers. A connection's read buffer grows
//!   while a server sends faster than the stream is read (up to about 400 KiB,
//!   hyper's limit), so a reader that falls far behind a fast server holds more.
//! - **CPU.** A chunk costs about as much with 1,000 streams as with one (1.2× at
//!   most, measured on two cores), and no stream is starved: the slowest of 1,000
//!   ends within a few percent of the median.
//!
//! # The crates underneath
//! Each is usable alone and re-exported here whole: [`url`] (which URLs a base URL
//! means), [`pricing`] (usage and exact cost), [`config`] (profiles, files,
//! environment, Kilo Code import), [`provider`] (the [`Provider`] trait, wire types,
//! transport). The types most programs need are re-exported at the top level, so
//! most programs depend on this crate alone.

mod builder;
mod chat;
mod client;
mod conversation;
mod error;
mod record;
mod select;
mod stream;
mod tracking;

pub use builder::ClientBuilder;
pub use chat::ChatBuilder;
pub use client::Client;
pub use conversation::{
    AssistantReply, CONVERSATION_FORMAT, CONVERSATION_FORMAT_VERSION, Conversation,
    ConversationError, ConversationTotal, Cut, Entry, Fit, FitPolicy, FormatError, TurnStream,
};
pub use error::Error;
pub use record::{
    API_CHAT, MAX_FIELD_BYTES, Outcome, RECORD_FORMAT_VERSION, RecordError, RecordedCost,
    RequestRecord, UsageRecorder,
};
pub use stream::ReplyStream;

/// Profiles, model info, secrets, validation, file/environment loading and import
/// (the `oac-config` crate).
pub use oac_config as config;
/// Canonical usage, exact cost and tracking (the `oac-pricing` crate).
pub use oac_pricing as pricing;
/// The [`Provider`] trait, wire types, transport, errors and retries (the
/// `oac-provider` crate).
pub use oac_provider as provider;
/// Base URL → the URLs to call, with the rule that applied (the `oac-url`
/// crate).
pub use oac_url as url;

pub use oac_config::{
    ApiChoice, AuthStyle, AzureSettings, ConfigError, ConfigFile, EndpointMode, IncludeUsage,
    Loader, MaxTokensField, ModelInfo, ModelInfoOverrides, Overrides, Profile, ProviderChoice,
    ReasoningEffort, ResolvedProfile, SecretString, Warning,
};
pub use oac_pricing::{Cost, Decimal, ModelPrices, Tracker, Usage, format_usd, parse_price};
pub use oac_provider::{
    ChatRequest, ChatResponse, ChatStream, ContentPart, Error as ProviderError, ErrorKind,
    FinishReason, Image, InfoSource, KnownModel, Message, ModelEntry, ModelInfoSources, Provider,
    Reach, ReasoningItem, ReasoningSummary, ResponseFormat, ServiceTier, StreamEvent,
    StreamMetadata, Tool, ToolCall, ToolCallDelta, ToolChoice, UsageReport, UserContent, Verbosity,
};
pub use oac_url::{Endpoints, WireApi};
pub use serde_json::{Value, json};
