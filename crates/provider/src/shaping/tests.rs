//! One test per shaping rule; snapshots pin the body of each option combination.

use oac_url::{ResolveOptions, resolve};
use serde_json::{Value, json};

use super::*;
use crate::model::{EffortSupport, ModelInfo, ReasoningEffort};
use crate::request::{
    ChatRequest, ContentPart, Image, ImageSource, Message, ResponseFormat, Tool, ToolCall,
    ToolChoice,
};

/// The settings a test changes, turned into a [`ProviderConfig`] and
/// [`CompatibleRules`] by [`compatible`].
#[derive(Clone)]
struct Profile {
    model: String,
    r1_format: bool,
    send_reasoning_content: bool,
    max_tokens: Option<u32>,
    temperature: Option<f64>,
    reasoning_effort: Option<ReasoningEffort>,
    include_max_tokens: bool,
    max_tokens_field: MaxTokensField,
    include_usage: IncludeUsage,
    model_info: ModelInfo,
}

fn profile(model: &str) -> Profile {
    Profile {
        model: model.to_owned(),
        r1_format: false,
        send_reasoning_content: false,
        max_tokens: None,
        temperature: None,
        reasoning_effort: None,
        include_max_tokens: false,
        max_tokens_field: MaxTokensField::MaxTokens,
        include_usage: IncludeUsage::Auto,
        model_info: ModelInfo::compatible_default(),
    }
}

fn config(p: &Profile) -> ProviderConfig {
    let endpoints = resolve("https://api.example.com/v1", &ResolveOptions::default()).unwrap();
    let defaults = crate::settings::RequestDefaults {
        max_tokens: p.max_tokens,
        temperature: p.temperature,
        reasoning_effort: p.reasoning_effort,
        include_max_tokens: p.include_max_tokens,
        max_tokens_field: p.max_tokens_field,
        include_usage: p.include_usage,
        ..Default::default()
    };
    ProviderConfig::new(endpoints, p.model.clone())
        .with_model_info(p.model_info.clone())
        .with_request_defaults(defaults)
}

/// The generic provider's rules for `p`.
fn compatible(p: &Profile) -> ShapingRules {
    let compat = CompatibleRules::r1_format(p.r1_format)
        .with_reasoning_content(p.r1_format || p.send_reasoning_content);
    ShapingRules::compatible(&config(p), &compat)
}

fn body(profile: &Profile, request: &ChatRequest, streaming: Streaming) -> Value {
    Value::Object(build_body(&compatible(profile), request, streaming).unwrap())
}

fn snapshot(name: &str, value: &Value) {
    assert_no_nulls(value);
    insta::with_settings!({sort_maps => true, prepend_module_to_snapshot => false}, {
        insta::assert_json_snapshot!(name, value);
    });
}

fn assert_no_nulls(value: &Value) {
    match value {
        Value::Null => panic!("the body contains a null"),
        Value::Array(items) => items.iter().for_each(assert_no_nulls),
        Value::Object(map) => map.values().for_each(assert_no_nulls),
        _ => {}
    }
}

fn weather_tool() -> Tool {
    Tool::function(
        "get_weather",
        "Current weather for a city",
        json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
    )
}

#[test]
fn minimal_request_sends_model_and_messages_only() {
    let b = body(
        &profile("m"),
        &ChatRequest::new().user("Hi"),
        Streaming::Off,
    );
    snapshot("body_minimal", &b);
    assert_eq!(b.as_object().unwrap().len(), 2);
}

#[test]
fn every_option_set() {
    let mut p = profile("m");
    p.model_info.supports_reasoning_effort = EffortSupport::Yes;
    let request = ChatRequest::new()
        .system("Be terse.")
        .user("Weather in Paris?")
        .max_tokens(256)
        .temperature(0.3)
        .top_p(0.9)
        .stop("END")
        .stop("STOP")
        .seed(42)
        .tool(weather_tool().strict(true))
        .tool_choice(ToolChoice::Function("get_weather".into()))
        .parallel_tool_calls(false)
        .response_format(ResponseFormat::JsonSchema {
            name: "answer".into(),
            schema: json!({"type": "object"}),
            strict: Some(true),
        })
        .reasoning_effort(ReasoningEffort::High)
        .end_user("user-7");
    snapshot("body_every_option", &body(&p, &request, Streaming::Off));
}

#[test]
fn json_object_response_format() {
    let request = ChatRequest::new()
        .user("JSON please")
        .response_format(ResponseFormat::JsonObject);
    let b = body(&profile("m"), &request, Streaming::Off);
    assert_eq!(b["response_format"], json!({"type": "json_object"}));
}

