//! The Responses API end to end, through the facade over the simulator's
//! `/v1/responses`: a multi-turn tool loop with encrypted reasoning carried back,
//! streamed and not, with exact usage and cost; the same caller code over chat
//! completions and the Responses API; typed errors, incomplete replies and cuts.
// Test code: a failed unwrap is a failed assertion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use oac::{
    ApiChoice, ChatResponse, Client, ErrorKind, FinishReason, ReasoningSummary, StreamEvent,
    WireApi,
};
use oac_pricing::Decimal;
use oac_testkit::{Fault, Reply, Simulator, fixtures};
use serde_json::{Value, json};

const BLOB: &str = "gAAAAAB-sim-encrypted-reasoning";

fn client(sim: &Simulator, api: ApiChoice) -> Client {
    Client::builder()
        .base_url(sim.base_url())
        .model("gpt-5")
        .profile(|p| {
            p.api(api)
                .discover_model_info(false)
                .model_info(model_info())
        })
        .build()
        .unwrap()
}

/// A reasoning model priced like gpt-5: $1.25 in, $0.125 cached, $10 out per 1M.
fn model_info() -> oac::ModelInfo {
    let mut info = oac::ModelInfo::compatible_default();
    info.supports_reasoning_effort = oac::provider::EffortSupport::Yes;
    info.prices.input_price = dec("1.25");
    info.prices.cache_read_price = dec("0.125");
    info.prices.output_price = dec("10");
    info
}

/// The whole reply to `ask`: streamed and collected when `stream`, else sent.
async fn reply_of(ask: oac::ChatBuilder<'_>, stream: bool) -> ChatResponse {
    if stream {
        ask.stream()
            .await
            .unwrap()
            .collect_response()
            .await
            .unwrap()
    } else {
        ask.send().await.unwrap()
    }
}

fn dec(text: &str) -> Option<Decimal> {
    Some(text.parse().unwrap())
}

