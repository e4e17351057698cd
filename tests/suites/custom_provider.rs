//! A `Provider` written outside `oac-provider` — an in-memory echo backend, no HTTP —
//! driven by the facade: chat, streaming, models and the usage tracker (cost summed
//! exactly, usage counted once per stream).
// Test code: a failed unwrap is a failed assertion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::stream;
use oac::provider::{ChatStream, UsageReport, async_trait};
use oac::{
    ChatRequest, ChatResponse, Client, Decimal, Endpoints, ErrorKind, FinishReason, Message,
    ModelEntry, ModelInfo, Provider, ProviderError, StreamEvent, StreamMetadata, Usage,
    UserContent, parse_price,
};
use oac_url::{ResolveOptions, resolve};

/// Answers with the last user message; a token is a word.
#[derive(Debug)]
struct Echo {
    info: ModelInfo,
    endpoints: Endpoints,
    calls: AtomicUsize,
}

impl Echo {
    fn new() -> Echo {
        let mut info = ModelInfo::compatible_default();
        info.context_window = 4096;
        info.prices.input_price = Some(parse_price("0.3").unwrap()); // USD per 1M tokens
        info.prices.output_price = Some(parse_price("1.2").unwrap());
        Echo {
            info,
            // Not called: it only says where this backend "is".
            endpoints: resolve("http://127.0.0.1/echo/v1", &ResolveOptions::default()).unwrap(),
            calls: AtomicUsize::new(0),
        }
    }

    fn answer(request: &ChatRequest) -> Result<String, ProviderError> {
        request
            .messages
            .iter()
            .rev()
            .find_map(|message| match message {
                Message::User {
                    content: UserContent::Text(text),
                } => Some(text.clone()),
                _ => None,
            })
            .ok_or_else(|| ProviderError::invalid_request("the echo backend needs a user message"))
    }

    fn usage(&self, request: &ChatRequest, answer: &str) -> UsageReport {
        let input: usize = request
            .messages
            .iter()
            .map(|message| match message {
                Message::System { content } => content.split_whitespace().count(),
                Message::User {
                    content: UserContent::Text(text),
                } => text.split_whitespace().count(),
                _ => 0,
            })
            .sum();
        let output = answer.split_whitespace().count();
        UsageReport::priced(Usage::new(input as u64, output as u64), &self.info.prices)
    }

    fn metadata(&self) -> StreamMetadata {
        let n = self.calls.fetch_add(1, Ordering::Relaxed);
        let mut meta = StreamMetadata::default();
        meta.id = Some(format!("echo-{n}"));
        meta.model = Some("echo-1".into());
        meta
    }
}

#[async_trait]
impl Provider for Echo {
    // `kind` keeps its default: this is neither built-in implementation.

    fn model(&self) -> &str {
        "echo-1"
    }

    fn model_info(&self) -> &ModelInfo {
        &self.info
    }

    fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    async fn chat(&self, request: ChatRequest) -> Result<ChatResponse, ProviderError> {
        let answer = Echo::answer(&request)?;
        let meta = self.metadata();
        let mut response = ChatResponse::default();
        response.id = meta.id;
        response.model = meta.model;
        response.usage = Some(self.usage(&request, &answer));
        response.content = answer;
        response.finish_reason = Some(FinishReason::Stop);
        Ok(response)
    }

    async fn chat_stream(&self, request: ChatRequest) -> Result<ChatStream, ProviderError> {
        let answer = Echo::answer(&request)?;
        let usage = self.usage(&request, &answer);
        let mut events: Vec<Result<StreamEvent, ProviderError>> = answer
            .split_inclusive(' ')
            .map(|word| Ok(StreamEvent::TextDelta(word.to_owned())))
            .collect();
        events.push(Ok(StreamEvent::Finish(FinishReason::Stop)));
        // A knob for the test: a backend that (wrongly) reports usage twice.
        let repeats = if request.extra_body.contains_key("echo_usage_twice") {
            2
        } else {
            1
        };
        for _ in 0..repeats {
            events.push(Ok(StreamEvent::Usage(Box::new(usage.clone()))));
        }
        if request.extra_body.contains_key("echo_fail") {
            events.insert(1, Err(ProviderError::invalid_request("the echo broke")));
        }
        Ok(ChatStream::from_stream(stream::iter(events)).with_metadata(self.metadata()))
    }

    async fn list_models(&self) -> Result<Vec<ModelEntry>, ProviderError> {
        let mut entry = ModelEntry::new("echo-1");
        entry.owned_by = Some("tests".into());
        entry.context_window = Some(self.info.context_window);
        Ok(vec![entry])
    }
}

