//! Complete (non-streaming) replies through the simulator.
// Test code: a failed unwrap is a failed assertion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::str::FromStr;

use oac_pricing::{Cost, Decimal};
use oac_provider::{ChatRequest, Error, FinishReason, Provider, StreamEvent};
use oac_testkit::{Fault, Reply, Simulator};
use oac_tests::{collect, profile, provider, render};
use serde_json::json;

fn price(text: &str) -> Option<Decimal> {
    Some(Decimal::from_str(text).unwrap())
}

#[tokio::test]
async fn text_reply_with_usage_cost_and_request_id() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::text("Hello!")
            .usage_tokens(1000, 500)
            .header("x-request-id", "req_123"),
    );
    let mut p = profile(&sim);
    p.model_info_mut().prices.input_price = price("0.15");
    p.model_info_mut().prices.output_price = price("0.60");
    let reply = provider(p)
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    assert_eq!(reply.content, "Hello!");
    assert_eq!(reply.reasoning, None);
    assert_eq!(reply.finish_reason, Some(FinishReason::Stop));
    assert_eq!(reply.request_id.as_deref(), Some("req_123"));
    assert_eq!(reply.model.as_deref(), Some("sim-model"));
    assert_eq!(reply.created, Some(1_700_000_000));
    let usage = reply.usage.unwrap();
    assert_eq!(
        (usage.usage.input_total, usage.usage.output_total),
        (1000, 500)
    );
    assert_eq!(usage.cost.total(), price("0.00045"));
    assert_eq!(usage.raw["total_tokens"], 1500);
}

#[tokio::test]
async fn cost_is_unknown_without_prices() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("x").usage_tokens(10, 10));
    let reply = provider(profile(&sim))
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    assert!(matches!(reply.usage.unwrap().cost, Cost::Unknown(_)));
}

#[tokio::test]
async fn usage_not_reported_is_none_not_zero() {
    let sim = Simulator::start().await;
    sim.push(Reply::json(json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": "x"}, "finish_reason": "stop"}]})));
    let reply = provider(profile(&sim))
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    assert_eq!(reply.content, "x");
    assert!(reply.usage.is_none());
}

#[tokio::test]
async fn a_repaired_usage_carries_its_repairs_streamed_or_not() {
    let sim = Simulator::start().await;
    let broken = json!({"prompt_tokens": -5, "completion_tokens": 7});
    sim.push(Reply::text("x").usage(broken.clone()));
    let reply = provider(profile(&sim))
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    let report = reply.usage.unwrap();
    assert!(report.is_repaired());
    assert_eq!(report.usage.input_total, 0);
    assert_eq!(
        report.repairs[0].to_string(),
        "usage field `prompt_tokens` is -5, not a token count; read as 0"
    );

    sim.push(Reply::text("x").usage(broken));
    let (events, error) = collect(
        provider(profile(&sim))
            .chat_stream(ChatRequest::new().user("Hi"))
            .await
            .unwrap(),
    )
    .await;
    assert!(error.is_none(), "{error:?}");
    let report = events
        .iter()
        .find_map(|event| match event {
            StreamEvent::Usage(report) => Some(report.clone()),
            _ => None,
        })
        .unwrap();
    assert!(report.is_repaired());

    // A sound usage has none.
    sim.push(Reply::text("x").usage_tokens(3, 4));
    let reply = provider(profile(&sim))
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    assert!(!reply.usage.unwrap().is_repaired());
}

#[tokio::test]
async fn deepseek_cache_hits_are_priced_exactly() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("x").usage(json!({
        "prompt_tokens": 102056, "completion_tokens": 252, "total_tokens": 102308,
        "prompt_cache_hit_tokens": 94464, "prompt_cache_miss_tokens": 7592
    })));
    let mut p = profile(&sim);
    p.model_info_mut().prices.input_price = price("0.28");
    p.model_info_mut().prices.cache_read_price = price("0.028");
    p.model_info_mut().prices.output_price = price("0.42");
    let usage = provider(p)
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap()
        .usage
        .unwrap();
    assert_eq!(usage.usage.cache_read, 94_464);
    assert_eq!(usage.cost.total(), price("0.004876592"));
}

#[tokio::test]
async fn reasoning_from_reasoning_content() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("42").reasoning_content("Think hard."));
    let reply = provider(profile(&sim))
        .chat(ChatRequest::new().user("Q"))
        .await
        .unwrap();
    assert_eq!(
        (reply.content.as_str(), reply.reasoning.as_deref()),
        ("42", Some("Think hard."))
    );
}

#[tokio::test]
async fn reasoning_from_the_reasoning_field() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("42").reasoning_field("OpenRouter style."));
    let reply = provider(profile(&sim))
        .chat(ChatRequest::new().user("Q"))
        .await
        .unwrap();
    assert_eq!(
        (reply.content.as_str(), reply.reasoning.as_deref()),
        ("42", Some("OpenRouter style."))
    );
}

