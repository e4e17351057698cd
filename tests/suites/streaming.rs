//! Streamed replies through the simulator: events, tolerance, ends, timeouts, drops.
// Test code: a failed unwrap is a failed assertion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use futures_util::StreamExt;
use oac_provider::{
    ChatRequest, Error, FinishReason, OpenAiCompatible, Provider, StreamEvent, TimeoutKind,
};
use oac_testkit::{Chunking, Fault, LineEnding, Reply, Simulator};
use oac_tests::{collect, profile, provider, render, text_of};
use serde_json::json;

async fn stream_reply(reply: Reply) -> (Vec<StreamEvent>, Option<Error>) {
    let sim = Simulator::start().await;
    sim.push(reply);
    let stream = provider(profile(&sim))
        .chat_stream(ChatRequest::new().user("Q"))
        .await
        .unwrap();
    collect(stream).await
}

#[tokio::test]
async fn text_stream_events() {
    let (events, error) = stream_reply(
        Reply::text("Hello there, world!")
            .usage_tokens(5, 3)
            .text_chunk_chars(5),
    )
    .await;
    assert!(error.is_none());
    insta::assert_snapshot!("text_stream_events", render(&events));
}

#[tokio::test]
async fn tool_calls_are_assembled_into_complete_calls() {
    let reply = Reply::new()
        .tool_call(
            "call_1",
            "get_weather",
            r#"{"city":"Paris","unit":"celsius"}"#,
        )
        .tool_call("call_2", "get_time", r#"{"tz":"Europe/Paris"}"#)
        .text_chunk_chars(4);
    let (events, error) = stream_reply(reply).await;
    assert!(error.is_none());
    insta::assert_snapshot!("tool_call_stream_events", render(&events));
    let complete: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::ToolCall(c) => {
                Some((c.id.as_str(), c.name.as_str(), c.arguments.as_str()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        complete,
        [
            (
                "call_1",
                "get_weather",
                r#"{"city":"Paris","unit":"celsius"}"#
            ),
            ("call_2", "get_time", r#"{"tz":"Europe/Paris"}"#)
        ]
    );
}

#[tokio::test]
async fn reasoning_from_all_three_sources_is_separated_from_text() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::new()
            .reasoning_content("From reasoning_content. ")
            .reasoning_field("From reasoning. ")
            .content("  <think>From think tags.</think>\n\nThe answer.")
            .text_chunk_chars(3),
    );
    let stream = provider(profile(&sim))
        .chat_stream(ChatRequest::new().user("Q"))
        .await
        .unwrap();
    let response = stream.collect_response().await.unwrap();
    assert_eq!(
        response.reasoning.as_deref(),
        Some("From reasoning_content. From reasoning. From think tags.")
    );
    assert_eq!(response.content, "The answer.");
}

async fn text_with(reply: Reply) -> String {
    let (events, error) = stream_reply(reply).await;
    assert!(error.is_none(), "{error:?}");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, StreamEvent::Finish(FinishReason::Stop)))
    );
    text_of(&events)
}

const TEXT: &str = "héllo wörld 😀 — done";

#[tokio::test]
async fn crlf_line_ends() {
    let reply = Reply::text(TEXT)
        .line_ending(LineEnding::CrLf)
        .chunking(Chunking::Bytes(7));
    assert_eq!(text_with(reply).await, TEXT);
}

#[tokio::test]
async fn cr_line_ends() {
    let reply = Reply::text(TEXT)
        .line_ending(LineEnding::Cr)
        .chunking(Chunking::Bytes(5));
    assert_eq!(text_with(reply).await, TEXT);
}

#[tokio::test]
async fn data_without_a_space() {
    assert_eq!(
        text_with(Reply::text(TEXT).data_without_space(true)).await,
        TEXT
    );
}

#[tokio::test]
async fn comments_and_keep_alive_lines() {
    assert_eq!(
        text_with(Reply::text(TEXT).keep_alive_comments(true)).await,
        TEXT
    );
}

#[tokio::test]
async fn multi_line_data() {
    assert_eq!(
        text_with(Reply::text(TEXT).multi_line_data(true)).await,
        TEXT
    );
}

#[tokio::test]
async fn utf8_split_across_network_chunks() {
    // One content event written 5 bytes at a time, 1 ms apart, so multi-byte
    // characters arrive in separate reads.
    let reply = Reply::text(TEXT)
        .text_chunk_chars(64)
        .chunking(Chunking::Bytes(5))
        .delay(Duration::from_millis(1));
    assert_eq!(text_with(reply).await, TEXT);
}

#[tokio::test]
async fn missing_id_object_created_and_model() {
    assert_eq!(
        text_with(Reply::text(TEXT).minimal_chunks(true)).await,
        TEXT
    );
}