/// The caller's loop, the same whatever the API: ask, run the tool the model
/// calls, send its result back with the model's message, read the answer.
async fn tool_loop(client: &Client, stream: bool) -> (ChatResponse, ChatResponse) {
    let ask = |history: Vec<oac::Message>| {
        client
            .chat()
            .system("You are terse.")
            .user("Weather in Paris?")
            .messages(history)
            .tool(oac_tests::weather_tool())
            .with_request(|r| r.reasoning_summary(ReasoningSummary::Auto))
    };
    let first = reply_of(ask(Vec::new()), stream).await;
    let call = first.tool_calls[0].clone();
    let history = vec![
        first.to_message(),
        oac::Message::tool(call.id.clone(), r#"{"temp_c":18}"#),
    ];
    let second = reply_of(ask(history), stream).await;
    (first, second)
}

fn push_tool_loop(sim: &Simulator) {
    sim.push(
        Reply::new()
            .reasoning_content("The user wants the weather: call the tool.")
            .encrypted_reasoning(BLOB)
            .tool_call("call_1", "get_weather", r#"{"city":"Paris"}"#)
            .usage_tokens_detailed(300, 100, 50, 30),
    );
    sim.push(
        Reply::new()
            .reasoning_content("18 degrees: answer.")
            .content("18 °C in Paris.")
            .usage_tokens_detailed(400, 300, 20, 8),
    );
}

/// The second request's body, as the simulator received it.
fn body(sim: &Simulator, nth: usize) -> Value {
    sim.responses_requests()[nth].body.clone().unwrap()
}

#[tokio::test]
async fn a_tool_loop_with_encrypted_reasoning_runs_over_the_responses_api_streamed_and_not() {
    for stream in [false, true] {
        let sim = Simulator::start().await;
        push_tool_loop(&sim);
        let client = client(&sim, ApiChoice::Responses);
        let (first, second) = tool_loop(&client, stream).await;

        assert_eq!(
            first.finish_reason,
            Some(FinishReason::ToolCalls),
            "stream {stream}"
        );
        assert_eq!(first.tool_calls[0].arguments, r#"{"city":"Paris"}"#);
        assert_eq!(
            first.reasoning.as_deref(),
            Some("The user wants the weather: call the tool.")
        );
        assert_eq!(first.reasoning_items.len(), 1, "stream {stream}");
        assert_eq!(
            first.reasoning_items[0].encrypted_content.as_deref(),
            Some(BLOB)
        );
        assert_eq!(second.text(), "18 °C in Paris.");
        assert_eq!(second.finish_reason, Some(FinishReason::Stop));

        // What went out: no server state, encrypted reasoning asked for, and on the
        // second turn the reasoning item, the call and its output as input items.
        assert_eq!(sim.responses_request_count(), 2);
        assert_eq!(sim.chat_request_count(), 0);
        let first_body = body(&sim, 0);
        assert_eq!(first_body["store"], json!(false));
        assert_eq!(
            first_body["include"],
            json!(["reasoning.encrypted_content"])
        );
        assert_eq!(first_body["instructions"], json!("You are terse."));
        assert_eq!(first_body["stream"].as_bool().unwrap_or(false), stream);
        let input = body(&sim, 1)["input"].as_array().unwrap().clone();
        let kinds: Vec<&str> = input
            .iter()
            .map(|item| item["type"].as_str().or(item["role"].as_str()).unwrap())
            .collect();
        assert_eq!(
            kinds,
            ["user", "reasoning", "function_call", "function_call_output"]
        );
        assert_eq!(input[1]["encrypted_content"], json!(BLOB));
        assert_eq!(input[2]["call_id"], json!("call_1"));
        assert_eq!(input[3]["call_id"], json!("call_1"));
        assert_eq!(input[3]["output"], json!(r#"{"temp_c":18}"#));

        // Exact usage and cost: (300 − 100) × 1.25 + 100 × 0.125 + 50 × 10 per
        // million, and (400 − 300) × 1.25 + 300 × 0.125 + 20 × 10.
        let one = first.usage.unwrap();
        assert_eq!((one.usage.input_total, one.usage.cache_read), (300, 100));
        assert_eq!((one.usage.output_total, one.usage.reasoning), (50, 30));
        assert_eq!(one.cost.total(), dec("0.0007625"), "stream {stream}");
        let two = second.usage.unwrap();
        assert_eq!(two.cost.total(), dec("0.0003625"), "stream {stream}");
        let total = client.tracker().cost();
        assert!(total.is_complete());
        assert_eq!(Some(total.known), dec("0.001125"), "stream {stream}");
    }
}

#[tokio::test]
async fn the_same_caller_code_runs_over_chat_completions_and_the_responses_api() {
    for (api, path) in [
        (ApiChoice::Chat, "/v1/chat/completions"),
        (ApiChoice::Responses, "/v1/responses"),
    ] {
        for stream in [false, true] {
            let sim = Simulator::start().await;
            push_tool_loop(&sim);
            let (first, second) = tool_loop(&client(&sim, api), stream).await;
            let label = format!("{api} stream {stream}");
            assert_eq!(first.tool_calls[0].name, "get_weather", "{label}");
            assert_eq!(second.text(), "18 °C in Paris.", "{label}");
            assert_eq!(second.usage.unwrap().usage.output_total, 20, "{label}");
            let paths: Vec<String> = sim.requests().iter().map(|r| r.path.clone()).collect();
            assert_eq!(paths, [path, path], "{label}");
        }
    }
}

#[tokio::test]
async fn streamed_events_are_the_chat_paths_events_in_the_same_order() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::new()
            .reasoning_content("Think.")
            .content("Hi there")
            .text_chunk_chars(3)
            .usage_tokens(10, 4),
    );
    let client = client(&sim, ApiChoice::Responses);
    let mut stream = client.chat().user("Hi").stream().await.unwrap();
    let mut kinds = Vec::new();
    let mut text = String::new();
    while let Some(event) = stream.next().await {
        match event.unwrap() {
            StreamEvent::TextDelta(t) => {
                text.push_str(&t);
                kinds.push("text");
            }
            StreamEvent::ReasoningDelta(_) => kinds.push("reasoning"),
            StreamEvent::Reasoning(_) => kinds.push("reasoning item"),
            StreamEvent::Finish(_) => kinds.push("finish"),
            StreamEvent::Usage(_) => kinds.push("usage"),
            _ => {}
        }
    }
    kinds.dedup();
    assert_eq!(text, "Hi there");
    assert_eq!(
        kinds,
        ["reasoning", "reasoning item", "text", "finish", "usage"]
    );
}

#[tokio::test]
async fn the_recorded_reference_stream_decodes() {
    let sim = Simulator::start().await;
    sim.push(Reply::raw_sse(fixtures::RESPONSES_REFERENCE_STREAM));
    let client = client(&sim, ApiChoice::Responses);
    let reply = client
        .chat()
        .user("Hi")
        .stream()
        .await
        .unwrap()
        .collect_response()
        .await
        .unwrap();
    assert_eq!(reply.text(), fixtures::RESPONSES_REFERENCE_TEXT);
    assert_eq!(
        reply.reasoning.as_deref(),
        Some(fixtures::RESPONSES_REFERENCE_SUMMARY)
    );
    let (call_id, name, arguments) = fixtures::RESPONSES_REFERENCE_CALL;
    let call = &reply.tool_calls[0];
    assert_eq!(
        (
            call.id.as_str(),
            call.name.as_str(),
            call.arguments.as_str()
        ),
        (call_id, name, arguments)
    );
    assert!(reply.usage.is_some());
}

#[tokio::test]
async fn incomplete_and_failed_replies_are_finish_reasons_and_typed_errors() {
    let sim = Simulator::start().await;
    let client = client(&sim, ApiChoice::Responses);
    for stream in [false, true] {
        sim.push(Reply::text("Once upon a time").incomplete("max_output_tokens"));
        let reply = reply_of(client.chat().user("story"), stream).await;
        assert_eq!(
            reply.finish_reason,
            Some(FinishReason::Length),
            "stream {stream}"
        );
        assert_eq!(reply.text(), "Once upon a time");

        sim.push(Reply::text("x").incomplete("content_filter"));
        let reply = client.chat().user("x").send().await.unwrap();
        assert_eq!(reply.finish_reason, Some(FinishReason::ContentFilter));

        sim.push_n(
            Reply::text("x").failed("rate_limit_exceeded", "Rate limit reached"),
            3,
        );
        let error = if stream {
            match client.chat().user("x").stream().await {
                Ok(stream) => stream.collect_response().await.unwrap_err(),
                Err(error) => error,
            }
        } else {
            client.chat().user("x").send().await.unwrap_err()
        };
        assert_eq!(
            error.kind(),
            ErrorKind::RateLimited,
            "stream {stream}: {error}"
        );
        sim.clear_replies();
    }
}

#[tokio::test]
async fn http_errors_and_cut_streams_keep_their_kinds() {
    let sim = Simulator::builder().api_key("sk-right").start().await;
    let wrong = Client::builder()
        .base_url(sim.base_url())
        .api_key("sk-wrong")
        .model("gpt-5")
        .profile(|p| p.api(ApiChoice::Responses).discover_model_info(false))
        .build()
        .unwrap();
    let error = wrong.chat().user("x").send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidApiKey, "{error}");

    let sim = Simulator::start().await;
    sim.push(Reply::text("partial answer here").with_fault(Fault::CutAfterEvents(4)));
    let client = client(&sim, ApiChoice::Responses);
    let error = client
        .chat()
        .user("x")
        .stream()
        .await
        .unwrap()
        .collect_response()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::StreamEndedEarly, "{error}");
}

#[tokio::test]
async fn an_azure_deployment_url_sends_the_deployment_as_the_model() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("ok"));
    let url = format!("{}/openai/deployments/gpt5-prod", sim.url(""));
    let client = Client::builder()
        .base_url(url)
        .profile(|p| {
            p.provider(oac::ProviderChoice::Compatible)
                .azure(oac::AzureSettings::default())
        })
        .api_key("k")
        .model("gpt-5")
        .profile(|p| p.api(ApiChoice::Responses).discover_model_info(false))
        .build()
        .unwrap();
    assert_eq!(client.provider().endpoints().stated_api, None);
    let reply = client.chat().user("x").send().await.unwrap();
    assert_eq!(reply.text(), "ok");
    let request = &sim.responses_requests()[0];
    assert!(
        request.path.ends_with("/openai/responses"),
        "{}",
        request.path
    );
    assert_eq!(request.body.as_ref().unwrap()["model"], json!("gpt5-prod"));
    assert_eq!(WireApi::Responses.as_str(), "responses");
}

