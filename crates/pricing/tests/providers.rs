//! Every provider usage shape of `docs/pricing.md`, from real-looking JSON.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly on purpose

use oac_pricing::{
    ModelPrices, PriceError, Usage, UsageWarning, cost, find_usage, find_usage_str, parse_price,
    read_usage, read_usage_str,
};
use serde_json::json;

fn p(text: &str) -> oac_pricing::Decimal {
    parse_price(text).unwrap()
}

#[test]
fn openai_full_details() {
    let response = json!({
        "id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
        "object": "chat.completion",
        "created": 1_741_570_283,
        "model": "gpt-4o-2024-08-06",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello"},
                     "logprobs": null, "finish_reason": "stop"}],
        "usage": {
            "prompt_tokens": 1117,
            "completion_tokens": 46,
            "total_tokens": 1163,
            "prompt_tokens_details": {"cached_tokens": 1024, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 12,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0
            }
        },
        "service_tier": "default",
        "system_fingerprint": "fp_fc9f1d7035"
    });
    let reading = find_usage(&response);
    assert!(reading.warnings.is_empty(), "{:?}", reading.warnings);
    assert_eq!(
        reading.usage,
        Some(
            Usage::new(1_117, 46)
                .with_cache_read(1_024)
                .with_reasoning(12)
        )
    );
}

#[test]
fn openai_audio_details() {
    let usage = json!({
        "prompt_tokens": 60, "completion_tokens": 120, "total_tokens": 180,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 40},
        "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 100}
    });
    assert_eq!(
        read_usage(&usage).usage,
        Some(
            Usage::new(60, 120)
                .with_input_audio(40)
                .with_output_audio(100)
        )
    );
}

#[test]
fn openai_cache_write_tokens_detail() {
    let usage = json!({
        "prompt_tokens": 3000, "completion_tokens": 10,
        "prompt_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 2500}
    });
    assert_eq!(
        read_usage(&usage).usage,
        Some(Usage::new(3_000, 10).with_cache_write(2_500))
    );
}

#[test]
fn openai_stream_chunk_with_null_usage_is_not_reported() {
    let chunk = json!({
        "id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4o",
        "choices": [{"index": 0, "delta": {"content": "Hel"}, "finish_reason": null}],
        "usage": null
    });
    let reading = find_usage(&chunk);
    assert_eq!(reading.usage, None);
    assert!(reading.warnings.is_empty());
}

#[test]
fn openai_final_usage_chunk_with_empty_choices() {
    let chunk = r#"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini",
        "choices":[],"usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21,
        "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},
        "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,
        "accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}"#;
    let reading = find_usage_str(chunk).unwrap();
    assert_eq!(reading.usage, Some(Usage::new(9, 12)));
}

#[test]
fn deepseek_hit_and_miss() {
    let response = json!({
        "id": "930c60df-bf64-41c9-a88e-3ec75f81e00e",
        "object": "chat.completion",
        "model": "deepseek-chat",
        "choices": [],
        "usage": {
            "prompt_tokens": 102_056,
            "completion_tokens": 252,
            "total_tokens": 102_308,
            "prompt_tokens_details": {"cached_tokens": 94_464},
            "prompt_cache_hit_tokens": 94_464,
            "prompt_cache_miss_tokens": 7_592
        },
        "system_fingerprint": "fp_3a5770e1b4_prod0225"
    });
    let reading = find_usage(&response);
    assert!(reading.warnings.is_empty(), "{:?}", reading.warnings);
    assert_eq!(
        reading.usage,
        Some(Usage::new(102_056, 252).with_cache_read(94_464))
    );
}

