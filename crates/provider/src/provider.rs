//! The [`Provider`] trait.

use std::fmt;

use crate::discover::{InfoSource, KnownModel, ModelInfoSources};
use crate::model::ModelInfo;
use async_trait::async_trait;
use oac_url::Endpoints;

use crate::kind::ProviderChoice;

use crate::error::Error;
use crate::request::ChatRequest;
use crate::response::{ChatResponse, ModelEntry};
use crate::stream::ChatStream;

/// One model at one endpoint.
///
/// Object safe: hold a `Box<dyn Provider>` or `Arc<dyn Provider>` and pick the
/// implementation at run time ([`kind`](Provider::kind) says whether it is one of
/// the two built in).
///
/// # Implementing it outside this crate
///
/// Any backend can be a provider (another API, an in-memory fake, a cache, a
/// router over several providers): implement the trait with
/// [`#[async_trait]`](crate::async_trait) (re-exported, so no extra dependency),
/// return [`ChatStream::from_stream`] from [`chat_stream`](Provider::chat_stream),
/// build replies with [`ChatResponse::default`] plus its public fields, usage with
/// [`UsageReport::priced`](crate::UsageReport::priced) and model entries with
/// [`ModelEntry::new`](crate::ModelEntry::new). [`kind`](Provider::kind) has a
/// default; [`endpoints`](Provider::endpoints) can be any resolved URL that
/// describes the backend. `crates/oac/examples/custom_provider.rs` is a complete,
/// runnable one.
///
/// The built-in providers emit `tracing` spans per request and per attempt (see
/// [`spans`](crate::spans)); another implementation emits whatever it wants.
#[async_trait]
pub trait Provider: Send + Sync + fmt::Debug {
    /// Which built-in implementation this is: `Some(ProviderChoice::Compatible)` for
    /// [`OpenAiCompatible`](crate::OpenAiCompatible),
    /// `Some(ProviderChoice::OpenAiNative)` for [`OpenAiNative`](crate::OpenAiNative)
    /// (never `Auto`: that is a choice a profile makes, resolved before a provider is
    /// built), and `None` (the default) for any other implementation, which should
    /// not have to pretend to be one of the two.
    fn kind(&self) -> Option<ProviderChoice> {
        None
    }

    /// The model id requests are sent for.
    fn model(&self) -> &str;

    /// What the model can do and what it costs.
    fn model_info(&self) -> &ModelInfo;

    /// What is known of the model, with where each field came from. The built-in
    /// providers ask the server on first use (see [`discover`](crate::discover))
    /// and answer from then on without a request; the default answers with
    /// [`model_info`](Provider::model_info), every field the implementation's own.
    async fn known_model(&self) -> KnownModel {
        KnownModel::configured(
            self.model_info().clone(),
            ModelInfoSources::all(InfoSource::Profile),
        )
    }

    /// The URLs this provider calls.
    fn endpoints(&self) -> &Endpoints;

    /// Which API chat requests go through (default: chat completions).
    fn api(&self) -> oac_url::WireApi {
        oac_url::WireApi::Chat
    }

    /// A complete (non-streaming) reply.
    async fn chat(&self, request: ChatRequest) -> Result<ChatResponse, Error>;

    /// A streamed reply. Errors before the first byte (HTTP errors, connection
    /// errors) are returned here, after retries; errors inside the stream come as
    /// items of the stream and are never retried. An implementation outside this
    /// crate wraps its own event stream with [`ChatStream::from_stream`].
    async fn chat_stream(&self, request: ChatRequest) -> Result<ChatStream, Error>;

    /// The provider's models (GET the models URL with the same auth, headers and
    /// query as chat).
    async fn list_models(&self) -> Result<Vec<ModelEntry>, Error>;

    /// Whether the chat URL's server answers at all, through the same client (proxy
    /// and `NO_PROXY` rules, TLS settings, connect timeout) as a chat: one `HEAD`
    /// request, never retried. Any HTTP answer, an error status included, is
    /// [`Reach::Answered`]; a connection or timeout failure is the error a chat
    /// would get. The default, for implementations with no such notion, is
    /// [`Reach::Unchecked`].
    async fn reach(&self) -> Result<Reach, Error> {
        Ok(Reach::Unchecked)
    }
}

/// What [`Provider::reach`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reach {
    /// The server (or the proxy requests go through) answered with this HTTP
    /// status: any status, an error included, means it is there.
    Answered {
        /// The status of the answer.
        status: u16,
    },
    /// The implementation does not check reachability.
    Unchecked,
}
