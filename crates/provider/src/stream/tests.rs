//! The stream layer without a network: bytes in (split any way), events out.
//! One test per tolerance case (`docs/provider.md`, "Tolerance"); a property test
//! for splits.

use std::fmt::Write as _;
use std::str::FromStr;

use futures_util::StreamExt;
use oac_pricing::Decimal;
use proptest::prelude::*;

use super::*;
use crate::decode::EventDecoder;
use crate::response::FinishReason;

fn prices() -> ModelPrices {
    let mut prices = ModelPrices::default();
    prices.input_price = Some(Decimal::from_str("1").unwrap());
    prices.output_price = Some(Decimal::from_str("2").unwrap());
    prices
}

fn settings(parse_think_tags: bool) -> StreamSettings {
    StreamSettings {
        api: oac_url::WireApi::Chat,
        parse_think_tags,
        prices: Arc::new(prices()),
        max_event_bytes: 1024 * 1024,
        max_reply_bytes: crate::DEFAULT_MAX_REPLY_BYTES,
        max_tool_calls: crate::DEFAULT_MAX_TOOL_CALLS,
        idle_timeout: Duration::from_secs(5),
        first_content_timeout: None,
        total_timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(1),
    }
}

fn stream_of(chunks: Vec<Vec<u8>>, settings: &StreamSettings) -> ChatStream {
    let body = futures_util::stream::iter(
        chunks
            .into_iter()
            .map(|c| Ok::<Bytes, reqwest::Error>(Bytes::from(c))),
    );
    ChatStream::from_body(
        Box::pin(body),
        200,
        HeaderMap::new(),
        Exchange::for_tests(),
        Instant::now() + settings.total_timeout,
        settings,
    )
}

async fn run_with(
    chunks: Vec<Vec<u8>>,
    settings: &StreamSettings,
) -> (Vec<StreamEvent>, Option<Error>) {
    let mut stream = stream_of(chunks, settings);
    let mut events = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(event) => events.push(event),
            Err(error) => {
                assert!(stream.next().await.is_none(), "nothing after an error");
                return (events, Some(error));
            }
        }
    }
    (events, None)
}

async fn run(bytes: &str) -> (Vec<StreamEvent>, Option<Error>) {
    run_with(vec![bytes.as_bytes().to_vec()], &settings(true)).await
}

/// SSE text of `data` events with `end` as line ending.
fn sse(events: &[&str], end: &str) -> String {
    let mut out = String::new();
    for event in events {
        if event.starts_with(':') || event.starts_with("event:") {
            let _ = write!(out, "{event}{end}");
            if event.starts_with(':') {
                let _ = write!(out, "{end}");
            }
        } else {
            let _ = write!(out, "data: {event}{end}{end}");
        }
    }
    out
}

fn render(events: &[StreamEvent]) -> String {
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
            StreamEvent::Reasoning(item) => writeln!(
                out,
                "reasoning_item {:?} encrypted={:?} summary={:?}",
                item.id, item.encrypted_content, item.summary
            ),
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
        };
    }
    out
}

const ROLE: &str = r#"{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#;
const STOP: &str = r#"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#;
const USAGE: &str =
    r#"{"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}"#;

fn text(t: &str) -> String {
    format!(
        r#"{{"choices":[{{"index":0,"delta":{{"content":{}}},"finish_reason":null}}]}}"#,
        serde_json::Value::from(t)
    )
}

fn rich_stream(end: &str) -> String {
    let events = [
        ROLE.to_owned(),
        r#"{"choices":[{"index":0,"delta":{"reasoning_content":"Let me think. é"}}]}"#.to_owned(),
        r#"{"choices":[{"index":0,"delta":{"reasoning":"Also 😀 this"}}]}"#.to_owned(),
        text("  <thi"),
        text("nk>inner</th"),
        text("ink>\n\nAnswer: ü"),
        r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"ci"}}]}}]}"#.to_owned(),
        r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"get_time","arguments":""}}]}}]}"#.to_owned(),
        r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"ty\":\"Paris\"}"}}]}}]}"#.to_owned(),
        ": keep-alive".to_owned(),
        r#"{"choices":[{"index":0,"delta":{},"logprobs":{"x":1},"finish_reason":"tool_calls"}]}"#.to_owned(),
        USAGE.to_owned(),
        "[DONE]".to_owned(),
    ];
    let refs: Vec<&str> = events.iter().map(String::as_str).collect();
    sse(&refs, end)
}