#[test]
fn deepseek_reasoner_reasoning_tokens() {
    let usage = json!({
        "prompt_tokens": 13, "completion_tokens": 540, "total_tokens": 553,
        "prompt_tokens_details": {"cached_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 466},
        "prompt_cache_hit_tokens": 0, "prompt_cache_miss_tokens": 13
    });
    assert_eq!(
        read_usage(&usage).usage,
        Some(Usage::new(13, 540).with_reasoning(466))
    );
}

#[test]
fn deepseek_hit_plus_miss_disagreeing_with_prompt_is_warned() {
    let usage = json!({
        "prompt_tokens": 100, "completion_tokens": 1,
        "prompt_cache_hit_tokens": 60, "prompt_cache_miss_tokens": 30
    });
    let reading = read_usage(&usage);
    assert_eq!(reading.usage.unwrap().input_total, 100);
    assert_eq!(
        reading.warnings[0].to_string(),
        "usage fields disagree: `prompt_tokens` is 100 but `prompt_cache_hit_tokens + prompt_cache_miss_tokens` is 90; using `prompt_tokens`"
    );
}

#[test]
fn deepseek_hit_and_miss_without_prompt_tokens() {
    let usage = json!({"completion_tokens": 5, "prompt_cache_hit_tokens": 60, "prompt_cache_miss_tokens": 40});
    assert_eq!(
        read_usage(&usage).usage,
        Some(Usage::new(100, 5).with_cache_read(60))
    );
}

#[test]
fn anthropic_fields_on_openai_shaped_usage() {
    // prompt_tokens present: it is the total, cache fields are its parts.
    let usage = json!({
        "prompt_tokens": 2100, "completion_tokens": 1000, "total_tokens": 3100,
        "cache_read_input_tokens": 500, "cache_creation_input_tokens": 1500
    });
    assert_eq!(
        read_usage(&usage).usage,
        Some(
            Usage::new(2_100, 1_000)
                .with_cache_read(500)
                .with_cache_write(1_500)
        )
    );
}

#[test]
fn anthropic_input_tokens_exclude_the_cache() {
    // No prompt_tokens: input_total = input_tokens + both cache counts.
    let usage = json!({
        "input_tokens": 100, "output_tokens": 1000,
        "cache_read_input_tokens": 500, "cache_creation_input_tokens": 1500
    });
    let usage = read_usage(&usage).usage.unwrap();
    assert_eq!(
        usage,
        Usage::new(2_100, 1_000)
            .with_cache_read(500)
            .with_cache_write(1_500)
    );
    // Same as vector 5.
    let prices = ModelPrices::new()
        .with_input_price(p("3"))
        .with_cache_read_price(p("0.3"))
        .with_cache_write_price(p("3.75"))
        .with_output_price(p("15"));
    assert_eq!(
        cost(&usage, &prices).total().unwrap().to_string(),
        "0.021075"
    );
}

#[test]
fn responses_style_input_tokens_include_the_cache() {
    let usage = json!({
        "input_tokens": 2006, "output_tokens": 300,
        "input_tokens_details": {"cached_tokens": 1920},
        "output_tokens_details": {"reasoning_tokens": 64}
    });
    assert_eq!(
        read_usage(&usage).usage,
        Some(
            Usage::new(2_006, 300)
                .with_cache_read(1_920)
                .with_reasoning(64)
        )
    );
}

#[test]
fn openrouter_cost_and_cache_write() {
    let response = r#"{
        "id": "gen-1741882237-Ue4fVrJXsnBQGlzBzT3r",
        "provider": "Anthropic",
        "model": "anthropic/claude-3.7-sonnet",
        "object": "chat.completion",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}],
        "usage": {
            "prompt_tokens": 2100,
            "completion_tokens": 1000,
            "total_tokens": 3100,
            "cost": 0.021075,
            "is_byok": false,
            "prompt_tokens_details": {"cached_tokens": 500, "cache_write_tokens": 1500, "audio_tokens": 0},
            "cost_details": {"upstream_inference_cost": null},
            "completion_tokens_details": {"reasoning_tokens": 0, "image_tokens": 0}
        }
    }"#;
    let reading = find_usage_str(response).unwrap();
    assert!(reading.warnings.is_empty(), "{:?}", reading.warnings);
    let usage = reading.usage.unwrap();
    assert_eq!(
        usage,
        Usage::new(2_100, 1_000)
            .with_cache_read(500)
            .with_cache_write(1_500)
            .with_reported_cost(p("0.021075"))
    );
    assert_eq!(usage.reported_cost.unwrap().to_string(), "0.021075");
}

#[test]
fn openrouter_cost_is_exact_from_text() {
    // 19 significant digits: beyond f64, kept exactly by the `_str` readers.
    let text = r#"{"usage": {"prompt_tokens": 1, "completion_tokens": 1, "cost": 0.0001234567890123456789}}"#;
    let usage = find_usage_str(text).unwrap().usage.unwrap();
    assert_eq!(
        usage.reported_cost.unwrap().to_string(),
        "0.0001234567890123456789"
    );
    // Through `Value` only the f64's digits survive (its shortest round-trip text).
    let value: serde_json::Value = serde_json::from_str(text).unwrap();
    let usage = find_usage(&value).usage.unwrap();
    let lossy = usage.reported_cost.unwrap().to_string();
    assert!(lossy.starts_with("0.000123456789012345"), "{lossy}");
    assert_ne!(lossy, "0.0001234567890123456789");
}

#[test]
fn cost_as_string_or_integer_is_exact() {
    let usage = read_usage(&json!({"prompt_tokens": 1, "completion_tokens": 1, "cost": "0.5"}));
    assert_eq!(usage.usage.unwrap().reported_cost, Some(p("0.5")));
    let usage = read_usage(&json!({"prompt_tokens": 1, "completion_tokens": 1, "cost": 0}));
    assert_eq!(usage.usage.unwrap().reported_cost, Some(p("0")));
}

