//! The request rules of OpenAI's models, from the config crate's catalogue through
//! the provider's shaping: one test per rule (see `docs/catalog.md`); snapshots pin
//! the body of each catalogue family.
// Test code: a failed unwrap is a failed assertion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use oac_config::{EffortSupport, ProfileBuilder, ProviderChoice, ReasoningEffort, ResolvedProfile};
use oac_provider::shaping::{ShapingRules, Streaming, build_body};
use oac_provider::{
    ChatRequest, ContentPart, Error, ModelInfo, ModelRules, NativeModel, OpenAiNative, Provider,
    ProviderConfig, SecretString,
};
use oac_url::{ResolveOptions, resolve};
use serde_json::Value;

/// A native profile for `model` at the OpenAI API, as the config loader builds it.
fn profile(model: &str) -> ResolvedProfile {
    ProfileBuilder::new().model(model).build().unwrap()
}

fn rules(model: &str) -> ShapingRules {
    OpenAiNative::new(profile(model))
        .unwrap()
        .shaping_rules()
        .clone()
}

fn body_for(rules: &ShapingRules, request: &ChatRequest, streaming: Streaming) -> Value {
    Value::Object(build_body(rules, request, streaming).unwrap())
}

fn body(model: &str, request: &ChatRequest) -> Value {
    body_for(&rules(model), request, Streaming::Off)
}

/// What a coding assistant sends: a system prompt, a question, a temperature and
/// a max-tokens limit.
fn assistant_request() -> ChatRequest {
    ChatRequest::new()
        .system("You are a careful coding assistant.")
        .user("Why does this test fail?")
        .temperature(0.2)
        .max_tokens(4096)
}

fn snapshot(name: &str, value: &Value) {
    insta::with_settings!({sort_maps => true, prepend_module_to_snapshot => false}, {
        insta::assert_json_snapshot!(name, value);
    });
}

