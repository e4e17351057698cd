//! The `tracing` spans of the built-in providers: one per request, one per HTTP
//! attempt, with the attribute names of the OpenTelemetry GenAI semantic
//! conventions, so a `tracing-opentelemetry` layer exports them as GenAI client
//! spans without any mapping.
//!
//! # The request span: `chat` (and `models`)
//!
//! Level `INFO`, target `oac_provider`, one per [`Provider::chat`](crate::Provider::chat)
//! or [`Provider::chat_stream`](crate::Provider::chat_stream) call of
//! [`OpenAiCompatible`](crate::OpenAiCompatible) or [`OpenAiNative`](crate::OpenAiNative).
//! For a stream it stays open until the stream ends (its last event, its error, or
//! its drop), since the finish reason and the usage arrive at the end.
//!
//! | field | value |
//! |---|---|
//! | `otel.name` | `chat {gen_ai.request.model}` (the span name the conventions ask for) |
//! | `otel.kind` | `client` |
//! | `gen_ai.operation.name` | `chat` |
//! | `gen_ai.provider.name` | `openai`, `azure.ai.openai` or `azure.ai.inference` (below) |
//! | `gen_ai.system` | the same value, under the attribute's name before semconv 1.37 |
//! | `gen_ai.request.model` | the model id sent in the body (`o3-mini` for `o3-mini-high`) |
//! | `gen_ai.response.model` | the model the reply names, when it names one |
//! | `gen_ai.response.id` | the completion id, when sent |
//! | `gen_ai.response.finish_reasons` | the finish reason of choice 0 (the only choice read), e.g. `stop`: `tracing` fields are scalars, so the conventions' `string[]` is its one element |
//! | `gen_ai.usage.input_tokens` / `gen_ai.usage.output_tokens` | reported usage (absent when not reported, never 0 for "unknown") |
//! | `server.address` / `server.port` | host and port of the chat URL |
//! | `oac.stream` | whether the reply is streamed |
//! | `error.type` | on failure, the [`ErrorKind`](crate::ErrorKind) (`rate_limited`, `timeout`, …) |
//! | `otel.status_code` | `ERROR` on failure |
//!
//! `gen_ai.provider.name` follows the URL's flavor: Azure OpenAI is
//! `azure.ai.openai`, Azure AI Inference is `azure.ai.inference`, everything else
//! is `openai`. The conventions define this attribute as the telemetry flavor of
//! the API that was called, "set based on the instrumentation's best knowledge"
//! and noting that many providers serve the OpenAI REST API: every endpoint these
//! providers call speaks that API, so `openai` is the honest value for Together,
//! Groq or a local server too, and `server.address` says which one it really was.
//! (Guessing `groq` or `deepseek` from the host would be a URL rule of this crate's
//! own, which it keeps out.)
//!
//! [`Provider::list_models`](crate::Provider::list_models) gets a request span named
//! `models` with `server.address`, `server.port` and `error.type` (the GenAI
//! conventions define no operation for listing models).
//!
//! # The attempt span: `attempt`
//!
//! Level `INFO`, a child of the request span, one per HTTP attempt (the first and
//! each retry):
//!
//! | field | value |
//! |---|---|
//! | `oac.attempt` | 1 for the first attempt, 2 for the first retry, … |
//! | `http.request.method` | `POST` (chat) or `GET` (models) |
//! | `http.response.status_code` | the status, when a response arrived (also a failing one) |
//! | `oac.latency_ms` | milliseconds the attempt took: up to the whole reply for a complete one, up to the response headers for a stream |
//! | `error.type` | the [`ErrorKind`](crate::ErrorKind) of a failed attempt |
//!
//! The waits between attempts belong to the request span only. When a streamed
//! request is sent again without `stream_options` (a server that rejected it,
//! `include_usage = auto`), the second send counts its attempts from 1 again.
//!
//! # What is never in a span
//!
//! No key, header value, URL query, prompt, message or answer text is recorded,
//! in a span field or in an event. The stream's span is never entered while it is
//! polled, and fields are recorded only on the events that carry them: tracing
//! costs nothing per chunk.

use std::time::Instant;

use oac_url::Flavor;
use tracing::Span;
use tracing::field::Empty;
use tracing::instrument::Instrument;

use crate::assemble::StreamMetadata;
use crate::engine::Engine;
use crate::error::Error;
use crate::request::ChatRequest;
use crate::response::{ChatResponse, ModelEntry, StreamEvent, UsageReport};
use crate::stream::ChatStream;

/// `gen_ai.provider.name` for an endpoint of this flavor.
fn provider_name(flavor: Flavor) -> &'static str {
    match flavor {
        Flavor::AzureOpenAi => "azure.ai.openai",
        Flavor::AzureAiInference => "azure.ai.inference",
        _ => "openai",
    }
}

