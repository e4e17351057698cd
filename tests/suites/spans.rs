//! The `tracing` spans of a request and of each attempt, with OpenTelemetry GenAI
//! attribute names, captured by a `tracing-subscriber` layer: a streamed request
//! (its span open until the stream ends, recorded on the final events only) and a
//! retried one (500, 429, then success). No key, prompt or answer in any field.
// Test code: a failed unwrap is a failed assertion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use oac_config::SecretString;
use oac_provider::{ChatRequest, ErrorKind, Provider};
use oac_testkit::{Reply, Simulator, bodies};
use oac_tests::{collect, profile, provider_with_clock, text_of};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

const KEY: &str = "sk-span-secret-0123456789";
const SYSTEM: &str = "SYSTEM-PROMPT-never-logged";
const PROMPT: &str = "USER-PROMPT-never-logged";
const ANSWER: &str = "ANSWER-TEXT-never-logged and more words to make chunks";

/// One captured span.
#[derive(Clone, Debug, Default)]
struct Captured {
    name: &'static str,
    /// Index of the parent span in the capture, if any.
    parent: Option<usize>,
    fields: BTreeMap<String, String>,
    /// How many `record` calls the span got after it was created.
    records: usize,
    closed: bool,
}

impl Captured {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

#[derive(Clone, Debug, Default)]
struct Capture {
    spans: Arc<Mutex<Vec<Captured>>>,
    events: Arc<Mutex<Vec<BTreeMap<String, String>>>>,
}

impl Capture {
    fn spans(&self) -> Vec<Captured> {
        self.spans.lock().unwrap().clone()
    }

    fn named(&self, name: &str) -> Vec<(usize, Captured)> {
        self.spans()
            .into_iter()
            .enumerate()
            .filter(|(_, span)| span.name == name)
            .collect()
    }

    /// Every value recorded anywhere: span fields and event fields.
    fn all_values(&self) -> Vec<String> {
        let mut values: Vec<String> = self
            .spans()
            .into_iter()
            .flat_map(|span| span.fields.into_values())
            .collect();
        for event in self.events.lock().unwrap().iter() {
            values.extend(event.values().cloned());
        }
        values
    }

    fn assert_no_secrets(&self) {
        for value in self.all_values() {
            for secret in [KEY, SYSTEM, PROMPT, "ANSWER-TEXT"] {
                assert!(!value.contains(secret), "`{secret}` in {value}");
            }
        }
    }
}

/// The position of a span in the capture, kept in its extensions (ids are reused).
struct Index(usize);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl<S> Layer<S> for Capture
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let span = ctx.span(id).unwrap();
        let parent = span
            .parent()
            .and_then(|p| p.extensions().get::<Index>().map(|i| i.0));
        let mut captured = Captured {
            name: attrs.metadata().name(),
            parent,
            ..Captured::default()
        };
        attrs.record(&mut Fields(&mut captured.fields));
        let mut spans = self.spans.lock().unwrap();
        span.extensions_mut().insert(Index(spans.len()));
        spans.push(captured);
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let span = ctx.span(id).unwrap();
        let extensions = span.extensions();
        let index = extensions.get::<Index>().unwrap().0;
        let mut spans = self.spans.lock().unwrap();
        spans[index].records += 1;
        values.record(&mut Fields(&mut spans[index].fields));
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        self.events.lock().unwrap().push(fields);
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let span = ctx.span(&id).unwrap();
        let index = span.extensions().get::<Index>().unwrap().0;
        self.spans.lock().unwrap()[index].closed = true;
    }
}

fn capture() -> (Capture, tracing::subscriber::DefaultGuard) {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    (capture, tracing::subscriber::set_default(subscriber))
}

fn request() -> ChatRequest {
    ChatRequest::new().system(SYSTEM).user(PROMPT)
}

fn keyed(sim: &Simulator) -> oac_provider::ProviderConfig {
    let mut p = profile(sim);
    p = p.with_api_key(SecretString::from(KEY));
    p
}