#[tokio::test]
async fn rich_stream_events() {
    let (events, error) = run(&rich_stream("\n")).await;
    assert!(error.is_none());
    insta::assert_snapshot!("rich_stream_events", render(&events));
}

fn split_at(bytes: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    cuts.sort_unstable();
    let mut chunks = Vec::new();
    let mut from = 0;
    for cut in cuts {
        chunks.push(bytes[from..cut].to_vec());
        from = cut;
    }
    chunks.push(bytes[from..].to_vec());
    chunks
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_split_gives_the_same_events(
        cuts in proptest::collection::vec(0usize..10_000, 0..40),
        ending in prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        let bytes = rich_stream(ending).into_bytes();
        let whole = runtime.block_on(run_with(vec![bytes.clone()], &settings(true)));
        let split = runtime.block_on(run_with(split_at(&bytes, &cuts), &settings(true)));
        prop_assert!(whole.1.is_none() && split.1.is_none());
        prop_assert_eq!(whole.0, split.0);
    }

    #[test]
    fn byte_by_byte_gives_the_same_events(ending in prop_oneof![Just("\n"), Just("\r\n"), Just("\r")]) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        let bytes = rich_stream(ending).into_bytes();
        let whole = runtime.block_on(run_with(vec![bytes.clone()], &settings(true)));
        let single: Vec<Vec<u8>> = bytes.iter().map(|b| vec![*b]).collect();
        let split = runtime.block_on(run_with(single, &settings(true)));
        prop_assert_eq!(whole.0, split.0);
    }
}

#[tokio::test]
async fn crlf_line_ends() {
    let (events, error) = run(&sse(&[ROLE, &text("a"), STOP, "[DONE]"], "\r\n")).await;
    assert!(error.is_none());
    assert_eq!(render(&events), "text \"a\"\nfinish stop\n");
}

#[tokio::test]
async fn cr_line_ends() {
    let (events, error) = run(&sse(&[ROLE, &text("a"), STOP, "[DONE]"], "\r")).await;
    assert!(error.is_none());
    assert_eq!(render(&events), "text \"a\"\nfinish stop\n");
}

#[tokio::test]
async fn data_without_space() {
    let bytes = format!("data:{}\n\ndata:{STOP}\n\ndata:[DONE]\n\n", text("a"));
    let (events, error) = run(&bytes).await;
    assert!(error.is_none());
    assert_eq!(render(&events), "text \"a\"\nfinish stop\n");
}

#[tokio::test]
async fn comments_and_keep_alive_lines() {
    let bytes = format!(
        ": OPENROUTER PROCESSING\n\n:\n\n{}",
        sse(&[&text("a"), ": ping", STOP, "[DONE]"], "\n")
    );
    let (events, error) = run(&bytes).await;
    assert!(error.is_none());
    assert_eq!(render(&events), "text \"a\"\nfinish stop\n");
}

#[tokio::test]
async fn multi_line_data() {
    let bytes = "data: {\"choices\":[{\"index\":0,\ndata: \"delta\":{\"content\":\"a\"}}]}\n\ndata: [DONE]\n\n";
    let (events, error) = run(bytes).await;
    assert!(error.is_none());
    assert_eq!(render(&events), "text \"a\"\n");
}

#[tokio::test]
async fn events_missing_their_blank_lines_are_recovered() {
    let bytes = format!("data: {}\ndata: {STOP}\ndata: [DONE]\n\n", text("a"));
    let (events, error) = run(&bytes).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(render(&events), "text \"a\"\nfinish stop\n");
}