fn snapshot_text(name: &str, text: &str) {
    insta::with_settings!({prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn o1_body() {
    snapshot("native_o1", &body("o1", &assistant_request()));
}

#[test]
fn o1_mini_body() {
    snapshot("native_o1_mini", &body("o1-mini", &assistant_request()));
}

#[test]
fn o1_preview_body() {
    snapshot(
        "native_o1_preview",
        &body("o1-preview", &assistant_request()),
    );
}

#[test]
fn o3_mini_high_body() {
    snapshot(
        "native_o3_mini_high",
        &body("o3-mini-high", &assistant_request()),
    );
}

#[test]
fn gpt_4o_body() {
    snapshot("native_gpt_4o", &body("gpt-4o", &assistant_request()));
}

#[test]
fn gpt_5_with_effort_body() {
    let request = assistant_request().reasoning_effort(ReasoningEffort::Minimal);
    snapshot("native_gpt_5_effort_minimal", &body("gpt-5", &request));
}

#[test]
fn gpt_5_disallowed_effort_is_refused_before_sending() {
    let request = assistant_request().reasoning_effort(ReasoningEffort::XHigh);
    let err = build_body(&rules("gpt-5"), &request, Streaming::Off).unwrap_err();
    assert!(
        matches!(
            &err,
            Error::UnsupportedReasoningEffort { effort: ReasoningEffort::XHigh, allowed, .. }
                if allowed.len() == 4
        ),
        "{err:?}"
    );
    assert_eq!(err.kind(), oac_provider::ErrorKind::InvalidRequest);
    snapshot_text("native_gpt_5_effort_xhigh_error", &err.to_string());
}

#[test]
fn effort_on_a_model_without_effort_is_refused() {
    let request = ChatRequest::new()
        .user("Hi")
        .reasoning_effort(ReasoningEffort::High);
    let err = build_body(&rules("o1-mini"), &request, Streaming::Off).unwrap_err();
    snapshot_text("native_o1_mini_effort_error", &err.to_string());
}

#[test]
fn system_prompt_is_a_developer_message_for_reasoning_models() {
    for model in [
        "o1",
        "o3-mini",
        "o3",
        "o4-mini-low",
        "gpt-5-nano",
        "gpt-5.1",
    ] {
        let b = body(model, &assistant_request());
        assert_eq!(b["messages"][0]["role"], "developer", "{model}");
    }
}

#[test]
fn o1_preview_and_o1_mini_take_the_system_prompt_as_the_first_user_message() {
    for model in ["o1-preview", "o1-mini"] {
        let b = body(model, &assistant_request());
        let messages = b["messages"].as_array().unwrap();
        assert_eq!(messages.len(), 2, "{model}");
        assert_eq!(messages[0]["role"], "user", "{model}");
        assert_eq!(
            messages[0]["content"], "You are a careful coding assistant.",
            "{model}"
        );
        assert!(
            messages
                .iter()
                .all(|m| m["role"] != "developer" && m["role"] != "system"),
            "{model}"
        );
    }
}

#[test]
fn reasoning_models_never_send_temperature() {
    for model in [
        "o1",
        "o1-mini",
        "o3-mini-high",
        "o4-mini",
        "gpt-5",
        "gpt-5-mini",
    ] {
        let b = body(model, &assistant_request());
        assert!(b.get("temperature").is_none(), "{model}");
    }
    // Nor a profile temperature.
    let config = profile("o3").provider_config();
    let mut defaults = config.request_defaults().clone();
    defaults.temperature = Some(0.5);
    let p = config.with_request_defaults(defaults);
    let b = body_for(
        &OpenAiNative::new(p).unwrap().shaping_rules().clone(),
        &ChatRequest::new().user("Hi"),
        Streaming::Off,
    );
    assert!(b.get("temperature").is_none());
}

#[test]
fn other_models_send_system_and_temperature_only_when_set() {
    let b = body("gpt-4.1", &assistant_request());
    assert_eq!(b["messages"][0]["role"], "system");
    assert_eq!(b["temperature"], 0.2);
    let b = body("gpt-4.1", &ChatRequest::new().system("s").user("Hi"));
    assert!(b.get("temperature").is_none());
}

#[test]
fn max_completion_tokens_never_max_tokens() {
    for model in ["o1", "gpt-4o", "gpt-5", "o3-mini-low"] {
        let b = body(model, &assistant_request());
        assert_eq!(b["max_completion_tokens"], 4096, "{model}");
        assert!(b.get("max_tokens").is_none(), "{model}");
    }
}

#[test]
fn alias_effort_wins_over_the_request_and_the_profile() {
    let p = with_profile_effort(profile("o3-mini-high"), ReasoningEffort::Low);
    let rules = OpenAiNative::new(p).unwrap().shaping_rules().clone();
    let request = ChatRequest::new()
        .user("Hi")
        .reasoning_effort(ReasoningEffort::Medium);
    let b = body_for(&rules, &request, Streaming::Off);
    assert_eq!(b["model"], "o3-mini");
    assert_eq!(b["reasoning_effort"], "high");
    assert_eq!(body("o3-mini-low", &request)["reasoning_effort"], "low");
    assert_eq!(body("o4-mini-high", &request)["model"], "o4-mini");
}

#[test]
fn effort_from_the_request_then_the_profile_then_the_model_default() {
    let p = with_profile_effort(profile("o3"), ReasoningEffort::Low);
    let with_profile = OpenAiNative::new(p).unwrap().shaping_rules().clone();
    let plain = ChatRequest::new().user("Hi");
    let asking = plain.clone().reasoning_effort(ReasoningEffort::High);
    assert_eq!(
        body_for(&with_profile, &asking, Streaming::Off)["reasoning_effort"],
        "high"
    );
    assert_eq!(
        body_for(&with_profile, &plain, Streaming::Off)["reasoning_effort"],
        "low"
    );
    assert_eq!(body("o3", &plain)["reasoning_effort"], "medium");
    // o1 has no default: nothing is sent unless asked.
    assert!(body("o1", &plain).get("reasoning_effort").is_none());
    assert_eq!(body("o1", &asking)["reasoning_effort"], "high");
}

#[test]
fn gpt_5_1_accepts_none() {
    let request = ChatRequest::new()
        .user("Hi")
        .reasoning_effort(ReasoningEffort::None);
    assert_eq!(body("gpt-5.1", &request)["reasoning_effort"], "none");
    let err = build_body(&rules("gpt-5"), &request, Streaming::Off).unwrap_err();
    assert!(
        matches!(err, Error::UnsupportedReasoningEffort { .. }),
        "{err:?}"
    );
}

#[test]
fn profile_effort_outside_the_allowed_levels_becomes_the_nearest_level() {
    // The loader refuses this profile; one assembled by hand must still work.
    let p = with_profile_effort(profile("o4-mini"), ReasoningEffort::Minimal);
    let rules = OpenAiNative::new(p).unwrap().shaping_rules().clone();
    let b = body_for(&rules, &ChatRequest::new().user("Hi"), Streaming::Off);
    assert_eq!(b["reasoning_effort"], "low");
    // A request's own effort is still checked strictly.
    let request = ChatRequest::new()
        .user("Hi")
        .reasoning_effort(ReasoningEffort::Minimal);
    assert!(build_body(&rules, &request, Streaming::Off).is_err());
}

#[test]
fn profile_effort_on_a_model_without_effort_is_not_sent() {
    let p = with_profile_effort(profile("gpt-4o"), ReasoningEffort::High);
    let rules = OpenAiNative::new(p).unwrap().shaping_rules().clone();
    let b = body_for(&rules, &ChatRequest::new().user("Hi"), Streaming::Off);
    assert!(b.get("reasoning_effort").is_none(), "{b}");
}

#[test]
fn effort_error_says_where_the_effort_came_from() {
    // An alias whose own effort the (edited) entry no longer accepts.
    let p = with_levels(profile("o3-mini-high"), vec![ReasoningEffort::Low]);
    let rules = OpenAiNative::new(p).unwrap().shaping_rules().clone();
    let err = build_body(&rules, &ChatRequest::new().user("Hi"), Streaming::Off).unwrap_err();
    assert!(
        matches!(
            err,
            Error::UnsupportedReasoningEffort {
                from: oac_provider::EffortSource::Alias,
                ..
            }
        ),
        "{err:?}"
    );
    snapshot_text("native_alias_effort_error", &err.to_string());
}

#[test]
fn tools_to_a_model_without_tools_are_refused_before_sending() {
    let request = assistant_request().tool(oac_provider::Tool::function(
        "run_tests",
        "Run the test suite",
        serde_json::json!({"type": "object", "properties": {}}),
    ));
    for model in ["o1-preview", "o1-mini"] {
        let err = build_body(&rules(model), &request, Streaming::Off).unwrap_err();
        assert!(matches!(err, Error::ToolsNotSupported { .. }), "{err:?}");
        assert_eq!(err.kind(), oac_provider::ErrorKind::ToolsNotSupported);
    }
    let err = build_body(&rules("o1-preview"), &request, Streaming::Off).unwrap_err();
    snapshot_text("native_o1_preview_tools_error", &err.to_string());
    for model in ["o1", "o3-mini", "gpt-4o", "gpt-5"] {
        let b = body_for(&rules(model), &request, Streaming::Off);
        assert_eq!(b["tools"][0]["function"]["name"], "run_tests", "{model}");
    }
}

#[test]
fn top_p_is_not_sent_to_reasoning_models() {
    let request = ChatRequest::new().user("Hi").top_p(0.9).temperature(0.3);
    for model in ["o1", "o3-mini", "o4-mini-high", "gpt-5", "gpt-5.1"] {
        let b = body(model, &request);
        assert!(b.get("top_p").is_none(), "{model}: {b}");
        assert!(b.get("temperature").is_none(), "{model}: {b}");
    }
    let b = body("gpt-4o", &request);
    assert_eq!(b["top_p"], 0.9);
    assert_eq!(b["temperature"], 0.3);
}

#[test]
fn gateway_prefixed_alias_keeps_the_prefix_on_the_wire() {
    let p = ProfileBuilder::new()
        .base_url("https://gateway.example.com/v1")
        .provider(ProviderChoice::OpenAiNative)
        .model("openai/o3-mini-high")
        .build()
        .unwrap();
    let provider = OpenAiNative::new(p).unwrap();
    assert!(provider.is_known_model());
    let b = body_for(
        provider.shaping_rules(),
        &assistant_request(),
        Streaming::Off,
    );
    assert_eq!(b["model"], "openai/o3-mini");
    assert_eq!(b["reasoning_effort"], "high");
    assert_eq!(b["messages"][0]["role"], "developer");
    assert!(b.get("temperature").is_none());
    assert_eq!(provider.model_info().context_window, 200_000);
}

#[test]
fn gateway_prefixed_unknown_id_follows_its_family() {
    let provider = OpenAiNative::new(profile("openai/o9-preview")).unwrap();
    assert!(!provider.is_known_model());
    assert!(provider.native_model().reasoning);
    let b = body_for(
        provider.shaping_rules(),
        &assistant_request(),
        Streaming::Off,
    );
    assert_eq!(b["model"], "openai/o9-preview");
    assert_eq!(b["messages"][0]["role"], "developer");
}

#[test]
fn streaming_sends_include_usage() {
    let b = body_for(
        &rules("gpt-5"),
        &ChatRequest::new().user("Hi"),
        Streaming::On {
            include_usage: true,
        },
    );
    assert_eq!(b["stream"], true);
    assert_eq!(b["stream_options"]["include_usage"], true);
}

#[test]
fn image_to_a_model_without_images_is_refused() {
    let request = ChatRequest::new().user(vec![
        ContentPart::text("What is this?"),
        ContentPart::image_url("https://example.com/cat.png"),
    ]);
    let err = build_body(&rules("o3-mini"), &request, Streaming::Off).unwrap_err();
    assert!(matches!(err, Error::ImagesNotSupported { .. }), "{err:?}");
    assert!(build_body(&rules("o1"), &request, Streaming::Off).is_ok());
}

#[test]
fn unknown_id_follows_the_rules_its_name_implies() {
    let provider = OpenAiNative::new(profile("o7-mini")).unwrap();
    assert!(!provider.is_known_model());
    assert!(provider.native_model().reasoning);
    let request = assistant_request().reasoning_effort(ReasoningEffort::High);
    let b = body_for(provider.shaping_rules(), &request, Streaming::Off);
    assert_eq!(b["model"], "o7-mini");
    assert_eq!(b["messages"][0]["role"], "developer");
    assert!(b.get("temperature").is_none());
    // Its levels are unknown, so the server decides.
    assert_eq!(b["reasoning_effort"], "high");

    let unknown_other = OpenAiNative::new(profile("chatgpt-4o-latest")).unwrap();
    let b = body_for(
        unknown_other.shaping_rules(),
        &assistant_request(),
        Streaming::Off,
    );
    assert_eq!(b["messages"][0]["role"], "system");
    assert_eq!(b["temperature"], 0.2);
}

#[test]
fn unknown_id_with_levels_in_the_profile_is_checked() {
    let config = profile("o3-pro").provider_config();
    let mut info = config.model_info().clone();
    info.supports_reasoning_effort = EffortSupport::Levels(vec![ReasoningEffort::High]);
    let rules = OpenAiNative::new(config.with_model_info(info))
        .unwrap()
        .shaping_rules()
        .clone();
    let request = ChatRequest::new()
        .user("Hi")
        .reasoning_effort(ReasoningEffort::Low);
    assert!(build_body(&rules, &request, Streaming::Off).is_err());
}

fn native_endpoints() -> oac_url::Endpoints {
    resolve("", &ResolveOptions::new().openai_default(true)).unwrap()
}

#[test]
fn a_config_built_in_code_is_used_as_given() {
    // The provider looks nothing up: the catalogue is the config crate's, applied
    // once when a profile is resolved. Code that builds the config describes the
    // model itself.
    let provider = OpenAiNative::new(ProviderConfig::new(native_endpoints(), "gpt-4o")).unwrap();
    assert!(!provider.is_known_model());
    assert_eq!(provider.model_info(), &ModelInfo::compatible_default());
    assert_eq!(provider.shaping_rules().wire_model, "gpt-4o");

    let mut info = ModelInfo::compatible_default();
    info.prices.input_price = Some("2".parse().unwrap());
    info.supports_reasoning_effort = EffortSupport::Levels(vec![
        ReasoningEffort::Low,
        ReasoningEffort::Medium,
        ReasoningEffort::High,
    ]);
    let described = ProviderConfig::new(native_endpoints(), "o3-mini-high")
        .with_model_info(info)
        .with_rules(ModelRules::Native(
            NativeModel::new("o3-mini")
                .reasoning(true)
                .alias_effort(Some(ReasoningEffort::High))
                .known(true),
        ));
    let provider = OpenAiNative::new(described).unwrap();
    assert!(provider.is_known_model());
    let b = body_for(
        provider.shaping_rules(),
        &assistant_request(),
        Streaming::Off,
    );
    assert_eq!(b["model"], "o3-mini");
    assert_eq!(b["reasoning_effort"], "high");
    assert!(b.get("temperature").is_none());
    assert_eq!(
        provider
            .model_info()
            .prices
            .input_price
            .unwrap()
            .to_string(),
        "2"
    );
}

#[test]
fn a_profile_info_field_is_laid_over_the_catalogue_entry_once() {
    // `supports_images = true` equals the compatible default: it must still win
    // over o3-mini's `false` (the old re-merge in the provider dropped it).
    let mut overrides = oac_config::ModelInfoOverrides::default();
    overrides.supports_images = Some(true);
    overrides.prices.input_price = Some("2".parse().unwrap());
    let p = ProfileBuilder::new()
        .model("o3-mini")
        .model_info_overrides(overrides)
        .build()
        .unwrap();
    let provider = OpenAiNative::new(p).unwrap();
    let info = provider.model_info();
    assert!(info.supports_images);
    assert_eq!(info.prices.input_price.unwrap().to_string(), "2");
    // The rest is the catalogue's.
    assert_eq!(info.context_window, 200_000);
    assert_eq!(info.prices.output_price.unwrap().to_string(), "4.4");
}

#[test]
fn the_native_constructor_defaults_to_the_openai_api() {
    let p = ProfileBuilder::new()
        .model("gpt-5")
        .api_key(SecretString::from("sk-native-9876"))
        .build()
        .unwrap();
    let provider = OpenAiNative::new(p).unwrap();
    assert_eq!(
        provider.endpoints().chat.as_str(),
        "https://api.openai.com/v1/chat/completions"
    );
    assert_eq!(provider.kind(), Some(ProviderChoice::OpenAiNative));
    assert_eq!(provider.model(), "gpt-5");
    assert!(!format!("{provider:?}").contains("sk-native-9876"));
}

#[test]
fn catalogue_info_is_the_providers_info() {
    let provider = OpenAiNative::new(profile("o1-preview")).unwrap();
    assert_eq!(provider.model_info().max_output_tokens, Some(32_768));
    assert_eq!(provider.model(), "o1-preview");
}

/// `profile` as the provider's input with `reasoning_effort` set, as a config
/// assembled by hand could have it (the loader refuses a level the model does
/// not accept).
fn with_profile_effort(profile: ResolvedProfile, effort: ReasoningEffort) -> ProviderConfig {
    let config = profile.provider_config();
    let mut defaults = config.request_defaults().clone();
    defaults.reasoning_effort = Some(effort);
    config.with_request_defaults(defaults)
}

/// `profile` as the provider's input with the model's effort levels replaced.
fn with_levels(profile: ResolvedProfile, levels: Vec<ReasoningEffort>) -> ProviderConfig {
    let config = profile.provider_config();
    let mut info = config.model_info().clone();
    info.supports_reasoning_effort = EffortSupport::Levels(levels);
    config.with_model_info(info)
}