#[test]
fn negative_cost_is_ignored_with_a_warning() {
    let reading =
        read_usage_str(r#"{"prompt_tokens": 1, "completion_tokens": 1, "cost": -0.5}"#).unwrap();
    assert_eq!(reading.usage.unwrap().reported_cost, None);
    assert_eq!(
        reading.warnings,
        vec![UsageWarning::InvalidCost {
            found: "-0.5".into()
        }]
    );
}

#[test]
fn groq_usage_under_x_groq_on_last_chunk() {
    let chunk = r#"{"id":"chatcmpl-a1b2","object":"chat.completion.chunk","created":1730241104,
        "model":"llama-3.1-8b-instant","system_fingerprint":"fp_179b0f92c9",
        "choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],
        "x_groq":{"id":"req_01jbd6g2qdfw2adyrt2az8hz4w",
                  "usage":{"queue_time":0.018393,"prompt_tokens":24,"prompt_time":0.000281,
                           "completion_tokens":7,"completion_time":0.009333,
                           "total_tokens":31,"total_time":0.009614}}}"#;
    let reading = find_usage_str(chunk).unwrap();
    assert!(reading.warnings.is_empty(), "{:?}", reading.warnings);
    assert_eq!(reading.usage, Some(Usage::new(24, 7)));
    let value: serde_json::Value = serde_json::from_str(chunk).unwrap();
    assert_eq!(find_usage(&value).usage, Some(Usage::new(24, 7)));
}

#[test]
fn groq_chunk_without_usage_is_not_reported() {
    let chunk = r#"{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"}}],
        "x_groq":{"id":"req_1"}}"#;
    assert_eq!(find_usage_str(chunk).unwrap().usage, None);
}

#[test]
fn usage_field_wins_over_x_groq() {
    let response = json!({
        "usage": {"prompt_tokens": 1, "completion_tokens": 2},
        "x_groq": {"usage": {"prompt_tokens": 3, "completion_tokens": 4}}
    });
    assert_eq!(find_usage(&response).usage, Some(Usage::new(1, 2)));
}

#[test]
fn xai_text_tokens_are_ignored() {
    let usage = json!({
        "prompt_tokens": 32, "completion_tokens": 9, "total_tokens": 135,
        "prompt_tokens_details": {"text_tokens": 32, "audio_tokens": 0, "image_tokens": 0, "cached_tokens": 6},
        "completion_tokens_details": {"reasoning_tokens": 94, "audio_tokens": 0,
            "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0},
        "num_sources_used": 0
    });
    let reading = read_usage(&usage);
    let usage = reading.usage.unwrap();
    assert_eq!(usage.input_total, 32);
    assert_eq!(usage.cache_read, 6);
    // xAI's reasoning count above completion_tokens is clamped (and warned about).
    assert_eq!(usage.reasoning, 9);
    assert_eq!(
        reading.warnings,
        vec![UsageWarning::PartClamped {
            part: "reasoning",
            limit: "output_total",
            reported: 94,
            clamped_to: 9
        }]
    );
}

#[test]
fn missing_usage_is_not_reported_not_zero() {
    let response = json!({
        "id": "x", "object": "chat.completion",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}]
    });
    let reading = find_usage(&response);
    assert_eq!(reading.usage, None);
    assert!(!reading.is_reported());
    assert!(reading.warnings.is_empty());
    assert_eq!(find_usage_str(&response.to_string()).unwrap().usage, None);
}

