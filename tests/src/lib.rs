//! Shared helpers for the integration suites in `tests/suites/`: a profile and a
//! provider pointed at a simulator, a retry clock that never waits, and a compact
//! rendering of stream events for snapshots.
// Test support: a failed setup is a failed test, so panicking is the right answer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;

use oac_provider::{ChatStream, Error, OpenAiCompatible, ProviderConfig, Sleeper, StreamEvent};
use oac_testkit::Simulator;
use oac_url::{ResolveOptions, resolve};

pub mod fuzz;
pub mod logs;

/// The model the simulator names by default.
pub const MODEL: &str = "sim-model";

/// A compatible provider configuration for `base_url` (resolved like a user's
/// base URL), every other setting at its default.
pub fn profile_for(base_url: &str, model: &str) -> ProviderConfig {
    let endpoints = resolve(base_url, &ResolveOptions::default()).expect("the base URL resolves");
    ProviderConfig::new(endpoints, model)
}

/// Like [`profile`], with `query` configured as a profile's `query` table is: the
/// url crate merges it into every endpoint when it resolves the base URL.
pub fn profile_with_query(sim: &Simulator, query: &[(&str, &str)]) -> ProviderConfig {
    let mut options = ResolveOptions::default();
    options.query = query
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
    let endpoints = resolve(&sim.base_url(), &options).expect("the base URL resolves");
    ProviderConfig::new(endpoints, MODEL)
}

/// A compatible provider configuration for the simulator's base URL and [`MODEL`].
pub fn profile(sim: &Simulator) -> ProviderConfig {
    profile_for(&sim.base_url(), MODEL)
}

/// A retry clock that returns at once and remembers every wait it was asked for.
#[derive(Debug, Default)]
pub struct RecordingSleeper {
    waits: Mutex<Vec<Duration>>,
}

impl RecordingSleeper {
    /// The waits asked for so far, in order.
    pub fn waits(&self) -> Vec<Duration> {
        self.waits.lock().unwrap().clone()
    }
}

impl Sleeper for RecordingSleeper {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>> {
        self.waits.lock().unwrap().push(duration);
        Box::pin(std::future::ready(()))
    }
}

/// A provider for `profile` whose retries do not wait; the sleeper records the waits.
pub fn provider_with_clock(
    profile: impl Into<ProviderConfig>,
) -> (OpenAiCompatible, Arc<RecordingSleeper>) {
    let sleeper = Arc::new(RecordingSleeper::default());
    let provider = OpenAiCompatible::builder(profile)
        .sleeper(sleeper.clone())
        .build()
        .expect("the provider builds");
    (provider, sleeper)
}

/// A provider for `profile` whose retries do not wait.
pub fn provider(profile: impl Into<ProviderConfig>) -> OpenAiCompatible {
    provider_with_clock(profile).0
}

/// Every event of a stream, and the error that ended it, if any.
pub async fn collect(mut stream: ChatStream) -> (Vec<StreamEvent>, Option<Error>) {
    let mut events = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(event) => events.push(event),
            Err(error) => {
                assert!(
                    stream.next().await.is_none(),
                    "a stream yields nothing after an error"
                );
                return (events, Some(error));
            }
        }
    }
    (events, None)
}

/// One line per event, for snapshots.
pub fn render(events: &[StreamEvent]) -> String {
    let mut out = String::new();
    for event in events {
        let _ = match event {
            StreamEvent::TextDelta(t) => writeln!(out, "text {t:?}"),
            StreamEvent::ReasoningDelta(t) => writeln!(out, "reasoning {t:?}"),
            StreamEvent::ToolCallDelta(d) => writeln!(
                out,
                "tool_delta #{} id={:?} name={:?} args={:?}",
                d.index, d.id, d.name, d.arguments
            ),
            StreamEvent::ToolCall(c) => {
                writeln!(out, "tool_call {} {} {}", c.id, c.name, c.arguments)
            }
            StreamEvent::Finish(r) => writeln!(out, "finish {r}"),
            StreamEvent::Usage(u) => writeln!(
                out,
                "usage in={} cached={} out={} reasoning={} cost={}",
                u.usage.input_total,
                u.usage.cache_read,
                u.usage.output_total,
                u.usage.reasoning,
                u.cost
            ),
            StreamEvent::Extra(m) => {
                writeln!(out, "extra {}", serde_json::Value::Object(m.clone()))
            }
            other => writeln!(out, "{other:?}"),
        };
    }
    out
}

/// What a facade stream delivered: its text deltas one by one, the finish reason
/// and the usage. An error event fails the test.
#[derive(Debug, Default)]
pub struct Streamed {
    /// Each text delta, in order.
    pub pieces: Vec<String>,
    /// The finish reason, once reported.
    pub finish: Option<oac::FinishReason>,
    /// The usage, once reported.
    pub usage: Option<oac::Usage>,
}

/// Reads a facade stream to its end into a [`Streamed`].
pub async fn read_streamed(mut stream: oac::ReplyStream) -> Streamed {
    let mut out = Streamed::default();
    while let Some(event) = stream.next().await {
        match event.unwrap() {
            StreamEvent::TextDelta(text) => out.pieces.push(text),
            StreamEvent::Finish(reason) => out.finish = Some(reason),
            StreamEvent::Usage(report) => out.usage = Some(report.usage),
            _ => {}
        }
    }
    out
}

/// The tool the suites offer a model: `get_weather(city)`.
pub fn weather_tool() -> oac_provider::Tool {
    oac_provider::Tool::function(
        "get_weather",
        "Get the current weather for a city",
        serde_json::json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
    )
}

/// Only the text deltas, joined.
pub fn text_of(events: &[StreamEvent]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::TextDelta(t) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

/// Assert that `secret` appears in neither the Display nor the Debug of `error`,
/// nor in any error of its source chain.
pub fn assert_secret_absent(error: &Error, secret: &str) {
    let shown = error.to_string();
    assert!(!shown.contains(secret), "the key is in Display: {shown}");
    let debug = format!("{error:?}");
    assert!(!debug.contains(secret), "the key is in Debug: {debug}");
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        assert!(
            !s.to_string().contains(secret),
            "the key is in a source: {s}"
        );
        source = s.source();
    }
}

/// A real llmock server for the `peer_*` suites.
pub mod peer;

/// A real LiteLLM proxy (in front of a real llmock) for the `peer_*` suites.
pub mod litellm;