#[tokio::test]
async fn reasoning_from_think_tags() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("\n<think>\nin tags\n</think>\n\n42"));
    let reply = provider(profile(&sim))
        .chat(ChatRequest::new().user("Q"))
        .await
        .unwrap();
    assert_eq!(
        (reply.content.as_str(), reply.reasoning.as_deref()),
        ("42", Some("\nin tags\n"))
    );
}

#[tokio::test]
async fn think_tags_kept_when_parsing_is_off() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("<think>x</think>42"));
    let mut p = profile(&sim);
    p = p.with_parse_think_tags(false);
    let reply = provider(p)
        .chat(ChatRequest::new().user("Q"))
        .await
        .unwrap();
    assert_eq!(
        (reply.content.as_str(), reply.reasoning),
        ("<think>x</think>42", None)
    );
}

#[tokio::test]
async fn tool_calls_in_a_complete_reply() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::new()
            .tool_call("call_1", "get_weather", r#"{"city":"Paris"}"#)
            .tool_call("call_2", "get_time", r#"{"tz":"CET"}"#),
    );
    let reply = provider(profile(&sim))
        .chat(ChatRequest::new().user("Q"))
        .await
        .unwrap();
    assert_eq!(reply.finish_reason, Some(FinishReason::ToolCalls));
    let calls: Vec<_> = reply
        .tool_calls
        .iter()
        .map(|c| (c.id.as_str(), c.name.as_str(), c.arguments.as_str()))
        .collect();
    assert_eq!(
        calls,
        [
            ("call_1", "get_weather", r#"{"city":"Paris"}"#),
            ("call_2", "get_time", r#"{"tz":"CET"}"#)
        ]
    );
    assert_eq!(
        reply.tool_calls[0].arguments_json().unwrap(),
        json!({"city": "Paris"})
    );
}

#[tokio::test]
async fn unknown_fields_are_kept() {
    let sim = Simulator::start().await;
    sim.push(Reply::json(json!({
        "id": "x", "system_fingerprint": "fp_1", "citations": ["https://a"],
        "choices": [{"index": 0, "logprobs": {"content": []},
                     "message": {"role": "assistant", "content": "ok", "refusal": null, "annotations": [{"type": "url"}]},
                     "finish_reason": "stop"}]
    })));
    let reply = provider(profile(&sim))
        .chat(ChatRequest::new().user("Q"))
        .await
        .unwrap();
    assert_eq!(reply.extra["system_fingerprint"], "fp_1");
    assert_eq!(reply.extra["citations"], json!(["https://a"]));
    assert_eq!(reply.message_extra["annotations"], json!([{"type": "url"}]));
    assert_eq!(reply.message_extra["logprobs"], json!({"content": []}));
}

/// A tool-calling reply with reasoning, then the conversation continued with it;
/// the messages of the second request.
async fn continued_conversation(model: &str) -> Vec<serde_json::Value> {
    let sim = Simulator::start().await;
    sim.push(
        Reply::new()
            .reasoning_content("r")
            .tool_call("call_1", "f", "{}"),
    );
    // Through the config crate, which decides the DeepSeek rules from the id.
    let profile = oac_config::ProfileBuilder::new()
        .base_url(sim.base_url())
        .model(model)
        .build()
        .unwrap();
    let provider = provider(profile);
    let first = provider.chat(ChatRequest::new().user("Q")).await.unwrap();
    assert_eq!(first.reasoning.as_deref(), Some("r"));
    let next = ChatRequest::new()
        .user("Q")
        .message(first.to_message())
        .tool_result("call_1", "done");
    provider.chat(next).await.unwrap();
    let messages = sim.chat_requests()[1]
        .body_at("/messages")
        .cloned()
        .unwrap();
    messages.as_array().unwrap().clone()
}

#[tokio::test]
async fn the_reply_continues_the_conversation_without_its_reasoning() {
    // Groq, OpenAI, Mistral… reject unknown message fields: the reasoning stays home.
    let messages = continued_conversation("sim-model").await;
    assert_eq!(
        messages[1],
        json!({"role": "assistant",
               "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]})
    );
    assert_eq!(
        messages[2],
        json!({"role": "tool", "tool_call_id": "call_1", "content": "done"})
    );
}

#[tokio::test]
async fn a_deepseek_reasoner_tool_loop_sends_the_reasoning_back() {
    let messages = continued_conversation("deepseek-reasoner").await;
    assert_eq!(
        messages[1],
        json!({"role": "assistant", "reasoning_content": "r",
               "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]})
    );
}

#[tokio::test]
async fn a_server_that_streams_anyway_is_read() {
    let sim = Simulator::start().await;
    let sse = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"streamed\"}}]}\n\ndata: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    sim.push(Reply::raw_sse(sse));
    let reply = provider(profile(&sim))
        .chat(ChatRequest::new().user("Q"))
        .await
        .unwrap();
    assert_eq!(reply.content, "streamed");
    assert_eq!(reply.finish_reason, Some(FinishReason::Stop));
}

#[tokio::test]
async fn a_json_answer_to_a_stream_request_is_replayed_as_events() {
    let sim = Simulator::start().await;
    sim.push(Reply::json(json!({
        "id": "c", "choices": [{"index": 0, "message": {"role": "assistant", "content": "whole", "reasoning_content": "r"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 1}
    })));
    let stream = provider(profile(&sim))
        .chat_stream(ChatRequest::new().user("Q"))
        .await
        .unwrap();
    assert_eq!(stream.metadata().id.as_deref(), Some("c"));
    let (events, error) = collect(stream).await;
    assert!(error.is_none());
    assert_eq!(
        render(&events),
        "reasoning \"r\"\ntext \"whole\"\nfinish stop\nusage in=3 cached=0 out=1 reasoning=0 cost=unknown (input_price and output_price are not set)\n"
    );
    assert!(matches!(events[1], StreamEvent::TextDelta(_)));
}

#[tokio::test]
async fn an_error_object_in_a_200_body_is_a_typed_error() {
    let sim = Simulator::start().await;
    sim.push(Reply::fault(Fault::EventError(
        json!({"error": {"message": "Upstream overloaded", "code": 503}}),
    )));
    // (Without retries: a retryable error in a success body is retried, see retries.rs.)
    let mut p = profile(&sim);
    p = p.with_max_retries(0);
    let err = provider(p)
        .chat(ChatRequest::new().user("Q"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ServerError { .. }), "{err:?}");
    assert_eq!(err.provider_message(), Some("Upstream overloaded"));
    assert_eq!(err.status(), Some(200));
}

#[tokio::test]
async fn a_body_without_choices_is_a_decode_error() {
    let sim = Simulator::start().await;
    sim.push(Reply::json(json!({"id": "x", "choices": []})));
    let err = provider(profile(&sim))
        .chat(ChatRequest::new().user("Q"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

/// The longest durations the API takes (`Duration::MAX`) mean "no deadline", on
/// every path: `Timeouts::new`, the facade's builder, streamed and complete replies,
/// an idle timer re-armed between chunks.
#[tokio::test]
async fn the_longest_timeouts_work_without_panicking() {
    use std::time::Duration;
    let sim = Simulator::start().await;
    let huge = oac_provider::Timeouts::new(Duration::MAX, Duration::MAX, Duration::MAX);
    let provider = provider(profile(&sim).with_timeouts(huge));
    sim.push(Reply::text("one"));
    assert_eq!(
        provider
            .chat(ChatRequest::new().user("Q"))
            .await
            .unwrap()
            .content,
        "one"
    );
    sim.push(
        Reply::text("two three")
            .text_chunk_chars(2)
            .delay(Duration::from_millis(5)),
    );
    let stream = provider
        .chat_stream(ChatRequest::new().user("Q"))
        .await
        .unwrap();
    let (events, error) = collect(stream).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(oac_tests::text_of(&events), "two three");

    let client = oac::Client::builder()
        .base_url(sim.base_url())
        .model("sim-model")
        .timeout(Duration::MAX)
        .connect_timeout(Duration::MAX)
        .stream_idle_timeout(Duration::MAX)
        .build()
        .unwrap();
    sim.push(Reply::text("four"));
    let reply = client.send(ChatRequest::new().user("Q")).await.unwrap();
    assert_eq!(reply.content, "four");
}

// ---- reach: is the server there at all --------------------------------------------------

#[tokio::test]
async fn reach_is_one_head_of_the_chat_url_and_any_status_means_the_server_is_there() {
    let sim = Simulator::start().await;
    let provider = provider(profile(&sim));
    let reach = provider.reach().await.unwrap();
    assert!(
        matches!(reach, oac_provider::Reach::Answered { status } if status >= 400),
        "{reach:?}"
    );
    let requests = sim.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].method, "HEAD");
    assert!(
        requests[0].path.ends_with("/chat/completions"),
        "{requests:?}"
    );
    assert!(requests[0].body.is_none());
}

#[tokio::test]
async fn reach_of_a_closed_port_is_the_connection_error_a_chat_gets_never_retried() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let config = oac_tests::profile_for(&format!("http://127.0.0.1:{port}/v1"), "m");
    let error = provider(config).reach().await.unwrap_err();
    assert_eq!(error.kind(), oac_provider::ErrorKind::Connection, "{error}");
    assert!(error.to_string().contains(&port.to_string()), "{error}");
}
