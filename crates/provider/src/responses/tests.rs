//! The Responses API path: bodies pinned by snapshots, and recorded event
//! sequences decoded into the chat path's events.

use oac_pricing::ModelPrices;
use oac_url::{ResolveOptions, WireApi, resolve};
use serde_json::{Value, json};

use super::shape::build_responses_body;
use crate::decode::EventDecoder;
use crate::model::{EffortSupport, ModelInfo, ReasoningEffort};
use crate::options::{ReasoningSummary, ServiceTier, Verbosity};
use crate::request::{ChatRequest, ContentPart, Message, ResponseFormat, Tool, ToolCall};
use crate::response::{FinishReason, ReasoningItem, StreamEvent};
use crate::settings::{CompatibleRules, ProviderConfig};
use crate::shaping::ShapingRules;
use crate::{Error, ErrorKind};

fn rules(effort: EffortSupport) -> ShapingRules {
    let endpoints = resolve("https://api.example.com/v1", &ResolveOptions::default()).unwrap();
    let mut info = ModelInfo::compatible_default();
    info.supports_reasoning_effort = effort;
    info.supports_images = true;
    let config = ProviderConfig::new(endpoints, "gpt-5").with_model_info(info);
    ShapingRules::compatible(&config, &CompatibleRules::default())
}

fn weather() -> Tool {
    Tool::function(
        "get_weather",
        "The weather in a city",
        json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
    )
}