#[tokio::test]
async fn the_usage_recorder_names_the_responses_api() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("ok").usage_tokens(10, 2));
    let records = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = records.clone();
    let client = Client::builder()
        .base_url(sim.base_url())
        .model("gpt-5")
        .profile(|p| {
            p.api(ApiChoice::Responses)
                .discover_model_info(false)
                .model_info(model_info())
        })
        .usage_recorder(move |record: &oac::RequestRecord| {
            sink.lock().unwrap().push(record.clone())
        })
        .build()
        .unwrap();
    client.chat().user("x").send().await.unwrap();
    let records = records.lock().unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].api, "responses");
    assert_eq!(records[0].usage.as_ref().unwrap().output_total, 2);
}

/// gpt-5's prices with its flex sheet ($0.625 in, $0.0625 cached, $5 out per 1M).
fn model_info_with_flex() -> oac::ModelInfo {
    let mut info = model_info();
    let flex = oac::ModelPrices::new()
        .with_input_price("0.625".parse().unwrap())
        .with_cache_read_price("0.0625".parse().unwrap())
        .with_output_price(Decimal::from(5));
    info.prices = info.prices.with_service_tier("flex", flex);
    info
}

#[tokio::test]
async fn a_flex_request_is_priced_at_flex_prices_over_both_apis_streamed_and_not() {
    for api in [ApiChoice::Chat, ApiChoice::Responses] {
        for stream in [false, true] {
            let sim = Simulator::start().await;
            sim.push(Reply::text("Cheap.").usage_tokens_detailed(1_000_000, 200_000, 100_000, 0));
            let client = Client::builder()
                .base_url(sim.base_url())
                .model("gpt-5")
                .profile(|p| {
                    p.api(api)
                        .discover_model_info(false)
                        .model_info(model_info_with_flex())
                })
                .build()
                .unwrap();
            let ask = client
                .chat()
                .user("Be cheap")
                .with_request(|r| r.service_tier(oac::ServiceTier::Flex));
            let reply = reply_of(ask, stream).await;
            let report = reply.usage.expect("usage");
            assert_eq!(report.usage.service_tier.as_deref(), Some("flex"));
            // 800k × 0.625 + 200k × 0.0625 + 100k × 5, per 1M.
            assert_eq!(
                report.cost.total(),
                dec("1.0125"),
                "{api:?} stream={stream}"
            );
            let sent = match api {
                ApiChoice::Responses => body(&sim, 0),
                _ => sim.requests()[0].body.clone().unwrap(),
            };
            assert_eq!(sent["service_tier"], "flex", "{api:?}");
        }
    }
}

#[tokio::test]
async fn a_tier_without_prices_has_an_unknown_cost_never_the_standard_one() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("Fast.").usage_tokens(1_000, 10));
    let client = client(&sim, ApiChoice::Responses);
    let reply = client
        .chat()
        .user("Be fast")
        .with_request(|r| r.service_tier(oac::ServiceTier::Priority))
        .send()
        .await
        .unwrap();
    let report = reply.usage.expect("usage");
    assert_eq!(report.cost.total(), None);
    assert_eq!(
        report.cost.to_string(),
        "unknown (service tier priority has no prices (`service_tiers.priority`))"
    );
    assert_eq!(client.tracker().cost().known, Decimal::ZERO);
    assert_eq!(
        client.tracker().cost().to_string(),
        "unknown (1 request without prices)"
    );
}