/// The span of one chat request.
fn chat_span(engine: &Engine, stream: bool) -> Span {
    let url = &engine.endpoints.chat;
    let model = engine.discovery.current().rules.wire_model.as_str();
    let provider = provider_name(engine.endpoints.flavor);
    tracing::info_span!(
        target: "oac_provider",
        "chat",
        otel.name = %format_args!("chat {model}"),
        otel.kind = "client",
        otel.status_code = Empty,
        gen_ai.operation.name = "chat",
        gen_ai.provider.name = provider,
        gen_ai.system = provider,
        gen_ai.request.model = model,
        gen_ai.response.model = Empty,
        gen_ai.response.id = Empty,
        gen_ai.response.finish_reasons = Empty,
        gen_ai.usage.input_tokens = Empty,
        gen_ai.usage.output_tokens = Empty,
        server.address = url.host_str().unwrap_or_default(),
        server.port = url.port_or_known_default().unwrap_or_default(),
        oac.stream = stream,
        "error.type" = Empty,
    )
}

/// The span of one models-list request.
fn models_span(engine: &Engine) -> Span {
    let url = engine
        .endpoints
        .models
        .as_ref()
        .unwrap_or(&engine.endpoints.chat);
    tracing::info_span!(
        target: "oac_provider",
        "models",
        otel.kind = "client",
        otel.status_code = Empty,
        server.address = url.host_str().unwrap_or_default(),
        server.port = url.port_or_known_default().unwrap_or_default(),
        "error.type" = Empty,
    )
}

/// The span of one HTTP attempt (`attempt` counts from 1).
pub(crate) fn attempt_span(attempt: u32) -> Span {
    tracing::info_span!(
        target: "oac_provider",
        "attempt",
        oac.attempt = attempt,
        http.request.method = Empty,
        http.response.status_code = Empty,
        oac.latency_ms = Empty,
        "error.type" = Empty,
    )
}

/// Run one attempt inside its span, recording how long it took and how it failed.
pub(crate) async fn in_attempt_span<T>(
    attempt: u32,
    operation: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    let span = attempt_span(attempt);
    if span.is_disabled() {
        return operation.await;
    }
    let started = Instant::now();
    let result = operation.instrument(span.clone()).await;
    let latency = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    span.record("oac.latency_ms", latency);
    if let Err(error) = &result {
        span.record("error.type", error.kind().as_str());
    }
    result
}

/// Record the method on the current (attempt) span.
pub(crate) fn record_method(method: &reqwest::Method) {
    Span::current().record("http.request.method", method.as_str());
}

/// Record the response status on the current (attempt) span.
pub(crate) fn record_status(status: u16) {
    Span::current().record("http.response.status_code", status);
}

/// Record a failure on a request span.
pub(crate) fn record_error(span: &Span, error: &Error) {
    if span.is_disabled() {
        return;
    }
    span.record("error.type", error.kind().as_str());
    span.record("otel.status_code", "ERROR");
}

fn record_usage(span: &Span, report: &UsageReport) {
    span.record("gen_ai.usage.input_tokens", report.usage.input_total);
    span.record("gen_ai.usage.output_tokens", report.usage.output_total);
}

fn record_metadata(span: &Span, model: Option<&str>, id: Option<&str>) {
    if let Some(model) = model {
        span.record("gen_ai.response.model", model);
    }
    if let Some(id) = id {
        span.record("gen_ai.response.id", id);
    }
}

/// Record a complete reply on its request span.
fn record_response(span: &Span, response: &ChatResponse) {
    if span.is_disabled() {
        return;
    }
    record_metadata(span, response.model.as_deref(), response.id.as_deref());
    if let Some(reason) = &response.finish_reason {
        span.record("gen_ai.response.finish_reasons", reason.as_str());
    }
    if let Some(report) = &response.usage {
        record_usage(span, report);
    }
}

/// Record a stream event that carries span fields (the finish reason, usage); other
/// events are not passed here.
pub(crate) fn record_event(span: &Span, event: &StreamEvent, meta: &StreamMetadata) {
    if span.is_disabled() {
        return;
    }
    match event {
        StreamEvent::Finish(reason) => {
            span.record("gen_ai.response.finish_reasons", reason.as_str());
        }
        StreamEvent::Usage(report) => record_usage(span, report),
        _ => return,
    }
    record_metadata(span, meta.model.as_deref(), meta.id.as_deref());
}

impl Engine {
    /// [`Engine::chat`] in its request span.
    pub(crate) async fn traced_chat(&self, request: ChatRequest) -> Result<ChatResponse, Error> {
        let span = chat_span(self, false);
        let result = self.chat(request).instrument(span.clone()).await;
        match &result {
            Ok(response) => record_response(&span, response),
            Err(error) => record_error(&span, error),
        }
        result
    }

    /// [`Engine::chat_stream`] in its request span, which the stream keeps open
    /// until it ends.
    pub(crate) async fn traced_chat_stream(
        &self,
        request: ChatRequest,
    ) -> Result<ChatStream, Error> {
        let span = chat_span(self, true);
        match self.chat_stream(request).instrument(span.clone()).await {
            Ok(mut stream) => {
                stream.attach_span(span);
                Ok(stream)
            }
            Err(error) => {
                record_error(&span, &error);
                Err(error)
            }
        }
    }

    /// [`Engine::list_models`] in its request span.
    pub(crate) async fn traced_list_models(&self) -> Result<Vec<ModelEntry>, Error> {
        let span = models_span(self);
        let result = self.list_models().instrument(span.clone()).await;
        if let Err(error) = &result {
            record_error(&span, error);
        }
        result
    }
}
