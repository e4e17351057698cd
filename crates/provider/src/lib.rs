//! The [`Provider`] trait and its two implementations — [`OpenAiCompatible`] (any
//! OpenAI-compatible endpoint) and [`OpenAiNative`] (OpenAI itself: model
//! catalogue, reasoning-model rules) — over one set of wire types, request
//! shaping, transport, SSE decoding, typed errors and retries.
//! A provider is built from a [`ProviderConfig`]: URLs, key, headers, timeouts,
//! model info and request rules, made in code or by the config crate from a
//! profile; [`provider_for`] picks the implementation its rules ask for. This
//! crate reads no files and no environment.
//!
//! ```
//! use futures_util::StreamExt;
//! use oac_provider::{ChatRequest, OpenAiCompatible, Provider, ProviderConfig, StreamEvent};
//! use oac_testkit::{Reply, Simulator};
//! use oac_url::{ResolveOptions, resolve};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A local OpenAI-compatible server for the example.
//! let sim = Simulator::start().await;
//! sim.push(Reply::text("Hello!").usage_tokens(12, 3));
//!
//! let endpoints = resolve(&sim.base_url(), &ResolveOptions::default())?;
//! let provider = OpenAiCompatible::new(ProviderConfig::new(endpoints, "sim-model"))?;
//!
//! let mut stream = provider
//!     .chat_stream(ChatRequest::new().system("Be brief.").user("Say hello"))
//!     .await?;
//! let mut text = String::new();
//! while let Some(event) = stream.next().await {
//!     match event? {
//!         StreamEvent::TextDelta(delta) => text.push_str(&delta),
//!         StreamEvent::Usage(report) => assert_eq!(report.usage.input_total, 12),
//!         _ => {}
//!     }
//! }
//! assert_eq!(text, "Hello!");
//! # Ok(())
//! # }
//! ```
//!
//! Module map: [`request`] (what a caller asks), [`shaping`] (the one place a
//! request becomes a provider's JSON body, per model family), [`sse`] (bytes →
//! events), [`response`] (what comes back), [`error`] (one typed error, the
//! user-facing messages), [`retry`] (when and how long to wait), [`client`] (your
//! own `reqwest::Client`: what it owns, what is still set per request), [`spans`]
//! (the `tracing` spans, with OpenTelemetry GenAI attribute names). The two
//! implementations differ only in their [`shaping::ShapingRules`]; the engine,
//! transport, chunk assembly and usage reading they share are internal.
//!
//! [`Provider`] can be implemented outside this crate too (see its docs):
//! [`ChatStream::from_stream`] turns any event stream into the stream it returns.

mod assemble;
mod body;
pub mod budget;
mod builder;
pub mod choice;
mod classify;
pub mod client;
mod compatible;
mod custom;
mod decode;
pub mod discover;
mod engine;
pub mod error;
pub mod fallback;
pub mod files;
mod headers;
mod kind;
mod model;
mod models;
mod native;
mod options;
mod provider;
mod redact;
pub mod request;
pub mod response;
mod responses;
pub mod retry;
mod select;
mod settings;
pub mod shaping;
pub mod spans;
pub mod sse;
mod stream;
mod think;
mod time;
mod transport;
mod usage;
mod wire;

pub use assemble::StreamMetadata;
/// The `#[async_trait]` attribute [`Provider`] is declared with, for implementing
/// it without depending on `async-trait` yourself.
pub use async_trait::async_trait;
pub use body::decode_response;
pub use builder::ProviderBuilder;
pub use choice::ParseChoiceError;
pub use client::same_origin_redirects;
pub use compatible::{OpenAiCompatible, OpenAiCompatibleBuilder};
pub use decode::EventDecoder;
pub use discover::{InfoSource, KnownModel, ModelInfoSources, ServerSource};
pub use error::{Error, ErrorDetails, ErrorKind, TimeoutKind};
pub use fallback::Fallback;
pub use headers::Headers;
pub use kind::{ProviderChoice, is_openai_host};
pub use model::{EffortSupport, ModelInfo, ModelInfoOverrides, ReasoningEffort};
pub use native::{OpenAiNative, OpenAiNativeBuilder};
pub use oac_url::WireApi;
pub use options::{ReasoningSummary, ServiceTier, Verbosity};
pub use provider::{Provider, Reach};
pub use request::{
    ChatRequest, ContentPart, Image, ImageSource, Message, ResponseFormat, Tool, ToolCall,
    ToolChoice, UserContent,
};
/// The HTTP client crate this one sends with, for building a client to pass to
/// [`ProviderBuilder::http_client`] with the same version.
pub use reqwest;
pub use response::{
    ChatResponse, FinishReason, ModelEntry, ReasoningItem, StreamEvent, ToolCallDelta, UsageReport,
};
pub use retry::{RetryPolicy, Sleeper, TokioSleeper};
pub use secrecy::{ExposeSecret, SecretString};
pub use select::{AnyProviderBuilder, provider_builder, provider_for};
pub use settings::{
    AuthStyle, CompatibleRules, DEFAULT_DISCOVER_MODEL_INFO, DEFAULT_PARSE_THINK_TAGS,
    IncludeUsage, MaxTokensField, ModelRules, NativeModel, ProviderConfig, RequestDefaults,
    Timeouts,
};
pub use shaping::{EffortSource, SystemRole};
pub use stream::ChatStream;
pub use transport::{
    DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_REPLY_BYTES, DEFAULT_MAX_TOOL_CALLS, Limits,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_is_object_safe_send_and_sync() {
        fn check<T: Send + Sync + ?Sized>() {}
        check::<dyn Provider>();
        let _: Option<Box<dyn Provider>> = None;
        let _: Option<std::sync::Arc<dyn Provider>> = None;
    }

    #[test]
    fn chat_stream_is_send_and_static() {
        fn check<T: Send + 'static + futures_core::Stream<Item = Result<StreamEvent, Error>>>() {}
        check::<ChatStream>();
    }
}