#[test]
fn zero_usage_is_reported_as_zero() {
    let reading =
        read_usage(&json!({"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}));
    assert_eq!(reading.usage, Some(Usage::new(0, 0)));
}

#[test]
fn empty_usage_object_is_not_reported() {
    let reading = read_usage(&json!({"total_tokens": 5}));
    assert_eq!(reading.usage, None);
    assert_eq!(reading.warnings, vec![UsageWarning::NoTokenCounts]);
}

#[test]
fn usage_that_is_not_an_object_is_not_reported() {
    let reading = read_usage(&json!("lots"));
    assert_eq!(reading.usage, None);
    assert_eq!(
        reading.warnings[0].to_string(),
        "usage is a string, not a JSON object; usage treated as not reported"
    );
    let reading = find_usage_str("[1, 2]").unwrap();
    assert_eq!(
        reading.warnings[0].to_string(),
        "response is an array, not a JSON object; usage treated as not reported"
    );
}

#[test]
fn cached_above_prompt_is_clamped() {
    let reading = read_usage(&json!({
        "prompt_tokens": 100, "completion_tokens": 10,
        "prompt_tokens_details": {"cached_tokens": 150}
    }));
    assert_eq!(reading.usage.unwrap().cache_read, 100);
    assert_eq!(
        reading.warnings[0].to_string(),
        "usage part `cache_read` (150) exceeds input_total (100); clamped to 100"
    );
}

#[test]
fn null_negative_float_and_string_counts_are_repaired() {
    let reading = read_usage(&json!({
        "prompt_tokens": "120",
        "completion_tokens": 30.0,
        "prompt_tokens_details": {"cached_tokens": -5, "audio_tokens": null},
        "completion_tokens_details": {"reasoning_tokens": 2.5}
    }));
    assert_eq!(reading.usage, Some(Usage::new(120, 30)));
    let messages: Vec<String> = reading.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        vec![
            "usage field `prompt_tokens` is \"120\", not a token count; read as 120",
            "usage field `completion_tokens` is 30.0, not a token count; read as 30",
            "usage field `prompt_tokens_details.cached_tokens` is -5, not a token count; read as 0",
            "usage field `completion_tokens_details.reasoning_tokens` is 2.5, not a token count; ignored",
            "usage field `prompt_tokens_details.audio_tokens` is null, not a token count; ignored",
        ]
    );
}

#[test]
fn null_detail_objects_are_absent_without_warning() {
    let reading = read_usage(&json!({
        "prompt_tokens": 5, "completion_tokens": 6,
        "prompt_tokens_details": null, "completion_tokens_details": null
    }));
    assert_eq!(reading.usage, Some(Usage::new(5, 6)));
    assert!(reading.warnings.is_empty());
}

#[test]
fn detail_that_is_not_an_object_is_warned_once() {
    let reading = read_usage(
        &json!({"prompt_tokens": 5, "completion_tokens": 6, "prompt_tokens_details": 7}),
    );
    assert_eq!(reading.usage, Some(Usage::new(5, 6)));
    assert_eq!(reading.warnings.len(), 1);
}

#[test]
fn huge_counts_do_not_panic() {
    let reading = read_usage_str(
        r#"{"prompt_tokens": 99999999999999999999999, "completion_tokens": 18446744073709551615,
            "prompt_tokens_details": {"cached_tokens": 1e300}}"#,
    )
    .unwrap();
    let usage = reading.usage.unwrap();
    assert_eq!(usage.input_total, 0);
    assert_eq!(usage.output_total, u64::MAX);
    assert_eq!(reading.warnings.len(), 2);
}

#[test]
fn conflicting_cache_counts_use_the_openai_field() {
    let reading = read_usage(&json!({
        "prompt_tokens": 100, "completion_tokens": 1,
        "prompt_tokens_details": {"cached_tokens": 40},
        "cache_read_input_tokens": 50
    }));
    assert_eq!(reading.usage.unwrap().cache_read, 40);
    assert_eq!(
        reading.warnings[0].to_string(),
        "usage fields disagree: `prompt_tokens_details.cached_tokens` is 40 but `cache_read_input_tokens` is 50; using `prompt_tokens_details.cached_tokens`"
    );
}

#[test]
fn zero_cached_tokens_lose_to_deepseek_cache_hits() {
    let reading = read_usage(&json!({
        "prompt_tokens": 100, "completion_tokens": 1,
        "prompt_tokens_details": {"cached_tokens": 0},
        "prompt_cache_hit_tokens": 80, "prompt_cache_miss_tokens": 20
    }));
    assert_eq!(reading.usage.unwrap().cache_read, 80);
    assert_eq!(reading.warnings, []);
}

#[test]
fn zero_in_every_cache_field_is_zero() {
    let reading = read_usage(&json!({
        "prompt_tokens": 100, "completion_tokens": 1,
        "prompt_tokens_details": {"cached_tokens": 0},
        "cache_read_input_tokens": 0
    }));
    assert_eq!(reading.usage.unwrap().cache_read, 0);
    assert_eq!(reading.warnings, []);
}

#[test]
fn zero_reasoning_tokens_lose_to_the_responses_field() {
    let reading = read_usage(&json!({
        "prompt_tokens": 10, "completion_tokens": 50,
        "completion_tokens_details": {"reasoning_tokens": 0},
        "output_tokens_details": {"reasoning_tokens": 30}
    }));
    assert_eq!(reading.usage.unwrap().reasoning, 30);
    assert_eq!(reading.warnings, []);
}

#[test]
fn invalid_json_text_is_an_error() {
    let error = read_usage_str("{\"prompt_tokens\": ").unwrap_err();
    assert!(matches!(error, PriceError::InvalidUsageJson { .. }));
    assert!(
        error
            .to_string()
            .starts_with("the usage is not valid JSON: EOF while parsing")
    );
    assert!(find_usage_str("not json").is_err());
}