#[tokio::test]
async fn event_error_is_a_typed_error() {
    let bytes = format!(
        "{}event: error\ndata: {{\"error\":{{\"message\":\"Rate limit hit\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}}}\n\n",
        sse(&[&text("a")], "\n")
    );
    let (events, error) = run(&bytes).await;
    assert_eq!(render(&events), "text \"a\"\n");
    let error = error.unwrap();
    assert!(matches!(error, Error::RateLimited { .. }), "{error:?}");
    assert_eq!(error.provider_message(), Some("Rate limit hit"));
}

#[tokio::test]
async fn error_object_in_a_data_event() {
    let bytes = sse(
        &[
            r#"{"error":{"message":"This model's maximum context length is 4096 tokens","code":"context_length_exceeded"}}"#,
        ],
        "\n",
    );
    let (_, error) = run(&bytes).await;
    assert!(
        matches!(error, Some(Error::ContextTooLong { .. })),
        "{error:?}"
    );
}

#[tokio::test]
async fn utf8_split_across_network_chunks() {
    let bytes = sse(&[&text("héllo 😀"), STOP, "[DONE]"], "\n").into_bytes();
    let at = bytes.windows(4).position(|w| w == "😀".as_bytes()).unwrap() + 2;
    let chunks = vec![bytes[..at].to_vec(), bytes[at..].to_vec()];
    let (events, error) = run_with(chunks, &settings(true)).await;
    assert!(error.is_none());
    assert_eq!(render(&events), "text \"héllo 😀\"\nfinish stop\n");
}

#[tokio::test]
async fn missing_id_object_created_model_and_usage() {
    let bytes = sse(
        &[
            r#"{"choices":[{"delta":{"content":"a"}}]}"#,
            r#"{"choices":[{"delta":{},"finish_reason":"stop"}]}"#,
            "[DONE]",
        ],
        "\n",
    );
    let (events, error) = run(&bytes).await;
    assert!(error.is_none());
    assert_eq!(render(&events), "text \"a\"\nfinish stop\n");
}

#[tokio::test]
async fn finish_reason_empty_null_or_unknown() {
    let bytes = sse(
        &[
            r#"{"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":""}]}"#,
            r#"{"choices":[{"index":0,"delta":{"content":"b"},"finish_reason":null}]}"#,
            r#"{"choices":[{"index":0,"delta":{},"finish_reason":"eos_token"}]}"#,
            "[DONE]",
        ],
        "\n",
    );
    let (events, error) = run(&bytes).await;
    assert!(error.is_none());
    assert_eq!(
        render(&events),
        "text \"a\"\ntext \"b\"\nfinish eos_token\n"
    );
    assert_eq!(
        events[2],
        StreamEvent::Finish(FinishReason::Other("eos_token".into()))
    );
}

#[tokio::test]
async fn usage_chunk_with_empty_choices() {
    let (events, _) = run(&sse(&[&text("a"), STOP, USAGE, "[DONE]"], "\n")).await;
    assert_eq!(
        render(&events),
        "text \"a\"\nfinish stop\nusage in=10 cached=0 out=5 reasoning=0 cost=$0.000020\n"
    );
}

#[tokio::test]
async fn usage_chunk_with_an_empty_delta() {
    let usage = r#"{"choices":[{"index":0,"delta":{},"finish_reason":null}],"usage":{"prompt_tokens":10,"completion_tokens":5}}"#;
    let (events, _) = run(&sse(&[&text("a"), STOP, usage, "[DONE]"], "\n")).await;
    assert_eq!(
        render(&events),
        "text \"a\"\nfinish stop\nusage in=10 cached=0 out=5 reasoning=0 cost=$0.000020\n"
    );
}

#[tokio::test]
async fn usage_under_x_groq() {
    let last = r#"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"x_groq":{"id":"req_1","usage":{"prompt_tokens":24,"completion_tokens":7,"queue_time":0.02}}}"#;
    let (events, _) = run(&sse(&[&text("a"), last, "[DONE]"], "\n")).await;
    assert_eq!(
        render(&events),
        "text \"a\"\nfinish stop\nusage in=24 cached=0 out=7 reasoning=0 cost=$0.000038\n"
    );
}

