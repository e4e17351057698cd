//! The [`Provider`] trait.

use std::fmt;

use crate::model::ModelInfo;
use async_trait::async_trait;
use oac_url::{Endpoints, ProviderKind};

use crate::error::Error;
use crate::request::ChatRequest;
use crate::response::{ChatResponse, ModelEntry};
use crate::stream::ChatStream;

/// One model at one OpenAI-compatible endpoint.
///
/// Object safe: hold a `Box<dyn Provider>` or `Arc<dyn Provider>` and pick the
/// implementation at run time ([`kind`](Provider::kind) says which it is).
#[async_trait]
pub trait Provider: Send + Sync + fmt::Debug {
    /// Which implementation this is.
    fn kind(&self) -> ProviderKind;

    /// The model id requests are sent for.
    fn model(&self) -> &str;

    /// What the model can do and what it costs.
    fn model_info(&self) -> &ModelInfo;

    /// The URLs this provider calls.
    fn endpoints(&self) -> &Endpoints;

    /// A complete (non-streaming) reply.
    async fn chat(&self, request: ChatRequest) -> Result<ChatResponse, Error>;

    /// A streamed reply. Errors before the first byte (HTTP errors, connection
    /// errors) are returned here, after retries; errors inside the stream come as
    /// items of the stream and are never retried.
    async fn chat_stream(&self, request: ChatRequest) -> Result<ChatStream, Error>;

    /// The provider's models (GET the models URL with the same auth, headers and
    /// query as chat).
    async fn list_models(&self) -> Result<Vec<ModelEntry>, Error>;
}