fn usd(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

#[tokio::test]
async fn the_facade_drives_a_provider_written_elsewhere() {
    let client = Client::from_provider(Echo::new());
    assert_eq!(client.provider().kind(), None);
    assert_eq!(client.model(), "echo-1");
    assert!(client.profile().is_none());

    // Chat: 4 words in (system 2 + user 2), 2 out.
    let reply = client
        .chat()
        .system("Be brief.")
        .user("hello world")
        .send()
        .await
        .unwrap();
    assert_eq!(reply.text(), "hello world");
    assert_eq!(reply.model.as_deref(), Some("echo-1"));
    let first = reply.usage.as_ref().unwrap();
    assert_eq!((first.usage.input_total, first.usage.output_total), (4, 2));
    // 4 × 0.3 / 1M + 2 × 1.2 / 1M
    assert_eq!(first.cost.total(), Some(usd("0.0000036")));

    // Streaming: 3 words in, 3 out.
    let mut stream = client.chat().user("one two three").stream().await.unwrap();
    assert_eq!(stream.metadata().unwrap().id.as_deref(), Some("echo-1"));
    let mut text = String::new();
    let mut finish = None;
    let mut usage = None;
    while let Some(event) = stream.next().await {
        match event.unwrap() {
            StreamEvent::TextDelta(delta) => text.push_str(&delta),
            StreamEvent::Finish(reason) => finish = Some(reason),
            StreamEvent::Usage(report) => usage = Some(report),
            _ => {}
        }
    }
    drop(stream);
    assert_eq!(text, "one two three");
    assert_eq!(finish, Some(FinishReason::Stop));
    assert_eq!(usage.unwrap().usage.output_total, 3);

    // Models.
    let models = client.models().await.unwrap();
    assert_eq!(models.len(), 1);
    assert_eq!(models[0].id, "echo-1");
    assert_eq!(models[0].context_window, Some(4096));

    // The tracker: two requests, usage summed, cost summed exactly.
    let tracker = client.tracker();
    assert_eq!(tracker.requests(), 2);
    assert_eq!(tracker.requests_without_usage(), 0);
    assert_eq!(tracker.usage().input_total, 7);
    assert_eq!(tracker.usage().output_total, 5);
    let cost = tracker.cost();
    assert!(cost.is_complete());
    assert_eq!(cost.priced_requests, 2);
    // 0.0000036 + (3 × 0.3 + 3 × 1.2) / 1M = 0.0000036 + 0.0000045
    assert_eq!(cost.known, usd("0.0000081"));
    assert_eq!(tracker.last_input_tokens(), Some(3));
}

#[tokio::test]
async fn a_foreign_stream_is_counted_once() {
    let client = Client::from_provider(Echo::new());

    // Usage sent twice by the backend: counted once.
    let reply = client
        .chat()
        .user("a b")
        .with_request(|r| r.extra_body("echo_usage_twice", true.into()))
        .stream()
        .await
        .unwrap()
        .collect_response()
        .await
        .unwrap();
    assert_eq!(reply.text(), "a b");
    assert_eq!(reply.id.as_deref(), Some("echo-0"));
    assert_eq!(client.tracker().requests(), 1);
    assert_eq!(client.tracker().usage().input_total, 2);

    // Dropped before its usage: one request without usage, never zero usage.
    let mut stream = client.chat().user("c d e").stream().await.unwrap();
    assert!(matches!(
        stream.next().await,
        Some(Ok(StreamEvent::TextDelta(_)))
    ));
    drop(stream);
    let tracker = client.tracker();
    assert_eq!(tracker.requests(), 2);
    assert_eq!(tracker.requests_without_usage(), 1);
    assert_eq!(tracker.usage().input_total, 2);

    // Failing inside: the error is the last item, and the request has no usage.
    let mut stream = client
        .chat()
        .user("f g")
        .with_request(|r| r.extra_body("echo_fail", true.into()))
        .stream()
        .await
        .unwrap();
    assert!(stream.next().await.unwrap().is_ok());
    let error = stream.next().await.unwrap().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    assert!(stream.next().await.is_none());
    drop(stream);
    let tracker = client.tracker();
    assert_eq!(tracker.requests(), 3);
    assert_eq!(tracker.requests_without_usage(), 2);
    assert_eq!(tracker.cost().known, usd("0.0000030"));
}

#[tokio::test]
async fn errors_of_a_provider_written_elsewhere_reach_the_caller_untracked() {
    let client = Client::from_provider(Echo::new());
    let error = client.chat().system("no user").send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    assert!(client.chat().system("no user").stream().await.is_err());
    assert_eq!(client.tracker().requests(), 0);
}

/// A foreign stream that never ends is held to the default reply limits when
/// collected, as an HTTP stream is held to its provider's.
#[tokio::test]
async fn collecting_an_endless_foreign_stream_stops_at_the_reply_limit() {
    let text = stream::repeat_with(|| Ok(StreamEvent::TextDelta("x".repeat(1 << 20))));
    let error = ChatStream::from_stream(text)
        .collect_response()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(
        matches!(
            error,
            ProviderError::TooLarge {
                limit: 67_108_864,
                setting: "max_reply_bytes",
                ..
            }
        ),
        "{error:?}"
    );

    let calls = stream::repeat_with(|| {
        Ok(StreamEvent::ToolCall(
            oac::provider::request::ToolCall::new("c", "f", "{}"),
        ))
    });
    let error = ChatStream::from_stream(calls)
        .collect_response()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            ProviderError::TooLarge {
                limit: 1024,
                setting: "max_tool_calls",
                ..
            }
        ),
        "{error:?}"
    );
}