/// Turn two of a tool loop: the call, its result, reasoning passed back.
fn second_turn() -> ChatRequest {
    let call = ToolCall::new("call_1", "get_weather", r#"{"city":"Paris"}"#);
    let mut reasoning = ReasoningItem::new(Some("rs_1".into()), Some("gAAAAB-opaque".into()));
    reasoning.summary = vec!["The user wants the weather.".into()];
    ChatRequest::new()
        .system("You are terse.")
        .user(vec![
            ContentPart::text("Weather in Paris? See the photo."),
            ContentPart::image_url("https://example.com/paris.png"),
        ])
        .message(Message::Assistant {
            content: None,
            tool_calls: vec![call],
            reasoning_content: Some("The user wants the weather.".into()),
            reasoning_items: vec![reasoning],
        })
        .tool_result("call_1", r#"{"temp_c":18}"#)
        .tool(weather())
        .max_tokens(200)
        .reasoning_effort(ReasoningEffort::Low)
        .reasoning_summary(ReasoningSummary::Auto)
        .verbosity(Verbosity::Low)
        .service_tier(ServiceTier::Flex)
}

#[test]
fn a_tool_loop_turn_is_shaped_as_input_items() {
    let body =
        build_responses_body(&rules(EffortSupport::Yes), &second_turn(), "gpt-5", true).unwrap();
    insta::with_settings!({sort_maps => true, prepend_module_to_snapshot => false}, {
        insta::assert_json_snapshot!("responses_tool_loop_body", Value::Object(body));
    });
}

#[test]
fn store_and_previous_response_id_opt_into_server_state() {
    let request = ChatRequest::new()
        .user("Go on")
        .previous_response_id("resp_1");
    let body = build_responses_body(&rules(EffortSupport::Yes), &request, "gpt-5", false).unwrap();
    assert_eq!(body["store"], json!(true));
    assert_eq!(body["previous_response_id"], json!("resp_1"));
    assert!(!body.contains_key("include"));
    assert!(!body.contains_key("stream"));
    // A model that does not reason gets no encrypted reasoning asked for.
    let plain = build_responses_body(
        &rules(EffortSupport::No),
        &ChatRequest::new().user("Hi"),
        "m",
        false,
    )
    .unwrap();
    assert_eq!(plain["store"], json!(false));
    assert!(!plain.contains_key("include"));
}

#[test]
fn json_schema_goes_in_text_format() {
    let request = ChatRequest::new()
        .user("x")
        .response_format(ResponseFormat::json_schema(
            "answer",
            json!({"type": "object"}),
        ));
    let body = build_responses_body(&rules(EffortSupport::No), &request, "m", false).unwrap();
    assert_eq!(
        body["text"],
        json!({"format": {"type": "json_schema", "name": "answer", "schema": {"type": "object"}}})
    );
}

#[test]
fn stop_and_seed_are_refused_with_what_to_do() {
    for request in [
        ChatRequest::new().user("x").stop("END"),
        ChatRequest::new().user("x").seed(7),
    ] {
        let error =
            build_responses_body(&rules(EffortSupport::No), &request, "m", false).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidRequest);
        assert!(error.to_string().contains("api = \"chat\""), "{error}");
    }
}

/// Every event of a recorded stream fed byte by byte, then at once.
fn decode(stream: &str) -> Vec<Result<StreamEvent, Error>> {
    let mut whole = Vec::new();
    for split in [1, stream.len()] {
        let mut decoder =
            EventDecoder::with_options(false, prices(), 1 << 20).with_api(WireApi::Responses);
        let mut events = Vec::new();
        for piece in stream.as_bytes().chunks(split) {
            decoder.feed(piece);
            while let Some(event) = decoder.next_event() {
                events.push(event);
            }
        }
        decoder.end_of_input();
        while let Some(event) = decoder.next_event() {
            events.push(event);
        }
        if split == 1 {
            whole = events;
        } else {
            assert_eq!(
                format!("{whole:?}"),
                format!("{events:?}"),
                "split-dependent output"
            );
        }
    }
    whole
}

fn prices() -> ModelPrices {
    let price = |text: &str| text.parse::<oac_pricing::Decimal>().unwrap();
    ModelPrices::new()
        .with_input_price(price("1.25"))
        .with_output_price(price("10"))
        .with_cache_read_price(price("0.125"))
}

fn sse(events: &[Value]) -> String {
    events
        .iter()
        .map(|e| format!("event: {}\ndata: {}\n\n", e["type"].as_str().unwrap(), e))
        .collect()
}

/// A reasoning summary, a function call and usage, in OpenAI's event order.
fn tool_call_stream() -> String {
    sse(&[
        json!({"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","created_at":1741476542,"status":"in_progress","model":"gpt-5-2025-08-07","output":[],"usage":null}}),
        json!({"type":"response.in_progress","sequence_number":1,"response":{"id":"resp_1","object":"response","created_at":1741476542,"status":"in_progress","model":"gpt-5-2025-08-07","output":[]}}),
        json!({"type":"response.output_item.added","sequence_number":2,"output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[]}}),
        json!({"type":"response.reasoning_summary_part.added","sequence_number":3,"item_id":"rs_1","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":""}}),
        json!({"type":"response.reasoning_summary_text.delta","sequence_number":4,"item_id":"rs_1","output_index":0,"summary_index":0,"delta":"Need the "}),
        json!({"type":"response.reasoning_summary_text.delta","sequence_number":5,"item_id":"rs_1","output_index":0,"summary_index":0,"delta":"weather."}),
        json!({"type":"response.reasoning_summary_text.done","sequence_number":6,"item_id":"rs_1","output_index":0,"summary_index":0,"text":"Need the weather."}),
        json!({"type":"response.reasoning_summary_part.done","sequence_number":7,"item_id":"rs_1","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":"Need the weather."}}),
        json!({"type":"response.output_item.done","sequence_number":8,"output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"Need the weather."}],"encrypted_content":"gAAAAB-opaque"}}),
        json!({"type":"response.output_item.added","sequence_number":9,"output_index":1,"item":{"id":"fc_1","type":"function_call","status":"in_progress","arguments":"","call_id":"call_1","name":"get_weather"}}),
        json!({"type":"response.function_call_arguments.delta","sequence_number":10,"item_id":"fc_1","output_index":1,"delta":"{\"city\":"}),
        json!({"type":"response.function_call_arguments.delta","sequence_number":11,"item_id":"fc_1","output_index":1,"delta":"\"Paris\"}"}),
        json!({"type":"response.function_call_arguments.done","sequence_number":12,"item_id":"fc_1","output_index":1,"arguments":"{\"city\":\"Paris\"}"}),
        json!({"type":"response.output_item.done","sequence_number":13,"output_index":1,"item":{"id":"fc_1","type":"function_call","status":"completed","arguments":"{\"city\":\"Paris\"}","call_id":"call_1","name":"get_weather"}}),
        json!({"type":"response.web_search_call.searching","sequence_number":14,"output_index":2,"item_id":"ws_1"}),
        json!({"type":"response.completed","sequence_number":15,"response":{"id":"resp_1","object":"response","created_at":1741476542,"status":"completed","model":"gpt-5-2025-08-07","output":[],"usage":{"input_tokens":300,"input_tokens_details":{"cached_tokens":100},"output_tokens":50,"output_tokens_details":{"reasoning_tokens":30},"total_tokens":350}}}),
    ])
}

#[test]
fn a_tool_call_stream_gives_the_chat_paths_events() {
    let events: Vec<StreamEvent> = decode(&tool_call_stream())
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let reasoning: String = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::ReasoningDelta(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(reasoning, "Need the weather.");
    let item = events.iter().find_map(|e| match e {
        StreamEvent::Reasoning(item) => Some(item),
        _ => None,
    });
    assert_eq!(
        item.unwrap().encrypted_content.as_deref(),
        Some("gAAAAB-opaque")
    );
    let call = events.iter().find_map(|e| match e {
        StreamEvent::ToolCall(call) => Some(call),
        _ => None,
    });
    let call = call.unwrap();
    assert_eq!(
        (call.id.as_str(), call.name.as_str()),
        ("call_1", "get_weather")
    );
    assert_eq!(call.arguments, r#"{"city":"Paris"}"#);
    assert!(events.contains(&StreamEvent::Finish(FinishReason::ToolCalls)));
    let unknown = events.iter().any(|e| matches!(e, StreamEvent::Extra(m) if m.contains_key("response.web_search_call.searching")));
    assert!(unknown, "unknown event types are kept");
    let Some(StreamEvent::Usage(usage)) = events.last() else {
        panic!("usage comes last: {events:?}")
    };
    assert_eq!(usage.usage.input_total, 300);
    assert_eq!(usage.usage.cache_read, 100);
    assert_eq!(usage.usage.reasoning, 30);
    // 200 × 1.25 + 100 × 0.125 + 50 × 10 per million = 0.0007625
    assert_eq!(usage.cost.total(), Some("0.0007625".parse().unwrap()));
}

#[test]
fn an_incomplete_response_finishes_with_its_reason() {
    let stream = sse(&[
        json!({"type":"response.output_text.delta","output_index":0,"delta":"Once upon"}),
        json!({"type":"response.incomplete","response":{"status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"usage":{"input_tokens":5,"output_tokens":16}}}),
    ]);
    let events: Vec<StreamEvent> = decode(&stream).into_iter().map(Result::unwrap).collect();
    assert_eq!(events[0], StreamEvent::TextDelta("Once upon".into()));
    assert!(events.contains(&StreamEvent::Finish(FinishReason::Length)));
}

#[test]
fn failed_responses_and_error_events_are_typed_errors() {
    let failed = sse(&[
        json!({"type":"response.failed","response":{"status":"failed","error":{"code":"rate_limit_exceeded","message":"Rate limit reached"}}}),
    ]);
    let error = decode(&failed).pop().unwrap().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RateLimited, "{error}");
    let event = sse(&[
        json!({"type":"error","code":"context_length_exceeded","message":"Your input exceeds the context window of this model.","param":"input","sequence_number":1}),
    ]);
    let error = decode(&event).pop().unwrap().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ContextTooLong, "{error}");
}

#[test]
fn a_stream_cut_before_its_terminal_event_ended_early() {
    let stream = sse(&[json!({"type":"response.output_text.delta","output_index":0,"delta":"Hi"})]);
    let mut events = decode(&stream);
    let last = events.pop().unwrap().unwrap_err();
    assert!(matches!(last, Error::StreamEndedEarly { .. }), "{last:?}");
}

#[test]
fn a_server_that_streams_only_the_terminal_event_is_read_whole() {
    let stream = sse(&[
        json!({"type":"response.completed","response":{"status":"completed","output":[
        {"type":"message","content":[{"type":"output_text","text":"Whole"}]}],"usage":{"input_tokens":1,"output_tokens":1}}}),
    ]);
    let events: Vec<StreamEvent> = decode(&stream).into_iter().map(Result::unwrap).collect();
    assert_eq!(events[0], StreamEvent::TextDelta("Whole".into()));
}

#[test]
fn a_malformed_event_is_a_decode_error_not_a_panic() {
    let error = decode("data: {\"type\":\n\n").pop().unwrap().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
}