#[tokio::test]
async fn usage_repeated_on_every_chunk_is_reported_once_with_the_last_figures() {
    let chunk = |content: &str, out: u32| {
        format!(
            r#"{{"choices":[{{"index":0,"delta":{{"content":"{content}"}}}}],"usage":{{"prompt_tokens":10,"completion_tokens":{out}}}}}"#
        )
    };
    let (events, _) = run(&sse(
        &[&chunk("a", 1), &chunk("b", 2), STOP, "[DONE]"],
        "\n",
    ))
    .await;
    let usages: Vec<_> = events
        .iter()
        .filter(|e| matches!(e, StreamEvent::Usage(_)))
        .collect();
    assert_eq!(usages.len(), 1);
    assert!(render(&events).ends_with("usage in=10 cached=0 out=2 reasoning=0 cost=$0.000014\n"));
}

#[tokio::test]
async fn unknown_fields_are_kept() {
    let bytes = sse(
        &[
            r#"{"id":"c","choices":[{"index":0,"delta":{"content":"a","refusal":"x"}}],"citations":["https://a"],"system_fingerprint":"fp"}"#,
            STOP,
            "[DONE]",
        ],
        "\n",
    );
    let mut stream = stream_of(vec![bytes.into_bytes()], &settings(true));
    let mut events = Vec::new();
    while let Some(e) = stream.next().await {
        events.push(e.unwrap());
    }
    assert_eq!(
        render(&events),
        "text \"a\"\nextra {\"refusal\":\"x\"}\nfinish stop\n"
    );
    assert_eq!(
        stream.metadata().extra["citations"],
        serde_json::json!(["https://a"])
    );
    assert_eq!(stream.metadata().extra["system_fingerprint"], "fp");
    assert_eq!(stream.metadata().id.as_deref(), Some("c"));
}

#[tokio::test]
async fn reasoning_from_all_three_sources_is_apart_from_text() {
    let bytes = sse(
        &[
            r#"{"choices":[{"index":0,"delta":{"reasoning_content":"one "}}]}"#,
            r#"{"choices":[{"index":0,"delta":{"reasoning":"two "}}]}"#,
            &text("<think>three</think>answer"),
            STOP,
            "[DONE]",
        ],
        "\n",
    );
    let response = stream_of(vec![bytes.into_bytes()], &settings(true))
        .collect_response()
        .await
        .unwrap();
    assert_eq!(response.reasoning.as_deref(), Some("one two three"));
    assert_eq!(response.content, "answer");
}

#[tokio::test]
async fn same_text_in_reasoning_and_reasoning_content_is_emitted_once() {
    let bytes = sse(
        &[
            r#"{"choices":[{"index":0,"delta":{"reasoning_content":"r","reasoning":"r"}}]}"#,
            STOP,
            "[DONE]",
        ],
        "\n",
    );
    let (events, _) = run(&bytes).await;
    assert_eq!(render(&events), "reasoning \"r\"\nfinish stop\n");
}

#[tokio::test]
async fn think_tags_left_alone_when_parsing_is_off() {
    let bytes = sse(&[&text("<think>x</think>y"), STOP, "[DONE]"], "\n");
    let (events, _) = run_with(vec![bytes.into_bytes()], &settings(false)).await;
    assert_eq!(render(&events), "text \"<think>x</think>y\"\nfinish stop\n");
}