async fn usage_line(reply: Reply) -> String {
    let (events, error) = stream_reply(reply).await;
    assert!(error.is_none(), "{error:?}");
    render(&events)
        .lines()
        .filter(|l| l.starts_with("usage"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn usage_under_x_groq() {
    let line = usage_line(Reply::text("x").usage_tokens(24, 7).usage_in_x_groq(true)).await;
    assert!(line.starts_with("usage in=24 cached=0 out=7"), "{line}");
}

#[tokio::test]
async fn usage_chunk_with_empty_choices() {
    let line = usage_line(
        Reply::text("x")
            .usage_tokens(9, 2)
            .usage_chunk_with_empty_choices(true),
    )
    .await;
    assert!(line.starts_with("usage in=9 cached=0 out=2"), "{line}");
}

#[tokio::test]
async fn usage_chunk_with_an_empty_delta() {
    let line = usage_line(
        Reply::text("x")
            .usage_tokens(9, 2)
            .usage_chunk_with_empty_delta(true),
    )
    .await;
    assert!(line.starts_with("usage in=9 cached=0 out=2"), "{line}");
}

#[tokio::test]
async fn finish_reason_null_ends_at_done() {
    let (events, error) = stream_reply(Reply::text("x").finish_reason_null()).await;
    assert!(error.is_none());
    assert!(!events.iter().any(|e| matches!(e, StreamEvent::Finish(_))));
    assert_eq!(text_of(&events), "x");
}

#[tokio::test]
async fn finish_reason_empty_is_no_finish() {
    let (events, error) = stream_reply(Reply::text("x").finish_reason("")).await;
    assert!(error.is_none());
    assert!(!events.iter().any(|e| matches!(e, StreamEvent::Finish(_))));
}

#[tokio::test]
async fn unknown_finish_reason_is_kept() {
    let (events, _) = stream_reply(Reply::text("x").finish_reason("eos")).await;
    assert!(events.contains(&StreamEvent::Finish(FinishReason::Other("eos".into()))));
}

#[tokio::test]
async fn unknown_fields_and_request_id_are_available() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::text("x")
            .extra_field("citations", json!(["https://a"]))
            .header("x-request-id", "req_9"),
    );
    let stream = provider(profile(&sim))
        .chat_stream(ChatRequest::new().user("Q"))
        .await
        .unwrap();
    assert_eq!(stream.request_id(), Some("req_9"));
    let response = stream.collect_response().await.unwrap();
    assert_eq!(response.extra["citations"], json!(["https://a"]));
    assert_eq!(response.request_id.as_deref(), Some("req_9"));
    assert!(response.id.as_deref().unwrap().starts_with("chatcmpl-sim-"));
}

#[tokio::test]
async fn a_cut_connection_is_stream_ended_early() {
    let (events, error) = stream_reply(
        Reply::text(TEXT)
            .text_chunk_chars(2)
            .with_fault(Fault::CutAfterEvents(3)),
    )
    .await;
    assert!(!events.is_empty());
    assert!(
        matches!(error, Some(Error::StreamEndedEarly { .. })),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_clean_close_before_finish_or_done_is_stream_ended_early() {
    let (_, error) = stream_reply(
        Reply::text(TEXT)
            .text_chunk_chars(2)
            .with_fault(Fault::EndAfterEvents(3)),
    )
    .await;
    let error = error.unwrap();
    assert!(matches!(error, Error::StreamEndedEarly { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("stream ended early: the stream from 127.0.0.1:")
    );
}

#[tokio::test]
async fn a_close_after_the_finish_reason_without_done_is_fine() {
    let (events, error) = stream_reply(Reply::text("x").without_done()).await;
    assert!(error.is_none(), "{error:?}");
    assert!(events.contains(&StreamEvent::Finish(FinishReason::Stop)));
}

#[tokio::test]
async fn a_silent_stream_hits_the_idle_timeout() {
    let sim = Simulator::start().await;
    sim.push(Reply::text(TEXT).with_fault(Fault::Stall(Duration::from_secs(30))));
    let mut p = profile(&sim);
    p.timeouts_mut().stream_idle = Duration::from_millis(50);
    let stream = provider(p)
        .chat_stream(ChatRequest::new().user("Q"))
        .await
        .unwrap();
    let (_, error) = collect(stream).await;
    match error {
        Some(Error::Timeout { which, .. }) => assert_eq!(which, TimeoutKind::StreamIdle),
        other => panic!("expected an idle timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn a_stream_that_keeps_talking_outlives_its_idle_timeout() {
    // 150 chunks 10 ms apart: the whole stream outlasts the 1 s idle timeout, but no
    // silence comes near it (a loaded machine would have to stall it for a second),
    // so the idle deadline keeps moving.
    let sim = Simulator::start().await;
    sim.push(
        Reply::text("word ".repeat(120))
            .text_chunk_chars(4)
            .delay(Duration::from_millis(10)),
    );
    let mut p = profile(&sim);
    p.timeouts_mut().stream_idle = Duration::from_millis(1_000);
    let stream = provider(p)
        .chat_stream(ChatRequest::new().user("Q"))
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let (events, error) = collect(stream).await;
    assert!(error.is_none(), "{error:?}");
    assert!(
        started.elapsed() > Duration::from_millis(1_000),
        "the stream must last longer than the idle timeout for this test to mean anything"
    );
    let text: String = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::TextDelta(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(text, "word ".repeat(120));
}

#[tokio::test]
async fn dropping_a_stream_closes_its_connection() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::text("word ".repeat(200))
            .text_chunk_chars(5)
            .delay(Duration::from_millis(5)),
    );
    let mut stream = provider(profile(&sim))
        .chat_stream(ChatRequest::new().user("Q"))
        .await
        .unwrap();
    for _ in 0..2 {
        stream.next().await.unwrap().unwrap();
    }
    drop(stream);
    assert!(
        sim.wait_for_disconnects(1, Duration::from_secs(5)).await,
        "the simulator saw no disconnect"
    );
    assert_eq!(sim.active_streams(), 0);
}

#[tokio::test]
async fn an_event_over_the_size_limit_is_refused() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("x").with_fault(Fault::HugeEvent(64 * 1024)));
    let provider = OpenAiCompatible::builder(profile(&sim))
        .max_event_bytes(16 * 1024)
        .build()
        .unwrap();
    let stream = provider
        .chat_stream(ChatRequest::new().user("Q"))
        .await
        .unwrap();
    let (_, error) = collect(stream).await;
    assert!(
        matches!(error, Some(Error::TooLarge { limit: 16384, .. })),
        "{error:?}"
    );
}

#[tokio::test]
async fn malformed_json_is_a_decode_error() {
    let (_, error) = stream_reply(Reply::text("x").with_fault(Fault::MalformedJson)).await;
    assert!(matches!(error, Some(Error::Decode { .. })), "{error:?}");
}

#[tokio::test]
async fn event_error_is_a_typed_error() {
    let body = json!({"error": {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}});
    let (_, error) = stream_reply(Reply::text("x").with_fault(Fault::EventError(body))).await;
    let error = error.unwrap();
    assert!(matches!(error, Error::RateLimited { .. }), "{error:?}");
    assert_eq!(error.code(), Some("rate_limit_exceeded"));
}

/// A server that sends one tool call and then endless argument fragments: the
/// assembled reply hits `max_reply_bytes`, the stream fails with `TooLarge`, and
/// dropping it closes the connection (the simulator sees the client leave).
#[tokio::test]
async fn endless_tool_call_arguments_fail_at_the_reply_limit_and_disconnect() {
    let sim = Simulator::start().await;
    sim.push(Reply::endless_tool_call_arguments(64 * 1024));
    let provider = OpenAiCompatible::builder(profile(&sim))
        .max_reply_bytes(4 * 1024 * 1024)
        .build()
        .unwrap();
    let stream = provider
        .chat_stream(ChatRequest::new().user("Q"))
        .await
        .unwrap();
    let (events, error) = collect(stream).await;
    let error = error.expect("the stream must fail");
    assert!(
        matches!(
            error,
            Error::TooLarge {
                what: "streamed reply",
                limit: 4194304,
                setting: "max_reply_bytes",
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.kind(), oac_provider::ErrorKind::Decode);
    let arguments: usize = events
        .iter()
        .map(|e| match e {
            StreamEvent::ToolCallDelta(d) => d.arguments.len(),
            _ => 0,
        })
        .sum();
    assert!(arguments <= 4 * 1024 * 1024, "{arguments}");
    assert!(sim.wait_for_disconnects(1, Duration::from_secs(10)).await);
}

#[tokio::test]
async fn collect_response_of_an_endless_stream_fails_at_the_limit() {
    let sim = Simulator::start().await;
    sim.push(Reply::endless_tool_call_arguments(64 * 1024));
    let provider = OpenAiCompatible::builder(profile(&sim))
        .max_reply_bytes(1024 * 1024)
        .build()
        .unwrap();
    let error = provider
        .chat_stream(ChatRequest::new().user("Q"))
        .await
        .unwrap()
        .collect_response()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::TooLarge { .. }), "{error:?}");
    assert!(sim.wait_for_disconnects(1, Duration::from_secs(10)).await);
}

#[tokio::test]
async fn too_many_tool_calls_in_a_stream_fail() {
    let sim = Simulator::start().await;
    let mut reply = Reply::new();
    for i in 0..5 {
        reply = reply.tool_call(format!("call_{i}"), "f", "{}");
    }
    sim.push(reply);
    let provider = OpenAiCompatible::builder(profile(&sim))
        .max_tool_calls(3)
        .build()
        .unwrap();
    let stream = provider
        .chat_stream(ChatRequest::new().user("Q"))
        .await
        .unwrap();
    let (_, error) = collect(stream).await;
    let error = error.unwrap();
    assert!(
        matches!(
            error,
            Error::TooLarge {
                limit: 3,
                setting: "max_tool_calls",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("max_tool_calls"), "{error}");
}

/// The facade's `ReplyStream` hands the error on like any other.
#[tokio::test]
async fn the_facade_reply_stream_propagates_the_too_large_error() {
    let sim = Simulator::start().await;
    sim.push(Reply::endless_tool_call_arguments(64 * 1024));
    let provider = OpenAiCompatible::builder(profile(&sim))
        .max_reply_bytes(1024 * 1024)
        .build()
        .unwrap();
    let client = oac::Client::from_provider(provider);
    let mut stream = client.stream(ChatRequest::new().user("Q")).await.unwrap();
    let mut failure = None;
    while let Some(event) = stream.next().await {
        if let Err(error) = event {
            failure = Some(error);
            break;
        }
    }
    let error = failure.expect("the stream must fail");
    assert_eq!(error.kind(), oac_provider::ErrorKind::Decode, "{error}");
    assert!(error.to_string().contains("max_reply_bytes"), "{error}");
    drop(stream);
    assert!(sim.wait_for_disconnects(1, Duration::from_secs(10)).await);
}

/// A UTF-8 byte-order mark before the first event, arriving one byte per read,
/// does not cost the first event.
#[tokio::test]
async fn a_leading_byte_order_mark_keeps_the_first_event() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(
        concat!(
            r#"data: {"choices":[{"index":0,"delta":{"content":"Hello"}}]}"#,
            "\n\n",
            r#"data: {"choices":[{"index":0,"delta":{"content":" world"},"finish_reason":"stop"}]}"#,
            "\n\n",
            "data: [DONE]\n\n"
        )
        .as_bytes(),
    );
    for chunking in [Chunking::Bytes(1), Chunking::Bytes(2), Chunking::PerEvent] {
        let (events, error) = stream_reply(Reply::raw_sse(bytes.clone()).chunking(chunking)).await;
        assert!(error.is_none(), "{chunking:?}: {error:?}");
        assert_eq!(text_of(&events), "Hello world", "{chunking:?}");
    }
}

/// A complete (non-streamed) body that starts with a byte-order mark parses.
#[tokio::test]
async fn a_json_body_with_a_byte_order_mark_parses() {
    let sim = Simulator::start().await;
    let body = format!(
        "\u{FEFF}{}",
        json!({
            "id": "c1",
            "object": "chat.completion",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi"}, "finish_reason": "stop"}]
        })
    );
    sim.push(Reply::error(200, body.clone()).header("content-type", "application/json"));
    let reply = provider(profile(&sim))
        .chat(ChatRequest::new().user("Q"))
        .await
        .unwrap();
    assert_eq!(reply.content, "Hi");
    // A server that answers a streaming request with that body.
    sim.push(Reply::error(200, body).header("content-type", "application/json"));
    let stream = provider(profile(&sim))
        .chat_stream(ChatRequest::new().user("Q"))
        .await
        .unwrap();
    let (events, error) = collect(stream).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(text_of(&events), "Hi");
}

/// A stream read to its end gives its connection back before the caller's next
/// request looks for one: five streamed replies in a row (a current-thread
/// runtime, where the connection's own task runs only when the caller waits)
/// travel over one connection, not a new one each time the last chunk of the
/// previous body was still on its way when `[DONE]` ended the stream.
#[tokio::test]
async fn streams_read_to_their_end_reuse_one_connection() {
    five_streams_over_one_connection(Reply::text).await;
}

/// The same when the reply ends with its body, without `[DONE]`.
#[tokio::test]
async fn streams_ended_by_their_body_reuse_one_connection() {
    five_streams_over_one_connection(|text| Reply::text(text).without_done()).await;
}

/// Five streamed replies made by `reply` from their text, read in a row: each
/// arrives whole and all travel over one connection.
async fn five_streams_over_one_connection(reply: fn(String) -> Reply) {
    let sim = Simulator::start().await;
    let provider = provider(profile(&sim).with_max_retries(0));
    for n in 0..5 {
        sim.push(reply(format!("reply {n}")));
        let stream = provider
            .chat_stream(ChatRequest::new().user("Q"))
            .await
            .unwrap();
        let (events, error) = collect(stream).await;
        assert!(error.is_none(), "{error:?}");
        assert_eq!(text_of(&events), format!("reply {n}"));
    }
    assert_eq!(sim.chat_requests().len(), 5);
    assert_eq!(sim.connection_count(), 1);
}