#[tokio::test]
async fn a_streamed_request_has_one_span_open_until_the_stream_ends() {
    let sim = Simulator::builder().api_key(KEY).start().await;
    sim.push(
        Reply::text(ANSWER)
            .usage_tokens(12, 9)
            .model("sim-model-2024-01-01")
            .id("chatcmpl-span")
            .text_chunk_chars(2),
    );
    let (provider, _) = provider_with_clock(keyed(&sim));
    let (capture, _guard) = capture();

    let stream = provider.chat_stream(request()).await.unwrap();
    let chats = capture.named("chat");
    assert_eq!(chats.len(), 1);
    assert!(
        !chats[0].1.closed,
        "the request span is open while the stream is"
    );
    let (events, error) = collect(stream).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(text_of(&events), ANSWER);
    assert!(events.len() > 20, "many chunks: {}", events.len());

    let (chat_index, chat) = capture.named("chat").remove(0);
    assert!(chat.closed, "the request span ends with the stream");
    let port = sim.addr().port().to_string();
    for (name, value) in [
        ("otel.name", "chat sim-model"),
        ("otel.kind", "client"),
        ("gen_ai.operation.name", "chat"),
        ("gen_ai.provider.name", "openai"),
        ("gen_ai.system", "openai"),
        ("gen_ai.request.model", "sim-model"),
        ("gen_ai.response.model", "sim-model-2024-01-01"),
        ("gen_ai.response.id", "chatcmpl-span"),
        ("gen_ai.response.finish_reasons", "stop"),
        ("gen_ai.usage.input_tokens", "12"),
        ("gen_ai.usage.output_tokens", "9"),
        ("server.address", "127.0.0.1"),
        ("server.port", port.as_str()),
        ("oac.stream", "true"),
    ] {
        assert_eq!(chat.field(name), Some(value), "{name} in {chat:?}");
    }
    assert_eq!(chat.field("error.type"), None);
    // Recorded on the finish and usage events only, not per chunk.
    assert!(
        chat.records <= 8,
        "{} records for {} events",
        chat.records,
        events.len()
    );

    let attempts = capture.named("attempt");
    assert_eq!(attempts.len(), 1);
    let attempt = &attempts[0].1;
    assert_eq!(attempt.parent, Some(chat_index));
    assert_eq!(attempt.field("oac.attempt"), Some("1"));
    assert_eq!(attempt.field("http.request.method"), Some("POST"));
    assert_eq!(attempt.field("http.response.status_code"), Some("200"));
    assert!(attempt.field("oac.latency_ms").is_some(), "{attempt:?}");
    assert!(attempt.closed);

    capture.assert_no_secrets();
}

#[tokio::test]
async fn a_retried_request_has_one_span_per_attempt() {
    let sim = Simulator::builder().api_key(KEY).start().await;
    sim.push(Reply::error(
        500,
        bodies::openai_error("boom", "server_error", "server_error"),
    ));
    sim.push(Reply::error(
        429,
        bodies::openai_error("Rate limit reached", "requests", "rate_limit_exceeded"),
    ));
    sim.push(Reply::text(ANSWER).usage_tokens(20, 10));
    let (provider, clock) = provider_with_clock(keyed(&sim));
    let (capture, _guard) = capture();

    let reply = provider.chat(request()).await.unwrap();
    assert_eq!(reply.content, ANSWER);
    assert_eq!(clock.waits().len(), 2);

    let chats = capture.named("chat");
    assert_eq!(chats.len(), 1);
    let (chat_index, chat) = &chats[0];
    assert!(chat.closed);
    for (name, value) in [
        ("gen_ai.operation.name", "chat"),
        ("gen_ai.request.model", "sim-model"),
        ("gen_ai.response.model", "sim-model"),
        ("gen_ai.response.finish_reasons", "stop"),
        ("gen_ai.usage.input_tokens", "20"),
        ("gen_ai.usage.output_tokens", "10"),
        ("oac.stream", "false"),
    ] {
        assert_eq!(chat.field(name), Some(value), "{name} in {chat:?}");
    }
    assert_eq!(chat.field("error.type"), None, "the request succeeded");

    let attempts = capture.named("attempt");
    let seen: Vec<(Option<&str>, Option<&str>, Option<&str>)> = attempts
        .iter()
        .map(|(_, a)| {
            (
                a.field("oac.attempt"),
                a.field("http.response.status_code"),
                a.field("error.type"),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (Some("1"), Some("500"), Some("server_error")),
            (Some("2"), Some("429"), Some("rate_limited")),
            (Some("3"), Some("200"), None),
        ]
    );
    for (_, attempt) in &attempts {
        assert_eq!(attempt.parent, Some(*chat_index));
        assert!(attempt.field("oac.latency_ms").is_some());
        assert!(attempt.closed);
    }

    capture.assert_no_secrets();
}

#[tokio::test]
async fn a_failed_request_and_a_models_list_are_traced_too() {
    let sim = Simulator::builder().api_key(KEY).start().await;
    let mut p = keyed(&sim);
    p = p.with_api_key(SecretString::from("sk-wrong-key-987654321"));
    let (provider, _) = provider_with_clock(p);
    let (capture, _guard) = capture();

    let error = provider.chat(request()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidApiKey);
    let (_, chat) = capture.named("chat").remove(0);
    assert_eq!(chat.field("error.type"), Some("invalid_api_key"));
    assert_eq!(chat.field("otel.status_code"), Some("ERROR"));
    let (_, attempt) = capture.named("attempt").remove(0);
    assert_eq!(attempt.field("http.response.status_code"), Some("401"));
    assert_eq!(attempt.field("error.type"), Some("invalid_api_key"));

    let (provider, _) = provider_with_clock(keyed(&sim));
    provider.list_models().await.unwrap();
    let (models_index, models) = capture.named("models").remove(0);
    assert_eq!(models.field("server.address"), Some("127.0.0.1"));
    let attempts = capture.named("attempt");
    let (_, last) = attempts.last().unwrap();
    assert_eq!(last.parent, Some(models_index));
    assert_eq!(last.field("http.request.method"), Some("GET"));
    assert_eq!(last.field("http.response.status_code"), Some("200"));

    capture.assert_no_secrets();
    for value in capture.all_values() {
        assert!(!value.contains("sk-wrong-key"), "{value}");
    }
}