#[test]
fn tool_choice_words() {
    for (choice, wire) in [
        (ToolChoice::Auto, "auto"),
        (ToolChoice::None, "none"),
        (ToolChoice::Required, "required"),
    ] {
        let request = ChatRequest::new()
            .user("x")
            .tool(weather_tool())
            .tool_choice(choice);
        assert_eq!(
            body(&profile("m"), &request, Streaming::Off)["tool_choice"],
            wire
        );
    }
}

#[test]
fn streaming_asks_for_usage() {
    let b = body(
        &profile("m"),
        &ChatRequest::new().user("Hi"),
        Streaming::On {
            include_usage: true,
        },
    );
    snapshot("body_streaming_with_usage", &b);
}

#[test]
fn streaming_without_usage_sends_no_stream_options() {
    let b = body(
        &profile("m"),
        &ChatRequest::new().user("Hi"),
        Streaming::On {
            include_usage: false,
        },
    );
    assert_eq!(b["stream"], true);
    assert!(b.get("stream_options").is_none());
}

#[test]
fn non_streaming_sends_no_stream_field() {
    let b = body(
        &profile("m"),
        &ChatRequest::new().user("Hi"),
        Streaming::Off,
    );
    assert!(b.get("stream").is_none());
}

#[test]
fn profile_defaults_apply_when_the_request_sets_none() {
    let mut p = profile("m");
    p.max_tokens = Some(1000);
    p.temperature = Some(0.7);
    p.reasoning_effort = Some(ReasoningEffort::Low);
    p.model_info.supports_reasoning_effort = EffortSupport::Yes;
    snapshot(
        "body_profile_defaults",
        &body(&p, &ChatRequest::new().user("Hi"), Streaming::Off),
    );
}

#[test]
fn request_wins_over_profile_defaults() {
    let mut p = profile("m");
    p.max_tokens = Some(1000);
    p.temperature = Some(0.7);
    let request = ChatRequest::new().user("Hi").max_tokens(5).temperature(0.0);
    let b = body(&p, &request, Streaming::Off);
    assert_eq!(b["max_tokens"], 5);
    assert_eq!(b["temperature"], 0.0);
}

#[test]
fn no_default_temperature() {
    let b = body(
        &profile("m"),
        &ChatRequest::new().user("Hi"),
        Streaming::Off,
    );
    assert!(b.get("temperature").is_none());
}

#[test]
fn include_max_tokens_sends_the_model_max_output() {
    let mut p = profile("m");
    p.model_info.max_output_tokens = Some(8192);
    assert!(
        body(&p, &ChatRequest::new().user("Hi"), Streaming::Off)
            .get("max_tokens")
            .is_none()
    );
    p.include_max_tokens = true;
    assert_eq!(
        body(&p, &ChatRequest::new().user("Hi"), Streaming::Off)["max_tokens"],
        8192
    );
}

#[test]
fn max_completion_tokens_field() {
    let mut p = profile("m");
    p.max_tokens_field = MaxTokensField::MaxCompletionTokens;
    let b = body(
        &p,
        &ChatRequest::new().user("Hi").max_tokens(64),
        Streaming::Off,
    );
    assert_eq!(b["max_completion_tokens"], 64);
    assert!(b.get("max_tokens").is_none());
}

#[test]
fn effort_set_on_the_request_is_sent_to_a_compatible_model() {
    // The model info says nothing about efforts (the compatible default): the
    // caller asked, so the request's effort goes out.
    let request = ChatRequest::new()
        .user("Hi")
        .reasoning_effort(ReasoningEffort::Low);
    assert_eq!(
        body(&profile("m"), &request, Streaming::Off)["reasoning_effort"],
        "low"
    );
}

#[test]
fn profile_effort_not_sent_when_the_model_does_not_accept_it() {
    let mut p = profile("m");
    p.reasoning_effort = Some(ReasoningEffort::High);
    assert!(
        body(&p, &ChatRequest::new().user("Hi"), Streaming::Off)
            .get("reasoning_effort")
            .is_none()
    );
    // The request's own effort still wins over the profile's and is sent.
    let request = ChatRequest::new()
        .user("Hi")
        .reasoning_effort(ReasoningEffort::Low);
    assert_eq!(
        body(&p, &request, Streaming::Off)["reasoning_effort"],
        "low"
    );
}

#[test]
fn effort_from_model_info_default() {
    let mut p = profile("m");
    p.model_info.supports_reasoning_effort = EffortSupport::Yes;
    p.model_info.reasoning_effort = Some(ReasoningEffort::Medium);
    assert_eq!(
        body(&p, &ChatRequest::new().user("Hi"), Streaming::Off)["reasoning_effort"],
        "medium"
    );
}