#[tokio::test]
async fn tool_calls_are_assembled_by_index() {
    let response = stream_of(vec![rich_stream("\n").into_bytes()], &settings(true))
        .collect_response()
        .await
        .unwrap();
    assert_eq!(response.tool_calls.len(), 2);
    assert_eq!(response.tool_calls[0].arguments, r#"{"city":"Paris"}"#);
    assert_eq!(response.tool_calls[1].arguments, "{}");
    assert_eq!(response.finish_reason, Some(FinishReason::ToolCalls));
    assert_eq!(
        response.message_extra["logprobs"],
        serde_json::json!({"x": 1})
    );
}

#[tokio::test]
async fn tool_calls_without_index_are_told_apart_by_id() {
    let bytes = sse(
        &[
            r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"id":"a","function":{"name":"f","arguments":{"x":1}}}]}}]}"#,
            r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"id":"b","function":{"name":"g","arguments":"{}"}}]}}]}"#,
            r#"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
            "[DONE]",
        ],
        "\n",
    );
    let response = stream_of(vec![bytes.into_bytes()], &settings(true))
        .collect_response()
        .await
        .unwrap();
    let calls: Vec<_> = response
        .tool_calls
        .iter()
        .map(|c| (c.id.as_str(), c.name.as_str(), c.arguments.as_str()))
        .collect();
    assert_eq!(calls, [("a", "f", r#"{"x":1}"#), ("b", "g", "{}")]);
}

#[tokio::test]
async fn close_after_finish_reason_without_done_is_a_normal_end() {
    let (events, error) = run(&sse(&[&text("a"), STOP, USAGE], "\n")).await;
    assert!(error.is_none());
    assert!(
        render(&events)
            .ends_with("finish stop\nusage in=10 cached=0 out=5 reasoning=0 cost=$0.000020\n")
    );
}

#[tokio::test]
async fn close_before_finish_or_done_is_stream_ended_early() {
    let (events, error) = run(&sse(&[ROLE, &text("a")], "\n")).await;
    assert_eq!(render(&events), "text \"a\"\n");
    let error = error.unwrap();
    assert!(matches!(error, Error::StreamEndedEarly { .. }));
    insta::assert_snapshot!("stream_ended_early_message", error.to_string());
}

#[tokio::test]
async fn data_after_done_is_ignored() {
    let (events, error) = run(&format!(
        "{}data: {{not json\n\n",
        sse(&[&text("a"), "[DONE]"], "\n")
    ))
    .await;
    assert!(error.is_none());
    assert_eq!(render(&events), "text \"a\"\n");
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_with_an_excerpt() {
    let (_, error) = run(&sse(
        &[&text("a"), r#"{"choices":[{"delta":{"content":"b"#],
        "\n",
    ))
    .await;
    let error = error.unwrap();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    insta::assert_snapshot!("malformed_event_message", error.to_string());
}

#[tokio::test]
async fn oversized_event_is_refused() {
    let mut small = settings(true);
    small.max_event_bytes = 64;
    let big = text(&"x".repeat(200));
    let (_, error) = run_with(vec![sse(&[&big], "\n").into_bytes()], &small).await;
    let error = error.unwrap();
    assert!(
        matches!(error, Error::TooLarge { limit: 64, .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn collected_response_carries_metadata() {
    let response = stream_of(
        vec![sse(&[ROLE, &text("hi"), STOP, USAGE, "[DONE]"], "\n").into_bytes()],
        &settings(true),
    )
    .collect_response()
    .await
    .unwrap();
    assert_eq!(response.id.as_deref(), Some("c1"));
    assert_eq!(response.model.as_deref(), Some("m"));
    assert_eq!(response.created, Some(1));
    assert_eq!(response.content, "hi");
    assert_eq!(response.usage.unwrap().usage.output_total, 5);
}

#[tokio::test]
async fn an_event_completed_by_the_end_of_input_comes_before_the_early_end_error() {
    let (events, error) = run(&format!("data: {}", text("last words"))).await;
    assert_eq!(render(&events), "text \"last words\"\n");
    assert!(
        matches!(error, Some(Error::StreamEndedEarly { .. })),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_final_done_without_a_blank_line_ends_properly() {
    let (events, error) = run(&format!("data: {}\n\ndata: [DONE]", text("a"))).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(render(&events), "text \"a\"\n");
}

#[test]
fn the_decoder_alone_reports_an_early_end_after_its_events() {
    let mut decoder = EventDecoder::new();
    decoder.feed(format!("data: {}", text("x")).as_bytes());
    assert!(
        decoder.next_event().is_none(),
        "the event is not complete yet"
    );
    decoder.end_of_input();
    assert_eq!(
        decoder.next_event().unwrap().unwrap(),
        StreamEvent::TextDelta("x".into())
    );
    let error = decoder.next_event().unwrap().unwrap_err();
    assert_eq!(
        error.to_string(),
        "stream ended early: the stream from the provider stopped before the reply was complete (the connection closed before a finish reason or [DONE]); the reply is cut off, try again"
    );
    assert!(decoder.next_event().is_none());
    assert!(decoder.is_finished());
}

#[tokio::test]
async fn events_before_an_error_in_a_joined_event_are_kept() {
    // No blank line between the two `data:` lines: one joined event, read line by
    // line; the text of the first line must not be lost to the error of the second.
    let bytes = format!(
        "data: {}\ndata: {{\"error\":{{\"message\":\"Upstream overloaded\",\"code\":503}}}}\n\n",
        text("kept")
    );
    let (events, error) = run(&bytes).await;
    assert_eq!(render(&events), "text \"kept\"\n");
    let error = error.unwrap();
    assert!(matches!(error, Error::ServerError { .. }), "{error:?}");
}

#[tokio::test]
async fn errors_inside_a_stream_keep_the_http_status() {
    let (_, error) = run(&sse(&[&text("a"), r#"{"error":{"message":"boom"}}"#], "\n")).await;
    assert_eq!(error.unwrap().status(), Some(200));
    let (_, error) = run(&sse(&[ROLE, &text("a")], "\n")).await;
    let error = error.unwrap();
    assert!(matches!(error, Error::StreamEndedEarly { .. }), "{error:?}");
    assert_eq!(error.status(), Some(200));
}

#[tokio::test]
async fn an_error_object_instead_of_an_event_stream_is_the_provider_error() {
    let (events, error) = run(r#"{"error":{"message":"Unsupported value for messages","type":"invalid_request_error","code":"unsupported_value"}}"#).await;
    assert!(events.is_empty());
    let error = error.unwrap();
    assert!(matches!(error, Error::Rejected { .. }), "{error:?}");
    assert_eq!(
        error.provider_message(),
        Some("Unsupported value for messages")
    );
    assert_eq!(error.status(), Some(200));
    insta::assert_snapshot!("error_object_instead_of_a_stream", error.to_string());
}

#[tokio::test]
async fn an_error_object_instead_of_an_event_stream_is_classified_by_its_code() {
    let (_, error) = run("{\n  \"error\": {\"message\": \"overloaded\", \"code\": 503}\n}\n").await;
    assert!(
        matches!(error, Some(Error::ServerError { .. })),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_detail_body_instead_of_an_event_stream_is_the_provider_error() {
    let (_, error) = run(r#"{"detail":"Not authenticated"}"#).await;
    let error = error.unwrap();
    assert_eq!(error.provider_message(), Some("Not authenticated"));
}

#[tokio::test]
async fn a_complete_reply_instead_of_an_event_stream_is_replayed() {
    let (events, error) = run(r#"{"id":"c","choices":[{"index":0,"message":{"role":"assistant","content":"whole"},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":5}}"#).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(
        render(&events),
        "text \"whole\"\nfinish stop\nusage in=10 cached=0 out=5 reasoning=0 cost=$0.000020\n"
    );
}

#[tokio::test]
async fn html_instead_of_an_event_stream_is_a_decode_error() {
    let (_, error) = run("<!doctype html><html><head><title>My LLM UI</title></head></html>").await;
    let error = error.unwrap();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    insta::assert_snapshot!("html_instead_of_a_stream", error.to_string());
}

#[tokio::test]
async fn only_keep_alives_then_a_close_is_still_an_early_end() {
    let (_, error) = run(": keep-alive\n\n: keep-alive\n\n").await;
    assert!(
        matches!(error, Some(Error::StreamEndedEarly { .. })),
        "{error:?}"
    );
}
