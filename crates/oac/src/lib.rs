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
pub use oac_url::{Endpoints, ProviderKind, WireApi};
pub use serde_json::{Value, json};