#[test]
fn effort_limited_to_the_allowed_levels() {
    let mut p = profile("m");
    p.model_info.supports_reasoning_effort = EffortSupport::Levels(vec![
        ReasoningEffort::Low,
        ReasoningEffort::Medium,
        ReasoningEffort::High,
    ]);
    let sent = |effort| {
        body(
            &p,
            &ChatRequest::new().user("Hi").reasoning_effort(effort),
            Streaming::Off,
        )["reasoning_effort"]
            .clone()
    };
    assert_eq!(sent(ReasoningEffort::XHigh), "high");
    assert_eq!(sent(ReasoningEffort::Minimal), "low");
    assert_eq!(sent(ReasoningEffort::Medium), "medium");
}

#[test]
fn forced_effort_wins() {
    let mut rules = compatible(&profile("o3-mini"));
    rules.effort_support = EffortSupport::Yes;
    rules.forced_effort = Some(ReasoningEffort::High);
    assert_eq!(
        rules.effort(Some(ReasoningEffort::Low)),
        Some(ReasoningEffort::High)
    );
}

fn r1_conversation() -> ChatRequest {
    ChatRequest::new()
        .system("You are a solver.")
        .user("Part one.")
        .user("Part two.")
        .assistant("Thinking out loud.")
        .message(Message::Assistant {
            content: None,
            tool_calls: vec![ToolCall::new("call_1", "calc", r#"{"x":1}"#)],
            reasoning_content: Some("I should calculate.".into()),
            reasoning_items: Vec::new(),
        })
        .tool_result("call_1", "2")
        .tool_result("call_2", "3")
        .user("And?")
}

#[test]
fn r1_format_moves_system_to_user_and_merges_same_roles() {
    let mut p = profile("deepseek-r1");
    p.r1_format = true;
    snapshot(
        "body_r1_format",
        &body(&p, &r1_conversation(), Streaming::Off),
    );
}

#[test]
fn r1_format_folds_the_system_prompt_into_the_user_message() {
    let mut p = profile("deepseek-reasoner");
    p.r1_format = true;
    let b = body(
        &p,
        &ChatRequest::new().system("S").user("U"),
        Streaming::Off,
    );
    assert_eq!(b["messages"], json!([{"role": "user", "content": "S\nU"}]));
}

#[test]
fn without_r1_format_messages_are_kept_apart() {
    snapshot(
        "body_plain_conversation",
        &body(&profile("m"), &r1_conversation(), Streaming::Off),
    );
}

#[test]
fn r1_merge_of_text_and_parts_gives_parts() {
    let mut p = profile("m");
    p.r1_format = true;
    let request = ChatRequest::new().system("S").user(vec![
        ContentPart::text("look"),
        ContentPart::image_url("https://x/a.png"),
    ]);
    let b = body(&p, &request, Streaming::Off);
    assert_eq!(
        b["messages"],
        json!([{"role": "user", "content": [
            {"type": "text", "text": "S"},
            {"type": "text", "text": "look"},
            {"type": "image_url", "image_url": {"url": "https://x/a.png"}}
        ]}])
    );
}

#[test]
fn images_by_url_and_bytes() {
    let request = ChatRequest::new().user(vec![
        ContentPart::text("Compare these."),
        ContentPart::image_url("https://example.com/a.png"),
        ContentPart::Image(Image {
            source: ImageSource::Bytes {
                mime_type: "image/png".into(),
                bytes: vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a],
            },
            detail: Some("low".into()),
        }),
    ]);
    snapshot(
        "body_images",
        &body(&profile("m"), &request, Streaming::Off),
    );
}

#[test]
fn image_to_a_text_only_model_is_refused() {
    let mut p = profile("text-only");
    p.model_info.supports_images = false;
    let request =
        ChatRequest::new().user(vec![ContentPart::image_url("https://example.com/a.png")]);
    let err = build_body(&compatible(&p), &request, Streaming::Off).unwrap_err();
    assert!(matches!(err, Error::ImagesNotSupported { .. }));
    assert_eq!(
        err.to_string(),
        "images not supported: model \"text-only\" does not accept images (model_info.supports_images = false); remove the image or set supports_images = true"
    );
}

fn tool_loop_turn() -> ChatRequest {
    ChatRequest::new()
        .user("Weather?")
        .message(Message::Assistant {
            content: None,
            tool_calls: vec![ToolCall::new(
                "call_9",
                "get_weather",
                r#"{"city":"Paris"}"#,
            )],
            reasoning_content: Some("Need the tool.".into()),
            reasoning_items: Vec::new(),
        })
}

#[test]
fn assistant_tool_calls_are_sent_back_without_reasoning_to_other_providers() {
    let b = body(&profile("deepseek-chat"), &tool_loop_turn(), Streaming::Off);
    assert_eq!(
        b["messages"][1],
        json!({
            "role": "assistant",
            "tool_calls": [{"id": "call_9", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]
        })
    );
}

#[test]
fn reasoning_content_goes_back_when_the_rules_say_so() {
    // Which models want it (DeepSeek reasoners) is the config crate's rule.
    let mut p = profile("deepseek-r1");
    p.send_reasoning_content = true;
    let b = body(&p, &tool_loop_turn(), Streaming::Off);
    assert_eq!(b["messages"][1]["reasoning_content"], "Need the tool.");
    let mut p = profile("my-r1-finetune");
    p.r1_format = true;
    let b = body(&p, &tool_loop_turn(), Streaming::Off);
    assert_eq!(b["messages"][1]["reasoning_content"], "Need the tool.");
}

#[test]
fn reasoning_content_is_dropped_for_groq_mistral_and_native_openai() {
    for model in [
        "llama-3.3-70b-versatile",
        "mistral-large-latest",
        "qwen-qwq-32b",
    ] {
        let b = body(&profile(model), &tool_loop_turn(), Streaming::Off);
        assert!(
            b["messages"][1].get("reasoning_content").is_none(),
            "{model}"
        );
    }
    let p = profile("o3-mini");
    let o3_mini = NativeModel::new("o3-mini")
        .reasoning(true)
        .system_role(SystemRole::Developer)
        .known(true);
    let rules = ShapingRules::native(&config(&p), &o3_mini);
    assert!(!rules.send_reasoning_content);
    let b = Value::Object(build_body(&rules, &tool_loop_turn(), Streaming::Off).unwrap());
    assert!(b["messages"][1].get("reasoning_content").is_none());
}

fn invalid_request_message(request: &ChatRequest) -> String {
    let err = build_body(&compatible(&profile("m")), request, Streaming::Off).unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    err.to_string()
}

#[test]
fn non_finite_temperature_and_top_p_are_refused_not_sent_as_null() {
    let messages: Vec<String> = [
        ChatRequest::new().user("Hi").temperature(f64::NAN),
        ChatRequest::new().user("Hi").temperature(f64::INFINITY),
        ChatRequest::new().user("Hi").temperature(-0.5),
        ChatRequest::new().user("Hi").top_p(f64::NAN),
        ChatRequest::new().user("Hi").top_p(1.5),
    ]
    .iter()
    .map(invalid_request_message)
    .collect();
    insta::with_settings!({prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("invalid_sampling_messages", messages.join("\n"));
    });
}

#[test]
fn non_finite_profile_temperature_is_refused() {
    let mut p = profile("m");
    p.temperature = Some(f64::NAN);
    let err = build_body(
        &compatible(&p),
        &ChatRequest::new().user("Hi"),
        Streaming::Off,
    )
    .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
}

#[test]
fn sampling_values_at_the_edges_are_sent() {
    let request = ChatRequest::new().user("Hi").temperature(0.0).top_p(1.0);
    let b = body(&profile("m"), &request, Streaming::Off);
    assert_eq!(b["temperature"], 0.0);
    assert_eq!(b["top_p"], 1.0);
    let b = body(
        &profile("m"),
        &ChatRequest::new().user("Hi").temperature(2.0),
        Streaming::Off,
    );
    assert_eq!(b["temperature"], 2.0);
}

#[test]
fn extra_body_merges_deeply_and_null_removes() {
    let request = ChatRequest::new()
        .user("Hi")
        .temperature(0.5)
        .extra_body("stream_options", json!({"continuous_usage_stats": true}))
        .extra_body("temperature", Value::Null)
        .extra_body("top_k", json!(40))
        .extra_body("model", json!("override"));
    let b = body(
        &profile("m"),
        &request,
        Streaming::On {
            include_usage: true,
        },
    );
    assert_eq!(
        b["stream_options"],
        json!({"include_usage": true, "continuous_usage_stats": true})
    );
    assert!(b.get("temperature").is_none());
    assert_eq!(b["top_k"], 40);
    assert_eq!(b["model"], "override");
}

#[test]
fn developer_message_kept_unless_system_goes_to_user() {
    let request = ChatRequest::new().developer("D").user("U");
    let b = body(&profile("m"), &request, Streaming::Off);
    assert_eq!(
        b["messages"][0],
        json!({"role": "developer", "content": "D"})
    );
    let mut rules = compatible(&profile("m"));
    rules.system_role = SystemRole::Developer;
    let b =
        Value::Object(build_body(&rules, &ChatRequest::new().system("S"), Streaming::Off).unwrap());
    assert_eq!(
        b["messages"][0],
        json!({"role": "developer", "content": "S"})
    );
}

#[test]
fn include_usage_policy_is_carried_from_the_profile() {
    let mut p = profile("m");
    p.include_usage = IncludeUsage::Never;
    assert_eq!(compatible(&p).include_usage, IncludeUsage::Never);
}
